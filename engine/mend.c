/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A broken link mended: ending a back-off early.
 *
 * A member left out of our new ring although we hear it is behind a broken
 * link, and its beacons and joins may not make our ring re-form until a
 * back-off expires (memb.c): holddown_ns, doubling at each repeat up to
 * 16x. When the link is mended meanwhile, the member stays alone until the
 * back-off ends, up to 800 ms (issue 12: the far end of a one-way cut,
 * alone after the heal).
 *
 * When it was left out because it did not hear some of us (its heard set
 * lacked them, a one-way cut towards it), its own word says when that is
 * over: a join whose heard set holds every member of our ring it did not
 * hear. It can say so only if it hears them, and a member that is not our
 * ring's representative multicasts nothing it counts while the ring runs
 * (the token goes from member to member; DATA names its originator, not
 * who sent it). So each of us that it did not hear answers its
 * packets, while we back off from it, with a beacon of our ring (every
 * member may send one; the representative also sends them on its own,
 * every merge_detect_ns), at most one per join_ns: it hears us once the
 * link is back, its next join says so, and we gather with it.
 *
 * When it was left out because some of us did not hear it (a cut from
 * it), its heard set was whole all along and says nothing: the back-off
 * runs its course, as before. The member that did not hear it does not
 * back off from it (it did not hear it) and gathers at its first beacon
 * once the link is back.
 */
#include "engine/engine_impl.h"

void eng_mend_note(struct ordo_engine *e, int idx, mset ring)
{
	struct memb *m = &e->m;

	/* Its last word, if any: whom of the new ring it did not hear. */
	m->backoff_deaf[idx] =
		m->their_heard_at[idx] != 0 ? ring & ~m->their_heard[idx] : 0;
}

/* Answer a packet of idx, whom we back off from, with a beacon if it did
 * not hear us when it was left out. */
void eng_mend_probe(struct ordo_engine *e, int idx)
{
	struct memb *m = &e->m;

	if (e->state != ORDO_STATE_OPERATIONAL || !eng_merge_backoff(e, idx) ||
	    !(m->backoff_deaf[idx] & bit((int)e->my_idx)) ||
	    e->now < m->probe_at)
		return;
	m->probe_at = e->now + e->cfg.join_ns;
	eng_beacon_send(e);
}

/* A join of idx, whom we back off from, that hears every member of our
 * ring it did not hear when it was left out: the links that left it out
 * are mended; end the back-off. (The others it heard then; while the ring
 * runs they multicast nothing it could hear now.) */
bool eng_mend_join(struct ordo_engine *e, int idx, mset heard)
{
	struct memb *m = &e->m;

	if (!eng_merge_backoff(e, idx) || m->backoff_deaf[idx] == 0 ||
	    (heard & m->backoff_deaf[idx]) != m->backoff_deaf[idx])
		return false;
	m->backoff_until[idx] = 0;
	m->backoff_deaf[idx] = 0;
	return true;
}
