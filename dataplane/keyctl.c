/* SPDX-License-Identifier: BSD-3-Clause
 *
 * KEY requests (keyctl.h). Main lcore, slow path: the key file is read
 * here, with ordod's rights and KeyFile's checks; the ring lcore gets the
 * derived key through the seal's mailbox (dp_ring_key_cmd).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "dataplane/keyctl.h"
#include "lib/seal/keyfile.h"

static size_t list(const struct dp_snapshot *s, char *buf, size_t len,
		   bool json)
{
	const struct dp_seal_stats *st = &s->seal;
	size_t n = 0;
	int k;

#define PUT(...)                                                              \
	do {                                                                  \
		k = snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, \
			     __VA_ARGS__);                                    \
		if (k > 0)                                                    \
			n += (size_t)k;                                       \
	} while (0)
	if (json)
		PUT("{\"sending\": \"%08x\", \"key_changes\": %" PRIu64
		    ", \"key_change_missing\": %" PRIu64 ", \"keys\": [",
		    st->tx_key_id, st->use_applied, st->use_missing);
	for (uint32_t i = 0; i < st->n_keys && i < ORDO_SEAL_MAX_KEYS; i++) {
		bool tx = st->key_ids[i] == st->tx_key_id;

		if (json)
			PUT("%s{\"id\": \"%08x\", \"sending\": %s, \"sealed\": %"
			    PRIu64 ", \"opened\": %" PRIu64 "}", i ? ", " : "",
			    st->key_ids[i], tx ? "true" : "false",
			    st->key_sealed[i], st->key_opened[i]);
		else
			PUT("key %08x %-8s sealed=%" PRIu64 " opened=%" PRIu64
			    "\n", st->key_ids[i], tx ? "sending" : "loaded",
			    st->key_sealed[i], st->key_opened[i]);
	}
	if (json)
		PUT("]}\n");
	else
		PUT("key changes through the ring: %" PRIu64 " taken, %" PRIu64
		    " naming a key not loaded here\n", st->use_applied,
		    st->use_missing);
#undef PUT
	return n;
}

/* Key changes this daemon applied so far, as last published (the
 * worker's seal when one runs): a count that only grows, read before a
 * USE is asked. */
static uint64_t use_applied(const struct ordod_keyctl *kc)
{
	struct dp_snapshot *s = malloc(sizeof(*s)); /* slow path */
	uint64_t n = UINT64_MAX;

	if (s != NULL) {
		dp_ring_read(kc->ring, s);
		n = s->seal.use_applied;
		free(s);
	}
	return n;
}

/* A USE the seal took (submitted to the engine, or handed to the ring
 * lcore by the crypto/io worker): wait until this daemon applied a key
 * change since (before: use_applied() then) and seals with the key, read
 * from the published snapshot, so success means in force here, as the
 * operator reads it. The sending key alone would not do: the snapshot is
 * up to a few milliseconds old, and may still show a key that was
 * sending a moment ago. Returns 0, or -ETIMEDOUT / -ENOMEM with c->msg
 * saying so. */
static int use_wait(const struct ordod_keyctl *kc, struct dp_seal_cmd *c,
		    uint64_t before)
{
	unsigned wait = kc->use_wait_ms ? kc->use_wait_ms
					: ORDOD_KEY_USE_WAIT_MS;
	struct dp_snapshot *s = malloc(sizeof(*s)); /* slow path */

	if (s == NULL || before == UINT64_MAX) {
		free(s);
		snprintf(c->msg, sizeof(c->msg), "key %08x: asked of the ring; "
			 "out of memory to see it taken", c->key_id);
		return -ENOMEM;
	}
	for (unsigned ms = 0;; ms++) {
		dp_ring_read(kc->ring, s);
		if (s->seal.use_applied > before &&
		    s->seal.tx_key_id == c->key_id) {
			free(s);
			snprintf(c->msg, sizeof(c->msg), "key %08x: the ring "
				 "ordered it and this daemon seals with it now "
				 "(every daemon does from the same point of the "
				 "order)", c->key_id);
			return 0;
		}
		if (ms >= wait)
			break;
		usleep(1000);
	}
	free(s);
	snprintf(c->msg, sizeof(c->msg), "key %08x: asked of the ring, not in "
		 "force here after %u ms (no ring, or it is re-forming): it "
		 "still is asked for; `ordoctl key list` shows when this daemon "
		 "sends with it", c->key_id, wait);
	return -ETIMEDOUT;
}

size_t ordod_key(void *arg, const struct ordo_cp_key *m, char *buf,
		 size_t len, int32_t *status)
{
	const struct ordod_keyctl *kc = arg;
	static uint8_t raw[ORDO_SEAL_KEY_MAX];
	struct dp_seal_cmd c;
	struct dp_snapshot *s;
	uint64_t applied0 = 0;
	size_t n;
	int rc;

	memset(&c, 0, sizeof(c));
	*status = 0;
	if (kc->ring->seal == NULL) {
		*status = -ENOTSUP;
		return (size_t)snprintf(buf, len, "crypto is off (Crypto = "
					"none): this ring has no keys\n");
	}
	switch (m->op) {
	case ORDO_CP_KEY_LIST:
		s = malloc(sizeof(*s)); /* ~10 KB, slow path */
		if (s == NULL) {
			*status = -ENOMEM;
			return 0;
		}
		dp_ring_read(kc->ring, s);
		n = list(s, buf, len, m->flags & ORDO_CP_Q_JSON);
		free(s);
		return n;
	case ORDO_CP_KEY_LOAD: {
		char why[400];
		size_t klen;

		if (m->path[0] != '/') {
			*status = -EINVAL;
			return (size_t)snprintf(buf, len, "key file '%s': give an "
						"absolute path (ordod reads it, "
						"not ordoctl)\n", m->path);
		}
		rc = ordo_keyfile_read(m->path, raw, &klen, why, sizeof(why));
		if (rc == 0 && ordo_seal_key_init(&c.key, raw, klen) < 0) {
			rc = -EINVAL;
			snprintf(why, sizeof(why), "key file %s: cannot derive "
				 "keys from it", m->path);
		}
		OPENSSL_cleanse(raw, sizeof(raw));
		if (rc < 0) {
			*status = rc;
			return (size_t)snprintf(buf, len, "%s\n", why);
		}
		c.op = DP_SEAL_LOAD;
		break;
	}
	case ORDO_CP_KEY_USE:
		c.op = DP_SEAL_USE;
		c.key_id = m->key_id;
		break;
	case ORDO_CP_KEY_RETIRE:
		c.op = DP_SEAL_RETIRE;
		c.key_id = m->key_id;
		break;
	default:
		*status = -EINVAL;
		return (size_t)snprintf(buf, len, "unknown key operation\n");
	}
	if (c.op == DP_SEAL_USE && !kc->ring_here)
		applied0 = use_applied(kc);
	rc = dp_ring_key_cmd(kc->ring, &c, kc->ring_here);
	ordo_seal_key_wipe(&c.key);
	if (rc < 0) {
		*status = rc;
		return (size_t)snprintf(buf, len, "the ring lcore did not take "
					"the request: %s\n", strerror(-rc));
	}
	/* Taken by the seal: a USE is done once it is in force here (with
	 * a crypto/io worker the seal's answer only means the worker handed
	 * it on to the ring lcore). */
	if (c.op == DP_SEAL_USE && c.result == 0 && !kc->ring_here)
		c.result = use_wait(kc, &c, applied0);
	*status = c.result;
	printf("ordod: key request: %s\n", c.msg);
	fflush(stdout);
	return (size_t)snprintf(buf, len, "%s\n", c.msg);
}
