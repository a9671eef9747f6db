/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-sim's command line; see cli.h. Errors quote the bad value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/cli.h"
#include "tests/sim/gsim.h"
#include "tests/sim/payload.h"

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
U64_FLAG(set_token_loss, o.token_loss_ns, 1, 10000000, 1000ull)
U64_FLAG(set_join, o.join_ns, 1, 10000000, 1000ull)
U64_FLAG(set_consensus, o.consensus_ns, 1, 10000000, 1000ull)
U64_FLAG(set_merge_detect, o.merge_detect_ns, 1, 10000000, 1000ull)
U64_FLAG(set_holddown, o.holddown_ns, 1, 100000000, 1000ull)
U64_FLAG(set_fail_recv, o.fail_recv_rounds, 1, 1000000, 1)
U64_FLAG(set_gclients, o.gclients, 1, GSIM_MAX_CLIENTS, 1)
U64_FLAG(set_ggroups, o.ggroups, 1, GLOG_MAX_GROUPS, 1)

static int set_groups(struct cli *c, const char *f, const char *v)
{
	(void)f, (void)v;
	c->o.groups = true;
	return 0;
}

static int set_flap_hold(struct cli *c, const char *f, const char *v)
{
	uint64_t x;
	int rc = get_u64(f, v, 0, 3600000, &x);

	/* 0 is a valid setting; the option keeps 0 for "engine default". */
	if (rc == 0)
		c->o.flap_hold_ns = x ? x * 1000000ull : UINT64_MAX;
	return rc;
}
U64_FLAG(set_max_faults, o.faults.max, 1, FAULT_MAX, 1)
U64_FLAG(set_keep_faults, o.faults.keep, 0, UINT32_MAX, 1)
U64_FLAG(set_shrink, shrink, 0, 1000000, 1)
U64_FLAG(set_max_changes, max_changes, 1, 1000000, 1)
U64_FLAG(set_flap_period, o.faults.flap_period_ns, 1, 100000, 1000000ull)
U64_FLAG(set_flap_len, o.faults.flap_ns, 1, 3600000, 1000000ull)

static int set_flap_links(struct cli *c, const char *f, const char *v)
{
	if (strcmp(v, "node") == 0)
		c->o.faults.flap_links = FLAP_LINKS_NODE;
	else if (strcmp(v, "pair") == 0)
		c->o.faults.flap_links = FLAP_LINKS_PAIR;
	else
		return bad(f, v, "node or pair");
	return 0;
}

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

static int set_avail_loss(struct cli *c, const char *f, const char *v)
{
	return get_prob(f, v, &c->avail_max_loss);
}

static int set_hostile(struct cli *c, const char *f, const char *v)
{
	return get_prob(f, v, &c->o.hostile.rate);
}

static int set_dup(struct cli *c, const char *f, const char *v)
{
	return get_prob(f, v, &c->o.net.dup);
}

static int set_reorder(struct cli *c, const char *f, const char *v)
{
	return get_prob(f, v, &c->o.net.reorder);
}

static int set_faults(struct cli *c, const char *f, const char *v)
{
	char err[160];

	if (faults_parse(v, &c->o.faults.kinds, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "ordo-sim: --%s: %s\n", f, err);
	return -EINVAL;
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

static int set_avail_report(struct cli *c, const char *f, const char *v)
{
	(void)f, (void)v;
	c->avail_report = true;
	return 0;
}

static int set_frames(struct cli *c, const char *f, const char *v)
{
	(void)f, (void)v;
	c->o.frames = true;
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
	{ "hostile", "P", "after each packet sent, probability of one forged "
			  "or garbage packet to a node (hostile.h; default 0)",
	  set_hostile },
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
	{ "faults", "LIST", "crash, restart, partition, merge, oneway, pause, "
			    "slow, flap, all or none, comma-separated "
			    "(default none)", set_faults },
	{ "max-faults", "K", "faults per seed, 1..K drawn (default 3)",
	  set_max_faults },
	{ "keep-faults", "MASK", "keep only the drawn faults whose bit is set "
				 "(shrunk replays)", set_keep_faults },
	{ "flap-period-ms", "T", "a flapping link toggles every T ms (default: "
				 "drawn)", set_flap_period },
	{ "flap-ms", "T", "flapping lasts T ms (default: drawn)", set_flap_len },
	{ "flap-links", "W", "a flap takes every link of a node (node: its NIC, "
			     "which it sees) or one link between two (pair) "
			     "(default: drawn)", set_flap_links },
	{ "avail-max-loss", "P", "judge availability (healthy-split, "
				 "ring-of-one) only with --loss <= P (default "
				 "0.05)", set_avail_loss },
	{ "avail-report", NULL, "count availability violations on a line of "
				"their own instead of failing the seed",
	  set_avail_report },
	{ "max-changes", "N", "a fault may cost at most N ring changes at any "
			      "process (default: not judged)", set_max_changes },
	{ "shrink", "K", "shrink the first K failing seeds to fewer faults "
			 "and messages (default 3)", set_shrink },
	{ "token-loss-us", "U", "engine token loss timeout (engine default)",
	  set_token_loss },
	{ "join-us", "U", "engine join timeout (engine default)", set_join },
	{ "consensus-us", "U", "engine consensus timeout (engine default)",
	  set_consensus },
	{ "merge-detect-us", "U", "engine merge detection period (engine "
				  "default)", set_merge_detect },
	{ "holddown-us", "U", "engine first hold-down (engine default)",
	  set_holddown },
	{ "flap-hold-ms", "T", "engine: hold a flapping member out until "
			       "stable this long (engine default; 0: never)",
	  set_flap_hold },
	{ "fail-recv-rounds", "R", "engine fail-to-receive rotations (engine "
				   "default)", set_fail_recv },
	{ "groups", NULL, "run the group layer above each engine with "
			  "simulated clients (gsim.h); --msgs counts client "
			  "actions", set_groups },
	{ "gclients", "C", "--groups: client slots per node (1..16; default 3)",
	  set_gclients },
	{ "ggroups", "G", "--groups: named groups g0.. (1..8; default 4)",
	  set_ggroups },
	{ "mutate", NULL, "test the checker: corrupt logs of passing runs, "
			  "expect every corruption caught", set_mutate },
	{ "frames", NULL, "the engines hold packets in frames by handle "
			  "(engine.h frame ops) over a checking allocator: "
			  "a frame released twice, used after release or "
			  "never released fails the seed", set_frames },
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
		"agreement, SAFE\nstability, Extended Virtual Synchrony across "
		"crashes, restarts, partitions\nand merges, and liveness (see "
		"tests/sim/README.md).\n\nflags:\n");
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
		"and the command\nthat replays it (and, for the first --shrink "
		"ones, a SHRUNK line: the smallest\nfailing variant found). "
		"With --faults, a line\n  reform_ms p50=X p99=Y\ncomes "
		"before the last one, which is\n"
		"  seeds: K, violations: V, undelivered: U\n"
		"where V counts seeds with at least one violation and U the "
		"(message, process)\npairs liveness requires that never "
		"happened, over all seeds; with --mutate it\nis\n"
		"  mutations: K, caught: C\n"
		"Exit status: 0 if V == 0 and U == 0 (C == K), 1 otherwise, "
		"2 on bad usage.\n",
		"-v", "one line per seed (-vv: engine counters and node "
		      "states; -vvv: every configuration change; -vvvv: with "
		      "--groups, every client event)",
		"-h, --help", "this text");
}

int cli_parse(struct cli *c, int argc, char **argv)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->seed = 1;
	c->seeds = 1;
	c->shrink = 3;
	c->avail_max_loss = 0.05;
	sim_opts_default(&c->o);

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL, *eq;
		size_t k, len;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1;
		}
		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			c->verbose++;
			continue;
		}
		if (strcmp(a, "-vv") == 0 || strcmp(a, "-vvv") == 0 ||
		    strcmp(a, "-vvvv") == 0) {
			c->verbose += (int)strlen(a) - 1;
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
	if (c->mutate && !c->seeds_given)
		c->seeds = 10;
	return 0;
}

/* ---- replay ---------------------------------------------------------------*/
void cli_replay(const struct cli *c, uint64_t seed, char *buf, size_t len)
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
	if (o->hostile.rate > 0)
		MORE(" --hostile %g", o->hostile.rate);
	if (o->groups)
		MORE(" --groups --gclients %u --ggroups %u", o->gclients,
		     o->ggroups);
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
	if (o->faults.kinds) {
		char list[80];

		faults_format(o->faults.kinds, list, sizeof(list));
		MORE(" --faults %s", list);
		if (o->faults.max != d.faults.max)
			MORE(" --max-faults %u", o->faults.max);
		if (o->faults.keep != d.faults.keep)
			MORE(" --keep-faults 0x%x", o->faults.keep);
		if (o->faults.flap_period_ns)
			MORE(" --flap-period-ms %llu", (unsigned long long)
			     (o->faults.flap_period_ns / 1000000));
		if (o->faults.flap_ns)
			MORE(" --flap-ms %llu",
			     (unsigned long long)(o->faults.flap_ns / 1000000));
		if (o->faults.flap_links != FLAP_LINKS_DRAWN)
			MORE(" --flap-links %s",
			     o->faults.flap_links == FLAP_LINKS_NODE ? "node" :
								       "pair");
	}
	if (c->max_changes)
		MORE(" --max-changes %u", c->max_changes);
	if (c->avail_report)
		MORE(" --avail-report");
	if (o->frames)
		MORE(" --frames");
	if (c->avail_max_loss != 0.05)
		MORE(" --avail-max-loss %g", c->avail_max_loss);
#define TIMER(field, flag)                                                     \
	if (o->field)                                                          \
		MORE(" --" flag " %llu", (unsigned long long)(o->field / 1000))
	TIMER(token_loss_ns, "token-loss-us");
	TIMER(join_ns, "join-us");
	TIMER(consensus_ns, "consensus-us");
	TIMER(merge_detect_ns, "merge-detect-us");
	TIMER(holddown_ns, "holddown-us");
#undef TIMER
	if (o->fail_recv_rounds)
		MORE(" --fail-recv-rounds %u", o->fail_recv_rounds);
	if (o->flap_hold_ns)
		MORE(" --flap-hold-ms %llu", (unsigned long long)
		     (o->flap_hold_ns == UINT64_MAX ? 0 :
		      o->flap_hold_ns / 1000000));
#undef MORE
}
