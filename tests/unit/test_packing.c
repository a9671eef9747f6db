/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Packing and ordering: small messages share packets; a message larger
 * than a packet is fragmented into full packets and reassembled intact at
 * every size boundary up to 16 MiB; all members deliver one order; SAFE
 * messages wait until every member holds them (a token rotation), where
 * AGREED ones do not; a ring of one delivers.
 */
#include "tests/unit/unit.h"

#define HDRS (sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_data))
#define REC  sizeof(struct ordo_wire_rec)

/* Message bytes one packet holds as a single record. */
static uint32_t rec_cap(uint32_t mtu)
{
	return mtu - (uint32_t)(HDRS + REC);
}

static void small_config(struct ordo_engine_config *c, uint32_t n,
			 uint32_t mtu)
{
	h_config(c, n);
	c->mtu = mtu;
	c->store_packets = 256;
	c->global_window = 32;
	c->personal_window = 16;
	c->accel_window = 4;
	c->max_msg_size = 128 << 10;
	c->submit_bytes = 512 << 10;
}

/* The DATA packets (first transmissions) carrying client records of
 * message type tag, in the order they were sent; returns how many. The
 * engine's own (recovery) records are told apart by their service. */
static size_t packets_of(const struct h_net *net, uint16_t tag,
			 const struct h_pkt **out, size_t max)
{
	uint64_t last = 0;
	size_t n = 0, k;

	for (k = 0; k < net->nlog; k++) {
		const struct h_pkt *p = &net->log[k];
		uint64_t seq = h_data_seq(p->data, p->len);
		struct h_rec r;
		uint16_t i;

		if (seq == 0 || seq <= last)
			continue;
		for (i = 0; h_data_rec(p->data, p->len, i, &r); i++)
			if (r.msg_type == tag && r.service <= ORDO_SVC_SAFE)
				break;
		if (!h_data_rec(p->data, p->len, i, &r))
			continue;
		last = seq;
		if (n < max)
			out[n] = p;
		n++;
	}
	return n;
}

/* ---- many small messages per packet --------------------------------------*/
static void test_small_messages_share_packets(void **state)
{
	const uint32_t mtus[] = { ORDO_WIRE_MIN_MTU, 1500, 9000 };
	size_t m;

	(void)state;
	for (m = 0; m < sizeof(mtus) / sizeof(mtus[0]); m++) {
		struct ordo_engine_config c;
		struct h_net net;
		const uint32_t msgs = 500;
		const uint32_t per = (mtus[m] - (uint32_t)HDRS) / (64 + REC);
		const struct h_delivery *d;
		uint64_t distinct = 0, prev = 0;
		uint32_t i;

		small_config(&c, 3, mtus[m]);
		h_net_init(&net, &c);
		for (i = 0; i < msgs; i++)
			submit_pattern(h_node(&net, 1)->e, ORDO_SVC_AGREED,
				       (uint16_t)i, 64);
		h_net_form(&net);
		run_until_delivered(&net, msgs);
		/* Greedy packing: per messages a packet, the last one short. */
		d = h_node(&net, 3)->dv;
		for (i = 0; i < msgs; i++) {
			assert_int_equal(d[i].msg_type, i);
			assert_pattern(&d[i], i, 64);
			assert_true(d[i].seq >= prev);
			distinct += d[i].seq != prev;
			prev = d[i].seq;
			/* Message i travels in the (i / per)-th packet. */
			assert_int_equal(d[i].seq - d[0].seq, i / per);
		}
		assert_int_equal(distinct, (msgs + per - 1) / per);
		assert_true(ordo_engine_stats(h_node(&net, 1)->e)->tx_data <=
			    distinct + 2);
		h_net_fini(&net);
	}
}

/* A message that does not fit the rest of a packet starts the next one:
 * only messages too large for any packet are split. */
static void test_messages_that_fit_a_packet_are_not_split(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	const struct h_pkt *p[8];
	const uint32_t len = rec_cap(1500) / 2 + 1; /* two never fit */
	struct h_rec r;
	uint16_t t;

	(void)state;
	small_config(&c, 2, 1500);
	h_net_init(&net, &c);
	net.keep_log = true;
	for (t = 1; t <= 3; t++)
		submit_pattern(h_node(&net, 1)->e, ORDO_SVC_AGREED, t, len);
	submit_pattern(h_node(&net, 1)->e, ORDO_SVC_AGREED, 4, 1);
	h_net_form(&net);
	run_until_delivered(&net, 4);
	for (t = 1; t <= 3; t++) {
		assert_int_equal(packets_of(&net, t, p, 8), 1);
		assert_true(h_data_rec(p[0]->data, p[0]->len, 0, &r));
		assert_int_equal(r.msg_type, t);
		assert_int_equal(r.flags, ORDO_REC_F_WHOLE);
		assert_int_equal(r.len, len);
	}
	/* The small one fills the last packet's room. */
	assert_int_equal(packets_of(&net, 4, p, 8), 1);
	assert_int_equal(h_data_nrec(p[0]->data, p[0]->len), 2);
	h_net_fini(&net);
}

/* ---- fragmentation -------------------------------------------------------*/
/* One message of len bytes on a fresh 2-node ring of the given MTU: it
 * arrives intact at both, in ceil(len / rec_cap) packets, all but the last
 * completely full, flagged FIRST, middle..., LAST. */
static void one_fragmented(uint32_t mtu, uint32_t len)
{
	const uint32_t cap = rec_cap(mtu);
	const size_t want = len ? (len + cap - 1) / cap : 1;
	struct ordo_engine_config c;
	struct h_net net;
	const struct h_pkt **p;
	size_t n, k;

	small_config(&c, 2, mtu);
	h_net_init(&net, &c);
	net.keep_log = true;
	submit_pattern(h_node(&net, 1)->e, ORDO_SVC_AGREED, 9, len);
	h_net_form(&net);
	run_until_delivered(&net, 1);
	assert_pattern(&h_node(&net, 1)->dv[0], 9, len);
	assert_pattern(&h_node(&net, 2)->dv[0], 9, len);

	p = calloc(want + 1, sizeof(*p));
	assert_non_null(p);
	n = packets_of(&net, 9, p, want + 1);
	if (n != want)
		fail_msg("mtu %u len %u: %zu packets, want %zu", mtu, len, n,
			 want);
	for (k = 0; k < n; k++) {
		uint8_t flags = (k == 0 ? ORDO_REC_F_FIRST : 0) |
				(k == n - 1 ? ORDO_REC_F_LAST : 0);
		struct h_rec r;

		assert_true(h_data_rec(p[k]->data, p[k]->len, 0, &r));
		assert_int_equal(r.flags, flags);
		assert_int_equal(h_data_nrec(p[k]->data, p[k]->len), 1);
		if (k < n - 1)
			assert_int_equal(p[k]->len, mtu);
		else
			assert_int_equal(r.len, len - (uint32_t)k * cap);
	}
	/* Delivered at the position of the last fragment. */
	assert_int_equal(h_node(&net, 2)->dv[0].seq,
			 h_data_seq(p[n - 1]->data, p[n - 1]->len));
	free(p);
	h_net_fini(&net);
}

static void test_fragment_boundaries(void **state)
{
	const uint32_t mtus[] = { ORDO_WIRE_MIN_MTU, 1500, ORDO_WIRE_MAX_MTU };
	size_t m;

	(void)state;
	for (m = 0; m < sizeof(mtus) / sizeof(mtus[0]); m++) {
		const uint32_t cap = rec_cap(mtus[m]);
		const uint32_t lens[] = {
			0, 1, cap - 1, cap, cap + 1, 2 * cap - 1, 2 * cap,
			2 * cap + 1, 3 * cap + 63, 3 * cap + 64, 3 * cap + 65,
			10 * cap,
		};
		size_t i;

		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
			one_fragmented(mtus[m], lens[i]);
	}
}

/* Big messages from one member among small ones from the others, up to
 * the default max_msg_size (16 MiB), on the default configuration. */
static void test_large_messages_reassemble_intact(void **state)
{
	static const uint32_t lens[] = {
		64u << 10, (64u << 10) + 1, 1u << 20, (1u << 20) - 1,
		16u << 20,
	};
	struct ordo_engine_config c;
	struct h_net net;
	uint32_t i, k, total = 0;

	(void)state;
	h_config(&c, 3);
	h_net_init(&net, &c);
	assert_int_equal(c.max_msg_size, 16u << 20);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		submit_pattern(h_node(&net, 2)->e, ORDO_SVC_AGREED,
			       (uint16_t)(100 + i), lens[i]);
		submit_pattern(h_node(&net, 1)->e, ORDO_SVC_AGREED,
			       (uint16_t)i, 100);
		submit_pattern(h_node(&net, 3)->e, ORDO_SVC_SAFE,
			       (uint16_t)(200 + i), 3000);
		total += 3;
	}
	h_net_form(&net);
	run_until_delivered(&net, total);
	for (k = 0; k < net.n; k++) {
		const struct h_node *nd = &net.node[k];
		uint32_t seen = 0;

		for (i = 0; i < nd->ndv; i++) {
			const struct h_delivery *d = &nd->dv[i];

			if (d->sender == 2) {
				assert_int_equal(d->msg_type, 100 + seen);
				assert_pattern(d, d->msg_type, lens[seen]);
				seen++;
			} else if (d->sender == 1) {
				assert_pattern(d, d->msg_type, 100);
			} else {
				assert_pattern(d, d->msg_type, 3000);
			}
		}
		assert_int_equal(seen, sizeof(lens) / sizeof(lens[0]));
		assert_int_equal(ordo_engine_stats(nd->e)->reassembly_drops, 0);
	}
	h_net_fini(&net);
}

/* ---- one order -----------------------------------------------------------*/
static void test_order_is_the_same_at_all_members(void **state)
{
	static const uint8_t svcs[] = { ORDO_SVC_AGREED, ORDO_SVC_FIFO,
					ORDO_SVC_SAFE, ORDO_SVC_RELIABLE,
					ORDO_SVC_CAUSAL, ORDO_SVC_UNRELIABLE };
	const uint32_t per_node = 80;
	struct ordo_engine_config c;
	struct h_net net;
	uint32_t next[5] = { 0 };
	uint64_t x = 12345;
	uint32_t i, k, done = 0;

	(void)state;
	small_config(&c, 5, 1500);
	c.max_msg_size = 8000;
	h_net_init(&net, &c);
	h_net_form(&net);
	/* Submit in bursts while the ring runs, from every member. */
	while (done < 5 * per_node) {
		for (k = 0; k < 5; k++) {
			uint32_t len;

			x = x * 6364136223846793005ull + 1442695040888963407ull;
			if (next[k] == per_node || (x >> 60) < 6)
				continue;
			len = (uint32_t)(x >> 33) % (x >> 63 ? 200 : 8000);
			submit_pattern(net.node[k].e, svcs[(x >> 40) % 6],
				       (uint16_t)(k * 1000 + next[k]), len);
			next[k]++;
			done++;
		}
		for (i = 0; i < 7; i++)
			h_step(&net);
	}
	run_until_delivered(&net, 5 * per_node);
	for (k = 0; k < 5; k++) {
		const struct h_node *a = &net.node[0], *b = &net.node[k];
		uint32_t fifo[5] = { 0 };

		assert_int_equal(b->ndv, 5 * per_node);
		for (i = 0; i < b->ndv; i++) {
			const struct h_delivery *x0 = &a->dv[i], *xk = &b->dv[i];

			if (x0->sender != xk->sender ||
			    x0->msg_type != xk->msg_type || x0->seq != xk->seq)
				fail_msg("delivery %u: node 1 has %u/%u@%llu, "
					 "node %u has %u/%u@%llu", i,
					 x0->sender, x0->msg_type,
					 (unsigned long long)x0->seq, b->id,
					 xk->sender, xk->msg_type,
					 (unsigned long long)xk->seq);
			assert_pattern(xk, xk->msg_type, x0->len);
			assert_true(i == 0 || xk->seq >= b->dv[i - 1].seq);
			/* Each sender's messages in submission order. */
			assert_int_equal(xk->msg_type % 1000,
					 fifo[xk->sender - 1]++);
		}
	}
	h_net_fini(&net);
}

/* ---- SAFE versus AGREED --------------------------------------------------*/
static bool drop_first_data_to_3(void *arg, const struct h_pkt *p, uint32_t to)
{
	bool *done = arg;

	if (*done || to != 3 || h_pkt_type(p->data, p->len) != ORDO_PKT_DATA)
		return false;
	*done = true;
	return true;
}

/* The tokens the ring had seen when the packet with seq was first sent. */
static uint64_t tokens_at_send(const struct h_net *net, uint64_t seq)
{
	size_t k;

	for (k = 0; k < net->nlog; k++)
		if (h_data_seq(net->log[k].data, net->log[k].len) == seq)
			return net->log[k].tokens;
	fail_msg("packet %llu was never sent", (unsigned long long)seq);
	return 0;
}

static void safe_vs_agreed(bool lose)
{
	struct ordo_engine_config c;
	struct h_net net;
	bool dropped = false;
	uint32_t k, i;

	small_config(&c, 3, 1500);
	h_net_init(&net, &c);
	net.keep_log = true;
	h_net_form(&net);
	if (lose) {
		net.drop = drop_first_data_to_3;
		net.drop_arg = &dropped;
	}
	/* One SAFE message, then AGREED ones (in other packets). */
	submit_pattern(h_node(&net, 1)->e, ORDO_SVC_SAFE, 1, 1000);
	submit_pattern(h_node(&net, 1)->e, ORDO_SVC_AGREED, 2, 1000);
	submit_pattern(h_node(&net, 2)->e, ORDO_SVC_AGREED, 3, 10);
	run_until_delivered(&net, 3);
	assert_int_equal(dropped, lose);

	for (k = 0; k < net.n; k++) {
		const struct h_node *nd = &net.node[k];
		const struct h_delivery *s = NULL;
		uint64_t sent;

		for (i = 0; i < nd->ndv; i++)
			if (nd->dv[i].msg_type == 1)
				s = &nd->dv[i];
		assert_non_null(s);
		assert_int_equal(s->service, ORDO_SVC_SAFE);
		sent = tokens_at_send(&net, s->seq);
		/* Delivered on a token visit, once every member held it and
		 * the token had been all the way round since it was sent. */
		assert_int_equal(s->during, ORDO_PKT_TOKEN);
		assert_true(s->min_aru >= s->seq);
		if (s->tokens < sent + net.n)
			fail_msg("node %u delivered SAFE %llu after %llu token "
				 "passes, want >= %u", nd->id,
				 (unsigned long long)s->seq,
				 (unsigned long long)(s->tokens - sent), net.n);
		/* Total order: what precedes it was sent before it, and
		 * nothing sent after it overtakes it. */
		for (i = 0; i < nd->ndv; i++) {
			const struct h_delivery *d = &nd->dv[i];

			if (d < s)
				assert_true(d->seq < s->seq);
			else if (d > s)
				assert_true(d->seq > s->seq);
		}
	}
	assert_int_equal(ordo_engine_stats(h_node(&net, 3)->e)->rtr_requested > 0,
			 lose);
	h_net_fini(&net);
	if (!lose) {
		/* Same ring, AGREED alone: delivered on data receipt, before
		 * the token came round. */
		h_net_init(&net, &c);
		net.keep_log = true;
		h_net_form(&net);
		submit_pattern(h_node(&net, 1)->e, ORDO_SVC_AGREED, 5, 1000);
		run_until_delivered(&net, 1);
		for (k = 2; k <= 3; k++) {
			const struct h_delivery *d = &h_node(&net, k)->dv[0];

			assert_int_equal(d->during, ORDO_PKT_DATA);
			assert_true(d->tokens < tokens_at_send(&net, d->seq) +
						net.n);
		}
		h_net_fini(&net);
	}
}

static void test_safe_waits_for_a_rotation(void **state)
{
	(void)state;
	safe_vs_agreed(false);
}

static void test_safe_waits_for_the_member_that_lost_it(void **state)
{
	(void)state;
	safe_vs_agreed(true);
}

/* ---- a ring of one -------------------------------------------------------*/
static void test_one_member_ring_delivers(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	const struct h_delivery *d;

	(void)state;
	small_config(&c, 1, 1500);
	h_net_init(&net, &c);
	submit_pattern(h_node(&net, 1)->e, ORDO_SVC_AGREED, 1, 10);
	submit_pattern(h_node(&net, 1)->e, ORDO_SVC_SAFE, 2, 20000);
	submit_pattern(h_node(&net, 1)->e, ORDO_SVC_FIFO, 3, 0);
	h_net_form(&net);
	run_until_delivered(&net, 3);
	d = h_node(&net, 1)->dv;
	assert_pattern(&d[0], 1, 10);
	assert_pattern(&d[1], 2, 20000);
	assert_int_equal(d[1].service, ORDO_SVC_SAFE);
	assert_pattern(&d[2], 3, 0);
	assert_int_equal(d[0].sender, 1);
	/* It keeps going: later messages are delivered too. */
	submit_pattern(h_node(&net, 1)->e, ORDO_SVC_SAFE, 4, 5);
	run_until_delivered(&net, 4);
	assert_pattern(&h_node(&net, 1)->dv[3], 4, 5);
	assert_true(ordo_engine_next_deadline(h_node(&net, 1)->e) != UINT64_MAX);
	h_net_fini(&net);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_messages_share_packets),
		cmocka_unit_test(test_messages_that_fit_a_packet_are_not_split),
		cmocka_unit_test(test_fragment_boundaries),
		cmocka_unit_test(test_large_messages_reassemble_intact),
		cmocka_unit_test(test_order_is_the_same_at_all_members),
		cmocka_unit_test(test_safe_waits_for_a_rotation),
		cmocka_unit_test(test_safe_waits_for_the_member_that_lost_it),
		cmocka_unit_test(test_one_member_ring_delivers),
	};

	unit_filter(argc, argv);
	return cmocka_run_group_tests_name("packing", tests, NULL, NULL);
}
