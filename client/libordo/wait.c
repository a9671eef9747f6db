/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libordo waiting: sleeping on our eventfd (ORDO_CR_DOORBELL in
 * include/ordo/client_ring.h), arming it for the caller's own poll loop,
 * and noticing that the session is over.
 *
 * We sleep on the eventfd and the control socket together: the daemon
 * marks the region closed before it lets go, but a daemon that crashed
 * cannot, and then the socket's hang-up is the only news we get.
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/libordo/client.h"

int64_t ordo__now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ordo__left_ms(int64_t deadline)
{
	if (deadline < 0)
		return -1;
	int64_t left = deadline - ordo__now_ms();
	return left > 0 ? (int)(left > 0x7fffffff ? 0x7fffffff : left) : 0;
}

bool ordo__check_closed(ordo_client *c)
{
	if (c->closed)
		return true;
	uint32_t st = atomic_load_explicit(&c->map.hdr->daemon_state,
					   memory_order_acquire);
	if (!(st & ORDO_CR_STATE_CLOSED))
		return false;
	uint32_t r = atomic_load_explicit(&c->map.hdr->disconnect_reason,
					  memory_order_relaxed);
	c->close_reason = r < ORDO_CR_DISC_MAX ? (int)r : ORDO_CR_DISC_DAEMON_EXIT;
	c->closed = true;
	return true;
}

/* The socket hung up or sent something: the daemon is gone (nothing but
 * WELCOME is ever sent to a client, so anything readable means that). */
static void socket_gone(ordo_client *c)
{
	if (ordo__check_closed(c))
		return;
	c->closed = true;
	c->close_reason = ORDO_CR_DISC_DAEMON_EXIT;
}

int ordo__sleep(ordo_client *c, int timeout_ms)
{
	struct pollfd pfd[2] = {
		{ .fd = c->efd, .events = POLLIN },
		{ .fd = c->sock, .events = POLLIN },
	};
	int n = poll(pfd, 2, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 1 : ORDO_ERR_SYS;
	if (n == 0)
		return 0;
	if (pfd[1].revents) {
		char b[64];
		ssize_t r = recv(c->sock, b, sizeof(b), MSG_DONTWAIT);
		if (r <= 0 && !(r < 0 && errno == EAGAIN)) {
			socket_gone(c);
			return ORDO_ERR_CLOSED;
		}
	}
	if (pfd[0].revents) {
		uint64_t v;
		ssize_t r = read(c->efd, &v, sizeof(v));
		(void)r;
		/* Drained; but the daemon may ring again at any moment while
		 * a sleep counter of ours is odd. */
		c->efd_state = ORDO__EFD_UNKNOWN;
	}
	return 1;
}

/* Empty the counter, if it may hold anything. */
static void drain(ordo_client *c)
{
	if (c->efd_state == ORDO__EFD_CLEAR)
		return;
	uint64_t v;
	ssize_t r = read(c->efd, &v, sizeof(v));  /* non-blocking */
	(void)r;
	c->efd_state = ORDO__EFD_CLEAR;
}

void ordo__wake(ordo_client *c)
{
	if (!c->armed)
		return;
	c->armed = false;
	c->cons.sleep_seq++;  /* even: awake */
	atomic_store_explicit(&c->cons.ctl->cons_sleep_seq, c->cons.sleep_seq,
			      memory_order_relaxed);
	/* Once per sleep, not per event: a receiver that finds events
	 * queued is not armed and makes no system call here. */
	uint64_t v;
	ssize_t r = read(c->efd, &v, sizeof(v));
	(void)r;
	/* A doorbell on its way while we woke may still land. */
	c->efd_state = ORDO__EFD_UNKNOWN;
}

int ordo_fd(const ordo_client *c)
{
	return c ? c->efd : ORDO_ERR_INVAL;
}

int ordo_arm(ordo_client *c)
{
	if (!c)
		return ORDO_ERR_INVAL;
	if (ordo_cr_cons_avail(&c->cons) || c->cons.err)
		return 1;
	/* Going to sleep: a counter left over from before (ours, or a
	 * doorbell for events already taken) would wake the poller for
	 * nothing. Drained before we arm, so a ring after it counts. */
	drain(c);
	/* A fresh odd value each time: the daemon rings once per value. */
	if (c->cons.sleep_seq & 1u)
		c->cons.sleep_seq++;
	c->cons.sleep_seq++;
	c->armed = true;
	atomic_store_explicit(&c->cons.ctl->cons_sleep_seq, c->cons.sleep_seq,
			      memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	if (ordo_cr_cons_avail(&c->cons) || c->cons.err)
		return 1;
	/* Closed and empty: wake the poller so it calls receive and hears. */
	if (ordo__check_closed(c))
		return 1;
	return 0;
}

void ordo__sync_fd(ordo_client *c)
{
	/* Events queued: the fd must be readable. It is, without a word
	 * from us, when we wrote it and nobody drained it since. */
	if (ordo_arm(c) == 1 && c->efd_state != ORDO__EFD_SET) {
		uint64_t one = 1;
		ssize_t r = write(c->efd, &one, sizeof(one));
		(void)r;
		c->efd_state = ORDO__EFD_SET;
	}
}

int ordo_close_reason(const ordo_client *c)
{
	return c ? c->close_reason : ORDO_CR_DISC_NONE;
}

const char *ordo_close_reason_name(const ordo_client *c)
{
	return ordo_cr_disconnect_name(c ? (enum ordo_cr_disconnect)c->close_reason
					 : ORDO_CR_DISC_NONE);
}

const char *ordo_strerror(int err)
{
	switch (err) {
	case ORDO_ERR_INVAL:      return "invalid argument";
	case ORDO_ERR_CONNECT:    return "no daemon answered at the socket";
	case ORDO_ERR_CLOSED:     return "session closed";
	case ORDO_ERR_AGAIN:      return "would block";
	case ORDO_ERR_TIMEOUT:    return "timed out";
	case ORDO_ERR_TOO_BIG:    return "message too big";
	case ORDO_ERR_NAME:       return "illegal group or private name";
	case ORDO_ERR_NOT_UNIQUE: return "private name already in use";
	case ORDO_ERR_ACCESS:     return "credentials refused";
	case ORDO_ERR_VERSION:    return "library and daemon versions differ";
	case ORDO_ERR_BUFFER:     return "receive buffer too small";
	case ORDO_ERR_GROUPS:     return "group array too small";
	case ORDO_ERR_QUOTA:      return "daemon has no room for another client";
	case ORDO_ERR_SERVICE:    return "invalid service";
	case ORDO_ERR_NOMEM:      return "out of memory";
	case ORDO_ERR_PROTO:      return "daemon broke the protocol";
	case ORDO_ERR_SYS:        return "system call failed";
	default:                  return err >= 0 ? "success" : "unknown error";
	}
}
