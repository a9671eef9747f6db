/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The client gateway's core (gateway.h): its life cycle, the commands from
 * the main lcore, the events back to it, and the local-end ops the ring
 * agent calls every turn. Submissions are in gw_submit.c, deliveries in
 * gw_deliver.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataplane/gateway/gateway_impl.h"

/* The main lcore and the gateway talk through one private region of
 * lib/cring (no client maps it): commands on its SUBMIT ring (main ->
 * gateway, one header-only record each), events on its DELIVER ring
 * (gateway -> main, the control protocol's datagrams). Plain C11 atomics:
 * the gateway needs no DPDK, so tests/gateway runs it as it is. */
#define CMD_RING_BYTES (1u << 20)   /* 32768 commands */
#define EVENT_RING_BYTES (8u << 20)
#define CMD_BURST 32u

/* ------------------------------------------------------------ events */

void gw_emit(struct dp_gateway *gw, const void *dgram, uint32_t len)
{
	struct ordo_cp_hdr *h = (struct ordo_cp_hdr *)(uintptr_t)dgram;
	uint32_t rl = (uint32_t)sizeof(struct ordo_cr_rec) + len;
	struct ordo_cr_rec *r;

	h->magic = ORDO_CP_MAGIC;
	h->version = ORDO_CP_VERSION;
	h->len = len;
	h->seq = 0;
	r = ordo_cr_reserve(&gw->ev_p, rl);
	if (r == NULL) {
		/* The main lcore is that far behind: it re-reads the whole
		 * state at the next dump; count it. */
		gw->st.events_lost++;
		return;
	}
	memset(r, 0, sizeof(*r));
	r->len = rl;
	r->kind = ORDO_CR_MSG;
	r->flags = ORDO_CR_F_FIRST | ORDO_CR_F_LAST;
	r->msg_len = len;
	memcpy(r + 1, dgram, len);
	ordo_cr_commit(&gw->ev_p);
}

const void *dp_gw_event(struct dp_gateway *gw, uint32_t *len)
{
	const struct ordo_cr_rec *r = ordo_cr_peek(&gw->ev_c);

	if (r == NULL)
		return NULL;
	*len = r->msg_len;
	return r + 1;
}

void dp_gw_event_done(struct dp_gateway *gw, uint32_t len)
{
	ordo_cr_advance(&gw->ev_c, (uint32_t)sizeof(struct ordo_cr_rec) + len);
	ordo_cr_release(&gw->ev_c);
}

int dp_gw_post(struct dp_gateway *gw, enum dp_gw_cmd cmd, uint32_t slot)
{
	struct ordo_cr_rec *r = ordo_cr_reserve(&gw->cmd_p, sizeof(*r));

	if (r == NULL)
		return -ENOBUFS;
	memset(r, 0, sizeof(*r));
	r->len = sizeof(*r);
	r->kind = ORDO_CR_MSG;
	r->flags = ORDO_CR_F_FIRST | ORDO_CR_F_LAST;
	r->aux = (uint32_t)cmd;
	r->msg_id = slot;
	ordo_cr_commit(&gw->cmd_p);
	return 0;
}

/* ---------------------------------------------------------- clients */

static void active_add(struct dp_gateway *gw, uint32_t slot)
{
	gw->active[gw->n_active++] = slot;
}

static void active_remove(struct dp_gateway *gw, uint32_t slot)
{
	for (uint32_t i = 0; i < gw->n_active; i++)
		if (gw->active[i] == slot) {
			gw->active[i] = gw->active[--gw->n_active];
			return;
		}
}

static void emit_attached(struct dp_gateway *gw, const struct dp_client *c,
			  int32_t status)
{
	struct ordo_cp_attached a;

	memset(&a, 0, sizeof(a));
	a.hdr.type = ORDO_CP_ATTACHED;
	a.client_id = c->client_id;
	a.status = status;
	gw_emit(gw, &a, sizeof(a));
}

static void attach(struct dp_gateway *gw, uint32_t slot)
{
	struct dp_client *c = &gw->slots[slot];
	int rc;

	if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != DP_SLOT_ATTACHING)
		return;
	rc = ordo_cr_reader_init(&c->rd, &c->map, ORDO_CR_SUBMIT,
				 c->daemon_efd, c->client_efd);
	if (rc == 0)
		rc = ordo_cr_prod_init(&c->dl, &c->map, ORDO_CR_DELIVER,
				       c->daemon_efd, c->client_efd);
	/* Every delivery names its sender and up to ORDO_CR_MAX_GROUPS
	 * groups in its FIRST record: ordo-ctrld never makes rings too
	 * small for that (ORDO_CR_CLIENT_RING_MIN); refuse one that is. */
	if (rc == 0 && c->dl.max_rec < dp_gw_rec_min())
		rc = -EPROTO;
	if (rc == 0)
		rc = ordo_cr_prod_init(&c->ovf_p, &c->ovf_map, ORDO_CR_DELIVER,
				       -1, -1);
	if (rc == 0)
		rc = ordo_cr_cons_init(&c->ovf_c, &c->ovf_map, ORDO_CR_DELIVER,
				       -1, -1);
	if (rc == 0) {
		/* Overflow records are copied 1:1 into the shared ring: no
		 * larger than its records, on both ends (the overflow region's
		 * own geometry would cap its reader at a quarter of its unused
		 * submit ring, 1 KiB, and every larger record would stop it). */
		c->ovf_p.max_rec = c->dl.max_rec;
		c->ovf_c.max_rec = c->dl.max_rec;
		rc = ordo_groups_client_add(gw->groups, slot, c->name);
	}
	c->ovf_records = 0;
	c->ovf_counted = 0;
	c->dirty = c->pending = c->in_msg = c->removing = false;
	c->detach_req = false;
	c->send_ok_valid = false;
	c->reason = c->detail = 0;
	/* A client worker writes its ring from the first hand-off on (the
	 * rte_ring's release carries these stores to it). */
	c->w_live = gw->fan != NULL && rc == 0;
	c->gone_wait = false;
	c->w_detach = false;
	__atomic_store_n(&c->w_busy, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&c->w_done, 0, __ATOMIC_RELAXED);
	if (rc < 0) {
		__atomic_store_n(&c->state, DP_SLOT_DONE, __ATOMIC_RELEASE);
		emit_attached(gw, c, rc == -EEXIST ? ORDO_CP_REJECT_NOT_UNIQUE
				      : rc == -EINVAL ? ORDO_CP_REJECT_ILLEGAL_NAME
				      : rc == -EPROTO ? ORDO_CP_REJECT_VERSION
						      : ORDO_CP_REJECT_QUOTA);
		return;
	}
	__atomic_store_n(&c->state, DP_SLOT_ACTIVE, __ATOMIC_RELEASE);
	active_add(gw, slot);
	if (gw->fan != NULL)
		gw->fan->open(gw->fan->ctx, slot);
	gw->st.attached++;
	emit_attached(gw, c, 0);
}

/* Stop serving a client, tell it why, and have its groups told in order
 * (a DISCONNECT through the ring). The slot is DONE when the group layer
 * saw that DISCONNECT (gw_client_gone). */
void gw_close_writer(struct dp_gateway *gw, struct dp_client *c,
		     uint32_t reason, uint32_t detail)
{
	uint64_t one = 1;
	ssize_t w;

	/* Publish what it was sent so far: a client reads to the end. */
	if (c->dirty)
		ordo_cr_commit(&c->dl);
	if (c->ovf_counted) {
		c->ovf_counted = 0;
		gw->n_behind--;
	}
	ordo_cr_region_disconnect(&c->map, reason, detail);
	/* Wake it if it sleeps: it must see the reason now, not at its
	 * timeout. Rare path; the one syscall is fine. */
	w = write(c->client_efd, &one, sizeof(one));
	(void)w;
}

void gw_close_client(struct dp_gateway *gw, uint32_t slot, uint32_t reason,
		     uint32_t detail)
{
	struct dp_client *c = &gw->slots[slot];

	if (c->state != DP_SLOT_ACTIVE)
		return;
	c->state = DP_SLOT_CLOSING;
	active_remove(gw, slot);
	c->reason = reason;
	c->detail = detail;
	if (gw->fan != NULL) {
		/* Behind everything handed to the worker for it. */
		gw_fan_flush(gw);
		gw->fan->close(gw->fan->ctx, slot, reason, detail);
	} else {
		gw_close_writer(gw, c, reason, detail);
	}
	c->removing = true;
	gw->n_removing++;
}

static void removals(struct dp_gateway *gw)
{
	/* Few clients are ever closing at once: scan only on the turns that
	 * have any. */
	for (uint32_t i = 0; i < DP_GW_MAX_CLIENTS && gw->n_removing; i++) {
		struct dp_client *c = &gw->slots[i];
		int rc;

		if (!c->removing)
			continue;
		rc = ordo_groups_client_remove(gw->groups, i);
		if (rc == -EAGAIN)
			continue;
		c->removing = false;
		gw->n_removing--;
		if (rc < 0) {
			/* Never known to the group layer: done at once. */
			struct ordo_cp_detached d;

			memset(&d, 0, sizeof(d));
			d.hdr.type = ORDO_CP_DETACHED;
			d.client_id = c->client_id;
			d.reason = c->reason;
			d.detail = c->detail;
			__atomic_store_n(&c->state, DP_SLOT_DONE,
					 __ATOMIC_RELEASE);
			gw->st.detached++;
			gw_emit(gw, &d, sizeof(d));
		}
	}
}

/* ------------------------------------------------------------- dump */

static void emit_ring(struct dp_gateway *gw)
{
	struct {
		struct ordo_cp_ring r;
		uint32_t ids[ORDO_MAX_MEMBERS];
	} m;

	memset(&m, 0, sizeof(m));
	m.r.hdr.type = ORDO_CP_RING;
	m.r.ring_rep = gw->ring_rep;
	m.r.ring_seq = gw->ring_seq;
	m.r.n_members = gw->n_members;
	memcpy(m.ids, gw->members, sizeof(uint32_t) * gw->n_members);
	gw_emit(gw, &m, (uint32_t)(sizeof(m.r) + 4 * gw->n_members));
}

/* A group's view and a client the group layer is done with: events for
 * the main lcore (and through it ordo-ctrld). */
static void gw_view(void *ctx, const char *group, const uint32_t gid[3],
		    uint32_t n, const char (*members)[ORDO_GROUPS_NAME_LEN])
{
	struct dp_gateway *gw = ctx;
	struct ordo_cp_view *v = (struct ordo_cp_view *)gw->scratch;
	uint32_t fit = (ORDO_CP_MSG_MAX - sizeof(*v)) / ORDO_CP_NAME_LEN;
	uint32_t k = n < fit ? n : fit;

	memset(v, 0, sizeof(*v));
	gw_put_name(v->group, group);
	memcpy(v->gid, gid, sizeof(v->gid));
	v->n_members = k;
	v->truncated = k < n;
	for (uint32_t i = 0; i < k; i++)
		gw_put_name((char *)(v + 1) + i * ORDO_CP_NAME_LEN, members[i]);
	v->hdr.type = ORDO_CP_VIEW;
	gw_emit(gw, v, (uint32_t)(sizeof(*v) + k * ORDO_CP_NAME_LEN));
}

static void gone(struct dp_gateway *gw, struct dp_client *c)
{
	struct ordo_cp_detached d;

	memset(&d, 0, sizeof(d));
	d.hdr.type = ORDO_CP_DETACHED;
	d.client_id = c->client_id;
	d.reason = c->reason;
	d.detail = c->detail;
	/* DONE before the event: main reclaims when it reads the event. */
	__atomic_store_n(&c->state, DP_SLOT_DONE, __ATOMIC_RELEASE);
	gw->st.detached++;
	gw_emit(gw, &d, sizeof(d));
}

static void gw_client_gone(void *ctx, uint32_t client)
{
	struct dp_gateway *gw = ctx;
	struct dp_client *c;

	if (client >= DP_GW_MAX_CLIENTS)
		return;
	c = &gw->slots[client];
	if (c->state != DP_SLOT_CLOSING)
		return;
	/* The main lcore unmaps a DONE slot's region: not while a client
	 * worker may still write to it. */
	if (gw->fan != NULL &&
	    !__atomic_load_n(&c->w_done, __ATOMIC_ACQUIRE)) {
		if (!c->gone_wait) {
			c->gone_wait = true;
			gw->n_gone_wait++;
		}
		return;
	}
	gone(gw, c);
}

/* With a client worker: slots it cut off, and slots whose DISCONNECT was
 * ordered before the worker let them go. */
static unsigned fan_poll(struct dp_gateway *gw)
{
	uint32_t slot, reason, detail;
	unsigned n = 0;

	while (gw->fan->cut(gw->fan->ctx, &slot, &reason, &detail) == 1) {
		n++;
		if (slot >= DP_GW_MAX_CLIENTS)
			continue;
		if (reason == ORDO_CR_DISC_SLOW_CONSUMER)
			gw->st.slow_consumers++;
		else
			gw->st.ring_corrupt++;
		gw_close_client(gw, slot, reason, detail);
	}
	for (uint32_t i = 0; i < DP_GW_MAX_CLIENTS && gw->n_gone_wait; i++) {
		struct dp_client *c = &gw->slots[i];

		if (!c->gone_wait ||
		    !__atomic_load_n(&c->w_done, __ATOMIC_ACQUIRE))
			continue;
		c->gone_wait = false;
		gw->n_gone_wait--;
		gone(gw, c);
		n++;
	}
	return n;
}

void gw_fan_flush(struct dp_gateway *gw)
{
	if (gw->batch_n == 0)
		return;
	if (gw_unlikely(gw->adm.on))
		dp_gw_admit_handed(gw, &gw->batch_m);
	gw->fan->msg(gw->fan->ctx, gw->batch_frame, &gw->batch_m, gw->batch,
		     gw->batch_n);
	gw->batch_n = 0;
}

void dp_gw_set_fanout(struct dp_gateway *gw, const struct dp_gw_fanout *fan)
{
	gw->fan = fan;
}

static void dump_view(void *arg, const char *group, const uint32_t gid[3],
		      uint32_t n, const char (*members)[ORDO_GROUPS_NAME_LEN])
{
	gw_view(arg, group, gid, n, members);
}

static void dump(struct dp_gateway *gw)
{
	struct ordo_cp_hdr end;

	emit_ring(gw);
	ordo_groups_foreach(gw->groups, dump_view, gw);
	memset(&end, 0, sizeof(end));
	end.type = ORDO_CP_DUMP_END;
	gw_emit(gw, &end, sizeof(end));
}

static unsigned commands(struct dp_gateway *gw)
{
	const struct ordo_cr_rec *r;
	unsigned n = 0;

	while (n < CMD_BURST && (r = ordo_cr_peek(&gw->cmd_c)) != NULL) {
		uint32_t cmd = r->aux;
		uint64_t slot = r->msg_id;

		ordo_cr_advance(&gw->cmd_c, r->len);
		n++;
		if (slot >= DP_GW_MAX_CLIENTS)
			continue;
		switch (cmd) {
		case DP_GW_ATTACH:
			attach(gw, slot);
			break;
		case DP_GW_DETACH:
			/* Served until its ring is empty (gw_serve). */
			if (gw->slots[slot].state != DP_SLOT_ACTIVE)
				break;
			gw->slots[slot].detach_req = true;
			if (gw->fan != NULL)
				gw->fan->detach(gw->fan->ctx, slot);
			break;
		case DP_GW_DUMP:
			dump(gw);
			break;
		}
	}
	ordo_cr_release(&gw->cmd_c);
	return n;
}

/* ------------------------------------------------------ local ops */

/* The group layer's outputs. */
static const struct ordo_groups_ops gw_groups_ops = {
	.submit = gw_submit_msg,
	.pause_clients = gw_pause,
	.deliver_msg = gw_deliver_msg,
	.deliver_memb = gw_deliver_memb,
	.view = gw_view,
	.client_gone = gw_client_gone,
};

static void gw_bind(void *ctx, struct ordo_engine *e)
{
	((struct dp_gateway *)ctx)->engine = e;
}

static void gw_bind_stages(void *ctx, struct dp_stages *s)
{
	((struct dp_gateway *)ctx)->stages = s;
}

static unsigned gw_produce(void *ctx, struct ordo_engine *e, uint64_t now)
{
	struct dp_gateway *gw = ctx;
	unsigned work = 0;
	bool full = false;

	(void)e;
	gw->now = now;
	if (gw_unlikely(ordo_cr_cons_avail(&gw->cmd_c) != 0))
		work += commands(gw);
	if (gw->fan != NULL) {
		/* The worker drains the overflows; block on its count. */
		work += fan_poll(gw);
		gw->n_behind = gw->fan->behind(gw->fan->ctx);
	} else if (gw_unlikely(gw->n_behind > 0)) {
		unsigned st = gw_stage_in(gw, DP_STAGE_DELIVER);

		for (uint32_t i = 0; i < gw->n_active; i++) {
			struct dp_client *c = &gw->slots[gw->active[i]];

			if (c->ovf_counted)
				gw_drain_overflow(gw, c);
		}
		gw_stage_out(gw, st);
	}
	if (gw->policy == DP_SLOW_BLOCK && gw->n_behind > 0) {
		gw->st.blocked_turns++;
		goto served;
	}
	if (gw_unlikely(gw->adm.on))
		gw->adm.measured = false; /* the room is measured anew */
	if (gw->fan != NULL) {
		work += gw_fan_serve(gw, &full);
	} else if (gw->n_active > 0) {
		uint32_t n = gw->n_active, start = gw->rr++ % n;

		/* Round robin from a moving start: a busy client cannot keep
		 * the engine's queue to itself turn after turn. Closing a
		 * client reorders the list; skipping one for a turn is fine. */
		for (uint32_t k = 0; k < n && !full && k < gw->n_active; k++) {
			uint32_t i = (start + k) % gw->n_active;

			work += gw_serve(gw, &gw->slots[gw->active[i]], &full);
		}
	}
	if (gw_unlikely(gw->adm.refused)) {
		/* The bound held a sender back, not the engine. */
		gw->adm.refused = false;
		gw->st.admit_held++;
		gw->st.blocked_turns++;
	} else if (full) {
		gw->st.engine_full++;
	}
served:
	if (gw_unlikely(gw->n_removing > 0))
		removals(gw);
	if (gw->n_dirty > 0) {
		unsigned st = gw_stage_in(gw, DP_STAGE_DELIVER);

		gw_commit_dirty(gw);
		gw_stage_out(gw, st);
	}
	return work;
}

static void gw_deliver(void *ctx, const struct ordo_delivery *d, uint64_t now)
{
	struct dp_gateway *gw = ctx;

	gw->now = now;
	if (gw_unlikely(gw->adm.on))
		dp_gw_admit_delivered(gw, d);
	if (gw->fan != NULL) {
		gw->batch_n = 0;
		gw->batch_frame = d->frame;
		ordo_groups_on_deliver(gw->groups, d);
		gw_fan_flush(gw);
		return;
	}
	ordo_groups_on_deliver(gw->groups, d);
}

static void gw_config(void *ctx, const struct ordo_config_change *c,
		      uint64_t now)
{
	struct dp_gateway *gw = ctx;

	gw->now = now;
	ordo_groups_on_config(gw->groups, c);
	if (c->kind == ORDO_CONF_REGULAR) {
		gw->ring_rep = c->ring_rep;
		gw->ring_seq = c->ring_seq;
		gw->n_members = c->n_members;
		memcpy(gw->members, c->members, sizeof(uint32_t) * c->n_members);
		emit_ring(gw);
	}
	/* Membership messages reach sleeping clients now, not next turn. */
	gw_commit_dirty(gw);
}

const struct dp_local_ops dp_gateway_ops = {
	.name = "clients",
	.bind = gw_bind,
	.bind_stages = gw_bind_stages,
	.produce = gw_produce,
	.deliver = gw_deliver,
	.config_change = gw_config,
};

/* ------------------------------------------------------- life cycle */

int dp_gw_init(struct dp_gateway *gw, const struct dp_gw_params *p)
{
	struct ordo_groups_config gc;
	struct ordo_cr_params ep = {
		.submit_size = CMD_RING_BYTES,
		.deliver_size = EVENT_RING_BYTES,
	};
	int rc;

	memset(gw, 0, sizeof(*gw));
	gw->conf = p->conf;
	gw->policy = p->policy;
	gw->adm.on = p->policy == DP_SLOW_BLOCK;
	gw->max_session_messages = p->max_session_messages ?
					   p->max_session_messages : 1000;
	gw->my_id = p->my_id;
	gw->slots = calloc(DP_GW_MAX_CLIENTS, sizeof(*gw->slots));
	gw->scratch = aligned_alloc(64, GW_SCRATCH);
	if (gw->slots == NULL || gw->scratch == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	memset(&gc, 0, sizeof(gc));
	gc.my_id = p->my_id;
	gc.n_nodes = p->n_nodes;
	memcpy(gc.nodes, p->nodes, sizeof(gc.nodes));
	gc.max_clients = DP_GW_MAX_CLIENTS;
	gw->groups = ordo_groups_create(&gc, &gw_groups_ops, gw);
	if (gw->groups == NULL) {
		rc = -errno;
		goto fail;
	}
	rc = ordo_cr_region_create(&gw->ev_map, &ep);
	if (rc == 0)
		rc = ordo_cr_prod_init(&gw->cmd_p, &gw->ev_map, ORDO_CR_SUBMIT,
				       -1, -1);
	if (rc == 0)
		rc = ordo_cr_cons_init(&gw->cmd_c, &gw->ev_map, ORDO_CR_SUBMIT,
				       -1, -1);
	if (rc == 0)
		rc = ordo_cr_prod_init(&gw->ev_p, &gw->ev_map, ORDO_CR_DELIVER,
				       -1, -1);
	if (rc == 0)
		rc = ordo_cr_cons_init(&gw->ev_c, &gw->ev_map, ORDO_CR_DELIVER,
				       -1, -1);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	dp_gw_fini(gw);
	return rc;
}

void dp_gw_fini(struct dp_gateway *gw)
{
	if (gw->groups != NULL)
		ordo_groups_destroy(gw->groups);
	if (gw->ev_map.base != NULL)
		ordo_cr_region_unmap(&gw->ev_map);
	free(gw->slots);
	free(gw->scratch);
	memset(gw, 0, sizeof(*gw));
}
