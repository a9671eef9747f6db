/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The client API's limits end to end, through the gateway harness: what
 * a call accepts is delivered to every receiver, intact; one step past a
 * limit is refused at the call with its error.
 *   - groups: a message to ORDO_MAX_GROUPS groups reaches members on other
 *     nodes once, with every group named; one more is ORDO_ERR_GROUPS
 *     (Spread: MESSAGE_TOO_LONG).
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_max_groups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
