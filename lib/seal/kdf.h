/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Key derivation for the sealed envelope (include/ordo/seal.h):
 * HKDF-SHA256 (RFC 5869) from a key file's bytes to the key id and to one
 * AES-256 key per transmitter. Slow path (key load), OpenSSL's libcrypto.
 */
#ifndef ORDO_SEAL_KDF_H
#define ORDO_SEAL_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "ordo/seal.h"

#define ORDO_HKDF_PRK_LEN 32u

/* RFC 5869, SHA-256. extract: prk = HMAC(salt, ikm). expand: okm of
 * okm_len bytes (at most 255 * 32). Return 0 or -EINVAL. */
int ordo_hkdf_extract(const uint8_t *salt, size_t salt_len,
		      const uint8_t *ikm, size_t ikm_len,
		      uint8_t prk[ORDO_HKDF_PRK_LEN]);
int ordo_hkdf_expand(const uint8_t prk[ORDO_HKDF_PRK_LEN],
		     const uint8_t *info, size_t info_len, uint8_t *okm,
		     size_t okm_len);

/* A loaded master key: its PRK and id. Wipe with ordo_seal_key_wipe(). */
struct ordo_seal_key {
	uint8_t  prk[ORDO_HKDF_PRK_LEN];
	uint32_t id; /* host order; on the wire big-endian */
};

/* From a key file's bytes (>= ORDO_SEAL_KEY_MIN). Returns 0 or -EINVAL. */
int ordo_seal_key_init(struct ordo_seal_key *k, const uint8_t *master,
		       size_t len);

/* The AES-256 key transmitter `sender` seals with under k. */
int ordo_seal_key_sender(const struct ordo_seal_key *k, uint32_t sender,
			 uint8_t out[ORDO_SEAL_KEY_LEN]);

void ordo_seal_key_wipe(struct ordo_seal_key *k);

#endif /* ORDO_SEAL_KDF_H */
