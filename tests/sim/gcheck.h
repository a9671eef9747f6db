/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The group checker: judges a --groups run's record (glog.h) against what
 * Spread's group layer promises its clients under Extended Virtual
 * Synchrony. A view is a regular membership message of one group; views
 * are named by (group, group id). Each property is a violation kind
 * (report.h); README.md states them with their exact reading:
 *
 *   g-once    a client gets each message at most once, only messages that
 *             were sent, byte for byte, with the sender, destinations,
 *             service and type they were sent with
 *   g-member  a client gets a message only while a member of one of its
 *             destination groups (its last view of it lists it, no
 *             self-leave since) or as its private destination; never its
 *             own SELF_DISCARD message; nothing after it disconnected
 *   g-view    all clients given one view list the same members, each a
 *             known connection, in name order, with the client itself at
 *             its index; a self-leave only for a group it is in
 *   g-order   no client is given one view twice; any two clients see the
 *             views of a group they share, and the messages they share,
 *             in the same relative order
 *   g-trans   a transitional signal names the client's current view, and
 *             the network view it announces comes before another signal
 *             (and at all, at a client connected to the end of a settled
 *             run); views of joins, leaves and disconnects may come in
 *             between, still in the transitional period
 *   g-sync    two clients that move from view X to the same next view Y,
 *             neither in a transitional period between, got the same
 *             messages of that group in between, in the same order
 *   g-safe    a SAFE message a client got in the regular part of view X
 *             reaches every member of X that was given X and stays
 *             connected
 *   g-self    a client connected to the end of a settled run got every
 *             message it sent to a group it asked to be in (or to itself),
 *             unless SELF_DISCARD
 *   g-final   at the end of a settled run, every client connected to the
 *             end is, in each group, in exactly the groups it asked for,
 *             and those clients' last views of the group agree and list
 *             exactly them
 *
 * The same checker runs on corrupted copies of the record (gmutate.h), so
 * it never assumes the record is well formed.
 */
#ifndef SIM_GCHECK_H
#define SIM_GCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/sim/glog.h"
#include "tests/sim/report.h"

struct gcheck_input {
	const struct glog *l;
	bool settled;          /* the run ended quiet: end-state checks apply */
};

/* A client's move from one view of a group to its next. */
struct gchk_move {
	uint32_t from, to;     /* view ids */
	uint32_t conn;
	uint32_t k_from, k_to; /* positions in the client's event list */
	int32_t k_trans;       /* the transitional signal between, or -1 */
};

struct gchecker {
	uint32_t *off;         /* [conn + 1]: its events in byconn[] */
	uint32_t *byconn;      /* event indices, by connection, in order */
	int32_t *vid;          /* [event]: view id of a regular view, or -1 */
	uint32_t *vfirst;      /* [view id]: an event that installed it */
	uint32_t n_vids;
	uint8_t *got;          /* [conn][sent]: deliveries of it */
	uint8_t *hasview;      /* [conn][view id] */
	int32_t *pos;          /* scratch */
	uint64_t *keys;        /* scratch: sorting views */
	struct gchk_move *moves;
	uint32_t n_moves;
	size_t cap_off, cap_byconn, cap_vid, cap_vfirst, cap_got, cap_has,
	       cap_pos, cap_keys, cap_moves;
};

void gcheck_init(struct gchecker *c);
void gcheck_fini(struct gchecker *c);

/* Judge a run; findings are added to *out. 0 or -ENOMEM. */
int gcheck_run(struct gchecker *c, const struct gcheck_input *in,
	       struct report *out);

/* gcheck.c and gsync.c share these. */
static inline const uint32_t *gchk_events(const struct gchecker *c,
					  uint32_t conn, uint32_t *n)
{
	*n = c->off[conn + 1] - c->off[conn];
	return c->byconn + c->off[conn];
}

/* A client's membership event ei of one group: its current view (event
 * index, -1 when not in the group) and whether it is in the transitional
 * period (from the signal to the network view it announces). */
void gchk_track(const struct gchecker *c, const struct glog *l, uint32_t ei,
		int32_t *view, bool *trans);
/* Views: agreement, order between clients. */
int gsync_views(struct gchecker *c, const struct gcheck_input *in,
		struct report *out);
/* Messages: order between clients, moves together, SAFE, the end. */
int gsync_messages(struct gchecker *c, const struct gcheck_input *in,
		   struct report *out);

#endif /* SIM_GCHECK_H */
