/* SPDX-License-Identifier: BSD-3-Clause
 *
 * QUERY on the client socket (ordoctl): STATUS, RING, GROUPS, CLIENTS and
 * CONFIG from our own state and mirror; COUNTERS forwarded to the
 * dataplane, whose REPLYs are relayed back with the asker's seq (or
 * -ETIMEDOUT after CTRLD_QUERY_MS, loop.c). STATS_REQ (ordoctl top) is
 * forwarded the same way and its STATS relayed. Every answer is human text,
 * or JSON with ORDO_CP_Q_JSON, cut into REPLY datagrams of at most
 * ORDO_CP_MSG_MAX bytes.
 */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctrl/ctrld.h"
#include "ctrl/sbuf.h"

int ctrld_reply(int fd, uint32_t seq, int32_t status, const char *text,
		size_t len)
{
	static uint8_t msg[ORDO_CP_MSG_MAX];
	struct ordo_cp_reply *r = (void *)msg;
	const size_t room = sizeof(msg) - sizeof(*r);
	size_t off = 0;

	do {
		size_t n = len - off < room ? len - off : room;
		int rc;

		cpmsg_hdr(&r->hdr, ORDO_CP_REPLY, (uint32_t)(sizeof(*r) + n), seq);
		r->status = status;
		r->more = off + n < len;
		memcpy(r + 1, text + off, n);
		/* Blocking for a moment is better than a cut answer; ordoctl
		 * reads as fast as we write. */
		rc = cpmsg_send(fd, msg, sizeof(*r) + n, NULL, 0, 0);
		if (rc < 0)
			return rc;
		off += n;
	} while (off < len);
	return 0;
}

static void ip_str(uint32_t id, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", id >> 24, (id >> 16) & 255,
		 (id >> 8) & 255, id & 255);
}

static double secs_since(uint64_t ns)
{
	return (double)(ctrld_now_ns() - ns) / 1e9;
}

static void q_status(struct ctrld *d, struct sbuf *b, bool json)
{
	uint32_t n = ctrld_clients_count(d);

	if (json) {
		sbuf_printf(b, "{\"daemon\":");
		sbuf_json_str(b, d->daemon);
		sbuf_printf(b, ",\"node_id\":%u,\"conf_hash\":\"%08x\",\"config\":",
			    d->node_id, d->conf_hash);
		sbuf_json_str(b, d->conf_path);
		sbuf_printf(b, ",\"socket\":");
		sbuf_json_str(b, d->sock_path);
		sbuf_printf(b, ",\"link\":\"%s\",\"ordod_pid\":%u,"
			    "\"uptime_s\":%.3f,\"ring\":",
			    ctrld_link_state_name(d->link),
			    d->link == LINK_UP ? d->ordod_pid : 0,
			    secs_since(d->started_ns));
		if (d->ring.known)
			sbuf_printf(b, "{\"rep\":%u,\"seq\":%u,\"members\":%u}",
				    d->ring.ring_rep, d->ring.ring_seq,
				    d->ring.n_members);
		else
			sbuf_printf(b, "null");
		sbuf_printf(b, ",\"clients\":%u,\"max_clients\":%u,\"groups\":%u,"
			    "\"accepted\":%llu,\"refused\":%llu,"
			    "\"protocol_errors\":%llu,\"link_ups\":%llu}\n",
			    n, d->conf.max_clients, d->n_groups,
			    (unsigned long long)d->n_accepted,
			    (unsigned long long)d->n_refused,
			    (unsigned long long)d->n_proto_errors,
			    (unsigned long long)d->n_link_ups);
		return;
	}
	sbuf_printf(b, "daemon      %s (node %08x)\nconfig      %s (hash %08x)\n"
		    "socket      %s\n", d->daemon, d->node_id, d->conf_path,
		    d->conf_hash, d->sock_path);
	if (d->link == LINK_UP)
		sbuf_printf(b, "dataplane   up (ordod pid %u, %.0f s)\n",
			    d->ordod_pid, secs_since(d->link_since_ns));
	else
		sbuf_printf(b, "dataplane   %s%s\n", ctrld_link_state_name(d->link),
			    d->link_refused ? " (it runs another configuration)" : "");
	if (d->ring.known)
		sbuf_printf(b, "ring        %08x.%u, %u of %u daemons\n",
			    d->ring.ring_rep, d->ring.ring_seq, d->ring.n_members,
			    d->conf.n_daemons);
	else
		sbuf_printf(b, "ring        unknown\n");
	sbuf_printf(b, "clients     %u (max %u)\ngroups      %u\n"
		    "admitted    %llu, refused %llu, protocol errors %llu\n",
		    n, d->conf.max_clients, d->n_groups,
		    (unsigned long long)d->n_accepted,
		    (unsigned long long)d->n_refused,
		    (unsigned long long)d->n_proto_errors);
}

static bool in_ring(const struct ctrld *d, uint32_t id)
{
	uint32_t i;

	for (i = 0; d->ring.known && i < d->ring.n_members; i++)
		if (d->ring.members[i] == id)
			return true;
	return false;
}

static void q_ring(struct ctrld *d, struct sbuf *b, bool json)
{
	uint32_t i;
	char ip[16];

	if (json) {
		sbuf_printf(b, "{\"ring\":");
		if (d->ring.known)
			sbuf_printf(b, "{\"rep\":%u,\"seq\":%u}", d->ring.ring_rep,
				    d->ring.ring_seq);
		else
			sbuf_printf(b, "null");
		sbuf_printf(b, ",\"daemons\":[");
		for (i = 0; i < d->conf.n_daemons; i++) {
			const struct ordo_conf_daemon *c = &d->conf.daemons[i];

			ip_str(c->id, ip);
			sbuf_printf(b, "%s{\"name\":", i ? "," : "");
			sbuf_json_str(b, c->name);
			sbuf_printf(b, ",\"id\":%u,\"address\":\"%s\",\"in_ring\":%s,"
				    "\"self\":%s}", c->id, ip,
				    in_ring(d, c->id) ? "true" : "false",
				    (int)i == d->self ? "true" : "false");
		}
		sbuf_printf(b, "]}\n");
		return;
	}
	if (d->ring.known)
		sbuf_printf(b, "ring %08x.%u\n", d->ring.ring_rep, d->ring.ring_seq);
	else
		sbuf_printf(b, "ring unknown (dataplane %s)\n",
			    ctrld_link_state_name(d->link));
	for (i = 0; i < d->conf.n_daemons; i++) {
		const struct ordo_conf_daemon *c = &d->conf.daemons[i];

		ip_str(c->id, ip);
		sbuf_printf(b, "  %-19s %-15s %s%s\n", c->name, ip,
			    in_ring(d, c->id) ? "in ring" : "absent",
			    (int)i == d->self ? " (this daemon)" : "");
	}
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct ctrld_group *)a)->name,
		      ((const struct ctrld_group *)b)->name);
}

static void q_groups(struct ctrld *d, struct sbuf *b, bool json)
{
	uint32_t i, j;

	/* Sorted, so that the answer does not depend on arrival order. */
	qsort(d->groups, d->n_groups, sizeof(*d->groups), cmp_group);
	if (json)
		sbuf_printf(b, "{\"groups\":[");
	for (i = 0; i < d->n_groups; i++) {
		const struct ctrld_group *g = &d->groups[i];

		if (json) {
			sbuf_printf(b, "%s{\"name\":", i ? "," : "");
			sbuf_json_str(b, g->name);
			sbuf_printf(b, ",\"view\":\"%08x.%u.%u\",\"truncated\":%s,"
				    "\"members\":[", g->gid[0], g->gid[1],
				    g->gid[2], g->truncated ? "true" : "false");
			for (j = 0; j < g->n_members; j++) {
				sbuf_printf(b, "%s", j ? "," : "");
				sbuf_json_str(b, g->members[j]);
			}
			sbuf_printf(b, "]}");
			continue;
		}
		sbuf_printf(b, "%s  (%u members%s)\n", g->name, g->n_members,
			    g->truncated ? ", list truncated" : "");
		for (j = 0; j < g->n_members; j++)
			sbuf_printf(b, "  %s\n", g->members[j]);
	}
	if (json)
		sbuf_printf(b, "]}\n");
	else if (d->n_groups == 0)
		sbuf_printf(b, "no groups\n");
}

static const char *state_name(const struct ctrld_client *c)
{
	switch (c->state) {
	case CL_ATTACHING: return "attaching";
	case CL_ATTACHED:  return "attached";
	case CL_DETACHING: return "detaching";
	case CL_FREE:      break;
	}
	return "?";
}

static void q_clients(struct ctrld *d, struct sbuf *b, bool json)
{
	uint32_t i, n = 0;

	if (json)
		sbuf_printf(b, "{\"clients\":[");
	else
		sbuf_printf(b, "%-6s %-10s %-24s %6s %6s %8s %-9s %s\n", "ID",
			    "NAME", "PRIVATE GROUP", "UID", "GID", "PID", "STATE",
			    "ORIGIN");
	for (i = 0; i < CTRLD_CLIENTS_MAX; i++) {
		const struct ctrld_client *c = &d->clients[i];
		char group[ORDO_CP_NAME_LEN + 8];

		if (c->state == CL_FREE)
			continue;
		snprintf(group, sizeof(group), "#%s#%s", c->name, d->daemon);
		if (json) {
			sbuf_printf(b, "%s{\"id\":%u,\"name\":", n ? "," : "",
				    c->id);
			sbuf_json_str(b, c->name);
			sbuf_printf(b, ",\"private_group\":");
			sbuf_json_str(b, group);
			sbuf_printf(b, ",\"uid\":%u,\"gid\":%u,\"pid\":%u,"
				    "\"state\":\"%s\",\"origin\":\"%s\","
				    "\"membership\":%s",
				    c->uid, c->gid, c->pid, state_name(c),
				    c->dumped ? "dump" : "here",
				    c->flags & ORDO_CP_F_MEMBERSHIP ? "true" : "false");
			if (c->have_region)
				sbuf_printf(b, ",\"submit_bytes\":%u,"
					    "\"deliver_bytes\":%u",
					    c->map.submit_size, c->map.deliver_size);
			if (c->dumped)
				sbuf_printf(b, ",\"groups\":%u,\"submitted\":%llu,"
					    "\"delivered\":%llu,\"overflow\":%llu",
					    c->n_groups,
					    (unsigned long long)c->submitted,
					    (unsigned long long)c->delivered,
					    (unsigned long long)c->overflow);
			sbuf_printf(b, "}");
		} else {
			sbuf_printf(b, "%-6u %-10s %-24s %6u %6u %8u %-9s %s\n",
				    c->id, c->name, group, c->uid, c->gid, c->pid,
				    state_name(c),
				    c->dumped ? "dump" : "here");
		}
		n++;
	}
	if (json)
		sbuf_printf(b, "]}\n");
	else
		sbuf_printf(b, "%u client%s\n", n, n == 1 ? "" : "s");
}

static void q_config(struct ctrld *d, struct sbuf *b, bool json)
{
	size_t need = ordo_conf_format(&d->conf, NULL, 0);
	char *text = malloc(need + 1);

	if (!text) {
		b->failed = true;
		return;
	}
	ordo_conf_format(&d->conf, text, need + 1);
	if (json) {
		sbuf_printf(b, "{\"file\":");
		sbuf_json_str(b, d->conf_path);
		sbuf_printf(b, ",\"hash\":\"%08x\",\"daemon\":", d->conf_hash);
		sbuf_json_str(b, d->daemon);
		sbuf_printf(b, ",\"daemons\":%u,\"text\":", d->conf.n_daemons);
		sbuf_json_str(b, text);
		sbuf_printf(b, "}\n");
	} else {
		sbuf_printf(b, "# %s, hash %08x, as daemon %s reads it\n%s",
			    d->conf_path, d->conf_hash, d->daemon, text);
	}
	free(text);
}

/* Hand a QUERY or a KEY (len bytes, a header first) to ordod under a link
 * seq of ours; its REPLYs come back through ctrld_query_relay. */
static void forward_msg(struct ctrld *d, uint32_t ci, const void *msg,
			size_t len)
{
	struct ctrld_conn *k = &d->conns[ci];
	struct ordo_cp_hdr h;
	uint8_t f[sizeof(struct ordo_cp_key)];

	memcpy(&h, msg, sizeof(h));
	if (d->link != LINK_UP) {
		ctrld_reply(k->fd, h.seq, -ENOTCONN,
			    "dataplane not running\n", 22);
		return;
	}
	if (k->fwd) {
		ctrld_reply(k->fd, h.seq, -EBUSY,
			    "one query at a time\n", 20);
		return;
	}
	if (len > sizeof(f))
		return; /* cannot happen: our two message types */
	memcpy(f, msg, len);
	k->fwd = true;
	k->fwd_type = h.type; /* answered by REPLY either way */
	k->fwd_client_seq = h.seq;
	h.seq = ctrld_link_next_seq(d);
	memcpy(f, &h, sizeof(h));
	k->fwd_seq = h.seq;
	k->fwd_deadline_ns = ctrld_now_ns() + CTRLD_QUERY_MS * 1000000ull;
	ctrld_link_send(d, f, len, NULL, 0);
}

static void forward(struct ctrld *d, uint32_t ci,
		    const struct ordo_cp_query_msg *q)
{
	forward_msg(d, ci, q, sizeof(*q));
}

/* KEY: the ring's keys are the administrator's. Only root and the user
 * the daemons run as may list or change them, whatever Access says (it
 * is about groups); the socket's mode is a second fence, not the only
 * one. ordod does the operation and answers. */
void ctrld_key(struct ctrld *d, uint32_t ci, const struct ordo_cp_key *m)
{
	struct ctrld_conn *k = &d->conns[ci];
	struct ucred cr;
	socklen_t crlen = sizeof(cr);

	if (getsockopt(k->fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) < 0 ||
	    (cr.uid != 0 && cr.uid != geteuid())) {
		static const char no[] = "key operations are for root and the "
					 "daemon's user only\n";

		ctrld_log(d, CLOG_WARN, "KEY refused: uid %u pid %u",
			  crlen == sizeof(cr) ? cr.uid : 0,
			  crlen == sizeof(cr) ? (unsigned)cr.pid : 0);
		ctrld_reply(k->fd, m->hdr.seq, -EPERM, no, sizeof(no) - 1);
		return;
	}
	if (m->op == 0 || m->op >= ORDO_CP_KEY_OP_MAX ||
	    (m->flags & ~ORDO_CP_Q_JSON) || m->reserved != 0) {
		ctrld_reply(k->fd, m->hdr.seq, -EINVAL, "bad key request\n", 16);
		return;
	}
	ctrld_log(d, CLOG_INFO, "KEY op %u key %08x%s%s by uid %u pid %u",
		  m->op, m->key_id, m->path[0] ? " file " : "", m->path,
		  cr.uid, (unsigned)cr.pid);
	forward_msg(d, ci, m, sizeof(*m));
}

void ctrld_query(struct ctrld *d, uint32_t ci, const struct ordo_cp_query_msg *q)
{
	bool json = q->flags & ORDO_CP_Q_JSON;
	struct sbuf b = { 0 };

	if (q->flags & ~ORDO_CP_Q_JSON) {
		ctrld_reply(d->conns[ci].fd, q->hdr.seq, -EINVAL,
			    "unknown query flags\n", 20);
		return;
	}
	switch (q->what) {
	case ORDO_CP_Q_STATUS:   q_status(d, &b, json); break;
	case ORDO_CP_Q_RING:     q_ring(d, &b, json); break;
	case ORDO_CP_Q_GROUPS:   q_groups(d, &b, json); break;
	case ORDO_CP_Q_CLIENTS:  q_clients(d, &b, json); break;
	case ORDO_CP_Q_CONFIG:   q_config(d, &b, json); break;
	case ORDO_CP_Q_COUNTERS: forward(d, ci, q); return;
	default:
		ctrld_reply(d->conns[ci].fd, q->hdr.seq, -EINVAL,
			    "unknown query\n", 14);
		return;
	}
	if (b.failed)
		ctrld_reply(d->conns[ci].fd, q->hdr.seq, -ENOMEM, "", 0);
	else
		ctrld_reply(d->conns[ci].fd, q->hdr.seq, 0, b.s ? b.s : "", b.len);
	sbuf_free(&b);
}

void ctrld_fwd_fail(struct ctrld_conn *k, int32_t status, const char *text)
{
	struct ordo_cp_stats s;

	if (k->fwd_type != ORDO_CP_STATS_REQ) {
		ctrld_reply(k->fd, k->fwd_client_seq, status, text, strlen(text));
		return;
	}
	memset(&s, 0, sizeof(s));
	cpmsg_hdr(&s.hdr, ORDO_CP_STATS, sizeof(s), k->fwd_client_seq);
	s.status = status;
	s.version = ORDO_STATS_VERSION;
	cpmsg_send(k->fd, &s, sizeof(s), NULL, 0, 0);
}

void ctrld_stats_forward(struct ctrld *d, uint32_t ci,
			 const struct ordo_cp_stats_req *q)
{
	struct ctrld_conn *k = &d->conns[ci];
	struct ordo_cp_stats_req f = *q;

	k->fwd_type = ORDO_CP_STATS_REQ;
	k->fwd_client_seq = q->hdr.seq;
	if (d->link != LINK_UP || k->fwd) {
		ctrld_fwd_fail(k, d->link != LINK_UP ? -ENOTCONN : -EBUSY, "");
		return;
	}
	f.hdr.seq = ctrld_link_next_seq(d);
	k->fwd = true;
	k->fwd_seq = f.hdr.seq;
	k->fwd_deadline_ns = ctrld_now_ns() + CTRLD_QUERY_MS * 1000000ull;
	ctrld_link_send(d, &f, sizeof(f), NULL, 0);
}

void ctrld_query_relay(struct ctrld *d, const struct ordo_cp_hdr *r,
		       size_t len)
{
	uint32_t i;

	for (i = 0; i < d->n_conns_max; i++) {
		struct ctrld_conn *k = &d->conns[i];
		struct ordo_cp_hdr *out;
		bool more = false;

		if (k->fd < 0 || !k->fwd || k->fwd_seq != r->seq)
			continue;
		/* Relay as it came, with the asker's seq (r is d->buf when
		 * it comes from ctrld_link_input). A STATS is one page per
		 * request; a REPLY may come in several. */
		if ((k->fwd_type == ORDO_CP_STATS_REQ) !=
		    (r->type == ORDO_CP_STATS)) {
			ctrld_log(d, CLOG_WARN, "the dataplane answered request "
				  "%u with message type %u", r->seq, r->type);
			return;
		}
		out = (void *)d->buf;
		if ((const void *)r != (const void *)d->buf)
			memmove(d->buf, r, len);
		if (out->type == ORDO_CP_REPLY) {
			struct ordo_cp_reply *rp = (void *)out;

			more = rp->more != 0;
			rp->more = more;
		}
		out->seq = k->fwd_client_seq;
		k->fwd = more;
		if (cpmsg_send(k->fd, d->buf, len, NULL, 0, 0) < 0)
			k->fwd = false;
		return;
	}
	ctrld_log(d, CLOG_DEBUG, "answer %u from the dataplane: nobody asked",
		  r->seq);
}
