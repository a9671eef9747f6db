/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The client access policy: Access blocks of the Ordo section, applied by
 * the control plane to the credentials SO_PEERCRED reports for a client
 * socket. First match decides, like a firewall: a block matches when its
 * pattern matches the group name (fnmatch(3), so "chat.*" or "ops-?")
 * and the client's uid or gid is listed ('*' lists everyone).
 */
#include <errno.h>
#include <fnmatch.h>

#include "lib/conf/conf_impl.h"

static bool listed(bool any, const uint32_t *ids, uint32_t n, uint32_t id)
{
	uint32_t i;

	if (any)
		return true;
	for (i = 0; i < n && i < ORDO_CONF_MAX_IDS; i++)
		if (ids[i] == id)
			return true;
	return false;
}

int ordo_conf_access_check(const struct ordo_conf *c, const char *group,
			   uint32_t uid, uint32_t gid, uint32_t op)
{
	const struct ordo_conf_access *a;
	uint32_t i;

	if (c->n_access == 0)
		return 0;
	if (group == NULL || op == 0 || (op & ~ORDO_ACCESS_ALL))
		return -EACCES;
	for (i = 0; i < c->n_access && i < ORDO_CONF_MAX_ACCESS; i++) {
		a = &c->access[i];
		if (fnmatch(a->pattern, group, 0) != 0)
			continue;
		if (!listed(a->any_uid, a->uids, a->n_uids, uid) &&
		    !listed(a->any_gid, a->gids, a->n_gids, gid))
			continue;
		return (a->allow & op) == op ? 0 : -EACCES;
	}
	return -EACCES;
}
