/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The checker; see checker.h for the properties. One pass over each log
 * identifies every delivery and checks what one node can get wrong alone
 * (identity, integrity, duplicates, FIFO, SAFE, configuration); then pairs
 * of nodes are compared (order, gaps), causality is checked per message,
 * and what is missing is counted.
 *
 * Cost: O(nodes * deliveries) for the per-node pass, O(nodes^2 * messages)
 * for the pairs; a few hundred microseconds for a default seed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checker.h"

#define US(t) ((double)(t) / 1000.0)

void checker_init(struct checker *c)
{
	memset(c, 0, sizeof(*c));
}

void checker_fini(struct checker *c)
{
	free(c->pos);
	free(c->next);
	memset(c, 0, sizeof(*c));
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;

	if (n <= *cap)
		return 0;
	q = realloc(*p, n * size);
	if (q == NULL)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static inline int32_t *pos_of(const struct checker *c,
			      const struct check_input *in, uint32_t x)
{
	return c->pos + (size_t)x * in->plan->n;
}

/* The plan index a delivery is, from its bytes; WL_NONE (reported) if it is
 * not exactly a message that was submitted. */
static int32_t identify(const struct check_input *in, uint32_t x,
			const struct sim_log_entry *e, struct report *out)
{
	const struct sim_log_msg *d = &e->msg;
	const struct plan_msg *m;
	int32_t idx;

	if (!d->has_hdr) {
		report_violation(out, CHK_INVENTED,
				 "node %u delivered a %u-byte message with no "
				 "header at t=%.3fus", x + 1, d->len, US(e->time));
		return WL_NONE;
	}
	idx = plan_find(in->plan, d->origin, d->counter);
	if (idx == WL_NONE || in->plan->msgs[idx].accepted_at == UINT64_MAX) {
		report_violation(out, CHK_INVENTED,
				 "node %u delivered msg %u:%u (%u bytes) at "
				 "t=%.3fus, which was never submitted",
				 x + 1, d->origin, d->counter, d->len,
				 US(e->time));
		return WL_NONE;
	}
	m = &in->plan->msgs[idx];
	if (d->len != m->len || d->digest != m->digest) {
		report_violation(out, CHK_CORRUPT,
				 "node %u delivered msg %u:%u with %u bytes "
				 "(submitted %u) and %s content",
				 x + 1, d->origin, d->counter, d->len, m->len,
				 d->digest == m->digest ? "the same" :
							  "different");
		return WL_NONE;
	}
	if (d->sender != m->origin || d->service != m->service ||
	    d->msg_type != m->msg_type)
		report_violation(out, CHK_METADATA,
				 "node %u delivered msg %u:%u as sender %u "
				 "service %u type %u (submitted: %u, %u, %u)",
				 x + 1, d->origin, d->counter, d->sender,
				 d->service, d->msg_type, m->origin,
				 m->service, m->msg_type);
	return idx;
}

/* SAFE: at delivery time every member held every packet of the message. */
static void check_safe(const struct check_input *in, uint32_t x,
		       const struct sim_log_entry *e, int32_t idx,
		       struct report *out)
{
	const struct plan_msg *m = &in->plan->msgs[idx];
	const struct tap *t = in->tap;
	uint64_t s;
	uint32_t y;

	if (m->first_seq == 0 || m->last_seq < m->first_seq ||
	    m->last_seq >= t->cap) {
		report_violation(out, CHK_SAFE,
				 "node %u delivered SAFE msg %u:%u at "
				 "t=%.3fus, but it was never seen whole on "
				 "the wire", x + 1, m->origin, m->counter,
				 US(e->time));
		return;
	}
	for (s = m->first_seq; s <= m->last_seq; s++) {
		/* The sender's stream is contiguous: its packets in this
		 * range are the message's; others' packets are not. */
		if (!t->seq[s].seen || t->seq[s].origin != m->origin)
			continue;
		for (y = 0; y < in->n_nodes; y++) {
			uint64_t h = tap_held_at(t, y, s);

			if (h <= e->time)
				continue;
			if (h == UINT64_MAX)
				report_violation(out, CHK_SAFE,
						 "node %u delivered SAFE msg "
						 "%u:%u at t=%.3fus; node %u "
						 "never held its seq %llu",
						 x + 1, m->origin, m->counter,
						 US(e->time), y + 1,
						 (unsigned long long)s);
			else
				report_violation(out, CHK_SAFE,
						 "node %u delivered SAFE msg "
						 "%u:%u at t=%.3fus; node %u "
						 "held its seq %llu only at "
						 "t=%.3fus", x + 1, m->origin,
						 m->counter, US(e->time),
						 y + 1, (unsigned long long)s,
						 US(h));
			return;
		}
	}
}

/* Everything one node's log shows on its own. */
static void check_node(struct checker *c, const struct check_input *in,
		       uint32_t x, struct report *out)
{
	const struct sim_log *l = &in->logs[x];
	int32_t *pos = pos_of(c, in, x);
	uint32_t *next = c->next + (size_t)x * in->n_nodes;
	uint32_t rep = 0, rseq = 0, k;
	bool in_config = false;

	for (k = 0; k < l->n; k++) {
		const struct sim_log_entry *e = &l->e[k];
		const struct plan_msg *m;
		uint32_t o;
		int32_t idx;

		if (e->kind == SIM_LOG_CONFIG) {
			rep = e->ring_rep;
			rseq = e->ring_seq;
			in_config = true;
			continue;
		}
		if (e->kind != SIM_LOG_MESSAGE)
			continue;
		if (!in_config || e->ring_rep != rep || e->ring_seq != rseq)
			report_violation(out, CHK_CONFIG,
					 "node %u delivered a message in ring "
					 "%u/%u while in %s %u/%u", x + 1,
					 e->ring_rep, e->ring_seq,
					 in_config ? "ring" : "no ring",
					 rep, rseq);
		idx = identify(in, x, e, out);
		if (idx == WL_NONE)
			continue;
		m = &in->plan->msgs[idx];
		if (pos[idx] >= 0) {
			report_violation(out, CHK_DUPLICATE,
					 "node %u delivered msg %u:%u twice "
					 "(log entries %d and %u)", x + 1,
					 m->origin, m->counter, pos[idx], k);
			continue;
		}
		pos[idx] = (int32_t)k;

		o = m->origin - 1;
		if (m->counter != next[o])
			report_violation(out, CHK_FIFO,
					 "node %u delivered msg %u:%u when "
					 "msg %u:%u was next from that sender",
					 x + 1, m->origin, m->counter,
					 m->origin, next[o]);
		if (m->counter >= next[o])
			next[o] = m->counter + 1;

		if (m->service == ORDO_SVC_SAFE)
			check_safe(in, x, e, idx, out);
	}
}

/* Identity of the message a log entry was first counted as, or WL_NONE. */
static inline int32_t entry_msg(const struct checker *c,
				const struct check_input *in, uint32_t x,
				uint32_t k)
{
	const struct sim_log_msg *d = &in->logs[x].e[k].msg;
	int32_t idx;

	if (in->logs[x].e[k].kind != SIM_LOG_MESSAGE || !d->has_hdr)
		return WL_NONE;
	idx = plan_find(in->plan, d->origin, d->counter);
	if (idx == WL_NONE || pos_of(c, in, x)[idx] != (int32_t)k)
		return WL_NONE; /* invented, corrupt or a repeat */
	return idx;
}

/* X and Y deliver their common messages in the same relative order. */
static void check_order(const struct checker *c, const struct check_input *in,
			uint32_t x, uint32_t y, struct report *out)
{
	const int32_t *px = pos_of(c, in, x);
	int32_t last = -1, last_msg = WL_NONE;
	uint32_t k;

	for (k = 0; k < in->logs[y].n; k++) {
		int32_t idx = entry_msg(c, in, y, k);

		if (idx == WL_NONE || px[idx] < 0)
			continue;
		if (px[idx] < last) {
			const struct plan_msg *a = &in->plan->msgs[last_msg];
			const struct plan_msg *b = &in->plan->msgs[idx];

			report_violation(out, CHK_ORDER,
					 "node %u delivered msg %u:%u before "
					 "msg %u:%u, node %u the other way round",
					 x + 1, b->origin, b->counter,
					 a->origin, a->counter, y + 1);
			continue;
		}
		last = px[idx];
		last_msg = idx;
	}
}

/* If Y delivered b, it delivered every a that X delivered before b. */
static void check_gap(const struct checker *c, const struct check_input *in,
		      uint32_t x, uint32_t y, struct report *out)
{
	const int32_t *py = pos_of(c, in, y);
	int32_t end, k, b = WL_NONE;

	/* The last message of X's log that Y delivered too. */
	for (end = (int32_t)in->logs[x].n - 1; end >= 0; end--) {
		b = entry_msg(c, in, x, (uint32_t)end);
		if (b != WL_NONE && py[b] >= 0)
			break;
	}
	for (k = 0; k < end; k++) {
		int32_t a = entry_msg(c, in, x, (uint32_t)k);

		if (a == WL_NONE || py[a] >= 0)
			continue;
		report_violation(out, CHK_GAP,
				 "node %u delivered msg %u:%u but never msg "
				 "%u:%u, which node %u delivered before it",
				 y + 1, in->plan->msgs[b].origin,
				 in->plan->msgs[b].counter,
				 in->plan->msgs[a].origin,
				 in->plan->msgs[a].counter, x + 1);
	}
}

/* m is delivered after what its sender had delivered when submitting it. */
static void check_causal(const struct checker *c, const struct check_input *in,
			 struct report *out)
{
	uint32_t i, x;

	for (i = 0; i < in->plan->n; i++) {
		const struct plan_msg *m = &in->plan->msgs[i];
		const struct plan_msg *before;

		if (m->causal_after == WL_NONE)
			continue;
		before = &in->plan->msgs[m->causal_after];
		for (x = 0; x < in->n_nodes; x++) {
			const int32_t *p = pos_of(c, in, x);

			if (p[i] < 0 || (p[m->causal_after] >= 0 &&
					 p[m->causal_after] < p[i]))
				continue;
			report_violation(out, CHK_CAUSAL,
					 "node %u delivered msg %u:%u %s msg "
					 "%u:%u, which node %u had delivered "
					 "before sending it", x + 1, m->origin,
					 m->counter,
					 p[m->causal_after] < 0 ? "without" :
								  "before",
					 before->origin, before->counter,
					 m->origin);
		}
	}
}

static void count_missing(const struct checker *c,
			  const struct check_input *in, struct report *out)
{
	uint32_t i, x;

	for (i = 0; i < in->plan->n; i++) {
		const struct plan_msg *m = &in->plan->msgs[i];
		uint32_t missing = 0, first = 0;

		if (m->submit_rc != 0)
			report_violation(out, CHK_SUBMIT,
					 "node %u: submit of msg %u:%u (%u "
					 "bytes, service %u) failed with %d",
					 m->origin, m->origin, m->counter,
					 m->len, m->service, m->submit_rc);
		for (x = 0; x < in->n_nodes; x++) {
			if (pos_of(c, in, x)[i] >= 0)
				continue;
			if (missing++ == 0)
				first = x + 1;
		}
		report_undelivered(out, missing,
				   "msg %u:%u (%u bytes, service %u, %s) "
				   "missing at %u of %u nodes, first node %u",
				   m->origin, m->counter, m->len, m->service,
				   m->accepted_at == UINT64_MAX ?
					   "never accepted by submit" :
					   "submitted",
				   missing, in->n_nodes, first);
	}
}

int checker_run(struct checker *c, const struct check_input *in,
		struct report *out)
{
	size_t np = (size_t)in->n_nodes * in->plan->n;
	size_t nn = (size_t)in->n_nodes * in->n_nodes;
	uint32_t x, y;

	if (grow((void **)&c->pos, &c->pos_cap, np, sizeof(*c->pos)) ||
	    grow((void **)&c->next, &c->next_cap, nn, sizeof(*c->next)))
		return -ENOMEM;
	memset(c->pos, 0xff, np * sizeof(*c->pos));
	memset(c->next, 0, nn * sizeof(*c->next));

	report_merge(out, &in->tap->wire);
	for (x = 0; x < in->n_nodes; x++)
		check_node(c, in, x, out);
	for (x = 0; x < in->n_nodes; x++) {
		for (y = 0; y < in->n_nodes; y++) {
			if (x < y)
				check_order(c, in, x, y, out);
			if (x != y)
				check_gap(c, in, x, y, out);
		}
	}
	check_causal(c, in, out);
	count_missing(c, in, out);
	return 0;
}
