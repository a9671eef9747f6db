/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fake daemon of fake_daemon.h: control socket, regions, and a tiny
 * dataplane over the client rings, all in one thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ordo/ctrl_proto.h"
#include "lib/cring/cring.h"
#include "lib/spread/sp_memb.h"
#include "tests/libordo/fake_daemon.h"
#include "tests/libordo/fake_daemon_impl.h"


void fake_name_set(char out[ORDO_CR_NAME_LEN], const char *s)
{
	memset(out, 0, ORDO_CR_NAME_LEN);
	strncpy(out, s, ORDO_CR_NAME_LEN - 1);
}

static void conn_free(struct fake_conn *k)
{
	if (!k)
		return;
	if (k->map.base)
		ordo_cr_region_unmap(&k->map);
	if (k->sock >= 0)
		close(k->sock);
	if (k->cefd >= 0)
		close(k->cefd);
	if (k->defd >= 0)
		close(k->defd);
	free(k->rbuf);
	free(k->msg);
	free(k);
}

static void send_welcome(int s, const struct ordo_cp_welcome *w, const int *fds,
			 int nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 3)];
		struct cmsghdr align;
	} cb;
	struct iovec iov = { .iov_base = (void *)w, .iov_len = sizeof(*w) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (nfds) {
		memset(&cb, 0, sizeof(cb));
		mh.msg_control = cb.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)nfds);
	}
	ssize_t n = sendmsg(s, &mh, MSG_NOSIGNAL);
	(void)n;
}

static void accept_one(struct fake_daemon *d)
{
	struct ordo_cp_hello h;
	struct ordo_cp_welcome w;
	int s = accept4(d->lsock, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0)
		return;
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	if (poll(&pfd, 1, 2000) != 1 || recv(s, &h, sizeof(h), 0) != sizeof(h) ||
	    h.hdr.magic != ORDO_CP_MAGIC || h.hdr.type != ORDO_CP_HELLO) {
		close(s);
		return;
	}
	d->hellos++;
	d->hello_flags = h.flags;
	memset(&w, 0, sizeof(w));
	w.hdr = (struct ordo_cp_hdr){ ORDO_CP_MAGIC, ORDO_CP_VERSION,
				      ORDO_CP_WELCOME, sizeof(w), h.hdr.seq };
	w.status = d->welcome_status;
	fake_name_set(w.daemon, "fake");
	int slot = -1;
	for (int i = 0; i < FAKE_MAX_CONNS; i++)
		if (!d->conns[i]) {
			slot = i;
			break;
		}
	if (w.status == ORDO_CP_ACCEPT && slot < 0)
		w.status = ORDO_CP_REJECT_QUOTA;
	if (w.status != ORDO_CP_ACCEPT) {
		snprintf(w.reason, sizeof(w.reason), "refused by the test");
		send_welcome(s, &w, NULL, 0);
		close(s);
		return;
	}
	struct fake_conn *k = calloc(1, sizeof(*k));
	k->sock = s;
	k->cefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	k->defd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	uint32_t rs = d->ring_size ? d->ring_size : 64u << 10;
	/* MaxMessageSize as ordo-ctrld passes it with the default
	 * configuration. */
	struct ordo_cr_params p = { .submit_size = rs, .deliver_size = rs,
				    .max_msg = 16u << 20,
				    .client_id = (uint32_t)slot + 1 };
	if (ordo_cr_region_create(&k->map, &p) < 0) {
		conn_free(k);
		return;
	}
	ordo_cr_reader_init(&k->rd, &k->map, ORDO_CR_SUBMIT, k->defd, k->cefd);
	ordo_cr_prod_init(&k->dp, &k->map, ORDO_CR_DELIVER, k->defd, k->cefd);
	k->rbuf = malloc(k->map.max_rec);
	h.private_name[sizeof(h.private_name) - 1] = 0;
	char pn[16];
	if (h.private_name[0])
		snprintf(pn, sizeof(pn), "%s", h.private_name);
	else
		snprintf(pn, sizeof(pn), "anon%u", ++d->anon);
	snprintf(k->group, sizeof(k->group), "#%s#fake", pn);
	memcpy(w.private_group, k->group, sizeof(w.private_group));
	w.client_id = p.client_id;
	int fds[3] = { k->map.fd, k->cefd, k->defd };
	send_welcome(s, &w, fds, 3);
	d->conns[slot] = k;
}

/* Write one delivery, waiting for room; false if the client is gone. */
bool fake_deliver(struct fake_daemon *d, struct fake_conn *k,
		    struct ordo_cr_send *s)
{
	for (;;) {
		int r = ordo_cr_write_msg(&k->dp, s);
		if (r == 0)
			return true;
		if (r != -EAGAIN || d->stop)
			return false;
		uint32_t st = atomic_load(&k->map.hdr->client_state);
		if (st & ORDO_CR_STATE_CLOSED)
			return false;
		ordo_cr_prod_wait(&k->dp, 2ull * k->dp.max_rec, 10);
	}
}

static void membership(struct fake_daemon *d, struct fake_conn *k,
		       const char *group, bool join)
{
	static char members[FAKE_MANY_MEMBERS + 1][ORDO_CR_NAME_LEN];
	char body[(FAKE_MANY_MEMBERS + 2) * MAX_GROUP_NAME + 64];
	unsigned n = 0;
	int blen;
	group_id gid = sp_gid_make(1, 2, ++d->gid_change);

	if (join) {
		if (!strncmp(group, "many", 4))
			for (; n < FAKE_MANY_MEMBERS; n++) {
				char m[24];
				snprintf(m, sizeof(m), "#m%u#fake", n);
				fake_name_set(members[n], m);
			}
		memcpy(members[n++], k->group, ORDO_CR_NAME_LEN);
		struct sp_memb_set set = { 1, (const char (*)[MAX_GROUP_NAME])&members[n - 1] };
		blen = sp_memb_encode(body, sizeof(body), &gid, &set, 1, 0, false);
	} else {
		blen = sp_memb_encode_gid(body, sizeof(body), &gid, false);
	}
	size_t plen = sizeof(struct ordo_cr_memb) + n * ORDO_CR_NAME_LEN + (size_t)blen;
	uint8_t *pl = malloc(plen);
	struct ordo_cr_memb mh = { n, (uint32_t)blen };
	memcpy(pl, &mh, sizeof(mh));
	memcpy(pl + sizeof(mh), members, n * ORDO_CR_NAME_LEN);
	memcpy(pl + sizeof(mh) + n * ORDO_CR_NAME_LEN, body, (size_t)blen);
	char g[1][ORDO_CR_NAME_LEN];
	fake_name_set(g[0], group);
	struct ordo_cr_send s = {
		.kind = ORDO_CR_MEMBERSHIP, .n_names = 1, .names = g,
		.msg_type = (int16_t)(n ? n - 1 : 0),
		.aux = join ? REG_MEMB_MESS | CAUSED_BY_JOIN : CAUSED_BY_LEAVE,
		.msg_id = ++d->deliver_seq, .payload = pl, .len = (uint32_t)plen,
	};
	fake_deliver(d, k, &s);
	free(pl);
}

static void message(struct fake_daemon *d, struct fake_conn *k)
{
	const struct ordo_cr_rec *f = &k->first;
	d->msgs++;
	d->bytes += k->msg_len;
	if (f->flags & ORDO_CR_F_SELF_DISCARD)
		d->self_discards++;
	if (d->mode == FAKE_GROUPS) {
		fake_groups_message(d, k);
		return;
	}
	if (d->mode != FAKE_ECHO || (f->flags & ORDO_CR_F_SELF_DISCARD))
		return;
	if (!strcmp(k->names[0], "reject")) {
		struct ordo_cr_send s = {
			.kind = ORDO_CR_REJECT, .service = f->service,
			.n_names = f->n_names, .names = k->names,
			.msg_type = f->msg_type, .aux = (uint32_t)-EMSGSIZE,
			.msg_id = f->msg_id,
		};
		fake_deliver(d, k, &s);
		return;
	}
	/* The sender, then every destination: a record holds them all
	 * (ORDO_CR_MAX_NAMES is the groups plus one). */
	static char names[ORDO_CR_MAX_NAMES][ORDO_CR_NAME_LEN];
	memcpy(names[0], k->group, ORDO_CR_NAME_LEN);
	memcpy(names[1], k->names, (size_t)f->n_names * ORDO_CR_NAME_LEN);
	struct ordo_cr_send s = {
		.kind = ORDO_CR_MSG, .service = f->service, .flags = ORDO_CR_F_SENDER,
		.n_names = (uint16_t)(f->n_names + 1), .names = names,
		.msg_type = f->msg_type, .msg_id = ++d->deliver_seq,
		.payload = k->msg, .len = k->msg_len,
	};
	fake_deliver(d, k, &s);
}

static void record(struct fake_daemon *d, struct fake_conn *k,
		   const struct ordo_cr_msg *m)
{
	if (m->hdr.kind == ORDO_CR_JOIN || m->hdr.kind == ORDO_CR_LEAVE) {
		bool join = m->hdr.kind == ORDO_CR_JOIN;
		if (join)
			d->joins++;
		else
			d->leaves++;
		if (d->mode == FAKE_GROUPS)
			fake_groups_change(d, k, m->names[0], join);
		else
			membership(d, k, m->names[0], join);
		return;
	}
	if (m->hdr.flags & ORDO_CR_F_FIRST) {
		k->first = m->hdr;
		memcpy(k->names, m->names, (size_t)m->hdr.n_names * ORDO_CR_NAME_LEN);
		if (m->hdr.msg_len > k->msg_cap) {
			free(k->msg);
			k->msg = malloc(m->hdr.msg_len);
			k->msg_cap = m->hdr.msg_len;
		}
		k->msg_len = m->hdr.msg_len;
	}
	memcpy(k->msg + m->hdr.frag_off, m->payload, m->payload_len);
	if (m->hdr.flags & ORDO_CR_F_LAST)
		message(d, k);
}

/* Read what the client submitted. Returns records handled. */
static int serve(struct fake_daemon *d, struct fake_conn *k)
{
	struct ordo_cr_msg m;
	int n = 0, r;
	while (n < 256 && (r = ordo_cr_read(&k->rd, &m, k->rbuf, k->map.max_rec)) == 1) {
		record(d, k, &m);
		n++;
	}
	if (n == 0 && r < 0 && !(d->ring_errors))
		d->ring_errors++;
	ordo_cr_reader_release(&k->rd);
	return n;
}

/* The control socket: BYE or hang-up ends the client. */
static bool control(struct fake_daemon *d, struct fake_conn *k)
{
	struct ordo_cp_hdr h;
	ssize_t n = recv(k->sock, &h, sizeof(h), MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return true;
	if (n == (ssize_t)sizeof(h) && h.type == ORDO_CP_BYE)
		d->byes++;
	else
		d->hangups++;
	return false;
}

static void source(struct fake_daemon *d, struct fake_conn *k)
{
	uint8_t *buf = calloc(1, d->cmd_source_len ? d->cmd_source_len : 1);
	char names[2][ORDO_CR_NAME_LEN];
	fake_name_set(names[0], "#src#fake");
	fake_name_set(names[1], "bench");
	for (uint64_t i = 0; i < d->cmd_source_n && !d->stop; i++) {
		struct ordo_cr_send s = {
			.kind = ORDO_CR_MSG, .service = 5, .flags = ORDO_CR_F_SENDER,
			.n_names = 2, .names = names, .msg_id = ++d->deliver_seq,
			.payload = buf, .len = d->cmd_source_len,
		};
		if (!fake_deliver(d, k, &s))
			break;
	}
	free(buf);
	d->source_done = 1;
}

static void commands(struct fake_daemon *d)
{
	pthread_mutex_lock(&d->mu);
	for (int i = 0; i < FAKE_MAX_CONNS; i++) {
		struct fake_conn *k = d->conns[i];
		if (!k)
			continue;
		if (d->cmd_close_reason > 0) {
			ordo_cr_region_disconnect(&k->map, d->cmd_close_reason, 0);
			uint64_t one = 1;
			ssize_t w = write(k->cefd, &one, sizeof(one));
			(void)w;
		}
		if (d->cmd_hangup || d->cmd_hangup_slot == i + 1) {
			d->conns[i] = NULL;
			if (d->mode == FAKE_GROUPS)
				fake_groups_gone(d, i, k);
			conn_free(k);
		}
	}
	if (d->cmd_network[0] && d->mode == FAKE_GROUPS)
		fake_groups_network(d, d->cmd_network);
	d->cmd_network[0] = 0;
	d->cmd_hangup_slot = 0;
	d->cmd_close_reason = 0;
	d->cmd_hangup = false;
	bool src = d->cmd_source_n && d->conns[0];
	pthread_mutex_unlock(&d->mu);
	if (src) {
		source(d, d->conns[0]);
		d->cmd_source_n = 0;
	}
}

static void *run(void *arg)
{
	struct fake_daemon *d = arg;
	while (!d->stop) {
		commands(d);
		if (poll(&(struct pollfd){ .fd = d->lsock, .events = POLLIN }, 1, 0) == 1)
			accept_one(d);
		int work = 0;
		struct pollfd pfd[1 + 2 * FAKE_MAX_CONNS];
		int np = 0;
		pfd[np++] = (struct pollfd){ .fd = d->lsock, .events = POLLIN };
		for (int i = 0; i < FAKE_MAX_CONNS; i++) {
			struct fake_conn *k = d->conns[i];
			if (!k)
				continue;
			work += serve(d, k);
			if (!control(d, k)) {
				d->conns[i] = NULL;
				if (d->mode == FAKE_GROUPS)
					fake_groups_gone(d, i, k);
				conn_free(k);
				continue;
			}
			pfd[np++] = (struct pollfd){ .fd = k->sock, .events = POLLIN };
			pfd[np++] = (struct pollfd){ .fd = k->defd, .events = POLLIN };
		}
		if (work)
			continue;
		/* Idle: sleep with the doorbell armed on every submit ring. */
		bool avail = false;
		for (int i = 0; i < FAKE_MAX_CONNS; i++) {
			struct fake_conn *k = d->conns[i];
			if (!k)
				continue;
			struct ordo_cr_cons *c = &k->rd.cons;
			c->sleep_seq |= 1u;
			atomic_store(&c->ctl->cons_sleep_seq, c->sleep_seq);
			atomic_thread_fence(memory_order_seq_cst);
			avail |= ordo_cr_cons_avail(c) != 0;
		}
		if (!avail && poll(pfd, (nfds_t)np, 5) > 0) {
			uint64_t v;
			for (int i = 2; i < np; i += 2) {
				ssize_t r = read(pfd[i].fd, &v, sizeof(v));
				(void)r;
			}
		}
		for (int i = 0; i < FAKE_MAX_CONNS; i++) {
			struct fake_conn *k = d->conns[i];
			if (!k)
				continue;
			struct ordo_cr_cons *c = &k->rd.cons;
			c->sleep_seq++;
			atomic_store(&c->ctl->cons_sleep_seq, c->sleep_seq);
		}
	}
	for (int i = 0; i < FAKE_MAX_CONNS; i++) {
		conn_free(d->conns[i]);
		d->conns[i] = NULL;
	}
	return NULL;
}

int fake_start(struct fake_daemon *d)
{
	static atomic_uint seq;
	memset(d, 0, sizeof(*d));
	d->welcome_status = ORDO_CP_ACCEPT;
	pthread_mutex_init(&d->mu, NULL);
	snprintf(d->path, sizeof(d->path), "/tmp/ordo-fake-%d-%u.sock", getpid(),
		 atomic_fetch_add(&seq, 1));
	unlink(d->path);
	d->lsock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (d->lsock < 0)
		return -errno;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, d->path);
	if (bind(d->lsock, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(d->lsock, 8) < 0) {
		int e = errno;
		close(d->lsock);
		return -e;
	}
	return -pthread_create(&d->thread, NULL, run, d);
}

void fake_stop(struct fake_daemon *d)
{
	d->stop = true;
	pthread_join(d->thread, NULL);
	close(d->lsock);
	unlink(d->path);
	pthread_mutex_destroy(&d->mu);
}

/* Wait until the daemon thread has run the pending commands. */
static void settle(struct fake_daemon *d)
{
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&d->mu);
		bool done = !d->cmd_close_reason && !d->cmd_hangup &&
			    !d->cmd_hangup_slot && !d->cmd_network[0];
		pthread_mutex_unlock(&d->mu);
		if (done)
			return;
		usleep(1000);
	}
}

void fake_close_all(struct fake_daemon *d, int reason)
{
	pthread_mutex_lock(&d->mu);
	d->cmd_close_reason = reason;
	pthread_mutex_unlock(&d->mu);
	settle(d);
}

void fake_hangup_all(struct fake_daemon *d)
{
	pthread_mutex_lock(&d->mu);
	d->cmd_hangup = true;
	pthread_mutex_unlock(&d->mu);
	settle(d);
}

void fake_hangup_one(struct fake_daemon *d, int slot)
{
	pthread_mutex_lock(&d->mu);
	d->cmd_hangup_slot = slot + 1;
	pthread_mutex_unlock(&d->mu);
	settle(d);
}

void fake_network(struct fake_daemon *d, const char *group)
{
	pthread_mutex_lock(&d->mu);
	snprintf(d->cmd_network, sizeof(d->cmd_network), "%s", group);
	pthread_mutex_unlock(&d->mu);
	settle(d);
}

void fake_source(struct fake_daemon *d, uint64_t n, uint32_t len)
{
	pthread_mutex_lock(&d->mu);
	d->source_done = 0;
	d->cmd_source_len = len;
	d->cmd_source_n = n;
	pthread_mutex_unlock(&d->mu);
}

void fake_source_wait(struct fake_daemon *d)
{
	while (!d->source_done)
		usleep(100);
}
