/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Retransmission: a DATA packet lost to one member is requested on the
 * token (rtr) and resent byte for byte, and delivered in order after it;
 * a lost token is resent after token_retransmit_ns, the receiver drops the
 * late copy as a duplicate, and a sign that the successor got the token
 * (its multicast) stops the resending.
 */
#include "tests/unit/unit.h"

#define RETX_NS 50000u

static void config(struct ordo_engine_config *c, uint32_t n)
{
	h_config(c, n);
	c->store_packets = 256;
	c->global_window = 32;
	c->personal_window = 16;
	c->accel_window = 4;
	c->max_msg_size = 64 << 10;
	c->submit_bytes = 256 << 10;
	c->token_retransmit_ns = RETX_NS;
}

static uint64_t high_seq(struct ordo_engine *e)
{
	struct ordo_engine_status st;

	ordo_engine_status(e, &st);
	return st.high_seq;
}

/* ---- a lost DATA packet --------------------------------------------------*/
struct lose {
	uint64_t seq;   /* lose this sequence ... */
	uint32_t to;    /* ... on its way to this node, once */
	bool done;
};

static bool lose_once(void *arg, const struct h_pkt *p, uint32_t to)
{
	struct lose *l = arg;

	if (l->done || to != l->to || h_data_seq(p->data, p->len) != l->seq)
		return false;
	l->done = true;
	return true;
}

static void test_lost_data_is_requested_and_resent(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	struct lose l = { .to = 3 };
	const struct h_pkt *orig = NULL, *again = NULL, *ask = NULL;
	uint64_t base, retrans = 0;
	const uint32_t msgs = 10, len = 1400; /* one message per packet */
	uint32_t i, k;
	size_t j;

	(void)state;
	config(&c, 3);
	h_net_init(&net, &c);
	net.keep_log = true;
	h_net_form(&net);
	base = high_seq(h_node(&net, 1)->e);
	l.seq = base + 3;
	net.drop = lose_once;
	net.drop_arg = &l;
	for (i = 0; i < msgs; i++)
		submit_pattern(h_node(&net, 1)->e, ORDO_SVC_AGREED,
			       (uint16_t)i, len);
	run_until_delivered(&net, msgs);
	assert_true(l.done);

	/* Every member delivered everything, in order, intact. */
	for (k = 0; k < net.n; k++) {
		const struct h_node *nd = &net.node[k];

		assert_int_equal(nd->ndv, msgs);
		for (i = 0; i < msgs; i++) {
			assert_int_equal(nd->dv[i].msg_type, i);
			assert_int_equal(nd->dv[i].seq, base + 1 + i);
			assert_pattern(&nd->dv[i], i, len);
		}
	}

	/* Node 3 asked for exactly what it missed, on a token it passed. */
	for (j = 0; j < net.nlog; j++) {
		const struct h_pkt *p = &net.log[j];
		struct h_token t;

		if (p->from == 3 && h_token_read(p->data, p->len, &t)) {
			for (i = 0; i < t.rtr_count; i++) {
				assert_int_equal(t.rtr[i], l.seq);
				if (ask == NULL)
					ask = p;
			}
		} else if (h_data_seq(p->data, p->len) == l.seq) {
			if (orig == NULL)
				orig = p;
			else if (again == NULL)
				again = p;
		}
	}
	assert_non_null(ask);
	assert_non_null(orig);
	assert_non_null(again);
	assert_true(ask->id < again->id);
	assert_int_equal(ordo_engine_stats(h_node(&net, 3)->e)->rtr_requested,
			 1);
	assert_int_equal(ordo_engine_stats(h_node(&net, 2)->e)->rtr_requested,
			 0);
	for (k = 1; k <= net.n; k++)
		retrans += ordo_engine_stats(h_node(&net, k)->e)->tx_retrans;
	assert_true(retrans >= 1);
	/* The very packet its originator built, whoever resent it. */
	assert_int_equal(again->len, orig->len);
	assert_memory_equal(again->data, orig->data, orig->len);
	assert_int_equal(h_pkt_sender(again->data, again->len), 1);

	/* Node 3 could deliver nothing from the gap on before the resend. */
	{
		const struct h_node *n3 = h_node(&net, 3);

		for (i = 2; i < msgs; i++)
			assert_true(n3->dv[i].tokens >= again->tokens);
		assert_true(n3->dv[1].tokens <= ask->tokens);
	}
	h_net_fini(&net);
}

/* Every 4th DATA packet to node 3 and every 7th to node 2 is lost the
 * first time: everyone still delivers the same messages intact. */
struct lossy {
	uint64_t n;
	uint8_t lost[4096];
};

static bool lose_some(void *arg, const struct h_pkt *p, uint32_t to)
{
	struct lossy *l = arg;
	uint64_t seq = h_data_seq(p->data, p->len);
	uint8_t bit = (uint8_t)(1u << to);

	if (seq == 0 || seq >= sizeof(l->lost) || (l->lost[seq] & bit))
		return false;
	if ((to == 3 && seq % 4 == 0) || (to == 2 && seq % 7 == 0)) {
		l->lost[seq] |= bit;
		return true;
	}
	return false;
}

static void test_many_losses_recover(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	static struct lossy l;
	const uint32_t per = 100;
	uint32_t i, k;

	(void)state;
	config(&c, 4);
	h_net_init(&net, &c);
	h_net_form(&net);
	net.drop = lose_some;
	net.drop_arg = &l;
	for (k = 1; k <= 4; k++)
		for (i = 0; i < per; i++)
			submit_pattern(h_node(&net, k)->e,
				       i % 3 ? ORDO_SVC_AGREED : ORDO_SVC_SAFE,
				       (uint16_t)(k * 1000 + i), (i * 37) % 3000);
	run_until_delivered(&net, 4 * per);
	assert_true(net.dropped > 20);
	for (k = 1; k < 4; k++)
		for (i = 0; i < 4 * per; i++) {
			const struct h_delivery *a = &net.node[0].dv[i];
			const struct h_delivery *b = &net.node[k].dv[i];

			assert_int_equal(a->msg_type, b->msg_type);
			assert_int_equal(a->seq, b->seq);
			/* SAFE: every member held it when it was delivered. */
			if (b->service == ORDO_SVC_SAFE &&
			    b->min_aru < b->seq)
				fail_msg("node %u delivered SAFE seq %llu while "
					 "a member held only up to %llu", k + 1,
					 (unsigned long long)b->seq,
					 (unsigned long long)b->min_aru);
			assert_pattern(b, b->msg_type,
				       ((b->msg_type % 1000) * 37) % 3000);
		}
	h_net_fini(&net);
}

/* Random loss of DATA packets (first sends and resends alike): a SAFE
 * message is delivered only once every member holds it, whatever was
 * lost where. Small windows make rotations many and short. */
struct random_loss {
	uint64_t x;
	unsigned percent;
};

static bool lose_randomly(void *arg, const struct h_pkt *p, uint32_t to)
{
	struct random_loss *l = arg;

	(void)to;
	if (h_pkt_type(p->data, p->len) != ORDO_PKT_DATA)
		return false;
	l->x ^= l->x << 13, l->x ^= l->x >> 7, l->x ^= l->x << 17;
	return l->x % 100 < l->percent;
}

static void test_safe_under_random_loss(void **state)
{
	unsigned seed;

	(void)state;
	for (seed = 1; seed <= 12; seed++) {
		struct ordo_engine_config c;
		struct h_net net;
		struct random_loss l = { .x = seed * 0x9e3779b97f4a7c15ull,
					 .percent = 10 + seed * 2 };
		const uint32_t n = 3 + seed % 3, per = 40;
		uint32_t i, k;

		config(&c, n);
		c.personal_window = 2;
		c.global_window = 4;
		c.accel_window = 1;
		h_net_init(&net, &c);
		h_net_form(&net);
		net.drop = lose_randomly;
		net.drop_arg = &l;
		for (i = 0; i < per; i++)
			for (k = 1; k <= n; k++)
				submit_pattern(h_node(&net, k)->e,
					       (i + k) % 2 ? ORDO_SVC_SAFE :
							     ORDO_SVC_AGREED,
					       (uint16_t)(k * 100 + i), 1000);
		run_until_delivered(&net, n * per);
		for (k = 0; k < n; k++)
			for (i = 0; i < n * per; i++) {
				const struct h_delivery *d = &net.node[k].dv[i];

				assert_int_equal(d->msg_type,
						 net.node[0].dv[i].msg_type);
				if (d->service == ORDO_SVC_SAFE &&
				    d->min_aru < d->seq)
					fail_msg("seed %u: node %u delivered SAFE "
						 "%llu; a member held only %llu",
						 seed, k + 1,
						 (unsigned long long)d->seq,
						 (unsigned long long)d->min_aru);
			}
		h_net_fini(&net);
	}
}

/* ---- a lost token --------------------------------------------------------*/
/* Move packets until the next token sent by node `from` is taken off the
 * network (not delivered); fails the test if there is none. */
static void take_token_from(struct h_net *net, uint32_t from, struct h_pkt *p)
{
	uint32_t k;

	for (k = 0; k < 100000; k++) {
		if (!h_take(net, p)) {
			assert_true(h_step(net));
			continue;
		}
		if (p->from == from && h_pkt_type(p->data, p->len) == ORDO_PKT_TOKEN)
			return;
		net->now += H_PKT_NS;
		h_deliver_pkt(net, p);
		free(p->data);
	}
	fail_msg("node %u sent no token", from);
}

/* Take every packet in flight off the network; returns how many were
 * tokens, the first of which is kept in *tok (the caller frees data). */
static unsigned tokens_in_flight(struct h_net *net, struct h_pkt *tok)
{
	unsigned n = 0;
	struct h_pkt p;

	while (h_take(net, &p)) {
		if (h_pkt_type(p.data, p.len) == ORDO_PKT_TOKEN &&
		    n++ == 0 && tok != NULL) {
			*tok = p;
			continue;
		}
		free(p.data);
	}
	return n;
}

static void test_lost_token_is_resent_after_timeout(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	struct h_pkt lost, p = { 0 };
	struct ordo_engine *a;
	const struct ordo_engine_stats *sb;
	uint64_t sent_at, rot, dups;

	(void)state;
	config(&c, 3);
	h_net_init(&net, &c);
	h_net_form(&net);
	a = h_node(&net, 1)->e;

	take_token_from(&net, 1, &lost);
	sent_at = lost.at;
	assert_int_equal(tokens_in_flight(&net, NULL), 0);
	assert_true(ordo_engine_next_deadline(a) <= sent_at + RETX_NS);

	/* Not a nanosecond early. */
	ordo_engine_tick(a, sent_at + RETX_NS - 1);
	assert_int_equal(tokens_in_flight(&net, NULL), 0);
	assert_int_equal(ordo_engine_stats(a)->token_retrans, 0);

	/* On time: the same token, byte for byte, to the same member. */
	net.now = sent_at + RETX_NS;
	ordo_engine_tick(a, net.now);
	assert_int_equal(ordo_engine_stats(a)->token_retrans, 1);
	assert_int_equal(tokens_in_flight(&net, &p), 1);
	assert_int_equal(p.dest, lost.dest);
	assert_int_equal(p.len, lost.len);
	assert_memory_equal(p.data, lost.data, lost.len);

	/* Lost again: resent again, one period later. */
	free(p.data);
	ordo_engine_tick(a, net.now + RETX_NS - 1);
	assert_int_equal(tokens_in_flight(&net, NULL), 0);
	net.now += RETX_NS;
	ordo_engine_tick(a, net.now);
	assert_int_equal(ordo_engine_stats(a)->token_retrans, 2);
	assert_int_equal(tokens_in_flight(&net, &p), 1);
	assert_memory_equal(p.data, lost.data, lost.len);

	/* This copy arrives and is taken; the first, late, is a duplicate. */
	sb = ordo_engine_stats(h_node(&net, lost.dest)->e);
	rot = sb->rotations;
	dups = sb->drops[ORDO_DROP_DUP_TOKEN];
	net.now += H_PKT_NS;
	assert_int_equal(h_rx(&net, lost.dest, p.data, p.len), 0);
	assert_int_equal(sb->rotations, rot + 1);
	h_rx(&net, lost.dest, lost.data, lost.len);
	assert_int_equal(sb->rotations, rot + 1);
	assert_int_equal(sb->drops[ORDO_DROP_DUP_TOKEN], dups + 1);
	free(p.data);
	free(lost.data);

	/* The ring goes on, and the sender stops resending. */
	submit_pattern(h_node(&net, 3)->e, ORDO_SVC_SAFE, 1, 100);
	run_until_delivered(&net, 1);
	assert_int_equal(ordo_engine_stats(a)->token_retrans, 2);
	h_net_fini(&net);
}

/* The successor's multicast carries the round of the token we passed: the
 * token arrived, so there is nothing to resend even if we never see the
 * token again. */
static void test_successor_data_stops_token_resend(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	struct h_pkt tok, p;
	struct ordo_engine *a;
	uint64_t sent_at;
	bool got_data = false;

	(void)state;
	config(&c, 3);
	h_net_init(&net, &c);
	h_net_form(&net);
	a = h_node(&net, 1)->e;
	submit_pattern(h_node(&net, 2)->e, ORDO_SVC_AGREED, 1, 100);

	take_token_from(&net, 1, &tok);
	sent_at = tok.at;
	h_rx(&net, 2, tok.data, tok.len); /* node 2 sends its DATA, passes on */
	free(tok.data);
	/* Node 1 sees node 2's DATA; every other packet is lost. */
	while (h_take(&net, &p)) {
		if (p.from == 2 && h_pkt_type(p.data, p.len) == ORDO_PKT_DATA) {
			assert_int_equal(h_rx(&net, 1, p.data, p.len), 0);
			got_data = true;
		}
		free(p.data);
	}
	assert_true(got_data);
	ordo_engine_tick(a, sent_at + 3 * RETX_NS);
	assert_int_equal(ordo_engine_stats(a)->token_retrans, 0);
	assert_int_equal(tokens_in_flight(&net, NULL), 0);
	h_net_fini(&net);
}

/* Regression (engine/token.c, request_missing): requests must be bounded
 * by the seq of the token in hand, not only by that of the token we passed
 * last time. A forged or corrupt token with a seq ahead of the ring's (but
 * inside the store window) raised rtr_bound; with the real token next we
 * asked for sequences above its seq and every member dropped our token as
 * bad_token. Found by the wire fuzzer
 * (tests/fuzz/crashes/oracle-rtr-above-token-seq).
 *
 * Since the ring's seq may not go back (token.c), the real token is then
 * refused too: taking it would reuse the sequences the forged one named.
 * A token further ahead than one rotation's flow is refused outright.
 * Either way no one asks for a sequence above a token's seq, and the ring
 * orders again (re-formed, if the forged token won). */
/* All operational in a ring of all, past *(uint64_t *)arg ring changes at
 * node 3. */
static bool reformed(struct h_net *net, void *arg)
{
	return ordo_engine_stats(h_node(net, 3)->e)->ring_changes >
		       *(uint64_t *)arg &&
	       h_formed(net, NULL);
}

static void test_forged_token_seq_makes_no_requests_above_seq(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;
	struct ordo_engine_status st;
	struct h_token real;
	struct h_pkt p;
	struct craft k;
	struct craft_token t = { .dest = 2 };
	const struct ordo_engine_stats *s2, *s3;
	uint64_t bad, changes;

	(void)state;
	config(&c, 3);
	h_net_init(&net, &c);
	h_net_form(&net);
	s2 = ordo_engine_stats(h_node(&net, 2)->e);
	s3 = ordo_engine_stats(h_node(&net, 3)->e);
	/* The real token on its way to node 2 is held back ... */
	take_token_from(&net, 1, &p);
	assert_true(h_token_read(p.data, p.len, &real));
	assert_int_equal(real.dest, 2);
	/* ... while forged ones, just before it, reach node 2: one beyond
	 * a rotation's flow (refused), one 20 sequences ahead (taken; what
	 * node 2 sends on is lost). The ring has no token left: it re-forms
	 * after the token loss timeout. */
	ordo_engine_status(h_node(&net, 2)->e, &st);
	t.token_seq = real.token_seq - 1;
	t.seq = real.seq + c.global_window + c.personal_window + 1;
	t.aru = real.aru;
	craft_hdr(&k, ORDO_PKT_TOKEN, H_HASH, 1, st.ring_rep, st.ring_seq);
	craft_token(&k, &t, NULL, 0);
	craft_finish(&k);
	assert_int_equal(h_rx(&net, 2, k.buf, k.len), -ORDO_DROP_BAD_TOKEN);
	t.seq = real.seq + 20;
	craft_hdr(&k, ORDO_PKT_TOKEN, H_HASH, 1, st.ring_rep, st.ring_seq);
	craft_token(&k, &t, NULL, 0);
	craft_finish(&k);
	assert_int_equal(h_rx(&net, 2, k.buf, k.len), 0);
	assert_int_equal(tokens_in_flight(&net, NULL), 1); /* taken off */
	/* Now the real token arrives: its seq is below what node 2 passed
	 * on, so it is refused rather than let sequences be named twice. */
	bad = s3->drops[ORDO_DROP_BAD_TOKEN];
	assert_int_equal(h_rx(&net, 2, p.data, p.len), -ORDO_DROP_BAD_TOKEN);
	free(p.data);
	/* What node 2 sent on is the ring's token now, naming 20 sequences
	 * no one holds: the ring re-forms, and orders again. */
	changes = s3->ring_changes;
	assert_true(h_run_until(&net, reformed, &changes, STEPS));
	submit_pattern(h_node(&net, 2)->e, ORDO_SVC_AGREED, 1, 10);
	run_until_delivered(&net, 1);
	assert_int_equal(s3->drops[ORDO_DROP_BAD_TOKEN], bad);
	assert_true(s2->drops[ORDO_DROP_BAD_TOKEN] >= 2);
	h_net_fini(&net);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lost_data_is_requested_and_resent),
		cmocka_unit_test(test_many_losses_recover),
		cmocka_unit_test(test_safe_under_random_loss),
		cmocka_unit_test(test_lost_token_is_resent_after_timeout),
		cmocka_unit_test(test_successor_data_stops_token_resend),
		cmocka_unit_test(test_forged_token_seq_makes_no_requests_above_seq),
	};

	unit_filter(argc, argv);
	return cmocka_run_group_tests_name("retrans", tests, NULL, NULL);
}
