/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Re-formation time: for each crash and partition of a run, the simulated
 * time from the fault until every surviving node has installed a regular
 * configuration that excludes the nodes it lost (the crashed node; the
 * other side of the partition). Read from the logs' REGULAR entries after
 * the run.
 *
 * A survivor whose configuration already excluded them owes nothing; one
 * that crashes before it re-forms drops out. An event whose fault healed
 * (restart, merge) before everyone re-formed, or that never completed,
 * is counted as unmeasured rather than given a time.
 */
#ifndef SIM_REFORM_H
#define SIM_REFORM_H

#include <stddef.h>
#include <stdint.h>

#include "tests/sim/faults.h"
#include "tests/sim/simlog.h"

struct reform_stats {
	double *ms;          /* one sample per measured event */
	size_t n, cap;
	uint64_t unmeasured;
};

void reform_init(struct reform_stats *st);
void reform_fini(struct reform_stats *st);

/* Add one run's events. Returns 0 or -ENOMEM. */
int reform_measure(struct reform_stats *st, const struct fault_plan *fp,
		   const struct proc_info *procs, uint32_t n_procs,
		   const struct sim_log *logs);

/* The q-quantile (nearest rank, 0 < q <= 1) of the samples, in ms; sorts
 * them. 0 when there are none. */
double reform_quantile(struct reform_stats *st, double q);

#endif /* SIM_REFORM_H */
