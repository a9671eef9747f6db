/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Mutation testing of the checker: take the logs of a run the checker
 * passed, corrupt a copy the way a broken engine would, and make sure the
 * checker now fails it. A checker that passes everything would otherwise
 * look exactly like a correct engine.
 *
 * Mutations are a table (mutate.c): a name, what it simulates, and a
 * function that corrupts the copy. Each picks only victims whose
 * corruption the properties in checker.h must reveal (dropping the last
 * delivery of a process that crashed right after is no error at all).
 */
#ifndef SIM_MUTATE_H
#define SIM_MUTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/sim/checker.h"
#include "tests/sim/prng.h"
#include "tests/sim/report.h"
#include "tests/sim/simlog.h"
#include "tests/sim/workload.h"

/* What a mutation may change: the logs (a private copy) and nothing else.
 * clean and chk describe the run as it was, for choosing victims. */
struct mut_target {
	struct sim_log *logs;   /* [n_procs] */
	uint32_t n_procs;
	const struct check_input *clean;
	const struct checker *chk;      /* checker_run() on clean */
	const struct plan *plan;
	const struct tap *tap;  /* who held what, when */
	struct prng *rng;
	uint8_t *scratch;       /* >= the largest planned message */
};

struct mutation {
	const char *name;
	const char *what;
	/* Corrupt t->logs and describe how in desc. Returns 0, or -ENOENT
	 * when the run offers nothing to corrupt this way (not counted). */
	int (*apply)(struct mut_target *t, char *desc, size_t desclen);
};

extern const struct mutation mutation_table[];
extern const uint32_t mutation_count;

struct mutator {
	struct sim_log logs[SIM_MAX_PROCS];
	struct checker clean;   /* the clean run, analysed */
	uint8_t *scratch;
	uint32_t scratch_cap;
};

struct mut_result {
	bool applied;
	bool caught;
	char desc[REPORT_LINE];
	struct report rep; /* the checker's verdict on the corrupted logs */
};

void mutator_init(struct mutator *m);
void mutator_fini(struct mutator *m);

/* Apply mutation_table[k] to a copy of clean's logs (a run the checker
 * passed with clean_undelivered pairs missing) and check the copy with c.
 * Caught means a violation, or more undelivered pairs than before.
 * Returns 0 or -ENOMEM. */
int mutate_one(struct mutator *m, struct checker *c,
	       const struct check_input *clean, uint64_t clean_undelivered,
	       uint32_t k, uint64_t seed, struct mut_result *r);

#endif /* SIM_MUTATE_H */
