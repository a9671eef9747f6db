/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Helpers shared by the client ring tests, benchmark and fuzz target:
 * deterministic record contents that the reader can check on its own.
 */
#ifndef ORDO_TESTS_CLIENT_UTIL_H
#define ORDO_TESTS_CLIENT_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ordo/wire.h"
#include "lib/cring/cring.h"

static inline uint64_t cr_rnd(uint64_t *s)
{
	*s ^= *s >> 12; /* xorshift64* */
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* Payload byte i of message id: a function of both, so a misplaced,
 * torn or stale byte is seen. */
static inline uint8_t cr_byte(uint64_t id, uint32_t i)
{
	uint64_t x = (id * 0x9e3779b97f4a7c15ull) ^ (i * 0xbf58476d1ce4e5b9ull);
	return (uint8_t)(x >> 29);
}

static inline void cr_fill(uint8_t *p, uint64_t id, uint32_t off, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = cr_byte(id, off + i);
}

/* Index of the first wrong byte, or UINT32_MAX. */
static inline uint32_t cr_check(const uint8_t *p, uint64_t id, uint32_t off,
				uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != cr_byte(id, off + i))
			return i;
	return UINT32_MAX;
}

static inline void cr_name(char out[ORDO_CR_NAME_LEN], const char *s)
{
	memset(out, 0, ORDO_CR_NAME_LEN);
	strncpy(out, s, ORDO_CR_NAME_LEN - 1);
}

#endif
