/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Control-protocol datagrams on the socket: send with SCM_RIGHTS, receive
 * and validate (cpmsg.h). The receive side is written for a hostile peer:
 * it never trusts the header's len (cpmsg_check() does the checking),
 * takes descriptors with CLOEXEC so that none leaks into a child, and
 * closes every descriptor that does not belong to a valid message the
 * caller can take: none is ever left open behind a refusal.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cproto/cpmsg.h"

/* Control room for more descriptors than any message carries, so that
 * extras arrive (and are closed, the message refused) instead of being
 * dropped unseen by the kernel. */
#define RECV_FDS_ROOM 16

void cpmsg_hdr(struct ordo_cp_hdr *h, enum ordo_cp_type type, uint32_t len,
	       uint32_t seq)
{
	h->magic = ORDO_CP_MAGIC;
	h->version = ORDO_CP_VERSION;
	h->type = (uint16_t)type;
	h->len = len;
	h->seq = seq;
}

int cpmsg_send(int sock, const void *msg, size_t len, const int *fds,
	       unsigned n_fds, int flags)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * CPMSG_MAX_FDS)];
	} ctl;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (n_fds > CPMSG_MAX_FDS || len > ORDO_CP_MSG_MAX)
		return -EINVAL;
	if (n_fds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
	}
	do
		n = sendmsg(sock, &mh, flags | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

void cpmsg_close_fds(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

/* Take every descriptor out of the control data into fds (room for
 * RECV_FDS_ROOM, which the control buffer cannot exceed). Returns how
 * many. */
static unsigned take_fds(struct msghdr *mh, int fds[RECV_FDS_ROOM])
{
	unsigned total = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL;
	     c = CMSG_NXTHDR(mh, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (total < RECV_FDS_ROOM)
				fds[total++] = fd;
			else
				close(fd); /* cannot happen: the buffer's size */
		}
	}
	return total;
}

long cpmsg_recv(int sock, void *buf, size_t cap, int *fds, unsigned max_fds,
		unsigned *n_fds, int flags, enum cpmsg_err *err)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * RECV_FDS_ROOM)];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	int got[RECV_FDS_ROOM];
	unsigned total;
	ssize_t n;

	*n_fds = 0;
	*err = CPMSG_OK;
	do
		n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	total = take_fds(&mh, got);
	if (n == 0 && total == 0)
		return 0;
	/* Control data cut means descriptors lost: the message is not what
	 * was sent, whatever its bytes say. */
	if (mh.msg_flags & MSG_CTRUNC)
		*err = CPMSG_E_FDS;
	else if (mh.msg_flags & MSG_TRUNC)
		*err = CPMSG_E_TRUNC;
	else if (cpmsg_check(buf, (size_t)n, total, err) >= 0 &&
		 (total > max_fds || total > CPMSG_MAX_FDS))
		*err = CPMSG_E_FDS;
	if (*err != CPMSG_OK) {
		cpmsg_close_fds(got, total);
		return n > 0 ? n : 1;
	}
	if (total > 0)
		memcpy(fds, got, sizeof(int) * total);
	*n_fds = total;
	return n;
}
