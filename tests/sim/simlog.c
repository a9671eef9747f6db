/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Per-node delivery logs; see simlog.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/payload.h"
#include "tests/sim/simlog.h"

void sim_log_init(struct sim_log *l)
{
	memset(l, 0, sizeof(*l));
}

void sim_log_fini(struct sim_log *l)
{
	free(l->e);
	memset(l, 0, sizeof(*l));
}

static int reserve(struct sim_log *l, uint32_t n)
{
	struct sim_log_entry *e;
	uint32_t cap = l->cap ? l->cap : 256;

	if (n <= l->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	e = realloc(l->e, (size_t)cap * sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	l->e = e;
	l->cap = cap;
	return 0;
}

struct sim_log_entry *sim_log_append(struct sim_log *l)
{
	struct sim_log_entry *x;

	if (reserve(l, l->n + 1) != 0)
		return NULL;
	x = &l->e[l->n++];
	memset(x, 0, sizeof(*x));
	return x;
}

int sim_log_insert(struct sim_log *l, uint32_t pos,
		   const struct sim_log_entry *x)
{
	if (pos > l->n || reserve(l, l->n + 1) != 0)
		return -ENOMEM;
	memmove(&l->e[pos + 1], &l->e[pos], (l->n - pos) * sizeof(*x));
	l->e[pos] = *x;
	l->n++;
	return 0;
}

void sim_log_remove(struct sim_log *l, uint32_t pos)
{
	if (pos >= l->n)
		return;
	memmove(&l->e[pos], &l->e[pos + 1], (l->n - pos - 1) * sizeof(l->e[0]));
	l->n--;
}

int sim_log_copy(struct sim_log *dst, const struct sim_log *src)
{
	if (reserve(dst, src->n) != 0)
		return -ENOMEM;
	if (src->n)
		memcpy(dst->e, src->e, src->n * sizeof(src->e[0]));
	dst->n = src->n;
	return 0;
}

void sim_log_msg_identify(struct sim_log_msg *m, const void *data,
			  uint32_t len)
{
	struct payload_hdr h;

	m->len = len;
	m->has_hdr = payload_parse(data, len, &h);
	m->origin = m->has_hdr ? h.origin : 0;
	m->counter = m->has_hdr ? h.counter : 0;
	m->digest = payload_digest(data, len);
}

struct sim_log_entry *sim_log_delivery(struct sim_log *l, uint64_t now,
				       const struct ordo_delivery *d)
{
	struct sim_log_entry *x = sim_log_append(l);

	if (x == NULL)
		return NULL;
	x->time = now;
	x->kind = SIM_LOG_MESSAGE;
	x->ring_rep = d->ring_rep;
	x->ring_seq = d->ring_seq;
	x->trans = d->transitional != 0;
	sim_log_msg_identify(&x->msg, d->data, d->len);
	x->msg.seq = d->seq;
	x->msg.sender = d->sender;
	x->msg.msg_type = d->msg_type;
	x->msg.service = d->service;
	return x;
}

struct sim_log_entry *sim_log_config(struct sim_log *l, uint64_t now,
				     const struct ordo_config_change *c)
{
	struct sim_log_entry *x = sim_log_append(l);
	uint32_t n = c->n_members < ORDO_MAX_MEMBERS ? c->n_members :
						       ORDO_MAX_MEMBERS;

	if (x == NULL)
		return NULL;
	x->time = now;
	x->kind = SIM_LOG_CONFIG;
	/* Neither kind: kept as 2, which the checker reports. */
	x->trans = c->kind == ORDO_CONF_TRANSITIONAL ? 1 :
		   c->kind == ORDO_CONF_REGULAR ? 0 : 2;
	x->ring_rep = c->ring_rep;
	x->ring_seq = c->ring_seq;
	/* An engine that claims more members than exist is kept as a list of
	 * the first ones plus a count the checker will not believe. */
	x->conf.n_members = c->n_members;
	memcpy(x->conf.members, c->members, n * sizeof(c->members[0]));
	x->conf.prev_rep = c->prev_rep;
	x->conf.prev_seq = c->prev_seq;
	return x;
}
