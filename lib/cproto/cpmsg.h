/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Control-protocol datagrams (include/ordo/ctrl_proto.h) on a
 * SOCK_SEQPACKET socket: build a header, send with or without file
 * descriptors, and receive one datagram with every check a receiver owes
 * an untrusted peer. The checks are one pure function, cpmsg_check(), so
 * that the three readers of the protocol (ordo-ctrld and ordoctl, ordod's
 * end of the link, libordo) refuse exactly the same datagrams and a fuzz
 * target can drive it without sockets. No DPDK: libordo compiles it in.
 * The fake peers of tests/ctrl and tests/libordo use the same protocol
 * header but not this code, so a bug here cannot hide in both sides.
 */
#ifndef ORDO_CTRL_PROTO_CPMSG_H
#define ORDO_CTRL_PROTO_CPMSG_H

#include <stddef.h>
#include <stdint.h>

#include "ordo/ctrl_proto.h"

/* Most descriptors one datagram carries (ATTACH: 4). */
#define CPMSG_MAX_FDS 4

/* Fill a header for a message of len bytes. */
void cpmsg_hdr(struct ordo_cp_hdr *h, enum ordo_cp_type type, uint32_t len,
	       uint32_t seq);

/* Send one datagram, with n_fds descriptors (0..CPMSG_MAX_FDS) as
 * SCM_RIGHTS. flags: MSG_DONTWAIT or 0. Returns 0 or -errno (-EINVAL for
 * too many descriptors or bytes, -EMSGSIZE for a partial send, which
 * SOCK_SEQPACKET never does). */
int cpmsg_send(int sock, const void *msg, size_t len, const int *fds,
	       unsigned n_fds, int flags);

/* The fixed size of a message type (header included), 0 if unknown. */
size_t cpmsg_fixed_size(uint16_t type);
/* Whether a type has a variable tail (VIEW, REPLY, RING, STATS). */
int cpmsg_has_tail(uint16_t type);

/* Why a datagram was refused; a receiver counts them and closes the peer. */
enum cpmsg_err {
	CPMSG_OK = 0,
	CPMSG_E_SHORT,     /* shorter than a header */
	CPMSG_E_MAGIC,
	CPMSG_E_VERSION,
	CPMSG_E_TYPE,
	CPMSG_E_LEN,       /* hdr.len differs from the datagram, the datagram
			    * from the type's size, or is over ORDO_CP_MSG_MAX */
	CPMSG_E_TRUNC,     /* larger than the buffer */
	CPMSG_E_FDS,       /* not the descriptors the type carries, more than
			    * the reader takes, or control data cut */
	CPMSG_E_TAIL,      /* a tail that n_members does not describe */
	CPMSG_E_NAME,      /* a name or text field without its NUL */
	CPMSG_E_MAX
};
const char *cpmsg_err_name(enum cpmsg_err e);

/* Validate one received datagram of n bytes at buf (any alignment) that
 * came with n_fds descriptors, in this order: header (SHORT, MAGIC,
 * VERSION, TYPE), size (LEN: hdr.len == n <= ORDO_CP_MSG_MAX, n equal to
 * the type's fixed size, or at least it for VIEW, REPLY, RING and STATS),
 * tail (TAIL: VIEW n_members * ORDO_CP_NAME_LEN bytes, RING n_members * 4
 * bytes with n_members <= ORDO_MAX_MEMBERS, STATS n records of 40 bytes),
 * names (NAME: every name and text array holds a NUL, VIEW's member names
 * and STATS records' labels included), descriptors
 * (FDS: ATTACH 4, WELCOME with ORDO_CP_ACCEPT 3, every other 0).
 * Returns the type (> 0) with *err = CPMSG_OK, or -1 with *err the first
 * reason found; err may be NULL. After CPMSG_E_VERSION and later reasons
 * the header may be read; after CPMSG_E_TAIL and later, the fixed part.
 * Whether the type is one this reader expects is the reader's to check. */
int cpmsg_check(const void *buf, size_t n, unsigned n_fds,
		enum cpmsg_err *err);

/* Receive one datagram into buf (cap bytes: a larger datagram is
 * CPMSG_E_TRUNC, so ORDO_CP_MSG_MAX unless the reader expects only small
 * messages; aligned for struct ordo_cp_hdr) without blocking when flags
 * has MSG_DONTWAIT. Descriptors are received with CLOEXEC and the datagram
 * goes through cpmsg_check() with their count. If it passes and they are
 * no more than max_fds, they are returned in fds (count in *n_fds, at most
 * CPMSG_MAX_FDS); otherwise every one of them is closed.
 * Returns the datagram length (> 0) with *err = CPMSG_OK when it passed;
 * a length > 0 with *err set when it did not (1 for an empty datagram
 * that carried descriptors); 0 when the peer closed; -errno (-EAGAIN). */
long cpmsg_recv(int sock, void *buf, size_t cap, int *fds, unsigned max_fds,
		unsigned *n_fds, int flags, enum cpmsg_err *err);

/* Close n descriptors of fds and set them to -1. */
void cpmsg_close_fds(int *fds, unsigned n);

#endif /* ORDO_CTRL_PROTO_CPMSG_H */
