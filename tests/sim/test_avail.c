/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The availability checker's ring-of-one rule on hand-made runs: a member
 * alone beside a peer that its engine holds out for flapping (engine/
 * flap.c) is alone by the ring's rule only when the faults took that peer
 * away twice; without the hold, or with one loss, it is a violation.
 *
 * Three nodes. Node 1 is cut off by a partition from 50 ms on; node 3
 * crashed at 30 ms and restarted at 40 ms (and, in some runs, was paused
 * at 10-20 ms before). At 100 ms node 2 installs a ring of itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/avail.h"

#define MS 1000000ull

static int failures;

static void run(const char *name, bool paused_first, uint32_t held_out,
		bool want_alone)
{
	struct proc_info procs[4] = {
		{ .node = 1, .incarnation = 1, .started = 0,
		  .crashed = UINT64_MAX },
		{ .node = 2, .incarnation = 1, .started = 0,
		  .crashed = UINT64_MAX },
		{ .node = 3, .incarnation = 1, .started = 0, .crashed = 30 * MS },
		{ .node = 3, .incarnation = 2, .started = 40 * MS,
		  .crashed = UINT64_MAX },
	};
	struct sim_log logs[4];
	struct sim_log_entry *e;
	struct fault_plan fp;
	struct avail_params prm = { .reach_ns = 30 * MS, .hold_ns = 1000 * MS,
				    .judge = true };
	struct check_input in = { .n_nodes = 3, .n_procs = 4, .procs = procs,
				  .logs = logs };
	struct report r;
	uint32_t i;
	bool ok;

	memset(&fp, 0, sizeof(fp));
	fp.f[fp.n++] = (struct fault){ .kind = FAULT_CRASH, .at = 30 * MS,
				       .heal = 40 * MS, .node = 2 };
	fp.f[fp.n++] = (struct fault){ .kind = FAULT_PARTITION, .at = 50 * MS,
				       .heal = UINT64_MAX,
				       .group = { 0, 1, 1 } };
	if (paused_first)
		fp.f[fp.n++] = (struct fault){ .kind = FAULT_PAUSE,
					       .at = 10 * MS, .heal = 20 * MS,
					       .node = 2 };
	for (i = 0; i < 4; i++)
		sim_log_init(&logs[i]);
	e = sim_log_append(&logs[1]);
	if (e == NULL) {
		fprintf(stderr, "no memory\n");
		exit(1);
	}
	memset(e, 0, sizeof(*e));
	e->time = 100 * MS;
	e->kind = SIM_LOG_CONFIG;
	e->ring_rep = 2;
	e->ring_seq = 5;
	e->conf.n_members = 1;
	e->conf.members[0] = 2;
	e->conf.held_out = held_out;

	report_clear(&r);
	if (avail_check(&in, &fp, &prm, &r, NULL) != 0) {
		fprintf(stderr, "avail_check: out of memory\n");
		exit(1);
	}
	ok = (r.by_kind[CHK_ALONE] > 0) == want_alone;
	printf("%-4s %-44s %s\n", ok ? "ok" : "FAIL", name,
	       r.violations ? r.first : "no violation");
	failures += !ok;
	for (i = 0; i < 4; i++)
		sim_log_fini(&logs[i]);
}

int main(void)
{
	/* Node 3 (bit 2) lost twice: paused, then crashed. */
	run("held out after two losses: alone by rule", true, 1u << 2, false);
	run("not held out: a ring of one beside it", true, 0, true);
	/* One loss gives the flap rule no reason to hold it. */
	run("held out after one loss: still a violation", false, 1u << 2,
	    true);
	/* Holding out someone else does not excuse node 3's absence. */
	run("another held out: still a violation", true, 1u << 0, true);
	printf("%s\n", failures ? "avail test FAILED" : "avail test passed");
	return failures ? 1 : 0;
}
