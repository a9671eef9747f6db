/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The delivery path: every engine delivery is parsed as a group message
 * (include/ordo/gmsg.h), checked field by field, and applied in the total
 * order: DATA goes to local members, JOIN / LEAVE / DISCONNECT change the
 * table and tell local members, STATE feeds a merge's exchange
 * (exchange.c). Anything malformed is counted in bad_messages and changes
 * nothing; every daemon sees the same bytes, so every daemon refuses it.
 *
 * DATA is the hot path (the dataplane aims at > 10 M messages/s through
 * here): no allocation, one cached group lookup per destination, and a
 * per-client stamp instead of a set to deliver once across groups.
 */
#include <string.h>

#include "sp.h"

#include "groups/groups_impl.h"
#include "lib/spread/sp_names.h"

struct gm_view {
	const struct ordo_gm_hdr *h;
	const char *sender;     /* private name, sender_len bytes */
	const uint8_t *p, *end; /* after the sender name */
	uint32_t node_idx;
	uint32_t local_slot;    /* the sender among our clients, or GR_NIL
				 * (not looked up for DATA) */
};

static void bad(struct ordo_groups *g)
{
	g->st.bad_messages++;
}

/* A DATA destination "#p#d" that names one of our active clients. */
static uint32_t private_dest(struct ordo_groups *g, const char *name,
			     uint32_t len)
{
	const char *sep = memchr(name + 1, '#', len - 1);
	uint32_t plen = (uint32_t)(sep - name - 1);
	uint32_t dlen = len - plen - 2;

	if (dlen != g->node_len[g->my_idx] ||
	    memcmp(sep + 1, g->cfg.nodes[g->my_idx].name, dlen) != 0)
		return GR_NIL;
	return gr_client_find(g, name + 1, plen);
}

static inline void give(struct ordo_groups *g, uint32_t slot, uint32_t self,
			const struct ordo_groups_msg *m)
{
	struct gr_client *c = &g->clients[slot];

	if (c->stamp == g->stamp || slot == self ||
	    c->state != GR_CLIENT_ACTIVE)
		return;
	c->stamp = g->stamp;
	g->ops.deliver_msg(g->ctx, slot, m);
	g->st.delivered_msgs++;
}

static void on_data(struct ordo_groups *g, const struct ordo_delivery *d,
		    struct gm_view *v)
{
	uint32_t n = v->h->n_groups, i, len, gi, self = GR_NIL, p;
	const uint8_t *q = v->p;
	struct ordo_groups_msg m;

	if (n == 0 || d->service < ORDO_SVC_UNRELIABLE ||
	    d->service > ORDO_SVC_SAFE) {
		bad(g);
		return;
	}
	/* Parse and check every name before delivering anything. A name
	 * found in the table was checked when it was joined. */
	for (i = 0; i < n; i++) {
		if (q >= v->end || (len = *q++) == 0 || len > ORDO_GM_GROUP_MAX ||
		    len > (uint32_t)(v->end - q)) {
			bad(g);
			return;
		}
		if (q[0] == '#') {
			if (!sp_name_private_group_ok((const char *)q, len)) {
				bad(g);
				return;
			}
			gi = GR_NIL;
		} else {
			gi = gr_group_find(g, (const char *)q, len);
			if (gi == GR_NIL && !sp_name_group_ok((const char *)q, len)) {
				bad(g);
				return;
			}
		}
		g->dest_gi[i] = gi;
		memcpy(g->dest[i], q, len);
		g->dest[i][len] = '\0';
		q += len;
	}

	gr_full_name(g, g->sender, v->sender, v->h->sender_len, v->node_idx);
	if ((v->h->flags & ORDO_GM_F_SELF_DISCARD) && v->node_idx == g->my_idx)
		self = gr_client_find(g, v->sender, v->h->sender_len);
	m.service = d->service;
	m.msg_type = (int16_t)d->msg_type;
	m.sender = g->sender;
	m.n_groups = n;
	m.groups = (const char (*)[GR_NAME])g->dest;
	m.data = q;
	m.len = (uint32_t)(v->end - q);
	m.seq = d->seq;

	g->stamp++;
	for (i = 0; i < n; i++) {
		gi = g->dest_gi[i];
		if (gi != GR_NIL) {
			for (p = g->groups[gi].lhead; p != GR_NIL; p = g->pairs[p].lnext)
				give(g, g->pairs[p].slot, self, &m);
		} else if (g->dest[i][0] == '#') {
			p = private_dest(g, g->dest[i], (uint32_t)strlen(g->dest[i]));
			if (p != GR_NIL)
				give(g, p, self, &m);
		}
	}
}

/* JOIN and LEAVE name one group and nothing else. */
static bool one_group(struct ordo_groups *g, struct gm_view *v,
		      const char **name, uint32_t *len)
{
	const uint8_t *q = v->p;

	if (v->h->n_groups != 1 || q >= v->end)
		return false;
	*len = *q++;
	*name = (const char *)q;
	if (*len > (uint32_t)(v->end - q) || q + *len != v->end)
		return false;
	(void)g;
	return sp_name_group_ok(*name, *len);
}

static void on_join(struct ordo_groups *g, struct gm_view *v)
{
	const char *name;
	uint32_t len, gi;

	if (!one_group(g, v, &name, &len)) {
		bad(g);
		return;
	}
	gr_full_name(g, g->sender, v->sender, v->h->sender_len, v->node_idx);
	if (gr_member_add(g, name, len, g->sender,
			  g->cfg.nodes[v->node_idx].id, v->local_slot, &gi) != 0)
		return; /* a member already, or no room: the same everywhere */
	g->st.joins++;
	gr_notify(g, gi, REG_MEMB_MESS | CAUSED_BY_JOIN, GR_SETS_ONE, g->sender);
}

static void on_leave(struct ordo_groups *g, struct gm_view *v)
{
	const char *name;
	uint32_t len, gi, p, slot;

	if (!one_group(g, v, &name, &len)) {
		bad(g);
		return;
	}
	gr_full_name(g, g->sender, v->sender, v->h->sender_len, v->node_idx);
	gi = gr_group_find(g, name, len);
	if (gi == GR_NIL)
		return;
	p = gr_pair_find(g, g->sender, gr_hash(g->sender, (uint32_t)strlen(g->sender)), gi);
	if (p == GR_NIL)
		return;
	slot = g->pairs[p].slot;
	gr_member_remove(g, p);
	g->st.leaves++;
	if (slot != GR_NIL)
		gr_notify_self_leave(g, gi, slot);
	gr_notify(g, gi, REG_MEMB_MESS | CAUSED_BY_LEAVE, GR_SETS_ONE, g->sender);
}

static void on_disconnect(struct ordo_groups *g, struct gm_view *v)
{
	uint32_t h, p, gi, slot;

	if (v->h->n_groups != 0 || v->p != v->end) {
		bad(g);
		return;
	}
	gr_full_name(g, g->sender, v->sender, v->h->sender_len, v->node_idx);
	h = gr_hash(g->sender, (uint32_t)strlen(g->sender));
	while ((p = gr_pair_first(g, g->sender, h)) != GR_NIL) {
		gi = g->pairs[p].group;
		gr_member_remove(g, p);
		gr_notify(g, gi, REG_MEMB_MESS | CAUSED_BY_DISCONNECT,
			  GR_SETS_ONE, g->sender);
	}
	g->st.disconnects++;
	slot = v->local_slot;
	if (slot != GR_NIL && g->clients[slot].state == GR_CLIENT_REMOVED) {
		gr_client_hash_del(g, slot);
		memset(&g->clients[slot], 0, sizeof(g->clients[slot]));
		g->clients[slot].hnext = GR_NIL;
		if (g->ops.client_gone)
			g->ops.client_gone(g->ctx, slot);
	}
}

void ordo_groups_on_deliver(struct ordo_groups *g, const struct ordo_delivery *d)
{
	const struct ordo_gm_hdr *h = d->data;
	struct gm_view v;
	int idx;

	g->n_deliv++;
	if (g->state_pending)
		gr_exchange_retry(g);
	if (d->len < sizeof(*h) || h->version != ORDO_GM_VERSION ||
	    h->kind == 0 || h->kind >= ORDO_GM_KIND_MAX ||
	    (h->flags & ~ORDO_GM_F_ALL) ||
	    (h->flags && h->kind != ORDO_GM_DATA) ||
	    h->reserved[0] || h->reserved[1] || h->reserved[2]) {
		bad(g);
		return;
	}
	idx = gr_node_index(g, d->sender);
	if (idx < 0) {
		bad(g);
		return;
	}
	v.h = h;
	v.node_idx = (uint32_t)idx;
	v.sender = (const char *)(h + 1);
	v.p = (const uint8_t *)v.sender + h->sender_len;
	v.end = (const uint8_t *)d->data + d->len;
	if (h->sender_len > d->len - sizeof(*h)) {
		bad(g);
		return;
	}
	if (h->kind == ORDO_GM_STATE) {
		if (h->sender_len != 0 || h->n_groups != 0 ||
		    d->service != ORDO_SVC_AGREED || d->msg_type != ORDO_GM_STATE) {
			bad(g);
			return;
		}
		gr_state_rx(g, d, v.node_idx, v.p, (uint32_t)(v.end - v.p));
		return;
	}
	if (!sp_name_private_ok(v.sender, h->sender_len)) {
		bad(g);
		return;
	}
	if (h->kind == ORDO_GM_DATA) {
		on_data(g, d, &v);
		return;
	}
	v.local_slot = GR_NIL;
	if (v.node_idx == g->my_idx)
		v.local_slot = gr_client_find(g, v.sender, h->sender_len);
	if (d->service != ORDO_SVC_AGREED || d->msg_type != h->kind) {
		bad(g);
		return;
	}
	if (h->kind == ORDO_GM_JOIN)
		on_join(g, &v);
	else if (h->kind == ORDO_GM_LEAVE)
		on_leave(g, &v);
	else
		on_disconnect(g, &v);
}
