/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Slab-backed free list of packet buffers; see pktbuf.h.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/sim/pktbuf.h"

#define SLAB_BUFS 64u

void pktpool_init(struct pktpool *p)
{
	memset(p, 0, sizeof(*p));
}

void pktpool_fini(struct pktpool *p)
{
	uint32_t i;

	for (i = 0; i < p->n_slabs; i++)
		free(p->slabs[i]);
	free(p->slabs);
	memset(p, 0, sizeof(*p));
}

static int grow(struct pktpool *p)
{
	struct pktbuf *slab;
	uint32_t i;

	if (p->n_slabs == p->cap_slabs) {
		uint32_t cap = p->cap_slabs ? p->cap_slabs * 2 : 16;
		void **s = realloc(p->slabs, cap * sizeof(*s));

		if (s == NULL)
			return -1;
		p->slabs = s;
		p->cap_slabs = cap;
	}
	slab = malloc(SLAB_BUFS * sizeof(*slab));
	if (slab == NULL)
		return -1;
	p->slabs[p->n_slabs++] = slab;
	for (i = 0; i < SLAB_BUFS; i++) {
		slab[i].next = p->free;
		p->free = &slab[i];
	}
	return 0;
}

struct pktbuf *pktpool_get(struct pktpool *p, const void *bytes, uint32_t len)
{
	struct pktbuf *b;

	if (len > sizeof(b->data) || (p->free == NULL && grow(p) != 0))
		return NULL;
	b = p->free;
	p->free = b->next;
	b->refs = 1;
	b->len = len;
	b->hostile = 0;
	memcpy(b->data, bytes, len);
	p->in_use++;
	return b;
}

void pktpool_put(struct pktpool *p, struct pktbuf *b)
{
	if (--b->refs > 0)
		return;
	b->next = p->free;
	p->free = b;
	p->in_use--;
}
