/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The group checker's mutations; see gmutate.h. Victims are chosen on the
 * clean record (t->chk indexes it), from a random start, so a missed
 * mutation replays with its seed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sp.h"

#include "tests/sim/gmutate.h"

#define PRNG_GMUTATE 6u

static bool is_msg(const struct glog *l, uint32_t i)
{
	const struct gev *e = &l->ev[i];

	return e->kind == GEV_MSG && e->msg >= 0 &&
	       (uint32_t)e->msg < l->n_sent;
}

static bool is_trans(const struct glog *l, uint32_t i)
{
	return l->ev[i].kind == GEV_MEMB &&
	       (l->ev[i].mservice & TRANSITION_MESS) &&
	       l->ev[i].group < l->n_groups;
}

static bool has_view(const struct gchecker *c, uint32_t x, int32_t vid)
{
	return vid >= 0 && c->hasview[(size_t)x * c->n_vids + (uint32_t)vid];
}

static bool got(const struct gchecker *c, const struct glog *l, uint32_t x,
		int32_t msg)
{
	return c->got[(size_t)x * l->n_sent + (uint32_t)msg] != 0;
}

static void ev_remove(struct glog *l, uint32_t i)
{
	memmove(&l->ev[i], &l->ev[i + 1], (l->n_ev - i - 1) * sizeof(*l->ev));
	l->n_ev--;
}

static int ev_dup(struct glog *l, uint32_t i)
{
	if (glog_ev_new(l) == NULL)
		return -ENOMEM;
	memmove(&l->ev[i + 1], &l->ev[i], (l->n_ev - i - 1) * sizeof(*l->ev));
	return 0;
}

/* Swap what two events are, not when they happened. */
static void ev_swap(struct glog *l, uint32_t i, uint32_t j)
{
	struct gev t = l->ev[i];
	uint64_t ti = l->ev[i].time, tj = l->ev[j].time;

	l->ev[i] = l->ev[j];
	l->ev[j] = t;
	l->ev[i].time = ti;
	l->ev[j].time = tj;
}

/* An event index, from a random start, for which ok() holds; -1 if none. */
typedef bool (*ev_ok)(const struct gmut_target *t, uint32_t i, uint32_t *aux);

static int32_t pick(const struct gmut_target *t, ev_ok ok, uint32_t *aux)
{
	uint32_t n = t->l->n_ev, s, k;

	if (n == 0)
		return -1;
	s = (uint32_t)prng_below(t->rng, n);
	for (k = 0; k < n; k++)
		if (ok(t, (s + k) % n, aux))
			return (int32_t)((s + k) % n);
	return -1;
}

/* The position of global event i in its client's list. */
static uint32_t pos_in(const struct gchecker *c, uint32_t conn, uint32_t i)
{
	uint32_t n, k;
	const uint32_t *ev = gchk_events(c, conn, &n);

	for (k = 0; k < n && ev[k] != i; k++)
		;
	return k;
}

/* ---- g-once ------------------------------------------------------------------*/
static bool any_msg(const struct gmut_target *t, uint32_t i, uint32_t *aux)
{
	(void)aux;
	return is_msg(t->l, i);
}

static int m_dup(struct gmut_target *t, char *d, size_t n)
{
	int32_t i = pick(t, any_msg, NULL);

	if (i < 0)
		return -ENOENT;
	snprintf(d, n, "client c%u got message %d twice", t->l->ev[i].conn,
		 t->l->ev[i].msg);
	return ev_dup(t->l, (uint32_t)i);
}

static int m_corrupt(struct gmut_target *t, char *d, size_t n)
{
	int32_t i = pick(t, any_msg, NULL);

	if (i < 0)
		return -ENOENT;
	t->l->ev[i].digest ^= 1u << (prng_below(t->rng, 64) & 31);
	snprintf(d, n, "client c%u got message %d with a bit flipped",
		 t->l->ev[i].conn, t->l->ev[i].msg);
	return 0;
}

static int m_invent(struct gmut_target *t, char *d, size_t n)
{
	int32_t i = pick(t, any_msg, NULL);

	if (i < 0)
		return -ENOENT;
	t->l->ev[i].msg = GLOG_UNKNOWN;
	snprintf(d, n, "client c%u got a message nobody sent",
		 t->l->ev[i].conn);
	return 0;
}

/* ---- g-member ----------------------------------------------------------------*/
/* Message i to named groups only, and a client that never had a
 * membership message of any of them (in aux). */
static bool outsider(const struct gmut_target *t, uint32_t i, uint32_t *aux)
{
	const struct glog *l = t->l;
	const struct gsent *m;
	uint32_t y, k, n;

	if (!is_msg(l, i))
		return false;
	m = &l->sent[l->ev[i].msg];
	if (m->priv != GLOG_NONE)
		return false;
	for (y = 0; y < l->n_conns; y++) {
		const uint32_t *ev = gchk_events(t->chk, y, &n);

		if (y == m->conn || got(t->chk, l, y, l->ev[i].msg))
			continue;
		for (k = 0; k < n; k++)
			if (l->ev[ev[k]].kind == GEV_MEMB &&
			    l->ev[ev[k]].group < l->n_groups &&
			    (m->groups & (1u << l->ev[ev[k]].group)))
				break;
		if (k == n) {
			*aux = y;
			return true;
		}
	}
	return false;
}

static int m_nonmember(struct gmut_target *t, char *d, size_t n)
{
	uint32_t y;
	int32_t i = pick(t, outsider, &y);

	if (i < 0)
		return -ENOENT;
	t->l->ev[i].conn = y;
	t->l->ev[i].time = t->l->conns[y].start;
	snprintf(d, n, "message %d also went to c%u, in none of its groups",
		 t->l->ev[i].msg, y);
	return 0;
}

/* ---- g-view, g-order ---------------------------------------------------------*/
/* A view of >= 2 members another client was given too. */
static bool shared_view(const struct gmut_target *t, uint32_t i, uint32_t *aux)
{
	const struct glog *l = t->l;
	int32_t v = t->chk->vid[i];
	uint32_t y;

	(void)aux;
	if (v < 0 || l->ev[i].n_members < 2)
		return false;
	for (y = 0; y < l->n_conns; y++)
		if (y != l->ev[i].conn && has_view(t->chk, y, v))
			return true;
	return false;
}

static int m_members(struct gmut_target *t, char *d, size_t n)
{
	int32_t i = pick(t, shared_view, NULL);
	struct gev *e;

	if (i < 0)
		return -ENOENT;
	e = &t->l->ev[i];
	if (e->my_index == (int32_t)e->n_members - 1) {
		e->m_off++;
		e->my_index--;
	}
	e->n_members--;
	snprintf(d, n, "client c%u's view g%u %u/%u/%u lost a member",
		 e->conn, e->group, e->gid[0], e->gid[1], e->gid[2]);
	return 0;
}

/* A view whose client's next view of the group another client has too
 * (aux: that next view's event). */
static bool swappable_views(const struct gmut_target *t, uint32_t i,
			    uint32_t *aux)
{
	const struct glog *l = t->l;
	const struct gchecker *c = t->chk;
	uint32_t x = l->ev[i].conn, n, k, y;
	const uint32_t *ev;

	if (c->vid[i] < 0)
		return false;
	ev = gchk_events(c, x, &n);
	for (k = pos_in(c, x, i) + 1; k < n; k++) {
		const struct gev *e = &l->ev[ev[k]];

		if (e->kind != GEV_MEMB || e->group != l->ev[i].group)
			continue;
		if (c->vid[ev[k]] < 0)
			return false;
		for (y = 0; y < l->n_conns; y++)
			if (y != x && has_view(c, y, c->vid[i]) &&
			    has_view(c, y, c->vid[ev[k]])) {
				*aux = ev[k];
				return true;
			}
		return false;
	}
	return false;
}

static int m_swap_views(struct gmut_target *t, char *d, size_t n)
{
	uint32_t j;
	int32_t i = pick(t, swappable_views, &j);

	if (i < 0)
		return -ENOENT;
	snprintf(d, n, "client c%u got two views of g%u the other way round",
		 t->l->ev[i].conn, t->l->ev[i].group);
	ev_swap(t->l, (uint32_t)i, j);
	return 0;
}

/* A message whose client's next message is another one some other client
 * got too, with this one (aux: the next one's event). */
static bool swappable_msgs(const struct gmut_target *t, uint32_t i,
			   uint32_t *aux)
{
	const struct glog *l = t->l;
	const struct gchecker *c = t->chk;
	uint32_t x = l->ev[i].conn, n, k, y;
	const uint32_t *ev;

	if (!is_msg(l, i))
		return false;
	ev = gchk_events(c, x, &n);
	k = pos_in(c, x, i) + 1;
	if (k >= n || !is_msg(l, ev[k]) || l->ev[ev[k]].msg == l->ev[i].msg)
		return false;
	for (y = 0; y < l->n_conns; y++)
		if (y != x && got(c, l, y, l->ev[i].msg) &&
		    got(c, l, y, l->ev[ev[k]].msg)) {
			*aux = ev[k];
			return true;
		}
	return false;
}

static int m_swap_msgs(struct gmut_target *t, char *d, size_t n)
{
	uint32_t j;
	int32_t i = pick(t, swappable_msgs, &j);

	if (i < 0)
		return -ENOENT;
	snprintf(d, n, "client c%u got messages %d and %d the other way round",
		 t->l->ev[i].conn, t->l->ev[i].msg, t->l->ev[j].msg);
	ev_swap(t->l, (uint32_t)i, j);
	return 0;
}

/* ---- g-trans -------------------------------------------------------------------*/
/* A transitional signal followed by a view of its group (aux). */
static bool trans_then_view(const struct gmut_target *t, uint32_t i,
			    uint32_t *aux)
{
	const struct glog *l = t->l;
	uint32_t x = l->ev[i].conn, n, k;
	const uint32_t *ev;

	if (!is_trans(l, i))
		return false;
	ev = gchk_events(t->chk, x, &n);
	for (k = pos_in(t->chk, x, i) + 1; k < n; k++) {
		const struct gev *e = &l->ev[ev[k]];

		if (e->kind != GEV_MEMB || e->group != l->ev[i].group)
			continue;
		*aux = ev[k];
		return t->chk->vid[ev[k]] >= 0;
	}
	return false;
}

static int m_trans_late(struct gmut_target *t, char *d, size_t n)
{
	uint32_t j;
	int32_t i = pick(t, trans_then_view, &j);

	if (i < 0)
		return -ENOENT;
	snprintf(d, n, "client c%u got g%u's transitional signal after the "
		 "view it announces", t->l->ev[i].conn, t->l->ev[i].group);
	ev_swap(t->l, (uint32_t)i, j);
	return 0;
}

static bool any_trans(const struct gmut_target *t, uint32_t i, uint32_t *aux)
{
	(void)aux;
	return is_trans(t->l, i);
}

static int m_trans_twice(struct gmut_target *t, char *d, size_t n)
{
	int32_t i = pick(t, any_trans, NULL);

	if (i < 0)
		return -ENOENT;
	snprintf(d, n, "client c%u got g%u's transitional signal twice",
		 t->l->ev[i].conn, t->l->ev[i].group);
	return ev_dup(t->l, (uint32_t)i);
}

/* ---- g-sync --------------------------------------------------------------------*/
static int m_drop_sync(struct gmut_target *t, char *d, size_t n)
{
	const struct gchecker *c = t->chk;
	const struct glog *l = t->l;
	uint32_t s, q, k, cnt, nm = c->n_moves;

	if (nm < 2)
		return -ENOENT;
	s = (uint32_t)prng_below(t->rng, nm);
	for (q = 0; q + 1 < nm; q++) {
		const struct gchk_move *a = &c->moves[(s + q) % nm], *b;
		const uint32_t *ev = gchk_events(c, a->conn, &cnt);
		uint32_t g = l->ev[c->vfirst[a->from]].group;

		if ((s + q) % nm + 1 >= nm)
			continue;
		b = &c->moves[(s + q) % nm + 1];
		if (b->from != a->from || b->to != a->to ||
		    a->k_trans >= 0 || b->k_trans >= 0)
			continue;
		for (k = a->k_from + 1; k < a->k_to; k++) {
			const struct gsent *m;

			if (!is_msg(l, ev[k]))
				continue;
			m = &l->sent[l->ev[ev[k]].msg];
			if (!(m->groups & (1u << g)) ||
			    (m->flags & ORDO_GM_F_SELF_DISCARD))
				continue;
			snprintf(d, n, "client c%u lost message %d between "
				 "two views of g%u that c%u also moved "
				 "between", a->conn, l->ev[ev[k]].msg, g,
				 b->conn);
			ev_remove(t->l, ev[k]);
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- the end: g-self, g-safe, g-final -------------------------------------------*/
static bool own_msg(const struct gmut_target *t, uint32_t i, uint32_t *aux)
{
	const struct glog *l = t->l;
	const struct gsent *m;

	(void)aux;
	if (!t->settled || !is_msg(l, i))
		return false;
	m = &l->sent[l->ev[i].msg];
	return m->expect_self && m->conn == l->ev[i].conn &&
	       l->conns[m->conn].end == UINT64_MAX;
}

static int m_drop_self(struct gmut_target *t, char *d, size_t n)
{
	int32_t i = pick(t, own_msg, NULL);

	if (i < 0)
		return -ENOENT;
	snprintf(d, n, "client c%u lost its own message %d", t->l->ev[i].conn,
		 t->l->ev[i].msg);
	ev_remove(t->l, (uint32_t)i);
	return 0;
}

/* A SAFE message at one client in the regular part of its view, and a
 * member of that view that got it too (aux: that delivery). */
static bool safe_victim(const struct gmut_target *t, uint32_t i, uint32_t *aux)
{
	const struct glog *l = t->l;
	const struct gchecker *c = t->chk;
	uint32_t x = l->ev[i].conn, n, k, g, j, nd, kd;
	int32_t view[GLOG_MAX_GROUPS];
	bool trans[GLOG_MAX_GROUPS] = { false };
	const uint32_t *ev;
	const struct gsent *m;

	if (!t->settled || !is_msg(l, i) ||
	    l->sent[l->ev[i].msg].service != ORDO_SVC_SAFE)
		return false;
	m = &l->sent[l->ev[i].msg];
	memset(view, 0xff, sizeof(view));
	ev = gchk_events(c, x, &n);
	for (k = 0; k < n && ev[k] != i; k++)
		if (l->ev[ev[k]].kind == GEV_MEMB &&
		    l->ev[ev[k]].group < l->n_groups)
			gchk_track(c, l, ev[k], &view[l->ev[ev[k]].group],
				   &trans[l->ev[ev[k]].group]);
	for (g = 0; g < l->n_groups; g++) {
		const struct gev *v;

		if (!(m->groups & (1u << g)) || view[g] < 0 || trans[g])
			continue;
		v = &l->ev[view[g]];
		for (j = 0; j < v->n_members; j++) {
			int32_t y = glog_members(l, v)[j];
			const uint32_t *ed;

			if (y < 0 || (uint32_t)y == x ||
			    l->conns[y].end != UINT64_MAX ||
			    !has_view(c, (uint32_t)y, c->vid[view[g]]) ||
			    (uint32_t)y == m->conn)
				continue;
			ed = gchk_events(c, (uint32_t)y, &nd);
			for (kd = 0; kd < nd; kd++)
				if (is_msg(l, ed[kd]) &&
				    l->ev[ed[kd]].msg == l->ev[i].msg) {
					*aux = ed[kd];
					return true;
				}
		}
	}
	return false;
}

static int m_drop_safe(struct gmut_target *t, char *d, size_t n)
{
	uint32_t j;
	int32_t i = pick(t, safe_victim, &j);

	if (i < 0)
		return -ENOENT;
	snprintf(d, n, "client c%u lost SAFE message %d that c%u got in their "
		 "view", t->l->ev[j].conn, t->l->ev[j].msg, t->l->ev[i].conn);
	ev_remove(t->l, j);
	return 0;
}

/* The last view of a group with >= 2 members at a client connected to
 * the end that asked to be in it. */
static bool last_view(const struct gmut_target *t, uint32_t i, uint32_t *aux)
{
	const struct glog *l = t->l;
	const struct gev *e = &l->ev[i];
	uint32_t n, k;
	const uint32_t *ev;

	(void)aux;
	if (!t->settled || t->chk->vid[i] < 0 || e->n_members < 2 ||
	    l->conns[e->conn].end != UINT64_MAX ||
	    !(l->conns[e->conn].joined & (1u << e->group)))
		return false;
	ev = gchk_events(t->chk, e->conn, &n);
	for (k = pos_in(t->chk, e->conn, i) + 1; k < n; k++)
		if (l->ev[ev[k]].kind == GEV_MEMB &&
		    l->ev[ev[k]].group == e->group)
			return false;
	return true;
}

static int m_drop_last_view(struct gmut_target *t, char *d, size_t n)
{
	int32_t i = pick(t, last_view, NULL);

	if (i < 0)
		return -ENOENT;
	snprintf(d, n, "client c%u lost its last view of g%u",
		 t->l->ev[i].conn, t->l->ev[i].group);
	ev_remove(t->l, (uint32_t)i);
	return 0;
}

const struct gmutation gmutation_table[] = {
	{ "g-duplicate", CHK_G_ONCE, m_dup },
	{ "g-corrupt", CHK_G_ONCE, m_corrupt },
	{ "g-invent", CHK_G_ONCE, m_invent },
	{ "g-nonmember", CHK_G_MEMBER, m_nonmember },
	{ "g-view-members", CHK_G_VIEW, m_members },
	{ "g-swap-views", CHK_G_ORDER, m_swap_views },
	{ "g-swap-msgs", CHK_G_ORDER, m_swap_msgs },
	{ "g-trans-late", CHK_G_TRANS, m_trans_late },
	{ "g-trans-twice", CHK_G_TRANS, m_trans_twice },
	{ "g-drop-between-views", CHK_G_SYNC, m_drop_sync },
	{ "g-drop-safe", CHK_G_SAFE, m_drop_safe },
	{ "g-drop-self", CHK_G_SELF, m_drop_self },
	{ "g-drop-last-view", CHK_G_FINAL, m_drop_last_view },
};
const uint32_t gmutation_count =
	sizeof(gmutation_table) / sizeof(gmutation_table[0]);

void gmutator_init(struct gmutator *m)
{
	glog_init(&m->l);
	gcheck_init(&m->chk);
}

void gmutator_fini(struct gmutator *m)
{
	glog_fini(&m->l);
	gcheck_fini(&m->chk);
}

int gmutate_one(struct gmutator *m, const struct gchecker *clean_chk,
		const struct gcheck_input *clean, uint32_t k, uint64_t seed,
		struct gmut_result *r)
{
	struct prng rng;
	struct gmut_target t = { .l = &m->l, .chk = clean_chk,
				 .settled = clean->settled, .rng = &rng };
	struct gcheck_input in = { .l = &m->l, .settled = clean->settled };
	int rc;

	memset(r, 0, sizeof(*r));
	if (glog_copy(&m->l, clean->l) != 0)
		return -ENOMEM;
	prng_seed(&rng, seed, (uint64_t)PRNG_GMUTATE << 16 | k);
	rc = gmutation_table[k].apply(&t, r->desc, sizeof(r->desc));
	if (rc == -ENOENT)
		return 0;
	if (rc != 0)
		return rc;
	r->applied = true;
	if (gcheck_run(&m->chk, &in, &r->rep) != 0)
		return -ENOMEM;
	r->caught = r->rep.by_kind[gmutation_table[k].expect] > 0;
	return 0;
}
