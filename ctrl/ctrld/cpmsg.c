/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Control-protocol datagrams: send with SCM_RIGHTS, receive and validate.
 * The receive side is written for a hostile peer: it never trusts the
 * header's len, closes every descriptor it was not asked for, and treats
 * truncated data or control messages as a protocol error.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctrl/ctrld/cpmsg.h"

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

size_t cpmsg_fixed_size(uint16_t type)
{
	switch (type) {
	case ORDO_CP_HELLO:        return sizeof(struct ordo_cp_hello);
	case ORDO_CP_WELCOME:      return sizeof(struct ordo_cp_welcome);
	case ORDO_CP_BYE:          return sizeof(struct ordo_cp_hdr);
	case ORDO_CP_QUERY:        return sizeof(struct ordo_cp_query_msg);
	case ORDO_CP_REPLY:        return sizeof(struct ordo_cp_reply);
	case ORDO_CP_LINK_HELLO:   return sizeof(struct ordo_cp_link_hello);
	case ORDO_CP_LINK_WELCOME: return sizeof(struct ordo_cp_link_welcome);
	case ORDO_CP_ATTACH:       return sizeof(struct ordo_cp_attach);
	case ORDO_CP_ATTACHED:     return sizeof(struct ordo_cp_attached);
	case ORDO_CP_DETACH:       return sizeof(struct ordo_cp_detach);
	case ORDO_CP_DETACHED:     return sizeof(struct ordo_cp_detached);
	case ORDO_CP_CLIENT:       return sizeof(struct ordo_cp_client);
	case ORDO_CP_RING:         return sizeof(struct ordo_cp_ring);
	case ORDO_CP_VIEW:         return sizeof(struct ordo_cp_view);
	case ORDO_CP_DUMP_END:     return sizeof(struct ordo_cp_hdr);
	}
	return 0;
}

int cpmsg_has_tail(uint16_t type)
{
	return type == ORDO_CP_VIEW || type == ORDO_CP_REPLY ||
	       type == ORDO_CP_RING;
}

const char *cpmsg_err_name(enum cpmsg_err e)
{
	switch (e) {
	case CPMSG_OK:        return "ok";
	case CPMSG_E_SHORT:   return "shorter than a header";
	case CPMSG_E_MAGIC:   return "bad magic";
	case CPMSG_E_VERSION: return "unknown version";
	case CPMSG_E_TYPE:    return "unknown type";
	case CPMSG_E_LEN:     return "length does not match";
	case CPMSG_E_TRUNC:   return "truncated";
	case CPMSG_E_FDS:     return "unexpected descriptors";
	case CPMSG_E_MAX:     break;
	}
	return "?";
}

void cpmsg_close_fds(int *fds, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

/* Take the descriptors out of the control data: keep up to max, close
 * the rest. Returns how many there were in all. */
static unsigned take_fds(struct msghdr *mh, int *fds, unsigned max,
			 unsigned *kept)
{
	struct cmsghdr *c;
	unsigned total = 0;

	*kept = 0;
	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n, i;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			total++;
			if (*kept < max)
				fds[(*kept)++] = fd;
			else
				close(fd);
		}
	}
	return total;
}

long cpmsg_recv(int sock, void *buf, size_t cap, int *fds, unsigned max_fds,
		unsigned *n_fds, int flags, enum cpmsg_err *err)
{
	union {
		struct cmsghdr align;
		/* Room for more than we accept, so extras arrive (and are
		 * closed) instead of being silently dropped by the kernel. */
		char buf[CMSG_SPACE(sizeof(int) * 16)];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	const struct ordo_cp_hdr *h = buf;
	unsigned kept, total;
	size_t fixed;
	ssize_t n;

	*n_fds = 0;
	*err = CPMSG_OK;
	do
		n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	total = take_fds(&mh, fds, max_fds, &kept);
	if (n == 0 && total == 0)
		return 0;
	if (total > max_fds || (mh.msg_flags & MSG_CTRUNC)) {
		*err = CPMSG_E_FDS;
	} else if (mh.msg_flags & MSG_TRUNC) {
		*err = CPMSG_E_TRUNC;
	} else if ((size_t)n < sizeof(*h)) {
		*err = CPMSG_E_SHORT;
	} else if (h->magic != ORDO_CP_MAGIC) {
		*err = CPMSG_E_MAGIC;
	} else if (h->version != ORDO_CP_VERSION) {
		*err = CPMSG_E_VERSION;
	} else if ((fixed = cpmsg_fixed_size(h->type)) == 0) {
		*err = CPMSG_E_TYPE;
	} else if (h->len != (size_t)n || (size_t)n < fixed ||
		   ((size_t)n > fixed && !cpmsg_has_tail(h->type))) {
		*err = CPMSG_E_LEN;
	}
	if (*err != CPMSG_OK) {
		cpmsg_close_fds(fds, kept);
		return n > 0 ? n : 1;
	}
	*n_fds = kept;
	return n;
}
