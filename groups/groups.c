/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The group layer's instance: create (every allocation it will ever
 * make), destroy, and the read-only views for the control plane and tests
 * (stats, the table walk, a client's group count).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sp.h"
#include "lib/spread/sp_memb.h"

#include "groups/groups_impl.h"
#include "lib/spread/sp_names.h"

static bool config_ok(const struct ordo_groups_config *cfg,
		      const struct ordo_groups_ops *ops, uint32_t *my_idx)
{
	uint32_t i, j, len;
	bool found = false;

	if (!ops || !ops->submit || !ops->deliver_msg || !ops->deliver_memb ||
	    cfg->n_nodes == 0 || cfg->n_nodes > ORDO_MAX_MEMBERS ||
	    cfg->max_clients == 0 || cfg->max_clients > ORDO_GROUPS_MAX_CLIENTS)
		return false;
	for (i = 0; i < cfg->n_nodes; i++) {
		const struct ordo_groups_node *n = &cfg->nodes[i];

		len = (uint32_t)strnlen(n->name, sizeof(n->name));
		/* A daemon name is a private group's tail: no '#'. */
		if (n->id == 0 || len == 0 || len > ORDO_GM_DAEMON_MAX ||
		    !sp_name_private_ok(n->name, len > ORDO_GM_PRIVATE_MAX ?
					ORDO_GM_PRIVATE_MAX : len) ||
		    (len > ORDO_GM_PRIVATE_MAX &&
		     !sp_name_group_ok(n->name, len)) ||
		    memchr(n->name, '#', len))
			return false;
		for (j = 0; j < i; j++)
			if (cfg->nodes[j].id == n->id ||
			    strcmp(cfg->nodes[j].name, n->name) == 0)
				return false;
		if (n->id == cfg->my_id) {
			*my_idx = i;
			found = true;
		}
	}
	return found;
}

struct ordo_groups *ordo_groups_create(const struct ordo_groups_config *cfg,
				       const struct ordo_groups_ops *ops,
				       void *ctx)
{
	struct ordo_groups *g;
	uint32_t my_idx = 0;

	if (cfg == NULL || !config_ok(cfg, ops, &my_idx)) {
		errno = EINVAL;
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	g->cfg = *cfg;
	g->ops = *ops;
	g->ctx = ctx;
	g->my_idx = my_idx;
	for (uint32_t i = 0; i < cfg->n_nodes; i++)
		g->node_len[i] = (uint8_t)strlen(cfg->nodes[i].name);
	g->body_cap = (uint32_t)(SP_MEMB_SETS_OFF +
				 (ORDO_MAX_MEMBERS + 1) * SP_MEMB_SET_HDR +
				 ORDO_GROUPS_MAX_VIEW * GR_NAME);
	g->view = calloc(ORDO_GROUPS_MAX_VIEW, GR_NAME);
	g->set_names = calloc(ORDO_GROUPS_MAX_VIEW, GR_NAME);
	g->loc_slot = calloc(ORDO_GROUPS_MAX_VIEW, sizeof(uint32_t));
	g->loc_idx = calloc(ORDO_GROUPS_MAX_VIEW, sizeof(uint32_t));
	g->body = calloc(1, g->body_cap);
	g->dest = calloc(ORDO_GM_MAX_GROUPS, GR_NAME);
	g->state_buf = calloc(1, GR_STATE_MAX);
	if (!g->view || !g->set_names || !g->loc_slot || !g->loc_idx ||
	    !g->body || !g->dest || !g->state_buf || gr_table_init(g) != 0) {
		ordo_groups_destroy(g);
		errno = ENOMEM;
		return NULL;
	}
	return g;
}

void ordo_groups_destroy(struct ordo_groups *g)
{
	if (g == NULL)
		return;
	gr_table_free(g);
	free(g->view);
	free(g->set_names);
	free(g->loc_slot);
	free(g->loc_idx);
	free(g->body);
	free(g->dest);
	free(g->state_buf);
	free(g);
}

const struct ordo_groups_stats *ordo_groups_stats(const struct ordo_groups *g)
{
	struct ordo_groups_stats *st = (struct ordo_groups_stats *)&g->st;

	st->groups = g->live_groups;
	st->members = g->n_pairs;
	return st;
}

/* Uses the instance's scratch for the view, so it is not reentrant with
 * the delivery path (the same thread calls both anyway). */
void ordo_groups_foreach(const struct ordo_groups *cg,
			 void (*fn)(void *arg, const char *group,
				    const uint32_t gid[3], uint32_t n,
				    const char (*members)[ORDO_GROUPS_NAME_LEN]),
			 void *arg)
{
	struct ordo_groups *g = (struct ordo_groups *)cg;

	for (uint32_t gi = 0; gi < g->group_hwm; gi++) {
		const struct gr_group *gr = &g->groups[gi];

		if (!gr->in_use || gr->n == 0)
			continue;
		gr_copy_view(g, gr);
		fn(arg, gr->name, gr->gid, gr->n,
		   (const char (*)[ORDO_GROUPS_NAME_LEN])g->view);
	}
}

uint32_t ordo_groups_client_groups(const struct ordo_groups *g, uint32_t client)
{
	if (client >= g->cfg.max_clients ||
	    g->clients[client].state == GR_CLIENT_FREE)
		return 0;
	return g->clients[client].n_groups;
}
