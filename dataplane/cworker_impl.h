/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What cworker.c (the hand-off, the loop) and cworker_submit.c (the
 * submissions) share. Nothing else includes this.
 */
#ifndef ORDO_DP_CWORKER_IMPL_H
#define ORDO_DP_CWORKER_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/cworker.h"

#define NAME ORDO_CR_NAME_LEN

/* A submission, worker -> ring lcore: the gateway's view, then (unless
 * gathered: in the client's reassembly buffer) the names and payload. */
struct cw_sub {
	struct dp_gw_sub s;
	uint8_t *heap;             /* the names past the item's room, or NULL */
	bool     gathered;         /* in the client's msg: clear w_busy */
	bool     in_place;         /* payload in the submit ring, up to end */
	uint64_t end;              /* the reader's position after it */
	uint8_t var[] __attribute__((aligned(8)));
};

#define SUB_ROOM (DP_CW_SUB_SIZE - offsetof(struct cw_sub, var))

/* A heap block for what does not fit an item; memory running out is
 * waited for, counted in *waits (cworker.c). */
uint8_t *cw_heap(struct dp_cw *cw, size_t need, uint64_t *waits,
		 bool ring_side);

/* cworker.c: SlowConsumer = block with several workers
 * (cworkers.c): a message with no receiver here, handed anyway so this
 * worker's count of hand-offs written (the room it publishes, done_n)
 * moves with every other worker's. No frame, no names, no payload. */
void cw_fan_tick(struct dp_cw *cw, const struct ordo_groups_msg *m);

/* cworker_submit.c */
int cw_fan_take(void *ctx, struct dp_gw_sub *s);
void cw_fan_done(void *ctx, struct dp_gw_sub *s);
/* The clients whose submit rings the worker reads (open, close). */
void cw_rd_add(struct dp_cw *cw, uint32_t slot);
void cw_rd_remove(struct dp_cw *cw, uint32_t slot);
/* One turn over every client's submit ring; returns the records read. */
unsigned cw_serve_all(struct dp_cw *cw);

#endif /* ORDO_DP_CWORKER_IMPL_H */
