/* SPDX-License-Identifier: BSD-3-Clause
 *
 * DPDK telemetry commands, readable with dpdk-telemetry.py:
 *
 *   /ordo/stats   engine and traffic counters, drops by reason
 *   /ordo/ports   per port: link, rx/tx, drops by dataplane reason
 *   /ordo/status  ordering state (aru, delivered, safe, ring id)
 *   /ordo/lcores  every lcore's loop cost, stage by stage: the ring
 *                 lcore's, the crypto/io worker's and the client
 *                 worker's when they run, with the keys of `ordoctl
 *                 counters` (dataplane/lcore_kv.h)
 *
 * Values come from the ring's published snapshot (snapshot.h), never from
 * the lcore's live counters. Telemetry callbacks take no context, so this
 * file keeps the one pointer it needs: set once, before the lcore starts.
 */
#ifndef ORDO_DP_TELEMETRY_H
#define ORDO_DP_TELEMETRY_H

struct dp_ring;
struct dp_stage_stats;

/* Register the commands for ring r; cw_stages(cw, out) reads the client
 * worker's stage counters when one runs (NULL: none; a function, so this
 * library links without it). Returns 0 or -errno. */
int dp_telemetry_register(const struct dp_ring *r,
			  void (*cw_stages)(const void *cw,
					    struct dp_stage_stats *out),
			  const void *cw);

/* Before dp_telemetry_register: all the client workers (cws[0] the one
 * register names), so /ordo/lcores has the others' keys too
 * (client_worker<K>_*, lcore_kv.h). */
void dp_telemetry_client_workers(const void *const *cws, unsigned n);

/* Detach from the ring (the commands then answer -ENODEV) and wait for
 * any command still reading it. Call before dp_ring_destroy(). */
void dp_telemetry_unregister(void);

#endif /* ORDO_DP_TELEMETRY_H */
