/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What a fuzz target defines and calls: libFuzzer's interface, the same
 * under clang's libFuzzer and under fuzz_driver.c (its stand-in), plus
 * small helpers for a target's own mutator.
 *
 * A target defines LLVMFuzzerTestOneInput() and may define the hooks
 * below; both fuzzers pick them up at link time. A custom mutator
 * replaces the fuzzer's own mutations (libFuzzer's as much as the
 * driver's): so that they are not lost, it calls LLVMFuzzerMutate() for
 * part of its work, which is libFuzzer's mutation engine under libFuzzer
 * and the driver's generic mutations (bit flips, runs deleted and
 * repeated, splices of corpus inputs, ...) under the driver.
 */
#ifndef ORDO_FUZZ_TARGET_H
#define ORDO_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Runs one input; returns 0. A failure is a crash (abort()). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Optional: mutates data[0, size) in place, to at most max_size bytes;
 * returns the new size. seed is the only source of randomness, so that
 * runs replay. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);

/* Optional: writes into out (at most max_out_size bytes) a mix of data1,
 * the input being mutated, and data2, another one of the corpus; returns
 * its size, 0 for none. */
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
				 const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out_size,
				 unsigned int seed);

/* Provided by the fuzzer: its generic mutations, for a custom mutator. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* xorshift64*: deterministic, and as good as mutations need. */
struct fuzz_rng {
	uint64_t s;
};

/* Every seed its own sequence (splitmix64 spreads neighbours apart). */
static inline void fuzz_rng_seed(struct fuzz_rng *r, uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	r->s = (z ^ (z >> 31)) | 1; /* xorshift never leaves 0 */
}

static inline uint64_t fuzz_rng_next(struct fuzz_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

/* Uniform enough in [0, n); 0 when n is 0. */
static inline size_t fuzz_rng_below(struct fuzz_rng *r, size_t n)
{
	return n ? (size_t)(fuzz_rng_next(r) % n) : 0;
}

/* Inserts p[0, n) at data[at]; returns the new size, the old one when
 * it does not fit. */
static inline size_t fuzz_insert(uint8_t *data, size_t size, size_t max_size,
				 size_t at, const void *p, size_t n)
{
	if (at > size || size > max_size || n > max_size - size)
		return size;
	memmove(data + at + n, data + at, size - at);
	memcpy(data + at, p, n);
	return size + n;
}

/* Inserts a copy of data[from, from + n) at data[to], wherever both are;
 * returns the new size, the old one when it does not fit. */
static inline size_t fuzz_repeat(uint8_t *data, size_t size, size_t max_size,
				 size_t from, size_t n, size_t to)
{
	size_t head;

	if (to > size || from > size || n > size - from || size > max_size ||
	    n > max_size - size)
		return size;
	memmove(data + to + n, data + to, size - to);
	if (from >= to) {
		memcpy(data + to, data + from + n, n); /* moved up by n */
	} else if (from + n <= to) {
		memcpy(data + to, data + from, n);
	} else { /* straddles to: its tail moved up by n */
		head = to - from;
		memcpy(data + to, data + from, head);
		memcpy(data + to + head, data + to + n, n - head);
	}
	return size + n;
}

/* Removes data[at, at + n); returns the new size. */
static inline size_t fuzz_erase(uint8_t *data, size_t size, size_t at,
				size_t n)
{
	if (at > size || n > size - at)
		return size;
	memmove(data + at, data + at + n, size - at - n);
	return size - n;
}

#endif /* ORDO_FUZZ_TARGET_H */
