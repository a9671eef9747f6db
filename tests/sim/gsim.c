/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The group layer above each simulated engine, and the record of what its
 * clients were given; see gsim.h. The glue mirrors the dataplane's
 * (dataplane/gateway/gateway.c): engine deliveries and configuration
 * changes go to ordo_groups_on_deliver / _on_config from inside the
 * engine's callbacks, and the group layer's submits and pauses go straight
 * back into the engine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp.h"

#include "tests/sim/gsim.h"
#include "tests/sim/payload.h"
#include "tests/sim/sim.h"

struct gsim *gsim_new(uint32_t clients, uint32_t groups)
{
	struct gsim *gs = calloc(1, sizeof(*gs));

	if (gs == NULL)
		return NULL;
	gs->clients = clients;
	gs->groups = groups;
	glog_init(&gs->log);
	return gs;
}

void gsim_free(struct gsim *gs)
{
	uint32_t i;

	if (gs == NULL)
		return;
	for (i = 0; i < ORDO_MAX_MEMBERS; i++) {
		ordo_groups_destroy(gs->node[i].g);
		free(gs->node[i].act);
	}
	glog_fini(&gs->log);
	free(gs->buf);
	free(gs);
}

int gsim_reset(struct gsim *gs, struct sim *s, uint64_t seed, uint32_t actions,
	       uint64_t spread_ns)
{
	uint32_t i;

	for (i = 0; i < ORDO_MAX_MEMBERS; i++) {
		struct gnode *gn = &gs->node[i];

		ordo_groups_destroy(gn->g);
		gn->g = NULL;
		gn->s = s;
		gn->idx = i;
		gn->cursor = gn->n_act = 0;
		gn->retry_at = 0;
		memset(gn->slot, 0, sizeof(gn->slot));
	}
	gs->eagain = gs->sends = gs->joins = gs->leaves = 0;
	gs->disconnects = gs->connects = 0;
	glog_clear(&gs->log, s->o.nodes, gs->groups);
	return gwl_plan(gs, seed, s->o.nodes, actions, spread_ns);
}

/* ---- the group layer's ops -------------------------------------------------*/
static int g_submit(void *ctx, bool control, uint8_t svc,
		    uint16_t msg_type, const struct iovec *iov, int iovcnt)
{
	struct gnode *gn = ctx;
	struct sim *s = gn->s;
	struct sim_node *n = &s->node[gn->idx];
	int rc;

	if (n->e == NULL)
		return -EAGAIN;
	rc = control ? ordo_engine_submit_control(n->e, svc, msg_type,
						  iov, iovcnt) :
		       ordo_engine_submitv(n->e, svc, msg_type, iov, iovcnt);
	if (rc == 0 && !control) {
		/* Must come back to this process before the run settles. */
		s->sp[n->proc].accepted++;
		s->res.progress_at = s->now;
		s->dirty = true;
	}
	return rc;
}

static void g_pause(void *ctx, bool pause)
{
	struct gnode *gn = ctx;
	struct sim_node *n = &gn->s->node[gn->idx];

	if (n->e != NULL)
		ordo_engine_pause_clients(n->e, pause);
}

static int32_t conn_of_slot(const struct gnode *gn, uint32_t client)
{
	if (client >= GSIM_MAX_CLIENTS)
		return GLOG_UNKNOWN;
	return gn->slot[client].conn;
}

static void no_memory(struct sim *s)
{
	report_violation(&s->res.run, CHK_SIM, "group log: no memory");
}

static void g_deliver_msg(void *ctx, uint32_t client,
			  const struct ordo_groups_msg *m)
{
	struct gnode *gn = ctx;
	struct sim *s = gn->s;
	struct glog *l = &s->gs->log;
	int32_t conn = conn_of_slot(gn, client);
	struct payload_hdr h;
	struct gev *e;
	uint32_t k;

	if (conn < 0) {
		report_violation(&s->res.run, CHK_G_MEMBER,
				 "node %u: a message for client slot %u, which "
				 "has no client", gn->idx + 1, client);
		return;
	}
	e = glog_ev_new(l);
	if (e == NULL) {
		no_memory(s);
		return;
	}
	e->kind = GEV_MSG;
	e->conn = (uint32_t)conn;
	e->time = s->now;
	e->msg = GLOG_UNKNOWN;
	if (payload_parse(m->data, m->len, &h) && h.counter < l->n_sent)
		e->msg = (int32_t)h.counter;
	e->digest = payload_digest(m->data, m->len);
	e->len = m->len;
	e->sender = glog_conn_of(l, m->sender);
	e->priv = GLOG_NONE;
	for (k = 0; k < m->n_groups; k++) {
		char name[ORDO_GROUPS_NAME_LEN + 1];
		int32_t x;

		memcpy(name, m->groups[k], ORDO_GROUPS_NAME_LEN);
		name[ORDO_GROUPS_NAME_LEN] = '\0';
		if (name[0] == '#') {
			e->priv = glog_conn_of(l, name);
			continue;
		}
		x = glog_group_of(l, name);
		if (x < 0)
			e->bad_group = true;
		else
			e->groups |= 1u << x;
	}
	e->service = m->service;
	e->msg_type = m->msg_type;
}

static void g_deliver_memb(void *ctx, uint32_t client,
			   const struct ordo_groups_memb *m)
{
	struct gnode *gn = ctx;
	struct sim *s = gn->s;
	struct glog *l = &s->gs->log;
	int32_t conn = conn_of_slot(gn, client), grp;
	struct gev *e;
	uint32_t k;

	if (conn < 0) {
		report_violation(&s->res.run, CHK_G_MEMBER,
				 "node %u: a membership message for client slot "
				 "%u, which has no client", gn->idx + 1, client);
		return;
	}
	if (glog_pool_reserve(l, m->n_members) != 0 ||
	    (e = glog_ev_new(l)) == NULL) {
		no_memory(s);
		return;
	}
	grp = glog_group_of(l, m->group);
	e->kind = GEV_MEMB;
	e->conn = (uint32_t)conn;
	e->time = s->now;
	e->group = grp < 0 ? UINT8_MAX : (uint8_t)grp;
	e->mservice = m->service;
	memcpy(e->gid, m->gid, sizeof(e->gid));
	e->m_off = l->n_pool;
	e->n_members = m->n_members;
	e->my_index = m->my_index;
	for (k = 0; k < m->n_members; k++) {
		char name[ORDO_GROUPS_NAME_LEN + 1];

		memcpy(name, m->members[k], ORDO_GROUPS_NAME_LEN);
		name[ORDO_GROUPS_NAME_LEN] = '\0';
		l->pool[l->n_pool++] = glog_conn_of(l, name);
	}
}

static void g_client_gone(void *ctx, uint32_t client)
{
	struct gnode *gn = ctx;

	if (client < GSIM_MAX_CLIENTS &&
	    gn->slot[client].state == GSLOT_REMOVING) {
		gn->slot[client].state = GSLOT_FREE;
		gn->slot[client].conn = GLOG_UNKNOWN;
		gn->s->dirty = true;
	} else {
		report_violation(&gn->s->res.run, CHK_G_MEMBER,
				 "node %u: client slot %u gone, but it was not "
				 "disconnecting", gn->idx + 1, client);
	}
}

static const struct ordo_groups_ops g_ops = {
	.submit = g_submit,
	.pause_clients = g_pause,
	.deliver_msg = g_deliver_msg,
	.deliver_memb = g_deliver_memb,
	.client_gone = g_client_gone,
};

/* ---- processes ---------------------------------------------------------------*/
int gsim_proc_start(struct sim *s, uint32_t i)
{
	struct gsim *gs = s->gs;
	struct gnode *gn = &gs->node[i];
	struct ordo_groups_config cfg;
	uint32_t k;

	memset(&cfg, 0, sizeof(cfg));
	cfg.my_id = i + 1;
	cfg.n_nodes = s->o.nodes;
	cfg.max_clients = gs->clients;
	for (k = 0; k < s->o.nodes; k++) {
		cfg.nodes[k].id = k + 1;
		snprintf(cfg.nodes[k].name, sizeof(cfg.nodes[k].name), "n%u",
			 k + 1);
	}
	ordo_groups_destroy(gn->g);
	memset(gn->slot, 0, sizeof(gn->slot));
	gn->retry_at = 0;
	gn->g = ordo_groups_create(&cfg, &g_ops, gn);
	if (gn->g == NULL)
		return errno ? -errno : -ENOMEM;
	gwl_connect_all(gs, gn, s->now);
	return 0;
}

void gsim_proc_crash(struct sim *s, uint32_t i)
{
	struct gnode *gn = &s->gs->node[i];
	struct glog *l = &s->gs->log;
	uint32_t k;

	for (k = 0; k < GSIM_MAX_CLIENTS; k++) {
		struct gslot *sl = &gn->slot[k];

		if (sl->state == GSLOT_ACTIVE) {
			l->conns[sl->conn].end = s->now;
			l->conns[sl->conn].crashed = true;
		}
		sl->state = GSLOT_FREE;
		sl->conn = GLOG_UNKNOWN;
	}
	ordo_groups_destroy(gn->g);
	gn->g = NULL;
	gn->retry_at = 0;
}

/* ---- the engine's outputs ------------------------------------------------*/
static inline uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void gsim_on_deliver(struct sim *s, struct sim_node *n,
		     const struct ordo_delivery *d)
{
	struct sim_proc *sp = &s->sp[n->proc];
	const uint8_t *b = d->data;
	bool state = d->len >= sizeof(struct ordo_gm_hdr) &&
		     b[1] == ORDO_GM_STATE;

	s->res.deliveries++;
	s->res.progress_at = s->now;
	s->dirty = true;
	if (d->sender == n->idx + 1 && !state)
		sp->self_delivered++;
	/* What the members of the final ring delivered in it (settled). */
	if (sp->in_regular && !d->transitional && d->ring_rep == sp->ring_rep &&
	    d->ring_seq == sp->ring_seq) {
		sp->ring_count++;
		sp->ring_sum += mix64(payload_digest(d->data, d->len) ^
				      d->sender);
	}
	ordo_groups_on_deliver(s->gs->node[n->idx].g, d);
}

void gsim_on_config(struct sim *s, struct sim_node *n,
		    const struct ordo_config_change *c)
{
	ordo_groups_on_config(s->gs->node[n->idx].g, c);
}

uint64_t gsim_next_due(const struct sim *s, uint32_t i)
{
	return gwl_next_due(&s->gs->node[i]);
}

uint64_t gsim_run_due(struct sim *s, uint32_t i)
{
	return gwl_run_due(s->gs, &s->gs->node[i], s->now);
}

bool gsim_node_settled(const struct sim *s, uint32_t i)
{
	const struct gnode *gn = &s->gs->node[i];

	return gn->g == NULL || !ordo_groups_exchanging(gn->g);
}
