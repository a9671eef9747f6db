/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The gateway's hand-off spread over several client workers
 * (cworkers.h, where the rules are). Ring lcore side only; hot path rules
 * as cworker.c.
 */
#include <string.h>

#include "dataplane/cworkers.h"
#include "dataplane/cworker_impl.h"

static struct dp_cw *owner(struct dp_cws *m, uint32_t slot)
{
	return m->cw[dp_cws_owner(m->n, slot)];
}

static void mx_open(void *ctx, uint32_t slot)
{
	struct dp_cw *cw = owner(ctx, slot);

	cw->fan.open(cw->fan.ctx, slot);
}

static void mx_detach(void *ctx, uint32_t slot)
{
	struct dp_cw *cw = owner(ctx, slot);

	cw->fan.detach(cw->fan.ctx, slot);
}

static int mx_take(void *ctx, struct dp_gw_sub *s)
{
	struct dp_cws *m = ctx;

	for (uint32_t k = 0; k < m->n; k++) {
		uint32_t i = (m->take_rr + k) % m->n;
		struct dp_cw *cw = m->cw[i];

		if (cw->fan.take(cw->fan.ctx, s)) {
			m->take_rr = i + 1;
			return 1;
		}
	}
	return 0;
}

static void mx_done(void *ctx, struct dp_gw_sub *s)
{
	struct dp_cw *cw = owner(ctx, s->slot);

	cw->fan.done(cw->fan.ctx, s);
}

static void mx_hold(void *ctx, bool on)
{
	struct dp_cws *m = ctx;

	for (uint32_t i = 0; i < m->n; i++)
		m->cw[i]->fan.hold(m->cw[i]->fan.ctx, on);
}

static void mx_msg(void *ctx, uint64_t frame, const struct ordo_groups_msg *g,
		   const uint32_t *slots, uint32_t n)
{
	struct dp_cws *m = ctx;

	for (uint32_t i = 0; i < m->n; i++)
		m->part_n[i] = 0;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = dp_cws_owner(m->n, slots[k]);

		m->part[i][m->part_n[i]++] = slots[k];
	}
	for (uint32_t i = 0; i < m->n; i++) {
		struct dp_cw *cw = m->cw[i];

		if (m->part_n[i] > 0)
			cw->fan.msg(cw->fan.ctx, frame, g, m->part[i],
				    m->part_n[i]);
		else if (m->block)
			cw_fan_tick(cw, g);
	}
}

static void mx_record(void *ctx, uint32_t slot, const struct ordo_cr_send *s)
{
	struct dp_cw *cw = owner(ctx, slot);

	cw->fan.record(cw->fan.ctx, slot, s);
}

static void mx_close(void *ctx, uint32_t slot, uint32_t reason,
		     uint32_t detail)
{
	struct dp_cw *cw = owner(ctx, slot);

	cw->fan.close(cw->fan.ctx, slot, reason, detail);
}

static int mx_cut(void *ctx, uint32_t *slot, uint32_t *reason,
		  uint32_t *detail)
{
	struct dp_cws *m = ctx;

	for (uint32_t i = 0; i < m->n; i++)
		if (m->cw[i]->fan.cut(m->cw[i]->fan.ctx, slot, reason, detail))
			return 1;
	return 0;
}

static uint32_t mx_behind(void *ctx)
{
	struct dp_cws *m = ctx;
	uint32_t n = 0;

	for (uint32_t i = 0; i < m->n; i++)
		n += m->cw[i]->fan.behind(m->cw[i]->fan.ctx);
	return n;
}

static void mx_room(void *ctx, struct dp_gw_room *r)
{
	struct dp_cws *m = ctx;

	m->cw[0]->fan.room(m->cw[0]->fan.ctx, r);
	for (uint32_t i = 1; i < m->n; i++) {
		struct dp_gw_room x;

		m->cw[i]->fan.room(m->cw[i]->fan.ctx, &x);
		if (x.bytes < r->bytes)
			r->bytes = x.bytes;
		if (x.dl < r->dl)
			r->dl = x.dl;
		if (x.count < r->count)
			r->count = x.count;
		/* Every worker writes the same sequence (ticks): the one
		 * furthest behind has written the fewest, and fewer bytes. */
		if (x.done_n < r->done_n) {
			r->done_n = x.done_n;
			r->done_bytes = x.done_bytes;
		}
	}
}

void dp_cws_init(struct dp_cws *m, struct dp_gateway *gw,
		 struct dp_cw *const *cw, uint32_t n)
{
	memset(m, 0, sizeof(*m));
	if (n > DP_CW_MAX)
		n = DP_CW_MAX;
	m->n = n;
	for (uint32_t i = 0; i < n; i++) {
		m->cw[i] = cw[i];
		cw[i]->peers = m->cw;
		cw[i]->n_peers = n;
	}
	m->block = gw->policy == DP_SLOW_BLOCK;
	if (n == 1) { /* straight to the one worker */
		dp_gw_set_fanout(gw, &cw[0]->fan);
		return;
	}
	m->fan = (struct dp_gw_fanout){
		.open = mx_open,
		.detach = mx_detach,
		.take = mx_take,
		.done = mx_done,
		.hold = mx_hold,
		.msg = mx_msg,
		.record = mx_record,
		.close = mx_close,
		.cut = mx_cut,
		.behind = mx_behind,
		.room = mx_room,
		.ctx = m,
	};
	dp_gw_set_fanout(gw, &m->fan);
}
