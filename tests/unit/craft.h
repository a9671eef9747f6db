/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Packets built byte by byte, for tests that feed the engine what a peer
 * (or an attacker) could send. Written independently of engine/codec.c on
 * purpose: the tests check the engine against include/ordo/wire.h, not
 * against itself. Every field is written big-endian, as on the wire.
 *
 *   struct craft c;
 *   craft_hdr(&c, ORDO_PKT_DATA, hash, sender, rep, ring_seq);
 *   craft_data(&c, seq, round, nrec, flags);
 *   craft_rec(&c, len, msg_type, service, flags, bytes);   ... nrec times
 *   craft_finish(&c);            sets the header's length to c.len
 *
 * Nothing checks what is written: building an invalid packet is the point.
 */
#ifndef ORDO_TEST_CRAFT_H
#define ORDO_TEST_CRAFT_H

#include <stdint.h>

#include "ordo/wire.h"

struct craft {
	uint32_t len;                         /* bytes written so far */
	uint8_t  buf[ORDO_WIRE_MAX_MTU + 256]; /* room to overrun the MTU */
};

/* Token fields in host order; rtr_count may disagree with n_rtr. */
struct craft_token {
	uint64_t token_seq, seq, aru;
	uint32_t aru_id, fcc, backlog, dest;
	uint16_t rtr_count;
};

void craft_hdr(struct craft *c, uint8_t type, uint32_t config_hash,
	       uint32_t sender, uint32_t ring_rep, uint32_t ring_seq);
void craft_data(struct craft *c, uint64_t seq, uint32_t round, uint16_t nrec,
		uint8_t flags);
/* A record header and len payload bytes; data NULL writes a pattern. */
void craft_rec(struct craft *c, uint32_t len, uint16_t msg_type,
	       uint8_t service, uint8_t flags, const void *data);
/* A record header claiming len bytes, without the bytes. */
void craft_rec_hdr(struct craft *c, uint32_t len, uint16_t msg_type,
		   uint8_t service, uint8_t flags);
void craft_token(struct craft *c, const struct craft_token *t,
		 const uint64_t *rtr, uint16_t n_rtr);
void craft_bytes(struct craft *c, const void *p, uint32_t n);
/* Append one big-endian field (for JOIN, COMMIT, BEACON bodies). */
void craft_u8(struct craft *c, uint8_t v);
void craft_u16(struct craft *c, uint16_t v);
void craft_u32(struct craft *c, uint32_t v);
void craft_u64(struct craft *c, uint64_t v);
/* Write c->len into the header's length field. */
void craft_finish(struct craft *c);

/* Overwrite one big-endian field at a byte offset. */
void craft_put16(struct craft *c, uint32_t off, uint16_t v);
void craft_put32(struct craft *c, uint32_t off, uint32_t v);
void craft_put64(struct craft *c, uint32_t off, uint64_t v);

/* Byte offsets of header fields, for craft_put*(). */
#define CRAFT_OFF_MAGIC   0u
#define CRAFT_OFF_VERSION 2u
#define CRAFT_OFF_TYPE    3u
#define CRAFT_OFF_HASH    4u
#define CRAFT_OFF_SENDER  8u
#define CRAFT_OFF_LEN     12u
#define CRAFT_OFF_REP     16u
#define CRAFT_OFF_RSEQ    20u

/* The pattern byte at offset i of a message tagged tag (craft_rec, tests). */
static inline uint8_t craft_pattern(uint32_t tag, uint64_t i)
{
	return (uint8_t)(tag * 131u + i * 7u + (i >> 8) * 13u + (i >> 16));
}

#endif /* ORDO_TEST_CRAFT_H */
