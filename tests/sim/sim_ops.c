/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The engine's ops in the simulator: what each engine sends goes to the
 * simulated network (and the tap, and the hostile fault's copy), what it
 * delivers and every configuration change to the node's log and the run's
 * progress, and with --frames its frames through the checking allocator
 * (frames.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tests/sim/gsim.h"
#include "tests/sim/sim_impl.h"

/* The hostile fault's packet that follows pkt, if any (hostile.h). */
static void hostile_inject(struct sim *s, const void *pkt, uint32_t len)
{
	static uint8_t buf[ORDO_WIRE_MAX_MTU];
	struct pktbuf *b;
	uint32_t blen, to;
	uint64_t at;

	if (!hostile_after_send(&s->hostile, pkt, len, s->now, buf, &blen,
				&to, &at))
		return;
	b = pktpool_get(&s->pool, buf, blen);
	if (b == NULL) {
		report_violation(&s->res.run, CHK_SIM, "hostile: no memory");
		return;
	}
	b->hostile = 1;
	sim_push(s, at, EV_RX, to, b);
}

static void op_send(void *ctx, uint32_t dest, const void *pkt, uint32_t len)
{
	struct sim_node *n = ctx;
	struct sim *s = n->sim;
	int rc;

	tap_sent(&s->tap, (uint32_t)n->proc, pkt, len, s->now);
	hostile_inject(s, pkt, len);
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

/* A message's contribution to a process's ring sum: equal sums and counts
 * mean, all but certainly, the same set of messages. */
static inline uint64_t msg_mix(int32_t idx)
{
	uint64_t x = (uint64_t)idx + 0x9e3779b97f4a7c15ull;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 31);
}

static void op_deliver(void *ctx, const struct ordo_delivery *d)
{
	struct sim_node *n = ctx;
	struct sim *s = n->sim;
	const struct plan *pl = &s->wl.plan;
	struct sim_proc *sp = &s->sp[n->proc];
	struct sim_log_entry *x;
	int32_t idx;

	if (s->gs != NULL) {
		/* Group messages: the group checker judges them. */
		gsim_on_deliver(s, n, d);
		return;
	}
	x = sim_log_delivery(&s->logs[n->proc], s->now, d);
	s->res.deliveries++;
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
	s->res.progress_at = s->now;
	s->dirty = true;
	if (pl->msgs[idx].proc == n->proc && !s->self_got[idx]) {
		s->self_got[idx] = 1;
		sp->self_delivered++;
	}
	if (!s->conf_seen ||
	    (sp->in_regular && !d->transitional &&
	     d->ring_rep == sp->ring_rep && d->ring_seq == sp->ring_seq)) {
		sp->ring_count++;
		sp->ring_sum += msg_mix(idx);
	}
}

static void op_config(void *ctx, const struct ordo_config_change *c)
{
	struct sim_node *n = ctx;
	struct sim *s = n->sim;
	struct sim_proc *sp = &s->sp[n->proc];
	struct sim_log_entry *x;
	uint32_t i;

	s->res.conf_changes++;
	if (c->kind == ORDO_CONF_REGULAR && c->ring_seq > n->ring_seq_floor)
		n->ring_seq_floor = c->ring_seq;
	x = sim_log_config(&s->logs[n->proc], s->now, c);
	if (x == NULL) {
		report_violation(&s->res.run, CHK_SIM, "log: no memory");
		return;
	}
	if (c->kind == ORDO_CONF_REGULAR && n->e != NULL) {
		struct ordo_engine_status st;

		ordo_engine_status(n->e, &st);
		for (i = 0; i < st.n_held_out && i < ORDO_MAX_MEMBERS; i++)
			if (st.held_out[i] >= 1 &&
			    st.held_out[i] <= ORDO_MAX_MEMBERS)
				x->conf.held_out |= 1u << (st.held_out[i] - 1);
		x->conf.held_by_ring = st.held_by_ring;
	}
	if (s->gs != NULL)
		gsim_on_config(s, n, c);
	/* Not progress: an engine that keeps changing its mind must still
	 * settle (stall_ns after the last fault), or it stalled. */
	s->conf_seen = true;
	s->dirty = true;
	sp->in_regular = c->kind == ORDO_CONF_REGULAR;
	if (!sp->in_regular)
		return;
	sp->ring_rep = c->ring_rep;
	sp->ring_seq = c->ring_seq;
	sp->members = 0;
	for (i = 0; i < c->n_members && i < ORDO_MAX_MEMBERS; i++)
		if (c->members[i] >= 1 && c->members[i] <= ORDO_MAX_MEMBERS)
			sp->members |= 1u << (c->members[i] - 1);
	sp->ring_count = 0;
	sp->ring_sum = 0;
}

static const struct ordo_engine_ops sim_ops = {
	.send = op_send,
	.deliver = op_deliver,
	.config_change = op_config,
};

/* --frames: the frame ops over the checking allocator (frames.h). */
static void *op_frame_alloc(void *ctx, uint32_t len, uint64_t *handle)
{
	struct sim_node *n = ctx;
	struct sim_frames *fr = &n->sim->frames;

	if (len > fr->cap_bytes) {
		report_violation(&n->sim->res.run, CHK_SIM, "node %u asked for "
				 "a %u-byte frame (mtu %u)", n->idx + 1, len,
				 fr->cap_bytes);
		return NULL;
	}
	return sim_frames_get(fr, n->idx, handle);
}

static void op_frame_send(void *ctx, uint32_t dest, uint64_t handle,
			  const void *pkt, uint32_t len)
{
	struct sim_node *n = ctx;

	if (sim_frames_check(&n->sim->frames, n->idx, handle, pkt, len))
		op_send(ctx, dest, pkt, len);
}

static void op_frame_release(void *ctx, uint64_t handle)
{
	struct sim_node *n = ctx;

	sim_frames_release(&n->sim->frames, n->idx, handle);
}

static const struct ordo_engine_ops sim_frame_ops = {
	.send = op_send,
	.deliver = op_deliver,
	.config_change = op_config,
	.frame_alloc = op_frame_alloc,
	.frame_send = op_frame_send,
	.frame_release = op_frame_release,
};

/* Destroy node i's engine; with frames, every frame it held must have come
 * back. */
void sim_engine_gone(struct sim *s, struct sim_node *n)
{
	ordo_engine_destroy(n->e);
	n->e = NULL;
	if (s->o.frames && s->frames.held[n->idx] != 0) {
		report_violation(&s->res.run, CHK_SIM, "node %u: %llu frames "
				 "never released by its engine", n->idx + 1,
				 (unsigned long long)s->frames.held[n->idx]);
		s->frames.held[n->idx] = 0;
	}
}

/* The frame contract's first violation of this run, if any. */
void sim_frames_report(struct sim *s)
{
	if (!s->o.frames || s->frames.bad == 0)
		return;
	report_violation(&s->res.run, CHK_SIM, "frames: %s (%llu violations)",
			 s->frames.why, (unsigned long long)s->frames.bad);
	s->frames.bad = 0;
}

const struct ordo_engine_ops *sim_engine_ops(bool frames)
{
	return frames ? &sim_frame_ops : &sim_ops;
}
