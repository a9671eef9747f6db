/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Daemon membership changes (Extended Virtual Synchrony from the engine)
 * as group membership messages, and the state exchange after a merge.
 *
 * TRANSITIONAL: if members were lost, every local member of every group
 * gets TRANSITION_MESS, and the group is owed a regular message.
 *
 * REGULAR, same members as the transitional set (nothing but a shrink):
 * members of departed daemons are removed and each group that lost some
 * or is owed a message gets REG_MEMB_MESS | CAUSED_BY_NETWORK, one vs set.
 *
 * REGULAR with daemons that were not with us (a merge, the first ring, or
 * an exchange that a new change interrupted): nobody knows the others'
 * clients. Clients are paused, so that no client message is ordered
 * before the merged table exists; each daemon submits a STATE (a control
 * message, sent before any client's) listing its own clients' groups and
 * the ring it comes from. The table is cleared and rebuilt from the STATEs
 * in delivery order, so it is the same on every daemon, room refusals
 * included. When the last member's STATE is delivered, each group gets
 * REG_MEMB_MESS | CAUSED_BY_NETWORK with its members in vs sets by the
 * ring their daemon came from, groups left empty are announced gone, and
 * clients resume.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>

#include "sp.h"

#include "groups/groups_impl.h"
#include "lib/spread/sp_names.h"

static bool in_set(uint32_t x, const uint32_t *set, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (set[i] == x)
			return true;
	return false;
}

static bool same_set(const uint32_t *a, uint32_t na, const uint32_t *b,
		     uint32_t nb)
{
	if (na != nb)
		return false;
	for (uint32_t i = 0; i < na; i++)
		if (!in_set(a[i], b, nb))
			return false;
	return true;
}

static void pause_clients(struct ordo_groups *g, bool pause)
{
	if (g->ops.pause_clients)
		g->ops.pause_clients(g->ctx, pause);
}

void gr_exchange_retry(struct ordo_groups *g)
{
	struct iovec iov = { .iov_base = g->state_buf, .iov_len = g->state_len };

	if (!g->state_pending)
		return;
	if (g->ops.submit(g->ctx, true, ORDO_SVC_AGREED, ORDO_GM_STATE,
			  &iov, 1) == 0) {
		g->state_pending = false;
		g->st.states_sent++;
	} else {
		g->st.submit_errors++; /* again at the next event */
	}
}

static uint8_t *put_entry(uint8_t *p, const struct gr_client *c,
			  const struct gr_group *gr)
{
	*p++ = c->priv_len;
	memcpy(p, c->priv, c->priv_len);
	p += c->priv_len;
	*p++ = gr ? gr->len : 0;
	if (gr) {
		memcpy(p, gr->name, gr->len);
		p += gr->len;
	}
	return p;
}

/* Our clients and their groups as the table has them now. */
static void build_state(struct ordo_groups *g)
{
	struct ordo_gm_hdr h = { .version = ORDO_GM_VERSION,
				 .kind = ORDO_GM_STATE };
	uint8_t *p = g->state_buf + GR_STATE_BODY + sizeof(struct ordo_gm_state);
	uint32_t n = 0, s, q;

	memcpy(g->state_buf, &h, sizeof(h));
	for (s = 0; s < g->cfg.max_clients; s++) {
		const struct gr_client *c = &g->clients[s];

		if (c->state == GR_CLIENT_FREE)
			continue;
		for (q = gr_pair_first(g, c->full, gr_hash(c->full, (uint32_t)strlen(c->full)));
		     q != GR_NIL; q = gr_pair_next_same(g, q), n++)
			p = put_entry(p, c, &g->groups[g->pairs[q].group]);
		if (c->n_groups == 0 && c->state == GR_CLIENT_ACTIVE) {
			p = put_entry(p, c, NULL);
			n++;
		}
	}
	g->state_len = (uint32_t)(p - g->state_buf);
	memcpy(g->state_buf + GR_STATE_BODY +
	       offsetof(struct ordo_gm_state, n_entries), &(uint32_t){ htonl(n) }, 4);
}

static void clear_table(struct ordo_groups *g, bool keep_node_members)
{
	for (uint32_t p = 0; p < g->pair_hwm; p++) {
		struct gr_pair *a = &g->pairs[p];

		if (a->name[0] == '\0')
			continue;
		if (keep_node_members && in_set(a->node, g->reg, g->n_reg))
			continue;
		g->groups[a->group].changed = true;
		gr_member_remove(g, p);
	}
}

static void shrink(struct ordo_groups *g)
{
	clear_table(g, true);
	for (uint32_t gi = 0; gi < g->group_hwm; gi++) {
		struct gr_group *gr = &g->groups[gi];

		if (gr->in_use && (gr->changed || gr->owed || gr->n == 0))
			gr_notify(g, gi, REG_MEMB_MESS | CAUSED_BY_NETWORK,
				  GR_SETS_ALL, NULL);
	}
	g->view_rep = g->ring_rep;
	g->view_seq = g->ring_seq;
}

static void exchange_start(struct ordo_groups *g)
{
	struct ordo_gm_state *s =
		(struct ordo_gm_state *)(g->state_buf + GR_STATE_BODY);

	if (!g->exchanging) {
		build_state(g);
		g->exchanging = true;
		g->st.exchanges++;
		pause_clients(g, true);
	}
	/* else: interrupted; our clients are still what we listed then
	 * (they were paused), and the table is only partly rebuilt. */
	clear_table(g, false);
	s->ring_rep = htonl(g->ring_rep);
	s->ring_seq = htonl(g->ring_seq);
	s->prev_rep = htonl(g->view_rep);
	s->prev_seq = htonl(g->view_seq);
	s->reserved = 0;
	g->exch_got = 0;
	g->exch_open = true;
	g->state_pending = true; /* submitted by on_config, on its way out */
}

static void exchange_end(struct ordo_groups *g)
{
	g->exchanging = false;
	g->exch_open = false;
	for (uint32_t gi = 0; gi < g->group_hwm; gi++)
		if (g->groups[gi].in_use)
			gr_notify(g, gi, REG_MEMB_MESS | CAUSED_BY_NETWORK,
				  GR_SETS_BY_PREV, NULL);
	g->view_rep = g->ring_rep;
	g->view_seq = g->ring_seq;
	pause_clients(g, false);
}

/* The entries of a STATE body: true if every one is well formed and they
 * fill the body exactly. */
static bool state_entries_ok(const uint8_t *p, const uint8_t *end, uint32_t n)
{
	uint32_t plen, glen;

	for (uint32_t i = 0; i < n; i++) {
		if (p >= end)
			return false;
		plen = *p++;
		if (plen > (uint32_t)(end - p) ||
		    !sp_name_private_ok((const char *)p, plen))
			return false;
		p += plen;
		if (p >= end)
			return false;
		glen = *p++;
		if (glen > (uint32_t)(end - p) ||
		    (glen && !sp_name_group_ok((const char *)p, glen)))
			return false;
		p += glen;
	}
	return p == end;
}

void gr_state_rx(struct ordo_groups *g, const struct ordo_delivery *d,
		 uint32_t node_idx, const uint8_t *body, uint32_t len)
{
	struct ordo_gm_state s;
	const uint8_t *p = body + sizeof(s), *end = body + len;
	uint32_t r, n, plen, glen, slot, node = d->sender;
	char full[GR_NAME];

	if (len < sizeof(s)) {
		g->st.bad_messages++;
		return;
	}
	memcpy(&s, body, sizeof(s));
	for (r = 0; r < g->n_reg && g->reg[r] != node; r++)
		;
	if (!g->exchanging || !g->exch_open || r == g->n_reg ||
	    ntohl(s.ring_rep) != g->ring_rep || ntohl(s.ring_seq) != g->ring_seq ||
	    (g->exch_got & (1u << r))) {
		g->st.states_ignored++; /* stale, duplicate, or not a member */
		return;
	}
	n = ntohl(s.n_entries);
	g->exch_got |= 1u << r;
	g->exch_prev[r][0] = ntohl(s.prev_rep);
	g->exch_prev[r][1] = ntohl(s.prev_seq);
	g->st.states_rx++;
	/* A malformed STATE counts as an empty one: the exchange must end,
	 * and every daemon judges the same bytes the same way. */
	if (s.reserved != 0 || n > ORDO_GROUPS_MAX_MEMBERS + ORDO_GROUPS_MAX_CLIENTS ||
	    !state_entries_ok(p, end, n)) {
		g->st.bad_messages++;
		n = 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		plen = *p++;
		gr_full_name(g, full, (const char *)p, plen, node_idx);
		slot = node_idx == g->my_idx ?
		       gr_client_find(g, (const char *)p, plen) : GR_NIL;
		p += plen;
		glen = *p++;
		if (glen)
			(void)gr_member_add(g, (const char *)p, glen, full, node,
					    slot, NULL);
		p += glen;
	}
	if (g->exch_got == (1u << g->n_reg) - 1u)
		exchange_end(g);
}

static void on_transitional(struct ordo_groups *g,
			    const struct ordo_config_change *c)
{
	g->have_trans = true;
	g->trans_rep = c->ring_rep;
	g->trans_seq = c->ring_seq;
	g->n_trans = c->n_members;
	memcpy(g->trans, c->members, c->n_members * sizeof(uint32_t));
	if (g->exchanging) {
		g->exch_open = false; /* the next REGULAR starts it again */
		return;
	}
	if (same_set(g->trans, g->n_trans, g->reg, g->n_reg))
		return;
	for (uint32_t gi = 0; gi < g->group_hwm; gi++) {
		struct gr_group *gr = &g->groups[gi];

		if (!gr->in_use || gr->owed)
			continue;
		gr_notify_transition(g, gi);
		gr->owed = true;
	}
}

static void on_regular(struct ordo_groups *g, const struct ordo_config_change *c)
{
	bool merge;

	g->ring_rep = c->ring_rep;
	g->ring_seq = c->ring_seq;
	g->n_deliv = 0;
	g->n_reg = c->n_members;
	memcpy(g->reg, c->members, c->n_members * sizeof(uint32_t));
	merge = g->exchanging || !g->have_trans ||
		!same_set(g->trans, g->n_trans, g->reg, g->n_reg);
	g->have_trans = false;
	if (merge)
		exchange_start(g);
	else
		shrink(g);
}

void ordo_groups_on_config(struct ordo_groups *g,
			   const struct ordo_config_change *c)
{
	if (c->n_members == 0 || c->n_members > ORDO_MAX_MEMBERS) {
		g->st.bad_messages++;
		return;
	}
	if (c->kind == ORDO_CONF_TRANSITIONAL)
		on_transitional(g, c);
	else if (c->kind == ORDO_CONF_REGULAR)
		on_regular(g, c);
	else
		g->st.bad_messages++;
	if (g->state_pending)
		gr_exchange_retry(g);
}

bool ordo_groups_exchanging(const struct ordo_groups *g)
{
	return g->exchanging;
}
