/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The gateway's delivery side: the group layer's deliveries -> the local
 * clients' delivery rings (include/ordo/client_ring.h records).
 *
 * Fast path: one message that fits one record is written straight into
 * the ring (names NUL-padded, then the payload: the one copy from the
 * engine's store to the client) and published once per loop turn for each
 * client written to (gw_commit_dirty), so a burst costs one release store
 * and at most one doorbell per client.
 *
 * A client whose ring is full gets its records in a private overflow ring
 * of the same record format, which drains into the shared ring before
 * anything new (gw_drain_overflow), so its order is kept. The bound
 * (MaxSessionMessages records waiting, or the overflow full) ends with a
 * disconnect naming the reason: never a silent loss (gateway.h).
 */
#include <errno.h>
#include <string.h>

#include "dataplane/gateway/gateway_impl.h"

static void mark_dirty(struct dp_gateway *gw, struct dp_client *c)
{
	if (!c->dirty) {
		c->dirty = true;
		gw->dirty[gw->n_dirty++] = (uint32_t)(c - gw->slots);
	}
}

void gw_commit_dirty(struct dp_gateway *gw)
{
	for (uint32_t i = 0; i < gw->n_dirty; i++) {
		struct dp_client *c = &gw->slots[gw->dirty[i]];

		c->dirty = false;
		if (gw_writable(gw, c))
			ordo_cr_commit(&c->dl);
	}
	gw->n_dirty = 0;
}

static void behind(struct dp_gateway *gw, struct dp_client *c, bool on)
{
	if (on && !c->ovf_counted) {
		c->ovf_counted = 1;
		gw->n_behind++;
	} else if (!on && c->ovf_counted) {
		c->ovf_counted = 0;
		gw->n_behind--;
	}
}

void gw_cut(struct dp_gateway *gw, struct dp_client *c, uint32_t reason,
	    uint32_t detail)
{
	uint32_t slot = (uint32_t)(c - gw->slots);

	if (gw->cut == NULL) {
		gw_close_client(gw, slot, reason, detail);
		return;
	}
	gw_close_writer(gw, c, reason, detail);
	c->w_live = false;
	gw->cut(gw, slot, reason, detail);
}

static void slow(struct dp_gateway *gw, struct dp_client *c)
{
	gw->st.slow_consumers++;
	gw_cut(gw, c, ORDO_CR_DISC_SLOW_CONSUMER, c->ovf_records);
}

/* A client's deliveries are numbered 1, 2, 3, ... in the order it gets
 * them (msg_id: the native API's delivery sequence), messages and
 * membership records alike. A message record here carries the next number
 * (gw_put_msg), taken once it is written, to the ring or the overflow; a
 * membership record was numbered by its caller; a reject echoes the
 * client's own id. */
static inline void took_seq(struct dp_client *c, const struct ordo_cr_send *s)
{
	if (s->kind == ORDO_CR_MSG)
		c->delivered++;
}

void gw_put_record(struct dp_gateway *gw, struct dp_client *c,
		   struct ordo_cr_send *s)
{
	int rc;

	if (gw->fan != NULL) { /* the client worker writes it, in order */
		gw_fan_flush(gw);
		if (c->state == DP_SLOT_ACTIVE)
			gw->fan->record(gw->fan->ctx,
					(uint32_t)(c - gw->slots), s);
		return;
	}
	if (!gw_writable(gw, c))
		return;
	s->done = 0;
	s->started = false;
	if (!c->ovf_counted &&
	    ordo_cr_prod_free(&c->dl) >= ordo_cr_send_bound(c->dl.max_rec, s)) {
		/* write_msg publishes as it goes; records reserved earlier
		 * this turn are published with it, in order (they precede
		 * it in the ring). */
		rc = ordo_cr_write_msg(&c->dl, s);
		if (rc == 0) {
			took_seq(c, s);
			return;
		}
		if (rc != -EAGAIN)
			goto broken;
	}
	/* Behind: the rest goes to the overflow, whose records are no larger
	 * than the shared ring's (gw_drain_overflow copies them 1:1). */
	if (ordo_cr_prod_free(&c->ovf_p) < ordo_cr_send_bound(c->dl.max_rec, s) ||
	    c->ovf_records >= gw->max_session_messages) {
		slow(gw, c);
		return;
	}
	rc = ordo_cr_write_msg(&c->ovf_p, s);
	if (rc != 0)
		goto broken;
	took_seq(c, s);
	c->ovf_records++;
	c->overflowed++;
	gw->st.overflowed++;
	behind(gw, c, true);
	return;
broken:
	/* Our own ring refused our record: a gateway bug, or a client that
	 * broke the tail it owns. Either way this session is over. */
	gw->st.ring_corrupt++;
	gw_cut(gw, c, ORDO_CR_DISC_RING_CORRUPT, ORDO_CR_ERR_INDEX);
}

/* The common case, inline: one record straight into the ring. */
void gw_put_msg(struct dp_gateway *gw, struct dp_client *c,
		const struct ordo_groups_msg *m)
{
	uint32_t names = (1u + m->n_groups) * ORDO_CR_NAME_LEN;
	uint32_t len = (uint32_t)sizeof(struct ordo_cr_rec) + names + m->len;
	struct ordo_cr_rec *r;
	char *nb;

	if (gw_unlikely(1u + m->n_groups > ORDO_CR_MAX_NAMES)) {
		/* The sender's name and every group must fit a record's name
		 * count: counted, never silent, and never a wrong count. */
		gw->st.names_dropped++;
		return;
	}
	if (gw_likely(!c->ovf_counted && len <= c->dl.max_rec) &&
	    (r = ordo_cr_reserve(&c->dl, len)) != NULL) {
		r->len = len;
		r->kind = ORDO_CR_MSG;
		r->flags = ORDO_CR_F_FIRST | ORDO_CR_F_LAST | ORDO_CR_F_SENDER;
		r->service = m->service;
		r->n_names = (uint16_t)(1u + m->n_groups);
		r->msg_type = m->msg_type;
		r->reserved = 0;
		r->msg_len = m->len;
		r->frag_off = 0;
		r->aux = 0;
		r->msg_id = ++c->delivered;
		nb = (char *)(r + 1);
		gw_put_name(nb, m->sender);
		for (uint32_t i = 0; i < m->n_groups; i++)
			gw_put_name(nb + (i + 1) * ORDO_CR_NAME_LEN, m->groups[i]);
		memcpy(nb + names, m->data, m->len);
		mark_dirty(gw, c);
		return;
	}
	/* Slow path: a message larger than a record, or a client behind. */
	char (*nm)[ORDO_CR_NAME_LEN] = (char (*)[ORDO_CR_NAME_LEN])gw->scratch;
	gw_put_name(nm[0], m->sender);
	for (uint32_t i = 0; i < m->n_groups; i++)
		gw_put_name(nm[i + 1], m->groups[i]);
	struct ordo_cr_send s = {
		.kind = ORDO_CR_MSG,
		.service = m->service,
		.flags = ORDO_CR_F_SENDER,
		.n_names = (uint16_t)(1u + m->n_groups),
		.msg_type = m->msg_type,
		.msg_id = c->delivered + 1,
		.names = (const char (*)[ORDO_CR_NAME_LEN])nm,
		.payload = m->data,
		.len = m->len,
	};
	gw_put_record(gw, c, &s);
}

void gw_deliver_msg(void *ctx, uint32_t client,
		    const struct ordo_groups_msg *m)
{
	struct dp_gateway *gw = ctx;

	if (gw_unlikely(client >= DP_GW_MAX_CLIENTS))
		return;
	if (gw->fan != NULL) {
		/* One hand-off per delivery, with its clients (gw_fan_flush,
		 * at the end of gw_deliver). */
		if (gw->batch_n == 0)
			gw->batch_m = *m;
		gw->batch[gw->batch_n++] = client;
	} else {
		gw_put_msg(gw, &gw->slots[client], m);
	}
	gw->st.delivered++;
	gw_stage_items(gw, DP_STAGE_DELIVER, 1);
}

/* MEMBERSHIP record: names[0] the group; payload ordo_cr_memb, the
 * members, Spread's body (client_ring.h). Built in the scratch buffer:
 * membership changes are rare, one extra copy is nothing. */
void gw_deliver_memb(void *ctx, uint32_t client,
		     const struct ordo_groups_memb *m)
{
	struct dp_gateway *gw = ctx;
	struct dp_client *c;
	struct ordo_cr_memb h = { .n_members = m->n_members,
				  .body_len = m->body_len };
	char (*gname)[ORDO_CR_NAME_LEN];
	uint8_t *p;
	uint64_t need = ORDO_CR_NAME_LEN + sizeof(h) +
			(uint64_t)m->n_members * ORDO_CR_NAME_LEN + m->body_len;

	if (client >= DP_GW_MAX_CLIENTS || need > GW_SCRATCH)
		return;
	c = &gw->slots[client];
	if (!(c->flags & ORDO_CP_F_MEMBERSHIP) || c->state != DP_SLOT_ACTIVE)
		return;
	gname = (char (*)[ORDO_CR_NAME_LEN])gw->scratch;
	gw_put_name(gname[0], m->group);
	p = gw->scratch + ORDO_CR_NAME_LEN;
	memcpy(p, &h, sizeof(h));
	for (uint32_t i = 0; i < m->n_members; i++)
		gw_put_name((char *)p + sizeof(h) + i * ORDO_CR_NAME_LEN,
			 m->members[i]);
	memcpy(p + sizeof(h) + (size_t)m->n_members * ORDO_CR_NAME_LEN,
	       m->body, m->body_len);
	struct ordo_cr_send s = {
		.kind = ORDO_CR_MEMBERSHIP,
		.n_names = 1,
		.msg_type = (int16_t)m->my_index,
		.aux = m->service,
		/* With a client worker its writer numbers it. */
		.msg_id = gw->fan != NULL ? 0 : ++c->delivered,
		.names = (const char (*)[ORDO_CR_NAME_LEN])gname,
		.payload = p,
		.len = (uint32_t)(need - ORDO_CR_NAME_LEN),
	};
	gw_put_record(gw, c, &s);
	gw->st.memb_delivered++;
	gw_stage_items(gw, DP_STAGE_DELIVER, 1);
}

void gw_drain_overflow(struct dp_gateway *gw, struct dp_client *c)
{
	const struct ordo_cr_rec *r;

	if (!gw_writable(gw, c))
		return;
	while ((r = ordo_cr_peek(&c->ovf_c)) != NULL) {
		uint32_t len = r->len;
		void *dst = ordo_cr_reserve(&c->dl, len);

		if (dst == NULL)
			break;
		memcpy(dst, r, len);
		if (r->flags & ORDO_CR_F_LAST)
			c->ovf_records--; /* a whole message is through */
		ordo_cr_advance(&c->ovf_c, len);
		mark_dirty(gw, c);
	}
	ordo_cr_release(&c->ovf_c);
	if (gw_unlikely(c->ovf_c.err != ORDO_CR_OK)) {
		/* Our own overflow refused its records: a gateway bug. The
		 * client would wait forever for the rest; end it with a
		 * reason instead. */
		gw->st.ring_corrupt++;
		gw_cut(gw, c, ORDO_CR_DISC_RING_CORRUPT, c->ovf_c.err);
		return;
	}
	if (ordo_cr_cons_avail(&c->ovf_c) == 0)
		behind(gw, c, false);
}
