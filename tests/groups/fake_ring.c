/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fake sequencer of fake_ring.h: one ordered log per partition, the
 * engine's rules for control messages and paused clients, and a recorder
 * of every group layer output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/groups/fake_ring.h"

static struct fr_event *next_event(struct fr_node *n, int kind)
{
	struct fr_event *e;

	if (!n->record || n->n_events >= FR_EVENTS)
		return NULL;
	e = &n->events[n->n_events++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	return e;
}

static int fr_submit(void *ctx, bool control, uint8_t service,
		     uint16_t msg_type, const struct iovec *iov, int iovcnt)
{
	struct fr_node *n = ctx;
	struct fr_part *p;
	struct fr_msg *m;
	size_t len = 0, off = 0;

	if (n->submit_rc)
		return n->submit_rc;
	if (n->part < 0)
		return 0; /* crashed: lost */
	p = &n->fr->parts[n->part];
	for (int i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	m = malloc(sizeof(*m) + len);
	if (m == NULL)
		abort();
	for (int i = 0; i < iovcnt; i++) {
		memcpy(m->data + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	m->next = NULL;
	m->sender = n->id;
	m->control = control;
	m->service = service;
	m->msg_type = msg_type;
	m->ring_rep = p->ring_rep;
	m->ring_seq = p->ring_seq;
	m->len = (uint32_t)len;
	if (p->tail)
		p->tail->next = m;
	else
		p->head = m;
	p->tail = m;
	if (control)
		n->control_submits++;
	return 0;
}

static void fr_pause(void *ctx, bool pause)
{
	((struct fr_node *)ctx)->paused = pause;
}

static void fr_deliver_msg(void *ctx, uint32_t client,
			   const struct ordo_groups_msg *m)
{
	struct fr_node *n = ctx;
	struct fr_event *e = next_event(n, FR_MSG);

	n->msgs++;
	if (e == NULL)
		return;
	e->client = client;
	e->service = m->service;
	e->msg_type = m->msg_type;
	snprintf(e->sender, sizeof(e->sender), "%s", m->sender);
	e->n_groups = m->n_groups;
	if (m->n_groups > 0)
		memcpy(e->group, m->groups[0], ORDO_GROUPS_NAME_LEN);
	e->len = m->len;
	memcpy(e->data, m->data, m->len < sizeof(e->data) ? m->len : sizeof(e->data));
}

static void fr_deliver_memb(void *ctx, uint32_t client,
			    const struct ordo_groups_memb *m)
{
	struct fr_node *n = ctx;
	struct fr_event *e = next_event(n, FR_MEMB);

	n->membs++;
	if (e == NULL)
		return;
	e->client = client;
	snprintf(e->group, sizeof(e->group), "%s", m->group);
	e->service = m->service;
	memcpy(e->gid, m->gid, sizeof(e->gid));
	e->n_members = m->n_members;
	for (uint32_t i = 0; i < m->n_members && i < FR_NAMES; i++)
		memcpy(e->members[i], m->members[i], ORDO_GROUPS_NAME_LEN);
	e->my_index = m->my_index;
	e->body_len = m->body_len;
	memcpy(e->body, m->body, m->body_len < FR_BODY ? m->body_len : FR_BODY);
}

static void fr_view(void *ctx, const char *group, const uint32_t gid[3],
		    uint32_t n_members,
		    const char (*members)[ORDO_GROUPS_NAME_LEN])
{
	struct fr_event *e = next_event(ctx, FR_VIEW);

	if (e == NULL)
		return;
	snprintf(e->group, sizeof(e->group), "%s", group);
	memcpy(e->gid, gid, sizeof(e->gid));
	e->n_members = n_members;
	for (uint32_t i = 0; i < n_members && i < FR_NAMES; i++)
		memcpy(e->members[i], members[i], ORDO_GROUPS_NAME_LEN);
}

static void fr_gone(void *ctx, uint32_t client)
{
	struct fr_event *e = next_event(ctx, FR_GONE);

	if (e)
		e->client = client;
}

static const struct ordo_groups_ops fr_ops = {
	.submit = fr_submit,
	.pause_clients = fr_pause,
	.deliver_msg = fr_deliver_msg,
	.deliver_memb = fr_deliver_memb,
	.view = fr_view,
	.client_gone = fr_gone,
};

void fr_init(struct fake_ring *fr, uint32_t n, bool record)
{
	struct ordo_groups_config cfg;
	int part[FR_NODES];

	memset(fr, 0, sizeof(*fr));
	memset(&cfg, 0, sizeof(cfg));
	fr->n = n;
	cfg.n_nodes = n;
	cfg.max_clients = 16;
	for (uint32_t i = 0; i < n; i++) {
		cfg.nodes[i].id = i + 1;
		snprintf(cfg.nodes[i].name, sizeof(cfg.nodes[i].name), "n%u", i + 1);
	}
	for (uint32_t i = 0; i < n; i++) {
		struct fr_node *nd = &fr->nodes[i];

		nd->fr = fr;
		nd->id = i + 1;
		nd->part = -1;
		nd->record = record;
		nd->events = record ? calloc(FR_EVENTS, sizeof(*nd->events)) : NULL;
		cfg.my_id = i + 1;
		nd->g = ordo_groups_create(&cfg, &fr_ops, nd);
		if (nd->g == NULL || (record && nd->events == NULL))
			abort();
		part[i] = 0;
	}
	fr_partition(fr, part);
	fr_step(fr);
}

static void free_queue(struct fr_part *p)
{
	struct fr_msg *m, *next;

	for (m = p->head; m; m = next) {
		next = m->next;
		free(m);
	}
	p->head = p->tail = NULL;
}

void fr_fini(struct fake_ring *fr)
{
	for (uint32_t i = 0; i < FR_NODES; i++)
		free_queue(&fr->parts[i]);
	for (uint32_t i = 0; i < fr->n; i++) {
		ordo_groups_destroy(fr->nodes[i].g);
		free(fr->nodes[i].events);
	}
}

void fr_partition(struct fake_ring *fr, const int *part)
{
	struct fr_part old[FR_NODES];
	int old_part[FR_NODES];
	struct ordo_config_change c;
	struct fr_msg *m, *next;

	memcpy(old, fr->parts, sizeof(old));
	memset(fr->parts, 0, sizeof(fr->parts));
	for (uint32_t i = 0; i < fr->n; i++) {
		old_part[i] = fr->nodes[i].part;
		if (fr->nodes[i].part >= 0 || part[i] >= 0)
			fr->nodes[i].part = part[i];
		if (part[i] >= 0) {
			struct fr_part *p = &fr->parts[part[i]];

			p->members[p->n++] = i + 1;
		}
	}
	for (uint32_t k = 0; k < FR_NODES; k++) {
		if (fr->parts[k].n == 0)
			continue;
		fr->parts[k].ring_rep = fr->parts[k].members[0];
		fr->parts[k].ring_seq = ++fr->ring_seq;
	}
	/* Client messages not yet ordered move on with their sender. */
	for (uint32_t k = 0; k < FR_NODES; k++)
		for (m = old[k].head; m; m = next) {
			struct fr_part *p;
			int np = fr->nodes[m->sender - 1].part;

			next = m->next;
			if (m->control || np < 0) {
				free(m);
				continue;
			}
			p = &fr->parts[np];
			m->next = NULL;
			if (p->tail)
				p->tail->next = m;
			else
				p->head = m;
			p->tail = m;
		}
	for (uint32_t i = 0; i < fr->n; i++) {
		struct fr_part *np;

		if (part[i] < 0)
			continue;
		np = &fr->parts[part[i]];
		if (old_part[i] >= 0) {
			memset(&c, 0, sizeof(c));
			c.kind = ORDO_CONF_TRANSITIONAL;
			c.ring_rep = np->ring_rep;
			c.ring_seq = np->ring_seq;
			c.prev_rep = old[old_part[i]].ring_rep;
			c.prev_seq = old[old_part[i]].ring_seq;
			for (uint32_t j = 0; j < np->n; j++) {
				uint32_t id = np->members[j];

				if (old_part[id - 1] == old_part[i])
					c.members[c.n_members++] = id;
			}
			ordo_groups_on_config(fr->nodes[i].g, &c);
		}
		memset(&c, 0, sizeof(c));
		c.kind = ORDO_CONF_REGULAR;
		c.ring_rep = np->ring_rep;
		c.ring_seq = np->ring_seq;
		c.n_members = np->n;
		memcpy(c.members, np->members, np->n * sizeof(uint32_t));
		ordo_groups_on_config(fr->nodes[i].g, &c);
	}
}

static bool paused(const struct fake_ring *fr, uint32_t id)
{
	return fr->nodes[id - 1].paused;
}

/* The next message the engine would order: control first, then the
 * first client message whose sender is not paused. */
static struct fr_msg *take(struct fake_ring *fr, struct fr_part *p)
{
	struct fr_msg **pp, *m, *prev;

	for (int pass = 0; pass < 2; pass++) {
		prev = NULL;
		for (pp = &p->head; (m = *pp) != NULL; pp = &m->next, prev = m) {
			if (pass == 0 && !m->control)
				continue;
			if (pass == 0 && (m->ring_rep != p->ring_rep ||
					  m->ring_seq != p->ring_seq))
				continue;
			if (pass == 1 && (m->control || paused(fr, m->sender)))
				continue;
			*pp = m->next;
			if (p->tail == m)
				p->tail = prev;
			return m;
		}
	}
	return NULL;
}

uint32_t fr_step(struct fake_ring *fr)
{
	uint32_t count = 0;
	bool any = true;
	struct fr_msg *m;

	while (any) {
		any = false;
		for (uint32_t k = 0; k < FR_NODES; k++) {
			struct fr_part *p = &fr->parts[k];
			struct ordo_delivery d;

			if (p->n == 0 || (m = take(fr, p)) == NULL)
				continue;
			memset(&d, 0, sizeof(d));
			d.seq = ++p->seq;
			d.sender = m->sender;
			d.msg_type = m->msg_type;
			d.service = m->service;
			d.data = m->data;
			d.len = m->len;
			d.ring_rep = p->ring_rep;
			d.ring_seq = p->ring_seq;
			for (uint32_t j = 0; j < p->n; j++)
				ordo_groups_on_deliver(fr->nodes[p->members[j] - 1].g, &d);
			free(m);
			count++;
			any = true;
		}
	}
	return count;
}

void fr_inject(struct fake_ring *fr, uint32_t sender, uint8_t service,
	       uint16_t msg_type, const void *data, uint32_t len)
{
	int k = sender >= 1 && sender <= fr->n && fr->nodes[sender - 1].part >= 0 ?
		fr->nodes[sender - 1].part : fr->nodes[0].part;
	struct fr_part *p = &fr->parts[k];
	struct ordo_delivery d = {
		.seq = ++p->seq, .sender = sender, .msg_type = msg_type,
		.service = service, .data = data, .len = len,
		.ring_rep = p->ring_rep, .ring_seq = p->ring_seq,
	};

	for (uint32_t j = 0; j < p->n; j++)
		ordo_groups_on_deliver(fr->nodes[p->members[j] - 1].g, &d);
}

void fr_clear(struct fake_ring *fr)
{
	for (uint32_t i = 0; i < fr->n; i++)
		fr->nodes[i].n_events = 0;
}

const struct fr_event *fr_find(const struct fake_ring *fr, uint32_t i,
			       int kind, uint32_t client, uint32_t k)
{
	const struct fr_node *n = &fr->nodes[i];

	for (uint32_t e = 0; e < n->n_events; e++) {
		const struct fr_event *ev = &n->events[e];

		if (ev->kind == kind &&
		    (client == UINT32_MAX || ev->client == client) && k-- == 0)
			return ev;
	}
	return NULL;
}

uint32_t fr_count(const struct fake_ring *fr, uint32_t i, int kind,
		  uint32_t client)
{
	uint32_t c = 0;

	while (fr_find(fr, i, kind, client, c))
		c++;
	return c;
}
