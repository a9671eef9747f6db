/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-sim's command line: one table of flags, which parses, prints the
 * help and writes the command that replays a seed.
 */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tests/sim/sim.h"

struct cli {
	struct sim_opts o;
	uint64_t seed, seeds;
	bool seeds_given;
	bool mutate;
	bool timing;
	uint32_t shrink;    /* failing seeds to shrink (default 3) */
	uint32_t max_changes; /* ring changes a fault may cost; 0: any */
	double avail_max_loss; /* judge availability up to this loss */
	bool avail_report;     /* availability reported, not judged */
	int verbose;
};

/* Defaults, then argv. Returns 0, 1 when help was printed, or -EINVAL
 * (after saying why on stderr). */
int cli_parse(struct cli *c, int argc, char **argv);

/* The command that replays one seed: every flag that shapes a run. */
void cli_replay(const struct cli *c, uint64_t seed, char *buf, size_t len);

#endif /* SIM_CLI_H */
