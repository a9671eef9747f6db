/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Seeded pseudo-random numbers for the simulator: xoshiro256** (Blackman &
 * Vigna, 2018) seeded through splitmix64, as its authors recommend.
 *
 * Every random choice of a run comes from a generator derived from the
 * run's seed, and each concern (workload, network, mutations) draws from its
 * own stream. So a seed replays exactly, and a change in how one concern
 * draws numbers does not reshuffle the others.
 */
#ifndef SIM_PRNG_H
#define SIM_PRNG_H

#include <stdint.h>

struct prng {
	uint64_t s[4];
};

static inline uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Streams of one seed: distinct, fixed numbers, never reordered. */
enum prng_stream {
	PRNG_WORKLOAD = 1,
	PRNG_NET = 2,
	PRNG_MUTATE = 3,
	PRNG_FAULTS = 4,
};

static inline void prng_seed(struct prng *p, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ull);
	int i;

	for (i = 0; i < 4; i++)
		p->s[i] = splitmix64(&x);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t prng_next(struct prng *p)
{
	uint64_t *s = p->s;
	uint64_t r = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return r;
}

/* Uniform in [0, n); n == 0 gives 0. Lemire's multiply-shift: the bias
 * (at most n / 2^64) is far below anything a simulation can notice. */
static inline uint64_t prng_below(struct prng *p, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)prng_next(p) * n) >> 64);
}

/* Uniform in [lo, hi]. */
static inline uint64_t prng_range(struct prng *p, uint64_t lo, uint64_t hi)
{
	return lo + prng_below(p, hi - lo + 1);
}

/* Uniform in [0, 1). */
static inline double prng_unit(struct prng *p)
{
	return (double)(prng_next(p) >> 11) * 0x1.0p-53;
}

/* True with probability prob; draws nothing when prob is 0, so a run
 * without faults does not depend on how many fault draws it skipped. */
static inline int prng_chance(struct prng *p, double prob)
{
	if (prob <= 0.0)
		return 0;
	if (prob >= 1.0)
		return 1;
	return prng_unit(p) < prob;
}

#endif /* SIM_PRNG_H */
