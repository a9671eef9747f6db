/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The crypto/io worker (worker.h): building and tearing it down, and the
 * ring lcore's side of the hand-off that is not per frame (key changes,
 * the snapshot). The loop is worker_io.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>

#include "dataplane/ring.h"
#include "dataplane/worker.h"

int dp_io_meta_off = -1;

static const struct rte_mbuf_dynfield meta_desc = {
	.name = "ordo_io_meta",
	.size = sizeof(struct dp_io_meta),
	.align = __alignof__(struct dp_io_meta),
};

/* What every worker takes from the ring: its own copy of each port
 * (polling rx queue rxq; its tx buffer and the counters of what it does
 * with it; the ring lcore keeps the link state and its own counters, the
 * snapshot adds them), the framing, and a loop timed as the ring
 * lcore's. */
static void take_ring(struct dp_io *w, const struct dp_ring *r, uint16_t rxq,
		      unsigned lcore)
{
	w->n_ports = r->n_ports;
	for (uint16_t i = 0; i < r->n_ports; i++) {
		w->ports[i] = r->ports[i];
		w->ports[i].rxq = rxq;
		w->ports[i].tx_n = 0;
		memset(&w->ports[i].c, 0, sizeof(w->ports[i].c));
	}
	w->rxq = rxq;
	w->framer = r->framer;
	dp_clock_init(&w->clock);
	dp_idle_init(&w->idle, r->idle.ops, r->idle.max_park_ns);
	dp_stages_init(&w->stg, r->stg.st.sample_every, r->clock.hz,
		       r->clock.hz, NULL, lcore);
	dp_stages_set_bias(&w->stg, r->stg.bias);
	w->lcore = lcore;
	w->w.on = true;
	w->w.lcore = lcore;
	w->seen.r = w->w; /* until the worker first publishes */
}

int dp_io_create(struct dp_io *w, struct dp_ring *r, unsigned lcore,
		 int socket, char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];
	int off;

	memset(w, 0, sizeof(*w));
	for (uint16_t i = 0; i < r->n_ports; i++)
		if (r->ports[i].fragile || r->ports[i].redial) {
			snprintf(err, errlen, "port %s (%s): a worker lcore owns "
				 "only LAN ports (NIC, af_packet, af_xdp, tap); "
				 "a memif port is restarted from the ring lcore: "
				 "run it without (--workers 0)",
				 r->ports[i].name, r->ports[i].driver);
			return -ENOTSUP;
		}
	off = rte_mbuf_dynfield_register(&meta_desc);
	if (off < 0) {
		snprintf(err, errlen, "worker: mbuf metadata field: %s",
			 rte_strerror(rte_errno));
		return -rte_errno;
	}
	dp_io_meta_off = off;
	snprintf(name, sizeof(name), "ordo_io_rx_%x", r->my_id);
	w->rx = rte_ring_create(name, DP_IO_RING_SIZE, socket,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "ordo_io_tx_%x", r->my_id);
	w->tx = rte_ring_create(name, DP_IO_RING_SIZE, socket,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->rx == NULL || w->tx == NULL) {
		snprintf(err, errlen, "worker: hand-off rings of %u on NUMA "
			 "node %d: %s", DP_IO_RING_SIZE, socket,
			 rte_strerror(rte_errno));
		rte_ring_free(w->rx);
		rte_ring_free(w->tx);
		return -ENOMEM;
	}
	take_ring(w, r, 0, lcore);
	w->seal = r->seal;
	/* From here the seal is the worker's: its queued frames go out on
	 * our ports, its port enqueue is our tx stage. */
	if (w->seal != NULL)
		w->seal->stages = &w->stg;
	r->io = w;
	return 0;
}

int dp_io_create_rx(struct dp_io *w, struct dp_ring *r, uint16_t queue,
		    unsigned lcore, int socket, char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];
	int rc;

	memset(w, 0, sizeof(*w));
	if (r->io == NULL || r->n_io_rx >= DP_MAX_RX_WORKERS || queue == 0) {
		snprintf(err, errlen, "rx worker for queue %u: needs the "
			 "crypto/io worker first, and at most %u more", queue,
			 DP_MAX_RX_WORKERS);
		return -EINVAL;
	}
	for (uint16_t i = 0; i < r->n_ports; i++)
		if (r->ports[i].n_rxq <= queue) {
			snprintf(err, errlen, "rx worker for queue %u: port %s "
				 "has %u rx queue(s)", queue, r->ports[i].name,
				 r->ports[i].n_rxq);
			return -EINVAL;
		}
	if (r->seal != NULL) {
		rc = dp_seal_opener_init(&w->opener, r->seal, queue, err,
					 errlen);
		if (rc < 0)
			return rc;
		w->seal = &w->opener;
		w->seal->stages = &w->stg;
	}
	snprintf(name, sizeof(name), "ordo_rxq%u_%x", queue, r->my_id);
	w->rx = rte_ring_create(name, DP_IO_RING_SIZE, socket,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->rx == NULL) {
		snprintf(err, errlen, "rx worker %u: hand-off ring of %u on "
			 "NUMA node %d: %s", queue, DP_IO_RING_SIZE, socket,
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	take_ring(w, r, queue, lcore);
	r->io_rx[r->n_io_rx++] = w;
	return 0;
}

static void free_objs(void **objs, unsigned n)
{
	uint32_t key_id;

	for (unsigned i = 0; i < n; i++)
		if (!dp_io_is_mark(objs[i], &key_id))
			rte_pktmbuf_free(objs[i]);
}

static void drain(struct rte_ring *ring)
{
	void *objs[64];
	unsigned n;

	if (ring == NULL)
		return;
	while ((n = rte_ring_dequeue_burst(ring, objs, 64, NULL)) != 0)
		free_objs(objs, n);
	rte_ring_free(ring);
}

void dp_io_destroy(struct dp_io *w)
{
	free_objs((void **)w->stage, w->stage_n);
	w->stage_n = 0;
	for (uint16_t i = w->held_at; i < w->held_n; i++)
		rte_pktmbuf_free(w->held[i]);
	w->held_n = w->held_at = 0;
	for (uint16_t i = 0; i < w->n_ports; i++) {
		if (w->ports[i].tx_n)
			rte_pktmbuf_free_bulk(w->ports[i].tx_buf,
					      w->ports[i].tx_n);
		w->ports[i].tx_n = 0;
	}
	drain(w->rx);
	drain(w->tx);
	w->rx = w->tx = NULL;
	if (w->seal == &w->opener)
		dp_seal_fini(&w->opener);
}

/* --- the ring lcore's side ---------------------------------------------- */

void dp_io_key_use(struct dp_io *w, const struct ordo_seal_use *u)
{
	uint32_t id = __builtin_bswap32(u->key_id);

	if (w->use_pending == id)
		w->use_pending = 0;
	/* Behind every frame the ring built before it: the reserve keeps
	 * room; only a worker stopped for good could leave none. */
	if (w->stage_n == DP_IO_STAGE)
		dp_io_tx_push(w);
	if (w->stage_n == DP_IO_STAGE) {
		w->marks_lost++;
		return;
	}
	w->stage[w->stage_n++] = dp_io_mark(id);
}

void dp_io_ring_slow(struct dp_io *w, dp_seal_submit_fn submit, void *ctx)
{
	struct ordo_seal_use u;

	if (!__atomic_load_n(&w->use_full, __ATOMIC_ACQUIRE))
		return;
	u = w->use_msg;
	/* The engine refuses now (no ring, queue full): next millisecond. */
	if (submit(ctx, &u, sizeof(u)) < 0)
		return;
	w->use_pending = __builtin_bswap32(u.key_id);
	w->use_sent = u;
	__atomic_store_n(&w->use_full, 0, __ATOMIC_RELEASE);
}

void dp_io_ring_changed(struct dp_io *w, dp_seal_submit_fn submit, void *ctx)
{
	if (w->use_pending != 0)
		(void)submit(ctx, &w->use_sent, sizeof(w->use_sent));
}

void dp_io_ring_stop(struct dp_io *w)
{
	dp_io_tx_push(w);
	__atomic_store_n(&w->ring_stopped, true, __ATOMIC_RELEASE);
}

_Static_assert(sizeof(struct dp_port_counters) % sizeof(uint64_t) == 0,
	       "port counters are 64-bit words");

/* A worker's port counters added to the ring's. */
static void add_ports(struct dp_snapshot *s,
		      const struct dp_port_counters *ports, uint16_t n)
{
	for (uint16_t i = 0; i < s->n_ports && i < n; i++) {
		uint64_t *a = (uint64_t *)&s->ports[i].c;
		const uint64_t *b = (const uint64_t *)&ports[i];

		for (size_t k = 0; k < sizeof(ports[i]) / sizeof(*b); k++)
			a[k] += b[k];
	}
}

/* The worker's publication, its ports added to the snapshot's. The ring
 * lcore never waits for another thread: a worker preempted in the middle
 * of publishing (lcores sharing CPUs) would stall the protocol for as
 * long as it stays off its CPU; its last complete one is used then. */
static void take_pub(struct dp_io *w, struct dp_snapshot *s,
		     struct dp_io_pub *p)
{
	if (dp_io_try_read(w, p))
		w->seen = *p;
	else
		*p = w->seen;
	add_ports(s, p->ports, w->n_ports);
}

void dp_io_report_into(struct dp_io *w, struct dp_snapshot *s)
{
	struct dp_io_pub p;

	take_pub(w, s, &p);
	if (w->seal != NULL)
		s->seal = p.seal;
	s->io = p.r;
	s->io.tx_staged_turns = w->tx_staged_turns;
	s->io.tx_dropped = w->tx_dropped;
	s->io.marks_lost = w->marks_lost;
}

void dp_io_rx_report_into(struct dp_io *w, struct dp_snapshot *s, unsigned i)
{
	struct dp_io_pub p;

	take_pub(w, s, &p);
	/* What it opened and refused, beside the crypto/io worker's. */
	s->seal.opened += p.seal.opened;
	s->seal.stuck += p.seal.stuck;
	/* Its stations that failed authentication, among the others. */
	for (unsigned k = 0; k < DP_SEAL_OFFENDERS; k++)
		if (p.seal.off[k].fails)
			dp_seal_offender_add(&s->seal, p.seal.off[k].mac,
					     p.seal.off[k].fails,
					     p.seal.off[k].last_ns);
	for (uint32_t k = 0; k < p.seal.n_keys; k++)
		for (uint32_t j = 0; j < s->seal.n_keys; j++)
			if (s->seal.key_ids[j] == p.seal.key_ids[k])
				s->seal.key_opened[j] += p.seal.key_opened[k];
	s->rxw[i] = p.r;
}
