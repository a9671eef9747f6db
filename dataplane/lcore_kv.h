/* SPDX-License-Identifier: BSD-3-Clause
 *
 * One naming of a dataplane lcore's counters (its struct dp_stage_stats)
 * for every lcore and every place that prints them by name: `ordoctl
 * counters` (sections stages, worker, client_worker), the telemetry's
 * /ordo/lcores, and the keys ordo-perf looks up. Each lcore has the same
 * keys behind its own prefix, so a figure of the ring lcore has the same
 * name on a worker:
 *
 *   role           lcore id key          scalars          stages
 *   ring           lcore                 lcore_*          stage_*
 *   worker         worker_lcore          worker_*         worker_stage_*
 *   client_worker  client_worker_lcore   client_worker_*  client_worker_stage_*
 *   client worker K (K >= 2)  client_worker<K>_lcore  client_worker<K>_*
 *                                                 client_worker<K>_stage_*
 *   rx worker Q    rx_worker<Q>_lcore    rx_worker<Q>_*   rx_worker<Q>_stage_*
 *
 * and the unit each counts (its dp_stages_msg): the ring lcore's and the
 * client worker's are messages (ordered; handed to the local clients),
 * the crypto/io and rx workers' frames (they order nothing), in the keys'
 * spelling: busy_msgs / busy_frames, cycles_per_msg / cycles_per_frame.
 * Pure C (tests/dataplane/test_stages_fold.c checks every key).
 */
#ifndef ORDO_DP_LCORE_KV_H
#define ORDO_DP_LCORE_KV_H

#include <stdint.h>

#include "dataplane/stages.h"

enum dp_lcore_role {
	DP_LCORE_RING = 0,
	DP_LCORE_WORKER,         /* crypto/io (dataplane/worker.h) */
	DP_LCORE_CLIENT_WORKER,  /* client rings (dataplane/cworker.h) */
	DP_LCORE_RX_WORKER,      /* an rx queue (worker.h dp_io_create_rx):
				  * its keys by queue, dp_lcore_kv_rx */
	DP_LCORE_ROLE_MAX
};

/* "ring", "worker", "client_worker", "rx_worker" (the Prometheus role
 * label too);
 * NULL past the last. */
const char *dp_lcore_role_name(unsigned role);

/* Every counter of st as put(ctx, key, value), in a fixed order:
 *
 *   <id>                       the lcore id
 *   <s>tsc_hz <s>sample_every <s>stage_bias_cycles
 *   <s>turns <s>timed_turns <s>empty_turns <s>empty_cycles
 *   <s>long_turns <s>long_cycles
 *   <s>busy_turns <s>busy_cycles <s>busy_<units> <s>busy_cycles_per_<unit>
 *   <s>stall_max_cycles <s>stall_recent_cycles
 *   <s>timed_<units>
 *   per stage: <p>stage_<name>_cycles _items _cycles_per_item
 *              _cycles_per_<unit>
 *   <s>timed_cycles <s>timed_cycles_per_<unit>
 *
 * (<id>, <s>, <p>: the table above; ratios are 0 where the divisor is). */
void dp_lcore_kv(const struct dp_stage_stats *st, unsigned role,
		 void (*put)(void *ctx, const char *key, uint64_t v),
		 void *ctx);

/* The same keys for client worker k, k >= 2 (dataplane/cworkers.h: the
 * first has the client_worker_ keys above), per message it handed. */
void dp_lcore_kv_cw(const struct dp_stage_stats *st, unsigned k,
		    void (*put)(void *ctx, const char *key, uint64_t v),
		    void *ctx);

/* The same keys for the rx worker of rx queue `queue` (worker.h
 * dp_io_create_rx), which counts frames as the crypto/io worker does:
 * one such lcore per queue after the first, so the queue is in the
 * prefix. */
void dp_lcore_kv_rx(const struct dp_stage_stats *st, unsigned queue,
		    void (*put)(void *ctx, const char *key, uint64_t v),
		    void *ctx);

/* Keys dp_lcore_kv (or dp_lcore_kv_rx) gives for one lcore. */
#define DP_LCORE_KV_KEYS (17u + 4u * DP_STAGE_MAX + 2u)

#endif /* ORDO_DP_LCORE_KV_H */
