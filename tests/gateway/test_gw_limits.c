/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The client API's limits end to end, through the gateway harness: what
 * a call accepts is delivered to every receiver, intact; one step past a
 * limit is refused at the call with its error.
 *   - groups: a message to ORDO_MAX_GROUPS groups reaches members on other
 *     nodes once, with every group named; one more is ORDO_ERR_GROUPS
 *     (Spread: MESSAGE_TOO_LONG);
 *   - size: MaxMessageSize reaches the clients; the largest payload
 *     (MaxMessageSize less the group header, ordo_max_message) is
 *     delivered intact on every node, one byte more is ORDO_ERR_TOO_BIG
 *     (Spread: MESSAGE_TOO_LONG) and the daemon refuses nothing.
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

#include "sp.h"
#include "tests/gateway/gwt.h"

static char groups[ORDO_MAX_GROUPS + 1][ORDO_NAME_LEN];

static void test_max_groups(void **state)
{
	(void)state;
	struct gwh_opts o = { .n_nodes = 3 };
	struct gwh *h = gwh_start(&o);
	assert_non_null(h);
	for (int i = 0; i <= ORDO_MAX_GROUPS; i++)
		snprintf(groups[i], ORDO_NAME_LEN, "many-groups-%03d", i);
	ordo_client *a = gwt_connect(h, 0, "a", 0);
	ordo_client *b = gwt_connect(h, 1, "b", ORDO_CONNECT_MEMBERSHIP);
	ordo_client *c = gwt_connect(h, 2, "c", ORDO_CONNECT_MEMBERSHIP);
	/* b is in every group, c in the last one only. */
	for (int i = 0; i < ORDO_MAX_GROUPS; i++)
		assert_int_equal(ordo_join(b, groups[i]), 0);
	gwt_wait_view(b, groups[ORDO_MAX_GROUPS - 1], 1);
	gwt_join(c, groups[ORDO_MAX_GROUPS - 1], 2);

	uint8_t msg[200];
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
	gwt_fill(msg, sizeof(msg), 3, 0);
	assert_int_equal(ordo_multicastv(a, ORDO_AGREED, ORDO_MAX_GROUPS,
					 (const char (*)[ORDO_NAME_LEN])groups, 0,
					 &iov, 1), (int)sizeof(msg));
	assert_int_equal(ordo_multicastv(a, ORDO_AGREED, ORDO_MAX_GROUPS + 1,
					 (const char (*)[ORDO_NAME_LEN])groups, 0,
					 &iov, 1), ORDO_ERR_GROUPS);
	/* One more, to see nothing came between. */
	gwt_fill(msg, sizeof(msg), 3, 1);
	assert_int_equal(ordo_multicastv(a, ORDO_AGREED, ORDO_MAX_GROUPS,
					 (const char (*)[ORDO_NAME_LEN])groups, 0,
					 &iov, 1), (int)sizeof(msg));

	static uint8_t buf[(ORDO_MAX_GROUPS + 1) * ORDO_NAME_LEN + 4096];
	for (ordo_client *r = b; r; r = r == b ? c : NULL)
		for (uint32_t k = 0; k < 2;) {
			struct ordo_event ev;
			uint32_t tag, seq;
			int n = ordo_receive(r, &ev, buf, sizeof(buf), 10000);

			if (n < 0)
				fprintf(stderr, "receive: %s\n", ordo_strerror(n));
			assert_true(n >= 0);
			if (ev.kind != ORDO_EV_MESSAGE)
				continue;
			assert_int_equal(n, sizeof(msg));
			assert_int_equal(ev.n_groups, ORDO_MAX_GROUPS);
			for (int i = 0; i < ORDO_MAX_GROUPS; i++)
				assert_string_equal(ev.groups[i], groups[i]);
			assert_string_equal(ev.sender, ordo_private_group(a));
			assert_true(gwt_check(ev.data, ev.len, &tag, &seq));
			assert_int_equal(seq, k);
			k++;
		}
	struct dp_gw_stats st;
	for (unsigned i = 0; i < 3; i++) {
		gwh_stats(h, i, &st);
		assert_int_equal(st.names_dropped, 0);
	}

	/* Spread's calls: the same limit, Spread's error. */
	mailbox mb;
	char pg[MAX_GROUP_NAME];
	assert_int_equal(SP_connect(gwh_socket(h, 0), "sp", 0, 0, &mb, pg),
			 ACCEPT_SESSION);
	assert_int_equal(SP_multigroup_multicast(mb, AGREED_MESS,
						 ORDO_MAX_GROUPS + 1,
						 (const char (*)[MAX_GROUP_NAME])groups,
						 0, 5, "hello"), MESSAGE_TOO_LONG);
	assert_int_equal(SP_multigroup_multicast(mb, AGREED_MESS,
						 ORDO_MAX_GROUPS,
						 (const char (*)[MAX_GROUP_NAME])groups,
						 0, 5, "hello"), 5);
	SP_disconnect(mb);
	ordo_disconnect(a);
	ordo_disconnect(b);
	ordo_disconnect(c);
	gwh_stop(h);
}

/* Send the largest payload for dests, then one byte more. */
static void at_size_limit(struct gwh *h, ordo_client *a, ordo_client *b,
			  int n_groups, const char (*dests)[ORDO_NAME_LEN],
			  uint32_t seq)
{
	int max = ordo_max_message(a, n_groups, dests);
	assert_true(max > 0);
	uint8_t *m = malloc((size_t)max + 1);
	assert_non_null(m);
	gwt_fill(m, (size_t)max + 1, 4, seq);
	struct iovec iov = { .iov_base = m, .iov_len = (size_t)max + 1 };
	assert_int_equal(ordo_multicastv(a, ORDO_AGREED, n_groups, dests, 0,
					 &iov, 1), ORDO_ERR_TOO_BIG);
	gwt_fill(m, (size_t)max, 4, seq);
	iov.iov_len = (size_t)max;
	assert_int_equal(ordo_multicastv(a, ORDO_AGREED, n_groups, dests, 0,
					 &iov, 1), max);
	free(m);

	struct gwt_rx r;
	gwt_rx_init(&r, b, 1, 20000);
	r.next[4] = seq;
	gwt_rx_run(&r);
	gwt_rx_join(&r);
	assert_int_equal(r.end, 0);
	assert_int_equal(r.got, 1);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.out_of_order, 0);
	assert_int_equal(r.bytes, (uint64_t)max);
	struct dp_gw_stats st;
	gwh_stats(h, 0, &st);
	assert_int_equal(st.rejected_size, 0);
	assert_int_equal(st.rejected_other, 0);
}

static void test_max_size(void **state)
{
	(void)state;
	struct gwh_opts o = { .n_nodes = 2, .ordo = "MaxMessageSize = 1M\n" };
	struct gwh *h = gwh_start(&o);
	assert_non_null(h);
	ordo_client *a = gwt_connect(h, 0, "alice", 0);
	ordo_client *b = gwt_connect(h, 1, "b", ORDO_CONNECT_MEMBERSHIP);
	gwt_join(b, "g", 1);
	gwt_join(b, "a-longer-group-name", 1);

	const char one[1][ORDO_NAME_LEN] = { "g" };
	/* 1 MiB less 8 + "alice" + 1 + "g" */
	assert_int_equal(ordo_max_message(a, 1, one), (1 << 20) - 15);
	at_size_limit(h, a, b, 1, one, 0);
	const char two[2][ORDO_NAME_LEN] = { "g", "a-longer-group-name" };
	assert_int_equal(ordo_max_message(a, 2, two), (1 << 20) - 15 - 20);
	at_size_limit(h, a, b, 2, two, 1);

	/* Spread's call: the same limit, Spread's error. */
	mailbox mb;
	char pg[MAX_GROUP_NAME];
	assert_int_equal(SP_connect(gwh_socket(h, 0), "alice2", 0, 0, &mb, pg),
			 ACCEPT_SESSION);
	int max = (1 << 20) - 8 - 6 - 2;
	char *m = calloc(1, (size_t)max + 1);
	assert_int_equal(SP_multicast(mb, AGREED_MESS, "g", 0, max + 1, m),
			 MESSAGE_TOO_LONG);
	assert_int_equal(SP_multicast(mb, AGREED_MESS, "g", 0, max, m), max);
	free(m);
	SP_disconnect(mb);
	ordo_disconnect(a);
	ordo_disconnect(b);
	gwh_stop(h);
}

/* The default configuration: a 16 MiB payload does not fit 16 MiB with
 * its header, and is refused at the call (it used to be accepted and then
 * refused by the daemon, which the sender learnt only later). */
static void test_default_size(void **state)
{
	(void)state;
	struct gwh_opts o = { .n_nodes = 1 };
	struct gwh *h = gwh_start(&o);
	assert_non_null(h);
	ordo_client *a = gwt_connect(h, 0, "a", 0);
	const char one[1][ORDO_NAME_LEN] = { "g" };
	assert_int_equal(ordo_max_message(a, 1, one), (16 << 20) - 11);
	uint8_t *m = calloc(1, 16u << 20);
	assert_non_null(m);
	assert_int_equal(ordo_multicast(a, ORDO_AGREED, "g", 0, m, 16u << 20),
			 ORDO_ERR_TOO_BIG);
	free(m);
	ordo_disconnect(a);
	gwh_stop(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_max_groups),
		cmocka_unit_test(test_max_size),
		cmocka_unit_test(test_default_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
