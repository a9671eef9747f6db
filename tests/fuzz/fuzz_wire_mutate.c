/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The mutator of the wire fuzz target (fuzz_wire.c), under libFuzzer and
 * the driver alike (driver/fuzz_target.h). It knows the format a little:
 * big-endian fields set to edge values, script operations (fuzz_ring.h)
 * inserted, and, as the crossover, another input inserted as a script
 * PACKET, so that scripts of several real packets arise.
 */
#include <stdint.h>
#include <string.h>

#include "tests/fuzz/fuzz_ring.h"
#include "tests/fuzz/driver/fuzz_target.h"

/* 0, 1, max, max - 1, 2^31 ... of every width, and the limits the codec
 * and the engine check against. */
static const uint64_t edge[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
	0x80000000, 0xffffffff, 0xfffffffe, UINT64_MAX, UINT64_MAX - 1,
	ORDO_WIRE_RTR_MAX, ORDO_WIRE_RTR_MAX + 1, ORDO_WIRE_MAX_MTU,
	ORDO_WIRE_MAX_MTU + 1, ORDO_MAX_MEMBERS, ORDO_MAX_MEMBERS + 1,
	64, 65, H_HASH,
};

/* Four steps in seven are the fuzzer's own (libFuzzer's, or the driver's
 * generic ones); two set a field to an edge value, or one off it; one
 * inserts a tick, ring steps or a submit. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	static const unsigned widths[] = { 1, 2, 4, 8 };
	struct fuzz_rng r;
	unsigned i, w;
	uint8_t op[3];
	uint64_t v;
	size_t at;

	fuzz_rng_seed(&r, seed);
	switch (fuzz_rng_below(&r, 7)) {
	default:
		return LLVMFuzzerMutate(data, size, max_size);
	case 4:
	case 5:
		if (size == 0)
			break;
		v = edge[fuzz_rng_below(&r, sizeof(edge) / sizeof(edge[0]))];
		v += fuzz_rng_below(&r, 3) - 1;
		w = widths[fuzz_rng_below(&r, 4)];
		at = fuzz_rng_below(&r, size);
		for (i = 0; i < w && at + i < size; i++)
			data[at + i] = (uint8_t)(v >> (8 * (w - 1 - i)));
		break;
	case 6:
		op[0] = (uint8_t)fuzz_rng_next(&r);
		op[1] = (uint8_t)fuzz_rng_below(&r, 0x30);
		op[2] = (uint8_t)fuzz_rng_next(&r);
		size = fuzz_insert(data, size, max_size,
				   fuzz_rng_below(&r, size + 1), op,
				   (op[0] & 3) == FUZZ_OP_SUBMIT ? 3 : 1);
		break;
	}
	return size;
}

/* data1 with (at most a packet of) data2 inserted as a script PACKET.
 * libFuzzer draws a crossover as often as the mutator: this one takes
 * one draw in CROSSOVER_EVERY and declines the others, returning 0. */
#define CROSSOVER_EVERY 4u

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
				 const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out_size,
				 unsigned int seed)
{
	struct fuzz_rng r;
	size_t at, n;

	fuzz_rng_seed(&r, seed);
	if (fuzz_rng_below(&r, CROSSOVER_EVERY) != 0 ||
	    size1 + 3 > max_out_size)
		return 0;
	at = fuzz_rng_below(&r, size1 + 1);
	n = size2 < ORDO_WIRE_MAX_MTU ? size2 : ORDO_WIRE_MAX_MTU;
	if (n > max_out_size - size1 - 3)
		n = max_out_size - size1 - 3;
	memcpy(out, data1, at);
	out[at] = FUZZ_OP_PACKET;
	out[at + 1] = (uint8_t)(n >> 8);
	out[at + 2] = (uint8_t)n;
	memcpy(out + at + 3, data2, n);
	memcpy(out + at + 3 + n, data1 + at, size1 - at);
	return size1 + 3 + n;
}
