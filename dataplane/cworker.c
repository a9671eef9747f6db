/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The client worker (cworker.h): the gateway's hand-off on the ring lcore
 * (struct dp_gw_fanout) and the worker's loop; the submissions it reads
 * are cworker_submit.c's. Hot path rules as ring.c:
 * no lock, no log, no syscall but a client's doorbell; every fallback
 * counted.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include "dataplane/cworker.h"
#include "dataplane/cworker_impl.h"
#include "dataplane/stages_tsc.h"

enum {
	CW_MSG = 1, CW_REC = 2, CW_CLOSE = 3, CW_OPEN = 4, CW_DETACH = 5,
	CW_TICK = 6,
};

/* One hand-off. Behind the header, in var (or big when it does not fit):
 * the client slots (MSG), the names, then the payload when it is a copy. */
struct cw_item {
	uint8_t  kind;
	uint8_t  service;
	int16_t  msg_type;
	uint32_t slot;             /* REC, CLOSE */
	uint32_t n_slots, n_names;
	uint32_t len;              /* payload bytes */
	uint32_t reason, detail;   /* CLOSE */
	struct ordo_cr_send s;     /* REC: the record (pointers set here) */
	struct rte_mbuf *frame;    /* MSG: our reference, or NULL */
	const uint8_t *data;       /* the payload: in frame, or a copy */
	uint8_t *big;              /* heap block, or NULL */
	uint8_t var[] __attribute__((aligned(8)));
};

#define VAR_ROOM (DP_CW_ITEM_SIZE - offsetof(struct cw_item, var))
_Static_assert(DP_CW_ITEM_SIZE > sizeof(struct cw_item) + 4 * NAME,
	       "an item holds a few names at least");

/* A cut-off client, worker -> ring lcore. */
struct cw_cut {
	uint32_t slot, reason, detail, pad;
};

/* ------------------------------------------------------ ring side */

static struct cw_item *item_get(struct dp_cw *cw)
{
	void *it;

	if (likely(rte_mempool_get(cw->items, &it) == 0))
		return it;
	/* DP_CW_ITEMS behind: wait for the worker (it never waits for us). */
	cw->full_waits++;
	while (rte_mempool_get(cw->items, &it) != 0) {
		if (cw->on_full != NULL)
			cw->on_full(cw->on_full_ctx);
		else
			rte_pause();
	}
	return it;
}

/* A heap block for what does not fit an item (rare: many names or
 * receivers, a copied message past the item's room). Memory running out
 * is waited for like items, counted: never a delivery lost. */
uint8_t *cw_heap(struct dp_cw *cw, size_t need, uint64_t *waits,
	       bool ring_side)
{
	uint8_t *p = malloc(need);

	if (likely(p != NULL))
		return p;
	(*waits)++;
	while ((p = malloc(need)) == NULL) {
		if (ring_side && cw->on_full != NULL)
			cw->on_full(cw->on_full_ctx);
		else
			rte_pause();
	}
	return p;
}

/* Room for need bytes behind the header: the item's own, or the heap. */
static uint8_t *item_room(struct dp_cw *cw, struct cw_item *it, size_t need)
{
	it->big = NULL;
	if (likely(need <= VAR_ROOM))
		return it->var;
	it->big = cw_heap(cw, need, &cw->full_waits, true);
	return it->big;
}

static void item_put(struct dp_cw *cw, struct cw_item *it)
{
	/* The ring holds the whole pool: this cannot fail. */
	rte_ring_sp_enqueue(cw->out, it);
}

static void put_name(char *dst, const char *src)
{
	size_t n = strnlen(src, NAME - 1);

	memcpy(dst, src, n);
	memset(dst + n, 0, NAME - n);
}

static bool in_frame(const struct rte_mbuf *f, const void *p, uint32_t len)
{
	const uint8_t *b = f->buf_addr, *q = p;

	return q >= b && q + len <= b + f->buf_len;
}

static void fan_msg(void *ctx, uint64_t frame, const struct ordo_groups_msg *m,
		    const uint32_t *slots, uint32_t n)
{
	struct dp_cw *cw = ctx;
	struct rte_mbuf *f = (struct rte_mbuf *)(uintptr_t)frame;
	uint32_t n_names = 1 + m->n_groups;
	struct cw_item *it = item_get(cw);
	bool ref = f != NULL && in_frame(f, m->data, m->len);
	size_t fixed = (size_t)n * 4 + (size_t)n_names * NAME;
	uint8_t *v = item_room(cw, it, fixed + (ref ? 0 : m->len));

	it->kind = CW_MSG;
	it->service = m->service;
	it->msg_type = m->msg_type;
	it->n_slots = n;
	it->n_names = n_names;
	it->len = m->len;
	memcpy(v, slots, (size_t)n * 4);
	put_name((char *)v + n * 4, m->sender);
	for (uint32_t i = 0; i < m->n_groups; i++)
		put_name((char *)v + n * 4 + (i + 1) * NAME, m->groups[i]);
	if (ref) {
		/* The engine may release the frame before the worker is done:
		 * our own reference keeps it (dropped by the worker). */
		rte_mbuf_refcnt_update(f, 1);
		it->frame = f;
		it->data = m->data;
		cw->held_refs++;
	} else {
		memcpy(v + fixed, m->data, m->len);
		it->frame = NULL;
		it->data = v + fixed;
		cw->copied_msgs++;
		cw->copied_bytes += m->len;
	}
	item_put(cw, it);
}

static void fan_record(void *ctx, uint32_t slot, const struct ordo_cr_send *s)
{
	struct dp_cw *cw = ctx;
	struct cw_item *it = item_get(cw);
	size_t names = (size_t)s->n_names * NAME;
	uint8_t *v = item_room(cw, it, names + s->len);

	it->kind = CW_REC;
	it->slot = slot;
	it->frame = NULL;
	it->s = *s;
	if (names)
		memcpy(v, s->names, names);
	if (s->len)
		memcpy(v + names, s->payload, s->len);
	it->s.names = (const char (*)[NAME])v;
	it->s.payload = v + names;
	item_put(cw, it);
}

static void fan_close(void *ctx, uint32_t slot, uint32_t reason,
		      uint32_t detail)
{
	struct dp_cw *cw = ctx;
	struct cw_item *it = item_get(cw);

	it->kind = CW_CLOSE;
	it->slot = slot;
	it->reason = reason;
	it->detail = detail;
	it->frame = NULL;
	it->big = NULL;
	item_put(cw, it);
}

static void fan_slot(struct dp_cw *cw, uint8_t kind, uint32_t slot)
{
	struct cw_item *it = item_get(cw);

	it->kind = kind;
	it->slot = slot;
	it->frame = NULL;
	it->big = NULL;
	item_put(cw, it);
}

void cw_fan_tick(struct dp_cw *cw, const struct ordo_groups_msg *m)
{
	struct cw_item *it = item_get(cw);

	it->kind = CW_TICK;
	it->len = m->len;
	it->n_names = 1 + m->n_groups;
	it->frame = NULL;
	it->big = NULL;
	item_put(cw, it);
}

static void fan_open(void *ctx, uint32_t slot)
{
	fan_slot(ctx, CW_OPEN, slot);
}

static void fan_detach(void *ctx, uint32_t slot)
{
	fan_slot(ctx, CW_DETACH, slot);
}

static void fan_hold(void *ctx, bool on)
{
	struct dp_cw *cw = ctx;

	__atomic_store_n(&cw->hold, on, __ATOMIC_RELAXED);
}

static int fan_cut(void *ctx, uint32_t *slot, uint32_t *reason,
		   uint32_t *detail)
{
	struct dp_cw *cw = ctx;
	struct cw_cut c;

	if (rte_ring_sc_dequeue_elem(cw->cut, &c, sizeof(c)) != 0)
		return 0;
	*slot = c.slot;
	*reason = c.reason;
	*detail = c.detail;
	return 1;
}

static uint32_t fan_behind(void *ctx)
{
	struct dp_cw *cw = ctx;

	return __atomic_load_n(&cw->behind, __ATOMIC_RELAXED);
}

static void fan_room(void *ctx, struct dp_gw_room *r)
{
	struct dp_cw *cw = ctx;

	dp_gw_room_read(&cw->room_pub, r);
}

/* ---------------------------------------------------- worker side */

static void cut_off(struct dp_gateway *w, uint32_t slot, uint32_t reason,
		    uint32_t detail)
{
	struct dp_cw *cw = w->cut_ctx;
	struct cw_cut c = { .slot = slot, .reason = reason, .detail = detail };

	cw->w.cuts++;
	cw_rd_remove(cw, slot);
	/* One per client until the gateway closes it: the ring (twice the
	 * clients) has room. */
	(void)rte_ring_sp_enqueue_elem(cw->cut, &c, sizeof(c));
}

static void item_free(struct dp_cw *cw, struct cw_item *it)
{
	if (it->frame != NULL)
		rte_pktmbuf_free(it->frame);
	free(it->big);
	rte_mempool_put(cw->items, it);
}

static void item_do(struct dp_cw *cw, struct cw_item *it)
{
	const uint8_t *v = it->big != NULL ? it->big : it->var;

	switch (it->kind) {
	case CW_MSG: {
		const uint32_t *slots = (const uint32_t *)v;
		const char (*names)[NAME] =
			(const char (*)[NAME])(v + it->n_slots * 4);
		struct ordo_groups_msg m = {
			.service = it->service,
			.msg_type = it->msg_type,
			.sender = names[0],
			.n_groups = it->n_names - 1,
			.groups = names + 1,
			.data = it->data,
			.len = it->len,
		};

		for (uint32_t i = 0; i < it->n_slots; i++)
			dp_gw_writer_msg(&cw->wr, slots[i], &m);
		if (unlikely(cw->wr.policy == DP_SLOW_BLOCK))
			dp_gw_writer_done(&cw->wr, &m);
		cw->w.msgs++;
		cw->w.records += it->n_slots;
		dp_stages_msg(&cw->stg);
		dp_stage_count(&cw->stg, DP_STAGE_DELIVER, it->n_slots);
		break;
	}
	case CW_REC:
		dp_gw_writer_record(&cw->wr, it->slot, &it->s);
		cw->w.records++;
		dp_stage_count(&cw->stg, DP_STAGE_DELIVER, 1);
		break;
	case CW_CLOSE:
		dp_gw_writer_close(&cw->wr, it->slot, it->reason, it->detail);
		cw_rd_remove(cw, it->slot);
		break;
	case CW_OPEN:
		cw_rd_add(cw, it->slot);
		break;
	case CW_DETACH:
		cw->wr.slots[it->slot].w_detach = true;
		break;
	case CW_TICK: {
		/* Only its cost counts (dp_gw_writer_done). */
		struct ordo_groups_msg m = { .n_groups = it->n_names - 1,
					     .len = it->len };

		dp_gw_writer_done(&cw->wr, &m);
		break;
	}
	}
	cw->w.items++;
	item_free(cw, it);
}

static void publish(struct dp_cw *cw)
{
	uint32_t seq = __atomic_load_n(&cw->pub.seq, __ATOMIC_RELAXED);

	__atomic_store_n(&cw->pub.seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	cw->pub.r = cw->w;
	cw->pub.r.stages = cw->stg.st;
	cw->pub.r.idle_turns = cw->idle.idle_turns;
	cw->pub.r.parks = cw->idle.parks;
	__atomic_store_n(&cw->pub.seq, seq + 2, __ATOMIC_RELEASE);
}

/* SlowConsumer = block: our clients' room as it is now, with what we
 * wrote, for the gateway's admission bound; stored when it moved (the
 * ring lcore reads the line every serving turn). */
static void publish_room(struct dp_cw *cw)
{
	struct dp_gw_room r;

	dp_gw_writer_room(&cw->wr, cw->rd, cw->n_rd, &r);
	if (memcmp(&r, &cw->room_last, sizeof(r)) == 0)
		return;
	cw->room_last = r;
	dp_gw_room_publish(&cw->room_pub, &r);
}

/* About every millisecond, from the loop: the counters for other
 * threads, and the stall window. */
static void __attribute__((noinline)) slow_path(struct dp_cw *cw, uint64_t t)
{
	cw->next_slow = t + cw->slow_len;
	dp_stage_count(&cw->stg, DP_STAGE_SLOW, 1);
	dp_stages_roll(&cw->stg, t);
	publish(cw);
}

unsigned dp_cw_do_work(struct dp_cw *cw)
{
	void *objs[DP_CW_BURST];
	uint64_t t0 = rte_rdtsc();
	unsigned n, work, st, subs;

	dp_stages_begin(&cw->stg, t0);
	cw->w.loops++;
	/* Up to DP_CW_TURN items before the rings are published: one
	 * release (and at most one doorbell) per client for all of them. */
	work = 0;
	st = dp_stage_in(&cw->stg, DP_STAGE_DELIVER);
	do {
		n = rte_ring_sc_dequeue_burst(cw->out, objs, DP_CW_BURST, NULL);
		for (unsigned i = 0; i < n; i++) {
			if (i + 1 < n)
				rte_prefetch0(objs[i + 1]);
			item_do(cw, objs[i]);
		}
		work += n;
	} while (n == DP_CW_BURST && work < DP_CW_TURN);
	work += dp_gw_writer_turn(&cw->wr);
	dp_stage_out(&cw->stg, st);
	/* The gateway's counters of what only we write now (readers on
	 * other threads take them as they are, as the gateway's own). Only
	 * when they moved: their cache line is the ring lcore's, written at
	 * every delivery. */
	if (unlikely(cw->wr.st.overflowed != cw->pub_overflowed ||
		     cw->wr.st.names_dropped != cw->pub_names_dropped)) {
		/* Added, not stored: other client workers add theirs. */
		__atomic_fetch_add(&cw->gw->st.overflowed,
				   cw->wr.st.overflowed - cw->pub_overflowed,
				   __ATOMIC_RELAXED);
		__atomic_fetch_add(&cw->gw->st.names_dropped,
				   cw->wr.st.names_dropped -
					   cw->pub_names_dropped,
				   __ATOMIC_RELAXED);
		cw->pub_overflowed = cw->wr.st.overflowed;
		cw->pub_names_dropped = cw->wr.st.names_dropped;
	}
	if (likely(!cw->draining)) {
		st = dp_stage_in(&cw->stg, DP_STAGE_SUBMIT);
		subs = cw_serve_all(cw);
		dp_stage_count(&cw->stg, DP_STAGE_SUBMIT, subs);
		dp_stage_out(&cw->stg, st);
		work += subs;
	}
	if (unlikely(cw->wr.policy == DP_SLOW_BLOCK))
		publish_room(cw);
	/* Stored when it moved: the ring lcore reads it every turn. */
	if (unlikely(__atomic_load_n(&cw->behind, __ATOMIC_RELAXED) !=
		     cw->wr.n_behind))
		__atomic_store_n(&cw->behind, cw->wr.n_behind,
				 __ATOMIC_RELAXED);
	if (unlikely(t0 >= cw->next_slow)) {
		st = dp_stage_in(&cw->stg, DP_STAGE_SLOW);
		slow_path(cw, t0);
		dp_stage_out(&cw->stg, st);
	}
	dp_stages_end(&cw->stg, rte_rdtsc(), work);
	return work;
}

void dp_cw_set_stages(struct dp_cw *cw, uint32_t sample_every, uint64_t bias)
{
	uint64_t hz = rte_get_tsc_hz();

	dp_stages_init(&cw->stg, sample_every, hz, hz, NULL, cw->lcore);
	dp_stages_set_bias(&cw->stg, bias);
}

void dp_cw_run(struct dp_cw *cw, volatile bool *quit)
{
	cw->w.lcore = rte_lcore_id();
	cw->stg.st.lcore = cw->w.lcore;
	dp_idle_start(&cw->idle);
	while (!__atomic_load_n(quit, __ATOMIC_RELAXED) ||
	       !__atomic_load_n(&cw->ring_stopped, __ATOMIC_ACQUIRE))
		dp_idle_turn(&cw->idle, dp_cw_do_work(cw));
	/* What the ring lcore handed over last reaches its clients; no more
	 * is read (no one would take it). */
	cw->draining = true;
	while (dp_cw_do_work(cw) != 0)
		;
	publish(cw);
}

void dp_cw_ring_stop(struct dp_cw *cw)
{
	__atomic_store_n(&cw->ring_stopped, true, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------- life cycle */

/* A pool of n objects of size bytes, and the single-producer,
 * single-consumer ring that carries them (room for the whole pool, so an
 * enqueue never fails); either NULL if it could not be made. */
static void pool_and_ring(struct rte_mempool **pool, const char *pool_name,
			  struct rte_ring **ring, const char *ring_name,
			  uint32_t idx, uint32_t id, unsigned n, unsigned size,
			  int socket)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "ordo_cw%u_%s_%x", idx, pool_name, id);
	*pool = rte_mempool_create(name, n, size, 64, 0, NULL, NULL, NULL,
				   NULL, socket, 0);
	snprintf(name, sizeof(name), "ordo_cw%u_%s_%x", idx, ring_name, id);
	*ring = rte_ring_create(name, n + 1, socket,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
}

int dp_cw_create(struct dp_cw *cw, struct dp_gateway *gw, unsigned lcore,
		 int socket, const struct dp_idle_ops *idle,
		 uint64_t idle_max_park_ns, char *err, size_t errlen)
{
	return dp_cw_create_nth(cw, gw, 0, lcore, socket, idle,
				idle_max_park_ns, err, errlen);
}

int dp_cw_create_nth(struct dp_cw *cw, struct dp_gateway *gw, uint32_t idx,
		     unsigned lcore, int socket, const struct dp_idle_ops *idle,
		     uint64_t idle_max_park_ns, char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];
	int rc;

	memset(cw, 0, sizeof(*cw));
	pool_and_ring(&cw->items, "items", &cw->out, "out", idx, gw->my_id,
		      DP_CW_ITEMS, DP_CW_ITEM_SIZE, socket);
	pool_and_ring(&cw->subs, "subs", &cw->in, "in", idx, gw->my_id,
		      DP_CW_SUBS, DP_CW_SUB_SIZE, socket);
	snprintf(name, sizeof(name), "ordo_cw%u_cut_%x", idx, gw->my_id);
	cw->cut = rte_ring_create_elem(name, sizeof(struct cw_cut),
				       2 * DP_GW_MAX_CLIENTS, socket,
				       RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (cw->items == NULL || cw->out == NULL || cw->cut == NULL ||
	    cw->subs == NULL || cw->in == NULL) {
		snprintf(err, errlen, "client worker: %u items of %u bytes and "
			 "their rings on NUMA node %d: %s", DP_CW_ITEMS,
			 DP_CW_ITEM_SIZE, socket, rte_strerror(rte_errno));
		rc = -ENOMEM;
		goto fail;
	}
	rc = dp_gw_writer_init(&cw->wr, gw, cut_off, cw);
	if (rc < 0) {
		snprintf(err, errlen, "client worker: %s", strerror(-rc));
		goto fail;
	}
	dp_idle_init(&cw->idle, idle != NULL ? idle : &dp_idle_spin,
		     idle_max_park_ns);
	cw->fan = (struct dp_gw_fanout){
		.open = fan_open,
		.detach = fan_detach,
		.take = cw_fan_take,
		.done = cw_fan_done,
		.hold = fan_hold,
		.msg = fan_msg,
		.record = fan_record,
		.close = fan_close,
		.cut = fan_cut,
		.behind = fan_behind,
		.room = fan_room,
		.ctx = cw,
	};
	/* No measure yet: no room (the gateway admits nothing until the
	 * worker's first turn). */
	dp_gw_room_publish(&cw->room_pub, &cw->room_last);
	cw->gw = gw;
	cw->idx = idx;
	cw->ahead = gw->policy == DP_SLOW_BLOCK ? DP_CW_AHEAD_BLOCK : DP_CW_SUBS;
	cw->count_done = cw->ahead < DP_CW_SUBS;
	cw->slow_len = rte_get_tsc_hz() / 1000;
	cw->lcore = lcore;
	dp_cw_set_stages(cw, 0, 0);
	cw->w.on = true;
	cw->w.lcore = lcore;
	dp_gw_set_fanout(gw, &cw->fan);
	return 0;
fail:
	rte_ring_free(cw->out);
	rte_ring_free(cw->cut);
	rte_ring_free(cw->in);
	rte_mempool_free(cw->items);
	rte_mempool_free(cw->subs);
	memset(cw, 0, sizeof(*cw));
	return rc;
}

void dp_cw_destroy(struct dp_cw *cw)
{
	void *it;

	if (cw->items == NULL)
		return;
	while (rte_ring_dequeue(cw->out, &it) == 0)
		item_free(cw, it);
	while (rte_ring_dequeue(cw->in, &it) == 0) {
		struct dp_gw_sub s = { .item = it };

		cw_fan_done(cw, &s);
	}
	dp_gw_writer_fini(&cw->wr);
	rte_ring_free(cw->out);
	rte_ring_free(cw->cut);
	rte_ring_free(cw->in);
	rte_mempool_free(cw->items);
	rte_mempool_free(cw->subs);
	memset(cw, 0, sizeof(*cw));
}

void dp_cw_read_any(const void *cw, struct dp_cw_report *out)
{
	dp_cw_read(cw, out);
}

void dp_cw_stages_any(const void *cw, struct dp_stage_stats *out)
{
	struct dp_cw_report r;

	dp_cw_read(cw, &r);
	*out = r.stages;
}

void dp_cw_read(const struct dp_cw *cw, struct dp_cw_report *out)
{
	for (;;) {
		uint32_t a = __atomic_load_n(&cw->pub.seq, __ATOMIC_ACQUIRE);

		if (a & 1) {
			rte_pause();
			continue;
		}
		memcpy(out, &cw->pub.r, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&cw->pub.seq, __ATOMIC_RELAXED) == a)
			break;
	}
	out->held_refs = cw->held_refs;
	out->copied_msgs = cw->copied_msgs;
	out->copied_bytes = cw->copied_bytes;
	out->full_waits = cw->full_waits;
}
