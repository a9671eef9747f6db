/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libordo's private half: the client handle and the calls the Spread layer
 * (client/spread/sp_client.c) shares with the native API. Not installed.
 *
 * Receiving is split in two so that ordo_receive() and SP_receive() share
 * one reader: ordo__peek() describes the next wanted event without
 * consuming it (so a too-small buffer leaves it queued), ordo__consume()
 * streams it, fragments included, into a sink: names to one array, the body
 * to an iovec, each cut where the sink ends (Spread's DROP_RECV).
 */
#ifndef ORDO_LIBORDO_CLIENT_H
#define ORDO_LIBORDO_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "ordo/ordo.h"
#include "lib/cring/cring.h"

struct ordo_client {
	int sock;                  /* control socket, open for the session */
	int efd;                   /* ours: we sleep on it, ordo_fd() */
	int daemon_efd;            /* the daemon's: rung by the ring code */
	struct ordo_cr_map map;
	struct ordo_cr_prod prod;  /* SUBMIT */
	struct ordo_cr_cons cons;  /* DELIVER */
	unsigned flags;            /* ORDO_CONNECT_* */
	uint64_t next_msg_id;
	bool armed;                /* cons_sleep_seq is odd (ordo_arm) */
	uint8_t efd_state;         /* enum ordo__efd: what our eventfd's
				    * counter is, as far as we know */
	bool closed;               /* the session is over */
	bool broken;               /* the daemon broke the protocol */
	int close_reason;          /* enum ordo_cr_disconnect */
	uint32_t client_id;
	uint32_t priv_len;         /* our private name's length */
	char private_group[ORDO_NAME_LEN];
	char daemon[ORDO_NAME_LEN];
	/* ordo_receive_view() (view.c): while view_held, the delivery ring
	 * is released only up to view_pos, where the viewed record starts,
	 * so the daemon cannot write over it. view_buf holds the view of an
	 * event the daemon had to split into fragments (grown on demand,
	 * freed with the handle). */
	bool view_held;
	uint64_t view_pos;
	uint8_t *view_buf;
	size_t view_cap;
};

/* Our eventfd's counter. Only this process reads it (the daemon writes
 * it), so a counter we wrote stays readable until we drain it: the
 * mailbox is readable while events are queued without a write per
 * receive, and is drained once, when the ring runs empty. */
enum ordo__efd {
	ORDO__EFD_CLEAR = 0,       /* zero: drained, nobody rang since */
	ORDO__EFD_SET,             /* non-zero: we wrote it */
	ORDO__EFD_UNKNOWN,         /* the daemon may have rung it */
};

/* The next event, as the first record of it says. */
struct ordo__head {
	const struct ordo_cr_rec *rec; /* that record, in the ring: valid
				    * until consumed */
	uint32_t rec_len;          /* its length, checked against the ring */
	uint32_t rec_payload;      /* its payload bytes (after the names) */
	bool single;               /* FIRST | LAST: the whole event in it */
	int kind;                  /* enum ordo_event_kind */
	int service;               /* MESSAGE/REJECT: ordo service;
				    * MEMBERSHIP: Spread's bits (aux) */
	bool self_discard;
	int16_t msg_type;
	uint64_t msg_id;           /* MESSAGE/MEMBERSHIP: delivery seq;
				    * REJECT: ours */
	int error;                 /* REJECT: negative enum ordo_error */
	char sender[ORDO_NAME_LEN];
	uint32_t n_groups;         /* destinations or members */
	uint32_t body_len;         /* payload or Spread body */
	/* where names and body sit in the record payload stream */
	bool names_in_payload;     /* MEMBERSHIP: members are payload */
	uint32_t names_off, body_off, msg_len;
	unsigned name_skip;        /* record names before the groups (sender) */
};

/* Where ordo__consume() puts an event. Anything beyond is dropped. */
struct ordo__sink {
	char (*names)[ORDO_NAME_LEN];
	uint32_t max_names;
	const struct iovec *iov;
	int iovcnt;
};

/* Wait (timeout_ms as ordo_receive) for the next event the client wants
 * (unwanted membership events are consumed on the way). 1 and *h filled,
 * or ORDO_ERR_AGAIN / TIMEOUT / CLOSED / PROTO. */
int ordo__peek(ordo_client *c, struct ordo__head *h, int timeout_ms);
/* The event's fields ordo__peek() described, ev cleared first (both
 * receive calls; names, data and len are theirs to fill). */
void ordo__event_head(struct ordo_event *ev, const struct ordo__head *h);
/* Consume the event ordo__peek() described, into s. Blocks for the
 * fragments still to come (the daemon writes them back to back). 0 or
 * ORDO_ERR_CLOSED / PROTO. */
int ordo__consume(ordo_client *c, const struct ordo__head *h,
		  const struct ordo__sink *s);
/* Hand consumed ring space back to the daemon: all of it, or, while a
 * view is held, only what precedes the viewed record (tail order). */
static inline void ordo__cons_release(ordo_client *c)
{
	ordo_cr_release_to(&c->cons, c->view_held ? c->view_pos
						  : ordo_cr_cons_pos(&c->cons));
}
/* End the view ordo_receive_view() handed out, if any: its ring space
 * goes back to the daemon, its reassembly copy may be reused. */
static inline void ordo__view_drop(ordo_client *c)
{
	if (c->view_held) {
		c->view_held = false;
		ordo_cr_release(&c->cons);
	}
}
/* Make ordo_fd() readable if an event is already waiting, else arm it:
 * after this, poll(2) on the fd does not miss an event. No system call
 * while events stay queued and the fd is already readable (our own
 * write): one write when events appear, one drain when they run out. */
void ordo__sync_fd(ordo_client *c);
/* Leave the armed state (we are awake) and drain our eventfd: a system
 * call once per sleep, none while a receiver finds events queued. */
void ordo__wake(ordo_client *c);
/* Sleep on our eventfd and the socket: 1 woken, 0 timeout, or
 * ORDO_ERR_CLOSED when the socket closed. Callers mark their sleep seq. */
int ordo__sleep(ordo_client *c, int timeout_ms);
/* Has the daemon closed the session? Sets c->closed, c->close_reason. */
bool ordo__check_closed(ordo_client *c);
/* Milliseconds left until deadline (monotonic ms), -1 when deadline < 0. */
int64_t ordo__now_ms(void);
int ordo__left_ms(int64_t deadline);

/* A name of ORDO_NAME_LEN bytes holds a NUL. */
static inline bool ordo__name_terminated(const char *n)
{
	for (unsigned i = 0; i < ORDO_NAME_LEN; i++)
		if (!n[i])
			return true;
	return false;
}

#endif /* ORDO_LIBORDO_CLIENT_H */
