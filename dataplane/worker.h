/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The crypto/io worker: an lcore beside the ring lcore that owns the
 * ring's ports and its crypto, so the ring lcore runs the protocol and
 * its local end only. Two single-producer single-consumer rte_rings of
 * mbufs join them:
 *
 *   rx  worker -> ring lcore: frames burst from the ports, framing
 *       parsed, envelope checked and opened (seal.h); the mbuf's data is
 *       the plaintext packet, its metadata (dynfield, struct dp_io_meta)
 *       the port, the authenticated sender and where the source station
 *       is written;
 *   tx  ring lcore -> worker: frames the ring lcore built (framing, room
 *       for the envelope, the packet); the worker seals them in bursts
 *       and sends them. A key change the ring ordered (USE delivered)
 *       travels in the same ring, between the frames before and after
 *       it, so a frame is sealed with the key in force at its place in
 *       the total order, as on one lcore.
 *
 * Key changes from the operator (load, use, retire) are served by the
 * worker from its slow path (it owns the key table); the one step that
 * needs the engine, submitting a USE, is handed to the ring lcore through
 * a one-slot mailbox (dp_io_ring_slow).
 *
 * Back-pressure. rx: when the ring lcore's ring is full, the worker keeps
 * the opened frames and bursts no more until they fit (counted:
 * rx_held_turns); the port's queue absorbs or drops, as it would for a
 * busy ring lcore. tx: the ring lcore stages what the ring cannot take
 * yet and retries every turn; past DP_IO_STAGE - DP_IO_RESERVE frames it
 * drops every frame it builds (counted: tx_dropped), which the protocol
 * recovers (the engine retransmits lost data, the token and membership
 * messages are resent on their timers). A
 * client message the engine accepted stays in the engine until it is
 * delivered everywhere: dropping a frame never loses it.
 *
 * With RSS (several rx queues a port) more rx workers poll the other
 * queues: dp_io_create_rx.
 *
 * Threads: everything under "worker side" is the worker lcore's; "ring
 * side" the ring lcore's; other threads read the published copies only.
 * A test may drive both from one thread (dp_io_do_work between ring
 * turns): the rings are the only coupling.
 */
#ifndef ORDO_DP_WORKER_H
#define ORDO_DP_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>

#include "dataplane/clock.h"
#include "dataplane/frame.h"
#include "dataplane/idle.h"
#include "dataplane/port.h"
#include "dataplane/seal.h"
#include "dataplane/stages.h"
#include "ordo/seal.h"

#define DP_IO_RING_SIZE 1024u /* entries of each hand-off ring (power of 2) */
#define DP_IO_STAGE     256u  /* ring side: frames waiting for the tx ring */
#define DP_IO_RESERVE   16u   /* of those, kept for key changes */
#define DP_MAX_RX_WORKERS 7u  /* rx queues after the first (RSS), at most */

/* What travels with an mbuf between the lcores (an mbuf dynfield). */
struct dp_io_meta {
	uint32_t sender;     /* rx: authenticated transmitter (0: clear) */
	uint32_t src_ip_be;  /* rx: UDP source, else 0 */
	uint32_t plen;       /* tx: packet bytes behind the envelope room */
	uint16_t mac_off;    /* rx: source MAC, from the buffer's start */
	uint16_t port;       /* index into the ring's ports */
	uint16_t hl;         /* tx: framing bytes */
	uint16_t flags;      /* tx: DP_IO_F_* */
	uint32_t incarnation; /* rx, sealed: the envelope's, for the replay */
	uint64_t counter;     /* window the ring lcore keeps (seal.h) */
};

/* tx: a frame the engine holds (dataplane/ring_frames.h): the worker
 * seals it out of place into a new frame and drops the reference it was
 * given; the held frame stays plaintext. */
#define DP_IO_F_HELD 1u

extern int dp_io_meta_off; /* dynfield offset, set by dp_io_create */

static inline struct dp_io_meta *dp_io_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, dp_io_meta_off, struct dp_io_meta *);
}

/* A key change in the tx ring: the key id in a pointer that no mbuf can
 * have (mbufs are cache-line aligned). */
static inline void *dp_io_mark(uint32_t key_id)
{
	return (void *)(((uintptr_t)key_id << 8) | 1u);
}

static inline bool dp_io_is_mark(const void *p, uint32_t *key_id)
{
	uintptr_t v = (uintptr_t)p;

	if (likely(!(v & 1u)))
		return false;
	*key_id = (uint32_t)(v >> 8);
	return true;
}

/* What the worker publishes (its own sequence count). */
struct dp_io_report {
	bool     on;
	uint32_t lcore;
	struct dp_stage_stats stages;  /* the worker's: per frame, not message */
	uint64_t rx_handed;     /* frames handed to the ring lcore */
	uint64_t rx_held_turns; /* turns the rx ring was full */
	uint64_t tx_taken;      /* frames taken from the ring lcore */
	uint64_t key_marks;     /* key changes applied in order */
	uint64_t use_forwarded; /* USE submissions handed to the ring lcore */
	uint64_t loops, idle_turns, parks;
	/* ring side (the ring lcore fills these in when it publishes) */
	uint64_t tx_staged_turns; /* turns the tx ring could not take all */
	uint64_t tx_dropped;      /* frames dropped: stage full */
	uint64_t marks_lost;      /* key changes that found no room (never
				   * expected: the reserve) */
};

struct dp_io_pub {
	uint32_t seq;
	struct dp_io_report r;
	struct dp_port_counters ports[DP_MAX_PORTS];
	struct dp_seal_stats seal;
};

struct dp_io {
	/* worker side */
	struct rte_ring *rx;       /* worker -> ring lcore */
	struct rte_ring *tx;       /* ring lcore -> worker; NULL: an rx worker */
	uint16_t n_ports;
	struct dp_framer framer;
	struct dp_seal *seal;      /* NULL: crypto off */
	struct dp_clock clock;
	uint64_t now, next_slow;
	struct dp_idle idle;
	struct dp_stages stg;
	uint16_t held_n, held_at;  /* opened frames the rx ring had no room for */
	struct rte_mbuf *held[DP_RX_BURST];
	struct dp_io_report w;     /* the worker's counters */
	struct dp_port ports[DP_MAX_PORTS]; /* ours: tx buffers, counters */
	/* USE mailbox, worker -> ring lcore */
	uint32_t use_full;
	struct ordo_seal_use use_msg;

	/* ring side */
	uint16_t stage_n __attribute__((aligned(64)));
	struct rte_mbuf *stage[DP_IO_STAGE];
	uint64_t tx_staged_turns, tx_dropped, marks_lost;
	uint32_t use_pending;      /* a USE submitted, not yet delivered */
	struct ordo_seal_use use_sent; /* ... which, to submit again */
	bool     ring_stopped;     /* the ring lcore will put no more */
	struct dp_io_pub seen;     /* the worker's last complete publication
				    * the ring lcore read (dp_io_report_into) */

	/* cold */
	unsigned lcore;
	uint16_t rxq;              /* the rx queue of each port we poll */
	struct dp_seal opener;     /* an rx worker's seal (seal.h openers) */
	struct dp_io_pub pub __attribute__((aligned(64)));
};

/* Build the worker for ring r's ports and seal (the worker takes them
 * over; r->seal stays the crypto-on flag and the main lcore's mailbox).
 * lcore: where it will run; socket: NUMA node of its rings. Returns 0 or
 * -errno with a one-line reason in err. */
struct dp_ring;
int dp_io_create(struct dp_io *w, struct dp_ring *r, unsigned lcore,
		 int socket, char *err, size_t errlen);

/* An rx worker: with more than one rx queue per port (RSS), each queue
 * after the first is polled by one of these, an lcore of its own that
 * parses and opens what arrives there and hands it to the ring lcore over
 * its own rx ring, as the crypto/io worker (created first, r->io) does
 * for queue 0. It sends nothing: every frame still leaves through the
 * crypto/io worker, in the order the ring built them. It opens on its own
 * queue pair of the crypto device with the io worker's keys (an opener,
 * seal.h); the replay windows move to the ring lcore, the one consumer
 * of every queue (ring.c rx_io). Registered in r->io_rx. */
int dp_io_create_rx(struct dp_io *w, struct dp_ring *r, uint16_t queue,
		    unsigned lcore, int socket, char *err, size_t errlen);

/* One turn of the worker's loop. Returns the work done (0: idle). */
unsigned dp_io_do_work(struct dp_io *w);

/* Loop until *quit and the ring lcore stopped, then drain: the tx ring's
 * frames are sealed and sent, the frames held for the ring lcore freed. */
void dp_io_run(struct dp_io *w, volatile bool *quit);

/* After the lcore returned: free what the rings still hold, and the
 * rings. */
void dp_io_destroy(struct dp_io *w);

/* Read the worker's published counters; any thread. Waits while the
 * worker is publishing. */
void dp_io_read(const struct dp_io *w, struct dp_io_pub *out);

/* One try: false (out undefined) if the worker was publishing. */
bool dp_io_try_read(const struct dp_io *w, struct dp_io_pub *out);

/* --- ring side: called by ring.c on the ring lcore -------------------- */

/* Hand the staged frames to the worker; what does not fit stays staged,
 * in order. Returns frames handed. */
static inline unsigned dp_io_tx_push(struct dp_io *w)
{
	unsigned n = w->stage_n, k;

	if (n == 0)
		return 0;
	k = rte_ring_sp_enqueue_burst(w->tx, (void *const *)w->stage, n, NULL);
	if (unlikely(k < n))
		memmove(w->stage, w->stage + k, (n - k) * sizeof(w->stage[0]));
	w->stage_n = (uint16_t)(n - k);
	return k;
}

/* The end of a ring turn: push, and count the turn if frames stay staged
 * (once per turn, however many frames were built against a full ring). */
static inline unsigned dp_io_tx_turn(struct dp_io *w)
{
	unsigned k = dp_io_tx_push(w);

	if (unlikely(w->stage_n != 0))
		w->tx_staged_turns++;
	return k;
}

/* A built frame for port (index), hl bytes of framing, plen of packet
 * behind the envelope's room. Returns false if it was dropped (freed).
 * dp_io_tx_held: a frame the engine holds, sealed out of place (the
 * caller took a reference for the worker; the seal must work out of
 * place, seal.h oop). */
static inline bool dp_io__tx(struct dp_io *w, struct rte_mbuf *m,
			     uint32_t hl, uint32_t plen, uint16_t port,
			     uint16_t flags)
{
	struct dp_io_meta *meta = dp_io_meta(m);

	meta->port = port;
	meta->hl = (uint16_t)hl;
	meta->plen = plen;
	meta->flags = flags;
	if (unlikely(w->stage_n >= DP_IO_STAGE - DP_IO_RESERVE)) {
		dp_io_tx_push(w);
		if (w->stage_n >= DP_IO_STAGE - DP_IO_RESERVE) {
			w->tx_dropped++;
			rte_pktmbuf_free(m);
			return false;
		}
	}
	w->stage[w->stage_n++] = m;
	return true;
}

static inline bool dp_io_tx_frame(struct dp_io *w, struct rte_mbuf *m,
				  uint32_t hl, uint32_t plen, uint16_t port)
{
	return dp_io__tx(w, m, hl, plen, port, 0);
}

static inline bool dp_io_tx_held(struct dp_io *w, struct rte_mbuf *m,
				 uint32_t hl, uint32_t plen, uint16_t port)
{
	return dp_io__tx(w, m, hl, plen, port, DP_IO_F_HELD);
}

/* Up to n plaintext frames from the worker. */
static inline unsigned dp_io_rx_take(struct dp_io *w, struct rte_mbuf **m,
				     unsigned n)
{
	return rte_ring_sc_dequeue_burst(w->rx, (void **)m, n, NULL);
}

/* The view of a frame the worker opened, and its port index and sender. */
static inline void dp_io_rx_view(struct rte_mbuf *m, struct dp_frame_view *v,
				 uint16_t *port, uint32_t *sender)
{
	const struct dp_io_meta *meta = dp_io_meta(m);

	v->pkt = rte_pktmbuf_mtod(m, const uint8_t *);
	v->len = m->data_len;
	v->src_mac = (const uint8_t *)m->buf_addr + meta->mac_off;
	v->src_ip_be = meta->src_ip_be;
	*port = meta->port;
	*sender = meta->sender;
}

/* The ring delivered a USE: the key change goes to the worker in order. */
void dp_io_key_use(struct dp_io *w, const struct ordo_seal_use *u);

/* The ring lcore's slow path: submit a USE the worker handed over (submit
 * is the ring's ordo_engine_submit_control). */
void dp_io_ring_slow(struct dp_io *w, dp_seal_submit_fn submit, void *ctx);

/* A regular configuration: submit a USE still waiting again, as
 * dp_seal_ring_changed does on one lcore. */
void dp_io_ring_changed(struct dp_io *w, dp_seal_submit_fn submit,
			void *ctx);

/* The ring lcore stopped: nothing more comes (dp_io_run may finish). */
void dp_io_ring_stop(struct dp_io *w);

/* Into the ring's snapshot: ports' counters added, the seal's, the
 * worker's report with the ring side's counters. Never waits for the
 * worker: if it is publishing, its previous publication is used. */
struct dp_snapshot;
void dp_io_report_into(struct dp_io *w, struct dp_snapshot *s);

/* The same for rx worker i (after dp_io_report_into of the crypto/io
 * worker, whose seal counters it adds to): its ports, what it opened,
 * its report in s->rxw[i]. */
void dp_io_rx_report_into(struct dp_io *w, struct dp_snapshot *s, unsigned i);

#endif /* ORDO_DP_WORKER_H */
