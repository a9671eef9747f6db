/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The control plane's mirror of the dataplane: the current ring (RING)
 * and the group table (VIEW per group). Kept only to answer ordoctl;
 * nothing is decided from it. Tails are checked against their counts
 * before anything is copied; a group table past CTRLD_GROUPS_MAX refuses
 * new groups rather than grow without bound.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/ctrld.h"

int ctrld_mirror_ring(struct ctrld *d, const struct ordo_cp_ring *m,
		      size_t len)
{
	const uint8_t *tail = (const uint8_t *)(m + 1);
	struct ctrld_ring r = { .known = true };
	uint32_t i;

	if (m->n_members > ORDO_MAX_MEMBERS ||
	    len != sizeof(*m) + (size_t)m->n_members * sizeof(uint32_t))
		return -EINVAL;
	r.ring_rep = m->ring_rep;
	r.ring_seq = m->ring_seq;
	r.n_members = m->n_members;
	memcpy(r.members, tail, m->n_members * sizeof(uint32_t));
	if (!d->ring.known || d->ring.ring_rep != r.ring_rep ||
	    d->ring.ring_seq != r.ring_seq) {
		char list[ORDO_MAX_MEMBERS * 40] = "";
		size_t o = 0;

		for (i = 0; i < r.n_members && o < sizeof(list); i++) {
			int k = ordo_conf_daemon_by_id(&d->conf, r.members[i]);

			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
					      i ? " " : "",
					      k >= 0 ? d->conf.daemons[k].name : "?");
		}
		ctrld_log(d, CLOG_INFO, "ring %08x.%u: %u members: %s",
			  r.ring_rep, r.ring_seq, r.n_members, list);
	}
	d->ring = r;
	return 0;
}

static int find_group(const struct ctrld *d, const char *name)
{
	uint32_t i;

	for (i = 0; i < d->n_groups; i++)
		if (strcmp(d->groups[i].name, name) == 0)
			return (int)i;
	return -1;
}

int ctrld_mirror_view(struct ctrld *d, const struct ordo_cp_view *m,
		      size_t len)
{
	struct ctrld_group *g;
	void *members;
	int i;

	if (!memchr(m->group, '\0', sizeof(m->group)) || m->group[0] == '\0' ||
	    m->truncated > 1 ||
	    m->n_members > (ORDO_CP_MSG_MAX - sizeof(*m)) / ORDO_CP_NAME_LEN ||
	    len != sizeof(*m) + (size_t)m->n_members * ORDO_CP_NAME_LEN)
		return -EINVAL;
	for (uint32_t j = 0; j < m->n_members; j++) {
		const char *name = (const char *)(m + 1) + j * ORDO_CP_NAME_LEN;

		if (!memchr(name, '\0', ORDO_CP_NAME_LEN))
			return -EINVAL;
	}
	i = find_group(d, m->group);
	if (m->n_members == 0) {
		if (i >= 0) {
			free(d->groups[i].members);
			d->groups[i] = d->groups[--d->n_groups];
		}
		return 0;
	}
	members = malloc((size_t)m->n_members * ORDO_CP_NAME_LEN);
	if (!members)
		return 0; /* the mirror is stale for this group; no harm */
	if (i < 0) {
		if (d->n_groups >= CTRLD_GROUPS_MAX) {
			ctrld_log(d, CLOG_WARN, "group table full, '%s' not mirrored",
				  m->group);
			free(members);
			return 0;
		}
		if (d->n_groups == d->cap_groups) {
			uint32_t cap = d->cap_groups ? 2 * d->cap_groups : 64;
			void *p = realloc(d->groups, cap * sizeof(*d->groups));

			if (!p) {
				free(members);
				return 0;
			}
			d->groups = p;
			d->cap_groups = cap;
		}
		i = (int)d->n_groups++;
		memset(&d->groups[i], 0, sizeof(d->groups[i]));
		memcpy(d->groups[i].name, m->group, sizeof(m->group));
	}
	memcpy(members, m + 1, (size_t)m->n_members * ORDO_CP_NAME_LEN);
	g = &d->groups[i];
	free(g->members);
	g->members = members;
	g->n_members = m->n_members;
	g->truncated = m->truncated;
	memcpy(g->gid, m->gid, sizeof(g->gid));
	ctrld_log(d, CLOG_DEBUG, "group '%s': %u members", g->name, g->n_members);
	return 0;
}

void ctrld_mirror_clear(struct ctrld *d)
{
	uint32_t i;

	for (i = 0; i < d->n_groups; i++)
		free(d->groups[i].members);
	d->n_groups = 0;
	d->ring.known = false;
}
