/* SPDX-License-Identifier: BSD-3-Clause
 *
 * SlowConsumer = block's admission bound (dataplane/gateway/gw_admit.c)
 * on real client regions, without a ring: a receiver with the gateway's
 * delivery ring and overflow (sized as ctrl_link.c does), messages
 * admitted by the bound's budget, delivered later in their order by the
 * gateway's own writer (as a client worker runs it: dp_gw_writer_*), the
 * receiver
 * reading now and then or not at all. Thousands of random turns: never a
 * slow-consumer disconnect. The same scenarios admitted the way block did
 * before (everything while no receiver is behind) do cut receivers off:
 * the check can fail.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/cring/cring.h"
#include "ordo/gmsg.h"
#include "dataplane/gateway/gateway.h"

#define MAX_FLIGHT 100000u

struct rx {
	struct dp_gateway gw;       /* the gateway: slots, the bound */
	struct dp_gateway w;        /* its writer (gw_writer.c) */
	struct dp_client *c;
	struct ordo_cr_cons rd;     /* the client's end of its ring */
	uint64_t got;
	/* Admitted, not yet delivered: sizes and group counts, in order. */
	uint32_t len[MAX_FLIGHT], ng[MAX_FLIGHT];
	uint32_t head, tail;
	uint64_t in_bytes;
	uint8_t *payload;
	char groups[4][ORDO_GROUPS_NAME_LEN];
};

static uint64_t rnd_state;

/* The writer cut a receiver off: only slow-consumer is expected. */
static void on_cut(struct dp_gateway *w, uint32_t slot, uint32_t reason,
		   uint32_t detail)
{
	(void)w;
	(void)slot;
	(void)detail;
	assert_int_equal(reason, ORDO_CR_DISC_SLOW_CONSUMER);
}
/* How close the bound came: the fullest overflow seen, in records of
 * MaxSessionMessages and in bytes of its size (percent). */
static unsigned peak_recs, peak_bytes;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return n ? (uint32_t)(rnd_state % n) : 0;
}

static uint32_t pow2_at_least(uint64_t n)
{
	uint64_t p = ORDO_CR_RING_MIN;

	while (p < n)
		p <<= 1;
	return (uint32_t)p;
}

/* One receiver, as attach() and ctrl_link.c make it. */
static void rx_init(struct rx *x, uint32_t ring, uint32_t max_msg,
		    uint32_t msm)
{
	struct ordo_cr_params p = { .submit_size = ring, .deliver_size = ring,
				    .max_msg = max_msg };
	struct ordo_cr_params op = { .submit_size = ORDO_CR_RING_MIN };
	struct dp_client *c;

	memset(&x->gw, 0, sizeof(x->gw));
	x->gw.slots = calloc(DP_GW_MAX_CLIENTS, sizeof(*x->gw.slots));
	assert_non_null(x->gw.slots);
	x->gw.policy = DP_SLOW_BLOCK;
	x->gw.adm.on = true;
	x->gw.max_session_messages = msm;
	assert_int_equal(dp_gw_writer_init(&x->w, &x->gw, on_cut, x), 0);
	c = x->c = &x->gw.slots[0];
	c->client_efd = c->daemon_efd = -1;
	assert_int_equal(ordo_cr_region_create(&c->map, &p), 0);
	assert_int_equal(ordo_cr_prod_init(&c->dl, &c->map, ORDO_CR_DELIVER,
					   -1, -1), 0);
	assert_true(c->dl.max_rec >= dp_gw_rec_min());
	op.deliver_size = pow2_at_least(2ull * ring > 2ull * (max_msg + 8192) ?
					2ull * ring : 2ull * (max_msg + 8192));
	op.max_msg = max_msg;
	assert_int_equal(ordo_cr_region_create(&c->ovf_map, &op), 0);
	assert_int_equal(ordo_cr_prod_init(&c->ovf_p, &c->ovf_map,
					   ORDO_CR_DELIVER, -1, -1), 0);
	assert_int_equal(ordo_cr_cons_init(&c->ovf_c, &c->ovf_map,
					   ORDO_CR_DELIVER, -1, -1), 0);
	c->ovf_p.max_rec = c->ovf_c.max_rec = c->dl.max_rec;
	assert_int_equal(ordo_cr_cons_init(&x->rd, &c->map, ORDO_CR_DELIVER,
					   -1, -1), 0);
	c->state = DP_SLOT_ACTIVE;
	c->w_live = true;
	x->gw.active[0] = 0;
	x->gw.n_active = 1;
	x->got = 0;
	x->head = x->tail = 0;
	x->in_bytes = 0;
	x->payload = calloc(1, max_msg);
	assert_non_null(x->payload);
	for (int i = 0; i < 4; i++)
		snprintf(x->groups[i], sizeof(x->groups[i]), "group-%d", i);
}

static void rx_fini(struct rx *x)
{
	ordo_cr_region_unmap(&x->c->map);
	ordo_cr_region_unmap(&x->c->ovf_map);
	dp_gw_writer_fini(&x->w);
	free(x->gw.slots);
	free(x->payload);
}

static bool cut(const struct rx *x)
{
	return !x->c->w_live;
}

/* The writer's turn: overflow into the ring, the ring published. */
static void rx_turn(struct rx *x)
{
	dp_gw_writer_turn(&x->w);
}

/* The next message in flight, delivered by the gateway's writer. */
static void rx_deliver_one(struct rx *x)
{
	uint32_t i = x->head % MAX_FLIGHT;
	struct ordo_groups_msg m = {
		.service = ORDO_SVC_AGREED,
		.msg_type = 1,
		.sender = "#sender#node1",
		.n_groups = x->ng[i],
		.groups = (const char (*)[ORDO_GROUPS_NAME_LEN])x->groups,
		.data = x->payload,
		.len = x->len[i],
	};

	x->head++;
	x->in_bytes -= dp_gw_cost(m.len, m.n_groups);
	if (x->head == x->tail) /* as dp_gw_admit_delivered */
		x->gw.adm.max_cost = 0;
	if (!cut(x)) {
		struct dp_client *c = x->c;
		uint64_t used;

		dp_gw_writer_msg(&x->w, 0, &m);
		if (!c->w_live)
			return;
		used = c->ovf_p.size - ordo_cr_prod_free(&c->ovf_p);
		if (c->ovf_records * 100u / x->gw.max_session_messages >
		    peak_recs)
			peak_recs = c->ovf_records * 100u /
				    x->gw.max_session_messages;
		if (used * 100u / c->ovf_p.size > peak_bytes)
			peak_bytes = (unsigned)(used * 100u / c->ovf_p.size);
	}
}

/* The client reads up to n records (the trusting consumer). */
static void rx_read(struct rx *x, uint32_t n)
{
	const struct ordo_cr_rec *r;

	while (n-- > 0 && (r = ordo_cr_peek(&x->rd)) != NULL) {
		if (r->flags & ORDO_CR_F_LAST)
			x->got++;
		ordo_cr_advance(&x->rd, r->len);
	}
	assert_int_equal(x->rd.err, ORDO_CR_OK);
	ordo_cr_release(&x->rd);
}

static uint32_t msg_len(uint32_t max_msg, uint32_t big)
{
	uint32_t k = rnd(100);

	if (k < 70)
		return rnd(2048);
	if (k < 95)
		return rnd(20000);
	return rnd(big < max_msg ? big : max_msg) + 1;
}

/* One scenario. bounded: the admission bound (gw_admit.c); else block as
 * it was, everything read while no receiver is behind (up to read_ahead
 * per turn). Returns true when the receiver was cut off. */
static bool scenario(uint64_t seed, bool bounded, uint32_t read_ahead,
		     uint64_t *admitted)
{
	static struct rx x;
	uint32_t rings[] = { 64u << 10, 128u << 10, 256u << 10 };
	uint32_t msgs[] = { 64u << 10, 256u << 10, 1u << 20 };
	uint32_t ring, max_msg, msm, big, next_len = 0, next_ng = 0;
	bool pending = false, was_cut;

	rnd_state = seed * 0x9e3779b97f4a7c15ull + 1;
	ring = rings[rnd(3)];
	max_msg = msgs[rnd(3)];
	msm = 5 + rnd(300);
	big = rnd(2) ? 40000 : max_msg;
	rx_init(&x, ring, max_msg, msm);
	for (uint32_t turn = 0; turn < 400 && !cut(&x); turn++) {
		/* A slow receiver: long stretches without reading. */
		bool reads = (turn / 50) % 2 == 1 && rnd(4) != 0;
		struct dp_gw_room r;
		uint32_t tries = 1 + rnd(read_ahead);

		rx_turn(&x);
		dp_gw_writer_room(&x.w, (const uint32_t[]){ 0 }, 1, &r);
		dp_gw_admit_budget(&x.gw.adm, &r, msm, x.tail - x.head,
				x.in_bytes, x.gw.adm.max_cost);
		while (tries-- > 0 && x.tail - x.head < MAX_FLIGHT) {
			if (!pending) {
				next_len = msg_len(max_msg, big);
				next_ng = 1 + rnd(4);
				pending = true;
			}
			uint64_t cost = dp_gw_cost(next_len, next_ng);

			if (bounded) {
				if (!dp_gw_admit_take(&x.gw.adm, cost))
					break; /* the sender waits */
			} else if (x.w.n_behind > 0) {
				break;
			}
			x.len[x.tail % MAX_FLIGHT] = next_len;
			x.ng[x.tail % MAX_FLIGHT] = next_ng;
			x.tail++;
			x.in_bytes += cost;
			(*admitted)++;
			pending = false;
		}
		/* The engine delivers some of what is in flight, in order. */
		for (uint32_t k = rnd(2) ? x.tail - x.head : rnd(40);
		     k > 0 && x.head != x.tail; k--)
			rx_deliver_one(&x);
		if (reads)
			rx_read(&x, rnd(200));
	}
	/* Whatever is still in flight arrives; the receiver never read. */
	while (x.head != x.tail && !cut(&x))
		rx_deliver_one(&x);
	was_cut = cut(&x);
	if (!was_cut) {
		/* It reads everything, in order. */
		for (int i = 0; i < 100000; i++) {
			rx_turn(&x);
			rx_read(&x, 1000);
			if (ordo_cr_cons_avail(&x.c->ovf_c) == 0 &&
			    ordo_cr_cons_avail(&x.rd) == 0)
				break;
		}
		assert_int_equal(x.w.st.slow_consumers, 0);
		assert_int_equal(x.got, x.tail);
	}
	rx_fini(&x);
	return was_cut;
}

static void test_bound_never_cuts(void **state)
{
	uint64_t admitted = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= 300; seed++)
		if (scenario(seed, true, 300, &admitted))
			fail_msg("seed %llu: receiver cut off under the bound",
				 (unsigned long long)seed);
	print_message("bounded: %llu messages admitted in 300 scenarios; "
		      "fullest overflow %u%% of MaxSessionMessages, %u%% of "
		      "its bytes\n", (unsigned long long)admitted, peak_recs,
		      peak_bytes);
	/* The bound lets traffic through: no test of an empty pipe. */
	assert_true(admitted > 300 * 200);
}

static void test_unbounded_cuts(void **state)
{
	uint64_t admitted = 0;
	unsigned cuts = 0;

	(void)state;
	/* 60 a turn: about what the old block let through (the sender's
	 * 64 KiB ring of 1 KiB messages). */
	for (uint64_t seed = 1; seed <= 300; seed++)
		cuts += scenario(seed, false, 60, &admitted);
	print_message("unbounded: %u of 300 scenarios cut the receiver off "
		      "(%llu messages)\n", cuts, (unsigned long long)admitted);
	/* Block as it was (no reads while one is behind, but what was read
	 * goes): receivers are cut off, so the scenario can fail. */
	assert_true(cuts > 30);
}

/* The budget's arithmetic on made-up room. */
static void test_budget(void **state)
{
	struct dp_gw_admit a;
	struct dp_gw_room r = { .bytes = 100000, .dl = 50000, .count = 10 };
	int64_t c1 = (int64_t)dp_gw_cost(1000, 1);
	uint64_t big = dp_gw_cost(300000, 1);
	int64_t n, bytes;

	(void)state;
	/* The cost bounds what a ring of the smallest records takes. */
	assert_true(c1 >= (int64_t)(sizeof(struct ordo_cr_rec) +
				    2 * ORDO_CR_NAME_LEN + 1000));
	memset(&a, 0, sizeof(a));
	/* Nothing in flight, 10 overflow records: 10 + what the ring holds
	 * ((50000 - M) / M messages of the largest cost M), and the bytes
	 * less one largest message. */
	dp_gw_admit_budget(&a, &r, 10, 0, 0, 0);
	dp_gw_admit_left(&a, (uint64_t)c1, &n, &bytes);
	assert_int_equal(n, 10 + (50000 - c1) / c1);
	assert_int_equal(bytes, 100000 - c1);
	int64_t want_n = n < bytes / c1 ? n : bytes / c1;
	unsigned k = 0;
	while (dp_gw_admit_take(&a, (uint64_t)c1))
		k++;
	assert_int_equal(k, want_n);
	assert_true(k > 10);
	assert_int_equal(a.max_cost, c1);
	/* In flight: the budget is what is left. */
	dp_gw_admit_budget(&a, &r, 10, k, k * (uint64_t)c1, (uint64_t)c1);
	assert_false(dp_gw_admit_take(&a, (uint64_t)c1));
	/* A larger one than those in flight: the terms assume it. */
	dp_gw_admit_budget(&a, &r, 10, 1, (uint64_t)c1, (uint64_t)c1);
	assert_true(dp_gw_admit_take(&a, 20000));
	dp_gw_admit_left(&a, 20000, &n, &bytes);
	assert_int_equal(n, 10 + (50000 - 20000) / 20000 - 2);
	assert_int_equal(bytes, 100000 - 20000 - c1 - 20000);
	/* 9 more: the count term (11 with M = 20000, 2 taken). */
	k = 0;
	while (dp_gw_admit_take(&a, (uint64_t)c1))
		k++;
	assert_int_equal(k, 9);
	/* Too big for any budget: it goes alone, when nothing is in flight
	 * and no receiver is behind ... */
	memset(&a, 0, sizeof(a));
	dp_gw_admit_budget(&a, &r, 10, 0, 0, 0);
	assert_true(dp_gw_admit_take(&a, big));
	assert_false(dp_gw_admit_take(&a, (uint64_t)c1)); /* alone */
	/* ... not while one is behind (its overflow holds records) ... */
	struct dp_gw_room behind = r;
	behind.count = 9;
	memset(&a, 0, sizeof(a));
	dp_gw_admit_budget(&a, &behind, 10, 0, 0, 0);
	assert_false(dp_gw_admit_take(&a, big));
	/* ... nor while anything is in flight. */
	memset(&a, 0, sizeof(a));
	dp_gw_admit_budget(&a, &r, 10, 1, (uint64_t)c1, (uint64_t)c1);
	assert_false(dp_gw_admit_take(&a, big));
	/* No receiver at all: nothing to bound. */
	dp_gw_room_empty(&r);
	memset(&a, 0, sizeof(a));
	dp_gw_admit_budget(&a, &r, 10, 5000, 5000 * big, big);
	assert_true(dp_gw_admit_take(&a, big));
}

/* What the gateway bounds: DATA group messages, by their engine form;
 * joins and leaves go. The engine refusing one gives its budget back. */
static void test_gateway_kinds(void **state)
{
	static struct rx x;
	uint8_t hdr[64];
	struct ordo_gm_hdr *h = (struct ordo_gm_hdr *)hdr;
	uint8_t body[900];
	struct iovec iov[2] = { { hdr, sizeof(*h) + 10 }, { body, sizeof(body) } };
	uint64_t cost;
	int64_t before;

	(void)state;
	rx_init(&x, 64u << 10, 64u << 10, 3);
	memset(hdr, 0, sizeof(hdr));
	h->version = ORDO_GM_VERSION;
	h->kind = ORDO_GM_JOIN;
	h->n_groups = 1;
	x.gw.adm.measured = false;
	assert_int_equal(dp_gw_admit(&x.gw, iov, 1, &cost), 0);
	assert_int_equal(cost, 0);
	assert_false(x.gw.adm.measured); /* not even measured */
	h->kind = ORDO_GM_DATA;
	assert_int_equal(dp_gw_admit(&x.gw, iov, 2, &cost), 0);
	assert_int_equal(cost, dp_gw_cost(sizeof(*h) + 10 + sizeof(body), 1));
	assert_true(x.gw.adm.measured);
	before = (int64_t)x.gw.adm.turn_n;
	dp_gw_admit_took(&x.gw, cost, false); /* the engine was full */
	assert_int_equal(x.gw.adm.turn_n, before - 1);
	assert_int_equal(x.gw.adm.adm_n, 0);
	assert_int_equal(dp_gw_admit(&x.gw, iov, 2, &cost), 0);
	dp_gw_admit_took(&x.gw, cost, true);
	assert_int_equal(x.gw.adm.adm_n, 1);
	/* Our own delivered back: nothing in flight. */
	uint8_t eng[sizeof(*h) + 10 + sizeof(body)];
	memcpy(eng, hdr, sizeof(*h) + 10);
	struct ordo_delivery d = { .sender = 7, .data = eng, .len = sizeof(eng) };
	x.gw.my_id = 7;
	dp_gw_admit_delivered(&x.gw, &d);
	assert_int_equal(x.gw.adm.dlv_n, 1);
	assert_int_equal(x.gw.adm.dlv_bytes, x.gw.adm.adm_bytes);
	/* Another daemon's: not ours to count. */
	d.sender = 8;
	dp_gw_admit_delivered(&x.gw, &d);
	assert_int_equal(x.gw.adm.dlv_n, 1);
	/* One more of ours than admitted: never below zero, counted. */
	d.sender = 7;
	dp_gw_admit_delivered(&x.gw, &d);
	assert_int_equal(x.gw.adm.dlv_n, 1);
	assert_int_equal(x.gw.st.admit_resets, 1);
	/* MaxSessionMessages 3, the ring holds ~50 of these: more than 3
	 * go, fewer than the ring and overflow hold. */
	x.gw.adm.measured = false;
	unsigned n = 0;
	while (dp_gw_admit(&x.gw, iov, 2, &cost) == 0) {
		dp_gw_admit_took(&x.gw, cost, true);
		n++;
	}
	assert_true(n > 3);
	assert_true(x.gw.adm.refused);
	rx_fini(&x);
}

/* A worker's measure crosses over whole. */
static void test_room_publish(void **state)
{
	struct dp_gw_room_pub p;
	struct dp_gw_room a = { 1, 2, 3, 4, 5 }, b;

	(void)state;
	memset(&p, 0, sizeof(p));
	dp_gw_room_publish(&p, &a);
	dp_gw_room_read(&p, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	/* Caught in the middle of a publish: no room, not a wait. */
	p.seq++;
	dp_gw_room_read(&p, &b);
	assert_int_equal(b.count, 0);
	assert_int_equal(b.bytes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_room_publish),
		cmocka_unit_test(test_gateway_kinds),
		cmocka_unit_test(test_bound_never_cuts),
		cmocka_unit_test(test_unbounded_cuts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
