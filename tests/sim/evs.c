/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Configuration changes across processes (see checker.h): transitional
 * configurations tell the truth about who moved on together, processes
 * that moved together delivered the same messages (virtual synchrony), the
 * live processes end in one ring, and what liveness requires of them.
 */
#include <stdio.h>

#include "tests/sim/check_impl.h"

/* The ring id a configuration's TRANSITIONAL entry leads to. */
static const struct sim_log_entry *trans_entry(const struct check_input *in,
					       const struct chk_seg *g)
{
	return g->trans_at == CHK_NONE ? NULL :
					 &in->logs[g->proc].e[g->trans_at];
}

/* The process of node index y that installed the ring t leads to, if any,
 * came there from ring index from. */
static bool came_from(const struct checker *c, const struct sim_log_entry *t,
		      uint32_t y, uint32_t from)
{
	int32_t next = -1, g;
	uint32_t i;

	for (i = c->n_rings; i-- > 0;)
		if (c->rings[i].rep == t->ring_rep &&
		    c->rings[i].seq == t->ring_seq)
			next = c->rings[i].inst[y];
	if (next < 0)
		return true; /* it never got there */
	for (g = 0; g < (int32_t)c->n_segs; g++)
		if (c->segs[g].next == next)
			return c->segs[g].ring == from;
	return false; /* its first configuration */
}

/* Each node a transitional configuration lists installed the ring it
 * leaves and, if it installed the ring it leads to, came there from the
 * one it leaves; those that move to the same next ring list the same
 * transitional members. (A listed node may still end up elsewhere: it can
 * fail during the recovery of the new ring and form another from the old
 * one. EVS binds only the processes that do move together.) */
static void check_trans_members(const struct checker *c,
				const struct check_input *in, uint32_t g,
				struct report *out)
{
	const struct chk_seg *a = &c->segs[g];
	const struct sim_log_entry *t = trans_entry(in, a);
	const struct chk_ring *r = &c->rings[a->ring];
	uint32_t node = in->procs[a->proc].node, y;

	if (t == NULL)
		return;
	for (y = 0; y < ORDO_MAX_MEMBERS; y++) {
		const struct sim_log_entry *u;
		const struct chk_seg *b;

		if (!(a->tmembers & (1u << y)) || y + 1 == node)
			continue;
		if (r->inst[y] < 0) {
			report_violation(out, CHK_TRANS,
					 "node %u: transitional configuration "
					 "from ring " RING_FMT " lists node %u, "
					 "which never installed that ring",
					 node, r->rep, r->seq, y + 1);
			return;
		}
		b = &c->segs[r->inst[y]];
		if (!came_from(c, t, y, a->ring)) {
			report_violation(out, CHK_TRANS,
					 "node %u: transitional configuration "
					 "says node %u moves with it from ring "
					 RING_FMT " to " RING_FMT ", but node %u "
					 "came to " RING_FMT " from elsewhere",
					 node, y + 1, r->rep, r->seq,
					 t->ring_rep, t->ring_seq, y + 1,
					 t->ring_rep, t->ring_seq);
			return;
		}
		u = trans_entry(in, b);
		if (u != NULL && u->ring_rep == t->ring_rep &&
		    u->ring_seq == t->ring_seq && b->tmembers != a->tmembers) {
			report_violation(out, CHK_AGREE,
					 "nodes %u and %u leave ring " RING_FMT
					 " for " RING_FMT " with transitional "
					 "members 0x%x and 0x%x", node, y + 1,
					 r->rep, r->seq, t->ring_rep,
					 t->ring_seq, a->tmembers, b->tmembers);
			return;
		}
	}
}

/* a and b moved together from one ring to the next: every message a
 * delivered there, b delivered there too, in the same part. */
static void check_vsync_pair(const struct checker *c,
			     const struct check_input *in, uint32_t a,
			     uint32_t b, struct report *out)
{
	const struct chk_seg *ga = &c->segs[a], *gb = &c->segs[b];
	const struct chk_ring *r = &c->rings[ga->ring];
	const struct chk_ring *r2 = &c->rings[c->segs[ga->next].ring];
	const int32_t *wa = where_of(c, in, ga->proc);
	const int32_t *wb = where_of(c, in, gb->proc);
	uint32_t k, from = ga->reg_at == CHK_NONE ? 0 : ga->reg_at;

	for (k = from; k < ga->end; k++) {
		int32_t idx = checker_entry_msg(c, in, ga->proc, k);
		int part;

		if (idx == WL_NONE || wa[idx] < 0 || wa[idx] / 2 != (int32_t)a)
			continue;
		part = wa[idx] & 1;
		if (wb[idx] == (int32_t)b * 2 + part)
			continue;
		report_violation(out, CHK_VSYNC,
				 "nodes %u and %u moved together from ring "
				 RING_FMT " to " RING_FMT ", but node %u "
				 "delivered msg %u:%u in its %s configuration "
				 "and node %u %s", in->procs[ga->proc].node,
				 in->procs[gb->proc].node, r->rep, r->seq,
				 r2->rep, r2->seq, in->procs[ga->proc].node,
				 msg(in, idx)->origin, msg(in, idx)->counter,
				 part ? "transitional" : "regular",
				 in->procs[gb->proc].node,
				 wb[idx] >= 0 && wb[idx] / 2 == (int32_t)b ?
					 (part ? "in its regular one" :
						 "in its transitional one") :
					 "did not");
		return;
	}
}

static void check_vsync(const struct checker *c, const struct check_input *in,
			struct report *out)
{
	uint32_t r, x, y;

	for (r = 0; r < c->n_rings; r++) {
		const struct chk_ring *ring = &c->rings[r];

		for (x = 0; x < ORDO_MAX_MEMBERS; x++) {
			const struct chk_seg *a;

			if (ring->inst[x] < 0)
				continue;
			a = &c->segs[ring->inst[x]];
			if (a->next < 0)
				continue;
			for (y = 0; y < ORDO_MAX_MEMBERS; y++) {
				const struct chk_seg *b;

				if (y == x || ring->inst[y] < 0)
					continue;
				b = &c->segs[ring->inst[y]];
				if (b->next < 0 ||
				    c->segs[b->next].ring != c->segs[a->next].ring)
					continue;
				check_vsync_pair(c, in, (uint32_t)ring->inst[x],
						 (uint32_t)ring->inst[y], out);
			}
		}
	}
}

/* ---- the end of the run --------------------------------------------------*/
/* A live process's final configuration, or -1 when it has none or is
 * between configurations. */
static int32_t final_seg(const struct checker *c, uint32_t p)
{
	int32_t g = c->last_seg[p];

	return g >= 0 && c->segs[g].trans_at == CHK_NONE ? g : -1;
}

/* All live processes in one regular configuration of exactly the live
 * nodes (only for an engine with membership). */
static void check_reform(const struct checker *c, const struct check_input *in,
			 struct report *out)
{
	uint32_t p, live = 0;
	int32_t first = -1;

	if (!c->conf_mode)
		return;
	for (p = 0; p < in->n_procs; p++)
		if (proc_alive(in, p))
			live |= 1u << (in->procs[p].node - 1);
	for (p = 0; p < in->n_procs; p++) {
		int32_t g = final_seg(c, p);
		const struct chk_ring *r;

		if (!proc_alive(in, p))
			continue;
		if (g < 0) {
			report_violation(out, CHK_REFORM,
					 "node %u ended %s", in->procs[p].node,
					 c->last_seg[p] < 0 ?
						 "in no regular configuration" :
						 "between configurations");
			return;
		}
		r = &c->rings[c->segs[g].ring];
		if (first < 0) {
			first = g;
			if (c->segs[g].members != live) {
				report_violation(out, CHK_REFORM,
						 "node %u ended in ring " RING_FMT
						 " of 0x%x; the live nodes are "
						 "0x%x", in->procs[p].node,
						 r->rep, r->seq,
						 c->segs[g].members, live);
				return;
			}
		} else if (c->segs[g].ring != c->segs[first].ring) {
			const struct chk_ring *r0 = &c->rings[c->segs[first].ring];

			report_violation(out, CHK_REFORM,
					 "node %u ended in ring " RING_FMT
					 ", node %u in ring " RING_FMT,
					 in->procs[c->segs[first].proc].node,
					 r0->rep, r0->seq, in->procs[p].node,
					 r->rep, r->seq);
			return;
		}
	}
}

/* Someone delivered message idx in configuration ring r (any part). */
static bool delivered_in(const struct checker *c, const struct check_input *in,
			 const struct chk_ring *r, int32_t idx)
{
	uint32_t y;

	for (y = 0; y < ORDO_MAX_MEMBERS; y++) {
		int32_t g = r->inst[y], w;

		if (g < 0)
			continue;
		w = where_of(c, in, c->segs[g].proc)[idx];
		if (w >= 0 && w / 2 == g)
			return true;
	}
	return false;
}

/* The last process of each node id, to tell whether a node that never got
 * a planned message accepted is alive at the end. */
static bool node_alive(const struct check_input *in, uint32_t node)
{
	uint32_t p;

	for (p = in->n_procs; p-- > 0;)
		if (in->procs[p].node == node)
			return proc_alive(in, p);
	return false;
}

/* Liveness: a live process delivers every message it submitted, and every
 * message any process delivered in the live process's final configuration
 * (which was sent there). */
static void count_missing(const struct checker *c,
			  const struct check_input *in, struct report *out)
{
	uint32_t i, p;

	for (i = 0; i < in->plan->n; i++) {
		const struct plan_msg *m = msg(in, (int32_t)i);
		uint32_t missing = 0, first = 0, live = 0;
		int known = -1; /* delivered in m's send ring: unknown yet */

		if (m->submit_rc != 0)
			report_violation(out, CHK_SUBMIT,
					 "node %u: submit of msg %u:%u (%u "
					 "bytes, service %u) failed with %d",
					 m->origin, m->origin, m->counter,
					 m->len, m->service, m->submit_rc);
		if (m->accepted_at == UINT64_MAX) {
			if (m->submit_rc == 0 && node_alive(in, m->origin))
				report_undelivered(out, 1,
						   "msg %u:%u (%u bytes, "
						   "service %u) never accepted "
						   "by submit at node %u",
						   m->origin, m->counter,
						   m->len, m->service,
						   m->origin);
			continue;
		}
		for (p = 0; p < in->n_procs; p++) {
			int32_t g;
			bool need;

			if (!proc_alive(in, p))
				continue;
			live++;
			need = m->proc == (int32_t)p;
			g = final_seg(c, p);
			if (!need && g >= 0 && m->first_seq != 0 &&
			    c->rings[c->segs[g].ring].rep == m->send_rep &&
			    c->rings[c->segs[g].ring].seq == m->send_seq) {
				if (known < 0)
					known = delivered_in(
						c, in,
						&c->rings[c->segs[g].ring],
						(int32_t)i);
				need = known;
			}
			if (!need || pos_of(c, in, p)[i] >= 0)
				continue;
			if (missing++ == 0)
				first = in->procs[p].node;
		}
		report_undelivered(out, missing,
				   "msg %u:%u (%u bytes, service %u) missing "
				   "at %u of %u live nodes that must deliver "
				   "it, first node %u", m->origin, m->counter,
				   m->len, m->service, missing, live, first);
	}
}

void evs_check(const struct checker *c, const struct check_input *in,
	       struct report *out)
{
	uint32_t g;

	for (g = 0; g < c->n_segs; g++)
		check_trans_members(c, in, g, out);
	check_vsync(c, in, out);
	check_reform(c, in, out);
	count_missing(c, in, out);
}
