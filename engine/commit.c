/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The commit token (Totem SRP, TOCS 1995, section 4.3). The representative
 * of the agreed membership (lowest id) names the new ring and sends the
 * token round it twice. On the first rotation each member writes what it
 * brings from its old ring (ring id, aru, highest sequence, stable line);
 * on the second every member reads the complete table and starts recovery.
 * When the token returns to the representative the second time, it starts
 * the new ring's regular token.
 *
 * hop counts passes: the representative sends hop 1; a ring of n members
 * completes the first rotation at hop n and the second at hop 2n.
 */
#include "engine/engine_impl.h"

static uint32_t commit_len(uint32_t n)
{
	return sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_commit) +
	       n * sizeof(struct ordo_wire_memb);
}

/* What we bring from the last ring we installed. */
static void my_entry(const struct ordo_engine *e, struct ordo_wire_memb *w)
{
	memset(w, 0, sizeof(*w));
	w->id = e->cfg.my_id;
	w->incarnation = e->cfg.incarnation;
	w->filled = 1;
	if (e->old.pending) { /* an earlier recovery of it was interrupted */
		w->old_rep = e->old.ring.rep;
		w->old_seq = e->old.ring.seq;
		w->old_aru = e->old.my_aru;
		w->old_high = e->old.high_seq;
		w->old_safe = e->old.safe;
	} else if (e->inst.seq != 0) {
		w->old_rep = e->inst.rep;
		w->old_seq = e->inst.seq;
		w->old_aru = e->my_aru;
		w->old_high = e->high_seq;
		w->old_safe = e->safe;
	}
	if (w->old_high < w->old_aru)
		w->old_high = w->old_aru;
}

/* Members left out by agreement that we still hear are behind a broken
 * link: back off from their beacons (memb.c). */
static void strike_failed(struct ordo_engine *e)
{
	mset heard = eng_heard_now(e);
	uint32_t i;

	for (i = 0; i < e->cfg.n_members; i++) {
		mset b = bit((int)i);

		if (!(e->m.fail & b))
			continue;
		if (heard & b) {
			eng_back_off(e, (int)i);
			eng_mend_note(e, (int)i, e->m.agreed);
		}
	}
}

static void commit_send(struct ordo_engine *e, uint8_t *buf, uint32_t len,
			uint16_t hop, uint32_t dest)
{
	struct ordo_wire_commit c;
	uint8_t *body = buf + sizeof(struct ordo_wire_hdr);

	memcpy(&c, body, sizeof(c));
	c.hop = be16(hop);
	c.dest = be32(dest);
	memcpy(body, &c, sizeof(c));
	memcpy(e->m.commit_buf, buf, len);
	e->m.commit_len = len;
	e->m.commit_next = dest;
	e->m.commit_seq_seen = e->ring_seq_pending;
	e->m.commit_hop_seen = hop;
	eng_send_pkt(e, dest, buf, len);
	e->m.commit_retx_at = e->now + e->cfg.token_retransmit_ns;
}

static uint32_t next_of(const struct ordo_wire_memb *memb, uint32_t n,
			uint32_t id)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (memb[i].id == id)
			return memb[(i + 1) % n].id;
	return id;
}

/* The one way into the commit state: the membership set (agreed while
 * gathering) is being committed as ring seq. The state timeout fails the
 * commit back to gather if the commit token stops coming round (memb.c);
 * recovery clears it. */
static void eng_enter_commit(struct ordo_engine *e, mset set, uint32_t seq,
			     const char *why)
{
	struct memb *m = &e->m;

	(void)why; /* kept for tracing; the engine does not log */
	m->agreed = set;
	strike_failed(e);
	e->state = ORDO_STATE_COMMIT;
	e->ring_seq_pending = seq;
	m->state_timeout_at = e->now + e->cfg.token_loss_ns;
}

/* Both rotations done at every member: start recovery; the representative
 * also starts the new ring's token. */
static void begin_recovery(struct ordo_engine *e, uint32_t rep, uint32_t seq,
			   const struct ordo_wire_memb *memb, uint32_t n)
{
	e->ring_seq_pending = seq;
	eng_recovery_start(e, rep, seq, memb, n);
}

/* The highest ring sequence the members of set hold or claimed in their
 * joins (each claim bounded when it arrived, join.c). */
static uint32_t claimed_seq(const struct ordo_engine *e, mset set)
{
	uint32_t i, hi = rseq_max(e->m.ring_seq_max,
				  rseq_max(e->inst.seq, e->old.ring.seq));

	for (i = 0; i < e->cfg.n_members; i++)
		if ((set & bit((int)i)) && i != e->my_idx)
			hi = rseq_max(hi, e->m.their_seq[i]);
	return hi;
}

void eng_commit_create(struct ordo_engine *e)
{
	struct memb *m = &e->m;
	uint8_t buf[ORDO_WIRE_COMMIT_MAX_LEN];
	struct ordo_wire_memb memb[ORDO_MAX_MEMBERS];
	struct ordo_wire_commit c;
	uint32_t seq, n = 0, i;
	mset set = m->proc & ~m->fail;

	seq = rseq_add(claimed_seq(e, set), 1);
	m->ring_seq_max = seq;
	for (i = 0; i < e->cfg.n_members; i++) {
		if (!(set & bit((int)i)))
			continue;
		memset(&memb[n], 0, sizeof(memb[n]));
		memb[n].id = e->cfg.members[i];
		memb[n].incarnation = m->inc[i] ? m->inc[i] : 1;
		n++;
	}
	/* Ascending ids: insertion sort of at most 16. */
	for (i = 1; i < n; i++) {
		struct ordo_wire_memb t = memb[i];
		uint32_t j = i;

		for (; j > 0 && memb[j - 1].id > t.id; j--)
			memb[j] = memb[j - 1];
		memb[j] = t;
	}
	my_entry(e, &memb[0]); /* we are the lowest id */
	e->stats.commits++;

	if (n == 1) { /* alone: nothing to agree with */
		eng_enter_commit(e, set, seq, "alone");
		begin_recovery(e, e->cfg.my_id, seq, memb, n);
		eng_token_create(e);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.n_memb = (uint8_t)n;
	eng_codec_write_hdr(buf, ORDO_PKT_COMMIT, e->cfg.config_hash,
			    e->cfg.my_id, commit_len(n), e->cfg.my_id, seq);
	memcpy(buf + sizeof(struct ordo_wire_hdr), &c, sizeof(c));
	for (i = 0; i < n; i++)
		eng_codec_memb_put(buf + sizeof(struct ordo_wire_hdr) + sizeof(c),
				   i, &memb[i]);
	eng_enter_commit(e, set, seq, "representative");
	commit_send(e, buf, commit_len(n), 1, memb[1].id);
}

/* A commit token of a membership we no longer agree on (our evidence moved
 * after its representative decided: a link came back, a join arrived):
 * while we disagree we do not pass it on. Its representative waits for it
 * silently, resending it to us, and without a word from us would wait a
 * token loss timeout, while we, not hearing it for a consensus timeout,
 * would leave it out of the next ring (issue 12: a healthy member split
 * off). A disagreement of a moment is common on a lossy LAN, and the
 * commit completes once we agree again (the token is resent); one that
 * lasts two join periods is not: the commit is dead. Then claim its ring
 * sequence in our joins, at once: a join from a member of the commit that
 * claims it tells the representative so (join.c, stale_join), and it
 * gathers with us again. Only a sequence near what the members claimed
 * (the bound of a real commit, below): a forged one far ahead must not
 * move ours. */
static int commit_refused(struct ordo_engine *e, const struct pkt_view *v,
			  uint32_t hi)
{
	struct memb *m = &e->m;
	int idx = eng_cfg_index(e, v->ring_rep);

	if (idx < 0 || !(m->proc & bit(idx)) ||
	    !rseq_near(v->ring_seq, hi, RSEQ_JUMP + 1) ||
	    !rseq_after(v->ring_seq, m->ring_seq_max))
		return -ORDO_DROP_STATE;
	if (m->refused_rep != v->ring_rep || m->refused_seq != v->ring_seq ||
	    m->refused_at == 0) {
		m->refused_rep = v->ring_rep;
		m->refused_seq = v->ring_seq;
		m->refused_at = e->now + 1;
		return -ORDO_DROP_STATE;
	}
	if (e->now + 1 - m->refused_at < 2 * e->cfg.join_ns)
		return -ORDO_DROP_STATE;
	m->ring_seq_max = v->ring_seq;
	eng_join_send(e);
	m->join_at = e->now + e->cfg.join_ns;
	return -ORDO_DROP_STATE;
}

/* The incarnations the members before us wrote into the token, their own
 * word: a member that restarted and at once formed this ring with us is no
 * news when its joins from before the commit arrive late. Taken for a
 * restart, such a join made us gather and the commit died, and the
 * representative, silent in it, was left out (issue 12). */
static void learn_incarnations(struct ordo_engine *e,
			       const struct ordo_wire_memb *memb, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		int idx = eng_cfg_index(e, memb[i].id);

		if (memb[i].filled && memb[i].incarnation != 0 && idx >= 0 &&
		    idx != (int)e->my_idx)
			e->m.inc[idx] = memb[i].incarnation;
	}
}

int eng_commit_rx(struct ordo_engine *e, const struct pkt_view *v)
{
	struct memb *m = &e->m;
	struct ordo_wire_memb memb[ORDO_MAX_MEMBERS];
	uint8_t buf[ORDO_WIRE_COMMIT_MAX_LEN];
	uint8_t *entries = buf + sizeof(struct ordo_wire_hdr) +
			   sizeof(struct ordo_wire_commit);
	uint32_t n = v->c_n, i, me = UINT32_MAX;
	mset set = 0;
	bool rep = v->ring_rep == e->cfg.my_id;

	if (v->c_dest != e->cfg.my_id)
		return -ORDO_DROP_NOT_FOR_US;
	if (rseq_after(m->commit_seq_seen, v->ring_seq) ||
	    (v->ring_seq == m->commit_seq_seen && v->c_hop <= m->commit_hop_seen))
		return -ORDO_DROP_DUP_TOKEN;
	for (i = 0; i < n; i++) {
		int idx;

		eng_codec_memb_get(v->memb, i, &memb[i]);
		idx = eng_cfg_index(e, memb[i].id);
		if (idx < 0)
			return -ORDO_DROP_BAD_JOIN;
		set |= bit(idx);
		if (memb[i].id == e->cfg.my_id)
			me = i;
	}
	if (me == UINT32_MAX || v->c_hop == 0 || v->c_hop > 2 * n)
		return -ORDO_DROP_BAD_JOIN;
	memcpy(buf, v->body - sizeof(struct ordo_wire_hdr), commit_len(n));

	if (v->c_hop < n) {
		/* First rotation, at a member other than the representative:
		 * accept only the membership we agreed on while gathering. */
		uint32_t hi = claimed_seq(e, set);

		if (!rep && e->state == ORDO_STATE_GATHER &&
		    set != (m->proc & ~m->fail) &&
		    rseq_after(v->ring_seq, e->inst.seq))
			return commit_refused(e, v, hi);
		if (rep || e->state != ORDO_STATE_GATHER ||
		    set != (m->proc & ~m->fail) ||
		    !rseq_after(v->ring_seq, e->inst.seq))
			return -ORDO_DROP_STATE;
		/* No representative of this membership names a ring this far
		 * beyond what its members claimed: forged or corrupt. Unless
		 * their claims reached us bounded (a partition that formed
		 * over RSEQ_JUMP rings apart): stretch ours, once a gather,
		 * so that the next round comes closer. */
		if (!rseq_near(v->ring_seq, hi, RSEQ_JUMP + 1)) {
			if (!m->seq_stretched && rseq_after(v->ring_seq, hi)) {
				m->seq_stretched = true;
				m->ring_seq_max = rseq_add(hi, RSEQ_JUMP);
			}
			return -ORDO_DROP_BAD_JOIN;
		}
		m->ring_seq_max = rseq_max(m->ring_seq_max, v->ring_seq);
		learn_incarnations(e, memb, n);
		my_entry(e, &memb[me]);
		eng_codec_memb_put(entries, me, &memb[me]);
		eng_enter_commit(e, set, v->ring_seq, "commit token");
		commit_send(e, buf, commit_len(n), v->c_hop + 1,
			    next_of(memb, n, e->cfg.my_id));
		return 0;
	}
	if (v->ring_seq != e->ring_seq_pending)
		return -ORDO_DROP_STATE;
	for (i = 0; i < n; i++)
		if (!memb[i].filled)
			return -ORDO_DROP_BAD_JOIN;
	if (v->c_hop == 2 * n) {
		/* Back at the representative after the second rotation: every
		 * member is recovering; start the new ring's token. */
		if (!rep || e->state != ORDO_STATE_RECOVERY)
			return -ORDO_DROP_STATE;
		m->commit_retx_at = NEVER;
		m->commit_hop_seen = v->c_hop;
		eng_token_create(e);
		return 0;
	}
	if (e->state != ORDO_STATE_COMMIT)
		return -ORDO_DROP_STATE;
	/* Second rotation (the representative sees hop n first): everyone
	 * has written its entry; recover, and pass it on. */
	m->commit_retx_at = NEVER;
	commit_send(e, buf, commit_len(n), v->c_hop + 1,
		    next_of(memb, n, e->cfg.my_id));
	begin_recovery(e, v->ring_rep, v->ring_seq, memb, n);
	return 0;
}

void eng_commit_timer(struct ordo_engine *e)
{
	struct memb *m = &e->m;

	if (m->commit_retx_at > e->now)
		return;
	if (e->state != ORDO_STATE_COMMIT && e->state != ORDO_STATE_RECOVERY) {
		m->commit_retx_at = NEVER;
		return;
	}
	eng_send_pkt(e, m->commit_next, m->commit_buf, m->commit_len);
	e->stats.token_retrans++;
	m->commit_retx_at = e->now + e->cfg.token_retransmit_ns;
}
