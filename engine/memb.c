/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Membership states and their timers (Totem SRP, TOCS 1995, section 4).
 *
 *   OPERATIONAL --token loss / foreign ring / join--> GATHER
 *   GATHER      --consensus on (proc - fail)-------> COMMIT  (commit.c)
 *   COMMIT      --commit token's second rotation---> RECOVERY (recovery.c)
 *   RECOVERY    --every member finished the old ring--> OPERATIONAL
 *   COMMIT, RECOVERY --token loss--> GATHER (the old ring is kept)
 *
 * Beyond the paper, and why:
 *   - The representative multicasts a BEACON every merge_detect_ns so that
 *     idle rings on one LAN find each other (Totem relies on traffic).
 *   - Who forms the next ring is computed from direct evidence of who hears
 *     whom, the same way at every member (join.c), so one-way links and
 *     partial connectivity converge on consistent rings.
 *   - Hold-down: a member that cannot receive (fail to receive) counts as
 *     not heard for holddown_ns, doubling at each repeat. Every member
 *     sees the same stuck token, so all hold it down alike. A member that
 *     merely restarts or leaves often is not held down: decided locally,
 *     at slightly different moments, that made members disagree on who
 *     hears whom and rings re-form without end. Each of its flaps costs a
 *     short re-formation, never a stall.
 *   - Back-off: a member left out although we hear it (a broken link) may
 *     not make our ring re-form through its beacons until a back-off,
 *     doubling at each repeat, expires: rings stay up while a link is
 *     broken, and find out soon enough when it is mended.
 *   - Joins are stale when their sender had not yet seen our ring (its
 *     highest ring sequence is below ours): they carry views from a gather
 *     that is over, and acting on them makes rings re-form in a loop.
 */
#include "engine/engine_impl.h"

void eng_ring_view_set(struct ordo_engine *e, struct ring_view *r, uint32_t rep,
		       uint32_t seq, mset members, const uint32_t *inc)
{
	uint32_t i;

	memset(r, 0, sizeof(*r));
	r->rep = rep;
	r->seq = seq;
	r->mask = members;
	/* cfg.members may be in any order; the ring is in ascending id. */
	for (i = 0; i < e->cfg.n_members; i++) {
		uint32_t j, id = e->cfg.members[i];

		if (!(members & bit((int)i)))
			continue;
		for (j = r->n; j > 0 && r->ids[j - 1] > id; j--) {
			r->ids[j] = r->ids[j - 1];
			r->inc[j] = r->inc[j - 1];
		}
		r->ids[j] = id;
		r->inc[j] = inc != NULL ? inc[i] : 0;
		r->n++;
	}
}

void eng_set_working_ring(struct ordo_engine *e, const struct ring_view *r)
{
	uint32_t i;

	e->ring = *r;
	e->ring_rep = r->rep;
	e->ring_seq = r->seq;
	e->next_id = e->cfg.my_id;
	for (i = 0; i < r->n; i++)
		if (r->ids[i] == e->cfg.my_id)
			e->next_id = r->ids[(i + 1) % r->n];
}

bool eng_held_down(const struct ordo_engine *e, int idx)
{
	return idx >= 0 && (e->now < e->m.holddown_until[idx] ||
			    (eng_held_out(e) & bit(idx)) ||
			    /* we hold ourselves out: everyone else is out
			     * of reach (flap.c) */
			    (idx != (int)e->my_idx && eng_flap_self_held(e)));
}

/* Repeats within this many hold-down periods count; a quiet spell that
 * long forgives them. */
#define REPEAT_WINDOW 16u

bool eng_merge_backoff(const struct ordo_engine *e, int idx)
{
	return idx >= 0 && e->now < e->m.backoff_until[idx];
}

/* Left out of our new ring although we hear it: a broken link, for now.
 * Do not let its beacons re-form the ring until the back-off expires. */
void eng_back_off(struct ordo_engine *e, int idx)
{
	struct memb *m = &e->m;
	uint32_t shift;

	if (e->now - m->last_backoff[idx] > REPEAT_WINDOW * e->cfg.holddown_ns)
		m->backoffs[idx] = 0;
	shift = m->backoffs[idx] < 4 ? m->backoffs[idx] : 4;
	m->backoffs[idx]++;
	m->last_backoff[idx] = e->now;
	m->backoff_until[idx] = e->now + (e->cfg.holddown_ns << shift);
}

void eng_strike(struct ordo_engine *e, int idx)
{
	struct memb *m = &e->m;
	uint32_t shift;

	/* A long quiet spell forgives earlier strikes. */
	if (e->now - m->last_strike[idx] > REPEAT_WINDOW * e->cfg.holddown_ns)
		m->strikes[idx] = 0;
	shift = m->strikes[idx] < 4 ? m->strikes[idx] : 4; /* <= 16x */
	m->strikes[idx]++;
	m->last_strike[idx] = e->now;
	m->holddown_until[idx] = e->now + (e->cfg.holddown_ns << shift);
	e->stats.excluded++;
}

void eng_enter_gather(struct ordo_engine *e, mset add, const char *why)
{
	struct memb *m = &e->m;

	(void)why; /* kept for tracing; the engine does not log */
	/* Back from a commit or recovery that failed: its members are our
	 * candidates too. A member restarted just before has no installed
	 * ring: its candidates were itself alone, a ring that needs nobody's
	 * agreement, and it formed it at once (issue 12). */
	if (e->state == ORDO_STATE_COMMIT || e->state == ORDO_STATE_RECOVERY)
		add |= m->agreed;
	/* Back from a gather whose consensus never became a commit token
	 * (its representative waited, silent, for a member that could not
	 * be there yet): what we agreed on stays our candidates. Dropped, a
	 * member alone in its last ring gathered with itself alone and
	 * formed that ring again beside the representative (issue 12). */
	if (e->state == ORDO_STATE_GATHER)
		add |= m->proc & ~m->fail;
	/* Every gather starts a new evidence window. Kept across a failed
	 * commit, it made a member that had waited in COMMIT (silent: no
	 * joins there) decide at once, on heard sets that had gone stale
	 * meanwhile, which said no one heard it: it installed a ring of itself,
	 * which needs nobody's agreement (issue 12). */
	m->since = e->now;
	e->state = ORDO_STATE_GATHER;
	e->token_retx_at = NEVER;
	e->self_token_at = NEVER;
	e->hold_until = NEVER;
	m->commit_retx_at = NEVER;
	m->token_loss_at = NEVER;
	m->state_timeout_at = NEVER;
	m->proc = bit((int)e->my_idx) | e->inst.mask | add;
	m->fail = 0;
	m->consensus = bit((int)e->my_idx);
	m->given_up = 0;
	m->seq_stretched = false;
	/* A commit token of an earlier gather is no reference for this one's
	 * (and one forged far ahead must not shut out every later one). */
	m->commit_seq_seen = 0;
	m->commit_hop_seen = 0;
	e->token_rx_at = 0;
	memset(m->disagree, 0, sizeof(m->disagree));
	m->stuck_rounds = 0;
	eng_join_send(e);
	m->join_at = e->now + e->cfg.join_ns;
	m->consensus_at = e->now + e->cfg.consensus_ns;
	eng_gather_update(e);
}

/* The host did not run us for a while (a stopped process, a starved CPU):
 * what we knew of who hears whom is older than it looks, and packets that
 * waited for us meanwhile carry views from while we were silent. Start a
 * new evidence window and forget the heard sets we had, so nothing is
 * decided before the others have heard us again and said so. */
void eng_memb_away(struct ordo_engine *e)
{
	struct memb *m = &e->m;

	m->since = e->now;
	m->heard_mature = 0;
	memset(m->their_heard_at, 0, sizeof(m->their_heard_at));
	if (e->state == ORDO_STATE_GATHER) {
		m->consensus = bit((int)e->my_idx);
		m->consensus_at = e->now + e->cfg.consensus_ns;
	}
}

void eng_memb_start(struct ordo_engine *e)
{
	mset all = (mset)((1ull << e->cfg.n_members) - 1);

	e->m.since = e->now;
	e->m.started = e->now;

	/* Optimistic: every configured member. Those absent are failed by the
	 * consensus timeout, so a lone member still forms a ring. */
	eng_enter_gather(e, all, "start");
}

void eng_beacon_send(struct ordo_engine *e)
{
	uint8_t buf[sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_beacon)];
	struct ordo_wire_beacon b = {
		.incarnation = be32(e->cfg.incarnation),
		.n_members = be16((uint16_t)e->ring.n),
		.out = be16((uint16_t)(eng_held_out(e) | eng_flap_self_bit(e))),
	};

	eng_codec_write_hdr(buf, ORDO_PKT_BEACON, e->cfg.config_hash,
			    e->cfg.my_id, sizeof(buf), e->ring_rep, e->ring_seq);
	memcpy(buf + sizeof(struct ordo_wire_hdr), &b, sizeof(b));
	eng_send_pkt(e, ORDO_DEST_RING, buf, sizeof(buf));
}

/* A packet of another ring: in the operational state, a reason to merge. */
int eng_memb_foreign(struct ordo_engine *e, const struct pkt_view *v)
{
	int idx = eng_cfg_index(e, v->sender);

	if (eng_merge_backoff(e, idx) && !eng_held_down(e, idx))
		eng_mend_probe(e, idx); /* it may not hear us: tell it */
	if (eng_held_down(e, idx) || eng_merge_backoff(e, idx) ||
	    eng_flap_held_by(e, v))
		return -ORDO_DROP_HELD_DOWN;
	if (e->state == ORDO_STATE_OPERATIONAL &&
	    (!in_ring(e, v->sender) || rseq_after(v->ring_seq, e->ring_seq))) {
		if (left_while_alive(e, v->sender))
			return -ORDO_DROP_RING_ALIVE;
		eng_enter_gather(e, bit(idx), "foreign ring");
		return 0;
	}
	return -ORDO_DROP_FOREIGN_RING;
}

int eng_beacon_rx(struct ordo_engine *e, const struct pkt_view *v)
{
	int idx = eng_cfg_index(e, v->sender);

	if (v->sender == e->cfg.my_id)
		return -ORDO_DROP_FROM_SELF;
	if (idx < 0) /* checked on receipt */
		return -ORDO_DROP_NOT_MEMBER;
	if (v->ring_rep == e->ring_rep && v->ring_seq == e->ring_seq)
		/* Our own ring, from a member as it was when it joined;
		 * else stale or forged. */
		return e->m.inc[idx] == v->incarnation ? 0 : -ORDO_DROP_BAD_JOIN;
	/* Its own link flaps: it holds itself out (flap.c). */
	if (eng_flap_self_out(e, idx, (v->b_out & bit(idx)) != 0))
		return -ORDO_DROP_HELD_DOWN;
	if (e->m.inc[idx] != v->incarnation && in_ring(e, v->sender) &&
	    e->state == ORDO_STATE_OPERATIONAL && !eng_held_down(e, idx)) {
		/* It restarted since it joined our ring, unless our token
		 * still comes round through it. */
		if (ring_alive(e))
			return -ORDO_DROP_RING_ALIVE;
		e->m.inc[idx] = v->incarnation;
		eng_enter_gather(e, bit(idx), "member restarted");
		return 0;
	}
	if (v->sender == v->ring_rep) /* its holds are the ring's word */
		eng_flap_beacon(e, v);
	return eng_memb_foreign(e, v);
}

void eng_memb_timers(struct ordo_engine *e)
{
	struct memb *m = &e->m;

	if (e->state == ORDO_STATE_GATHER) {
		if (m->join_at <= e->now) {
			eng_join_send(e);
			m->join_at = e->now + e->cfg.join_ns;
			eng_gather_update(e); /* evidence matures with time */
		}
		if (m->consensus_at <= e->now)
			eng_consensus_timeout(e);
	}
	if (m->state_timeout_at <= e->now &&
	    (e->state == ORDO_STATE_GATHER || e->state == ORDO_STATE_COMMIT)) {
		/* Consensus reached, but the commit token never completed. */
		eng_enter_gather(e, 0, "commit timeout");
		return;
	}
	eng_commit_timer(e);
	if (m->token_loss_at <= e->now &&
	    (e->state == ORDO_STATE_OPERATIONAL ||
	     e->state == ORDO_STATE_RECOVERY)) {
		e->stats.token_losses++;
		eng_enter_gather(e, 0, "token loss");
		return;
	}
	if (e->state == ORDO_STATE_OPERATIONAL && m->beacon_at <= e->now &&
	    e->ring_rep == e->cfg.my_id) {
		eng_beacon_send(e);
		m->beacon_at = e->now + e->cfg.merge_detect_ns;
	}
}

uint64_t eng_memb_next_deadline(const struct ordo_engine *e)
{
	const struct memb *m = &e->m;
	uint64_t t = min_u64(m->state_timeout_at, m->commit_retx_at);

	if (e->state == ORDO_STATE_GATHER)
		t = min_u64(t, min_u64(m->join_at, m->consensus_at));
	if (e->state == ORDO_STATE_OPERATIONAL ||
	    e->state == ORDO_STATE_RECOVERY)
		t = min_u64(t, m->token_loss_at);
	if (e->state == ORDO_STATE_OPERATIONAL && e->ring_rep == e->cfg.my_id)
		t = min_u64(t, m->beacon_at);
	return t;
}
