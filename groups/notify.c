/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Membership messages for local clients: a group's view is copied once
 * into scratch, Spread's body (lib/spread/sp_memb.h) is encoded once,
 * and each local member gets both with its own index. Every view change
 * also goes to ops->view for the control plane's mirror.
 */
#include <string.h>

#include "sp.h"
#include "lib/spread/sp_memb.h"

#include "groups/groups_impl.h"

/* Top bit of gid[2]: a view made in a transitional configuration. */
#define GR_GID_TRANS 0x80000000u

static uint32_t mix31(uint32_t a, uint32_t b, uint32_t c)
{
	uint64_t x = ((uint64_t)a << 32 | b) ^ ((uint64_t)c * 0x9e3779b97f4a7c15ull);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)(x ^ (x >> 31)) & ~GR_GID_TRANS;
}

/* In a regular configuration every daemon delivers a prefix of one
 * sequence, so (ring, deliveries since it began) names one point of it.
 * In a transitional one, daemons that lost each other deliver different
 * messages of the old ring, so that count names different points at
 * each: the id is then (the ring it leads to, with the top bit a digest of
 * the old ring and the count), equal at daemons that move on together
 * (they delivered the same messages), different elsewhere but for a
 * 2^-31 digest collision. */
static void set_gid(struct ordo_groups *g, struct gr_group *gr)
{
	if (g->have_trans) {
		gr->gid[0] = g->trans_rep;
		gr->gid[1] = g->trans_seq;
		gr->gid[2] = GR_GID_TRANS |
			     mix31(g->ring_rep, g->ring_seq, g->n_deliv);
		return;
	}
	gr->gid[0] = g->ring_rep;
	gr->gid[1] = g->ring_seq;
	gr->gid[2] = g->n_deliv;
}

uint32_t gr_copy_view(struct ordo_groups *g, const struct gr_group *gr)
{
	uint32_t i = 0, k = 0, p;

	for (p = gr->head; p != GR_NIL; p = g->pairs[p].next, i++) {
		const struct gr_pair *a = &g->pairs[p];

		memcpy(g->view[i], a->name, GR_NAME);
		if (a->slot != GR_NIL &&
		    g->clients[a->slot].state == GR_CLIENT_ACTIVE) {
			g->loc_slot[k] = a->slot;
			g->loc_idx[k++] = i;
		}
	}
	return k;
}

static void tell_view(struct ordo_groups *g, const struct gr_group *gr)
{
	if (g->ops.view)
		g->ops.view(g->ctx, gr->name, gr->gid, gr->n,
			    (const char (*)[GR_NAME])g->view);
}

/* Where the daemon of node sits in the exchange's arrays. */
static int reg_index(const struct ordo_groups *g, uint32_t node)
{
	for (uint32_t i = 0; i < g->n_reg; i++)
		if (g->reg[i] == node)
			return (int)i;
	return -1;
}

static uint64_t prev_key(const struct ordo_groups *g, uint32_t node)
{
	int r = reg_index(g, node);

	if (r < 0)
		return UINT64_MAX;
	return (uint64_t)g->exch_prev[r][0] << 32 | g->exch_prev[r][1];
}

/* vs sets after a merge: members whose daemons were in one ring before
 * it, sets in ascending ring id, names in view order. Returns n_sets and
 * our own set's index in *local. */
static unsigned int sets_by_prev(struct ordo_groups *g, const struct gr_group *gr,
				 struct sp_memb_set *sets, unsigned int *local)
{
	uint64_t keys[ORDO_MAX_MEMBERS + 1], mine, t;
	unsigned int n_keys = 0, i, j, out = 0;
	uint32_t p;

	for (p = gr->head; p != GR_NIL; p = g->pairs[p].next) {
		uint64_t k = prev_key(g, g->pairs[p].node);

		for (i = 0; i < n_keys && keys[i] != k; i++)
			;
		if (i == n_keys && n_keys < ORDO_MAX_MEMBERS + 1)
			keys[n_keys++] = k;
	}
	for (i = 1; i < n_keys; i++)
		for (j = i; j > 0 && keys[j - 1] > keys[j]; j--) {
			t = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	mine = prev_key(g, g->cfg.nodes[g->my_idx].id);
	*local = 0;
	for (i = 0; i < n_keys; i++) {
		sets[i].names = (const char (*)[MAX_GROUP_NAME])g->set_names[out];
		sets[i].n = 0;
		for (p = gr->head; p != GR_NIL; p = g->pairs[p].next)
			if (prev_key(g, g->pairs[p].node) == keys[i]) {
				memcpy(g->set_names[out++], g->pairs[p].name, GR_NAME);
				sets[i].n++;
			}
		if (keys[i] == mine)
			*local = i;
	}
	return n_keys;
}

static void deliver_all(struct ordo_groups *g, const struct gr_group *gr,
			uint32_t svc, uint32_t n_local, int body_len)
{
	struct ordo_groups_memb m = {
		.group = gr->name,
		.service = svc,
		.gid = { gr->gid[0], gr->gid[1], gr->gid[2] },
		.n_members = gr->n,
		.members = (const char (*)[GR_NAME])g->view,
		.body = g->body,
		.body_len = (uint32_t)body_len,
	};

	for (uint32_t k = 0; k < n_local; k++) {
		m.my_index = (int32_t)g->loc_idx[k];
		g->ops.deliver_memb(g->ctx, g->loc_slot[k], &m);
		g->st.delivered_memb++;
	}
}

void gr_notify(struct ordo_groups *g, uint32_t gi, uint32_t svc,
	       enum gr_sets mode, const char *changed)
{
	struct gr_group *gr = &g->groups[gi];
	struct sp_memb_set sets[ORDO_MAX_MEMBERS + 1];
	unsigned int n_sets = 1, local = 0;
	group_id gid;
	uint32_t n_local;
	int len;

	set_gid(g, gr);
	/* Only a network view pays the debt of a transitional signal: a
	 * join, leave or disconnect delivered in the transitional period is
	 * still in it, and its members are owed the regular configuration's
	 * view (else they would see the signal, a join, and never the end
	 * of the period; and clients that moved between the same two views
	 * would have no signal to tell them they may differ). */
	if (svc & CAUSED_BY_NETWORK)
		gr->owed = false;
	gr->changed = false;
	if (g->exchanging)
		return; /* the exchange's end announces every group */
	if (gr->n == 0) {
		gr_view_gone(g, gi);
		return;
	}
	n_local = gr_copy_view(g, gr);
	if (n_local > 0) {
		gid = sp_gid_make(gr->gid[0], gr->gid[1], gr->gid[2]);
		if (mode == GR_SETS_ONE) {
			memset(g->set_names[0], 0, GR_NAME);
			strncpy(g->set_names[0], changed, GR_NAME - 1);
			sets[0].n = 1;
			sets[0].names = (const char (*)[MAX_GROUP_NAME])g->set_names;
		} else if (mode == GR_SETS_ALL) {
			sets[0].n = gr->n;
			sets[0].names = (const char (*)[MAX_GROUP_NAME])g->view;
		} else {
			n_sets = sets_by_prev(g, gr, sets, &local);
		}
		len = sp_memb_encode(g->body, g->body_cap, &gid, sets, n_sets,
				     local, false);
		if (len > 0)
			deliver_all(g, gr, svc, n_local, len);
	}
	tell_view(g, gr);
}

void gr_notify_self_leave(struct ordo_groups *g, uint32_t gi, uint32_t slot)
{
	struct gr_group *gr = &g->groups[gi];
	struct ordo_groups_memb m = {
		.group = gr->name,
		.service = CAUSED_BY_LEAVE,
		.my_index = -1,
		.body = g->body,
	};
	group_id gid;

	if (g->exchanging || g->clients[slot].state != GR_CLIENT_ACTIVE)
		return;
	set_gid(g, gr);
	memcpy(m.gid, gr->gid, sizeof(m.gid));
	gid = sp_gid_make(gr->gid[0], gr->gid[1], gr->gid[2]);
	m.body_len = (uint32_t)sp_memb_encode_gid(g->body, g->body_cap, &gid, false);
	g->ops.deliver_memb(g->ctx, slot, &m);
	g->st.delivered_memb++;
}

/* Spread's transitional signal: the view's gid only; members and index
 * are the view as it stands, for the record's convenience. */
void gr_notify_transition(struct ordo_groups *g, uint32_t gi)
{
	struct gr_group *gr = &g->groups[gi];
	uint32_t n_local;
	group_id gid;
	int len;

	if (gr->n_local == 0)
		return;
	n_local = gr_copy_view(g, gr);
	gid = sp_gid_make(gr->gid[0], gr->gid[1], gr->gid[2]);
	len = sp_memb_encode_gid(g->body, g->body_cap, &gid, false);
	deliver_all(g, gr, TRANSITION_MESS, n_local, len);
}

void gr_view_gone(struct ordo_groups *g, uint32_t gi)
{
	struct gr_group *gr = &g->groups[gi];

	set_gid(g, gr);
	if (g->ops.view)
		g->ops.view(g->ctx, gr->name, gr->gid, 0, NULL);
	gr_group_release(g, gi);
}
