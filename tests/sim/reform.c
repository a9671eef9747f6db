/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Re-formation time; see reform.h.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/reform.h"

void reform_init(struct reform_stats *st)
{
	memset(st, 0, sizeof(*st));
}

void reform_fini(struct reform_stats *st)
{
	free(st->ms);
	memset(st, 0, sizeof(*st));
}

/* When process p installed its first regular configuration after t that
 * excludes every node in lost; 0 if the one it was in at t already did;
 * UINT64_MAX if it never did. */
static uint64_t reformed_at(const struct sim_log *l, uint64_t t, uint32_t lost)
{
	bool excluded = false;
	uint32_t k;

	for (k = 0; k < l->n; k++) {
		const struct sim_log_entry *e = &l->e[k];

		if (e->kind != SIM_LOG_CONFIG || e->trans)
			continue;
		if (e->time <= t) {
			excluded = (simlog_members(e) & lost) == 0;
			continue;
		}
		if (excluded)
			return 0;
		if ((simlog_members(e) & lost) == 0)
			return e->time;
	}
	return excluded ? 0 : UINT64_MAX;
}

static int add(struct reform_stats *st, double ms)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 256;
		double *d = realloc(st->ms, cap * sizeof(*d));

		if (d == NULL)
			return -ENOMEM;
		st->ms = d;
		st->cap = cap;
	}
	st->ms[st->n++] = ms;
	return 0;
}

static int measure(struct reform_stats *st, const struct fault *f,
		   const struct proc_info *procs, uint32_t n_procs,
		   const struct sim_log *logs)
{
	uint64_t done = 0;
	bool owed = false;
	uint32_t p;

	for (p = 0; p < n_procs; p++) {
		const struct proc_info *pi = &procs[p];
		uint32_t lost = 0, i;
		uint64_t at;

		if (pi->started > f->at || pi->crashed <= f->at)
			continue; /* not alive when it happened */
		if (f->kind == FAULT_CRASH) {
			if (pi->node == f->node + 1)
				continue; /* the victim */
			lost = 1u << f->node;
		} else {
			for (i = 0; i < ORDO_MAX_MEMBERS; i++)
				if (f->group[i] != f->group[pi->node - 1])
					lost |= 1u << i;
		}
		at = reformed_at(&logs[p], f->at, lost);
		if (at == 0)
			continue;
		if (at == UINT64_MAX || at > pi->crashed) {
			if (pi->crashed != UINT64_MAX)
				continue; /* crashed first: owes nothing */
			st->unmeasured++;
			return 0;
		}
		owed = true;
		if (at > done)
			done = at;
	}
	if (!owed)
		return 0;
	if (done > f->heal) {
		st->unmeasured++;
		return 0;
	}
	return add(st, (double)(done - f->at) / 1e6);
}

int reform_measure(struct reform_stats *st, const struct fault_plan *fp,
		   const struct proc_info *procs, uint32_t n_procs,
		   const struct sim_log *logs)
{
	uint32_t k;
	int rc;

	for (k = 0; k < fp->n; k++) {
		const struct fault *f = &fp->f[k];

		if (f->kind != FAULT_CRASH && f->kind != FAULT_PARTITION)
			continue;
		rc = measure(st, f, procs, n_procs, logs);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double reform_quantile(struct reform_stats *st, double q)
{
	size_t i;

	if (st->n == 0)
		return 0.0;
	qsort(st->ms, st->n, sizeof(st->ms[0]), cmp_double);
	i = (size_t)ceil(q * (double)st->n);
	i = i == 0 ? 0 : i - 1;
	return st->ms[i < st->n ? i : st->n - 1];
}
