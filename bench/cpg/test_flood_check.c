/* SPDX-License-Identifier: BSD-3-Clause
 *
 * cpg_flood's receiver checks without Corosync: messages built by the
 * sender's code and delivered in crafted orders, damaged, replayed or
 * forged, must be accepted or refused for the right reason, and the order
 * digest must tell two delivery orders apart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flood_check.h"
#include "flood_hist.h"
#include "flood_msg.h"

#define SIZE 100

static uint8_t msg_buf[8][SIZE];

/* Message of node at seq, in its own buffer slot. */
static uint8_t *make(unsigned slot, uint32_t node, uint64_t seq, enum flood_kind kind)
{
	uint8_t *b = msg_buf[slot];

	flood_msg_init_payload(b, SIZE, node);
	flood_msg_stamp(b, SIZE, kind, node, seq, 1000);
	return b;
}

static int deliver(struct flood_check *c, uint32_t node, uint64_t seq,
		   enum flood_kind kind)
{
	return flood_check_deliver(c, make(0, node, seq, kind), SIZE, node, 5000);
}

static void in_order_is_clean(void **state)
{
	struct flood_check c;
	uint64_t s;

	(void)state;
	flood_check_init(&c);
	for (s = 1; s <= 10; s++) {
		assert_int_equal(deliver(&c, 1, s, FLOOD_DATA), 0);
		assert_int_equal(deliver(&c, 2, s, FLOOD_DATA), 0);
	}
	assert_int_equal(deliver(&c, 1, 11, FLOOD_END), 0);
	assert_true(flood_check_clean(&c));
	assert_int_equal(c.delivered, 20);
	assert_int_equal(c.ends, 1);
	assert_int_equal(flood_check_sender(&c, 1)->got, 11);
	/* latency 4000 ns = 4 us */
	assert_int_equal(flood_hist_quantile(&c.latency, 0.5), 4);
}

static void gap_duplicate_and_after_end_are_faults(void **state)
{
	struct flood_check c;

	(void)state;
	flood_check_init(&c);
	assert_int_equal(deliver(&c, 1, 1, FLOOD_DATA), 0);
	assert_int_equal(deliver(&c, 1, 3, FLOOD_DATA), FLOOD_CHECK_ORDER);
	assert_int_equal(c.gaps, 1);
	assert_int_equal(deliver(&c, 1, 3, FLOOD_DATA), FLOOD_CHECK_ORDER);
	assert_int_equal(c.stale, 1);
	assert_int_equal(deliver(&c, 1, 4, FLOOD_END), 0);
	assert_int_equal(deliver(&c, 1, 5, FLOOD_DATA), FLOOD_CHECK_ORDER);
	assert_int_equal(c.after_end, 1);
	assert_false(flood_check_clean(&c));
}

static void digest_tells_orders_apart(void **state)
{
	struct flood_check a, b, a2;

	(void)state;
	flood_check_init(&a);
	flood_check_init(&b);
	flood_check_init(&a2);
	deliver(&a, 1, 1, FLOOD_DATA);
	deliver(&a, 2, 1, FLOOD_DATA);
	deliver(&b, 2, 1, FLOOD_DATA);
	deliver(&b, 1, 1, FLOOD_DATA);
	deliver(&a2, 1, 1, FLOOD_DATA);
	deliver(&a2, 2, 1, FLOOD_DATA);
	assert_true(flood_check_clean(&a) && flood_check_clean(&b));
	assert_int_not_equal(a.digest, b.digest);
	assert_int_equal(a.digest, a2.digest);
}

static void damaged_or_forged_messages_are_refused(void **state)
{
	struct flood_check c;
	uint8_t *m;

	(void)state;
	flood_check_init(&c);
	m = make(1, 1, 1, FLOOD_DATA);
	m[SIZE - 1] ^= 1;
	assert_int_equal(flood_check_deliver(&c, m, SIZE, 1, 0), -(1 + FLOOD_BAD_CSUM));
	m = make(1, 1, 1, FLOOD_DATA);
	assert_int_equal(flood_check_deliver(&c, m, SIZE, 2, 0), -(1 + FLOOD_BAD_SENDER));
	assert_int_equal(flood_check_deliver(&c, m, SIZE - 1, 1, 0), -(1 + FLOOD_BAD_LEN));
	assert_int_equal(flood_check_deliver(&c, m, 10, 1, 0), -(1 + FLOOD_BAD_SHORT));
	m[0] ^= 0xff;
	assert_int_equal(flood_check_deliver(&c, m, SIZE, 1, 0), -(1 + FLOOD_BAD_MAGIC));
	m = make(1, 1, 1, FLOOD_DATA);
	m[offsetof(struct flood_hdr, kind)] = 9;
	assert_int_equal(flood_check_deliver(&c, m, SIZE, 1, 0), -(1 + FLOOD_BAD_KIND));
	/* Another message's payload and checksum under this header. */
	m = make(1, 1, 2, FLOOD_DATA);
	memcpy(m + FLOOD_HDR_LEN, make(2, 1, 3, FLOOD_DATA) + FLOOD_HDR_LEN,
	       SIZE - FLOOD_HDR_LEN);
	memcpy(m + offsetof(struct flood_hdr, csum),
	       msg_buf[2] + offsetof(struct flood_hdr, csum), 8);
	assert_int_equal(flood_check_deliver(&c, m, SIZE, 1, 0), -(1 + FLOOD_BAD_TAG));
	assert_int_equal(c.deliveries, 0);
	assert_false(flood_check_clean(&c));
}

static void senders_beyond_the_table_are_counted(void **state)
{
	struct flood_check c;
	uint32_t n;

	(void)state;
	flood_check_init(&c);
	for (n = 1; n <= FLOOD_MAX_SENDERS; n++)
		assert_int_equal(deliver(&c, n, 1, FLOOD_DATA), 0);
	assert_int_equal(deliver(&c, n, 1, FLOOD_DATA), FLOOD_CHECK_FULL);
	assert_int_equal(c.too_many, 1);
	assert_false(flood_check_clean(&c));
}

static void histogram_quantiles_within_resolution(void **state)
{
	struct flood_hist *h = test_calloc(1, sizeof(*h));
	uint64_t v, p50, p99;

	(void)state;
	assert_int_equal(flood_hist_quantile(h, 0.5), 0);
	for (v = 1; v <= 100000; v++)
		flood_hist_add(h, v);
	p50 = flood_hist_quantile(h, 0.50);
	p99 = flood_hist_quantile(h, 0.99);
	assert_in_range(p50, 50000 * 97 / 100, 50000 * 103 / 100);
	assert_in_range(p99, 99000 * 97 / 100, 99000 * 103 / 100);
	test_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order_is_clean),
		cmocka_unit_test(gap_duplicate_and_after_end_are_faults),
		cmocka_unit_test(digest_tells_orders_apart),
		cmocka_unit_test(damaged_or_forged_messages_are_refused),
		cmocka_unit_test(senders_beyond_the_table_are_counted),
		cmocka_unit_test(histogram_quantiles_within_resolution),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
