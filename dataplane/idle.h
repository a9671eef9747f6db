/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Idle strategies, after Aeron's: the poll loop's do_work returns how much
 * it did and the strategy decides what an idle turn costs. A small ops
 * struct so the loop and the tests can swap them.
 *
 *   spin     rte_pause() only: lowest latency, one core at 100% (production,
 *            on an isolated core)
 *   yield    sched_yield() when idle: shares a core with its peers' threads
 *   backoff  spin, then yield, then sleep with doubling periods up to a
 *            ceiling: labs where 3-5 nodes share 2 cores and must still
 *            form a ring
 *
 * Idle turns may make syscalls (yield, nanosleep); busy turns never do.
 */
#ifndef ORDO_DP_IDLE_H
#define ORDO_DP_IDLE_H

#include <stdint.h>

struct dp_idle;

struct dp_idle_ops {
	const char *name;
	/* One turn of the loop did work units of work (0: idle). */
	void (*idle)(struct dp_idle *s, unsigned work);
	/* On the idling thread, before its first turn. May be NULL. */
	void (*start)(struct dp_idle *s);
};

struct dp_idle {
	const struct dp_idle_ops *ops;
	/* backoff state and tunables */
	uint32_t spins, yields;
	uint32_t max_spins, max_yields;
	uint64_t park_ns, min_park_ns, max_park_ns;
	/* counters */
	uint64_t idle_turns, parks;
};

extern const struct dp_idle_ops dp_idle_spin;
extern const struct dp_idle_ops dp_idle_yield;
extern const struct dp_idle_ops dp_idle_backoff;

/* By name ("spin", "yield", "backoff"); NULL when unknown. */
const struct dp_idle_ops *dp_idle_by_name(const char *name);

/* Defaults: 100 spins, 10 yields, sleeps from 1 us doubling to max_park_ns
 * (0 means 1 ms: well below the token retransmission timeout). */
void dp_idle_init(struct dp_idle *s, const struct dp_idle_ops *ops,
		  uint64_t max_park_ns);

static inline void dp_idle_start(struct dp_idle *s)
{
	if (s->ops->start != NULL)
		s->ops->start(s);
}

static inline void dp_idle_turn(struct dp_idle *s, unsigned work)
{
	s->ops->idle(s, work);
}

#endif /* ORDO_DP_IDLE_H */
