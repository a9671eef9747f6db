/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The checker: judges one run from the nodes' delivery logs, the plan of
 * what was submitted and the wire tap's record of who held what, when. It
 * never takes the engine's word for which message a delivery is: identity
 * and integrity come from the delivered bytes (see payload.h).
 *
 * Properties, each a kind of violation (report.h):
 *   invented/corrupt  every delivery is a submitted message, byte for byte
 *   metadata          the engine's sender/service/type agree with the bytes
 *   duplicate         no node delivers a message twice
 *   fifo              each node delivers each origin's messages in counter
 *                     order without gaps
 *   order             any two nodes deliver their common messages in the
 *                     same relative order (one total order for all services)
 *   gap               if node Y delivered b, it also delivered every a that
 *                     another node X delivered before b (agreement)
 *   causal            a message is delivered after the last message its
 *                     sender had delivered when submitting it
 *   safe              a SAFE message is delivered only when every member
 *                     holds all packets carrying it (from the tap)
 *   config            a delivery names its node's current configuration
 *   submit            the engine accepted every valid message
 * and liveness: every planned message delivered at every node, else the
 * missing (message, node) pairs count as undelivered.
 *
 * The same checker runs on deliberately corrupted copies of the logs
 * (mutate.h), so it must never assume the logs are well-formed.
 */
#ifndef SIM_CHECKER_H
#define SIM_CHECKER_H

#include <stdint.h>

#include "report.h"
#include "simlog.h"
#include "tap.h"
#include "workload.h"

struct check_input {
	uint32_t n_nodes;           /* node ids 1..n_nodes */
	const struct sim_log *logs; /* [n_nodes] */
	const struct plan *plan;
	const struct tap *tap;
};

struct checker {
	int32_t *pos;     /* [node][msg]: log index of first delivery, or -1 */
	uint32_t *next;   /* [node][origin]: next counter FIFO expects */
	size_t pos_cap, next_cap;
};

void checker_init(struct checker *c);
void checker_fini(struct checker *c);

/* Judge a run; findings are added to *out. Returns 0, or -ENOMEM. */
int checker_run(struct checker *c, const struct check_input *in,
		struct report *out);

#endif /* SIM_CHECKER_H */
