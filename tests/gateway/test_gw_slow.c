/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Slow consumers through the gateway harness (gwh.h): a client that does
 * not read fills its delivery ring, then its overflow; the order is kept
 * when it reads again; past MaxSessionMessages it is disconnected with the
 * reason (SlowConsumer = disconnect) while the others go on, or local
 * senders are held back (SlowConsumer = block) and nothing is lost.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/gateway/gwt.h"

#define SMALL_RINGS "ClientSubmitBytes = 64K\nClientDeliverBytes = 64K\n"

/* Behind, then reading: everything arrives, in order, through the
 * overflow. */
static void test_overflow_keeps_order(void **state)
{
	(void)state;
	struct gwh_opts o = { .n_nodes = 2, .ordo = SMALL_RINGS };
	struct gwh *h = gwh_start(&o);
	assert_non_null(h);
	ordo_client *a = gwt_connect(h, 0, "a", ORDO_CONNECT_MEMBERSHIP);
	ordo_client *b = gwt_connect(h, 1, "b", ORDO_CONNECT_MEMBERSHIP);
	gwt_join(a, "g", 1);
	gwt_join(b, "g", 2);
	gwt_wait_view(a, "g", 2);

	/* 400 x 1 KiB: six times b's ring, under MaxSessionMessages. */
	gwt_send(a, ORDO_AGREED | ORDO_SELF_DISCARD, "g", 0, 0, 400, 1024);
	struct dp_gw_stats st;
	for (int i = 0; i < 1000; i++) {
		gwh_stats(h, 1, &st);
		if (st.delivered >= 400)
			break;
		usleep(10000);
	}
	assert_true(st.overflowed > 0);
	struct gwt_rx r;
	gwt_rx_start(&r, b, 400, 10000);
	gwt_rx_join(&r);
	assert_int_equal(r.end, 0);
	assert_int_equal(r.got, 400);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.out_of_order, 0);
	/* Numbered one by one through the ring and the overflow alike. */
	assert_int_equal(r.seq_gaps, 0);
	gwh_stats(h, 1, &st);
	assert_int_equal(st.slow_consumers, 0);
	ordo_disconnect(a);
	ordo_disconnect(b);
	gwh_stop(h);
}

static void test_disconnect_slow(void **state)
{
	(void)state;
	struct gwh_opts o = {
		.n_nodes = 2,
		.top = "MaxSessionMessages = 50\n",
		.ordo = SMALL_RINGS,
	};
	struct gwh *h = gwh_start(&o);
	assert_non_null(h);
	ordo_client *a = gwt_connect(h, 0, "a", ORDO_CONNECT_MEMBERSHIP);
	ordo_client *b = gwt_connect(h, 1, "b", ORDO_CONNECT_MEMBERSHIP);
	ordo_client *c = gwt_connect(h, 1, "c", ORDO_CONNECT_MEMBERSHIP);
	gwt_join(a, "g", 1);
	gwt_join(b, "g", 2);
	gwt_join(c, "g", 3);
	gwt_wait_view(a, "g", 3);
	gwt_wait_view(b, "g", 3);

	/* c reads, b does not: b is cut off with the reason, c gets all.
	 * The sender waits for c every 40 messages, so c is never behind
	 * by more than its ring. */
	uint64_t c_views = 0;
	for (uint32_t k = 0; k < 500; k += 40) {
		struct gwt_rx rc_;
		uint32_t n = 500 - k < 40 ? 500 - k : 40;

		gwt_send(a, ORDO_AGREED | ORDO_SELF_DISCARD, "g", 0, k, n, 1024);
		gwt_rx_init(&rc_, c, n, 10000);
		rc_.next[0] = k;
		gwt_rx_run(&rc_);
		gwt_rx_join(&rc_);
		assert_int_equal(rc_.end, 0);
		assert_int_equal(rc_.got, n);
		assert_int_equal(rc_.out_of_order, 0);
		c_views += rc_.memb;
	}

	/* b reads what it was given, in order, then learns why it ends. */
	struct gwt_rx rb;
	gwt_rx_start(&rb, b, 500, 10000);
	gwt_rx_join(&rb);
	assert_int_equal(rb.end, ORDO_ERR_CLOSED);
	assert_string_equal(ordo_close_reason_name(b), "slow-consumer");
	assert_true(rb.got > 0 && rb.got < 500);
	assert_int_equal(rb.out_of_order, 0);
	assert_int_equal(rb.bad, 0);
	struct dp_gw_stats st;
	gwh_stats(h, 1, &st);
	assert_int_equal(st.slow_consumers, 1);

	/* c saw b leave (DISCONNECT, in order with the messages). */
	assert_int_equal(c_views, 1);
	ordo_disconnect(a);
	ordo_kill(b);
	ordo_disconnect(c);
	gwh_stop(h);
}

/* SlowConsumer = block: a local sender is held back while a local
 * receiver is behind; nobody is disconnected and nothing is lost. The
 * receiver's bound is small (MaxSessionMessages 50, its overflow holding
 * far more bytes): what the gateway already read from the sender's ring
 * (57 of these 1 KiB messages fit it) would exceed it if it were all
 * ordered; the admission bound (gw_admit.c) orders only what the
 * receiver can hold. */
static void test_block_slow(void **state)
{
	(void)state;
	struct gwh_opts o = {
		.n_nodes = 1,
		.top = "MaxSessionMessages = 50\n",
		.ordo = SMALL_RINGS "SlowConsumer = block\n",
	};
	struct gwh *h = gwh_start(&o);
	assert_non_null(h);
	ordo_client *a = gwt_connect(h, 0, "a", ORDO_CONNECT_MEMBERSHIP);
	ordo_client *b = gwt_connect(h, 0, "b", ORDO_CONNECT_MEMBERSHIP);
	gwt_join(a, "g", 1);
	gwt_join(b, "g", 2);
	gwt_wait_view(a, "g", 2);

	/* b starts reading only after a second: a's sends block meanwhile. */
	struct gwt_rx rb;
	gwt_send(a, ORDO_AGREED | ORDO_SELF_DISCARD, "g", 0, 0, 60, 1024);
	usleep(300000);
	gwt_rx_start(&rb, b, 2000, 10000);
	gwt_send(a, ORDO_AGREED | ORDO_SELF_DISCARD, "g", 0, 60, 1940, 1024);
	gwt_rx_join(&rb);
	assert_int_equal(rb.end, 0);
	assert_int_equal(rb.got, 2000);
	assert_int_equal(rb.out_of_order, 0);
	struct dp_gw_stats st;
	gwh_stats(h, 0, &st);
	assert_int_equal(st.slow_consumers, 0);
	assert_true(st.blocked_turns > 0);
	ordo_disconnect(a);
	ordo_disconnect(b);
	gwh_stop(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overflow_keeps_order),
		cmocka_unit_test(test_disconnect_slow),
		cmocka_unit_test(test_block_slow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
