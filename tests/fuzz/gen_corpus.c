/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Writes the seed corpus of fuzz_wire (corpus-wire/): packets a real ring
 * sends, captured on the ring fuzz_wire plays with (fuzz_ring.h), so their
 * ring id, hash and sequence numbers are the ones the target expects.
 *
 *   gen_corpus DIR
 *
 * Raw packets (each file one packet): DATA with 1..n records, fragments
 * of messages larger than a packet, SAFE packets, tokens with and without
 * retransmission requests, joins, commit tokens, beacons. Scripts (the
 * format of fuzz_ring.h): runs of consecutive packets node 2 received,
 * with ticks, submits and ring steps between them. Deterministic: the
 * same program writes the same files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/craft.h"
#include "tests/fuzz/fuzz_ring.h"

static const char *dir;
static unsigned written;

static void write_file(const char *name, const void *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	written++;
}

/* ---- capturing -----------------------------------------------------------*/
static const char *kind(const struct h_pkt *p)
{
	struct h_token t;
	struct h_rec r;

	switch (h_pkt_type(p->data, p->len)) {
	case ORDO_PKT_DATA:
		if (!h_data_rec(p->data, p->len, 0, &r))
			return "data";
		if (r.service == ORDO_SVC_INTERNAL)
			return "data-internal";
		if (r.flags != ORDO_REC_F_WHOLE)
			return "data-fragment";
		return h_data_nrec(p->data, p->len) > 1 ? "data-nrec" :
							   "data-1rec";
	case ORDO_PKT_TOKEN:
		return h_token_read(p->data, p->len, &t) && t.rtr_count ?
			       "token-rtr" : "token";
	case ORDO_PKT_JOIN:
		return "join";
	case ORDO_PKT_COMMIT:
		return "commit";
	case ORDO_PKT_BEACON:
		return "beacon";
	default:
		return "other";
	}
}

/* Save up to per_kind packets of each kind that node 2 received, from
 * log index from on, named prefix-kind-NNN. */
static void save_raw(const struct h_net *net, size_t from, unsigned per_kind,
		     const char *prefix)
{
	static const char *const kinds[] = {
		"data-1rec", "data-nrec", "data-fragment", "data-internal",
		"token", "token-rtr", "join", "commit", "beacon",
	};
	unsigned count[sizeof(kinds) / sizeof(kinds[0])] = { 0 };
	size_t i, k;

	for (i = from; i < net->nlog; i++) {
		const struct h_pkt *p = &net->log[i];
		const char *kd = kind(p);
		char name[64];

		if (p->from == FUZZ_NODE ||
		    (p->dest != ORDO_DEST_RING && p->dest != FUZZ_NODE))
			continue;
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strcmp(kinds[k], kd) == 0)
				break;
		if (k == sizeof(kinds) / sizeof(kinds[0]) ||
		    count[k] >= per_kind)
			continue;
		snprintf(name, sizeof(name), "%s-%s-%03u", prefix, kd,
			 count[k]++);
		write_file(name, p->data, p->len);
	}
}

/* ---- scripts -------------------------------------------------------------*/
/* Scripts stay small: libFuzzer mutates short inputs faster. */
struct script {
	size_t len;
	uint8_t buf[16 << 10];
};

static void op_packet(struct script *s, const void *p, uint32_t len)
{
	if (s->len + 3 + len > sizeof(s->buf))
		return;
	s->buf[s->len++] = FUZZ_OP_PACKET;
	s->buf[s->len++] = (uint8_t)(len >> 8);
	s->buf[s->len++] = (uint8_t)len;
	memcpy(s->buf + s->len, p, len);
	s->len += len;
}

static void op(struct script *s, enum fuzz_op o, uint8_t arg)
{
	if (s->len < sizeof(s->buf))
		s->buf[s->len++] = (uint8_t)(o | arg << 2);
}

static void op_submit(struct script *s, uint8_t service, uint16_t len)
{
	op(s, FUZZ_OP_SUBMIT, service);
	if (s->len + 2 <= sizeof(s->buf)) {
		s->buf[s->len++] = (uint8_t)(len >> 8);
		s->buf[s->len++] = (uint8_t)len;
	}
}

/* Consecutive packets node 2 received from index from on, max of them,
 * a tick or a few ring steps after each token. */
static void save_run(const struct h_net *net, size_t from, unsigned max,
		     const char *name, bool ticks, bool submits)
{
	static struct script s;
	unsigned n = 0;
	size_t i;

	s.len = 0;
	if (submits) {
		op_submit(&s, ORDO_SVC_AGREED, 100);
		op_submit(&s, ORDO_SVC_SAFE, 3000);
	}
	for (i = from; i < net->nlog && n < max; i++) {
		const struct h_pkt *p = &net->log[i];

		if (p->from == FUZZ_NODE ||
		    (p->dest != ORDO_DEST_RING && p->dest != FUZZ_NODE))
			continue;
		op_packet(&s, p->data, p->len);
		n++;
		if (h_pkt_type(p->data, p->len) == ORDO_PKT_TOKEN)
			op(&s, ticks ? FUZZ_OP_TICK : FUZZ_OP_RING,
			   ticks ? 20 : 12);
	}
	write_file(name, s.buf, s.len);
}

/* Hand-made: a token for node 2 asking for many sequences, a message in
 * three fragments, and a token timeout (the token node 2 passes is lost). */
static void save_crafted(const struct h_net *net)
{
	static struct script s;
	struct ordo_engine_status st;
	struct craft c;
	struct craft_token t = { .dest = FUZZ_NODE };
	uint64_t rtr[ORDO_WIRE_RTR_MAX];
	uint16_t i;

	ordo_engine_status(h_node((struct h_net *)net, 1)->e, &st);
	for (i = 0; i < ORDO_WIRE_RTR_MAX; i++)
		rtr[i] = st.high_seq > i ? st.high_seq - i : 1;
	t.token_seq = 1000;
	t.seq = st.high_seq;
	t.aru = st.my_aru;
	t.rtr_count = ORDO_WIRE_RTR_MAX;
	craft_hdr(&c, ORDO_PKT_TOKEN, H_HASH, 1, st.ring_rep, st.ring_seq);
	craft_token(&c, &t, rtr, ORDO_WIRE_RTR_MAX);
	craft_finish(&c);
	write_file("crafted-token-rtr-max", c.buf, c.len);

	/* Beacons come every merge_detect_ns; the run is shorter than that. */
	craft_hdr(&c, ORDO_PKT_BEACON, H_HASH, 1, st.ring_rep, st.ring_seq);
	craft_u32(&c, 1);  /* incarnation */
	craft_u16(&c, 3);  /* n_members */
	craft_u16(&c, 0);  /* out: no one held out */
	craft_finish(&c);
	write_file("crafted-beacon", c.buf, c.len);
	/* ... and one that holds member 3 out for flapping (flap.c). */
	craft_hdr(&c, ORDO_PKT_BEACON, H_HASH, 1, st.ring_rep, st.ring_seq);
	craft_u32(&c, 1);
	craft_u16(&c, 2);
	craft_u16(&c, 1u << 2);
	craft_finish(&c);
	write_file("crafted-beacon-out", c.buf, c.len);

	s.len = 0;
	for (i = 0; i < 3; i++) {
		craft_hdr(&c, ORDO_PKT_DATA, H_HASH, 1, st.ring_rep, st.ring_seq);
		craft_data(&c, 1 + i, 0, 1, 0);
		craft_rec(&c, 1000, 42, ORDO_SVC_FIFO,
			  (i == 0 ? ORDO_REC_F_FIRST : 0) |
				  (i == 2 ? ORDO_REC_F_LAST : 0), NULL);
		craft_finish(&c);
		op_packet(&s, c.buf, c.len);
	}
	write_file("crafted-script-fragments", s.buf, s.len);

	/* A token for node 2, then time passes: it resends what it passed. */
	s.len = 0;
	op_submit(&s, ORDO_SVC_AGREED, 20000); /* above max_msg_size */
	op_submit(&s, ORDO_SVC_RELIABLE, 0);
	t.rtr_count = 0;
	craft_hdr(&c, ORDO_PKT_TOKEN, H_HASH, 1, st.ring_rep, st.ring_seq);
	craft_token(&c, &t, NULL, 0);
	craft_finish(&c);
	op_packet(&s, c.buf, c.len);
	for (i = 0; i < 40; i++)
		op(&s, FUZZ_OP_TICK, 63);
	op(&s, FUZZ_OP_RING, 63);
	write_file("crafted-script-token-timeout", s.buf, s.len);
}

/* ---- the run -------------------------------------------------------------*/
static bool lose(void *arg, const struct h_pkt *p, uint32_t to)
{
	uint64_t *x = arg;

	if (h_pkt_type(p->data, p->len) != ORDO_PKT_DATA || to == FUZZ_NODE)
		return false;
	*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
	return *x % 100 < 15;
}

int main(int argc, char **argv)
{
	static uint8_t msg[8 << 10];
	struct ordo_engine_config c;
	struct h_net net;
	uint64_t x = 0x2545f4914f6cdd1dull;
	size_t formed_at, want = 0, i;
	uint32_t k;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	dir = argv[1];
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = craft_pattern(1, i);

	fuzz_ring_config(&c);
	h_net_init(&net, &c);
	net.keep_log = true;
	h_net_form(&net);
	formed_at = net.nlog;
	save_raw(&net, 0, 2, "form"); /* the membership protocol's packets */

	/* Traffic from all three: small (many to a packet), medium, SAFE,
	 * and messages larger than a packet; some DATA lost on the way to
	 * nodes 1 and 3, so tokens carry retransmission requests. */
	net.drop = lose;
	net.drop_arg = &x;
	for (i = 0; i < 60; i++) {
		static const uint32_t lens[] = { 0, 1, 20, 64, 300, 1400, 1453,
						 3000, 8 << 10 };
		static const uint8_t svcs[] = { ORDO_SVC_AGREED, ORDO_SVC_SAFE,
						ORDO_SVC_FIFO, ORDO_SVC_RELIABLE,
						ORDO_SVC_UNRELIABLE,
						ORDO_SVC_CAUSAL };

		for (k = 1; k <= 3; k++) {
			if (ordo_engine_submit(h_node(&net, k)->e,
					       svcs[(i + k) % 6], (uint16_t)i,
					       msg, lens[(i * k) % 9]) == 0)
				want++;
		}
		for (k = 0; k < 5; k++)
			h_step(&net);
	}
	if (!h_run_until(&net, h_all_delivered, &want, 1000000)) {
		fprintf(stderr, "gen_corpus: the ring did not deliver\n");
		return 1;
	}
	save_raw(&net, formed_at, 6, "run");
	save_run(&net, formed_at, 12, "script-first-packets", false, false);
	save_run(&net, formed_at + (net.nlog - formed_at) / 3, 40,
		 "script-middle-ticks", true, true);
	save_run(&net, formed_at + (net.nlog - formed_at) / 2, 80,
		 "script-middle-ring", false, true);
	save_run(&net, 0, 30, "script-formation", false, false);
	save_crafted(&net);
	h_net_fini(&net);
	printf("gen_corpus: %u files in %s\n", written, dir);
	return 0;
}
