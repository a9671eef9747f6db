/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What the tests of two real ring agents in one process share
 * (test_worker.c, test_rx_workers.c): a local end that submits a fixed
 * number of messages and folds every delivery into an order digest, and
 * a sealed two-member agent on a net_ring port. Both agents' digests are
 * equal when they delivered the same messages in the same order.
 */
#ifndef ORDO_TESTS_DIGEST_NODE_H
#define ORDO_TESTS_DIGEST_NODE_H

#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "dataplane/ring.h"

#define DIGEST_BURST    16u
#define DIGEST_MSG_TYPE 7u
#define DIGEST_MSG_MAX  256u
#define DIGEST_FNV_INIT 0xcbf29ce484222325ull

struct digest_node {
	struct ordo_engine *e;
	uint32_t id, msgs, len; /* this node's messages and their length */
	uint32_t submitted, delivered;
	uint64_t digest;
};

static inline void dn_bind(void *ctx, struct ordo_engine *e)
{
	((struct digest_node *)ctx)->e = e;
}

static inline unsigned dn_produce(void *ctx, struct ordo_engine *e,
				  uint64_t now)
{
	struct digest_node *n = ctx;
	uint8_t msg[DIGEST_MSG_MAX];
	unsigned k = 0;

	(void)now;
	while (k < DIGEST_BURST && n->submitted < n->msgs) {
		memset(msg, (int)(n->id * 31 + n->submitted), n->len);
		memcpy(msg, &n->submitted, sizeof(n->submitted));
		if (ordo_engine_submit(e, ORDO_SVC_AGREED, DIGEST_MSG_TYPE,
				       msg, n->len) != 0)
			break;
		n->submitted++;
		k++;
	}
	return k;
}

/* FNV-1a over (sender, payload) of each delivery, in order. */
static inline void dn_deliver(void *ctx, const struct ordo_delivery *d,
			      uint64_t now)
{
	struct digest_node *n = ctx;
	const uint8_t *p = d->data;

	(void)now;
	if (d->msg_type != DIGEST_MSG_TYPE)
		return;
	n->delivered++;
	n->digest = (n->digest ^ d->sender) * 0x100000001b3ull;
	for (uint32_t i = 0; i < d->len; i++)
		n->digest = (n->digest ^ p[i]) * 0x100000001b3ull;
}

static const struct dp_local_ops digest_node_ops = {
	.name = "test",
	.bind = dn_bind,
	.produce = dn_produce,
	.deliver = dn_deliver,
};

/* EAL for test `name` without hugepages on one lcore (its file prefix
 * unique per process), and two keys made of seeds a and b. 0, or -1 with
 * the reason printed. */
static inline int digest_eal(const char *argv0, const char *name,
			     struct ordo_seal_key *k1, struct ordo_seal_key *k2,
			     unsigned a, unsigned b)
{
	char prefix[64];
	char *eal[] = { (char *)argv0, "--no-pci", "--no-huge", "-m", "512",
			"-l", "0", prefix, "--log-level=lib.eal:error",
			"--log-level=pmd.crypto.*:error", NULL };
	uint8_t m1[32], m2[32];

	snprintf(prefix, sizeof(prefix), "--file-prefix=ordo-test-%s-%d",
		 name, (int)getpid());
	if (rte_eal_init(10, eal) < 0) {
		fprintf(stderr, "%s: EAL failed\n", name);
		return -1;
	}
	for (unsigned i = 0; i < 32; i++) {
		m1[i] = (uint8_t)(a * i + 1);
		m2[i] = (uint8_t)(b - 3 * i);
	}
	ordo_seal_key_init(k1, m1, 32);
	ordo_seal_key_init(k2, m2, 32);
	return 0;
}

/* Member id of a sealed ring of members 1 and 2 on net_ring port `port`,
 * crypto on device dev with key; rx_queues per port; io_worker: a
 * crypto/io worker will own the port. NULL with the reason printed. */
static inline struct dp_ring *digest_ring(uint32_t id, uint16_t port,
					  struct digest_node *n,
					  const char *dev,
					  const struct ordo_seal_key *key,
					  uint16_t rx_queues, bool io_worker)
{
	struct dp_ring_conf rc;
	char err[256];
	struct dp_ring *r;

	memset(&rc, 0, sizeof(rc));
	ordo_engine_config_defaults(&rc.engine);
	rc.engine.my_id = id;
	rc.engine.incarnation = 10 + id;
	rc.engine.n_members = 2;
	rc.engine.members[0] = 1;
	rc.engine.members[1] = 2;
	rc.engine.config_hash = 0x3017;
	rc.engine.mtu -= (uint32_t)ORDO_SEAL_OVERHEAD;
	rc.n_ports = 1;
	rc.port_ids[0] = port;
	rc.port.rx_queues = rx_queues;
	rc.idle = &dp_idle_spin;
	rc.socket = (int)rte_socket_id();
	rc.stage_sample = 1;
	rc.key = key;
	rc.crypto_dev = dev;
	rc.io_worker = io_worker;
	r = dp_ring_create(&rc, &digest_node_ops, n, err, sizeof(err));
	if (r == NULL) {
		fprintf(stderr, "node %u: %s\n", id, err);
		return NULL;
	}
	/* The ring PMD gives every port 00:00:00:00:00:00 and cannot change
	 * it: each agent gets its own station address here, or each would
	 * take the other's frames for its own (DP_DROP_FROM_SELF). */
	r->ports[0].mac[0] = 0x02;
	r->ports[0].mac[5] = (uint8_t)id;
	return r;
}

#endif /* ORDO_TESTS_DIGEST_NODE_H */
