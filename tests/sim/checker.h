/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The checker: judges one run from the processes' logs (a process is one
 * incarnation of a node), the plan of what was submitted and the wire
 * tap's record of who held what, when, and in which ring each message was
 * sent. It never takes the engine's word for which message a delivery is:
 * identity and integrity come from the delivered bytes (see payload.h).
 *
 * A log is cut into configurations: a regular configuration C starts at
 * its REGULAR entry; its messages follow ("delivered in C"), then the
 * TRANSITIONAL entry that ends it and the messages delivered in C's
 * transitional configuration, then the next REGULAR entry. A log with no
 * configuration entry at all (an engine without membership) is one fixed
 * regular configuration of every node. Properties, each a kind of
 * violation (report.h); README.md states them exactly:
 *
 *   invented/corrupt  every delivery is a submitted message, byte for byte
 *   metadata          the engine's sender/service/type agree with the bytes
 *   duplicate         no process delivers a message twice
 *   fifo              per sender process, increasing order, and no gap
 *                     that its configuration could not explain
 *   order             any two processes deliver their common messages in
 *                     the same relative order
 *   gap               in one regular configuration, members deliver
 *                     prefixes of one sequence
 *   causal            a message after the one its sender had delivered
 *   safe              a SAFE message delivered in C: every member of C held
 *                     it then, and every member that lives delivers it
 *   config            deliveries only inside a configuration, naming it
 *   config-agree      all installers of C list the same members, each
 *                     listing itself; the same for transitional ones
 *   transitional      each regular configuration after the first comes
 *                     after the transitional one from the previous
 *   vsync             processes moving together from C to C' delivered the
 *                     same messages in C, each in the same part of C
 *   crossing          a message is delivered in the ring it was sent in
 *   reform            at the end the live processes share one ring of
 *                     exactly the live nodes
 * and liveness: a live process delivers what it submitted, and what any
 * member of its final ring delivered there; else the missing (message,
 * process) pairs count as undelivered.
 *
 * The same checker runs on deliberately corrupted copies of the logs
 * (mutate.h), so it must never assume the logs are well-formed.
 */
#ifndef SIM_CHECKER_H
#define SIM_CHECKER_H

#include <stdint.h>

#include "tests/sim/report.h"
#include "tests/sim/simlog.h"
#include "tests/sim/tap.h"
#include "tests/sim/workload.h"

struct check_input {
	uint32_t n_nodes;               /* node ids 1..n_nodes */
	uint32_t n_procs;
	const struct proc_info *procs;  /* [n_procs] */
	const struct sim_log *logs;     /* [n_procs] */
	const struct plan *plan;
	const struct tap *tap;
};

#define CHK_NONE UINT32_MAX

/* One regular configuration as one process lived it. */
struct chk_seg {
	uint32_t proc;
	uint32_t ring;      /* index into the ring table */
	uint32_t reg_at;    /* log index of its REGULAR entry; CHK_NONE: the
			     * fixed ring of an engine without membership */
	uint32_t trans_at;  /* log index of the TRANSITIONAL entry ending it,
			     * or CHK_NONE */
	uint32_t end;       /* first log index past it */
	int32_t next;       /* the process's next one, or -1 */
	uint32_t members;   /* bit id-1, as its REGULAR entry lists them */
	uint32_t tmembers;  /* as its TRANSITIONAL entry lists them */
	uint32_t n_msgs;    /* messages first delivered in it */
};

/* A regular configuration (ring id) and who installed it. */
struct chk_ring {
	uint32_t rep, seq;
	uint32_t members;                /* as its first installer lists them */
	uint32_t first_node;             /* node id of that installer */
	int32_t inst[ORDO_MAX_MEMBERS];  /* seg of node id i+1's process that
					  * installed it, or -1 */
	const struct tap_ring *tap;      /* its packets, or NULL */
};

struct checker {
	int32_t *pos;       /* [proc][msg]: log index of first delivery, -1 */
	int32_t *where;     /* [proc][msg]: seg * 2 + transitional, or -1 */
	int32_t *last_from; /* [proc][proc]: FIFO, last msg from that sender */
	size_t pos_cap, where_cap, last_cap;
	struct chk_seg *segs;
	uint32_t n_segs, cap_segs;
	struct chk_ring *rings;
	uint32_t n_rings, cap_rings;
	int32_t last_seg[SIM_MAX_PROCS]; /* each process's last, or -1 */
	bool conf_mode;     /* some log has configuration entries */
};

void checker_init(struct checker *c);
void checker_fini(struct checker *c);

/* Judge a run; findings are added to *out. Returns 0, or -ENOMEM. */
int checker_run(struct checker *c, const struct check_input *in,
		struct report *out);

/* For the mutations and tests, after checker_run(): the message a log
 * entry first delivered (plan index), or WL_NONE. */
int32_t checker_entry_msg(const struct checker *c,
			  const struct check_input *in, uint32_t proc,
			  uint32_t k);

/* Where process proc first delivered message idx: seg * 2 + 1 if in the
 * transitional part, seg * 2 if in the regular part, or -1. */
static inline int32_t checker_where(const struct checker *c,
				    const struct check_input *in,
				    uint32_t proc, int32_t idx)
{
	return c->where[(size_t)proc * in->plan->n + (size_t)idx];
}

#endif /* SIM_CHECKER_H */
