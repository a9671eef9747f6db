/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The group table: fixed pools of groups, (member, group) pairs and local
 * clients, allocated once, linked by indices. Every limit is the same
 * compile-time constant on every daemon and every change comes from the
 * total order, so a join refused for room is refused everywhere.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "groups/groups_impl.h"

int gr_table_init(struct ordo_groups *g)
{
	uint32_t i;

	/* Hash buckets hold index + 1, so zeroed memory is empty buckets
	 * (calloc: pages untouched until used). */
	g->pairs = calloc(ORDO_GROUPS_MAX_MEMBERS, sizeof(*g->pairs));
	g->pair_hash = calloc(GR_PAIR_HASH, sizeof(uint32_t));
	g->groups = calloc(GR_GROUP_POOL, sizeof(*g->groups));
	g->group_hash = calloc(GR_GROUP_HASH, sizeof(uint32_t));
	g->clients = calloc(ORDO_GROUPS_MAX_CLIENTS, sizeof(*g->clients));
	g->client_hash = calloc(GR_CLIENT_HASH, sizeof(uint32_t));
	if (!g->pairs || !g->pair_hash || !g->groups || !g->group_hash ||
	    !g->clients || !g->client_hash)
		return -ENOMEM;
	/* Pools are handed out below a high-water mark before the free
	 * lists are used, so pages nobody needs are never touched. */
	for (i = 0; i < ORDO_GROUPS_MAX_CLIENTS; i++)
		g->clients[i].hnext = GR_NIL;
	g->pair_free = GR_NIL;
	g->group_free = GR_NIL;
	g->group_cache = GR_NIL;
	return 0;
}

void gr_table_free(struct ordo_groups *g)
{
	free(g->pairs);
	free(g->pair_hash);
	free(g->groups);
	free(g->group_hash);
	free(g->clients);
	free(g->client_hash);
}

/* The fast path of every DATA: most traffic goes to one group after
 * another, so the last group found is compared before hashing. */
uint32_t gr_group_find(struct ordo_groups *g, const char *name, uint32_t len)
{
	uint32_t gi = g->group_cache, h;
	const struct gr_group *gr;

	if (gi != GR_NIL) {
		gr = &g->groups[gi];
		if (gr->len == len && memcmp(gr->name, name, len) == 0)
			return gi;
	}
	h = gr_hash(name, len);
	for (gi = g->group_hash[h & (GR_GROUP_HASH - 1)] - 1u; gi != GR_NIL;
	     gi = g->groups[gi].hnext) {
		gr = &g->groups[gi];
		if (gr->hash == h && gr->len == len &&
		    memcmp(gr->name, name, len) == 0) {
			g->group_cache = gi;
			return gi;
		}
	}
	return GR_NIL;
}

static uint32_t group_create(struct ordo_groups *g, const char *name,
			     uint32_t len)
{
	uint32_t gi = g->group_free, h = gr_hash(name, len);
	struct gr_group *gr;

	if (gi != GR_NIL)
		g->group_free = g->groups[gi].hnext;
	else if (g->group_hwm < GR_GROUP_POOL)
		gi = g->group_hwm++;
	else
		return GR_NIL;
	gr = &g->groups[gi];
	memset(gr, 0, sizeof(*gr));
	memcpy(gr->name, name, len);
	gr->len = (uint8_t)len;
	gr->in_use = true;
	gr->hash = h;
	gr->head = gr->tail = gr->lhead = GR_NIL;
	gr->hnext = g->group_hash[h & (GR_GROUP_HASH - 1)] - 1u;
	g->group_hash[h & (GR_GROUP_HASH - 1)] = gi + 1u;
	return gi;
}

void gr_group_release(struct ordo_groups *g, uint32_t gi)
{
	struct gr_group *gr = &g->groups[gi];
	uint32_t b = gr->hash & (GR_GROUP_HASH - 1), x = g->group_hash[b] - 1u;

	if (x == gi) {
		g->group_hash[b] = gr->hnext + 1u;
	} else {
		while (g->groups[x].hnext != gi)
			x = g->groups[x].hnext;
		g->groups[x].hnext = gr->hnext;
	}
	gr->in_use = false;
	gr->hnext = g->group_free;
	g->group_free = gi;
	if (g->group_cache == gi)
		g->group_cache = GR_NIL;
}

uint32_t gr_pair_first(const struct ordo_groups *g, const char *full,
		       uint32_t hash)
{
	uint32_t p;

	for (p = g->pair_hash[hash & (GR_PAIR_HASH - 1)] - 1u; p != GR_NIL;
	     p = g->pairs[p].nnext)
		if (g->pairs[p].hash == hash && strcmp(g->pairs[p].name, full) == 0)
			return p;
	return GR_NIL;
}

uint32_t gr_pair_next_same(const struct ordo_groups *g, uint32_t p)
{
	const struct gr_pair *a = &g->pairs[p];

	for (p = a->nnext; p != GR_NIL; p = g->pairs[p].nnext)
		if (g->pairs[p].hash == a->hash &&
		    strcmp(g->pairs[p].name, a->name) == 0)
			return p;
	return GR_NIL;
}

uint32_t gr_pair_find(const struct ordo_groups *g, const char *full,
		      uint32_t hash, uint32_t group)
{
	uint32_t p;

	for (p = gr_pair_first(g, full, hash); p != GR_NIL;
	     p = gr_pair_next_same(g, p))
		if (g->pairs[p].group == group)
			return p;
	return GR_NIL;
}

int gr_member_add(struct ordo_groups *g, const char *group, uint32_t glen,
		  const char *full, uint32_t node, uint32_t slot,
		  uint32_t *group_out)
{
	uint32_t gi = gr_group_find(g, group, glen), h = gr_hash(full, (uint32_t)strlen(full));
	uint32_t p, at;
	struct gr_group *gr;
	struct gr_pair *a;

	if (gi != GR_NIL && gr_pair_find(g, full, h, gi) != GR_NIL)
		return -EALREADY;
	/* Room is judged on ordered state only (live groups, pairs, view
	 * size), never on the pool of empty groups an exchange keeps. */
	if ((g->pair_free == GR_NIL && g->pair_hwm == ORDO_GROUPS_MAX_MEMBERS) ||
	    (gi != GR_NIL && g->groups[gi].n >= ORDO_GROUPS_MAX_VIEW) ||
	    ((gi == GR_NIL || g->groups[gi].n == 0) &&
	     g->live_groups >= ORDO_GROUPS_MAX_GROUPS)) {
		g->st.no_room++;
		return -ENOSPC;
	}
	if (gi == GR_NIL) {
		gi = group_create(g, group, glen);
		if (gi == GR_NIL) { /* cannot happen: the pool is 2x the limit */
			g->st.no_room++;
			return -ENOSPC;
		}
	}
	gr = &g->groups[gi];
	if (gr->n == 0)
		g->live_groups++;

	p = g->pair_free;
	if (p != GR_NIL)
		g->pair_free = g->pairs[p].next;
	else
		p = g->pair_hwm++;
	a = &g->pairs[p];
	g->n_pairs++;
	/* NUL-padded: views are copied whole into client records. */
	memset(a->name, 0, GR_NAME);
	memcpy(a->name, full, strnlen(full, GR_NAME - 1));
	a->hash = h;
	a->node = node;
	a->slot = slot;
	a->group = gi;

	/* Sorted insert: joins are rare next to data, views are bounded. */
	for (at = gr->head; at != GR_NIL && strcmp(g->pairs[at].name, full) < 0;
	     at = g->pairs[at].next)
		;
	a->next = at;
	a->prev = at == GR_NIL ? gr->tail : g->pairs[at].prev;
	if (a->prev == GR_NIL)
		gr->head = p;
	else
		g->pairs[a->prev].next = p;
	if (at == GR_NIL)
		gr->tail = p;
	else
		g->pairs[at].prev = p;
	gr->n++;

	a->lnext = a->lprev = GR_NIL;
	if (slot != GR_NIL) {
		a->lnext = gr->lhead;
		if (gr->lhead != GR_NIL)
			g->pairs[gr->lhead].lprev = p;
		gr->lhead = p;
		gr->n_local++;
		g->clients[slot].n_groups++;
	}

	a->nprev = GR_NIL;
	a->nnext = g->pair_hash[h & (GR_PAIR_HASH - 1)] - 1u;
	if (a->nnext != GR_NIL)
		g->pairs[a->nnext].nprev = p;
	g->pair_hash[h & (GR_PAIR_HASH - 1)] = p + 1u;

	if (group_out)
		*group_out = gi;
	return 0;
}

void gr_member_remove(struct ordo_groups *g, uint32_t p)
{
	struct gr_pair *a = &g->pairs[p];
	struct gr_group *gr = &g->groups[a->group];

	if (a->prev == GR_NIL)
		gr->head = a->next;
	else
		g->pairs[a->prev].next = a->next;
	if (a->next == GR_NIL)
		gr->tail = a->prev;
	else
		g->pairs[a->next].prev = a->prev;
	gr->n--;
	if (gr->n == 0)
		g->live_groups--;

	if (a->slot != GR_NIL) {
		if (a->lprev == GR_NIL)
			gr->lhead = a->lnext;
		else
			g->pairs[a->lprev].lnext = a->lnext;
		if (a->lnext != GR_NIL)
			g->pairs[a->lnext].lprev = a->lprev;
		gr->n_local--;
		g->clients[a->slot].n_groups--;
	}

	if (a->nprev == GR_NIL)
		g->pair_hash[a->hash & (GR_PAIR_HASH - 1)] = a->nnext + 1u;
	else
		g->pairs[a->nprev].nnext = a->nnext;
	if (a->nnext != GR_NIL)
		g->pairs[a->nnext].nprev = a->nprev;

	a->name[0] = '\0';
	a->next = g->pair_free;
	g->pair_free = p;
	g->n_pairs--;
}

uint32_t gr_client_find(const struct ordo_groups *g, const char *priv,
			uint32_t len)
{
	uint32_t h = gr_hash(priv, len), s;

	for (s = g->client_hash[h & (GR_CLIENT_HASH - 1)] - 1u; s != GR_NIL;
	     s = g->clients[s].hnext)
		if (g->clients[s].priv_len == len &&
		    memcmp(g->clients[s].priv, priv, len) == 0)
			return s;
	return GR_NIL;
}

void gr_client_hash_add(struct ordo_groups *g, uint32_t slot)
{
	struct gr_client *c = &g->clients[slot];
	uint32_t b = gr_hash(c->priv, c->priv_len) & (GR_CLIENT_HASH - 1);

	c->hnext = g->client_hash[b] - 1u;
	g->client_hash[b] = slot + 1u;
}

void gr_client_hash_del(struct ordo_groups *g, uint32_t slot)
{
	struct gr_client *c = &g->clients[slot];
	uint32_t b = gr_hash(c->priv, c->priv_len) & (GR_CLIENT_HASH - 1);
	uint32_t x = g->client_hash[b] - 1u;

	if (x == slot) {
		g->client_hash[b] = c->hnext + 1u;
	} else {
		while (x != GR_NIL && g->clients[x].hnext != slot)
			x = g->clients[x].hnext;
		if (x != GR_NIL)
			g->clients[x].hnext = c->hnext;
	}
	c->hnext = GR_NIL;
}
