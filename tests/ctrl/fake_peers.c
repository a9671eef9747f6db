/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fake dataplane, the fake client and process helpers of
 * fake_peers.h. Written against include/ordo/ctrl_proto.h directly, with
 * plain sendmsg / recvmsg.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/ctrl/fake_peers.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void hdr(struct ordo_cp_hdr *h, uint16_t type, uint32_t len,
		uint32_t seq)
{
	h->magic = ORDO_CP_MAGIC;
	h->version = ORDO_CP_VERSION;
	h->type = type;
	h->len = len;
	h->seq = seq;
}

int fc_send(int fd, const void *buf, size_t len, const int *fds, unsigned n)
{
	char ctl[CMSG_SPACE(sizeof(int) * 8)];
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n) {
		struct cmsghdr *c;

		memset(ctl, 0, sizeof(ctl));
		mh.msg_control = ctl;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* One datagram and up to max descriptors (extra ones closed). */
static long recv_fds(int fd, void *buf, size_t cap, int *fds, unsigned max,
		     unsigned *n)
{
	char ctl[CMSG_SPACE(sizeof(int) * 8)];
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	long r;

	*n = 0;
	r = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (r < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		size_t k, cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		for (k = 0; k < cnt; k++) {
			int x;

			memcpy(&x, CMSG_DATA(c) + k * sizeof(int), sizeof(x));
			if (*n < max)
				fds[(*n)++] = x;
			else
				close(x);
		}
	}
	return r;
}

static int wait_in(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) > 0;
}

/* ---- fake dataplane ------------------------------------------------------- */

void fdp_listen(struct fdp *f, const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->auto_detached = true;
	snprintf(f->dir, sizeof(f->dir), "%s", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir,
		 ORDO_CP_LINK_NAME);
	unlink(sa.sun_path);
	f->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (f->lfd < 0 || bind(f->lfd, (void *)&sa, sizeof(sa)) < 0 ||
	    listen(f->lfd, 8) < 0) {
		perror("fdp_listen");
		abort();
	}
}

static void send_ring_view(struct fdp *f)
{
	struct {
		struct ordo_cp_ring r;
		uint32_t m[1];
	} ring;
	struct {
		struct ordo_cp_view v;
		char m[2][ORDO_CP_NAME_LEN];
	} view;

	memset(&ring, 0, sizeof(ring));
	hdr(&ring.r.hdr, ORDO_CP_RING, sizeof(ring), 0);
	ring.r.ring_rep = 0x7f000001;
	ring.r.ring_seq = 4;
	ring.r.n_members = 1;
	ring.m[0] = 0x7f000001;
	fc_send(f->fd, &ring, sizeof(ring), NULL, 0);
	memset(&view, 0, sizeof(view));
	hdr(&view.v.hdr, ORDO_CP_VIEW, sizeof(view), 0);
	strcpy(view.v.group, "chat");
	view.v.gid[0] = 0x7f000001;
	view.v.gid[1] = 4;
	view.v.gid[2] = 2;
	view.v.n_members = 2;
	strcpy(view.m[0], "#alice#alpha");
	strcpy(view.m[1], "#bo\"b#alpha"); /* a quote for the JSON escaper */
	fc_send(f->fd, &view, sizeof(view), NULL, 0);
}

int fdp_accept(struct fdp *f, int timeout_ms, int32_t status,
	       const struct ordo_cp_client *clients, unsigned n_clients)
{
	struct ordo_cp_link_hello h;
	struct ordo_cp_link_welcome w;
	struct ordo_cp_hdr end;
	unsigned n, i;
	int fds[4];

	if (!wait_in(f->lfd, timeout_ms))
		return -1;
	f->fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (f->fd < 0 || !wait_in(f->fd, timeout_ms))
		return -1;
	if (recv_fds(f->fd, &h, sizeof(h), fds, 0, &n) != sizeof(h) ||
	    h.hdr.magic != ORDO_CP_MAGIC || h.hdr.type != ORDO_CP_LINK_HELLO)
		return -1;
	f->hello_hash = h.conf_hash;
	memset(&w, 0, sizeof(w));
	hdr(&w.hdr, ORDO_CP_LINK_WELCOME, sizeof(w), h.hdr.seq);
	w.status = status;
	w.conf_hash = status ? h.conf_hash ^ 1 : h.conf_hash;
	w.node_id = 0x7f000001;
	w.pid = (uint32_t)getpid();
	strcpy(w.daemon, "alpha");
	fc_send(f->fd, &w, sizeof(w), NULL, 0);
	if (status)
		return 0;
	for (i = 0; i < n_clients; i++)
		fc_send(f->fd, &clients[i], sizeof(clients[i]), NULL, 0);
	send_ring_view(f);
	hdr(&end, ORDO_CP_DUMP_END, sizeof(end), 0);
	return fc_send(f->fd, &end, sizeof(end), NULL, 0);
}

void fdp_detached(struct fdp *f, uint32_t id, uint32_t reason)
{
	struct ordo_cp_detached m;

	memset(&m, 0, sizeof(m));
	hdr(&m.hdr, ORDO_CP_DETACHED, sizeof(m), 0);
	m.client_id = id;
	m.reason = reason;
	fc_send(f->fd, &m, sizeof(m), NULL, 0);
}

static void on_query(struct fdp *f, const struct ordo_cp_query_msg *q)
{
	static const char text[] = "rx_packets 42\ntx_packets 17\n";
	static const char json[] = "{\"rx_packets\":42,\"tx_packets\":17}\n";
	const char *t = q->flags & ORDO_CP_Q_JSON ? json : text;
	size_t len = strlen(t);
	uint8_t buf[sizeof(struct ordo_cp_reply) + 64];
	struct ordo_cp_reply *r = (void *)buf;

	f->n_query++;
	hdr(&r->hdr, ORDO_CP_REPLY, (uint32_t)(sizeof(*r) + len), q->hdr.seq);
	r->status = 0;
	r->more = 0;
	memcpy(r + 1, t, len);
	fc_send(f->fd, buf, sizeof(*r) + len, NULL, 0);
}

static void put_stat(struct ordo_cp_stat *r, uint32_t *n, uint16_t id,
		     uint32_t key, const char *label, uint64_t value)
{
	struct ordo_cp_stat *x = &r[(*n)++];

	memset(x, 0, sizeof(*x));
	x->id = id;
	x->key = key;
	x->value = value;
	if (label)
		snprintf(x->label, sizeof(x->label), "%s", label);
}

/* Every lcore metric of the catalogue (ids 250-299) for FDP_LCORES lcores
 * (lcore FDP_LCORE0 + i has role fdp_lcore_roles[i]), as ordod sends
 * them: the text label a stage, a role, or none. */
const char *const fdp_lcore_roles[FDP_LCORES] = { "ring", "worker",
						  "client_worker" };

static void lcore_stats(struct ordo_cp_stat *r, uint32_t *n, uint16_t id,
			const char *text)
{
	static const char *const stages[] = {
#define FDP_STAGE(i, sid, name) name,
		ORDO_LOOP_STAGES(FDP_STAGE)
#undef FDP_STAGE
	};

	for (uint32_t i = 0; i < FDP_LCORES; i++) {
		uint32_t lc = FDP_LCORE0 + i;

		if (text == NULL)
			put_stat(r, n, id, lc, NULL, 1000 * lc + id);
		else if (strcmp(text, "role") == 0)
			put_stat(r, n, id, lc, fdp_lcore_roles[i], 1);
		else
			for (uint32_t k = 0; k < ORDO_LOOP_STAGE_MAX; k++)
				put_stat(r, n, id, lc, stages[k],
					 100 * lc + k);
	}
}

static void on_stats(struct fdp *f, const struct ordo_cp_stats_req *q)
{
	static uint8_t buf[sizeof(struct ordo_cp_stats) +
			   200 * sizeof(struct ordo_cp_stat)];
	struct ordo_cp_stats *s = (void *)buf;
	struct ordo_cp_stat *r = (void *)(s + 1);
	uint64_t msgs = (uint64_t)(f->n_stats + 1) * FDP_STATS_MSGS;
	struct timespec ts;
	uint32_t n = 0;

	if (f->stats_silent)
		return;
	f->n_stats++;
	memset(s, 0, sizeof(*s));
	s->version = ORDO_STATS_VERSION;
	if (q->cursor == 0) {
		put_stat(r, &n, ORDO_ST_RING_MEMBERS, 0, NULL, 1);
		put_stat(r, &n, ORDO_ST_RING_MEMBERS, 0, NULL, 1); /* again */
		put_stat(r, &n, ORDO_ST_RING_STATE, 0, "operational", 1);
		put_stat(r, &n, ORDO_ST_RING_STATE, 0, "gather", 0);
		put_stat(r, &n, ORDO_ST_RING_CHANGES, 0, NULL, 3);
		put_stat(r, &n, ORDO_ST_TOKEN_ROTATIONS, 0, NULL, msgs / 10);
		put_stat(r, &n, ORDO_ST_DATA_RETRANS, 0, NULL, 2);
		put_stat(r, &n, ORDO_ST_MSGS_DELIVERED, 0, NULL, msgs);
		put_stat(r, &n, ORDO_ST_BYTES_DELIVERED, 0, NULL, msgs * 100);
		put_stat(r, &n, ORDO_ST_ENGINE_DROPS, 0, "dup_data", 5);
		put_stat(r, &n, ORDO_ST_PORT_RX_PACKETS, 0, NULL, 42);
		put_stat(r, &n, ORDO_ST_PORT_DROPS, 0, "runt", 1);
		put_stat(r, &n, ORDO_ST_CLIENTS, 0, NULL, 2);
		/* the ring lcore's stages: a numeric and a text label */
		put_stat(r, &n, ORDO_ST_STAGE_CYCLES, 1, "protocol", 12345);
		put_stat(r, &n, ORDO_ST_STAGE_ITEMS, 1, "protocol", 67);
		put_stat(r, &n, ORDO_ST_LOOP_STALL_MAX, 1, NULL, 8900);
		put_stat(r, &n, 299, 0, NULL, 1); /* an id we do not know */
		s->next = 1;
	} else {
		put_stat(r, &n, ORDO_ST_CLIENT_BACKLOG_RECORDS, 0, "bo\"b\\", 7);
		put_stat(r, &n, ORDO_ST_CLIENT_BACKLOG_BYTES, 0, "alice", 4096);
		put_stat(r, &n, ORDO_ST_CLIENT_DELIVERED, 0, "alice", msgs);
#define FDP_LCORE_STAT(num, id, type, name, key, text, help)                  \
		if ((num) >= 250)                                             \
			lcore_stats(r, &n, (num), (const char *)(text));
		ORDO_STATS(FDP_LCORE_STAT)
#undef FDP_LCORE_STAT
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->now_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	s->n = n;
	hdr(&s->hdr, ORDO_CP_STATS, (uint32_t)(sizeof(*s) + n * sizeof(*r)),
	    q->hdr.seq);
	fc_send(f->fd, buf, s->hdr.len, NULL, 0);
}

/* What ordod does on DETACH: let go of the client's descriptors, its
 * socket among them (else the client would never see it close). */
static void forget_client(struct fdp *f, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < f->n_attach; i++)
		if (f->attach[i].msg.client_id == id)
			while (f->attach[i].n_fds)
				close(f->attach[i].fds[--f->attach[i].n_fds]);
}

int fdp_service(struct fdp *f, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	uint8_t buf[ORDO_CP_MSG_MAX];
	const struct ordo_cp_hdr *h = (const void *)buf;

	if (f->fd < 0)
		return -1;
	do {
		int left = (int)(end - now_ms());
		unsigned n;
		int fds[4];
		long r;

		if (!wait_in(f->fd, left > 0 ? left : 0))
			continue;
		r = recv_fds(f->fd, buf, sizeof(buf), fds, 4, &n);
		if (r == -EAGAIN)
			continue;
		if (r <= 0) {
			fdp_drop(f);
			return -1;
		}
		if (h->type == ORDO_CP_ATTACH && f->n_attach < FDP_MAX_ATTACH) {
			struct fdp_attach *a = &f->attach[f->n_attach++];
			struct ordo_cp_attached m;

			memcpy(&a->msg, buf, sizeof(a->msg));
			memcpy(a->fds, fds, sizeof(fds));
			a->n_fds = n;
			memset(&m, 0, sizeof(m));
			hdr(&m.hdr, ORDO_CP_ATTACHED, sizeof(m), h->seq);
			m.client_id = a->msg.client_id;
			m.status = f->attach_status;
			fc_send(f->fd, &m, sizeof(m), NULL, 0);
			continue;
		}
		while (n)
			close(fds[--n]);
		if (h->type == ORDO_CP_DETACH) {
			const struct ordo_cp_detach *m = (const void *)buf;

			f->n_detach++;
			f->last_detach_id = m->client_id;
			forget_client(f, m->client_id);
			if (f->auto_detached)
				fdp_detached(f, m->client_id, m->reason);
		} else if (h->type == ORDO_CP_QUERY) {
			on_query(f, (const void *)buf);
		} else if (h->type == ORDO_CP_STATS_REQ) {
			on_stats(f, (const void *)buf);
		}
	} while (now_ms() < end);
	return 0;
}

int fdp_send_raw(struct fdp *f, const void *buf, size_t len)
{
	return fc_send(f->fd, buf, len, NULL, 0);
}

void fdp_drop(struct fdp *f)
{
	uint32_t i;
	unsigned k;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	for (i = 0; i < f->n_attach; i++) {
		for (k = 0; k < f->attach[i].n_fds; k++)
			close(f->attach[i].fds[k]);
		f->attach[i].n_fds = 0;
	}
}

void fdp_close(struct fdp *f)
{
	char path[200];

	fdp_drop(f);
	if (f->lfd >= 0)
		close(f->lfd);
	f->lfd = -1;
	snprintf(path, sizeof(path), "%s/%s", f->dir, ORDO_CP_LINK_NAME);
	unlink(path);
}

/* ---- fake client ------------------------------------------------------------ */

int fc_connect(const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if (connect(fd, (void *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int fc_hello(int fd, const char *name, uint32_t seq)
{
	struct ordo_cp_hello h;

	memset(&h, 0, sizeof(h));
	hdr(&h.hdr, ORDO_CP_HELLO, sizeof(h), seq);
	snprintf(h.private_name, sizeof(h.private_name), "%s", name);
	h.submit_bytes = 70000; /* rounded up to 128 KiB */
	return fc_send(fd, &h, sizeof(h), NULL, 0);
}

int fc_welcome(int fd, struct fdp *f, struct ordo_cp_welcome *w, int *fds,
	       unsigned *n_fds, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;

	*n_fds = 0;
	while (now_ms() < end) {
		long r;

		if (f && f->fd >= 0)
			fdp_service(f, 5);
		if (!wait_in(fd, 5))
			continue;
		r = recv_fds(fd, w, sizeof(*w), fds, 3, n_fds);
		if (r == -EAGAIN)
			continue;
		return r == sizeof(*w) && w->hdr.type == ORDO_CP_WELCOME &&
		       w->hdr.len == sizeof(*w) ? 0 : -1;
	}
	return -1;
}

bool fc_closed(int fd, struct fdp *f, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	char buf[ORDO_CP_MSG_MAX];

	while (now_ms() < end) {
		int fds[4];
		unsigned n;
		long r;

		if (f && f->fd >= 0)
			fdp_service(f, 5);
		if (!wait_in(fd, 5))
			continue;
		r = recv_fds(fd, buf, sizeof(buf), fds, 4, &n);
		while (n)
			close(fds[--n]);
		if (r == 0 || (r < 0 && r != -EAGAIN))
			return true;
	}
	return false;
}

int fc_query(const char *sock, struct fdp *f, uint32_t what, uint32_t flags,
	     char *out, size_t cap)
{
	uint8_t buf[ORDO_CP_MSG_MAX];
	const struct ordo_cp_reply *r = (const void *)buf;
	struct ordo_cp_query_msg q;
	uint64_t end = now_ms() + 3000;
	size_t len = 0;
	int fd = fc_connect(sock), status = 0;

	if (fd < 0)
		return -1000;
	memset(&q, 0, sizeof(q));
	hdr(&q.hdr, ORDO_CP_QUERY, sizeof(q), 77);
	q.what = what;
	q.flags = flags;
	fc_send(fd, &q, sizeof(q), NULL, 0);
	while (now_ms() < end) {
		unsigned n;
		int fds[1];
		long got;

		if (f && f->fd >= 0)
			fdp_service(f, 5);
		if (!wait_in(fd, 5))
			continue;
		got = recv_fds(fd, buf, sizeof(buf), fds, 0, &n);
		if (got == -EAGAIN)
			continue;
		if (got < (long)sizeof(*r) || r->hdr.type != ORDO_CP_REPLY ||
		    r->hdr.seq != 77 || r->hdr.len != (uint32_t)got)
			break;
		status = r->status;
		if (len + (size_t)got - sizeof(*r) < cap) {
			memcpy(out + len, r + 1, (size_t)got - sizeof(*r));
			len += (size_t)got - sizeof(*r);
		}
		if (!r->more) {
			out[len] = '\0';
			close(fd);
			return status;
		}
	}
	close(fd);
	return -1000;
}

/* ---- processes ------------------------------------------------------------- */

pid_t run_ctrld(const char *const *argv, const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

int wait_exit(pid_t pid, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	int st;

	do {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(5000);
	} while (now_ms() < end);
	return -1;
}

void stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	if (wait_exit(pid, 2000) < 0) {
		kill(pid, SIGKILL);
		wait_exit(pid, 2000);
	}
}

int run_ordoctl(const char *const *argv, const char *out_file, struct fdp *f)
{
	pid_t pid = fork();
	uint64_t end = now_ms() + 5000;
	int st;

	if (pid == 0) {
		int fd = open(out_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (now_ms() < end) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (f && f->fd >= 0)
			fdp_service(f, 5);
		else
			usleep(5000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}
