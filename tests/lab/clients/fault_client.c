/* SPDX-License-Identifier: BSD-3-Clause
 *
 * fault_client: the client of the lab's fault suite (tests/lab/lab-faults.sh).
 * It joins one group, sends to it at a steady pace (AGREED and SAFE in
 * turn) once it sees itself in the group, and logs every event with the
 * wall-clock time, one line each, for tests/lab/faults_check.py:
 *
 *   t=SEC.USEC connected as=#f1#n1
 *   t=SEC.USEC sent seq=N svc=S             the daemon accepted message N
 *   t=SEC.USEC msg from=#f2#n2 seq=N svc=S ok=1|0
 *   t=SEC.USEC memb group=G kind=reg|trans|selfleave cause=C gid=A.B.C members=M1,M2
 *   t=SEC.USEC reject error=E
 *   t=SEC.USEC stopped last=N busy=K        (SIGUSR1: no more sends)
 *   t=SEC.USEC closed reason=R              (the daemon closed the session)
 *   t=SEC.USEC bye last=N                   (SIGTERM: polite disconnect)
 *
 * A send never blocks: when the submit ring is full (the daemon paused or
 * back-pressured) the attempt is counted as busy and retried at the next
 * tick, and no sequence number is used; so "sent" lists exactly the
 * messages the daemon accepted. Payloads carry sender, sequence and a
 * checksum, so `ok` says the bytes arrived as sent.
 *
 *   fault_client --socket PATH --name NAME --group G [--interval-ms 10]
 *                [--size 200]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ordo/ordo.h"

#define MAX_MSG (64u << 10)

struct payload {
	char sender[32];
	uint32_t seq;
	uint32_t len;
	uint64_t sum;
};

struct fc {
	ordo_client *oc;
	char group[ORDO_NAME_LEN];
	char me[ORDO_NAME_LEN];
	uint32_t seq;      /* last accepted */
	uint64_t busy;     /* sends refused for a full ring */
	bool joined;       /* saw ourselves in a regular view */
	size_t size;
	char rbuf[MAX_MSG];
};

static volatile sig_atomic_t stop_sending, quit;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		stop_sending = 1;
	else
		quit = 1;
}

static void stamp(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	printf("t=%lld.%06ld ", (long long)ts.tv_sec, ts.tv_nsec / 1000);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t checksum(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static const char *memb_kind(int svc)
{
	if (svc & ORDO_MEMB_REGULAR)
		return "reg";
	if (svc & ORDO_MEMB_TRANSITIONAL)
		return "trans";
	return "selfleave";
}

static const char *memb_cause(int svc)
{
	if (svc & ORDO_MEMB_JOIN)
		return "join";
	if (svc & ORDO_MEMB_LEAVE)
		return "leave";
	if (svc & ORDO_MEMB_DISCONNECT)
		return "disconnect";
	if (svc & ORDO_MEMB_NETWORK)
		return "network";
	return "-";
}

static void on_message(const struct ordo_event *ev)
{
	struct payload p;
	bool ok = false;

	memset(&p, 0, sizeof(p));
	if (ev->len >= sizeof(p)) {
		memcpy(&p, ev->data, sizeof(p));
		p.sender[sizeof(p.sender) - 1] = 0;
		ok = p.len == ev->len &&
		     p.sum == checksum((const uint8_t *)ev->data + sizeof(p),
				       ev->len - sizeof(p)) &&
		     strcmp(p.sender, ev->sender) == 0;
	}
	stamp();
	printf("msg from=%s seq=%u svc=%d ok=%d\n", ev->sender, p.seq,
	       ev->service, ok);
}

static void on_membership(struct fc *f, const struct ordo_event *ev)
{
	stamp();
	printf("memb group=%s kind=%s cause=%s gid=%x.%x.%x members=",
	       ev->sender, memb_kind(ev->service), memb_cause(ev->service),
	       ev->gid[0], ev->gid[1], ev->gid[2]);
	for (int i = 0; i < ev->n_groups && (ev->service & ORDO_MEMB_REGULAR); i++) {
		printf("%s%.*s", i ? "," : "", ORDO_NAME_LEN, ev->groups[i]);
		if (strncmp(ev->groups[i], f->me, ORDO_NAME_LEN) == 0)
			f->joined = true;
	}
	printf("\n");
}

/* Every waiting event; -1 once the session is over. */
static int receive_all(struct fc *f)
{
	for (;;) {
		struct ordo_event ev;
		int n = ordo_receive(f->oc, &ev, f->rbuf, sizeof(f->rbuf), 0);

		if (n == ORDO_ERR_AGAIN || n == ORDO_ERR_TIMEOUT)
			return 0;
		if (n < 0) {
			stamp();
			printf("closed reason=%s\n", n == ORDO_ERR_CLOSED ?
				       ordo_close_reason_name(f->oc) :
				       ordo_strerror(n));
			return -1;
		}
		if (ev.kind == ORDO_EV_MESSAGE)
			on_message(&ev);
		else if (ev.kind == ORDO_EV_MEMBERSHIP)
			on_membership(f, &ev);
		else {
			stamp();
			printf("reject error=%d\n", ev.error);
		}
	}
}

/* One message, if the daemon takes it now. -1: the session is over. */
static int send_one(struct fc *f)
{
	static uint8_t buf[MAX_MSG];
	struct payload *p = (struct payload *)buf;
	uint32_t seq = f->seq + 1;
	int svc = seq % 2 ? ORDO_AGREED : ORDO_SAFE;
	char groups[1][ORDO_NAME_LEN];
	struct iovec iov = { .iov_base = buf, .iov_len = f->size };
	int rc;

	memset(p, 0, sizeof(*p));
	snprintf(p->sender, sizeof(p->sender), "%s", f->me);
	p->seq = seq;
	p->len = (uint32_t)f->size;
	for (size_t i = sizeof(*p); i < f->size; i++)
		buf[i] = (uint8_t)(seq * 31 + i);
	p->sum = checksum(buf + sizeof(*p), f->size - sizeof(*p));
	memset(groups, 0, sizeof(groups));
	snprintf(groups[0], ORDO_NAME_LEN, "%s", f->group);
	rc = ordo_try_multicastv(f->oc, svc, 1,
				 (const char (*)[ORDO_NAME_LEN])groups,
				 (int16_t)svc, &iov, 1);
	if (rc == ORDO_ERR_AGAIN) {
		f->busy++;
		return 0;
	}
	if (rc < 0) {
		stamp();
		printf("closed reason=%s\n", rc == ORDO_ERR_CLOSED ?
			       ordo_close_reason_name(f->oc) : ordo_strerror(rc));
		return -1;
	}
	f->seq = seq;
	stamp();
	printf("sent seq=%u svc=%d\n", seq, svc);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: fault_client --socket PATH --name NAME "
		"--group G [--interval-ms MS] [--size BYTES]\n");
}

int main(int argc, char **argv)
{
	static struct fc f;
	const char *sock = NULL, *name = NULL, *group = NULL;
	unsigned interval_ms = 10;
	struct sigaction sa;
	uint64_t next_send;
	bool stopped = false;
	int rc;

	f.size = 200;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--socket") == 0)
			sock = argv[i + 1];
		else if (strcmp(argv[i], "--name") == 0)
			name = argv[i + 1];
		else if (strcmp(argv[i], "--group") == 0)
			group = argv[i + 1];
		else if (strcmp(argv[i], "--interval-ms") == 0)
			interval_ms = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--size") == 0)
			f.size = strtoul(argv[i + 1], NULL, 10);
		else {
			usage();
			return 2;
		}
	}
	if (argc % 2 == 0 || sock == NULL || name == NULL || group == NULL ||
	    interval_ms == 0 || f.size < sizeof(struct payload) ||
	    f.size > MAX_MSG || strlen(group) >= ORDO_NAME_LEN) {
		usage();
		return 2;
	}
	snprintf(f.group, sizeof(f.group), "%s", group);
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	rc = ordo_connect(sock, name, ORDO_CONNECT_MEMBERSHIP, 5000, &f.oc);
	if (rc < 0) {
		fprintf(stderr, "fault_client %s: connect: %s\n", name,
			ordo_strerror(rc));
		return 1;
	}
	snprintf(f.me, sizeof(f.me), "%s", ordo_private_group(f.oc));
	stamp();
	printf("connected as=%s\n", f.me);
	rc = ordo_join(f.oc, f.group);
	if (rc < 0) {
		fprintf(stderr, "fault_client %s: join: %s\n", name,
			ordo_strerror(rc));
		return 1;
	}
	next_send = mono_ms() + interval_ms;
	while (!quit) {
		struct pollfd pf = { .fd = ordo_fd(f.oc), .events = POLLIN };
		uint64_t now;
		int wait;

		if (receive_all(&f) < 0)
			return 0;
		if (stop_sending && !stopped) {
			stopped = true;
			stamp();
			printf("stopped last=%u busy=%llu\n", f.seq,
			       (unsigned long long)f.busy);
		}
		now = mono_ms();
		if (!stopped && f.joined && now >= next_send) {
			if (send_one(&f) < 0)
				return 0;
			next_send = now + interval_ms;
			continue;
		}
		if (ordo_arm(f.oc) == 1)
			continue;
		wait = stopped || !f.joined ? 100 :
		       (int)(next_send > now ? next_send - now : 0);
		(void)poll(&pf, 1, wait);
	}
	receive_all(&f);
	stamp();
	printf("bye last=%u busy=%llu\n", f.seq, (unsigned long long)f.busy);
	fflush(stdout);
	ordo_disconnect(f.oc);
	return 0;
}
