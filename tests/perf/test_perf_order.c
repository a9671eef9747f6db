/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-perf's order digests (app/perf/perf_order.h): equal deliveries give
 * equal snapshots; a swap inside a group changes that group's digest; a
 * swap between groups leaves each group's digest alone and changes only
 * the all-groups one; a message to several groups counts in each; names
 * that are not data groups are not digested; the snapshot restarts the
 * running digests, so the next round's does not depend on the last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app/perf/perf_order.h"

static const char G0[1][ORDO_NAME_LEN] = { "perf0" };
static const char G1[1][ORDO_NAME_LEN] = { "perf1" };
static const char END[3][ORDO_NAME_LEN] = { "perf0", "perf1", "perfsync" };

static void test_group_names(void **state)
{
	struct perf_order o;

	(void)state;
	perf_order_init(&o, 12);
	assert_int_equal(perf_order_group(&o, "perf0"), 0);
	assert_int_equal(perf_order_group(&o, "perf11"), 11);
	assert_int_equal(perf_order_group(&o, "perf12"), -1);
	assert_int_equal(perf_order_group(&o, "perf01"), -1);
	assert_int_equal(perf_order_group(&o, "perfsync"), -1);
	assert_int_equal(perf_order_group(&o, "perf"), -1);
	assert_int_equal(perf_order_group(&o, "perf1x"), -1);
	assert_int_equal(perf_order_group(&o, "other"), -1);
}

static void round_of(struct perf_order *o, int swap_in, int swap_across)
{
	/* Sender 7: seq 1, 2 to perf0; sender 9: seq 1 to perf1. */
	if (swap_in) {
		perf_order_deliver(o, 1, G0, 7, 2);
		perf_order_deliver(o, 1, G0, 7, 1);
	} else {
		perf_order_deliver(o, 1, G0, 7, 1);
		perf_order_deliver(o, 1, G0, 7, 2);
	}
	if (swap_across) {
		perf_order_deliver(o, 1, G1, 9, 1);
		perf_order_deliver(o, 1, G0, 7, 3);
	} else {
		perf_order_deliver(o, 1, G0, 7, 3);
		perf_order_deliver(o, 1, G1, 9, 1);
	}
	perf_order_deliver(o, 3, END, 7, 4);
	perf_order_deliver(o, 3, END, 9, 2);
	perf_order_snapshot(o);
}

static void test_orders(void **state)
{
	struct perf_order a, b, in, across;

	(void)state;
	perf_order_init(&a, 2);
	perf_order_init(&b, 2);
	perf_order_init(&in, 2);
	perf_order_init(&across, 2);
	round_of(&a, 0, 0);
	round_of(&b, 0, 0);
	round_of(&in, 1, 0);
	round_of(&across, 0, 1);
	assert_true(a.taken);
	assert_memory_equal(a.snap_digest, b.snap_digest, sizeof(a.snap_digest));
	/* perf0: 3 data + 2 ENDs; perf1: 1 data + 2 ENDs; all: 6. */
	assert_int_equal(a.snap_msgs[0], 5);
	assert_int_equal(a.snap_msgs[1], 3);
	assert_int_equal(a.snap_msgs[2], 6);
	assert_int_not_equal(a.snap_digest[0], in.snap_digest[0]);
	assert_int_equal(a.snap_digest[1], in.snap_digest[1]);
	assert_int_not_equal(a.snap_digest[2], in.snap_digest[2]);
	assert_int_equal(a.snap_digest[0], across.snap_digest[0]);
	assert_int_equal(a.snap_digest[1], across.snap_digest[1]);
	assert_int_not_equal(a.snap_digest[2], across.snap_digest[2]);
}

static void test_rounds_restart(void **state)
{
	struct perf_order a, b;
	uint64_t first;

	(void)state;
	perf_order_init(&a, 2);
	perf_order_init(&b, 2);
	round_of(&a, 0, 0);
	first = a.snap_digest[2];
	/* b saw another round 0; round 1 alike on both must compare equal. */
	round_of(&b, 1, 1);
	perf_order_next_round(&a);
	perf_order_next_round(&b);
	assert_false(a.taken);
	perf_order_deliver(&a, 1, G1, 9, 3);
	perf_order_deliver(&b, 1, G1, 9, 3);
	perf_order_snapshot(&a);
	perf_order_snapshot(&b);
	assert_int_equal(a.snap_digest[2], b.snap_digest[2]);
	assert_int_equal(a.snap_msgs[2], 1);
	assert_int_equal(a.snap_msgs[0], 0);
	assert_int_not_equal(a.snap_digest[2], first);
}

static void test_not_data_groups(void **state)
{
	static const char sync[1][ORDO_NAME_LEN] = { "perfsync" };
	struct perf_order a, b;

	(void)state;
	perf_order_init(&a, 1);
	perf_order_init(&b, 1);
	perf_order_deliver(&a, 1, sync, 7, 1);
	perf_order_deliver(&a, 1, G1, 7, 2);  /* perf1 is not one of 1 group */
	perf_order_snapshot(&a);
	perf_order_snapshot(&b);
	assert_int_equal(a.snap_msgs[0], 0);
	assert_int_equal(a.snap_msgs[1], 0);
	assert_memory_equal(a.snap_digest, b.snap_digest, 2 * sizeof(uint64_t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_names),
		cmocka_unit_test(test_orders),
		cmocka_unit_test(test_rounds_restart),
		cmocka_unit_test(test_not_data_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
