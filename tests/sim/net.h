/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The simulated network: a switched LAN between the simulated nodes.
 *
 *   - each node's NIC serializes its packets at a fixed bandwidth, in the
 *     order the engine sent them (a per-node "next free" time);
 *   - the switch replicates a multicast to every other node, never back to
 *     its sender;
 *   - every copy then takes the base latency plus a uniform jitter; a
 *     "reordered" copy takes an extra random delay of up to reorder_ns, so
 *     it overtakes or falls behind its neighbours;
 *   - every copy is lost, and independently duplicated, with the given
 *     probabilities, separately per destination;
 *   - a link (from, to) can be cut, one way: the fault schedule partitions
 *     the LAN or breaks one direction of a link with it. A packet sent
 *     over a cut link is dropped at the sender's port; one already in
 *     flight still arrives;
 *   - every copy to a slowed node arrives a fixed delay later.
 *
 * Arrivals become EV_RX events; every random choice comes from the net's
 * own seeded stream, so the same seed gives the same arrivals.
 */
#ifndef SIM_NET_H
#define SIM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/sim/evq.h"
#include "ordo/wire.h"
#include "tests/sim/pktbuf.h"
#include "tests/sim/prng.h"

/* net_send() destination meaning every node but the sender. */
#define NET_ALL UINT32_MAX

struct net_params {
	uint64_t latency_ns; /* one-way base latency */
	uint64_t jitter_ns;  /* plus uniform [0, jitter_ns] */
	uint64_t mbps;       /* NIC bandwidth, Mbit/s */
	double loss;         /* per destination copy */
	double dup;          /* per destination copy: deliver a second one */
	double reorder;      /* per copy: add up to reorder_ns */
	uint64_t reorder_ns;
};

struct net_stats {
	uint64_t packets, bytes; /* sent by nodes */
	uint64_t copies;         /* scheduled arrivals */
	uint64_t lost, duplicated, reordered;
	uint64_t cut;            /* copies dropped by a cut link */
};

struct net {
	struct net_params p;
	struct prng rng;
	struct evq *q;
	struct pktpool *pool;
	uint32_t n_nodes;
	uint64_t nic_free[ORDO_MAX_MEMBERS];
	uint8_t cut[ORDO_MAX_MEMBERS][ORDO_MAX_MEMBERS]; /* [from][to] */
	uint64_t rx_delay[ORDO_MAX_MEMBERS]; /* added to every copy to it */
	struct net_stats stats;
};

void net_params_default(struct net_params *p);

/* Start a run: no packets in flight, idle NICs, the seed's stream. */
void net_reset(struct net *n, const struct net_params *p, uint64_t seed,
	       uint32_t n_nodes, struct evq *q, struct pktpool *pool);

/* Cut (up = false) or restore the link from node index from to to. */
static inline void net_set_link(struct net *n, uint32_t from, uint32_t to,
				bool up)
{
	n->cut[from][to] = !up;
}

/* Every copy to node index to arrives delay ns later (a node that handles
 * its input late; order is kept). */
static inline void net_set_rx_delay(struct net *n, uint32_t to,
				    uint64_t delay)
{
	n->rx_delay[to] = delay;
}

/* Node index from sends len bytes at now to node index to, or to every
 * other node (NET_ALL). Returns 0, -EMSGSIZE when the packet cannot be a
 * frame, or -ENOMEM. */
int net_send(struct net *n, uint64_t now, uint32_t from, uint32_t to,
	     const void *pkt, uint32_t len);

#endif /* SIM_NET_H */
