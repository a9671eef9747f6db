/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The flush library's groups: FL_join, FL_leave, FL_flush, and the view
 * state machine that the daemon's membership messages and the members'
 * FLUSH_OKs drive (fl_impl.h has the states and why it is correct).
 */
#include <stdlib.h>
#include <string.h>

#include "client/flush/fl_impl.h"
#include "lib/spread/sp_memb.h"

#define CAUSES (CAUSED_BY_JOIN | CAUSED_BY_LEAVE | CAUSED_BY_DISCONNECT | \
		CAUSED_BY_NETWORK)

bool fl_gid_equal(group_id a, group_id b)
{
	return a.id[0] == b.id[0] && a.id[1] == b.id[1] && a.id[2] == b.id[2];
}

struct fl_group *fl_group_find(struct fl_conn *k, const char *name)
{
	for (struct fl_group *g = k->groups; g; g = g->next)
		if (!strncmp(g->name, name, MAX_GROUP_NAME))
			return g;
	return NULL;
}

static void group_free(struct fl_group *g)
{
	fl_names_free(&g->view);
	fl_names_free(&g->target);
	free(g->ok);
	free(g->ok_has_prev);
	free(g->ok_prev);
	free(g);
}

static void group_remove(struct fl_conn *k, struct fl_group *g)
{
	for (struct fl_group **p = &k->groups; *p; p = &(*p)->next)
		if (*p == g) {
			*p = g->next;
			group_free(g);
			return;
		}
}

void fl_groups_free(struct fl_conn *k)
{
	while (k->groups)
		group_remove(k, k->groups);
}

int FL_join(mailbox mbox, const char *group_name)
{
	struct fl_conn *k = fl_conn_get(mbox);
	struct fl_group *g;
	int ret;

	if (!k)
		return ILLEGAL_SESSION;
	if (!group_name || fl_group_find(k, group_name))
		return ILLEGAL_GROUP;
	g = calloc(1, sizeof(*g));
	if (!g)
		return ILLEGAL_GROUP;
	ret = SP_join(mbox, group_name);
	if (ret < 0) {
		free(g);
		return ret;
	}
	strncpy(g->name, group_name, MAX_GROUP_NAME - 1);
	g->state = FL_JOINING;
	g->next = k->groups;
	k->groups = g;
	return 0;
}

int FL_leave(mailbox mbox, const char *group_name)
{
	struct fl_conn *k = fl_conn_get(mbox);
	struct fl_group *g;
	int ret;

	if (!k)
		return ILLEGAL_SESSION;
	g = group_name ? fl_group_find(k, group_name) : NULL;
	if (!g || !g->has_view || g->state == FL_LEAVING)
		return ILLEGAL_GROUP;
	ret = SP_leave(mbox, group_name);
	if (ret < 0)
		return ret;
	g->state = FL_LEAVING;
	return 0;
}

int fl_group_send_ok(struct fl_conn *k, struct fl_group *g)
{
	struct fl_wire w = {
		.kind = FL_WIRE_FLUSH_OK, .has_view = g->has_view,
		.view = g->view_gid, .target = g->target_gid,
	};
	char hdr[FL_WIRE_LEN];

	memcpy(w.group, g->name, MAX_GROUP_NAME);
	fl_wire_encode(&w, hdr);
	/* AGREED: the FLUSH_OKs must fall at one point of the group's total
	 * order, after everything their senders sent in the view. */
	int ret = SP_multicast(k->mbox, AGREED_MESS, g->name, FL_CTRL_MESS_TYPE,
			       FL_WIRE_LEN, hdr);
	return ret < 0 ? ret : 0;
}

int FL_flush(mailbox mbox, const char *group_name)
{
	struct fl_conn *k = fl_conn_get(mbox);
	struct fl_group *g;
	int ret;

	if (!k)
		return ILLEGAL_SESSION;
	g = group_name ? fl_group_find(k, group_name) : NULL;
	if (!g || !g->has_view)
		return ILLEGAL_GROUP;
	if (g->state != FL_FLUSH_REQ)
		return ILLEGAL_STATE;
	ret = fl_group_send_ok(k, g);
	if (ret < 0)
		return ret;
	g->state = FL_FLUSHED;
	return 0;
}

/* The daemon's new membership of g: members in k->rx_groups, id gid. */
static int set_target(struct fl_group *g, const struct fl_names *members,
		      group_id gid)
{
	unsigned n = members->n;

	if (fl_names_copy(&g->target, n, (const char (*)[MAX_GROUP_NAME])members->v) < 0)
		return -1;
	if (n > g->n_ok) {
		uint8_t *a = realloc(g->ok, n), *b = realloc(g->ok_has_prev, n);
		group_id *c = realloc(g->ok_prev, n * sizeof(*c));

		if (a)
			g->ok = a;
		if (b)
			g->ok_has_prev = b;
		if (c)
			g->ok_prev = c;
		if (!a || !b || !c)
			return -1;
		g->n_ok = n;
	}
	memset(g->ok, 0, n);
	memset(g->ok_has_prev, 0, n);
	g->target_gid = gid;
	g->has_target = true;
	return 0;
}

/* One cause for the program: the only one seen since the last view, or
 * NETWORK when several changes were folded into this view. */
static service view_cause(service causes)
{
	switch (causes & CAUSES) {
	case CAUSED_BY_JOIN:
	case CAUSED_BY_LEAVE:
	case CAUSED_BY_DISCONNECT:
	case CAUSED_BY_NETWORK:
		return causes & CAUSES;
	}
	return CAUSED_BY_NETWORK;
}

static int memb_room(struct fl_conn *k, size_t need)
{
	if (need <= k->memb_cap)
		return 0;
	char *b = realloc(k->memb_body, need);
	if (!b)
		return -1;
	k->memb_body = b;
	k->memb_cap = need;
	return 0;
}

/* Every member of the target agreed: the target becomes the view. */
static int install(struct fl_conn *k, struct fl_group *g)
{
	struct fl_names vs = { 0 };
	struct fl_event *e = &k->out;
	int me = fl_names_find(&g->target, k->private_group);
	int ret = -1;

	/* Our vs set: the members that come from the view we come from (a
	 * first view comes from none: we alone). */
	for (unsigned i = 0; i < g->target.n; i++) {
		bool with_us = g->has_view ?
			g->ok_has_prev[i] && fl_gid_equal(g->ok_prev[i], g->view_gid) :
			(int)i == me;
		if (!with_us)
			continue;
		if (fl_names_reserve(&vs, vs.n + 1) < 0)
			goto out;
		memcpy(vs.v[vs.n++], g->target.v[i], MAX_GROUP_NAME);
	}
	struct sp_memb_set set = { vs.n, (const char (*)[MAX_GROUP_NAME])vs.v };
	size_t need = sp_memb_len(&set, 1);
	if (memb_room(k, need) < 0)
		goto out;
	int len = sp_memb_encode(k->memb_body, k->memb_cap, &g->target_gid, &set, 1, 0,
				 false);
	if (len < 0 || fl_names_copy(&g->view, g->target.n,
				     (const char (*)[MAX_GROUP_NAME])g->target.v) < 0 ||
	    fl_names_copy(&e->groups, g->target.n,
			  (const char (*)[MAX_GROUP_NAME])g->target.v) < 0)
		goto out;
	e->service = REG_MEMB_MESS | (g->has_view ? view_cause(g->causes) : CAUSED_BY_JOIN);
	memcpy(e->sender, g->name, MAX_GROUP_NAME);
	e->mess_type = (int16)me;
	e->endian = 0;
	e->body = k->memb_body;
	e->len = (size_t)len;
	e->ready = true;
	g->view_gid = g->target_gid;
	g->has_view = true;
	g->state = FL_MEMBER;
	g->causes = 0;
	g->has_target = false;
	ret = 1;
out:
	fl_names_free(&vs);
	return ret;
}

static int flush_request(struct fl_conn *k, struct fl_group *g)
{
	struct fl_event *e = &k->out;

	e->service = FLUSH_REQ_MESS;
	memcpy(e->sender, g->name, MAX_GROUP_NAME);
	e->groups.n = 0;
	e->mess_type = 0;
	e->endian = 0;
	e->body = NULL;
	e->len = 0;
	e->ready = true;
	g->state = FL_FLUSH_REQ;
	return 1;
}

static int self_leave(struct fl_conn *k, struct fl_group *g)
{
	struct fl_event *e = &k->out;
	group_id gid = g->view_gid;

	if (memb_room(k, sizeof(group_id)) < 0)
		return -1;
	int len = sp_memb_encode_gid(k->memb_body, k->memb_cap, &gid, false);
	if (len < 0)
		return -1;
	e->service = CAUSED_BY_LEAVE;
	memcpy(e->sender, g->name, MAX_GROUP_NAME);
	e->groups.n = 0;
	e->mess_type = 0;
	e->endian = 0;
	e->body = k->memb_body;
	e->len = (size_t)len;
	e->ready = true;
	group_remove(k, g);
	return 1;
}

int fl_group_on_membership(struct fl_conn *k)
{
	struct fl_group *g = fl_group_find(k, k->rx_sender);
	service s = k->rx_service;
	membership_info info;

	if (!g) {
		k->dropped[FL_DROP_NO_GROUP]++;
		return 0;
	}
	if (Is_self_leave(s))
		return self_leave(k, g);
	if (!Is_reg_memb_mess(s) || g->state == FL_LEAVING) {
		/* Transitional signals: the flush replaces them. A member on
		 * its way out agrees to nothing more; its leave will change
		 * the membership again for the others. */
		k->dropped[FL_DROP_OTHER]++;
		return 0;
	}
	if (sp_memb_info(k->rx_body, k->rx_len, s, &info) != 1 ||
	    fl_names_find(&k->rx_groups, k->private_group) < 0) {
		k->dropped[FL_DROP_OTHER]++;
		return 0;
	}
	if (set_target(g, &k->rx_groups, info.gid) < 0)
		return SP_BUG;
	g->causes |= s & CAUSES;
	switch (g->state) {
	case FL_JOINING:
	case FL_FLUSHED:
		/* Agreed already (a joiner by joining): again, for this one. */
		return fl_group_send_ok(k, g);
	case FL_MEMBER:
		return flush_request(k, g);
	case FL_FLUSH_REQ:
	case FL_LEAVING:
		break;
	}
	return 0;
}

int fl_group_on_flush_ok(struct fl_conn *k, const struct fl_wire *w)
{
	struct fl_group *g = fl_group_find(k, w->group);
	int i;

	if (!g || g->state == FL_LEAVING) {
		k->dropped[FL_DROP_NO_GROUP]++;
		return 0;
	}
	if (!g->has_target) {
		/* Late: its target is installed already. */
		k->dropped[FL_DROP_STALE_OK]++;
		return 0;
	}
	if (k->rx_groups.n != 1 || strncmp(k->rx_groups.v[0], g->name, MAX_GROUP_NAME)) {
		k->dropped[FL_DROP_BAD_DEST]++;
		return 0;
	}
	if (!fl_gid_equal(w->target, g->target_gid)) {
		k->dropped[FL_DROP_STALE_OK]++;
		return 0;
	}
	i = fl_names_find(&g->target, k->rx_sender);
	if (i < 0) {
		k->dropped[FL_DROP_NOT_MEMBER]++;
		return 0;
	}
	g->ok[i] = 1;
	g->ok_has_prev[i] = w->has_view;
	g->ok_prev[i] = w->view;
	for (unsigned j = 0; j < g->target.n; j++)
		if (!g->ok[j])
			return 0;
	/* Our own FLUSH_OK is among them, so we agreed: JOINING or FLUSHED. */
	if (g->state != FL_JOINING && g->state != FL_FLUSHED)
		return SP_BUG;
	return install(k, g);
}
