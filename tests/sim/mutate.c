/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The mutation table and its engine; see mutate.h. Each mutation picks its
 * victims with the seed's mutation stream, so a missed mutation replays.
 * Victims are chosen on the clean run (t->chk), before anything moves.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/mutate.h"
#include "tests/sim/payload.h"

/* Random tries before a mutation scans for a victim systematically. */
#define TRIES 64

static inline uint32_t node_of(const struct mut_target *t, uint32_t x)
{
	return t->clean->procs[x].node;
}

static inline bool alive(const struct mut_target *t, uint32_t x)
{
	return t->clean->procs[x].crashed == UINT64_MAX;
}

/* The message log entry k of process x first delivered, or WL_NONE. */
static int32_t msg_at(const struct mut_target *t, uint32_t x, uint32_t k)
{
	return checker_entry_msg(t->chk, t->clean, x, k);
}

static inline int32_t where(const struct mut_target *t, uint32_t x,
			    int32_t idx)
{
	return checker_where(t->chk, t->clean, x, idx);
}

static inline const struct plan_msg *pmsg(const struct mut_target *t,
					  int32_t idx)
{
	return &t->plan->msgs[idx];
}

typedef bool (*victim_fn)(const struct mut_target *t, uint32_t x,
			  uint32_t k);

/* A message entry (x, k) for which ok() holds: random tries first, then a
 * scan from a random place. */
static bool find(const struct mut_target *t, victim_fn ok, uint32_t *x,
		 uint32_t *k)
{
	uint32_t i, n, start, xs, j;

	for (i = 0; i < TRIES; i++) {
		*x = (uint32_t)prng_below(t->rng, t->n_procs);
		n = t->logs[*x].n;
		if (n == 0)
			continue;
		*k = (uint32_t)prng_below(t->rng, n);
		if (msg_at(t, *x, *k) != WL_NONE && (ok == NULL || ok(t, *x, *k)))
			return true;
	}
	start = (uint32_t)prng_below(t->rng, t->n_procs);
	for (xs = 0; xs < t->n_procs; xs++) {
		*x = (start + xs) % t->n_procs;
		n = t->logs[*x].n;
		for (j = 0; j < n; j++) {
			*k = j;
			if (msg_at(t, *x, *k) != WL_NONE &&
			    (ok == NULL || ok(t, *x, *k)))
				return true;
		}
	}
	return false;
}

/* A configuration of the clean run for which ok() holds. */
typedef bool (*seg_fn)(const struct mut_target *t, uint32_t g);

static bool find_seg(const struct mut_target *t, seg_fn ok, uint32_t *g)
{
	uint32_t n = t->chk->n_segs, i, start;

	if (n == 0)
		return false;
	for (i = 0; i < TRIES; i++) {
		*g = (uint32_t)prng_below(t->rng, n);
		if (ok(t, *g))
			return true;
	}
	start = (uint32_t)prng_below(t->rng, n);
	for (i = 0; i < n; i++) {
		*g = (start + i) % n;
		if (ok(t, *g))
			return true;
	}
	return false;
}

static const struct chk_ring *ring_of(const struct mut_target *t, uint32_t g)
{
	return &t->chk->rings[t->chk->segs[g].ring];
}

/* Another process that moved with g's from its ring to the same next
 * ring (its configuration), or -1. */
static int32_t partner(const struct mut_target *t, uint32_t g)
{
	const struct chk_seg *a = &t->chk->segs[g];
	const struct chk_ring *r = ring_of(t, g);
	uint32_t y;

	if (a->next < 0)
		return -1;
	for (y = 0; y < ORDO_MAX_MEMBERS; y++) {
		int32_t b = r->inst[y];

		if (b >= 0 && (uint32_t)b != g && t->chk->segs[b].next >= 0 &&
		    t->chk->segs[t->chk->segs[b].next].ring ==
			    t->chk->segs[a->next].ring)
			return b;
	}
	return -1;
}

/* ---- the mutations: deliveries -------------------------------------------*/

/* Two neighbouring deliveries from different origins trade places at one
 * process, while another delivered both. Neighbours, so that each
 * origin's own order is untouched: only the total-order check (or
 * causality) can see it. */
static bool swappable(const struct mut_target *t, uint32_t x, uint32_t i)
{
	int32_t a = msg_at(t, x, i), b;
	uint32_t y;

	if (i + 1 >= t->logs[x].n || (b = msg_at(t, x, i + 1)) == WL_NONE ||
	    pmsg(t, a)->origin == pmsg(t, b)->origin)
		return false;
	for (y = 0; y < t->n_procs; y++)
		if (y != x && where(t, y, a) >= 0 && where(t, y, b) >= 0)
			return true;
	return false;
}

static int mut_swap(struct mut_target *t, char *desc, size_t len)
{
	struct sim_log_entry *l, tmp;
	uint32_t x, i;
	int32_t a, b;

	if (!find(t, swappable, &x, &i))
		return -ENOENT;
	a = msg_at(t, x, i);
	b = msg_at(t, x, i + 1);
	/* Contents move; times stay, so the log still reads forward. */
	l = t->logs[x].e;
	tmp = l[i];
	l[i] = l[i + 1];
	l[i + 1] = tmp;
	l[i + 1].time = l[i].time;
	l[i].time = tmp.time;
	snprintf(desc, len, "node %u: swapped neighbours msg %u:%u (entry %u) "
		 "and msg %u:%u", node_of(t, x), pmsg(t, a)->origin,
		 pmsg(t, a)->counter, i, pmsg(t, b)->origin,
		 pmsg(t, b)->counter);
	return 0;
}

/* Dropping (x, k) must show: x's own message and x lives; or a process
 * that moved on with x delivered it; or x ends in that configuration with
 * another that delivered it; or x's next delivery from the same sender,
 * sent in the same ring, now follows a gap it cannot explain. */
static bool droppable(const struct mut_target *t, uint32_t x, uint32_t k)
{
	int32_t idx = msg_at(t, x, k), w = where(t, x, idx), g, b;
	const struct plan_msg *m = pmsg(t, idx);
	const struct chk_seg *s;
	const struct chk_ring *r;
	uint32_t y, j;

	if (w < 0)
		return false;
	if (alive(t, x) && m->proc == (int32_t)x)
		return true;
	g = w / 2;
	s = &t->chk->segs[g];
	r = ring_of(t, (uint32_t)g);
	b = partner(t, (uint32_t)g);
	if (b >= 0 && where(t, t->chk->segs[b].proc, idx) == b * 2 + (w & 1))
		return true;
	if (alive(t, x) && t->chk->last_seg[x] == g && s->trans_at == CHK_NONE)
		for (y = 0; y < ORDO_MAX_MEMBERS; y++)
			if (r->inst[y] >= 0 && r->inst[y] != g &&
			    where(t, t->chk->segs[r->inst[y]].proc, idx) / 2 ==
				    r->inst[y])
				return true;
	for (j = k + 1; j < s->end; j++) {
		int32_t n = msg_at(t, x, j), wn;

		if (n == WL_NONE || pmsg(t, n)->proc != m->proc)
			continue;
		wn = where(t, x, n);
		return pmsg(t, n)->send_rep == m->send_rep &&
		       pmsg(t, n)->send_seq == m->send_seq &&
		       (!(wn & 1) || (s->tmembers & (1u << (m->origin - 1))));
	}
	return false;
}

static int mut_drop(struct mut_target *t, char *desc, size_t len)
{
	uint32_t x, k;
	int32_t a;

	if (!find(t, droppable, &x, &k))
		return -ENOENT;
	a = msg_at(t, x, k);
	sim_log_remove(&t->logs[x], k);
	snprintf(desc, len, "node %u: dropped msg %u:%u (entry %u)",
		 node_of(t, x), pmsg(t, a)->origin, pmsg(t, a)->counter, k);
	return 0;
}

/* One delivery happens again, later. */
static int mut_duplicate(struct mut_target *t, char *desc, size_t len)
{
	struct sim_log_entry copy;
	uint32_t x, k, at;
	int32_t a;

	if (!find(t, NULL, &x, &k))
		return -ENOENT;
	a = msg_at(t, x, k);
	copy = t->logs[x].e[k];
	at = k + 1 + (uint32_t)prng_below(t->rng, t->logs[x].n - k);
	copy.time = t->logs[x].e[at - 1].time;
	if (sim_log_insert(&t->logs[x], at, &copy) != 0)
		return -ENOMEM;
	snprintf(desc, len, "node %u: msg %u:%u (entry %u) delivered again "
		 "as entry %u", node_of(t, x), pmsg(t, a)->origin,
		 pmsg(t, a)->counter, k, at);
	return 0;
}

/* A well-formed message that no one submitted shows up. */
static int mut_forge_unsubmitted(struct mut_target *t, char *desc, size_t len)
{
	struct sim_log_entry e;
	uint32_t x, k, origin, counter, bytes, n_nodes = t->clean->n_nodes;

	if (!find(t, NULL, &x, &k))
		return -ENOENT;
	e = t->logs[x].e[k]; /* ring ids and time of a real delivery */
	origin = 1 + (uint32_t)prng_below(t->rng, n_nodes);
	counter = t->plan->base[origin] - t->plan->base[origin - 1] +
		  (uint32_t)prng_below(t->rng, 8);
	bytes = (uint32_t)prng_range(t->rng, PAYLOAD_HDR_LEN, 256);
	payload_fill(t->scratch, origin, counter, bytes);
	sim_log_msg_identify(&e.msg, t->scratch, bytes);
	e.msg.sender = origin;
	if (sim_log_insert(&t->logs[x], k + 1, &e) != 0)
		return -ENOMEM;
	snprintf(desc, len, "node %u: delivered msg %u:%u (%u bytes), never "
		 "submitted, as entry %u", node_of(t, x), origin, counter,
		 bytes, k + 1);
	return 0;
}

/* A delivered message has one byte changed. */
static int mut_forge_corrupt(struct mut_target *t, char *desc, size_t len)
{
	const struct plan_msg *m;
	uint32_t x, k, at;
	uint8_t flip;

	if (!find(t, NULL, &x, &k))
		return -ENOENT;
	m = pmsg(t, msg_at(t, x, k));
	/* Rebuild the bytes as submitted, then corrupt them: what the log
	 * would hold had the engine delivered them so. */
	payload_fill(t->scratch, m->origin, m->counter, m->len);
	at = (uint32_t)prng_below(t->rng, m->len);
	flip = (uint8_t)prng_range(t->rng, 1, 255);
	t->scratch[at] ^= flip;
	sim_log_msg_identify(&t->logs[x].e[k].msg, t->scratch, m->len);
	snprintf(desc, len, "node %u: msg %u:%u (entry %u) delivered with "
		 "byte %u of %u xor 0x%02x", node_of(t, x), m->origin,
		 m->counter, k, at, m->len, flip);
	return 0;
}

/* The latest moment a member of g's ring came to hold a packet of message
 * a; 0 if unknown. */
static uint64_t last_hold(const struct mut_target *t, uint32_t g, int32_t a)
{
	const struct plan_msg *m = pmsg(t, a);
	const struct chk_ring *r = ring_of(t, g);
	uint64_t s, h = 0;
	uint32_t y;

	if (r->tap == NULL || m->first_seq == 0)
		return 0;
	for (s = m->first_seq; s <= m->last_seq && s < r->tap->cap; s++) {
		if (r->tap->seqs[s].origin != m->origin)
			continue;
		for (y = 0; y < ORDO_MAX_MEMBERS; y++) {
			uint64_t hy;

			if (!(t->chk->segs[g].members & (1u << y)))
				continue;
			if (r->inst[y] < 0)
				return 0;
			hy = tap_held_at(r->tap, t->chk->segs[r->inst[y]].proc,
					 s);
			if (hy > h)
				h = hy;
		}
	}
	return h;
}

static bool safe_regular(const struct mut_target *t, uint32_t x, uint32_t k)
{
	int32_t a = msg_at(t, x, k), w = where(t, x, a);
	uint64_t h;

	if (pmsg(t, a)->service != ORDO_SVC_SAFE || w < 0 || (w & 1))
		return false;
	h = last_hold(t, (uint32_t)w / 2, a);
	return h != 0 && h != UINT64_MAX;
}

/* A SAFE message is delivered a moment before the last member held it. */
static int mut_safe_early(struct mut_target *t, char *desc, size_t len)
{
	struct sim_log_entry *e;
	uint32_t x, k;
	uint64_t h;
	int32_t a;

	if (!find(t, safe_regular, &x, &k))
		return -ENOENT;
	a = msg_at(t, x, k);
	h = last_hold(t, (uint32_t)where(t, x, a) / 2, a);
	e = &t->logs[x].e[k];
	snprintf(desc, len, "node %u: SAFE msg %u:%u delivered at t=%.3fus "
		 "instead of %.3fus", node_of(t, x), pmsg(t, a)->origin,
		 pmsg(t, a)->counter, (double)(h - 1) / 1e3,
		 (double)e->time / 1e3);
	e->time = h - 1;
	return 0;
}

/* ---- the mutations: configurations ---------------------------------------*/

/* The configuration before g at its process, or -1. */
static int32_t prev_seg(const struct mut_target *t, uint32_t g)
{
	uint32_t i;

	for (i = 0; i < t->chk->n_segs; i++)
		if (t->chk->segs[i].next == (int32_t)g)
			return (int32_t)i;
	return -1;
}

/* A configuration with a predecessor at its process, that shows in its
 * log: it delivered there, or left it, or lives in it at the end. */
static bool skippable(const struct mut_target *t, uint32_t g)
{
	const struct chk_seg *s = &t->chk->segs[g];
	int32_t p = prev_seg(t, g);

	return p >= 0 && s->reg_at != CHK_NONE &&
	       t->chk->segs[p].trans_at != CHK_NONE &&
	       (s->next >= 0 || s->n_msgs > 0 || alive(t, s->proc));
}

/* A process never reports a configuration it lived in: its REGULAR entry
 * and the TRANSITIONAL entry leading to it are gone; what it delivered
 * there, and how it left, stay. */
static int mut_config_skip(struct mut_target *t, char *desc, size_t len)
{
	const struct chk_seg *s, *p;
	uint32_t g, x;

	if (!find_seg(t, skippable, &g))
		return -ENOENT;
	s = &t->chk->segs[g];
	p = &t->chk->segs[prev_seg(t, g)];
	x = s->proc;
	sim_log_remove(&t->logs[x], s->reg_at);
	sim_log_remove(&t->logs[x], p->trans_at);
	snprintf(desc, len, "node %u: ring %u/%u never reported (entries %u "
		 "and %u dropped), after ring %u/%u", node_of(t, x),
		 ring_of(t, g)->rep, ring_of(t, g)->seq, p->trans_at,
		 s->reg_at, ring_of(t, prev_seg(t, g))->rep,
		 ring_of(t, prev_seg(t, g))->seq);
	return 0;
}

/* A configuration another process installed too. */
static bool shared(const struct mut_target *t, uint32_t g)
{
	const struct chk_ring *r = ring_of(t, g);
	uint32_t y, n = 0;

	if (t->chk->segs[g].reg_at == CHK_NONE)
		return false;
	for (y = 0; y < ORDO_MAX_MEMBERS; y++)
		n += r->inst[y] >= 0;
	return n >= 2;
}

/* One process lists another member set for a configuration than the
 * others: a member is split off into a configuration of its own. */
static int mut_member_split(struct mut_target *t, char *desc, size_t len)
{
	const struct chk_seg *s;
	struct sim_log_entry *e;
	uint32_t g, x, set, self, i, m = 0, flip;

	if (!find_seg(t, shared, &g))
		return -ENOENT;
	s = &t->chk->segs[g];
	x = s->proc;
	self = 1u << (node_of(t, x) - 1);
	e = &t->logs[x].e[s->reg_at];
	/* Remove a member other than itself, or add a node that is not. */
	do {
		flip = (uint32_t)prng_below(t->rng, t->clean->n_nodes);
	} while ((1u << flip) == self);
	set = s->members ^ (1u << flip);
	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		if (set & (1u << i))
			e->conf.members[m++] = i + 1;
	e->conf.n_members = m;
	snprintf(desc, len, "node %u: ring %u/%u installed with members 0x%x "
		 "instead of 0x%x", node_of(t, x), ring_of(t, g)->rep,
		 ring_of(t, g)->seq, set, s->members);
	return 0;
}

static bool has_trans_and_next(const struct mut_target *t, uint32_t g)
{
	return t->chk->segs[g].trans_at != CHK_NONE &&
	       t->chk->segs[g].next >= 0;
}

/* A transitional configuration is never reported: what was delivered in
 * it is reported as delivered in the regular one. */
static int mut_trans_drop(struct mut_target *t, char *desc, size_t len)
{
	const struct chk_seg *s;
	uint32_t g, x, k, n;

	if (!find_seg(t, has_trans_and_next, &g))
		return -ENOENT;
	s = &t->chk->segs[g];
	x = s->proc;
	n = 0;
	for (k = s->trans_at + 1; k < s->end; k++) {
		if (t->logs[x].e[k].kind == SIM_LOG_MESSAGE) {
			t->logs[x].e[k].trans = 0;
			n++;
		}
	}
	sim_log_remove(&t->logs[x], s->trans_at);
	snprintf(desc, len, "node %u: no transitional configuration after "
		 "ring %u/%u (entry %u); its %u deliveries made regular",
		 node_of(t, x), ring_of(t, g)->rep, ring_of(t, g)->seq,
		 s->trans_at, n);
	return 0;
}

/* The last delivery before configuration g's successor starts, or the
 * first one after, as a log index; CHK_NONE if none. */
static uint32_t edge_msg(const struct mut_target *t, uint32_t g, bool after)
{
	const struct chk_seg *s = &t->chk->segs[g];
	uint32_t k, x = s->proc;

	if (s->next < 0)
		return CHK_NONE;
	if (!after) {
		for (k = s->end; k-- > (s->reg_at == CHK_NONE ? 0 : s->reg_at);)
			if (msg_at(t, x, k) != WL_NONE)
				return k;
		return CHK_NONE;
	}
	s = &t->chk->segs[s->next];
	for (k = s->reg_at + 1;
	     k < (s->trans_at != CHK_NONE ? s->trans_at : s->end); k++)
		if (msg_at(t, x, k) != WL_NONE)
			return k;
	return CHK_NONE;
}

static bool crossable(const struct mut_target *t, uint32_t g)
{
	return edge_msg(t, g, false) != CHK_NONE ||
	       edge_msg(t, g, true) != CHK_NONE;
}

/* A message crosses a configuration boundary: the last one of a
 * configuration is delivered in the next regular one, or the first one of
 * the next is delivered before the change, each labelled as where it now
 * is. */
static int mut_msg_cross(struct mut_target *t, char *desc, size_t len)
{
	const struct chk_seg *s, *n;
	struct sim_log_entry e;
	uint32_t g, x, k, at;
	bool forward;
	int32_t a;

	if (!find_seg(t, crossable, &g))
		return -ENOENT;
	s = &t->chk->segs[g];
	n = &t->chk->segs[s->next];
	x = s->proc;
	forward = edge_msg(t, g, true) == CHK_NONE ||
		  (edge_msg(t, g, false) != CHK_NONE && prng_below(t->rng, 2));
	k = edge_msg(t, g, !forward);
	a = msg_at(t, x, k);
	e = t->logs[x].e[k];
	sim_log_remove(&t->logs[x], k);
	if (forward) {
		/* After the next REGULAR entry (one index lower now). */
		at = n->reg_at;
		e.ring_rep = ring_of(t, s->next)->rep;
		e.ring_seq = ring_of(t, s->next)->seq;
	} else {
		/* Before the change: at the end of the regular part. */
		at = s->trans_at != CHK_NONE ? s->trans_at : n->reg_at;
		e.ring_rep = ring_of(t, g)->rep;
		e.ring_seq = ring_of(t, g)->seq;
	}
	e.trans = 0;
	e.time = t->logs[x].e[at - 1].time;
	if (sim_log_insert(&t->logs[x], at, &e) != 0)
		return -ENOMEM;
	snprintf(desc, len, "node %u: msg %u:%u moved from ring %u/%u into "
		 "ring %u/%u", node_of(t, x), pmsg(t, a)->origin,
		 pmsg(t, a)->counter,
		 forward ? ring_of(t, g)->rep : ring_of(t, s->next)->rep,
		 forward ? ring_of(t, g)->seq : ring_of(t, s->next)->seq,
		 e.ring_rep, e.ring_seq);
	return 0;
}

/* A configuration with a transitional part whose process moved on with
 * another, and a delivery on either side of the change. */
static bool shiftable(const struct mut_target *t, uint32_t g)
{
	const struct chk_seg *s = &t->chk->segs[g];
	uint32_t x = s->proc;

	if (s->trans_at == CHK_NONE || partner(t, g) < 0)
		return false;
	return (s->trans_at > 0 && msg_at(t, x, s->trans_at - 1) != WL_NONE) ||
	       (s->trans_at + 1 < s->end &&
		msg_at(t, x, s->trans_at + 1) != WL_NONE);
}

/* One delivery moves between the regular and the transitional part of a
 * configuration, at a process that another moved on with. */
static int mut_trans_shift(struct mut_target *t, char *desc, size_t len)
{
	const struct chk_seg *s;
	struct sim_log_entry *l, tmp;
	uint32_t g, x, k;
	bool down;
	int32_t a;

	if (!find_seg(t, shiftable, &g))
		return -ENOENT;
	s = &t->chk->segs[g];
	x = s->proc;
	k = s->trans_at;
	down = k > 0 && msg_at(t, x, k - 1) != WL_NONE &&
	       (k + 1 >= s->end || msg_at(t, x, k + 1) == WL_NONE ||
		prng_below(t->rng, 2));
	l = t->logs[x].e;
	/* Swap the delivery with the TRANSITIONAL entry next to it. */
	if (down) {
		a = msg_at(t, x, k - 1);
		tmp = l[k - 1];
		l[k - 1] = l[k];
		l[k] = tmp;
		l[k].trans = 1;
	} else {
		a = msg_at(t, x, k + 1);
		tmp = l[k + 1];
		l[k + 1] = l[k];
		l[k] = tmp;
		l[k].trans = 0;
	}
	snprintf(desc, len, "node %u: msg %u:%u moved into the %s part of "
		 "ring %u/%u", node_of(t, x), pmsg(t, a)->origin,
		 pmsg(t, a)->counter, down ? "transitional" : "regular",
		 ring_of(t, g)->rep, ring_of(t, g)->seq);
	return 0;
}

const struct mutation mutation_table[] = {
	{ "swap", "two deliveries from different origins trade places at "
		  "one node", mut_swap },
	{ "drop", "one delivery is lost", mut_drop },
	{ "duplicate", "one delivery happens twice", mut_duplicate },
	{ "forge-unsubmitted", "a message no one submitted is delivered",
	  mut_forge_unsubmitted },
	{ "forge-corrupt", "a delivered message has a corrupted byte",
	  mut_forge_corrupt },
	{ "safe-early", "a SAFE message is delivered before every member "
			"holds it", mut_safe_early },
	{ "config-skip", "a configuration is skipped at one node",
	  mut_config_skip },
	{ "member-split", "one node's regular configuration lists another "
			  "member set", mut_member_split },
	{ "trans-drop", "a transitional configuration is dropped",
	  mut_trans_drop },
	{ "msg-cross", "a message is delivered across a configuration "
		       "boundary", mut_msg_cross },
	{ "trans-shift", "a message moves between the regular and the "
			 "transitional part", mut_trans_shift },
};

const uint32_t mutation_count =
	sizeof(mutation_table) / sizeof(mutation_table[0]);

/* ---- the engine ----------------------------------------------------------*/
void mutator_init(struct mutator *m)
{
	uint32_t i;

	memset(m, 0, sizeof(*m));
	checker_init(&m->clean);
	for (i = 0; i < SIM_MAX_PROCS; i++)
		sim_log_init(&m->logs[i]);
}

void mutator_fini(struct mutator *m)
{
	uint32_t i;

	for (i = 0; i < SIM_MAX_PROCS; i++)
		sim_log_fini(&m->logs[i]);
	checker_fini(&m->clean);
	free(m->scratch);
}

static uint32_t largest(const struct plan *p)
{
	uint32_t i, max = 256;

	for (i = 0; i < p->n; i++)
		if (p->msgs[i].len > max)
			max = p->msgs[i].len;
	return max;
}

int mutate_one(struct mutator *m, struct checker *c,
	       const struct check_input *clean, uint64_t clean_undelivered,
	       uint32_t k, uint64_t seed, struct mut_result *r)
{
	uint32_t i, need = largest(clean->plan);
	struct check_input in = *clean;
	struct report ignored;
	struct mut_target t;
	struct prng rng;
	int rc;

	memset(r, 0, sizeof(*r));
	if (need > m->scratch_cap) {
		uint8_t *s = realloc(m->scratch, need);

		if (s == NULL)
			return -ENOMEM;
		m->scratch = s;
		m->scratch_cap = need;
	}
	for (i = 0; i < clean->n_procs; i++)
		if (sim_log_copy(&m->logs[i], &clean->logs[i]) != 0)
			return -ENOMEM;
	report_clear(&ignored);
	rc = checker_run(&m->clean, clean, &ignored);
	if (rc != 0)
		return rc;
	/* Each mutation its own stream: adding a row reshuffles no other. */
	prng_seed(&rng, seed, (uint64_t)PRNG_MUTATE << 16 | k);
	t = (struct mut_target){ .logs = m->logs, .n_procs = clean->n_procs,
				 .clean = clean, .chk = &m->clean,
				 .plan = clean->plan, .tap = clean->tap,
				 .rng = &rng, .scratch = m->scratch };
	rc = mutation_table[k].apply(&t, r->desc, sizeof(r->desc));
	if (rc == -ENOENT)
		return 0;
	if (rc != 0)
		return rc;
	r->applied = true;
	in.logs = m->logs;
	rc = checker_run(c, &in, &r->rep);
	if (rc != 0)
		return rc;
	r->caught = r->rep.violations > 0 ||
		    r->rep.undelivered > clean_undelivered;
	return 0;
}
