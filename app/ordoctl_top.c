/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordoctl top: a live view of daemons, one line each, refreshed every
 * second (--delay), like top(1): messages and bytes delivered per second,
 * data retransmissions per second, ring changes, clients, and the
 * clients with the largest backlog below.
 *
 * Which daemons: those whose ordo-ctrld socket is given with -s, one -s
 * per daemon (default: the local one). ordo-ctrld knows its own
 * dataplane's counters only; nothing asks another host's daemon over the
 * ring. So a ring-wide view needs every daemon's socket here: on one
 * host (a lab) they are files; for other hosts, forward each socket with
 * `ssh -nNT -L /tmp/n2.sock:/run/ordo/ordo.sock n2` and pass /tmp/n2.sock,
 * or scrape every daemon's metrics with Prometheus (docs/deploy.md).
 *
 * Each sample is one STATS exchange per daemon (include/ordo/ctrl_proto.h:
 * every page, on a fresh connection) and rates are taken between two
 * samples with the dataplane's own clock (STATS now_ns), so a slow ordoctl
 * does not skew them. On a terminal each frame replaces the last (ANSI
 * home and clear; no curses); otherwise frames are plain text, one after
 * the other, for scripts: `--iterations N` prints N frames and exits.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/ordoctl_impl.h"
#include "lib/cproto/cpmsg.h"

#define TOP_ANSWER_MS  2000
#define TOP_CLIENTS    8   /* client lines per frame */
#define TOP_PAGES_MAX  64

/* What one sample of one daemon holds. */
struct sample {
	bool     ok;
	char     err[64];
	uint64_t now_ns;
	uint64_t msgs, bytes, retrans, ring_changes, members, clients;
	uint64_t slow;
	char     state[ORDO_STAT_LABEL_LEN];
	unsigned n_clients;
	struct client {
		char     name[ORDO_STAT_LABEL_LEN];
		uint64_t recs, bytes, delivered;
	} *cl;
};

struct node {
	const char *sock;
	char     name[ORDO_CP_NAME_LEN];
	struct sample prev, cur;
};

static struct client *client_of(struct sample *s, const char *name)
{
	struct client *c;

	for (unsigned i = 0; i < s->n_clients; i++)
		if (strcmp(s->cl[i].name, name) == 0)
			return &s->cl[i];
	c = realloc(s->cl, (s->n_clients + 1) * sizeof(*c));
	if (c == NULL)
		return NULL;
	s->cl = c;
	c = &s->cl[s->n_clients++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

static void take(struct sample *s, const struct ordo_cp_stat *r)
{
	struct client *c;

	switch (r->id) {
	case ORDO_ST_MSGS_DELIVERED:  s->msgs = r->value; break;
	case ORDO_ST_BYTES_DELIVERED: s->bytes = r->value; break;
	case ORDO_ST_DATA_RETRANS:    s->retrans = r->value; break;
	case ORDO_ST_RING_CHANGES:    s->ring_changes = r->value; break;
	case ORDO_ST_RING_MEMBERS:    s->members = r->value; break;
	case ORDO_ST_CLIENTS:         s->clients = r->value; break;
	case ORDO_ST_CLIENTS_SLOW_CONSUMER: s->slow = r->value; break;
	case ORDO_ST_RING_STATE:
		if (r->value)
			memcpy(s->state, r->label, sizeof(s->state));
		break;
	case ORDO_ST_CLIENT_BACKLOG_RECORDS:
	case ORDO_ST_CLIENT_BACKLOG_BYTES:
	case ORDO_ST_CLIENT_DELIVERED:
		c = client_of(s, r->label);
		if (c == NULL)
			break;
		if (r->id == ORDO_ST_CLIENT_BACKLOG_RECORDS)
			c->recs = r->value;
		else if (r->id == ORDO_ST_CLIENT_BACKLOG_BYTES)
			c->bytes = r->value;
		else
			c->delivered = r->value;
		break;
	default:
		break; /* the rest is for Prometheus */
	}
}

/* One request on fd and its answer in buf; the answer's length, or -1
 * with why in err. */
static long exchange(int fd, const void *req, size_t len, uint16_t want,
		     uint8_t *buf, char *err, size_t errlen)
{
	const struct ordo_cp_hdr *h = (const void *)buf;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	enum cpmsg_err e;
	unsigned n_fds;
	int fds[1];
	long n;
	int rc = cpmsg_send(fd, req, len, NULL, 0, 0);

	if (rc < 0) {
		snprintf(err, errlen, "%s", strerror(-rc));
		return -1;
	}
	if (poll(&p, 1, TOP_ANSWER_MS) <= 0) {
		snprintf(err, errlen, "no answer within %d ms", TOP_ANSWER_MS);
		return -1;
	}
	n = cpmsg_recv(fd, buf, ORDO_CP_MSG_MAX, fds, 0, &n_fds, 0, &e);
	if (n <= 0 || e != CPMSG_OK || h->type != want) {
		snprintf(err, errlen, "%s", n == 0 ? "closed" :
			 n < 0 ? strerror((int)-n) :
			 e != CPMSG_OK ? cpmsg_err_name(e) : "unexpected answer");
		return -1;
	}
	return n;
}

/* The daemon's name, from a STATUS query ("daemon":"NAME" in JSON). */
static void ask_name(struct node *nd, int fd, uint8_t *buf)
{
	struct ordo_cp_query_msg q;
	char err[64], *p, *e;
	long n;

	memset(&q, 0, sizeof(q));
	cpmsg_hdr(&q.hdr, ORDO_CP_QUERY, sizeof(q), 1);
	q.what = ORDO_CP_Q_STATUS;
	q.flags = ORDO_CP_Q_JSON;
	n = exchange(fd, &q, sizeof(q), ORDO_CP_REPLY, buf, err, sizeof(err));
	if (n < (long)sizeof(struct ordo_cp_reply) ||
	    ((struct ordo_cp_reply *)buf)->status != 0)
		return;
	buf[n < ORDO_CP_MSG_MAX ? n : ORDO_CP_MSG_MAX - 1] = '\0';
	p = strstr((char *)buf + sizeof(struct ordo_cp_reply), "\"daemon\":\"");
	if (p == NULL)
		return;
	p += 10;
	e = strchr(p, '"');
	if (e != NULL && e - p < (long)sizeof(nd->name)) {
		memcpy(nd->name, p, (size_t)(e - p));
		nd->name[e - p] = '\0';
	}
}

static void sample(struct node *nd, uint8_t *buf)
{
	struct sample *s = &nd->cur;
	const struct ordo_cp_stats *st = (const void *)buf;
	uint32_t cursor = 0, seq = 1;
	unsigned pages = 0;
	int fd;

	free(s->cl);
	memset(s, 0, sizeof(*s));
	fd = ordoctl_dial(nd->sock);
	if (fd < 0) {
		snprintf(s->err, sizeof(s->err), "%s", strerror(errno));
		return;
	}
	if (nd->name[0] == '\0')
		ask_name(nd, fd, buf);
	do {
		struct ordo_cp_stats_req q;

		memset(&q, 0, sizeof(q));
		cpmsg_hdr(&q.hdr, ORDO_CP_STATS_REQ, sizeof(q), ++seq);
		q.version = ORDO_STATS_VERSION;
		q.cursor = cursor;
		if (exchange(fd, &q, sizeof(q), ORDO_CP_STATS, buf, s->err,
			     sizeof(s->err)) < 0)
			goto out;
		if (st->status != 0) {
			snprintf(s->err, sizeof(s->err), "%s",
				 st->status == -ENOTCONN ? "dataplane not running" :
				 strerror(-st->status));
			goto out;
		}
		if (cursor == 0)
			s->now_ns = st->now_ns;
		for (uint32_t i = 0; i < st->n; i++)
			take(s, &((const struct ordo_cp_stat *)(st + 1))[i]);
		cursor = st->next;
	} while (cursor != 0 && ++pages < TOP_PAGES_MAX);
	s->ok = true;
out:
	close(fd);
}

static double per_s(uint64_t now, uint64_t before, double dt)
{
	return dt > 0 && now >= before ? (double)(now - before) / dt : 0;
}

/* 1234567 -> "1.23M": columns stay narrow. */
static const char *human(double v, char out[16])
{
	static const char unit[] = " kMGTP";
	unsigned u = 0;

	while (v >= 999.5 && u + 1 < sizeof(unit) - 1) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(out, 16, "%.0f", v);
	else
		snprintf(out, 16, "%.*f%c", v < 9.995 ? 2 : v < 99.95 ? 1 : 0, v,
			 unit[u]);
	return out;
}

struct backlog {
	const char *node, *client;
	uint64_t recs, bytes;
	double dps;
};

static int by_backlog(const void *a, const void *b)
{
	const struct backlog *x = a, *y = b;

	if (x->recs != y->recs)
		return x->recs < y->recs ? 1 : -1;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return strcmp(x->client, y->client);
}

static void frame(struct node *nodes, unsigned n, bool tty, unsigned iter)
{
	struct backlog *bl = NULL;
	size_t n_bl = 0, cap = 0;
	char a[16], b[16], c[16];
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	if (tty)
		fputs("\033[H\033[2J", stdout);
	printf("ordoctl top  %02d:%02d:%02d  frame %u  %u daemon%s\n\n",
	       tm.tm_hour, tm.tm_min, tm.tm_sec, iter, n, n == 1 ? "" : "s");
	printf("%-12s %-11s %4s %9s %9s %8s %8s %7s %9s %9s\n", "NODE", "STATE",
	       "RING", "MSGS/S", "BYTES/S", "RETR/S", "RINGCHG", "CLIENTS",
	       "BACKLOG", "SLOWDISC");
	for (unsigned i = 0; i < n; i++) {
		struct node *nd = &nodes[i];
		struct sample *s = &nd->cur, *p = &nd->prev;
		const char *name = nd->name[0] ? nd->name : nd->sock;
		double dt = p->ok && s->ok && s->now_ns > p->now_ns ?
			    (double)(s->now_ns - p->now_ns) / 1e9 : 0;
		uint64_t recs = 0;

		if (!s->ok) {
			printf("%-12s unreachable: %s\n", name, s->err);
			continue;
		}
		for (unsigned k = 0; k < s->n_clients; k++) {
			const struct client *cl = &s->cl[k];
			double dps = 0;

			recs += cl->recs;
			for (unsigned j = 0; p->ok && j < p->n_clients; j++)
				if (strcmp(p->cl[j].name, cl->name) == 0)
					dps = per_s(cl->delivered,
						    p->cl[j].delivered, dt);
			if (n_bl == cap) {
				size_t nc = cap ? 2 * cap : 16;
				struct backlog *x = realloc(bl, nc * sizeof(*x));

				if (x == NULL)
					continue;
				bl = x;
				cap = nc;
			}
			bl[n_bl++] = (struct backlog){ name, cl->name, cl->recs,
						       cl->bytes, dps };
		}
		printf("%-12s %-11s %4" PRIu64 " %9s %9s %8.1f %8" PRIu64
		       " %7" PRIu64 " %9" PRIu64 " %9" PRIu64 "\n",
		       name, s->state[0] ? s->state : "?", s->members,
		       dt > 0 ? human(per_s(s->msgs, p->msgs, dt), a) : "-",
		       dt > 0 ? human(per_s(s->bytes, p->bytes, dt), b) : "-",
		       per_s(s->retrans, p->retrans, dt), s->ring_changes,
		       s->clients, recs, s->slow);
	}
	if (n_bl > 0) {
		qsort(bl, n_bl, sizeof(*bl), by_backlog);
		printf("\n%-12s %-10s %9s %11s %9s\n", "NODE", "CLIENT",
		       "BACKLOG", "RING BYTES", "DELIV/S");
		for (size_t k = 0; k < n_bl && k < TOP_CLIENTS; k++)
			printf("%-12s %-10s %9" PRIu64 " %11s %9s\n", bl[k].node,
			       bl[k].client, bl[k].recs, human((double)bl[k].bytes, a),
			       human(bl[k].dps, c));
		if (n_bl > TOP_CLIENTS)
			printf("... and %zu more clients\n", n_bl - TOP_CLIENTS);
	}
	if (!tty)
		printf("\n");
	fflush(stdout);
	free(bl);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int ordoctl_top(const struct opts *o, int argc, char **argv, int what)
{
	static const struct option longopts[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	static uint8_t buf[ORDO_CP_MSG_MAX];
	struct node nodes[ORDOCTL_MAX_SOCKETS];
	long iterations = 0, delay_ms = 1000;
	bool tty = isatty(STDOUT_FILENO);
	unsigned reachable = 0;
	int opt;

	(void)what;
	optind = 0; /* a fresh scan of top's own options */
	while ((opt = getopt_long(argc, argv, "n:d:", longopts, NULL)) != -1) {
		char *end;

		switch (opt) {
		case 'n':
			iterations = strtol(optarg, &end, 10);
			if (*end || iterations < 1) {
				fprintf(stderr, "ordoctl top: --iterations wants "
					"a count >= 1, got '%s'\n", optarg);
				return ORDOCTL_EXIT_NO_DAEMON;
			}
			break;
		case 'd': {
			double s = strtod(optarg, &end);

			if (*end || s < 0.1 || s > 3600) {
				fprintf(stderr, "ordoctl top: --delay wants "
					"seconds in 0.1..3600, got '%s'\n", optarg);
				return ORDOCTL_EXIT_NO_DAEMON;
			}
			delay_ms = (long)(s * 1000);
			break;
		}
		default:
			return ORDOCTL_EXIT_NO_DAEMON;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ordoctl top: unexpected '%s'\n", argv[optind]);
		return ORDOCTL_EXIT_NO_DAEMON;
	}
	memset(nodes, 0, sizeof(nodes));
	for (unsigned i = 0; i < o->n_socks; i++) {
		nodes[i].sock = o->socks[i];
		sample(&nodes[i], buf);
	}
	for (long it = 1; iterations == 0 || it <= iterations; it++) {
		sleep_ms(delay_ms);
		reachable = 0;
		for (unsigned i = 0; i < o->n_socks; i++) {
			free(nodes[i].prev.cl);
			nodes[i].prev = nodes[i].cur;
			nodes[i].cur.cl = NULL;
			sample(&nodes[i], buf);
			reachable += nodes[i].cur.ok;
		}
		frame(nodes, o->n_socks, tty, (unsigned)it);
	}
	for (unsigned i = 0; i < o->n_socks; i++) {
		free(nodes[i].prev.cl);
		free(nodes[i].cur.cl);
	}
	return reachable > 0 ? 0 : ORDOCTL_EXIT_NO_DAEMON;
}
