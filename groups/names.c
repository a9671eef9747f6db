/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Names as they travel in group messages: length-prefixed, no NUL. Every
 * name from the ring is checked with Spread's rules (lib/spread/sp_names.h,
 * the ones libordo applies at the call) before it reaches the table, and a
 * member's full name "#private#daemon" is built from the delivery's
 * sender node and its configured name.
 */
#include <string.h>

#include "groups/groups_impl.h"
#include "lib/spread/sp_names.h"

/* Deliveries come in runs from one sender: the last answer first. */
int gr_node_index(struct ordo_groups *g, uint32_t node)
{
	if (g->cfg.nodes[g->node_cache].id == node)
		return (int)g->node_cache;
	for (uint32_t i = 0; i < g->cfg.n_nodes; i++)
		if (g->cfg.nodes[i].id == node) {
			g->node_cache = i;
			return (int)i;
		}
	return -1;
}

uint32_t gr_full_name(const struct ordo_groups *g, char out[GR_NAME],
		      const char *priv, uint32_t priv_len, uint32_t node_idx)
{
	return (uint32_t)sp_name_join_private(out, priv, priv_len,
					      g->cfg.nodes[node_idx].name,
					      g->node_len[node_idx]);
}

/* FNV-1a: names are short, and this is one multiply per byte. */
uint32_t gr_hash(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}
