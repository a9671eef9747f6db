/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Openers (seal.h, dp_seal_opener_init): the seal of an rx worker, which
 * opens frames on a queue pair of its own with the sessions of the seal
 * that owns the device and the keys. The owner creates and frees every
 * session; an opener only holds pointers to them, so a key change runs
 * in an order that never lets an opener use a freed session and never
 * makes one refuse a key the owner still holds:
 *
 *   LOAD    owner makes the sessions -> each opener SYNCs
 *   RETIRE  owner drops the key from its table and keeps its sessions
 *           aside -> each opener SYNCs (forgets it) -> owner RELEASEs
 *           (frees them)
 *   USE     owner only (openers open with whatever key a frame names)
 *
 * (dp_seal_keys_post, seal_keys.c, posts them in that order.) Each table
 * changes on its own lcore, from its mailbox, between bursts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/seal.h"
#include "dataplane/seal_impl.h"

/* The owner's key table, as far as opening needs it (ids and decrypt
 * sessions); our own per-key counters stay with a key we keep. The
 * owner's table does not change meanwhile: it changes only from its own
 * mailbox, and the main lcore posts one command at a time. */
static void take_keys(struct dp_seal *o)
{
	const struct dp_seal *w = o->owner;

	for (unsigned i = 0; i < ORDO_SEAL_MAX_KEYS; i++) {
		struct dp_seal_key *k = &o->keys[i];
		const struct dp_seal_key *src = &w->keys[i];

		if (!src->used) {
			memset(k, 0, sizeof(*k));
			continue;
		}
		if (!k->used || k->id != src->id)
			k->opened = k->sealed = 0;
		k->id = src->id;
		k->enc = NULL; /* an opener never seals */
		memcpy(k->dec, src->dec, sizeof(k->dec));
		k->used = true;
	}
}

int dp_seal_opener_init(struct dp_seal *o, struct dp_seal *owner,
			uint16_t qp, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	if (owner == NULL || owner->owner != NULL) {
		snprintf(err, errlen, "seal opener: needs the seal that owns "
			 "the device");
		return -EINVAL;
	}
	o->owner = owner;
	o->dev_id = owner->dev_id;
	o->qp = qp;
	o->my_id = owner->my_id;
	o->incarnation_be = owner->incarnation_be;
	o->n_members = owner->n_members;
	memcpy(o->members, owner->members, sizeof(o->members));
	o->op_pool = owner->op_pool;
	o->oop = owner->oop;
	o->defer_replay = true;
	snprintf(o->driver, sizeof(o->driver), "%s", owner->driver);
	/* dev_name stays empty: dp_seal_fini closes nothing of ours. */
	take_keys(o);
	o->tx_key = owner->tx_key;
	/* One sender's frames may now reach several lcores: the replay
	 * windows are their consumer's (the ring lcore's), the owner's
	 * too. */
	owner->has_openers = true;
	owner->defer_replay = true;
	return 0;
}

void seal_opener_apply(struct dp_seal *o, struct dp_seal_cmd *c)
{
	if (c->op != DP_SEAL_SYNC) {
		c->result = -EINVAL;
		snprintf(c->msg, sizeof(c->msg), "an opener only takes its "
			 "owner's keys (the owner loads, uses and retires)");
		return;
	}
	take_keys(o);
	c->result = 0;
	snprintf(c->msg, sizeof(c->msg), "opener on queue pair %u: keys "
		 "taken", o->qp);
}
