/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What processes must agree on (see checker.h): one total order, prefixes
 * of one sequence within a regular configuration, causality, and SAFE
 * delivery (stability at delivery, and delivery at every member that
 * lives).
 */
#include "tests/sim/check_impl.h"

/* X and Y deliver their common messages in the same relative order. */
static void check_order(const struct checker *c, const struct check_input *in,
			uint32_t x, uint32_t y, struct report *out)
{
	const int32_t *px = pos_of(c, in, x);
	int32_t last = -1, last_msg = WL_NONE;
	uint32_t k;

	for (k = 0; k < in->logs[y].n; k++) {
		int32_t idx = checker_entry_msg(c, in, y, k);

		if (idx == WL_NONE || px[idx] < 0)
			continue;
		if (px[idx] < last) {
			const struct plan_msg *a = msg(in, last_msg);
			const struct plan_msg *b = msg(in, idx);

			report_violation(out, CHK_ORDER,
					 "node %u delivered msg %u:%u before "
					 "msg %u:%u, node %u the other way round",
					 in->procs[x].node, b->origin,
					 b->counter, a->origin, a->counter,
					 in->procs[y].node);
			continue;
		}
		last = px[idx];
		last_msg = idx;
	}
}

/* The log range of a configuration's regular part. */
static void regular_part(const struct chk_seg *g, uint32_t *from,
			 uint32_t *to)
{
	*from = g->reg_at == CHK_NONE ? 0 : g->reg_at + 1;
	*to = g->trans_at != CHK_NONE ? g->trans_at : g->end;
}

/* In one ring's regular configuration, if b's process delivered m there,
 * it delivered there every message a's process delivered before m. */
static void check_prefix(const struct checker *c, const struct check_input *in,
			 uint32_t a, uint32_t b, struct report *out)
{
	const struct chk_seg *ga = &c->segs[a], *gb = &c->segs[b];
	const int32_t *wb = where_of(c, in, gb->proc);
	const struct chk_ring *r = &c->rings[ga->ring];
	int32_t want = (int32_t)b * 2, last = WL_NONE, idx;
	uint32_t from, to, k, end;

	regular_part(ga, &from, &to);
	for (end = to; end > from; end--) {
		last = checker_entry_msg(c, in, ga->proc, end - 1);
		if (last != WL_NONE && wb[last] == want)
			break;
	}
	for (k = from; end > from && k < end - 1; k++) {
		idx = checker_entry_msg(c, in, ga->proc, k);
		if (idx == WL_NONE || wb[idx] == want)
			continue;
		report_violation(out, CHK_GAP,
				 "in ring " RING_FMT " node %u delivered msg "
				 "%u:%u but never msg %u:%u, which node %u "
				 "delivered before it", r->rep, r->seq,
				 in->procs[gb->proc].node, msg(in, last)->origin,
				 msg(in, last)->counter, msg(in, idx)->origin,
				 msg(in, idx)->counter,
				 in->procs[ga->proc].node);
		return;
	}
}

/* m comes after the message its sender had delivered when it sent m, at
 * every process that delivers both; and a process that delivers m in the
 * regular configuration its sender had delivered that message in has
 * delivered it too. */
static void check_causal(const struct checker *c, const struct check_input *in,
			 struct report *out)
{
	uint32_t i, x;

	for (i = 0; i < in->plan->n; i++) {
		const struct plan_msg *m = msg(in, (int32_t)i);
		const struct plan_msg *before;
		int32_t ca = m->causal_after, ws;

		if (ca == WL_NONE || m->proc < 0 ||
		    (uint32_t)m->proc >= in->n_procs)
			continue;
		before = msg(in, ca);
		ws = where_of(c, in, (uint32_t)m->proc)[ca];
		for (x = 0; x < in->n_procs; x++) {
			const int32_t *p = pos_of(c, in, x);
			int32_t wx = where_of(c, in, x)[i];

			if (p[i] < 0)
				continue;
			if (p[ca] >= 0 && p[ca] < p[i])
				continue;
			/* Missing: wrong only within one regular part. */
			if (p[ca] < 0 &&
			    (wx < 0 || (wx & 1) || ws < 0 || (ws & 1) ||
			     c->segs[wx / 2].ring != c->segs[ws / 2].ring))
				continue;
			report_violation(out, CHK_CAUSAL,
					 "node %u delivered msg %u:%u %s msg "
					 "%u:%u, which node %u had delivered "
					 "before sending it", in->procs[x].node,
					 m->origin, m->counter,
					 p[ca] < 0 ? "without" : "before",
					 before->origin, before->counter,
					 m->origin);
		}
	}
}

/* SAFE message idx delivered by process x at time t in the regular part of
 * configuration g: every member of g's ring held it then, and every member
 * whose process left that ring alive delivered it there. */
static void check_safe(const struct checker *c, const struct check_input *in,
		       uint32_t x, int32_t g, int32_t idx, uint64_t t,
		       struct report *out)
{
	const struct plan_msg *m = msg(in, idx);
	const struct chk_ring *r = &c->rings[c->segs[g].ring];
	uint32_t y, node = in->procs[x].node;
	uint64_t s;

	if (m->first_seq == 0 || m->send_rep != r->rep ||
	    m->send_seq != r->seq || r->tap == NULL)
		return; /* a crossing violation already */
	for (y = 0; y < ORDO_MAX_MEMBERS; y++) {
		int32_t gy = r->inst[y], wy;
		uint32_t py;

		if (!(c->segs[g].members & (1u << y)))
			continue;
		if (gy < 0) {
			report_violation(out, CHK_SAFE,
					 "node %u delivered SAFE msg %u:%u at "
					 "t=%.3fus in ring " RING_FMT ", which "
					 "its member %u never installed", node,
					 m->origin, m->counter, US(t), r->rep,
					 r->seq, y + 1);
			return;
		}
		py = c->segs[gy].proc;
		for (s = m->first_seq; s <= m->last_seq && s < r->tap->cap;
		     s++) {
			uint64_t h;

			/* The sender's stream is contiguous: its packets in
			 * this range are the message's; others' are not. */
			if (!r->tap->seqs[s].seen ||
			    r->tap->seqs[s].origin != m->origin)
				continue;
			h = tap_held_at(r->tap, py, s);
			if (h <= t)
				continue;
			if (h == UINT64_MAX)
				report_violation(out, CHK_SAFE,
						 "node %u delivered SAFE msg "
						 "%u:%u at t=%.3fus; node %u "
						 "never held its seq %llu",
						 node, m->origin, m->counter,
						 US(t), y + 1,
						 (unsigned long long)s);
			else
				report_violation(out, CHK_SAFE,
						 "node %u delivered SAFE msg "
						 "%u:%u at t=%.3fus; node %u "
						 "held its seq %llu only at "
						 "t=%.3fus", node, m->origin,
						 m->counter, US(t), y + 1,
						 (unsigned long long)s, US(h));
			return;
		}
		/* A member that left C alive must have delivered m there; one
		 * still in C at the end is judged by reform and liveness. */
		wy = where_of(c, in, py)[idx];
		if (proc_alive(in, py) && c->segs[gy].trans_at != CHK_NONE &&
		    (wy < 0 || wy / 2 != gy)) {
			report_violation(out, CHK_SAFE,
					 "node %u delivered SAFE msg %u:%u in "
					 "ring " RING_FMT "; node %u, a member "
					 "that left it alive, never delivered "
					 "it there", node, m->origin,
					 m->counter, r->rep, r->seq, y + 1);
			return;
		}
	}
}

static void check_safes(const struct checker *c, const struct check_input *in,
			struct report *out)
{
	uint32_t x, k;

	for (x = 0; x < in->n_procs; x++) {
		const int32_t *w = where_of(c, in, x);

		for (k = 0; k < in->logs[x].n; k++) {
			int32_t idx = checker_entry_msg(c, in, x, k);

			if (idx == WL_NONE ||
			    msg(in, idx)->service != ORDO_SVC_SAFE ||
			    w[idx] < 0 || (w[idx] & 1))
				continue;
			check_safe(c, in, x, w[idx] / 2, idx,
				   in->logs[x].e[k].time, out);
		}
	}
}

void agree_check(const struct checker *c, const struct check_input *in,
		 struct report *out)
{
	uint32_t x, y, r;

	for (x = 0; x < in->n_procs; x++)
		for (y = x + 1; y < in->n_procs; y++)
			check_order(c, in, x, y, out);
	for (r = 0; r < c->n_rings; r++)
		for (x = 0; x < ORDO_MAX_MEMBERS; x++)
			for (y = 0; y < ORDO_MAX_MEMBERS; y++)
				if (x != y && c->rings[r].inst[x] >= 0 &&
				    c->rings[r].inst[y] >= 0)
					check_prefix(c, in,
						     (uint32_t)c->rings[r].inst[x],
						     (uint32_t)c->rings[r].inst[y],
						     out);
	check_causal(c, in, out);
	check_safes(c, in, out);
}
