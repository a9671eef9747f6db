/* SPDX-License-Identifier: BSD-3-Clause
 *
 * HKDF-SHA256 and the envelope's derivations (kdf.h).
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lib/seal/kdf.h"

int ordo_hkdf_extract(const uint8_t *salt, size_t salt_len,
		      const uint8_t *ikm, size_t ikm_len,
		      uint8_t prk[ORDO_HKDF_PRK_LEN])
{
	static const uint8_t zeros[ORDO_HKDF_PRK_LEN];
	unsigned int n = 0;

	if (salt == NULL || salt_len == 0) { /* RFC 5869: HashLen zeros */
		salt = zeros;
		salt_len = sizeof(zeros);
	}
	if (HMAC(EVP_sha256(), salt, (int)salt_len, ikm, ikm_len, prk, &n) ==
	    NULL || n != ORDO_HKDF_PRK_LEN)
		return -EINVAL;
	return 0;
}

int ordo_hkdf_expand(const uint8_t prk[ORDO_HKDF_PRK_LEN],
		     const uint8_t *info, size_t info_len, uint8_t *okm,
		     size_t okm_len)
{
	uint8_t t[32], buf[32 + 256 + 1];
	size_t done = 0, tlen = 0;
	uint8_t i = 0;
	int rc = 0;

	if (okm_len > 255u * 32u || info_len > 256)
		return -EINVAL;
	while (done < okm_len) {
		unsigned int n = 0;
		size_t k = 0, take;

		/* T(i) = HMAC(PRK, T(i-1) || info || i) */
		memcpy(buf, t, tlen);
		k = tlen;
		if (info_len)
			memcpy(buf + k, info, info_len);
		k += info_len;
		buf[k++] = ++i;
		if (HMAC(EVP_sha256(), prk, ORDO_HKDF_PRK_LEN, buf, k, t, &n) ==
		    NULL || n != sizeof(t)) {
			rc = -EINVAL;
			break;
		}
		tlen = sizeof(t);
		take = okm_len - done < tlen ? okm_len - done : tlen;
		memcpy(okm + done, t, take);
		done += take;
	}
	OPENSSL_cleanse(t, sizeof(t));
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

int ordo_seal_key_init(struct ordo_seal_key *k, const uint8_t *master,
		       size_t len)
{
	uint8_t id[4];
	int rc;

	memset(k, 0, sizeof(*k));
	if (len < ORDO_SEAL_KEY_MIN || len > ORDO_SEAL_KEY_MAX)
		return -EINVAL;
	rc = ordo_hkdf_extract((const uint8_t *)ORDO_SEAL_KDF_SALT,
			       sizeof(ORDO_SEAL_KDF_SALT) - 1, master, len,
			       k->prk);
	if (rc == 0)
		rc = ordo_hkdf_expand(k->prk,
				      (const uint8_t *)ORDO_SEAL_KDF_KEYID,
				      sizeof(ORDO_SEAL_KDF_KEYID) - 1, id,
				      sizeof(id));
	if (rc < 0) {
		ordo_seal_key_wipe(k);
		return rc;
	}
	k->id = (uint32_t)id[0] << 24 | (uint32_t)id[1] << 16 |
		(uint32_t)id[2] << 8 | id[3];
	return 0;
}

int ordo_seal_key_sender(const struct ordo_seal_key *k, uint32_t sender,
			 uint8_t out[ORDO_SEAL_KEY_LEN])
{
	uint8_t info[sizeof(ORDO_SEAL_KDF_SENDER) - 1 + 4];
	size_t n = sizeof(ORDO_SEAL_KDF_SENDER) - 1;

	memcpy(info, ORDO_SEAL_KDF_SENDER, n);
	info[n] = (uint8_t)(sender >> 24);
	info[n + 1] = (uint8_t)(sender >> 16);
	info[n + 2] = (uint8_t)(sender >> 8);
	info[n + 3] = (uint8_t)sender;
	return ordo_hkdf_expand(k->prk, info, sizeof(info), out,
				ORDO_SEAL_KEY_LEN);
}

void ordo_seal_key_wipe(struct ordo_seal_key *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}
