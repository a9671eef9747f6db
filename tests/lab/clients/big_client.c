/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The lab's big-message client (tests/lab/bigmsg.sh), one per node:
 *
 *   big_client SOCKET TAG NODES [SIZE...]
 *
 * A receiver client joins "big" and waits until NODES receivers (one per
 * node) are in it; then a sender client on a thread sends, for each SIZE
 * (bytes; "max" is the largest the daemon takes, ordo_max_message), one
 * message of that size followed by SMALL small ones, every payload
 * checkable (tests/gateway/gwt_payload.h, sender tag TAG). The receiver
 * takes NODES x that many messages, checks each byte, each sender's
 * order, and folds (tag, seq) in delivery order into a digest, which the
 * script compares across nodes: one total order. Last line:
 *
 *   big: tag=T received=N bytes=B largest=L digest=D ok
 *
 * or `big: ... FAILED <why>` and exit status 1.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ordo/ordo.h"
#include "tests/gateway/gwt_payload.h"

#define SMALL 20
#define MAX_SIZES 16
#define MAX_TAGS 64

static const char *sock_path;
static uint32_t my_tag;
static unsigned n_sizes;
static const char *size_args[MAX_SIZES];
static int send_rc;

static void *sender(void *arg)
{
	ordo_client *c = NULL;
	const char g[1][ORDO_NAME_LEN] = { "big" };
	uint32_t seq = 0;
	uint8_t *buf;
	int max;

	(void)arg;
	send_rc = ordo_connect(sock_path, NULL, 0, 10000, &c);
	if (send_rc < 0)
		return NULL;
	max = ordo_max_message(c, 1, g);
	buf = max > 0 ? malloc((size_t)max) : NULL;
	if (buf == NULL) {
		send_rc = ORDO_ERR_NOMEM;
		return NULL;
	}
	for (unsigned i = 0; i < n_sizes && send_rc >= 0; i++) {
		size_t big = strcmp(size_args[i], "max") == 0 ?
				     (size_t)max : strtoul(size_args[i], NULL, 0);

		for (unsigned k = 0; k <= SMALL; k++) {
			size_t len = k == 0 ? big : 16 + k * 37;

			gwt_fill(buf, len, my_tag, seq);
			send_rc = ordo_multicast(c, ORDO_AGREED, "big", 0, buf, len);
			if (send_rc < 0)
				break;
			send_rc = 0;
			seq++;
		}
	}
	free(buf);
	ordo_disconnect(c);
	return NULL;
}

static int fail(const char *why, const char *detail)
{
	printf("big: tag=%u FAILED %s%s%s\n", my_tag, why, detail ? ": " : "",
	       detail ? detail : "");
	return 1;
}

int main(int argc, char **argv)
{
	ordo_client *rx = NULL;
	struct ordo_event ev;
	pthread_t thr;
	uint32_t next[MAX_TAGS] = { 0 };
	uint64_t got = 0, bytes = 0, largest = 0;
	uint64_t digest = 1469598103934665603ull;
	unsigned nodes;
	int rc;

	if (argc < 4) {
		fprintf(stderr, "usage: big_client SOCKET TAG NODES [SIZE|max ...]\n");
		return 2;
	}
	sock_path = argv[1];
	my_tag = (uint32_t)atoi(argv[2]);
	nodes = (unsigned)atoi(argv[3]);
	for (int i = 4; i < argc && n_sizes < MAX_SIZES; i++)
		size_args[n_sizes++] = argv[i];
	if (my_tag >= MAX_TAGS || nodes == 0)
		return 2;
	size_t cap = (size_t)ORDO_MAX_GROUPS * ORDO_NAME_LEN + (64u << 20);
	uint8_t *buf = malloc(cap);
	if (buf == NULL)
		return fail("out of memory", NULL);
	rc = ordo_connect(sock_path, NULL, ORDO_CONNECT_MEMBERSHIP, 10000, &rx);
	if (rc < 0)
		return fail("connect", ordo_strerror(rc));
	if ((rc = ordo_join(rx, "big")) < 0)
		return fail("join", ordo_strerror(rc));
	/* Every receiver is in before anyone sends. */
	for (;;) {
		rc = ordo_receive(rx, &ev, buf, cap, 60000);
		if (rc < 0)
			return fail("waiting for the receivers", ordo_strerror(rc));
		if (ev.kind == ORDO_EV_MEMBERSHIP && (ev.service & ORDO_MEMB_REGULAR) &&
		    strcmp(ev.sender, "big") == 0 && ev.n_groups >= (int)nodes)
			break;
	}
	if (pthread_create(&thr, NULL, sender, NULL) != 0)
		return fail("thread", NULL);
	uint64_t want = (uint64_t)nodes * n_sizes * (SMALL + 1);
	while (got < want) {
		uint32_t tag, seq;

		rc = ordo_receive(rx, &ev, buf, cap, 120000);
		if (rc < 0) {
			char why[96];

			snprintf(why, sizeof(why), "%s after %llu messages (%s)",
				 ordo_strerror(rc), (unsigned long long)got,
				 ordo_close_reason_name(rx));
			return fail("receive", why);
		}
		if (ev.kind != ORDO_EV_MESSAGE)
			continue;
		if (!gwt_check(ev.data, ev.len, &tag, &seq) || tag >= MAX_TAGS)
			return fail("a payload is damaged", NULL);
		if (seq != next[tag]) {
			char why[64];

			snprintf(why, sizeof(why), "tag %u seq %u, expected %u",
				 tag, seq, next[tag]);
			return fail("out of order", why);
		}
		next[tag] = seq + 1;
		got++;
		bytes += ev.len;
		if (ev.len > largest)
			largest = ev.len;
		digest = (digest ^ ((uint64_t)tag << 32 | seq)) * 1099511628211ull;
	}
	pthread_join(thr, NULL);
	if (send_rc < 0)
		return fail("send", ordo_strerror(send_rc));
	printf("big: tag=%u received=%llu bytes=%llu largest=%llu digest=%016llx ok\n",
	       my_tag, (unsigned long long)got, (unsigned long long)bytes,
	       (unsigned long long)largest, (unsigned long long)digest);
	ordo_disconnect(rx);
	free(buf);
	return 0;
}
