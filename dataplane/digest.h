/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The traffic digest: a running 64-bit hash over every delivered message,
 * in delivery order, so two nodes that delivered the same messages in the
 * same order print the same number. FNV-1a over 64-bit words with an extra
 * xor-shift per word (plain word-wise FNV only carries bits upward); not a
 * cryptographic hash, an equality check for identical streams. About a
 * byte per cycle, so hashing is not what limits the measured rate.
 */
#ifndef ORDO_DP_DIGEST_H
#define ORDO_DP_DIGEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define DP_DIGEST_INIT  0xcbf29ce484222325ull /* FNV-1a 64 offset basis */
#define DP_DIGEST_PRIME 0x100000001b3ull

static inline uint64_t dp_digest_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * DP_DIGEST_PRIME;
	return h ^ (h >> 29);
}

static inline uint64_t dp_digest_bytes(uint64_t h, const void *data,
				       size_t len)
{
	const uint8_t *p = data;
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = dp_digest_word(h, w);
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		h = dp_digest_word(h, w ^ ((uint64_t)len << 56));
	}
	return h;
}

#endif /* ORDO_DP_DIGEST_H */
