/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Connections on the client socket and the clients they become.
 *
 *   accept -> (QUERY ...)* | HELLO -> admission checks -> ATTACH to ordod
 *          -> ATTACHED 0 -> WELCOME + fds -> session -> BYE or hang-up
 *          -> DETACH to ordod -> DETACHED -> forgotten (socket closed)
 *
 * Admission, in this order, each with its own refusal: the dataplane is
 * there (NOT_READY), the credentials appear in the Access policy (AUTH),
 * the private name is legal (ILLEGAL_NAME) and not in use (NOT_UNIQUE),
 * there is room (QUOTA). Per-group rights are the dataplane's to check,
 * against the same file. Every path out of a session goes through
 * client_free(), so no descriptor or mapping outlives its client.
 */
#define _GNU_SOURCE /* accept4, struct ucred */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/spread/sp_names.h"
#include "ctrl/ctrld.h"

static const char *disc_name(uint32_t r)
{
	return r < ORDO_CR_DISC_MAX ?
	       ordo_cr_disconnect_name((enum ordo_cr_disconnect)r) : "unknown";
}

uint32_t ctrld_clients_count(const struct ctrld *d)
{
	uint32_t i, n = 0;

	for (i = 0; i < CTRLD_CLIENTS_MAX; i++)
		n += d->clients[i].state != CL_FREE;
	return n;
}

int ctrld_client_by_id(struct ctrld *d, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < CTRLD_CLIENTS_MAX; i++)
		if (d->clients[i].state != CL_FREE && d->clients[i].id == id)
			return (int)i;
	return -1;
}

static int client_by_name(struct ctrld *d, const char *name)
{
	uint32_t i;

	for (i = 0; i < CTRLD_CLIENTS_MAX; i++)
		if (d->clients[i].state != CL_FREE &&
		    strcmp(d->clients[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int client_alloc(struct ctrld *d)
{
	uint32_t i;

	for (i = 0; i < CTRLD_CLIENTS_MAX; i++)
		if (d->clients[i].state == CL_FREE) {
			struct ctrld_client *c = &d->clients[i];

			memset(c, 0, sizeof(*c));
			c->conn = -1;
			c->efd_client = c->efd_daemon = -1;
			c->map.fd = -1;
			return (int)i;
		}
	return -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The one way out for a client: region, eventfds, connection. */
static void client_free(struct ctrld *d, int idx)
{
	struct ctrld_client *c = &d->clients[idx];

	if (c->have_region)
		ordo_cr_region_unmap(&c->map);
	c->have_region = false;
	close_fd(&c->efd_client);
	close_fd(&c->efd_daemon);
	if (c->conn >= 0) {
		d->conns[c->conn].client = -1;
		ctrld_conn_close(d, (uint32_t)c->conn);
	}
	c->conn = -1;
	c->state = CL_FREE;
}

void ctrld_conn_close(struct ctrld *d, uint32_t ci)
{
	struct ctrld_conn *k = &d->conns[ci];

	close_fd(&k->fd);
	k->client = -1;
	k->fwd = false;
	k->polled = false;
}

void ctrld_accept(struct ctrld *d)
{
	for (;;) {
		uint32_t i;
		int fd = accept4(d->listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				ctrld_log(d, CLOG_WARN, "accept: %s", strerror(errno));
			return;
		}
		for (i = 0; i < d->n_conns_max; i++)
			if (d->conns[i].fd < 0)
				break;
		if (i == d->n_conns_max) {
			/* No slot even for a refusal: the peer sees a close. */
			ctrld_log(d, CLOG_WARN, "too many connections, closing one");
			close(fd);
			continue;
		}
		d->conns[i] = (struct ctrld_conn){ .fd = fd, .client = -1,
			.polled = true, .opened_ns = ctrld_now_ns() };
	}
}

static void send_welcome(struct ctrld *d, int fd, uint32_t seq, int32_t status,
			 const struct ctrld_client *c, const char *reason,
			 const int *fds, unsigned n_fds, int *rc)
{
	struct ordo_cp_welcome w;

	memset(&w, 0, sizeof(w));
	cpmsg_hdr(&w.hdr, ORDO_CP_WELCOME, sizeof(w), seq);
	w.status = status;
	snprintf(w.daemon, sizeof(w.daemon), "%s", d->daemon);
	w.node_id = d->node_id;
	w.conf_hash = d->conf_hash;
	if (c) {
		w.client_id = c->id;
		snprintf(w.private_group, sizeof(w.private_group), "#%s#%s",
			 c->name, d->daemon);
	}
	if (reason)
		snprintf(w.reason, sizeof(w.reason), "%s", reason);
	*rc = cpmsg_send(fd, &w, sizeof(w), fds, n_fds, MSG_DONTWAIT);
}

/* Refuse a HELLO: WELCOME with the status, then close (Spread closes a
 * refused connection too). */
static void refuse(struct ctrld *d, uint32_t ci, uint32_t seq, int32_t status,
		   const struct ucred *cr, const char *name, const char *reason)
{
	int rc;

	send_welcome(d, d->conns[ci].fd, seq, status, NULL, reason, NULL, 0, &rc);
	d->n_refused++;
	ctrld_log(d, CLOG_INFO,
		  "client refused: uid %u pid %u name '%s': %s (status %d)",
		  cr ? cr->uid : 0, cr ? (unsigned)cr->pid : 0, name, reason,
		  status);
	ctrld_conn_close(d, ci);
}

/* The Access policy at connect time: with Access blocks, a client must be
 * named by one of them (its uid, its gid, or '*'), whatever the group. */
static bool access_mentions(const struct ordo_conf *c, uint32_t uid,
			    uint32_t gid)
{
	uint32_t i, j;

	if (c->n_access == 0)
		return true;
	for (i = 0; i < c->n_access; i++) {
		const struct ordo_conf_access *a = &c->access[i];

		if (a->any_uid || a->any_gid)
			return true;
		for (j = 0; j < a->n_uids; j++)
			if (a->uids[j] == uid)
				return true;
		for (j = 0; j < a->n_gids; j++)
			if (a->gids[j] == gid)
				return true;
	}
	return false;
}

/* Ring sizes: the client's wish when it is a legal ring size (rounded up
 * to a power of two), the configured default otherwise. */
_Static_assert(ORDO_CONF_CRING_MIN == ORDO_CR_CLIENT_RING_MIN,
	       "the configuration's smallest client ring is the rings' own");
_Static_assert(ORDO_CONF_MSG_SIZE_MAX <= ORDO_CR_MAX_MSG,
	       "every MaxMessageSize fits a region's max_msg");

static uint32_t ring_size(uint32_t want, uint32_t dflt)
{
	/* No smaller than a client's rings may be (client_ring.h). */
	uint32_t s = ORDO_CR_CLIENT_RING_MIN;

	if (want == 0 || want > ORDO_CR_RING_MAX)
		return dflt;
	while (s < want)
		s <<= 1;
	return s;
}

static void gen_name(struct ctrld *d, char out[16])
{
	do
		snprintf(out, 16, "u%u", ++d->next_gen_name % 1000000000u);
	while (client_by_name(d, out) >= 0);
}

static void on_hello(struct ctrld *d, uint32_t ci,
		     const struct ordo_cp_hello *h)
{
	struct ctrld_conn *k = &d->conns[ci];
	struct ordo_cr_params par;
	struct ctrld_client *c;
	struct ordo_cp_attach at;
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	char name[16];
	int idx, rc, fds[4];

	/* cpmsg_check() saw to the NUL (ctrld_conn_input refuses). */
	memcpy(name, h->private_name, sizeof(name));
	if (getsockopt(k->fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) < 0)
		{
			refuse(d, ci, h->hdr.seq, ORDO_CP_REJECT_AUTH, NULL,
				      name, "no peer credentials");
			return;
		}
	if (d->link != LINK_UP)
		{
			refuse(d, ci, h->hdr.seq, ORDO_CP_REJECT_NOT_READY, &cr,
				      name, "dataplane not running");
			return;
		}
	if (!access_mentions(&d->conf, cr.uid, cr.gid))
		{
			refuse(d, ci, h->hdr.seq, ORDO_CP_REJECT_AUTH, &cr, name,
				      "no Access rule names this uid or gid");
			return;
		}
	if (name[0] == '\0')
		gen_name(d, name);
	else if (sp_name_check_private(name) != 0)
		{
			refuse(d, ci, h->hdr.seq, ORDO_CP_REJECT_ILLEGAL_NAME,
				      &cr, name,
				      "private name: 1..10 characters '$'..'~', no '#'");
			return;
		}
	if (client_by_name(d, name) >= 0)
		{
			refuse(d, ci, h->hdr.seq, ORDO_CP_REJECT_NOT_UNIQUE, &cr,
				      name, "private name in use");
			return;
		}
	if (ctrld_clients_count(d) >= d->conf.max_clients ||
	    (idx = client_alloc(d)) < 0)
		{
			refuse(d, ci, h->hdr.seq, ORDO_CP_REJECT_QUOTA, &cr, name,
				      "MaxClients reached");
			return;
		}

	c = &d->clients[idx];
	c->id = d->next_client_id++;
	if (d->next_client_id == 0)
		d->next_client_id = 1;
	c->uid = cr.uid;
	c->gid = cr.gid;
	c->pid = (uint32_t)cr.pid;
	c->flags = h->flags & ORDO_CP_F_MEMBERSHIP;
	memcpy(c->name, name, sizeof(c->name));
	c->hello_seq = h->hdr.seq;
	c->since_ns = ctrld_now_ns();

	par = (struct ordo_cr_params){
		.submit_size = ring_size(h->submit_bytes,
					 d->conf.client_submit_bytes),
		.deliver_size = ring_size(h->deliver_bytes,
					  d->conf.client_deliver_bytes),
		.client_id = c->id,
		/* The ring's MaxMessageSize: what the client may send,
		 * its payload and group header together (client_ring.h). */
		.max_msg = d->conf.max_msg_size,
	};
	rc = ordo_cr_region_create(&c->map, &par);
	if (rc < 0)
		goto out_of_resources;
	c->have_region = true;
	c->efd_client = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	c->efd_daemon = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->efd_client < 0 || c->efd_daemon < 0) {
		rc = -errno;
		goto out_of_resources;
	}

	memset(&at, 0, sizeof(at));
	cpmsg_hdr(&at.hdr, ORDO_CP_ATTACH, sizeof(at), ctrld_link_next_seq(d));
	at.client_id = c->id;
	at.uid = c->uid;
	at.gid = c->gid;
	at.pid = c->pid;
	at.flags = c->flags;
	memcpy(at.private_name, c->name, sizeof(at.private_name));
	fds[0] = c->map.fd;
	fds[1] = c->efd_client;
	fds[2] = c->efd_daemon;
	fds[3] = k->fd;
	c->state = CL_ATTACHING;
	c->conn = (int)ci;
	k->client = idx;
	if (ctrld_link_send(d, &at, sizeof(at), fds, 4) < 0) {
		/* The link is gone (and ctrld_link_down refused this client
		 * already, with the others). */
		return;
	}
	ctrld_log(d, CLOG_DEBUG, "client %u '%s' uid %u pid %u: attaching",
		  c->id, c->name, c->uid, c->pid);
	return;

out_of_resources:
	client_free(d, idx);
	{
		char why[64];

		snprintf(why, sizeof(why), "out of resources: %s", strerror(-rc));
		refuse(d, ci, h->hdr.seq, ORDO_CP_REJECT_QUOTA, &cr, name, why);
	}
}

/* The client leaves (BYE: polite, its socket stays until DETACHED; or
 * hang-up / protocol error: the socket is closed at once). */
static void client_leaves(struct ctrld *d, int idx, bool keep_socket)
{
	struct ctrld_client *c = &d->clients[idx];
	struct ordo_cp_detach m;

	if (c->state == CL_DETACHING) {
		if (!keep_socket && c->conn >= 0) {
			d->conns[c->conn].client = -1;
			ctrld_conn_close(d, (uint32_t)c->conn);
			c->conn = -1;
		}
		return;
	}
	if (d->link == LINK_DOWN) {
		client_free(d, idx);
		return;
	}
	c->state = CL_DETACHING;
	if (c->conn >= 0) {
		if (keep_socket) {
			d->conns[c->conn].polled = false;
		} else {
			d->conns[c->conn].client = -1;
			ctrld_conn_close(d, (uint32_t)c->conn);
			c->conn = -1;
		}
	}
	memset(&m, 0, sizeof(m));
	cpmsg_hdr(&m.hdr, ORDO_CP_DETACH, sizeof(m), ctrld_link_next_seq(d));
	m.client_id = c->id;
	m.reason = ORDO_CR_DISC_CLIENT_CLOSED;
	ctrld_link_send(d, &m, sizeof(m), NULL, 0);
}

void ctrld_conn_hangup(struct ctrld *d, uint32_t ci)
{
	int idx = d->conns[ci].client;

	if (idx >= 0)
		client_leaves(d, idx, false);
	if (d->conns[ci].fd >= 0)
		ctrld_conn_close(d, ci);
}

static void proto_error(struct ctrld *d, uint32_t ci, const char *why)
{
	int idx = d->conns[ci].client;

	d->n_proto_errors++;
	ctrld_log(d, CLOG_WARN, "connection %u%s%s: protocol error (%s), closed",
		  ci, idx >= 0 ? " client " : "",
		  idx >= 0 ? d->clients[idx].name : "", why);
	ctrld_conn_hangup(d, ci);
}

void ctrld_conn_input(struct ctrld *d, uint32_t ci)
{
	struct ctrld_conn *k = &d->conns[ci];
	const struct ordo_cp_hdr *h = (const void *)d->buf;
	enum cpmsg_err err;
	unsigned n_fds;
	int fds[1];
	long n;

	while (k->fd >= 0 && k->polled) {
		n = cpmsg_recv(k->fd, d->buf, sizeof(d->buf), fds, 0, &n_fds,
			       MSG_DONTWAIT, &err);
		if (n == -EAGAIN)
			return;
		if (n <= 0) {
			ctrld_conn_hangup(d, ci);
			return;
		}
		if (err == CPMSG_E_VERSION && h->type == ORDO_CP_HELLO &&
		    k->client < 0) {
			refuse(d, ci, h->seq, ORDO_CP_REJECT_VERSION, NULL, "?",
			       "protocol version not supported");
			return;
		}
		/* Spread answers a bad name with ILLEGAL_NAME, not a close. */
		if (err == CPMSG_E_NAME && h->type == ORDO_CP_HELLO &&
		    k->client < 0) {
			refuse(d, ci, h->seq, ORDO_CP_REJECT_ILLEGAL_NAME, NULL,
			       "?", "private name not terminated");
			return;
		}
		if (err != CPMSG_OK)
			{
				proto_error(d, ci, cpmsg_err_name(err));
				return;
			}
		switch (h->type) {
		case ORDO_CP_HELLO:
			if (k->client >= 0)
				{
					proto_error(d, ci, "second HELLO");
					return;
				}
			on_hello(d, ci, (const void *)d->buf);
			break;
		case ORDO_CP_BYE:
			if (k->client < 0) {
				ctrld_conn_close(d, ci);
				return;
			}
			client_leaves(d, k->client, true);
			return;
		case ORDO_CP_QUERY:
			if (k->client >= 0)
				{
					proto_error(d, ci, "QUERY in a session");
					return;
				}
			ctrld_query(d, ci, (const void *)d->buf);
			break;
		case ORDO_CP_KEY:
			if (k->client >= 0) {
				proto_error(d, ci, "KEY in a session");
				return;
			}
			ctrld_key(d, ci, (const void *)d->buf);
			break;
		case ORDO_CP_STATS_REQ:
			if (k->client >= 0) {
				proto_error(d, ci, "STATS_REQ in a session");
				return;
			}
			ctrld_stats_forward(d, ci, (const void *)d->buf);
			break;
		default:
			{
				proto_error(d, ci, "unexpected type");
				return;
			}
		}
	}
}

/* Connections that never say HELLO or QUERY, and forwarded queries the
 * dataplane did not answer. */
void ctrld_conns_tick(struct ctrld *d, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < d->n_conns_max; i++) {
		struct ctrld_conn *k = &d->conns[i];

		if (k->fd < 0)
			continue;
		if (k->fwd && now >= k->fwd_deadline_ns) {
			k->fwd = false;
			ctrld_fwd_fail(k, -ETIMEDOUT, "dataplane did not answer\n");
		}
		if (k->client < 0 && !k->fwd &&
		    now - k->opened_ns > CTRLD_HELLO_MS * 1000000ull) {
			ctrld_log(d, CLOG_DEBUG, "connection %u idle, closed", i);
			ctrld_conn_close(d, i);
		}
	}
}

void ctrld_client_attached(struct ctrld *d, uint32_t id, int32_t status)
{
	int idx = ctrld_client_by_id(d, id), rc;
	struct ctrld_client *c;
	int fds[3];

	if (idx < 0 || d->clients[idx].state != CL_ATTACHING) {
		/* Late (it hung up and is DETACHING) or unknown. */
		ctrld_log(d, CLOG_DEBUG, "ATTACHED for client %u ignored", id);
		return;
	}
	c = &d->clients[idx];
	if (status != 0) {
		const char *why = status == ORDO_CP_REJECT_NOT_UNIQUE ?
				  "private name in use" :
				  status == ORDO_CP_REJECT_AUTH ?
				  "credentials refused by the dataplane" :
				  status == ORDO_CP_REJECT_QUOTA ?
				  "no room in the dataplane" :
				  "refused by the dataplane";

		if (status >= 0 || status < ORDO_CP_REJECT_AUTH)
			status = ORDO_CP_REJECT_NOT_READY;
		if (c->conn >= 0) {
			struct ucred cr = { .pid = (pid_t)c->pid, .uid = c->uid,
					    .gid = c->gid };
			int ci = c->conn;

			c->conn = -1;
			d->conns[ci].client = -1;
			client_free(d, idx);
			refuse(d, (uint32_t)ci, c->hello_seq, status, &cr,
			       c->name, why);
		} else {
			client_free(d, idx);
		}
		return;
	}
	fds[0] = c->map.fd;
	fds[1] = c->efd_client;
	fds[2] = c->efd_daemon;
	send_welcome(d, d->conns[c->conn].fd, c->hello_seq, ORDO_CP_ACCEPT, c,
		     NULL, fds, 3, &rc);
	/* The client and the dataplane hold them now. */
	close_fd(&c->efd_client);
	close_fd(&c->efd_daemon);
	c->state = CL_ATTACHED;
	if (rc < 0) {
		ctrld_log(d, CLOG_WARN, "client %u '%s': WELCOME not sent: %s",
			  c->id, c->name, strerror(-rc));
		client_leaves(d, idx, false);
		return;
	}
	d->n_accepted++;
	ctrld_log(d, CLOG_INFO,
		  "client attached: id %u name '%s' uid %u gid %u pid %u submit %u deliver %u",
		  c->id, c->name, c->uid, c->gid, c->pid, c->map.submit_size,
		  c->map.deliver_size);
}

void ctrld_client_detached(struct ctrld *d, uint32_t id, uint32_t reason,
			   uint32_t detail)
{
	int idx = ctrld_client_by_id(d, id);
	struct ctrld_client *c;

	if (idx < 0) {
		ctrld_log(d, CLOG_DEBUG, "DETACHED for unknown client %u", id);
		return;
	}
	c = &d->clients[idx];
	if (reason == ORDO_CR_DISC_RING_CORRUPT)
		ctrld_log(d, CLOG_INFO,
			  "client detached: id %u name '%s' uid %u pid %u reason %s (%s)",
			  c->id, c->name, c->uid, c->pid, disc_name(reason),
			  detail < ORDO_CR_ERR_MAX ?
			  ordo_cr_err_name((enum ordo_cr_err)detail) : "?");
	else
		ctrld_log(d, CLOG_INFO,
			  "client detached: id %u name '%s' uid %u pid %u reason %s",
			  c->id, c->name, c->uid, c->pid, disc_name(reason));
	client_free(d, idx);
}

void ctrld_client_dumped(struct ctrld *d, const struct ordo_cp_client *m)
{
	struct ctrld_client *c;
	int idx;

	/* The name's NUL: cpmsg_check() refused the link without it. */
	if (ctrld_client_by_id(d, m->client_id) >= 0)
		return;
	idx = client_alloc(d);
	if (idx < 0) {
		ctrld_log(d, CLOG_WARN, "dump: no room for client %u",
			  m->client_id);
		return;
	}
	c = &d->clients[idx];
	c->state = CL_ATTACHED;
	c->dumped = true;
	c->id = m->client_id;
	c->uid = m->uid;
	c->gid = m->gid;
	c->pid = m->pid;
	c->flags = m->flags;
	c->n_groups = m->n_groups;
	memcpy(c->name, m->private_name, sizeof(c->name));
	c->submitted = m->submitted;
	c->delivered = m->delivered;
	c->overflow = m->overflow;
	c->since_ns = ctrld_now_ns();
	/* Ids are unique per run: continue after the dataplane's. */
	if (m->client_id >= d->next_client_id)
		d->next_client_id = m->client_id + 1;
	ctrld_log(d, CLOG_INFO, "client known from dump: id %u name '%s' uid %u pid %u",
		  c->id, c->name, c->uid, c->pid);
}

/* The dataplane is gone: its clients with it. Ours learn why from their
 * region (DAEMON_EXIT) and from their socket closing, which needs our copy
 * closed too (the dataplane's closed when it died). */
void ctrld_clients_link_down(struct ctrld *d)
{
	uint32_t i;

	for (i = 0; i < CTRLD_CLIENTS_MAX; i++) {
		struct ctrld_client *c = &d->clients[i];

		if (c->state == CL_FREE)
			continue;
		if (c->have_region)
			ordo_cr_region_disconnect(&c->map, ORDO_CR_DISC_DAEMON_EXIT,
						  0);
		if (c->state == CL_ATTACHING && c->conn >= 0) {
			struct ucred cr = { .pid = (pid_t)c->pid, .uid = c->uid,
					    .gid = c->gid };
			int ci = c->conn;

			c->conn = -1;
			d->conns[ci].client = -1;
			client_free(d, (int)i);
			refuse(d, (uint32_t)ci, c->hello_seq,
			       ORDO_CP_REJECT_NOT_READY, &cr, c->name,
			       "dataplane not running");
			continue;
		}
		ctrld_log(d, CLOG_INFO,
			  "client detached: id %u name '%s' uid %u pid %u reason %s",
			  c->id, c->name, c->uid, c->pid,
			  disc_name(ORDO_CR_DISC_DAEMON_EXIT));
		client_free(d, (int)i);
	}
}
