/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The gather phase: which members form the next ring.
 *
 * As in Totem SRP (TOCS 1995, section 4.2), members multicast JOIN messages
 * with the candidates they know (proc, merged by union) and the candidates
 * they leave out (fail); there is consensus when every member of
 * proc - fail sent a join with exactly the same two sets, and the member
 * with the lowest id then creates the commit token.
 *
 * Where we differ: Totem grows fail sets by taking the union of everyone's
 * accusations. When a and b cannot hear each other and c hears both, c takes
 * both accusations and ends alone, and with one-way links rings re-form
 * without end. Our fail set is computed, the same way at every member, from
 * direct evidence:
 *
 *   - each join carries its sender's heard set: the members it received a
 *     packet from within the last consensus_ns (a flapping member it holds
 *     down does not count), flagged mature once the sender has gathered
 *     long enough (2 * join_ns) to have heard everyone who can reach it;
 *   - a link a-b is broken when a mature heard set of a lacks b or one of b
 *     lacks a (we are a mature source about ourselves);
 *   - the rings are greedy cliques of the candidates in ascending id order:
 *     the lowest remaining id starts a ring and takes, in order, every
 *     candidate linked to all already in it. fail = proc - our own ring.
 *
 * Members with the same evidence compute the same rings. Consensus also
 * requires that every member of the new ring hears every other, so a
 * member that learned of another only second-hand cannot agree to a ring
 * whose token it could not follow. Before our evidence is mature we leave
 * no one out: members started together, or healing a partition, agree at
 * once; a crashed member, whom nobody hears, is left out at maturity.
 */
#include "engine/engine_impl.h"

/* Timeouts a member we hear may disagree before we stop waiting for it. */
#define DISAGREE_ROUNDS 3u

/* Consensus windows we gather before a ring of ourselves alone while we
 * still hear others. */
#define LONELY_ROUNDS 3u

mset eng_heard_now(const struct ordo_engine *e)
{
	const struct memb *m = &e->m;
	mset h = bit((int)e->my_idx);
	uint32_t i;

	for (i = 0; i < e->cfg.n_members; i++)
		if (m->last_heard[i] != 0 &&
		    e->now + 1 - m->last_heard[i] <= e->cfg.consensus_ns &&
		    !eng_held_down(e, (int)i) && !(m->given_up & bit((int)i)))
			h |= bit((int)i);
	return h;
}

static bool heard_is_mature(const struct ordo_engine *e)
{
	return e->now - e->m.since >= 2 * e->cfg.join_ns;
}

static bool fresh(const struct ordo_engine *e, int x)
{
	const struct memb *m = &e->m;

	return m->their_heard_at[x] != 0 &&
	       e->now - m->their_heard_at[x] <= e->cfg.consensus_ns;
}

/* Heard from x within the longest silence of a live member: one that
 * waits in COMMIT sends nothing until the commit completes or, after
 * token_loss_ns, fails back to gathering. */
static bool not_silent(const struct ordo_engine *e, int x)
{
	uint64_t h = e->m.last_heard[x];

	return h != 0 &&
	       e->now + 1 - h <= e->cfg.token_loss_ns + e->cfg.consensus_ns;
}

/* What a member hears, by its own recent word, and whether that word is
 * mature evidence. A member we have not heard for longer than any live
 * member is silent, and have no recent word from (crashed, or cut off
 * from us), is taken to hear no one. One we heard since, but have no
 * recent word from, is not gathering with us yet (committing, recovering,
 * in another ring, or just resumed): it has said nothing, which is no
 * evidence against anyone. Counted as gone, a member that waited in a
 * commit that could not complete found itself left out by the others. */
static mset row(const struct ordo_engine *e, int x, bool *mature)
{
	if (x == (int)e->my_idx) {
		*mature = heard_is_mature(e);
		return eng_heard_now(e);
	}
	if (!fresh(e, x)) {
		*mature = !not_silent(e, x);
		return bit(x);
	}
	*mature = (e->m.heard_mature & bit(x)) != 0;
	return e->m.their_heard[x];
}

/* x multicasts joins every join_ns, as far as we know: we are x, or its
 * word is fresh. Only then is a member that does not hear x evidence of a
 * broken link. One that is not gathering yet (operational in another ring
 * and not its representative, committing, just resumed) sends nothing
 * that others hear: counted, the members that had not heard it yet split
 * it off from the ones that had, healthy all (issue 12, a node back from
 * a pause whose joins woke one member of a ring before the other). */
static bool speaking(const struct ordo_engine *e, int x)
{
	return x == (int)e->my_idx || fresh(e, x);
}

/* a's word that it does not hear x is evidence: x speaks, and a said so
 * after it could have heard x's first joins. a's join that crossed them
 * on the wire, decided on at once at the consensus timeout, split a
 * member back from a pause off from the ones it had just woken (issue 12).
 * Our own word is always current; we speak since our gather began. */
static bool misses(const struct ordo_engine *e, int a, mset ra, int x)
{
	uint64_t since;

	if ((ra & bit(x)) || !speaking(e, x))
		return false;
	if (a == (int)e->my_idx)
		return true;
	since = x == (int)e->my_idx ? e->m.since : e->m.speak_since[x];
	return e->m.their_heard_at[a] >= since + e->cfg.join_ns;
}

static bool link_ok(const struct ordo_engine *e, int a, int b)
{
	bool ma, mb;
	mset ra = row(e, a, &ma), rb = row(e, b, &mb);

	return (!ma || !misses(e, a, ra, b)) && (!mb || !misses(e, b, rb, a));
}

/* Decide only on mature evidence from every candidate, or, at the latest,
 * at the consensus timeout with what we have. */
static bool evidence_ready(const struct ordo_engine *e)
{
	mset heard = eng_heard_now(e) & ~bit((int)e->my_idx);
	uint32_t i;

	if (!heard_is_mature(e))
		return false;
	if (e->now - e->m.since >= e->cfg.consensus_ns)
		return true;
	/* A candidate we have not heard yet may only have lost its joins (a
	 * lossy LAN drops two in a row now and then): leave it out at the
	 * consensus timeout, not at maturity. */
	if (e->m.proc & ~eng_heard_now(e) & ~eng_held_out(e))
		return false;
	for (i = 0; i < e->cfg.n_members; i++)
		if ((heard & bit((int)i)) &&
		    (!fresh(e, (int)i) || !(e->m.heard_mature & bit((int)i))))
			return false;
	return true;
}

/* The candidates in ascending id order. */
static uint32_t by_id(const struct ordo_engine *e, mset set, uint32_t *order)
{
	uint32_t i, j, n = 0;

	for (i = 0; i < e->cfg.n_members; i++) {
		if (!(set & bit((int)i)))
			continue;
		for (j = n; j > 0 && e->cfg.members[order[j - 1]] >
					  e->cfg.members[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
		n++;
	}
	return n;
}

/* Our ring: the greedy clique, in id order, that contains us. */
static mset our_ring(const struct ordo_engine *e)
{
	uint32_t order[ORDO_MAX_MEMBERS], n, i, j;
	mset left = e->m.proc, me = bit((int)e->my_idx), heard;

	if (!evidence_ready(e))
		return e->m.proc; /* no evidence yet: leave no one out */
	/* A candidate we do not hear, that sent no join for a consensus
	 * timeout, is not gathering: no ring with it can agree now. Left in,
	 * it started a ring (as the lowest id) on other members' older word
	 * that they heard it, took them, and left us apart from them, healthy
	 * all (issue 12: a member silent in a commit that could not complete,
	 * or behind a flapping link). Each member drops it once its own word
	 * from it is a consensus timeout old; the others follow within one. */
	heard = eng_heard_now(e);
	for (i = 0; i < e->cfg.n_members; i++)
		if (!(heard & bit((int)i)) && !fresh(e, (int)i))
			left &= ~bit((int)i);
	while (left & me) {
		mset ring = 0;

		n = by_id(e, left, order);
		for (i = 0; i < n; i++) {
			bool ok = true;

			for (j = 0; j < e->cfg.n_members && ok; j++)
				if (ring & bit((int)j))
					ok = link_ok(e, (int)order[i], (int)j);
			if (ok)
				ring |= bit((int)order[i]);
		}
		if (ring & me)
			return ring;
		left &= ~ring;
	}
	return me;
}

static uint32_t put_ids(const struct ordo_engine *e, uint8_t *p, mset s)
{
	uint32_t i, n = 0;

	for (i = 0; i < e->cfg.n_members; i++) {
		if (s & bit((int)i)) {
			uint32_t id = be32(e->cfg.members[i]);

			memcpy(p + 4 * n++, &id, 4);
		}
	}
	return n;
}

void eng_join_send(struct ordo_engine *e)
{
	uint8_t buf[ORDO_WIRE_JOIN_MAX_LEN];
	uint8_t *body = buf + sizeof(struct ordo_wire_hdr);
	uint8_t *ids = body + sizeof(struct ordo_wire_join);
	struct ordo_wire_join j = {
		.incarnation = be32(e->cfg.incarnation),
		.ring_seq_max = be32(e->m.ring_seq_max),
		.flags = heard_is_mature(e) ? ORDO_JOIN_F_MATURE : 0,
	};
	uint32_t np, nf, nh, no, len;

	np = put_ids(e, ids, e->m.proc);
	nf = put_ids(e, ids + 4 * np, e->m.fail);
	e->m.heard_sent = eng_heard_now(e);
	nh = put_ids(e, ids + 4 * (np + nf), e->m.heard_sent);
	no = put_ids(e, ids + 4 * (np + nf + nh),
		     eng_flap_own(e) | eng_flap_self_bit(e));
	j.n_proc = (uint8_t)np;
	j.n_fail = (uint8_t)nf;
	j.n_heard = (uint8_t)nh;
	j.n_out = (uint8_t)no;
	memcpy(body, &j, sizeof(j));
	len = sizeof(struct ordo_wire_hdr) + sizeof(j) +
	      4 * (np + nf + nh + no);
	eng_codec_write_hdr(buf, ORDO_PKT_JOIN, e->cfg.config_hash,
			    e->cfg.my_id, len, e->inst.rep, e->inst.seq);
	eng_send_pkt(e, ORDO_DEST_RING, buf, len);
	e->stats.joins_sent++;
}

static int ids_to_set(const struct ordo_engine *e, const uint8_t *ids,
		      uint32_t n, mset *out)
{
	uint32_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		int idx = eng_cfg_index(e, view_id(ids, i));

		if (idx < 0)
			return -ORDO_DROP_BAD_JOIN;
		*out |= bit(idx);
	}
	return 0;
}

/* Members of set who hear every member of it, by their own word. */
static mset hearing_all(const struct ordo_engine *e, mset set)
{
	mset ok = 0;
	uint32_t i;

	for (i = 0; i < e->cfg.n_members; i++) {
		bool mature;
		mset h = row(e, (int)i, &mature);

		if ((set & bit((int)i)) && (h & set) == set)
			ok |= bit((int)i);
	}
	return ok;
}

/* Candidates we no longer hear whose last word, within the longest
 * silence of a live member (not_silent), was a join that took us into
 * its ring: each may be waiting in COMMIT for a commit token of that
 * ring, which a member that then crashed will never pass on, sending
 * nothing until its state timeout sends it back to gathering,
 * token_loss_ns after it entered the commit. One heard since its last
 * join (tokens or beacons of a ring of its own) is not in a commit; one
 * whose join left us out (the far end of a one-way cut) has no commit
 * with us to wait for. Members we hold down, hold out or gave up on are
 * not waited for: we would not take them anyway. */
static mset committing_maybe(const struct ordo_engine *e)
{
	const struct memb *m = &e->m;
	mset heard = eng_heard_now(e), maybe = 0;
	uint32_t i;

	for (i = 0; i < e->cfg.n_members; i++)
		if ((m->proc & bit((int)i)) && !(heard & bit((int)i)) &&
		    i != e->my_idx && not_silent(e, (int)i) &&
		    m->their_heard_at[i] != 0 &&
		    m->last_heard[i] == m->their_heard_at[i] + 1 &&
		    (m->their_memb[i] & bit((int)e->my_idx)) &&
		    !eng_held_down(e, (int)i) && !(m->given_up & bit((int)i)))
			maybe |= bit((int)i);
	return maybe;
}

static void consensus_check(struct ordo_engine *e)
{
	struct memb *m = &e->m;
	mset memb = m->proc & ~m->fail;
	uint32_t i, lowest = UINT32_MAX;

	if (e->state != ORDO_STATE_GATHER ||
	    (m->consensus & hearing_all(e, memb) & memb) != memb)
		return;
	/* A ring of ourselves alone needs nobody's agreement, so one member's
	 * passing view is enough to split it off. While we hear others, their
	 * word against us may predate our joins (we gathered late: we were
	 * slow, paused, or committing elsewhere), and hearing us they will
	 * gather with us: give them a few consensus windows. A member that
	 * truly cannot reach us (one-way) is left at the end of them. */
	if (memb == bit((int)e->my_idx) &&
	    (eng_heard_now(e) & ~memb) != 0 &&
	    e->now - m->since < LONELY_ROUNDS * e->cfg.consensus_ns)
		return;
	/* Just started (or restarted), we may hear no one yet although
	 * others run: the members of a ring we were in ignore our joins while
	 * its token still seems alive to them, and find it lost only after
	 * token_loss_ns. A restart that formed a ring of itself at the first
	 * consensus timeout stood alone beside a live peer (issue 12). */
	if (memb == bit((int)e->my_idx) && (m->proc & ~memb) != 0 &&
	    e->now - m->started < e->cfg.token_loss_ns + e->cfg.consensus_ns)
		return;
	/* A candidate gone quiet just now may be waiting in a commit whose
	 * token died with a member that crashed: it gathers again at its
	 * state timeout. A ring of ourselves formed meanwhile stood apart
	 * from it, healthy both (issue 12: the representative of a merge
	 * whose next member crashed as the commit token reached it). A
	 * member that truly crashed is not waited for longer than before:
	 * the token loss that made us gather took as long. Only for a ring
	 * of one: waiting so before any ring (a commit of four whose token a
	 * flapping link stopped, the other two apart) cost liveness at 10 %
	 * loss on 16 nodes, where members in a commit are silent often. */
	if (memb == bit((int)e->my_idx) && committing_maybe(e) != 0)
		return;
	for (i = 0; i < e->cfg.n_members; i++)
		if ((memb & bit((int)i)) && e->cfg.members[i] < lowest)
			lowest = e->cfg.members[i];
	if (lowest == e->cfg.my_id)
		eng_commit_create(e);
	else if (m->state_timeout_at == NEVER)
		m->state_timeout_at = e->now + e->cfg.token_loss_ns;
}

/* Recompute our fail set from the evidence; tell the others if it moved. */
void eng_gather_update(struct ordo_engine *e)
{
	struct memb *m = &e->m;
	mset fail;

	if (e->state != ORDO_STATE_GATHER)
		return;
	fail = m->proc & ~our_ring(e);
	if (fail != m->fail) {
		m->fail = fail;
		m->consensus = bit((int)e->my_idx);
		m->state_timeout_at = NEVER;
		eng_join_send(e);
		m->join_at = e->now + e->cfg.join_ns;
	}
	consensus_check(e);
}

void eng_consensus_timeout(struct ordo_engine *e)
{
	struct memb *m = &e->m;
	mset waiting = (m->proc & ~m->fail) & ~m->consensus;
	uint32_t i;

	/* A member we hear that keeps disagreeing (say, stuck behind a commit
	 * that cannot complete) no longer counts as heard. */
	for (i = 0; i < e->cfg.n_members; i++) {
		if (!(waiting & bit((int)i)))
			m->disagree[i] = 0;
		else if (++m->disagree[i] >= DISAGREE_ROUNDS)
			m->given_up |= bit((int)i);
	}
	m->consensus_at = e->now + e->cfg.consensus_ns;
	eng_join_send(e);
	m->join_at = e->now + e->cfg.join_ns;
	eng_gather_update(e);
}

/* Is this join a leftover of a gather that already concluded? */
static bool stale_join(const struct ordo_engine *e, const struct pkt_view *v,
		       mset proc, mset fail)
{
	/* Sent before its sender knew of our ring: by a member of it, a view
	 * from the gather that formed it. From outside, a member that wants
	 * in but cannot know our ring (an idle ring multicasts only beacons,
	 * which move no ring sequence): a node back from a pause, say. Take
	 * it, unless we left it out although we heard it (a broken link:
	 * the back-off of memb.c), or it would re-form us at every join. */
	if (rseq_after(e->inst.seq, v->ring_seq_max)) {
		if (in_ring(e, v->sender) ||
		    eng_merge_backoff(e, eng_cfg_index(e, v->sender)))
			return true;
		if (e->state == ORDO_STATE_OPERATIONAL)
			return false;
	}
	/* COMMIT or RECOVERY: a member outside the ring being formed, even
	 * one that cannot know our ring (taken at once above only while we
	 * are operational). Let the ring form; the outsider merges later
	 * through beacons and joins. Otherwise a member flapping outside can
	 * abort every commit for good, and a slow one heard now and then did
	 * (issue 12: its late joins killed every commit of the others, and
	 * healthy members ended apart). */
	if (e->state != ORDO_STATE_OPERATIONAL &&
	    !(e->m.agreed & bit(eng_cfg_index(e, v->sender))))
		return true;
	/* A member of it that had not yet seen the commit token (a member
	 * takes the new ring's sequence from it): a view from
	 * before the commit, late (a slow or paused receiver handles a
	 * backlog). In COMMIT, a member that saw it and gathers again will
	 * never pass the token on: the commit is dead, gather now rather than
	 * wait silently for the state timeout, while it gives up on us. In
	 * RECOVERY the new ring runs: a member that lost its token there and
	 * repeats the view that led here does not stop the others (on a very
	 * lossy LAN, stopping for it re-formed the ring without end). */
	if (e->state != ORDO_STATE_OPERATIONAL)
		return rseq_after(e->ring_seq_pending, v->ring_seq_max) ||
		       (e->state == ORDO_STATE_RECOVERY &&
			(proc & ~fail) == e->m.agreed);
	return false;
}

int eng_join_rx(struct ordo_engine *e, const struct pkt_view *v)
{
	struct memb *m = &e->m;
	int idx = eng_cfg_index(e, v->sender), rc;
	mset proc, fail, heard, out;
	bool restarted, first;

	if (v->sender == e->cfg.my_id)
		return -ORDO_DROP_FROM_SELF;
	rc = ids_to_set(e, v->ids, v->n_proc, &proc);
	if (rc == 0)
		rc = ids_to_set(e, v->ids + 4 * v->n_proc, v->n_fail, &fail);
	if (rc == 0)
		rc = ids_to_set(e, v->ids + 4 * (v->n_proc + v->n_fail),
				v->n_heard, &heard);
	if (rc == 0)
		rc = ids_to_set(e, v->ids + 4 * (v->n_proc + v->n_fail +
						 v->n_heard), v->n_out, &out);
	if (rc != 0)
		return rc;
	if (!(proc & bit(idx)) || (fail & bit(idx)))
		return -ORDO_DROP_BAD_JOIN;
	/* Only a member that left our ring gathers. */
	if (left_while_alive(e, v->sender))
		return -ORDO_DROP_RING_ALIVE;
	/* Its claim counts toward the next ring's sequence, but may not
	 * run away with it (engine_impl.h, "ring sequences"). */
	m->their_seq[idx] = rseq_bound(v->ring_seq_max, m->ring_seq_max);

	first = m->inc[idx] == 0; /* never heard of: it cannot know our ring */
	restarted = !first && m->inc[idx] != v->incarnation;
	m->inc[idx] = v->incarnation;
	/* Held out by itself (its own link flaps), by it, or by us
	 * (flap.c). */
	if (eng_flap_self_out(e, idx, (out & bit(idx)) != 0))
		return -ORDO_DROP_HELD_DOWN;
	if (eng_held_down(e, idx) || (out & bit((int)e->my_idx)))
		return -ORDO_DROP_HELD_DOWN;

	if (e->state != ORDO_STATE_GATHER) {
		/* Left out for a link towards it that is mended now, or
		 * maybe not hearing us: mend.c. */
		if (e->state == ORDO_STATE_OPERATIONAL &&
		    !eng_mend_join(e, idx, heard))
			eng_mend_probe(e, idx);
		if (!restarted && !first && stale_join(e, v, proc, fail))
			return 0;
		eng_enter_gather(e, bit(idx), "join");
	}

	if (!fresh(e, idx)) {
		m->speak_since[idx] = e->now;
		/* Silent a while, it begins a gather of its own (its join
		 * is not mature): what it did not agree to before is no
		 * reason to count it unheard now. Kept given up for the
		 * rest of our long gather, it was split off from the
		 * members that took it (issue 12). One that keeps
		 * disagreeing in one gather stays given up. */
		if (!(v->jflags & ORDO_JOIN_F_MATURE)) {
			m->given_up &= ~bit(idx);
			m->disagree[idx] = 0;
		}
	} else if (!(v->jflags & ORDO_JOIN_F_MATURE) &&
		   (m->heard_mature & bit(idx))) {
		/* It begins a new gather (mature before, not now; a commit
		 * of it died): what it did not agree to while it waited in
		 * the commit, silent, counts no more. Counted on, it was
		 * given up at once, and we formed a ring of ourselves beside
		 * it (issue 12). */
		m->given_up &= ~bit(idx);
		m->disagree[idx] = 0;
	}
	m->their_heard[idx] = heard;
	m->their_memb[idx] = proc & ~fail;
	m->their_heard_at[idx] = e->now;
	m->their_out[idx] = out;
	if (v->jflags & ORDO_JOIN_F_MATURE)
		m->heard_mature |= bit(idx);
	else
		m->heard_mature &= ~bit(idx);
	if (proc & ~m->proc) {
		m->proc |= proc;
		m->consensus = bit((int)e->my_idx);
		m->state_timeout_at = NEVER;
		eng_join_send(e);
		m->join_at = e->now + e->cfg.join_ns;
	}
	if (proc == m->proc && fail == m->fail)
		m->consensus |= bit(idx);
	if (eng_heard_now(e) & ~m->heard_sent)
		/* We hear more than we said: say it now, not at the next
		 * join_ns, so rings form within a few packet times. */
		eng_join_send(e);
	eng_gather_update(e);
	return 0;
}
