/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Packets built byte by byte (craft.h).
 */
#include <string.h>

#include "tests/unit/craft.h"

static void put(struct craft *c, uint32_t off, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n && off + i < sizeof(c->buf); i++)
		c->buf[off + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static void append(struct craft *c, uint64_t v, unsigned n)
{
	put(c, c->len, v, n);
	c->len += n;
}

void craft_put16(struct craft *c, uint32_t off, uint16_t v)
{
	put(c, off, v, 2);
}

void craft_put32(struct craft *c, uint32_t off, uint32_t v)
{
	put(c, off, v, 4);
}

void craft_put64(struct craft *c, uint32_t off, uint64_t v)
{
	put(c, off, v, 8);
}

void craft_hdr(struct craft *c, uint8_t type, uint32_t config_hash,
	       uint32_t sender, uint32_t ring_rep, uint32_t ring_seq)
{
	c->len = 0;
	append(c, ORDO_WIRE_MAGIC, 2);
	append(c, ORDO_WIRE_VERSION, 1);
	append(c, type, 1);
	append(c, config_hash, 4);
	append(c, sender, 4);
	append(c, 0, 4); /* len: craft_finish() */
	append(c, ring_rep, 4);
	append(c, ring_seq, 4);
}

void craft_data(struct craft *c, uint64_t seq, uint32_t round, uint16_t nrec,
		uint8_t flags)
{
	append(c, seq, 8);
	append(c, round, 4);
	append(c, nrec, 2);
	append(c, flags, 1);
	append(c, 0, 1);
}

void craft_rec_hdr(struct craft *c, uint32_t len, uint16_t msg_type,
		   uint8_t service, uint8_t flags)
{
	append(c, len, 4);
	append(c, msg_type, 2);
	append(c, service, 1);
	append(c, flags, 1);
}

void craft_rec(struct craft *c, uint32_t len, uint16_t msg_type,
	       uint8_t service, uint8_t flags, const void *data)
{
	uint32_t i;

	craft_rec_hdr(c, len, msg_type, service, flags);
	for (i = 0; i < len && c->len < sizeof(c->buf); i++)
		c->buf[c->len++] = data != NULL ? ((const uint8_t *)data)[i] :
						  craft_pattern(msg_type, i);
}

void craft_token(struct craft *c, const struct craft_token *t,
		 const uint64_t *rtr, uint16_t n_rtr)
{
	uint16_t i;

	append(c, t->token_seq, 8);
	append(c, t->seq, 8);
	append(c, t->aru, 8);
	append(c, t->aru_id, 4);
	append(c, t->fcc, 4);
	append(c, t->backlog, 4);
	append(c, t->dest, 4);
	append(c, t->rtr_count, 2);
	append(c, 0, 2);
	append(c, 0, 4);
	for (i = 0; i < n_rtr; i++)
		append(c, rtr[i], 8);
}

void craft_bytes(struct craft *c, const void *p, uint32_t n)
{
	if (n > sizeof(c->buf) - c->len)
		n = (uint32_t)(sizeof(c->buf) - c->len);
	memcpy(c->buf + c->len, p, n);
	c->len += n;
}

void craft_u8(struct craft *c, uint8_t v) { append(c, v, 1); }
void craft_u16(struct craft *c, uint16_t v) { append(c, v, 2); }
void craft_u32(struct craft *c, uint32_t v) { append(c, v, 4); }
void craft_u64(struct craft *c, uint64_t v) { append(c, v, 8); }

void craft_finish(struct craft *c)
{
	put(c, CRAFT_OFF_LEN, c->len, 4);
}
