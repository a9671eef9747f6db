/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Where members are (dataplane/peers.h) under hostile frames: in the clear
 * a station is learned once and never moved by a frame (anyone can send a
 * well-formed one), and forgotten when a ring forms without the member;
 * sealed, an authenticated frame may move it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dataplane/peers.h"

static const uint8_t real[DP_ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t forger[DP_ETH_ALEN] = { 2, 0, 0, 0, 0, 9 };

static void setup(struct dp_peers *t)
{
	static const uint32_t ids[] = { 1, 2, 3 };

	dp_peers_init(t, ids, 3, 1);
}

static void test_clear_never_moves(void **state)
{
	struct dp_peers t;
	struct dp_peer *p;

	(void)state;
	setup(&t);
	dp_peers_learn_once(&t, 2, 0, real, 0);
	dp_peers_learn_once(&t, 2, 0, forger, 0);  /* a forged token */
	dp_peers_learn_once(&t, 7, 0, forger, 0);  /* no such member */
	p = dp_peers_find(&t, 2);
	assert_non_null(p);
	assert_true(p->known);
	assert_memory_equal(p->mac, real, DP_ETH_ALEN);
	assert_int_equal(t.learned, 1);
	assert_int_equal(t.moved, 0);
	assert_null(dp_peers_find(&t, 1)); /* ourselves */
}

static void test_forgotten_when_left_out(void **state)
{
	static const uint32_t without2[] = { 1, 3 }, with2[] = { 1, 2, 3 };
	struct dp_peers t;

	(void)state;
	setup(&t);
	/* A forger's frame was the first sighting of member 2 ... */
	dp_peers_learn_once(&t, 2, 0, forger, 0);
	dp_peers_learn_once(&t, 3, 0, real, 0);
	/* ... a ring formed without 2: its station is forgotten, 3's kept. */
	dp_peers_forget_absent(&t, without2, 2);
	assert_false(dp_peers_find(&t, 2)->known);
	assert_true(dp_peers_find(&t, 3)->known);
	/* and the real member is learned when it comes back. */
	dp_peers_learn_once(&t, 2, 0, real, 0);
	assert_memory_equal(dp_peers_find(&t, 2)->mac, real, DP_ETH_ALEN);
	dp_peers_forget_absent(&t, with2, 3);
	assert_true(dp_peers_find(&t, 2)->known);
	assert_int_equal(t.moved, 0);
}

static void test_sealed_may_move(void **state)
{
	struct dp_peers t;

	(void)state;
	setup(&t);
	dp_peers_learn(&t, 2, 0, forger, 0);
	dp_peers_learn(&t, 2, 1, real, 0); /* authenticated, elsewhere */
	assert_memory_equal(dp_peers_find(&t, 2)->mac, real, DP_ETH_ALEN);
	assert_int_equal(dp_peers_find(&t, 2)->port, 1);
	assert_int_equal(t.moved, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clear_never_moves),
		cmocka_unit_test(test_forgotten_when_left_out),
		cmocka_unit_test(test_sealed_may_move),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
