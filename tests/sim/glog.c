/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The record of a --groups run; see glog.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/glog.h"
#include "tests/sim/grow.h"

void glog_init(struct glog *l)
{
	memset(l, 0, sizeof(*l));
}

void glog_fini(struct glog *l)
{
	free(l->conns);
	free(l->sent);
	free(l->ev);
	free(l->pool);
	memset(l, 0, sizeof(*l));
}

void glog_clear(struct glog *l, uint32_t n_nodes, uint32_t n_groups)
{
	l->n_conns = l->n_sent = l->n_ev = l->n_pool = 0;
	l->n_nodes = n_nodes;
	l->n_groups = n_groups;
}

#define GROW(l, arr, nfield, capfield, need)                                   \
	sim_grow32((void **)&(l)->arr, &(l)->capfield, (need), sizeof(*(l)->arr))

int glog_copy(struct glog *dst, const struct glog *src)
{
	if (GROW(dst, conns, n_conns, cap_conns, src->n_conns) ||
	    GROW(dst, sent, n_sent, cap_sent, src->n_sent) ||
	    GROW(dst, ev, n_ev, cap_ev, src->n_ev) ||
	    GROW(dst, pool, n_pool, cap_pool, src->n_pool))
		return -ENOMEM;
	if (src->n_conns)
		memcpy(dst->conns, src->conns, src->n_conns * sizeof(*src->conns));
	if (src->n_sent)
		memcpy(dst->sent, src->sent, src->n_sent * sizeof(*src->sent));
	if (src->n_ev)
		memcpy(dst->ev, src->ev, src->n_ev * sizeof(*src->ev));
	if (src->n_pool)
		memcpy(dst->pool, src->pool, src->n_pool * sizeof(*src->pool));
	dst->n_conns = src->n_conns;
	dst->n_sent = src->n_sent;
	dst->n_ev = src->n_ev;
	dst->n_pool = src->n_pool;
	dst->n_groups = src->n_groups;
	dst->n_nodes = src->n_nodes;
	return 0;
}

int32_t glog_conn_new(struct glog *l, uint32_t node, uint32_t proc,
		      uint32_t slot, uint64_t now)
{
	struct gconn *c;

	if (GROW(l, conns, n_conns, cap_conns, l->n_conns + 1))
		return -ENOMEM;
	c = &l->conns[l->n_conns];
	*c = (struct gconn){ .node = node, .proc = proc, .slot = slot,
			     .start = now, .end = UINT64_MAX };
	return (int32_t)l->n_conns++;
}

struct gsent *glog_sent_new(struct glog *l, int32_t *idx)
{
	struct gsent *s;

	if (GROW(l, sent, n_sent, cap_sent, l->n_sent + 1))
		return NULL;
	s = &l->sent[l->n_sent];
	memset(s, 0, sizeof(*s));
	*idx = (int32_t)l->n_sent++;
	return s;
}

struct gev *glog_ev_new(struct glog *l)
{
	struct gev *e;

	if (GROW(l, ev, n_ev, cap_ev, l->n_ev + 1))
		return NULL;
	e = &l->ev[l->n_ev++];
	memset(e, 0, sizeof(*e));
	return e;
}

int glog_pool_reserve(struct glog *l, uint32_t n)
{
	return GROW(l, pool, n_pool, cap_pool, l->n_pool + n);
}

void glog_private_name(uint32_t conn, char *buf, size_t len)
{
	snprintf(buf, len, "c%u", conn);
}

void glog_full_name(const struct glog *l, uint32_t conn, char *buf,
		    size_t len)
{
	snprintf(buf, len, "#c%u#n%u", conn,
		 conn < l->n_conns ? l->conns[conn].node : 0);
}

void glog_group_name(uint32_t k, char *buf, size_t len)
{
	snprintf(buf, len, "g%u", k);
}

/* Decimal digits at *p into *out (no sign, no leading zero); the end. */
static const char *number(const char *p, uint32_t *out)
{
	uint64_t x = 0;
	const char *s = p;

	while (*p >= '0' && *p <= '9' && p - s < 10)
		x = x * 10 + (uint64_t)(*p++ - '0');
	if (p == s || (*s == '0' && p - s > 1) || x > UINT32_MAX)
		return NULL;
	*out = (uint32_t)x;
	return p;
}

int32_t glog_conn_of(const struct glog *l, const char *full)
{
	uint32_t id, node;
	const char *p = full;

	if (p == NULL || p[0] != '#' || p[1] != 'c')
		return GLOG_UNKNOWN;
	p = number(p + 2, &id);
	if (p == NULL || p[0] != '#' || p[1] != 'n')
		return GLOG_UNKNOWN;
	p = number(p + 2, &node);
	if (p == NULL || *p != '\0' || id >= l->n_conns ||
	    l->conns[id].node != node)
		return GLOG_UNKNOWN;
	return (int32_t)id;
}

int32_t glog_group_of(const struct glog *l, const char *name)
{
	uint32_t k;
	const char *p;

	if (name == NULL || name[0] != 'g')
		return GLOG_UNKNOWN;
	p = number(name + 1, &k);
	if (p == NULL || *p != '\0' || k >= l->n_groups)
		return GLOG_UNKNOWN;
	return (int32_t)k;
}
