/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The flush library's private half (include/fl.h is the public one): a
 * connection's state, each group's view state machine, and the events the
 * library hands the program. Files of client/flush/ only.
 *
 * The library is a layer over sp.h, as Spread's is over its classic API:
 * it joins the daemon's group, so the daemon's membership of the group (an
 * EVS membership, ordered with the messages) drives it. Each group moves
 * through
 *
 *   JOINING --(every member of the daemon's membership agreed)--> MEMBER
 *   MEMBER --(the daemon's membership changed: flush request)--> FLUSH_REQ
 *   FLUSH_REQ --(FL_flush: FLUSH_OK sent)--> FLUSHED
 *   FLUSHED --(every member agreed)--> MEMBER (the new view delivered)
 *   any state with a view --(FL_leave)--> LEAVING --(self-leave)--> gone
 *
 * "Agreed" means: a FLUSH_OK naming the daemon's current membership of
 * the group (its group id, the target) was delivered from every member of
 * that membership. A joiner agrees at once (no flush request for a first
 * view); a member that had flushed agrees again by itself when the
 * membership changes once more before the view is installed; FLUSH_OKs for
 * an older target are stale. The view is installed at the delivery of the
 * last FLUSH_OK, which is one point of the group's total order for every
 * member of that membership: that is why members that move together
 * delivered the same messages before it. client/flush/README.md has the
 * argument for each guarantee.
 */
#ifndef ORDO_CLIENT_FL_IMPL_H
#define ORDO_CLIENT_FL_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fl.h"
#include "ordo/fl_wire.h"

/* The mess_type of the library's own messages (below the legal range). */
#define FL_CTRL_MESS_TYPE ((int16)-32768)

/* A list of names (members, destinations), grown as needed. */
struct fl_names {
	unsigned n, cap;
	char (*v)[MAX_GROUP_NAME];
};

int fl_names_reserve(struct fl_names *l, unsigned n);
int fl_names_copy(struct fl_names *dst, unsigned n, const char (*src)[MAX_GROUP_NAME]);
int fl_names_find(const struct fl_names *l, const char *name);
void fl_names_free(struct fl_names *l);

enum fl_state {
	FL_JOINING,     /* FL_join called, no view yet */
	FL_MEMBER,      /* in a view, no change pending */
	FL_FLUSH_REQ,   /* flush request delivered, FL_flush not called */
	FL_FLUSHED,     /* FL_flush called: no sending until the next view */
	FL_LEAVING,     /* FL_leave called: waiting for the self-leave */
};

struct fl_group {
	char name[MAX_GROUP_NAME];
	enum fl_state state;
	bool has_view;
	group_id view_gid;            /* the installed view */
	struct fl_names view;
	bool has_target;
	group_id target_gid;          /* the daemon's latest membership */
	struct fl_names target;
	/* per member of target (same index): its FLUSH_OK for target_gid */
	uint8_t *ok;
	uint8_t *ok_has_prev;
	group_id *ok_prev;            /* the view it comes from */
	unsigned n_ok;
	service causes;               /* causes seen since the last view */
	struct fl_group *next;
};

/* Why a delivery was not given to the program (counted per connection). */
enum fl_drop {
	FL_DROP_NOT_FL,       /* no valid flush-library header */
	FL_DROP_NO_GROUP,     /* for a group we are not in */
	FL_DROP_OTHER_VIEW,   /* sent in another view than ours (or before our
			       * first: expected for a joiner) */
	FL_DROP_NOT_MEMBER,   /* sender not in the view / membership */
	FL_DROP_STALE_OK,     /* FLUSH_OK for an older membership */
	FL_DROP_BAD_DEST,     /* destinations do not match the header */
	FL_DROP_OTHER,        /* transitional signals, unknown classes */
	FL_DROP_COUNT
};

/* One event for the program. */
struct fl_event {
	bool ready;
	service service;
	char sender[MAX_GROUP_NAME];
	struct fl_names groups;
	int16 mess_type;
	int endian;
	const char *body;
	size_t len;
};

struct fl_conn {
	mailbox mbox;
	char private_group[MAX_GROUP_NAME];
	struct fl_group *groups;
	/* the last event read from the mailbox */
	service rx_service;
	char rx_sender[MAX_GROUP_NAME];
	struct fl_names rx_groups;
	int16 rx_type;
	int rx_endian;
	char *rx_body;
	size_t rx_cap, rx_len;
	/* view and self-leave bodies built here */
	char *memb_body;
	size_t memb_cap;
	struct fl_event out;          /* ready: held for the program */
	uint64_t dropped[FL_DROP_COUNT];
};

/* fl_conn.c: the connection behind a mailbox opened by FL_connect. */
struct fl_conn *fl_conn_get(mailbox mbox);

/* fl_wire.c: the header of include/ordo/fl_wire.h, host-side. */
struct fl_wire {
	enum fl_wire_kind kind;
	bool has_view;
	group_id view, target;
	char group[MAX_GROUP_NAME];
};
void fl_wire_encode(const struct fl_wire *w, char out[FL_WIRE_LEN]);
/* 0, or -1 when len bytes are not a valid header of a known kind. */
int fl_wire_decode(const char *buf, size_t len, struct fl_wire *w);

/* fl_group.c: the group table and the view state machine. */
struct fl_group *fl_group_find(struct fl_conn *k, const char *name);
void fl_groups_free(struct fl_conn *k);
/* A membership message of the daemon in k->rx_*: 1 when k->out holds an
 * event for the program, 0 when it was the library's alone, < 0 an error
 * of the mailbox (sending a FLUSH_OK failed). */
int fl_group_on_membership(struct fl_conn *k);
/* A FLUSH_OK in k->rx_* with header w: as above. */
int fl_group_on_flush_ok(struct fl_conn *k, const struct fl_wire *w);
/* Send our FLUSH_OK for g's target. 0 or an SP error. */
int fl_group_send_ok(struct fl_conn *k, struct fl_group *g);

/* fl_group.c: group ids compared field by field. */
bool fl_gid_equal(group_id a, group_id b);

#endif /* ORDO_CLIENT_FL_IMPL_H */
