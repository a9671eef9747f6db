/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The simulated network; see net.h for the model.
 */
#include <errno.h>
#include <string.h>

#include "tests/sim/net.h"

void net_params_default(struct net_params *p)
{
	memset(p, 0, sizeof(*p));
	p->latency_ns = 20000; /* 20 us: a switch hop plus two host stacks */
	p->jitter_ns = 2000;
	p->mbps = 10000;       /* 10 Gbit/s */
	p->reorder_ns = 100000; /* several token hops: enough to overtake */
}

void net_reset(struct net *n, const struct net_params *p, uint64_t seed,
	       uint32_t n_nodes, struct evq *q, struct pktpool *pool)
{
	memset(n, 0, sizeof(*n));
	n->p = *p;
	prng_seed(&n->rng, seed, PRNG_NET);
	n->q = q;
	n->pool = pool;
	n->n_nodes = n_nodes;
}

/* One copy towards one destination: lose, delay, maybe duplicate. */
static int copy_to(struct net *n, uint64_t depart, uint32_t from,
		   uint32_t to, struct pktbuf *b)
{
	int copies, i;

	if (n->cut[from][to]) {
		n->stats.cut++;
		return 0;
	}
	if (prng_chance(&n->rng, n->p.loss)) {
		n->stats.lost++;
		return 0;
	}
	copies = 1 + prng_chance(&n->rng, n->p.dup);
	n->stats.duplicated += (uint64_t)(copies - 1);
	for (i = 0; i < copies; i++) {
		uint64_t at = depart + n->p.latency_ns + n->rx_delay[to] +
			      prng_below(&n->rng, n->p.jitter_ns + 1);

		if (prng_chance(&n->rng, n->p.reorder)) {
			at += prng_below(&n->rng, n->p.reorder_ns + 1);
			n->stats.reordered++;
		}
		pktbuf_ref(b);
		if (evq_push(n->q, at, EV_RX, to, b) != 0) {
			pktpool_put(n->pool, b);
			return -ENOMEM;
		}
		n->stats.copies++;
	}
	return 0;
}

int net_send(struct net *n, uint64_t now, uint32_t from, uint32_t to,
	     const void *pkt, uint32_t len)
{
	uint64_t start, depart;
	struct pktbuf *b;
	uint32_t i;
	int rc = 0;

	if (len == 0 || len > ORDO_WIRE_MAX_MTU)
		return -EMSGSIZE;
	/* The NIC sends in order: this frame waits for the ones before it. */
	start = now > n->nic_free[from] ? now : n->nic_free[from];
	depart = start + ((uint64_t)len * 8 * 1000 + n->p.mbps - 1) / n->p.mbps;
	n->nic_free[from] = depart;
	n->stats.packets++;
	n->stats.bytes += len;

	b = pktpool_get(n->pool, pkt, len);
	if (b == NULL)
		return -ENOMEM;
	for (i = 0; i < n->n_nodes && rc == 0; i++) {
		if (i == from || (to != NET_ALL && i != to))
			continue;
		rc = copy_to(n, depart, from, i, b);
	}
	pktpool_put(n->pool, b); /* the copies hold their own references */
	return rc;
}
