/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-bench-stages: what the per-stage cycle counters (dataplane/stages.h)
 * cost the ring lcore, measured in one run against the same loop with them
 * off (`make bench` runs it; docs/performance.md quotes it).
 *
 * The real poll loop (dp_ring_do_work) of a ring of one on a net_null port
 * that receives nothing (no-rx=1), with a local end that submits 64-byte
 * messages as fast as the engine takes them and counts their deliveries,
 * switching to the protocol stage around each submission as the client
 * gateway does. Each repetition runs MSGS ordered messages with the
 * counters off, then timing one turn in 64 (the default), then every
 * turn; the figure is the median thread CPU time per message over the
 * repetitions, and the overhead its ratio to "off" in the same run
 * (wall_ns beside it: above the CPU time when the thread shared its CPU,
 * which the TSC, and so the stage cycles, count too). The stage counters'
 * own figures, busy_cyc_per_msg (every busy turn: the loop's whole cost)
 * and cyc_timed (the stages' sum in their timed turns, the cost of their
 * boundaries taken off: stages.h, bias), should come near the untimed
 * loop's CPU time, printed in cycles as off_cyc_per_msg. This
 * loop does less per message than ordod with clients (no validating
 * reader, no group layer, no client ring copy), so the overhead it shows
 * is an upper bound of ordod's.
 *
 *   ordo-bench-stages [EAL options] -- [--reps N] [--msgs N]
 *
 * The EAL needs --vdev net_null0,no-rx=1 (scripts/bench.sh passes it).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "dataplane/bench/bench_cpu.h"
#include "dataplane/ring.h"

#define MSG_LEN   64u
#define BURST     256u          /* the gateway's per-client budget */
#define MAX_REPS  101u

static const struct {
	const char *name;
	uint32_t every;              /* 0: off */
} modes[] = { { "off", 0 }, { "64", 64 }, { "1", 1 } };
#define N_MODES (sizeof(modes) / sizeof(modes[0]))

struct local {
	struct ordo_engine *e;
	struct dp_stages *stg;
	uint64_t submitted, delivered, limit;
};

static void l_bind(void *ctx, struct ordo_engine *e)
{
	((struct local *)ctx)->e = e;
}

static void l_bind_stages(void *ctx, struct dp_stages *s)
{
	((struct local *)ctx)->stg = s;
}

static unsigned l_produce(void *ctx, struct ordo_engine *e, uint64_t now)
{
	struct local *l = ctx;
	static const uint8_t msg[MSG_LEN];
	unsigned n = 0;

	(void)now;
	while (n < BURST && l->submitted < l->limit) {
		unsigned st = DP_STAGE_MAX;
		int rc;

		if (l->stg->on)
			st = dp_stage_enter(l->stg, DP_STAGE_PROTOCOL,
					    l->stg->tsc());
		rc = ordo_engine_submit(e, ORDO_SVC_AGREED, 7, msg, sizeof(msg));
		if (st != DP_STAGE_MAX)
			dp_stage_leave(l->stg, st, l->stg->tsc());
		if (rc != 0)
			break;
		l->submitted++;
		n++;
	}
	if (l->stg->on)
		dp_stage_items(l->stg, DP_STAGE_SUBMIT, n);
	return n;
}

static void l_deliver(void *ctx, const struct ordo_delivery *d, uint64_t now)
{
	struct local *l = ctx;

	(void)now;
	if (d->msg_type == 7 && d->len == MSG_LEN)
		l->delivered++;
	if (l->stg->on)
		dp_stage_items(l->stg, DP_STAGE_DELIVER, 1);
}

static const struct dp_local_ops local_ops = {
	.name = "bench",
	.bind = l_bind,
	.bind_stages = l_bind_stages,
	.produce = l_produce,
	.deliver = l_deliver,
};

static uint64_t bench_tsc(void)
{
	return rte_rdtsc();
}

/* CPU ns per message for msgs more ordered messages in one mode, or -1
 * when the loop stopped delivering (a bound on turns, not on time). */
static double run(struct dp_ring *r, struct local *l, uint32_t every,
		  uint64_t msgs, struct dp_stage_stats *st, double *wall)
{
	uint64_t goal = l->delivered + msgs, turns = 0, w0, bias = r->stg.bias;
	double t0;

	dp_stages_init(&r->stg, every, r->clock.hz, r->clock.hz, bench_tsc,
		       rte_lcore_id());
	dp_stages_set_bias(&r->stg, bias);
	l->limit = l->submitted + msgs;
	t0 = bench_cpu_ns();
	w0 = rte_rdtsc();
	while (l->delivered < goal) {
		dp_ring_do_work(r);
		if (++turns > msgs * 100)
			return -1;
	}
	*wall = (double)(rte_rdtsc() - w0) * 1e9 / (double)r->clock.hz /
		(double)msgs;
	*st = r->stg.st;
	return (bench_cpu_ns() - t0) / (double)msgs;
}

int main(int argc, char **argv)
{
	static struct local l;
	unsigned reps = 7;
	uint64_t msgs = 2000000;
	double ns[N_MODES][MAX_REPS], wall[N_MODES][MAX_REPS], med[N_MODES];
	double wmed[N_MODES];
	struct dp_stage_stats st[N_MODES];
	struct dp_ring_conf rc;
	struct dp_ring *r;
	char err[256];
	int n = rte_eal_init(argc, argv);

	if (n < 0) {
		fprintf(stderr, "stages-bench: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	for (int i = n + 1; i < argc; i++) {
		if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = (unsigned)atoi(argv[++i]);
		else if (strcmp(argv[i], "--msgs") == 0 && i + 1 < argc)
			msgs = strtoull(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: ordo-bench-stages [EAL] -- "
				"[--reps N] [--msgs N]\n");
			return 1;
		}
	}
	if (reps == 0 || reps > MAX_REPS || msgs < 1000 ||
	    rte_eth_dev_count_avail() < 1) {
		fprintf(stderr, "stages-bench: want 1..%u reps, >= 1000 msgs and "
			"a port (--vdev net_null0,no-rx=1)\n", MAX_REPS);
		return 1;
	}
	memset(&rc, 0, sizeof(rc));
	ordo_engine_config_defaults(&rc.engine);
	rc.engine.my_id = 1;
	rc.engine.incarnation = 1;
	rc.engine.n_members = 1;
	rc.engine.members[0] = 1;
	rc.engine.config_hash = 0x5747;
	rc.n_ports = 1;
	rc.n_mbufs = 4095;
	rc.idle = &dp_idle_spin;
	rc.socket = (int)rte_socket_id();
	r = dp_ring_create(&rc, &local_ops, &l, err, sizeof(err));
	if (r == NULL) {
		fprintf(stderr, "stages-bench: %s\n", err);
		return 1;
	}
	/* The ring forms, then one unmeasured run warms every path up. */
	if (run(r, &l, 0, msgs / 4, &st[0], &wall[0][0]) < 0) {
		fprintf(stderr, "stages-bench: the ring of one delivers nothing\n");
		return 1;
	}
	printf("stages-bench: ring of one, %u-byte messages, %" PRIu64
	       " per run, %u reps, TSC %.3f GHz, boundary bias %" PRIu64
	       " cycles (median thread CPU ns per message; overhead against "
	       "off, same run)\n", MSG_LEN, msgs, reps,
	       (double)r->clock.hz / 1e9, r->stg.bias);
	for (unsigned i = 0; i < reps; i++)
		for (unsigned m = 0; m < N_MODES; m++) {
			ns[m][i] = run(r, &l, modes[m].every, msgs, &st[m],
				       &wall[m][i]);
			if (ns[m][i] < 0) {
				fprintf(stderr, "stages-bench: stalled\n");
				return 1;
			}
		}
	for (unsigned m = 0; m < N_MODES; m++) {
		med[m] = bench_median(ns[m], reps);
		wmed[m] = bench_median(wall[m], reps);
	}
	for (unsigned m = 0; m < N_MODES; m++) {
		const struct dp_stage_stats *s = &st[m];
		uint64_t all = 0, k = s->items[DP_STAGE_PROTOCOL];

		for (unsigned i = 0; i < DP_STAGE_MAX; i++)
			all += s->cycles[i];
		printf("stages-bench: sample=%s ns_per_msg=%.1f overhead=%+.1f%%"
		       " wall_ns=%.1f timed_turns=%" PRIu64 "/%" PRIu64,
		       modes[m].name, med[m], (med[m] / med[0] - 1) * 100,
		       wmed[m], s->timed_turns, s->turns);
		if (s->busy_msgs > 0)
			printf(" busy_cyc_per_msg=%.0f",
			       (double)s->busy_cycles / (double)s->busy_msgs);
		if (k > 0) {
			printf(" cyc_timed=%.0f off_cyc_per_msg=%.0f",
			       (double)all / (double)k,
			       med[0] * (double)r->clock.hz / 1e9);
			for (unsigned i = 0; i < DP_STAGE_MAX; i++)
				printf(" cyc_%s=%.0f", dp_stage_name(i),
				       (double)s->cycles[i] / (double)k);
		}
		printf("\n");
	}
	dp_ring_destroy(r);
	rte_eal_cleanup();
	return 0;
}
