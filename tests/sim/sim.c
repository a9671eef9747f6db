/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The simulation loop: a run's set-up, the processes, the events; see
 * sim.h. The engine's ops, the glue to the simulated world, are in
 * sim_ops.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/gsim.h"
#include "tests/sim/sim_impl.h"

/* An engine that asks for a tick "now" or earlier gets it this much later:
 * a real event loop cannot call back in zero time either, and a one-member
 * ring, which visits itself on every tick, would otherwise spin forever at
 * one instant of simulated time. */
#define TIMER_SLACK_NS 1000u

/* Any ring with an unremarkable config hash: all nodes share it. */
#define SIM_CONFIG_HASH 0x0051d51du

/* Without membership timers (an engine that predates them), faults are
 * scheduled as if token loss + consensus took this long. */
#define FAULT_UNIT_FALLBACK_NS (30ull * 1000 * 1000)

/* Submissions 5 us apart on average without faults: with the default 200
 * messages, about ten token rotations of overlapping traffic. */
#define SPREAD_PER_MSG_NS 5000u

void sim_opts_default(struct sim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->nodes = 5;
	o->mtu = 1500;
	o->time_limit_ns = 10ull * 1000 * 1000 * 1000;
	o->stall_ns = 2ull * 1000 * 1000 * 1000;
	o->max_events = 200ull * 1000 * 1000;
	o->wl.msgs = 200;
	o->gclients = 3;
	o->ggroups = 4;
	net_params_default(&o->net);
	fault_params_default(&o->faults);
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
	const struct sim_opts *o = &s->o;
	uint32_t i, max = wl_max_len(&o->wl);

	ordo_engine_config_defaults(c);
	c->my_id = idx + 1;
	c->incarnation = s->node[idx].incarnations ? s->node[idx].incarnations
						   : 1;
	c->ring_seq_floor = s->node[idx].ring_seq_floor;
	c->n_members = o->nodes;
	for (i = 0; i < o->nodes; i++)
		c->members[i] = i + 1;
	c->config_hash = SIM_CONFIG_HASH;
	c->mtu = o->mtu;
	if (o->personal_window)
		c->personal_window = o->personal_window;
	if (o->global_window)
		c->global_window = o->global_window;
	if (o->accel_window)
		c->accel_window = o->accel_window == UINT32_MAX ?
					  0 : o->accel_window;
	if (o->store_packets)
		c->store_packets = o->store_packets;
	if (c->max_msg_size < max)
		c->max_msg_size = max;
	if (c->submit_bytes < c->max_msg_size + 64u)
		c->submit_bytes = c->max_msg_size + (64u << 10);
	c->token_retransmit_ns = s->token_retx_ns;
	if (o->token_loss_ns)
		c->token_loss_ns = o->token_loss_ns;
	if (o->join_ns)
		c->join_ns = o->join_ns;
	if (o->consensus_ns)
		c->consensus_ns = o->consensus_ns;
	if (o->merge_detect_ns)
		c->merge_detect_ns = o->merge_detect_ns;
	if (o->holddown_ns)
		c->holddown_ns = o->holddown_ns;
	if (o->flap_hold_ns)
		c->flap_hold_ns = o->flap_hold_ns == UINT64_MAX ?
					  0 : o->flap_hold_ns;
	if (o->fail_recv_rounds)
		c->fail_recv_rounds = o->fail_recv_rounds;
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
	sim_frames_init(&s->frames, o->mtu);
	for (i = 0; i < SIM_MAX_PROCS; i++)
		sim_log_init(&s->logs[i]);

	engine_config(s, 0, &c);
	s->token_retx_ns = o->token_retx_ns ? o->token_retx_ns :
					      derive_token_retx(o, &c);
	c.token_retransmit_ns = s->token_retx_ns;
	s->fault_unit_ns = c.token_loss_ns + c.consensus_ns;
	s->flap_hold_ns = c.flap_hold_ns;
	if (s->fault_unit_ns == 0)
		s->fault_unit_ns = FAULT_UNIT_FALLBACK_NS;
	/* Long enough for several rotations, so a late duplicate or a
	 * spurious delivery still lands inside the run. */
	s->grace_ns = 4 * s->token_retx_ns;
	if (s->grace_ns < 1000000)
		s->grace_ns = 1000000;
	if (ordo_engine_config_check(&c, err, errlen) != 0)
		return -EINVAL;
	if (o->groups) {
		s->gs = gsim_new(o->gclients, o->ggroups);
		if (s->gs == NULL) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
	}
	return 0;
}

void sim_rxq_drop(struct sim *s, uint32_t i)
{
	struct sim_rxq *q = &s->rxq[i];
	uint32_t k;

	for (k = 0; k < q->n; k++)
		pktpool_put(&s->pool, q->pkt[k]);
	q->n = 0;
}

static void release_events(struct sim *s)
{
	struct ev ev;
	uint32_t i;

	while (evq_pop(&s->q, &ev))
		if (ev.pkt != NULL)
			pktpool_put(&s->pool, ev.pkt);
	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		sim_rxq_drop(s, i);
}

static void destroy_engines(struct sim *s)
{
	uint32_t i;

	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		if (s->node[i].e != NULL)
			sim_engine_gone(s, &s->node[i]);
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
	sim_frames_fini(&s->frames);
	for (i = 0; i < SIM_MAX_PROCS; i++)
		sim_log_fini(&s->logs[i]);
	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		free(s->rxq[i].pkt);
	free(s->self_got);
	gsim_free(s->gs);
	s->gs = NULL;
}

/* ---- scheduling ----------------------------------------------------------*/
void sim_push(struct sim *s, uint64_t t, uint8_t kind, uint32_t idx,
	      struct pktbuf *b)
{
	if (evq_push(&s->q, t, kind, idx, b) != 0) {
		report_violation(&s->res.run, CHK_SIM, "event queue: no memory");
		if (b != NULL)
			pktpool_put(&s->pool, b);
	}
}

/* After every engine call: a tick if the engine wants one sooner. */
void sim_arm_timer(struct sim *s, struct sim_node *n)
{
	uint64_t d;

	if (n->e == NULL)
		return;
	d = ordo_engine_next_deadline(n->e);
	if (d == UINT64_MAX)
		return;
	if (d <= s->now)
		d = s->now + TIMER_SLACK_NS;
	if (d < n->tick_at) {
		n->tick_at = d;
		sim_push(s, d, EV_TICK, n->idx, NULL);
	}
}

void sim_arm_submit(struct sim *s, struct sim_node *n, uint64_t t)
{
	/* Messages due while the node was down or paused go now, not in
	 * the past (the queue's time never runs backwards). */
	if (t < s->now)
		t = s->now;
	if (t == UINT64_MAX || t >= n->submit_at)
		return;
	n->submit_at = t;
	sim_push(s, t, EV_SUBMIT, n->idx, NULL);
}

/* ---- processes -----------------------------------------------------------*/
static void add_stats(struct ordo_engine_stats *t,
		      const struct ordo_engine_stats *e)
{
	uint32_t k;

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
	t->ring_changes += e->ring_changes;
	t->token_losses += e->token_losses;
	t->joins_sent += e->joins_sent;
	t->commits += e->commits;
	t->excluded += e->excluded;
	t->flap_holds += e->flap_holds;
	for (k = 0; k < ORDO_DROP_REASON_MAX; k++)
		t->drops[k] += e->drops[k];
}

/* Node index i starts a new process: a fresh engine, incarnation and log.
 * Returns 0, or -errno when the engine cannot be created. */
int sim_proc_start(struct sim *s, uint32_t i)
{
	struct sim_node *n = &s->node[i];
	struct ordo_engine_config c;
	uint32_t p;

	if (s->n_procs == SIM_MAX_PROCS) {
		s->res.restarts_skipped++; /* it stays down */
		return 0;
	}
	p = s->n_procs++;
	n->incarnations++;
	s->procs[p] = (struct proc_info){ .node = i + 1,
					  .incarnation = n->incarnations,
					  .started = s->now,
					  .crashed = UINT64_MAX };
	memset(&s->sp[p], 0, sizeof(s->sp[p]));
	sim_log_clear(&s->logs[p]);
	tap_proc(&s->tap, p, i + 1);
	engine_config(s, i, &c);
	n->proc = (int32_t)p;
	n->last_delivered = WL_NONE;
	n->tick_at = n->submit_at = UINT64_MAX;
	n->has_final = false;
	n->e = ordo_engine_create(&c, sim_engine_ops(s->o.frames), n);
	if (n->e == NULL)
		return -errno;
	if (s->gs != NULL) {
		int rc = gsim_proc_start(s, i);

		if (rc != 0)
			return rc;
	}
	ordo_engine_start(n->e, s->now);
	n->link_down = false; /* a new engine takes its link as up */
	sim_link_sync(s, n);
	sim_arm_timer(s, n);
	sim_arm_submit(s, n, sim_next_due(s, i));
	s->dirty = true;
	return 0;
}

void sim_proc_crash(struct sim *s, uint32_t i)
{
	struct sim_node *n = &s->node[i];
	struct ordo_engine_status st;

	if (n->e == NULL)
		return;
	/* What a daemon persists for its next incarnation: the highest ring
	 * sequence it used or saw, so no ring id is ever used twice. */
	ordo_engine_status(n->e, &st);
	n->ring_seq_floor = st.ring_seq_max; /* it wraps: the latest */
	if (s->gs != NULL)
		gsim_proc_crash(s, i);
	add_stats(&s->res.engine, ordo_engine_stats(n->e));
	sim_engine_gone(s, n);
	sim_rxq_drop(s, i); /* a dead process's receive queue is gone */
	s->procs[n->proc].crashed = s->now;
	n->proc = -1;
	n->tick_at = n->submit_at = UINT64_MAX;
	s->res.crashes++;
	s->dirty = true;
}

uint64_t sim_next_due(const struct sim *s, uint32_t i)
{
	return s->gs != NULL ? gsim_next_due(s, i) : wl_next_due(&s->wl, i);
}

/* ---- a run ---------------------------------------------------------------*/
static int reset(struct sim *s, uint64_t seed)
{
	struct wl_params wp = s->o.wl;
	uint32_t i;
	int rc;

	release_events(s);
	destroy_engines(s);
	evq_clear(&s->q);
	memset(&s->res, 0, sizeof(s->res));
	s->res.done_at = UINT64_MAX;
	s->now = 0;
	s->n_procs = 0;
	s->conf_seen = false;
	s->dirty = true;
	s->faults_pending = 0;
	memset(s->fault_active, 0, sizeof(s->fault_active));
	memset(s->node, 0, sizeof(s->node));
	for (i = 0; i < ORDO_MAX_MEMBERS; i++) {
		s->node[i].sim = s;
		s->node[i].idx = i;
		s->node[i].proc = -1;
		s->node[i].tick_at = s->node[i].submit_at = UINT64_MAX;
		s->node[i].pause_k = s->node[i].slow_k = -1;
	}

	faults_plan(&s->faults, &s->o.faults, seed, s->o.nodes,
		    s->fault_unit_ns);
	/* With faults, traffic runs through the whole fault window. */
	if (wp.spread_ns == 0)
		wp.spread_ns = s->faults.n ? s->faults.window :
			       (uint64_t)wp.msgs * SPREAD_PER_MSG_NS;
	if (s->gs != NULL) {
		/* Client actions instead of engine messages (gsim.h). */
		rc = gsim_reset(s->gs, s, seed, wp.msgs, wp.spread_ns);
		if (rc != 0)
			return rc;
		wp.msgs = 0;
	}
	rc = wl_plan(&s->wl, &wp, seed, s->o.nodes);
	if (rc != 0)
		return rc;
	net_reset(&s->net, &s->o.net, seed, s->o.nodes, &s->q, &s->pool);
	hostile_reset(&s->hostile, &s->o.hostile, seed, s->o.nodes,
		      s->gs != NULL ? s->gs->last_due : wl_last_due(&s->wl));
	tap_reset(&s->tap, &s->wl.plan, s->o.nodes);
	s->tap.opaque = s->gs != NULL;

	if (s->wl.plan.n > s->self_got_cap) {
		uint8_t *g = realloc(s->self_got, s->wl.plan.n);

		if (g == NULL)
			return -ENOMEM;
		s->self_got = g;
		s->self_got_cap = s->wl.plan.n;
	}
	memset(s->self_got, 0, s->wl.plan.n);
	return 0;
}

/* Every live node is in one regular configuration of exactly the live
 * nodes, submitted all it planned, delivered its own messages, and they
 * all delivered the same messages in that configuration. */
static bool settled(const struct sim *s)
{
	const struct sim_proc *first = NULL;
	uint32_t i, live = 0;

	if (s->faults_pending)
		return false;
	for (i = 0; i < s->o.nodes; i++) {
		const struct sim_node *n = &s->node[i];
		const struct sim_proc *sp;

		if (n->e == NULL)
			continue;
		sp = &s->sp[n->proc];
		live |= 1u << i;
		if (sim_next_due(s, i) != UINT64_MAX ||
		    (s->gs != NULL && !gsim_node_settled(s, i)) ||
		    sp->self_delivered != sp->accepted ||
		    (s->conf_seen && !sp->in_regular))
			return false;
		if (first == NULL) {
			first = sp;
			continue;
		}
		if (sp->ring_count != first->ring_count ||
		    sp->ring_sum != first->ring_sum ||
		    sp->ring_rep != first->ring_rep ||
		    sp->ring_seq != first->ring_seq)
			return false;
	}
	return first != NULL && (!s->conf_seen || first->members == live);
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

void sim_node_rx(struct sim *s, struct sim_node *n, struct pktbuf *b)
{
	uint64_t before = drops_total(n->e);
	int rc;

	if (s->o.frames) {
		/* As a dataplane does: the packet in a frame of its own,
		 * offered by handle. */
		uint64_t h;
		uint8_t *f = b->len <= s->frames.cap_bytes ?
				     sim_frames_get(&s->frames, n->idx, &h) :
				     NULL;
		bool kept;

		if (f != NULL) {
			memcpy(f, b->data, b->len);
			rc = ordo_engine_rx_frame(n->e, f, b->len, s->now, h,
						  &kept);
			sim_frames_offered(&s->frames, n->idx, h, kept);
		} else {
			rc = ordo_engine_rx(n->e, b->data, b->len, s->now);
		}
	} else {
		rc = ordo_engine_rx(n->e, b->data, b->len, s->now);
	}

	/* A packet counts as held only if the engine kept it: rx said 0 and
	 * no drop counter moved. engine.h promises a negative reason for
	 * every counted drop; where it returns 0 anyway, holding would be
	 * judged too leniently, so we look at both and count the
	 * disagreement. */
	if (drops_total(n->e) != before) {
		s->res.rx_rc_mismatch += rc == 0;
		rc = rc ? rc : -ORDO_DROP_REASON_MAX;
	}
	if (b->hostile)
		hostile_rx(&s->hostile, rc);
	tap_received(&s->tap, (uint32_t)n->proc, b->data, b->len, s->now, rc);
	pktpool_put(&s->pool, b);
}

static int on_event(struct sim *s, const struct ev *ev)
{
	struct sim_node *n;

	if (ev->kind == EV_FAULT)
		return sim_fault_step(s, ev->node / FAULT_STEPS,
				      ev->node % FAULT_STEPS);
	n = &s->node[ev->node];
	if (n->e == NULL) {
		/* Crashed: packets fall on the floor, timers are gone. */
		if (ev->pkt != NULL)
			pktpool_put(&s->pool, ev->pkt);
		return 0;
	}
	if (ev->kind == EV_WAKE) {
		sim_resume(s, n);
		return 0;
	}
	if (sim_hold(s, n, ev))
		return 0; /* paused or off: it waits */
	switch (ev->kind) {
	case EV_RX:
		sim_node_rx(s, n, ev->pkt);
		break;
	case EV_TICK:
		if (ev->time != n->tick_at)
			return 0; /* superseded by an earlier tick */
		n->tick_at = UINT64_MAX;
		ordo_engine_tick(n->e, s->now);
		break;
	case EV_SUBMIT: {
		struct sim_proc *sp = &s->sp[n->proc];
		uint32_t before = sp->accepted;

		if (ev->time != n->submit_at)
			return 0;
		n->submit_at = UINT64_MAX;
		if (s->gs != NULL)
			sim_arm_submit(s, n, gsim_run_due(s, n->idx));
		else
			sim_arm_submit(s, n, wl_submit_due(&s->wl, n->idx,
						s->now, n->e, n->proc,
						n->last_delivered,
						&sp->accepted));
		if (sp->accepted != before) {
			s->res.progress_at = s->now;
			s->dirty = true;
		}
		break;
	}
	}
	sim_arm_timer(s, n);
	return 0;
}

int sim_run(struct sim *s, uint64_t seed)
{
	struct ev ev = { 0 };
	uint64_t quiet_after;
	uint32_t i;
	int rc;

	rc = reset(s, seed);
	if (rc == 0)
		sim_schedule_faults(s); /* a merge's split is in place first */
	for (i = 0; rc == 0 && i < s->o.nodes; i++)
		rc = sim_proc_start(s, i);
	if (rc != 0) {
		s->res.end = SIM_END_ERROR;
		report_violation(&s->res.run, CHK_SIM,
				 "cannot set up the run: %s", strerror(-rc));
		release_events(s);
		return rc == -ENOMEM ? rc : 0;
	}
	quiet_after = wl_last_due(&s->wl) > s->faults.last ?
			      wl_last_due(&s->wl) : s->faults.last;
	if (s->gs != NULL && s->gs->last_due > quiet_after)
		quiet_after = s->gs->last_due;
	/* After faults, a member the engines hold out for flapping waits for
	 * flap_hold_ns of stability, twice when holds chain (one member's
	 * return costs another its place): not a stall. */
	if (s->faults.n)
		quiet_after += 2 * s->flap_hold_ns;

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
		    ev.time > quiet_after + s->o.stall_ns) {
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
		rc = on_event(s, &ev);
		ev.pkt = NULL; /* consumed */
		if (rc != 0) {
			s->res.end = SIM_END_ERROR;
			report_violation(&s->res.run, CHK_SIM,
					 "cannot restart a node: %s",
					 strerror(-rc));
			break;
		}
		if (s->dirty) {
			bool ok = settled(s);

			s->dirty = false;
			if (!ok)
				s->res.done_at = UINT64_MAX;
			else if (s->res.done_at == UINT64_MAX)
				s->res.done_at = s->now;
		}
	}
	if (ev.pkt != NULL)
		pktpool_put(&s->pool, ev.pkt); /* the event we stopped at */
	s->res.end_time = s->now;
	release_events(s);
	for (i = 0; i < s->o.nodes; i++)
		if (s->node[i].e != NULL)
			add_stats(&s->res.engine,
				  ordo_engine_stats(s->node[i].e));
	/* --frames: every engine gives back every frame it holds, checked in
	 * this seed (where each stood is kept for the report). */
	for (i = 0; s->o.frames && i < ORDO_MAX_MEMBERS; i++) {
		struct sim_node *n = &s->node[i];

		if (n->e == NULL)
			continue;
		ordo_engine_status(n->e, &n->final);
		n->has_final = true;
		sim_engine_gone(s, n);
	}
	sim_frames_report(s);
	return 0;
}
