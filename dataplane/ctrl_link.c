/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordod's end of the control link (ctrl_link.h). Main lcore only.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/cproto/cpmsg.h"
#include "dataplane/ctrl_link.h"

#define ATTACH_FDS 4 /* region, client eventfd, daemon eventfd, socket */

static void ctrl_drop(struct dp_link *l, const char *why)
{
	if (l->cfd < 0)
		return;
	if (why != NULL) {
		l->protocol_errors++;
		fprintf(stderr, "ordod: control link: %s; closing it\n", why);
	} else {
		printf("ordod: control plane disconnected (clients stay "
		       "attached)\n");
	}
	close(l->cfd);
	l->cfd = -1;
}

static void ctrl_send(struct dp_link *l, const void *m, size_t len)
{
	if (l->cfd < 0)
		return;
	if (send(l->cfd, m, len, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)len)
		ctrl_drop(l, errno == EAGAIN ? "control plane not reading"
					     : strerror(errno));
}

int dp_link_open(struct dp_link *l, struct dp_gateway *gw,
		 const struct dp_link_params *p, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int rc;

	memset(l, 0, sizeof(*l));
	l->gw = gw;
	l->p = *p;
	l->lfd = l->cfd = -1;
	l->buf = malloc(ORDO_CP_MSG_MAX);
	if (l->buf == NULL)
		return -ENOMEM;
	if ((size_t)snprintf(l->path, sizeof(l->path), "%s/%s", p->runtime_dir,
			     ORDO_CP_LINK_NAME) >= sizeof(l->path)) {
		snprintf(err, errlen, "runtime directory '%s' too long for a "
			 "socket path", p->runtime_dir);
		return -ENAMETOOLONG;
	}
	if (mkdir(p->runtime_dir, 0755) < 0 && errno != EEXIST) {
		rc = -errno;
		snprintf(err, errlen, "cannot create runtime directory '%s': %s",
			 p->runtime_dir, strerror(errno));
		return rc;
	}
	l->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
			0);
	if (l->lfd < 0)
		goto sys;
	memcpy(a.sun_path, l->path, strlen(l->path) + 1);
	/* One ordod per node holds the node lock (dataplane/lock.c), so a socket
	 * file here is a dead run's: replace it. */
	unlink(l->path);
	if (bind(l->lfd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    chmod(l->path, 0600) < 0 || listen(l->lfd, 4) < 0)
		goto sys;
	return 0;
sys:
	rc = -errno;
	snprintf(err, errlen, "control link socket '%s': %s", l->path,
		 strerror(errno));
	if (l->lfd >= 0)
		close(l->lfd);
	l->lfd = -1;
	return rc;
}

/* ---------------------------------------------------------- slots */

static void slot_reclaim(struct dp_client *c)
{
	if (c->map.base != NULL)
		ordo_cr_region_unmap(&c->map);
	else if (c->map.fd >= 0)
		close(c->map.fd);
	if (c->ovf_map.base != NULL)
		ordo_cr_region_unmap(&c->ovf_map);
	if (c->client_efd >= 0)
		close(c->client_efd);
	if (c->daemon_efd >= 0)
		close(c->daemon_efd);
	if (c->sock_fd >= 0)
		close(c->sock_fd);
	free(c->rbuf);
	free(c->msg);
	memset(c, 0, sizeof(*c));
	c->map.fd = c->ovf_map.fd = -1;
	c->client_efd = c->daemon_efd = c->sock_fd = -1;
	__atomic_store_n(&c->state, DP_SLOT_FREE, __ATOMIC_RELEASE);
}

static struct dp_client *slot_by_id(struct dp_link *l, uint32_t id)
{
	for (uint32_t i = 0; i < l->hiwater; i++) {
		struct dp_client *c = &l->gw->slots[i];

		if (c->state != DP_SLOT_FREE && c->client_id == id)
			return c;
	}
	return NULL;
}

static uint32_t pow2_at_least(uint64_t n)
{
	uint64_t p = ORDO_CR_RING_MIN;

	while (p < n && p < ORDO_CR_RING_MAX)
		p <<= 1;
	return (uint32_t)p;
}

/* Fill a free slot from an ATTACH and its fds; 0 or a WELCOME refusal. */
static int slot_fill(struct dp_client *c,
		     const struct ordo_cp_attach *a, const int fds[ATTACH_FDS])
{
	struct ordo_cr_params op = { .submit_size = ORDO_CR_RING_MIN };
	int rc;

	memset(c, 0, sizeof(*c));
	c->map.fd = c->ovf_map.fd = -1;
	c->client_efd = fds[1];
	c->daemon_efd = fds[2];
	c->sock_fd = fds[3];
	c->client_id = a->client_id;
	c->uid = a->uid;
	c->gid = a->gid;
	c->pid = a->pid;
	c->flags = a->flags;
	memcpy(c->name, a->private_name, sizeof(c->name));
	/* ordo-ctrld made this region and no client has it yet: its header
	 * is what ctrld wrote, so mapping it validates our own peer. */
	rc = ordo_cr_region_map(&c->map, fds[0]);
	if (rc < 0) {
		close(fds[0]);
		return ORDO_CP_REJECT_VERSION;
	}
	/* The overflow holds at least two full rings or two largest
	 * messages: the bound is MaxSessionMessages, not its size. */
	op.deliver_size = pow2_at_least(2ull * c->map.deliver_size >
						2ull * (c->map.max_msg + 8192) ?
					2ull * c->map.deliver_size :
					2ull * (c->map.max_msg + 8192));
	op.max_msg = c->map.max_msg;
	rc = ordo_cr_region_create(&c->ovf_map, &op);
	c->rbuf = malloc(c->map.max_rec);
	c->msg = malloc((size_t)ORDO_CR_MAX_NAMES * ORDO_CR_NAME_LEN +
			c->map.max_msg);
	if (rc < 0 || c->rbuf == NULL || c->msg == NULL)
		return ORDO_CP_REJECT_QUOTA;
	return 0;
}

static void send_attached(struct dp_link *l, uint32_t id, int32_t status,
			  uint32_t seq)
{
	struct ordo_cp_attached m;

	memset(&m, 0, sizeof(m));
	cpmsg_hdr(&m.hdr, ORDO_CP_ATTACHED, sizeof(m), seq);
	m.client_id = id;
	m.status = status;
	ctrl_send(l, &m, sizeof(m));
}

static void on_attach(struct dp_link *l, const struct ordo_cp_attach *a,
		      int *fds, int nfds)
{
	struct dp_client *c = NULL;
	int status;

	if (nfds != ATTACH_FDS) {
		ctrl_drop(l, "ATTACH without its four descriptors");
		return;
	}
	for (uint32_t i = 0; i < DP_GW_MAX_CLIENTS; i++)
		if (__atomic_load_n(&l->gw->slots[i].state,
				    __ATOMIC_ACQUIRE) == DP_SLOT_FREE) {
			c = &l->gw->slots[i];
			if (i >= l->hiwater)
				l->hiwater = i + 1;
			break;
		}
	if (memchr(a->private_name, 0, sizeof(a->private_name)) == NULL ||
	    slot_by_id(l, a->client_id) != NULL) {
		status = ORDO_CP_REJECT_ILLEGAL_NAME;
	} else if (c == NULL) {
		status = ORDO_CP_REJECT_QUOTA;
	} else {
		status = slot_fill(c, a, fds);
		for (int i = 0; i < ATTACH_FDS; i++)
			fds[i] = -1; /* the slot owns them now */
		if (status == 0) {
			__atomic_store_n(&c->state, DP_SLOT_ATTACHING,
					 __ATOMIC_RELEASE);
			if (dp_gw_post(l->gw, DP_GW_ATTACH,
				       (uint32_t)(c - l->gw->slots)) == 0)
				return; /* ATTACHED comes from the gateway */
			status = ORDO_CP_REJECT_QUOTA;
		}
		slot_reclaim(c);
	}
	for (int i = 0; i < ATTACH_FDS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	l->attach_refused++;
	send_attached(l, a->client_id, status, a->hdr.seq);
}

static void post_detach(struct dp_link *l, struct dp_client *c)
{
	if (c->detach_posted ||
	    __atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != DP_SLOT_ACTIVE)
		return;
	if (dp_gw_post(l->gw, DP_GW_DETACH, (uint32_t)(c - l->gw->slots)) == 0)
		c->detach_posted = true; /* else: again at the next poll */
}

/* ------------------------------------------------------------ dump */

static void send_clients(struct dp_link *l)
{
	for (uint32_t i = 0; i < l->hiwater; i++) {
		struct dp_client *c = &l->gw->slots[i];
		struct ordo_cp_client m;

		if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) !=
		    DP_SLOT_ACTIVE)
			continue;
		memset(&m, 0, sizeof(m));
		cpmsg_hdr(&m.hdr, ORDO_CP_CLIENT, sizeof(m), 0);
		m.client_id = c->client_id;
		m.uid = c->uid;
		m.gid = c->gid;
		m.pid = c->pid;
		m.flags = c->flags;
		m.n_groups = ordo_groups_client_groups(l->gw->groups, i);
		memcpy(m.private_name, c->name, sizeof(m.private_name));
		/* Counters written by the ring lcore: a torn read of a 64-bit
		 * aligned word cannot happen on our targets. */
		m.submitted = __atomic_load_n(&c->submitted, __ATOMIC_RELAXED);
		m.delivered = __atomic_load_n(&c->delivered, __ATOMIC_RELAXED);
		m.overflow = __atomic_load_n(&c->ovf_records, __ATOMIC_RELAXED);
		ctrl_send(l, &m, sizeof(m));
	}
}

/* ---------------------------------------------------- ctrl messages */

static void on_query(struct dp_link *l, const struct ordo_cp_query_msg *in)
{
	/* The answer is built where the question was read: copy it first. */
	const struct ordo_cp_query_msg q = *in;
	struct ordo_cp_reply *r = (struct ordo_cp_reply *)l->buf;
	size_t room = ORDO_CP_MSG_MAX - sizeof(*r), n = 0;

	memset(r, 0, sizeof(*r));
	if (q.what == ORDO_CP_Q_COUNTERS && l->p.counters != NULL) {
		n = l->p.counters(l->p.counters_arg, (char *)(r + 1), room,
				  q.flags & ORDO_CP_Q_JSON);
		if (n >= room)
			n = room - 1; /* cut: a counters text never is */
	} else {
		r->status = -EOPNOTSUPP;
	}
	cpmsg_hdr(&r->hdr, ORDO_CP_REPLY, (uint32_t)(sizeof(*r) + n),
		 q.hdr.seq);
	ctrl_send(l, r, sizeof(*r) + n);
}

static void on_key(struct dp_link *l, const struct ordo_cp_key *in)
{
	const struct ordo_cp_key m = *in; /* the answer reuses the buffer */
	struct ordo_cp_reply *r = (struct ordo_cp_reply *)l->buf;
	size_t room = ORDO_CP_MSG_MAX - sizeof(*r), n = 0;

	memset(r, 0, sizeof(*r));
	if (l->p.key != NULL) {
		n = l->p.key(l->p.key_arg, &m, (char *)(r + 1), room, &r->status);
		if (n >= room)
			n = room - 1;
	} else {
		r->status = -EOPNOTSUPP;
	}
	cpmsg_hdr(&r->hdr, ORDO_CP_REPLY, (uint32_t)(sizeof(*r) + n),
		  m.hdr.seq);
	ctrl_send(l, r, sizeof(*r) + n);
}

static void on_stats(struct dp_link *l, const struct ordo_cp_stats_req *in)
{
	const struct ordo_cp_stats_req q = *in; /* the answer overwrites it */
	struct ordo_cp_stats *r = (struct ordo_cp_stats *)l->buf;
	struct timespec ts;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	r->version = ORDO_STATS_VERSION;
	if (q.version != ORDO_STATS_VERSION)
		r->status = -EPROTONOSUPPORT;
	else if (l->p.stats == NULL)
		r->status = -EOPNOTSUPP;
	else
		n = l->p.stats(l->p.counters_arg, q.cursor,
			       (struct ordo_cp_stat *)(r + 1),
			       ORDO_CP_STATS_MAX, &r->next);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	r->now_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	r->n = (uint32_t)n;
	cpmsg_hdr(&r->hdr, ORDO_CP_STATS,
		  (uint32_t)(sizeof(*r) + n * sizeof(struct ordo_cp_stat)),
		  q.hdr.seq);
	ctrl_send(l, r, r->hdr.len);
}

static void on_hello(struct dp_link *l, const struct ordo_cp_link_hello *h)
{
	struct ordo_cp_link_welcome w;

	memset(&w, 0, sizeof(w));
	cpmsg_hdr(&w.hdr, ORDO_CP_LINK_WELCOME, sizeof(w), h->hdr.seq);
	w.status = h->conf_hash == l->p.conf_hash ? 0 : -EINVAL;
	w.conf_hash = l->p.conf_hash;
	w.node_id = l->p.node_id;
	w.pid = (uint32_t)getpid();
	snprintf(w.daemon, sizeof(w.daemon), "%s", l->p.daemon);
	ctrl_send(l, &w, sizeof(w));
	if (w.status != 0) {
		fprintf(stderr, "ordod: control plane runs another configuration "
			"(hash %08x, ours %08x): refused\n", h->conf_hash,
			l->p.conf_hash);
		ctrl_drop(l, NULL);
		return;
	}
	printf("ordod: control plane connected (pid %u)\n", h->pid);
	send_clients(l);
	if (dp_gw_post(l->gw, DP_GW_DUMP, 0) < 0)
		ctrl_drop(l, "gateway command ring full");
}

/* One datagram from ordo-ctrld. cpmsg_recv() has checked it as every
 * reader of the protocol does (lib/cproto/cpmsg.h), ATTACH's four
 * descriptors included; here only which types ordod takes. */
static void ctrl_read(struct dp_link *l)
{
	const struct ordo_cp_hdr *h = (const struct ordo_cp_hdr *)l->buf;
	int fds[ATTACH_FDS] = { -1, -1, -1, -1 };
	enum cpmsg_err err;
	unsigned nfds;
	long n = cpmsg_recv(l->cfd, l->buf, ORDO_CP_MSG_MAX, fds, ATTACH_FDS,
			    &nfds, MSG_DONTWAIT, &err);

	if (n == 0) {
		ctrl_drop(l, NULL);
		return;
	}
	if (n < 0) {
		if (n != -EAGAIN)
			ctrl_drop(l, strerror((int)-n));
		return;
	}
	if (err == CPMSG_E_NAME && h->type == ORDO_CP_ATTACH) {
		/* A name we cannot read is the client's fault, not the
		 * link's: refuse the client (its descriptors are closed). */
		const struct ordo_cp_attach *a = (const void *)h;

		l->attach_refused++;
		send_attached(l, a->client_id, ORDO_CP_REJECT_ILLEGAL_NAME,
			      a->hdr.seq);
		return;
	}
	if (err != CPMSG_OK) {
		char why[64];

		snprintf(why, sizeof(why), "malformed message: %s",
			 cpmsg_err_name(err));
		ctrl_drop(l, why);
		return;
	}
	if (h->type != ORDO_CP_LINK_HELLO && h->type != ORDO_CP_ATTACH &&
	    h->type != ORDO_CP_DETACH && h->type != ORDO_CP_QUERY &&
	    h->type != ORDO_CP_KEY && h->type != ORDO_CP_STATS_REQ) {
		cpmsg_close_fds(fds, nfds);
		ctrl_drop(l, "unexpected message type");
		return;
	}
	switch (h->type) {
	case ORDO_CP_LINK_HELLO:
		on_hello(l, (const void *)h);
		break;
	case ORDO_CP_ATTACH:
		on_attach(l, (const void *)h, fds, (int)nfds);
		break;
	case ORDO_CP_DETACH: {
		const struct ordo_cp_detach *d = (const void *)h;
		struct dp_client *c = slot_by_id(l, d->client_id);

		if (c != NULL)
			post_detach(l, c);
		break;
	}
	case ORDO_CP_QUERY:
		on_query(l, (const void *)h);
		break;
	case ORDO_CP_KEY:
		on_key(l, (const void *)h);
		break;
	case ORDO_CP_STATS_REQ:
		on_stats(l, (const void *)h);
		break;
	}
}

/* --------------------------------------------------------- events */

/* One line per ring this daemon installs, with the wall-clock time it
 * reached the main lcore (at most one link poll, 20 ms, after the ring
 * lcore installed it): what an operator reads after a fault, and what the
 * lab's fault suite (tests/lab/faults_check.py) builds its timeline from.
 * Every regular configuration comes through here, in order, even with no
 * control plane attached; the dump for a new control plane repeats the
 * current ring, which is not printed twice. */
static void log_ring(struct dp_link *l, const struct ordo_cp_hdr *h,
		     uint32_t len)
{
	const struct ordo_cp_ring *m = (const void *)h;
	const uint32_t *ids = (const uint32_t *)(m + 1);
	struct timespec ts;

	if (len < sizeof(*m) || m->n_members > ORDO_MAX_MEMBERS ||
	    len < sizeof(*m) + 4 * m->n_members ||
	    (m->ring_rep == l->logged_rep && m->ring_seq == l->logged_seq))
		return;
	l->logged_rep = m->ring_rep;
	l->logged_seq = m->ring_seq;
	clock_gettime(CLOCK_REALTIME, &ts);
	printf("ordod: ring %08x.%u members=%u at=%lld.%06ld ids=",
	       m->ring_rep, m->ring_seq, m->n_members, (long long)ts.tv_sec,
	       ts.tv_nsec / 1000);
	for (uint32_t i = 0; i < m->n_members; i++)
		printf("%s%u", i ? "," : "", ids[i]);
	printf("\n");
	fflush(stdout);
}

static int events(struct dp_link *l)
{
	const struct ordo_cp_hdr *h;
	uint32_t len;
	int n = 0;

	while ((h = dp_gw_event(l->gw, &len)) != NULL) {
		if (h->type == ORDO_CP_ATTACHED || h->type == ORDO_CP_DETACHED) {
			/* Same offset in both: the client id follows the
			 * header. */
			const struct ordo_cp_attached *a = (const void *)h;
			struct dp_client *c = slot_by_id(l, a->client_id);
			bool failed = h->type == ORDO_CP_DETACHED || a->status;

			if (h->type == ORDO_CP_DETACHED && c != NULL) {
				const struct ordo_cp_detached *d = (const void *)h;

				printf("ordod: client %u '%s' (pid %u) detached: "
				       "%s\n", c->client_id, c->name, c->pid,
				       ordo_cr_disconnect_name(d->reason));
			}
			if (failed && c != NULL &&
			    __atomic_load_n(&c->state, __ATOMIC_ACQUIRE) ==
				    DP_SLOT_DONE)
				slot_reclaim(c);
		}
		if (h->type == ORDO_CP_RING)
			log_ring(l, h, len);
		ctrl_send(l, h, len);
		dp_gw_event_done(l->gw, len);
		n++;
	}
	return n;
}

int dp_link_poll(struct dp_link *l, int timeout_ms)
{
	struct pollfd pf[2 + DP_GW_MAX_CLIENTS];
	struct dp_client *who[DP_GW_MAX_CLIENTS];
	nfds_t n = 0, first_client;
	int work = events(l);

	if (l->lfd < 0)
		return work;
	pf[n++] = (struct pollfd){ .fd = l->lfd, .events = POLLIN };
	pf[n++] = (struct pollfd){ .fd = l->cfd, .events = POLLIN };
	first_client = n;
	for (uint32_t i = 0; i < l->hiwater; i++) {
		struct dp_client *c = &l->gw->slots[i];

		if (c->detach_posted ||
		    __atomic_load_n(&c->state, __ATOMIC_ACQUIRE) !=
			    DP_SLOT_ACTIVE)
			continue;
		/* No events asked: hang-up is always reported, and the
		 * client's datagrams are ordo-ctrld's to read, not ours. */
		who[n - first_client] = c;
		pf[n++] = (struct pollfd){ .fd = c->sock_fd, .events = 0 };
	}
	if (poll(pf, n, work ? 0 : timeout_ms) <= 0)
		return work + events(l);
	if (pf[0].revents & POLLIN) {
		int fd = accept4(l->lfd, NULL, NULL,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd >= 0) {
			/* A new ordo-ctrld replaces the old one (restart). */
			if (l->cfd >= 0)
				ctrl_drop(l, NULL);
			l->cfd = fd;
			l->ctrl_sessions++;
		}
		work++;
	}
	if (pf[1].fd >= 0 && pf[1].fd == l->cfd && pf[1].revents) {
		if (pf[1].revents & POLLIN)
			ctrl_read(l);
		else
			ctrl_drop(l, NULL);
		work++;
	}
	for (nfds_t i = first_client; i < n; i++)
		if (pf[i].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			post_detach(l, who[i - first_client]);
			work++;
		}
	return work + events(l);
}

void dp_link_close(struct dp_link *l)
{
	if (l->gw != NULL && l->gw->slots != NULL)
		for (uint32_t i = 0; i < DP_GW_MAX_CLIENTS; i++) {
			struct dp_client *c = &l->gw->slots[i];
			uint64_t one = 1;

			if (c->state == DP_SLOT_FREE)
				continue;
			if (c->map.hdr != NULL) {
				ordo_cr_region_disconnect(
					&c->map, ORDO_CR_DISC_DAEMON_EXIT, 0);
				if (write(c->client_efd, &one, sizeof(one)) < 0)
					(void)0; /* it will see the state */
			}
			slot_reclaim(c);
		}
	if (l->cfd >= 0)
		close(l->cfd);
	if (l->lfd >= 0) {
		close(l->lfd);
		unlink(l->path);
	}
	free(l->buf);
	l->cfd = l->lfd = -1;
	l->buf = NULL;
}
