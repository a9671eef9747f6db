/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A latency histogram in nanoseconds with log-linear buckets: exact below
 * 64 ns, then 64 buckets per power of two (under 1.6 % error), covering
 * the whole 64-bit range in 30 KiB. Adding a sample is a count-leading-
 * zeros and an increment, so a receiver records every delivery of a flood
 * and reports percentiles without keeping samples.
 */
#ifndef ORDO_PERF_HIST_H
#define ORDO_PERF_HIST_H

#include <stdint.h>

#define PERF_HIST_SUB_BITS 6
#define PERF_HIST_SUB (1u << PERF_HIST_SUB_BITS)
#define PERF_HIST_BUCKETS (PERF_HIST_SUB * (64 - PERF_HIST_SUB_BITS + 1))

struct perf_hist {
	uint64_t count;
	uint64_t max;
	uint64_t bucket[PERF_HIST_BUCKETS];
};

void perf_hist_reset(struct perf_hist *h);

/* Bucket of a value, and the smallest value of a bucket. */
static inline unsigned perf_hist_index(uint64_t v)
{
	unsigned exp, shift;

	if (v < PERF_HIST_SUB)
		return (unsigned)v;
	exp = 63u - (unsigned)__builtin_clzll(v);
	shift = exp - PERF_HIST_SUB_BITS;
	return (shift + 1) * PERF_HIST_SUB +
	       (unsigned)((v >> shift) - PERF_HIST_SUB);
}
uint64_t perf_hist_bucket_low(unsigned idx);

static inline void perf_hist_add(struct perf_hist *h, uint64_t v)
{
	h->bucket[perf_hist_index(v)]++;
	h->count++;
	if (v > h->max)
		h->max = v;
}

/* Add all of src's samples to dst. */
void perf_hist_merge(struct perf_hist *dst, const struct perf_hist *src);

/* The value under which a fraction q (0..1) of the samples fall: the
 * middle of the bucket holding the sample of rank ceil(q * count) (never
 * above the largest sample; the top rank is the largest sample itself);
 * 0 when empty. */
uint64_t perf_hist_quantile(const struct perf_hist *h, double q);

#endif
