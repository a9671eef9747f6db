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
#include <stdlib.h>

#include "engine/engine_impl.h"

int store_init(struct store *s, uint32_t capacity, uint32_t mtu)
{
	s->capacity = capacity;
	s->stride = (mtu + 63u) & ~63u;
	s->slots = calloc(capacity, sizeof(*s->slots));
	if (posix_memalign((void **)&s->bufs, 64,
			   (size_t)capacity * s->stride) != 0)
		s->bufs = NULL;
	if (s->slots == NULL || s->bufs == NULL) {
		store_fini(s);
		return -ENOMEM;
	}
	return 0;
}

void store_fini(struct store *s)
{
	free(s->slots);
	free(s->bufs);
	s->slots = NULL;
	s->bufs = NULL;
}
