/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-ctrld's Prometheus endpoint: GET /metrics on MetricsListen
 * (lib/conf; off by default), served by Debian's libmicrohttpd inside our
 * own poll loop (its epoll descriptor is one more pollfd; no thread).
 *
 * A scrape is answered from two sources:
 *   - ours: the configuration, the mirror (ring members by name, group
 *     views) and ordo-ctrld's own counters, read at once;
 *   - ordod's: its counters as STATS records over the link, a page per
 *     request (include/ordo/ctrl_proto.h), asked for when the scrape
 *     comes, so the numbers are as fresh as the scrape.
 * While ordod's pages arrive the HTTP request is suspended (the loop
 * never blocks); scrapes that come meanwhile wait for the same answer.
 * Without a link, or without an answer within CTRLD_QUERY_MS, the answer
 * holds our samples and ordo_dataplane_up 0. metrics_text.c writes the
 * text.
 *
 *   request --(link up)--> STATS_REQ cursor 0 --> STATS next k
 *          --> STATS_REQ cursor k ... --> STATS next 0 --> text, resume
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/ctrld.h"
#include "ctrl/metrics.h"

#define MX_WAITING_MAX 16   /* scrapes waiting for one collection */
#define MX_CONN_MAX    32   /* HTTP connections at once */
#define MX_CONN_IDLE_S 10   /* an idle HTTP connection is closed */
#define MX_PAGES_MAX   64   /* a collection never asks for more pages */
#define MX_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* One HTTP request, from its first call to its completion. */
struct mx_req {
	struct MHD_Connection *conn;
	bool     waiting, done;
	char    *text;
	size_t   len;
};

struct ctrld_metrics {
	struct MHD_Daemon *mhd;
	int      epoll_fd;
	/* The collection in flight. */
	bool     busy;
	uint32_t seq, pages;
	uint64_t deadline_ns;
	struct mx_set ordod;        /* ordod's records so far */
	struct mx_req *waiting[MX_WAITING_MAX];
	unsigned n_waiting;
	uint64_t scrape_errors;
};

static void mhd_log(void *arg, const char *fmt, va_list ap)
{
	struct ctrld *d = arg;
	char line[256];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	ctrld_log(d, CLOG_WARN, "metrics: %s", line);
}

/* ---- the text ------------------------------------------------------------- */

static void our_samples(struct ctrld *d, struct mx_set *set, bool dp_up)
{
	struct ctrld_metrics *m = d->metrics;
	uint32_t i, j;

	for (i = 0; i < d->conf.n_daemons; i++) {
		bool in = false;

		for (j = 0; d->ring.known && j < d->ring.n_members; j++)
			in |= d->ring.members[j] == d->conf.daemons[i].id;
		mx_add(set, ORDO_ST_RING_MEMBER, 0, d->conf.daemons[i].name, in);
	}
	for (i = 0; i < d->n_groups; i++)
		mx_add(set, ORDO_ST_GROUP_MEMBERS, 0, d->groups[i].name,
		       d->groups[i].n_members);
	mx_add(set, ORDO_ST_DATAPLANE_UP, 0, NULL, dp_up);
	mx_add(set, ORDO_ST_CONFIGURED_DAEMONS, 0, NULL, d->conf.n_daemons);
	mx_add(set, ORDO_ST_CTRLD_ADMITTED, 0, NULL, d->n_accepted);
	mx_add(set, ORDO_ST_CTRLD_REFUSED, 0, NULL, d->n_refused);
	mx_add(set, ORDO_ST_CTRLD_PROTO_ERRORS, 0, NULL, d->n_proto_errors);
	mx_add(set, ORDO_ST_CTRLD_LINK_UPS, 0, NULL, d->n_link_ups);
	mx_add(set, ORDO_ST_CTRLD_SCRAPE_ERRORS, 0, NULL, m->scrape_errors);
}

/* The answer to every waiting scrape; ordod's records when dp_up. */
static void finish(struct ctrld *d, bool dp_up)
{
	struct ctrld_metrics *m = d->metrics;
	struct mx_set set = { 0 };
	struct sbuf text = { 0 };
	unsigned i;

	if (!dp_up)
		m->scrape_errors++;
	our_samples(d, &set, dp_up);
	for (i = 0; dp_up && i < m->ordod.n; i++) {
		const struct mx_sample *x = &m->ordod.s[i];

		mx_add(&set, x->id, x->key, x->label, x->value);
	}
	mx_text(&set, d->daemon, &text);
	for (i = 0; i < m->n_waiting; i++) {
		struct mx_req *r = m->waiting[i];

		r->waiting = false;
		r->done = true;
		if (!set.failed && !text.failed) {
			r->text = malloc(text.len ? text.len : 1);
			if (r->text != NULL) {
				memcpy(r->text, text.s, text.len);
				r->len = text.len;
			}
		}
		MHD_resume_connection(r->conn);
	}
	m->n_waiting = 0;
	m->busy = false;
	mx_free(&m->ordod);
	mx_free(&set);
	sbuf_free(&text);
}

/* ---- ordod's pages -------------------------------------------------------- */

static void ask(struct ctrld *d, uint32_t cursor)
{
	struct ctrld_metrics *m = d->metrics;
	struct ordo_cp_stats_req q;

	memset(&q, 0, sizeof(q));
	m->seq = ctrld_link_next_seq(d);
	cpmsg_hdr(&q.hdr, ORDO_CP_STATS_REQ, sizeof(q), m->seq);
	q.version = ORDO_STATS_VERSION;
	q.cursor = cursor;
	m->pages++;
	/* On failure the link goes down, which finishes us. */
	ctrld_link_send(d, &q, sizeof(q), NULL, 0);
}

static void start(struct ctrld *d)
{
	struct ctrld_metrics *m = d->metrics;

	if (m->busy)
		return;
	if (d->link != LINK_UP) {
		finish(d, false);
		return;
	}
	m->busy = true;
	m->pages = 0;
	m->deadline_ns = ctrld_now_ns() + CTRLD_QUERY_MS * 1000000ull;
	ask(d, 0);
}

bool ctrld_metrics_stats(struct ctrld *d, const struct ordo_cp_stats *s,
			 size_t len)
{
	struct ctrld_metrics *m = d->metrics;
	const struct ordo_cp_stat *r = (const void *)(s + 1);
	uint32_t i;

	if (m == NULL || !m->busy || s->hdr.seq != m->seq)
		return false;
	(void)len; /* cpmsg_check: len = sizeof(*s) + n records */
	if (s->status != 0 || s->version != ORDO_STATS_VERSION) {
		ctrld_log(d, CLOG_WARN, "metrics: the dataplane answered STATS "
			  "with status %d, version %u", s->status, s->version);
		finish(d, false);
		return true;
	}
	for (i = 0; i < s->n; i++)
		mx_add(&m->ordod, r[i].id, r[i].key, r[i].label, r[i].value);
	if (s->next != 0 && m->pages < MX_PAGES_MAX)
		ask(d, s->next);
	else
		finish(d, true);
	return true;
}

void ctrld_metrics_link_down(struct ctrld *d)
{
	if (d->metrics != NULL && d->metrics->busy)
		finish(d, false);
}

void ctrld_metrics_tick(struct ctrld *d, uint64_t now)
{
	struct ctrld_metrics *m = d->metrics;

	if (m == NULL)
		return;
	if (m->busy && now >= m->deadline_ns) {
		ctrld_log(d, CLOG_WARN, "metrics: the dataplane did not answer "
			  "STATS within %d ms", CTRLD_QUERY_MS);
		finish(d, false);
	}
	MHD_run(m->mhd);
}

int ctrld_metrics_fd(const struct ctrld *d)
{
	return d->metrics != NULL ? d->metrics->epoll_fd : -1;
}

/* ---- HTTP ----------------------------------------------------------------- */

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned code,
			       const char *text)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, "Allow", "GET, HEAD");
	rc = MHD_queue_response(conn, code, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result on_request(void *arg, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_len, void **req_cls)
{
	struct ctrld *d = arg;
	struct ctrld_metrics *m = d->metrics;
	struct mx_req *r = *req_cls;
	struct MHD_Response *resp;
	enum MHD_Result rc;

	(void)version;
	(void)upload;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return respond(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			       "only GET and HEAD\n");
	if (*upload_len != 0) {
		*upload_len = 0; /* a body on a GET: ignored */
		return MHD_YES;
	}
	if (strcmp(url, "/metrics") != 0)
		return respond(conn, MHD_HTTP_NOT_FOUND,
			       "ordo-ctrld serves /metrics only\n");
	if (r == NULL) {
		if (m->n_waiting >= MX_WAITING_MAX)
			return respond(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				       "too many scrapes at once\n");
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return MHD_NO;
		*req_cls = r;
		r->conn = conn;
		r->waiting = true;
		m->waiting[m->n_waiting++] = r;
		MHD_suspend_connection(conn);
		start(d); /* may finish (and resume) at once */
		return MHD_YES;
	}
	if (!r->done)
		return MHD_YES;
	if (r->text == NULL)
		return respond(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
			       "out of memory\n");
	resp = MHD_create_response_from_buffer(r->len, r->text,
					       MHD_RESPMEM_MUST_FREE);
	if (resp == NULL)
		return MHD_NO;
	r->text = NULL; /* the response owns it */
	MHD_add_response_header(resp, "Content-Type", MX_CONTENT_TYPE);
	rc = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return rc;
}

static void on_completed(void *arg, struct MHD_Connection *conn,
			 void **req_cls, enum MHD_RequestTerminationCode why)
{
	struct ctrld *d = arg;
	struct ctrld_metrics *m = d->metrics;
	struct mx_req *r = *req_cls;
	unsigned i;

	(void)conn;
	(void)why;
	if (r == NULL)
		return;
	for (i = 0; r->waiting && i < m->n_waiting; i++)
		if (m->waiting[i] == r) {
			m->waiting[i] = m->waiting[--m->n_waiting];
			break;
		}
	free(r->text);
	free(r);
	*req_cls = NULL;
}

int ctrld_metrics_start(struct ctrld *d)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const union MHD_DaemonInfo *info;
	struct ctrld_metrics *m;
	uint32_t addr;
	uint16_t port;
	char ip[INET_ADDRSTRLEN];

	if (!ordo_conf_metrics_listen(&d->conf, d->self, &addr, &port))
		return 0;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	d->metrics = m;
	sa.sin_addr.s_addr = htonl(addr);
	sa.sin_port = htons(port);
	inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
	/* External polling (no flag for a thread): MHD_run from our loop. */
	m->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
				  MHD_USE_ERROR_LOG,
				  port, NULL, NULL, on_request, d,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, d,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)MX_CONN_MAX,
				  MHD_OPTION_CONNECTION_TIMEOUT,
				  (unsigned)MX_CONN_IDLE_S,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, d,
				  MHD_OPTION_END);
	if (m->mhd == NULL) {
		ctrld_log(d, CLOG_ERR, "MetricsListen %s:%u: cannot listen "
			  "(address in use or not local?)", ip, port);
		free(m);
		d->metrics = NULL;
		return -EADDRNOTAVAIL;
	}
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	m->epoll_fd = info != NULL ? info->epoll_fd : -1;
	if (m->epoll_fd < 0) {
		ctrld_metrics_stop(d);
		return -ENOTSUP;
	}
	ctrld_log(d, CLOG_INFO, "metrics: http://%s:%u/metrics", ip, port);
	return 0;
}

void ctrld_metrics_stop(struct ctrld *d)
{
	struct ctrld_metrics *m = d->metrics;

	if (m == NULL)
		return;
	/* libmicrohttpd refuses to stop with suspended requests. */
	if (m->n_waiting > 0) {
		finish(d, false);
		MHD_run(m->mhd);
	}
	if (m->mhd != NULL)
		MHD_stop_daemon(m->mhd);
	mx_free(&m->ordod);
	free(m);
	d->metrics = NULL;
}
