/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Per-stage cycle accounting: the cold parts (stages.h).
 */
#include <stdio.h>
#include <string.h>

#include "dataplane/stages.h"

static const char *const names[DP_STAGE_MAX] = {
#define DP_STAGE_NAME(i, id, name) [i] = name,
	ORDO_LOOP_STAGES(DP_STAGE_NAME)
#undef DP_STAGE_NAME
};

const char *dp_stage_name(unsigned stage)
{
	return stage < DP_STAGE_MAX ? names[stage] : NULL;
}

void dp_stages_kv(const struct dp_stage_stats *st, const char *prefix,
		  unsigned what, uint64_t msgs,
		  void (*put)(void *ctx, const char *key, uint64_t v),
		  void *ctx)
{
	char key[64];

	for (unsigned i = 0; i < DP_STAGE_MAX; i++) {
		const char *n = names[i];

		snprintf(key, sizeof(key), "%sstage_%s_cycles", prefix, n);
		put(ctx, key, st->cycles[i]);
		snprintf(key, sizeof(key), "%sstage_%s_items", prefix, n);
		put(ctx, key, st->items[i]);
		if (what & DP_STAGE_KV_PER_ITEM) {
			snprintf(key, sizeof(key), "%sstage_%s_cycles_per_item",
				 prefix, n);
			put(ctx, key, st->items[i] ? st->cycles[i] /
						     st->items[i] : 0);
		}
		if (what & DP_STAGE_KV_PER_MSG) {
			snprintf(key, sizeof(key), "%sstage_%s_cycles_per_msg",
				 prefix, n);
			put(ctx, key, msgs ? st->cycles[i] / msgs : 0);
		}
	}
}

void dp_stages_init(struct dp_stages *s, uint32_t sample_every,
		    uint64_t tsc_hz, uint64_t window_cycles,
		    uint64_t (*tsc)(void), uint32_t lcore)
{
	memset(s, 0, sizeof(*s));
	s->tsc = tsc;
	s->threshold = sample_every ? (1ull << 32) / sample_every : 0;
	s->rng = 0x9e3779b97f4a7c15ull ^ lcore;
	s->window_len = window_cycles;
	s->long_len = tsc_hz ? tsc_hz / (1000000000ull / DP_STAGE_LONG_NS)
			     : UINT64_MAX;
	s->st.tsc_hz = tsc_hz;
	s->st.sample_every = sample_every;
	s->st.lcore = lcore;
}

void dp_stages_set_bias(struct dp_stages *s, uint64_t cycles)
{
	s->bias = cycles;
	s->st.bias = cycles > UINT32_MAX ? UINT32_MAX : (uint32_t)cycles;
}

void dp_stages_fold(struct dp_stages *s, unsigned work, uint64_t turn_cycles)
{
	if (turn_cycles > s->long_len) {
		s->st.long_turns++;
		s->st.long_cycles += turn_cycles;
	} else if (work == 0) {
		s->st.empty_turns++;
		s->st.empty_cycles += turn_cycles;
	} else {
		s->st.timed_turns++;
		s->st.items[DP_STAGE_LOOP]++;
		s->st.timed_msgs += s->turn_msgs;
		for (unsigned i = 0; i < DP_STAGE_MAX; i++) {
			s->st.cycles[i] += s->turn_cycles[i];
			s->st.items[i] += s->turn_items[i];
		}
	}
	memset(s->turn_cycles, 0, sizeof(s->turn_cycles));
	memset(s->turn_items, 0, sizeof(s->turn_items));
	s->on = false;
}

void dp_stages_roll(struct dp_stages *s, uint64_t t)
{
	if (t - s->window_start < s->window_len)
		return;
	s->st.stall_recent = s->window_max;
	s->window_max = 0;
	s->window_start = t;
}
