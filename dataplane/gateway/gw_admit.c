/* SPDX-License-Identifier: BSD-3-Clause
 *
 * SlowConsumer = block's admission bound: a local client's DATA message
 * goes to the engine only when every local receiver could hold it, and
 * every local message ordered before it and not yet written to the
 * receivers, even if it read nothing more. Holding back the local
 * senders' next reads (n_behind, gateway.c) is not enough by itself: what
 * was read before a receiver fell behind is ordered anyway (the engine's
 * queue, a client worker's read-ahead), and it could exceed the
 * receiver's overflow bound.
 *
 * The argument, for one receiver that reads nothing more, with F free
 * bytes in its delivery ring, O in its overflow, R its largest record, k
 * records waiting in its overflow and MaxSessionMessages Q. Messages
 * m1..mn in flight, costs c_i (dp_gw_cost: what a client ring takes for
 * one, records, headers and padding included), largest M, sum S:
 *
 *   - they go to the delivery ring until the first, m_j, does not fit
 *     (gw_put_msg / gw_put_record); then it and the rest go to the
 *     overflow. The ring wraps at most once (a PAD < R), and m_j found
 *     less than c_j + R free, so m1..m_{j-1} took more than F - M - 2R.
 *   - the overflow takes m_i while it has c_i + R free
 *     (ordo_cr_send_bound) and fewer than Q records: with one wrap, all of
 *     m_j..m_n fit when their sum is at most O - 2R, which holds when
 *     S + M + 4R <= F + O; and they are at most Q - k when
 *     n <= Q - k + (F - M - 2R) / M (each of m1..m_{j-1} took <= M).
 *   - a receiver already behind takes everything into its overflow: F
 *     counts as 0.
 *
 * Reading only helps (what it frees is room). The gateway measures the
 * room at the start of a turn (its own rings, or a client worker's last
 * measure, which counts what it had written then), subtracts what is in
 * flight, and admits while the budget lasts. One exception keeps the
 * senders going: nothing in flight and no receiver behind admits one
 * message whatever its size (an empty overflow holds a largest message:
 * ctrl_link.c sizes it so).
 *
 * What is not bounded: other daemons' messages (their senders are not
 * ours to hold) and membership notices (their size is the group's, at
 * delivery). Either can still take a slow receiver past its bound.
 *
 * Cost when the policy is not block: adm.on is false, one branch where a
 * message is submitted and one where one is delivered. Under block: per
 * turn that submits, two ring indexes read for each local client (or the
 * worker's measure, a seqlock read); per message, a few additions and a
 * division; the worker measures its clients once a turn.
 */
#include <errno.h>
#include <string.h>

#include "ordo/gmsg.h"
#include "dataplane/gateway/gateway_impl.h"

/* The smallest record a client's delivery ring may have (attach refuses
 * smaller): a FIRST record with every name. dp_gw_cost counts records of
 * this size, so it bounds every ring's. */
#define GW_REC_MIN ((uint32_t)sizeof(struct ordo_cr_rec) + \
		    ORDO_CR_MAX_NAMES * ORDO_CR_NAME_LEN + 8u)

uint64_t dp_gw_cost(uint32_t len, uint32_t n_groups)
{
	const uint64_t hl = sizeof(struct ordo_cr_rec);
	uint64_t recs = len / ((GW_REC_MIN & ~7u) - hl) + 2;

	/* ordo_cr_send_bound less its PAD allowance, for the smallest
	 * record: more records, so more headers, than any larger ring. */
	return (uint64_t)len + (1ull + n_groups) * ORDO_CR_NAME_LEN +
	       recs * (hl + 8);
}

uint32_t dp_gw_rec_min(void)
{
	return GW_REC_MIN;
}

void dp_gw_room_empty(struct dp_gw_room *r)
{
	r->bytes = r->dl = r->count = INT64_MAX;
	r->done_n = r->done_bytes = 0;
}

void dp_gw_room_fold(struct dp_gw_room *r, struct dp_client *c, uint32_t msm)
{
	int64_t rec = c->dl.max_rec;
	int64_t f = c->ovf_counted ? 0 : (int64_t)ordo_cr_prod_free(&c->dl);
	int64_t o = (int64_t)ordo_cr_prod_free(&c->ovf_p);
	int64_t b = f + o - 4 * rec;
	int64_t d = f - 2 * rec;
	int64_t k = (int64_t)msm - (int64_t)c->ovf_records;

	if (b < r->bytes)
		r->bytes = b;
	if (d < r->dl)
		r->dl = d;
	if (k < r->count)
		r->count = k;
}

void dp_gw_admit_budget(struct dp_gw_admit *a, const struct dp_gw_room *r,
		     uint32_t msm, uint64_t in_n, uint64_t in_bytes,
		     uint64_t in_max)
{
	uint64_t least = dp_gw_cost(0, 1);

	a->room = *r;
	a->in_n = in_n;
	a->in_bytes = in_bytes;
	a->turn_n = a->turn_bytes = 0;
	/* The smallest message at least: never a division by 0. */
	a->m = in_max > least ? in_max : least;
	/* Nothing in flight and no receiver behind: the turn's first
	 * message goes even when the terms refuse it (dp_gw_admit_take). */
	a->idle = in_n == 0 && r->count >= (int64_t)msm;
	a->alone = false;
}

void dp_gw_admit_left(const struct dp_gw_admit *a, uint64_t m, int64_t *n,
		   int64_t *bytes)
{
	const struct dp_gw_room *r = &a->room;
	int64_t dl_msgs = 0;

	if (r->count == INT64_MAX) { /* no receiver: nothing to bound */
		*n = *bytes = INT64_MAX;
		return;
	}
	if (r->dl > (int64_t)m)
		dl_msgs = (r->dl - (int64_t)m) / (int64_t)m;
	*n = r->count + dl_msgs - (int64_t)(a->in_n + a->turn_n);
	*bytes = r->bytes - (int64_t)m - (int64_t)(a->in_bytes + a->turn_bytes);
}

bool dp_gw_admit_take(struct dp_gw_admit *a, uint64_t cost)
{
	/* The terms assume the largest message in flight: this one too. */
	uint64_t m = cost > a->m ? cost : a->m;
	int64_t n, bytes;

	if (a->alone)
		return false;
	dp_gw_admit_left(a, m, &n, &bytes);
	if (n < 1 || bytes < (int64_t)cost) {
		if (!a->idle)
			return false;
		/* Alone: an empty overflow holds any one message. */
		a->alone = true;
	}
	a->idle = false;
	a->m = m;
	a->turn_n++;
	a->turn_bytes += cost;
	if (cost > a->max_cost)
		a->max_cost = cost;
	return true;
}

/* ------------------------------------------------ the gateway's side */

/* A DATA group message's cost from its engine form: the header's group
 * count and the whole length (more than its payload). 0: not DATA. */
static uint64_t gm_cost(const void *p, uint32_t first, uint64_t len)
{
	const struct ordo_gm_hdr *h = p;

	if (first < sizeof(*h) || h->kind != ORDO_GM_DATA)
		return 0;
	return dp_gw_cost(len > UINT32_MAX ? UINT32_MAX : (uint32_t)len,
			  h->n_groups);
}

static void measure(struct dp_gateway *gw)
{
	struct dp_gw_admit *a = &gw->adm;
	struct dp_gw_room r;
	uint64_t in_n = a->adm_n - a->dlv_n;
	uint64_t in_bytes = a->adm_bytes - a->dlv_bytes;
	uint64_t in_max = a->max_cost;

	a->measured = true;
	if (gw->fan != NULL) {
		gw->fan->room(gw->fan->ctx, &r);
		/* Handed to the worker and not written when it measured:
		 * every sender's, they take room too. */
		if (a->hand_n > r.done_n) {
			in_n += a->hand_n - r.done_n;
			in_bytes += a->hand_bytes - r.done_bytes;
			if (a->hand_max > in_max)
				in_max = a->hand_max;
		} else {
			a->hand_max = 0;
		}
	} else {
		dp_gw_room_empty(&r);
		for (uint32_t i = 0; i < gw->n_active; i++) {
			struct dp_client *c = &gw->slots[gw->active[i]];

			if (c->state == DP_SLOT_ACTIVE)
				dp_gw_room_fold(&r, c, gw->max_session_messages);
		}
	}
	dp_gw_admit_budget(a, &r, gw->max_session_messages, in_n, in_bytes,
			in_max);
}

int dp_gw_admit(struct dp_gateway *gw, const struct iovec *iov, int iovcnt,
	     uint64_t *cost)
{
	uint64_t len = 0;

	if (iovcnt < 1)
		return 0;
	for (int i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	*cost = gm_cost(iov[0].iov_base, (uint32_t)iov[0].iov_len, len);
	if (*cost == 0)
		return 0; /* JOIN, LEAVE, DISCONNECT: not bounded */
	if (!gw->adm.measured)
		measure(gw);
	if (dp_gw_admit_take(&gw->adm, *cost))
		return 0;
	gw->adm.refused = true;
	*cost = 0;
	return -EAGAIN;
}

void dp_gw_admit_took(struct dp_gateway *gw, uint64_t cost, bool took)
{
	if (cost == 0)
		return;
	if (!took) { /* the engine refused it: the budget is back */
		gw->adm.turn_n--;
		gw->adm.turn_bytes -= cost;
		return;
	}
	gw->adm.adm_n++;
	gw->adm.adm_bytes += cost;
}

void dp_gw_admit_delivered(struct dp_gateway *gw, const struct ordo_delivery *d)
{
	struct dp_gw_admit *a = &gw->adm;
	uint64_t cost;

	if (d->sender != gw->my_id)
		return;
	cost = gm_cost(d->data, d->len, d->len);
	if (cost == 0)
		return;
	if (a->dlv_n == a->adm_n) {
		/* More of ours delivered than we counted in: a daemon that
		 * restarted under its id, or a bug. Never negative. */
		gw->st.admit_resets++;
		return;
	}
	a->dlv_n++;
	a->dlv_bytes += cost;
	if (a->dlv_n == a->adm_n) {
		a->dlv_bytes = a->adm_bytes; /* exact, but never drifting */
		a->max_cost = 0;
	}
}

void dp_gw_admit_handed(struct dp_gateway *gw, const struct ordo_groups_msg *m)
{
	struct dp_gw_admit *a = &gw->adm;
	uint64_t cost = dp_gw_cost(m->len, m->n_groups);

	a->hand_n++;
	a->hand_bytes += cost;
	if (cost > a->hand_max)
		a->hand_max = cost;
}

/* ------------------------------------------- the client worker's side */

void dp_gw_writer_done(struct dp_gateway *w, const struct ordo_groups_msg *m)
{
	if (w->policy != DP_SLOW_BLOCK)
		return;
	w->adm.hand_n++;
	w->adm.hand_bytes += dp_gw_cost(m->len, m->n_groups);
}

void dp_gw_writer_room(struct dp_gateway *w, const uint32_t *slots,
		       uint32_t n, struct dp_gw_room *r)
{
	dp_gw_room_empty(r);
	for (uint32_t i = 0; i < n; i++) {
		struct dp_client *c = &w->slots[slots[i]];

		if (c->w_live)
			dp_gw_room_fold(r, c, w->max_session_messages);
	}
	r->done_n = w->adm.hand_n;
	r->done_bytes = w->adm.hand_bytes;
}

/* A seqlock: the worker writes, the ring lcore reads; each field moves as
 * a whole (relaxed atomics), the sequence says whether they belong
 * together. */
void dp_gw_room_publish(struct dp_gw_room_pub *p, const struct dp_gw_room *r)
{
	uint32_t s = __atomic_load_n(&p->seq, __ATOMIC_RELAXED);

	__atomic_store_n(&p->seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&p->r.bytes, r->bytes, __ATOMIC_RELAXED);
	__atomic_store_n(&p->r.dl, r->dl, __ATOMIC_RELAXED);
	__atomic_store_n(&p->r.count, r->count, __ATOMIC_RELAXED);
	__atomic_store_n(&p->r.done_n, r->done_n, __ATOMIC_RELAXED);
	__atomic_store_n(&p->r.done_bytes, r->done_bytes, __ATOMIC_RELAXED);
	__atomic_store_n(&p->seq, s + 2, __ATOMIC_RELEASE);
}

void dp_gw_room_read(const struct dp_gw_room_pub *p, struct dp_gw_room *r)
{
	for (int tries = 0; tries < 4; tries++) {
		uint32_t s0 = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE), s1;

		r->bytes = __atomic_load_n(&p->r.bytes, __ATOMIC_RELAXED);
		r->dl = __atomic_load_n(&p->r.dl, __ATOMIC_RELAXED);
		r->count = __atomic_load_n(&p->r.count, __ATOMIC_RELAXED);
		r->done_n = __atomic_load_n(&p->r.done_n, __ATOMIC_RELAXED);
		r->done_bytes = __atomic_load_n(&p->r.done_bytes,
						__ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s1 = __atomic_load_n(&p->seq, __ATOMIC_RELAXED);
		if (!(s0 & 1u) && s0 == s1)
			return;
	}
	/* The worker is in the middle of it (or lost its CPU there): no
	 * room this turn rather than a wait on it. */
	r->bytes = r->dl = r->count = 0;
	r->done_n = r->done_bytes = 0;
}
