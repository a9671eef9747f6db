/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The crypto/io worker's poll loop (worker.h): rx burst -> framing ->
 * open -> the ring lcore's rx ring; the ring lcore's tx ring -> seal ->
 * port. Hot path rules as ring.c: no allocation but crypto ops from the
 * seal's pool, no lock, no syscall of ours, no log; every drop counted.
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include "dataplane/stages_tsc.h"
#include "dataplane/worker.h"

#define SLOW_PERIOD_NS 1000000ull /* 1 ms: key mailbox, stall window, publish */

/* Hand held frames to the ring lcore, in order. Returns true when none
 * are left. */
static inline bool give_held(struct dp_io *w)
{
	unsigned n = w->held_n - w->held_at, k;

	if (n == 0)
		return true;
	k = rte_ring_sp_enqueue_burst(w->rx, (void *const *)(w->held + w->held_at),
				      n, NULL);
	w->w.rx_handed += k;
	w->held_at = (uint16_t)(w->held_at + k);
	if (w->held_at < w->held_n)
		return false;
	w->held_n = w->held_at = 0;
	return true;
}

/* Framing of one received frame (ring.c's rx_frame, counted on our copy
 * of the port). */
static inline int parse(struct dp_io *w, struct dp_port *p, struct rte_mbuf *m,
			struct dp_frame_view *v)
{
	int rc;

	p->c.rx_pkts++;
	p->c.rx_bytes += m->pkt_len;
	if (unlikely(m->nb_segs != 1))
		return -DP_DROP_MULTISEG;
	rc = dp_frame_parse(&w->framer, rte_pktmbuf_mtod(m, const uint8_t *),
			    m->data_len, p->mac, v);
	return rc < 0 ? rc : 0;
}

/* The mbuf's data becomes the plaintext packet; the rest rides in the
 * metadata. */
static inline void to_plain(struct rte_mbuf *m, const struct dp_seal_rx *x,
			    uint16_t port)
{
	struct dp_io_meta *meta = dp_io_meta(m);
	uint16_t off = (uint16_t)(x->v.pkt - rte_pktmbuf_mtod(m, const uint8_t *));

	meta->sender = x->sender;
	meta->incarnation = x->incarnation;
	meta->counter = x->counter;
	meta->src_ip_be = x->v.src_ip_be;
	meta->mac_off = (uint16_t)(x->v.src_mac - (const uint8_t *)m->buf_addr);
	meta->port = port;
	rte_pktmbuf_adj(m, off);
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - x->v.len));
}

static unsigned rx_port(struct dp_io *w, struct dp_port *p)
{
	struct rte_mbuf *pkts[DP_RX_BURST], *bad[DP_RX_BURST];
	struct dp_seal_rx rx[DP_RX_BURST];
	unsigned st = dp_stage_in(&w->stg, DP_STAGE_RX), s2, nbad = 0;
	uint16_t n = dp_port_rx(p, pkts, DP_RX_BURST);

	if (n == 0) {
		dp_stage_out(&w->stg, st);
		return 0;
	}
	dp_stage_count(&w->stg, DP_STAGE_RX, n);
	for (uint16_t i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		rx[i].m = pkts[i];
		rx[i].sender = 0;
		rx[i].counter = 0;
		rx[i].incarnation = 0;
		rx[i].rc = parse(w, p, pkts[i], &rx[i].v);
	}
	if (w->seal != NULL) {
		s2 = dp_stage_in(&w->stg, DP_STAGE_OPEN);
		dp_seal_rx_open(w->seal, rx, n, w->framer.ethertype_be, w->now);
		dp_stage_out(&w->stg, s2);
		dp_stage_count(&w->stg, DP_STAGE_OPEN, n);
	}
	for (uint16_t i = 0; i < n; i++) {
		if (likely(rx[i].rc == 0)) {
			to_plain(pkts[i], &rx[i], p->index);
			w->held[w->held_n++] = pkts[i];
			dp_stages_msg(&w->stg);
		} else {
			p->c.drops[-rx[i].rc]++;
			bad[nbad++] = pkts[i];
		}
	}
	if (nbad)
		rte_pktmbuf_free_bulk(bad, nbad);
	/* What does not fit waits (counted when the next turn finds it). */
	give_held(w);
	dp_stage_out(&w->stg, st);
	return n;
}

/* A key change the ring ordered: seal with it from here on. */
static void key_mark(struct dp_io *w, uint32_t key_id)
{
	struct ordo_seal_use u = {
		.magic = __builtin_bswap32(ORDO_SEAL_USE_MAGIC),
		.key_id = __builtin_bswap32(key_id),
	};

	w->w.key_marks++;
	if (w->seal != NULL)
		dp_seal_use_delivered(w->seal, &u);
}

/* A frame the engine holds (DP_IO_F_HELD): sealed out of place into a
 * new frame toward the group, so the held one stays plaintext for its
 * retransmission; the reference we were given goes once the op holds
 * its own. Returns 0 or a negative enum dp_drop (m still ours). */
static int seal_held(struct dp_io *w, struct dp_port *p, struct rte_mbuf *m,
		     const struct dp_io_meta *meta)
{
	uint32_t env = (uint32_t)ORDO_SEAL_OVERHEAD;
	struct rte_mbuf *d = rte_pktmbuf_alloc(m->pool);
	uint8_t *buf;
	int rc;

	if (unlikely(d == NULL))
		return -DP_DROP_NO_MBUF;
	buf = (uint8_t *)rte_pktmbuf_append(d, (uint16_t)(meta->hl + env +
							  meta->plen));
	if (unlikely(buf == NULL)) {
		rte_pktmbuf_free(d);
		return -DP_DROP_TOO_BIG;
	}
	dp_frame_write(&w->framer, buf, w->framer.group_mac, p->mac,
		       w->framer.group_ip_be, env + meta->plen);
	rc = dp_seal_tx_add_ref(w->seal, w->ports, m, d, meta->hl, meta->plen,
				p->mac, w->framer.ethertype_be,
				w->framer.my_ip_be, meta->port);
	if (unlikely(rc < 0)) {
		rte_pktmbuf_free(d);
		return rc;
	}
	rte_pktmbuf_free(m);
	return 0;
}

static unsigned tx_ring(struct dp_io *w)
{
	void *objs[DP_SEAL_BURST];
	unsigned n, st, s2;
	uint32_t key_id;

	n = rte_ring_sc_dequeue_burst(w->tx, objs, DP_SEAL_BURST, NULL);
	if (n == 0)
		return 0;
	st = dp_stage_in(&w->stg, DP_STAGE_TX);
	dp_stage_count(&w->stg, DP_STAGE_TX, n);
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		const struct dp_io_meta *meta;
		struct dp_port *p;
		int rc;

		if (unlikely(dp_io_is_mark(objs[i], &key_id))) {
			key_mark(w, key_id);
			continue;
		}
		w->w.tx_taken++;
		dp_stages_msg(&w->stg);
		meta = dp_io_meta(m);
		p = &w->ports[meta->port];
		if (w->seal == NULL) {
			dp_port_enqueue(p, m);
			continue;
		}
		s2 = dp_stage_in(&w->stg, DP_STAGE_SEAL);
		rc = (meta->flags & DP_IO_F_HELD) ?
			     seal_held(w, p, m, meta) :
			     dp_seal_tx_add(w->seal, w->ports, m, meta->hl,
					    meta->plen, p->mac,
					    w->framer.ethertype_be,
					    w->framer.my_ip_be, meta->port);
		dp_stage_out(&w->stg, s2);
		dp_stage_count(&w->stg, DP_STAGE_SEAL, 1);
		if (unlikely(rc < 0)) {
			rte_pktmbuf_free(m);
			p->c.drops[-rc]++;
		}
	}
	if (w->seal != NULL) {
		s2 = dp_stage_in(&w->stg, DP_STAGE_SEAL);
		dp_seal_tx_flush(w->seal, w->ports);
		dp_stage_out(&w->stg, s2);
	}
	for (uint16_t i = 0; i < w->n_ports; i++)
		dp_port_flush(&w->ports[i]);
	dp_stage_out(&w->stg, st);
	return n;
}

/* The USE step of a key change needs the engine: hand it to the ring
 * lcore (dp_io_ring_slow). The seal's submit callback. */
static int submit_to_ring(void *ctx, const void *msg, uint32_t len)
{
	struct dp_io *w = ctx;

	if (len != sizeof(w->use_msg))
		return -EINVAL;
	if (__atomic_load_n(&w->use_full, __ATOMIC_ACQUIRE))
		return -EBUSY;
	memcpy(&w->use_msg, msg, len);
	__atomic_store_n(&w->use_full, 1, __ATOMIC_RELEASE);
	w->w.use_forwarded++;
	return 0;
}

static void publish(struct dp_io *w)
{
	struct dp_io_pub *p = &w->pub;
	uint32_t seq = __atomic_load_n(&p->seq, __ATOMIC_RELAXED);

	__atomic_store_n(&p->seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	p->r = w->w;
	p->r.stages = w->stg.st;
	p->r.loops = w->w.loops;
	p->r.idle_turns = w->idle.idle_turns;
	p->r.parks = w->idle.parks;
	for (uint16_t i = 0; i < w->n_ports; i++)
		p->ports[i] = w->ports[i].c;
	if (w->seal != NULL)
		dp_seal_report(w->seal, &p->seal);
	__atomic_store_n(&p->seq, seq + 2, __ATOMIC_RELEASE);
}

bool dp_io_try_read(const struct dp_io *w, struct dp_io_pub *out)
{
	uint32_t a = __atomic_load_n(&w->pub.seq, __ATOMIC_ACQUIRE);

	if (a & 1)
		return false;
	memcpy(out, &w->pub, sizeof(*out));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&w->pub.seq, __ATOMIC_RELAXED) == a;
}

void dp_io_read(const struct dp_io *w, struct dp_io_pub *out)
{
	while (!dp_io_try_read(w, out))
		rte_pause();
}

static void __attribute__((noinline)) slow_path(struct dp_io *w)
{
	w->next_slow = w->now + SLOW_PERIOD_NS;
	dp_stage_count(&w->stg, DP_STAGE_SLOW, 1);
	dp_stages_roll(&w->stg, rte_rdtsc());
	if (w->seal != NULL)
		dp_seal_slow(w->seal, submit_to_ring, w);
	publish(w);
}

unsigned dp_io_do_work(struct dp_io *w)
{
	uint64_t t0 = rte_rdtsc(), handed;
	unsigned work = 0, st;
	bool clear;

	w->now = dp_clock_ns_at(&w->clock, t0);
	dp_stages_begin(&w->stg, t0);
	w->w.loops++;
	/* Frames the ring lcore has no room for yet hold the ports back.
	 * Handing them on is work: the idle strategy must not park us
	 * while the ring lcore takes them. */
	handed = w->w.rx_handed;
	clear = give_held(w);
	work += (unsigned)(w->w.rx_handed - handed);
	if (clear) {
		for (uint16_t i = 0; i < w->n_ports && w->held_n == 0; i++)
			work += rx_port(w, &w->ports[i]);
	} else {
		w->w.rx_held_turns++;
	}
	if (w->tx != NULL) /* an rx worker sends nothing */
		work += tx_ring(w);
	if (unlikely(w->now >= w->next_slow)) {
		st = dp_stage_in(&w->stg, DP_STAGE_SLOW);
		slow_path(w);
		dp_stage_out(&w->stg, st);
	}
	dp_stages_end(&w->stg, rte_rdtsc(), work);
	return work;
}

void dp_io_run(struct dp_io *w, volatile bool *quit)
{
	w->stg.st.lcore = rte_lcore_id();
	w->w.lcore = w->stg.st.lcore;
	dp_idle_start(&w->idle);
	/* The ring lcore may still send its last frames after quit: run
	 * until it says it stopped. */
	while (!__atomic_load_n(quit, __ATOMIC_RELAXED) ||
	       (w->tx != NULL &&
		!__atomic_load_n(&w->ring_stopped, __ATOMIC_ACQUIRE)))
		dp_idle_turn(&w->idle, dp_io_do_work(w));
	/* Drain: what the ring lcore sent last goes out; nothing is read
	 * from the ports any more. */
	while (w->tx != NULL && tx_ring(w) != 0)
		;
	publish(w);
}
