/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The wire tap: what each node holds, learned from the packets themselves
 * rather than from the engine's word, so the checker can judge SAFE
 * delivery ("every member held the message before anyone delivered it").
 *
 * It reads every DATA packet a node sends and every one a node accepts:
 *   - the first transmission of ring sequence s comes from its originator
 *     (the header's sender) and fixes s's bytes; any later transmission
 *     (a retransmission, by anyone) must be byte-identical;
 *   - the originator's first transmissions, in order, are its fragment
 *     stream: a message is FIRST ... LAST records, never interleaved with
 *     another of the same sender. The tap reads each message's identity
 *     from the payload header in its first bytes and records in the plan
 *     the first and last sequence that carried it;
 *   - a node holds s from the moment it sends s, or accepts a packet with
 *     sequence s (ordo_engine_rx() returned 0). A copy the engine dropped
 *     does not count: holding is judged strictly.
 * Anything on the wire that contradicts the format or this history is a
 * CHK_WIRE violation.
 */
#ifndef SIM_TAP_H
#define SIM_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "payload.h"
#include "report.h"
#include "workload.h"

/* Highest ring sequence the tap follows; far above any simulated run. */
#define TAP_MAX_SEQ (1ull << 26)

struct tap_seq {
	uint64_t digest;     /* of the first transmission */
	uint32_t origin;     /* header sender of the first transmission */
	uint32_t len;
	bool seen;
};

/* An originator's fragment stream: the message in progress. */
struct tap_stream {
	bool open;                    /* between a FIRST and its LAST */
	int32_t msg;                  /* plan index once identified */
	uint64_t first_seq;
	uint32_t got;                 /* header bytes gathered so far */
	uint8_t hdr[PAYLOAD_HDR_LEN]; /* in case a first fragment is tiny */
};

struct tap {
	struct plan *plan;
	uint32_t n_nodes;
	struct tap_seq *seq;                   /* by sequence */
	uint64_t *hold[ORDO_MAX_MEMBERS];      /* [node][seq]: first held */
	uint64_t cap;                          /* entries in seq and hold[] */
	uint64_t max_seq;                      /* highest seen */
	struct tap_stream stream[ORDO_MAX_MEMBERS];
	struct report wire;                    /* CHK_WIRE findings */
};

void tap_init(struct tap *t);
void tap_fini(struct tap *t);
void tap_reset(struct tap *t, struct plan *plan, uint32_t n_nodes);

/* Node index i sent pkt at now (dest does not matter: only DATA is read). */
void tap_sent(struct tap *t, uint32_t i, const void *pkt, uint32_t len,
	      uint64_t now);
/* Node index i was given pkt at now and ordo_engine_rx() returned rc. */
void tap_received(struct tap *t, uint32_t i, const void *pkt, uint32_t len,
		  uint64_t now, int rc);

/* When node index i first held sequence s, or UINT64_MAX. */
static inline uint64_t tap_held_at(const struct tap *t, uint32_t i,
				   uint64_t s)
{
	return s < t->cap ? t->hold[i][s] : UINT64_MAX;
}

#endif /* SIM_TAP_H */
