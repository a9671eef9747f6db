/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Binary heap of events; see evq.h. The array grows by doubling and is kept
 * across seeds, so a long soak stops allocating after its first runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/evq.h"

static inline bool before(const struct ev *a, const struct ev *b)
{
	return a->time < b->time || (a->time == b->time && a->order < b->order);
}

void evq_init(struct evq *q)
{
	memset(q, 0, sizeof(*q));
}

void evq_fini(struct evq *q)
{
	free(q->heap);
	memset(q, 0, sizeof(*q));
}

void evq_clear(struct evq *q)
{
	q->n = 0;
	q->next_order = 0;
}

int evq_push(struct evq *q, uint64_t time, uint8_t kind, uint32_t node,
	     struct pktbuf *pkt)
{
	struct ev e = { .time = time, .order = q->next_order++, .pkt = pkt,
			.node = node, .kind = kind };
	uint32_t i;

	if (q->n == q->cap) {
		uint32_t cap = q->cap ? q->cap * 2 : 1024;
		struct ev *h = realloc(q->heap, (size_t)cap * sizeof(*h));

		if (h == NULL)
			return -ENOMEM;
		q->heap = h;
		q->cap = cap;
	}
	/* Sift up. */
	for (i = q->n++; i > 0; ) {
		uint32_t parent = (i - 1) / 2;

		if (!before(&e, &q->heap[parent]))
			break;
		q->heap[i] = q->heap[parent];
		i = parent;
	}
	q->heap[i] = e;
	return 0;
}

bool evq_pop(struct evq *q, struct ev *out)
{
	struct ev last;
	uint32_t i, child;

	if (q->n == 0)
		return false;
	*out = q->heap[0];
	last = q->heap[--q->n];
	/* Sift the last element down from the root. */
	for (i = 0; (child = 2 * i + 1) < q->n; i = child) {
		if (child + 1 < q->n && before(&q->heap[child + 1], &q->heap[child]))
			child++;
		if (!before(&q->heap[child], &last))
			break;
		q->heap[i] = q->heap[child];
	}
	if (q->n > 0)
		q->heap[i] = last;
	return true;
}
