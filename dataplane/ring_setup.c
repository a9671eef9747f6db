/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Building and tearing down a ring agent (slow path): the mbuf pool, the
 * ports, the engine. One cleanup ladder.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_mbuf.h>

#include "dataplane/ring.h"


#define POOL_CACHE 256u

/* The TSC for the local end's stage boundaries (stages.h): it has no DPDK. */
static uint64_t ring_tsc(void)
{
	return rte_rdtsc();
}

/* A little work between two boundaries, like a small message's: a copy
 * and a sum the compiler cannot drop. */
static uint64_t __attribute__((noinline)) bias_work(uint8_t *dst,
						   const uint8_t *src)
{
	uint64_t sum = 0, w;

	memcpy(dst, src, 64);
	for (unsigned i = 0; i < 64; i += 8) {
		memcpy(&w, dst + i, 8);
		sum += w ^ (sum >> 7);
	}
	return sum;
}

/* What a stage boundary adds to the work around it on this lcore
 * (stages.h): the same work with and without an enter/leave pair around
 * each piece, as ring.c makes them, the fastest of a few runs each. A
 * TSC read overlaps with the work around it, so this is less than a
 * back-to-back read costs. */
static uint64_t stage_bias(void)
{
	static uint8_t a[64], b[64];
	struct dp_stages s;
	uint64_t with = UINT64_MAX, without = UINT64_MAX, sink = 0;

	dp_stages_init(&s, 1, 0, 0, NULL, 0);
	for (unsigned k = 0; k < 32; k++) {
		uint64_t t0 = rte_rdtsc(), d;

		for (unsigned i = 0; i < 64; i++)
			sink += bias_work(b, a);
		d = rte_rdtsc() - t0;
		without = d < without ? d : without;
		t0 = rte_rdtsc();
		for (unsigned i = 0; i < 64; i++) {
			unsigned p = dp_stage_enter(&s, DP_STAGE_RX, rte_rdtsc());

			sink += bias_work(b, a);
			dp_stage_leave(&s, p, rte_rdtsc());
		}
		d = rte_rdtsc() - t0;
		with = d < with ? d : with;
	}
	a[0] = (uint8_t)sink;
	return with > without ? (with - without) / 128 : 0;
}

/* The engine's memory (its packet stores, queues and reassembly buffers)
 * from hugepages on the ring lcore's NUMA node, like the mbufs: no TLB
 * misses on the store, no remote memory. If the hugepages run short the
 * heap takes over (counted and reported), so a small lab still runs; free
 * and grow tell the two apart by asking DPDK whose memory it is. */
static void *eng_alloc(void *ctx, size_t size, size_t align)
{
	struct dp_ring *r = ctx;
	void *p = rte_malloc_socket("ordo_engine", size, (unsigned)align,
				    r->socket);

	if (p != NULL) {
		r->engine_huge_bytes += size;
		return p;
	}
	if (posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align,
			   size) != 0)
		return NULL;
	r->engine_heap_bytes += size;
	return p;
}

static bool is_dpdk(const void *p)
{
	return rte_mem_virt2memseg(p, NULL) != NULL;
}

static void *eng_grow(void *ctx, void *p, size_t size)
{
	struct dp_ring *r = ctx;

	if (p == NULL || is_dpdk(p)) {
		void *q = rte_realloc_socket(p, size, 64, r->socket);

		if (q != NULL || p != NULL)
			return q;
	}
	return realloc(p, size);
}

static void eng_free(void *ctx, void *p)
{
	(void)ctx;
	if (is_dpdk(p))
		rte_free(p);
	else
		free(p);
}

/* mbufs the ports need (every rx queue full, tx rings full, a burst
 * each, the lcore caches, and slack), and the workers' (below). */
static uint32_t port_need(const struct dp_ring_conf *c)
{
	uint32_t rx = c->port.rx_desc ? c->port.rx_desc : 1024;
	uint32_t tx = c->port.tx_desc ? c->port.tx_desc : 1024;
	uint32_t rxq = c->port.rx_queues ? c->port.rx_queues : 1;
	uint32_t n = c->n_ports * (rxq * rx + tx + DP_TX_BURST) +
		     4 * POOL_CACHE + 2048;

	/* Frames in a worker's hand-off rings, the ring lcore's stage, the
	 * worker's held burst and seal batch, and its pool cache. */
	if (c->io_worker)
		n += 2 * DP_IO_RING_SIZE + DP_IO_STAGE + DP_RX_BURST +
		     DP_SEAL_BURST + POOL_CACHE;
	/* Each rx worker (worker.h dp_io_create_rx): its hand-off ring, its
	 * held burst, its pool cache. */
	n += (rxq - 1) * (DP_IO_RING_SIZE + DP_RX_BURST + POOL_CACHE);
	n += c->client_refs;
	return n;
}

/* Frames the engine holds by handle (ring_frames.h): a store in the
 * steady state holds about two rotations of packets (stability trails
 * the aru), a few global windows; beyond the budget it copies. */
#define FRAMES_MIN 2048u

static uint32_t pool_size(const struct dp_ring_conf *c)
{
	uint32_t n = c->n_mbufs;

	if (n == 0)
		n = port_need(c) + (c->copy_store ? 0 : FRAMES_MIN);
	/* A mempool is most compact at 2^k - 1 elements. */
	uint32_t p = 1;
	while (p - 1 < n)
		p <<= 1;
	return p - 1;
}

struct dp_ring *dp_ring_create(const struct dp_ring_conf *conf,
			       const struct dp_local_ops *local,
			       void *local_ctx, char *err, size_t errlen)
{
	struct dp_ring *r;
	struct dp_port_conf pc = conf->port;
	char name[RTE_MEMPOOL_NAMESIZE];
	char errbuf[256];
	uint32_t frame_max, room;
	uint16_t opened = 0;
	int rc = 0;

	if (conf->n_ports == 0 || conf->n_ports > DP_MAX_PORTS) {
		snprintf(err, errlen, "%u ports: need 1 to %u", conf->n_ports,
			 DP_MAX_PORTS);
		errno = EINVAL;
		return NULL;
	}
	if (ordo_engine_config_check(&conf->engine, errbuf, sizeof(errbuf))) {
		snprintf(err, errlen, "engine configuration: %s", errbuf);
		errno = EINVAL;
		return NULL;
	}
	r = rte_zmalloc_socket("ordo_ring", sizeof(*r), 64, conf->socket);
	if (r == NULL) {
		snprintf(err, errlen, "no memory for the ring agent on NUMA "
			 "node %d (hugepages reserved there?)", conf->socket);
		errno = ENOMEM;
		return NULL;
	}
	r->my_id = conf->engine.my_id;
	r->config_hash = conf->engine.config_hash;
	r->ring_no = conf->ring_no;
	r->mtu = conf->engine.mtu;
	r->local = local;
	r->local_ctx = local_ctx;
	dp_framer_init(&r->framer, conf->udp, conf->ring_no, conf->my_ip,
		       conf->group_ip, conf->udp_port);
	/* RSS and af_packet's fanout hash IP addresses and UDP ports: our
	 * own ethertype has none, so every member's frames share a queue. */
	if (conf->port.rx_queues > 1 && !conf->udp)
		fprintf(stderr, "ordod: warning: %u rx queues with Encap = "
			"ethernet: devices spread frames by their IP/UDP "
			"addresses, which these frames lack, so one queue will "
			"get them all (Encap = udp spreads them by member)\n",
			conf->port.rx_queues);
	dp_peers_init(&r->peers, conf->engine.members, conf->engine.n_members,
		      conf->engine.my_id);
	dp_idle_init(&r->idle, conf->idle ? conf->idle : &dp_idle_spin,
		     conf->idle_max_park_ns);
	dp_clock_init(&r->clock);
	dp_stages_init(&r->stg,
		       conf->stage_sample == DP_STAGE_SAMPLE_OFF ? 0
		       : conf->stage_sample ? conf->stage_sample
					    : DP_STAGE_SAMPLE_DEFAULT,
		       r->clock.hz, r->clock.hz, ring_tsc, rte_lcore_id());
	dp_stages_set_bias(&r->stg, stage_bias());

	frame_max = dp_frame_hdr_len(&r->framer) + conf->engine.mtu +
		    (conf->key != NULL ? (uint32_t)ORDO_SEAL_OVERHEAD : 0);
	room = frame_max > RTE_MBUF_DEFAULT_DATAROOM ? frame_max
						     : RTE_MBUF_DEFAULT_DATAROOM;
	snprintf(name, sizeof(name), "ordo_mb_%u", conf->engine.my_id);
	r->pool = rte_pktmbuf_pool_create(name, pool_size(conf), POOL_CACHE, 0,
					  (uint16_t)(room + RTE_PKTMBUF_HEADROOM),
					  conf->socket);
	if (r->pool == NULL) {
		rc = -rte_errno;
		snprintf(err, errlen, "mbuf pool of %u x %u bytes on NUMA node "
			 "%d: %s (too few hugepages?)", pool_size(conf),
			 room + RTE_PKTMBUF_HEADROOM, conf->socket,
			 rte_strerror(rte_errno));
		goto fail;
	}

	pc.max_frame = frame_max;
	for (opened = 0; opened < conf->n_ports; opened++) {
		rc = dp_port_setup(&r->ports[opened], conf->port_ids[opened],
				   opened, r->pool, &pc, err, errlen);
		if (rc < 0)
			goto fail;
	}
	r->n_ports = conf->n_ports;

	if (conf->key != NULL) {
		struct dp_seal_conf sc = {
			.my_id = conf->engine.my_id,
			.incarnation = conf->engine.incarnation,
			.n_members = conf->engine.n_members,
			.members = conf->engine.members,
			.socket = conf->socket,
			.dev = conf->crypto_dev,
			.key = conf->key,
			/* ours or the crypto/io worker's, and one for each
			 * rx worker (worker.h) */
			.queue_pairs = conf->port.rx_queues ? conf->port.rx_queues
							    : 1,
		};

		rc = dp_seal_init(&r->seal_, &sc, err, errlen);
		if (rc < 0)
			goto fail;
		r->seal = &r->seal_;
		r->seal->stages = &r->stg;
	}

	r->socket = conf->socket;
	r->engine_mem = (struct ordo_engine_mem){
		.alloc = eng_alloc, .grow = eng_grow, .free = eng_free, .ctx = r,
	};
	/* Frames by handle: what the pool holds beyond the ports' need. */
	r->frames = !conf->copy_store &&
		    pool_size(conf) > port_need(conf) + DP_RX_BURST;
	r->frame_off = dp_frame_hdr_len(&r->framer) +
		       (r->seal != NULL ? (uint32_t)sizeof(struct ordo_seal_hdr)
					: 0);
	r->frames_budget = r->frames ? pool_size(conf) - port_need(conf) : 0;
	r->engine = ordo_engine_create_mem(&conf->engine,
					   r->frames ? &dp_ring_frame_ops
						     : &dp_ring_engine_ops,
					   r, &r->engine_mem);
	if (r->engine == NULL) {
		rc = -errno;
		snprintf(err, errlen, "engine: %s", strerror(errno));
		goto fail;
	}
	/* Take the engine's page faults now, on the ring lcore (which creates
	 * the agent), so its pages are local to the lcore's NUMA node and the
	 * poll loop never faults. */
	ordo_engine_prefault(r->engine);
	if (r->local != NULL && r->local->bind != NULL)
		r->local->bind(r->local_ctx, r->engine);
	if (r->local != NULL && r->local->bind_stages != NULL)
		r->local->bind_stages(r->local_ctx, &r->stg);
	r->now = dp_clock_ns(&r->clock);
	dp_ring_announce(r);
	ordo_engine_start(r->engine, r->now);
	r->link_up = true; /* the engine's own assumption until told */
	r->deadline = ordo_engine_next_deadline(r->engine);
	/* Whatever start sent goes out now, before the first turn. */
	dp_ring_flush(r);
	dp_ring_publish(r);
	return r;

fail:
	if (r->seal != NULL)
		dp_seal_fini(r->seal);
	while (opened-- > 0)
		dp_port_close(&r->ports[opened]);
	rte_mempool_free(r->pool);
	rte_free(r);
	errno = rc < 0 ? -rc : EIO;
	return NULL;
}

void dp_ring_destroy(struct dp_ring *r)
{
	if (r == NULL)
		return;
	if (r->seal != NULL)
		dp_seal_fini(r->seal);
	for (uint16_t i = 0; i < r->n_ports; i++)
		dp_port_close(&r->ports[i]);
	ordo_engine_destroy(r->engine);
	rte_mempool_free(r->pool);
	rte_free(r);
}
