/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordod's STATS answer for the control link (dataplane/ctrl_link.h): its
 * counters as structured records (include/ordo/ctrl_stats.h), for
 * ordo-ctrld's Prometheus endpoint and `ordoctl top`.
 */
#ifndef ORDO_DP_CTRL_STATS_H
#define ORDO_DP_CTRL_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "ordo/ctrl_proto.h"

/* One page from cursor (0: the first): up to max records into out, the
 * count returned, *next the cursor of the next page (0: this was the
 * last). arg: struct ordod_counters_src (dataplane/ctrl_counters.h).
 * Page 0 holds everything but the per-client records and fits any page
 * of at least DP_STATS_GLOBAL_MAX records; each later page holds whole
 * clients (cursor = 1 + the first client slot); after them, one page
 * holds the lcores page 0 has no room for (client workers 2.., rx
 * workers), when any run. */
size_t ordod_stats(void *arg, uint32_t cursor, struct ordo_cp_stat *out,
		   size_t max, uint32_t *next);

#define DP_STATS_GLOBAL_MAX 640u

#endif /* ORDO_DP_CTRL_STATS_H */
