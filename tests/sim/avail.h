/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Availability: what the ring owes its users beyond EVS safety, judged
 * from the processes' logs and the fault plan after a run.
 *
 *   healthy-split  A node is faulty if any fault touches it: a node fault
 *                  (crash, restart, pause, slow) or an end of a cut link
 *                  (one-way cut, flapping link or node). Two nodes that are
 *                  both never faulty and that no partition or merge puts on
 *                  different sides form a healthy pair. Every regular
 *                  configuration a never-faulty node installs must list
 *                  every node it forms a healthy pair with: then no two of
 *                  them are ever in rings apart (a member that installs
 *                  the next ring a little later is still in one with the
 *                  other in it).
 *   ring-of-one    No process installs a ring of itself alone at time t
 *                  while some peer was reachable over [t - reach, t]: its
 *                  process ran (not paused) the whole time, and the links
 *                  both ways were never cut in it (reach = the engine's
 *                  token loss + consensus timeouts, the time it takes to
 *                  notice a failure and agree; a link that flapped counts
 *                  as cut until hold_ns after its flapping ended, the time
 *                  the ring may hold a flapping member out). Not judged
 *                  for an end of a one-way cut or of a flapping link in
 *                  that window: no ring holds both ends, and when the
 *                  others take one, the other may be left alone.
 *   ring-changes   With max_changes set: no fault costs more ring changes
 *                  (regular configurations installed by one process from
 *                  its start to the full ring after its heal).
 *
 * Heal time: for each fault that heals while no other fault is active, the
 * time from the heal to the full ring: the moment from which, until the
 * next fault starts or the run ends, every live process is in the regular
 * part of one configuration whose members are exactly the live nodes (0
 * when the ring never broke). A fault after which the ring is not full
 * for good is counted unmeasured (the reform check fails such a run). In
 * a run where the engines held a member out for flapping (engine/flap.c),
 * the full ring waits for it on purpose: such heal times are kept apart.
 * A ring of one is not judged for a node that a ring held out then (the
 * log says so: the engine's status at each regular configuration), and a
 * peer that the engine installing it holds out for flapping is not
 * reachable if the faults took that peer from it at least twice (the flap
 * rule's reason); a hold without that reason still fails.
 */
#ifndef SIM_AVAIL_H
#define SIM_AVAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/sim/checker.h"
#include "tests/sim/faults.h"

struct avail_params {
	uint64_t reach_ns;     /* see ring-of-one above */
	uint64_t hold_ns;      /* a flapped link counts as cut this long after */
	uint32_t max_changes;  /* 0: not judged */
	bool judge;            /* healthy-split and ring-of-one are judged
				* (heal times are measured either way) */
	bool held;             /* the engines held a member out for flapping
				* in this run: its heal times go apart */
};

/* Samples over all runs: heal times (ms) and ring changes per fault. */
struct avail_stats {
	double *heal_ms;
	size_t n_heal, cap_heal;
	uint32_t *changes;
	size_t n_changes, cap_changes;
	double *held_ms;      /* heal times of runs with flap hold-outs */
	size_t n_held, cap_held;
	uint64_t unmeasured;
	uint64_t by_kind_n[FAULT_KIND_MAX];   /* heal samples per fault kind */
	double by_kind_max[FAULT_KIND_MAX];   /* and their maximum */
};

void avail_stats_init(struct avail_stats *st);
void avail_stats_fini(struct avail_stats *st);

/* Judge one run: violations go to out, samples to st (may be NULL).
 * Returns 0 or -ENOMEM. */
int avail_check(const struct check_input *in, const struct fault_plan *fp,
		const struct avail_params *p, struct report *out,
		struct avail_stats *st);

/* q-quantile (nearest rank) of the heal samples, or of the change counts;
 * sorts them. 0 without samples. */
double avail_heal_quantile(struct avail_stats *st, double q);
uint32_t avail_changes_quantile(struct avail_stats *st, double q);
double avail_held_quantile(struct avail_stats *st, double q);

#endif /* SIM_AVAIL_H */
