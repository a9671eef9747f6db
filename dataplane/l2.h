/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The framing ordo packets travel in: the one place that describes the
 * bytes in front of a protocol packet (include/ordo/wire.h describes the
 * packet itself). Two encapsulations:
 *
 *   Ethernet:  [dst mac][src mac][0x88b5] ordo packet
 *   UDP/IPv4:  [dst mac][src mac][0x0800][IPv4, 20 bytes][UDP] ordo packet
 *
 * Destinations: DATA and not-yet-addressable tokens go to the ring's group
 * (a locally administered multicast MAC; under UDP the IPv4 group and its
 * 01:00:5e MAC); a token whose successor's station address was learned goes
 * unicast to it. Every field is in network byte order.
 */
#ifndef ORDO_DP_L2_H
#define ORDO_DP_L2_H

#include <assert.h>
#include <stdint.h>

#include "ordo/wire.h"

#define DP_ETH_ALEN      6u
#define DP_ETH_HDR_LEN   14u
#define DP_IPV4_HDR_LEN  20u
#define DP_UDP_HDR_LEN   8u
#define DP_UDP_ENCAP_LEN (DP_IPV4_HDR_LEN + DP_UDP_HDR_LEN)

#define DP_ETHERTYPE_IPV4 0x0800u

/* Ring group MAC: locally administered (0x02) group (0x01) address, "ordo"
 * in the middle and the ring number last, so rings on one LAN don't see
 * each other's traffic in hardware filters. */
#define DP_GROUP_MAC_INIT(ring)                                                \
	{ 0x03, 0x6f, 0x72, 0x64, 0x6f, (uint8_t)(ring) }

/* UDP encapsulation defaults: Spread's port and an organisation-local
 * (239.192/14) group; the config file's segment overrides both. */
#define DP_UDP_PORT_DEFAULT  4803u
#define DP_UDP_GROUP_DEFAULT 0xefc00001u /* 239.192.0.1 */
#define DP_IPV4_TTL          1u          /* a ring never leaves its LAN */

/* Largest frame we build or accept: an MTU-sized ordo packet in the
 * heaviest encapsulation. Every mbuf must hold one in a single segment. */
#define DP_FRAME_MAX (DP_ETH_HDR_LEN + DP_UDP_ENCAP_LEN + ORDO_WIRE_MAX_MTU)

struct dp_eth_hdr {
	uint8_t  dst[DP_ETH_ALEN];
	uint8_t  src[DP_ETH_ALEN];
	uint16_t type;
} __attribute__((packed));
static_assert(sizeof(struct dp_eth_hdr) == DP_ETH_HDR_LEN, "ethernet header");

struct dp_ipv4_hdr {
	uint8_t  ver_ihl;   /* 0x45: version 4, 5 words, no options */
	uint8_t  tos;
	uint16_t total_len;
	uint16_t id;
	uint16_t frag;      /* DF set, never fragmented: MTU is enforced */
	uint8_t  ttl;
	uint8_t  proto;     /* 17 */
	uint16_t csum;
	uint32_t src;
	uint32_t dst;
} __attribute__((packed));
static_assert(sizeof(struct dp_ipv4_hdr) == DP_IPV4_HDR_LEN, "ipv4 header");

struct dp_udp_hdr {
	uint16_t sport;
	uint16_t dport;
	uint16_t len;
	uint16_t csum; /* 0: none (IPv4 allows it; ordo packets aren't trusted) */
} __attribute__((packed));
static_assert(sizeof(struct dp_udp_hdr) == DP_UDP_HDR_LEN, "udp header");

/* Where the ordo common header's sender field sits, for address learning
 * before the engine has looked at the packet. */
#define DP_ORDO_SENDER_OFF 8u
static_assert(__builtin_offsetof(struct ordo_wire_hdr, sender) ==
	      DP_ORDO_SENDER_OFF, "sender offset");
#define DP_ORDO_TYPE_OFF 3u
static_assert(__builtin_offsetof(struct ordo_wire_hdr, type) ==
	      DP_ORDO_TYPE_OFF, "type offset");
#define DP_ORDO_TOKEN_DEST_OFF                                                 \
	(sizeof(struct ordo_wire_hdr) +                                        \
	 __builtin_offsetof(struct ordo_wire_token, dest))

/* Station announcement, the ARP of a ring: "node id, ring, configuration,
 * and I am at this frame's source". Multicast to the ring's group when the
 * agent starts, when a port's link comes up, once a second, and in answer
 * to a member we did not know yet, so every member learns every other
 * member's station before the first token is unicast, even one whose
 * tokens it never sees (peers.h). Same framing as protocol packets, told
 * apart by its magic, which is not ORDO_WIRE_MAGIC: the dataplane consumes
 * announcements and the engine never sees one. */
#define DP_ANNOUNCE_MAGIC   ORDO_WIRE_MAGIC_ANNOUNCE /* "OA", reserved in wire.h */
#define DP_ANNOUNCE_VERSION 1u
#define DP_ANNOUNCE_LEN     46u     /* pads the frame to Ethernet's 60 bytes */

struct dp_announce {
	uint16_t magic;       /* DP_ANNOUNCE_MAGIC */
	uint8_t  version;     /* DP_ANNOUNCE_VERSION */
	uint8_t  ring_no;
	uint32_t config_hash; /* as in ordo_wire_hdr */
	uint32_t node_id;
	uint32_t flags;       /* zero */
};
static_assert(sizeof(struct dp_announce) == 16, "announce layout");
static_assert(sizeof(struct dp_announce) <= DP_ANNOUNCE_LEN, "announce fits");
static_assert(DP_ANNOUNCE_MAGIC != ORDO_WIRE_MAGIC, "announce is not ordo");
static_assert(__builtin_offsetof(struct dp_announce, magic) ==
	      __builtin_offsetof(struct ordo_wire_hdr, magic), "magic first");

#endif /* ORDO_DP_L2_H */
