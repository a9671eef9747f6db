/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The anti-replay window (replay.h).
 */
#include <string.h>

#include "lib/seal/replay.h"

#define WORD(c) (((c) / 64u) % ORDO_REPLAY_WORDS)
#define BIT(c)  (1ull << ((c) % 64u))

void ordo_replay_init(struct ordo_replay *w)
{
	memset(w, 0, sizeof(*w));
}

enum ordo_replay_verdict ordo_replay_check(const struct ordo_replay *w,
					   uint32_t incarnation,
					   uint64_t counter)
{
	if (counter == 0)
		return ORDO_REPLAY_OLD; /* counters start at 1 */
	if (!w->valid || incarnation > w->incarnation)
		return ORDO_REPLAY_OK;
	if (incarnation < w->incarnation)
		return ORDO_REPLAY_STALE;
	if (counter > w->top)
		return ORDO_REPLAY_OK;
	if (w->top - counter >= ORDO_REPLAY_WINDOW)
		return ORDO_REPLAY_OLD;
	return (w->bits[WORD(counter)] & BIT(counter)) ? ORDO_REPLAY_DUP
						       : ORDO_REPLAY_OK;
}

enum ordo_replay_verdict ordo_replay_accept(struct ordo_replay *w,
					    uint32_t incarnation,
					    uint64_t counter)
{
	enum ordo_replay_verdict v = ordo_replay_check(w, incarnation, counter);

	if (v != ORDO_REPLAY_OK)
		return v;
	if (!w->valid || incarnation > w->incarnation) {
		memset(w->bits, 0, sizeof(w->bits));
		w->valid = true;
		w->incarnation = incarnation;
		w->top = counter;
	} else if (counter > w->top) {
		/* Slide: clear the words the new top moves into; they held
		 * counters a whole bitmap behind. */
		uint64_t from = w->top / 64u + 1, to = counter / 64u;

		if (to >= from && to - from >= ORDO_REPLAY_WORDS)
			memset(w->bits, 0, sizeof(w->bits));
		else
			for (uint64_t k = from; k <= to; k++)
				w->bits[k % ORDO_REPLAY_WORDS] = 0;
		w->top = counter;
	}
	w->bits[WORD(counter)] |= BIT(counter);
	return ORDO_REPLAY_OK;
}

const char *ordo_replay_verdict_name(enum ordo_replay_verdict v)
{
	switch (v) {
	case ORDO_REPLAY_OK: return "ok";
	case ORDO_REPLAY_DUP: return "duplicate";
	case ORDO_REPLAY_OLD: return "old";
	case ORDO_REPLAY_STALE: return "stale incarnation";
	}
	return "unknown";
}
