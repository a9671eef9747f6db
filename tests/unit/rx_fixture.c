/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fixture of the rx tests (rx_fixture.h).
 */
#include "tests/unit/rx_fixture.h"

bool rx_produced[ORDO_DROP_REASON_MAX];

static void note_token(void *arg, const struct h_pkt *p, const void *pkt)
{
	struct fix *f = arg;
	struct h_token t;

	if (p->from == ME && h_token_read(pkt, p->len, &t))
		f->passed = t.token_seq;
}

uint64_t rx_next_token(const struct fix *f)
{
	return f->passed + 1;
}

int rx_setup(void **state)
{
	struct ordo_engine_config cfg;
	struct ordo_engine_status st;
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	h_config(&cfg, 3);
	cfg.store_packets = CAP;
	cfg.global_window = 16;
	cfg.personal_window = 8;
	cfg.accel_window = 4;
	cfg.max_msg_size = MAXMSG;
	cfg.submit_bytes = 64 << 10;
	h_net_init(&f->net, &cfg);
	f->net.on_send = note_token;
	f->net.send_arg = f;
	h_net_form(&f->net);
	f->e = h_node(&f->net, ME)->e;
	ordo_engine_status(f->e, &st);
	f->rep = st.ring_rep;
	f->rseq = st.ring_seq;
	*state = f;
	return 0;
}

int rx_teardown(void **state)
{
	struct fix *f = *state;

	h_net_fini(&f->net);
	free(f);
	return 0;
}

struct ordo_engine_status rx_status(const struct fix *f)
{
	struct ordo_engine_status st;

	ordo_engine_status(f->e, &st);
	return st;
}

/* ---- building ------------------------------------------------------------*/
struct craft *rx_data(struct fix *f, uint32_t sender, uint64_t seq,
		      uint16_t nrec, uint8_t flags)
{
	craft_hdr(&f->c, ORDO_PKT_DATA, H_HASH, sender, f->rep, f->rseq);
	craft_data(&f->c, seq, 0, nrec, flags);
	return &f->c;
}

/* A valid DATA packet from member 1 holding one 5-byte AGREED message. */
struct craft *rx_data_ok(struct fix *f, uint64_t seq)
{
	rx_data(f, 1, seq, 1, 0);
	craft_rec(&f->c, 5, 7, ORDO_SVC_AGREED, ORDO_REC_F_WHOLE, "hello");
	craft_finish(&f->c);
	return &f->c;
}

/* A token for dest, consistent with node 2's state. */
struct craft *rx_token(struct fix *f, uint64_t token_seq, uint32_t dest,
		       const uint64_t *rtr, uint16_t n)
{
	struct ordo_engine_status st = rx_status(f);
	struct craft_token t = {
		.token_seq = token_seq,
		.seq = st.high_seq,
		.aru = st.my_aru,
		.dest = dest,
		.rtr_count = n,
	};

	craft_hdr(&f->c, ORDO_PKT_TOKEN, H_HASH, 1, f->rep, f->rseq);
	craft_token(&f->c, &t, rtr, n);
	craft_finish(&f->c);
	return &f->c;
}

/* ---- checking ------------------------------------------------------------*/
/* Feed len bytes of pkt to node 2: reason's counter rises by one, no
 * other counter moves, and rx returns -reason. */
void rx_expect_drop_n(struct fix *f, const void *pkt, uint32_t len,
		      enum ordo_drop_reason reason, const char *what)
{
	struct ordo_engine_stats before = *ordo_engine_stats(f->e);
	const struct ordo_engine_stats *after;
	size_t ndv = h_node(&f->net, ME)->ndv;
	uint64_t sent = f->net.sent;
	int rc, r;

	rc = h_rx(&f->net, ME, pkt, len);
	after = ordo_engine_stats(f->e);
	for (r = 1; r < ORDO_DROP_REASON_MAX; r++) {
		uint64_t want = before.drops[r] + (r == (int)reason);

		if (after->drops[r] != want)
			fail_msg("%s: counter %s is %llu, want %llu", what,
				 ordo_drop_reason_name(r),
				 (unsigned long long)after->drops[r],
				 (unsigned long long)want);
	}
	if (rc != -(int)reason)
		fail_msg("%s: rx returned %d, want -%s (%d)", what, rc,
			 ordo_drop_reason_name(reason), -(int)reason);
	/* A dropped packet changes nothing the application can see. */
	assert_int_equal(h_node(&f->net, ME)->ndv, ndv);
	assert_int_equal(after->rx_data, before.rx_data);
	assert_int_equal(after->rx_token, before.rx_token);
	assert_int_equal(f->net.sent, sent);
	rx_produced[reason] = true;
}

void rx_expect_drop(struct fix *f, const struct craft *c,
		    enum ordo_drop_reason reason, const char *what)
{
	rx_expect_drop_n(f, c->buf, c->len, reason, what);
}

void rx_expect_ok(struct fix *f, const struct craft *c, const char *what)
{
	struct ordo_engine_stats before = *ordo_engine_stats(f->e);
	const struct ordo_engine_stats *after;
	int rc = h_rx(&f->net, ME, c->buf, c->len);
	int r;

	if (rc != 0)
		fail_msg("%s: rx returned %d (%s)", what, rc,
			 ordo_drop_reason_name(-rc));
	after = ordo_engine_stats(f->e);
	for (r = 1; r < ORDO_DROP_REASON_MAX; r++)
		if (after->drops[r] != before.drops[r])
			fail_msg("%s: dropped as %s", what,
				 ordo_drop_reason_name(r));
}


void rx_expect_produced(const enum ordo_drop_reason *want, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!rx_produced[want[i]])
			fail_msg("no test produced %s",
				 ordo_drop_reason_name(want[i]));
}
