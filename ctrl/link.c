/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The link to the dataplane (ordod listens on RuntimeDir/ordod.link, we
 * dial). States:
 *
 *   DOWN --dial ok--> HELLO --LINK_WELCOME 0--> DUMP --DUMP_END--> UP
 *     ^  (retry every 200 ms; 5 s after a refusal for another config)
 *     +---- any error, hang-up or protocol violation ----------------+
 *
 * Only in UP are clients admitted. Going DOWN marks our clients' regions
 * DAEMON_EXIT and closes their sockets (ctrld_clients_link_down), and
 * forgets the mirror: the next dataplane sends its own state.
 *
 * Messages from the dataplane go through a handler table indexed by type;
 * each handler may assume cpmsg_check's (lib/cproto/cpmsg.h: magic,
 * version, len, tails, terminated names, no descriptors) and does its own
 * (state, meaning).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctrl/ctrld.h"

const char *ctrld_link_state_name(enum link_state s)
{
	switch (s) {
	case LINK_DOWN:  return "down";
	case LINK_HELLO: return "hello";
	case LINK_DUMP:  return "dump";
	case LINK_UP:    return "up";
	}
	return "?";
}

uint32_t ctrld_link_next_seq(struct ctrld *d)
{
	if (++d->link_seq == 0)
		d->link_seq = 1;
	return d->link_seq;
}

void ctrld_link_down(struct ctrld *d, const char *why)
{
	uint32_t i;

	if (d->link_fd >= 0)
		close(d->link_fd);
	d->link_fd = -1;
	if (d->link == LINK_UP || d->link == LINK_DUMP)
		ctrld_log(d, CLOG_WARN, "link down: %s", why);
	else
		ctrld_log(d, CLOG_DEBUG, "link not established: %s", why);
	d->link = LINK_DOWN;
	ctrld_metrics_link_down(d);
	ctrld_clients_link_down(d);
	ctrld_mirror_clear(d);
	/* Forwarded queries will not be answered now. */
	for (i = 0; i < d->n_conns_max; i++) {
		struct ctrld_conn *k = &d->conns[i];

		if (k->fd >= 0 && k->fwd) {
			k->fwd = false;
			ctrld_fwd_fail(k, -ENOTCONN, "dataplane not running\n");
		}
	}
	d->next_dial_ns = ctrld_now_ns() +
		(d->link_refused ? CTRLD_DIAL_SLOW_MS : CTRLD_DIAL_MS) * 1000000ull;
}

int ctrld_link_send(struct ctrld *d, const void *msg, size_t len,
		    const int *fds, unsigned n_fds)
{
	int rc;

	if (d->link_fd < 0)
		return -ENOTCONN;
	/* Blocking with a timeout (SO_SNDTIMEO): the dataplane reads its link
	 * on its slow path; a dataplane that stops reading for a second is
	 * treated as gone rather than buffered for without bound. */
	rc = cpmsg_send(d->link_fd, msg, len, fds, n_fds, 0);
	if (rc < 0) {
		char why[80];

		snprintf(why, sizeof(why), "send: %s", strerror(-rc));
		ctrld_link_down(d, why);
	}
	return rc;
}

static void dial(struct ctrld *d)
{
	struct timeval tv = { .tv_sec = 1 };
	struct ordo_cp_link_hello h;
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, d->link_path); /* length checked at start */
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	d->link_fd = fd;
	d->link = LINK_HELLO;
	memset(&h, 0, sizeof(h));
	cpmsg_hdr(&h.hdr, ORDO_CP_LINK_HELLO, sizeof(h), ctrld_link_next_seq(d));
	h.conf_hash = d->conf_hash;
	h.pid = (uint32_t)getpid();
	ctrld_link_send(d, &h, sizeof(h), NULL, 0);
}

void ctrld_link_tick(struct ctrld *d, uint64_t now)
{
	if (d->link == LINK_DOWN && now >= d->next_dial_ns) {
		d->next_dial_ns = now + CTRLD_DIAL_MS * 1000000ull;
		dial(d);
	}
}

/* ---- handlers: 0, or a reason to drop the link ---------------------------- */

typedef const char *link_handler(struct ctrld *d, const void *msg, size_t len);

static const char *on_welcome(struct ctrld *d, const void *msg, size_t len)
{
	const struct ordo_cp_link_welcome *w = msg;

	(void)len;
	if (d->link != LINK_HELLO)
		return "LINK_WELCOME out of place";
	d->ordod_pid = w->pid;
	d->ordod_hash = w->conf_hash;
	if (w->status != 0) {
		if (!d->link_refused)
			ctrld_log(d, CLOG_ERR,
				  "the dataplane (ordod pid %u, daemon '%s') runs another configuration: its hash %08x, ours %08x (%s); retrying every %d s",
				  w->pid, w->daemon, w->conf_hash, d->conf_hash,
				  d->conf_path, CTRLD_DIAL_SLOW_MS / 1000);
		d->link_refused = true;
		return "another configuration";
	}
	d->link_refused = false;
	if (strcmp(w->daemon, d->daemon) != 0 || w->node_id != d->node_id)
		ctrld_log(d, CLOG_WARN,
			  "the dataplane says it is daemon '%s' (node %08x), we are '%s' (%08x)",
			  w->daemon, w->node_id, d->daemon, d->node_id);
	d->link = LINK_DUMP;
	return NULL;
}

static const char *on_attached(struct ctrld *d, const void *msg, size_t len)
{
	const struct ordo_cp_attached *a = msg;

	(void)len;
	if (d->link != LINK_UP && d->link != LINK_DUMP)
		return "ATTACHED before LINK_WELCOME";
	ctrld_client_attached(d, a->client_id, a->status);
	return NULL;
}

static const char *on_detached(struct ctrld *d, const void *msg, size_t len)
{
	const struct ordo_cp_detached *m = msg;

	(void)len;
	if (d->link != LINK_UP && d->link != LINK_DUMP)
		return "DETACHED before LINK_WELCOME";
	ctrld_client_detached(d, m->client_id, m->reason, m->detail);
	return NULL;
}

static const char *on_client(struct ctrld *d, const void *msg, size_t len)
{
	(void)len;
	if (d->link != LINK_DUMP)
		return "CLIENT outside the state dump";
	ctrld_client_dumped(d, msg);
	return NULL;
}

static const char *on_ring(struct ctrld *d, const void *msg, size_t len)
{
	if (d->link != LINK_DUMP && d->link != LINK_UP)
		return "RING before LINK_WELCOME";
	return ctrld_mirror_ring(d, msg, len) < 0 ? "bad RING" : NULL;
}

static const char *on_view(struct ctrld *d, const void *msg, size_t len)
{
	if (d->link != LINK_DUMP && d->link != LINK_UP)
		return "VIEW before LINK_WELCOME";
	return ctrld_mirror_view(d, msg, len) < 0 ? "bad VIEW" : NULL;
}

static const char *on_dump_end(struct ctrld *d, const void *msg, size_t len)
{
	(void)msg;
	(void)len;
	if (d->link != LINK_DUMP)
		return "DUMP_END out of place";
	d->link = LINK_UP;
	d->n_link_ups++;
	d->link_since_ns = ctrld_now_ns();
	ctrld_log(d, CLOG_INFO,
		  "link up: ordod pid %u, %u clients known, %u groups",
		  d->ordod_pid, ctrld_clients_count(d), d->n_groups);
	return NULL;
}

static const char *on_reply(struct ctrld *d, const void *msg, size_t len)
{
	if (d->link != LINK_UP)
		return "REPLY before DUMP_END";
	ctrld_query_relay(d, msg, len);
	return NULL;
}

static const char *on_stats(struct ctrld *d, const void *msg, size_t len)
{
	if (d->link != LINK_UP)
		return "STATS before DUMP_END";
	if (!ctrld_metrics_stats(d, msg, len))
		ctrld_query_relay(d, msg, len);
	return NULL;
}

static link_handler *const handlers[ORDO_CP_TYPE_MAX] = {
	[ORDO_CP_LINK_WELCOME] = on_welcome,
	[ORDO_CP_ATTACHED] = on_attached,
	[ORDO_CP_DETACHED] = on_detached,
	[ORDO_CP_CLIENT] = on_client,
	[ORDO_CP_RING] = on_ring,
	[ORDO_CP_VIEW] = on_view,
	[ORDO_CP_DUMP_END] = on_dump_end,
	[ORDO_CP_REPLY] = on_reply,
	[ORDO_CP_STATS] = on_stats,
};

void ctrld_link_input(struct ctrld *d)
{
	const struct ordo_cp_hdr *h = (const void *)d->buf;
	enum cpmsg_err err;
	unsigned n_fds;
	int fds[1];
	long n;

	while (d->link_fd >= 0) {
		const char *why;

		n = cpmsg_recv(d->link_fd, d->buf, sizeof(d->buf), fds, 0,
			       &n_fds, MSG_DONTWAIT, &err);
		if (n == -EAGAIN)
			return;
		if (n == 0) {
			ctrld_link_down(d, d->link == LINK_HELLO && !d->link_refused ?
					"closed before LINK_WELCOME" :
					"the dataplane closed the link");
			return;
		}
		if (n < 0) {
			ctrld_link_down(d, strerror((int)-n));
			return;
		}
		if (err != CPMSG_OK) {
			d->n_proto_errors++;
			ctrld_link_down(d, cpmsg_err_name(err));
			return;
		}
		why = h->type < ORDO_CP_TYPE_MAX && handlers[h->type] ?
		      handlers[h->type](d, d->buf, (size_t)n) :
		      "unexpected message type";
		if (why) {
			if (strcmp(why, "another configuration") != 0)
				d->n_proto_errors++;
			ctrld_link_down(d, why);
			return;
		}
	}
}
