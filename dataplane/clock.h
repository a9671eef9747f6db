/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The engine's clock on an lcore: nanoseconds from the TSC, one rdtsc and
 * one multiply per read, no syscall. Monotonic on the invariant TSC every
 * machine DPDK supports.
 */
#ifndef ORDO_DP_CLOCK_H
#define ORDO_DP_CLOCK_H

#include <stdint.h>

#include <rte_cycles.h>

struct dp_clock {
	uint64_t base_tsc;
	uint64_t mult;  /* ns per tick, 32.32 fixed point */
	uint64_t hz;
};

static inline void dp_clock_init(struct dp_clock *c)
{
	c->hz = rte_get_tsc_hz();
	c->base_tsc = rte_rdtsc();
	c->mult = (uint64_t)(((unsigned __int128)1000000000u << 32) / c->hz);
}

/* Nanoseconds since init at TSC reading tsc; starts at 1 so 0 can mean
 * "never". (The poll loop reads the TSC once per turn for its clock and
 * its stage accounting, stages.h.) */
static inline uint64_t dp_clock_ns_at(const struct dp_clock *c, uint64_t tsc)
{
	uint64_t d = tsc - c->base_tsc;

	return (uint64_t)(((unsigned __int128)d * c->mult) >> 32) + 1;
}

static inline uint64_t dp_clock_ns(const struct dp_clock *c)
{
	return dp_clock_ns_at(c, rte_rdtsc());
}

#endif /* ORDO_DP_CLOCK_H */
