/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Availability of a run; see avail.h.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/avail.h"
#include "tests/sim/grow.h"

void avail_stats_init(struct avail_stats *st)
{
	memset(st, 0, sizeof(*st));
}

void avail_stats_fini(struct avail_stats *st)
{
	free(st->heal_ms);
	free(st->changes);
	free(st->held_ms);
	memset(st, 0, sizeof(*st));
}

static bool is_regular(const struct sim_log_entry *e)
{
	return e->kind == SIM_LOG_CONFIG && !e->trans;
}

/* Does flap fault f take the link between node indexes a and b? */
static bool flap_touches(const struct fault *f, uint32_t a, uint32_t b)
{
	if (f->peer == FAULT_ALL_LINKS)
		return a == f->node || b == f->node;
	return (a == f->node && b == f->peer) || (a == f->peer && b == f->node);
}

/* ---- who is faulty --------------------------------------------------------*/
/* Nodes any fault touches, as node index bits. */
static uint32_t faulty_nodes(const struct fault_plan *fp)
{
	uint32_t bad = 0, k;

	for (k = 0; k < fp->n; k++) {
		const struct fault *f = &fp->f[k];

		if (fault_is_node(f->kind))
			bad |= 1u << f->node;
		else if (f->kind == FAULT_ONEWAY)
			bad |= 1u << f->node | 1u << f->peer;
		else if (f->kind == FAULT_FLAP && f->peer == FAULT_ALL_LINKS)
			bad |= 1u << f->node;
		else if (f->kind == FAULT_FLAP)
			bad |= 1u << f->node | 1u << f->peer;
	}
	return bad;
}

/* Never-faulty nodes that no partition or merge ever put apart from a. */
static uint32_t partners(const struct fault_plan *fp, uint32_t n_nodes,
			 uint32_t bad, uint32_t a)
{
	uint32_t set = 0, b, k;

	for (b = 0; b < n_nodes; b++) {
		bool together = b != a && !(bad & (1u << b));

		for (k = 0; k < fp->n && together; k++) {
			const struct fault *f = &fp->f[k];

			if (f->kind == FAULT_PARTITION || f->kind == FAULT_MERGE)
				together = f->group[a] == f->group[b];
		}
		if (together)
			set |= 1u << b;
	}
	return set;
}

static void check_split(const struct check_input *in,
			const struct fault_plan *fp, struct report *out)
{
	uint32_t bad = faulty_nodes(fp), p, k;

	for (p = 0; p < in->n_procs; p++) {
		uint32_t a = in->procs[p].node - 1, want;
		const struct sim_log *l = &in->logs[p];

		if (a >= in->n_nodes || (bad & (1u << a)))
			continue;
		want = partners(fp, in->n_nodes, bad, a);
		for (k = 0; k < l->n; k++) {
			const struct sim_log_entry *e = &l->e[k];
			uint32_t miss;

			if (!is_regular(e) || (miss = want & ~simlog_members(e)) == 0)
				continue;
			report_violation(out, CHK_SPLIT,
					 "node %u installed ring "
					 "%u/%u at %.3fms without node %u (neither "
					 "ever faulty)", a + 1, e->ring_rep,
					 e->ring_seq, (double)e->time / 1e6,
					 (uint32_t)__builtin_ctz(miss) + 1);
			return; /* one line per run says it */
		}
	}
}

/* ---- rings of one ---------------------------------------------------------*/
/* Did node index b run, and did both links a<->b work, over [t0, t]? */
static bool reachable(const struct check_input *in, const struct fault_plan *fp,
		      const struct avail_params *prm, uint32_t a, uint32_t b,
		      uint64_t t0, uint64_t t)
{
	bool ran = false;
	uint32_t q, k;

	for (q = 0; q < in->n_procs && !ran; q++)
		ran = in->procs[q].node == b + 1 && in->procs[q].started <= t0 &&
		      in->procs[q].crashed > t;
	if (!ran)
		return false;
	for (k = 0; k < fp->n; k++) {
		const struct fault *f = &fp->f[k];
		uint64_t end = f->heal;

		if (f->kind == FAULT_FLAP && end != UINT64_MAX)
			end += prm->hold_ns;
		if (f->at > t || end < t0)
			continue; /* not in the window */
		switch (f->kind) {
		case FAULT_PAUSE:
			if (f->node == b)
				return false;
			break;
		case FAULT_FLAP:
			if (flap_touches(f, a, b))
				return false;
			break;
		case FAULT_PARTITION:
		case FAULT_MERGE:
		case FAULT_ONEWAY:
			if (fault_cuts(f, a, b, t) || fault_cuts(f, b, a, t))
				return false;
			break;
		default:
			break;
		}
	}
	return true;
}

/* Was a an end of a one-way cut or a flapping link (counted until hold_ns
 * after the flapping) during [t0, t]? Then one of the two ends may have to
 * be alone: no ring holds both, and the other nodes' ring may hold only
 * one of them. */
static bool cut_end(const struct fault_plan *fp,
		    const struct avail_params *prm, uint32_t a, uint64_t t0,
		    uint64_t t)
{
	uint32_t k;

	for (k = 0; k < fp->n; k++) {
		const struct fault *f = &fp->f[k];
		uint64_t end = f->heal;

		if (f->kind == FAULT_FLAP && end != UINT64_MAX)
			end += prm->hold_ns;
		if (f->at > t || end < t0)
			continue;
		if (f->kind == FAULT_ONEWAY && (f->node == a || f->peer == a))
			return true;
		if (f->kind == FAULT_FLAP &&
		    (f->node == a || (f->peer == a)))
			return true;
	}
	return false;
}

/* Was node index a held out for flapping around t (engine/flap.c), by the
 * word of a process whose current ring (at t + reach) says so? Then it is
 * alone by the ring's decision. */
static bool held_out(const struct check_input *in,
		     const struct avail_params *prm, uint32_t a, uint64_t t)
{
	uint32_t q, k;

	for (q = 0; q < in->n_procs; q++) {
		const struct sim_log *l = &in->logs[q];
		const struct sim_log_entry *last = NULL;

		for (k = 0; k < l->n && l->e[k].time <= t + prm->reach_ns; k++)
			if (is_regular(&l->e[k]))
				last = &l->e[k];
		if (last != NULL && (last->conf.held_out & (1u << a)))
			return true;
	}
	return false;
}

/* Losses of node index b that faults began by t, as a sees them: b
 * stopped (crash, pause, slow), cut from a (partition or merge, one-way
 * either way), or its link to a flapping (counted twice: it goes down
 * again and again). */
static uint32_t losses(const struct fault_plan *fp, uint32_t a, uint32_t b,
		       uint64_t t)
{
	uint32_t n = 0, k;

	for (k = 0; k < fp->n; k++) {
		const struct fault *f = &fp->f[k];

		if (f->at > t)
			continue;
		if (fault_is_node(f->kind))
			n += f->node == b;
		else if (f->kind == FAULT_PARTITION || f->kind == FAULT_MERGE)
			n += f->group[a] != f->group[b];
		else if (f->kind == FAULT_ONEWAY)
			n += (f->node == a && f->peer == b) ||
			     (f->node == b && f->peer == a);
		else if (f->kind == FAULT_FLAP && flap_touches(f, a, b))
			n += 2;
	}
	return n;
}

/* Did a's engine hold b out for flapping (engine/flap.c) when it installed
 * e, with reason: the faults had taken b from a at least twice? Then b is
 * out of reach by the rule every member applies alike (b's own ring of one
 * is exempt by held_out()), and a may be alone for want of anyone else.
 * A hold with no such reason is still a violation; a hold of a healthy
 * partner is one for check_split() anyway. */
static bool held_for_flapping(const struct fault_plan *fp,
			      const struct sim_log_entry *e, uint32_t a,
			      uint32_t b)
{
	return (e->conf.held_out & (1u << b)) && losses(fp, a, b, e->time) >= 2;
}

static void check_alone(const struct check_input *in,
			const struct fault_plan *fp,
			const struct avail_params *prm, struct report *out)
{
	uint32_t p, k, b;

	for (p = 0; p < in->n_procs; p++) {
		const struct sim_log *l = &in->logs[p];
		uint32_t a = in->procs[p].node - 1;

		for (k = 0; k < l->n; k++) {
			const struct sim_log_entry *e = &l->e[k];
			uint64_t t = e->time;
			uint64_t t0 = t > prm->reach_ns ? t - prm->reach_ns : 0;

			if (!is_regular(e) || e->conf.n_members != 1 ||
			    cut_end(fp, prm, a, t0, t) ||
			    e->conf.held_by_ring || held_out(in, prm, a, t))
				continue;
			for (b = 0; b < in->n_nodes; b++) {
				if (b == a || !reachable(in, fp, prm, a, b, t0, t) ||
				    held_for_flapping(fp, e, a, b))
					continue;
				report_violation(out, CHK_ALONE,
						 "node %u "
						 "(incarnation %u) installed "
						 "ring %u/%u of itself at "
						 "%.3fms while node %u was "
						 "reachable", a + 1,
						 in->procs[p].incarnation,
						 e->ring_rep, e->ring_seq,
						 (double)t / 1e6, b + 1);
				return;
			}
		}
	}
}

/* ---- heal time --------------------------------------------------------------*/
struct cursor {
	uint32_t k;          /* next log entry */
	bool any, reg;       /* installed one; in its regular part */
	uint32_t rep, seq, members;
};

static void advance(const struct sim_log *l, struct cursor *c, uint64_t t)
{
	for (; c->k < l->n && l->e[c->k].time <= t; c->k++) {
		const struct sim_log_entry *e = &l->e[c->k];

		if (e->kind != SIM_LOG_CONFIG)
			continue;
		c->reg = !e->trans;
		if (!c->reg)
			continue;
		c->any = true;
		c->rep = e->ring_rep;
		c->seq = e->ring_seq;
		c->members = simlog_members(e);
	}
}

/* Every live process at t in the regular part of one ring of exactly the
 * live nodes (cursors advanced to t). */
static bool full_at(const struct check_input *in, const struct cursor *c,
		    uint64_t t)
{
	const struct cursor *first = NULL;
	uint32_t live = 0, p;

	for (p = 0; p < in->n_procs; p++) {
		if (in->procs[p].started > t || in->procs[p].crashed <= t)
			continue;
		if (!c[p].any || !c[p].reg)
			return false;
		live |= 1u << (in->procs[p].node - 1);
		if (first == NULL)
			first = &c[p];
		else if (c[p].rep != first->rep || c[p].seq != first->seq)
			return false;
	}
	return first != NULL && first->members == live;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Times at which something changed in [h, end): h, configuration entries,
 * process starts and crashes; sorted. *n set; NULL on ENOMEM. */
static uint64_t *moments(const struct check_input *in, uint64_t h,
			 uint64_t end, size_t *n)
{
	size_t cap = 1 + 2 * in->n_procs, k = 0;
	uint64_t *t;
	uint32_t p, i;

	for (p = 0; p < in->n_procs; p++)
		for (i = 0; i < in->logs[p].n; i++)
			cap += in->logs[p].e[i].kind == SIM_LOG_CONFIG;
	t = malloc(cap * sizeof(*t));
	if (t == NULL)
		return NULL;
	t[k++] = h;
#define ADD(x)                                                                 \
	do {                                                                   \
		if ((x) > h && (x) < end)                                      \
			t[k++] = (x);                                          \
	} while (0)
	for (p = 0; p < in->n_procs; p++) {
		ADD(in->procs[p].started);
		ADD(in->procs[p].crashed);
		for (i = 0; i < in->logs[p].n; i++)
			if (in->logs[p].e[i].kind == SIM_LOG_CONFIG)
				ADD(in->logs[p].e[i].time);
	}
#undef ADD
	qsort(t, k, sizeof(*t), cmp_u64);
	*n = k;
	return t;
}

/* From when the ring is full for good within [h, end); UINT64_MAX if it
 * is not full when end comes. -ENOMEM as UINT64_MAX - 1. */
static uint64_t full_since(const struct check_input *in, uint64_t h,
			   uint64_t end)
{
	struct cursor c[SIM_MAX_PROCS];
	uint64_t since = UINT64_MAX, *t;
	size_t n, i;
	uint32_t p;

	t = moments(in, h, end, &n);
	if (t == NULL)
		return UINT64_MAX - 1;
	memset(c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		if (i + 1 < n && t[i + 1] == t[i])
			continue; /* judge once all of this instant happened */
		for (p = 0; p < in->n_procs; p++)
			advance(&in->logs[p], &c[p], t[i]);
		if (!full_at(in, c, t[i]))
			since = UINT64_MAX;
		else if (since == UINT64_MAX)
			since = t[i];
	}
	free(t);
	return since;
}

static int push_held(struct avail_stats *st, double ms)
{
	if (sim_grow((void **)&st->held_ms, &st->cap_held, st->n_held + 1,
		     sizeof(*st->held_ms)))
		return -ENOMEM;
	st->held_ms[st->n_held++] = ms;
	return 0;
}

static int push_changes(struct avail_stats *st, uint32_t changes)
{
	if (sim_grow((void **)&st->changes, &st->cap_changes,
		     st->n_changes + 1, sizeof(*st->changes)))
		return -ENOMEM;
	st->changes[st->n_changes++] = changes;
	return 0;
}

static int push_sample(struct avail_stats *st, double ms, uint8_t kind)
{
	if (sim_grow((void **)&st->heal_ms, &st->cap_heal, st->n_heal + 1,
		     sizeof(*st->heal_ms)))
		return -ENOMEM;
	st->heal_ms[st->n_heal++] = ms;
	st->by_kind_n[kind]++;
	if (ms > st->by_kind_max[kind])
		st->by_kind_max[kind] = ms;
	return 0;
}

/* Regular configurations one process installed in [from, to], at most. */
static uint32_t most_changes(const struct check_input *in, uint64_t from,
			     uint64_t to)
{
	uint32_t most = 0, p, k;

	for (p = 0; p < in->n_procs; p++) {
		uint32_t n = 0;

		for (k = 0; k < in->logs[p].n; k++) {
			const struct sim_log_entry *e = &in->logs[p].e[k];

			n += is_regular(e) && e->time >= from && e->time <= to;
		}
		if (n > most)
			most = n;
	}
	return most;
}

static int measure_heals(const struct check_input *in,
			 const struct fault_plan *fp,
			 const struct avail_params *prm, struct report *out,
			 struct avail_stats *st)
{
	uint32_t k, j;

	for (k = 0; k < fp->n; k++) {
		const struct fault *f = &fp->f[k];
		uint64_t h = f->heal, end = UINT64_MAX, full;
		bool alone = true;
		uint32_t changes;
		int rc;

		if (h == UINT64_MAX)
			continue; /* a crash for good never heals */
		for (j = 0; j < fp->n; j++) {
			const struct fault *g = &fp->f[j];

			if (j == k)
				continue;
			if (g->at > h && g->at < end)
				end = g->at;
			/* A crash for good leaves a smaller full ring. */
			if (g->heal != UINT64_MAX && g->at <= h && g->heal > h)
				alone = false;
		}
		if (!alone)
			continue;
		full = full_since(in, h, end);
		if (full == UINT64_MAX - 1)
			return -ENOMEM;
		if (full == UINT64_MAX) {
			if (st != NULL)
				st->unmeasured++;
			continue;
		}
		changes = most_changes(in, f->at, full);
		if (prm->max_changes && changes > prm->max_changes)
			report_violation(out, CHK_CHANGES,
					 "%s fault #%u cost %u "
					 "ring changes at one process (at most "
					 "%u allowed)", fault_kind_name(f->kind),
					 f->drawn, changes, prm->max_changes);
		if (st == NULL)
			continue;
		rc = push_changes(st, changes);
		if (rc == 0 && prm->held)
			rc = push_held(st, full > h ? (double)(full - h) / 1e6 :
						      0.0);
		else if (rc == 0)
			rc = push_sample(st, full > h ? (double)(full - h) / 1e6 :
							0.0, f->kind);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int avail_check(const struct check_input *in, const struct fault_plan *fp,
		const struct avail_params *p, struct report *out,
		struct avail_stats *st)
{
	if (p->judge) {
		check_split(in, fp, out);
		check_alone(in, fp, p, out);
	}
	return measure_heals(in, fp, p, out, st);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static size_t rank(size_t n, double q)
{
	size_t i = (size_t)ceil(q * (double)n);

	i = i == 0 ? 0 : i - 1;
	return i < n ? i : n - 1;
}

double avail_heal_quantile(struct avail_stats *st, double q)
{
	if (st->n_heal == 0)
		return 0.0;
	qsort(st->heal_ms, st->n_heal, sizeof(st->heal_ms[0]), cmp_double);
	return st->heal_ms[rank(st->n_heal, q)];
}

double avail_held_quantile(struct avail_stats *st, double q)
{
	if (st->n_held == 0)
		return 0.0;
	qsort(st->held_ms, st->n_held, sizeof(st->held_ms[0]), cmp_double);
	return st->held_ms[rank(st->n_held, q)];
}

uint32_t avail_changes_quantile(struct avail_stats *st, double q)
{
	if (st->n_changes == 0)
		return 0;
	qsort(st->changes, st->n_changes, sizeof(st->changes[0]), cmp_u32);
	return st->changes[rank(st->n_changes, q)];
}
