/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-perf's receiver checker: a clean stream passes; a gap is lost, a
 * duplicate or step back is misordered, a flipped payload byte or a bad
 * header is corrupt, data after END or of another round is misordered, a
 * sender id from another client's name is refused; latency is recorded
 * for measured data only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "perf_check.h"

#define SIZE 200

struct sender {
	const char *name;
	uint64_t id;
	uint8_t buf[SIZE];
};

static struct perf_check chk;

static void sender_init(struct sender *s, const char *name)
{
	s->name = name;
	s->id = perf_sender_id(name);
	perf_msg_init_payload(s->buf, SIZE, s->id);
}

static int deliver(struct sender *s, enum perf_kind kind, uint16_t round,
		   uint64_t seq, uint64_t sent, uint64_t now)
{
	perf_msg_stamp(s->buf, SIZE, kind, round, s->id, seq, sent);
	return perf_check_deliver(&chk, s->buf, SIZE, s->name, now);
}

static int setup(void **state)
{
	(void)state;
	perf_check_init(&chk);
	return 0;
}

static void test_clean_stream(void **state)
{
	struct sender a, b;

	(void)state;
	sender_init(&a, "#a#n1");
	sender_init(&b, "#b#n2");
	for (uint64_t i = 1; i <= 100; i++) {
		assert_int_equal(deliver(&a, PERF_DATA, 0, i, 1000, 3000), PERF_CHECK_OK);
		assert_int_equal(deliver(&b, PERF_DATA, 0, i, 1000, 6000), PERF_CHECK_OK);
	}
	assert_int_equal(deliver(&a, PERF_END, 0, 101, 0, 0), PERF_CHECK_END);
	assert_int_equal(deliver(&b, PERF_END, 0, 101, 0, 0), PERF_CHECK_END);
	assert_true(perf_check_clean(&chk));
	assert_int_equal(chk.cur.data, 200);
	assert_int_equal(chk.cur.ends, 2);
	assert_int_equal(chk.n_senders, 2);
	/* Latencies 2000 and 5000 ns, half each. */
	/* (buckets are 16 ns wide there: 2000 reads as its middle, 2008) */
	assert_in_range(perf_hist_quantile(&chk.cur.latency, 0.25), 2000, 2016);
	assert_in_range(perf_hist_quantile(&chk.cur.latency, 0.75), 5000, 5032);
}

static void test_gap_is_lost(void **state)
{
	struct sender a;

	(void)state;
	sender_init(&a, "#a#n1");
	assert_int_equal(deliver(&a, PERF_DATA, 0, 1, 0, 1), PERF_CHECK_OK);
	assert_int_equal(deliver(&a, PERF_DATA, 0, 5, 0, 1), PERF_CHECK_LOST);
	assert_int_equal(chk.lost, 3);
	assert_int_equal(deliver(&a, PERF_DATA, 0, 6, 0, 1), PERF_CHECK_OK);
	assert_false(perf_check_clean(&chk));
	/* The very first message of a sender is 1: a later start is a loss. */
	struct sender b;
	sender_init(&b, "#b#n1");
	assert_int_equal(deliver(&b, PERF_DATA, 0, 3, 0, 1), PERF_CHECK_LOST);
	assert_int_equal(chk.lost, 5);
}

static void test_duplicate_and_back_are_misordered(void **state)
{
	struct sender a;

	(void)state;
	sender_init(&a, "#a#n1");
	for (uint64_t i = 1; i <= 3; i++)
		assert_int_equal(deliver(&a, PERF_DATA, 0, i, 0, 1), PERF_CHECK_OK);
	assert_int_equal(deliver(&a, PERF_DATA, 0, 3, 0, 1), PERF_CHECK_MISORDERED);
	assert_int_equal(deliver(&a, PERF_DATA, 0, 1, 0, 1), PERF_CHECK_MISORDERED);
	assert_int_equal(chk.misordered, 2);
	assert_int_equal(chk.lost, 0);
	/* Refused messages do not move the sequence on. */
	assert_int_equal(deliver(&a, PERF_DATA, 0, 4, 0, 1), PERF_CHECK_OK);
	assert_int_equal(chk.cur.data, 4);
}

static void test_corrupt(void **state)
{
	struct sender a;

	(void)state;
	sender_init(&a, "#a#n1");
	perf_msg_stamp(a.buf, SIZE, PERF_DATA, 0, a.id, 1, 0);
	a.buf[SIZE - 1] ^= 0x10;          /* one bit of the payload */
	assert_int_equal(perf_check_deliver(&chk, a.buf, SIZE, a.name, 1),
			 PERF_CHECK_CORRUPT);
	assert_int_equal(chk.bad[PERF_BAD_CSUM], 1);
	perf_msg_stamp(a.buf, SIZE, PERF_DATA, 0, a.id, 1, 0);
	/* Delivered shorter than the header says. */
	assert_int_equal(perf_check_deliver(&chk, a.buf, SIZE - 8, a.name, 1),
			 PERF_CHECK_CORRUPT);
	assert_int_equal(chk.bad[PERF_BAD_LEN], 1);
	assert_int_equal(perf_check_deliver(&chk, a.buf, 10, a.name, 1),
			 PERF_CHECK_CORRUPT);
	assert_int_equal(chk.bad[PERF_BAD_SHORT], 1);
	a.buf[0] ^= 1;
	assert_int_equal(perf_check_deliver(&chk, a.buf, SIZE, a.name, 1),
			 PERF_CHECK_CORRUPT);
	assert_int_equal(chk.bad[PERF_BAD_MAGIC], 1);
	assert_int_equal(chk.corrupt, 4);
	/* Another message's payload under this header: the sequence stamped
	 * into the payload makes the sums differ. */
	perf_msg_stamp(a.buf, SIZE, PERF_DATA, 0, a.id, 2, 0);
	uint8_t copy[SIZE];
	memcpy(copy, a.buf, SIZE);
	perf_msg_stamp(a.buf, SIZE, PERF_DATA, 0, a.id, 1, 0);
	memcpy(copy + PERF_HDR_LEN, a.buf + PERF_HDR_LEN, SIZE - PERF_HDR_LEN);
	assert_int_equal(perf_check_deliver(&chk, copy, SIZE, a.name, 1),
			 PERF_CHECK_CORRUPT);
	assert_false(perf_check_clean(&chk));
}

static void test_end_and_rounds(void **state)
{
	struct sender a;

	(void)state;
	sender_init(&a, "#a#n1");
	assert_int_equal(deliver(&a, PERF_WARMUP, 0, 1, 0, 1), PERF_CHECK_OK);
	assert_int_equal(deliver(&a, PERF_DATA, 0, 2, 0, 1), PERF_CHECK_OK);
	assert_int_equal(deliver(&a, PERF_END, 0, 3, 0, 1), PERF_CHECK_END);
	/* Data after END in the same round. */
	assert_int_equal(deliver(&a, PERF_DATA, 0, 4, 0, 1), PERF_CHECK_MISORDERED);
	/* Next round's data before the receiver moved on. */
	assert_int_equal(deliver(&a, PERF_DATA, 1, 4, 0, 1), PERF_CHECK_MISORDERED);
	assert_int_equal(chk.misordered, 2);
	perf_check_next_round(&chk, 1);
	assert_int_equal(chk.cur.ends, 0);
	assert_int_equal(chk.cur.data, 0);
	assert_int_equal(deliver(&a, PERF_DATA, 1, 4, 0, 1), PERF_CHECK_OK);
	assert_int_equal(deliver(&a, PERF_END, 1, 5, 0, 1), PERF_CHECK_END);
	assert_int_equal(chk.cur.ends, 1);
	/* Warm-up counted as received, not measured. */
	assert_int_equal(chk.rx_msgs, 3);
}

static void test_impostor(void **state)
{
	struct sender a, fake;

	(void)state;
	sender_init(&a, "#a#n1");
	assert_int_equal(deliver(&a, PERF_DATA, 0, 1, 0, 1), PERF_CHECK_OK);
	/* Another client stamps a's id into its headers. */
	sender_init(&fake, "#x#n2");
	fake.id = a.id;
	assert_int_equal(deliver(&fake, PERF_DATA, 0, 2, 0, 1), PERF_CHECK_IMPOSTOR);
	assert_int_equal(chk.impostor, 1);
	assert_false(perf_check_clean(&chk));
}

static void test_future_stamp_is_zero_latency(void **state)
{
	struct sender a;

	(void)state;
	sender_init(&a, "#a#n1");
	assert_int_equal(deliver(&a, PERF_DATA, 0, 1, 5000, 1000), PERF_CHECK_OK);
	assert_int_equal(chk.cur.latency.max, 0);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
