/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The ring agent's poll loop: rx, timers, local submissions, tx (ring.h).
 * Everything here is the hot path: no allocation but mbufs from the
 * pool, no lock, no syscall, no log; every drop is a counter.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>

#include "dataplane/ring.h"

#define SLOW_PERIOD_NS     1000000ull    /* 1 ms */
#define ANNOUNCE_PERIOD_NS 1000000000ull /* 1 s */
#define ANSWER_GAP_NS      10000000ull   /* at most 100 answers/s */

static void announce_port(struct dp_ring *r, struct dp_port *p);
static void announce_rx(struct dp_ring *r, struct dp_port *p,
			const struct dp_frame_view *v);

/* A packet the engine took, or rejected for a reason that still proves it
 * came from a configured member with our configuration: its source may
 * teach us where that member is. */
static inline bool proves_member(int rc)
{
	return rc == 0 || rc == -ORDO_DROP_DUP_TOKEN ||
	       rc == -ORDO_DROP_NOT_FOR_US || rc == -ORDO_DROP_STATE ||
	       rc == -ORDO_DROP_HELD_DOWN || rc == -ORDO_DROP_WINDOW;
}

/* Is this the station of a member we know? (Checked only for packets the
 * engine took: a taken packet from elsewhere is a forgery that got in.) */
static bool __attribute__((noinline))
from_member_station(const struct dp_ring *r, const struct dp_frame_view *v)
{
	for (uint32_t i = 0; i < r->peers.n; i++) {
		const struct dp_peer *q = &r->peers.p[i];

		if (q->known && q->ip_be == v->src_ip_be &&
		    memcmp(q->mac, v->src_mac, DP_ETH_ALEN) == 0)
			return true;
	}
	return false;
}

static inline void rx_one(struct dp_ring *r, struct dp_port *p,
			  struct rte_mbuf *m)
{
	struct dp_frame_view v = { 0 };
	int rc;

	p->c.rx_pkts++;
	p->c.rx_bytes += m->pkt_len;
	if (unlikely(m->nb_segs != 1)) {
		p->c.drops[DP_DROP_MULTISEG]++;
		return;
	}
	rc = dp_frame_parse(&r->framer, rte_pktmbuf_mtod(m, const uint8_t *),
			    m->data_len, p->mac, &v);
	if (unlikely(rc < 0)) {
		p->c.drops[-rc]++;
		return;
	}
	if (unlikely(v.len >= 2 && v.pkt[0] == (DP_ANNOUNCE_MAGIC >> 8) &&
		     v.pkt[1] == (DP_ANNOUNCE_MAGIC & 0xff))) {
		announce_rx(r, p, &v);
		return;
	}
	p->c.rx_ordo++;
	rc = ordo_engine_rx(r->engine, v.pkt, v.len, r->now);
	/* Before learning from it: a forgery may move a member (peers.h). */
	if (rc == 0 && unlikely(!from_member_station(r, &v)))
		r->rx_stranger++;
	/* Learn from every packet but DATA, which a retransmitting member
	 * sends with its original sender (peers.h). */
	if (v.len >= sizeof(struct ordo_wire_hdr) &&
	    v.pkt[DP_ORDO_TYPE_OFF] != ORDO_PKT_DATA && proves_member(rc)) {
		uint32_t sender;

		memcpy(&sender, v.pkt + DP_ORDO_SENDER_OFF, sizeof(sender));
		dp_peers_learn(&r->peers, __builtin_bswap32(sender), p->index,
			       v.src_mac, v.src_ip_be);
	}
}

static inline unsigned rx_port(struct dp_ring *r, struct dp_port *p)
{
	struct rte_mbuf *pkts[DP_RX_BURST];
	uint16_t n = dp_port_rx(p, pkts, DP_RX_BURST);

	for (uint16_t i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		rx_one(r, p, pkts[i]);
	}
	if (n)
		rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

/* Build one frame toward dst on port p. */
static inline void tx_frame(struct dp_ring *r, struct dp_port *p,
			    const uint8_t *dst_mac, uint32_t dst_ip_be,
			    const void *pkt, uint32_t len)
{
	uint32_t hl = dp_frame_hdr_len(&r->framer);
	struct rte_mbuf *m;
	uint8_t *buf;

	if (unlikely(!p->up)) {
		p->c.drops[DP_DROP_LINK_DOWN]++;
		return;
	}
	m = rte_pktmbuf_alloc(r->pool);
	if (unlikely(m == NULL)) {
		p->c.drops[DP_DROP_NO_MBUF]++;
		return;
	}
	buf = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(hl + len));
	if (unlikely(buf == NULL)) { /* cannot happen: the pool fits the MTU */
		rte_pktmbuf_free(m);
		p->c.drops[DP_DROP_TOO_BIG]++;
		return;
	}
	dp_frame_write(&r->framer, buf, dst_mac, p->mac, dst_ip_be, len);
	memcpy(buf + hl, pkt, len);
	dp_port_enqueue(p, m);
	r->events++;
}

/* ops->send: the engine's packet, to the ring or to one member. */
static void ring_send(void *ctx, uint32_t dest, const void *pkt, uint32_t len)
{
	struct dp_ring *r = ctx;
	struct dp_peer *peer = NULL;
	bool sent = false;

	if (unlikely(len > r->mtu)) {
		r->ports[0].c.drops[DP_DROP_TOO_BIG]++;
		return;
	}
	/* A ring of one: its data packets are for no one (other daemons drop
	 * a foreign ring's data), so they stay off the wire. Only packets of
	 * the installed ring: a new ring's recovery data must go out. (Here,
	 * not in the engine: the engine hands over every packet it means to
	 * send, and the simulator's checker audits exactly that stream.) */
	if (r->ring_members == 1 && len >= sizeof(struct ordo_wire_hdr) &&
	    ((const uint8_t *)pkt)[DP_ORDO_TYPE_OFF] == ORDO_PKT_DATA) {
		struct ordo_wire_hdr h;

		memcpy(&h, pkt, sizeof(h));
		if (__builtin_bswap32(h.ring_rep) == r->ring_rep &&
		    __builtin_bswap32(h.ring_seq) == r->ring_seq) {
			r->tx_alone++;
			return;
		}
	}
	if (dest != ORDO_DEST_RING)
		peer = dp_peers_find(&r->peers, dest);
	if (peer != NULL && peer->known && r->ports[peer->port].up) {
		struct dp_port *p = &r->ports[peer->port];

		p->c.tx_ucast++;
		tx_frame(r, p, peer->mac, peer->ip_be, pkt, len);
		return;
	}
	/* The group: every LAN port reaches every member, every
	 * point-to-point port one of them. */
	for (uint16_t i = 0; i < r->n_ports; i++) {
		struct dp_port *p = &r->ports[i];

		if (!p->up)
			continue;
		p->c.tx_mcast++;
		tx_frame(r, p, r->framer.group_mac, r->framer.group_ip_be, pkt,
			 len);
		sent = true;
	}
	if (!sent)
		r->tx_no_port++;
}

/* ops->deliver: hand the ordered message to the local end. */
static void ring_deliver(void *ctx, const struct ordo_delivery *d)
{
	struct dp_ring *r = ctx;

	r->events++;
	if (r->local != NULL && r->local->deliver != NULL)
		r->local->deliver(r->local_ctx, d, r->now);
}

/* ops->config_change: note the ring we are in, tell the local end. */
static void ring_config_change(void *ctx, const struct ordo_config_change *c)
{
	struct dp_ring *r = ctx;

	r->config_changes++;
	r->events++;
	if (c->kind == ORDO_CONF_REGULAR) {
		r->ring_members = c->n_members;
		r->ring_rep = c->ring_rep;
		r->ring_seq = c->ring_seq;
	}
	if (r->local != NULL && r->local->config_change != NULL)
		r->local->config_change(r->local_ctx, c, r->now);
}

const struct ordo_engine_ops dp_ring_engine_ops = {
	.send = ring_send,
	.deliver = ring_deliver,
	.config_change = ring_config_change,
};

void dp_ring_publish(struct dp_ring *r)
{
	struct dp_snapshot *s = &r->scratch;

	s->now_ns = r->now;
	s->node_id = r->my_id;
	s->config_hash = r->config_hash;
	s->eng = *ordo_engine_stats(r->engine);
	ordo_engine_status(r->engine, &s->st);
	s->n_ports = r->n_ports;
	for (uint16_t i = 0; i < r->n_ports; i++) {
		const struct dp_port *p = &r->ports[i];

		s->ports[i].up = p->up;
		s->ports[i].p2p = p->p2p;
		s->ports[i].port_id = p->port_id;
		memcpy(s->ports[i].name, p->name, sizeof(p->name));
		memcpy(s->ports[i].driver, p->driver, sizeof(p->driver));
		s->ports[i].c = p->c;
	}
	s->peers_known = 0;
	for (uint32_t i = 0; i < r->peers.n; i++)
		s->peers_known += r->peers.p[i].known;
	s->peers_moved = r->peers.moved;
	s->tx_no_port = r->tx_no_port;
	s->tx_alone = r->tx_alone;
	s->rx_stranger = r->rx_stranger;
	s->announces_rx = r->announces_rx;
	s->announces_tx = r->announces_tx;
	s->announces_bad = r->announces_bad;
	s->config_changes = r->config_changes;
	s->ring_members = r->ring_members;
	s->loops = r->loops;
	s->idle_turns = r->idle.idle_turns;
	s->parks = r->idle.parks;
	if (r->local != NULL && r->local->report != NULL)
		r->local->report(r->local_ctx, &s->traffic);
	dp_publish(&r->pub, s);
}

void dp_ring_read(const struct dp_ring *r, struct dp_snapshot *out)
{
	dp_read_published(&r->pub, out);
}

/* Slow path: one announcement frame to the group on port p. */
static void announce_port(struct dp_ring *r, struct dp_port *p)
{
	uint8_t buf[DP_ANNOUNCE_LEN];
	struct dp_announce a = {
		.magic = __builtin_bswap16(DP_ANNOUNCE_MAGIC),
		.version = DP_ANNOUNCE_VERSION,
		.ring_no = r->ring_no,
		.config_hash = __builtin_bswap32(r->config_hash),
		.node_id = __builtin_bswap32(r->my_id),
	};

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &a, sizeof(a));
	tx_frame(r, p, r->framer.group_mac, r->framer.group_ip_be, buf,
		 sizeof(buf));
	r->announces_tx++;
}

void dp_ring_announce(struct dp_ring *r)
{
	for (uint16_t i = 0; i < r->n_ports; i++)
		if (r->ports[i].up)
			announce_port(r, &r->ports[i]);
	r->next_announce = r->now + ANNOUNCE_PERIOD_NS;
}

static void __attribute__((noinline))
announce_rx(struct dp_ring *r, struct dp_port *p, const struct dp_frame_view *v)
{
	struct dp_announce a;
	struct dp_peer *peer;
	bool stranger;

	if (v->len < sizeof(a)) {
		r->announces_bad++;
		return;
	}
	memcpy(&a, v->pkt, sizeof(a));
	a.node_id = __builtin_bswap32(a.node_id);
	peer = dp_peers_find(&r->peers, a.node_id);
	if (a.version != DP_ANNOUNCE_VERSION || a.ring_no != r->ring_no ||
	    __builtin_bswap32(a.config_hash) != r->config_hash || peer == NULL) {
		r->announces_bad++; /* another ring or configuration */
		return;
	}
	r->announces_rx++;
	stranger = !peer->known;
	dp_peers_learn(&r->peers, a.node_id, p->index, v->src_mac,
		       v->src_ip_be);
	/* A member we did not know may not know us either: answer, so a
	 * late starter learns everyone within one exchange. */
	if (stranger && r->now >= r->next_answer) {
		r->next_answer = r->now + ANSWER_GAP_NS;
		announce_port(r, p);
	}
}

static void __attribute__((noinline)) slow_path(struct dp_ring *r)
{
	r->next_slow = r->now + SLOW_PERIOD_NS;
	for (uint16_t i = 0; i < r->n_ports; i++) {
		struct dp_port *p = &r->ports[i];

		if (!p->up)
			dp_port_redial(p, r->now);
		if (r->now < p->next_link_check)
			continue;
		if (!dp_port_link_poll(p, r->now))
			continue;
		if (p->up)
			announce_port(r, p);
		else
			dp_peers_forget_port(&r->peers, p->index);
	}
	if (r->now >= r->next_announce)
		dp_ring_announce(r);
	dp_ring_publish(r);
}

unsigned dp_ring_do_work(struct dp_ring *r)
{
	unsigned work = 0;

	r->now = dp_clock_ns(&r->clock);
	r->loops++;
	for (uint16_t i = 0; i < r->n_ports; i++)
		if (likely(r->ports[i].up))
			work += rx_port(r, &r->ports[i]);
	if (r->now >= r->deadline) {
		/* A timer is work only if it made something happen: a member
		 * alone on its ring passes the token to itself on every tick,
		 * and must still let the idle strategy sleep. */
		uint64_t before = r->events;

		ordo_engine_tick(r->engine, r->now);
		work += (unsigned)(r->events - before);
	}
	if (r->local != NULL && r->local->produce != NULL)
		work += r->local->produce(r->local_ctx, r->engine, r->now);
	r->deadline = ordo_engine_next_deadline(r->engine);
	for (uint16_t i = 0; i < r->n_ports; i++)
		dp_port_flush(&r->ports[i]);
	if (unlikely(r->now >= r->next_slow))
		slow_path(r);
	return work;
}

void dp_ring_run(struct dp_ring *r, volatile bool *quit)
{
	r->quit = quit;
	dp_idle_start(&r->idle);
	while (!__atomic_load_n(quit, __ATOMIC_RELAXED))
		dp_idle_turn(&r->idle, dp_ring_do_work(r));
	dp_ring_publish(r);
}
