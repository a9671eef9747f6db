/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Log-linear latency histogram (see flood_hist.h).
 */
#include "flood_hist.h"

static unsigned bucket_of(uint64_t us)
{
	unsigned e, idx;

	if (us < FLOOD_HIST_SUB)
		return (unsigned)us;
	e = 63u - (unsigned)__builtin_clzll(us);            /* >= 5 */
	idx = FLOOD_HIST_SUB * (e - 4) + (unsigned)(us >> (e - 5)) - FLOOD_HIST_SUB;
	return idx < FLOOD_HIST_BUCKETS ? idx : FLOOD_HIST_BUCKETS - 1;
}

/* Lowest value and width of bucket idx. */
static void bucket_range(unsigned idx, uint64_t *lo, uint64_t *width)
{
	unsigned e;

	if (idx < FLOOD_HIST_SUB) {
		*lo = idx;
		*width = 1;
		return;
	}
	e = idx / FLOOD_HIST_SUB + 4;
	*width = 1ull << (e - 5);
	*lo = (uint64_t)(idx % FLOOD_HIST_SUB + FLOOD_HIST_SUB) << (e - 5);
}

void flood_hist_add(struct flood_hist *h, uint64_t us)
{
	h->bucket[bucket_of(us)]++;
	h->count++;
}

uint64_t flood_hist_quantile(const struct flood_hist *h, double q)
{
	uint64_t rank, seen = 0, lo, width;
	unsigned i;

	if (h->count == 0)
		return 0;
	rank = (uint64_t)(q * (double)h->count);
	if (rank >= h->count)
		rank = h->count - 1;
	for (i = 0; i < FLOOD_HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen > rank)
			break;
	}
	if (i == FLOOD_HIST_BUCKETS)
		i--;
	bucket_range(i, &lo, &width);
	return lo + width / 2;
}
