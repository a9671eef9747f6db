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

size_t ordod_key(void *arg, const struct ordo_cp_key *m, char *buf,
		 size_t len, int32_t *status)
{
	const struct ordod_keyctl *kc = arg;
	static uint8_t raw[ORDO_SEAL_KEY_MAX];
	struct dp_seal_cmd c;
	struct dp_snapshot *s;
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
	rc = dp_ring_key_cmd(kc->ring, &c, kc->ring_here);
	ordo_seal_key_wipe(&c.key);
	if (rc < 0) {
		*status = rc;
		return (size_t)snprintf(buf, len, "the ring lcore did not take "
					"the request: %s\n", strerror(-rc));
	}
	*status = c.result;
	printf("ordod: key request: %s\n", c.msg);
	fflush(stdout);
	return (size_t)snprintf(buf, len, "%s\n", c.msg);
}
