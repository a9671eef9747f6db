/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The packet store: a ring of slots indexed by sequence number modulo a
 * power-of-two capacity. A sequence s may be stored while
 * s <= low + capacity (low = highest released), so slots never collide;
 * the sender's flow control keeps new sequences inside that bound and a
 * receiver that is further behind drops and later asks for retransmission.
 *
 * A slot's packet is either copied into the store's own MTU-sized buffer
 * for that index, or, with the frame ops (engine.h), a frame held by
 * handle: a received packet left where the dataplane received it, or one
 * we packed into a frame from ops->frame_alloc. Every held frame goes back
 * through ops->frame_release exactly once, here, when its slot is
 * emptied. Memory is allocated once, here, and never again; the own
 * buffers stay allocated with the frame ops too, for the packets that are
 * still copied: recovery's old-ring packets (recovery.c) and packets
 * offered through plain ordo_engine_rx().
 */
#include <errno.h>
#include <string.h>

#include "engine/engine_impl.h"

int eng_store_init(struct store *s, const struct ordo_engine_mem *m,
		   uint32_t capacity, uint32_t mtu)
{
	uint32_t i;

	s->capacity = capacity;
	s->stride = (mtu + 63u) & ~63u;
	s->slots = m->alloc(m->ctx, (size_t)capacity * sizeof(*s->slots), 64);
	s->bufs = m->alloc(m->ctx, (size_t)capacity * s->stride, 64);
	if (s->slots == NULL || s->bufs == NULL) {
		if (s->slots != NULL)
			m->free(m->ctx, s->slots);
		if (s->bufs != NULL)
			m->free(m->ctx, s->bufs);
		s->slots = NULL;
		s->bufs = NULL;
		return -ENOMEM;
	}
	memset(s->slots, 0, (size_t)capacity * sizeof(*s->slots));
	for (i = 0; i < capacity; i++)
		s->slots[i].pkt = s->bufs + (size_t)i * s->stride;
	return 0;
}

void eng_store_fini(struct ordo_engine *e, struct store *s)
{
	const struct ordo_engine_mem *m = &e->mem;

	if (s->slots != NULL) {
		eng_store_clear(e, s);
		m->free(m->ctx, s->slots);
	}
	if (s->bufs != NULL)
		m->free(m->ctx, s->bufs);
	s->slots = NULL;
	s->bufs = NULL;
}

uint8_t *eng_frame_alloc(struct ordo_engine *e, uint64_t *handle)
{
	uint8_t *p;

	if (!eng_frames(&e->ops))
		return NULL;
	p = e->ops.frame_alloc(e->ctx, e->cfg.mtu, handle);
	if (p == NULL) {
		e->stats.frame_alloc_fails++;
		return NULL;
	}
	e->stats.frames_alloc++;
	e->stats.frames_held++;
	return p;
}

void eng_frame_release(struct ordo_engine *e, uint64_t handle)
{
	e->stats.frames_released++;
	e->stats.frames_held--;
	e->ops.frame_release(e->ctx, handle);
}

void eng_store_free(struct ordo_engine *e, struct store *s, struct slot *sl)
{
	if (sl->held) {
		sl->held = 0;
		sl->pkt = s->bufs + (size_t)(sl - s->slots) * s->stride;
		eng_frame_release(e, sl->handle);
	}
	sl->seq = 0;
}

void eng_store_clear(struct ordo_engine *e, struct store *s)
{
	uint32_t i;

	for (i = 0; i < s->capacity; i++)
		if (s->slots[i].seq != 0 || s->slots[i].held)
			eng_store_free(e, s, &s->slots[i]);
}

void eng_store_put_copy(struct ordo_engine *e, struct store *s, uint64_t seq,
			const void *pkt, uint32_t len)
{
	struct slot *sl = store_slot(s, seq);

	if (sl->seq != 0 || sl->held)
		eng_store_free(e, s, sl);
	memcpy(sl->pkt, pkt, len);
	sl->seq = seq;
	sl->len = len;
}

void eng_store_put_frame(struct ordo_engine *e, struct store *s, uint64_t seq,
			 uint8_t *pkt, uint32_t len, uint64_t handle)
{
	struct slot *sl = store_slot(s, seq);

	if (sl->seq != 0 || sl->held)
		eng_store_free(e, s, sl);
	sl->pkt = pkt;
	sl->handle = handle;
	sl->held = 1;
	sl->seq = seq;
	sl->len = len;
}
