/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The frame hold/release contract (engine.h, ops->frame_*): engines that
 * keep received packets by handle and pack their own into frames they
 * allocate. The harness's allocator (harness.h) poisons a released frame
 * and keeps it, so every test here also checks that no frame is released
 * twice, sent after its release or released without being held, and
 * h_net_fini() that every engine gave back every frame when destroyed.
 * Each scenario delivers what was submitted, intact: a read of a
 * released frame would deliver poison.
 */
#include "tests/unit/unit.h"

static void config(struct ordo_engine_config *c, uint32_t n)
{
	h_config(c, n);
	c->store_packets = 256;
	c->global_window = 32;
	c->personal_window = 16;
	c->accel_window = 4;
	c->max_msg_size = 64 << 10;
	c->submit_bytes = 1 << 20;
	c->token_retransmit_ns = 50000;
}

static uint64_t held_total(struct h_net *net)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < net->n; i++)
		n += ordo_engine_stats(net->node[i].e)->frames_held;
	return n;
}

/* The allocator's view and the engines' agree, and nothing went wrong. */
static void assert_frames_consistent(struct h_net *net)
{
	if (net->frame_bad)
		fail_msg("frame contract: %s", net->frame_why);
	assert_int_equal(net->frame_live, held_total(net));
	for (uint32_t i = 0; i < net->n; i++) {
		const struct ordo_engine_stats *st =
			ordo_engine_stats(net->node[i].e);

		assert_int_equal(h_frames_held_by(net, net->node[i].id),
				 st->frames_held);
		assert_int_equal(st->frames_alloc + st->frames_kept,
				 st->frames_released + st->frames_held);
	}
}

/* Sizes that make whole packets, several per packet, and fragments. */
static uint32_t size_of(uint32_t i)
{
	static const uint32_t sizes[] = { 16, 100, 1400, 5000, 40, 3000 };

	return sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
}

static void submit_mix(struct h_net *net, uint32_t first, uint32_t n)
{
	for (uint32_t i = first; i < first + n; i++)
		submit_pattern(h_node(net, 1 + i % net->n)->e,
			       i % 5 == 0 ? ORDO_SVC_SAFE : ORDO_SVC_AGREED,
			       (uint16_t)i, size_of(i));
}

/* Every node delivered exactly tags 0..n-1, each intact, in one order. */
static void assert_all_intact(struct h_net *net, uint32_t n)
{
	for (uint32_t k = 0; k < net->n; k++) {
		const struct h_node *nd = &net->node[k];

		assert_int_equal(nd->ndv, n);
		for (size_t j = 0; j < nd->ndv; j++) {
			const struct h_delivery *d = &nd->dv[j];

			assert_pattern(d, d->msg_type, size_of(d->msg_type));
			if (k > 0)
				assert_int_equal(d->msg_type,
						 net->node[0].dv[j].msg_type);
		}
	}
}

static void test_steady_every_frame_released_once(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	const uint32_t msgs = 300;

	(void)state;
	config(&c, 3);
	h_net_init_frames(&net, &c);
	h_net_form(&net);
	submit_mix(&net, 0, msgs);
	run_until_delivered(&net, msgs);
	h_run_until(&net, h_formed, NULL, 1000); /* let stability catch up */
	assert_all_intact(&net, msgs);
	/* Both kinds of frames were used: received ones kept, own ones
	 * packed into allocated frames, and most of them gone back. */
	assert_true(net.frame_kept > 0);
	assert_true(net.frame_allocs > 0);
	assert_true(net.frame_releases > net.frame_allocs / 2);
	assert_true(net.frame_sends > 0);
	assert_frames_consistent(&net);
	h_net_fini(&net); /* aborts on a frame still held */
}

/* The same ring and workload, copying or holding frames: every node
 * delivers the same messages of each sender in the same order, intact.
 * (The packets differ: with frames a message that fits one packet is
 * packed at submit time, so packing around fragmented messages and the
 * interleaving of senders may not be the copying store's.) */
static void run_mix(struct h_net *net, bool frames)
{
	struct ordo_engine_config c;

	config(&c, 3);
	if (frames)
		h_net_init_frames(net, &c);
	else
		h_net_init(net, &c);
	h_net_form(net);
	submit_mix(net, 0, 120);
	run_until_delivered(net, 120);
}

static void assert_same_per_sender(const struct h_node *a,
				   const struct h_node *b, uint32_t sender)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a->ndv && a->dv[i].sender != sender)
			i++;
		while (j < b->ndv && b->dv[j].sender != sender)
			j++;
		if (i == a->ndv || j == b->ndv)
			break;
		assert_int_equal(a->dv[i].msg_type, b->dv[j].msg_type);
		assert_int_equal(a->dv[i].len, b->dv[j].len);
		assert_memory_equal(a->dv[i].data, b->dv[j].data, a->dv[i].len);
		i++, j++;
	}
	assert_int_equal(i, a->ndv);
	assert_int_equal(j, b->ndv);
}

static void test_same_deliveries_as_copying(void **state)
{
	struct h_net a, b;

	(void)state;
	run_mix(&a, false);
	run_mix(&b, true);
	assert_all_intact(&a, 120);
	assert_all_intact(&b, 120);
	for (uint32_t i = 0; i < a.n; i++)
		for (uint32_t s = 1; s <= a.n; s++)
			assert_same_per_sender(&a.node[i], &b.node[i], s);
	assert_frames_consistent(&b);
	h_net_fini(&a);
	h_net_fini(&b);
}

/* A message that fits one packet is packed into a frame at submit time:
 * the frame is allocated by submit, and the visit sends it as it is. */
static void test_packed_at_submit(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	struct ordo_engine *e;
	uint64_t before;

	(void)state;
	config(&c, 3);
	h_net_init_frames(&net, &c);
	h_net_form(&net);
	e = h_node(&net, 1)->e;
	before = ordo_engine_stats(e)->frames_alloc;
	submit_pattern(e, ORDO_SVC_AGREED, 1, 100);
	submit_pattern(e, ORDO_SVC_AGREED, 2, 100);
	/* One frame for both, taken at submit, before any token visit. */
	assert_int_equal(ordo_engine_stats(e)->frames_alloc, before + 1);
	assert_int_equal(ordo_engine_stats(e)->frames_held,
			 h_frames_held_by(&net, 1));
	run_until_delivered(&net, 2);
	for (uint32_t i = 0; i < net.n; i++) {
		assert_pattern(&net.node[i].dv[0], 1, 100);
		assert_pattern(&net.node[i].dv[1], 2, 100);
		assert_int_equal(net.node[i].dv[0].seq, net.node[i].dv[1].seq);
	}
	assert_frames_consistent(&net);
	h_net_fini(&net);
}

/* A packet of node 2 lost to node 3 once: node 1, next after 3 on the
 * ring, answers the request from the frame it kept on receipt, and sends
 * that very frame. */
struct lose2 {
	uint32_t seen;
	bool done;
};

static bool lose_from_2_to_3(void *arg, const struct h_pkt *p, uint32_t to)
{
	struct lose2 *l = arg;

	if (l->done || to != 3 || p->from != 2 ||
	    h_pkt_type(p->data, p->len) != ORDO_PKT_DATA)
		return false;
	l->done = true;
	return true;
}

static void test_retransmission_sends_kept_frame(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	struct lose2 l = { 0 };

	(void)state;
	config(&c, 3);
	h_net_init_frames(&net, &c);
	h_net_form(&net);
	net.drop = lose_from_2_to_3;
	net.drop_arg = &l;
	for (uint32_t i = 0; i < 20; i++)
		submit_pattern(h_node(&net, 2)->e, ORDO_SVC_AGREED, (uint16_t)i,
			       size_of(i));
	run_until_delivered(&net, 20);
	assert_true(l.done);
	assert_true(ordo_engine_stats(h_node(&net, 1)->e)->tx_retrans +
		    ordo_engine_stats(h_node(&net, 2)->e)->tx_retrans > 0);
	assert_true(net.frame_sends_rx > 0);
	assert_all_intact(&net, 20);
	assert_frames_consistent(&net);
	h_net_fini(&net);
}

/* Node 3 cut off: the token is lost, nodes 1 and 2 re-form without it
 * (recovery moves the store to the old ring and finishes it), then 3
 * comes back and the ring of three forms again. */
struct cut {
	bool on;
};

static bool cut_3(void *arg, const struct h_pkt *p, uint32_t to)
{
	const struct cut *k = arg;

	return k->on && (to == 3 || p->from == 3);
}

static bool ring_of(struct h_net *net, void *arg)
{
	uint32_t want = *(const uint32_t *)arg;
	struct ordo_engine_status st;

	for (uint32_t id = 1; id <= 2; id++) {
		ordo_engine_status(h_node(net, id)->e, &st);
		if (st.state != ORDO_STATE_OPERATIONAL || st.n_members != want)
			return false;
	}
	return true;
}

static void test_token_loss_recovery_and_ring_change(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	struct cut k = { .on = false };
	uint32_t two = 2;
	uint64_t changes;

	(void)state;
	config(&c, 3);
	h_net_init_frames(&net, &c);
	h_net_form(&net);
	net.drop = cut_3;
	net.drop_arg = &k;
	changes = ordo_engine_stats(h_node(&net, 1)->e)->ring_changes;
	submit_mix(&net, 0, 60);
	/* Cut while the messages are in flight: stores hold frames. */
	for (int i = 0; i < 40; i++)
		h_step(&net);
	k.on = true;
	assert_true(h_run_until(&net, ring_of, &two, STEPS));
	assert_true(ordo_engine_stats(h_node(&net, 1)->e)->ring_changes >
		    changes);
	assert_frames_consistent(&net);
	k.on = false;
	assert_true(h_run_until(&net, h_formed, NULL, STEPS));
	submit_mix(&net, 1000, 30);
	h_run_until(&net, h_formed, NULL, 100000);
	for (int i = 0; i < 200000 && h_step(&net); i++)
		;
	assert_frames_consistent(&net);
	/* Nodes 1 and 2 went through every message of theirs intact. */
	for (uint32_t id = 1; id <= 3; id++) {
		const struct h_node *nd = h_node(&net, id);

		for (size_t j = 0; j < nd->ndv; j++)
			assert_pattern(&nd->dv[j], nd->dv[j].msg_type,
				       size_of(nd->dv[j].msg_type));
	}
	h_net_fini(&net);
}

/* A restart destroys an engine in the middle of traffic: every frame it
 * held comes back at once. */
static void test_destroy_mid_traffic_releases_all(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;

	(void)state;
	config(&c, 3);
	h_net_init_frames(&net, &c);
	h_net_form(&net);
	submit_mix(&net, 0, 200);
	for (int i = 0; i < 100000 && h_frames_held_by(&net, 2) < 8; i++)
		h_step(&net);
	assert_true(h_frames_held_by(&net, 2) >= 8);
	h_node_restart(&net, 2);
	assert_int_equal(h_frames_held_by(&net, 2), 0);
	assert_true(h_run_until(&net, h_formed, NULL, STEPS));
	for (int i = 0; i < 200000 && h_step(&net); i++)
		;
	assert_frames_consistent(&net);
	h_net_fini(&net); /* and the rest, held mid-flight, at destroy */
}

/* frame_alloc has none for a while: those packets are built in the
 * store's own buffers and copied out (counted); nothing is held up. */
static void test_alloc_failure_delays_only(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	uint64_t fails = 0;

	(void)state;
	config(&c, 3);
	h_net_init_frames(&net, &c);
	h_net_form(&net);
	net.frame_fail = 40;
	submit_mix(&net, 0, 100);
	run_until_delivered(&net, 100);
	for (uint32_t i = 0; i < net.n; i++)
		fails += ordo_engine_stats(net.node[i].e)->frame_alloc_fails;
	assert_int_equal(net.frame_alloc_refused, 40);
	assert_int_equal(fails, 40);
	assert_all_intact(&net, 100);
	assert_frames_consistent(&net);
	h_net_fini(&net);
}

/* Back-pressure with frames: the queue's byte bound holds for messages
 * packed at submit time too; a refused message queues nothing (no frame
 * kept), and once the ring drains the queue takes messages again. */
static void test_full_queue_with_frames(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	struct ordo_engine *e;
	uint32_t ok = 0, space0;
	const uint32_t len = 300;

	(void)state;
	config(&c, 3);
	c.max_msg_size = 16 << 10;
	c.submit_bytes = 64 << 10;
	h_net_init_frames(&net, &c);
	e = h_node(&net, 2)->e;
	space0 = ordo_engine_submit_space(e);
	/* Not formed: nothing drains while we fill. */
	for (;;) {
		uint32_t before = ordo_engine_submit_space(e);
		uint64_t held = ordo_engine_stats(e)->frames_held;
		uint8_t *m = pattern_msg(ok, len);
		int rc = ordo_engine_submit(e, ORDO_SVC_AGREED, (uint16_t)ok, m,
					    len);

		free(m);
		if (rc == -EAGAIN) {
			assert_int_equal(ordo_engine_submit_space(e), before);
			assert_int_equal(ordo_engine_stats(e)->frames_held, held);
			break;
		}
		assert_int_equal(rc, 0);
		assert_true(before - ordo_engine_submit_space(e) >= len);
		ok++;
		assert_true(ok <= (64u << 10) / len);
	}
	assert_true(ok >= (64u << 10) / (len + 64));
	assert_true(net.frame_allocs > 0);
	assert_frames_consistent(&net);
	h_net_form(&net);
	run_until_delivered(&net, ok);
	assert_int_equal(ordo_engine_submit_space(e), space0);
	submit_pattern(e, ORDO_SVC_AGREED, (uint16_t)ok, len);
	run_until_delivered(&net, ok + 1);
	for (uint32_t i = 0; i < net.n; i++)
		for (uint32_t k = 0; k <= ok; k++)
			assert_pattern(&net.node[i].dv[k], k, len);
	assert_frames_consistent(&net);
	h_net_fini(&net);
}

/* One member: its own packets delivered and stable within the visit. */
static void test_one_member(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;

	(void)state;
	config(&c, 1);
	h_net_init_frames(&net, &c);
	h_net_form(&net);
	submit_mix(&net, 0, 50);
	run_until_delivered(&net, 50);
	assert_all_intact(&net, 50);
	assert_frames_consistent(&net);
	h_net_fini(&net);
}

static void nop_send(void *ctx, uint32_t d, const void *p, uint32_t l)
{
	(void)ctx, (void)d, (void)p, (void)l;
}
static void nop_deliver(void *ctx, const struct ordo_delivery *d)
{
	(void)ctx, (void)d;
}
static void *nop_alloc(void *ctx, uint32_t len, uint64_t *h)
{
	(void)ctx, (void)len, (void)h;
	return NULL;
}
static void nop_release(void *ctx, uint64_t h)
{
	(void)ctx, (void)h;
}

/* The frame ops come all together or not at all; without them
 * ordo_engine_rx_frame never keeps a frame. */
static void test_ops_all_or_none(void **state)
{
	struct ordo_engine_config c;
	struct ordo_engine_ops half = { .send = nop_send, .deliver = nop_deliver,
					.frame_alloc = nop_alloc,
					.frame_release = nop_release };
	struct ordo_engine_ops none = { .send = nop_send,
					.deliver = nop_deliver };
	struct ordo_engine *e;
	uint8_t pkt[64] = { 0 };
	bool kept = true;

	(void)state;
	config(&c, 1);
	errno = 0;
	assert_null(ordo_engine_create(&c, &half, NULL));
	assert_int_equal(errno, EINVAL);
	e = ordo_engine_create(&c, &none, NULL);
	assert_non_null(e);
	assert_true(ordo_engine_rx_frame(e, pkt, sizeof(pkt), 1, 7, &kept) < 0);
	assert_false(kept);
	ordo_engine_destroy(e);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steady_every_frame_released_once),
		cmocka_unit_test(test_same_deliveries_as_copying),
		cmocka_unit_test(test_packed_at_submit),
		cmocka_unit_test(test_retransmission_sends_kept_frame),
		cmocka_unit_test(test_token_loss_recovery_and_ring_change),
		cmocka_unit_test(test_destroy_mid_traffic_releases_all),
		cmocka_unit_test(test_alloc_failure_delays_only),
		cmocka_unit_test(test_full_queue_with_frames),
		cmocka_unit_test(test_one_member),
		cmocka_unit_test(test_ops_all_or_none),
	};

	unit_filter(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
