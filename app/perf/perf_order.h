/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-perf's order digests: what lets tests/lab/perf.sh tell whether
 * every node's receiver saw one total order.
 *
 * Per data group perf<g> a digest over (sender, sequence) of each message
 * delivered to that group, in delivery order (lib/flood's
 * flood_digest_step), and one more over every message delivered to any
 * data group (group "*": AGREED is one order across groups, so two
 * receivers that are in the same groups must interleave them alike).
 *
 * A digest compares only if every receiver covers exactly the same
 * messages. The point is the round's last END: the delivery that brings
 * this round's ENDs to --expect-senders. Every receiver was in every data
 * group before any data was sent (perf_wait_members), so each delivers
 * every message; a sender's messages of a round come before its END;
 * and no message of the next round can be ordered before that last END,
 * because its sender's process opens the next round only after its own
 * receiver delivered that END (a message sent after a delivery is ordered
 * after it). So round r's digest covers every data-group delivery after
 * round r-1's last END up to and including round r's: the messages of
 * round r, the same set at every receiver. The running digests restart
 * at that delivery; a round that never saw all its ENDs has no digest.
 */
#ifndef ORDO_PERF_ORDER_H
#define ORDO_PERF_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "ordo/ordo.h"
#include "app/perf/perf_opts.h"

struct perf_order {
	unsigned groups;                         /* data groups */
	/* [0, groups): per data group; [groups]: every data group */
	uint64_t digest[PERF_MAX_GROUPS + 1];
	uint64_t msgs[PERF_MAX_GROUPS + 1];
	bool taken;                              /* this round's snapshot */
	uint64_t snap_digest[PERF_MAX_GROUPS + 1];
	uint64_t snap_msgs[PERF_MAX_GROUPS + 1];
};

void perf_order_init(struct perf_order *o, unsigned groups);

/* Index of data group `name` ("perf<g>", g < groups), or -1. */
int perf_order_group(const struct perf_order *o, const char *name);

/* One delivered message that the checker folded (sender, seq from its
 * header) addressed to the n groups of `groups`. Groups that are not
 * data groups (perfsync) are not digested. */
void perf_order_deliver(struct perf_order *o, int n,
			const char (*groups)[ORDO_NAME_LEN],
			uint64_t sender, uint64_t seq);

/* The round's last END was delivered: keep the digests, restart them. */
void perf_order_snapshot(struct perf_order *o);

/* A new round: no snapshot yet (the running digests go on: what was
 * delivered since the last snapshot is this round's already). */
void perf_order_next_round(struct perf_order *o);

#endif
