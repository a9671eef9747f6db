/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Build and parse the framing of l2.h around an ordo packet. Hot path:
 * inline, no allocation, no branches on anything but the frame. The framer
 * holds what is fixed for a run (encapsulation, group, our addresses) so a
 * frame costs a few stores.
 */
#ifndef ORDO_DP_FRAME_H
#define ORDO_DP_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/counters.h"
#include "dataplane/l2.h"

struct dp_framer {
	bool     udp;                    /* UDP/IPv4, else raw Ethernet */
	uint8_t  group_mac[DP_ETH_ALEN]; /* ring group (derived from group_ip under UDP) */
	uint16_t ethertype_be;           /* ORDO_ETHERTYPE or IPv4 */
	uint32_t my_ip_be;               /* UDP: our address */
	uint32_t group_ip_be;            /* UDP: the ring's group */
	uint16_t udp_port_be;            /* UDP: source and destination port */
	uint16_t ip_id;                  /* UDP: IPv4 id, host order, wraps */
};

/* Set up for raw Ethernet on ring number ring, or UDP when udp is true
 * (addresses and port in host order). */
void dp_framer_init(struct dp_framer *f, bool udp, uint8_t ring,
		    uint32_t my_ip, uint32_t group_ip, uint16_t udp_port);

static inline uint32_t dp_frame_hdr_len(const struct dp_framer *f)
{
	return DP_ETH_HDR_LEN + (f->udp ? DP_UDP_ENCAP_LEN : 0);
}

static inline uint16_t dp_ipv4_csum(const struct dp_ipv4_hdr *ip)
{
	const uint8_t *b = (const uint8_t *)ip;
	uint32_t sum = 0;

	for (unsigned i = 0; i < DP_IPV4_HDR_LEN; i += 2) {
		uint16_t w;

		memcpy(&w, b + i, 2);
		sum += w;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Write the headers for a payload of plen bytes into buf (which has
 * dp_frame_hdr_len() bytes). dst_ip_be is used under UDP only. */
static inline void dp_frame_write(struct dp_framer *f, uint8_t *buf,
				  const uint8_t *dst_mac, const uint8_t *src_mac,
				  uint32_t dst_ip_be, uint32_t plen)
{
	struct dp_eth_hdr *eth = (struct dp_eth_hdr *)(void *)buf;

	memcpy(eth->dst, dst_mac, DP_ETH_ALEN);
	memcpy(eth->src, src_mac, DP_ETH_ALEN);
	eth->type = f->ethertype_be;
	if (!f->udp)
		return;

	struct dp_ipv4_hdr *ip = (struct dp_ipv4_hdr *)(void *)(buf + DP_ETH_HDR_LEN);
	struct dp_udp_hdr *udp = (struct dp_udp_hdr *)(void *)(ip + 1);

	ip->ver_ihl = 0x45;
	ip->tos = 0;
	ip->total_len = __builtin_bswap16((uint16_t)(plen + DP_UDP_ENCAP_LEN));
	ip->id = __builtin_bswap16(f->ip_id++);
	ip->frag = __builtin_bswap16(0x4000); /* DF */
	ip->ttl = DP_IPV4_TTL;
	ip->proto = 17;
	ip->csum = 0;
	ip->src = f->my_ip_be;
	ip->dst = dst_ip_be;
	ip->csum = dp_ipv4_csum(ip);
	udp->sport = f->udp_port_be;
	udp->dport = f->udp_port_be;
	udp->len = __builtin_bswap16((uint16_t)(plen + DP_UDP_HDR_LEN));
	udp->csum = 0;
}

/* What a received frame carries, when it is ours. */
struct dp_frame_view {
	const uint8_t *pkt;      /* the ordo packet */
	uint32_t       len;
	const uint8_t *src_mac;
	uint32_t       src_ip_be; /* UDP only, else 0 */
};

/* Parse a frame of len bytes. Returns 0 and fills v, or a negative
 * enum dp_drop. my_mac is the receiving port's address. */
static inline int dp_frame_parse(const struct dp_framer *f, const uint8_t *buf,
				 uint32_t len, const uint8_t *my_mac,
				 struct dp_frame_view *v)
{
	const struct dp_eth_hdr *eth = (const struct dp_eth_hdr *)(const void *)buf;

	if (len < DP_ETH_HDR_LEN)
		return -DP_DROP_RUNT;
	if (eth->type != f->ethertype_be)
		return -DP_DROP_NOT_ORDO;
	if (memcmp(eth->src, my_mac, DP_ETH_ALEN) == 0)
		return -DP_DROP_FROM_SELF;
	v->src_mac = eth->src;
	if (!f->udp) {
		v->pkt = buf + DP_ETH_HDR_LEN;
		v->len = len - DP_ETH_HDR_LEN;
		v->src_ip_be = 0;
		return 0;
	}

	const struct dp_ipv4_hdr *ip =
		(const struct dp_ipv4_hdr *)(const void *)(buf + DP_ETH_HDR_LEN);
	const struct dp_udp_hdr *udp = (const struct dp_udp_hdr *)(const void *)(ip + 1);

	if (len < DP_ETH_HDR_LEN + DP_UDP_ENCAP_LEN)
		return -DP_DROP_RUNT;
	if (ip->proto != 17)
		return -DP_DROP_NOT_ORDO;
	if (ip->ver_ihl != 0x45 || (ip->frag & __builtin_bswap16(0x3fff)) != 0)
		return -DP_DROP_BAD_IP;
	if (udp->dport != f->udp_port_be)
		return -DP_DROP_NOT_ORDO;
	if (ip->src == f->my_ip_be)
		return -DP_DROP_FROM_SELF;

	uint32_t udp_len = __builtin_bswap16(udp->len);

	if (udp_len < DP_UDP_HDR_LEN ||
	    udp_len > len - DP_ETH_HDR_LEN - DP_IPV4_HDR_LEN)
		return -DP_DROP_RUNT;
	v->pkt = (const uint8_t *)(udp + 1);
	v->len = udp_len - DP_UDP_HDR_LEN;
	v->src_ip_be = ip->src;
	return 0;
}

#endif /* ORDO_DP_FRAME_H */
