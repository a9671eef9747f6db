/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Workload planning and submission; see workload.h.
 *
 * The default size mix exercises both ways the engine packs messages while
 * keeping a seed cheap: most messages are small (16..256 B, many per
 * packet), about one in seven is 1..4 KiB (a few fragments at MTU 1500),
 * and one in two hundred is large (64 KiB..1 MiB, log-uniform; 16 MiB with
 * --big), which takes hundreds of packets and many token visits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/payload.h"
#include "tests/sim/prng.h"
#include "tests/sim/workload.h"

void wl_init(struct workload *w)
{
	memset(w, 0, sizeof(*w));
}

void wl_fini(struct workload *w)
{
	free(w->plan.msgs);
	free(w->scratch);
	memset(w, 0, sizeof(*w));
}

uint32_t wl_max_len(const struct wl_params *p)
{
	if (p->size)
		return p->size;
	return p->big ? WL_BIG_MAX : WL_LARGE_MAX;
}

static uint32_t draw_len(struct prng *r, const struct wl_params *p)
{
	uint64_t u;

	if (p->size)
		return p->size;
	u = prng_below(r, 1000);
	if (u < 5) {
		uint32_t top = p->big ? 24 : 20; /* log2 of the largest */
		uint32_t bits = (uint32_t)prng_range(r, 16, top - 1);
		uint64_t len = prng_range(r, 1ull << bits, 2ull << bits);

		return (uint32_t)(len < wl_max_len(p) ? len : wl_max_len(p));
	}
	if (u < 140)
		return (uint32_t)prng_range(r, 1024, 4096);
	return (uint32_t)prng_range(r, 16, 256);
}

/* Origin, then due time, then draw order: a total order, so qsort (not
 * stable) still sorts the same way every time. The draw order waits in
 * counter until counters are assigned. */
static int by_origin_due(const void *a, const void *b)
{
	const struct plan_msg *x = a, *y = b;

	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return x->counter < y->counter ? -1 : x->counter > y->counter;
}

int wl_plan(struct workload *w, const struct wl_params *p, uint64_t seed,
	    uint32_t n_nodes)
{
	struct plan *pl = &w->plan;
	uint32_t i, max = wl_max_len(p);
	struct prng r;

	w->p = *p;
	w->eagain = 0;
	w->scratch_msg = UINT32_MAX;
	if (pl->cap < p->msgs) {
		struct plan_msg *m = realloc(pl->msgs, p->msgs * sizeof(*m));

		if (m == NULL)
			return -ENOMEM;
		pl->msgs = m;
		pl->cap = p->msgs;
	}
	if (w->scratch_cap < max) {
		uint8_t *s = realloc(w->scratch, max);

		if (s == NULL)
			return -ENOMEM;
		w->scratch = s;
		w->scratch_cap = max;
	}
	pl->n = p->msgs;
	pl->n_nodes = n_nodes;

	prng_seed(&r, seed, PRNG_WORKLOAD);
	for (i = 0; i < pl->n; i++) {
		struct plan_msg *m = &pl->msgs[i];

		memset(m, 0, sizeof(*m));
		m->origin = 1 + (uint32_t)prng_below(&r, n_nodes);
		m->due = prng_below(&r, p->spread_ns ? p->spread_ns : 1);
		m->len = draw_len(&r, p);
		m->service = p->service ? p->service :
			     (uint8_t)prng_range(&r, ORDO_SVC_UNRELIABLE,
						 ORDO_SVC_SAFE);
		m->msg_type = (uint16_t)prng_next(&r);
		m->counter = i;
		m->accepted_at = UINT64_MAX;
		m->proc = WL_NONE;
		m->causal_after = WL_NONE;
	}
	qsort(pl->msgs, pl->n, sizeof(pl->msgs[0]), by_origin_due);
	w->last_due = 0;
	for (i = 0; i < pl->n; i++)
		if (pl->msgs[i].due > w->last_due)
			w->last_due = pl->msgs[i].due;

	memset(pl->base, 0, sizeof(pl->base));
	for (i = 0; i < pl->n; i++)
		pl->base[pl->msgs[i].origin]++;
	/* Prefix sums: base[i] = messages of node ids <= i, which is where
	 * origin index i (node id i + 1) starts. */
	for (i = 1; i <= n_nodes; i++)
		pl->base[i] += pl->base[i - 1];
	for (i = n_nodes + 1; i <= ORDO_MAX_MEMBERS; i++)
		pl->base[i] = pl->base[n_nodes];
	for (i = 0; i < pl->n; i++)
		pl->msgs[i].counter = i - pl->base[pl->msgs[i].origin - 1];
	for (i = 0; i < n_nodes; i++)
		w->cursor[i] = pl->base[i];
	return 0;
}

uint64_t wl_last_due(const struct workload *w)
{
	return w->last_due;
}

uint64_t wl_next_due(const struct workload *w, uint32_t i)
{
	const struct plan *pl = &w->plan;

	if (w->cursor[i] >= pl->base[i + 1])
		return UINT64_MAX;
	return pl->msgs[w->cursor[i]].due;
}

uint64_t wl_submit_due(struct workload *w, uint32_t i, uint64_t now,
		       struct ordo_engine *e, int32_t proc,
		       int32_t last_delivered, uint32_t *accepted)
{
	struct plan *pl = &w->plan;

	while (w->cursor[i] < pl->base[i + 1]) {
		struct plan_msg *m = &pl->msgs[w->cursor[i]];
		int rc;

		if (m->due > now)
			return m->due;
		/* A message that certainly does not fit is not built only to
		 * be refused: a back-pressured 16 MiB message would otherwise
		 * cost a 16 MiB fill per retry. */
		if (ordo_engine_submit_space(e) < m->len) {
			w->eagain++;
			return now + WL_RETRY_NS;
		}
		if (w->scratch_msg != w->cursor[i]) {
			payload_fill(w->scratch, m->origin, m->counter, m->len);
			w->scratch_msg = w->cursor[i];
		}
		rc = ordo_engine_submit(e, m->service, m->msg_type, w->scratch,
					m->len);
		if (rc == -EAGAIN) {
			w->eagain++;
			return now + WL_RETRY_NS;
		}
		if (rc == 0) {
			m->accepted_at = now;
			m->proc = proc;
			(*accepted)++;
			m->digest = payload_digest(w->scratch, m->len);
			m->causal_after = last_delivered;
		} else {
			/* Refused for good: the checker reports it. */
			m->submit_rc = (int8_t)(rc < -127 ? -127 : rc);
		}
		w->cursor[i]++;
	}
	return UINT64_MAX;
}
