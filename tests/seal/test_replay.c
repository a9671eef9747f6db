/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The anti-replay window (lib/seal/replay.h): new frames in and out of
 * order, duplicates, frames behind the window, slides of every size,
 * incarnations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/seal/replay.h"

static struct ordo_replay w;

static int setup(void **state)
{
	(void)state;
	ordo_replay_init(&w);
	return 0;
}

static void first_frame_and_zero(void **state)
{
	(void)state;
	assert_int_equal(ordo_replay_check(&w, 7, 0), ORDO_REPLAY_OLD);
	assert_int_equal(ordo_replay_accept(&w, 7, 0), ORDO_REPLAY_OLD);
	assert_false(w.valid); /* counter 0 never moved it */
	assert_int_equal(ordo_replay_accept(&w, 7, 5), ORDO_REPLAY_OK);
	assert_int_equal(ordo_replay_accept(&w, 7, 5), ORDO_REPLAY_DUP);
	assert_int_equal(ordo_replay_check(&w, 7, 5), ORDO_REPLAY_DUP);
}

static void in_order_then_replayed(void **state)
{
	(void)state;
	for (uint64_t c = 1; c <= 5000; c++)
		assert_int_equal(ordo_replay_accept(&w, 1, c), ORDO_REPLAY_OK);
	/* Everything in the window is a duplicate, everything behind old. */
	for (uint64_t c = 5000; c > 5000 - ORDO_REPLAY_WINDOW; c--)
		assert_int_equal(ordo_replay_check(&w, 1, c), ORDO_REPLAY_DUP);
	for (uint64_t c = 5000 - ORDO_REPLAY_WINDOW; c >= 1; c--)
		assert_int_equal(ordo_replay_check(&w, 1, c), ORDO_REPLAY_OLD);
	assert_int_equal(ordo_replay_check(&w, 1, 5001), ORDO_REPLAY_OK);
}

/* Reordered within the window: each once, in any order. */
static void out_of_order(void **state)
{
	uint64_t order[] = { 10, 3, 7, 1, 2, 9, 8, 4, 6, 5 };

	(void)state;
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(ordo_replay_accept(&w, 3, order[i]),
				 ORDO_REPLAY_OK);
	for (uint64_t c = 1; c <= 10; c++)
		assert_int_equal(ordo_replay_accept(&w, 3, c), ORDO_REPLAY_DUP);
	/* A hole left behind stays acceptable until the window passes it. */
	assert_int_equal(ordo_replay_accept(&w, 3, 12), ORDO_REPLAY_OK);
	assert_int_equal(ordo_replay_accept(&w, 3, 12 + ORDO_REPLAY_WINDOW - 2),
			 ORDO_REPLAY_OK);
	assert_int_equal(ordo_replay_check(&w, 3, 11), ORDO_REPLAY_OK);
	assert_int_equal(ordo_replay_accept(&w, 3, 12 + ORDO_REPLAY_WINDOW),
			 ORDO_REPLAY_OK);
	assert_int_equal(ordo_replay_check(&w, 3, 11), ORDO_REPLAY_OLD);
}

/* A jump far ahead forgets everything: old words never leak into the new
 * window as false duplicates. */
static void big_jumps_clear_the_bitmap(void **state)
{
	(void)state;
	for (uint64_t c = 1; c <= ORDO_REPLAY_BITS; c++)
		assert_int_equal(ordo_replay_accept(&w, 1, c), ORDO_REPLAY_OK);
	/* Each jump lands on counters whose bits aliased accepted ones. */
	uint64_t base = ORDO_REPLAY_BITS;
	for (uint64_t jump = 1; jump <= 4 * ORDO_REPLAY_BITS; jump = jump * 2 + 63) {
		uint64_t top = base + jump;

		assert_int_equal(ordo_replay_accept(&w, 1, top), ORDO_REPLAY_OK);
		for (uint64_t c = top - 1; c > base && top - c < ORDO_REPLAY_WINDOW; c--)
			assert_int_equal(ordo_replay_check(&w, 1, c),
					 ORDO_REPLAY_OK);
		base = top;
	}
}

/* Every slide distance, checked against a plain set of accepted counters. */
static void matches_a_reference(void **state)
{
	static uint8_t seen[200000];
	uint64_t x = 88172645463325252ull, top = 0;

	(void)state;
	for (int i = 0; i < 300000; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		/* Mostly near the top, sometimes far behind or ahead. */
		int64_t d = (int64_t)(x % 2200) - 1500;
		int64_t c = (int64_t)top + d;

		if (c < 1 || c >= (int64_t)sizeof(seen))
			continue;
		enum ordo_replay_verdict want =
			top && (uint64_t)c <= top &&
			top - (uint64_t)c >= ORDO_REPLAY_WINDOW ? ORDO_REPLAY_OLD :
			seen[c] ? ORDO_REPLAY_DUP : ORDO_REPLAY_OK;

		assert_int_equal(ordo_replay_accept(&w, 9, (uint64_t)c), want);
		if (want == ORDO_REPLAY_OK) {
			seen[c] = 1;
			if ((uint64_t)c > top)
				top = (uint64_t)c;
		}
	}
}

static void incarnations(void **state)
{
	(void)state;
	assert_int_equal(ordo_replay_accept(&w, 100, 50), ORDO_REPLAY_OK);
	/* A restart: counters begin again at 1, in a new window. */
	assert_int_equal(ordo_replay_accept(&w, 101, 1), ORDO_REPLAY_OK);
	assert_int_equal(ordo_replay_accept(&w, 101, 50), ORDO_REPLAY_OK);
	assert_int_equal(ordo_replay_accept(&w, 101, 1), ORDO_REPLAY_DUP);
	/* The former run's frames, replayed, are refused, even new ones. */
	assert_int_equal(ordo_replay_check(&w, 100, 51), ORDO_REPLAY_STALE);
	assert_int_equal(ordo_replay_accept(&w, 100, 51), ORDO_REPLAY_STALE);
	assert_int_equal(w.incarnation, 101u);
	assert_string_equal(ordo_replay_verdict_name(ORDO_REPLAY_STALE),
			    "stale incarnation");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(first_frame_and_zero, setup),
		cmocka_unit_test_setup(in_order_then_replayed, setup),
		cmocka_unit_test_setup(out_of_order, setup),
		cmocka_unit_test_setup(big_jumps_clear_the_bitmap, setup),
		cmocka_unit_test_setup(matches_a_reference, setup),
		cmocka_unit_test_setup(incarnations, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
