/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The client worker's submissions (cworker.h, "in"): the worker reads its
 * clients' submit rings in place and hands each request to the gateway
 * on the ring lcore, which takes them (cw_fan_take) and says when it is
 * done with each (cw_fan_done); only then does the request's ring space
 * go back to the client (give_back). Hot path rules as cworker.c.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_mempool.h>
#include <rte_ring.h>

#include "dataplane/cworker.h"
#include "dataplane/cworker_impl.h"

/* ---------------------------------------------------- ring side */

int cw_fan_take(void *ctx, struct dp_gw_sub *s)
{
	struct dp_cw *cw = ctx;
	struct cw_sub *it;

	if (rte_ring_sc_dequeue(cw->in, (void **)&it) != 0)
		return 0;
	*s = it->s;
	s->item = it;
	return 1;
}

void cw_fan_done(void *ctx, struct dp_gw_sub *s)
{
	struct dp_cw *cw = ctx;
	struct cw_sub *it = s->item;

	struct dp_client *c = &cw->wr.slots[it->s.slot];

	/* The worker may gather the client's next message (the same client:
	 * a slot given to another since starts with w_busy clear). */
	if (it->gathered && c->client_id == it->s.client_id)
		__atomic_store_n(&c->w_busy, 0, __ATOMIC_RELEASE);
	/* Read in place and now copied by the engine (or rejected): its
	 * space may go back to the client (give_back). */
	if (it->in_place && c->client_id == it->s.client_id)
		__atomic_store_n(&c->w_released, it->end, __ATOMIC_RELEASE);
	/* Counted for the read-ahead bound only where there is one: the
	 * line moves between the lcores at every store. */
	if (cw->count_done) /* our copy: cw->ahead's line is the worker's */
		__atomic_store_n(&cw->subs_done, cw->subs_done + 1,
				 __ATOMIC_RELEASE);
	free(it->heap);
	rte_mempool_put(cw->subs, it);
}

/* ---------------------------------------------------- worker side */

void cw_rd_remove(struct dp_cw *cw, uint32_t slot)
{
	for (uint32_t i = 0; i < cw->n_rd; i++)
		if (cw->rd[i] == slot) {
			cw->rd[i] = cw->rd[--cw->n_rd];
			return;
		}
}

void cw_rd_add(struct dp_cw *cw, uint32_t slot)
{
	struct dp_client *c = &cw->wr.slots[slot];

	cw_rd_remove(cw, slot);
	cw->rd[cw->n_rd++] = slot;
	c->w_inplace_end = ordo_cr_reader_pos(&c->rd);
	__atomic_store_n(&c->w_released, c->w_inplace_end, __ATOMIC_RELAXED);
}

/* The submit ring's space back to the client: up to the last submission
 * read in place that the gateway is done with, or everything read once it
 * is done with all of them (the rest read was copied: fragments into the
 * reassembly buffer). */
static void give_back(struct dp_client *c)
{
	uint64_t done = __atomic_load_n(&c->w_released, __ATOMIC_ACQUIRE);

	ordo_cr_reader_release_to(&c->rd, done >= c->w_inplace_end ?
						  ordo_cr_reader_pos(&c->rd) :
						  done);
}

/* One item to the gateway (the ring holds the whole pool). */
static void sub_hand(struct dp_cw *cw, struct cw_sub *it)
{
	cw->handed++;
	rte_ring_sp_enqueue(cw->in, it);
}

static struct cw_sub *sub_item(struct dp_cw *cw, uint32_t what,
			       const struct dp_client *c, uint32_t slot)
{
	struct cw_sub *it;

	if (rte_mempool_get(cw->subs, (void **)&it) != 0)
		return NULL;
	memset(&it->s, 0, sizeof(it->s));
	it->s.what = what;
	it->s.slot = slot;
	it->s.client_id = c->client_id;
	it->heap = NULL;
	it->gathered = false;
	it->in_place = false;
	return it;
}

/* A request read in place: its names (validated) copied into the item,
 * its payload left in the submit ring for the engine's one copy into the
 * frame; the space stays the daemon's until the gateway is done with it
 * (cw_fan_done, give_back). The payload's bytes are the client's to scribble
 * on meanwhile, as without a worker: only its own message can change. */
static void sub_in_place(struct dp_cw *cw, struct dp_client *c,
			 struct cw_sub *it, const struct ordo_cr_msg *m)
{
	size_t names = (size_t)m->hdr.n_names * NAME;
	uint8_t *v = it->var;

	if (names > SUB_ROOM) {
		/* The record is read: memory is waited for (counted). */
		it->heap = cw_heap(cw, names, &cw->w.sub_full_turns, false);
		v = it->heap;
		cw->w.sub_heap++;
	}
	memcpy(v, m->names, names);
	it->s.m = *m;
	it->s.m.names = (const char (*)[NAME])v;
	it->s.data = m->payload;
	it->s.len = m->payload_len;
	it->in_place = true;
	it->end = ordo_cr_reader_pos(&c->rd);
	c->w_inplace_end = it->end;
}

/* Read client slot's submit ring. Returns the records read; *dry when no
 * item was free (nothing more is read this turn). */
static unsigned serve(struct dp_cw *cw, uint32_t slot, bool *dry)
{
	struct dp_client *c = &cw->wr.slots[slot];
	unsigned n = 0;

	if (__atomic_load_n(&c->w_busy, __ATOMIC_ACQUIRE)) {
		give_back(c);
		return 0;
	}
	while (n < DP_CW_SERVE) {
		struct cw_sub *it;

		if (cw->ahead < DP_CW_SUBS &&
		    cw->handed - __atomic_load_n(&cw->subs_done,
						 __ATOMIC_ACQUIRE) >= cw->ahead) {
			*dry = true;
			break;
		}
		it = sub_item(cw, DP_GW_SUB_MSG, c, slot);
		struct ordo_cr_msg m;
		const uint8_t *data;
		uint32_t len;
		int rc;

		if (it == NULL) {
			*dry = true;
			break;
		}
		rc = ordo_cr_read_in_place(&c->rd, &m, c->rbuf,
					   c->map.max_rec);
		if (rc <= 0) {
			if (rc < 0) { /* behind its requests, then no more */
				it->s.what = DP_GW_SUB_CORRUPT;
				it->s.detail = (uint32_t)-rc;
				sub_hand(cw, it);
				cw_rd_remove(cw, slot);
			} else {
				rte_mempool_put(cw->subs, it);
			}
			break;
		}
		n++;
		if (m.hdr.kind == ORDO_CR_MSG &&
		    (m.hdr.flags & (ORDO_CR_F_FIRST | ORDO_CR_F_LAST)) !=
			    (ORDO_CR_F_FIRST | ORDO_CR_F_LAST)) {
			if (!dp_gw_gather(c, &m, &data, &len)) {
				rte_mempool_put(cw->subs, it);
				continue;
			}
			/* Whole, in its reassembly buffer: handed from there;
			 * nothing more is read until the gateway is done. */
			it->s.m = m;
			it->s.data = data;
			it->s.len = len;
			it->gathered = true;
			__atomic_store_n(&c->w_busy, 1, __ATOMIC_RELAXED);
			sub_hand(cw, it);
			cw->w.subs++;
			break;
		}
		sub_in_place(cw, c, it, &m);
		sub_hand(cw, it);
		cw->w.subs++;
	}
	give_back(c);
	/* Asked to leave and read to the end: DRAINED, behind the rest. */
	if (c->w_detach && !__atomic_load_n(&c->w_busy, __ATOMIC_ACQUIRE) &&
	    ordo_cr_cons_avail(&c->rd.cons) == 0) {
		struct cw_sub *it = sub_item(cw, DP_GW_SUB_DRAINED, c, slot);

		if (it != NULL) {
			it->s.partial = c->in_msg;
			c->in_msg = false;
			sub_hand(cw, it);
			cw_rd_remove(cw, slot);
		}
	}
	return n;
}

/* SlowConsumer = block: a local receiver behind, on this worker or
 * (several of them) on any. */
static bool any_behind(const struct dp_cw *cw)
{
	if (cw->wr.n_behind > 0)
		return true;
	for (uint32_t i = 0; i < cw->n_peers; i++)
		if (cw->peers[i] != cw &&
		    __atomic_load_n(&cw->peers[i]->behind, __ATOMIC_RELAXED))
			return true;
	return false;
}

unsigned cw_serve_all(struct dp_cw *cw)
{
	uint32_t n = cw->n_rd, start;
	unsigned work = 0;
	bool dry = false;

	if (n == 0)
		return 0;
	if (cw->wr.policy == DP_SLOW_BLOCK &&
	    (any_behind(cw) || __atomic_load_n(&cw->hold,
						     __ATOMIC_RELAXED))) {
		/* Not read further, but what the gateway is done with goes
		 * back to the clients. */
		for (uint32_t k = 0; k < n; k++)
			give_back(&cw->wr.slots[cw->rd[k]]);
		cw->w.blocked_turns++;
		return 0;
	}

	/* Round robin from a moving start, as the gateway does. */
	start = cw->rr++ % n;
	for (uint32_t k = 0; k < n && k < cw->n_rd && !dry; k++)
		work += serve(cw, cw->rd[(start + k) % cw->n_rd], &dry);
	if (dry)
		cw->w.sub_full_turns++;
	return work;
}
