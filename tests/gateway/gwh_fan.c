/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The harness's client worker without DPDK (gwh_fan.h): every hand-off
 * deep-copied into a queue entry (the harness's frames are not refcounted
 * mbufs), the submit rings read as dataplane/cworker.c reads them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/gateway/gwh_fan.h"

#define NAME ORDO_CR_NAME_LEN
#define SERVE 256u
/* Read-ahead: as cworker.h's DP_CW_SUBS, and under SlowConsumer = block
 * its DP_CW_AHEAD_BLOCK (256): far more than test_gw_slow's
 * MaxSessionMessages = 50 leaves a receiver, which the gateway's
 * admission bound (gw_admit.c) must hold back, as in the daemon. */
#define AHEAD       2047u
#define AHEAD_BLOCK 256u

enum { OP_MSG = 1, OP_REC, OP_CLOSE, OP_OPEN, OP_DETACH };

struct gwh_fan_op {
	struct gwh_fan_op *next;
	int kind;
	uint32_t slot, reason, detail, n_slots;
	struct ordo_groups_msg m;
	struct ordo_cr_send s;
	uint32_t *slots;
	uint8_t var[]; /* names, payload */
};

struct gwh_fan_sub {
	struct gwh_fan_sub *next;
	struct dp_gw_sub s;
	bool gathered;
	uint8_t var[];
};

static void push(struct gwh_fan *f, struct gwh_fan_op *op)
{
	op->next = NULL;
	if (f->tail)
		f->tail->next = op;
	else
		f->head = op;
	f->tail = op;
}

static struct gwh_fan_op *op_new(size_t var)
{
	struct gwh_fan_op *op = calloc(1, sizeof(*op) + var);

	if (op == NULL)
		abort(); /* a test harness: out of memory ends it */
	return op;
}

static void fan_msg(void *ctx, uint64_t frame, const struct ordo_groups_msg *m,
		    const uint32_t *slots, uint32_t n)
{
	size_t names = (size_t)(1 + m->n_groups) * NAME;
	struct gwh_fan_op *op = op_new(names + m->len);
	char (*nm)[NAME] = (char (*)[NAME])op->var;

	(void)frame;
	op->kind = OP_MSG;
	op->m = *m;
	strncpy(nm[0], m->sender, NAME - 1);
	for (uint32_t i = 0; i < m->n_groups; i++)
		strncpy(nm[i + 1], m->groups[i], NAME - 1);
	op->m.sender = nm[0];
	op->m.groups = (const char (*)[ORDO_GROUPS_NAME_LEN])nm[1];
	memcpy(op->var + names, m->data, m->len);
	op->m.data = op->var + names;
	op->slots = malloc((size_t)n * 4 + 4);
	if (op->slots == NULL)
		abort();
	memcpy(op->slots, slots, (size_t)n * 4);
	op->n_slots = n;
	push(ctx, op);
}

static void fan_record(void *ctx, uint32_t slot, const struct ordo_cr_send *s)
{
	size_t names = (size_t)s->n_names * NAME;
	struct gwh_fan_op *op = op_new(names + s->len);

	op->kind = OP_REC;
	op->slot = slot;
	op->s = *s;
	memcpy(op->var, s->names, names);
	memcpy(op->var + names, s->payload, s->len);
	op->s.names = (const char (*)[NAME])op->var;
	op->s.payload = op->var + names;
	push(ctx, op);
}

static void fan_slot(struct gwh_fan *f, int kind, uint32_t slot,
		     uint32_t reason, uint32_t detail)
{
	struct gwh_fan_op *op = op_new(0);

	op->kind = kind;
	op->slot = slot;
	op->reason = reason;
	op->detail = detail;
	push(f, op);
}

static void fan_close(void *ctx, uint32_t slot, uint32_t reason,
		      uint32_t detail)
{
	fan_slot(ctx, OP_CLOSE, slot, reason, detail);
}

static void fan_open(void *ctx, uint32_t slot)
{
	fan_slot(ctx, OP_OPEN, slot, 0, 0);
}

static void fan_detach(void *ctx, uint32_t slot)
{
	fan_slot(ctx, OP_DETACH, slot, 0, 0);
}

static int fan_take(void *ctx, struct dp_gw_sub *s)
{
	struct gwh_fan *f = ctx;
	struct gwh_fan_sub *x = f->s_head;

	if (x == NULL)
		return 0;
	f->s_head = x->next;
	if (f->s_head == NULL)
		f->s_tail = NULL;
	*s = x->s;
	s->item = x;
	return 1;
}

static void fan_done(void *ctx, struct dp_gw_sub *s)
{
	struct gwh_fan *f = ctx;
	struct gwh_fan_sub *x = s->item;
	struct dp_client *c = &f->wr.slots[x->s.slot];

	if (x->gathered && c->client_id == x->s.client_id)
		__atomic_store_n(&c->w_busy, 0, __ATOMIC_RELEASE);
	f->subs_done++;
	free(x);
}

static void fan_hold(void *ctx, bool on)
{
	((struct gwh_fan *)ctx)->hold = on;
}

static int fan_cut(void *ctx, uint32_t *slot, uint32_t *reason,
		   uint32_t *detail)
{
	struct gwh_fan *f = ctx;

	if (f->n_cut == 0)
		return 0;
	/* Order among cut clients does not matter; take the last. */
	f->n_cut--;
	*slot = f->cut_slot[f->n_cut];
	*reason = f->cut_reason[f->n_cut];
	*detail = f->cut_detail[f->n_cut];
	return 1;
}

static uint32_t fan_behind(void *ctx)
{
	return ((struct gwh_fan *)ctx)->wr.n_behind;
}

static void fan_room(void *ctx, struct dp_gw_room *r)
{
	dp_gw_room_read(&((struct gwh_fan *)ctx)->room_pub, r);
}

/* ------------------------------------------------------- the worker */

static void rd_remove(struct gwh_fan *f, uint32_t slot)
{
	for (uint32_t i = 0; i < f->n_rd; i++)
		if (f->rd[i] == slot) {
			f->rd[i] = f->rd[--f->n_rd];
			return;
		}
}

static void cut_off(struct dp_gateway *w, uint32_t slot, uint32_t reason,
		    uint32_t detail)
{
	struct gwh_fan *f = w->cut_ctx;

	f->cut_slot[f->n_cut] = slot;
	f->cut_reason[f->n_cut] = reason;
	f->cut_detail[f->n_cut++] = detail;
	rd_remove(f, slot);
}

static void hand(struct gwh_fan *f, struct gwh_fan_sub *x)
{
	x->next = NULL;
	if (f->s_tail)
		f->s_tail->next = x;
	else
		f->s_head = x;
	f->s_tail = x;
	f->subs++;
}

static struct gwh_fan_sub *sub_new(uint32_t what, const struct dp_client *c,
				   uint32_t slot, size_t var)
{
	struct gwh_fan_sub *x = calloc(1, sizeof(*x) + var);

	if (x == NULL)
		abort();
	x->s.what = what;
	x->s.slot = slot;
	x->s.client_id = c->client_id;
	return x;
}

static unsigned serve(struct gwh_fan *f, uint32_t slot)
{
	struct dp_client *c = &f->wr.slots[slot];
	unsigned n = 0;

	if (__atomic_load_n(&c->w_busy, __ATOMIC_ACQUIRE))
		return 0;
	uint32_t ahead = f->wr.policy == DP_SLOW_BLOCK ? AHEAD_BLOCK : AHEAD;

	while (n < SERVE && f->subs - f->subs_done < ahead) {
		struct ordo_cr_msg m;
		const uint8_t *data;
		uint32_t len;
		int rc = ordo_cr_read_in_place(&c->rd, &m, c->rbuf,
					       c->map.max_rec);

		if (rc < 0) {
			struct gwh_fan_sub *x =
				sub_new(DP_GW_SUB_CORRUPT, c, slot, 0);

			x->s.detail = (uint32_t)-rc;
			hand(f, x);
			rd_remove(f, slot);
			break;
		}
		if (rc == 0)
			break;
		n++;
		if (m.hdr.kind == ORDO_CR_MSG &&
		    (m.hdr.flags & (ORDO_CR_F_FIRST | ORDO_CR_F_LAST)) !=
			    (ORDO_CR_F_FIRST | ORDO_CR_F_LAST)) {
			struct gwh_fan_sub *x;

			if (!dp_gw_gather(c, &m, &data, &len))
				continue;
			x = sub_new(DP_GW_SUB_MSG, c, slot, 0);
			x->s.m = m;
			x->s.data = data;
			x->s.len = len;
			x->gathered = true;
			__atomic_store_n(&c->w_busy, 1, __ATOMIC_RELAXED);
			hand(f, x);
			break;
		}
		size_t names = (size_t)m.hdr.n_names * NAME;
		struct gwh_fan_sub *x = sub_new(DP_GW_SUB_MSG, c, slot,
						names + m.payload_len);

		memcpy(x->var, m.names, names);
		memcpy(x->var + names, m.payload, m.payload_len);
		x->s.m = m;
		x->s.m.names = (const char (*)[NAME])x->var;
		x->s.m.payload = x->var + names;
		x->s.data = x->var + names;
		x->s.len = m.payload_len;
		hand(f, x);
	}
	ordo_cr_reader_release(&c->rd);
	if (c->w_detach && !__atomic_load_n(&c->w_busy, __ATOMIC_ACQUIRE) &&
	    ordo_cr_cons_avail(&c->rd.cons) == 0) {
		struct gwh_fan_sub *x = sub_new(DP_GW_SUB_DRAINED, c, slot, 0);

		x->s.partial = c->in_msg;
		c->in_msg = false;
		hand(f, x);
		rd_remove(f, slot);
	}
	return n;
}

static void op_do(struct gwh_fan *f, struct gwh_fan_op *op)
{
	switch (op->kind) {
	case OP_MSG:
		for (uint32_t i = 0; i < op->n_slots; i++)
			dp_gw_writer_msg(&f->wr, op->slots[i], &op->m);
		dp_gw_writer_done(&f->wr, &op->m);
		free(op->slots);
		break;
	case OP_REC:
		dp_gw_writer_record(&f->wr, op->slot, &op->s);
		break;
	case OP_CLOSE:
		dp_gw_writer_close(&f->wr, op->slot, op->reason, op->detail);
		rd_remove(f, op->slot);
		break;
	case OP_OPEN:
		rd_remove(f, op->slot);
		f->rd[f->n_rd++] = op->slot;
		break;
	case OP_DETACH:
		f->wr.slots[op->slot].w_detach = true;
		break;
	}
	f->ops_done++;
	free(op);
}

static unsigned write_all(struct gwh_fan *f)
{
	unsigned n = 0;

	while (f->head != NULL) {
		struct gwh_fan_op *op = f->head;

		f->head = op->next;
		if (f->head == NULL)
			f->tail = NULL;
		op_do(f, op);
		n++;
	}
	n += dp_gw_writer_turn(&f->wr);
	f->gw->st.overflowed = f->wr.st.overflowed;
	f->gw->st.names_dropped = f->wr.st.names_dropped;
	return n;
}

unsigned gwh_fan_turn(struct gwh_fan *f)
{
	unsigned n = write_all(f);

	if (!(f->wr.policy == DP_SLOW_BLOCK && (f->wr.n_behind > 0 || f->hold)))
		for (uint32_t i = 0; i < f->n_rd; i++)
			n += serve(f, f->rd[i]);
	if (f->wr.policy == DP_SLOW_BLOCK) {
		/* As cworker.c: the room after the turn, with what it wrote. */
		struct dp_gw_room r;

		dp_gw_writer_room(&f->wr, f->rd, f->n_rd, &r);
		dp_gw_room_publish(&f->room_pub, &r);
	}
	return n;
}

int gwh_fan_init(struct gwh_fan *f, struct dp_gateway *gw)
{
	memset(f, 0, sizeof(*f));
	f->gw = gw;
	if (dp_gw_writer_init(&f->wr, gw, cut_off, f) < 0)
		return -ENOMEM;
	f->ops = (struct dp_gw_fanout){
		.open = fan_open,
		.detach = fan_detach,
		.take = fan_take,
		.done = fan_done,
		.hold = fan_hold,
		.msg = fan_msg,
		.record = fan_record,
		.close = fan_close,
		.cut = fan_cut,
		.behind = fan_behind,
		.room = fan_room,
		.ctx = f,
	};
	dp_gw_room_publish(&f->room_pub, &(struct dp_gw_room){ 0 });
	dp_gw_set_fanout(gw, &f->ops);
	return 0;
}

void gwh_fan_fini(struct gwh_fan *f)
{
	struct dp_gw_sub s;

	write_all(f);
	while (fan_take(f, &s))
		fan_done(f, &s);
	dp_gw_writer_fini(&f->wr);
}
