/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-relay's decisions (relay_core.h), without sockets: passing, cutting,
 * losing at the asked rate, delaying within the asked bounds, reordering
 * only with jitter, the queue bound, and control lines — good ones applied,
 * bad ones refused whole with a reason that quotes them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/lab/relay/relay_core.h"

#define MS 1000000ull

struct two {
	struct relay_dir eg, in;
	uint64_t rng;
};

static int setup(void **state)
{
	struct two *t = calloc(1, sizeof(*t));

	if (t == NULL || relay_dir_init(&t->eg, "egress") ||
	    relay_dir_init(&t->in, "ingress"))
		return -1;
	t->rng = 42;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct two *t = *state;

	relay_dir_free(&t->eg);
	relay_dir_free(&t->in);
	free(t);
	return 0;
}

static void cmd_ok(struct two *t, const char *line)
{
	char err[160] = "";

	if (relay_command(&t->eg, &t->in, line, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", line, err);
}

/* A frame that carries its number, to see the order it leaves in. */
static enum relay_verdict admit_n(struct two *t, uint32_t n, uint64_t now)
{
	uint8_t f[64] = { 0 };

	memcpy(f, &n, sizeof(n));
	return relay_admit(&t->eg, f, sizeof(f), now, &t->rng);
}

static void test_pass_is_immediate(void **state)
{
	struct two *t = *state;

	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(admit_n(t, i, i), RELAY_SEND_NOW);
	assert_int_equal(t->eg.c.rx, 100);
	assert_int_equal(t->eg.q.n, 0);
	assert_int_equal(relay_next_due(&t->eg), UINT64_MAX);
}

static void test_cut_drops_one_way(void **state)
{
	struct two *t = *state;
	uint8_t f[60] = { 0 };

	cmd_ok(t, "egress cut=1");
	for (int i = 0; i < 10; i++) {
		assert_int_equal(relay_admit(&t->eg, f, sizeof(f), 0, &t->rng),
				 RELAY_DROPPED);
		assert_int_equal(relay_admit(&t->in, f, sizeof(f), 0, &t->rng),
				 RELAY_SEND_NOW);
	}
	assert_int_equal(t->eg.c.drops[RELAY_DROP_CUT], 10);
	assert_int_equal(t->in.c.drops[RELAY_DROP_CUT], 0);
	cmd_ok(t, "pass");
	assert_int_equal(admit_n(t, 0, 0), RELAY_SEND_NOW);
}

static void test_loss_rate(void **state)
{
	struct two *t = *state;
	const uint32_t n = 200000;
	uint64_t dropped;

	cmd_ok(t, "egress loss=20");
	for (uint32_t i = 0; i < n; i++)
		assert_int_not_equal(admit_n(t, i, 0), RELAY_QUEUED);
	dropped = t->eg.c.drops[RELAY_DROP_LOSS];
	/* 20 % of 200,000: the binomial's sigma is ~180 frames. */
	assert_in_range(dropped, 39000, 41000);
}

static void test_delay_keeps_order(void **state)
{
	struct two *t = *state;
	const uint8_t *f;
	uint32_t len, n;

	cmd_ok(t, "egress delay=5");
	/* Same arrival time, same due time: they leave in arrival order. */
	for (uint32_t i = 0; i < 50; i++)
		assert_int_equal(admit_n(t, i, 100 * MS), RELAY_QUEUED);
	assert_int_equal(relay_next_due(&t->eg), 105 * MS);
	assert_null(relay_pop_due(&t->eg, 105 * MS - 1, &len));
	for (uint32_t i = 0; i < 50; i++) {
		f = relay_pop_due(&t->eg, 106 * MS, &len);
		assert_non_null(f);
		assert_int_equal(len, 64);
		memcpy(&n, f, sizeof(n));
		assert_int_equal(n, i);
	}
	assert_null(relay_pop_due(&t->eg, 200 * MS, &len));
	assert_int_equal(t->eg.c.reordered, 0);
	/* Back to passing: nothing is queued, frames go straight through. */
	cmd_ok(t, "egress delay=0");
	assert_int_equal(admit_n(t, 0, 300 * MS), RELAY_SEND_NOW);
}

static void test_jitter_reorders_within_bounds(void **state)
{
	struct two *t = *state;
	uint32_t len, n, out = 0, inversions = 0, prev = 0;
	const uint8_t *f;
	uint64_t now;

	cmd_ok(t, "egress delay=1 jitter=2");
	/* One frame every 10 us for 10 ms. */
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(admit_n(t, i, 10 * MS + i * 10000ull),
				 RELAY_QUEUED);
	for (now = 10 * MS; out < 1000; now += 10000) {
		while ((f = relay_pop_due(&t->eg, now, &len)) != NULL) {
			memcpy(&n, f, sizeof(n));
			/* Left within [arrival + 1 ms, arrival + 3 ms]. */
			assert_true(now >= 10 * MS + n * 10000ull + 1 * MS);
			assert_true(now <= 10 * MS + n * 10000ull + 3 * MS + 10000);
			inversions += out > 0 && n < prev;
			prev = n > prev ? n : prev;
			out++;
		}
		assert_true(now < 30 * MS);
	}
	assert_int_equal(t->eg.c.reordered, inversions);
	assert_true(inversions > 100);
}

static void test_queue_is_bounded(void **state)
{
	struct two *t = *state;
	uint8_t big[RELAY_SLOT_BYTES + 1] = { 0 };

	cmd_ok(t, "egress delay=1000");
	for (uint32_t i = 0; i < RELAY_QUEUE_MAX; i++)
		assert_int_equal(admit_n(t, i, 0), RELAY_QUEUED);
	assert_int_equal(admit_n(t, 0, 0), RELAY_DROPPED);
	assert_int_equal(t->eg.c.drops[RELAY_DROP_FULL], 1);
	/* A frame larger than a slot cannot wait; when passing it can. */
	assert_int_equal(relay_admit(&t->in, big, sizeof(big), 0, &t->rng),
			 RELAY_SEND_NOW);
	cmd_ok(t, "ingress delay=1");
	assert_int_equal(relay_admit(&t->in, big, sizeof(big), 0, &t->rng),
			 RELAY_DROPPED);
	assert_int_equal(t->in.c.drops[RELAY_DROP_BIG], 1);
}

static void test_commands_apply(void **state)
{
	struct two *t = *state;
	char s[128];

	cmd_ok(t, "both loss=12.5 delay=0.5 jitter=2");
	assert_int_equal(t->eg.mode.loss_ppm, 125000);
	assert_int_equal(t->in.mode.delay_us, 500);
	assert_int_equal(t->in.mode.jitter_us, 2000);
	/* Keys not given keep their value. */
	cmd_ok(t, "ingress cut=1");
	assert_true(t->in.mode.cut);
	assert_int_equal(t->in.mode.loss_ppm, 125000);
	assert_false(t->eg.mode.cut);
	relay_mode_format(&t->in.mode, s, sizeof(s));
	assert_string_equal(s, "cut=1 loss=12.500 delay=0.500 jitter=2.000");
	cmd_ok(t, "stats");
	assert_true(t->in.mode.cut);
	cmd_ok(t, "pass\n");
	assert_false(t->in.mode.cut);
	assert_int_equal(t->eg.mode.loss_ppm, 0);
	cmd_ok(t, "egress loss=100 delay=2000");
	assert_int_equal(t->eg.mode.loss_ppm, 1000000);
}

static void test_bad_commands_refused_whole(void **state)
{
	static const struct {
		const char *line, *quote;
	} bad[] = {
		{ "", "empty" },
		{ "   ", "empty" },
		{ "egres cut=1", "'egres'" },
		{ "egress cut=2", "'2'" },
		{ "egress cut", "'cut'" },
		{ "egress loss=101", "'101'" },
		{ "egress loss=-1", "'-1'" },
		{ "egress loss=", "''" },
		{ "egress loss=abc", "'abc'" },
		{ "egress loss=nan", "'nan'" },
		{ "egress loss=inf", "'inf'" },
		{ "egress loss=5%", "'5%'" },
		{ "egress delay=2001", "'2001'" },
		{ "egress delay=1500 jitter=600", "above" },
		{ "egress speed=3", "'speed'" },
		{ "egress loss=10 bogus=1", "'bogus'" },
		{ "pass now", "'now'" },
		{ "stats please", "'please'" },
	};
	struct two *t = *state;
	char err[160], long_line[400];

	cmd_ok(t, "both loss=1 delay=2 jitter=3");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		if (relay_command(&t->eg, &t->in, bad[i].line, err,
				  sizeof(err)) != -1)
			fail_msg("'%s' accepted", bad[i].line);
		if (strstr(err, bad[i].quote) == NULL)
			fail_msg("'%s': reason '%s' does not quote %s",
				 bad[i].line, err, bad[i].quote);
		/* Nothing of a refused line was applied. */
		assert_int_equal(t->eg.mode.loss_ppm, 10000);
		assert_int_equal(t->eg.mode.delay_us, 2000);
		assert_int_equal(t->in.mode.jitter_us, 3000);
		assert_false(t->eg.mode.cut);
	}
	memset(long_line, 'x', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = 0;
	assert_int_equal(relay_command(&t->eg, &t->in, long_line, err,
				       sizeof(err)), -1);
	/* No room for a reason: still refused, nothing written. */
	assert_int_equal(relay_command(&t->eg, &t->in, "x", NULL, 0), -1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_pass_is_immediate),
		T(test_cut_drops_one_way),
		T(test_loss_rate),
		T(test_delay_keeps_order),
		T(test_jitter_reorders_within_bounds),
		T(test_queue_is_bounded),
		T(test_commands_apply),
		T(test_bad_commands_refused_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
