/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The seal's keys (seal.h): the slots and their sessions, and the three
 * operations of a key rotation (docs/security.md):
 *
 *   LOAD k     every daemon: k opens frames from now on (not used to seal)
 *   USE id     one daemon: an ordered message; every daemon seals with id
 *              from the point of the total order where the ring delivers it
 *   RETIRE id  every daemon: frames sealed with id are refused from now on
 *
 * The main lcore asks through a one-command mailbox (dp_seal_post); the
 * ring lcore serves it from its slow path, so the hot path never sees a
 * key table change in the middle of a burst.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "dataplane/seal.h"
#include "dataplane/seal_impl.h"

int seal_key_install(struct dp_seal *s, const struct ordo_seal_key *k)
{
	uint8_t key[ORDO_SEAL_KEY_LEN];
	struct dp_seal_key *slot = NULL;
	int idx = -1, me = dp_seal_member(s, s->my_id), rc = 0;

	if (seal_key_find(s, k->id) >= 0)
		return -EEXIST;
	for (int i = 0; i < (int)ORDO_SEAL_MAX_KEYS; i++)
		if (!s->keys[i].used) {
			idx = i;
			slot = &s->keys[i];
			break;
		}
	if (slot == NULL)
		return -ENOSPC;
	memset(slot, 0, sizeof(*slot));
	/* Ours seals; every other member's opens what it sealed. */
	for (uint32_t i = 0; i < s->n_members && rc == 0; i++) {
		void *sess;

		if (ordo_seal_key_sender(k, s->members[i], key) < 0) {
			rc = -EINVAL;
			break;
		}
		sess = seal_dev_session(s, key, (int)i == me);
		if (sess == NULL)
			rc = -ENOMEM;
		else if ((int)i == me)
			slot->enc = sess;
		else
			slot->dec[i] = sess;
	}
	OPENSSL_cleanse(key, sizeof(key));
	if (rc < 0) {
		seal_key_drop(s, idx);
		return rc;
	}
	slot->id = k->id;
	slot->used = true;
	return idx;
}

void seal_key_drop(struct dp_seal *s, int idx)
{
	struct dp_seal_key *slot = &s->keys[idx];

	seal_dev_session_free(s, slot->enc);
	for (uint32_t i = 0; i < ORDO_MAX_MEMBERS; i++)
		seal_dev_session_free(s, slot->dec[i]);
	memset(slot, 0, sizeof(*slot));
}

static int submit_use(struct dp_seal *s, uint32_t id,
		      dp_seal_submit_fn submit, void *ctx)
{
	struct ordo_seal_use u = {
		.magic = __builtin_bswap32(ORDO_SEAL_USE_MAGIC),
		.key_id = __builtin_bswap32(id),
		.from = __builtin_bswap32(s->my_id),
	};

	return submit(ctx, &u, sizeof(u));
}

void dp_seal_apply(struct dp_seal *s, struct dp_seal_cmd *c,
		   dp_seal_submit_fn submit, void *ctx)
{
	int slot, rc;

	if (s->owner != NULL) {
		seal_opener_apply(s, c);
		return;
	}
	switch (c->op) {
	case DP_SEAL_LOAD:
		rc = seal_key_install(s, &c->key);
		c->result = rc < 0 ? rc : 0;
		if (rc == -EEXIST)
			snprintf(c->msg, sizeof(c->msg), "key %08x is loaded "
				 "already", c->key.id);
		else if (rc == -ENOSPC)
			snprintf(c->msg, sizeof(c->msg), "%u keys loaded "
				 "already: retire one first", ORDO_SEAL_MAX_KEYS);
		else if (rc < 0)
			snprintf(c->msg, sizeof(c->msg), "key %08x: no sessions "
				 "on %s: %s", c->key.id, s->dev_name,
				 strerror(-rc));
		else
			snprintf(c->msg, sizeof(c->msg), "key %08x loaded: it "
				 "opens frames now; once every daemon holds it, "
				 "`ordoctl key use %08x` on one of them",
				 c->key.id, c->key.id);
		ordo_seal_key_wipe(&c->key);
		return;
	case DP_SEAL_USE:
		slot = seal_key_find(s, c->key_id);
		if (slot < 0) {
			c->result = -ENOENT;
			snprintf(c->msg, sizeof(c->msg), "key %08x is not loaded "
				 "here (`ordoctl key load FILE` first, on every "
				 "daemon)", c->key_id);
			return;
		}
		rc = submit_use(s, c->key_id, submit, ctx);
		c->result = rc;
		if (rc < 0) {
			snprintf(c->msg, sizeof(c->msg), "key %08x: the ring "
				 "cannot take the message now (%s): try again",
				 c->key_id, strerror(-rc));
			return;
		}
		s->use_pending = c->key_id;
		snprintf(c->msg, sizeof(c->msg), "key %08x: every daemon seals "
			 "with it once the ring delivers this order "
			 "(`ordoctl key list` shows it)", c->key_id);
		return;
	case DP_SEAL_RETIRE:
		slot = seal_key_find(s, c->key_id);
		if (slot < 0) {
			c->result = -ENOENT;
			snprintf(c->msg, sizeof(c->msg), "key %08x is not loaded "
				 "here", c->key_id);
		} else if (slot == s->tx_key || s->use_pending == c->key_id) {
			c->result = -EBUSY;
			snprintf(c->msg, sizeof(c->msg), "key %08x is the sending "
				 "key: make another one the sending key first "
				 "(`ordoctl key use ID`)", c->key_id);
		} else if (s->has_openers && s->retiring.used) {
			c->result = -EBUSY;
			snprintf(c->msg, sizeof(c->msg), "key %08x: the key "
				 "retired before is still held by an rx worker: "
				 "try again", c->key_id);
		} else {
			/* With openers the sessions wait until every one of
			 * them forgot the key (DP_SEAL_RELEASE). */
			if (s->has_openers) {
				s->retiring = s->keys[slot];
				memset(&s->keys[slot], 0, sizeof(s->keys[slot]));
			} else {
				seal_key_drop(s, slot);
			}
			c->result = 0;
			snprintf(c->msg, sizeof(c->msg), "key %08x retired: frames "
				 "sealed with it are refused from now on",
				 c->key_id);
		}
		return;
	case DP_SEAL_RELEASE:
		seal_dev_session_free(s, s->retiring.enc);
		for (uint32_t i = 0; i < ORDO_MAX_MEMBERS; i++)
			seal_dev_session_free(s, s->retiring.dec[i]);
		memset(&s->retiring, 0, sizeof(s->retiring));
		c->result = 0;
		return;
	case DP_SEAL_SYNC:
		break;
	}
	c->result = -EINVAL;
	snprintf(c->msg, sizeof(c->msg), "unknown key operation");
}

void dp_seal_slow(struct dp_seal *s, dp_seal_submit_fn submit, void *ctx)
{
	struct dp_seal_cmd *c = __atomic_load_n(&s->cmd, __ATOMIC_ACQUIRE);

	if (c == NULL)
		return;
	dp_seal_apply(s, c, submit, ctx);
	__atomic_store_n(&s->cmd, NULL, __ATOMIC_RELEASE);
}

int dp_seal_post(struct dp_seal *s, struct dp_seal_cmd *c,
		 unsigned timeout_ms)
{
	struct dp_seal_cmd *expect = NULL;

	if (!__atomic_compare_exchange_n(&s->cmd, &expect, c, false,
					 __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return -EBUSY;
	for (unsigned ms = 0; ms < timeout_ms; ms++) {
		if (__atomic_load_n(&s->cmd, __ATOMIC_ACQUIRE) == NULL)
			return 0;
		usleep(1000);
	}
	/* Take it back unless the ring lcore took it meanwhile. */
	expect = c;
	if (__atomic_compare_exchange_n(&s->cmd, &expect, NULL, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return -ETIMEDOUT;
	while (__atomic_load_n(&s->cmd, __ATOMIC_ACQUIRE) != NULL)
		usleep(100);
	return 0;
}

void dp_seal_use_delivered(struct dp_seal *s, const struct ordo_seal_use *u)
{
	uint32_t id = __builtin_bswap32(u->key_id);
	int slot = seal_key_find(s, id);

	if (s->use_pending == id)
		s->use_pending = 0;
	if (slot < 0) {
		/* We keep sealing with the old key; the others still open it
		 * until it is retired, and the counter tells the operator. */
		s->st.use_missing++;
		return;
	}
	s->tx_key = slot;
	s->st.use_applied++;
}

void dp_seal_ring_changed(struct dp_seal *s, dp_seal_submit_fn submit,
			  void *ctx)
{
	if (s->use_pending != 0 && seal_key_find(s, s->use_pending) >= 0)
		(void)submit_use(s, s->use_pending, submit, ctx);
}

/* Every opener takes the owner's table (SYNC); then, if a retired key's
 * sessions wait aside, the owner frees them (RELEASE). Idempotent. */
static int sync_openers(struct dp_seal *owner, struct dp_seal *const *openers,
			unsigned n_openers, unsigned timeout_ms)
{
	struct dp_seal_cmd oc;
	int rc;

	for (unsigned i = 0; i < n_openers; i++) {
		memset(&oc, 0, sizeof(oc));
		oc.op = DP_SEAL_SYNC;
		rc = dp_seal_post(openers[i], &oc, timeout_ms);
		if (rc < 0)
			return rc; /* the retired sessions stay aside: safe */
	}
	/* The owner's retiring slot changes only on commands from this
	 * thread: read here, it is what the owner last left. */
	if (!owner->retiring.used)
		return 0;
	memset(&oc, 0, sizeof(oc));
	oc.op = DP_SEAL_RELEASE;
	return dp_seal_post(owner, &oc, timeout_ms);
}

/* With openers (seal_opener.c): the command on the owner, then on each
 * opener the owner's table (SYNC), then after a RETIRE the sessions freed
 * (RELEASE), so no opener ever holds a freed session. The openers take
 * the table after every command the owner served, whatever it answered,
 * and before it too: a SYNC an earlier command lost to a timeout (an
 * opener's lcore preempted) is made up at the next command, a retry of
 * the same LOAD (answered "loaded already") included. */
int dp_seal_keys_post(struct dp_seal *owner, struct dp_seal *const *openers,
		      unsigned n_openers, struct dp_seal_cmd *c,
		      unsigned timeout_ms)
{
	int rc;

	rc = sync_openers(owner, openers, n_openers, timeout_ms);
	if (rc < 0)
		return rc;
	rc = dp_seal_post(owner, c, timeout_ms);
	if (rc < 0)
		return rc;
	return sync_openers(owner, openers, n_openers, timeout_ms);
}
