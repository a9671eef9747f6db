/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What ordo-perf prints: a testpmd-like line per second, and per round a
 * summary, the result line (the last line of a run; a sweep prints one
 * per size, in order) and an optional CSV row. The formats are documented
 * in app/perf/README.md; scripts parse them, so change them only there
 * too.
 */
#ifndef ORDO_PERF_REPORT_H
#define ORDO_PERF_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "app/perf/perf.h"

struct perf_second {
	unsigned t;                  /* seconds since the round started */
	double secs;                 /* length of this interval */
	uint64_t rx_msgs, rx_bytes, tx_msgs;   /* in the interval */
	const struct flood_hist *latency;       /* in the interval */
	uint64_t lost, misordered, corrupt;    /* since the round started */
	int64_t retrans;             /* in the interval; -1 unknown */
	struct perf_stage_fig stages; /* the daemon's ring lcore */
};

struct perf_result {
	unsigned round;
	uint32_t size;
	uint64_t sent;               /* DATA this node's senders sent */
	uint64_t received;           /* DATA this node's receiver accepted */
	uint64_t bytes;
	double secs;                 /* first to last DATA delivery */
	const struct flood_hist *latency;
	uint64_t lost, misordered, corrupt, impostor;
	int64_t retrans;             /* during the round; -1 unknown */
	struct perf_stage_fig stages; /* the daemon's ring lcore, the round */
	uint64_t tx_full, window_waits;
	unsigned ends, ends_expected;
	bool member_left;
	bool checked;
};

void perf_report_second(const struct perf_run *r, const struct perf_second *s);
/* The round's order lines, one per data group and one for all of them
 * (group=*), printed before its summary (perf_order.h):
 *   perf: order node=N round=R size=S service=V group=G msgs=M digest=HEX
 * digest=none (msgs=-) when the round never saw every END. */
void perf_report_order(const struct perf_run *r, const struct perf_result *res);
/* Summary, result line, CSV row. Returns 0 or -errno of the CSV write. */
int perf_report_result(const struct perf_run *r, const struct perf_result *res);

#endif
