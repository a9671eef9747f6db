/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Mutation testing of the group checker (gcheck.h), the same way mutate.h
 * tests the engine checker: take the record of a --groups run the checker
 * passed, corrupt a copy the way a broken group layer would (a duplicate,
 * changed bytes, a message to a non-member, views or messages swapped, a
 * view with a member missing, a transitional signal late or twice, a
 * message missing where the others got it, a SAFE message missing at a
 * member, a client's own message or last view missing), and require the
 * checker to report the property that mutation breaks, by its kind.
 * ordo-sim --groups --mutate runs them after the engine's mutations.
 */
#ifndef SIM_GMUTATE_H
#define SIM_GMUTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/sim/gcheck.h"
#include "tests/sim/prng.h"
#include "tests/sim/report.h"

struct gmut_target {
	struct glog *l;                 /* the copy to corrupt */
	const struct gchecker *chk;     /* gcheck_run() on the clean record */
	bool settled;
	struct prng *rng;
};

struct gmutation {
	const char *name;
	enum chk_kind expect;           /* the kind that must be reported */
	/* 0, or -ENOENT when the run offers no victim (not counted). */
	int (*apply)(struct gmut_target *t, char *desc, size_t len);
};

extern const struct gmutation gmutation_table[];
extern const uint32_t gmutation_count;

struct gmutator {
	struct glog l;
	struct gchecker chk;
};

struct gmut_result {
	bool applied, caught;
	char desc[REPORT_LINE];
	struct report rep;
};

void gmutator_init(struct gmutator *m);
void gmutator_fini(struct gmutator *m);

/* Mutation k on a copy of the clean record (clean_chk: its analysis).
 * 0 or -ENOMEM. */
int gmutate_one(struct gmutator *m, const struct gchecker *clean_chk,
		const struct gcheck_input *clean, uint32_t k, uint64_t seed,
		struct gmut_result *r);

#endif /* SIM_GMUTATE_H */
