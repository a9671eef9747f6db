/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The gateway harness: ordod's client path without DPDK or root. N nodes
 * in one process, each the real thing but for the port:
 *
 *   the real ordo-ctrld binary (admission, regions)      one per node
 *     | control link (dataplane/ctrl_link.c)             real
 *   the gateway (dataplane/gateway/, gateway.h)         real, unchanged
 *     | group layer (groups/)                            real
 *   an engine (engine/), configured from the same file   real
 *     | ops->send / ordo_engine_rx
 *   a fake port: packets queued in memory between the nodes
 *
 * One thread plays each ordod's ring lcore and main lcore for all nodes:
 * fake-port receive, engine timers, the gateway's produce turn, the
 * control link. Its clock is virtual (it advances by the turn, not by the
 * wall), so a loaded test machine never makes a token look lost; what the
 * tests check is order and content, never time.
 *
 * Applications are the test's own threads using libordo through each
 * node's client socket, exactly as on a host.
 */
#ifndef ORDO_TESTS_GWH_H
#define ORDO_TESTS_GWH_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/gateway/gateway.h"

#define GWH_MAX_NODES 3

struct gwh_opts {
	unsigned n_nodes;          /* 1..GWH_MAX_NODES */
	const char *top;           /* extra top-level lines (Spread keys) */
	const char *ordo;          /* extra lines inside Ordo { } */
};

struct gwh;

/* Write the configuration, start the nodes and their ordo-ctrld, wait
 * until the ring has every node and every control plane is linked. NULL
 * (with the reason on stderr) if it does not come up within seconds. */
struct gwh *gwh_start(const struct gwh_opts *o);
void gwh_stop(struct gwh *h);

/* The client socket of node i (for ordo_connect / SP_connect). */
const char *gwh_socket(const struct gwh *h, unsigned node);
/* Node i's gateway counters, copied between two turns. */
void gwh_stats(struct gwh *h, unsigned node, struct dp_gw_stats *out);
/* Node i's largest message (the configuration's, as the engine has it). */
uint32_t gwh_engine_max_msg(const struct gwh *h);

#endif /* ORDO_TESTS_GWH_H */
