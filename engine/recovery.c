/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Recovery and Extended Virtual Synchrony (Totem SRP, TOCS 1995, 4.4;
 * Moser et al., ICDCS 1994).
 *
 * Members of the same old ring that move to the new ring together (the
 * transitional members) must finish the old ring with the same messages.
 * We do it through the new ring itself: each member queues, as INTERNAL
 * messages, every old packet it holds above the lowest aru of the
 * transitional members, then a DONE marker. The new ring orders and
 * retransmits them like any message, so when a member has delivered every
 * member's DONE, it holds exactly what the others hold. Then, identically
 * at every transitional member:
 *
 *   1. old messages are delivered in the old regular configuration up to
 *      the first sequence no one holds, or the first SAFE packet not known
 *      stable by any of them (they cannot all have it);
 *   2. the TRANSITIONAL configuration is delivered;
 *   3. the remaining old messages are delivered in it, except, past the
 *      first hole, those whose sender is not transitional (they may depend
 *      causally on the missing message);
 *   4. the REGULAR configuration of the new ring is delivered, and clients'
 *      messages flow again.
 *
 * Deviation from the paper: recovery packets are carried whole inside new
 * ring messages (fragmented when needed), rather than re-sequenced.
 */
#include "engine/engine_impl.h"

enum recovery_msg {
	REC_PACKET = 1, /* an old-ring packet, byte for byte */
	REC_DONE = 2,   /* the sender queued everything it holds */
};

static void conf_change(struct ordo_engine *e, uint8_t kind,
			const struct ring_view *to,
			const struct ring_view *from, mset members)
{
	struct ordo_config_change c;
	struct ring_view v;

	if (e->ops.config_change == NULL)
		return;
	eng_ring_view_set(e, &v, 0, 0, members, NULL);
	memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.ring_rep = to->rep;
	c.ring_seq = to->seq;
	if (from != NULL) {
		c.prev_rep = from->rep;
		c.prev_seq = from->seq;
	}
	c.n_members = v.n;
	memcpy(c.members, v.ids, sizeof(c.members));
	e->ops.config_change(e->ctx, &c);
}

static void reset_ring_state(struct ordo_engine *e)
{
	eng_store_clear(e, &e->store);
	e->my_aru = e->high_seq = e->delivered = e->safe = e->low = 0;
	e->last_token_seq = e->passed_token_seq = 0;
	e->rtr_bound = e->aru_fwd_prev = 0;
	e->my_last_sent = e->my_last_backlog = 0;
	e->token_retx_at = NEVER;
	e->self_token_at = NEVER;
	e->hold_until = NEVER;
	e->m.stuck_rounds = 0;
	e->m.recovery_idle = 0;
}

void eng_recovery_start(struct ordo_engine *e, uint32_t rep, uint32_t seq,
			const struct ordo_wire_memb *memb, uint32_t n)
{
	struct old_ring *o = &e->old;
	struct ring_view nr;
	uint32_t inc[ORDO_MAX_MEMBERS] = { 0 };
	mset set = 0;
	uint64_t i;

	if (!o->pending && e->inst.seq != 0) {
		/* Leaving an installed ring: it becomes the old ring. */
		struct store t = o->store;

		o->pending = true;
		o->ring = e->inst;
		o->store = e->store;
		e->store = t;
		o->my_aru = e->my_aru;
		o->high_seq = e->high_seq;
		o->delivered = e->delivered;
		o->safe = e->safe;
		o->low = e->low;
	}
	reset_ring_state(e);
	eng_submit_clear(e, &e->iq);
	eng_submit_restart_partial(&e->sq);

	for (i = 0; i < n; i++) {
		int idx = eng_cfg_index(e, memb[i].id);

		set |= bit(idx);
		inc[idx] = memb[i].incarnation;
		e->m.inc[idx] = memb[i].incarnation;
	}
	eng_ring_view_set(e, &nr, rep, seq, set, inc);
	eng_set_working_ring(e, &nr);
	e->state = ORDO_STATE_RECOVERY;
	e->m.state_timeout_at = NEVER;
	e->m.token_loss_at = e->now + e->cfg.token_loss_ns;

	/* What the transitional members agree on about the old ring. */
	o->trans = 0;
	o->done = 0;
	o->low_all = UINT64_MAX;
	o->high_all = 0;
	o->max_safe = 0;
	if (o->pending) {
		for (i = 0; i < n; i++) {
			if (memb[i].old_rep != o->ring.rep ||
			    memb[i].old_seq != o->ring.seq)
				continue;
			o->trans |= bit(eng_cfg_index(e, memb[i].id));
			o->low_all = min_u64(o->low_all, memb[i].old_aru);
			o->high_all = max_u64(o->high_all, memb[i].old_high);
			o->max_safe = max_u64(o->max_safe, memb[i].old_safe);
		}
		/* Only what a store can hold: commit entries are not trusted
		 * to bound a loop. */
		o->high_all = min_u64(o->high_all, o->low + o->store.capacity);
		o->low_all = max_u64(o->low_all, o->low);
		for (i = o->low_all + 1; i <= o->high_all; i++) {
			struct iovec iov;

			if (!store_has(&o->store, i))
				continue;
			iov.iov_base = store_buf(&o->store, i);
			iov.iov_len = store_slot(&o->store, i)->len;
			eng_submit_enqueue(e, &e->iq, ORDO_SVC_INTERNAL,
					   REC_PACKET, &iov, 1);
		}
	}
	{
		struct iovec iov = { .iov_base = NULL, .iov_len = 0 };

		eng_submit_enqueue(e, &e->iq, ORDO_SVC_INTERNAL, REC_DONE,
				   &iov, 0);
	}
}

static void recovery_store(struct ordo_engine *e, const uint8_t *data,
			   uint32_t len)
{
	struct old_ring *o = &e->old;
	struct pkt_view v;

	if (!o->pending ||
	    eng_codec_parse(data, len, e->cfg.config_hash, &v) != 0 ||
	    v.type != ORDO_PKT_DATA || v.ring_rep != o->ring.rep ||
	    v.ring_seq != o->ring.seq || v.seq <= o->low ||
	    v.seq > o->low + o->store.capacity ||
	    eng_cfg_index(e, v.sender) < 0 || store_has(&o->store, v.seq))
		return;
	/* A copy: data is a reassembled message or a record inside another
	 * packet of the new ring, not a frame of its own. */
	eng_store_put_copy(e, &o->store, v.seq, data, v.len);
	o->high_seq = max_u64(o->high_seq, v.seq);
}

static uint32_t packet_sender(const struct store *st, uint64_t seq)
{
	struct ordo_wire_hdr h;

	memcpy(&h, store_buf(st, seq), sizeof(h));
	return be32(h.sender);
}

static void recovery_finish(struct ordo_engine *e)
{
	struct old_ring *o = &e->old;

	if (o->pending) {
		uint64_t s = o->delivered + 1;
		bool hole = false;

		for (; s <= o->high_all && store_has(&o->store, s); s++) {
			if (s > o->max_safe && eng_packet_is_safe(&o->store, s))
				break;
			eng_deliver_packet(e, &o->store, s, &o->ring, false);
		}
		conf_change(e, ORDO_CONF_TRANSITIONAL, &e->ring, &o->ring,
			    o->trans);
		for (; s <= o->high_all; s++) {
			if (!store_has(&o->store, s)) {
				hole = true;
				continue;
			}
			if (hole && !(o->trans & bit(eng_cfg_index(
					   e, packet_sender(&o->store, s)))))
				continue;
			eng_deliver_packet(e, &o->store, s, &o->ring, true);
		}
		eng_store_clear(e, &o->store);
		o->pending = false;
	}
	eng_reasm_reset_all(e);
	eng_flap_ring_change(e, &e->inst, &e->ring);
	e->inst = e->ring;
	conf_change(e, ORDO_CONF_REGULAR, &e->ring, NULL, e->ring.mask);
	e->state = ORDO_STATE_OPERATIONAL;
	e->stats.ring_changes++;
	e->m.beacon_at = e->now + e->cfg.merge_detect_ns;
}

void eng_recovery_internal(struct ordo_engine *e, uint32_t sender,
			   uint16_t msg_type, const uint8_t *data, uint32_t len)
{
	int idx = eng_cfg_index(e, sender);

	if (e->state != ORDO_STATE_RECOVERY || idx < 0)
		return;
	if (msg_type == REC_PACKET) {
		recovery_store(e, data, len);
	} else if (msg_type == REC_DONE) {
		e->old.done |= bit(idx);
		if ((e->old.done & e->ring.mask) == e->ring.mask)
			recovery_finish(e);
	}
}
