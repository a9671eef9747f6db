/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The checker; see checker.h for the properties and check_impl.h for how
 * its files divide them. This file builds the tables (configurations per
 * process, ring ids and their installers) in one pass over each log, and
 * checks on the way what one process can get wrong alone.
 *
 * Cost: O(processes * deliveries) for the pass, O(processes^2 * messages)
 * for the comparisons; well under a millisecond for a default seed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/check_impl.h"
#include "tests/sim/grow.h"

void checker_init(struct checker *c)
{
	memset(c, 0, sizeof(*c));
}

void checker_fini(struct checker *c)
{
	free(c->pos);
	free(c->where);
	free(c->last_from);
	free(c->segs);
	free(c->rings);
	memset(c, 0, sizeof(*c));
}

/* ---- rings and configurations --------------------------------------------*/
static int32_t ring_find(const struct checker *c, uint32_t rep, uint32_t seq)
{
	uint32_t i;

	for (i = c->n_rings; i-- > 0;)
		if (c->rings[i].rep == rep && c->rings[i].seq == seq)
			return (int32_t)i;
	return -1;
}

static int32_t ring_get(struct checker *c, const struct check_input *in,
			uint32_t rep, uint32_t seq, uint32_t members,
			uint32_t node)
{
	struct chk_ring *r;
	int32_t i = ring_find(c, rep, seq);

	if (i >= 0)
		return i;
	if (sim_grow32((void **)&c->rings, &c->cap_rings, c->n_rings + 1,
		   sizeof(*c->rings)))
		return -1;
	r = &c->rings[c->n_rings];
	memset(r, 0, sizeof(*r));
	r->rep = rep;
	r->seq = seq;
	r->members = members;
	r->first_node = node;
	memset(r->inst, 0xff, sizeof(r->inst));
	r->tap = tap_ring_find(in->tap, rep, seq);
	return (int32_t)c->n_rings++;
}

/* The member list of a CONFIG entry as a set; reports what is malformed. */
static uint32_t members_of(const struct check_input *in, uint32_t p,
			   const struct sim_log_entry *e, struct report *out)
{
	const struct sim_log_config *f = &e->conf;
	uint32_t set = 0, i, prev = 0, node = in->procs[p].node;

	if (f->n_members == 0 || f->n_members > in->n_nodes) {
		report_violation(out, CHK_AGREE,
				 "node %u: %s configuration " RING_FMT
				 " at t=%.3fus lists %u members",
				 node, e->trans ? "transitional" : "regular",
				 e->ring_rep, e->ring_seq, US(e->time),
				 f->n_members);
		return 0;
	}
	for (i = 0; i < f->n_members; i++) {
		uint32_t id = f->members[i];

		if (id == 0 || id > in->n_nodes || id <= prev) {
			report_violation(out, CHK_AGREE,
					 "node %u: configuration " RING_FMT
					 " lists member %u after %u (ids "
					 "1..%u, ascending)", node, e->ring_rep,
					 e->ring_seq, id, prev, in->n_nodes);
			return set;
		}
		set |= 1u << (id - 1);
		prev = id;
	}
	if (!(set & (1u << (node - 1))))
		report_violation(out, CHK_AGREE,
				 "node %u installed %s configuration " RING_FMT
				 " at t=%.3fus, which does not list it",
				 node, e->trans ? "transitional" : "regular",
				 e->ring_rep, e->ring_seq, US(e->time));
	return set;
}

/* A new configuration at process p, starting at log index at. */
static int32_t seg_open(struct checker *c, const struct check_input *in,
			uint32_t p, uint32_t at, uint32_t rep, uint32_t seq,
			uint32_t members, struct report *out)
{
	uint32_t node = in->procs[p].node;
	struct chk_seg *g;
	struct chk_ring *r;
	int32_t ri;

	if (sim_grow32((void **)&c->segs, &c->cap_segs, c->n_segs + 1,
		   sizeof(*c->segs)))
		return -1;
	ri = ring_get(c, in, rep, seq, members, node);
	if (ri < 0)
		return -1;
	r = &c->rings[ri];
	if (r->members != members)
		report_violation(out, CHK_AGREE,
				 "node %u installed ring " RING_FMT " with "
				 "members 0x%x; node %u with members 0x%x",
				 node, rep, seq, members, r->first_node,
				 r->members);
	if (r->inst[node - 1] >= 0)
		report_violation(out, CHK_AGREE,
				 "node %u installed ring " RING_FMT " twice%s",
				 node, rep, seq,
				 c->segs[r->inst[node - 1]].proc != p ?
					 " (in two incarnations)" : "");
	else
		r->inst[node - 1] = (int32_t)c->n_segs;
	g = &c->segs[c->n_segs];
	memset(g, 0, sizeof(*g));
	g->proc = p;
	g->ring = (uint32_t)ri;
	g->reg_at = at;
	g->trans_at = CHK_NONE;
	g->end = in->logs[p].n;
	g->next = -1;
	g->members = members;
	return (int32_t)c->n_segs++;
}

/* ---- one process ---------------------------------------------------------*/
/* The plan index a delivery is, from its bytes; WL_NONE (reported) if it is
 * not exactly a message that was submitted. */
static int32_t identify(const struct check_input *in, uint32_t p,
			const struct sim_log_entry *e, struct report *out)
{
	const struct sim_log_msg *d = &e->msg;
	uint32_t node = in->procs[p].node;
	const struct plan_msg *m;
	int32_t idx;

	if (!d->has_hdr) {
		report_violation(out, CHK_INVENTED,
				 "node %u delivered a %u-byte message with no "
				 "header at t=%.3fus", node, d->len,
				 US(e->time));
		return WL_NONE;
	}
	idx = plan_find(in->plan, d->origin, d->counter);
	if (idx == WL_NONE || msg(in, idx)->accepted_at == UINT64_MAX) {
		report_violation(out, CHK_INVENTED,
				 "node %u delivered msg %u:%u (%u bytes) at "
				 "t=%.3fus, which was never submitted",
				 node, d->origin, d->counter, d->len,
				 US(e->time));
		return WL_NONE;
	}
	m = msg(in, idx);
	if (d->len != m->len || d->digest != m->digest) {
		report_violation(out, CHK_CORRUPT,
				 "node %u delivered msg %u:%u with %u bytes "
				 "(submitted %u) and %s content",
				 node, d->origin, d->counter, d->len, m->len,
				 d->digest == m->digest ? "the same" :
							  "different");
		return WL_NONE;
	}
	if (d->sender != m->origin || d->service != m->service ||
	    d->msg_type != m->msg_type)
		report_violation(out, CHK_METADATA,
				 "node %u delivered msg %u:%u as sender %u "
				 "service %u type %u (submitted: %u, %u, %u)",
				 node, d->origin, d->counter, d->sender,
				 d->service, d->msg_type, m->origin,
				 m->service, m->msg_type);
	return idx;
}

/* FIFO per sender process: increasing counters, and a skipped message is
 * explained only if it was sent in another ring, or this one is delivered
 * in a transitional configuration its sender is not part of (recovery
 * skips a dead sender's messages past a hole no one can fill). */
static void check_fifo(struct checker *c, const struct check_input *in,
		       uint32_t p, const struct chk_seg *g, int trans,
		       int32_t idx, struct report *out)
{
	const struct plan_msg *m = msg(in, idx);
	int32_t *last = &c->last_from[(size_t)p * in->n_procs + m->proc];
	uint32_t node = in->procs[p].node, base;
	int32_t i, from;

	if (*last >= 0 && msg(in, *last)->counter >= m->counter) {
		report_violation(out, CHK_FIFO,
				 "node %u delivered msg %u:%u after msg %u:%u "
				 "from the same sender", node, m->origin,
				 m->counter, m->origin, msg(in, *last)->counter);
		return;
	}
	base = in->plan->base[m->origin - 1];
	from = *last >= 0 ? *last + 1 : (int32_t)base;
	*last = idx;
	if (g == NULL || m->first_seq == 0 ||
	    (trans && (g->tmembers & (1u << (m->origin - 1))) == 0))
		return;
	for (i = from; i < idx; i++) {
		const struct plan_msg *s = msg(in, i);

		if (s->proc != m->proc || s->first_seq == 0 ||
		    s->send_rep != m->send_rep || s->send_seq != m->send_seq)
			continue;
		report_violation(out, CHK_FIFO,
				 "node %u delivered msg %u:%u but not msg "
				 "%u:%u, sent before it in ring " RING_FMT,
				 node, m->origin, m->counter, s->origin,
				 s->counter, m->send_rep, m->send_seq);
		return;
	}
}

/* A delivery belongs to the configuration it is logged in, and to the
 * ring its message was sent in. */
static void check_place(const struct checker *c, const struct check_input *in,
			uint32_t p, const struct sim_log_entry *e,
			int32_t cur, int trans, struct report *out)
{
	uint32_t node = in->procs[p].node;
	const struct chk_ring *r;

	if (cur < 0) {
		report_violation(out, CHK_CONFIG,
				 "node %u delivered msg %u:%u at t=%.3fus "
				 "before any regular configuration", node,
				 e->msg.origin, e->msg.counter, US(e->time));
		return;
	}
	r = &c->rings[c->segs[cur].ring];
	if (e->ring_rep != r->rep || e->ring_seq != r->seq ||
	    e->trans != trans)
		report_violation(out, CHK_CONFIG,
				 "node %u delivered msg %u:%u as sent in ring "
				 RING_FMT "%s while in %s configuration of "
				 "ring " RING_FMT, node, e->msg.origin,
				 e->msg.counter, e->ring_rep, e->ring_seq,
				 e->trans ? " (transitional)" : "",
				 trans ? "the transitional" : "the regular",
				 r->rep, r->seq);
}

static void check_sent_in(const struct checker *c,
			  const struct check_input *in, uint32_t p,
			  int32_t cur, int32_t idx, struct report *out)
{
	const struct plan_msg *m = msg(in, idx);
	const struct chk_ring *r;

	if (cur < 0)
		return;
	r = &c->rings[c->segs[cur].ring];
	if (m->first_seq == 0)
		report_violation(out, CHK_CROSS,
				 "node %u delivered msg %u:%u in ring " RING_FMT
				 ", but it was never sent whole on the wire",
				 in->procs[p].node, m->origin, m->counter,
				 r->rep, r->seq);
	else if (m->send_rep != r->rep || m->send_seq != r->seq)
		report_violation(out, CHK_CROSS,
				 "node %u delivered msg %u:%u in ring " RING_FMT
				 ", but it was sent in ring " RING_FMT,
				 in->procs[p].node, m->origin, m->counter,
				 r->rep, r->seq, m->send_rep, m->send_seq);
}

/* A TRANSITIONAL entry in configuration cur. */
static void on_trans(struct checker *c, const struct check_input *in,
		     uint32_t p, uint32_t k, int32_t cur, struct report *out)
{
	const struct sim_log_entry *e = &in->logs[p].e[k];
	uint32_t node = in->procs[p].node, set = members_of(in, p, e, out);
	struct chk_seg *g;
	const struct chk_ring *r;

	if (cur < 0) {
		report_violation(out, CHK_TRANS,
				 "node %u: transitional configuration from "
				 RING_FMT " at t=%.3fus before any regular one",
				 node, e->conf.prev_rep, e->conf.prev_seq,
				 US(e->time));
		return;
	}
	g = &c->segs[cur];
	r = &c->rings[g->ring];
	if (g->trans_at != CHK_NONE) {
		report_violation(out, CHK_TRANS,
				 "node %u: a second transitional configuration "
				 "ends ring " RING_FMT " at t=%.3fus", node,
				 r->rep, r->seq, US(e->time));
		return;
	}
	g->trans_at = k;
	g->tmembers = set;
	if (e->conf.prev_rep != r->rep || e->conf.prev_seq != r->seq)
		report_violation(out, CHK_TRANS,
				 "node %u: transitional configuration at "
				 "t=%.3fus follows ring " RING_FMT ", but the "
				 "node was in ring " RING_FMT, node,
				 US(e->time), e->conf.prev_rep,
				 e->conf.prev_seq, r->rep, r->seq);
	else if (set & ~g->members)
		report_violation(out, CHK_TRANS,
				 "node %u: transitional configuration from "
				 "ring " RING_FMT " lists 0x%x, not all "
				 "members of it (0x%x)", node, r->rep, r->seq,
				 set, g->members);
}

/* A REGULAR entry: the next configuration, checked against the
 * transitional one that must lead to it. */
static int32_t on_regular(struct checker *c, const struct check_input *in,
			  uint32_t p, uint32_t k, int32_t cur,
			  struct report *out)
{
	const struct sim_log_entry *e = &in->logs[p].e[k];
	uint32_t node = in->procs[p].node, set = members_of(in, p, e, out);
	int32_t next = seg_open(c, in, p, k, e->ring_rep, e->ring_seq, set,
				out);

	if (next < 0 || cur < 0)
		return next;
	c->segs[cur].end = k;
	c->segs[cur].next = next;
	if (c->segs[cur].trans_at == CHK_NONE) {
		const struct chk_ring *r = &c->rings[c->segs[cur].ring];

		report_violation(out, CHK_TRANS,
				 "node %u installed ring " RING_FMT " at "
				 "t=%.3fus right after ring " RING_FMT ", with "
				 "no transitional configuration", node,
				 e->ring_rep, e->ring_seq, US(e->time), r->rep,
				 r->seq);
	} else {
		const struct sim_log_entry *t =
			&in->logs[p].e[c->segs[cur].trans_at];

		if (t->ring_rep != e->ring_rep || t->ring_seq != e->ring_seq)
			report_violation(out, CHK_TRANS,
					 "node %u: transitional configuration "
					 "led to ring " RING_FMT ", then it "
					 "installed ring " RING_FMT, node,
					 t->ring_rep, t->ring_seq, e->ring_rep,
					 e->ring_seq);
		else if (c->segs[cur].tmembers & ~set)
			report_violation(out, CHK_TRANS,
					 "node %u: transitional members 0x%x "
					 "are not all in ring " RING_FMT
					 " (0x%x)", node,
					 c->segs[cur].tmembers, e->ring_rep,
					 e->ring_seq, set);
	}
	return next;
}

/* The fixed ring of an engine without membership: named by the run's
 * first delivery, every node a member. */
static int32_t fixed_ring(struct checker *c, const struct check_input *in,
			  uint32_t p, struct report *out)
{
	uint32_t k, q, rep = 0, seq = 0;
	bool found = false;

	for (q = 0; q < in->n_procs && !found; q++) {
		for (k = 0; k < in->logs[q].n && !found; k++) {
			const struct sim_log_entry *e = &in->logs[q].e[k];

			if (e->kind == SIM_LOG_MESSAGE) {
				rep = e->ring_rep;
				seq = e->ring_seq;
				found = true;
			}
		}
	}
	return seg_open(c, in, p, CHK_NONE, rep, seq,
			in->n_nodes >= 32 ? UINT32_MAX :
					    (1u << in->n_nodes) - 1, out);
}

static int scan(struct checker *c, const struct check_input *in, uint32_t p,
		struct report *out)
{
	const struct sim_log *l = &in->logs[p];
	int32_t *pos = pos_of(c, in, p), *where = where_of(c, in, p);
	int32_t cur = -1;
	int trans = 0;
	uint32_t k;

	if (!c->conf_mode && (cur = fixed_ring(c, in, p, out)) < 0)
		return -ENOMEM;
	for (k = 0; k < l->n; k++) {
		const struct sim_log_entry *e = &l->e[k];
		int32_t idx;

		if (e->kind == SIM_LOG_CONFIG) {
			if (e->trans > 1) {
				report_violation(out, CHK_CONFIG,
						 "node %u: configuration "
						 "change of unknown kind at "
						 "t=%.3fus", in->procs[p].node,
						 US(e->time));
			} else if (e->trans) {
				on_trans(c, in, p, k, cur, out);
				trans = cur >= 0;
			} else {
				cur = on_regular(c, in, p, k, cur, out);
				if (cur < 0)
					return -ENOMEM;
				trans = 0;
			}
			continue;
		}
		if (e->kind != SIM_LOG_MESSAGE)
			continue;
		check_place(c, in, p, e, cur, trans, out);
		idx = identify(in, p, e, out);
		if (idx == WL_NONE)
			continue;
		if (pos[idx] >= 0) {
			report_violation(out, CHK_DUPLICATE,
					 "node %u delivered msg %u:%u twice "
					 "(log entries %d and %u)",
					 in->procs[p].node, msg(in, idx)->origin,
					 msg(in, idx)->counter, pos[idx], k);
			continue;
		}
		pos[idx] = (int32_t)k;
		check_sent_in(c, in, p, cur, idx, out);
		if (msg(in, idx)->proc >= 0 &&
		    (uint32_t)msg(in, idx)->proc < in->n_procs)
			check_fifo(c, in, p, cur >= 0 ? &c->segs[cur] : NULL,
				   trans, idx, out);
		if (cur >= 0) {
			where[idx] = cur * 2 + trans;
			c->segs[cur].n_msgs++;
		}
	}
	c->last_seg[p] = cur;
	return 0;
}

int32_t checker_entry_msg(const struct checker *c,
			  const struct check_input *in, uint32_t p, uint32_t k)
{
	const struct sim_log_msg *d = &in->logs[p].e[k].msg;
	int32_t idx;

	if (in->logs[p].e[k].kind != SIM_LOG_MESSAGE || !d->has_hdr)
		return WL_NONE;
	idx = plan_find(in->plan, d->origin, d->counter);
	if (idx == WL_NONE || pos_of(c, in, p)[idx] != (int32_t)k)
		return WL_NONE; /* invented, corrupt or a repeat */
	return idx;
}

int checker_run(struct checker *c, const struct check_input *in,
		struct report *out)
{
	size_t np = (size_t)in->n_procs * in->plan->n;
	size_t pp = (size_t)in->n_procs * in->n_procs;
	uint32_t p, k;

	if (in->n_procs > SIM_MAX_PROCS)
		return -EINVAL;
	if (sim_grow((void **)&c->pos, &c->pos_cap, np, sizeof(*c->pos)) ||
	    sim_grow((void **)&c->where, &c->where_cap, np, sizeof(*c->where)) ||
	    sim_grow((void **)&c->last_from, &c->last_cap, pp,
		 sizeof(*c->last_from)))
		return -ENOMEM;
	memset(c->pos, 0xff, np * sizeof(*c->pos));
	memset(c->where, 0xff, np * sizeof(*c->where));
	memset(c->last_from, 0xff, pp * sizeof(*c->last_from));
	c->n_segs = c->n_rings = 0;
	c->conf_mode = false;
	for (p = 0; p < in->n_procs && !c->conf_mode; p++)
		for (k = 0; k < in->logs[p].n && !c->conf_mode; k++)
			c->conf_mode = in->logs[p].e[k].kind == SIM_LOG_CONFIG;

	report_merge(out, &in->tap->wire);
	for (p = 0; p < in->n_procs; p++)
		if (scan(c, in, p, out) != 0)
			return -ENOMEM;
	agree_check(c, in, out);
	evs_check(c, in, out);
	return 0;
}
