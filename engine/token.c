/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The token visit, as in Totem SRP (Amir et al., TOCS 1995, section 3) with
 * the Accelerated Ring change (Babay & Amir, ICDCS 2016, section III):
 *
 *   1. reject a duplicate (token_seq not above the last accepted);
 *   2. answer the retransmission requests we can;
 *   3. decide how many new packets flow control allows and pack them;
 *   4. multicast all but accel_window of them            (pre-token);
 *   5. update seq (covering every new packet, also those not yet sent), aru,
 *      rtr and fcc, and pass the token to the successor;
 *   6. multicast the remaining packets                    (post-token);
 *   7. deliver what became deliverable, release what became stable.
 *
 * Accelerated Ring consequences we implement:
 *   - Retransmission requests only name sequences up to the token's seq as
 *     we forwarded it on our previous visit: later ones may still be in
 *     flight behind the token (the paper's bound on requests).
 *   - Our own post-token packets count in our aru: we hold them.
 *   - A SAFE message is stable once the token's aru covered it when we
 *     forwarded it last time and when we receive it now (a full rotation in
 *     which no member lowered the aru below it).
 */
#include "engine/engine_impl.h"

static void send_stored(struct ordo_engine *e, uint64_t seq)
{
	const struct slot *s = store_slot(&e->store, seq);

	/* A frame held by handle goes out as itself (the dataplane takes a
	 * reference); a copied one through send. */
	if (s->held)
		e->ops.frame_send(e->ctx, ORDO_DEST_RING, s->handle, s->pkt,
				  s->len);
	else
		eng_send_pkt(e, ORDO_DEST_RING, s->pkt, s->len);
}

static void pass_token(struct ordo_engine *e)
{
	e->hold_until = NEVER;
	e->stats.tx_token++;
	if (e->ring.n == 1) {
		/* Alone on the ring: the next visit is ours, on the next tick. */
		e->self_token_at = e->now;
		return;
	}
	eng_send_pkt(e, e->next_id, e->token_buf, e->token_len);
	e->token_retx_at = e->now + e->cfg.token_retransmit_ns;
}

/* Totem's "fail to receive": the token's aru stuck below its seq at the same
 * member for fail_recv_rounds rotations means that member cannot receive
 * what the others resend. Exclude it rather than stall the ring. */
static bool member_cannot_receive(struct ordo_engine *e,
				  const struct ordo_wire_token *t)
{
	struct memb *m = &e->m;

	if (t->aru_id == 0 || t->aru >= t->seq || t->aru_id != m->stuck_id ||
	    t->aru != m->stuck_aru) {
		m->stuck_id = t->aru_id;
		m->stuck_aru = t->aru;
		m->stuck_rounds = 0;
		return false;
	}
	return ++m->stuck_rounds >= e->cfg.fail_recv_rounds &&
	       t->aru_id != e->cfg.my_id;
}

/* A recovery that can never finish: for fail_recv_rounds rotations
 * everything the ring assigned is held by every member and delivered here,
 * no member has anything left to send, nothing is asked again, and still a
 * member's DONE marker has not been delivered. Only a packet taken in the
 * slot of that DONE explains it (crypto off: a forgery of the same ring,
 * sender and sequence, tests/unit/test_recovery.c); no token loss would
 * ever end the wait, as the token keeps going round. Gathering again is
 * what a token loss in recovery does: the old ring stays pending and its
 * recovery starts over in the next ring. Totem bounds no recovery; it
 * expects no forgeries. */
static bool recovery_cannot_finish(struct ordo_engine *e,
				   const struct ordo_wire_token *t)
{
	struct memb *m = &e->m;

	if (e->state != ORDO_STATE_RECOVERY || t->aru != t->seq ||
	    t->backlog != 0 || t->rtr_count != 0 || e->my_aru != t->seq ||
	    e->delivered != e->my_aru ||
	    eng_submit_backlog_packets(e) != 0) {
		m->recovery_idle = 0;
		return false;
	}
	return ++m->recovery_idle >= e->cfg.fail_recv_rounds;
}

/* Step 2: retransmit what others asked for and we hold; keep the rest. */
static uint32_t answer_rtr(struct ordo_engine *e, const struct pkt_view *v,
			   uint64_t *keep, uint16_t *nkeep)
{
	uint32_t sent = 0, i;

	*nkeep = 0;
	for (i = 0; i < v->tok.rtr_count; i++) {
		uint64_t r;

		memcpy(&r, v->rtr + i * sizeof(r), sizeof(r));
		r = be64(r);
		if (store_has(&e->store, r)) {
			send_stored(e, r);
			sent++;
		} else if (r > e->low) {
			keep[(*nkeep)++] = r;
		}
		/* r <= low: stable at every member, so no one still needs
		 * it; a stale request from an old rotation. Forget it. */
	}
	e->stats.tx_retrans += sent;
	return sent;
}

/* Packets the others multicast since our last visit: their new ones, exact
 * from the seq, and their retransmissions, from the token's fcc. fcc goes
 * round the ring for good (each member takes out what it put in), so one
 * forged or corrupt value would shut the global window forever: the
 * retransmissions count for at most half of it. */
static uint32_t others_sent(const struct ordo_engine *e,
			    const struct ordo_wire_token *t)
{
	uint64_t news = t->seq - e->rtr_bound; /* token_rx checked t->seq */
	uint64_t fcc = t->fcc > e->my_last_sent ? t->fcc - e->my_last_sent : 0;
	uint64_t retr = fcc > news ? fcc - news : 0;

	return (uint32_t)min_u64(news + min_u64(retr, e->cfg.global_window / 2),
				 UINT32_MAX);
}

/* Step 3: how many new packets may we send on this visit. */
static uint32_t allowed_new(const struct ordo_engine *e,
			    const struct ordo_wire_token *t, uint32_t others,
			    uint32_t retrans)
{
	const struct ordo_engine_config *c = &e->cfg;
	uint32_t global = c->global_window > others ? c->global_window - others : 0;
	uint32_t personal = c->personal_window > retrans ?
				    c->personal_window - retrans : 0;
	uint64_t limit = e->low + e->store.capacity; /* highest storable seq */
	uint64_t room = limit > t->seq ? limit - t->seq : 0;
	uint64_t n = personal < global ? personal : global;

	return (uint32_t)min_u64(n, room);
}

/* Step 5: add our missing sequences to the request list. */
static void request_missing(struct ordo_engine *e, uint64_t seq,
			    uint64_t *rtr, uint16_t *n)
{
	/* Never above the token's own seq: peers refuse such a token. */
	uint64_t s, bound = min_u64(min_u64(e->rtr_bound, e->high_seq), seq);
	uint16_t i, before = *n;

	for (s = e->my_aru + 1; s <= bound && *n < ORDO_WIRE_RTR_MAX; s++) {
		if (store_has(&e->store, s))
			continue;
		for (i = 0; i < before && rtr[i] != s; i++)
			;
		if (i == before) {
			rtr[(*n)++] = s;
			e->stats.rtr_requested++;
		}
	}
}

int eng_token_rx(struct ordo_engine *e, const struct pkt_view *v)
{
	struct ordo_wire_token t = v->tok;
	uint64_t rtr[ORDO_WIRE_RTR_MAX];
	uint64_t aru_rx = t.aru, first;
	uint32_t retrans, others, n, pre, i;
	uint16_t nrtr;

	if (t.dest != e->cfg.my_id)
		return -ORDO_DROP_NOT_FOR_US;
	if (e->state != ORDO_STATE_OPERATIONAL &&
	    e->state != ORDO_STATE_RECOVERY)
		return -ORDO_DROP_STATE;
	if (t.token_seq <= e->last_token_seq)
		return -ORDO_DROP_DUP_TOKEN;
	/* Every pass adds one: the token we passed comes back at most
	 * ring.n passes later (a new ring's first at our position). One
	 * further ahead is forged or corrupt, and taking it would make us
	 * drop the real one as a duplicate. */
	if (t.token_seq > e->passed_token_seq + e->ring.n)
		return -ORDO_DROP_BAD_TOKEN;
	/* The ring's seq never goes back, and flow control lets a rotation
	 * add at most global_window packets (plus one visit's personal
	 * window of slack) to the seq we passed on. Below, a token would
	 * make us reuse sequence numbers; beyond, ask for ones that never
	 * existed until the ring re-forms: stale, forged or corrupt. */
	if (t.seq < e->rtr_bound ||
	    t.seq > e->rtr_bound + e->cfg.global_window + e->cfg.personal_window)
		return -ORDO_DROP_BAD_TOKEN;
	/* The member holding the aru down is one of ours, or no one would
	 * ever lift it (nothing would become stable again). */
	if (t.aru_id != 0 && !in_ring(e, t.aru_id))
		return -ORDO_DROP_BAD_TOKEN;
	e->stats.rx_token++;
	e->token_rx_at = e->now;
	e->stats.rotations++;
	e->last_token_seq = t.token_seq;
	e->token_retx_at = NEVER; /* it came round: our last pass arrived */
	e->m.commit_retx_at = NEVER;
	e->m.token_loss_at = e->now + e->cfg.token_loss_ns;
	e->high_seq = max_u64(e->high_seq, t.seq);
	eng_flap_token(e, &t);
	if (member_cannot_receive(e, &t)) {
		int idx = eng_cfg_index(e, t.aru_id);

		if (idx >= 0) {
			eng_strike(e, idx);
			eng_enter_gather(e, 0, "member cannot receive");
			return 0;
		}
	}

	if (recovery_cannot_finish(e, &t)) {
		e->stats.recovery_stalls++;
		eng_enter_gather(e, 0, "recovery cannot finish");
		return 0;
	}

	others = others_sent(e, &t);
	/* 2. retransmissions, 3. new packets packed into the store. */
	retrans = answer_rtr(e, v, rtr, &nrtr);
	first = t.seq + 1;
	n = eng_submit_build(e, first, allowed_new(e, &t, others, retrans));
	if (n > 0) {
		e->high_seq = first + n - 1;
		eng_advance_aru(e);
	}

	/* 4. pre-token multicast. */
	pre = n > e->cfg.accel_window ? n - e->cfg.accel_window : 0;
	for (i = 0; i < pre; i++)
		send_stored(e, first + i);

	/* 5. update the token and pass it. */
	t.seq += n;
	if (e->my_aru < t.aru || t.aru_id == e->cfg.my_id || t.aru_id == 0) {
		t.aru = min_u64(e->my_aru, t.seq);
		t.aru_id = t.aru == t.seq ? 0 : e->cfg.my_id;
	}
	request_missing(e, t.seq, rtr, &nrtr);
	t.rtr_count = nrtr;
	t.fcc = others + n + retrans;
	e->my_last_sent = n + retrans;
	{
		uint32_t backlog = eng_submit_backlog_packets(e);

		t.backlog = (t.backlog > e->my_last_backlog ?
				     t.backlog - e->my_last_backlog : 0) + backlog;
		e->my_last_backlog = backlog;
	}
	t.token_seq++;
	t.dest = e->next_id;
	e->passed_token_seq = t.token_seq;
	e->rtr_bound = t.seq;

	/* Stable: covered by the aru we forwarded last time and the aru we
	 * received now (see the file comment). */
	e->safe = max_u64(e->safe, min_u64(min_u64(aru_rx, e->aru_fwd_prev),
					   e->my_aru));
	e->aru_fwd_prev = t.aru;

	e->token_len = eng_codec_write_token(e->token_buf, &t, rtr,
					     e->cfg.config_hash, e->cfg.my_id,
					     e->ring_rep, e->ring_seq);
	/* An idle ring need not spin: nothing to send or resend here or
	 * anywhere (backlog), everything delivered and stable. Hold the
	 * token a while; a local submission releases it (Corosync's token
	 * hold). */
	if (e->cfg.token_hold_ns && n == 0 && retrans == 0 && nrtr == 0 &&
	    t.backlog == 0 && t.aru == t.seq && e->safe == t.seq &&
	    e->delivered == t.seq && e->state == ORDO_STATE_OPERATIONAL)
		e->hold_until = e->now + e->cfg.token_hold_ns;
	else
		pass_token(e);

	/* 6. post-token multicast. */
	for (i = pre; i < n; i++)
		send_stored(e, first + i);
	e->stats.tx_data += n;

	/* 7. */
	eng_deliver_ready(e);
	return 0;
}

/* The representative starts the ring with a token that "arrives" at it. */
void eng_token_create(struct ordo_engine *e)
{
	struct pkt_view v;

	memset(&v, 0, sizeof(v));
	v.tok.token_seq = e->last_token_seq + 1;
	v.ring_rep = e->ring_rep;
	v.ring_seq = e->ring_seq;
	v.tok.dest = e->cfg.my_id;
	e->stats.rx_token--; /* not received from the network */
	eng_token_rx(e, &v);
}

void eng_token_timer(struct ordo_engine *e)
{
	if (e->hold_until <= e->now)
		pass_token(e);
	if (e->self_token_at <= e->now) {
		struct pkt_view v;

		/* One member: the token we just "passed" comes straight back. */
		e->self_token_at = NEVER;
		if (eng_codec_parse(e->token_buf, e->token_len,
				    e->cfg.config_hash, &v) == 0) {
			e->stats.rx_token--;
			eng_token_rx(e, &v);
		}
	}
	if (e->token_retx_at <= e->now) {
		/* No sign the successor got it: send the same token again; the
		 * successor drops it by token_seq if it was only slow. */
		eng_send_pkt(e, e->next_id, e->token_buf, e->token_len);
		e->stats.token_retrans++;
		e->token_retx_at = e->now + e->cfg.token_retransmit_ns;
	}
}
