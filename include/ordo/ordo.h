/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libordo: the native client API. Links without DPDK (libordo.so / .a).
 *
 * A client connects once to the local daemon's Unix socket; from then on
 * every message goes through two shared-memory rings (submit and
 * delivery): no system call per message while both sides are busy, no copy
 * through the control process. A sleeping side is woken through an
 * eventfd; ordo_fd() exposes it for poll(2) / epoll event loops.
 *
 *   ordo_client *c;
 *   int rc = ordo_connect(NULL, "alice", ORDO_CONNECT_MEMBERSHIP, 1000, &c);
 *   ordo_join(c, "chat");
 *   ordo_multicast(c, ORDO_AGREED, "chat", 0, "hi", 2);
 *   struct ordo_event ev;  char buf[4096];
 *   rc = ordo_receive(c, &ev, buf, sizeof(buf), -1);
 *   rc = ordo_receive_view(c, &ev, -1);   // or: no copy, ev points into
 *   ordo_release(c);                      // the ring until released
 *   ordo_disconnect(c);
 *
 * Spread programs use include/sp.h instead, which is built on this.
 *
 * Every call returns 0 or a count on success and a negative enum
 * ordo_error on failure; ordo_strerror() names it. A client handle is not
 * thread-safe: use one per thread, or lock around it.
 */
#ifndef ORDO_ORDO_H
#define ORDO_ORDO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ORDO_NAME_LEN 32 /* bytes of a group or member name, NUL included */
/* Most destination groups of one message (ordo_multicastv, and Spread's
 * SP_multigroup_multicast). More is refused at the call (ORDO_ERR_GROUPS). */
#define ORDO_MAX_GROUPS 255

typedef struct ordo_client ordo_client;

enum ordo_error {
	ORDO_ERR_INVAL      = -1,  /* a bad argument (NULL, bad flag, bad size) */
	ORDO_ERR_CONNECT    = -2,  /* no daemon answered at the socket */
	ORDO_ERR_CLOSED     = -3,  /* the session is over (see ordo_close_reason) */
	ORDO_ERR_AGAIN      = -4,  /* would block (non-blocking call) */
	ORDO_ERR_TIMEOUT    = -5,  /* the timeout passed */
	ORDO_ERR_TOO_BIG    = -6,  /* message above the largest the daemon takes */
	ORDO_ERR_NAME       = -7,  /* a group or private name breaks the rules */
	ORDO_ERR_NOT_UNIQUE = -8,  /* private name already in use at the daemon */
	ORDO_ERR_ACCESS     = -9,  /* the daemon refused our credentials */
	ORDO_ERR_VERSION    = -10, /* library and daemon disagree on a layout */
	ORDO_ERR_BUFFER     = -11, /* the receive buffer is too small (kept) */
	ORDO_ERR_GROUPS     = -12, /* send: more than ORDO_MAX_GROUPS groups;
				    * receive: too many for the caller's array */
	ORDO_ERR_QUOTA      = -13, /* the daemon has no room for another client */
	ORDO_ERR_SERVICE    = -14, /* not a valid service */
	ORDO_ERR_NOMEM      = -15, /* out of memory */
	ORDO_ERR_PROTO      = -16, /* the daemon broke the protocol (a bug) */
	ORDO_ERR_SYS        = -17, /* a system call failed (errno tells) */
};
const char *ordo_strerror(int err);

/* Services: one guarantee per message; the values of wire.h's enum
 * ordo_service (which this header does not include: no wire types here). */
enum ordo_service_type {
	ORDO_UNRELIABLE = 1,
	ORDO_RELIABLE   = 2,
	ORDO_FIFO       = 3,
	ORDO_CAUSAL     = 4,
	ORDO_AGREED     = 5,
	ORDO_SAFE       = 6,
};
/* ORed into service on send: do not deliver it back to me. */
#define ORDO_SELF_DISCARD 0x100

/* ordo_connect flags */
#define ORDO_CONNECT_MEMBERSHIP 0x1 /* receive membership events */

/* Connect to the daemon at socket_path (NULL: $ORDO_SOCKET, else
 * /run/ordo/ordo.sock). private_name: 1..10 characters of '$'..'~', or
 * NULL for a generated one. timeout_ms < 0: wait as long as it takes. */
int ordo_connect(const char *socket_path, const char *private_name,
		 unsigned flags, int timeout_ms, ordo_client **out);
/* Leave every group and close; frees c. 0 or ORDO_ERR_INVAL. */
int ordo_disconnect(ordo_client *c);
/* Close without a goodbye (as if the process died); frees c. */
void ordo_kill(ordo_client *c);

/* "#name#daemon": the private group others reach this client by. */
const char *ordo_private_group(const ordo_client *c);
const char *ordo_daemon_name(const ordo_client *c);

int ordo_join(ordo_client *c, const char *group);
int ordo_leave(ordo_client *c, const char *group);

/* Send len bytes to a group (a private group reaches one client). Blocks
 * while the submit ring is full. Returns len, or a negative error:
 * ORDO_ERR_TOO_BIG when len is above ordo_max_message() for the same
 * destinations (nothing is sent; what is accepted is delivered). */
int ordo_multicast(ordo_client *c, int service, const char *group,
		   int16_t msg_type, const void *data, size_t len);
/* To n_groups groups at once (a member of several gets it once), gathered
 * from iov. Returns the bytes sent; ORDO_ERR_GROUPS above ORDO_MAX_GROUPS
 * groups. */
int ordo_multicastv(ordo_client *c, int service, int n_groups,
		    const char (*groups)[ORDO_NAME_LEN], int16_t msg_type,
		    const struct iovec *iov, int iovcnt);
/* The largest payload ordo_multicast / ordo_multicastv take to these
 * destinations: the configuration's MaxMessageSize less the group header
 * each message carries in the ring, 8 + (our private name's length) +
 * (1 + each group name's length) bytes. A negative error for bad
 * arguments (ORDO_ERR_INVAL, ORDO_ERR_GROUPS, ORDO_ERR_NAME). */
int ordo_max_message(const ordo_client *c, int n_groups,
		     const char (*groups)[ORDO_NAME_LEN]);
/* Like ordo_multicastv but never blocks: ORDO_ERR_AGAIN when full. */
int ordo_try_multicastv(ordo_client *c, int service, int n_groups,
			const char (*groups)[ORDO_NAME_LEN], int16_t msg_type,
			const struct iovec *iov, int iovcnt);

enum ordo_event_kind {
	ORDO_EV_MESSAGE = 1,    /* a multicast */
	ORDO_EV_MEMBERSHIP = 2, /* a group's membership changed */
	ORDO_EV_REJECT = 3,     /* a message of ours the daemon refused */
};

/* Membership causes: Spread's bits (sp.h), so they can be passed on. */
#define ORDO_MEMB_REGULAR      0x1000 /* REG_MEMB_MESS */
#define ORDO_MEMB_TRANSITIONAL 0x2000 /* TRANSITION_MESS */
#define ORDO_MEMB_JOIN         0x0100
#define ORDO_MEMB_LEAVE        0x0200
#define ORDO_MEMB_DISCONNECT   0x0400
#define ORDO_MEMB_NETWORK      0x0800

/* What ordo_receive() returns. Names and data point into the caller's
 * buffer (names first, then data), valid until it is reused; with
 * ordo_receive_view() into the delivery ring, valid until released. */
struct ordo_event {
	int kind;              /* enum ordo_event_kind */
	int service;           /* MESSAGE/REJECT: enum ordo_service;
				* MEMBERSHIP: ORDO_MEMB_* bits */
	int16_t msg_type;      /* MESSAGE: the sender's; MEMBERSHIP: our index */
	char sender[ORDO_NAME_LEN]; /* MESSAGE: "#name#daemon"; MEMBERSHIP: group */
	int n_groups;          /* MESSAGE: destinations; MEMBERSHIP: members */
	const char (*groups)[ORDO_NAME_LEN];
	const void *data;      /* MESSAGE: payload; MEMBERSHIP: Spread body */
	size_t len;
	uint32_t gid[3];       /* MEMBERSHIP: the view's id */
	int error;             /* REJECT: why (negative enum ordo_error) */
	uint64_t seq;          /* the daemon's delivery number */
};

/* Next event into buf. timeout_ms: < 0 block, 0 poll, > 0 wait that long.
 * Returns the payload length (>= 0), ORDO_ERR_AGAIN / ORDO_ERR_TIMEOUT,
 * ORDO_ERR_BUFFER (needs more room: the event stays queued; len holds the
 * bytes needed), ORDO_ERR_CLOSED. */
int ordo_receive(ordo_client *c, struct ordo_event *ev, void *buf,
		 size_t buflen, int timeout_ms);
/* Bytes needed to receive the next event, 0 if none is waiting. */
int ordo_pending(ordo_client *c);

/* Zero-copy receive: the next event, as ordo_receive() but with no copy
 * into the caller. ev's groups and data point straight into the delivery
 * ring (shared memory the daemon writes): the one copy of a message on
 * its way in is then the daemon's, from the frame into the ring.
 *
 * The view stays valid, and the daemon cannot write over it, until it is
 * released: by ordo_release(), or implicitly by the next ordo_receive() or
 * ordo_receive_view() on the handle (whatever it returns), or by
 * ordo_disconnect() / ordo_kill(). There is one view per handle at a time,
 * so a loop of ordo_receive_view() calls needs no ordo_release() (as
 * Aeron's poll: a fragment is valid until the handler returns);
 * ordo_release() hands the space back sooner, e.g. before the caller
 * blocks elsewhere. ordo_pending(), ordo_arm() and the send calls leave a
 * view alone. Copy what must outlive the view. Do not write through it.
 *
 * The library checks the record before handing it out (lengths in the
 * ring, names terminated, counts that add up), but the bytes stay in
 * memory the daemon shares: a view is as trustworthy as the local daemon,
 * whose process could still change them afterwards. Code that must not
 * trust even that copies first (ordo_receive()).
 *
 * A held view holds ring space: the daemon sees the ring that much
 * fuller, and when it cannot deliver it treats the client as any slow
 * reader (keeps the events in its overflow up to MaxSessionMessages, with
 * SlowConsumer = block holds local senders back first, then ends the
 * session as "slow-consumer"). Release promptly.
 *
 * An event the daemon had to split into several ring records (one whose
 * names and payload do not fit one record: a record is at most a quarter
 * of the smaller of the session's two rings) is not contiguous in the ring:
 * it is copied into a buffer the library owns, grown to the largest such
 * event and freed with the handle, and the view points there, with the
 * same lifetime rules. The caller cannot tell the two apart, except by
 * the cost.
 *
 * Every event kind and error is as ordo_receive()'s: returns the payload
 * length (>= 0), ORDO_ERR_AGAIN / ORDO_ERR_TIMEOUT, ORDO_ERR_CLOSED,
 * ORDO_ERR_PROTO (a ring record broke the format: the view is never made
 * and the session is over), ORDO_ERR_NOMEM (no memory for a fragmented
 * event's copy: it stays queued), ORDO_ERR_INVAL. Never ORDO_ERR_BUFFER. */
int ordo_receive_view(ordo_client *c, struct ordo_event *ev, int timeout_ms);
/* End the current view (none: nothing to do). 0, or ORDO_ERR_INVAL. */
int ordo_release(ordo_client *c);

/* A descriptor for poll(2)/epoll: readable when an event may be waiting,
 * provided ordo_arm() was called after the last ordo_receive() that found
 * nothing. ordo_arm() returns 1 if an event is already there (do not
 * sleep), 0 when armed. */
int ordo_fd(const ordo_client *c);
int ordo_arm(ordo_client *c);

/* Why the session closed (enum ordo_cr_disconnect in client_ring.h), and
 * its name ("client-closed", "ring-corrupt", "slow-consumer",
 * "daemon-exit"), once a call returned ORDO_ERR_CLOSED. */
int ordo_close_reason(const ordo_client *c);
const char *ordo_close_reason_name(const ordo_client *c);

/* Decode a MEMBERSHIP event's member list (ev->groups) and vs sets: the
 * body is Spread's (sp.h), read with SP_get_vs_sets_info and friends. */

#ifdef __cplusplus
}
#endif

#endif /* ORDO_ORDO_H */
