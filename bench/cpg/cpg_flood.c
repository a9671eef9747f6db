/* SPDX-License-Identifier: BSD-3-Clause
 *
 * cpg_flood: the Corosync side of ordo's side-by-side benchmark. One
 * process per node joins the CPG group "ordo-bench", waits until the
 * expected number of members are in it, then floods AGREED messages of one
 * size for a duration (or a count) while dispatching deliveries, and checks
 * everything it delivers (lib/flood/flood_check.h, the checks ordo-perf
 * makes too). It ends by multicasting END with
 * its last sequence and waiting for every member's END, so all members
 * digest exactly the same messages. Last line, on stdout:
 *
 *   cpg: node=N size=S sent=X delivered=Y secs=T msgs_per_s=R ordered=yes
 *        lost=0 digest=HEX p50_us=.. p99_us=..
 *
 * delivered counts measured messages from all senders delivered here;
 * secs spans the first to the last of them; latency is from the sender's
 * CLOCK_MONOTONIC stamp (one machine, one clock).
 *
 * Flow control: cpg_mcast_joined returns CS_ERR_TRY_AGAIN when Corosync's
 * queues are full; we then dispatch (deliveries are what drain them) and
 * retry. Independently, at most --window of our own messages may be sent
 * and not yet delivered back to us: without that bound a flood measures
 * how fast the daemon's queue grows, not how fast the ring orders.
 */
#include <corosync/cpg.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/flood/flood_check.h"
#include "lib/flood/flood_msg.h"

struct flood_opts {
	uint32_t size;
	double secs;
	uint64_t count;           /* 0: run for secs */
	unsigned members;
	bool send;
	double warmup;
	unsigned window;
	double timeout;           /* for each wait: join, members, ENDs */
	const char *group;
};

struct flood_run {
	struct flood_opts o;
	cpg_handle_t h;
	int fd;
	uint32_t me;
	uint32_t my_pid;
	struct cpg_name group;
	unsigned members_now;
	unsigned members_max;
	bool member_left;         /* someone left after the flood began */
	bool flooding;
	uint64_t self_delivered;  /* our own messages delivered back to us */
	uint64_t seq;             /* our last sequence handed to CPG */
	uint64_t sent;            /* FLOOD_DATA messages sent */
	uint64_t try_again;
	uint64_t window_waits;
	uint64_t refused_logged;
	struct flood_check check;
	uint8_t *buf;
};

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group,
		       uint32_t nodeid, uint32_t pid, void *msg, size_t len)
{
	struct flood_run *r = NULL;
	int rc;

	(void)group;
	if (cpg_context_get(h, (void **)&r) != CS_OK || !r)
		return;
	rc = flood_check_deliver(&r->check, msg, len, nodeid, now_ns());
	if (nodeid == r->me && pid == r->my_pid)
		r->self_delivered++;
	/* Name the first few faults; the counters carry the rest. */
	if (rc < 0 && r->refused_logged++ < 5)
		fprintf(stderr, "cpg_flood: node %" PRIu32 ": delivery from node %"
			PRIu32 " (%zu bytes): %s%s%s\n", r->me, nodeid, len,
			flood_check_rc_name(rc),
			rc == FLOOD_CHECK_CORRUPT ? ": " : "",
			rc == FLOOD_CHECK_CORRUPT ? flood_bad_name(r->check.last_bad) : "");
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *members, size_t n_members,
		       const struct cpg_address *left, size_t n_left,
		       const struct cpg_address *joined, size_t n_joined)
{
	struct flood_run *r = NULL;

	(void)group;
	(void)members;
	(void)left;
	(void)joined;
	(void)n_joined;
	if (cpg_context_get(h, (void **)&r) != CS_OK || !r)
		return;
	r->members_now = (unsigned)n_members;
	if (n_members > r->members_max)
		r->members_max = (unsigned)n_members;
	/* Virtual synchrony orders this change with the messages: a member
	 * that leaves after its END (done, like us) took nothing with it. */
	if (n_left && r->flooding && r->check.cur.ends < r->o.members)
		r->member_left = true;
}

static int dispatch_ready(struct flood_run *r, int wait_ms)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	cs_error_t e;
	int n = poll(&p, 1, wait_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return 0;
	e = cpg_dispatch(r->h, CS_DISPATCH_ALL);
	if (e != CS_OK && e != CS_ERR_TRY_AGAIN) {
		fprintf(stderr, "cpg_flood: cpg_dispatch: %s (%d)%s\n", cs_strerror(e), e,
			e == CS_ERR_LIBRARY ? ": lost the connection to corosync" : "");
		return -EIO;
	}
	return 0;
}

/* Hand one message to CPG: the stamp is renewed on every retry. */
static int send_one(struct flood_run *r, enum flood_kind kind, uint64_t deadline)
{
	struct iovec iov;
	uint32_t len = r->o.size;
	cs_error_t e;

	flood_msg_stamp(r->buf, len, kind, 0, r->me, r->seq + 1, now_ns());
	iov.iov_base = r->buf;
	iov.iov_len = len;
	for (;;) {
		e = cpg_mcast_joined(r->h, CPG_TYPE_AGREED, &iov, 1);
		if (e == CS_OK)
			break;
		if (e != CS_ERR_TRY_AGAIN) {
			fprintf(stderr, "cpg_flood: cpg_mcast_joined: %s (%d)\n",
				cs_strerror(e), e);
			return -EIO;
		}
		r->try_again++;
		if (quit || now_ns() > deadline)
			return -ETIMEDOUT;
		if (dispatch_ready(r, 1) < 0)
			return -EIO;
		flood_msg_set_time(r->buf, now_ns());
	}
	r->seq++;
	return 0;
}

static int connect_cpg(struct flood_run *r)
{
	static cpg_callbacks_t cb = { .cpg_deliver_fn = on_deliver,
				      .cpg_confchg_fn = on_confchg };
	uint64_t deadline = now_ns() + (uint64_t)(r->o.timeout * 1e9);
	cs_error_t e;
	unsigned int nodeid;

	/* Corosync may still be starting: its IPC refuses until it is up. */
	while ((e = cpg_initialize(&r->h, &cb)) != CS_OK) {
		if (now_ns() > deadline || quit) {
			fprintf(stderr, "cpg_flood: cpg_initialize: %s (%d): is corosync"
				" running in this network namespace?\n",
				cs_strerror(e), e);
			return -ENOTCONN;
		}
		usleep(100000);
	}
	cpg_context_set(r->h, r);
	if (cpg_local_get(r->h, &nodeid) != CS_OK ||
	    cpg_fd_get(r->h, &r->fd) != CS_OK) {
		fprintf(stderr, "cpg_flood: cannot get the local node id or fd\n");
		return -EIO;
	}
	r->me = nodeid;
	r->my_pid = (uint32_t)getpid();
	r->group.length = (uint32_t)strlen(r->o.group);
	memcpy(r->group.value, r->o.group, r->group.length);
	while ((e = cpg_join(r->h, &r->group)) == CS_ERR_TRY_AGAIN) {
		if (now_ns() > deadline || quit)
			break;
		usleep(10000);
	}
	if (e != CS_OK) {
		fprintf(stderr, "cpg_flood: cpg_join %s: %s (%d)\n", r->o.group,
			cs_strerror(e), e);
		return -EIO;
	}
	return 0;
}

static int wait_members(struct flood_run *r)
{
	uint64_t deadline = now_ns() + (uint64_t)(r->o.timeout * 1e9);

	while (r->members_now < r->o.members) {
		if (quit || now_ns() > deadline) {
			fprintf(stderr, "cpg_flood: node %" PRIu32 ": %u of %u members"
				" joined %s in %.0f s\n", r->me, r->members_now,
				r->o.members, r->o.group, r->o.timeout);
			return -ETIMEDOUT;
		}
		if (dispatch_ready(r, 100) < 0)
			return -EIO;
	}
	return 0;
}

static int flood(struct flood_run *r)
{
	uint64_t t0 = now_ns();
	uint64_t t_meas = t0 + (uint64_t)(r->o.warmup * 1e9);
	uint64_t t_end = t_meas + (uint64_t)(r->o.secs * 1e9);
	/* A flood that cannot hand a message over for this long is stuck. */
	uint64_t stuck = (uint64_t)(r->o.timeout * 1e9);
	int rc;

	r->flooding = true;
	while (r->o.send && !quit && !r->member_left) {
		uint64_t t = now_ns();
		bool measured = t >= t_meas;

		if (r->o.count ? r->sent >= r->o.count : t >= t_end)
			break;
		if (r->seq - r->self_delivered >= r->o.window) {
			r->window_waits++;
			if (dispatch_ready(r, 10) < 0)
				return -EIO;
			continue;
		}
		rc = send_one(r, measured ? FLOOD_DATA : FLOOD_WARMUP, t + stuck);
		if (rc < 0)
			return rc;
		if (measured)
			r->sent++;
		/* Deliveries drain Corosync's queues: take what is there. */
		if (cpg_dispatch(r->h, CS_DISPATCH_ALL) != CS_OK &&
		    dispatch_ready(r, 0) < 0)
			return -EIO;
	}
	return send_one(r, FLOOD_END, now_ns() + stuck);
}

static int wait_ends(struct flood_run *r)
{
	uint64_t deadline = now_ns() + (uint64_t)(r->o.timeout * 1e9);

	while (r->check.cur.ends < r->o.members && !r->member_left) {
		if (quit || now_ns() > deadline) {
			fprintf(stderr, "cpg_flood: node %" PRIu32 ": END from %u of %u"
				" members in %.0f s\n", r->me, r->check.cur.ends,
				r->o.members, r->o.timeout);
			return -ETIMEDOUT;
		}
		if (dispatch_ready(r, 100) < 0)
			return -EIO;
	}
	return r->member_left ? -ECONNRESET : 0;
}

/* A latency percentile in whole microseconds (kept in nanoseconds). */
static uint64_t pct_us(const struct flood_hist *h, double q)
{
	return (flood_hist_quantile(h, q) + 500) / 1000;
}

/* The result line; returns whether the run was clean. */
static bool report(struct flood_run *r, int rc)
{
	const struct flood_check *c = &r->check;
	const struct flood_round *m = &c->cur;
	double secs = m->data > 1 ? (double)(m->last_ns - m->first_ns) / 1e9 : 0;
	bool ordered = flood_check_clean(c);
	unsigned i;

	if (r->member_left)
		fprintf(stderr, "cpg_flood: node %" PRIu32 ": a member left during"
			" the flood\n", r->me);
	fprintf(stderr, "cpg_flood: node=%" PRIu32 " try_again=%" PRIu64
		" window_waits=%" PRIu64 " deliveries=%" PRIu64 " gaps=%" PRIu64
		" stale=%" PRIu64 " after_end=%" PRIu64 " too_many=%" PRIu64
		" ends=%u/%u members_max=%u max_us=%.1f",
		r->me, r->try_again, r->window_waits, c->deliveries, c->lost,
		c->stale, c->after_end, c->too_many, m->ends, r->o.members,
		r->members_max, (double)m->latency.max / 1000.0);
	for (i = 0; i < FLOOD_BAD_COUNT; i++)
		if (c->bad[i])
			fprintf(stderr, " bad_%s=%" PRIu64, flood_bad_name(i), c->bad[i]);
	fprintf(stderr, "\n");
	printf("cpg: node=%" PRIu32 " size=%" PRIu32 " sent=%" PRIu64
	       " delivered=%" PRIu64 " secs=%.3f msgs_per_s=%.0f ordered=%s"
	       " lost=%" PRIu64 " digest=%016" PRIx64 " p50_us=%" PRIu64
	       " p99_us=%" PRIu64 "\n",
	       r->me, r->o.size, r->sent, m->data, secs,
	       secs > 0 ? (double)m->data / secs : 0.0,
	       ordered && rc == 0 ? "yes" : "no", c->lost, c->digest,
	       pct_us(&m->latency, 0.50), pct_us(&m->latency, 0.99));
	fflush(stdout);
	return ordered && rc == 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cpg_flood [options]\n"
		"  --size BYTES     message size, header (%u B) included (default 1024)\n"
		"  --secs S         measured flood duration (default 5)\n"
		"  --count N        send N measured messages instead of --secs\n"
		"  --members N      wait for N members in the group (default 3)\n"
		"  --senders yes|no whether this node floods (default yes)\n"
		"  --warmup S       unmeasured flood before the window (default 1)\n"
		"  --window N       own messages in flight at most (default 256)\n"
		"  --timeout S      bound on every wait (default 30)\n"
		"  --group NAME     CPG group (default ordo-bench)\n",
		FLOOD_HDR_LEN);
}

static int parse_num(const char *opt, const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "cpg_flood: %s '%s': want a number in [%g, %g]\n",
			opt, s, lo, hi);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct flood_opts *o)
{
	static const struct option lo[] = {
		{ "size", required_argument, NULL, 's' },
		{ "secs", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'c' },
		{ "members", required_argument, NULL, 'm' },
		{ "senders", required_argument, NULL, 'S' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "window", required_argument, NULL, 'W' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "group", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	double v;
	int c;

	*o = (struct flood_opts){ .size = 1024, .secs = 5, .members = 3,
				  .send = true, .warmup = 1, .window = 256,
				  .timeout = 30, .group = "ordo-bench" };
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		int rc = 0;

		switch (c) {
		case 's':
			rc = parse_num("--size", optarg, FLOOD_HDR_LEN, FLOOD_MAX_LEN, &v);
			o->size = (uint32_t)v;
			break;
		case 't':
			rc = parse_num("--secs", optarg, 0.001, 86400, &o->secs);
			break;
		case 'c':
			rc = parse_num("--count", optarg, 1, 1e12, &v);
			o->count = (uint64_t)v;
			break;
		case 'm':
			rc = parse_num("--members", optarg, 1, FLOOD_MAX_SENDERS, &v);
			o->members = (unsigned)v;
			break;
		case 'S':
			if (!strcmp(optarg, "yes") || !strcmp(optarg, "1")) {
				o->send = true;
			} else if (!strcmp(optarg, "no") || !strcmp(optarg, "0")) {
				o->send = false;
			} else {
				fprintf(stderr, "cpg_flood: --senders '%s': want yes or no\n",
					optarg);
				rc = -EINVAL;
			}
			break;
		case 'w':
			rc = parse_num("--warmup", optarg, 0, 3600, &o->warmup);
			break;
		case 'W':
			rc = parse_num("--window", optarg, 1, 1 << 20, &v);
			o->window = (unsigned)v;
			break;
		case 'T':
			rc = parse_num("--timeout", optarg, 1, 86400, &o->timeout);
			break;
		case 'g':
			if (strlen(optarg) == 0 || strlen(optarg) >= CPG_MAX_NAME_LENGTH) {
				fprintf(stderr, "cpg_flood: --group '%s': 1 to %d bytes\n",
					optarg, CPG_MAX_NAME_LENGTH - 1);
				rc = -EINVAL;
			}
			o->group = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
		if (rc < 0)
			return rc;
	}
	if (optind != argc) {
		fprintf(stderr, "cpg_flood: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct flood_run r;
	struct sigaction sa = { .sa_handler = on_signal };
	bool clean;
	int rc;

	if (parse_opts(argc, argv, &r.o) < 0)
		return 2;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	flood_check_init(&r.check);
	r.buf = calloc(1, r.o.size);
	if (!r.buf)
		return 2;
	if (connect_cpg(&r) < 0)
		return 2;
	flood_msg_init_payload(r.buf, r.o.size, r.me);
	rc = wait_members(&r);
	if (rc == 0)
		rc = flood(&r);
	if (rc == 0)
		rc = wait_ends(&r);
	clean = report(&r, rc);
	cpg_leave(r.h, &r.group);
	cpg_finalize(r.h);
	free(r.buf);
	return clean ? 0 : 1;
}
