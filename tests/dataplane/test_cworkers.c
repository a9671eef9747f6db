/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Two client workers (dataplane/cworkers.h) behind the gateway's one
 * hand-off, over a real gateway's slots and real client regions, driven
 * from one thread (every count exact). Slots 0 and 2 are worker 1's,
 * slots 1 and 3 worker 2's (slot % 2).
 *
 *   order_split   messages for changing sets of the four clients, most of
 *                 them on both workers, some in a held frame (by
 *                 reference: one per worker that gets it), some copied,
 *                 membership records between them: each client reads
 *                 exactly its own, in order (a delivery handed to one
 *                 worker only leaves the other's clients short: the test
 *                 fails); each worker handed exactly the deliveries with
 *                 receivers of its own; every frame reference and item
 *                 back (the mbuf pool's count as before)
 *   cut_second    a client of worker 2 that never reads is cut off by
 *                 worker 2 and reported through the one cut hook; worker
 *                 1's client meanwhile reads everything; the gateway's
 *                 close reaches worker 2, which lets the slot go
 *   close_order   a close handed between messages: the client reads the
 *                 messages before it, none after, and the slot is let go
 *   submit_split  two clients on different workers submit: the gateway
 *                 takes each one's requests in its order from the two
 *                 hand-off rings, and every done goes back to the owner
 *   block_ticks   SlowConsumer = block: a worker without receivers of a
 *                 message still counts it (a tick), and the room the
 *                 gateway reads counts the hand-offs the slower worker
 *                 has written
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dataplane/cworker.h"
#include "dataplane/cworkers.h"
#include "tests/dataplane/cw_clients.h"

#define CLIENTS 4u
#define MSGS    6000u
#define PLEN    48u

static struct dp_gateway gw;
static struct dp_cw cw[2];
static struct dp_cw *cwp[2] = { &cw[0], &cw[1] };
static struct dp_cws mx;
static const struct dp_gw_fanout *fan;
static struct rte_mempool *pool;

static struct cw_reader rd[CLIENTS];

/* Every message for every client it is handed to (the tests that hand
 * to fixed sets). */
static bool all_msgs;

/* Is message i for client s? Client 0 gets all of them, client 2 a
 * changing set, clients 1 and 3 (worker 2's) skip the same ones: those
 * are for worker 1's clients only. */
static bool for_client(uint32_t i, uint32_t s)
{
	if (all_msgs || s == 0)
		return true;
	return s == 2 ? i % 3 != 0 : i % 5 != 0;
}

static void attach(uint32_t s, uint32_t deliver_size)
{
	cw_client_attach(&gw.slots[s], &rd[s], deliver_size);
}

static void detach(uint32_t s)
{
	cw_client_detach(&gw.slots[s]);
}

static void read_all(uint32_t s)
{
	cw_client_read_all(&rd[s], s, MSGS, PLEN, for_client);
}

static void turns(void *ctx)
{
	(void)ctx;
	dp_cw_do_work(&cw[0]);
	dp_cw_do_work(&cw[1]);
	for (uint32_t s = 0; s < CLIENTS; s++)
		read_all(s);
}

static void hand_to(uint32_t i, bool held, const uint32_t *slots, uint32_t n)
{
	static const char groups[1][ORDO_GROUPS_NAME_LEN] = { "g" };
	static uint8_t buf[PLEN];
	struct rte_mbuf *f = NULL;
	uint8_t *data = buf;

	if (held) {
		f = rte_pktmbuf_alloc(pool);
		assert_non_null(f);
		assert_non_null(rte_pktmbuf_append(f, 64));
		data = rte_pktmbuf_mtod_offset(f, uint8_t *, 16);
	}
	memset(data, (int)(uint8_t)i, PLEN);
	memcpy(data, &i, sizeof(i));
	struct ordo_groups_msg m = {
		.service = ORDO_SVC_AGREED,
		.msg_type = 5,
		.sender = "#a#n1",
		.n_groups = 1,
		.groups = groups,
		.data = data,
		.len = PLEN,
	};
	fan->msg(fan->ctx, (uint64_t)(uintptr_t)f, &m, slots, n);
	/* The engine lets its frame go at once: only the workers'
	 * references keep it. */
	if (f != NULL)
		rte_pktmbuf_free(f);
}

/* Message i to its clients; returns which workers it has receivers on
 * (bit 0: worker 1, bit 1: worker 2). */
static unsigned hand(uint32_t i, bool held)
{
	uint32_t slots[CLIENTS], n = 0;
	unsigned on = 0;

	for (uint32_t s = 0; s < CLIENTS; s++)
		if (for_client(i, s)) {
			slots[n++] = s;
			on |= 1u << dp_cws_owner(2, s);
		}
	hand_to(i, held, slots, n);
	return on;
}

static void memb(uint32_t s)
{
	char name[1][ORDO_CR_NAME_LEN] = { "g" };
	uint8_t body[40] = { 0 };
	struct ordo_cr_send x = {
		.kind = ORDO_CR_MEMBERSHIP,
		.n_names = 1,
		.names = (const char (*)[ORDO_CR_NAME_LEN])name,
		.payload = body,
		.len = sizeof(body),
	};

	fan->record(fan->ctx, s, &x);
}

static void reset_counts(void)
{
	for (int k = 0; k < 2; k++) {
		cw[k].held_refs = cw[k].copied_msgs = cw[k].copied_bytes = 0;
		cw[k].full_waits = 0;
		memset(&cw[k].w, 0, sizeof(cw[k].w));
	}
}

static void order_split(void **state)
{
	unsigned pool0 = rte_mempool_avail_count(pool);
	uint32_t memb_sent = 0, on_w[2] = { 0, 0 }, held_w[2] = { 0, 0 };
	struct dp_cw_report r[2];

	(void)state;
	reset_counts();
	for (uint32_t s = 0; s < CLIENTS; s++)
		attach(s, 1u << 16);
	for (uint32_t i = 0; i < MSGS; i++) {
		bool held = i % 7 != 0;
		unsigned on = hand(i, held);

		for (int k = 0; k < 2; k++)
			if (on & (1u << k)) {
				on_w[k]++;
				held_w[k] += held;
			}
		if (i % 500 == 0) {
			memb(1); /* worker 2's client */
			memb(2); /* worker 1's */
			memb_sent++;
		}
		if (i % 16 == 15)
			turns(NULL);
	}
	for (unsigned t = 0; t < 100000 && (rte_ring_count(cw[0].out) ||
					     rte_ring_count(cw[1].out)); t++)
		turns(NULL);
	turns(NULL);
	/* Some messages had receivers on worker 1 only. */
	assert_true(on_w[1] < MSGS && on_w[0] == MSGS);
	for (uint32_t s = 0; s < CLIENTS; s++) {
		uint32_t want = 0;

		for (uint32_t i = 0; i < MSGS; i++)
			want += for_client(i, s);
		assert_int_equal(rd[s].bad, 0);
		assert_int_equal(rd[s].msgs, want);
		assert_int_equal(rd[s].memb,
				 s == 1 || s == 2 ? memb_sent : 0);
		assert_int_equal(gw.slots[s].ovf_records, 0);
	}
	/* Every frame reference dropped (one per worker that had it), every
	 * item back in both pools. */
	assert_int_equal(rte_mempool_avail_count(pool), pool0);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(rte_mempool_avail_count(cw[k].items),
				 DP_CW_ITEMS);
		dp_cw_read(&cw[k], &r[k]);
		assert_int_equal(cw[k].w.msgs, on_w[k]);
		assert_int_equal(r[k].held_refs, held_w[k]);
		assert_int_equal(r[k].held_refs + r[k].copied_msgs, on_w[k]);
		assert_int_equal(cw[k].stg.st.timed_msgs, cw[k].w.msgs);
	}
	/* Each worker wrote only its own clients' records. */
	assert_int_equal(cw[0].w.records, rd[0].msgs + rd[2].msgs + memb_sent);
	assert_int_equal(cw[1].w.records, rd[1].msgs + rd[3].msgs + memb_sent);
	for (uint32_t s = 0; s < CLIENTS; s++)
		detach(s);
}

static void cut_second(void **state)
{
	uint32_t slot, reason, detail;
	struct dp_client *c1;

	(void)state;
	reset_counts();
	all_msgs = true;
	attach(0, 1u << 16);
	attach(1, 4096);
	c1 = &gw.slots[1];
	cw[0].wr.max_session_messages = 1000;
	cw[1].wr.max_session_messages = 50;
	/* Client 1 (worker 2's) never reads; client 0 (worker 1's) does. */
	for (uint32_t i = 0; i < 400; i++) {
		uint32_t both[2] = { 0, 1 };

		hand_to(i, i % 3 == 0, both, 2);
		dp_cw_do_work(&cw[0]);
		dp_cw_do_work(&cw[1]);
		read_all(0);
	}
	assert_false(c1->w_live);
	assert_true(gw.slots[0].w_live);
	assert_int_equal(rd[0].msgs, 400);
	assert_int_equal(rd[0].bad, 0);
	assert_int_equal(cw[1].w.cuts, 1);
	assert_int_equal(cw[0].w.cuts, 0);
	assert_int_equal(fan->cut(fan->ctx, &slot, &reason, &detail), 1);
	assert_int_equal(slot, 1);
	assert_int_equal(reason, ORDO_CR_DISC_SLOW_CONSUMER);
	assert_int_equal(fan->cut(fan->ctx, &slot, &reason, &detail), 0);
	assert_int_equal(fan->behind(fan->ctx), 0);
	/* The gateway's close goes to worker 2 (worker 1 alone would never
	 * let the slot go). */
	assert_int_equal(__atomic_load_n(&c1->w_done, __ATOMIC_ACQUIRE), 0);
	fan->close(fan->ctx, 1, ORDO_CR_DISC_SLOW_CONSUMER, detail);
	dp_cw_do_work(&cw[0]);
	assert_int_equal(__atomic_load_n(&c1->w_done, __ATOMIC_ACQUIRE), 0);
	dp_cw_do_work(&cw[1]);
	assert_int_equal(__atomic_load_n(&c1->w_done, __ATOMIC_ACQUIRE), 1);
	for (int k = 0; k < 2; k++)
		assert_int_equal(rte_mempool_avail_count(cw[k].items),
				 DP_CW_ITEMS);
	detach(0);
	detach(1);
}

static void close_order(void **state)
{
	unsigned pool0 = rte_mempool_avail_count(pool);
	struct dp_client *c3;

	(void)state;
	reset_counts();
	all_msgs = true;
	attach(2, 1u << 16);
	attach(3, 1u << 16);
	c3 = &gw.slots[3];
	/* 30 messages, slot 3 closed, 30 more (the gateway would not hand
	 * them to 3 any more; a worker must not write them anyway); no
	 * worker turn until the end, so the close waits among them. */
	for (uint32_t i = 0; i < 60; i++) {
		uint32_t both[2] = { 2, 3 };

		if (i == 30)
			fan->close(fan->ctx, 3, ORDO_CR_DISC_CLIENT_CLOSED, 0);
		hand_to(i, true, both, 2);
	}
	assert_int_equal(__atomic_load_n(&c3->w_done, __ATOMIC_ACQUIRE), 0);
	turns(NULL);
	assert_int_equal(__atomic_load_n(&c3->w_done, __ATOMIC_ACQUIRE), 1);
	assert_false(c3->w_live);
	assert_int_equal(rd[3].msgs, 30);
	assert_int_equal(rd[2].msgs, 60);
	assert_int_equal(rd[2].bad + rd[3].bad, 0);
	assert_int_equal(rte_mempool_avail_count(pool), pool0);
	detach(2);
	detach(3);
}

/* --- submissions */

static struct ordo_cr_prod sub_p[CLIENTS];

static void attach_submit(uint32_t s)
{
	cw_client_attach_submit(&gw.slots[s], &rd[s], &sub_p[s], 100 + s);
	fan->open(fan->ctx, s);
}

static void send_msg(uint32_t s, uint32_t i)
{
	cw_client_send(&sub_p[s], s, i, 40);
}

static void submit_split(void **state)
{
	uint32_t next[CLIENTS] = { 0 }, bad = 0, from_both = 0;
	struct dp_gw_sub s;

	(void)state;
	reset_counts();
	attach_submit(0); /* worker 1 */
	attach_submit(1); /* worker 2 */
	dp_cw_do_work(&cw[0]); /* the opens */
	dp_cw_do_work(&cw[1]);
	assert_int_equal(cw[0].n_rd, 1);
	assert_int_equal(cw[1].n_rd, 1);
	for (uint32_t i = 0; i < 300; i++) {
		send_msg(0, i);
		send_msg(1, i);
	}
	for (unsigned n = 0; n < 50; n++) {
		uint32_t last = UINT32_MAX;

		dp_cw_do_work(&cw[0]);
		dp_cw_do_work(&cw[1]);
		while (fan->take(fan->ctx, &s) == 1) {
			uint32_t i, k = s.slot;

			if (k > 1 || s.client_id != 100 + k ||
			    s.what != DP_GW_SUB_MSG) {
				bad++;
			} else {
				memcpy(&i, s.data, sizeof(i));
				if (i != next[k] || s.m.hdr.msg_type != (int16_t)k ||
				    s.data[s.len - 1] != (uint8_t)(i + k))
					bad++;
				next[k]++;
			}
			if (last != UINT32_MAX && last != k)
				from_both++;
			last = k;
			fan->done(fan->ctx, &s);
		}
	}
	assert_int_equal(bad, 0);
	assert_int_equal(next[0], 300);
	assert_int_equal(next[1], 300);
	assert_true(from_both > 0); /* taken from both rings in turn */
	assert_int_equal(cw[0].w.subs, 300);
	assert_int_equal(cw[1].w.subs, 300);
	for (int k = 0; k < 2; k++) {
		dp_cw_do_work(&cw[k]);
		assert_int_equal(rte_mempool_avail_count(cw[k].subs),
				 DP_CW_SUBS);
	}
	for (uint32_t k = 0; k < 2; k++) {
		struct dp_client *c = &gw.slots[k];

		assert_true(atomic_load(&c->rd.cons.ctl->tail) ==
			    ordo_cr_reader_pos(&c->rd));
		fan->close(fan->ctx, k, ORDO_CR_DISC_CLIENT_CLOSED, 0);
	}
	turns(NULL);
	assert_int_equal(cw[0].n_rd + cw[1].n_rd, 0);
	for (uint32_t k = 0; k < 2; k++) {
		free(gw.slots[k].rbuf);
		free(gw.slots[k].msg);
		detach(k);
	}
}

static void block_ticks(void **state)
{
	struct dp_gw_room r;
	uint32_t only0 = 0;

	(void)state;
	reset_counts();
	all_msgs = true;
	attach_submit(0); /* measured for the room: the clients it reads */
	attach_submit(1);
	mx.block = true;
	cw[0].wr.policy = cw[1].wr.policy = DP_SLOW_BLOCK;
	for (int k = 0; k < 2; k++) {
		cw[k].wr.adm.hand_n = cw[k].wr.adm.hand_bytes = 0;
		cw[k].wr.max_session_messages = 1000;
		dp_cw_do_work(&cw[k]); /* the open */
		assert_int_equal(cw[k].n_rd, 1);
	}
	/* 10 messages for worker 1's client only. */
	for (uint32_t i = 0; i < 10; i++)
		hand_to(i, false, &only0, 1);
	dp_cw_do_work(&cw[0]);
	read_all(0);
	/* Worker 2 has not run: the room counts its 0 hand-offs written. */
	fan->room(fan->ctx, &r);
	assert_int_equal(r.done_n, 0);
	dp_cw_do_work(&cw[1]);
	fan->room(fan->ctx, &r);
	assert_int_equal(r.done_n, 10);
	assert_int_equal(r.done_bytes, 10 * dp_gw_cost(PLEN, 1));
	/* The ticks wrote nothing to worker 2's client. */
	read_all(1);
	assert_int_equal(rd[1].msgs, 0);
	assert_int_equal(cw[1].w.msgs, 0);
	assert_true(r.count > 0 && r.bytes > 0);
	mx.block = false;
	for (uint32_t k = 0; k < 2; k++) {
		cw[k].wr.policy = DP_SLOW_DISCONNECT;
		fan->close(fan->ctx, k, ORDO_CR_DISC_CLIENT_CLOSED, 0);
	}
	turns(NULL);
	for (uint32_t k = 0; k < 2; k++) {
		assert_int_equal(cw[k].n_rd, 0);
		assert_int_equal(rte_mempool_avail_count(cw[k].items),
				 DP_CW_ITEMS);
		free(gw.slots[k].rbuf);
		free(gw.slots[k].msg);
		detach(k);
	}
}

int main(int argc, char **argv)
{
	char err[256];
	int status;

	(void)argc;
	if (cw_rig_init(argv[0], "test_cws", &pool, &gw) < 0)
		return 1;
	for (uint32_t k = 0; k < 2; k++) {
		if (dp_cw_create_nth(&cw[k], &gw, k, rte_lcore_id(),
				     (int)rte_socket_id(), NULL, 0, err,
				     sizeof(err)) < 0) {
			fprintf(stderr, "test_cworkers: %s\n", err);
			return 1;
		}
		cw[k].on_full = turns;
		dp_cw_set_stages(&cw[k], 1, 0);
		cw[k].stg.long_len = UINT64_MAX;
	}
	dp_cws_init(&mx, &gw, cwp, 2);
	fan = gw.fan;
	if (fan != &mx.fan) {
		fprintf(stderr, "test_cworkers: the hand-off is not spread\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(order_split),
		cmocka_unit_test(cut_second),
		cmocka_unit_test(close_order),
		cmocka_unit_test(submit_split),
		cmocka_unit_test(block_ticks),
	};
	status = cmocka_run_group_tests(tests, NULL, NULL);
	for (int k = 0; k < 2; k++)
		dp_cw_destroy(&cw[k]);
	dp_gw_fini(&gw);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return status;
}
