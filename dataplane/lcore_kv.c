/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The names of an lcore's counters (lcore_kv.h).
 */
#include <stdio.h>

#include "dataplane/lcore_kv.h"

static const struct {
	const char *name;   /* the role */
	const char *id;     /* the lcore id's key */
	const char *s;      /* the scalars' prefix */
	const char *p;      /* the stages' prefix */
	const char *units;  /* what dp_stages_msg counts */
	const char *unit;
} roles[DP_LCORE_ROLE_MAX] = {
	[DP_LCORE_RING] = { "ring", "lcore", "lcore_", "", "msgs", "msg" },
	[DP_LCORE_WORKER] = { "worker", "worker_lcore", "worker_", "worker_",
			      "frames", "frame" },
	[DP_LCORE_CLIENT_WORKER] = { "client_worker", "client_worker_lcore",
				     "client_worker_", "client_worker_",
				     "msgs", "msg" },
	[DP_LCORE_RX_WORKER] = { "rx_worker", "rx_worker_lcore", "rx_worker_",
				 "rx_worker_", "frames", "frame" },
};

const char *dp_lcore_role_name(unsigned role)
{
	return role < DP_LCORE_ROLE_MAX ? roles[role].name : NULL;
}

static uint64_t ratio(uint64_t a, uint64_t b)
{
	return b ? a / b : 0;
}

/* Every key behind prefixes s (scalars) and p (stages), the lcore id as
 * id_key. */
static void kv_with(const struct dp_stage_stats *st, const char *id_key,
		    const char *s, const char *p, const char *units,
		    const char *unit,
		    void (*put)(void *ctx, const char *key, uint64_t v),
		    void *ctx)
{
	uint64_t all = 0;
	char key[80];

#define PUT(v, ...)                                                           \
	do {                                                                  \
		snprintf(key, sizeof(key), __VA_ARGS__);                     \
		put(ctx, key, (v));                                           \
	} while (0)
	put(ctx, id_key, st->lcore);
	PUT(st->tsc_hz, "%stsc_hz", s);
	PUT(st->sample_every, "%ssample_every", s);
	PUT(st->bias, "%sstage_bias_cycles", s);
	PUT(st->turns, "%sturns", s);
	PUT(st->timed_turns, "%stimed_turns", s);
	PUT(st->empty_turns, "%sempty_turns", s);
	PUT(st->empty_cycles, "%sempty_cycles", s);
	PUT(st->long_turns, "%slong_turns", s);
	PUT(st->long_cycles, "%slong_cycles", s);
	PUT(st->busy_turns, "%sbusy_turns", s);
	PUT(st->busy_cycles, "%sbusy_cycles", s);
	PUT(st->busy_msgs, "%sbusy_%s", s, units);
	PUT(ratio(st->busy_cycles, st->busy_msgs), "%sbusy_cycles_per_%s", s,
	    unit);
	PUT(st->stall_max, "%sstall_max_cycles", s);
	PUT(st->stall_recent, "%sstall_recent_cycles", s);
	PUT(st->timed_msgs, "%stimed_%s", s, units);
	for (unsigned i = 0; i < DP_STAGE_MAX; i++) {
		const char *n = dp_stage_name(i);

		PUT(st->cycles[i], "%sstage_%s_cycles", p, n);
		PUT(st->items[i], "%sstage_%s_items", p, n);
		PUT(ratio(st->cycles[i], st->items[i]),
		    "%sstage_%s_cycles_per_item", p, n);
		PUT(ratio(st->cycles[i], st->timed_msgs),
		    "%sstage_%s_cycles_per_%s", p, n, unit);
		all += st->cycles[i];
	}
	PUT(all, "%stimed_cycles", s);
	PUT(ratio(all, st->timed_msgs), "%stimed_cycles_per_%s", s, unit);
#undef PUT
}

void dp_lcore_kv(const struct dp_stage_stats *st, unsigned role,
		 void (*put)(void *ctx, const char *key, uint64_t v),
		 void *ctx)
{
	if (role >= DP_LCORE_ROLE_MAX)
		return;
	kv_with(st, roles[role].id, roles[role].s, roles[role].p,
		roles[role].units, roles[role].unit, put, ctx);
}

/* One of several lcores of a role: its number in the prefix (role<n>_). */
static void kv_numbered(const struct dp_stage_stats *st, unsigned role,
			unsigned n,
			void (*put)(void *ctx, const char *key, uint64_t v),
			void *ctx)
{
	char id[40], pre[32];

	snprintf(id, sizeof(id), "%s%u_lcore", roles[role].name, n);
	snprintf(pre, sizeof(pre), "%s%u_", roles[role].name, n);
	kv_with(st, id, pre, pre, roles[role].units, roles[role].unit, put,
		ctx);
}

void dp_lcore_kv_cw(const struct dp_stage_stats *st, unsigned k,
		    void (*put)(void *ctx, const char *key, uint64_t v),
		    void *ctx)
{
	kv_numbered(st, DP_LCORE_CLIENT_WORKER, k, put, ctx);
}

void dp_lcore_kv_rx(const struct dp_stage_stats *st, unsigned queue,
		    void (*put)(void *ctx, const char *key, uint64_t v),
		    void *ctx)
{
	kv_numbered(st, DP_LCORE_RX_WORKER, queue, put, ctx);
}
