/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The packet store: a ring of MTU-sized buffers indexed by sequence number
 * modulo a power-of-two capacity. A sequence s may be stored while
 * s <= low + capacity (low = highest released), so slots never collide;
 * the sender's flow control keeps new sequences inside that bound and a
 * receiver that is further behind drops and later asks for retransmission.
 * Memory is allocated once, here, and never again.
 */
#include <errno.h>
#include <string.h>

#include "engine/engine_impl.h"

int eng_store_init(struct store *s, const struct ordo_engine_mem *m,
		   uint32_t capacity, uint32_t mtu)
{
	s->capacity = capacity;
	s->stride = (mtu + 63u) & ~63u;
	s->slots = m->alloc(m->ctx, (size_t)capacity * sizeof(*s->slots), 64);
	s->bufs = m->alloc(m->ctx, (size_t)capacity * s->stride, 64);
	if (s->slots == NULL || s->bufs == NULL) {
		eng_store_fini(s, m);
		return -ENOMEM;
	}
	memset(s->slots, 0, (size_t)capacity * sizeof(*s->slots));
	return 0;
}

void eng_store_fini(struct store *s, const struct ordo_engine_mem *m)
{
	if (s->slots != NULL)
		m->free(m->ctx, s->slots);
	if (s->bufs != NULL)
		m->free(m->ctx, s->bufs);
	s->slots = NULL;
	s->bufs = NULL;
}
