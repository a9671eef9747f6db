/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Control-protocol datagrams (include/ordo/ctrl_proto.h) on a
 * SOCK_SEQPACKET socket: build a header, send with or without file
 * descriptors, and receive one datagram with the checks every receiver
 * owes an untrusted peer (magic, version, type, len equal to the datagram
 * length, the fixed part's size, the number of descriptors). Shared by
 * ordo-ctrld and ordoctl; the fake peers of tests/ctrl use the same
 * header but not this code, so a bug here cannot hide in both sides.
 */
#ifndef ORDO_CTRLD_CPMSG_H
#define ORDO_CTRLD_CPMSG_H

#include <stddef.h>
#include <stdint.h>

#include "ordo/ctrl_proto.h"

/* Most descriptors one datagram carries (ATTACH: 4). */
#define CPMSG_MAX_FDS 4

/* Fill a header for a message of len bytes. */
void cpmsg_hdr(struct ordo_cp_hdr *h, enum ordo_cp_type type, uint32_t len,
	       uint32_t seq);

/* Send one datagram, with n_fds descriptors (0..CPMSG_MAX_FDS) as
 * SCM_RIGHTS. flags: MSG_DONTWAIT or 0. Returns 0 or -errno (-EMSGSIZE
 * for a partial send, which SOCK_SEQPACKET never does). */
int cpmsg_send(int sock, const void *msg, size_t len, const int *fds,
	       unsigned n_fds, int flags);

/* The fixed size of a message type (header included), 0 if unknown. */
size_t cpmsg_fixed_size(uint16_t type);
/* Whether a type has a variable tail (VIEW, REPLY, RING). */
int cpmsg_has_tail(uint16_t type);

/* Why a datagram was refused; a receiver counts them and closes the peer. */
enum cpmsg_err {
	CPMSG_OK = 0,
	CPMSG_E_SHORT,     /* shorter than a header */
	CPMSG_E_MAGIC,
	CPMSG_E_VERSION,
	CPMSG_E_TYPE,
	CPMSG_E_LEN,       /* hdr.len differs from the datagram, or the type */
	CPMSG_E_TRUNC,     /* larger than the buffer, or control data cut */
	CPMSG_E_FDS,       /* descriptors where none (or fewer) belong */
	CPMSG_E_MAX
};
const char *cpmsg_err_name(enum cpmsg_err e);

/* Receive one datagram into buf (cap bytes, >= ORDO_CP_MSG_MAX for
 * safety) without blocking when flags has MSG_DONTWAIT. Descriptors are
 * received with CLOEXEC; up to max_fds are returned in fds (count in
 * *n_fds), any beyond are closed and reported as CPMSG_E_FDS.
 * Returns the datagram length (> 0) with *err = CPMSG_OK when it passed
 * every check; the length with *err set when it did not (descriptors are
 * then already closed); 0 when the peer closed; -errno (-EAGAIN). */
long cpmsg_recv(int sock, void *buf, size_t cap, int *fds, unsigned max_fds,
		unsigned *n_fds, int flags, enum cpmsg_err *err);

/* Close n descriptors of fds and set them to -1. */
void cpmsg_close_fds(int *fds, unsigned n);

#endif /* ORDO_CTRLD_CPMSG_H */
