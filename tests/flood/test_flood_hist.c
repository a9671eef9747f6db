/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The flood benchmarks' latency histogram (lib/flood/flood_hist.h, used
 * by ordo-perf and cpg_flood): bucket boundaries, percentiles of known
 * distributions within the promised resolution, merge, and the edges
 * (empty, one sample, the largest value).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lib/flood/flood_hist.h"

/* Within 1.6 % (64 sub-buckets per power of two), or exact below 128. */
static void assert_near(uint64_t got, uint64_t want)
{
	uint64_t err = got > want ? got - want : want - got;

	if (want < 128) {
		assert_int_equal(got, want);
		return;
	}
	if (err * 1000 > want * 16)
		fail_msg("got %llu, want %llu (+-1.6%%)", (unsigned long long)got,
			 (unsigned long long)want);
}

static void test_index_monotonic_and_bounds(void **state)
{
	unsigned prev = 0;

	(void)state;
	for (uint64_t v = 0; v < 1000000; v += 1 + v / 50) {
		unsigned i = flood_hist_index(v);

		assert_true(i >= prev);
		assert_true(i < FLOOD_HIST_BUCKETS);
		/* v lies in its bucket: low(i) <= v < low(i + 1) */
		assert_true(flood_hist_bucket_low(i) <= v);
		assert_true(v < flood_hist_bucket_low(i + 1));
		prev = i;
	}
	assert_true(flood_hist_index(UINT64_MAX) < FLOOD_HIST_BUCKETS);
	assert_int_equal(flood_hist_index(63), 63);
	assert_int_equal(flood_hist_index(64), 64);
	assert_int_equal(flood_hist_index(127), 127);
}

static void test_uniform_percentiles(void **state)
{
	static struct flood_hist h;

	(void)state;
	flood_hist_reset(&h);
	/* 1..100000 ns once each: the q-quantile is q * 100000. */
	for (uint64_t v = 1; v <= 100000; v++)
		flood_hist_add(&h, v);
	assert_int_equal(h.count, 100000);
	assert_near(flood_hist_quantile(&h, 0.5), 50000);
	assert_near(flood_hist_quantile(&h, 0.99), 99000);
	assert_near(flood_hist_quantile(&h, 0.999), 99900);
	assert_int_equal(flood_hist_quantile(&h, 1.0), 100000);
	assert_int_equal(flood_hist_quantile(&h, 0.0), 1);
}

static void test_skewed_tail(void **state)
{
	static struct flood_hist h;

	(void)state;
	flood_hist_reset(&h);
	/* 990 fast samples and 10 slow: p50 fast, p99 still fast (the 990th
	 * sample), p99.9 slow. */
	for (int i = 0; i < 990; i++)
		flood_hist_add(&h, 2000);
	for (int i = 0; i < 10; i++)
		flood_hist_add(&h, 5000000);
	assert_near(flood_hist_quantile(&h, 0.5), 2000);
	assert_near(flood_hist_quantile(&h, 0.99), 2000);
	assert_near(flood_hist_quantile(&h, 0.991), 5000000);
	assert_near(flood_hist_quantile(&h, 0.999), 5000000);
	assert_int_equal(h.max, 5000000);
}

static void test_empty_single_merge(void **state)
{
	static struct flood_hist a, b;

	(void)state;
	flood_hist_reset(&a);
	flood_hist_reset(&b);
	assert_int_equal(flood_hist_quantile(&a, 0.5), 0);
	flood_hist_add(&a, 777);
	/* One sample: every percentile is it (capped at the max). */
	assert_near(flood_hist_quantile(&a, 0.5), 777);
	assert_true(flood_hist_quantile(&a, 0.999) <= 777);
	for (int i = 0; i < 3; i++)
		flood_hist_add(&b, 100000);
	flood_hist_merge(&a, &b);
	assert_int_equal(a.count, 4);
	assert_int_equal(a.max, 100000);
	assert_near(flood_hist_quantile(&a, 0.25), 777);
	assert_near(flood_hist_quantile(&a, 0.5), 100000);
	flood_hist_add(&a, UINT64_MAX);
	assert_int_equal(flood_hist_quantile(&a, 1.0), UINT64_MAX);
}

/* Microsecond-scale latencies as cpg_flood prints them (p50_us, p99_us
 * rounded from nanoseconds): a spread of 10 us to 10 ms. */
static void test_microsecond_scale(void **state)
{
	static struct flood_hist h;

	(void)state;
	flood_hist_reset(&h);
	for (uint64_t us = 10; us <= 10000; us++)
		flood_hist_add(&h, us * 1000);
	assert_near(flood_hist_quantile(&h, 0.5), 5005000);
	assert_near(flood_hist_quantile(&h, 0.99), 9901000);
	assert_int_equal(flood_hist_quantile(&h, 1.0), 10000000);
	/* Resetting forgets everything, the max too. */
	flood_hist_reset(&h);
	assert_int_equal(h.count, 0);
	assert_int_equal(h.max, 0);
	assert_int_equal(flood_hist_quantile(&h, 0.99), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_monotonic_and_bounds),
		cmocka_unit_test(test_uniform_percentiles),
		cmocka_unit_test(test_skewed_tail),
		cmocka_unit_test(test_empty_single_merge),
		cmocka_unit_test(test_microsecond_scale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
