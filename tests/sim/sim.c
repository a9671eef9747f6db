/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The simulation loop and the glue between the engine and the simulated
 * world; see sim.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* An engine that asks for a tick "now" or earlier gets it this much later:
 * a real event loop cannot call back in zero time either, and a one-member
 * ring, which visits itself on every tick, would otherwise spin forever at
 * one instant of simulated time. */
#define TIMER_SLACK_NS 1000u

/* Any ring with an unremarkable config hash: all nodes share it. */
#define SIM_CONFIG_HASH 0x0051d51du

void sim_opts_default(struct sim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->nodes = 5;
	o->mtu = 1500;
	o->time_limit_ns = 10ull * 1000 * 1000 * 1000;
	o->stall_ns = 2ull * 1000 * 1000 * 1000;
	o->max_events = 200ull * 1000 * 1000;
	o->wl.msgs = 200;
	net_params_default(&o->net);
}

const char *sim_end_name(enum sim_end e)
{
	static const char *const names[] = {
		[SIM_END_QUIET] = "quiet",
		[SIM_END_TIME_LIMIT] = "time-limit",
		[SIM_END_STALLED] = "stalled",
		[SIM_END_IDLE] = "idle",
		[SIM_END_BUDGET] = "event-budget",
		[SIM_END_ERROR] = "error",
	};

	return (unsigned)e < sizeof(names) / sizeof(names[0]) ? names[e] : "?";
}

static uint64_t wire_ns(const struct net_params *p, uint32_t bytes)
{
	return ((uint64_t)bytes * 8 * 1000 + p->mbps - 1) / p->mbps;
}

/* Token retransmission: a successor shows the token arrived by sending,
 * or the token comes back after a rotation. A rotation takes at most a hop
 * per member plus the global window of packets serialized one after the
 * other (each member sends only while it holds the token, or just after).
 * Wait two such rotations plus the worst reordering delay, so a token that
 * was merely slow is seldom resent (a resent token is harmless: dropped as
 * a duplicate); a lost one then costs little simulated time, and simulated
 * idle time costs no wall time at all. */
static uint64_t derive_token_retx(const struct sim_opts *o,
				  const struct ordo_engine_config *c)
{
	const struct net_params *p = &o->net;
	uint64_t hop = p->latency_ns + p->jitter_ns + wire_ns(p, c->mtu);
	uint64_t burst = (uint64_t)c->global_window * wire_ns(p, c->mtu);
	uint64_t t = 2 * (o->nodes * hop + burst) + p->reorder_ns;

	return t < 200000 ? 200000 : t;
}

static void engine_config(const struct sim *s, uint32_t idx,
			  struct ordo_engine_config *c)
{
	uint32_t i, max = wl_max_len(&s->o.wl);

	ordo_engine_config_defaults(c);
	c->my_id = idx + 1;
	c->n_members = s->o.nodes;
	for (i = 0; i < s->o.nodes; i++)
		c->members[i] = i + 1;
	c->config_hash = SIM_CONFIG_HASH;
	c->mtu = s->o.mtu;
	if (s->o.personal_window)
		c->personal_window = s->o.personal_window;
	if (s->o.global_window)
		c->global_window = s->o.global_window;
	if (s->o.accel_window)
		c->accel_window = s->o.accel_window == UINT32_MAX ?
					  0 : s->o.accel_window;
	if (s->o.store_packets)
		c->store_packets = s->o.store_packets;
	if (c->max_msg_size < max)
		c->max_msg_size = max;
	if (c->submit_bytes < c->max_msg_size + 64u)
		c->submit_bytes = c->max_msg_size + (64u << 10);
	c->token_retransmit_ns = s->token_retx_ns;
}

int sim_init(struct sim *s, const struct sim_opts *o, char *err,
	     size_t errlen)
{
	struct ordo_engine_config c;
	uint32_t i;

	memset(s, 0, sizeof(*s));
	s->o = *o;
	if (o->nodes < 1 || o->nodes > ORDO_MAX_MEMBERS) {
		snprintf(err, errlen, "--nodes %u is outside 1..%u", o->nodes,
			 ORDO_MAX_MEMBERS);
		return -EINVAL;
	}
	evq_init(&s->q);
	pktpool_init(&s->pool);
	wl_init(&s->wl);
	tap_init(&s->tap);
	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		sim_log_init(&s->logs[i]);

	engine_config(s, 0, &c);
	s->token_retx_ns = o->token_retx_ns ? o->token_retx_ns :
					      derive_token_retx(o, &c);
	c.token_retransmit_ns = s->token_retx_ns;
	/* Long enough for several rotations, so a late duplicate or a
	 * spurious delivery still lands inside the run. */
	s->grace_ns = 4 * s->token_retx_ns;
	if (s->grace_ns < 1000000)
		s->grace_ns = 1000000;
	if (ordo_engine_config_check(&c, err, errlen) != 0)
		return -EINVAL;
	return 0;
}

static void release_events(struct sim *s)
{
	struct ev ev;

	while (evq_pop(&s->q, &ev))
		if (ev.pkt != NULL)
			pktpool_put(&s->pool, ev.pkt);
}

static void destroy_engines(struct sim *s)
{
	uint32_t i;

	for (i = 0; i < ORDO_MAX_MEMBERS; i++) {
		ordo_engine_destroy(s->node[i].e);
		s->node[i].e = NULL;
	}
}

void sim_fini(struct sim *s)
{
	uint32_t i;

	release_events(s);
	destroy_engines(s);
	evq_fini(&s->q);
	pktpool_fini(&s->pool);
	wl_fini(&s->wl);
	tap_fini(&s->tap);
	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		sim_log_fini(&s->logs[i]);
	free(s->got);
}

/* ---- scheduling ----------------------------------------------------------*/
static void push(struct sim *s, uint64_t t, uint8_t kind, uint32_t idx,
		 struct pktbuf *b)
{
	if (evq_push(&s->q, t, kind, idx, b) != 0) {
		report_violation(&s->res.run, CHK_SIM, "event queue: no memory");
		if (b != NULL)
			pktpool_put(&s->pool, b);
	}
}

/* After every engine call: a tick if the engine wants one sooner. */
static void arm_timer(struct sim *s, struct sim_node *n)
{
	uint64_t d = ordo_engine_next_deadline(n->e);

	if (d == UINT64_MAX)
		return;
	if (d <= s->now)
		d = s->now + TIMER_SLACK_NS;
	if (d < n->tick_at) {
		n->tick_at = d;
		push(s, d, EV_TICK, n->idx, NULL);
	}
}

static void arm_submit(struct sim *s, struct sim_node *n, uint64_t t)
{
	if (t == UINT64_MAX || t >= n->submit_at)
		return;
	n->submit_at = t;
	push(s, t, EV_SUBMIT, n->idx, NULL);
}

/* ---- the engine's ops ----------------------------------------------------*/
static void op_send(void *ctx, uint32_t dest, const void *pkt, uint32_t len)
{
	struct sim_node *n = ctx;
	struct sim *s = n->sim;
	int rc;

	tap_sent(&s->tap, n->idx, pkt, len, s->now);
	if (dest == ORDO_DEST_RING) {
		rc = net_send(&s->net, s->now, n->idx, NET_ALL, pkt, len);
	} else if (dest >= 1 && dest <= s->o.nodes && dest != n->idx + 1) {
		rc = net_send(&s->net, s->now, n->idx, dest - 1, pkt, len);
	} else {
		report_violation(&s->res.run, CHK_WIRE,
				 "node %u sent a packet to node id %u",
				 n->idx + 1, dest);
		return;
	}
	if (rc == -EMSGSIZE)
		report_violation(&s->res.run, CHK_WIRE,
				 "node %u sent a %u-byte packet (mtu %u)",
				 n->idx + 1, len, s->o.mtu);
	else if (rc != 0)
		report_violation(&s->res.run, CHK_SIM, "network: no memory");
	else if (len > s->o.mtu)
		report_violation(&s->res.run, CHK_WIRE,
				 "node %u sent a %u-byte packet (mtu %u)",
				 n->idx + 1, len, s->o.mtu);
}

static void op_deliver(void *ctx, const struct ordo_delivery *d)
{
	struct sim_node *n = ctx;
	struct sim *s = n->sim;
	const struct plan *pl = &s->wl.plan;
	struct sim_log_entry *x = sim_log_delivery(&s->logs[n->idx], s->now, d);
	int32_t idx;

	if (x == NULL) {
		report_violation(&s->res.run, CHK_SIM, "log: no memory");
		return;
	}
	/* Progress only: judging the delivery is the checker's job. */
	idx = x->msg.has_hdr ? plan_find(pl, x->msg.origin, x->msg.counter) :
			       WL_NONE;
	if (idx == WL_NONE || pl->msgs[idx].len != x->msg.len ||
	    pl->msgs[idx].digest != x->msg.digest)
		return;
	n->last_delivered = idx;
	if (!s->got[(size_t)idx * s->o.nodes + n->idx]) {
		s->got[(size_t)idx * s->o.nodes + n->idx] = 1;
		s->res.progress_at = s->now;
		if (++s->have == s->want)
			s->res.done_at = s->now;
	}
}

static const struct ordo_engine_ops sim_ops = {
	.send = op_send,
	.deliver = op_deliver,
};

/* ---- a run ---------------------------------------------------------------*/
static int reset(struct sim *s, uint64_t seed)
{
	size_t got;
	uint32_t i;
	int rc;

	release_events(s);
	destroy_engines(s);
	evq_clear(&s->q);
	memset(&s->res, 0, sizeof(s->res));
	s->res.done_at = UINT64_MAX;
	s->now = 0;

	rc = wl_plan(&s->wl, &s->o.wl, seed, s->o.nodes);
	if (rc != 0)
		return rc;
	net_reset(&s->net, &s->o.net, seed, s->o.nodes, &s->q, &s->pool);
	tap_reset(&s->tap, &s->wl.plan, s->o.nodes);

	got = (size_t)s->wl.plan.n * s->o.nodes;
	if (got > s->got_cap) {
		uint8_t *g = realloc(s->got, got);

		if (g == NULL)
			return -ENOMEM;
		s->got = g;
		s->got_cap = got;
	}
	memset(s->got, 0, got);
	s->want = got;
	s->have = 0;
	if (s->want == 0)
		s->res.done_at = 0;

	for (i = 0; i < s->o.nodes; i++) {
		struct sim_node *n = &s->node[i];
		struct ordo_engine_config c;
		struct ordo_engine_status st;
		struct sim_log_entry *x;

		memset(n, 0, sizeof(*n));
		n->sim = s;
		n->idx = i;
		n->tick_at = n->submit_at = UINT64_MAX;
		n->last_delivered = WL_NONE;
		engine_config(s, i, &c);
		n->e = ordo_engine_create(&c, &sim_ops, n);
		if (n->e == NULL)
			return -errno;

		/* The log opens with the configuration the node starts in. */
		sim_log_clear(&s->logs[i]);
		x = sim_log_append(&s->logs[i]);
		if (x == NULL)
			return -ENOMEM;
		ordo_engine_status(n->e, &st);
		x->kind = SIM_LOG_CONFIG;
		x->ring_rep = st.ring_rep;
		x->ring_seq = st.ring_seq;
		x->conf.n_members = c.n_members;
		memcpy(x->conf.members, c.members, sizeof(c.members));
	}
	return 0;
}

static uint64_t drops_total(const struct ordo_engine *e)
{
	const struct ordo_engine_stats *st = ordo_engine_stats(e);
	uint64_t n = 0;
	uint32_t k;

	for (k = 1; k < ORDO_DROP_REASON_MAX; k++)
		n += st->drops[k];
	return n;
}

static void on_event(struct sim *s, const struct ev *ev)
{
	struct sim_node *n = &s->node[ev->node];
	int rc;

	switch (ev->kind) {
	case EV_RX: {
		uint64_t before = drops_total(n->e);

		rc = ordo_engine_rx(n->e, ev->pkt->data, ev->pkt->len, s->now);
		/* A packet counts as held only if the engine kept it: rx said
		 * 0 and no drop counter moved. engine.h promises a negative
		 * reason for every counted drop; where it returns 0 anyway,
		 * holding would be judged too leniently, so we look at both
		 * and count the disagreement. */
		if (drops_total(n->e) != before) {
			s->res.rx_rc_mismatch += rc == 0;
			rc = rc ? rc : -ORDO_DROP_REASON_MAX;
		}
		tap_received(&s->tap, n->idx, ev->pkt->data, ev->pkt->len,
			     s->now, rc);
		pktpool_put(&s->pool, ev->pkt);
		break;
	}
	case EV_TICK:
		if (ev->time != n->tick_at)
			return; /* superseded by an earlier tick */
		n->tick_at = UINT64_MAX;
		ordo_engine_tick(n->e, s->now);
		break;
	case EV_SUBMIT:
		if (ev->time != n->submit_at)
			return;
		n->submit_at = UINT64_MAX;
		arm_submit(s, n, wl_submit_due(&s->wl, n->idx, s->now, n->e,
					       n->last_delivered));
		break;
	}
	arm_timer(s, n);
}

static void sum_stats(struct sim *s)
{
	struct ordo_engine_stats *t = &s->res.engine;
	uint32_t i, k;

	for (i = 0; i < s->o.nodes; i++) {
		const struct ordo_engine_stats *e = ordo_engine_stats(s->node[i].e);

		t->rx_data += e->rx_data;
		t->rx_token += e->rx_token;
		t->tx_data += e->tx_data;
		t->tx_token += e->tx_token;
		t->tx_retrans += e->tx_retrans;
		t->rtr_requested += e->rtr_requested;
		t->token_retrans += e->token_retrans;
		t->rotations += e->rotations;
		t->submitted += e->submitted;
		t->delivered += e->delivered;
		t->delivered_bytes += e->delivered_bytes;
		t->reassembly_drops += e->reassembly_drops;
		for (k = 0; k < ORDO_DROP_REASON_MAX; k++)
			t->drops[k] += e->drops[k];
	}
}

int sim_run(struct sim *s, uint64_t seed)
{
	struct ev ev;
	uint32_t i;
	int rc;

	rc = reset(s, seed);
	if (rc != 0) {
		s->res.end = SIM_END_ERROR;
		report_violation(&s->res.run, CHK_SIM,
				 "cannot set up the run: %s", strerror(-rc));
		return rc;
	}
	for (i = 0; i < s->o.nodes; i++) {
		ordo_engine_start(s->node[i].e, 0);
		arm_timer(s, &s->node[i]);
		arm_submit(s, &s->node[i], wl_next_due(&s->wl, i));
	}

	s->res.end = SIM_END_IDLE;
	while (evq_pop(&s->q, &ev)) {
		if (ev.time > s->o.time_limit_ns) {
			s->res.end = SIM_END_TIME_LIMIT;
			break;
		}
		if (s->res.done_at != UINT64_MAX &&
		    ev.time > s->res.done_at + s->grace_ns) {
			s->res.end = SIM_END_QUIET;
			break;
		}
		if (s->o.stall_ns && s->res.done_at == UINT64_MAX &&
		    ev.time > s->res.progress_at + s->o.stall_ns &&
		    ev.time > wl_last_due(&s->wl)) {
			s->res.end = SIM_END_STALLED;
			break;
		}
		if (++s->res.events > s->o.max_events) {
			s->res.end = SIM_END_BUDGET;
			report_violation(&s->res.run, CHK_SIM,
					 "event budget of %llu spent at "
					 "t=%.3fus", (unsigned long long)
					 s->o.max_events, (double)ev.time / 1e3);
			break;
		}
		s->now = ev.time;
		on_event(s, &ev);
	}
	if (ev.pkt != NULL && s->res.end != SIM_END_IDLE)
		pktpool_put(&s->pool, ev.pkt); /* the event we stopped at */
	s->res.end_time = s->now;
	release_events(s);
	sum_stats(s);
	return 0;
}
