/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Messages larger than a delivery ring, through the gateway harness: a
 * sender on every node sends 1, 4, 8 MiB and the largest message the
 * configuration allows (16 MiB less the group header), each followed by
 * small ones; a receiver on every node gets all of them intact, each
 * sender's in its order, and every receiver the same total order. Once
 * with the default rings (4 MiB delivery), once with the smallest (64 KiB):
 * the big ones stream through the receiver's ring in fragments (with the
 * overflow behind it), and the slow-consumer policy does not fire for a
 * receiver that keeps reading. A sender sends its next big message only
 * once every receiver has everything it sent before: the overflow holds
 * two of the largest messages (ordod's bound is bytes as well as
 * MaxSessionMessages), and on a loaded machine a receiver thread may lag
 * as far as the scheduler makes it; paced, the backlog stays under the
 * bound however the threads are scheduled, so the test says the same on
 * every run.
 */
#define _GNU_SOURCE
#include <pthread.h>
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

#define NODES 3
#define SMALL_PER_BIG 20

struct sender {
	ordo_client *c;
	const struct gwt_rx *rx; /* every node's receiver */
	uint32_t tag;
	uint32_t sent;
	int rc;
	pthread_t thr;
};

/* Until every receiver has the sender's messages before seq. */
static void wait_received(const struct sender *s, uint32_t seq)
{
	for (unsigned j = 0; j < NODES; j++)
		while (__atomic_load_n(&s->rx[j].next[s->tag],
				       __ATOMIC_ACQUIRE) < seq &&
		       __atomic_load_n(&s->rx[j].end, __ATOMIC_ACQUIRE) == 0)
			usleep(1000);
}

static void *send_main(void *arg)
{
	struct sender *s = arg;
	const char g[1][ORDO_NAME_LEN] = { "big" };
	int max = ordo_max_message(s->c, 1, g);
	size_t sizes[] = { 1u << 20, 4u << 20, 8u << 20, (size_t)max };
	uint8_t *buf = malloc((size_t)max);

	if (max <= 0 || buf == NULL) {
		s->rc = ORDO_ERR_NOMEM;
		return NULL;
	}
	for (unsigned i = 0; i < 4; i++) {
		for (unsigned k = 0; k <= SMALL_PER_BIG; k++) {
			size_t len = k == 0 ? sizes[i] : 16 + k * 37;
			int rc;

			if (k == 0)
				wait_received(s, s->sent);
			gwt_fill(buf, len, s->tag, s->sent);
			rc = ordo_multicast(s->c, ORDO_AGREED, "big", 0, buf, len);
			if (rc != (int)len) {
				s->rc = rc;
				free(buf);
				return NULL;
			}
			s->sent++;
		}
	}
	free(buf);
	return NULL;
}

static void big_messages(const char *ordo_lines)
{
	struct gwh_opts o = { .n_nodes = NODES, .ordo = ordo_lines };
	struct gwh *h = gwh_start(&o);
	assert_non_null(h);
	ordo_client *rx[NODES];
	struct sender tx[NODES];
	char name[16];

	for (unsigned i = 0; i < NODES; i++) {
		snprintf(name, sizeof(name), "rx%u", i);
		rx[i] = gwt_connect(h, i, name, ORDO_CONNECT_MEMBERSHIP);
		gwt_join(rx[i], "big", (int)i + 1);
	}
	for (unsigned i = 0; i + 1 < NODES; i++)
		gwt_wait_view(rx[i], "big", NODES);
	struct gwt_rx r[NODES];
	uint64_t want = NODES * 4 * (SMALL_PER_BIG + 1);
	for (unsigned i = 0; i < NODES; i++)
		gwt_rx_start(&r[i], rx[i], want, 60000);
	for (unsigned i = 0; i < NODES; i++) {
		snprintf(name, sizeof(name), "tx%u", i);
		memset(&tx[i], 0, sizeof(tx[i]));
		tx[i].c = gwt_connect(h, i, name, 0);
		tx[i].tag = i + 1;
		tx[i].rx = r;
		assert_int_equal(pthread_create(&tx[i].thr, NULL, send_main,
						&tx[i]), 0);
	}
	for (unsigned i = 0; i < NODES; i++) {
		pthread_join(tx[i].thr, NULL);
		if (tx[i].rc)
			fprintf(stderr, "sender %u: %s\n", i,
				ordo_strerror(tx[i].rc));
		assert_int_equal(tx[i].rc, 0);
	}
	for (unsigned i = 0; i < NODES; i++) {
		gwt_rx_join(&r[i]);
		if (r[i].end)
			fprintf(stderr, "receiver %u: %s after %llu (%s)\n", i,
				ordo_strerror(r[i].end),
				(unsigned long long)r[i].got,
				ordo_close_reason_name(rx[i]));
		assert_int_equal(r[i].end, 0);
		assert_int_equal(r[i].got, want);
		assert_int_equal(r[i].bad, 0);
		assert_int_equal(r[i].out_of_order, 0);
		for (unsigned t = 1; t <= NODES; t++)
			assert_int_equal(r[i].next[t], 4 * (SMALL_PER_BIG + 1));
		/* One total order: every receiver folded the same sequence. */
		assert_true(r[i].digest == r[0].digest);
	}
	for (unsigned i = 0; i < NODES; i++) {
		struct dp_gw_stats st;

		gwh_stats(h, i, &st);
		assert_int_equal(st.slow_consumers, 0);
		assert_int_equal(st.rejected_size + st.rejected_other, 0);
		ordo_disconnect(tx[i].c);
		ordo_disconnect(rx[i]);
	}
	gwh_stop(h);
}

static void test_default_rings(void **state)
{
	(void)state;
	big_messages(NULL);
}

static void test_small_rings(void **state)
{
	(void)state;
	big_messages("ClientSubmitBytes = 64K\nClientDeliverBytes = 64K\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_rings),
		cmocka_unit_test(test_small_rings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
