/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Message bytes and their digest; see payload.h.
 */
#include <string.h>

#include "tests/sim/payload.h"
#include "tests/sim/prng.h"

#define K_MUL 0x9fb21c651e98df25ull

static inline uint64_t step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * K_MUL; /* odd multiplier: a bijection */
	return h ^ (h >> 29);  /* xorshift: a bijection */
}

static uint64_t hash64(const void *data, size_t len, uint64_t h)
{
	const uint8_t *p = data;
	uint64_t w;

	h = step(h, len);
	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = step(h, w);
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, p, len);
		h = step(h, w ^ ((uint64_t)len << 56));
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

uint64_t payload_digest(const void *data, size_t len)
{
	return hash64(data, len, 0x6f72646f73696d31ull);
}

static uint32_t body_check(const uint8_t *body, uint32_t len)
{
	uint64_t h = hash64(body, len, 0x626f6479ull);

	return (uint32_t)(h ^ (h >> 32));
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

void payload_fill(void *buf, uint32_t origin, uint32_t counter, uint32_t len)
{
	uint8_t *p = buf, *body = p + PAYLOAD_HDR_LEN;
	uint32_t blen = len - PAYLOAD_HDR_LEN, off;
	uint64_t x = (uint64_t)origin << 32 | counter;

	/* The body is a splitmix64 stream keyed by (origin, counter). */
	for (off = 0; off < blen; off += 8) {
		uint64_t w = splitmix64(&x);
		uint32_t n = blen - off < 8 ? blen - off : 8;

		memcpy(body + off, &w, n);
	}
	put32(p, origin);
	put32(p + 4, counter);
	put32(p + 8, len);
	put32(p + 12, body_check(body, blen));
}

bool payload_parse(const void *data, uint32_t len, struct payload_hdr *h)
{
	const uint8_t *p = data;

	if (len < PAYLOAD_HDR_LEN)
		return false;
	h->origin = get32(p);
	h->counter = get32(p + 4);
	h->len = get32(p + 8);
	h->check = get32(p + 12);
	return true;
}

bool payload_verify(const void *data, uint32_t len)
{
	const uint8_t *body = (const uint8_t *)data + PAYLOAD_HDR_LEN;
	struct payload_hdr h;
	uint64_t x;
	uint32_t off;

	if (!payload_parse(data, len, &h) || h.len != len ||
	    h.check != body_check(body, len - PAYLOAD_HDR_LEN))
		return false;
	x = (uint64_t)h.origin << 32 | h.counter;
	for (off = 0; off < len - PAYLOAD_HDR_LEN; off += 8) {
		uint64_t w = splitmix64(&x);
		uint32_t n = len - PAYLOAD_HDR_LEN - off;

		if (memcmp(body + off, &w, n < 8 ? n : 8) != 0)
			return false;
	}
	return true;
}
