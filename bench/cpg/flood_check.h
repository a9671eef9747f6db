/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What a cpg_flood receiver checks on every delivery: the message is
 * well-formed (flood_msg_parse), each sender's sequence arrives with no
 * gap, no duplicate and in order, nothing follows a sender's END, and a
 * running digest over (sender, sequence, kind) in delivery order: CPG's
 * AGREED order is one total order, so every member that saw the same
 * messages must end with the same digest (the lab script compares them).
 * It also counts the measured deliveries and their latencies.
 */
#ifndef ORDO_BENCH_CPG_FLOOD_CHECK_H
#define ORDO_BENCH_CPG_FLOOD_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flood_hist.h"
#include "flood_msg.h"

#define FLOOD_MAX_SENDERS 64

struct flood_sender {
	uint32_t node;
	uint64_t next_seq;        /* the sequence expected next */
	uint64_t got;             /* messages accepted in order */
	bool ended;
};

struct flood_check {
	struct flood_sender sender[FLOOD_MAX_SENDERS];
	unsigned n_senders;
	unsigned ends;            /* senders whose END arrived */
	uint64_t digest;
	uint64_t deliveries;      /* every accepted message, all kinds */
	uint64_t delivered;       /* FLOOD_DATA messages (measured window) */
	uint64_t first_ns, last_ns;  /* first and last FLOOD_DATA delivery */
	uint64_t gaps;            /* messages skipped over by a sequence jump */
	uint64_t stale;           /* duplicates or late (sequence went back) */
	uint64_t after_end;       /* messages after the sender's END */
	uint64_t too_many;        /* senders beyond FLOOD_MAX_SENDERS */
	uint64_t bad[FLOOD_BAD_COUNT];
	struct flood_hist latency;
};

void flood_check_init(struct flood_check *c);

/* One delivery from CPG node `nodeid`, received at now_ns
 * (CLOCK_MONOTONIC). Returns 0, or a negative code: -(1 + enum flood_bad)
 * for a refused message, FLOOD_CHECK_ORDER for a sequence fault (the
 * message still counts in the digest: it was delivered in that order). */
#define FLOOD_CHECK_ORDER (-100)
#define FLOOD_CHECK_FULL (-101)
int flood_check_deliver(struct flood_check *c, const void *msg, size_t len,
			uint32_t nodeid, uint64_t now_ns);

/* Nothing refused, no sequence fault. */
bool flood_check_clean(const struct flood_check *c);

/* The sender entry for node, or NULL if it never delivered. */
const struct flood_sender *flood_check_sender(const struct flood_check *c,
					      uint32_t node);

#endif
