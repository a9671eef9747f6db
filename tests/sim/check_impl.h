/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Checker internals shared by its files; nothing else includes this.
 *
 *   checker.c  tables, and what one process's log shows on its own:
 *              identity, integrity, duplicates, FIFO, configuration
 *              structure, crossing
 *   agree.c    what processes must agree on: total order, prefixes in a
 *              regular configuration, causality, SAFE
 *   evs.c      configuration changes across processes: transitional
 *              members, virtual synchrony, the final ring and liveness
 */
#ifndef SIM_CHECK_IMPL_H
#define SIM_CHECK_IMPL_H

#include "tests/sim/checker.h"

#define US(t) ((double)(t) / 1000.0)

static inline int32_t *pos_of(const struct checker *c,
			      const struct check_input *in, uint32_t p)
{
	return c->pos + (size_t)p * in->plan->n;
}

static inline int32_t *where_of(const struct checker *c,
				const struct check_input *in, uint32_t p)
{
	return c->where + (size_t)p * in->plan->n;
}

static inline bool proc_alive(const struct check_input *in, uint32_t p)
{
	return in->procs[p].crashed == UINT64_MAX;
}

static inline const struct plan_msg *msg(const struct check_input *in,
					 int32_t idx)
{
	return &in->plan->msgs[idx];
}

/* "ring 5/12" and friends: a configuration's name in findings. */
#define RING_FMT "%u/%u"

void agree_check(const struct checker *c, const struct check_input *in,
		 struct report *out);
void evs_check(const struct checker *c, const struct check_input *in,
	       struct report *out);

#endif /* SIM_CHECK_IMPL_H */
