/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Asking the local daemon for its counters (retransmissions, each
 * lcore's cycles per stage) the way ordoctl does: a COUNTERS QUERY in
 * JSON on the client socket (include/ordo/ctrl_proto.h), answered by one
 * or more REPLYs, once per sample. The answer comes from another process:
 * each datagram's header is checked, and a key that is missing or not
 * followed by a number is an error, not a 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ordo/ctrl_proto.h"
#include "ordo/ctrl_stats.h"
#include "app/perf/perf.h"

#define ANSWER_MS 500
#define TEXT_MAX (64u << 10)

static int dial(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* Collect the REPLY text into text[TEXT_MAX] (NUL-terminated). */
static int read_reply(int fd, char *text)
{
	static _Thread_local uint8_t buf[ORDO_CP_MSG_MAX];
	const struct ordo_cp_reply *rep = (const void *)buf;
	size_t have = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		size_t k;

		if (poll(&p, 1, ANSWER_MS) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			return n == 0 ? -ECONNRESET : -errno;
		if ((size_t)n < sizeof(*rep) || rep->hdr.magic != ORDO_CP_MAGIC ||
		    rep->hdr.version != ORDO_CP_VERSION ||
		    rep->hdr.type != ORDO_CP_REPLY || rep->hdr.len != (uint32_t)n ||
		    rep->hdr.seq != 1)
			return -EPROTO;
		if (rep->status)
			return rep->status < 0 ? rep->status : -EPROTO;
		k = (size_t)n - sizeof(*rep);
		if (k > TEXT_MAX - 1 - have)
			k = TEXT_MAX - 1 - have;
		memcpy(text + have, rep + 1, k);
		have += k;
		if (!rep->more)
			break;
	}
	text[have] = '\0';
	return 0;
}

/* key's number in the JSON text: 0, or -ENOENT. */
static int counter(const char *text, const char *key, uint64_t *out)
{
	char want[64], *end;
	const char *at;

	snprintf(want, sizeof(want), "\"%s\":", key);
	at = strstr(text, want);
	if (!at)
		return -ENOENT;
	at += strlen(want);
	while (*at == ' ')
		at++;
	if (*at < '0' || *at > '9')
		return -ENOENT;
	errno = 0;
	*out = strtoull(at, &end, 10);
	return errno || end == at ? -ENOENT : 0;
}

/* The whole COUNTERS answer, NUL-terminated, in a buffer to free(). */
static int query(const char *socket, char **out)
{
	struct ordo_cp_query_msg q = { 0 };
	char *text;
	int fd, rc;

	if (!socket)
		socket = getenv(ORDO_CP_SOCKET_ENV);
	if (!socket)
		socket = ORDO_CP_SOCKET_DEFAULT;
	fd = dial(socket);
	if (fd < 0)
		return fd;
	text = malloc(TEXT_MAX);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	q.hdr = (struct ordo_cp_hdr){ .magic = ORDO_CP_MAGIC,
				      .version = ORDO_CP_VERSION,
				      .type = ORDO_CP_QUERY,
				      .len = sizeof(q), .seq = 1 };
	q.what = ORDO_CP_Q_COUNTERS;
	q.flags = ORDO_CP_Q_JSON;
	if (send(fd, &q, sizeof(q), MSG_NOSIGNAL) != (ssize_t)sizeof(q))
		rc = -errno;
	else
		rc = read_reply(fd, text);
	close(fd);
	if (rc < 0) {
		free(text);
		return rc;
	}
	*out = text;
	return 0;
}

static const char *const stage[PERF_STAGES] = {
#define PERF_STAGE_NAME(i, id, name) [i] = name,
	ORDO_LOOP_STAGES(PERF_STAGE_NAME)
#undef PERF_STAGE_NAME
};

const char *perf_stage_name(unsigned i)
{
	return i < PERF_STAGES ? stage[i] : "?";
}

static void lcore_delta(const struct perf_lcore_sample *a,
			const struct perf_lcore_sample *b, uint64_t msgs,
			uint64_t tsc_hz, struct perf_lcore_fig *f)
{
	uint64_t units = b->timed_units - a->timed_units;

	if (!a->on || !b->on)
		return;
	f->stall_us = (double)b->stall_recent * 1e6 / (double)tsc_hz;
	if (msgs > 0 && b->busy_units > a->busy_units) {
		double cyc = (double)(b->busy_cycles - a->busy_cycles);

		f->per_msg = cyc / (double)msgs;
		f->per_unit = cyc / (double)(b->busy_units - a->busy_units);
		f->known = true;
	}
	if (b->timed_units <= a->timed_units)
		return;
	for (unsigned i = 0; i < PERF_STAGES; i++)
		f->stage[i] = (double)(b->cycles[i] - a->cycles[i]) /
			      (double)units;
	f->known_stages = true;
}

void perf_stage_delta(const struct perf_daemon_sample *a,
		      const struct perf_daemon_sample *b,
		      struct perf_stage_fig *f)
{
	uint64_t all = 0;

	memset(f, 0, sizeof(*f));
	if (!a->stages || !b->stages || b->tsc_hz == 0)
		return;
	f->stall_us = (double)b->stall_recent * 1e6 / (double)b->tsc_hz;
	/* No message in the interval (or a restart): unknown. */
	if (b->busy_msgs > a->busy_msgs) {
		f->per_msg = (double)(b->busy_cycles - a->busy_cycles) /
			     (double)(b->busy_msgs - a->busy_msgs);
		f->known = true;
	}
	lcore_delta(&a->w, &b->w, f->known ? b->busy_msgs - a->busy_msgs : 0,
		    b->tsc_hz, &f->w);
	lcore_delta(&a->cw, &b->cw, f->known ? b->busy_msgs - a->busy_msgs : 0,
		    b->tsc_hz, &f->cw);
	for (unsigned k = 0; k < PERF_MORE_CW; k++)
		lcore_delta(&a->cwk[k], &b->cwk[k],
			    f->known ? b->busy_msgs - a->busy_msgs : 0,
			    b->tsc_hz, &f->cwk[k]);
	for (unsigned q = 0; q < PERF_RX_WORKERS; q++)
		lcore_delta(&a->rxw[q], &b->rxw[q],
			    f->known ? b->busy_msgs - a->busy_msgs : 0,
			    b->tsc_hz, &f->rxw[q]);
	f->msgs = b->msgs - a->msgs;
	if (b->msgs <= a->msgs)
		return;
	for (unsigned i = 0; i < PERF_STAGES; i++) {
		uint64_t d = b->cycles[i] - a->cycles[i];

		f->stage[i] = (double)d / (double)f->msgs;
		all += d;
	}
	f->timed = (double)all / (double)f->msgs;
	f->known_stages = true;
}

/* A worker lcore's keys (prefix "worker_" or "client_worker_", units
 * "frames" or "msgs"): all of them, or it is taken for absent. */
static bool lcore_sample(const char *text, const char *prefix,
			 const char *units, struct perf_lcore_sample *l)
{
	char key[64];
	bool ok;

	snprintf(key, sizeof(key), "%sbusy_cycles", prefix);
	ok = counter(text, key, &l->busy_cycles) == 0;
	snprintf(key, sizeof(key), "%sbusy_%s", prefix, units);
	ok = ok && counter(text, key, &l->busy_units) == 0;
	snprintf(key, sizeof(key), "%stimed_%s", prefix, units);
	ok = ok && counter(text, key, &l->timed_units) == 0;
	snprintf(key, sizeof(key), "%sstall_recent_cycles", prefix);
	ok = ok && counter(text, key, &l->stall_recent) == 0;
	for (unsigned i = 0; ok && i < PERF_STAGES; i++) {
		snprintf(key, sizeof(key), "%sstage_%s_cycles", prefix, stage[i]);
		ok = counter(text, key, &l->cycles[i]) == 0;
	}
	l->on = ok;
	return ok;
}

int perf_daemon_sample(const char *socket, struct perf_daemon_sample *s)
{
	char *text, key[48];
	int rc;

	memset(s, 0, sizeof(*s));
	rc = query(socket, &text);
	if (rc < 0)
		return rc;
	rc = counter(text, "tx_retrans", &s->retrans);
	if (rc == 0)
		s->ok = true;
	/* An older daemon has no stage counters: the rest stays unknown. */
	s->stages = counter(text, "stage_protocol_items", &s->msgs) == 0 &&
		    counter(text, "lcore_tsc_hz", &s->tsc_hz) == 0 &&
		    counter(text, "lcore_busy_cycles", &s->busy_cycles) == 0 &&
		    counter(text, "lcore_busy_msgs", &s->busy_msgs) == 0 &&
		    counter(text, "lcore_stall_recent_cycles",
			    &s->stall_recent) == 0;
	if (s->stages) {
		lcore_sample(text, "worker_", "frames", &s->w);
		lcore_sample(text, "client_worker_", "msgs", &s->cw);
		/* client_worker2_, ...: as many as run. */
		for (unsigned k = 0; k < PERF_MORE_CW; k++) {
			snprintf(key, sizeof(key), "client_worker%u_", k + 2);
			if (!lcore_sample(text, key, "msgs", &s->cwk[k]))
				break;
		}
		/* rx_worker1_, rx_worker2_, ...: as many as run. */
		for (unsigned q = 0; q < PERF_RX_WORKERS; q++) {
			snprintf(key, sizeof(key), "rx_worker%u_", q + 1);
			if (!lcore_sample(text, key, "frames", &s->rxw[q]))
				break;
		}
	}
	for (unsigned i = 0; s->stages && i < PERF_STAGES; i++) {
		snprintf(key, sizeof(key), "stage_%s_cycles", stage[i]);
		s->stages = counter(text, key, &s->cycles[i]) == 0;
	}
	free(text);
	return rc;
}
