/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The mutation table and its engine; see mutate.h. Each mutation picks its
 * victims with the seed's mutation stream, so a missed mutation replays.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mutate.h"
#include "payload.h"

/* Random tries before a mutation scans for a victim systematically. */
#define TRIES 64

/* A MESSAGE entry that identifies a planned message, or WL_NONE. */
static int32_t msg_at(const struct mut_target *t, uint32_t x, uint32_t k)
{
	const struct sim_log_entry *e = &t->logs[x].e[k];

	if (e->kind != SIM_LOG_MESSAGE || !e->msg.has_hdr)
		return WL_NONE;
	return plan_find(t->plan, e->msg.origin, e->msg.counter);
}

/* A random planned-message entry at a random node: true if found. */
static bool pick(const struct mut_target *t, uint32_t *x, uint32_t *k)
{
	uint32_t i, n;

	for (i = 0; i < TRIES; i++) {
		*x = (uint32_t)prng_below(t->rng, t->n_nodes);
		n = t->logs[*x].n;
		if (n == 0)
			continue;
		*k = (uint32_t)prng_below(t->rng, n);
		if (msg_at(t, *x, *k) != WL_NONE)
			return true;
	}
	for (*x = 0; *x < t->n_nodes; (*x)++)
		for (*k = 0; *k < t->logs[*x].n; (*k)++)
			if (msg_at(t, *x, *k) != WL_NONE)
				return true;
	return false;
}

static bool delivered_at(const struct mut_target *t, uint32_t y, int32_t idx)
{
	uint32_t k;

	for (k = 0; k < t->logs[y].n; k++)
		if (msg_at(t, y, k) == idx)
			return true;
	return false;
}

/* ---- the mutations -------------------------------------------------------*/

/* Two neighbouring deliveries from different origins trade places at one
 * node, while another node delivered both. Neighbours, so that each
 * origin's own order is untouched: only the total-order check (or
 * causality) can see it. */
static int mut_swap(struct mut_target *t, char *desc, size_t len)
{
	uint32_t try, x, i, y;

	for (try = 0; try < 16 * TRIES; try++) {
		struct sim_log_entry *l, tmp;
		int32_t a, b;

		if (!pick(t, &x, &i))
			return -ENOENT;
		if (i + 1 >= t->logs[x].n)
			continue;
		a = msg_at(t, x, i);
		b = msg_at(t, x, i + 1);
		if (b == WL_NONE ||
		    t->plan->msgs[a].origin == t->plan->msgs[b].origin)
			continue;
		for (y = 0; y < t->n_nodes; y++)
			if (y != x && delivered_at(t, y, a) &&
			    delivered_at(t, y, b))
				break;
		if (y == t->n_nodes)
			continue;
		/* Contents move; times stay, so the log still reads forward. */
		l = t->logs[x].e;
		tmp = l[i];
		l[i] = l[i + 1];
		l[i + 1] = tmp;
		l[i + 1].time = l[i].time;
		l[i].time = tmp.time;
		snprintf(desc, len, "node %u: swapped neighbours msg %u:%u "
			 "(entry %u) and msg %u:%u; node %u delivered both",
			 x + 1, t->plan->msgs[a].origin,
			 t->plan->msgs[a].counter, i, t->plan->msgs[b].origin,
			 t->plan->msgs[b].counter, y + 1);
		return 0;
	}
	return -ENOENT;
}

/* One delivery disappears. */
static int mut_drop(struct mut_target *t, char *desc, size_t len)
{
	uint32_t x, k;
	int32_t a;

	if (!pick(t, &x, &k))
		return -ENOENT;
	a = msg_at(t, x, k);
	sim_log_remove(&t->logs[x], k);
	snprintf(desc, len, "node %u: dropped msg %u:%u (entry %u)", x + 1,
		 t->plan->msgs[a].origin, t->plan->msgs[a].counter, k);
	return 0;
}

/* One delivery happens again, later. */
static int mut_duplicate(struct mut_target *t, char *desc, size_t len)
{
	struct sim_log_entry copy;
	uint32_t x, k, at;
	int32_t a;

	if (!pick(t, &x, &k))
		return -ENOENT;
	a = msg_at(t, x, k);
	copy = t->logs[x].e[k];
	at = k + 1 + (uint32_t)prng_below(t->rng, t->logs[x].n - k);
	copy.time = t->logs[x].e[at - 1].time;
	if (sim_log_insert(&t->logs[x], at, &copy) != 0)
		return -ENOMEM;
	snprintf(desc, len, "node %u: msg %u:%u (entry %u) delivered again "
		 "as entry %u", x + 1, t->plan->msgs[a].origin,
		 t->plan->msgs[a].counter, k, at);
	return 0;
}

/* A well-formed message that no one submitted shows up. */
static int mut_forge_unsubmitted(struct mut_target *t, char *desc, size_t len)
{
	struct sim_log_entry e;
	uint32_t x, k, origin, counter, bytes;

	if (!pick(t, &x, &k))
		return -ENOENT;
	e = t->logs[x].e[k]; /* ring ids and time of a real delivery */
	origin = 1 + (uint32_t)prng_below(t->rng, t->n_nodes);
	counter = t->plan->base[origin] - t->plan->base[origin - 1] +
		  (uint32_t)prng_below(t->rng, 8);
	bytes = (uint32_t)prng_range(t->rng, PAYLOAD_HDR_LEN, 256);
	payload_fill(t->scratch, origin, counter, bytes);
	sim_log_msg_identify(&e.msg, t->scratch, bytes);
	e.msg.sender = origin;
	if (sim_log_insert(&t->logs[x], k + 1, &e) != 0)
		return -ENOMEM;
	snprintf(desc, len, "node %u: delivered msg %u:%u (%u bytes), never "
		 "submitted, as entry %u", x + 1, origin, counter, bytes, k + 1);
	return 0;
}

/* A delivered message has one byte changed. */
static int mut_forge_corrupt(struct mut_target *t, char *desc, size_t len)
{
	struct sim_log_entry *e;
	uint32_t x, k, at;
	uint8_t flip;
	int32_t a;

	if (!pick(t, &x, &k))
		return -ENOENT;
	e = &t->logs[x].e[k];
	a = msg_at(t, x, k);
	/* Rebuild the bytes as submitted, then corrupt them: what the log
	 * would hold had the engine delivered them so. */
	payload_fill(t->scratch, t->plan->msgs[a].origin,
		     t->plan->msgs[a].counter, t->plan->msgs[a].len);
	at = (uint32_t)prng_below(t->rng, t->plan->msgs[a].len);
	flip = (uint8_t)prng_range(t->rng, 1, 255);
	t->scratch[at] ^= flip;
	sim_log_msg_identify(&e->msg, t->scratch, t->plan->msgs[a].len);
	snprintf(desc, len, "node %u: msg %u:%u (entry %u) delivered with "
		 "byte %u of %u xor 0x%02x", x + 1, t->plan->msgs[a].origin,
		 t->plan->msgs[a].counter, k, at, t->plan->msgs[a].len, flip);
	return 0;
}

/* The latest moment a member came to hold a packet of message a. */
static uint64_t last_hold(const struct mut_target *t, int32_t a)
{
	const struct plan_msg *m = &t->plan->msgs[a];
	uint64_t s, h = 0;
	uint32_t y;

	for (s = m->first_seq; s && s <= m->last_seq && s < t->tap->cap; s++) {
		if (t->tap->seq[s].origin != m->origin)
			continue;
		for (y = 0; y < t->n_nodes; y++)
			if (tap_held_at(t->tap, y, s) > h)
				h = tap_held_at(t->tap, y, s);
	}
	return h;
}

/* A SAFE message is delivered a moment before the last member held it. */
static int mut_safe_early(struct mut_target *t, char *desc, size_t len)
{
	uint32_t x, k, try;

	for (try = 0; try < 16 * TRIES; try++) {
		struct sim_log_entry *e;
		uint64_t h;
		int32_t a;

		if (!pick(t, &x, &k))
			return -ENOENT;
		a = msg_at(t, x, k);
		if (t->plan->msgs[a].service != ORDO_SVC_SAFE)
			continue;
		h = last_hold(t, a);
		if (h == 0 || h == UINT64_MAX)
			continue;
		e = &t->logs[x].e[k];
		snprintf(desc, len, "node %u: SAFE msg %u:%u delivered at "
			 "t=%.3fus instead of %.3fus", x + 1,
			 t->plan->msgs[a].origin, t->plan->msgs[a].counter,
			 (double)(h - 1) / 1e3, (double)e->time / 1e3);
		e->time = h - 1;
		return 0;
	}
	return -ENOENT;
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
};

const uint32_t mutation_count =
	sizeof(mutation_table) / sizeof(mutation_table[0]);

/* ---- the engine ----------------------------------------------------------*/
void mutator_init(struct mutator *m)
{
	uint32_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		sim_log_init(&m->logs[i]);
}

void mutator_fini(struct mutator *m)
{
	uint32_t i;

	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		sim_log_fini(&m->logs[i]);
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
	for (i = 0; i < clean->n_nodes; i++)
		if (sim_log_copy(&m->logs[i], &clean->logs[i]) != 0)
			return -ENOMEM;
	/* Each mutation its own stream: adding a row reshuffles no other. */
	prng_seed(&rng, seed, (uint64_t)PRNG_MUTATE << 16 | k);
	t = (struct mut_target){ .logs = m->logs, .n_nodes = clean->n_nodes,
				 .plan = clean->plan, .tap = clean->tap,
				 .rng = &rng,
				 .scratch = m->scratch };
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
