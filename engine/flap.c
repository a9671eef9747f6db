/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Flapping members: held out until stable.
 *
 * A member whose link goes down and up again and again (a flapping NIC or
 * cable) would make the ring re-form at every change: each loss and each
 * return is a new ring, a transitional configuration, a pause in ordering.
 * Not in the papers; our rule:
 *
 *   - a member that left our ring twice within flap_hold_ns, silent for a
 *     token loss timeout each time (not merely left out of a re-formation
 *     it took part in, as on a lossy LAN), and had been back in it for at
 *     least token loss + consensus in between (a ring that ran, not a step
 *     of the same re-formation), is flapping: we hold it out. Counted only on the larger side of the change (more
 *     of the old ring stayed with us than left; on a tie, the side with the
 *     lowest id), so the member cut off does not accuse the ring it was cut
 *     from, and for a broken link between two members only one end is held
 *     out: the one the ring lost;
 *   - it is held out until we have heard it (joins, tokens, beacons: it
 *     runs a ring of its own meanwhile) without a gap longer than four
 *     beacon periods for flap_hold_ns;
 *   - what we hold out is evidence we share, so every member leaves out the
 *     same members: our joins list it (n_out), and the token carries the
 *     ring's union (out_acc, out_ring: the representative closes a rotation
 *     and starts the next). Every member treats the union of its own set,
 *     the ring's, and those of the fresh joins it has as held down: their
 *     packets do not make it gather, it does not count them as heard, its
 *     joins list them as out of reach. Only our own observations are
 *     passed on, so a hold ends when its holders see the member stable.
 *
 * The member held out learns it from the ring: beacons carry the ring's
 * union too, and a member that finds itself in a beacon's mask, or in a
 * join's out list, does not gather on that ring's packets or on that join
 * (it would not be taken) while the ring keeps saying so. Otherwise it
 * would form a new ring of its own at every beacon of the others.
 *
 * A flapping link then costs four ring changes however long it flaps: lost,
 * back, lost again (now held out), and back once stable.
 *
 * That rule sees only what the ring sees, and misses the commonest case:
 * a link down for about one token loss timeout at a time. The ring loses
 * its token, but by the time the others gather the member's link is back,
 * and the ring re-forms at every outage with the same members: no member
 * is ever lost. The member whose own NIC or cable flaps sees it, though,
 * as the dataplane reads the port's link state (ordo_engine_link()), and
 * dampens itself as switches and routers dampen a flapping port:
 *
 *   - its link went down twice within 4 x flap_hold_ns: it holds itself
 *     out until its link has stayed up for flap_hold_ns. It leaves a ring
 *     it shares at once, runs a ring of its own, treats every other member
 *     as out of reach (their packets do not make it gather), and lists
 *     itself in its joins' out list and in its beacons' out mask;
 *   - the others take that from the member itself: it is held out
 *     (eng_held_out) until a join or beacon of it no longer says so, so
 *     they neither gather on its packets nor wait for it. Not from a
 *     member of a ring whose token still comes round through it (stale or
 *     forged: left_while_alive);
 *   - the window is 4 holds: a link down longer than a token loss timeout
 *     costs two ring changes per cycle (lost, back), so cycles up to 4
 *     holds long are caught and 5 s of flapping of any period costs at
 *     most four: the outage before the second down (one or two), the
 *     hold, the return.
 *
 * A link flapping between two members (a switch in between) is seen by
 * neither port: only the first rule applies.
 */
#include "engine/engine_impl.h"

/* A silence longer than this breaks a spell of stability: a member alone
 * in its ring beacons every merge_detect_ns, and one lost beacon (or two)
 * is a lossy link, not a flap. */
static uint64_t stable_gap(const struct ordo_engine *e)
{
	return 4 * e->cfg.merge_detect_ns;
}

/* A member back in our ring for less than this and lost again was lost in
 * the same re-formation, not by flapping: a ring must notice a failure and
 * agree on a new membership in between. */
static uint64_t flap_min_up(const struct ordo_engine *e)
{
	return e->cfg.token_loss_ns + e->cfg.consensus_ns;
}

static mset all_members(const struct ordo_engine *e)
{
	return (mset)((1ull << e->cfg.n_members) - 1);
}

static bool stable(const struct ordo_engine *e, uint32_t i);

void eng_flap_heard(struct ordo_engine *e, int idx)
{
	struct memb *m = &e->m;
	uint64_t last = m->last_heard[idx];

	if (last == 0 || e->now + 1 - last > stable_gap(e))
		m->heard_since[idx] = e->now;
}

mset eng_flap_own(const struct ordo_engine *e)
{
	const struct memb *m = &e->m;
	mset out = 0;
	uint32_t i;

	if (m->flappy == 0)
		return 0;
	for (i = 0; i < e->cfg.n_members; i++)
		if ((m->flappy & bit((int)i)) && !stable(e, i))
			out |= bit((int)i);
	return out;
}



static bool stable(const struct ordo_engine *e, uint32_t i)
{
	uint64_t h = e->m.last_heard[i];

	return h != 0 && e->now + 1 - h <= stable_gap(e) &&
	       e->now - e->m.heard_since[i] >= e->cfg.flap_hold_ns;
}

mset eng_held_out(const struct ordo_engine *e)
{
	const struct memb *m = &e->m;
	mset out = eng_flap_own(e);
	uint32_t i;

	for (i = 0; i < e->cfg.n_members; i++)
		if (m->self_out_at[i] != 0)
			out |= bit((int)i);

	if (m->tok_out_at != 0 &&
	    e->now + 1 - m->tok_out_at <=
		    e->cfg.token_loss_ns + e->cfg.consensus_ns)
		out |= m->tok_out;
	for (i = 0; i < e->cfg.n_members; i++)
		if (m->their_out[i] && m->their_heard_at[i] != 0 &&
		    e->now - m->their_heard_at[i] <= e->cfg.consensus_ns)
			out |= m->their_out[i];
	return out & all_members(e) & ~bit((int)e->my_idx);
}

/* Lowest configured id in set, or UINT32_MAX. */
static uint32_t lowest_id(const struct ordo_engine *e, mset set)
{
	uint32_t i, low = UINT32_MAX;

	for (i = 0; i < e->cfg.n_members; i++)
		if ((set & bit((int)i)) && e->cfg.members[i] < low)
			low = e->cfg.members[i];
	return low;
}

void eng_flap_ring_change(struct ordo_engine *e, const struct ring_view *from,
			  const struct ring_view *to)
{
	struct memb *m = &e->m;
	mset stay = from->mask & to->mask, left = from->mask & ~to->mask;
	uint32_t i;
	bool larger = popcount(stay) > popcount(left) ||
		      (popcount(stay) == popcount(left) &&
		       lowest_id(e, stay) < lowest_id(e, left));

	if (e->cfg.flap_hold_ns != 0 && from->seq != 0 && left != 0 &&
	    larger) {
		for (i = 0; i < e->cfg.n_members; i++) {
			if (!(left & bit((int)i)))
				continue;
			/* Heard within a token loss timeout: left out
			 * in a re-formation it took part in (a lossy LAN),
			 * not lost by a link that went down. */
			if (m->last_heard[i] != 0 &&
			    e->now + 1 - m->last_heard[i] < e->cfg.token_loss_ns)
				continue;
			/* Lost again within flap_hold_ns, after it had
			 * been back in our ring for a while (a ring that
			 * worked: not a step of one re-formation). */
			if (m->last_loss[i] != 0 &&
			    e->now + 1 - m->last_loss[i] <= e->cfg.flap_hold_ns &&
			    m->back_at[i] != 0 &&
			    e->now + 1 - m->back_at[i] >= flap_min_up(e)) {
				if (!(m->flappy & bit((int)i)))
					e->stats.flap_holds++;
				m->flappy |= bit((int)i);
				m->heard_since[i] = e->now;
			}
			m->last_loss[i] = e->now + 1; /* 0: never */
		}
	}
	for (i = 0; i < e->cfg.n_members; i++)
		if ((to->mask & ~from->mask) & bit((int)i))
			m->back_at[i] = e->now + 1;
	m->flappy &= ~to->mask; /* back in: no longer held out */
}

void eng_flap_token(struct ordo_engine *e, struct ordo_wire_token *t)
{
	struct memb *m = &e->m;
	mset own = eng_flap_own(e), all = all_members(e);

	m->tok_out = ((mset)t->out_ring | t->out_acc) & all;
	m->tok_out_at = e->now + 1;
	if (e->ring_rep == e->cfg.my_id) {
		/* A rotation is complete: its union is the ring's. */
		t->out_ring = t->out_acc;
		t->out_acc = (uint16_t)own;
	} else {
		t->out_acc = (uint16_t)((t->out_acc & all) | own);
	}
}

void eng_flap_beacon(struct ordo_engine *e, const struct pkt_view *v)
{
	struct memb *m = &e->m;

	if (v->b_out & bit((int)e->my_idx)) {
		m->held_by_rep = v->ring_rep;
		m->held_by_seq = v->ring_seq;
		m->held_by_at = e->now + 1;
	} else if (m->held_by_rep == v->ring_rep &&
		   m->held_by_seq == v->ring_seq) {
		m->held_by_at = 0; /* it let us go */
	}
}

bool eng_flap_held_recently(const struct ordo_engine *e)
{
	return e->m.held_by_at != 0 &&
	       e->now + 1 - e->m.held_by_at <= stable_gap(e);
}

bool eng_flap_held_by(const struct ordo_engine *e, const struct pkt_view *v)
{
	const struct memb *m = &e->m;

	/* Until its next beacon could have said otherwise. */
	return m->held_by_at != 0 && v->ring_rep == m->held_by_rep &&
	       v->ring_seq == m->held_by_seq &&
	       e->now + 1 - m->held_by_at <= stable_gap(e);
}

/* ---- our own link: dampening -------------------------------------------*/

bool eng_flap_self_held(const struct ordo_engine *e)
{
	const struct memb *m = &e->m;

	return m->self_hold &&
	       (m->link_down || e->now + 1 - m->link_up_at < e->cfg.flap_hold_ns);
}

/* Our own bit, for the out list of our joins and the out mask of our
 * beacons, while we hold ourselves out. */
mset eng_flap_self_bit(const struct ordo_engine *e)
{
	return eng_flap_self_held(e) ? bit((int)e->my_idx) : 0;
}

/* Two downs of our own link this close make it flapping. Longer than the
 * hold: a link down longer than a token loss timeout each time costs two
 * ring changes per cycle (lost, back), so a cycle of up to 4 holds is
 * caught, and flapping of any period then costs at most four. */
static uint64_t self_window(const struct ordo_engine *e)
{
	return 4 * e->cfg.flap_hold_ns;
}

void ordo_engine_link(struct ordo_engine *e, bool up, uint64_t now)
{
	struct memb *m = &e->m;
	bool held;

	e->now = now;
	if (up) {
		if (m->link_down) {
			m->link_down = false;
			m->link_up_at = now + 1;
		}
		return;
	}
	if (m->link_down)
		return;
	held = eng_flap_self_held(e);
	/* Down again soon after the last time: flapping. */
	if (!held && e->cfg.flap_hold_ns != 0 && m->link_down_at != 0 &&
	    now + 1 - m->link_down_at <= self_window(e)) {
		held = true;
		e->stats.self_holds++;
	}
	m->self_hold = held;
	m->link_down = true;
	m->link_down_at = now + 1;
	/* Leave a ring we share at once: its token cannot pass through us
	 * now, and when the link is back we are not to be waited for. */
	if (held && e->state != ORDO_STATE_GATHER &&
	    (e->ring.mask & ~bit((int)e->my_idx)) != 0)
		eng_enter_gather(e, 0, "own link flapping");
}

bool eng_flap_self_out(struct ordo_engine *e, int idx, bool says)
{
	struct memb *m = &e->m;

	if (!says) {
		m->self_out_at[idx] = 0;
		return false;
	}
	/* A member of our working ring cannot have left it: stale or forged
	 * (the caller's usual check drops it). */
	if (left_while_alive(e, e->cfg.members[idx]))
		return false;
	m->self_out_at[idx] = e->now + 1;
	return true;
}
