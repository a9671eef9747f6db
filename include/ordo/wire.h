/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo wire format: the one definition of every packet the ring protocol
 * puts on the network. Shared by the engine, the dataplane, the simulator
 * and the tools; nothing else may describe these bytes.
 *
 * Every multi-byte field is in network byte order. Structures are packed by
 * construction (explicit padding, natural alignment) and checked with
 * static_assert, so the same header compiles to the same layout everywhere.
 * A packet is:
 *
 *   struct ordo_wire_hdr            common header, names type and length
 *   struct ordo_wire_data           DATA:  ring sequence + token round
 *     struct ordo_wire_rec + bytes    ... nrec packed message records
 *   struct ordo_wire_token          TOKEN: ordering state of the ring
 *     uint64_t rtr[rtr_count]         ... retransmission requests
 *
 * The Ethernet (EtherType ORDO_ETHERTYPE) or UDP encapsulation that carries
 * these bytes belongs to the dataplane; the engine sees only what is above.
 */
#ifndef ORDO_WIRE_H
#define ORDO_WIRE_H

#include <assert.h>
#include <stdint.h>

#define ORDO_WIRE_MAGIC   0x4f52u /* "OR" */
#define ORDO_WIRE_VERSION 1u
/* IEEE 802 "local experimental" EtherType 1: ours on a dedicated LAN. */
#define ORDO_ETHERTYPE    0x88b5u

/* Smallest and largest protocol packet (the L2 payload) we accept. */
#define ORDO_WIRE_MIN_MTU 576u
#define ORDO_WIRE_MAX_MTU 9216u

/* Retransmission requests carried by one token. Bounded so a token always
 * fits in the smallest MTU; requests beyond it wait for the next rotation. */
#define ORDO_WIRE_RTR_MAX 60u

/* Largest ring: node indexes fit a byte and member lists fit a token. */
#define ORDO_MAX_MEMBERS 16u

enum ordo_pkt_type {
	ORDO_PKT_DATA  = 1, /* multicast: ordered messages */
	ORDO_PKT_TOKEN = 2, /* unicast to the successor: the ring's token */
	ORDO_PKT_TYPE_MAX
};

/* Common header of every packet (24 bytes). */
struct ordo_wire_hdr {
	uint16_t magic;       /* ORDO_WIRE_MAGIC */
	uint8_t  version;     /* ORDO_WIRE_VERSION */
	uint8_t  type;        /* enum ordo_pkt_type */
	uint32_t config_hash; /* identity of the configuration; must match ours */
	uint32_t sender;      /* node id that built this packet (kept on retransmit) */
	uint32_t len;         /* whole packet length in bytes, header included */
	uint32_t ring_rep;    /* ring id: representative's node id ... */
	uint32_t ring_seq;    /* ... and the ring's sequence number */
};
static_assert(sizeof(struct ordo_wire_hdr) == 24, "wire header layout");

/* DATA packet body (16 bytes), followed by nrec records. */
struct ordo_wire_data {
	uint64_t seq;   /* position in the ring's total order */
	uint32_t round; /* token_seq (low 32 bits) of the visit that sent it */
	uint16_t nrec;  /* message records that follow */
	uint8_t  flags; /* ORDO_DATA_F_* */
	uint8_t  pad;   /* zero */
};
static_assert(sizeof(struct ordo_wire_data) == 16, "data layout");

/* The packet holds at least one SAFE record: deliver it only once stable. */
#define ORDO_DATA_F_SAFE 0x01u

/* One message (or fragment of one) inside a DATA packet (8 bytes), followed
 * by len payload bytes; the next record starts right after, unaligned. */
struct ordo_wire_rec {
	uint32_t len;      /* payload bytes of this record */
	uint16_t msg_type; /* application's message type, carried opaquely */
	uint8_t  service;  /* enum ordo_service */
	uint8_t  flags;    /* ORDO_REC_F_*: whole = FIRST|LAST, middle = 0 */
};
static_assert(sizeof(struct ordo_wire_rec) == 8, "record layout");

#define ORDO_REC_F_FIRST 0x01u
#define ORDO_REC_F_LAST  0x02u
#define ORDO_REC_F_WHOLE (ORDO_REC_F_FIRST | ORDO_REC_F_LAST)

/* TOKEN body (48 bytes), followed by rtr_count 64-bit sequence numbers.
 * The token names its destination so a dataplane that has not yet learned
 * the successor's address may multicast it; others drop it. */
struct ordo_wire_token {
	uint64_t token_seq; /* +1 at every pass: duplicates are rejected */
	uint64_t seq;       /* highest sequence number assigned on the ring */
	uint64_t aru;       /* all-received-up-to, lowered by any member behind */
	uint32_t aru_id;    /* member that last lowered aru, 0 if none */
	uint32_t fcc;       /* packets multicast during the last rotation */
	uint32_t backlog;   /* packets waiting at all members (fairness) */
	uint32_t dest;      /* node id of the member this token is for */
	uint16_t rtr_count; /* retransmission requests that follow */
	uint16_t pad16;     /* zero */
	uint32_t pad32;     /* zero */
};
static_assert(sizeof(struct ordo_wire_token) == 48, "token layout");

#define ORDO_WIRE_TOKEN_MAX_LEN                                                 \
	(sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_token) +        \
	 ORDO_WIRE_RTR_MAX * sizeof(uint64_t))
static_assert(ORDO_WIRE_TOKEN_MAX_LEN <= ORDO_WIRE_MIN_MTU, "token fits");

/* Service types, ordered by strength. Values are wire values. */
enum ordo_service {
	ORDO_SVC_UNRELIABLE = 1,
	ORDO_SVC_RELIABLE   = 2,
	ORDO_SVC_FIFO       = 3,
	ORDO_SVC_CAUSAL     = 4,
	ORDO_SVC_AGREED     = 5,
	ORDO_SVC_SAFE       = 6,
};

#endif /* ORDO_WIRE_H */
