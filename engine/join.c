/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The gather phase (Totem SRP, TOCS 1995, section 4.2): members multicast
 * JOIN messages carrying the set of members they believe reachable (proc)
 * and failed (fail), merge what they hear, and reach consensus when every
 * member of proc - fail has sent a join with exactly the same two sets. The
 * member with the lowest id then creates the commit token. Members that stay
 * silent until the consensus timeout are moved to the fail set.
 */
#include "engine/engine_impl.h"

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

void join_send(struct ordo_engine *e)
{
	uint8_t buf[sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_join) +
		    8 * ORDO_MAX_MEMBERS];
	uint8_t *body = buf + sizeof(struct ordo_wire_hdr);
	struct ordo_wire_join j = {
		.incarnation = be32(e->cfg.incarnation),
		.ring_seq_max = be32(e->m.ring_seq_max),
	};
	uint32_t np, nf, len;

	np = put_ids(e, body + sizeof(j), e->m.proc);
	nf = put_ids(e, body + sizeof(j) + 4 * np, e->m.fail);
	j.n_proc = (uint8_t)np;
	j.n_fail = (uint8_t)nf;
	memcpy(body, &j, sizeof(j));
	len = sizeof(struct ordo_wire_hdr) + sizeof(j) + 4 * (np + nf);
	codec_write_hdr(buf, ORDO_PKT_JOIN, e->cfg.config_hash, e->cfg.my_id,
			len, e->inst.rep, e->inst.seq);
	send_pkt(e, ORDO_DEST_RING, buf, len);
	e->stats.joins_sent++;
}

static int ids_to_set(const struct ordo_engine *e, const uint8_t *ids,
		      uint32_t n, mset *out)
{
	uint32_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		int idx = cfg_index(e, view_id(ids, i));

		if (idx < 0)
			return -ORDO_DROP_BAD_JOIN;
		*out |= bit(idx);
	}
	return 0;
}

void consensus_check(struct ordo_engine *e)
{
	struct memb *m = &e->m;
	mset memb = m->proc & ~m->fail;
	uint32_t i;

	if (e->state != ORDO_STATE_GATHER || (m->consensus & memb) != memb)
		return;
	/* The lowest id of the new membership creates the commit token; the
	 * others wait for it, but not forever. */
	{
		uint32_t lowest = UINT32_MAX;

		for (i = 0; i < e->cfg.n_members; i++)
			if ((memb & bit((int)i)) && e->cfg.members[i] < lowest)
				lowest = e->cfg.members[i];
		if (lowest == e->cfg.my_id)
			commit_create(e);
		else if (m->state_timeout_at == NEVER)
			m->state_timeout_at = e->now + e->cfg.token_loss_ns;
	}
}

void consensus_timeout(struct ordo_engine *e)
{
	struct memb *m = &e->m;
	mset silent = (m->proc & ~m->fail) & ~m->consensus;

	m->fail |= silent;
	m->consensus = bit((int)e->my_idx);
	m->state_timeout_at = NEVER;
	m->consensus_at = e->now + e->cfg.consensus_ns;
	join_send(e);
	m->join_at = e->now + e->cfg.join_ns;
	consensus_check(e);
}

/* Is this join a leftover of a gather that already concluded? */
static bool stale_join(const struct ordo_engine *e, const struct pkt_view *v,
		       mset proc, mset fail)
{
	/* COMMIT or RECOVERY: a repeat of the views that led here. */
	if (e->state != ORDO_STATE_OPERATIONAL)
		return (proc & ~fail) == e->m.agreed;
	/* A member of our ring that sent it before installing the ring. A
	 * member whose installed ring is ours is gathering now: not stale. */
	return in_ring(e, v->sender) && v->ring_seq < e->ring_seq;
}

int join_rx(struct ordo_engine *e, const struct pkt_view *v)
{
	struct memb *m = &e->m;
	int idx = cfg_index(e, v->sender), rc;
	mset proc, fail, me = bit((int)e->my_idx);
	bool changed = false, restarted;

	if (v->sender == e->cfg.my_id)
		return -ORDO_DROP_FROM_SELF;
	rc = ids_to_set(e, v->ids, v->n_proc, &proc);
	if (rc == 0)
		rc = ids_to_set(e, v->ids + 4 * v->n_proc, v->n_fail, &fail);
	if (rc != 0)
		return rc;
	if (!(proc & bit(idx)))
		return -ORDO_DROP_BAD_JOIN;
	m->ring_seq_max = (uint32_t)max_u64(m->ring_seq_max,
					    max_u64(v->ring_seq_max, v->ring_seq));
	if (held_down(e, idx))
		return -ORDO_DROP_HELD_DOWN;
	restarted = m->inc[idx] != 0 && m->inc[idx] != v->incarnation;
	m->inc[idx] = v->incarnation;
	/* Sent before its sender knew of our ring: a view from a gather that
	 * is over (see memb.c). It will hear of our ring from our packets. */
	if (!restarted && v->ring_seq_max < e->inst.seq)
		return 0;

	if (e->state != ORDO_STATE_GATHER) {
		if (!restarted && stale_join(e, v, proc, fail))
			return 0;
		enter_gather(e, bit(idx), "join");
	}

	m->heard |= bit(idx);
	if (proc & me)
		m->not_hearing &= ~bit(idx);
	else
		m->not_hearing |= bit(idx);

	if (fail & me) {
		/* It believes we failed: we cannot be in one ring with it. */
		if (!(m->fail & bit(idx))) {
			m->fail |= bit(idx);
			changed = true;
		}
	} else {
		mset add = proc & ~m->proc & ~(fail & ~proc);
		uint32_t i;

		for (i = 0; i < e->cfg.n_members; i++)
			if (held_down(e, (int)i))
				add &= ~bit((int)i);
		if (add) {
			m->proc |= add;
			changed = true;
		}
		add = fail & ~m->fail & ~me;
		if (add) {
			m->fail |= add;
			changed = true;
		}
	}
	if (changed) {
		m->consensus = me;
		m->state_timeout_at = NEVER;
		join_send(e);
		m->join_at = e->now + e->cfg.join_ns;
	}
	if (proc == m->proc && fail == m->fail)
		m->consensus |= bit(idx);
	consensus_check(e);
	return 0;
}
