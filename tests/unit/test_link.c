/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo_engine_link(): a member's own link state (engine/flap.c, "our own
 * link"). One link down and up is not flapping: the member comes back.
 * Down twice within the window: it holds itself out in a ring of its own,
 * the others form without it and do not re-form at its packets while it
 * says so, and once its link has stayed up flap_hold_ns it merges. A
 * claim of holding itself out from a member of a live ring is refused.
 */
#include "tests/unit/unit.h"

#define N       3u
#define VICTIM  3u
#define MS      1000000ull
#define HOLD_NS (100 * MS)

/* The victim's link: while down, nothing reaches it or leaves it. */
struct link {
	bool down;
};

static bool cut_victim(void *arg, const struct h_pkt *p, uint32_t to)
{
	const struct link *l = arg;

	return l->down && (p->from == VICTIM || to == VICTIM);
}

static void set_link(struct h_net *net, struct link *l, bool up)
{
	l->down = !up;
	ordo_engine_link(h_node(net, VICTIM)->e, up, net->now);
}

static bool time_reached(struct h_net *net, void *arg)
{
	return net->now >= *(const uint64_t *)arg;
}

static void run_for(struct h_net *net, uint64_t ns)
{
	uint64_t until = net->now + ns;

	assert_true(h_run_until(net, time_reached, &until, STEPS));
}

static void status(struct h_net *net, uint32_t id,
		   struct ordo_engine_status *st)
{
	ordo_engine_status(h_node(net, id)->e, st);
}

static void assert_ring(struct h_net *net, uint32_t id, uint32_t n_members)
{
	struct ordo_engine_status st;

	status(net, id, &st);
	assert_int_equal(st.state, ORDO_STATE_OPERATIONAL);
	assert_int_equal(st.n_members, n_members);
}

/* Idle rings hold the token (fewer packets to step through), short
 * timers of the defaults, a hold the test can wait out. */
static void setup(struct h_net *net, struct link *l)
{
	struct ordo_engine_config c;

	h_config(&c, N);
	c.token_hold_ns = 500000;
	c.flap_hold_ns = HOLD_NS;
	h_net_init(net, &c);
	l->down = false;
	net->drop = cut_victim;
	net->drop_arg = l;
	h_net_form(net);
}

static void test_one_down_is_not_flapping(void **state)
{
	struct h_net net;
	struct link l;
	struct ordo_engine_status st;

	(void)state;
	setup(&net, &l);
	set_link(&net, &l, false);
	run_for(&net, 60 * MS); /* beyond token loss + consensus */
	assert_ring(&net, 1, N - 1);
	set_link(&net, &l, true);
	/* Reporting the same state again changes nothing. */
	ordo_engine_link(h_node(&net, VICTIM)->e, true, net.now);
	assert_true(h_run_until(&net, h_formed, NULL, STEPS));
	status(&net, VICTIM, &st);
	assert_false(st.self_held);
	assert_int_equal(ordo_engine_stats(h_node(&net, VICTIM)->e)->self_holds,
			 0);
	h_net_fini(&net);
}

static void test_down_twice_holds_itself_out(void **state)
{
	struct h_net net;
	struct link l;
	struct ordo_engine_status st;
	uint64_t up_at;
	uint32_t conf1, conf2;

	(void)state;
	setup(&net, &l);
	/* A short blip: the ring rides it through or re-forms whole. */
	set_link(&net, &l, false);
	run_for(&net, 5 * MS);
	set_link(&net, &l, true);
	run_for(&net, 5 * MS);
	/* Down again: flapping. It leaves its ring at once. */
	set_link(&net, &l, false);
	status(&net, VICTIM, &st);
	assert_true(st.self_held);
	assert_int_not_equal(st.state, ORDO_STATE_OPERATIONAL);
	assert_int_equal(ordo_engine_stats(h_node(&net, VICTIM)->e)->self_holds,
			 1);
	run_for(&net, 60 * MS);
	set_link(&net, &l, true);
	up_at = net.now;
	/* Its link is up, its packets reach the others: still apart. */
	run_for(&net, 20 * MS);
	assert_ring(&net, 1, N - 1);
	assert_ring(&net, 2, N - 1);
	assert_ring(&net, VICTIM, 1);
	status(&net, 1, &st);
	assert_int_equal(st.n_held_out, 1);
	assert_int_equal(st.held_out[0], VICTIM);
	status(&net, VICTIM, &st);
	assert_true(st.self_held);
	/* Its beacons do not make the others re-form, nor theirs it. */
	conf1 = h_node(&net, 1)->nconf;
	conf2 = h_node(&net, VICTIM)->nconf;
	run_for(&net, 50 * MS);
	assert_int_equal(h_node(&net, 1)->nconf, conf1);
	assert_int_equal(h_node(&net, VICTIM)->nconf, conf2);
	/* Stable for flap_hold_ns: one merge, not before. */
	assert_true(h_run_until(&net, h_formed, NULL, STEPS));
	assert_true(net.now >= up_at + HOLD_NS);
	status(&net, VICTIM, &st);
	assert_false(st.self_held);
	status(&net, 1, &st);
	assert_int_equal(st.n_held_out, 0);
	assert_int_equal(h_node(&net, 1)->nconf, conf1 + 2); /* trans + reg */
	h_net_fini(&net);
}

/* Down twice, but further apart than the window (4 x flap_hold_ns): two
 * separate outages, no hold. */
static void test_downs_far_apart_are_not_flapping(void **state)
{
	struct h_net net;
	struct link l;
	struct ordo_engine_status st;

	(void)state;
	setup(&net, &l);
	set_link(&net, &l, false);
	run_for(&net, 5 * MS);
	set_link(&net, &l, true);
	run_for(&net, 4 * HOLD_NS + MS);
	set_link(&net, &l, false);
	status(&net, VICTIM, &st);
	assert_false(st.self_held);
	set_link(&net, &l, true);
	assert_true(h_run_until(&net, h_formed, NULL, STEPS));
	h_net_fini(&net);
}

/* Anyone on the LAN can write a beacon or a join in a member's name: one
 * that says a member of our working ring holds itself out is refused, and
 * holds nobody out. */
static void test_claim_from_live_ring_is_refused(void **state)
{
	struct h_net net;
	struct link l;
	struct ordo_engine_status st;
	struct craft c;
	uint32_t i;
	int rc;

	(void)state;
	setup(&net, &l);
	run_for(&net, MS);
	status(&net, 1, &st);
	craft_hdr(&c, ORDO_PKT_BEACON, H_HASH, VICTIM, VICTIM, st.ring_seq + 1);
	craft_u32(&c, 1);                      /* its incarnation */
	craft_u16(&c, 1);                      /* a ring of itself */
	craft_u16(&c, 1u << (VICTIM - 1));     /* out: itself */
	craft_finish(&c);
	rc = h_rx(&net, 1, c.buf, c.len);
	assert_int_equal(rc, -ORDO_DROP_RING_ALIVE);

	craft_hdr(&c, ORDO_PKT_JOIN, H_HASH, VICTIM, st.ring_rep, st.ring_seq);
	craft_u32(&c, 1);
	craft_u32(&c, st.ring_seq_max);
	craft_u8(&c, 1);                       /* proc: itself */
	craft_u8(&c, 0);
	craft_u8(&c, 1);                       /* heard: itself */
	craft_u8(&c, ORDO_JOIN_F_MATURE);
	craft_u8(&c, 1);                       /* out: itself */
	craft_u8(&c, 0);
	craft_u16(&c, 0);
	for (i = 0; i < 3; i++)
		craft_u32(&c, VICTIM);
	craft_finish(&c);
	rc = h_rx(&net, 1, c.buf, c.len);
	assert_int_equal(rc, -ORDO_DROP_RING_ALIVE);

	status(&net, 1, &st);
	assert_int_equal(st.n_held_out, 0);
	assert_int_equal(st.state, ORDO_STATE_OPERATIONAL);
	assert_int_equal(st.n_members, N);
	h_net_fini(&net);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_down_is_not_flapping),
		cmocka_unit_test(test_down_twice_holds_itself_out),
		cmocka_unit_test(test_downs_far_apart_are_not_flapping),
		cmocka_unit_test(test_claim_from_live_ring_is_refused),
	};

	unit_filter(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
