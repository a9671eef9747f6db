/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libordo session: connect (HELLO, WELCOME with the region memfd and the two
 * eventfds, include/ordo/ctrl_proto.h), disconnect, kill.
 *
 * The control socket stays open for the whole session although nothing more
 * travels on it but BYE: its closing is how the daemon learns that this
 * process is gone, and its hang-up is how we learn the daemon is gone when
 * it died without marking the region closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/cproto/cpmsg.h"
#include "ordo/ctrl_proto.h"
#include "lib/spread/sp_names.h"
#include "client/libordo/client.h"

#define WELCOME_FDS 3

static int connect_socket(const char *path, int timeout_ms, int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path))
		return ORDO_ERR_INVAL;
	strcpy(sa.sun_path, path);
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return ORDO_ERR_SYS;
	/* A Unix connect blocks only while the listener's backlog is full;
	 * SO_SNDTIMEO bounds that wait. */
	if (timeout_ms > 0) {
		struct timeval tv = { .tv_sec = timeout_ms / 1000,
				      .tv_usec = (timeout_ms % 1000) * 1000 };
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(s);
		errno = e;
		return e == EAGAIN || e == EINPROGRESS ? ORDO_ERR_TIMEOUT
						       : ORDO_ERR_CONNECT;
	}
	*out = s;
	return 0;
}

static int send_hello(int s, const char *private_name, unsigned flags)
{
	struct ordo_cp_hello h;

	memset(&h, 0, sizeof(h));
	h.hdr.magic = ORDO_CP_MAGIC;
	h.hdr.version = ORDO_CP_VERSION;
	h.hdr.type = ORDO_CP_HELLO;
	h.hdr.len = sizeof(h);
	h.hdr.seq = 1;
	if (private_name)
		strncpy(h.private_name, private_name, sizeof(h.private_name) - 1);
	h.flags = (flags & ORDO_CONNECT_MEMBERSHIP) ? ORDO_CP_F_MEMBERSHIP : 0;
	ssize_t n = send(s, &h, sizeof(h), MSG_NOSIGNAL);
	return n == (ssize_t)sizeof(h) ? 0 : ORDO_ERR_CONNECT;
}

static int refusal_to_error(int32_t status)
{
	switch (status) {
	case ORDO_CP_REJECT_QUOTA:        return ORDO_ERR_QUOTA;
	case ORDO_CP_REJECT_ILLEGAL_NAME: return ORDO_ERR_NAME;
	case ORDO_CP_REJECT_NOT_UNIQUE:   return ORDO_ERR_NOT_UNIQUE;
	case ORDO_CP_REJECT_VERSION:      return ORDO_ERR_VERSION;
	case ORDO_CP_REJECT_NOT_READY:    return ORDO_ERR_CLOSED;
	case ORDO_CP_REJECT_AUTH:         return ORDO_ERR_ACCESS;
	default:                          return ORDO_ERR_PROTO;
	}
}

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Receive WELCOME: 0 with the three fds, or an error with none open.
 * cpmsg_recv() checks it as every reader of the protocol does
 * (lib/cproto/cpmsg.h: sizes, terminated names, three descriptors with
 * an accept and none with a refusal); here what only we know. */
static int recv_welcome(int s, int timeout_ms, struct ordo_cp_welcome *w,
			int fds[WELCOME_FDS])
{
	/* Room for one byte more than a WELCOME: a longer datagram is a
	 * protocol error (CPMSG_E_TRUNC), not a silent truncation. */
	union {
		struct ordo_cp_welcome w;
		char b[sizeof(struct ordo_cp_welcome) + 1];
	} data;
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	enum cpmsg_err err;
	unsigned nfds;
	long n;
	int pr;

	for (int i = 0; i < WELCOME_FDS; i++)
		fds[i] = -1;
	do
		pr = poll(&pfd, 1, timeout_ms < 0 ? -1 : timeout_ms);
	while (pr < 0 && errno == EINTR);
	if (pr == 0)
		return ORDO_ERR_TIMEOUT;
	if (pr < 0)
		return ORDO_ERR_SYS;
	n = cpmsg_recv(s, &data, sizeof(data), fds, WELCOME_FDS, &nfds, 0, &err);
	if (n <= 0)
		return ORDO_ERR_CONNECT; /* closed without an answer, or failed */
	if (err == CPMSG_E_VERSION)
		return ORDO_ERR_VERSION;
	if (err != CPMSG_OK)
		return ORDO_ERR_PROTO;
	*w = data.w;
	int ret = ORDO_ERR_PROTO;
	if (w->hdr.type != ORDO_CP_WELCOME || w->hdr.seq != 1)
		goto fail;
	if (w->status != ORDO_CP_ACCEPT) {
		ret = refusal_to_error(w->status);
		goto fail;
	}
	if (nfds != WELCOME_FDS || sp_name_check_dest(w->private_group) != 0 ||
	    !sp_name_is_private(w->private_group))
		goto fail;
	return 0;
fail:
	close_fds(fds, (int)nfds);
	for (int i = 0; i < WELCOME_FDS; i++)
		fds[i] = -1;
	return ret;
}

static int sleep_hook(void *ctx, int timeout_ms)
{
	return ordo__sleep(ctx, timeout_ms);
}

static int attach_region(ordo_client *c, int fds[WELCOME_FDS])
{
	int r = ordo_cr_region_map(&c->map, fds[0]);
	if (r < 0)
		return r == -EPROTO ? ORDO_ERR_VERSION : ORDO_ERR_PROTO;
	fds[0] = -1;  /* the map owns it now */
	c->efd = fds[1];
	c->daemon_efd = fds[2];
	fds[1] = fds[2] = -1;
	/* We read our eventfd only when poll said so or to drain it: never
	 * block on a read, whatever flags the daemon created it with. */
	int fl = fcntl(c->efd, F_GETFL);
	if (fl >= 0)
		fcntl(c->efd, F_SETFL, fl | O_NONBLOCK);
	if (ordo_cr_prod_init(&c->prod, &c->map, ORDO_CR_SUBMIT, c->efd,
			      c->daemon_efd) < 0 ||
	    ordo_cr_cons_init(&c->cons, &c->map, ORDO_CR_DELIVER, c->efd,
			      c->daemon_efd) < 0)
		return ORDO_ERR_PROTO;
	/* A full submit ring sleeps on the socket too: a daemon that goes
	 * away wakes us at once. */
	c->prod.sleep = sleep_hook;
	c->prod.sleep_ctx = c;
	atomic_fetch_or_explicit(&c->map.hdr->client_state, ORDO_CR_STATE_READY,
				 memory_order_release);
	return 0;
}

static void release(ordo_client *c)
{
	if (c->map.base)
		ordo_cr_region_unmap(&c->map);
	if (c->efd >= 0)
		close(c->efd);
	if (c->daemon_efd >= 0)
		close(c->daemon_efd);
	if (c->sock >= 0)
		close(c->sock);
	free(c->view_buf);
	free(c);
}

int ordo_connect(const char *socket_path, const char *private_name,
		 unsigned flags, int timeout_ms, ordo_client **out)
{
	struct ordo_cp_welcome w;
	int fds[WELCOME_FDS];
	int ret;

	if (!out || (flags & ~(unsigned)ORDO_CONNECT_MEMBERSHIP))
		return ORDO_ERR_INVAL;
	*out = NULL;
	if (private_name && sp_name_check_private(private_name) != 0)
		return ORDO_ERR_NAME;
	if (!socket_path || !*socket_path)
		socket_path = getenv(ORDO_CP_SOCKET_ENV);
	if (!socket_path || !*socket_path)
		socket_path = ORDO_CP_SOCKET_DEFAULT;

	ordo_client *c = calloc(1, sizeof(*c));
	if (!c)
		return ORDO_ERR_NOMEM;
	c->sock = c->efd = c->daemon_efd = -1;
	c->map.fd = -1;
	c->flags = flags;
	c->next_msg_id = 1;

	int64_t deadline = timeout_ms < 0 ? -1 : ordo__now_ms() + timeout_ms;
	ret = connect_socket(socket_path, timeout_ms, &c->sock);
	if (ret < 0)
		goto fail;
	ret = send_hello(c->sock, private_name, flags);
	if (ret < 0)
		goto fail;
	ret = recv_welcome(c->sock, ordo__left_ms(deadline), &w, fds);
	if (ret < 0)
		goto fail;
	ret = attach_region(c, fds);
	close_fds(fds, WELCOME_FDS);
	if (ret < 0)
		goto fail;
	c->client_id = w.client_id;
	memcpy(c->private_group, w.private_group, ORDO_NAME_LEN);
	/* "#name#daemon" (recv_welcome checked it): the name's length is
	 * part of every message's header (ordo_max_message). */
	c->priv_len = (uint32_t)(strchr(c->private_group + 1, '#') -
				 (c->private_group + 1));
	memcpy(c->daemon, w.daemon, ORDO_NAME_LEN);
	*out = c;
	return 0;
fail:
	release(c);
	return ret;
}

int ordo_disconnect(ordo_client *c)
{
	if (!c)
		return ORDO_ERR_INVAL;
	if (c->map.hdr)
		atomic_fetch_or_explicit(&c->map.hdr->client_state,
					 ORDO_CR_STATE_CLOSED, memory_order_release);
	struct ordo_cp_hdr bye = {
		.magic = ORDO_CP_MAGIC, .version = ORDO_CP_VERSION,
		.type = ORDO_CP_BYE, .len = sizeof(bye), .seq = 2,
	};
	if (c->sock >= 0) {
		ssize_t n = send(c->sock, &bye, sizeof(bye),
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		(void)n;  /* a daemon already gone needs no goodbye */
	}
	release(c);
	return 0;
}

void ordo_kill(ordo_client *c)
{
	if (c)
		release(c);
}

const char *ordo_private_group(const ordo_client *c)
{
	return c ? c->private_group : NULL;
}

const char *ordo_daemon_name(const ordo_client *c)
{
	return c ? c->daemon : NULL;
}
