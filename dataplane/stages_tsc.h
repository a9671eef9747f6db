/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Stage boundaries (stages.h) for a poll loop that reads the TSC itself:
 * the ring lcore (ring.c) and the crypto/io worker (worker_io.c). A TSC
 * read on a timed turn, a predicted branch on the others.
 */
#ifndef ORDO_DP_STAGES_TSC_H
#define ORDO_DP_STAGES_TSC_H

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>

#include "dataplane/stages.h"

/* Enter stage; returns the one to go back to (dp_stage_out). */
static inline unsigned dp_stage_in(struct dp_stages *s, unsigned stage)
{
	if (likely(!s->on))
		return 0;
	return dp_stage_enter(s, stage, rte_rdtsc());
}

static inline void dp_stage_out(struct dp_stages *s, unsigned prev)
{
	if (unlikely(s->on))
		dp_stage_leave(s, prev, rte_rdtsc());
}

/* n work items of stage, on a timed turn. */
static inline void dp_stage_count(struct dp_stages *s, unsigned stage,
				  uint32_t n)
{
	if (unlikely(s->on))
		dp_stage_items(s, stage, n);
}

#endif /* ORDO_DP_STAGES_TSC_H */
