/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The group checker, part two (gcheck.h): properties between clients.
 * Views and messages in the same relative order at any two clients
 * (g-order), clients that move together saw the same thing (g-sync), SAFE
 * messages reach the view (g-safe), and the end of a settled run (g-self,
 * g-final).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sp.h"

#include "tests/sim/gcheck.h"
#include "tests/sim/grow.h"

static bool is_view_ev(const struct gchecker *c, uint32_t ei)
{
	return c->vid[ei] >= 0;
}

static int scratch(struct gchecker *c, size_t n)
{
	if (sim_grow((void **)&c->pos, &c->cap_pos, n, sizeof(*c->pos)))
		return -ENOMEM;
	memset(c->pos, 0xff, n * sizeof(*c->pos));
	return 0;
}

/* ---- order between clients -------------------------------------------------*/
int gsync_views(struct gchecker *c, const struct gcheck_input *in,
		struct report *out)
{
	const struct glog *l = in->l;
	uint32_t d, x, k, n, m;

	if (scratch(c, c->n_vids) != 0)
		return -ENOMEM;
	for (d = 0; d < l->n_conns; d++) {
		const uint32_t *ed = gchk_events(c, d, &n);

		for (k = 0; k < n; k++)
			if (is_view_ev(c, ed[k]))
				c->pos[c->vid[ed[k]]] = (int32_t)k;
		for (x = d + 1; x < l->n_conns; x++) {
			const uint32_t *ex = gchk_events(c, x, &m);
			int32_t last[GLOG_MAX_GROUPS];

			memset(last, 0xff, sizeof(last));
			for (k = 0; k < m; k++) {
				const struct gev *e = &l->ev[ex[k]];
				int32_t p;

				if (!is_view_ev(c, ex[k]))
					continue;
				p = c->pos[c->vid[ex[k]]];
				if (p < 0)
					continue;
				if (p < last[e->group]) {
					report_violation(out, CHK_G_ORDER,
						"clients c%u and c%u are given "
						"views of g%u in other orders "
						"(%u/%u/%u)", d, x, e->group,
						e->gid[0], e->gid[1], e->gid[2]);
					break;
				}
				last[e->group] = p;
			}
		}
		for (k = 0; k < n; k++)
			if (is_view_ev(c, ed[k]))
				c->pos[c->vid[ed[k]]] = -1;
	}
	return 0;
}

static bool msg_ok(const struct glog *l, const struct gev *e)
{
	return e->kind == GEV_MSG && e->msg >= 0 &&
	       (uint32_t)e->msg < l->n_sent;
}

static void msg_order(struct gchecker *c, const struct glog *l,
		      struct report *out)
{
	uint32_t d, x, k, n, m;

	for (d = 0; d < l->n_conns; d++) {
		const uint32_t *ed = gchk_events(c, d, &n);

		for (k = 0; k < n; k++)
			if (msg_ok(l, &l->ev[ed[k]]) &&
			    c->pos[l->ev[ed[k]].msg] < 0)
				c->pos[l->ev[ed[k]].msg] = (int32_t)k;
		for (x = d + 1; x < l->n_conns; x++) {
			const uint32_t *ex = gchk_events(c, x, &m);
			int32_t last = -1;

			for (k = 0; k < m; k++) {
				const struct gev *e = &l->ev[ex[k]];
				int32_t p;

				if (!msg_ok(l, e) || (p = c->pos[e->msg]) < 0)
					continue;
				if (p < last) {
					report_violation(out, CHK_G_ORDER,
						"clients c%u and c%u got "
						"messages in other orders "
						"(message %d of c%u)", d, x,
						e->msg, l->sent[e->msg].conn);
					break;
				}
				last = p;
			}
		}
		for (k = 0; k < n; k++)
			if (msg_ok(l, &l->ev[ed[k]]))
				c->pos[l->ev[ed[k]].msg] = -1;
	}
}

/* ---- moving together ---------------------------------------------------------*/
static int by_move(const void *a, const void *b)
{
	const struct gchk_move *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return x->conn < y->conn ? -1 : x->conn > y->conn;
}

/* The next message of group g at or after position *k of move mv, left out
 * a SELF_DISCARD message of a or b; -1 at the end. */
static int32_t next_in(const struct gchecker *c, const struct glog *l,
		       const struct gchk_move *mv, uint32_t g, uint32_t a,
		       uint32_t b, uint32_t *k)
{
	uint32_t n;
	const uint32_t *ev = gchk_events(c, mv->conn, &n);

	for (; *k < mv->k_to; (*k)++) {
		const struct gev *e = &l->ev[ev[*k]];
		const struct gsent *m;

		if (!msg_ok(l, e))
			continue;
		m = &l->sent[e->msg];
		if ((m->groups & (1u << g)) &&
		    !((m->flags & ORDO_GM_F_SELF_DISCARD) &&
		      (m->conn == a || m->conn == b)))
			return e->msg;
	}
	return -1;
}

static void compare_moves(const struct gchecker *c, const struct glog *l,
			  const struct gchk_move *a, const struct gchk_move *b,
			  struct report *out)
{
	const struct gev *v = &l->ev[c->vfirst[a->from]];
	const struct gev *w = &l->ev[c->vfirst[a->to]];
	uint32_t ka = a->k_from + 1, kb = b->k_from + 1;
	int32_t x, y;

	/* A transitional signal between: the view Y was reached in a
	 * transitional configuration at one of them, and two daemons in
	 * different transitional configurations may both deliver the change
	 * that makes Y (same ring, same count) after delivering different
	 * messages before it (EVS promises nothing across them). */
	if (a->k_trans >= 0 || b->k_trans >= 0)
		return;
	do {
		x = next_in(c, l, a, v->group, a->conn, b->conn, &ka);
		y = next_in(c, l, b, v->group, a->conn, b->conn, &kb);
		ka++;
		kb++;
		if (x != y) {
			report_violation(out, CHK_G_SYNC, "clients c%u and c%u "
				"moved from view g%u %u/%u/%u to %u/%u/%u, but "
				"got different messages in it (message %d "
				"vs %d)", a->conn, b->conn, v->group,
				v->gid[0], v->gid[1], v->gid[2], w->gid[0],
				w->gid[1], w->gid[2], x, y);
			return;
		}
	} while (x >= 0);
}

static void moves_together(struct gchecker *c, const struct glog *l,
			   struct report *out)
{
	uint32_t i, j;

	qsort(c->moves, c->n_moves, sizeof(*c->moves), by_move);
	for (i = 0; i < c->n_moves; i = j) {
		for (j = i + 1; j < c->n_moves &&
				c->moves[j].from == c->moves[i].from &&
				c->moves[j].to == c->moves[i].to; j++)
			compare_moves(c, l, &c->moves[i], &c->moves[j], out);
	}
}

/* ---- SAFE ----------------------------------------------------------------------*/
/* Message e at client x, in the regular part of its view v: every member
 * of v that was given v and stays connected got it too. */
static bool safe_reached(const struct gchecker *c, const struct glog *l,
			 uint32_t x, const struct gev *e, uint32_t vi,
			 struct report *out)
{
	const struct gev *v = &l->ev[vi];
	const int32_t *mem = glog_members(l, v);
	const struct gsent *m = &l->sent[e->msg];
	uint32_t i, vid = (uint32_t)c->vid[vi];

	for (i = 0; i < v->n_members; i++) {
		int32_t d = mem[i];

		if (d < 0 || (uint32_t)d >= l->n_conns || (uint32_t)d == x ||
		    l->conns[d].end != UINT64_MAX ||
		    !c->hasview[(size_t)d * c->n_vids + vid] ||
		    ((m->flags & ORDO_GM_F_SELF_DISCARD) && m->conn == (uint32_t)d))
			continue;
		if (!c->got[(size_t)d * l->n_sent + (uint32_t)e->msg]) {
			report_violation(out, CHK_G_SAFE, "client c%u got SAFE "
					 "message %d of c%u in view g%u "
					 "%u/%u/%u; c%u, in it, never did", x,
					 e->msg, m->conn, v->group, v->gid[0],
					 v->gid[1], v->gid[2], d);
			return false;
		}
	}
	return true;
}

static void safe_msgs(const struct gchecker *c, const struct glog *l,
		      struct report *out)
{
	uint32_t x, k, n, g;

	for (x = 0; x < l->n_conns; x++) {
		const uint32_t *ev = gchk_events(c, x, &n);
		int32_t view[GLOG_MAX_GROUPS];
		bool trans[GLOG_MAX_GROUPS] = { false };

		memset(view, 0xff, sizeof(view));
		for (k = 0; k < n; k++) {
			const struct gev *e = &l->ev[ev[k]];

			if (e->kind == GEV_MEMB && e->group < l->n_groups) {
				gchk_track(c, l, ev[k], &view[e->group],
					   &trans[e->group]);
				continue;
			}
			if (!msg_ok(l, e) ||
			    l->sent[e->msg].service != ORDO_SVC_SAFE)
				continue;
			for (g = 0; g < l->n_groups; g++)
				if ((l->sent[e->msg].groups & (1u << g)) &&
				    view[g] >= 0 && !trans[g] &&
				    !safe_reached(c, l, x, e, (uint32_t)view[g],
						  out))
					break;
		}
	}
}

/* ---- the end of a settled run ------------------------------------------------*/
static void self_delivery(const struct gchecker *c, const struct glog *l,
			  struct report *out)
{
	uint32_t i;

	for (i = 0; i < l->n_sent; i++) {
		const struct gsent *m = &l->sent[i];

		if (m->expect_self && m->conn < l->n_conns &&
		    l->conns[m->conn].end == UINT64_MAX &&
		    !c->got[(size_t)m->conn * l->n_sent + i]) {
			report_violation(out, CHK_G_SELF, "client c%u, connected "
					 "to the end, never got its message %u "
					 "(groups 0x%x, private %d)", m->conn, i,
					 m->groups, m->priv);
			return;
		}
	}
}

/* Client x's last membership event of group g (a view or a self-leave),
 * or -1. */
static int32_t last_memb(const struct gchecker *c, const struct glog *l,
			 uint32_t x, uint32_t g)
{
	uint32_t n, k;
	const uint32_t *ev = gchk_events(c, x, &n);

	for (k = n; k-- > 0;) {
		const struct gev *e = &l->ev[ev[k]];

		if (e->kind == GEV_MEMB && e->group == g &&
		    !(e->mservice & TRANSITION_MESS))
			return (int32_t)ev[k];
	}
	return -1;
}

static void final_views(struct gchecker *c, const struct glog *l,
			struct report *out)
{
	uint32_t g, x, i;

	for (g = 0; g < l->n_groups; g++) {
		int32_t first = -1;
		uint32_t want = 0;

		for (x = 0; x < l->n_conns; x++)
			want += l->conns[x].end == UINT64_MAX &&
				(l->conns[x].joined & (1u << g));
		for (x = 0; x < l->n_conns; x++) {
			const struct gconn *cn = &l->conns[x];
			bool in = cn->joined & (1u << g);
			int32_t e = cn->end == UINT64_MAX ? last_memb(c, l, x, g)
							 : -1;
			const struct gev *v = e >= 0 ? &l->ev[e] : NULL;
			bool ok = true;

			if (cn->end != UINT64_MAX)
				continue;
			if (!in) {
				if (v != NULL && is_view_ev(c, (uint32_t)e))
					report_violation(out, CHK_G_FINAL,
						"client c%u ends in g%u, which "
						"it left or never joined", x, g);
				continue;
			}
			if (v == NULL || !is_view_ev(c, (uint32_t)e)) {
				report_violation(out, CHK_G_FINAL, "client c%u "
						 "asked to be in g%u but ends "
						 "outside it", x, g);
				continue;
			}
			if (first < 0)
				first = c->vid[e];
			ok = c->vid[e] == first && v->n_members == want;
			for (i = 0; ok && i < v->n_members; i++) {
				int32_t d = glog_members(l, v)[i];

				ok = d >= 0 && (uint32_t)d < l->n_conns &&
				     l->conns[d].end == UINT64_MAX &&
				     (l->conns[d].joined & (1u << g));
			}
			if (!ok)
				report_violation(out, CHK_G_FINAL, "client c%u "
					"ends in view g%u %u/%u/%u of %u "
					"members; %u clients asked to be in it "
					"and are connected", x, g, v->gid[0],
					v->gid[1], v->gid[2], v->n_members,
					want);
		}
	}
}

int gsync_messages(struct gchecker *c, const struct gcheck_input *in,
		   struct report *out)
{
	const struct glog *l = in->l;

	if (scratch(c, l->n_sent) != 0)
		return -ENOMEM;
	msg_order(c, l, out);
	moves_together(c, l, out);
	if (!in->settled)
		return 0;
	safe_msgs(c, l, out);
	self_delivery(c, l, out);
	final_views(c, l, out);
	return 0;
}
