/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The hostile fault: see hostile.h.
 */
#include <string.h>

#include "tests/sim/hostile.h"

/* Its own stream of the seed, apart from the network's and the faults'. */
#define HOSTILE_STREAM 0x4853544cull /* "HSTL" */
#define HDR ((uint32_t)sizeof(struct ordo_wire_hdr))

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

void hostile_reset(struct hostile *h, const struct hostile_params *p,
		   uint64_t seed, uint32_t nodes, uint64_t until)
{
	h->p = *p;
	prng_seed(&h->rng, seed, HOSTILE_STREAM);
	h->nodes = nodes;
	h->until = until;
	h->nkept = 0;
	h->fed = h->taken = 0;
}

/* A header like the ring's own: magic, version, hash from a real packet. */
static void header(struct hostile *h, uint8_t *buf, const uint8_t *real,
		   uint8_t type, uint32_t sender, uint32_t rep, uint32_t rseq,
		   uint32_t len)
{
	(void)h;
	memcpy(buf, real, 8); /* magic, version, type, config hash */
	buf[3] = type;
	put32(buf + 8, sender);
	put32(buf + 12, len);
	put32(buf + 16, rep);
	put32(buf + 20, rseq);
}

/* A sender: mostly a configured member, sometimes a stranger. */
static uint32_t who(struct hostile *h)
{
	return prng_chance(&h->rng, 0.8) ?
		       1 + (uint32_t)prng_below(&h->rng, h->nodes) :
		       h->nodes + 1 + (uint32_t)prng_below(&h->rng, 1000);
}

/* The ring sequence of a forgery: the maximum, the farthest later than
 * the real packet's, or random. */
static uint32_t absurd_seq(struct hostile *h, uint32_t real)
{
	switch (prng_below(&h->rng, 3)) {
	case 0: return ORDO_RING_SEQ_MAX;
	case 1: return (real + (1u << 30) - 1) & ORDO_RING_SEQ_MAX;
	default: return (uint32_t)prng_next(&h->rng);
	}
}

static uint32_t forge(struct hostile *h, uint8_t *buf, const uint8_t *real)
{
	uint32_t s = who(h), rseq = absurd_seq(h, get32(real + 20));
	uint32_t i, n = h->nodes, len;

	switch (prng_below(&h->rng, 4)) {
	case 0: /* beacon of its own ring */
		len = HDR + 8;
		header(h, buf, real, ORDO_PKT_BEACON, s, s, rseq, len);
		put32(buf + HDR, 1 + (uint32_t)prng_below(&h->rng, 3));
		put32(buf + HDR + 4, n << 16); /* n_members, out 0 */
		return len;
	case 1: /* join naming every member, proc = heard */
		len = HDR + 16 + 8 * n;
		header(h, buf, real, ORDO_PKT_JOIN, s, get32(real + 16),
		       get32(real + 20), len);
		put32(buf + HDR, 1 + (uint32_t)prng_below(&h->rng, 3));
		put32(buf + HDR + 4, rseq);
		buf[HDR + 8] = (uint8_t)n;
		buf[HDR + 9] = 0;
		buf[HDR + 10] = (uint8_t)n;
		buf[HDR + 11] = ORDO_JOIN_F_MATURE;
		put32(buf + HDR + 12, 0);
		for (i = 0; i < 2 * n; i++)
			put32(buf + HDR + 16 + 4 * i, 1 + i % n);
		return len;
	case 2: /* commit token of every member, from member 1 */
		len = HDR + 16 + 48 * n;
		header(h, buf, real, ORDO_PKT_COMMIT, 1, 1, rseq, len);
		memset(buf + HDR, 0, len - HDR);
		put32(buf + HDR, 1 + (uint32_t)prng_below(&h->rng, n));
		buf[HDR + 5] = 1; /* hop */
		buf[HDR + 6] = (uint8_t)n;
		for (i = 0; i < n; i++) {
			uint8_t *m = buf + HDR + 16 + 48 * i;

			put32(m, i + 1);
			put32(m + 4, 1);
			put32(m + 44 - 4, i == 0);
		}
		return len;
	default: /* token of the real ring, token_seq and seq far ahead */
		len = HDR + 48;
		header(h, buf, real, ORDO_PKT_TOKEN, s, get32(real + 16),
		       get32(real + 20), len);
		memset(buf + HDR, 0, 48);
		put64(buf + HDR, prng_next(&h->rng) >> 1);
		put64(buf + HDR + 8, 1000 + (prng_next(&h->rng) >> 8));
		put32(buf + HDR + 36, 1 + (uint32_t)prng_below(&h->rng, n));
		return len;
	}
}

/* Flip 1..4 bits; DATA and TOKEN only in their framing (hostile.h). */
static void mutate(struct hostile *h, uint8_t *buf, uint32_t len)
{
	static const uint8_t framing[] = { 0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14,
					   15, 16, 17, 18, 19, 20, 21, 22, 23 };
	bool only_framing = len >= HDR && (buf[3] == ORDO_PKT_DATA ||
					   buf[3] == ORDO_PKT_TOKEN);
	uint32_t n = 1 + (uint32_t)prng_below(&h->rng, 4);

	while (n-- > 0) {
		uint32_t off = only_framing ?
			framing[prng_below(&h->rng, sizeof(framing))] :
			(uint32_t)prng_below(&h->rng, len);

		buf[off] ^= (uint8_t)(1u << prng_below(&h->rng, 8));
	}
}

bool hostile_after_send(struct hostile *h, const void *pkt, uint32_t len,
			uint64_t now, uint8_t *buf, uint32_t *blen,
			uint32_t *to, uint64_t *at)
{
	uint32_t j, i;
	const uint8_t *real;

	if (h->p.rate <= 0 || now >= h->until || len < HDR ||
	    len > ORDO_WIRE_MAX_MTU)
		return false;
	memcpy(h->kept[h->nkept % HOSTILE_KEEP], pkt, len);
	h->kept_len[h->nkept++ % HOSTILE_KEEP] = len;
	if (!prng_chance(&h->rng, h->p.rate))
		return false;
	j = (uint32_t)prng_below(&h->rng, h->nkept < HOSTILE_KEEP ?
						  h->nkept : HOSTILE_KEEP);
	real = h->kept[j];
	*blen = h->kept_len[j];
	switch (prng_below(&h->rng, 6)) {
	case 0: /* random bytes */
		*blen = (uint32_t)prng_below(&h->rng, 1500);
		for (i = 0; i < *blen; i++)
			buf[i] = (uint8_t)prng_next(&h->rng);
		break;
	case 1: /* a real header, a random body */
		*blen = HDR + (uint32_t)prng_below(&h->rng, 600);
		memcpy(buf, real, HDR);
		buf[3] = (uint8_t)(1 + prng_below(&h->rng, ORDO_PKT_TYPE_MAX - 1));
		put32(buf + 12, *blen);
		for (i = HDR; i < *blen; i++)
			buf[i] = (uint8_t)prng_next(&h->rng);
		break;
	case 2: /* truncated */
		*blen = (uint32_t)prng_below(&h->rng, *blen);
		memcpy(buf, real, *blen);
		break;
	case 3: /* replayed */
		memcpy(buf, real, *blen);
		break;
	case 4: /* mutated */
		memcpy(buf, real, *blen);
		mutate(h, buf, *blen);
		break;
	default:
		*blen = forge(h, buf, real);
		break;
	}
	*to = (uint32_t)prng_below(&h->rng, h->nodes);
	*at = now + 1000 + prng_below(&h->rng, 200000); /* 1 us .. 200 us */
	return true;
}
