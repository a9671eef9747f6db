/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The latency histogram's slow path: reset, merge, percentiles (once a
 * second, never per sample).
 */
#include "lib/flood/flood_hist.h"

#include <math.h>
#include <string.h>

void flood_hist_reset(struct flood_hist *h)
{
	memset(h, 0, sizeof(*h));
}

uint64_t flood_hist_bucket_low(unsigned idx)
{
	unsigned shift;

	if (idx < FLOOD_HIST_SUB)
		return idx;
	shift = idx / FLOOD_HIST_SUB - 1;
	return (uint64_t)(FLOOD_HIST_SUB + idx % FLOOD_HIST_SUB) << shift;
}

void flood_hist_merge(struct flood_hist *dst, const struct flood_hist *src)
{
	for (unsigned i = 0; i < FLOOD_HIST_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t flood_hist_quantile(const struct flood_hist *h, double q)
{
	uint64_t want, seen = 0;

	if (!h->count)
		return 0;
	if (q < 0)
		q = 0;
	if (q > 1)
		q = 1;
	/* Rank of the sample, 1-based: the q-th fraction rounded up. */
	want = (uint64_t)ceil(q * (double)h->count);
	if (want == 0)
		want = 1;
	/* The top rank is the largest sample, which we know exactly. */
	if (want >= h->count)
		return h->max;
	for (unsigned i = 0; i < FLOOD_HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= want) {
			uint64_t lo = flood_hist_bucket_low(i);
			uint64_t hi = i + 1 < FLOOD_HIST_BUCKETS ?
				      flood_hist_bucket_low(i + 1) : UINT64_MAX;
			uint64_t mid = lo + (hi - lo) / 2;

			return mid > h->max ? h->max : mid;
		}
	}
	return h->max;
}
