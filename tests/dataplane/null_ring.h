/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What the dataplane tests that run a real ring lcore share: EAL without
 * hugepages on one lcore with a net_null port, a ring of one on it, and an
 * idle gateway of one node for what reads the gateway's counters too.
 */
#ifndef ORDO_TESTS_NULL_RING_H
#define ORDO_TESTS_NULL_RING_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "dataplane/gateway/gateway.h"
#include "dataplane/idle.h"
#include "dataplane/ring.h"

/* EAL for test `name` (its file prefix is unique per process). */
static inline int null_ring_eal(const char *argv0, const char *name)
{
	char prefix[64];
	char *eal[] = { (char *)argv0, "--no-pci", "--no-huge", "-m", "256",
			"-l", "0", prefix, "--vdev", "net_null0",
			"--log-level=lib.eal:error", NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=ordo-test-%s-%d",
		 name, (int)getpid());
	return rte_eal_init(11, eal);
}

/* A ring of one member (id 1) on port 0, every turn timed. */
static inline void null_ring_conf(struct dp_ring_conf *rc,
				  uint32_t config_hash, uint32_t n_mbufs)
{
	memset(rc, 0, sizeof(*rc));
	ordo_engine_config_defaults(&rc->engine);
	rc->engine.my_id = 1;
	rc->engine.incarnation = 1;
	rc->engine.n_members = 1;
	rc->engine.members[0] = 1;
	rc->engine.config_hash = config_hash;
	rc->n_ports = 1;
	rc->port_ids[0] = 0;
	rc->n_mbufs = n_mbufs;
	rc->idle = &dp_idle_spin;
	rc->socket = (int)rte_socket_id();
	rc->stage_sample = 1;
}

/* The gateway parameters of that one node, "n1". */
static inline void null_ring_gw_params(struct dp_gw_params *gp)
{
	memset(gp, 0, sizeof(*gp));
	gp->my_id = 1;
	gp->n_nodes = 1;
	gp->nodes[0].id = 1;
	snprintf(gp->nodes[0].name, sizeof(gp->nodes[0].name), "n1");
}

#endif /* ORDO_TESTS_NULL_RING_H */
