/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Delivery in the ring's total order.
 *
 * Every service is delivered in sequence order: UNRELIABLE, RELIABLE, FIFO,
 * CAUSAL and AGREED as soon as the packet and all before it are held (agreed
 * delivery); a packet marked SAFE only once every member holds it (safe
 * delivery), and, to keep one order at all members, nothing after it is
 * delivered before it. Messages a sender fragmented are reassembled per
 * sender (a sender's fragments are contiguous in its own stream) and
 * delivered at the position of their last fragment.
 *
 * A packet leaves the store once it is delivered here and stable everywhere:
 * then no member can ask for it again.
 */
#include <stdlib.h>

#include "engine/engine_impl.h"

void eng_advance_aru(struct ordo_engine *e)
{
	while (store_has(&e->store, e->my_aru + 1))
		e->my_aru++;
}

void eng_reasm_reset_all(struct ordo_engine *e)
{
	uint32_t c, i;

	for (c = 0; c < 2; c++) {
		for (i = 0; i < ORDO_MAX_MEMBERS; i++) {
			struct reasm *ra = &e->reasm[c][i];

			if (ra->active && c == 0)
				e->stats.reassembly_drops++;
			ra->active = false;
			ra->discard = false;
			ra->len = 0;
		}
	}
}

/* Where a delivery goes: its ring and configuration. */
struct dctx {
	const struct ring_view *ring;
	bool trans;
	uint64_t frame; /* the packet's held frame, 0: none */
};

static void hand_up(struct ordo_engine *e, const struct dctx *dc, uint64_t seq,
		    uint32_t sender, uint16_t msg_type, uint8_t service,
		    const void *data, uint32_t len, uint64_t frame)
{
	struct ordo_delivery d = {
		.seq = seq,
		.sender = sender,
		.msg_type = msg_type,
		.service = service,
		.transitional = dc->trans,
		.data = data,
		.len = len,
		.ring_rep = dc->ring->rep,
		.ring_seq = dc->ring->seq,
		.frame = frame,
	};

	if (service == ORDO_SVC_INTERNAL) {
		eng_recovery_internal(e, sender, msg_type, data, len);
		return;
	}
	e->stats.delivered++;
	e->stats.delivered_bytes += len;
	e->ops.deliver(e->ctx, &d);
}

static bool reasm_append(struct ordo_engine *e, struct reasm *ra,
			 const struct rec *r)
{
	uint64_t need = (uint64_t)ra->len + r->len;

	if (need > e->cfg.max_msg_size)
		return false;
	if (need > ra->cap) {
		/* Grows only when a larger message than ever before arrives. */
		uint32_t cap = ra->cap ? ra->cap : 64u << 10;
		uint8_t *nb;

		while (cap < need)
			cap *= 2;
		nb = e->mem.grow(e->mem.ctx, ra->buf, cap);
		if (nb == NULL)
			return false;
		ra->buf = nb;
		ra->cap = cap;
	}
	memcpy(ra->buf + ra->len, r->data, r->len);
	ra->len += r->len;
	return true;
}

/* One record of a delivered packet. Fragments that break the FIRST...LAST
 * discipline or exceed max_msg_size drop that message only. */
static void deliver_rec(struct ordo_engine *e, const struct dctx *dc,
			uint64_t seq, uint32_t sender, struct reasm *ra,
			const struct rec *r)
{
	if (r->flags == ORDO_REC_F_WHOLE) {
		if (ra->active) { /* a fragmented message never finished */
			e->stats.reassembly_drops++;
			ra->active = false;
		}
		hand_up(e, dc, seq, sender, r->msg_type, r->service, r->data,
			r->len, dc->frame);
		return;
	}
	if (r->flags & ORDO_REC_F_FIRST) {
		if (ra->active)
			e->stats.reassembly_drops++;
		ra->active = true;
		ra->discard = false;
		ra->len = 0;
		ra->msg_type = r->msg_type;
		ra->service = r->service;
	} else if (!ra->active) {
		e->stats.reassembly_drops++;
		return;
	}
	if (!ra->discard && !reasm_append(e, ra, r)) {
		ra->discard = true;
		e->stats.reassembly_drops++;
	}
	if (r->flags & ORDO_REC_F_LAST) {
		if (!ra->discard)
			hand_up(e, dc, seq, sender, ra->msg_type, ra->service,
				ra->buf, ra->len, 0);
		ra->active = false;
	}
}

void eng_deliver_packet(struct ordo_engine *e, const struct store *st,
			uint64_t seq, const struct ring_view *ring, bool trans)
{
	const struct slot *s = store_slot(st, seq);
	const uint8_t *pkt = store_buf(st, seq);
	struct dctx dc = { .ring = ring, .trans = trans,
			   .frame = s->held ? s->handle : 0 };
	struct ordo_wire_hdr h;
	struct rec_iter it;
	struct rec r;
	uint32_t sender;
	int idx;

	memcpy(&h, pkt, sizeof(h));
	sender = be32(h.sender);
	idx = eng_cfg_index(e, sender);
	if (idx < 0) /* checked on receipt; cannot happen */
		return;
	rec_iter_init(&it, pkt, s->len);
	while (rec_next(&it, &r))
		deliver_rec(e, &dc, seq, sender,
			    &e->reasm[r.service == ORDO_SVC_INTERNAL][idx], &r);
}

bool eng_packet_is_safe(const struct store *st, uint64_t seq)
{
	const uint8_t *pkt = store_buf(st, seq);

	return pkt[sizeof(struct ordo_wire_hdr) +
		   offsetof(struct ordo_wire_data, flags)] & ORDO_DATA_F_SAFE;
}

static void release_stable(struct ordo_engine *e)
{
	uint64_t upto = min_u64(e->delivered, e->safe);

	while (e->low < upto) {
		struct slot *sl = store_slot(&e->store, ++e->low);

		if (sl->seq == e->low)
			eng_store_free(e, &e->store, sl);
	}
}

/* Clients' messages only in the operational state; during recovery the new
 * ring carries only internal messages, and the last DONE marker among them
 * makes the ring operational (recovery.c). */
void eng_deliver_ready(struct ordo_engine *e)
{
	if (e->state != ORDO_STATE_OPERATIONAL &&
	    e->state != ORDO_STATE_RECOVERY)
		return;
	while (e->delivered < e->my_aru) {
		uint64_t seq = e->delivered + 1;

		if (seq > e->safe && eng_packet_is_safe(&e->store, seq))
			break;
		e->delivered = seq;
		eng_deliver_packet(e, &e->store, seq, &e->ring, false);
	}
	release_stable(e);
}
