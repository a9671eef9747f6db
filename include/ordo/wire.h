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
 *   struct ordo_wire_join           JOIN: a member's view while gathering
 *     uint32_t ids[n_proc + n_fail + n_heard + n_out]
 *                                     ... its proc, fail, heard and out sets
 *   struct ordo_wire_commit         COMMIT: the new ring's membership
 *     struct ordo_wire_memb[n_memb]   ... one entry per member
 *   struct ordo_wire_beacon         BEACON: "this ring exists", for merges
 *
 * The Ethernet (EtherType ORDO_ETHERTYPE) or UDP encapsulation that carries
 * these bytes belongs to the dataplane; the engine sees only what is above.
 */
#ifndef ORDO_WIRE_H
#define ORDO_WIRE_H

#include <assert.h>
#include <stdint.h>

#define ORDO_WIRE_MAGIC   0x4f52u /* "OR" */
/* Reserved: the dataplane's station announcements ("OA", dataplane/l2.h)
 * travel in the same framing and never reach the engine. */
#define ORDO_WIRE_MAGIC_ANNOUNCE 0x4f41u
/* 2: joins carry the members their sender holds out for flapping, tokens
 * and beacons the ring's union of them (issue 12). */
#define ORDO_WIRE_VERSION 2u
/* IEEE 802 "local experimental" EtherType 1: ours on a dedicated LAN. */
#define ORDO_ETHERTYPE    0x88b5u

/* Smallest and largest protocol packet (the L2 payload) we accept. */
#define ORDO_WIRE_MIN_MTU 1024u
#define ORDO_WIRE_MAX_MTU 9216u

/* Retransmission requests carried by one token. Bounded so a token always
 * fits in the smallest MTU; requests beyond it wait for the next rotation. */
#define ORDO_WIRE_RTR_MAX 60u

/* Ring sequence numbers grow by one per ring formed; above this they are
 * corrupt (and would wrap the next ring's number to zero). */
#define ORDO_RING_SEQ_MAX 0x7fffffffu

/* Largest ring: node indexes fit a byte and member lists fit a token. */
#define ORDO_MAX_MEMBERS 16u

enum ordo_pkt_type {
	ORDO_PKT_DATA   = 1, /* multicast: ordered messages */
	ORDO_PKT_TOKEN  = 2, /* unicast to the successor: the ring's token */
	ORDO_PKT_JOIN   = 3, /* multicast: membership view while gathering */
	ORDO_PKT_COMMIT = 4, /* unicast around the new ring: commit token */
	ORDO_PKT_BEACON = 5, /* multicast by a ring member: merge detection */
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
	/* Members held out for flapping (bit i: the i-th configured member;
	 * equal configuration hashes make the lists equal): out_acc gathers
	 * every holder's own set during a rotation, out_ring is the union of
	 * the last complete rotation (the representative moves one to the
	 * other and starts out_acc afresh). */
	uint16_t out_acc;
	uint16_t out_ring;
	uint16_t pad16;     /* zero */
};
static_assert(sizeof(struct ordo_wire_token) == 48, "token layout");
static_assert(ORDO_MAX_MEMBERS <= 16, "token's member masks are 16 bits");

#define ORDO_WIRE_TOKEN_MAX_LEN                                                 \
	(sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_token) +        \
	 ORDO_WIRE_RTR_MAX * sizeof(uint64_t))
static_assert(ORDO_WIRE_TOKEN_MAX_LEN <= ORDO_WIRE_MIN_MTU, "token fits");

/* JOIN body (16 bytes), followed by n_proc, n_fail, n_heard, then n_out
 * node ids. The header's ring id is the sender's last installed ring. proc
 * and fail are merged views (Totem); heard is direct evidence: the members
 * the sender itself received joins, tokens or beacons from lately; out the
 * members it holds out for flapping (lost twice lately, not yet stable):
 * every member leaves out the union of what the members it hears hold
 * out. The sender itself in out: its own link flaps, it holds itself out
 * (engine/flap.c); the same in a beacon's out mask. */
struct ordo_wire_join {
	uint32_t incarnation;  /* changes at every restart of the sender */
	uint32_t ring_seq_max; /* highest ring sequence the sender has seen */
	uint8_t  n_proc;       /* members it believes reachable, itself too */
	uint8_t  n_fail;       /* members it believes failed */
	uint8_t  n_heard;      /* members it hears, itself too */
	uint8_t  flags;        /* ORDO_JOIN_F_* */
	uint8_t  n_out;        /* members it holds out for flapping */
	uint8_t  pad8;         /* zero */
	uint16_t pad16;        /* zero */
};
static_assert(sizeof(struct ordo_wire_join) == 16, "join layout");

/* The sender has gathered long enough to have heard every member it can:
 * a member missing from its heard set does not reach it. */
#define ORDO_JOIN_F_MATURE 0x01u

/* One member's entry in the commit token (48 bytes): what it brings from
 * its old ring, so members of the same old ring can finish it together. */
struct ordo_wire_memb {
	uint32_t id;
	uint32_t incarnation;
	uint32_t old_rep;    /* last installed ring (0,0: none) */
	uint32_t old_seq;
	uint64_t old_aru;    /* it holds every old sequence up to here */
	uint64_t old_high;   /* highest old sequence it holds */
	uint64_t old_safe;   /* old sequences it knows stable */
	uint32_t filled;     /* 1 once the member wrote this entry */
	uint32_t pad;        /* zero */
};
static_assert(sizeof(struct ordo_wire_memb) == 48, "commit entry layout");

/* COMMIT body (16 bytes), followed by n_memb entries in ring order. The
 * header's ring id is the new ring's. It travels the ring twice: the first
 * rotation fills the entries, the second starts recovery everywhere. */
struct ordo_wire_commit {
	uint32_t dest;   /* member this copy is for */
	uint16_t hop;    /* +1 at every pass: duplicates are rejected */
	uint8_t  n_memb;
	uint8_t  pad8;   /* zero */
	uint64_t pad64;  /* zero */
};
static_assert(sizeof(struct ordo_wire_commit) == 16, "commit layout");

#define ORDO_WIRE_COMMIT_MAX_LEN                                                \
	(sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_commit) +      \
	 ORDO_MAX_MEMBERS * sizeof(struct ordo_wire_memb))
static_assert(ORDO_WIRE_COMMIT_MAX_LEN <= ORDO_WIRE_MIN_MTU, "commit fits");

#define ORDO_WIRE_JOIN_MAX_LEN                                                  \
	(sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_join) +        \
	 4 * ORDO_MAX_MEMBERS * sizeof(uint32_t))
static_assert(ORDO_WIRE_JOIN_MAX_LEN <= ORDO_WIRE_MIN_MTU, "join fits");

/* BEACON body (8 bytes). The header names the ring. */
struct ordo_wire_beacon {
	uint32_t incarnation;
	uint16_t n_members;
	uint16_t out;      /* members the ring holds out for flapping (bit i:
			    * the i-th configured member): they do not
			    * gather on this ring's packets until it drops
			    * them from this mask */
};
static_assert(sizeof(struct ordo_wire_beacon) == 8, "beacon layout");

/* Service types, ordered by strength. Values are wire values. */
enum ordo_service {
	ORDO_SVC_UNRELIABLE = 1,
	ORDO_SVC_RELIABLE   = 2,
	ORDO_SVC_FIFO       = 3,
	ORDO_SVC_CAUSAL     = 4,
	ORDO_SVC_AGREED     = 5,
	ORDO_SVC_SAFE       = 6,
	/* Engine to engine (recovery traffic); never handed to clients. */
	ORDO_SVC_INTERNAL   = 16,
};

#endif /* ORDO_WIRE_H */
