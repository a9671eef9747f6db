/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Where members are (dataplane/peers.h) under hostile frames: in the clear
 * a station is learned once and never moved by a frame (anyone can send a
 * well-formed one) but contested, which sends to the group until the next
 * ring; forgotten when a ring forms without the member; sealed, an
 * authenticated frame may move it. Only packets that name their
 * transmitter teach anything.
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
	assert_ptr_equal(dp_peers_reach(&t, 2), dp_peers_find(&t, 2));
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

/* Seen at two stations in the clear: which one is real cannot be told, so
 * the member is reached through the group until the next ring forms, and
 * then learned afresh from its next frame. */
static void test_clear_contested_goes_to_group(void **state)
{
	static const uint32_t all[] = { 1, 2, 3 };
	struct dp_peers t;

	(void)state;
	setup(&t);
	dp_peers_learn_once(&t, 2, 0, forger, 0); /* the forger came first */
	assert_non_null(dp_peers_reach(&t, 2));
	dp_peers_learn_once(&t, 2, 0, real, 0);
	assert_null(dp_peers_reach(&t, 2));        /* the group */
	assert_int_equal(t.contested, 1);
	dp_peers_learn_once(&t, 2, 0, forger, 0);  /* counted once */
	assert_int_equal(t.contested, 1);
	dp_peers_learn_once(&t, 3, 0, real, 0);
	/* A ring of all three: 2 is learned afresh, 3 kept. */
	dp_peers_forget_absent(&t, all, 3);
	assert_null(dp_peers_reach(&t, 2));
	assert_non_null(dp_peers_reach(&t, 3));
	dp_peers_learn_once(&t, 2, 0, real, 0);
	assert_memory_equal(dp_peers_reach(&t, 2)->mac, real, DP_ETH_ALEN);
	assert_int_equal(t.moved, 0);
}

/* Which packets teach a station: those whose header names the member that
 * sent them. A COMMIT token keeps its representative's name as each member
 * passes it on, DATA its originator's when retransmitted: learning from
 * them bound the representative to the station of the member before us,
 * and with crypto off every token for it went there until the ring broke
 * (the wedged ring of a hostile-clear lab run). */
static void test_only_transmitters_teach(void **state)
{
	(void)state;
	assert_true(dp_peers_names_transmitter(ORDO_PKT_TOKEN));
	assert_true(dp_peers_names_transmitter(ORDO_PKT_JOIN));
	assert_true(dp_peers_names_transmitter(ORDO_PKT_BEACON));
	assert_false(dp_peers_names_transmitter(ORDO_PKT_COMMIT));
	assert_false(dp_peers_names_transmitter(ORDO_PKT_DATA));
	assert_false(dp_peers_names_transmitter(0));
	assert_false(dp_peers_names_transmitter(ORDO_PKT_TYPE_MAX));
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
		cmocka_unit_test(test_clear_contested_goes_to_group),
		cmocka_unit_test(test_only_transmitters_teach),
		cmocka_unit_test(test_forgotten_when_left_out),
		cmocka_unit_test(test_sealed_may_move),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
