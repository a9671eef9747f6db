/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What the simulated clients of --groups do (gsim.h). A seed's actions are
 * planned up front (node, due time, a random draw); what an action is
 * depends on its client's state when it runs, so a crash or a refused
 * request changes what follows, the same way on every replay:
 *
 *   a free slot           connects: a new connection, a new private name,
 *                         and joins one group at once
 *   a connected client    sends to 1..3 named groups (60 %; one in ten
 *                         with SELF_DISCARD; any service; 16..400 B, one
 *                         in twenty 1..5 KiB, i.e. fragmented), sends to a
 *                         private group of any connection ever made (7 %:
 *                         itself, a live one, or one long gone), joins a
 *                         group (20 %, possibly one it is in), leaves one
 *                         (8 %, possibly one it is not in), or disconnects
 *                         (5 %)
 *   a disconnecting one   nothing
 *
 * Groups overlap on purpose: few groups, many clients, multi-group sends.
 * A request the engine refuses (-EAGAIN) is retried WL_RETRY_NS later,
 * keeping its node's later actions behind it. Each process's clients
 * connect when it starts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/gsim.h"
#include "tests/sim/payload.h"
#include "tests/sim/prng.h"
#include "tests/sim/sim.h"

#define PRNG_GROUPS 5u
#define GWL_MAX_LEN 5000u

static int by_due(const void *a, const void *b)
{
	const struct gact *x = a, *y = b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return x->r < y->r ? -1 : x->r > y->r;
}

int gwl_plan(struct gsim *gs, uint64_t seed, uint32_t n_nodes,
	     uint32_t actions, uint64_t spread_ns)
{
	struct prng r;
	uint32_t i;

	if (gs->buf_cap < GWL_MAX_LEN) {
		uint8_t *b = realloc(gs->buf, GWL_MAX_LEN);

		if (b == NULL)
			return -ENOMEM;
		gs->buf = b;
		gs->buf_cap = GWL_MAX_LEN;
	}
	prng_seed(&r, seed, PRNG_GROUPS);
	gs->last_due = 0;
	for (i = 0; i < actions; i++) {
		struct gnode *gn = &gs->node[prng_below(&r, n_nodes)];
		struct gact *a;

		if (gn->n_act == gn->cap_act) {
			uint32_t cap = gn->cap_act ? 2 * gn->cap_act : 64;

			a = realloc(gn->act, cap * sizeof(*a));
			if (a == NULL)
				return -ENOMEM;
			gn->act = a;
			gn->cap_act = cap;
		}
		a = &gn->act[gn->n_act++];
		a->due = prng_below(&r, spread_ns ? spread_ns : 1);
		a->r = prng_next(&r);
		if (a->due > gs->last_due)
			gs->last_due = a->due;
	}
	for (i = 0; i < n_nodes; i++)
		if (gs->node[i].n_act)
			qsort(gs->node[i].act, gs->node[i].n_act,
			      sizeof(struct gact), by_due);
	return 0;
}

static bool any_remove_retry(const struct gnode *gn)
{
	uint32_t k;

	for (k = 0; k < GSIM_MAX_CLIENTS; k++)
		if (gn->slot[k].state == GSLOT_REMOVE_RETRY)
			return true;
	return false;
}

uint64_t gwl_next_due(const struct gnode *gn)
{
	uint64_t t = UINT64_MAX;

	if (gn->cursor < gn->n_act)
		t = gn->act[gn->cursor].due;
	if (any_remove_retry(gn))
		t = 0;
	if (t != UINT64_MAX && t < gn->retry_at)
		t = gn->retry_at;
	return t;
}

static void connect_slot(struct gsim *gs, struct gnode *gn, uint32_t k,
			 uint64_t now)
{
	struct sim *s = gn->s;
	char name[16];
	int32_t c = glog_conn_new(&gs->log, gn->idx + 1,
				  (uint32_t)s->node[gn->idx].proc, k, now);
	int rc;

	if (c < 0) {
		report_violation(&s->res.run, CHK_SIM, "group log: no memory");
		return;
	}
	glog_private_name((uint32_t)c, name, sizeof(name));
	rc = ordo_groups_client_add(gn->g, k, name);
	if (rc != 0) {
		report_violation(&s->res.run, CHK_SIM, "node %u: client_add "
				 "(slot %u, %s) refused: %d", gn->idx + 1, k,
				 name, rc);
		gs->log.conns[c].end = now;
		return;
	}
	gn->slot[k].state = GSLOT_ACTIVE;
	gn->slot[k].conn = c;
	gs->connects++;
	/* A client starts in one group, so groups are crowded from the
	 * start; refused for now (-EAGAIN), it simply is not in it. */
	glog_group_name((uint32_t)c % gs->groups, name, sizeof(name));
	if (ordo_groups_join(gn->g, k, name) == 0) {
		gs->log.conns[c].joined |= 1u << ((uint32_t)c % gs->groups);
		gs->joins++;
	}
}

void gwl_connect_all(struct gsim *gs, struct gnode *gn, uint64_t now)
{
	uint32_t k;

	for (k = 0; k < gs->clients; k++)
		if (gn->slot[k].state == GSLOT_FREE)
			connect_slot(gs, gn, k, now);
}

/* A DATA message from slot k to the groups in mask and/or the private
 * group of connection priv (GLOG_NONE: none). */
static int send_msg(struct gsim *gs, struct gnode *gn, uint32_t k,
		    uint32_t mask, int32_t priv, uint64_t x, uint64_t now)
{
	char names[GLOG_MAX_GROUPS + 1][ORDO_GROUPS_NAME_LEN];
	struct glog *l = &gs->log;
	const struct gconn *me = &l->conns[gn->slot[k].conn];
	uint8_t flags = x % 10 == 0 ? ORDO_GM_F_SELF_DISCARD : 0;
	uint8_t svc = (uint8_t)(ORDO_SVC_UNRELIABLE + (x / 10) % 6);
	int16_t type = (int16_t)(x >> 16);
	uint32_t len, n = 0, g, idx = l->n_sent;
	struct iovec iov;
	struct gsent *m;
	int32_t si;
	int rc;

	x /= 60;
	len = x % 20 == 0 ? 1000 + (uint32_t)((x / 20) % 4001) :
			    16 + (uint32_t)((x / 20) % 385);
	memset(names, 0, sizeof(names));
	for (g = 0; g < gs->groups; g++)
		if (mask & (1u << g))
			glog_group_name(g, names[n++], ORDO_GROUPS_NAME_LEN);
	if (priv != GLOG_NONE)
		glog_full_name(l, (uint32_t)priv, names[n++],
			       ORDO_GROUPS_NAME_LEN);
	payload_fill(gs->buf, gn->slot[k].conn, idx, len);
	iov.iov_base = gs->buf;
	iov.iov_len = len;
	rc = ordo_groups_send(gn->g, k, svc, type, flags, n,
			      (const char (*)[ORDO_GROUPS_NAME_LEN])names,
			      &iov, 1);
	if (rc != 0)
		return rc;
	m = glog_sent_new(l, &si);
	if (m == NULL)
		return -ENOMEM;
	m->conn = (uint32_t)gn->slot[k].conn;
	m->groups = mask;
	m->priv = priv;
	m->service = svc;
	m->flags = flags;
	m->msg_type = type;
	m->len = len;
	m->digest = payload_digest(gs->buf, len);
	m->at = now;
	m->expect_self = !(flags & ORDO_GM_F_SELF_DISCARD) &&
			 ((mask & me->joined) || priv == (int32_t)m->conn);
	gs->sends++;
	return 0;
}

static int disconnect(struct gsim *gs, struct gnode *gn, uint32_t k,
		      uint64_t now)
{
	struct gslot *sl = &gn->slot[k];
	int rc = ordo_groups_client_remove(gn->g, k);

	/* Gone for the client from now on, whatever the engine said. */
	gs->log.conns[sl->conn].end = now;
	gs->disconnects++;
	if (rc == 0) {
		sl->state = GSLOT_REMOVING;
		return 0;
	}
	sl->state = GSLOT_REMOVE_RETRY;
	return rc == -EAGAIN ? -EAGAIN : 0;
}

/* Run one action. -EAGAIN: refused for now, run it again later. */
static int act(struct gsim *gs, struct gnode *gn, const struct gact *a,
	       uint64_t now)
{
	uint32_t k = (uint32_t)(a->r % gs->clients), g, mask;
	uint64_t x = a->r >> 8, pick = x % 100;
	struct gslot *sl = &gn->slot[k];
	struct gconn *c;
	char name[ORDO_GROUPS_NAME_LEN];
	int rc;

	if (sl->state == GSLOT_FREE) {
		connect_slot(gs, gn, k, now);
		return 0;
	}
	if (sl->state != GSLOT_ACTIVE)
		return 0;
	c = &gs->log.conns[sl->conn];
	x /= 100;
	g = (uint32_t)(x % gs->groups);
	if (pick < 60) {
		mask = 1u << g;
		if ((x >> 8) % 2)
			mask |= 1u << ((x >> 12) % gs->groups);
		if ((x >> 16) % 4 == 0)
			mask |= 1u << ((x >> 20) % gs->groups);
		return send_msg(gs, gn, k, mask, GLOG_NONE, x >> 24, now);
	}
	if (pick < 67)
		return send_msg(gs, gn, k, 0,
				(int32_t)((x >> 8) % gs->log.n_conns),
				x >> 24, now);
	glog_group_name(g, name, sizeof(name));
	if (pick < 87) {
		rc = ordo_groups_join(gn->g, k, name);
		if (rc == 0) {
			c->joined |= 1u << g;
			gs->joins++;
		}
		return rc;
	}
	if (pick < 95) {
		rc = ordo_groups_leave(gn->g, k, name);
		if (rc == 0) {
			c->joined &= ~(1u << g);
			gs->leaves++;
		}
		return rc;
	}
	return disconnect(gs, gn, k, now);
}

uint64_t gwl_run_due(struct gsim *gs, struct gnode *gn, uint64_t now)
{
	uint32_t k;
	int rc;

	if (gn->g == NULL || now < gn->retry_at)
		return gwl_next_due(gn);
	gn->retry_at = 0;
	for (k = 0; k < GSIM_MAX_CLIENTS; k++) {
		if (gn->slot[k].state != GSLOT_REMOVE_RETRY)
			continue;
		rc = ordo_groups_client_remove(gn->g, k);
		if (rc == -EAGAIN) {
			gs->eagain++;
			gn->retry_at = now + WL_RETRY_NS;
			return gwl_next_due(gn);
		}
		gn->slot[k].state = GSLOT_REMOVING;
	}
	while (gn->cursor < gn->n_act && gn->act[gn->cursor].due <= now) {
		rc = act(gs, gn, &gn->act[gn->cursor], now);
		if (rc == -EAGAIN) {
			gs->eagain++;
			gn->retry_at = now + WL_RETRY_NS;
			return gwl_next_due(gn);
		}
		if (rc != 0)
			report_violation(&gn->s->res.run, CHK_SUBMIT,
					 "node %u: a client request refused: "
					 "%d", gn->idx + 1, rc);
		gn->cursor++;
	}
	return gwl_next_due(gn);
}
