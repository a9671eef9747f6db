/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The client worker's hand-off (dataplane/cworker.h) over a real gateway's
 * slots and real client regions: the ring side's calls (struct
 * dp_gw_fanout) with frames from an mbuf pool, the worker's turns and the
 * clients' reads, all from one thread, so every count is exact.
 *
 *   order_and_refs   messages for changing sets of clients, some in a held
 *                    frame (by reference), some copied, membership records
 *                    between them: each client reads exactly its own, in
 *                    order; every frame reference and item is given back
 *   full_waits       the ring side hands over more than the worker has
 *                    items while the worker is not running: the hand-off
 *                    waits (counted) and nothing is lost or reordered
 *   slow_cut         a client that never reads: its overflow fills, the
 *                    worker cuts it off (its region says why) and reports
 *                    it; the gateway's close comes back, the slot is let go
 *   submit_order     two clients' submit rings read by the worker: each
 *                    one's requests reach the gateway's side in its order
 *                    with their names and payloads, a fragmented message
 *                    whole (nothing more read from that client until it
 *                    is done), then DRAINED after a leave and CORRUPT for a
 *                    ring the client broke, each behind the client's
 *                    requests; every item back
 *   submit_in_place  a one-record message is handed over with its payload
 *                    where the client wrote it (one copy to the wire: the
 *                    engine's), and its ring space goes back only once the
 *                    gateway is done with it: a client that fills its ring
 *                    meanwhile cannot overwrite what is still to be copied
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
#include "tests/dataplane/cw_clients.h"

#define CLIENTS 3u
#define MSGS    6000u
#define PLEN    48u

static struct dp_gateway gw;
static struct dp_cw cw;
static struct rte_mempool *pool;

static struct cw_reader rd[CLIENTS];

/* Is message i for client s? (A changing set, never empty.) */
static bool for_client(uint32_t i, uint32_t s)
{
	return s == 0 || ((i + s) % 3) != 0;
}

static void attach(uint32_t s, uint32_t deliver_size)
{
	cw_client_attach(&gw.slots[s], &rd[s], deliver_size);
}

static void detach(uint32_t s)
{
	cw_client_detach(&gw.slots[s]);
}

/* Everything client s can read now. */
static void read_all(uint32_t s)
{
	cw_client_read_all(&rd[s], s, MSGS, PLEN, for_client);
}

static void worker_turn(void *ctx)
{
	(void)ctx;
	dp_cw_do_work(&cw);
	for (uint32_t s = 0; s < CLIENTS; s++)
		read_all(s);
}

/* Message i, in a frame of the pool (held: by reference) or not. */
static void hand(uint32_t i, bool held)
{
	static const char groups[1][ORDO_GROUPS_NAME_LEN] = { "g" };
	uint8_t buf[PLEN];
	uint32_t slots[CLIENTS], n = 0;
	struct rte_mbuf *f = NULL;
	uint8_t *data = buf;

	for (uint32_t s = 0; s < CLIENTS; s++)
		if (for_client(i, s))
			slots[n++] = s;
	if (held) {
		f = rte_pktmbuf_alloc(pool);
		assert_non_null(f);
		data = (uint8_t *)rte_pktmbuf_append(f, 64) + 16;
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
	cw.fan.msg(cw.fan.ctx, (uint64_t)(uintptr_t)f, &m, slots, n);
	/* The engine lets its frame go at once: only the hand-off's
	 * reference keeps it. */
	if (f != NULL)
		rte_pktmbuf_free(f);
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

	cw.fan.record(cw.fan.ctx, s, &x);
}

static void run(bool turns)
{
	unsigned pool0 = rte_mempool_avail_count(pool);
	uint32_t memb_sent = 0;
	struct dp_cw_report r;

	for (uint32_t s = 0; s < CLIENTS; s++)
		attach(s, 1u << 16);
	for (uint32_t i = 0; i < MSGS; i++) {
		hand(i, i % 7 != 0);
		if (i % 500 == 0) {
			memb(1);
			memb_sent++;
		}
		if (turns && i % 16 == 15)
			worker_turn(NULL);
	}
	for (unsigned t = 0; t < 100000 && rte_ring_count(cw.out); t++)
		worker_turn(NULL);
	worker_turn(NULL);
	for (uint32_t s = 0; s < CLIENTS; s++) {
		uint32_t want = 0;

		for (uint32_t i = 0; i < MSGS; i++)
			want += for_client(i, s);
		assert_int_equal(rd[s].bad, 0);
		while (rd[s].next_msg < MSGS && !for_client(rd[s].next_msg, s))
			rd[s].next_msg++;
		assert_int_equal(rd[s].next_msg, MSGS);
		assert_int_equal(rd[s].memb, s == 1 ? memb_sent : 0);
		assert_true(rd[s].last_id >= want);
		assert_int_equal(gw.slots[s].ovf_records, 0);
	}
	/* Every frame reference dropped, every item back. */
	assert_int_equal(rte_mempool_avail_count(pool), pool0);
	assert_int_equal(rte_mempool_avail_count(cw.items), DP_CW_ITEMS);
	dp_cw_read(&cw, &r);
	/* Its stage accounting (stages.h), every turn timed and none long
	 * here: each record written is a deliver item, each message handed
	 * over a message of the timed turns; those turns cost cycles. */
	assert_int_equal(cw.stg.st.items[DP_STAGE_DELIVER], cw.w.records);
	assert_int_equal(cw.stg.st.timed_msgs, cw.w.msgs);
	assert_int_equal(cw.stg.st.busy_msgs, cw.w.msgs);
	assert_true(cw.stg.st.cycles[DP_STAGE_DELIVER] > 0);
	assert_true(cw.stg.st.stall_max > 0);
	assert_int_equal(cw.stg.st.lcore, cw.lcore);
	assert_int_equal(r.held_refs + r.copied_msgs, MSGS);
	assert_int_equal(r.copied_msgs, (MSGS + 6) / 7);
	assert_int_equal(r.copied_bytes, r.copied_msgs * PLEN);
	for (uint32_t s = 0; s < CLIENTS; s++)
		detach(s);
}

static void order_and_refs(void **state)
{
	(void)state;
	cw.full_waits = 0;
	run(true);
	assert_int_equal(cw.full_waits, 0);
}

static void full_waits(void **state)
{
	(void)state;
	/* 6000 messages and 12 records, no turn but the ones the waits
	 * make: more than the pool holds. */
	cw.held_refs = cw.copied_msgs = cw.copied_bytes = 0;
	cw.full_waits = 0;
	run(false);
	assert_true(cw.full_waits > 0);
}

static void slow_cut(void **state)
{
	uint32_t slot, reason, detail;
	struct dp_client *c;

	(void)state;
	attach(0, 4096);
	c = &gw.slots[0];
	cw.wr.max_session_messages = 50;
	/* Client 0 never reads: its ring, then 50 records of overflow. */
	for (uint32_t i = 0; i < 400; i++) {
		uint32_t s0 = 0;
		uint8_t data[PLEN] = { 0 };
		static const char groups[1][ORDO_GROUPS_NAME_LEN] = { "g" };
		struct ordo_groups_msg m = {
			.service = ORDO_SVC_AGREED, .sender = "#a#n1",
			.n_groups = 1, .groups = groups, .data = data,
			.len = PLEN,
		};

		cw.fan.msg(cw.fan.ctx, 0, &m, &s0, 1);
		dp_cw_do_work(&cw);
	}
	assert_false(c->w_live);
	assert_int_equal(cw.fan.cut(cw.fan.ctx, &slot, &reason, &detail), 1);
	assert_int_equal(slot, 0);
	assert_int_equal(reason, ORDO_CR_DISC_SLOW_CONSUMER);
	assert_int_equal(cw.fan.cut(cw.fan.ctx, &slot, &reason, &detail), 0);
	assert_int_equal(cw.fan.behind(cw.fan.ctx), 0);
	/* The gateway's close, behind what it handed: the slot is let go. */
	assert_int_equal(__atomic_load_n(&c->w_done, __ATOMIC_ACQUIRE), 0);
	cw.fan.close(cw.fan.ctx, 0, ORDO_CR_DISC_SLOW_CONSUMER, detail);
	dp_cw_do_work(&cw);
	assert_int_equal(__atomic_load_n(&c->w_done, __ATOMIC_ACQUIRE), 1);
	assert_int_equal(rte_mempool_avail_count(cw.items), DP_CW_ITEMS);
	detach(0);
}

/* A client's submit side: the reader the worker uses, the producer the
 * client writes with. */
static struct ordo_cr_prod sub_p[CLIENTS];

static void attach_submit(uint32_t s)
{
	cw_client_attach_submit(&gw.slots[s], &rd[s], &sub_p[s], 100 + s);
	cw.fan.open(cw.fan.ctx, s);
}

static void send_msg(uint32_t s, uint32_t i, uint32_t len)
{
	cw_client_send(&sub_p[s], s, i, len);
}

struct taken {
	uint32_t next[CLIENTS];
	uint32_t drained[CLIENTS], corrupt[CLIENTS], big[CLIENTS], bad;
};

/* The gateway's side: take everything the worker handed over. */
static void take_all(struct taken *t, bool hold_big)
{
	struct dp_gw_sub s;

	while (cw.fan.take(cw.fan.ctx, &s) == 1) {
		uint32_t i, k = s.slot;

		if (k >= CLIENTS || s.client_id != 100 + k) {
			t->bad++;
		} else if (s.what == DP_GW_SUB_DRAINED) {
			t->drained[k]++;
		} else if (s.what == DP_GW_SUB_CORRUPT) {
			t->corrupt[k]++;
		} else {
			memcpy(&i, s.data, sizeof(i));
			if (i != t->next[k] || s.m.hdr.msg_type != (int16_t)k ||
			    strcmp(s.m.names[0], "grp") != 0 ||
			    s.data[s.len - 1] != (uint8_t)(i + k))
				t->bad++;
			if (s.len > 1000)
				t->big[k]++;
			t->next[k]++;
			/* Held: the worker reads that client no further. */
			if (hold_big && s.len > 1000) {
				for (unsigned n = 0; n < 10; n++)
					dp_cw_do_work(&cw);
				if (cw.fan.take(cw.fan.ctx, &s) == 1 &&
				    s.slot == k)
					t->bad++;
				else if (s.item != NULL)
					cw.fan.done(cw.fan.ctx, &s);
				s.item = NULL;
				continue;
			}
		}
		cw.fan.done(cw.fan.ctx, &s);
	}
}

static void submit_order(void **state)
{
	struct taken t;
	uint32_t big_len;

	(void)state;
	memset(&t, 0, sizeof(t));
	cw.wr.max_session_messages = 1000;
	attach_submit(0);
	attach_submit(1);
	big_len = 3 * gw.slots[1].map.max_rec + 100;
	for (uint32_t i = 0; i < 100; i++)
		send_msg(0, i, 40);
	send_msg(1, 0, big_len);
	for (uint32_t i = 1; i < 11; i++)
		send_msg(1, i, 40);
	for (unsigned n = 0; n < 50; n++) {
		dp_cw_do_work(&cw);
		take_all(&t, n == 0);
	}
	assert_int_equal(t.bad, 0);
	assert_int_equal(t.next[0], 100);
	assert_int_equal(t.next[1], 11);
	assert_int_equal(t.big[1], 1);
	/* Client 0 leaves: DRAINED once its ring is read, after the rest. */
	send_msg(0, 100, 40);
	cw.fan.detach(cw.fan.ctx, 0);
	/* Client 1 breaks its ring: a record of a kind that does not exist. */
	struct ordo_cr_rec h;
	void *raw = ordo_cr_reserve(&sub_p[1], 64);
	assert_non_null(raw);
	memset(&h, 0, sizeof(h));
	h.len = 64;
	h.kind = 99;
	h.flags = ORDO_CR_F_FIRST | ORDO_CR_F_LAST;
	memcpy(raw, &h, sizeof(h));
	ordo_cr_commit(&sub_p[1]);
	for (unsigned n = 0; n < 20; n++) {
		dp_cw_do_work(&cw);
		take_all(&t, false);
	}
	assert_int_equal(t.bad, 0);
	assert_int_equal(t.next[0], 101);
	assert_int_equal(t.drained[0], 1);
	assert_int_equal(t.corrupt[1], 1);
	assert_int_equal(cw.n_rd, 0);
	/* Every submission read is a submit item of its (timed) turn. */
	assert_true(cw.w.subs > 0);
	assert_true(cw.stg.st.items[DP_STAGE_SUBMIT] >= cw.w.subs);
	assert_true(cw.stg.st.cycles[DP_STAGE_SUBMIT] > 0);
	assert_int_equal(rte_mempool_avail_count(cw.subs), DP_CW_SUBS);
	for (uint32_t s = 0; s < 2; s++) {
		free(gw.slots[s].rbuf);
		free(gw.slots[s].msg);
		detach(s);
	}
}

/* Whether p lies inside slot's submit ring. */
static bool in_submit_ring(uint32_t slot, const uint8_t *p)
{
	const struct dp_client *c = &gw.slots[slot];
	const uint8_t *base = c->rd.cons.data;

	return p >= base && p < base + c->rd.cons.size;
}

static void submit_in_place(void **state)
{
	enum { MAX_HELD = 4096 };
	static struct dp_gw_sub held[MAX_HELD];
	uint64_t tail0, tail;
	uint32_t n = 0, wrote = 0;
	struct dp_client *c;

	(void)state;
	cw.wr.max_session_messages = 100000;
	attach_submit(2);
	c = &gw.slots[2];
	tail0 = atomic_load(&c->rd.cons.ctl->tail);
	/* Fill the ring; take everything the worker hands over, done with
	 * none of it. */
	for (;;) {
		char name[1][ORDO_CR_NAME_LEN] = { "grp" };
		uint8_t pay[200];
		struct ordo_cr_send x = {
			.kind = ORDO_CR_MSG, .service = ORDO_SVC_AGREED,
			.n_names = 1, .msg_type = 2, .msg_id = wrote,
			.names = (const char (*)[ORDO_CR_NAME_LEN])name,
			.payload = pay, .len = sizeof(pay),
		};

		memset(pay, (int)(uint8_t)wrote, sizeof(pay));
		memcpy(pay, &wrote, sizeof(wrote));
		if (ordo_cr_write_msg(&sub_p[2], &x) != 0) {
			dp_cw_do_work(&cw);
			while (n < MAX_HELD && cw.fan.take(cw.fan.ctx, &held[n]))
				n++;
			if (ordo_cr_write_msg(&sub_p[2], &x) != 0)
				break; /* full, and nothing came back */
		}
		wrote++;
		assert_true(wrote < MAX_HELD);
	}
	for (unsigned k = 0; k < 4; k++) {
		dp_cw_do_work(&cw);
		while (n < MAX_HELD && cw.fan.take(cw.fan.ctx, &held[n]))
			n++;
	}
	assert_int_equal(n, wrote);
	/* None given back: the ring's published tail has not moved. */
	assert_true(atomic_load(&c->rd.cons.ctl->tail) == tail0);
	/* Each payload where the client wrote it, intact. */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t id;

		assert_int_equal(held[i].what, DP_GW_SUB_MSG);
		assert_true(in_submit_ring(2, held[i].data));
		assert_false(in_submit_ring(2, (const uint8_t *)
							held[i].m.names));
		memcpy(&id, held[i].data, sizeof(id));
		assert_int_equal(id, i);
		assert_int_equal(held[i].data[held[i].len - 1], (uint8_t)i);
	}
	/* Done with the first half: exactly their space comes back. */
	for (uint32_t i = 0; i < n / 2; i++)
		cw.fan.done(cw.fan.ctx, &held[i]);
	dp_cw_do_work(&cw);
	tail = atomic_load(&c->rd.cons.ctl->tail);
	assert_true(tail > tail0);
	assert_true(tail < ordo_cr_reader_pos(&c->rd));
	/* The client writes into it; the second half stays intact. */
	{
		static const char name[1][ORDO_CR_NAME_LEN] = { "x" };
		static uint8_t junk[200];
		struct ordo_cr_send x = {
			.kind = ORDO_CR_MSG, .service = ORDO_SVC_AGREED,
			.n_names = 1, .msg_type = 2, .names = name,
			.payload = junk, .len = sizeof(junk),
		};

		memset(junk, 0xee, sizeof(junk));
		/* One record each: written whole or not at all. */
		for (x.msg_id = wrote;; x.msg_id++) {
			x.done = 0;
			x.started = 0;
			if (ordo_cr_write_msg(&sub_p[2], &x) != 0)
				break;
		}
	}
	for (uint32_t i = n / 2; i < n; i++) {
		uint32_t id;

		memcpy(&id, held[i].data, sizeof(id));
		assert_int_equal(id, i);
		assert_int_equal(held[i].data[held[i].len - 1], (uint8_t)i);
	}
	/* The rest done: everything read is given back; the filler drained. */
	for (uint32_t i = n / 2; i < n; i++)
		cw.fan.done(cw.fan.ctx, &held[i]);
	for (unsigned k = 0; k < 100; k++) {
		struct dp_gw_sub x;

		dp_cw_do_work(&cw);
		while (cw.fan.take(cw.fan.ctx, &x)) {
			assert_int_equal(x.what, DP_GW_SUB_MSG);
			cw.fan.done(cw.fan.ctx, &x);
		}
	}
	dp_cw_do_work(&cw); /* gives back what the last dones released */
	assert_true(atomic_load(&c->rd.cons.ctl->tail) ==
		    ordo_cr_reader_pos(&c->rd));
	assert_int_equal(rte_mempool_avail_count(cw.subs), DP_CW_SUBS);
	cw.fan.detach(cw.fan.ctx, 2);
	for (unsigned k = 0; k < 5; k++) {
		struct dp_gw_sub x;

		dp_cw_do_work(&cw);
		while (cw.fan.take(cw.fan.ctx, &x))
			cw.fan.done(cw.fan.ctx, &x);
	}
	assert_int_equal(cw.n_rd, 0);
	free(c->rbuf);
	free(c->msg);
	detach(2);
}

int main(int argc, char **argv)
{
	char err[256] = "";
	int status;

	(void)argc;
	if (cw_rig_init(argv[0], "test_cw", &pool, &gw) < 0 ||
	    dp_cw_create(&cw, &gw, rte_lcore_id(), (int)rte_socket_id(),
			 NULL, 0, err, sizeof(err)) < 0) {
		fprintf(stderr, "test_cworker: set-up failed %s\n", err);
		return 1;
	}
	cw.on_full = worker_turn;
	/* Every turn timed, none "long" (tests never time). */
	dp_cw_set_stages(&cw, 1, 0);
	cw.stg.long_len = UINT64_MAX;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(order_and_refs),
		cmocka_unit_test(full_waits),
		cmocka_unit_test(slow_cut),
		cmocka_unit_test(submit_order),
		cmocka_unit_test(submit_in_place),
	};
	status = cmocka_run_group_tests(tests, NULL, NULL);
	dp_cw_destroy(&cw);
	dp_gw_fini(&gw);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return status;
}
