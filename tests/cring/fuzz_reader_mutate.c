/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The mutator of the client reader fuzz target (fuzz_reader.c), under
 * libFuzzer and the shared driver alike (tests/fuzz/driver/fuzz_target.h).
 * It knows the input's layout (u64 tail, u64 span, u8 mode, the ring) and
 * the ring's: a random mutation of a zeroed ring finds nothing, so it
 *   - writes a valid ring with the real producer (random records at a
 *     random start: MSG, JOIN and LEAVE, fragmented or not), most often
 *     when the input is not a ring yet;
 *   - breaks one rule of a ring: a bit or byte anywhere, a record length
 *     where a record may start, the published span, the first record's
 *     kind, or the first record grown consistently (len and msg_len agree,
 *     so only the bounds can refuse it);
 *   - leaves the rest to the fuzzer's own mutations (LLVMFuzzerMutate).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/driver/fuzz_target.h"
#include "tests/cring/util.h"

#define RING (4u << 10)
#define HDR 17u /* tail, span, mode */

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Fill the ring of a region with random records written by the producer
 * from a random start, and describe it in the input. */
static size_t make_ring(uint8_t *in, struct fuzz_rng *r)
{
	static struct ordo_cr_map m;
	static uint8_t pay[3 * RING];
	char g[3][ORDO_CR_NAME_LEN];
	struct ordo_cr_ring_ctl *ctl;
	struct ordo_cr_prod p;
	uint64_t tail;
	uint8_t *data;
	unsigned k;

	if (m.base == NULL) {
		struct ordo_cr_params prm = { .submit_size = RING,
					      .deliver_size = RING };

		if (ordo_cr_region_create(&m, &prm) != 0)
			abort();
	}
	ctl = (void *)((uint8_t *)m.base + m.submit_ctl_off);
	data = (uint8_t *)m.base + m.submit_data_off;
	tail = fuzz_rng_below(r, 0x10000) * 8;
	memset(data, 0, RING);
	atomic_store(&ctl->head, tail);
	atomic_store(&ctl->tail, tail);
	if (ordo_cr_prod_init(&p, &m, ORDO_CR_SUBMIT, -1, -1) != 0)
		abort();
	cr_name(g[0], "a");
	cr_name(g[1], "group-two");
	cr_name(g[2], "#p#h");
	for (k = (unsigned)fuzz_rng_below(r, 12); k > 0; k--) {
		uint64_t y = fuzz_rng_next(r);
		struct ordo_cr_send s = {
			.kind = (y & 7) == 0 ? ORDO_CR_JOIN
			      : (y & 7) == 1 ? ORDO_CR_LEAVE : ORDO_CR_MSG,
			/* A join or leave names one group, a message
			 * one to three. */
			.n_names = (y & 7) < 2 ? 1 : (uint16_t)(1 + (y >> 3) % 3),
			.names = (const void *)g,
			.msg_id = y >> 8,
		};

		if (s.kind == ORDO_CR_MSG) {
			s.service = (uint8_t)(1 + (y >> 5) % 6);
			/* Mostly one record, sometimes fragments. */
			s.len = (uint32_t)((y >> 10) % ((y >> 40) % 4 ? 200 : 2500));
			s.payload = pay;
		}
		if (ordo_cr_write_msg(&p, &s) != 0)
			break; /* full: what is there is a ring */
	}
	put64(in, tail);
	put64(in + 8, p.head - tail);
	/* submit ring, maybe peek, maybe in place */
	in[16] = (uint8_t)(fuzz_rng_next(r) & 6);
	memcpy(in + HDR, data, RING); /* ring offset i is input HDR + i */
	return HDR + RING;
}

/* One broken rule in a ring-shaped input (size >= HDR + RING). */
static void break_ring(uint8_t *in, struct fuzz_rng *r)
{
	uint64_t tail = get64(in), span = get64(in + 8);
	uint8_t *ring = in + HDR;
	uint8_t *first = ring + (tail & (RING - 1) & ~7ull);
	size_t at = fuzz_rng_below(r, RING);
	uint32_t v, pl, len;

	switch (fuzz_rng_below(r, 6)) {
	case 0:
		ring[at] ^= (uint8_t)(1u << fuzz_rng_below(r, 8));
		break;
	case 1:
		ring[at] = (uint8_t)fuzz_rng_next(r);
		break;
	case 2: /* a length where a published record may start */
		v = (uint32_t)fuzz_rng_below(r, 2 * RING);
		at = (tail + fuzz_rng_below(r, (span & 0xffff) + 1)) &
		     (RING - 8);
		memcpy(ring + at, &v, 4);
		break;
	case 3: /* publish more or less than was written */
		span += fuzz_rng_below(r, 64) * 8 - 256;
		put64(in + 8, span);
		break;
	case 4: /* the first record's kind */
		first[4] = (uint8_t)fuzz_rng_below(r, 8);
		break;
	case 5: /* the first record grows, consistently */
		if (first + sizeof(struct ordo_cr_rec) > ring + RING)
			break;
		pl = (uint32_t)fuzz_rng_below(r, RING);
		len = (uint32_t)sizeof(struct ordo_cr_rec) +
		      first[7] * ORDO_CR_NAME_LEN + pl;
		memcpy(first, &len, 4);
		memcpy(first + offsetof(struct ordo_cr_rec, msg_len), &pl, 4);
		first[5] = ORDO_CR_F_FIRST | ORDO_CR_F_LAST;
		if (fuzz_rng_below(r, 2) && span < ORDO_CR_ALIGN(len))
			put64(in + 8, ORDO_CR_ALIGN(len)); /* and is published */
		break;
	}
}

/* One step in eight writes a fresh ring (always, when the input is too
 * short to be one), four break a rule, three are the fuzzer's own. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	struct fuzz_rng r;
	unsigned pick;

	fuzz_rng_seed(&r, seed);
	if (max_size < HDR + RING)
		return LLVMFuzzerMutate(data, size, max_size);
	pick = (unsigned)fuzz_rng_below(&r, 8);
	if (size < HDR + sizeof(struct ordo_cr_rec) || pick == 0)
		return make_ring(data, &r);
	if (pick >= 5)
		return LLVMFuzzerMutate(data, size, max_size);
	if (size < HDR + RING) { /* the target reads zeros there anyway */
		memset(data + size, 0, HDR + RING - size);
		size = HDR + RING;
	}
	break_ring(data, &r);
	return size;
}
