/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The simulator's event queue: a binary min-heap ordered by (time,
 * insertion counter). The counter breaks ties between events at the same
 * nanosecond in the order they were scheduled, so a run never depends on
 * heap internals and a seed replays exactly.
 */
#ifndef SIM_EVQ_H
#define SIM_EVQ_H

#include <stdbool.h>
#include <stdint.h>

struct pktbuf;

enum ev_kind {
	EV_RX = 1,  /* a packet arrives at node */
	EV_TICK,    /* node's engine asked for a tick at this time */
	EV_SUBMIT,  /* node's workload has messages due */
	EV_FAULT,   /* the fault schedule acts; node is the step's index */
	EV_WAKE,    /* node runs again after an off part of a slow spell */
};

struct ev {
	uint64_t time;
	uint64_t order;      /* insertion counter: ties break by it */
	struct pktbuf *pkt;  /* EV_RX: the bytes (one reference) */
	uint32_t node;       /* index into the simulation's nodes */
	uint8_t kind;        /* enum ev_kind */
};

struct evq {
	struct ev *heap;
	uint32_t n, cap;
	uint64_t next_order;
};

void evq_init(struct evq *q);
void evq_fini(struct evq *q);
/* Forget all events (their packets are the caller's to release first). */
void evq_clear(struct evq *q);
/* Returns 0 or -ENOMEM. */
int evq_push(struct evq *q, uint64_t time, uint8_t kind, uint32_t node,
	     struct pktbuf *pkt);
/* Remove the earliest event into *out; false when empty. */
bool evq_pop(struct evq *q, struct ev *out);

static inline const struct ev *evq_peek(const struct evq *q)
{
	return q->n ? &q->heap[0] : 0;
}

#endif /* SIM_EVQ_H */
