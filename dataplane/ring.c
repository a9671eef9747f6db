/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The ring agent's poll loop: rx, timers, local submissions, tx (ring.h).
 * Everything here is the hot path: no allocation but mbufs from the
 * pool, no lock, no syscall, no log; every drop is a counter. Stage
 * boundaries (stage_in / stage_out) read the TSC on timed turns only
 * (stages.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dataplane/ring.h"
#include "dataplane/ring_frames.h"
#include "dataplane/stages_tsc.h"

#define SLOW_PERIOD_NS     1000000ull    /* 1 ms */
#define ANNOUNCE_PERIOD_NS 1000000000ull /* 1 s */
#define ANSWER_GAP_NS      10000000ull   /* at most 100 answers/s */

static void announce_port(struct dp_ring *r, struct dp_port *p);

/* The ring lcore's stage boundaries (stages_tsc.h). */
static inline unsigned stage_in(struct dp_ring *r, unsigned stage)
{
	return dp_stage_in(&r->stg, stage);
}

static inline void stage_out(struct dp_ring *r, unsigned prev)
{
	dp_stage_out(&r->stg, prev);
}

static inline void stage_items(struct dp_ring *r, unsigned stage, uint32_t n)
{
	dp_stage_count(&r->stg, stage, n);
}
static void announce_rx(struct dp_ring *r, struct dp_port *p,
			const struct dp_frame_view *v, uint32_t sender);

/* A packet the engine took, or rejected for a reason that still proves it
 * came from a configured member with our configuration: its source may
 * teach us where that member is. */
static inline bool proves_member(int rc)
{
	return rc == 0 || rc == -ORDO_DROP_DUP_TOKEN ||
	       rc == -ORDO_DROP_NOT_FOR_US || rc == -ORDO_DROP_STATE ||
	       rc == -ORDO_DROP_HELD_DOWN || rc == -ORDO_DROP_WINDOW;
}

/* Did the engine take a packet from a station other than the one we know
 * for the member it names? That is a forgery that got in (with crypto on,
 * only a replay the window missed could be), counted before we learn from
 * it (rx_stranger_accepted, tests/lab/hostile.sh). */
static bool __attribute__((noinline))
from_other_station(const struct dp_ring *r, const struct dp_frame_view *v)
{
	const struct dp_peer *q;
	uint32_t who;

	if (v->len < sizeof(struct ordo_wire_hdr))
		return false;
	memcpy(&who, v->pkt + DP_ORDO_SENDER_OFF, sizeof(who));
	q = dp_peers_find((struct dp_peers *)&r->peers, __builtin_bswap32(who));
	return q != NULL && q->known &&
	       (q->ip_be != v->src_ip_be ||
		memcmp(q->mac, v->src_mac, DP_ETH_ALEN) != 0);
}

/* A packet in the clear: from an opened envelope (sender: its
 * authenticated transmitter) or, crypto off, straight from the framing
 * (sender 0). Announcements stay here; the rest goes to the engine. A
 * member's station is learned only from a frame that proves it is that
 * member: authenticated as it (crypto on: learned and moved), or fully
 * validated (crypto off: learned once, never moved by a frame — anyone
 * can send a well-formed one — and forgotten when a ring forms without
 * that member, so a wrong first sighting cannot last). */
static inline void rx_plain(struct dp_ring *r, struct dp_port *p,
			    struct rte_mbuf *m, const struct dp_frame_view *v,
			    uint32_t sender)
{
	unsigned st;
	int rc;

	if (unlikely(v->len >= 2 && v->pkt[0] == (DP_ANNOUNCE_MAGIC >> 8) &&
		     v->pkt[1] == (DP_ANNOUNCE_MAGIC & 0xff))) {
		announce_rx(r, p, v, sender);
		return;
	}
	p->c.rx_ordo++;
	st = stage_in(r, DP_STAGE_PROTOCOL);
	rc = dp_ring_engine_rx(r, m, v->pkt, v->len);
	stage_out(r, st);
	if (rc == 0 && unlikely(from_other_station(r, v)))
		r->rx_stranger++;
	/* Learn only from packets whose header names their transmitter:
	 * DATA and COMMIT are relayed under another member's name (peers.h). */
	if (v->len >= sizeof(struct ordo_wire_hdr) &&
	    dp_peers_names_transmitter(v->pkt[DP_ORDO_TYPE_OFF]) &&
	    proves_member(rc)) {
		uint32_t who;

		memcpy(&who, v->pkt + DP_ORDO_SENDER_OFF, sizeof(who));
		who = __builtin_bswap32(who);
		/* Sealed: the packet's sender must be the transmitter the
		 * key proved, or one member could move another. */
		if (r->seal == NULL)
			dp_peers_learn_once(&r->peers, who, p->index,
					    v->src_mac, v->src_ip_be);
		else if (who == sender)
			dp_peers_learn(&r->peers, who, p->index, v->src_mac,
				       v->src_ip_be);
	}
}

static inline bool rx_frame(struct dp_ring *r, struct dp_port *p,
			    struct rte_mbuf *m, struct dp_frame_view *v)
{
	int rc;

	p->c.rx_pkts++;
	p->c.rx_bytes += m->pkt_len;
	if (unlikely(m->nb_segs != 1)) {
		p->c.drops[DP_DROP_MULTISEG]++;
		return false;
	}
	rc = dp_frame_parse(&r->framer, rte_pktmbuf_mtod(m, const uint8_t *),
			    m->data_len, p->mac, v);
	if (unlikely(rc < 0)) {
		p->c.drops[-rc]++;
		return false;
	}
	return true;
}

/* Crypto on: parse the burst's framing, open the envelopes in one device
 * burst, then hand the authentic ones on in arrival order. */
static inline void rx_sealed(struct dp_ring *r, struct dp_port *p,
			     struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_seal_rx rx[DP_RX_BURST];
	unsigned st;

	for (uint16_t i = 0; i < n; i++) {
		rx[i].m = pkts[i];
		rx[i].sender = 0;
		rx[i].rc = rx_frame(r, p, pkts[i], &rx[i].v) ? 0 : 1;
	}
	st = stage_in(r, DP_STAGE_OPEN);
	dp_seal_rx_open(r->seal, rx, n, r->framer.ethertype_be, r->now);
	stage_out(r, st);
	stage_items(r, DP_STAGE_OPEN, n);
	for (uint16_t i = 0; i < n; i++) {
		if (likely(rx[i].rc == 0))
			rx_plain(r, p, rx[i].m, &rx[i].v, rx[i].sender);
		else if (rx[i].rc < 0)
			p->c.drops[-rx[i].rc]++;
	}
}

static inline unsigned rx_port(struct dp_ring *r, struct dp_port *p)
{
	struct rte_mbuf *pkts[DP_RX_BURST];
	unsigned st = stage_in(r, DP_STAGE_RX);
	uint16_t n = dp_port_rx(p, pkts, DP_RX_BURST);

	if (n == 0) {
		stage_out(r, st);
		return 0;
	}
	stage_items(r, DP_STAGE_RX, n);
	if (r->seal != NULL) {
		rx_sealed(r, p, pkts, n);
	} else {
		for (uint16_t i = 0; i < n; i++) {
			struct dp_frame_view v;

			if (i + 1 < n)
				rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1],
							       void *));
			if (rx_frame(r, p, pkts[i], &v))
				rx_plain(r, p, pkts[i], &v, 0);
		}
	}
	rte_pktmbuf_free_bulk(pkts, n);
	stage_out(r, st);
	return n;
}

/* With rx workers, the replay window of the frame's sender (seal.h
 * defer_replay): the frame authenticated on its worker, only the ring
 * lcore sees every queue. */
static inline bool rx_replay_ok(struct dp_ring *r, struct rte_mbuf *m,
				uint32_t sender)
{
	const struct dp_io_meta *meta = dp_io_meta(m);

	if (sender == 0 || !r->seal->defer_replay)
		return true;
	return dp_seal_replay_accept(r->seal, sender, meta->incarnation,
				     meta->counter);
}

/* A worker owns the ports (worker.h): it parsed and opened these. */
static inline unsigned rx_io_one(struct dp_ring *r, struct dp_io *w)
{
	struct rte_mbuf *pkts[DP_RX_BURST];
	unsigned n = dp_io_rx_take(w, pkts, DP_RX_BURST);

	stage_items(r, DP_STAGE_RX, n);
	for (unsigned i = 0; i < n; i++) {
		struct dp_frame_view v;
		uint32_t sender;
		uint16_t port;

		dp_io_rx_view(pkts[i], &v, &port, &sender);
		/* The worker bursts every port; a port this lcore holds down
		 * (its link poll, slow_path) is one the one-lcore loop does
		 * not poll: its frames reach neither the engine nor the peer
		 * table, here counted. */
		if (unlikely(!r->ports[port].up)) {
			r->ports[port].c.drops[DP_DROP_LINK_DOWN]++;
			continue;
		}
		if (unlikely(!rx_replay_ok(r, pkts[i], sender))) {
			r->ports[port].c.drops[DP_DROP_SEAL_REPLAY]++;
			continue;
		}
		rx_plain(r, &r->ports[port], pkts[i], &v, sender);
	}
	if (n)
		rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

static inline unsigned rx_io(struct dp_ring *r)
{
	unsigned st = stage_in(r, DP_STAGE_RX);
	unsigned n = rx_io_one(r, r->io);

	for (uint16_t i = 0; i < r->n_io_rx; i++)
		n += rx_io_one(r, r->io_rx[i]);
	stage_out(r, st);
	return n;
}

/* Build one frame toward dst on port p. */
static inline void tx_frame(struct dp_ring *r, struct dp_port *p,
			    const uint8_t *dst_mac, uint32_t dst_ip_be,
			    const void *pkt, uint32_t len)
{
	uint32_t hl = dp_frame_hdr_len(&r->framer);
	uint32_t env = r->seal != NULL ? (uint32_t)ORDO_SEAL_OVERHEAD : 0;
	struct rte_mbuf *m;
	uint8_t *buf;
	unsigned st;
	int rc;

	if (unlikely(!p->up)) {
		p->c.drops[DP_DROP_LINK_DOWN]++;
		return;
	}
	m = rte_pktmbuf_alloc(r->pool);
	if (unlikely(m == NULL)) {
		p->c.drops[DP_DROP_NO_MBUF]++;
		return;
	}
	buf = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(hl + env + len));
	if (unlikely(buf == NULL)) { /* cannot happen: the pool fits the MTU */
		rte_pktmbuf_free(m);
		p->c.drops[DP_DROP_TOO_BIG]++;
		return;
	}
	dp_frame_write(&r->framer, buf, dst_mac, p->mac, dst_ip_be, env + len);
	r->events++;
	stage_items(r, DP_STAGE_TX, 1);
	if (r->io != NULL) { /* the worker seals and sends it */
		memcpy(buf + hl + (env ? sizeof(struct ordo_seal_hdr) : 0), pkt,
		       len);
		dp_io_tx_frame(r->io, m, hl, len, p->index);
		return;
	}
	if (r->seal == NULL) {
		memcpy(buf + hl, pkt, len);
		dp_port_enqueue(p, m);
		return;
	}
	/* The packet goes behind the envelope's header; the seal writes the
	 * header and the tag, and queues the frame on p once sealed. */
	memcpy(buf + hl + sizeof(struct ordo_seal_hdr), pkt, len);
	st = stage_in(r, DP_STAGE_SEAL);
	rc = dp_seal_tx_add(r->seal, r->ports, m, hl, len, p->mac,
			    r->framer.ethertype_be, r->framer.my_ip_be,
			    p->index);
	stage_out(r, st);
	stage_items(r, DP_STAGE_SEAL, 1);
	if (unlikely(rc < 0)) {
		rte_pktmbuf_free(m);
		p->c.drops[-rc]++;
	}
}

static void ring_send_frames(struct dp_ring *r, uint32_t dest,
			     const void *pkt, uint32_t len);

/* ops->send: the engine's packet, to the ring or to one member. Building
 * frames is the tx stage's, wherever the engine sends from. */
static void ring_send(void *ctx, uint32_t dest, const void *pkt, uint32_t len)
{
	struct dp_ring *r = ctx;
	unsigned st = stage_in(r, DP_STAGE_TX);

	ring_send_frames(r, dest, pkt, len);
	stage_out(r, st);
}

void dp_ring_send_copy(void *ctx, uint32_t dest, const void *pkt,
		       uint32_t len)
{
	ring_send(ctx, dest, pkt, len);
}

static void ring_send_frames(struct dp_ring *r, uint32_t dest,
			     const void *pkt, uint32_t len)
{
	const struct dp_peer *peer = NULL;
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
		peer = dp_peers_reach(&r->peers, dest);
	if (peer != NULL && r->ports[peer->port].up) {
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
	unsigned st;

	r->events++;
	/* The protocol's output, the per-message denominator (stages.h). */
	dp_stages_msg(&r->stg);
	stage_items(r, DP_STAGE_PROTOCOL, 1);
	/* A key rotation's ordered step is the dataplane's, never the local
	 * end's (no client can send one: include/ordo/seal.h). */
	if (unlikely(d->msg_type == ORDO_SEAL_USE_MSG_TYPE &&
		     d->len == sizeof(struct ordo_seal_use))) {
		struct ordo_seal_use u;

		memcpy(&u, d->data, sizeof(u));
		if (u.magic == __builtin_bswap32(ORDO_SEAL_USE_MAGIC)) {
			if (r->io != NULL)
				dp_io_key_use(r->io, &u);
			else if (r->seal != NULL)
				dp_seal_use_delivered(r->seal, &u);
			return;
		}
	}
	if (r->local == NULL || r->local->deliver == NULL)
		return;
	st = stage_in(r, DP_STAGE_DELIVER);
	r->local->deliver(r->local_ctx, d, r->now);
	stage_out(r, st);
	if (r->local->bind_stages == NULL)
		stage_items(r, DP_STAGE_DELIVER, 1);
}

/* The seal's ordered messages (a key rotation's USE) go out as the
 * daemon's own control messages. */
static int ring_submit_control(void *ctx, const void *msg, uint32_t len)
{
	struct dp_ring *r = ctx;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)msg, .iov_len = len };

	return ordo_engine_submit_control(r->engine, ORDO_SVC_AGREED,
					  ORDO_SEAL_USE_MSG_TYPE, &iov, 1);
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
		/* Crypto off, stations never move (rx_plain): forgetting the
		 * absent is how a member that moved is found again. */
		if (r->seal == NULL)
			dp_peers_forget_absent(&r->peers, c->members,
					       c->n_members);
		if (r->io != NULL && r->seal != NULL)
			dp_io_ring_changed(r->io, ring_submit_control, r);
		else if (r->seal != NULL)
			dp_seal_ring_changed(r->seal, ring_submit_control, r);
	}
	if (r->local != NULL && r->local->config_change != NULL)
		r->local->config_change(r->local_ctx, c, r->now);
}

const struct ordo_engine_ops dp_ring_engine_ops = {
	.send = ring_send,
	.deliver = ring_deliver,
	.config_change = ring_config_change,
};

const struct ordo_engine_ops dp_ring_frame_ops = {
	.send = ring_send,
	.deliver = ring_deliver,
	.config_change = ring_config_change,
	.frame_alloc = dp_ring_frame_alloc,
	.frame_send = dp_ring_frame_send,
	.frame_release = dp_ring_frame_release,
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
	s->peers_contested = r->peers.contested;
	s->tx_no_port = r->tx_no_port;
	s->tx_alone = r->tx_alone;
	s->rx_stranger = r->rx_stranger;
	s->frames = r->frames;
	s->frames_held = r->frames_held;
	s->frames_budget = r->frames_budget;
	s->frames_tx_ref = r->frames_tx_ref;
	s->frames_tx_copy = r->frames_tx_copy;
	s->frames_short = r->frames_short;
	s->announces_rx = r->announces_rx;
	s->announces_tx = r->announces_tx;
	s->announces_bad = r->announces_bad;
	s->config_changes = r->config_changes;
	s->ring_members = r->ring_members;
	s->loops = r->loops;
	s->idle_turns = r->idle.idle_turns;
	s->parks = r->idle.parks;
	s->stages = r->stg.st;
	s->crypto = r->seal != NULL;
	if (r->io != NULL)
		dp_io_report_into(r->io, s); /* its ports, seal and stages */
	else if (r->seal != NULL)
		dp_seal_report(r->seal, &s->seal);
	s->n_rxw = r->n_io_rx;
	for (uint16_t i = 0; i < r->n_io_rx; i++)
		dp_io_rx_report_into(r->io_rx[i], s, i);
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
announce_rx(struct dp_ring *r, struct dp_port *p, const struct dp_frame_view *v,
	    uint32_t sender)
{
	struct dp_announce a;
	struct dp_peer *peer;
	bool stranger;

	/* Exactly what announce_port() sends: a truncated or padded copy is
	 * not one (sealed frames keep their length; under UDP and over
	 * memif nothing pads them). Raw Ethernet may pad a short frame, but
	 * an announcement is already the 60-byte minimum. */
	if (v->len != DP_ANNOUNCE_LEN) {
		r->announces_bad++;
		return;
	}
	memcpy(&a, v->pkt, sizeof(a));
	a.node_id = __builtin_bswap32(a.node_id);
	peer = dp_peers_find(&r->peers, a.node_id);
	if (a.version != DP_ANNOUNCE_VERSION || a.ring_no != r->ring_no ||
	    __builtin_bswap32(a.config_hash) != r->config_hash || peer == NULL ||
	    a.flags != 0 || (r->seal != NULL && a.node_id != sender)) {
		r->announces_bad++; /* another ring or configuration */
		return;
	}
	r->announces_rx++;
	stranger = !peer->known;
	/* The same rule as for protocol frames (rx_plain): sealed, an
	 * authenticated announcement may move its member; in the clear it
	 * may only introduce one, since anyone can write it. */
	if (r->seal != NULL)
		dp_peers_learn(&r->peers, a.node_id, p->index, v->src_mac,
			       v->src_ip_be);
	else
		dp_peers_learn_once(&r->peers, a.node_id, p->index,
				    v->src_mac, v->src_ip_be);
	/* A member we did not know may not know us either: answer, so a
	 * late starter learns everyone within one exchange. */
	if (stranger && r->now >= r->next_answer) {
		r->next_answer = r->now + ANSWER_GAP_NS;
		announce_port(r, p);
	}
}

/* The engine dampens its own flapping link (engine/flap.c): tell it when
 * our link goes down or comes up. Up while any LAN port is. A
 * point-to-point port (memif) goes down when its one peer goes away: that
 * is the peer's fault, not our link's, and is not reported. */
static void link_feed(struct dp_ring *r)
{
	bool up = false, lan = false;

	for (uint16_t i = 0; i < r->n_ports; i++) {
		if (r->ports[i].p2p)
			continue;
		lan = true;
		up |= r->ports[i].up;
	}
	if (!lan || up == r->link_up)
		return;
	r->link_up = up;
	ordo_engine_link(r->engine, up, r->now);
	r->deadline = ordo_engine_next_deadline(r->engine);
}

static void __attribute__((noinline)) slow_path(struct dp_ring *r)
{
	r->next_slow = r->now + SLOW_PERIOD_NS;
	stage_items(r, DP_STAGE_SLOW, 1);
	dp_stages_roll(&r->stg, rte_rdtsc());
	if (r->io != NULL)
		dp_io_ring_slow(r->io, ring_submit_control, r);
	else if (r->seal != NULL)
		dp_seal_slow(r->seal, ring_submit_control, r);
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
	link_feed(r);
	if (r->now >= r->next_announce)
		dp_ring_announce(r);
	dp_ring_publish(r);
}

int dp_ring_key_cmd(struct dp_ring *r, struct dp_seal_cmd *c, bool here)
{
	struct dp_seal *openers[DP_MAX_RX_WORKERS];

	if (r->seal == NULL)
		return -ENOTSUP;
	if (here && r->io == NULL) {
		dp_seal_apply(r->seal, c, ring_submit_control, r);
		return 0;
	}
	for (uint16_t i = 0; i < r->n_io_rx; i++)
		openers[i] = r->io_rx[i]->seal;
	return dp_seal_keys_post(r->seal, openers, r->n_io_rx, c, 2000);
}

unsigned dp_ring_flush(struct dp_ring *r)
{
	unsigned st = stage_in(r, DP_STAGE_TX), k;

	if (r->io != NULL) {
		k = dp_io_tx_turn(r->io);
		stage_out(r, st);
		return k;
	}
	if (r->seal != NULL) {
		unsigned s2 = stage_in(r, DP_STAGE_SEAL);

		dp_seal_tx_flush(r->seal, r->ports);
		stage_out(r, s2);
	}
	for (uint16_t i = 0; i < r->n_ports; i++)
		dp_port_flush(&r->ports[i]);
	stage_out(r, st);
	return 0;
}

unsigned dp_ring_do_work(struct dp_ring *r)
{
	uint64_t t0 = rte_rdtsc();
	unsigned work = 0, st;

	r->now = dp_clock_ns_at(&r->clock, t0);
	dp_stages_begin(&r->stg, t0);
	r->loops++;
	if (r->io != NULL)
		work += rx_io(r);
	else
		for (uint16_t i = 0; i < r->n_ports; i++)
			if (likely(r->ports[i].up))
				work += rx_port(r, &r->ports[i]);
	if (r->now >= r->deadline) {
		/* A timer is work only if it made something happen: a member
		 * alone on its ring passes the token to itself on every tick,
		 * and must still let the idle strategy sleep. */
		uint64_t before = r->events;

		st = stage_in(r, DP_STAGE_PROTOCOL);
		ordo_engine_tick(r->engine, r->now);
		stage_out(r, st);
		work += (unsigned)(r->events - before);
	}
	if (r->local != NULL && r->local->produce != NULL) {
		st = stage_in(r, DP_STAGE_SUBMIT);
		work += r->local->produce(r->local_ctx, r->engine, r->now);
		stage_out(r, st);
	}
	r->deadline = ordo_engine_next_deadline(r->engine);
	/* Frames a full tx ring kept staged that now went to the worker are
	 * work: a backing-off ring lcore that parked with frames staged
	 * would hold them back for as long as it sleeps. */
	work += dp_ring_flush(r);
	if (unlikely(r->now >= r->next_slow)) {
		st = stage_in(r, DP_STAGE_SLOW);
		slow_path(r);
		stage_out(r, st);
	}
	dp_stages_end(&r->stg, rte_rdtsc(), work);
	return work;
}

void dp_ring_run(struct dp_ring *r, volatile bool *quit)
{
	r->quit = quit;
	r->stg.st.lcore = rte_lcore_id();
	dp_idle_start(&r->idle);
	while (!__atomic_load_n(quit, __ATOMIC_RELAXED))
		dp_idle_turn(&r->idle, dp_ring_do_work(r));
	if (r->io != NULL)
		dp_io_ring_stop(r->io);
	dp_ring_publish(r);
}
