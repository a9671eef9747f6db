/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The flood receivers' checker (lib/flood/flood_check.h, ordo-perf's and
 * cpg_flood's): a clean stream passes; a gap is lost, a duplicate or step
 * back is misordered, a damaged message is corrupt, anything after END or
 * of another round is misordered, a header naming another sender than
 * the transport's is refused, a sender beyond the table is counted; the
 * order digest tells two delivery orders apart; latency is recorded for
 * measured data only, timed at once or later.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/flood/flood_check.h"

#define SIZE 200

struct sender {
	uint64_t id;
	uint8_t buf[SIZE];
};

static struct flood_check chk;

static void sender_init(struct sender *s, uint64_t id)
{
	s->id = id;
	flood_msg_init_payload(s->buf, SIZE, s->id);
}

static int deliver_to(struct flood_check *c, struct sender *s,
		      enum flood_kind kind, uint16_t round, uint64_t seq,
		      uint64_t sent, uint64_t now)
{
	flood_msg_stamp(s->buf, SIZE, kind, round, s->id, seq, sent);
	return flood_check_deliver(c, s->buf, SIZE, s->id, now);
}

static int deliver(struct sender *s, enum flood_kind kind, uint16_t round,
		   uint64_t seq, uint64_t sent, uint64_t now)
{
	return deliver_to(&chk, s, kind, round, seq, sent, now);
}

static int setup(void **state)
{
	(void)state;
	flood_check_init(&chk);
	return 0;
}

static void test_clean_stream(void **state)
{
	struct sender a, b;

	(void)state;
	sender_init(&a, flood_name_id("#a#n1", 32));
	sender_init(&b, 2);    /* a Corosync node id */
	for (uint64_t i = 1; i <= 100; i++) {
		assert_int_equal(deliver(&a, FLOOD_DATA, 0, i, 1000, 3000), FLOOD_CHECK_OK);
		assert_int_equal(deliver(&b, FLOOD_DATA, 0, i, 1000, 6000), FLOOD_CHECK_OK);
	}
	assert_int_equal(deliver(&a, FLOOD_END, 0, 101, 0, 0), FLOOD_CHECK_END);
	assert_int_equal(deliver(&b, FLOOD_END, 0, 101, 0, 0), FLOOD_CHECK_END);
	assert_true(flood_check_clean(&chk));
	assert_int_equal(chk.cur.data, 200);
	assert_int_equal(chk.cur.data_bytes, 200 * SIZE);
	assert_int_equal(chk.cur.ends, 2);
	assert_int_equal(chk.cur.first_ns, 3000);
	assert_int_equal(chk.cur.last_ns, 6000);
	assert_int_equal(chk.n_senders, 2);
	assert_int_equal(flood_check_sender(&chk, 2)->got, 101);
	assert_null(flood_check_sender(&chk, 3));
	/* Latencies 2000 and 5000 ns, half each (buckets are 16 and 64 ns
	 * wide there: each reads as its bucket's middle). */
	assert_in_range(flood_hist_quantile(&chk.cur.latency, 0.25), 2000, 2016);
	assert_in_range(flood_hist_quantile(&chk.cur.latency, 0.75), 5000, 5032);
	assert_int_equal(chk.cur.latency.max, 5000);
}

static void test_gap_is_lost(void **state)
{
	struct sender a, b;

	(void)state;
	sender_init(&a, 1);
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 1, 0, 1), FLOOD_CHECK_OK);
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 5, 0, 1), FLOOD_CHECK_LOST);
	assert_int_equal(chk.lost, 3);
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 6, 0, 1), FLOOD_CHECK_OK);
	assert_false(flood_check_clean(&chk));
	/* The very first message of a sender is 1: a later start is a loss. */
	sender_init(&b, 2);
	assert_int_equal(deliver(&b, FLOOD_DATA, 0, 3, 0, 1), FLOOD_CHECK_LOST);
	assert_int_equal(chk.lost, 5);
	/* An END right after a gap says the gap, not END. */
	assert_int_equal(deliver(&b, FLOOD_END, 0, 5, 0, 1), FLOOD_CHECK_LOST);
	assert_int_equal(chk.cur.ends, 1);
}

static void test_duplicate_and_back_are_misordered(void **state)
{
	struct sender a;

	(void)state;
	sender_init(&a, 1);
	for (uint64_t i = 1; i <= 3; i++)
		assert_int_equal(deliver(&a, FLOOD_DATA, 0, i, 0, 1), FLOOD_CHECK_OK);
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 3, 0, 1), FLOOD_CHECK_MISORDERED);
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 1, 0, 1), FLOOD_CHECK_MISORDERED);
	assert_int_equal(chk.misordered, 2);
	assert_int_equal(chk.stale, 2);
	assert_int_equal(chk.lost, 0);
	assert_false(flood_check_clean(&chk));
	/* Refused messages do not move the sequence on. */
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 4, 0, 1), FLOOD_CHECK_OK);
	assert_int_equal(chk.cur.data, 4);
}

static void test_corrupt(void **state)
{
	struct sender a;
	uint8_t copy[SIZE];

	(void)state;
	sender_init(&a, 1);
	flood_msg_stamp(a.buf, SIZE, FLOOD_DATA, 0, a.id, 1, 0);
	a.buf[SIZE - 1] ^= 0x10;          /* one bit of the payload */
	assert_int_equal(flood_check_deliver(&chk, a.buf, SIZE, a.id, 1),
			 FLOOD_CHECK_CORRUPT);
	assert_int_equal(chk.bad[FLOOD_BAD_CSUM], 1);
	assert_int_equal(chk.last_bad, FLOOD_BAD_CSUM);
	flood_msg_stamp(a.buf, SIZE, FLOOD_DATA, 0, a.id, 1, 0);
	/* Delivered shorter than the header says. */
	assert_int_equal(flood_check_deliver(&chk, a.buf, SIZE - 8, a.id, 1),
			 FLOOD_CHECK_CORRUPT);
	assert_int_equal(chk.bad[FLOOD_BAD_LEN], 1);
	assert_int_equal(flood_check_deliver(&chk, a.buf, 10, a.id, 1),
			 FLOOD_CHECK_CORRUPT);
	assert_int_equal(chk.bad[FLOOD_BAD_SHORT], 1);
	a.buf[0] ^= 1;
	assert_int_equal(flood_check_deliver(&chk, a.buf, SIZE, a.id, 1),
			 FLOOD_CHECK_CORRUPT);
	assert_int_equal(chk.bad[FLOOD_BAD_MAGIC], 1);
	/* Another message's payload under this header. */
	flood_msg_stamp(a.buf, SIZE, FLOOD_DATA, 0, a.id, 2, 0);
	memcpy(copy, a.buf, SIZE);
	flood_msg_stamp(a.buf, SIZE, FLOOD_DATA, 0, a.id, 1, 0);
	memcpy(copy + FLOOD_HDR_LEN, a.buf + FLOOD_HDR_LEN, SIZE - FLOOD_HDR_LEN);
	assert_int_equal(flood_check_deliver(&chk, copy, SIZE, a.id, 1),
			 FLOOD_CHECK_CORRUPT);
	assert_int_equal(chk.corrupt, 5);
	assert_int_equal(chk.deliveries, 5);
	/* Refused before any sequence was taken: nothing accepted. */
	assert_int_equal(chk.n_senders, 0);
	assert_int_equal(chk.rx_msgs, 0);
	assert_false(flood_check_clean(&chk));
}

static void test_end_and_rounds(void **state)
{
	struct sender a;

	(void)state;
	sender_init(&a, 1);
	assert_int_equal(deliver(&a, FLOOD_WARMUP, 0, 1, 0, 1), FLOOD_CHECK_OK);
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 2, 0, 1), FLOOD_CHECK_OK);
	assert_int_equal(deliver(&a, FLOOD_END, 0, 3, 0, 1), FLOOD_CHECK_END);
	/* Data after END in the same round. */
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 4, 0, 1), FLOOD_CHECK_MISORDERED);
	assert_int_equal(chk.after_end, 1);
	/* Next round's data before the receiver moved on: the sender is
	 * still closed for this round. */
	assert_int_equal(deliver(&a, FLOOD_DATA, 1, 4, 0, 1), FLOOD_CHECK_MISORDERED);
	assert_int_equal(chk.after_end, 2);
	assert_int_equal(chk.misordered, 2);
	flood_check_next_round(&chk, 1);
	assert_int_equal(chk.cur.ends, 0);
	assert_int_equal(chk.cur.data, 0);
	/* Last round's data once the receiver moved on. */
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 4, 0, 1), FLOOD_CHECK_MISORDERED);
	assert_int_equal(chk.other_round, 1);
	assert_int_equal(chk.misordered, 3);
	assert_int_equal(deliver(&a, FLOOD_DATA, 1, 4, 0, 1), FLOOD_CHECK_OK);
	assert_int_equal(deliver(&a, FLOOD_END, 1, 5, 0, 1), FLOOD_CHECK_END);
	assert_int_equal(chk.cur.ends, 1);
	/* Warm-up counted as received, not measured. */
	assert_int_equal(chk.rx_msgs, 3);
	assert_int_equal(chk.cur.data, 1);
}

static void test_impostor(void **state)
{
	struct sender a, fake;

	(void)state;
	sender_init(&a, flood_name_id("#a#n1", 32));
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 1, 0, 1), FLOOD_CHECK_OK);
	/* Another client stamps a's id into its headers; the transport
	 * says who really sent it. */
	sender_init(&fake, a.id);
	flood_msg_stamp(fake.buf, SIZE, FLOOD_DATA, 0, a.id, 2, 0);
	assert_int_equal(flood_check_deliver(&chk, fake.buf, SIZE,
					     flood_name_id("#x#n2", 32), 1),
			 FLOOD_CHECK_IMPOSTOR);
	assert_int_equal(chk.impostor, 1);
	assert_int_equal(chk.corrupt, 0);
	assert_int_equal(chk.bad[FLOOD_BAD_SENDER], 1);
	assert_false(flood_check_clean(&chk));
	/* a's own next message is still the one expected. */
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 2, 0, 1), FLOOD_CHECK_OK);
}

static void test_future_stamp_is_zero_latency(void **state)
{
	struct sender a;

	(void)state;
	sender_init(&a, 1);
	assert_int_equal(deliver(&a, FLOOD_DATA, 0, 1, 5000, 1000), FLOOD_CHECK_OK);
	assert_int_equal(chk.cur.latency.count, 1);
	assert_int_equal(chk.cur.latency.max, 0);
}

static void test_digest_tells_orders_apart(void **state)
{
	static struct flood_check a, b, a2;
	struct sender s1, s2;

	(void)state;
	sender_init(&s1, 1);
	sender_init(&s2, 2);
	flood_check_init(&a);
	flood_check_init(&b);
	flood_check_init(&a2);
	deliver_to(&a, &s1, FLOOD_DATA, 0, 1, 0, 1);
	deliver_to(&a, &s2, FLOOD_DATA, 0, 1, 0, 1);
	deliver_to(&b, &s2, FLOOD_DATA, 0, 1, 0, 1);
	deliver_to(&b, &s1, FLOOD_DATA, 0, 1, 0, 1);
	deliver_to(&a2, &s1, FLOOD_DATA, 0, 1, 0, 1);
	deliver_to(&a2, &s2, FLOOD_DATA, 0, 1, 0, 1);
	assert_true(flood_check_clean(&a) && flood_check_clean(&b));
	assert_int_not_equal(a.digest, b.digest);
	assert_int_equal(a.digest, a2.digest);
	/* A duplicate is delivered too: it is in the digest, and `folded`
	 * names it (ordo-perf's per-group digests take it from there). */
	assert_int_equal(deliver_to(&a2, &s2, FLOOD_DATA, 0, 1, 0, 1),
			 FLOOD_CHECK_MISORDERED);
	assert_int_not_equal(a.digest, a2.digest);
	assert_int_equal(a2.folded.sender, 2);
	assert_int_equal(a2.folded.seq, 1);
	/* The digest is flood_digest_step's, from FLOOD_DIGEST_INIT. */
	assert_int_equal(a.digest, flood_digest_step(flood_digest_step(
				FLOOD_DIGEST_INIT, 1, 1), 2, 1));
	/* A refused message is not. */
	flood_msg_stamp(s1.buf, SIZE, FLOOD_DATA, 0, 1, 2, 0);
	s1.buf[SIZE - 1] ^= 1;
	assert_int_equal(flood_check_deliver(&a, s1.buf, SIZE, 1, 1),
			 FLOOD_CHECK_CORRUPT);
	flood_check_init(&b);
	deliver_to(&b, &s1, FLOOD_DATA, 0, 1, 0, 1);
	deliver_to(&b, &s2, FLOOD_DATA, 0, 1, 0, 1);
	assert_int_equal(a.digest, b.digest);
}

static void test_senders_beyond_the_table(void **state)
{
	struct sender s;
	uint64_t n;

	(void)state;
	for (n = 1; n <= FLOOD_MAX_SENDERS; n++) {
		sender_init(&s, n * 1024);    /* all in one home slot */
		assert_int_equal(deliver(&s, FLOOD_DATA, 0, 1, 0, 1), FLOOD_CHECK_OK);
	}
	sender_init(&s, n * 1024);
	assert_int_equal(deliver(&s, FLOOD_DATA, 0, 1, 0, 1), FLOOD_CHECK_FULL);
	assert_int_equal(chk.too_many, 1);
	assert_false(flood_check_clean(&chk));
	/* Those in the table are still found. */
	sender_init(&s, 7 * 1024);
	assert_int_equal(deliver(&s, FLOOD_DATA, 0, 2, 0, 1), FLOOD_CHECK_OK);
}

static void test_timed_later(void **state)
{
	struct sender a;

	(void)state;
	sender_init(&a, 1);
	flood_msg_stamp(a.buf, SIZE, FLOOD_WARMUP, 0, 1, 1, 100);
	assert_int_equal(flood_check_deliver_untimed(&chk, a.buf, SIZE, 1), 0);
	flood_msg_stamp(a.buf, SIZE, FLOOD_DATA, 0, 1, 2, 200);
	assert_int_equal(flood_check_deliver_untimed(&chk, a.buf, SIZE, 1), 0);
	flood_msg_stamp(a.buf, SIZE, FLOOD_END, 0, 1, 3, 300);
	assert_int_equal(flood_check_deliver_untimed(&chk, a.buf, SIZE, 1),
			 FLOOD_CHECK_END);
	/* Counted at once, timed when the receiver reads its clock. */
	assert_int_equal(chk.cur.data, 1);
	assert_int_equal(chk.n_pending, 2);
	assert_int_equal(chk.cur.latency.count, 0);
	flood_check_timestamp(&chk, 1200);
	assert_int_equal(chk.n_pending, 0);
	assert_int_equal(chk.recent.count, 2);
	assert_int_equal(chk.recent.max, 1100);
	assert_int_equal(chk.cur.latency.count, 1);
	assert_int_equal(chk.cur.latency.max, 1000);
	assert_int_equal(chk.cur.first_ns, 1200);
	/* A full queue times itself (with the real clock: the stamps are
	 * far in the past, so each latency is large, never zero). */
	flood_check_next_round(&chk, 1);
	for (uint64_t i = 4; i < 4 + FLOOD_PENDING; i++) {
		flood_msg_stamp(a.buf, SIZE, FLOOD_DATA, 1, 1, i, 1);
		assert_int_equal(flood_check_deliver_untimed(&chk, a.buf, SIZE, 1), 0);
	}
	assert_int_equal(chk.n_pending, 0);
	assert_int_equal(chk.cur.latency.count, FLOOD_PENDING);
	assert_true(flood_hist_quantile(&chk.cur.latency, 0.0) > 1);
	/* A new round times what is pending in the round it belongs to. */
	flood_msg_stamp(a.buf, SIZE, FLOOD_DATA, 1, 1, 4 + FLOOD_PENDING, 1);
	assert_int_equal(flood_check_deliver_untimed(&chk, a.buf, SIZE, 1), 0);
	assert_int_equal(chk.n_pending, 1);
	flood_check_next_round(&chk, 2);
	assert_int_equal(chk.n_pending, 0);
	assert_int_equal(chk.cur.latency.count, 0);
	assert_true(flood_check_clean(&chk));
}

static void test_rc_names(void **state)
{
	(void)state;
	assert_string_equal(flood_check_rc_name(FLOOD_CHECK_LOST), "sequence gap (lost)");
	assert_string_equal(flood_check_rc_name(FLOOD_CHECK_FULL), "too many senders");
	assert_string_equal(flood_check_rc_name(-99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_clean_stream, setup),
		cmocka_unit_test_setup(test_gap_is_lost, setup),
		cmocka_unit_test_setup(test_duplicate_and_back_are_misordered, setup),
		cmocka_unit_test_setup(test_corrupt, setup),
		cmocka_unit_test_setup(test_end_and_rounds, setup),
		cmocka_unit_test_setup(test_impostor, setup),
		cmocka_unit_test_setup(test_future_stamp_is_zero_latency, setup),
		cmocka_unit_test_setup(test_digest_tells_orders_apart, setup),
		cmocka_unit_test_setup(test_senders_beyond_the_table, setup),
		cmocka_unit_test_setup(test_timed_later, setup),
		cmocka_unit_test(test_rc_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
