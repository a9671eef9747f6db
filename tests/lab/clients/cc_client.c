/* SPDX-License-Identifier: BSD-3-Clause
 *
 * cc_client: the scripted client of `make client-check`. One process is one
 * client of one daemon, through libordo's native API (--api native), the
 * same receiving by zero-copy views into the delivery ring (--api view:
 * ordo_receive_view, each event released once printed) or the Spread API
 * (--api spread): the same commands drive all three, so the checker
 * compares what each kind of client saw.
 *
 * Commands, one per line on stdin:
 *   join G | leave G
 *   send G[,G..] N [SIZE]   N messages to those groups (several groups:
 *                           one multigroup message each), the service
 *                           cycling through all six
 *   sendp NAME N            N messages to a private group "#..#.."
 *   stall SECONDS           read nothing for that long (a slow consumer)
 *   corrupt                 publish an impossible head on our submit ring,
 *                           as a buggy or hostile client would (native)
 *   half G                  publish the first fragment of a message to G
 *                           and never the rest, as a client that dies
 *                           mid-message leaves it (native)
 *   disconnect | quit       polite disconnect (then exit) | exit at once
 * Events, one line each on stdout (line-buffered), for the checker:
 *   msg from=S svc=N type=T groups=G1,G2 id=S:SEQ ok=1|0
 *   memb group=G kind=reg|trans|selfleave cause=C members=M1,M2 nsets=K
 *   closed reason=R
 * Every payload carries its sender, a sequence number and a checksum over
 * the rest, so `ok` says the bytes arrived as sent.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp.h"

#include "ordo/ordo.h"
#include "client/libordo/client.h" /* corrupt: the ring behind the API */

#define MAX_MSG   (64u << 10)
#define MAX_GRPS  16

struct payload {
	char     sender[32];
	uint32_t seq;
	uint32_t len;
	uint64_t sum;
};

static bool use_spread;
static bool use_view;
static ordo_client *oc;
static mailbox mbox = -1;
static char me[MAX_GROUP_NAME];
static uint32_t seq;
static char rbuf[MAX_MSG];

static uint64_t checksum(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static size_t make_payload(char *buf, size_t size)
{
	struct payload *p = (struct payload *)buf;

	if (size < sizeof(*p))
		size = sizeof(*p);
	memset(p, 0, sizeof(*p));
	snprintf(p->sender, sizeof(p->sender), "%s", me);
	p->seq = ++seq;
	p->len = (uint32_t)size;
	for (size_t i = sizeof(*p); i < size; i++)
		buf[i] = (char)(p->seq * 31 + i);
	p->sum = checksum((const uint8_t *)buf + sizeof(*p), size - sizeof(*p));
	return size;
}

static bool payload_ok(const char *buf, size_t n, char *id, size_t idlen)
{
	struct payload p;

	if (n < sizeof(p)) {
		snprintf(id, idlen, "?:0");
		return false;
	}
	memcpy(&p, buf, sizeof(p));
	p.sender[31] = 0;
	snprintf(id, idlen, "%s:%u", p.sender, p.seq);
	return p.len == n &&
	       p.sum == checksum((const uint8_t *)buf + sizeof(p), n - sizeof(p));
}

static const char *cause_name(int svc)
{
	if (svc & CAUSED_BY_JOIN)
		return "join";
	if (svc & CAUSED_BY_LEAVE)
		return "leave";
	if (svc & CAUSED_BY_DISCONNECT)
		return "disconnect";
	if (svc & CAUSED_BY_NETWORK)
		return "network";
	return "-";
}

static void print_names(const char (*names)[MAX_GROUP_NAME], int n)
{
	for (int i = 0; i < n; i++)
		printf("%s%.*s", i ? "," : "", MAX_GROUP_NAME, names[i]);
}

static void print_memb(const char *group, int svc, int n,
		       const char (*members)[MAX_GROUP_NAME], const char *body)
{
	const char *kind = Is_reg_memb_mess(svc)        ? "reg"
			   : Is_transition_mess(svc)    ? "trans"
			   : Is_self_leave(svc)         ? "selfleave"
							: "?";
	int nsets = 0;

	if (Is_reg_memb_mess(svc)) {
		vs_set_info sets[32];
		unsigned int mine;

		nsets = SP_get_vs_sets_info(body, sets, 32, &mine);
	}
	printf("memb group=%s kind=%s cause=%s members=", group, kind,
	       cause_name(svc));
	print_names(members, Is_reg_memb_mess(svc) ? n : 0);
	printf(" nsets=%d\n", nsets);
}

/* ------------------------------------------------------- receive */

static int receive_spread(void)
{
	static char groups[256][MAX_GROUP_NAME];
	char sender[MAX_GROUP_NAME], id[80];
	service svc = 0;
	int16 type;
	int ng, endian, n;

	n = SP_poll(mbox);
	if (n < 0) {
		printf("closed reason=sp%d\n", n);
		return -1;
	}
	if (n == 0)
		return 0;
	n = SP_receive(mbox, &svc, sender, 256, &ng, groups, &type, &endian,
		       MAX_MSG, rbuf);
	if (n < 0) {
		printf("closed reason=sp%d\n", n);
		return -1;
	}
	if (Is_regular_mess(svc)) {
		bool ok = payload_ok(rbuf, (size_t)n, id, sizeof(id));

		printf("msg from=%s svc=%d type=%d groups=", sender,
		       svc & REGULAR_MESS, type);
		print_names((const char (*)[MAX_GROUP_NAME])groups, ng);
		printf(" id=%s ok=%d\n", id, ok);
	} else if (Is_membership_mess(svc)) {
		print_memb(sender, svc, ng,
			   (const char (*)[MAX_GROUP_NAME])groups, rbuf);
	} else {
		printf("other svc=%#x\n", svc);
	}
	return 1;
}

static int receive_native(void)
{
	struct ordo_event ev;
	char id[80];
	int n = use_view ? ordo_receive_view(oc, &ev, 0)
			 : ordo_receive(oc, &ev, rbuf, sizeof(rbuf), 0);

	if (n == ORDO_ERR_AGAIN || n == ORDO_ERR_TIMEOUT)
		return 0;
	if (n < 0) {
		printf("closed reason=%s\n", n == ORDO_ERR_CLOSED ?
			       ordo_close_reason_name(oc) : ordo_strerror(n));
		return -1;
	}
	if (ev.kind == ORDO_EV_MESSAGE) {
		bool ok = payload_ok(ev.data, ev.len, id, sizeof(id));
		static const int spread_svc[] = { 0, UNRELIABLE_MESS,
			RELIABLE_MESS, FIFO_MESS, CAUSAL_MESS, AGREED_MESS,
			SAFE_MESS };

		printf("msg from=%s svc=%d type=%d groups=", ev.sender,
		       ev.service >= 1 && ev.service <= 6 ?
			       spread_svc[ev.service] : -1,
		       ev.msg_type);
		print_names(ev.groups, ev.n_groups);
		printf(" id=%s ok=%d\n", id, ok);
	} else if (ev.kind == ORDO_EV_MEMBERSHIP) {
		print_memb(ev.sender, ev.service, ev.n_groups, ev.groups,
			   ev.data);
	} else {
		printf("reject error=%d\n", ev.error);
	}
	if (use_view)
		ordo_release(oc);
	return 1;
}

static int receive_all(void)
{
	int rc, n = 0;

	while ((rc = use_spread ? receive_spread() : receive_native()) > 0)
		n++;
	fflush(stdout);
	return rc < 0 ? -1 : n;
}

/* ---------------------------------------------------------- send */

static const int services[6] = { UNRELIABLE_MESS, RELIABLE_MESS, FIFO_MESS,
				 CAUSAL_MESS, AGREED_MESS, SAFE_MESS };

static int send_one(char (*groups)[MAX_GROUP_NAME], int ng, size_t size)
{
	static char buf[MAX_MSG];
	int k = (int)(seq % 6);
	size_t len = make_payload(buf, size);
	int rc;

	if (use_spread) {
		rc = ng == 1 ? SP_multicast(mbox, services[k], groups[0],
					    (int16)k, (int)len, buf)
			     : SP_multigroup_multicast(mbox, services[k], ng,
						       (const char (*)[MAX_GROUP_NAME])groups,
						       (int16)k, (int)len, buf);
	} else {
		struct iovec iov = { .iov_base = buf, .iov_len = len };

		rc = ordo_multicastv(oc, k + 1, ng,
				     (const char (*)[ORDO_NAME_LEN])groups,
				     (int16_t)k, &iov, 1);
	}
	if (rc < 0)
		fprintf(stderr, "cc_client %s: send: %d\n", me, rc);
	return rc;
}

static void cmd_send(char *list, int count, size_t size)
{
	char groups[MAX_GRPS][MAX_GROUP_NAME];
	int ng = 0;

	for (char *t = strtok(list, ","); t && ng < MAX_GRPS; t = strtok(NULL, ","))
		snprintf(groups[ng++], MAX_GROUP_NAME, "%s", t);
	for (int i = 0; i < count; i++) {
		if (send_one(groups, ng, size) < 0)
			return;
		if (i % 64 == 63)
			receive_all(); /* keep our own ring drained */
	}
}

/* --------------------------------------------------------- main */

static int run_command(char *line)
{
	char a[256] = "", b[256] = "";
	int n = 0;
	unsigned size = sizeof(struct payload) + 16;

	if (sscanf(line, "%255s %255s %d %u", a, b, &n, &size) < 1)
		return 0;
	if (strcmp(a, "join") == 0)
		return use_spread ? SP_join(mbox, b) : ordo_join(oc, b);
	if (strcmp(a, "leave") == 0)
		return use_spread ? SP_leave(mbox, b) : ordo_leave(oc, b);
	if (strcmp(a, "send") == 0 || strcmp(a, "sendp") == 0) {
		cmd_send(b, n, size > MAX_MSG ? MAX_MSG : size);
		return 0;
	}
	if (strcmp(a, "corrupt") == 0 && !use_spread) {
		/* Beyond tail + size: no producer could have written it. */
		atomic_store_explicit(&oc->prod.ctl->head,
				      oc->prod.head + (1ull << 40),
				      memory_order_release);
		return 0;
	}
	if (strcmp(a, "half") == 0 && !use_spread) {
		uint32_t len = (uint32_t)sizeof(struct ordo_cr_rec) +
			       ORDO_CR_NAME_LEN + 64;
		struct ordo_cr_rec *r = ordo_cr_reserve(&oc->prod, len);

		if (r == NULL)
			return -1;
		memset(r, 0, len);
		r->len = len;
		r->kind = ORDO_CR_MSG;
		r->flags = ORDO_CR_F_FIRST;
		r->service = ORDO_AGREED;
		r->n_names = 1;
		r->msg_len = 128; /* the other 64 bytes never come */
		r->msg_id = 1u << 30;
		snprintf((char *)(r + 1), ORDO_CR_NAME_LEN, "%s", b);
		ordo_cr_commit(&oc->prod);
		return 0;
	}
	if (strcmp(a, "stall") == 0) {
		fflush(stdout);
		sleep((unsigned)atoi(b));
		return 0;
	}
	if (strcmp(a, "disconnect") == 0) {
		receive_all();
		if (use_spread)
			SP_disconnect(mbox);
		else
			ordo_disconnect(oc);
		fflush(stdout);
		_exit(0);
	}
	if (strcmp(a, "quit") == 0) {
		fflush(stdout);
		_exit(0);
	}
	fprintf(stderr, "cc_client: unknown command '%s'\n", a);
	return -1;
}

int main(int argc, char **argv)
{
	const char *name = NULL, *sock = getenv("ORDO_SOCKET");
	char line[1024];
	size_t have = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--api") == 0 && i + 1 < argc) {
			use_spread = strcmp(argv[++i], "spread") == 0;
			use_view = strcmp(argv[i], "view") == 0;
		}
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			sock = argv[++i];
		else {
			fprintf(stderr, "usage: cc_client [--api native|view|spread] "
				"[--name N] [--socket PATH] < commands\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (use_spread) {
		rc = SP_connect(sock ? sock : "4803", name, 0, 1, &mbox, me);
		if (rc != ACCEPT_SESSION) {
			SP_error(rc);
			return 1;
		}
	} else {
		rc = ordo_connect(sock, name, ORDO_CONNECT_MEMBERSHIP, 5000, &oc);
		if (rc < 0) {
			fprintf(stderr, "cc_client: connect: %s\n",
				ordo_strerror(rc));
			return 1;
		}
		snprintf(me, sizeof(me), "%s", ordo_private_group(oc));
	}
	printf("connected as=%s api=%s\n", me,
	       use_spread ? "spread" : use_view ? "view" : "native");
	for (;;) {
		struct pollfd pf = { .fd = 0, .events = POLLIN };

		if (receive_all() < 0)
			return 0;
		if (poll(&pf, 1, 5) <= 0)
			continue;
		ssize_t r = read(0, line + have, sizeof(line) - 1 - have);
		if (r <= 0) /* EOF: stay a member, keep logging */
			for (;;) {
				if (receive_all() < 0)
					return 0;
				usleep(2000);
			}
		have += (size_t)r;
		line[have] = 0;
		char *nl;
		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = 0;
			run_command(line);
			memmove(line, nl + 1, have - (size_t)(nl + 1 - line) + 1);
			have -= (size_t)(nl + 1 - line);
		}
	}
}
