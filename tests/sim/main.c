/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-sim: run the real ordo engine on N simulated nodes over a lossy,
 * duplicating, reordering simulated network, for many seeds, and check
 * every run. See README.md in this folder.
 *
 * Output: with -v one line per seed; always one FAIL line per failing seed
 * with the command that replays it; last line exactly
 *     seeds: K, violations: V, undelivered: U
 * or, with --mutate,
 *     mutations: K, caught: C
 * Exit status 0 only when everything passed; 2 for a usage error.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checker.h"
#include "cli.h"
#include "mutate.h"
#include "sim.h"

/* ---- output ---------------------------------------------------------------*/
static void print_seed(const struct cli *c, const struct sim *s,
		       uint64_t seed, const struct report *r)
{
	const struct sim_result *res = &s->res;
	const struct ordo_engine_stats *e = &res->engine;

	printf("seed %llu: %s at %.3fms, %llu events, delivered %llu/%llu, "
	       "violations %u, undelivered %llu; pkts %llu lost %llu dup %llu "
	       "reordered %llu, retrans %llu, token-retx %llu\n",
	       (unsigned long long)seed, sim_end_name(res->end),
	       (double)res->end_time / 1e6, (unsigned long long)res->events,
	       (unsigned long long)s->have, (unsigned long long)s->want,
	       r->violations, (unsigned long long)r->undelivered,
	       (unsigned long long)s->net.stats.packets,
	       (unsigned long long)s->net.stats.lost,
	       (unsigned long long)s->net.stats.duplicated,
	       (unsigned long long)s->net.stats.reordered,
	       (unsigned long long)e->tx_retrans,
	       (unsigned long long)e->token_retrans);
	if (c->verbose >= 2) {
		uint32_t k;

		printf("  engine: tx_data %llu rx_data %llu tx_token %llu "
		       "rotations %llu rtr %llu submitted %llu delivered %llu "
		       "reasm_drops %llu eagain %llu;",
		       (unsigned long long)e->tx_data,
		       (unsigned long long)e->rx_data,
		       (unsigned long long)e->tx_token,
		       (unsigned long long)e->rotations,
		       (unsigned long long)e->rtr_requested,
		       (unsigned long long)e->submitted,
		       (unsigned long long)e->delivered,
		       (unsigned long long)e->reassembly_drops,
		       (unsigned long long)s->wl.eagain);
		for (k = 1; k < ORDO_DROP_REASON_MAX; k++)
			if (e->drops[k])
				printf(" %s %llu", ordo_drop_reason_name(k),
				       (unsigned long long)e->drops[k]);
		if (res->rx_rc_mismatch)
			printf("; rx returned 0 for %llu dropped packets",
			       (unsigned long long)res->rx_rc_mismatch);
		printf("\n");
	}
}

static void print_fail(const struct cli *c, const struct sim *s,
		       uint64_t seed, const struct report *r)
{
	char cmd[512];

	cli_replay(c, seed, cmd, sizeof(cmd));
	if (r->violations > 0)
		printf("FAIL seed %llu: %s (%u violation%s, %llu undelivered); "
		       "replay: %s\n", (unsigned long long)seed, r->first,
		       r->violations, r->violations == 1 ? "" : "s",
		       (unsigned long long)r->undelivered, cmd);
	else
		printf("FAIL seed %llu: undelivered %llu: %s (run ended: %s at "
		       "%.3fms); replay: %s\n", (unsigned long long)seed,
		       (unsigned long long)r->undelivered, r->first_undelivered,
		       sim_end_name(s->res.end), (double)s->res.end_time / 1e6,
		       cmd);
}

static double wall_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* ---- the seeds -------------------------------------------------------------*/
struct totals {
	uint64_t seeds, bad_seeds, undelivered;
	uint64_t mutations, caught;
	uint32_t by_kind[CHK_KIND_MAX];
	double wall, wall_max;
	uint64_t wall_max_seed;
};

/* Run and check one seed; fills r. */
static int run_seed(struct sim *s, struct checker *chk, uint64_t seed,
		    struct report *r, struct check_input *in)
{
	int rc;

	report_clear(r);
	rc = sim_run(s, seed);
	report_merge(r, &s->res.run);
	if (rc != 0)
		return rc;
	*in = (struct check_input){ .n_nodes = s->o.nodes, .logs = s->logs,
				    .plan = &s->wl.plan, .tap = &s->tap };
	return checker_run(chk, in, r);
}

static int mutate_seed(const struct cli *c, struct mutator *m,
		       struct checker *chk, const struct check_input *in,
		       const struct report *clean, uint64_t seed,
		       struct totals *t)
{
	uint32_t k;

	for (k = 0; k < mutation_count; k++) {
		struct mut_result r;
		char cmd[512];
		int rc = mutate_one(m, chk, in, clean->undelivered, k, seed, &r);

		if (rc != 0)
			return rc;
		if (!r.applied) {
			if (c->verbose)
				printf("  mutation %s: nothing to mutate\n",
				       mutation_table[k].name);
			continue;
		}
		t->mutations++;
		t->caught += r.caught;
		if (r.caught && c->verbose)
			printf("  mutation %s caught: %s -> %s\n",
			       mutation_table[k].name, r.desc,
			       r.rep.violations ? r.rep.first :
						  r.rep.first_undelivered);
		if (!r.caught) {
			cli_replay(c, seed, cmd, sizeof(cmd));
			printf("MISSED mutation %s seed %llu: %s; replay: %s\n",
			       mutation_table[k].name,
			       (unsigned long long)seed, r.desc, cmd);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c;
	struct totals t = { 0 };
	struct checker chk;
	struct mutator mut;
	struct sim *s;
	char err[256];
	uint64_t i;
	uint32_t k;
	int rc = 0;

	/* Every seed creates fresh engines, each with megabytes of packet
	 * store. Keeping such blocks in the heap instead of fresh mappings
	 * lets the next seed reuse pages already faulted in: without this,
	 * page faults and munmap cost as much as the simulation itself. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);

	rc = cli_parse(&c, argc, argv);
	if (rc != 0)
		return rc > 0 ? 0 : 2;

	s = malloc(sizeof(*s));
	if (s == NULL) {
		perror("ordo-sim");
		return 1;
	}
	if (sim_init(s, &c.o, err, sizeof(err)) != 0) {
		fprintf(stderr, "ordo-sim: %s\n", err);
		free(s);
		return 2;
	}
	checker_init(&chk);
	mutator_init(&mut);

	for (i = 0; i < c.seeds && rc == 0; i++) {
		uint64_t seed = c.seed + i;
		struct check_input in;
		struct report r;
		double t0 = wall_ms(), dt;

		rc = run_seed(s, &chk, seed, &r, &in);
		dt = wall_ms() - t0;
		t.seeds++;
		t.wall += dt;
		if (dt > t.wall_max) {
			t.wall_max = dt;
			t.wall_max_seed = seed;
		}
		t.bad_seeds += r.violations > 0;
		t.undelivered += r.undelivered;
		for (k = 0; k < CHK_KIND_MAX; k++)
			t.by_kind[k] += r.by_kind[k];
		if (c.verbose)
			print_seed(&c, s, seed, &r);
		if (r.violations > 0 || r.undelivered > 0)
			print_fail(&c, s, seed, &r);
		if (c.timing)
			fprintf(stderr, "seed %llu: %.2f ms wall\n",
				(unsigned long long)seed, dt);
		if (rc == 0 && c.mutate && r.violations == 0)
			rc = mutate_seed(&c, &mut, &chk, &in, &r, seed, &t);
	}
	if (rc != 0)
		fprintf(stderr, "ordo-sim: %s\n", strerror(-rc));

	if (c.timing)
		fprintf(stderr, "timing: %llu seeds in %.1f ms, %.2f ms/seed, "
			"slowest %.2f ms (seed %llu)\n",
			(unsigned long long)t.seeds, t.wall,
			t.seeds ? t.wall / (double)t.seeds : 0.0, t.wall_max,
			(unsigned long long)t.wall_max_seed);
	if (t.bad_seeds > 0 && c.verbose) {
		printf("violations by kind:");
		for (k = 0; k < CHK_KIND_MAX; k++)
			if (t.by_kind[k])
				printf(" %s %u", chk_kind_name(k), t.by_kind[k]);
		printf("\n");
	}
	if (c.mutate) {
		if (t.bad_seeds > 0)
			printf("seeds: %llu, violations: %llu, undelivered: "
			       "%llu\n", (unsigned long long)t.seeds,
			       (unsigned long long)t.bad_seeds,
			       (unsigned long long)t.undelivered);
		printf("mutations: %llu, caught: %llu\n",
		       (unsigned long long)t.mutations,
		       (unsigned long long)t.caught);
	} else {
		printf("seeds: %llu, violations: %llu, undelivered: %llu\n",
		       (unsigned long long)t.seeds,
		       (unsigned long long)t.bad_seeds,
		       (unsigned long long)t.undelivered);
	}

	mutator_fini(&mut);
	checker_fini(&chk);
	sim_fini(s);
	free(s);
	if (rc != 0)
		return 1;
	if (c.mutate)
		return t.bad_seeds == 0 && t.mutations > 0 &&
				       t.caught == t.mutations ? 0 : 1;
	return t.bad_seeds == 0 && t.undelivered == 0 ? 0 : 1;
}
