/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The group checker, part one (gcheck.h): the record indexed by client,
 * views named and compared (g-view), and each client's own history on its
 * own (g-once, g-member, g-view, g-order, g-trans). Properties between
 * clients are in gsync.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sp.h"

#include "tests/sim/gcheck.h"
#include "tests/sim/grow.h"

void gcheck_init(struct gchecker *c)
{
	memset(c, 0, sizeof(*c));
}

void gcheck_fini(struct gchecker *c)
{
	free(c->off);
	free(c->byconn);
	free(c->vid);
	free(c->vfirst);
	free(c->got);
	free(c->hasview);
	free(c->pos);
	free(c->keys);
	free(c->moves);
	memset(c, 0, sizeof(*c));
}

#define GROW(c, f, capf, n) sim_grow((void **)&(c)->f, &(c)->capf, (n), \
				      sizeof(*(c)->f))

static bool is_view(const struct glog *l, const struct gev *e)
{
	return e->kind == GEV_MEMB && (e->mservice & REG_MEMB_MESS) &&
	       e->group < l->n_groups;
}

/* ---- index ----------------------------------------------------------------*/
static int index_by_conn(struct gchecker *c, const struct glog *l)
{
	uint32_t i;

	if (GROW(c, off, cap_off, l->n_conns + 1) ||
	    GROW(c, byconn, cap_byconn, l->n_ev))
		return -ENOMEM;
	memset(c->off, 0, (l->n_conns + 1) * sizeof(*c->off));
	for (i = 0; i < l->n_ev; i++)
		if (l->ev[i].conn < l->n_conns)
			c->off[l->ev[i].conn + 1]++;
	for (i = 0; i < l->n_conns; i++)
		c->off[i + 1] += c->off[i];
	if (GROW(c, pos, cap_pos, l->n_conns + 1))
		return -ENOMEM;
	memcpy(c->pos, c->off, l->n_conns * sizeof(*c->pos));
	for (i = 0; i < l->n_ev; i++)
		if (l->ev[i].conn < l->n_conns)
			c->byconn[c->pos[l->ev[i].conn]++] = i;
	return 0;
}

/* ---- views: named by (group, gid), all givers agree ------------------------*/
struct vkey {
	uint32_t group, g0, g1, g2, ev;
};

static int by_vkey(const void *a, const void *b)
{
	const struct vkey *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->g0 != y->g0)
		return x->g0 < y->g0 ? -1 : 1;
	if (x->g1 != y->g1)
		return x->g1 < y->g1 ? -1 : 1;
	if (x->g2 != y->g2)
		return x->g2 < y->g2 ? -1 : 1;
	return x->ev < y->ev ? -1 : x->ev > y->ev;
}

static bool same_members(const struct glog *l, const struct gev *a,
			 const struct gev *b)
{
	return a->n_members == b->n_members &&
	       (a->n_members == 0 ||
		memcmp(glog_members(l, a), glog_members(l, b),
		       a->n_members * sizeof(int32_t)) == 0);
}

static int name_views(struct gchecker *c, const struct gcheck_input *in,
		      struct report *out)
{
	const struct glog *l = in->l;
	struct vkey *k;
	uint32_t i, n = 0;

	if (GROW(c, vid, cap_vid, l->n_ev) ||
	    sim_grow((void **)&c->keys, &c->cap_keys,
		      (size_t)l->n_ev * sizeof(struct vkey) / sizeof(uint64_t) + 1,
		      sizeof(uint64_t)))
		return -ENOMEM;
	k = (struct vkey *)c->keys;
	for (i = 0; i < l->n_ev; i++) {
		const struct gev *e = &l->ev[i];

		c->vid[i] = -1;
		if (is_view(l, e))
			k[n++] = (struct vkey){ e->group, e->gid[0], e->gid[1],
						e->gid[2], i };
	}
	qsort(k, n, sizeof(*k), by_vkey);
	if (GROW(c, vfirst, cap_vfirst, n))
		return -ENOMEM;
	c->n_vids = 0;
	for (i = 0; i < n; i++) {
		const struct gev *e = &l->ev[k[i].ev];

		if (i == 0 || by_vkey(&(struct vkey){ k[i - 1].group,
			k[i - 1].g0, k[i - 1].g1, k[i - 1].g2, 0 },
			&(struct vkey){ k[i].group, k[i].g0, k[i].g1, k[i].g2,
					0 }) != 0) {
			c->vfirst[c->n_vids++] = k[i].ev;
		} else {
			const struct gev *f = &l->ev[c->vfirst[c->n_vids - 1]];

			if (!same_members(l, e, f))
				report_violation(out, CHK_G_VIEW,
					"view g%u %u/%u/%u: client c%u is given "
					"%u members, client c%u %u, or other "
					"ones", e->group, e->gid[0], e->gid[1],
					e->gid[2], e->conn, e->n_members,
					f->conn, f->n_members);
		}
		c->vid[k[i].ev] = (int32_t)(c->n_vids - 1);
	}
	return 0;
}

/* ---- one client's own history ----------------------------------------------*/
void gchk_track(const struct gchecker *c, const struct glog *l, uint32_t ei,
		int32_t *view, bool *trans)
{
	const struct gev *e = &l->ev[ei];

	if (e->mservice & TRANSITION_MESS) {
		*trans = true;
	} else if (c->vid[ei] >= 0) {
		*view = (int32_t)ei;
		if (e->mservice & CAUSED_BY_NETWORK)
			*trans = false;
	} else {
		*view = -1; /* a self-leave */
		*trans = false;
	}
}

/* A view's members: known, in name order ("#c<id>#n<node>" compared as
 * strings, as the group layer orders them), the client at its index. */
static void check_list(const struct glog *l, const struct gev *e,
		       struct report *out)
{
	const int32_t *m = glog_members(l, e);
	char a[ORDO_GROUPS_NAME_LEN], b[ORDO_GROUPS_NAME_LEN];
	uint32_t i;

	for (i = 0; i < e->n_members; i++) {
		if (m[i] < 0) {
			report_violation(out, CHK_G_VIEW, "client c%u: view "
					 "g%u %u/%u/%u lists a member no client "
					 "is", e->conn, e->group, e->gid[0],
					 e->gid[1], e->gid[2]);
			return;
		}
		if (i == 0)
			continue;
		glog_full_name(l, (uint32_t)m[i - 1], a, sizeof(a));
		glog_full_name(l, (uint32_t)m[i], b, sizeof(b));
		if (strcmp(a, b) >= 0) {
			report_violation(out, CHK_G_VIEW, "client c%u: view "
					 "g%u %u/%u/%u lists %s before %s",
					 e->conn, e->group, e->gid[0], e->gid[1],
					 e->gid[2], a, b);
			return;
		}
	}
	if (e->my_index < 0 || (uint32_t)e->my_index >= e->n_members ||
	    m[e->my_index] != (int32_t)e->conn)
		report_violation(out, CHK_G_VIEW, "client c%u: view g%u "
				 "%u/%u/%u does not list it at its index %d",
				 e->conn, e->group, e->gid[0], e->gid[1],
				 e->gid[2], e->my_index);
}

/* What a client knows of one group while its history is read. */
struct gstate {
	int32_t view;      /* event index of its current view, or -1 */
	int32_t k_view;    /* its position in the client's list */
	int32_t k_trans;   /* the transitional signal whose network view has
			    * not come yet, or -1 */
};

static void check_msg(struct gchecker *c, const struct glog *l, uint32_t x,
		      const struct gev *e, const struct gstate *st,
		      struct report *out)
{
	const struct gsent *m;
	uint8_t *got;
	uint32_t g;
	bool member = false;

	if (e->msg < 0 || (uint32_t)e->msg >= l->n_sent) {
		report_violation(out, CHK_G_ONCE, "client c%u got a message no "
				 "client sent (%u bytes)", x, e->len);
		return;
	}
	m = &l->sent[e->msg];
	got = &c->got[(size_t)x * l->n_sent + (uint32_t)e->msg];
	if (*got < UINT8_MAX)
		(*got)++;
	if (*got == 2)
		report_violation(out, CHK_G_ONCE, "client c%u got message %d "
				 "of c%u twice", x, e->msg, m->conn);
	if (e->digest != m->digest || e->len != m->len)
		report_violation(out, CHK_G_ONCE, "client c%u got message %d "
				 "of c%u with other bytes (%u, sent %u)", x,
				 e->msg, m->conn, e->len, m->len);
	else if (e->sender != (int32_t)m->conn || e->groups != m->groups ||
		 e->priv != m->priv || e->bad_group ||
		 e->service != m->service || e->msg_type != m->msg_type)
		report_violation(out, CHK_G_ONCE, "client c%u got message %d "
				 "with another sender, destination, service "
				 "or type than c%u sent", x, e->msg, m->conn);
	if ((m->flags & ORDO_GM_F_SELF_DISCARD) && m->conn == x)
		report_violation(out, CHK_G_MEMBER, "client c%u got its own "
				 "SELF_DISCARD message %d", x, e->msg);
	for (g = 0; g < l->n_groups; g++)
		if ((m->groups & (1u << g)) && st[g].view >= 0)
			member = true;
	if (!member && m->priv != (int32_t)x)
		report_violation(out, CHK_G_MEMBER, "client c%u got message %d "
				 "of c%u, for none of its groups", x, e->msg,
				 m->conn);
}

static int add_move(struct gchecker *c, const struct gchk_move *mv)
{
	if (GROW(c, moves, cap_moves, c->n_moves + 1))
		return -ENOMEM;
	c->moves[c->n_moves++] = *mv;
	return 0;
}

static int check_memb(struct gchecker *c, const struct glog *l, uint32_t x,
		      uint32_t k, uint32_t ei, struct gstate *st,
		      struct report *out)
{
	const struct gev *e = &l->ev[ei];
	struct gstate *s;

	if (e->group >= l->n_groups) {
		report_violation(out, CHK_G_VIEW, "client c%u: a membership "
				 "message of an unknown group", x);
		return 0;
	}
	s = &st[e->group];
	if (e->mservice & TRANSITION_MESS) {
		const struct gev *v = s->view >= 0 ? &l->ev[s->view] : NULL;

		if (v == NULL || memcmp(v->gid, e->gid, sizeof(e->gid)) != 0)
			report_violation(out, CHK_G_TRANS, "client c%u: "
					 "transitional signal of g%u %u/%u/%u, "
					 "not its current view", x, e->group,
					 e->gid[0], e->gid[1], e->gid[2]);
		else if (s->k_trans >= 0)
			report_violation(out, CHK_G_TRANS, "client c%u: a "
					 "second transitional signal of g%u "
					 "(%u/%u/%u) before a network view", x,
					 e->group, e->gid[0], e->gid[1],
					 e->gid[2]);
		s->k_trans = (int32_t)k;
		return 0;
	}
	if (!(e->mservice & REG_MEMB_MESS)) {
		if (e->mservice != CAUSED_BY_LEAVE || s->view < 0)
			report_violation(out, CHK_G_VIEW, "client c%u: "
					 "self-leave (service 0x%x) from g%u, "
					 "which it is not in", x, e->mservice,
					 e->group);
		s->view = s->k_view = s->k_trans = -1;
		return 0;
	}
	check_list(l, e, out);
	if (c->hasview[(size_t)x * c->n_vids + (uint32_t)c->vid[ei]])
		report_violation(out, CHK_G_ORDER, "client c%u is given view "
				 "g%u %u/%u/%u twice", x, e->group, e->gid[0],
				 e->gid[1], e->gid[2]);
	c->hasview[(size_t)x * c->n_vids + (uint32_t)c->vid[ei]] = 1;
	if (s->view >= 0) {
		struct gchk_move mv = {
			.from = (uint32_t)c->vid[s->view],
			.to = (uint32_t)c->vid[ei],
			.conn = x,
			.k_from = (uint32_t)s->k_view,
			.k_to = k,
			.k_trans = s->k_trans,
		};

		if (add_move(c, &mv) != 0)
			return -ENOMEM;
	}
	s->view = (int32_t)ei;
	s->k_view = (int32_t)k;
	/* Views of joins, leaves and disconnects delivered after the
	 * signal are still in the transitional period: only the network
	 * view that the signal announced ends it. */
	if (e->mservice & CAUSED_BY_NETWORK)
		s->k_trans = -1;
	return 0;
}

static int scan_conn(struct gchecker *c, const struct gcheck_input *in,
		     uint32_t x, struct report *out)
{
	const struct glog *l = in->l;
	const struct gconn *cn = &l->conns[x];
	struct gstate st[GLOG_MAX_GROUPS];
	uint32_t n, k, g;
	const uint32_t *ev = gchk_events(c, x, &n);

	for (g = 0; g < GLOG_MAX_GROUPS; g++)
		st[g] = (struct gstate){ -1, -1, -1 };
	for (k = 0; k < n; k++) {
		const struct gev *e = &l->ev[ev[k]];

		if (e->time > cn->end)
			report_violation(out, CHK_G_MEMBER, "client c%u got "
					 "something at %.3fms, after it was "
					 "gone at %.3fms", x,
					 (double)e->time / 1e6,
					 (double)cn->end / 1e6);
		if (e->kind == GEV_MSG)
			check_msg(c, l, x, e, st, out);
		else if (e->kind == GEV_MEMB &&
			 check_memb(c, l, x, k, ev[k], st, out) != 0)
			return -ENOMEM;
	}
	if (!in->settled || cn->end != UINT64_MAX)
		return 0;
	for (g = 0; g < l->n_groups; g++)
		if (st[g].k_trans >= 0)
			report_violation(out, CHK_G_TRANS, "client c%u: the "
					 "transitional signal of g%u was never "
					 "followed by a network view", x, g);
	return 0;
}

int gcheck_run(struct gchecker *c, const struct gcheck_input *in,
	       struct report *out)
{
	const struct glog *l = in->l;
	size_t ng, nh;
	uint32_t x;

	c->n_moves = 0;
	if (index_by_conn(c, l) != 0 || name_views(c, in, out) != 0)
		return -ENOMEM;
	ng = (size_t)l->n_conns * l->n_sent;
	nh = (size_t)l->n_conns * c->n_vids;
	if (GROW(c, got, cap_got, ng) || GROW(c, hasview, cap_has, nh))
		return -ENOMEM;
	memset(c->got, 0, ng);
	memset(c->hasview, 0, nh);
	for (x = 0; x < l->n_conns; x++)
		if (scan_conn(c, in, x, out) != 0)
			return -ENOMEM;
	if (gsync_views(c, in, out) != 0 || gsync_messages(c, in, out) != 0)
		return -ENOMEM;
	return 0;
}
