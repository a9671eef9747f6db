/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Inside the seal (seal.h): where an op keeps its IV and AAD, and the
 * device and key functions the three files share.
 */
#ifndef ORDO_DP_SEAL_IMPL_H
#define ORDO_DP_SEAL_IMPL_H

#include <rte_crypto.h>

#include "dataplane/seal.h"

/* An op's private area, right after the op: the IV (where the session
 * says, cryptodev's convention), then the AAD. */
#define SEAL_IV_OFF  (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
#define SEAL_AAD_OFF (SEAL_IV_OFF + 16u)
#define SEAL_OP_PRIV (16u + sizeof(struct ordo_seal_aad))

/* seal_dev.c */
int  seal_dev_open(struct dp_seal *s, const char *want, int socket,
		   uint16_t n_qp, char *err, size_t errlen);
void seal_dev_close(struct dp_seal *s);
void *seal_dev_session(struct dp_seal *s, const uint8_t key[ORDO_SEAL_KEY_LEN],
		       bool encrypt);
void seal_dev_session_free(struct dp_seal *s, void *sess);

/* seal_keys.c: install k in a free slot (sessions for every member).
 * Returns the slot index or -errno (-EEXIST, -ENOSPC, -ENOMEM). */
int  seal_key_install(struct dp_seal *s, const struct ordo_seal_key *k);
void seal_key_drop(struct dp_seal *s, int slot);

/* seal_opener.c: a command on an opener's mailbox (SYNC, RETIRE). */
void seal_opener_apply(struct dp_seal *o, struct dp_seal_cmd *c);

/* The slot holding key id, or -1. */
static inline int seal_key_find(const struct dp_seal *s, uint32_t id)
{
	for (int i = 0; i < (int)ORDO_SEAL_MAX_KEYS; i++)
		if (s->keys[i].used && s->keys[i].id == id)
			return i;
	return -1;
}

#endif /* ORDO_DP_SEAL_IMPL_H */
