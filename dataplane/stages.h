/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What each stage of a poll loop costs, in TSC cycles (the stages:
 * include/ordo/ctrl_stats.h, ORDO_LOOP_STAGES). AeronStat shows its
 * agents' cycle times; this is ours, per lcore.
 *
 * The loop reads the TSC at every stage boundary and charges the cycles
 * since the last boundary to the stage it was in, so nested stages (the
 * engine's deliveries inside ordo_engine_rx) are charged to themselves,
 * not to their caller, and the stages of a turn add up to the turn.
 * Reading the TSC costs ~25 cycles here (docs/performance.md), about as
 * much as the work of one small message in some stages, so only one turn
 * in sample_every (chosen at random, so a periodic workload cannot alias
 * with it) is timed stage by stage; the others cost one TSC read and a
 * compare (the longest stall is kept over every turn). Per-message costs
 * are ratios of the timed turns' cycles and items, so sampling does not
 * bias them.
 *
 * A boundary costs a TSC read (~25 cycles), about as much as some stages
 * spend on a small message: left in, a timed turn would look dearer than
 * the untimed turns it stands for. The lcore measures what one boundary
 * costs when it starts (bias) and every boundary takes that off the
 * interval it closes, so the stages add up to what the turn would have
 * cost untimed (ordo-bench-stages compares the two). That is an estimate
 * (a read overlaps with the work around it by more or less); the loop's
 * whole cost per message is also kept from every turn, timed or not, at
 * one TSC read per turn (busy_cycles / busy_msgs), which the stages'
 * sum can be held against.
 *
 * The TSC counts wall time: a thread descheduled in the middle of a timed
 * turn would charge the other threads' time slice (milliseconds) to
 * whatever stage it was in. A timed turn longer than DP_STAGE_LONG_NS is
 * therefore counted apart (long_turns, long_cycles) and left out of the
 * stages: on a shared CPU that is mostly preemption, on a dedicated core
 * a real stall, which stall_max shows either way.
 *
 * Pure C, no DPDK, no clock of its own: callers pass the TSC they read
 * (code that cannot read it itself, the gateway, calls tsc()), and the
 * unit test passes made-up readings (tests/dataplane/test_stages.c). One
 * writer: the lcore that owns it; others read the published copy
 * (struct dp_stage_stats in the snapshot).
 */
#ifndef ORDO_DP_STAGES_H
#define ORDO_DP_STAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "ordo/ctrl_stats.h"

#define DP_STAGE_LONG_NS 1000000ull /* 1 ms: longer timed turns apart */

enum dp_stage {
#define DP_STAGE_ENUM(i, id, name) DP_STAGE_##id = i,
	ORDO_LOOP_STAGES(DP_STAGE_ENUM)
#undef DP_STAGE_ENUM
	DP_STAGE_MAX
};
_Static_assert(DP_STAGE_MAX == ORDO_LOOP_STAGE_MAX, "stage count");

/* "rx", "protocol", ...; NULL past the last. */
const char *dp_stage_name(unsigned stage);

struct dp_stage_stats;

/* What dp_stages_kv gives per stage besides cycles and items. */
#define DP_STAGE_KV_PER_ITEM 1u /* <prefix>stage_<name>_cycles_per_item */
#define DP_STAGE_KV_PER_MSG  2u /* <prefix>stage_<name>_cycles_per_msg */

/* Each stage's figures, stage by stage, as put(ctx, key, value):
 * "<prefix>stage_<name>_cycles", "..._items", then what `what` asks
 * (DP_STAGE_KV_*; per msg over msgs; 0 where the divisor is). The one
 * naming of the stage keys for ordoctl counters and the telemetry. */
void dp_stages_kv(const struct dp_stage_stats *st, const char *prefix,
		  unsigned what, uint64_t msgs,
		  void (*put)(void *ctx, const char *key, uint64_t v),
		  void *ctx);

/* What the lcore publishes. Cycles and items are those of the timed turns
 * that did work; a timed turn that did none is only counted (empty_*), so
 * the cost of polling idle ports does not dilute a stage's per-item cost. */
struct dp_stage_stats {
	uint64_t cycles[DP_STAGE_MAX];
	uint64_t items[DP_STAGE_MAX];
	uint64_t timed_turns;          /* timed, did work */
	uint64_t empty_turns;          /* timed, did none */
	uint64_t empty_cycles;
	uint64_t long_turns;           /* timed, longer than DP_STAGE_LONG_NS */
	uint64_t long_cycles;
	/* Every turn that did work and was not long, timed or not: */
	uint64_t busy_turns;
	uint64_t busy_cycles;
	uint64_t busy_msgs;            /* messages ordered in them */
	/* Messages in the timed turns that did work (not long): the divisor
	 * of the stages' cycles per message (dp_stages_msg; the ring lcore's
	 * equals items[DP_STAGE_PROTOCOL]) */
	uint64_t timed_msgs;
	uint64_t turns;                /* every turn */
	uint64_t stall_max;            /* cycles: longest turn ever */
	uint64_t stall_recent;         /* ... in the last whole window */
	uint64_t tsc_hz;
	uint32_t sample_every;         /* 0: off */
	uint32_t lcore;
	uint32_t bias;                 /* cycles taken off each boundary */
};

struct dp_stages {
	/* hot: every boundary of a timed turn */
	bool     on;                   /* this turn is timed */
	uint8_t  cur;                  /* the stage the loop is in */
	uint64_t mark;                 /* TSC of the last boundary */
	uint64_t (*tsc)(void);         /* for callers without a TSC of their own */
	uint64_t bias;                 /* cycles one boundary adds (calibrated) */
	uint64_t turn_cycles[DP_STAGE_MAX];
	uint32_t turn_items[DP_STAGE_MAX];
	/* every turn */
	uint64_t turn_start;
	uint32_t turn_msgs;            /* messages ordered this turn */
	uint64_t rng;                  /* picks the timed turns */
	uint64_t threshold;            /* rng below it: timed; 0: never */
	uint64_t long_len;             /* DP_STAGE_LONG_NS in cycles */
	uint64_t window_start, window_len, window_max;
	struct dp_stage_stats st;
};

/* sample_every: time one turn in that many on average (1: every turn,
 * 0: none; the stall is kept anyway). window_cycles: the length of the
 * stall_recent window (a second's worth of TSC). tsc may be NULL when
 * every caller passes its own reading. */
void dp_stages_init(struct dp_stages *s, uint32_t sample_every,
		    uint64_t tsc_hz, uint64_t window_cycles,
		    uint64_t (*tsc)(void), uint32_t lcore);

/* What one boundary costs, in cycles: each boundary takes it off the
 * interval it closes (0, the default, takes nothing off). */
void dp_stages_set_bias(struct dp_stages *s, uint64_t cycles);

/* A turn starts at TSC t: decide whether it is timed. */
static inline void dp_stages_begin(struct dp_stages *s, uint64_t t)
{
	s->turn_start = t;
	s->st.turns++;
	/* An LCG's high bits: one multiply, no period a loop could match. */
	s->rng = s->rng * 6364136223846793005ull + 1442695040888963407ull;
	s->on = (s->rng >> 32) < s->threshold;
	s->mark = t;
	s->cur = DP_STAGE_LOOP;
}

/* At TSC t the loop enters stage; returns the stage it was in, to hand
 * back to dp_stage_leave(). Only on a timed turn (s->on). */
static inline unsigned dp_stage_enter(struct dp_stages *s, unsigned stage,
				      uint64_t t)
{
	unsigned prev = s->cur;
	uint64_t d = t - s->mark;

	s->turn_cycles[prev] += d > s->bias ? d - s->bias : 0;
	s->mark = t;
	s->cur = (uint8_t)stage;
	return prev;
}

static inline void dp_stage_leave(struct dp_stages *s, unsigned prev,
				  uint64_t t)
{
	(void)dp_stage_enter(s, prev, t);
}

/* n work items of stage in this turn. Only on a timed turn. */
static inline void dp_stage_items(struct dp_stages *s, unsigned stage,
				  uint32_t n)
{
	s->turn_items[stage] += n;
}

/* A message was ordered this turn (every turn, timed or not). */
static inline void dp_stages_msg(struct dp_stages *s)
{
	s->turn_msgs++;
}

/* Fold a timed turn's cycles, items and messages (turn_msgs) into the
 * totals (work: the turn's work count; 0 counts it as empty; a long turn
 * is counted apart) and clear the cycles and items. */
void dp_stages_fold(struct dp_stages *s, unsigned work, uint64_t turn_cycles);

/* The turn that began at turn_start ends at TSC t having done work. */
static inline void dp_stages_end(struct dp_stages *s, uint64_t t,
				 unsigned work)
{
	uint64_t d = t - s->turn_start;

	if (d > s->window_max) {
		s->window_max = d;
		if (d > s->st.stall_max)
			s->st.stall_max = d;
	}
	if (work != 0 && d <= s->long_len) {
		s->st.busy_turns++;
		s->st.busy_cycles += d;
		s->st.busy_msgs += s->turn_msgs;
	}
	if (s->on) {
		s->turn_cycles[s->cur] += t - s->mark;
		dp_stages_fold(s, work, d);
	}
	s->turn_msgs = 0;
}

/* Close the stall window if it is over (from the slow path): stall_recent
 * becomes its longest turn. */
void dp_stages_roll(struct dp_stages *s, uint64_t t);

#endif /* ORDO_DP_STAGES_H */
