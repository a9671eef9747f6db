/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Parsing ordo-perf's options (perf_opts.h). The table below is also the
 * help text.
 */
#include "app/perf/perf_opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ordo/ordo.h"
#include "lib/flood/flood_msg.h"

static const struct {
	const char *name, *arg, *help;
} opt_help[] = {
	{ "mode", "flood|rate|sweep", "max rate, fixed --rate, or a flood per --sizes (flood)" },
	{ "socket", "PATH", "the daemon's client socket (default $ORDO_SOCKET)" },
	{ "size", "BYTES", "message size, 40-byte header included (1024)" },
	{ "sizes", "LIST", "sweep sizes, comma separated (64,256,1024,4096,8192)" },
	{ "rate", "R", "messages/s per sender in --mode rate" },
	{ "service", "NAME", "agreed|safe|fifo|reliable|causal|unreliable (agreed)" },
	{ "groups", "N", "senders cycle over groups perf0..perfN-1 (1)" },
	{ "senders", "K", "sender clients on this node, one thread each (1)" },
	{ "no-receive", NULL, "no receiver: send only" },
	{ "zero-copy", NULL, "receive by ordo_receive_view: read in the delivery ring, no copy" },
	{ "secs", "T", "measured seconds per run (5)" },
	{ "warmup", "S", "unmeasured seconds before each run (1)" },
	{ "members", "M", "wait for M ordo-perf processes before starting (1)" },
	{ "expect-senders", "S", "senders in the whole lab (default --senders)" },
	{ "window", "W", "own messages sent, not yet received back, per sender (256; 0 off)" },
	{ "window-bytes", "B", "... and at most B bytes of them, one message at least (67108864)" },
	{ "timeout", "S", "bound on each wait: members, END markers (30)" },
	{ "csv", "FILE", "append one row per run" },
	{ "label", "TEXT", "free text for the CSV rows" },
	{ "quiet", NULL, "no per-second lines" },
	{ "help", NULL, "this text" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ordo-perf [options]\n");
	for (size_t i = 0; i < sizeof(opt_help) / sizeof(opt_help[0]); i++) {
		char left[48];

		snprintf(left, sizeof(left), "--%s%s%s", opt_help[i].name,
			 opt_help[i].arg ? " " : "",
			 opt_help[i].arg ? opt_help[i].arg : "");
		fprintf(f, "  %-30s %s\n", left, opt_help[i].help);
	}
}

static const struct {
	const char *name;
	int service;
} services[] = {
	{ "agreed", ORDO_AGREED },     { "safe", ORDO_SAFE },
	{ "fifo", ORDO_FIFO },         { "reliable", ORDO_RELIABLE },
	{ "causal", ORDO_CAUSAL },     { "unreliable", ORDO_UNRELIABLE },
};

const char *perf_mode_name(enum perf_mode m)
{
	return m == PERF_MODE_RATE ? "rate" : m == PERF_MODE_SWEEP ? "sweep" : "flood";
}

static int num(const char *opt, const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi)) {
		fprintf(stderr, "ordo-perf: --%s '%s': want a number in [%.10g, %.10g]\n",
			opt, s, lo, hi);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_sizes(const char *s, struct perf_opts *o)
{
	char buf[512], *tok, *save = NULL;
	double v;

	if (strlen(s) >= sizeof(buf)) {
		fprintf(stderr, "ordo-perf: --sizes '%.40s...': too long\n", s);
		return -EINVAL;
	}
	strcpy(buf, s);
	o->n_sizes = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->n_sizes == PERF_MAX_SIZES) {
			fprintf(stderr, "ordo-perf: --sizes: at most %d\n", PERF_MAX_SIZES);
			return -EINVAL;
		}
		if (num("sizes", tok, FLOOD_HDR_LEN, FLOOD_MAX_LEN, &v) < 0)
			return -EINVAL;
		o->sizes[o->n_sizes++] = (uint32_t)v;
	}
	if (!o->n_sizes) {
		fprintf(stderr, "ordo-perf: --sizes '%s': no size\n", s);
		return -EINVAL;
	}
	return 0;
}

static int parse_one(struct perf_opts *o, const char *name, const char *arg,
		     bool *sizes_given, bool *expect_given)
{
	double v = 0;
	int rc = 0;

	if (!strcmp(name, "mode")) {
		if (!strcmp(arg, "flood"))
			o->mode = PERF_MODE_FLOOD;
		else if (!strcmp(arg, "rate"))
			o->mode = PERF_MODE_RATE;
		else if (!strcmp(arg, "sweep"))
			o->mode = PERF_MODE_SWEEP;
		else
			goto bad_word;
	} else if (!strcmp(name, "socket")) {
		o->socket = arg;
	} else if (!strcmp(name, "size")) {
		rc = num(name, arg, FLOOD_HDR_LEN, FLOOD_MAX_LEN, &v);
		o->sizes[0] = (uint32_t)v;
	} else if (!strcmp(name, "sizes")) {
		rc = parse_sizes(arg, o);
		*sizes_given = true;
	} else if (!strcmp(name, "rate")) {
		rc = num(name, arg, 1, 1e9, &o->rate);
	} else if (!strcmp(name, "service")) {
		size_t i;

		for (i = 0; i < sizeof(services) / sizeof(services[0]); i++)
			if (!strcmp(arg, services[i].name))
				break;
		if (i == sizeof(services) / sizeof(services[0]))
			goto bad_word;
		o->service = services[i].service;
		o->service_name = services[i].name;
	} else if (!strcmp(name, "groups")) {
		rc = num(name, arg, 1, PERF_MAX_GROUPS, &v);
		o->groups = (unsigned)v;
	} else if (!strcmp(name, "senders")) {
		rc = num(name, arg, 0, PERF_MAX_LOCAL_SENDERS, &v);
		o->senders = (unsigned)v;
	} else if (!strcmp(name, "no-receive")) {
		o->receive = false;
	} else if (!strcmp(name, "zero-copy")) {
		o->zero_copy = true;
	} else if (!strcmp(name, "secs")) {
		rc = num(name, arg, 0.01, 86400, &o->secs);
	} else if (!strcmp(name, "warmup")) {
		rc = num(name, arg, 0, 3600, &o->warmup);
	} else if (!strcmp(name, "timeout")) {
		rc = num(name, arg, 1, 86400, &o->timeout);
	} else if (!strcmp(name, "members")) {
		rc = num(name, arg, 1, 256, &v);
		o->members = (unsigned)v;
	} else if (!strcmp(name, "expect-senders")) {
		rc = num(name, arg, 0, 512, &v);
		o->expect_senders = (unsigned)v;
		*expect_given = true;
	} else if (!strcmp(name, "window")) {
		rc = num(name, arg, 0, 1 << 24, &v);
		o->window = (unsigned)v;
	} else if (!strcmp(name, "window-bytes")) {
		rc = num(name, arg, 1, 1ull << 40, &v);
		o->window_bytes = (uint64_t)v;
	} else if (!strcmp(name, "csv")) {
		o->csv = arg;
	} else if (!strcmp(name, "label")) {
		o->label = arg;
	} else if (!strcmp(name, "quiet")) {
		o->quiet = true;
	}
	return rc;
bad_word:
	fprintf(stderr, "ordo-perf: --%s '%s': not a known value\n", name, arg);
	return -EINVAL;
}

int perf_opts_parse(struct perf_opts *o, int argc, char **argv)
{
	static struct option lo[sizeof(opt_help) / sizeof(opt_help[0]) + 1];
	bool sizes_given = false, expect_given = false;
	int c, idx;

	*o = (struct perf_opts){ .mode = PERF_MODE_FLOOD, .sizes = { 1024 },
				 .n_sizes = 1, .service = ORDO_AGREED,
				 .service_name = "agreed", .groups = 1,
				 .senders = 1, .receive = true, .secs = 5,
				 .warmup = 1, .timeout = 30, .members = 1,
				 .window = 256, .window_bytes = 64u << 20,
				 .label = "" };
	for (size_t i = 0; i < sizeof(opt_help) / sizeof(opt_help[0]); i++)
		lo[i] = (struct option){ opt_help[i].name,
					 opt_help[i].arg ? required_argument : no_argument,
					 NULL, 0 };
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, &idx)) != -1) {
		if (c == 'h' || (c == 0 && !strcmp(lo[idx].name, "help"))) {
			usage(stdout);
			return 1;
		}
		if (c != 0) {
			usage(stderr);
			return -EINVAL;
		}
		if (parse_one(o, lo[idx].name, optarg, &sizes_given, &expect_given) < 0)
			return -EINVAL;
	}
	if (optind != argc) {
		fprintf(stderr, "ordo-perf: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (o->mode == PERF_MODE_SWEEP && !sizes_given)
		parse_sizes("64,256,1024,4096,8192", o);
	if (o->mode != PERF_MODE_SWEEP)
		o->n_sizes = 1;
	if (o->mode == PERF_MODE_RATE && o->rate <= 0) {
		fprintf(stderr, "ordo-perf: --mode rate needs --rate R\n");
		return -EINVAL;
	}
	/* Only the local receiver sees a sender's messages come back. */
	if (!o->receive)
		o->window = 0;
	if (!expect_given)
		o->expect_senders = o->senders;
	if (!o->senders && !o->receive) {
		fprintf(stderr, "ordo-perf: --senders 0 with --no-receive does nothing\n");
		return -EINVAL;
	}
	return 0;
}
