/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The gateway tests' client helpers (gwt.h).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/gateway/gwt.h"

ordo_client *gwt_connect(struct gwh *h, unsigned node, const char *name,
			 unsigned flags)
{
	ordo_client *c = NULL;
	int rc = ORDO_ERR_CONNECT;

	/* ordo-ctrld admits clients once its link to the node is up: a
	 * refusal as "not ready" (CLOSED) is worth another try. */
	for (int i = 0; i < 500; i++) {
		rc = ordo_connect(gwh_socket(h, node), name, flags, 5000, &c);
		if (rc != ORDO_ERR_CLOSED && rc != ORDO_ERR_CONNECT)
			break;
		usleep(10000);
	}
	if (rc != 0)
		fprintf(stderr, "connect %s to node %u: %s\n", name, node,
			ordo_strerror(rc));
	assert_int_equal(rc, 0);
	return c;
}

void gwt_wait_view(ordo_client *c, const char *group, int n)
{
	static __thread uint8_t buf[1 << 16];

	for (;;) {
		struct ordo_event ev;
		int rc = ordo_receive(c, &ev, buf, sizeof(buf), 10000);

		if (rc < 0)
			fprintf(stderr, "waiting for a view of %s: %s\n", group,
				ordo_strerror(rc));
		assert_true(rc >= 0);
		if (ev.kind == ORDO_EV_MEMBERSHIP &&
		    (ev.service & ORDO_MEMB_REGULAR) &&
		    strcmp(ev.sender, group) == 0 && ev.n_groups == n)
			return;
	}
}

void gwt_join(ordo_client *c, const char *group, int n)
{
	assert_int_equal(ordo_join(c, group), 0);
	gwt_wait_view(c, group, n);
}

static void *rx_main(void *arg)
{
	struct gwt_rx *r = arg;
	size_t cap = (size_t)ORDO_MAX_GROUPS * ORDO_NAME_LEN + (64u << 20);
	uint8_t *buf = malloc(cap);

	if (buf == NULL) {
		r->end = ORDO_ERR_NOMEM;
		return NULL;
	}
	r->digest = 1469598103934665603ull;
	while (r->got < r->want) {
		struct ordo_event ev;
		uint32_t tag, seq;
		int rc = ordo_receive(r->c, &ev, buf, cap, r->timeout_ms);

		if (rc < 0) {
			__atomic_store_n(&r->end, rc, __ATOMIC_RELEASE);
			break;
		}
		if (ev.kind == ORDO_EV_MEMBERSHIP ||
		    ev.kind == ORDO_EV_MESSAGE) {
			if (r->last_seq != 0 && ev.seq != r->last_seq + 1)
				r->seq_gaps++;
			r->last_seq = ev.seq;
		}
		if (ev.kind == ORDO_EV_MEMBERSHIP) {
			r->memb++;
			continue;
		}
		if (ev.kind == ORDO_EV_REJECT) {
			r->rejects++;
			continue;
		}
		r->got++;
		r->bytes += ev.len;
		if (!gwt_check(ev.data, ev.len, &tag, &seq) ||
		    tag >= GWT_MAX_TAGS) {
			r->bad++;
			continue;
		}
		if (seq != r->next[tag])
			r->out_of_order++;
		/* Read by paced senders while we run (test_gw_big.c). */
		__atomic_store_n(&r->next[tag], seq + 1, __ATOMIC_RELEASE);
		r->digest = (r->digest ^ ((uint64_t)tag << 32 | seq)) *
			    1099511628211ull;
	}
	free(buf);
	return NULL;
}

void gwt_rx_init(struct gwt_rx *r, ordo_client *c, uint64_t want,
		 int timeout_ms)
{
	memset(r, 0, sizeof(*r));
	r->c = c;
	r->want = want;
	r->timeout_ms = timeout_ms;
}

void gwt_rx_run(struct gwt_rx *r)
{
	assert_int_equal(pthread_create(&r->thr, NULL, rx_main, r), 0);
}

void gwt_rx_start(struct gwt_rx *r, ordo_client *c, uint64_t want,
		  int timeout_ms)
{
	gwt_rx_init(r, c, want, timeout_ms);
	gwt_rx_run(r);
}

void gwt_rx_join(struct gwt_rx *r)
{
	pthread_join(r->thr, NULL);
}

void gwt_send(ordo_client *c, int svc, const char *group, uint32_t tag,
	      uint32_t first, uint32_t n, size_t len)
{
	uint8_t *buf = malloc(len ? len : 1);

	assert_non_null(buf);
	for (uint32_t i = 0; i < n; i++) {
		gwt_fill(buf, len, tag, first + i);
		int rc = ordo_multicast(c, svc, group, 0, buf, len);

		if (rc != (int)len)
			fprintf(stderr, "send %zu bytes to %s: %s\n", len, group,
				ordo_strerror(rc));
		assert_int_equal(rc, (int)len);
	}
	free(buf);
}
