/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Names as they travel in group messages: length-prefixed, no NUL. Every
 * name from the ring is checked here before it reaches the table, and a
 * member's full name "#private#daemon" is built from the delivery's
 * sender node and its configured name.
 */
#include <string.h>

#include "groups/groups_int.h"

static bool chars_ok(const char *s, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < '$' || (unsigned char)s[i] > '~')
			return false;
	return true;
}

bool gr_group_name_ok(const char *s, uint32_t len)
{
	return len >= 1 && len <= ORDO_GM_GROUP_MAX && s[0] != '#' &&
	       chars_ok(s, len);
}

bool gr_private_name_ok(const char *s, uint32_t len)
{
	return len >= 1 && len <= ORDO_GM_PRIVATE_MAX && chars_ok(s, len) &&
	       memchr(s, '#', len) == NULL;
}

bool gr_private_group_ok(const char *s, uint32_t len)
{
	const char *sep;
	uint32_t plen;

	if (len < 4 || len > ORDO_GM_GROUP_MAX || s[0] != '#')
		return false;
	sep = memchr(s + 1, '#', len - 1);
	if (sep == NULL)
		return false;
	plen = (uint32_t)(sep - s - 1);
	return gr_private_name_ok(s + 1, plen) &&
	       len - plen - 2 >= 1 && len - plen - 2 <= ORDO_GM_DAEMON_MAX &&
	       chars_ok(sep + 1, len - plen - 2) &&
	       memchr(sep + 1, '#', len - plen - 2) == NULL;
}

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
	uint32_t dlen = g->node_len[node_idx];

	out[0] = '#';
	memcpy(out + 1, priv, priv_len);
	out[1 + priv_len] = '#';
	memcpy(out + 2 + priv_len, g->cfg.nodes[node_idx].name, dlen);
	out[2 + priv_len + dlen] = '\0';
	return 2 + priv_len + dlen;
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
