/* SPDX-License-Identifier: BSD-3-Clause
 *
 * FL_receive and FL_scat_receive: read the mailbox (SP_receive into the
 * library's own buffers, grown to fit), let the view state machine and the
 * header checks decide what the program sees, and copy that out with
 * Spread's short-buffer rules. An event that does not fit stays held in
 * the connection (FL_more_msgs counts it) until a receive with room takes
 * it, or DROP_RECV cuts it.
 *
 * What a program never sees: the library's FLUSH_OKs, the daemon's
 * membership messages (flush requests and views replace them), messages
 * without a valid header (another kind of client in the group), messages
 * sent in another view than the receiver's (a joiner gets the tail of the
 * view before its first one: that is how it is kept out of it), and
 * messages from senders outside the view. Each is counted by reason.
 */
#include <stdlib.h>
#include <string.h>

#include "client/flush/fl_impl.h"

/* Largest message the library will make room for: ordo's engine bound
 * (ORDO_CR_MAX_MSG, 64 MiB) and the header. */
#define FL_RX_MAX ((64u << 20) + FL_WIRE_LEN)

static int body_room(struct fl_conn *k, size_t need)
{
	if (need <= k->rx_cap)
		return 0;
	if (need > FL_RX_MAX)
		return -1;
	size_t cap = k->rx_cap ? k->rx_cap : 4096;
	while (cap < need)
		cap *= 2;
	char *b = realloc(k->rx_body, cap);
	if (!b)
		return -1;
	k->rx_body = b;
	k->rx_cap = cap;
	return 0;
}

/* The next event of the mailbox into k->rx_*. 0, WOULD_BLOCK, or an
 * SP_receive error. */
static int pull(struct fl_conn *k, bool dont_block)
{
	if (!k->rx_groups.cap && fl_names_reserve(&k->rx_groups, 8) < 0)
		return SP_BUG;
	if (body_room(k, 4096) < 0)
		return SP_BUG;
	for (;;) {
		service svc = 0;
		int ng = 0, endian = 0, ret;

		if (dont_block) {
			ret = SP_poll(k->mbox);
			if (ret < 0)
				return ret;
			if (ret == 0)
				return WOULD_BLOCK;
		}
		ret = SP_receive(k->mbox, &svc, k->rx_sender, (int)k->rx_groups.cap, &ng,
				 k->rx_groups.v, &k->rx_type, &endian, (int)k->rx_cap,
				 k->rx_body);
		if (ret == GROUPS_TOO_SHORT || ret == BUFFER_TOO_SHORT) {
			/* Still queued: make room and take it again. */
			if (ng < 0 && fl_names_reserve(&k->rx_groups, (unsigned)-ng) < 0)
				return SP_BUG;
			if (endian < 0 && body_room(k, (size_t)-endian) < 0)
				return SP_BUG;
			continue;
		}
		if (ret < 0)
			return ret;
		k->rx_service = svc;
		k->rx_groups.n = (unsigned)ng;
		k->rx_endian = endian;
		k->rx_len = (size_t)ret;
		return 0;
	}
}

/* A message of the program's (after the header) as the event. */
static int message(struct fl_conn *k, service s, unsigned n_names,
		   const char (*names)[MAX_GROUP_NAME], const char *extra)
{
	struct fl_event *e = &k->out;

	if (fl_names_copy(&e->groups, n_names, names) < 0 ||
	    (extra && fl_names_reserve(&e->groups, n_names + 1) < 0))
		return SP_BUG;
	if (extra) {
		memset(e->groups.v[n_names], 0, MAX_GROUP_NAME);
		memcpy(e->groups.v[n_names], extra, strnlen(extra, MAX_GROUP_NAME - 1));
		e->groups.n = n_names + 1;
	}
	e->service = s;
	memcpy(e->sender, k->rx_sender, MAX_GROUP_NAME);
	e->mess_type = k->rx_type;
	e->endian = k->rx_endian;
	e->body = k->rx_body + FL_WIRE_LEN;
	e->len = k->rx_len - FL_WIRE_LEN;
	e->ready = true;
	return 1;
}

/* Sent in g's view as we have it, by a member of it? */
static bool in_our_view(struct fl_conn *k, struct fl_group *g, const struct fl_wire *w)
{
	if (!g) {
		k->dropped[FL_DROP_NO_GROUP]++;
		return false;
	}
	if (!g->has_view || !fl_gid_equal(g->view_gid, w->view)) {
		k->dropped[FL_DROP_OTHER_VIEW]++;
		return false;
	}
	if (fl_names_find(&g->view, k->rx_sender) < 0) {
		k->dropped[FL_DROP_NOT_MEMBER]++;
		return false;
	}
	return true;
}

/* What k->rx_* is for the program: 1 when k->out is ready, 0 when it was
 * consumed here, < 0 an error. */
static int process(struct fl_conn *k)
{
	service s = k->rx_service;
	struct fl_wire w;
	struct fl_group *g;

	if (Is_membership_mess(s))
		return fl_group_on_membership(k);
	if (Is_reject_mess(s)) {
		/* The daemon refused one of our sends: the program learns
		 * it as in Spread (the body is not sent back). */
		struct fl_event *e = &k->out;

		if (fl_names_copy(&e->groups, k->rx_groups.n,
				  (const char (*)[MAX_GROUP_NAME])k->rx_groups.v) < 0)
			return SP_BUG;
		e->service = s;
		memcpy(e->sender, k->rx_sender, MAX_GROUP_NAME);
		e->mess_type = k->rx_type;
		e->endian = k->rx_endian;
		e->body = k->rx_body;
		e->len = 0;
		e->ready = true;
		return 1;
	}
	if (!Is_regular_mess(s) || fl_wire_decode(k->rx_body, k->rx_len, &w) < 0) {
		k->dropped[FL_DROP_NOT_FL]++;
		return 0;
	}
	switch (w.kind) {
	case FL_WIRE_FLUSH_OK:
		return fl_group_on_flush_ok(k, &w);
	case FL_WIRE_DATA:
		/* To the group and nowhere else. */
		if (k->rx_groups.n != 1 ||
		    strncmp(k->rx_groups.v[0], w.group, MAX_GROUP_NAME)) {
			k->dropped[FL_DROP_BAD_DEST]++;
			return 0;
		}
		g = fl_group_find(k, w.group);
		if (!in_our_view(k, g, &w))
			return 0;
		return message(k, s, 1, (const char (*)[MAX_GROUP_NAME])k->rx_groups.v, NULL);
	case FL_WIRE_SUBGROUP:
		/* To private groups, ours among them. */
		if (fl_names_find(&k->rx_groups, k->private_group) < 0) {
			k->dropped[FL_DROP_BAD_DEST]++;
			return 0;
		}
		g = fl_group_find(k, w.group);
		if (!in_our_view(k, g, &w))
			return 0;
		return message(k, s | SUBGROUP_CAST, k->rx_groups.n,
			       (const char (*)[MAX_GROUP_NAME])k->rx_groups.v, w.group);
	case FL_WIRE_PRIVATE:
		return message(k, s, k->rx_groups.n,
			       (const char (*)[MAX_GROUP_NAME])k->rx_groups.v, NULL);
	}
	k->dropped[FL_DROP_NOT_FL]++;
	return 0;
}

/* Copy the held event into the program's buffers (fl.h's rules). */
static int copy_out(struct fl_conn *k, bool drop, service *serv_type,
		    char *sender, int max_groups, int *num_groups,
		    char groups[][MAX_GROUP_NAME], int16 *mess_type,
		    int *endian_mismatch, const scatter *scat, size_t cap)
{
	struct fl_event *e = &k->out;
	bool groups_short = e->groups.n > (unsigned)max_groups;
	bool body_short = e->len > cap;

	*serv_type = e->service;
	memcpy(sender, e->sender, MAX_GROUP_NAME);
	*mess_type = e->mess_type;
	if (!drop && (groups_short || body_short)) {
		*num_groups = groups_short ? -(int)e->groups.n : 0;
		*endian_mismatch = body_short ? -(int)e->len : 0;
		return groups_short ? GROUPS_TOO_SHORT : BUFFER_TOO_SHORT;
	}
	unsigned ng = groups_short ? (unsigned)max_groups : e->groups.n;
	if (ng)
		memcpy(groups, e->groups.v, (size_t)ng * MAX_GROUP_NAME);
	size_t left = body_short ? cap : e->len, off = 0;
	for (size_t i = 0; i < scat->num_elements && left; i++) {
		size_t n = scat->elements[i].len < left ? scat->elements[i].len : left;

		memcpy(scat->elements[i].buf, e->body + off, n);
		off += n;
		left -= n;
	}
	e->ready = false;
	*num_groups = groups_short ? -(int)e->groups.n : (int)e->groups.n;
	*endian_mismatch = body_short ? -(int)e->len : e->endian;
	return body_short ? BUFFER_TOO_SHORT : (int)e->len;
}

static int receive(mailbox mbox, service *serv_type, char *sender, int max_groups,
		   int *num_groups, char groups[][MAX_GROUP_NAME], int16 *mess_type,
		   int *endian_mismatch, const scatter *scat, size_t cap, int *more_msgs)
{
	struct fl_conn *k = fl_conn_get(mbox);
	bool dont_block, drop;
	int ret;

	if (!k)
		return ILLEGAL_SESSION;
	if (!serv_type || !sender || !num_groups || !mess_type || !endian_mismatch)
		return ILLEGAL_MESSAGE;
	if (max_groups < 0)
		return ILLEGAL_PARAM;
	if (max_groups && !groups)
		return ILLEGAL_MESSAGE;
	dont_block = *serv_type & DONT_BLOCK;
	drop = *serv_type & DROP_RECV;
	while (!k->out.ready) {
		ret = pull(k, dont_block);
		if (ret < 0)
			return ret;
		ret = process(k);
		if (ret < 0)
			return ret;
	}
	ret = copy_out(k, drop, serv_type, sender, max_groups, num_groups, groups,
		       mess_type, endian_mismatch, scat, cap);
	if (more_msgs)
		*more_msgs = k->out.ready ? 1 : 0;
	return ret;
}

int FL_receive(mailbox mbox, service *serv_type, char *sender_name,
	       int max_groups, int *num_groups, char group_names[][MAX_GROUP_NAME],
	       int16 *mess_type, int *endian_mismatch, int max_mess_len,
	       char *mess, int *more_msgs)
{
	scatter s = { .num_elements = 1 };

	if (max_mess_len < 0)
		return ILLEGAL_PARAM;
	if (max_mess_len && !mess)
		return ILLEGAL_MESSAGE;
	s.elements[0].buf = mess;
	s.elements[0].len = (size_t)max_mess_len;
	return receive(mbox, serv_type, sender_name, max_groups, num_groups,
		       group_names, mess_type, endian_mismatch, &s,
		       (size_t)max_mess_len, more_msgs);
}

int FL_scat_receive(mailbox mbox, service *serv_type, char *sender_name,
		    int max_groups, int *num_groups, char group_names[][MAX_GROUP_NAME],
		    int16 *mess_type, int *endian_mismatch, scatter *scat_mess,
		    int *more_msgs)
{
	size_t cap = 0;

	if (!scat_mess || scat_mess->num_elements > MAX_CLIENT_SCATTER_ELEMENTS)
		return ILLEGAL_MESSAGE;
	for (size_t i = 0; i < scat_mess->num_elements; i++) {
		if (scat_mess->elements[i].len && !scat_mess->elements[i].buf)
			return ILLEGAL_MESSAGE;
		cap += scat_mess->elements[i].len;
	}
	return receive(mbox, serv_type, sender_name, max_groups, num_groups,
		       group_names, mess_type, endian_mismatch, scat_mess, cap,
		       more_msgs);
}
