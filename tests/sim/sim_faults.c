/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fault schedule (faults.h) applied to a run: crashes and restarts,
 * links cut, restored and flapping, nodes paused, slowed and resumed.
 *
 * A node that does not run (paused, or in the off part of a slow spell)
 * handles nothing: packets for it wait in its receive queue, its timers
 * and its submissions wait. When it runs again, the queue is handled at
 * the same instant in bursts of RX_BURST packets with the engine's timers
 * fired between bursts, as the dataplane's poll loop does after a SIGSTOP
 * (rx burst, then timers): an engine sees a flood of stale packets and
 * long-expired timers at once, which is what a quiet simulator never
 * shows it.
 */
#include <stdlib.h>

#include "tests/sim/sim_impl.h"

/* The dataplane's rx burst (DP_RX_BURST). */
#define RX_BURST 32u

/* Links follow the active faults: a partition or merge cuts every link
 * between its groups, a one-way fault its one direction, a flapping link
 * is down in every other period. */
static void apply_links(struct sim *s)
{
	uint32_t a, b, k;

	for (a = 0; a < s->o.nodes; a++) {
		for (b = 0; b < s->o.nodes; b++) {
			bool up = true;

			for (k = 0; k < s->faults.n && up; k++)
				if (s->fault_active[k])
					up = !fault_cuts(&s->faults.f[k], a, b,
							 s->now);
			net_set_link(&s->net, a, b, up);
		}
	}
}

static void push_step(struct sim *s, uint64_t t, uint32_t k, uint32_t step)
{
	sim_push(s, t, EV_FAULT, k * FAULT_STEPS + step, NULL);
	if (step != FAULT_STEP_TOGGLE)
		s->faults_pending++;
}

/* A flapping link's next change of state, if before it heals. */
static void flap_next(struct sim *s, uint32_t k)
{
	const struct fault *f = &s->faults.f[k];
	uint64_t t = f->at + ((s->now - f->at) / f->period + 1) * f->period;

	if (t < f->heal)
		push_step(s, t, k, FAULT_STEP_TOGGLE);
}

static int pause_step(struct sim *s, uint32_t k, uint32_t step)
{
	const struct fault *f = &s->faults.f[k];
	struct sim_node *n = &s->node[f->node];

	if (step == FAULT_STEP_START) {
		if (n->e != NULL) {
			n->pause_k = (int32_t)k;
			s->res.pauses++;
		}
		return 0;
	}
	if (n->pause_k != (int32_t)k)
		return 0; /* it was down when the pause began */
	n->pause_k = -1;
	if (f->restart) {
		/* Killed while stopped: what it queued dies with it. */
		sim_proc_crash(s, f->node);
		s->res.restarts++;
		return sim_proc_start(s, f->node);
	}
	s->res.resumes++;
	sim_resume(s, n);
	return 0;
}

static void slow_step(struct sim *s, uint32_t k, uint32_t step)
{
	const struct fault *f = &s->faults.f[k];
	struct sim_node *n = &s->node[f->node];

	if (step == FAULT_STEP_START) {
		n->slow_k = (int32_t)k;
		net_set_rx_delay(&s->net, f->node, f->delay);
		return;
	}
	n->slow_k = -1;
	net_set_rx_delay(&s->net, f->node, 0);
	if (n->e != NULL)
		sim_resume(s, n);
}

int sim_fault_step(struct sim *s, uint32_t k, uint32_t step)
{
	const struct fault *f = &s->faults.f[k];
	int rc = 0;

	if (step != FAULT_STEP_TOGGLE)
		s->faults_pending--;
	s->res.progress_at = s->now;
	s->dirty = true;
	switch (f->kind) {
	case FAULT_CRASH:
		if (step == FAULT_STEP_START) {
			sim_proc_crash(s, f->node);
		} else if (s->node[f->node].e == NULL) {
			s->res.restarts++;
			rc = sim_proc_start(s, f->node);
		}
		return rc;
	case FAULT_PAUSE:
		return pause_step(s, k, step);
	case FAULT_SLOW:
		slow_step(s, k, step);
		return 0;
	case FAULT_FLAP:
		if (step != FAULT_STEP_HEAL)
			flap_next(s, k);
		break;
	default:
		break;
	}
	if (step != FAULT_STEP_TOGGLE)
		s->fault_active[k] = step == FAULT_STEP_START;
	apply_links(s);
	if (f->kind == FAULT_FLAP && f->peer == FAULT_ALL_LINKS)
		sim_link_sync(s, &s->node[f->node]);
	return 0;
}

void sim_schedule_faults(struct sim *s)
{
	uint32_t k;

	for (k = 0; k < s->faults.n; k++) {
		const struct fault *f = &s->faults.f[k];

		if (f->at == 0 && f->kind == FAULT_MERGE) {
			s->faults_pending++; /* sim_fault_step counts it off */
			sim_fault_step(s, k, FAULT_STEP_START); /* before anyone
								 * sends */
		} else {
			push_step(s, f->at, k, FAULT_STEP_START);
		}
		if (f->heal != UINT64_MAX)
			push_step(s, f->heal, k, FAULT_STEP_HEAL);
	}
}

/* ---- a node's own link ------------------------------------------------------
 * A flap of every link of a node is its NIC or cable flapping: the node
 * sees its own link go down and up (the dataplane polls the port's link
 * state), so its engine is told. A flapping link between two members is
 * not seen by either port (a switch in between): their engines are not
 * told, and must find out from silence (engine/flap.c). */
static bool own_link_down(const struct sim *s, uint32_t node)
{
	uint32_t k;

	for (k = 0; k < s->faults.n; k++) {
		const struct fault *f = &s->faults.f[k];

		if (s->fault_active[k] && f->kind == FAULT_FLAP &&
		    f->peer == FAULT_ALL_LINKS && f->node == node &&
		    fault_cuts(f, node, node, s->now))
			return true;
	}
	return false;
}

static uint64_t off_until(const struct sim *s, const struct sim_node *n);

void sim_link_sync(struct sim *s, struct sim_node *n)
{
	bool down = own_link_down(s, n->idx);

	/* A node that does not run reads its link when it runs again (the
	 * dataplane polls the state; changes meanwhile are not queued). */
	if (n->e == NULL || down == n->link_down || off_until(s, n) != 0)
		return;
	n->link_down = down;
	ordo_engine_link(n->e, !down, s->now);
	sim_arm_timer(s, n);
}

/* ---- nodes that do not run ----------------------------------------------*/
/* Until when node n is off, or 0 if it runs now. A pause has no end
 * known to the node (its heal step resumes it): UINT64_MAX. */
static uint64_t off_until(const struct sim *s, const struct sim_node *n)
{
	const struct fault *f;
	uint64_t phase;

	if (n->pause_k >= 0)
		return UINT64_MAX;
	if (n->slow_k < 0)
		return 0;
	f = &s->faults.f[n->slow_k];
	phase = (s->now - f->at) % f->period;
	return phase < f->off ? s->now - phase + f->off : 0;
}

bool sim_hold(struct sim *s, struct sim_node *n, const struct ev *ev)
{
	struct sim_rxq *q = &s->rxq[n->idx];
	uint64_t until = off_until(s, n);

	if (until == 0)
		return false;
	if (until != UINT64_MAX && n->wake_at != until) {
		n->wake_at = until;
		sim_push(s, until, EV_WAKE, n->idx, NULL);
	}
	switch (ev->kind) {
	case EV_RX:
		if (q->n == SIM_RXQ_MAX) {
			s->res.rxq_dropped++;
			pktpool_put(&s->pool, ev->pkt);
			break;
		}
		if (q->n == q->cap) {
			uint32_t cap = q->cap ? 2 * q->cap : 256;
			struct pktbuf **p = realloc(q->pkt, cap * sizeof(*p));

			if (p == NULL) {
				report_violation(&s->res.run, CHK_SIM,
						 "receive queue: no memory");
				pktpool_put(&s->pool, ev->pkt);
				break;
			}
			q->pkt = p;
			q->cap = cap;
		}
		q->pkt[q->n++] = ev->pkt;
		break;
	case EV_TICK:
		if (ev->time == n->tick_at)
			n->tick_at = UINT64_MAX; /* fired late, at resume */
		break;
	case EV_SUBMIT:
		if (ev->time == n->submit_at)
			n->submit_at = UINT64_MAX; /* re-armed at resume */
		break;
	}
	return true;
}

static void tick_if_due(struct sim *s, struct sim_node *n)
{
	if (n->e != NULL && ordo_engine_next_deadline(n->e) <= s->now)
		ordo_engine_tick(n->e, s->now);
}

void sim_resume(struct sim *s, struct sim_node *n)
{
	struct sim_rxq *q = &s->rxq[n->idx];
	uint32_t k;

	if (s->now >= n->wake_at)
		n->wake_at = 0;
	if (n->e == NULL || off_until(s, n) != 0)
		return; /* crashed meanwhile, or off again */
	for (k = 0; k < q->n && n->e != NULL; k++) {
		sim_node_rx(s, n, q->pkt[k]);
		q->pkt[k] = NULL;
		if ((k + 1) % RX_BURST == 0)
			tick_if_due(s, n);
	}
	q->n = 0;
	sim_link_sync(s, n);
	tick_if_due(s, n);
	s->dirty = true;
	sim_arm_timer(s, n);
	sim_arm_submit(s, n, sim_next_due(s, n->idx));
}
