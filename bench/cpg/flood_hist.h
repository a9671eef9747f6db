/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A latency histogram in microseconds with log-linear buckets (exact below
 * 32 us, then 32 buckets per power of two: about 3 % resolution), so a
 * receiver can record every delivery of a multi-second flood in a few KiB
 * and report percentiles without keeping samples.
 */
#ifndef ORDO_BENCH_CPG_FLOOD_HIST_H
#define ORDO_BENCH_CPG_FLOOD_HIST_H

#include <stdint.h>

#define FLOOD_HIST_SUB 32
#define FLOOD_HIST_BUCKETS (FLOOD_HIST_SUB * 60)

struct flood_hist {
	uint64_t count;
	uint64_t bucket[FLOOD_HIST_BUCKETS];
};

void flood_hist_add(struct flood_hist *h, uint64_t us);

/* The value under which a fraction q (0..1) of the samples fall (the
 * middle of its bucket); 0 when empty. */
uint64_t flood_hist_quantile(const struct flood_hist *h, double q);

#endif
