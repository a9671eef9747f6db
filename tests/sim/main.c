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
#include "mutate.h"
#include "payload.h"
#include "sim.h"

struct cli {
	struct sim_opts o;
	uint64_t seed, seeds;
	bool seeds_given;
	bool mutate;
	bool timing;
	int verbose;
};

/* ---- flags: one table, which also prints the help ------------------------*/
static int bad(const char *flag, const char *v, const char *want)
{
	fprintf(stderr, "ordo-sim: --%s: '%s' is not %s\n", flag, v, want);
	return -EINVAL;
}

static int get_u64(const char *flag, const char *v, uint64_t lo, uint64_t hi,
		   uint64_t *out)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || end == v || *end || v[0] == '-' || x < lo || x > hi) {
		char want[64];

		snprintf(want, sizeof(want), "an integer in %llu..%llu",
			 (unsigned long long)lo, (unsigned long long)hi);
		return bad(flag, v, want);
	}
	*out = x;
	return 0;
}

static int get_prob(const char *flag, const char *v, double *out)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (errno || end == v || *end || !(x >= 0.0 && x <= 1.0))
		return bad(flag, v, "a probability in 0..1");
	*out = x;
	return 0;
}

#define U64_FLAG(fn, field, lo, hi, scale)                                     \
	static int fn(struct cli *c, const char *f, const char *v)             \
	{                                                                      \
		uint64_t x;                                                    \
		int rc = get_u64(f, v, lo, hi, &x);                            \
		if (rc == 0)                                                   \
			c->field = x * (scale);                                \
		return rc;                                                     \
	}

U64_FLAG(set_nodes, o.nodes, 1, ORDO_MAX_MEMBERS, 1)
U64_FLAG(set_seed, seed, 0, UINT64_MAX, 1)
U64_FLAG(set_msgs, o.wl.msgs, 0, 10000000, 1)
U64_FLAG(set_size, o.wl.size, PAYLOAD_HDR_LEN, ORDO_MAX_MSG_SIZE_LIMIT - 64, 1)
U64_FLAG(set_mtu, o.mtu, ORDO_WIRE_MIN_MTU, ORDO_WIRE_MAX_MTU, 1)
U64_FLAG(set_limit, o.time_limit_ns, 1, 3600000, 1000000ull)
U64_FLAG(set_stall, o.stall_ns, 0, 3600000, 1000000ull)
U64_FLAG(set_pwin, o.personal_window, 1, 1u << 20, 1)
U64_FLAG(set_gwin, o.global_window, 1, 1u << 20, 1)
U64_FLAG(set_store, o.store_packets, 64, 1u << 24, 1)
U64_FLAG(set_retx, o.token_retx_ns, 1, 10000000, 1000ull)
U64_FLAG(set_latency, o.net.latency_ns, 0, 10000000, 1000ull)
U64_FLAG(set_jitter, o.net.jitter_ns, 0, 10000000, 1000ull)
U64_FLAG(set_gbps, o.net.mbps, 1, 1000, 1000ull)
U64_FLAG(set_events, o.max_events, 1, UINT64_MAX / 2, 1)

static int set_seeds(struct cli *c, const char *f, const char *v)
{
	c->seeds_given = true;
	return get_u64(f, v, 1, UINT64_MAX / 2, &c->seeds);
}

static int set_awin(struct cli *c, const char *f, const char *v)
{
	uint64_t x;
	int rc = get_u64(f, v, 0, 1u << 20, &x);

	/* 0 is a valid window; the option keeps 0 for "engine default". */
	if (rc == 0)
		c->o.accel_window = x ? (uint32_t)x : UINT32_MAX;
	return rc;
}

static int set_loss(struct cli *c, const char *f, const char *v)
{
	return get_prob(f, v, &c->o.net.loss);
}

static int set_dup(struct cli *c, const char *f, const char *v)
{
	return get_prob(f, v, &c->o.net.dup);
}

static int set_reorder(struct cli *c, const char *f, const char *v)
{
	return get_prob(f, v, &c->o.net.reorder);
}

static const char *const svc_names[] = {
	[0] = "mix",
	[ORDO_SVC_UNRELIABLE] = "unreliable",
	[ORDO_SVC_RELIABLE] = "reliable",
	[ORDO_SVC_FIFO] = "fifo",
	[ORDO_SVC_CAUSAL] = "causal",
	[ORDO_SVC_AGREED] = "agreed",
	[ORDO_SVC_SAFE] = "safe",
};

static int set_service(struct cli *c, const char *f, const char *v)
{
	uint8_t i;

	for (i = 0; i <= ORDO_SVC_SAFE; i++) {
		if (strcmp(v, svc_names[i]) == 0) {
			c->o.wl.service = i;
			return 0;
		}
	}
	return bad(f, v, "one of mix, unreliable, reliable, fifo, causal, "
			 "agreed, safe");
}

static int set_big(struct cli *c, const char *f, const char *v)
{
	(void)f, (void)v;
	c->o.wl.big = true;
	return 0;
}

static int set_mutate(struct cli *c, const char *f, const char *v)
{
	(void)f, (void)v;
	c->mutate = true;
	return 0;
}

static int set_timing(struct cli *c, const char *f, const char *v)
{
	(void)f, (void)v;
	c->timing = true;
	return 0;
}

struct flag {
	const char *name; /* without the leading "--" */
	const char *arg;  /* NULL: takes no value */
	const char *help;
	int (*set)(struct cli *c, const char *flag, const char *v);
};

static const struct flag flags[] = {
	{ "nodes", "N", "ring members, ids 1..N (1..16; default 5)", set_nodes },
	{ "seed", "S", "first seed (default 1)", set_seed },
	{ "seeds", "K", "seeds S..S+K-1 (default 1; 10 with --mutate)",
	  set_seeds },
	{ "msgs", "M", "messages per seed, over all nodes (default 200)",
	  set_msgs },
	{ "loss", "P", "probability a packet copy is lost (default 0)",
	  set_loss },
	{ "dup", "P", "probability a packet copy is duplicated (default 0)",
	  set_dup },
	{ "reorder", "P", "probability a packet copy is delayed by up to "
			  "100 us (default 0)", set_reorder },
	{ "size", "B", "every message B bytes (>= 16; default: a mix, "
		       "mostly small, rarely up to 1 MiB)", set_size },
	{ "big", NULL, "the mix's large messages reach 16 MiB", set_big },
	{ "mtu", "B", "engine MTU (default 1500; e.g. 9000)", set_mtu },
	{ "service", "NAME", "mix (default), unreliable, reliable, fifo, "
			     "causal, agreed or safe", set_service },
	{ "time-limit-ms", "T", "liveness bound in simulated ms (default "
				"10000)", set_limit },
	{ "stall-ms", "T", "end a seed early when nothing new was delivered "
			   "for T simulated ms (default 2000; 0: never)",
	  set_stall },
	{ "token-retx-us", "U", "engine token retransmit timeout (default: "
				"from the network model)", set_retx },
	{ "personal-window", "W", "engine personal window (engine default)",
	  set_pwin },
	{ "global-window", "W", "engine global window (engine default)",
	  set_gwin },
	{ "accel-window", "W", "engine accelerated window, 0 for plain "
			       "Totem (engine default)", set_awin },
	{ "store-packets", "P", "engine store size, a power of two (engine "
				"default)", set_store },
	{ "latency-us", "U", "one-way latency (default 20)", set_latency },
	{ "jitter-us", "U", "plus uniform jitter up to U (default 2)",
	  set_jitter },
	{ "gbps", "G", "NIC bandwidth (default 10)", set_gbps },
	{ "max-events", "E", "give up a seed after E events (default 2e8)",
	  set_events },
	{ "mutate", NULL, "test the checker: corrupt logs of passing runs, "
			  "expect every corruption caught", set_mutate },
	{ "timing", NULL, "wall-clock time per seed, on stderr", set_timing },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: ordo-sim [flags]\n"
		"Runs the ordo engine on simulated nodes for each seed and "
		"checks every run:\n"
		"exactly-once, integrity, total order, FIFO, causality, "
		"agreement, SAFE\nstability and liveness (see tests/sim/"
		"README.md).\n\nflags:\n");
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		char lhs[40];

		snprintf(lhs, sizeof(lhs), "--%s%s%s", flags[i].name,
			 flags[i].arg ? " " : "",
			 flags[i].arg ? flags[i].arg : "");
		fprintf(f, "  %-22s %s\n", lhs, flags[i].help);
	}
	fprintf(f,
		"  %-22s %s\n  %-22s %s\n\n"
		"Each failing seed prints a FAIL line with its first violation "
		"and the command\nthat replays it. The last line is\n"
		"  seeds: K, violations: V, undelivered: U\n"
		"where V counts seeds with at least one violation and U the "
		"(message, node)\npairs never delivered, over all seeds; with "
		"--mutate it is\n  mutations: K, caught: C\n"
		"Exit status: 0 if V == 0 and U == 0 (C == K), 1 otherwise, "
		"2 on bad usage.\n",
		"-v", "one line per seed (-vv: engine counters too)",
		"-h, --help", "this text");
}

static int parse(struct cli *c, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL, *eq;
		size_t k, len;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		}
		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			c->verbose++;
			continue;
		}
		if (strcmp(a, "-vv") == 0) {
			c->verbose += 2;
			continue;
		}
		if (strncmp(a, "--", 2) != 0)
			goto unknown;
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
			if (strlen(flags[k].name) == len &&
			    strncmp(flags[k].name, a, len) == 0)
				break;
		if (k == sizeof(flags) / sizeof(flags[0]))
			goto unknown;
		if (flags[k].arg != NULL) {
			v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (v == NULL) {
				fprintf(stderr, "ordo-sim: --%s needs a value "
					"(%s)\n", flags[k].name, flags[k].arg);
				return -EINVAL;
			}
		} else if (eq) {
			fprintf(stderr, "ordo-sim: --%s takes no value\n",
				flags[k].name);
			return -EINVAL;
		}
		if (flags[k].set(c, flags[k].name, v) != 0)
			return -EINVAL;
		continue;
unknown:
		fprintf(stderr, "ordo-sim: unknown argument '%s' (try --help)\n",
			argv[i]);
		return -EINVAL;
	}
	return 0;
}

/* ---- output ---------------------------------------------------------------*/

/* The command that replays one seed: every flag that shapes a run. */
static void replay(const struct cli *c, uint64_t seed, char *buf, size_t len)
{
	const struct sim_opts *o = &c->o;
	struct sim_opts d;
	size_t n;

	sim_opts_default(&d);
	n = (size_t)snprintf(buf, len, "ordo-sim%s --nodes %u --seed %llu "
			     "--seeds 1 --msgs %u --loss %g --dup %g "
			     "--reorder %g", c->mutate ? " --mutate" : "",
			     o->nodes, (unsigned long long)seed, o->wl.msgs,
			     o->net.loss, o->net.dup, o->net.reorder);
#define MORE(...)                                                              \
	do {                                                                   \
		if (n < len)                                                   \
			n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__);  \
	} while (0)
	if (o->wl.size)
		MORE(" --size %u", o->wl.size);
	if (o->wl.big)
		MORE(" --big");
	if (o->mtu != d.mtu)
		MORE(" --mtu %u", o->mtu);
	if (o->wl.service)
		MORE(" --service %s", svc_names[o->wl.service]);
	if (o->time_limit_ns != d.time_limit_ns)
		MORE(" --time-limit-ms %llu",
		     (unsigned long long)(o->time_limit_ns / 1000000));
	if (o->stall_ns != d.stall_ns)
		MORE(" --stall-ms %llu",
		     (unsigned long long)(o->stall_ns / 1000000));
	if (o->token_retx_ns)
		MORE(" --token-retx-us %llu",
		     (unsigned long long)(o->token_retx_ns / 1000));
	if (o->personal_window)
		MORE(" --personal-window %u", o->personal_window);
	if (o->global_window)
		MORE(" --global-window %u", o->global_window);
	if (o->accel_window)
		MORE(" --accel-window %u", o->accel_window == UINT32_MAX ?
						   0 : o->accel_window);
	if (o->store_packets)
		MORE(" --store-packets %u", o->store_packets);
	if (o->net.latency_ns != d.net.latency_ns)
		MORE(" --latency-us %llu",
		     (unsigned long long)(o->net.latency_ns / 1000));
	if (o->net.jitter_ns != d.net.jitter_ns)
		MORE(" --jitter-us %llu",
		     (unsigned long long)(o->net.jitter_ns / 1000));
	if (o->net.mbps != d.net.mbps)
		MORE(" --gbps %llu", (unsigned long long)(o->net.mbps / 1000));
	if (o->max_events != d.max_events)
		MORE(" --max-events %llu", (unsigned long long)o->max_events);
#undef MORE
}

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

	replay(c, seed, cmd, sizeof(cmd));
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
			replay(c, seed, cmd, sizeof(cmd));
			printf("MISSED mutation %s seed %llu: %s; replay: %s\n",
			       mutation_table[k].name,
			       (unsigned long long)seed, r.desc, cmd);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = { .seed = 1, .seeds = 1 };
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

	sim_opts_default(&c.o);
	if (parse(&c, argc, argv) != 0)
		return 2;
	if (c.mutate && !c.seeds_given)
		c.seeds = 10;
	c.o.wl.spread_ns = (uint64_t)c.o.wl.msgs * 5000; /* 5 us apart */

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
