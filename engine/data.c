/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Receiving a DATA packet: keep it in the store under its sequence number,
 * advance our aru, and deliver what became deliverable. A packet is kept
 * byte for byte, so a retransmission on another member's request is the
 * very packet its originator built: copied into the store, or, offered by
 * handle (ordo_engine_rx_frame), the received frame itself.
 */
#include "engine/engine_impl.h"

int eng_data_rx(struct ordo_engine *e, const uint8_t *pkt,
		const struct pkt_view *v)
{
	bool ours = v->ring_rep == e->ring_rep && v->ring_seq == e->ring_seq;

	if (v->sender == e->cfg.my_id)
		/* Our own multicast looped back, or a retransmission of a
		 * packet of ours: we hold every packet we sent until stable. */
		return -ORDO_DROP_FROM_SELF;
	if (!ours)
		return eng_memb_foreign(e, v);
	/* While gathering we still keep our ring's packets: they count in
	 * what we bring to recovery. Once we reported our state in the commit
	 * token we may not take more. */
	if (e->state == ORDO_STATE_COMMIT)
		return -ORDO_DROP_STATE;
	if (v->seq <= e->low || store_has(&e->store, v->seq))
		return -ORDO_DROP_DUP_DATA;
	if (v->seq > e->low + e->store.capacity)
		return -ORDO_DROP_WINDOW;
	/* Signs of progress only from a packet we take: a replayed or
	 * stray copy must not stop our retransmissions. */
	if (e->state != ORDO_STATE_GATHER) {
		uint32_t ahead = v->round - (uint32_t)e->passed_token_seq;

		/* The new ring runs: the commit token has done its work. */
		e->m.commit_retx_at = NEVER;
		/* The successor multicasts with the round of the token we
		 * passed, the members after it with the rounds after: a sign
		 * it arrived, so stop retransmitting it. */
		if ((int32_t)ahead >= 0 && ahead < e->ring.n)
			e->token_retx_at = NEVER;
	}

	if (e->offer_pkt == pkt) {
		/* Offered by handle (ordo_engine_rx_frame): keep the frame. */
		eng_store_put_frame(e, &e->store, v->seq, (uint8_t *)pkt,
				    v->len, e->offer_handle);
		e->offer_kept = true;
		e->stats.frames_kept++;
		e->stats.frames_held++;
	} else {
		eng_store_put_copy(e, &e->store, v->seq, pkt, v->len);
	}
	e->stats.rx_data++;
	e->high_seq = max_u64(e->high_seq, v->seq);
	if (v->seq == e->my_aru + 1) {
		eng_advance_aru(e);
		eng_deliver_ready(e);
	}
	return 0;
}
