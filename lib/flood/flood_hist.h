/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A latency histogram in nanoseconds with log-linear buckets: exact below
 * 64 ns, then 64 buckets per power of two (under 1.6 % error), covering
 * the whole 64-bit range in 30 KiB, plus the exact largest sample. Adding
 * a sample is a count-leading-zeros and an increment, so a receiver
 * records every delivery of a flood and reports p50 / p99 / p99.9 without
 * keeping samples.
 */
#ifndef ORDO_BENCH_FLOOD_HIST_H
#define ORDO_BENCH_FLOOD_HIST_H

#include <stdint.h>

#define FLOOD_HIST_SUB_BITS 6
#define FLOOD_HIST_SUB (1u << FLOOD_HIST_SUB_BITS)
#define FLOOD_HIST_BUCKETS (FLOOD_HIST_SUB * (64 - FLOOD_HIST_SUB_BITS + 1))

struct flood_hist {
	uint64_t count;
	uint64_t max;
	uint64_t bucket[FLOOD_HIST_BUCKETS];
};

void flood_hist_reset(struct flood_hist *h);

/* Bucket of a value, and the smallest value of a bucket. */
static inline unsigned flood_hist_index(uint64_t v)
{
	unsigned exp, shift;

	if (v < FLOOD_HIST_SUB)
		return (unsigned)v;
	exp = 63u - (unsigned)__builtin_clzll(v);
	shift = exp - FLOOD_HIST_SUB_BITS;
	return (shift + 1) * FLOOD_HIST_SUB +
	       (unsigned)((v >> shift) - FLOOD_HIST_SUB);
}
uint64_t flood_hist_bucket_low(unsigned idx);

static inline void flood_hist_add(struct flood_hist *h, uint64_t v)
{
	h->bucket[flood_hist_index(v)]++;
	h->count++;
	if (v > h->max)
		h->max = v;
}

/* Add all of src's samples to dst. */
void flood_hist_merge(struct flood_hist *dst, const struct flood_hist *src);

/* The value under which a fraction q (0..1) of the samples fall: the
 * middle of the bucket holding the sample of rank ceil(q * count) (never
 * above the largest sample; the top rank is the largest sample itself);
 * 0 when empty. */
uint64_t flood_hist_quantile(const struct flood_hist *h, double q);

#endif
