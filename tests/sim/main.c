/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-sim: run the real ordo engine on N simulated nodes over a lossy,
 * duplicating, reordering simulated network, for many seeds, and check
 * every run. See README.md in this folder.
 *
 * Output: with -v one line per seed; always one FAIL line per failing seed
 * with the command that replays it, and for the first few a SHRUNK line
 * (the smallest failing variant found: fewer faults, fewer messages); with
 * --faults the line
 *     reform_ms p50=X p99=Y
 * then the last line, exactly
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

#include "tests/sim/avail.h"
#include "tests/sim/checker.h"
#include "tests/sim/cli.h"
#include "tests/sim/gcheck.h"
#include "tests/sim/gmutate.h"
#include "tests/sim/gsim.h"
#include "tests/sim/mutate.h"
#include "tests/sim/reform.h"
#include "tests/sim/sim.h"

#define CMD_LEN 1024

/* --groups: the group checker and its mutator, one per process like the
 * engine checker's buffers (reused seed after seed). */
static struct gchecker gchk;
static struct gmutator gmut;

/* ---- output ---------------------------------------------------------------*/
/* Where a node's engine stands at the end of the run. */
static void print_node(const struct sim *s, uint32_t i)
{
	const struct sim_node *n = &s->node[i];
	struct ordo_engine_status st;
	uint32_t k;

	if (n->e == NULL && !n->has_final) {
		printf("  node %u: down\n", i + 1);
		return;
	}
	if (n->e != NULL)
		ordo_engine_status(n->e, &st);
	else
		st = n->final; /* --frames destroyed it to count its frames */
	printf("  node %u (incarnation %u): %s in ring %u/%u {", i + 1,
	       n->incarnations, ordo_memb_state_name(st.state), st.ring_rep,
	       st.ring_seq);
	for (k = 0; k < st.n_members && k < ORDO_MAX_MEMBERS; k++)
		printf("%s%u", k ? "," : "", st.members[k]);
	if (st.n_held_out || st.held_by_ring) {
		printf("}, holds out {");
		for (k = 0; k < st.n_held_out && k < ORDO_MAX_MEMBERS; k++)
			printf("%s%u", k ? "," : "", st.held_out[k]);
		printf("}%s", st.held_by_ring ? ", held out by a ring" : "");
	}
	printf("}, aru %llu high %llu delivered %llu safe %llu, %u queued, "
	       "%u log entries\n", (unsigned long long)st.my_aru,
	       (unsigned long long)st.high_seq,
	       (unsigned long long)st.delivered, (unsigned long long)st.safe,
	       st.submit_queued, s->logs[n->proc].n);
}

/* -vvv: a process's configuration changes, one line each. */
static void print_changes(const struct sim *s, uint32_t p)
{
	const struct sim_log *l = &s->logs[p];
	uint32_t k, i, msgs = 0;

	printf("  process %u: node %u incarnation %u, %.3fms..", p,
	       s->procs[p].node, s->procs[p].incarnation,
	       (double)s->procs[p].started / 1e6);
	if (s->procs[p].crashed != UINT64_MAX)
		printf("%.3fms (crashed)\n", (double)s->procs[p].crashed / 1e6);
	else
		printf("end\n");
	for (k = 0; k < l->n; k++) {
		const struct sim_log_entry *e = &l->e[k];

		if (e->kind != SIM_LOG_CONFIG) {
			msgs++;
			continue;
		}
		if (msgs)
			printf("    (%u deliveries)\n", msgs);
		msgs = 0;
		printf("    %.3fms %s %u/%u", (double)e->time / 1e6,
		       e->trans ? "transitional to" : "regular", e->ring_rep,
		       e->ring_seq);
		if (e->trans)
			printf(" from %u/%u", e->conf.prev_rep,
			       e->conf.prev_seq);
		printf(" {");
		for (i = 0; i < e->conf.n_members && i < ORDO_MAX_MEMBERS; i++)
			printf("%s%u", i ? "," : "", e->conf.members[i]);
		printf("}\n");
	}
	if (msgs)
		printf("    (%u deliveries)\n", msgs);
}

/* -vvvv with --groups: every client's connection and what it was given. */
static void print_gevents(const struct sim *s)
{
	const struct glog *l = &s->gs->log;
	uint32_t i, k;

	for (i = 0; i < l->n_conns; i++)
		printf("  client c%u: node %u process %u slot %u, %.3fms..%.3fms%s"
		       ", asked for groups 0x%x\n", i, l->conns[i].node,
		       l->conns[i].proc, l->conns[i].slot,
		       (double)l->conns[i].start / 1e6,
		       l->conns[i].end == UINT64_MAX ? -1.0 :
		       (double)l->conns[i].end / 1e6,
		       l->conns[i].crashed ? " (crashed)" : "",
		       l->conns[i].joined);
	for (i = 0; i < l->n_ev; i++) {
		const struct gev *e = &l->ev[i];

		printf("    %.3fms c%u ", (double)e->time / 1e6, e->conn);
		if (e->kind == GEV_MSG) {
			printf("msg %d from c%d to 0x%x/%d svc %u len %u\n",
			       e->msg, e->sender, e->groups, e->priv,
			       e->service, e->len);
			continue;
		}
		printf("memb g%u 0x%x %u/%u/%u {", e->group, e->mservice,
		       e->gid[0], e->gid[1], e->gid[2]);
		for (k = 0; k < e->n_members; k++)
			printf("%s%d", k ? "," : "", glog_members(l, e)[k]);
		printf("}\n");
	}
}

static void print_seed(const struct cli *c, const struct sim *s,
		       uint64_t seed, const struct report *r)
{
	const struct sim_result *res = &s->res;
	const struct ordo_engine_stats *e = &res->engine;
	uint32_t k;

	printf("seed %llu: %s at %.3fms, %llu events, %llu deliveries, %llu "
	       "changes, %u procs, violations %u, undelivered %llu; pkts "
	       "%llu lost %llu dup %llu reordered %llu cut %llu, retrans %llu, "
	       "token-retx %llu\n",
	       (unsigned long long)seed, sim_end_name(res->end),
	       (double)res->end_time / 1e6, (unsigned long long)res->events,
	       (unsigned long long)res->deliveries,
	       (unsigned long long)res->conf_changes, s->n_procs,
	       r->violations, (unsigned long long)r->undelivered,
	       (unsigned long long)s->net.stats.packets,
	       (unsigned long long)s->net.stats.lost,
	       (unsigned long long)s->net.stats.duplicated,
	       (unsigned long long)s->net.stats.reordered,
	       (unsigned long long)s->net.stats.cut,
	       (unsigned long long)e->tx_retrans,
	       (unsigned long long)e->token_retrans);
	if (s->gs != NULL)
		printf("  groups: %u connections, %llu connects, %llu sends, "
		       "%llu joins, %llu leaves, %llu disconnects, %llu "
		       "refused for now; %u client deliveries\n",
		       s->gs->log.n_conns,
		       (unsigned long long)s->gs->connects,
		       (unsigned long long)s->gs->sends,
		       (unsigned long long)s->gs->joins,
		       (unsigned long long)s->gs->leaves,
		       (unsigned long long)s->gs->disconnects,
		       (unsigned long long)s->gs->eagain, s->gs->log.n_ev);
	for (k = 0; k < s->faults.n; k++) {
		char line[256];

		fault_describe(&s->faults.f[k], s->o.nodes, line, sizeof(line));
		printf("  fault %s\n", line);
	}
	if (c->verbose >= 2) {
		printf("  engine: tx_data %llu rx_data %llu tx_token %llu "
		       "rotations %llu rtr %llu submitted %llu delivered %llu "
		       "reasm_drops %llu eagain %llu ring_changes %llu "
		       "token_losses %llu joins %llu commits %llu excluded "
		       "%llu;",
		       (unsigned long long)e->tx_data,
		       (unsigned long long)e->rx_data,
		       (unsigned long long)e->tx_token,
		       (unsigned long long)e->rotations,
		       (unsigned long long)e->rtr_requested,
		       (unsigned long long)e->submitted,
		       (unsigned long long)e->delivered,
		       (unsigned long long)e->reassembly_drops,
		       (unsigned long long)s->wl.eagain,
		       (unsigned long long)e->ring_changes,
		       (unsigned long long)e->token_losses,
		       (unsigned long long)e->joins_sent,
		       (unsigned long long)e->commits,
		       (unsigned long long)e->excluded);
		for (k = 1; k < ORDO_DROP_REASON_MAX; k++)
			if (e->drops[k])
				printf(" %s %llu", ordo_drop_reason_name(k),
				       (unsigned long long)e->drops[k]);
		if (s->tap.carried)
			printf("; %llu old packets carried by recovery",
			       (unsigned long long)s->tap.carried);
		if (s->hostile.fed)
			printf("; hostile packets %llu, taken %llu",
			       (unsigned long long)s->hostile.fed,
			       (unsigned long long)s->hostile.taken);
		if (res->rx_rc_mismatch)
			printf("; rx returned 0 for %llu dropped packets",
			       (unsigned long long)res->rx_rc_mismatch);
		printf("\n");
		for (k = 0; k < s->o.nodes; k++)
			print_node(s, k);
	}
	if (c->verbose >= 3)
		for (k = 0; k < s->n_procs; k++)
			print_changes(s, k);
	if (c->verbose >= 4 && s->gs != NULL)
		print_gevents(s);
}

static void print_fail(const struct cli *c, const struct sim *s,
		       uint64_t seed, const struct report *r)
{
	char cmd[CMD_LEN];

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

/* Heal to full ring, and ring changes per fault (avail.h). */
static void print_heal(const struct cli *c, struct avail_stats *st)
{
	uint32_t k;

	if (c->verbose) {
		printf("heal events: %zu measured, %llu unmeasured;",
		       st->n_heal, (unsigned long long)st->unmeasured);
		for (k = 1; k < FAULT_KIND_MAX; k++)
			if (st->by_kind_n[k])
				printf(" %s %llu (max %.1fms)",
				       fault_kind_name((uint8_t)k),
				       (unsigned long long)st->by_kind_n[k],
				       st->by_kind_max[k]);
		printf("\n");
	}
	if (st->n_heal == 0)
		printf("heal_ms p50=- p99=- max=-\n");
	else
		printf("heal_ms p50=%.1f p99=%.1f max=%.1f\n",
		       avail_heal_quantile(st, 0.5),
		       avail_heal_quantile(st, 0.99),
		       avail_heal_quantile(st, 1.0));
	if (st->n_held)
		printf("heal_ms_after_flap_hold n=%zu p50=%.1f p99=%.1f "
		       "max=%.1f\n", st->n_held, avail_held_quantile(st, 0.5),
		       avail_held_quantile(st, 0.99),
		       avail_held_quantile(st, 1.0));
	if (st->n_changes == 0)
		printf("ring_changes p50=- max=-\n");
	else
		printf("ring_changes p50=%u max=%u\n",
		       avail_changes_quantile(st, 0.5),
		       avail_changes_quantile(st, 1.0));
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
	uint64_t avail_seeds;               /* --avail-report */
	uint32_t avail_by_kind[CHK_KIND_MAX];
	double wall, wall_max;
	uint64_t wall_max_seed;
};

static struct check_input input_of(const struct sim *s)
{
	return (struct check_input){ .n_nodes = s->o.nodes,
				     .n_procs = s->n_procs,
				     .procs = s->procs, .logs = s->logs,
				     .plan = &s->wl.plan, .tap = &s->tap };
}

/* Run and check one seed, safety and availability; fills r, and st
 * with the heal times unless NULL. */
static int run_seed(const struct cli *c, struct sim *s, struct checker *chk,
		    uint64_t seed, struct report *r, struct check_input *in,
		    struct avail_stats *st, struct report *ra)
{
	struct avail_params ap = {
		.reach_ns = s->fault_unit_ns,
		.hold_ns = s->flap_hold_ns,
		.max_changes = c->max_changes,
	};
	int rc;

	report_clear(r);
	rc = sim_run(s, seed);
	report_merge(r, &s->res.run);
	if (rc != 0)
		return rc;
	*in = input_of(s);
	rc = checker_run(chk, in, r);
	ap.held = s->res.engine.flap_holds > 0;
	/* A LAN that loses more than this is itself the fault: members that
	 * do not hear each other are not reachable (README.md). */
	ap.judge = s->o.net.loss <= c->avail_max_loss;
	report_clear(ra);
	if (rc == 0)
		rc = avail_check(in, &s->faults, &ap, c->avail_report ? ra : r,
				 st);
	if (rc == 0 && s->gs != NULL) {
		struct gcheck_input gin = { .l = &s->gs->log,
					    .settled = s->res.end ==
						       SIM_END_QUIET };

		/* Clients are owed an end: a run that never settled keeps
		 * some of them paused, or waiting for their own message. */
		if (!gin.settled)
			report_violation(r, CHK_G_LIVE, "the run did not "
					 "settle (%s at %.3fms)",
					 sim_end_name(s->res.end),
					 (double)s->res.end_time / 1e6);
		rc = gcheck_run(&gchk, &gin, r);
	}
	return rc;
}

/* Does the seed still fail with these options? A seed that had violations
 * must still have some; one that only missed deliveries, either. */
static bool still_fails(const struct cli *c, struct sim *s,
			struct checker *chk, uint64_t seed,
			const struct sim_opts *o, bool violations,
			struct report *r)
{
	struct check_input in;
	struct report ra;

	s->o = *o;
	if (run_seed(c, s, chk, seed, r, &in, NULL, &ra) != 0)
		return false;
	return r->violations > 0 || (!violations && r->undelivered > 0);
}

/* Shrink a failing seed: drop its faults one at a time, then halve its
 * messages, keeping each cut that still fails; print the result. */
static void shrink_seed(const struct cli *c, struct sim *s,
			struct checker *chk, uint64_t seed,
			const struct report *orig)
{
	const struct sim_opts saved = s->o;
	const uint32_t drawn = s->faults.drawn;
	const uint32_t all = drawn >= 32 ? UINT32_MAX : (1u << drawn) - 1;
	const bool v = orig->violations > 0;
	struct sim_opts o = saved;
	struct report r, best = *orig;
	struct cli small = *c;
	char cmd[CMD_LEN];
	uint32_t i;

	o.faults.keep &= all;
	for (i = 0; i < drawn; i++) {
		struct sim_opts t = o;

		if (!(t.faults.keep & (1u << i)))
			continue;
		t.faults.keep &= ~(1u << i);
		if (still_fails(c, s, chk, seed, &t, v, &r)) {
			o = t;
			best = r;
		}
	}
	while (o.wl.msgs > 1) {
		struct sim_opts t = o;

		t.wl.msgs = o.wl.msgs / 2;
		if (!still_fails(c, s, chk, seed, &t, v, &r))
			break;
		o = t;
		best = r;
	}
	s->o = saved;
	if (o.faults.keep == (saved.faults.keep & all) &&
	    o.wl.msgs == saved.wl.msgs)
		return; /* nothing smaller fails */
	small.o = o;
	if (o.faults.keep == all)
		small.o.faults.keep = saved.faults.keep;
	cli_replay(&small, seed, cmd, sizeof(cmd));
	printf("SHRUNK seed %llu: ", (unsigned long long)seed);
	if (drawn)
		printf("%u of %u faults, ",
		       (uint32_t)__builtin_popcount(o.faults.keep & all), drawn);
	printf("%u msgs: %s; replay: %s\n", o.wl.msgs,
	       best.violations ? best.first : best.first_undelivered, cmd);
}

static int mutate_seed(const struct cli *c, struct mutator *m,
		       struct checker *chk, const struct check_input *in,
		       const struct report *clean, uint64_t seed,
		       struct totals *t)
{
	uint32_t k;

	for (k = 0; k < mutation_count; k++) {
		struct mut_result r;
		char cmd[CMD_LEN];
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

/* The group checker's mutations (gmutate.h): each must be reported as
 * the property it breaks. */
static int gmutate_seed(const struct cli *c, const struct sim *s,
			uint64_t seed, struct totals *t)
{
	struct gcheck_input gin = { .l = &s->gs->log,
				    .settled = s->res.end == SIM_END_QUIET };
	uint32_t k;

	for (k = 0; k < gmutation_count; k++) {
		struct gmut_result r;
		char cmd[CMD_LEN];
		int rc = gmutate_one(&gmut, &gchk, &gin, k, seed, &r);

		if (rc != 0)
			return rc;
		if (!r.applied) {
			if (c->verbose)
				printf("  mutation %s: nothing to mutate\n",
				       gmutation_table[k].name);
			continue;
		}
		t->mutations++;
		t->caught += r.caught;
		if (r.caught && c->verbose)
			printf("  mutation %s caught: %s -> %s\n",
			       gmutation_table[k].name, r.desc, r.rep.first);
		if (!r.caught) {
			cli_replay(c, seed, cmd, sizeof(cmd));
			printf("MISSED mutation %s seed %llu: %s (reported: "
			       "%s); replay: %s\n", gmutation_table[k].name,
			       (unsigned long long)seed, r.desc,
			       r.rep.violations ? r.rep.first : "nothing",
			       cmd);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c;
	struct totals t = { 0 };
	struct reform_stats rst;
	struct avail_stats ast;
	struct checker chk;
	struct mutator mut;
	uint32_t shrunk = 0;
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
	gcheck_init(&gchk);
	gmutator_init(&gmut);
	reform_init(&rst);
	avail_stats_init(&ast);

	for (i = 0; i < c.seeds && rc == 0; i++) {
		uint64_t seed = c.seed + i;
		struct check_input in;
		struct report r, ra;
		double t0 = wall_ms(), dt;

		rc = run_seed(&c, s, &chk, seed, &r, &in, &ast, &ra);
		if (ra.violations > 0) {
			t.avail_seeds++;
			for (k = 0; k < CHK_KIND_MAX; k++)
				t.avail_by_kind[k] += ra.by_kind[k];
			if (c.verbose)
				printf("AVAIL seed %llu: %s\n",
				       (unsigned long long)seed, ra.first);
		}
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
		if (rc == 0 && c.o.faults.kinds)
			rc = reform_measure(&rst, &s->faults, s->procs,
					    s->n_procs, s->logs);
		if (rc == 0 && c.mutate && r.violations == 0)
			rc = mutate_seed(&c, &mut, &chk, &in, &r, seed, &t);
		if (rc == 0 && c.mutate && r.violations == 0 && s->gs != NULL)
			rc = gmutate_seed(&c, s, seed, &t);
		if (rc == 0 && !c.mutate && shrunk < c.shrink &&
		    (r.violations > 0 || r.undelivered > 0)) {
			shrunk++;
			shrink_seed(&c, s, &chk, seed, &r);
		}
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
		if (c.o.faults.kinds && c.verbose)
			printf("reform events: %zu measured, %llu unmeasured\n",
			       rst.n, (unsigned long long)rst.unmeasured);
		if (c.o.faults.kinds && rst.n)
			printf("reform_ms p50=%.1f p99=%.1f\n",
			       reform_quantile(&rst, 0.5),
			       reform_quantile(&rst, 0.99));
		else if (c.o.faults.kinds)
			printf("reform_ms p50=- p99=-\n");
		if (c.o.faults.kinds)
			print_heal(&c, &ast);
		if (c.avail_report) {
			printf("availability (reported, not judged): %llu seeds",
			       (unsigned long long)t.avail_seeds);
			for (k = 0; k < CHK_KIND_MAX; k++)
				if (t.avail_by_kind[k])
					printf(" %s %u", chk_kind_name(k),
					       t.avail_by_kind[k]);
			printf("\n");
		}
		if (c.o.frames)
			printf("frames: %llu taken by engines (%llu kept from "
			       "rx), %llu released\n",
			       (unsigned long long)s->frames.allocs,
			       (unsigned long long)s->frames.kept,
			       (unsigned long long)s->frames.releases);
		printf("seeds: %llu, violations: %llu, undelivered: %llu\n",
		       (unsigned long long)t.seeds,
		       (unsigned long long)t.bad_seeds,
		       (unsigned long long)t.undelivered);
	}

	reform_fini(&rst);
	avail_stats_fini(&ast);
	mutator_fini(&mut);
	checker_fini(&chk);
	gmutator_fini(&gmut);
	gcheck_fini(&gchk);
	sim_fini(s);
	free(s);
	if (rc != 0)
		return 1;
	if (c.mutate)
		return t.bad_seeds == 0 && t.mutations > 0 &&
				       t.caught == t.mutations ? 0 : 1;
	return t.bad_seeds == 0 && t.undelivered == 0 ? 0 : 1;
}
