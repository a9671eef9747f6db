/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The wire tap: what each process holds, learned from the packets
 * themselves rather than from the engine's word, so the checker can judge
 * SAFE delivery ("every member held the message before anyone delivered
 * it") and in which ring each message was sent.
 *
 * Sequence numbers belong to a ring: the tap keeps one table per ring id
 * (the DATA header's ring_rep/ring_seq). It reads every DATA packet a
 * process sends and every one a process accepts:
 *   - the first transmission of (ring, s) comes from its originator (the
 *     header's sender) and fixes its bytes; any later transmission (a
 *     retransmission, by anyone) must be byte-identical;
 *   - a process's first transmissions of client records, in order, are its
 *     fragment stream in its current ring: a message is FIRST ... LAST
 *     records, never interleaved with another of the same sender. When the
 *     process moves to another ring, an unfinished message is abandoned
 *     (the engine sends it again, whole, in the new ring). The tap reads
 *     each message's identity from the payload header in its first bytes
 *     and records in the plan the ring it was sent whole in and the first
 *     and last sequence that carried it: its send configuration;
 *   - INTERNAL records are the engine's own (recovery): each complete
 *     INTERNAL message that is itself a DATA packet is an old ring's packet
 *     carried into the new ring, and must be byte-identical to that
 *     packet's first transmission;
 *   - a process holds (ring, s) from the moment it sends it, or accepts a
 *     packet with it (ordo_engine_rx() returned 0). A copy the engine
 *     dropped does not count: holding is judged strictly.
 * Anything on the wire that contradicts the format or this history is a
 * CHK_WIRE violation.
 */
#ifndef SIM_TAP_H
#define SIM_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/sim/payload.h"
#include "tests/sim/report.h"
#include "tests/sim/simlog.h"
#include "tests/sim/workload.h"

/* Highest ring sequence the tap follows; far above any simulated run. */
#define TAP_MAX_SEQ (1ull << 26)

struct tap_seq {
	uint64_t digest;     /* of the first transmission */
	uint32_t origin;     /* header sender of the first transmission */
	uint32_t len;
	bool seen;
};

/* One ring's sequence space. */
struct tap_ring {
	uint32_t rep, seq;
	struct tap_seq *seqs;            /* by sequence */
	uint64_t *hold[SIM_MAX_PROCS];   /* [proc][seq]: first held; NULL:
					  * that process held nothing yet */
	uint64_t cap;                    /* entries in seqs and hold[] */
	uint64_t max_seq;                /* highest seen */
};

/* A process's first transmissions in its current ring. */
struct tap_stream {
	int32_t ring;                 /* tap ring index, -1 before any */
	/* Client messages. */
	bool open;                    /* between a FIRST and its LAST */
	int32_t msg;                  /* plan index once identified */
	uint64_t first_seq;
	uint32_t got;                 /* header bytes gathered so far */
	uint8_t hdr[PAYLOAD_HDR_LEN]; /* in case a first fragment is tiny */
	/* INTERNAL messages, reassembled to read the packets they carry. */
	bool iopen, ibad;
	uint32_t ilen;
	uint8_t *ibuf;                /* ORDO_WIRE_MAX_MTU bytes */
};

struct tap {
	struct plan *plan;
	/* Messages are not the plan's (--groups: group messages, judged by
	 * the group checker): not identified, sizes not judged. */
	bool opaque;
	uint32_t n_nodes;
	uint32_t proc_node[SIM_MAX_PROCS]; /* node id of each process */
	struct tap_ring *rings;
	uint32_t n_rings, cap_rings;
	struct tap_stream stream[SIM_MAX_PROCS];
	uint64_t carried;                  /* old packets seen in recovery */
	struct report wire;                /* CHK_WIRE findings */
};

void tap_init(struct tap *t);
void tap_fini(struct tap *t);
void tap_reset(struct tap *t, struct plan *plan, uint32_t n_nodes);

/* Process index proc is an incarnation of node id node. */
void tap_proc(struct tap *t, uint32_t proc, uint32_t node);

/* Process proc sent pkt at now (dest does not matter: only DATA is read). */
void tap_sent(struct tap *t, uint32_t proc, const void *pkt, uint32_t len,
	      uint64_t now);
/* Process proc was given pkt at now and ordo_engine_rx() returned rc. */
void tap_received(struct tap *t, uint32_t proc, const void *pkt,
		  uint32_t len, uint64_t now, int rc);

/* The ring with this id, or NULL if no DATA of it was ever sent. */
const struct tap_ring *tap_ring_find(const struct tap *t, uint32_t rep,
				     uint32_t seq);

/* When process proc first held sequence s of ring r, or UINT64_MAX. */
static inline uint64_t tap_held_at(const struct tap_ring *r, uint32_t proc,
				   uint64_t s)
{
	if (r == NULL || s >= r->cap || proc >= SIM_MAX_PROCS ||
	    r->hold[proc] == NULL)
		return UINT64_MAX;
	return r->hold[proc][s];
}

#endif /* SIM_TAP_H */
