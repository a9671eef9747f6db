/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The client path through the gateway harness (gwh.h): libordo clients on
 * three nodes, real ordo-ctrld, gateway, group layer and engines.
 *   - delivery: every member on every node gets every message, in one
 *     order, intact, small ones and ones fragmented in both rings;
 *   - several groups and private groups;
 *   - the Access rules at join and at send;
 *   - a corrupt submit ring ends that client's session only.
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

#include "client/libordo/client.h"
#include "tests/gateway/gwt.h"

static void test_three_nodes(void **state)
{
	(void)state;
	struct gwh_opts o = { .n_nodes = 3 };
	struct gwh *h = gwh_start(&o);
	assert_non_null(h);
	ordo_client *a = gwt_connect(h, 0, "a", ORDO_CONNECT_MEMBERSHIP);
	ordo_client *b = gwt_connect(h, 1, "b", ORDO_CONNECT_MEMBERSHIP);
	ordo_client *c = gwt_connect(h, 2, "c", ORDO_CONNECT_MEMBERSHIP);
	gwt_join(a, "g", 1);
	gwt_join(b, "g", 2);
	gwt_join(c, "g", 3);
	gwt_wait_view(a, "g", 3);
	gwt_wait_view(b, "g", 3);

	/* Small, then larger than a record of the 1 MiB submit ring (256 KiB
	 * records): fragments on the way in and on the way out. */
	struct gwt_rx rb, rc_;
	gwt_rx_start(&rb, b, 300, 20000);
	gwt_rx_start(&rc_, c, 300, 20000);
	gwt_send(a, ORDO_AGREED | ORDO_SELF_DISCARD, "g", 1, 0, 250, 100);
	gwt_send(a, ORDO_AGREED | ORDO_SELF_DISCARD, "g", 1, 250, 40,
		 300 * 1024);
	gwt_send(a, ORDO_SAFE | ORDO_SELF_DISCARD, "g", 1, 290, 10, 3);
	gwt_rx_join(&rb);
	gwt_rx_join(&rc_);
	for (struct gwt_rx *r = &rb; r; r = r == &rb ? &rc_ : NULL) {
		if (r->end)
			fprintf(stderr, "receiver: %s after %llu messages\n",
				ordo_strerror(r->end), (unsigned long long)r->got);
		assert_int_equal(r->end, 0);
		assert_int_equal(r->got, 300);
		/* The last ten are 3 bytes: too short for a header. */
		assert_int_equal(r->bad, 10);
		assert_int_equal(r->out_of_order, 0);
		assert_int_equal(r->next[1], 290);
	}

	/* A private group reaches one client, on another node. */
	uint8_t buf[256];
	struct ordo_event ev;
	gwt_fill(buf, 64, 2, 0);
	assert_int_equal(ordo_multicast(c, ORDO_FIFO, ordo_private_group(a), 7,
					buf, 64), 64);
	int n;
	do
		n = ordo_receive(a, &ev, buf, sizeof(buf), 10000);
	while (n >= 0 && ev.kind != ORDO_EV_MESSAGE);
	assert_int_equal(n, 64);
	assert_string_equal(ev.sender, ordo_private_group(c));
	assert_int_equal(ev.msg_type, 7);

	ordo_disconnect(a);
	ordo_disconnect(b);
	ordo_disconnect(c);
	gwh_stop(h);
}

static void test_access(void **state)
{
	(void)state;
	struct gwh_opts o = {
		.n_nodes = 1,
		.ordo = "Access \"secret*\" { Uid = *  Allow = join }\n"
			"Access \"hidden*\" { Uid = *  Allow = none }\n"
			"Access \"*\" { Uid = *  Allow = join send }\n",
	};
	struct gwh *h = gwh_start(&o);
	assert_non_null(h);
	ordo_client *a = gwt_connect(h, 0, "a", ORDO_CONNECT_MEMBERSHIP);
	struct ordo_event ev;
	uint8_t buf[4096];

	gwt_join(a, "secret", 1);
	assert_int_equal(ordo_multicast(a, ORDO_AGREED, "secret", 0, "x", 1), 1);
	assert_int_equal(ordo_join(a, "hidden"), 0);
	int rc = ordo_receive(a, &ev, buf, sizeof(buf), 10000);
	assert_true(rc >= 0);
	assert_int_equal(ev.kind, ORDO_EV_REJECT);
	assert_int_equal(ev.error, ORDO_ERR_ACCESS);
	rc = ordo_receive(a, &ev, buf, sizeof(buf), 10000);
	assert_true(rc >= 0);
	assert_int_equal(ev.kind, ORDO_EV_REJECT);
	assert_int_equal(ev.error, ORDO_ERR_ACCESS);
	assert_string_equal(ev.groups[0], "hidden");

	struct dp_gw_stats st;
	gwh_stats(h, 0, &st);
	assert_int_equal(st.rejected_access, 2);
	ordo_disconnect(a);
	gwh_stop(h);
}

/* A client that breaks its submit ring is disconnected with the reason;
 * another client of the same node carries on. */
static void test_corrupt_ring(void **state)
{
	(void)state;
	struct gwh_opts o = { .n_nodes = 1 };
	struct gwh *h = gwh_start(&o);
	assert_non_null(h);
	ordo_client *bad = gwt_connect(h, 0, "bad", 0);
	ordo_client *ok = gwt_connect(h, 0, "ok", ORDO_CONNECT_MEMBERSHIP);
	gwt_join(ok, "g", 1);

	/* A record of an unknown kind, published as the library would. */
	struct ordo_cr_rec rec = {
		.len = sizeof(rec), .kind = 0x7f,
		.flags = ORDO_CR_F_FIRST | ORDO_CR_F_LAST,
	};
	void *slot = ordo_cr_reserve(&bad->prod, sizeof(rec));
	assert_non_null(slot);
	memcpy(slot, &rec, sizeof(rec));
	ordo_cr_commit(&bad->prod);

	struct ordo_event ev;
	uint8_t buf[256];
	int rc = ordo_receive(bad, &ev, buf, sizeof(buf), 10000);
	assert_int_equal(rc, ORDO_ERR_CLOSED);
	assert_string_equal(ordo_close_reason_name(bad), "ring-corrupt");

	gwt_send(ok, ORDO_AGREED, "g", 0, 0, 1, 64);
	rc = ordo_receive(ok, &ev, buf, sizeof(buf), 10000);
	assert_int_equal(rc, 64);
	struct dp_gw_stats st;
	gwh_stats(h, 0, &st);
	assert_int_equal(st.ring_corrupt, 1);
	ordo_kill(bad);
	ordo_disconnect(ok);
	gwh_stop(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_nodes),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_corrupt_ring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
