/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fake daemon's group layer (FAKE_GROUPS, fake_daemon.h): groups of
 * its connections, memberships in Spread's shape, and messages routed to
 * groups and private groups. Everything runs on the daemon's one thread,
 * so every client sees one total order of messages and memberships, as
 * on a real ring. Enough for the flush library's tests: several members,
 * joins, leaves, disconnects and a network change.
 */
#include <stdlib.h>
#include <string.h>

#include "ordo/ordo.h"
#include "lib/spread/sp_memb.h"
#include "tests/libordo/fake_daemon_impl.h"

static struct fake_group *group_of(struct fake_daemon *d, const char *name,
				   bool add)
{
	struct fake_group *free_slot = NULL;

	for (int i = 0; i < FAKE_MAX_GROUPS; i++) {
		struct fake_group *g = &d->groups[i];

		if (g->name[0] && !strncmp(g->name, name, sizeof(g->name)))
			return g;
		if (!g->name[0] && !free_slot)
			free_slot = g;
	}
	if (!add || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	strncpy(free_slot->name, name, sizeof(free_slot->name) - 1);
	return free_slot;
}

static int slot_of(struct fake_daemon *d, struct fake_conn *k)
{
	for (int i = 0; i < FAKE_MAX_CONNS; i++)
		if (d->conns[i] == k)
			return i;
	return -1;
}

/* One membership record to k: n members, the body given. */
static void send_memb(struct fake_daemon *d, struct fake_conn *k, const char *group,
		      service svc, unsigned n, char (*members)[ORDO_CR_NAME_LEN],
		      const char *body, int blen)
{
	size_t plen = sizeof(struct ordo_cr_memb) + n * ORDO_CR_NAME_LEN + (size_t)blen;
	uint8_t *pl = malloc(plen);
	struct ordo_cr_memb mh = { n, (uint32_t)blen };
	char g[1][ORDO_CR_NAME_LEN];
	int me = 0;

	if (!pl)
		return;
	for (unsigned i = 0; i < n; i++)
		if (!strncmp(members[i], k->group, ORDO_CR_NAME_LEN))
			me = (int)i;
	memcpy(pl, &mh, sizeof(mh));
	memcpy(pl + sizeof(mh), members, n * ORDO_CR_NAME_LEN);
	memcpy(pl + sizeof(mh) + n * ORDO_CR_NAME_LEN, body, (size_t)blen);
	fake_name_set(g[0], group);
	struct ordo_cr_send s = {
		.kind = ORDO_CR_MEMBERSHIP, .n_names = 1, .names = g,
		.msg_type = (int16_t)me, .aux = (uint32_t)svc,
		.msg_id = ++d->deliver_seq, .payload = pl, .len = (uint32_t)plen,
	};
	fake_deliver(d, k, &s);
	free(pl);
}

/* The regular membership of g to every member; `changed` is the member
 * the cause names (NULL for a network change: one set of everyone). */
static void regular(struct fake_daemon *d, struct fake_group *g, service cause,
		    const char *changed)
{
	char members[FAKE_MAX_CONNS][ORDO_CR_NAME_LEN];
	char one[1][MAX_GROUP_NAME];
	char body[(FAKE_MAX_CONNS + 2) * MAX_GROUP_NAME + 64];
	group_id gid = sp_gid_make(1, 2, ++d->gid_change);
	unsigned n = 0;

	for (int i = 0; i < FAKE_MAX_CONNS; i++)
		if (g->member[i] && d->conns[i])
			memcpy(members[n++], d->conns[i]->group, ORDO_CR_NAME_LEN);
	if (!n)
		return;
	struct sp_memb_set set;
	if (changed) {
		fake_name_set(one[0], changed);
		set = (struct sp_memb_set){ 1, (const char (*)[MAX_GROUP_NAME])one };
	} else {
		set = (struct sp_memb_set){ n, (const char (*)[MAX_GROUP_NAME])members };
	}
	int blen = sp_memb_encode(body, sizeof(body), &gid, &set, 1, 0, false);
	for (int i = 0; i < FAKE_MAX_CONNS; i++)
		if (g->member[i] && d->conns[i])
			send_memb(d, d->conns[i], g->name, REG_MEMB_MESS | cause, n,
				  members, body, blen);
}

void fake_groups_change(struct fake_daemon *d, struct fake_conn *k,
			const char *group, bool join)
{
	struct fake_group *g = group_of(d, group, join);
	int slot = slot_of(d, k);
	char body[64];

	if (!g || slot < 0)
		return;
	if (join) {
		if (g->member[slot])
			return;
		g->member[slot] = true;
		regular(d, g, CAUSED_BY_JOIN, k->group);
		return;
	}
	if (!g->member[slot])
		return;
	g->member[slot] = false;
	group_id gid = sp_gid_make(1, 2, ++d->gid_change);
	int blen = sp_memb_encode_gid(body, sizeof(body), &gid, false);
	send_memb(d, k, g->name, CAUSED_BY_LEAVE, 0, NULL, body, blen);
	regular(d, g, CAUSED_BY_LEAVE, k->group);
}

void fake_groups_gone(struct fake_daemon *d, int slot, struct fake_conn *k)
{
	for (int j = 0; j < FAKE_MAX_GROUPS; j++) {
		struct fake_group *g = &d->groups[j];

		if (!g->name[0] || !g->member[slot])
			continue;
		g->member[slot] = false;
		regular(d, g, CAUSED_BY_DISCONNECT, k->group);
	}
}

void fake_groups_network(struct fake_daemon *d, const char *group)
{
	struct fake_group *g = group_of(d, group, false);
	char body[64];

	if (!g)
		return;
	group_id gid = sp_gid_make(1, 2, ++d->gid_change);
	int blen = sp_memb_encode_gid(body, sizeof(body), &gid, false);
	for (int i = 0; i < FAKE_MAX_CONNS; i++)
		if (g->member[i] && d->conns[i])
			send_memb(d, d->conns[i], g->name, TRANSITION_MESS | CAUSED_BY_NETWORK,
				  0, NULL, body, blen);
	regular(d, g, CAUSED_BY_NETWORK, NULL);
}

void fake_groups_message(struct fake_daemon *d, struct fake_conn *k)
{
	static char names[ORDO_CR_MAX_NAMES][ORDO_CR_NAME_LEN];
	const struct ordo_cr_rec *f = &k->first;
	bool to[FAKE_MAX_CONNS] = { false };

	for (unsigned n = 0; n < f->n_names; n++) {
		struct fake_group *g = group_of(d, k->names[n], false);

		for (int i = 0; i < FAKE_MAX_CONNS; i++) {
			struct fake_conn *c = d->conns[i];

			if (!c)
				continue;
			if ((g && g->member[i]) ||
			    !strncmp(c->group, k->names[n], ORDO_CR_NAME_LEN))
				to[i] = true;
		}
	}
	memcpy(names[0], k->group, ORDO_CR_NAME_LEN);
	memcpy(names[1], k->names, (size_t)f->n_names * ORDO_CR_NAME_LEN);
	for (int i = 0; i < FAKE_MAX_CONNS; i++) {
		if (!to[i] || ((f->flags & ORDO_CR_F_SELF_DISCARD) && d->conns[i] == k))
			continue;
		struct ordo_cr_send s = {
			.kind = ORDO_CR_MSG, .service = f->service, .flags = ORDO_CR_F_SENDER,
			.n_names = (uint16_t)(f->n_names + 1), .names = names,
			.msg_type = f->msg_type, .msg_id = ++d->deliver_seq,
			.payload = k->msg, .len = k->msg_len,
		};
		fake_deliver(d, d->conns[i], &s);
	}
}
