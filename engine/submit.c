/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The submit queue and packing.
 *
 * Clients' messages wait in a byte ring until the token arrives. On a token
 * visit eng_submit_build() packs them, in submission order, straight into the
 * store slots of the sequence numbers the visit may use: many small
 * messages per packet (one 8-byte record header each), and a message too
 * large for an empty packet split into FIRST/middle/LAST fragments that fill
 * packets completely. A message that merely does not fit the rest of a
 * packet starts the next one instead, so small messages are never split.
 *
 * The ring holds entries contiguously; an entry that does not fit before the
 * end leaves a skip marker and starts again at offset 0.
 */
#include <errno.h>
#include <stdlib.h>

#include "engine/engine_impl.h"

struct qent {
	uint32_t len;      /* message bytes */
	uint16_t msg_type;
	uint8_t  service;
	uint8_t  skip;     /* 1: the rest of the ring is unused; wrap */
	uint32_t pad[2];
};
static_assert(sizeof(struct qent) == 16, "queue entry");

#define QALIGN 16u
/* Fragments smaller than this are not worth a record: close the packet. */
#define MIN_FRAGMENT 64u

static inline uint32_t ent_size(uint32_t len)
{
	return (uint32_t)((sizeof(struct qent) + len + QALIGN - 1) &
			  ~(QALIGN - 1));
}

int eng_submit_init(struct submit_q *q, const struct ordo_engine_mem *m,
		    uint32_t cap)
{
	memset(q, 0, sizeof(*q));
	q->cap = cap & ~(QALIGN - 1);
	q->buf = m->alloc(m->ctx, q->cap, 64);
	return q->buf != NULL ? 0 : -ENOMEM;
}

void eng_submit_fini(struct submit_q *q, const struct ordo_engine_mem *m)
{
	if (q->buf != NULL)
		m->free(m->ctx, q->buf);
	q->buf = NULL;
}

/* Find room for need bytes; returns the offset or -1.
 *   tail > head:  data in [head, tail); free at [tail, cap) and [0, head)
 *   tail < head:  data wraps; free in [tail, head)
 *   tail == head: empty (count 0, reset to 0) or exactly full */
static int64_t q_reserve(struct submit_q *q, uint32_t need)
{
	uint32_t off;

	if (q->count == 0)
		q->head = q->tail = q->used = 0;
	if (q->count == 0 || q->tail > q->head) {
		if (need <= q->cap - q->tail) {
			off = q->tail;
		} else if (need <= q->head) {
			/* Wrap: mark the unused end so the reader skips it. */
			if (q->cap - q->tail >= sizeof(struct qent)) {
				struct qent skip = { .skip = 1 };
				memcpy(q->buf + q->tail, &skip, sizeof(skip));
			}
			q->used += q->cap - q->tail;
			off = 0;
		} else {
			return -1;
		}
	} else if (q->tail < q->head && need <= q->head - q->tail) {
		off = q->tail;
	} else {
		return -1; /* full, or not enough room before the head */
	}
	q->tail = off + need;
	q->used += need;
	return off;
}

static struct qent *q_peek(struct submit_q *q)
{
	struct qent *h;

	if (q->count == 0)
		return NULL;
	if (q->cap - q->head < sizeof(struct qent) ||
	    ((struct qent *)(q->buf + q->head))->skip) {
		q->used -= q->cap - q->head;
		q->head = 0;
	}
	h = (struct qent *)(q->buf + q->head);
	return h;
}

static void q_pop(struct submit_q *q, const struct qent *h)
{
	uint32_t sz = ent_size(h->len);

	q->head += sz;
	q->used -= sz;
	q->head_sent = 0;
	if (--q->count == 0)
		q->head = q->tail = q->used = 0;
}

int eng_submit_enqueue(struct ordo_engine *e, struct submit_q *q,
		       uint8_t service, uint16_t msg_type,
		       const struct iovec *iov, int iovcnt)
{
	struct qent h = { .msg_type = msg_type, .service = service };
	uint64_t total = 0;
	uint8_t *p;
	int64_t off;
	int i;

	if (iovcnt < 0 || (iovcnt > 0 && iov == NULL))
		return -EINVAL;
	for (i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (total > e->cfg.max_msg_size)
		return -EMSGSIZE;
	h.len = (uint32_t)total;

	off = q_reserve(q, ent_size(h.len));
	if (off < 0)
		return -EAGAIN;
	p = q->buf + off;
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len == 0)
			continue; /* iov_base may be NULL */
		memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	q->count++;
	return 0;
}

int ordo_engine_submitv(struct ordo_engine *e, uint8_t service,
			uint16_t msg_type, const struct iovec *iov, int iovcnt)
{
	int rc;

	if (service < ORDO_SVC_UNRELIABLE || service > ORDO_SVC_SAFE)
		return -EINVAL;
	rc = eng_submit_enqueue(e, &e->sq, service, msg_type, iov, iovcnt);
	if (rc == 0) {
		e->stats.submitted++;
		/* A held token goes on at the next tick: the ring has work. */
		if (e->hold_until != NEVER)
			e->hold_until = 0;
	}
	return rc;
}

int ordo_engine_submit_control(struct ordo_engine *e, uint8_t service,
			       uint16_t msg_type, const struct iovec *iov,
			       int iovcnt)
{
	int rc;

	if (service < ORDO_SVC_UNRELIABLE || service > ORDO_SVC_SAFE)
		return -EINVAL;
	rc = eng_submit_enqueue(e, &e->iq, service, msg_type, iov, iovcnt);
	if (rc == 0 && e->hold_until != NEVER)
		e->hold_until = 0;
	return rc;
}

void ordo_engine_pause_clients(struct ordo_engine *e, bool pause)
{
	e->clients_paused = pause;
	if (!pause && e->sq.count > 0 && e->hold_until != NEVER)
		e->hold_until = 0;
}

/* A ring change cut the head message short: its fragments sent in the old
 * ring are discarded by every receiver, so send it whole in the new one. */
void eng_submit_restart_partial(struct submit_q *q)
{
	q->head_sent = 0;
}

void eng_submit_clear(struct submit_q *q)
{
	q->head = q->tail = q->used = q->count = q->head_sent = 0;
}

int ordo_engine_submit(struct ordo_engine *e, uint8_t service,
		       uint16_t msg_type, const void *data, uint32_t len)
{
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };

	return ordo_engine_submitv(e, service, msg_type, &iov, 1);
}

uint32_t ordo_engine_submit_space(const struct ordo_engine *e)
{
	return e->sq.cap - e->sq.used;
}

uint32_t eng_submit_backlog_packets(const struct ordo_engine *e)
{
	uint32_t used = e->iq.used + (e->clients_paused ? 0 : e->sq.used);

	return (used + e->payload_cap - 1) / e->payload_cap;
}

/* Internal messages go first; clients' only once the ring is operational,
 * so none is ordered before the configuration it belongs to. */
static struct submit_q *next_queue(struct ordo_engine *e)
{
	if (e->iq.count > 0)
		return &e->iq;
	if (e->sq.count > 0 && e->state == ORDO_STATE_OPERATIONAL &&
	    !e->clients_paused)
		return &e->sq;
	return NULL;
}

static inline uint8_t *put_rec(uint8_t *p, const struct qent *h,
			       const uint8_t *data, uint32_t len, uint8_t flags)
{
	struct ordo_wire_rec r = {
		.len = be32(len),
		.msg_type = be16(h->msg_type),
		.service = h->service,
		.flags = flags,
	};

	memcpy(p, &r, sizeof(r));
	memcpy(p + sizeof(r), data, len);
	return p + sizeof(r) + len;
}

/* Pack one packet at sequence seq; returns false if the queue was empty.
 * The packet is built where
 * the store keeps it: its own buffer for seq, or a frame from
 * ops->frame_alloc that the store then holds by handle. */
static bool build_one(struct ordo_engine *e, uint64_t seq)
{
	struct submit_q *q;
	struct slot *sl = store_slot(&e->store, seq);
	uint64_t handle = 0;
	uint8_t *pkt, *start, *p;
	uint32_t room = e->payload_cap;
	uint16_t nrec = 0;
	uint8_t dflags = 0;
	struct qent *h;

	if (next_queue(e) == NULL)
		return false;
	if (sl->seq != 0) /* released long ago (store.c); never here */
		eng_store_free(e, &e->store, sl);
	pkt = eng_frames(&e->ops) ?
		      e->ops.frame_alloc(e->ctx, e->cfg.mtu, &handle) : NULL;
	if (pkt != NULL) {
		e->stats.frames_alloc++;
	} else {
		/* No frame (or no frame ops): the store's own buffer, and
		 * the packet goes out through send, copied. */
		e->stats.frame_alloc_fails += eng_frames(&e->ops);
		pkt = store_own(&e->store, seq);
	}
	start = pkt + sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_data);
	p = start;

	while (room >= sizeof(struct ordo_wire_rec) &&
	       (q = next_queue(e)) != NULL && (h = q_peek(q)) != NULL) {
		const uint8_t *data = (const uint8_t *)(h + 1) + q->head_sent;
		uint32_t left = h->len - q->head_sent;
		uint8_t first = q->head_sent == 0 ? ORDO_REC_F_FIRST : 0;
		uint32_t rec = sizeof(struct ordo_wire_rec);

		if (left + rec <= room) {
			p = put_rec(p, h, data, left, first | ORDO_REC_F_LAST);
			room -= left + rec;
			nrec++;
			dflags |= h->service == ORDO_SVC_SAFE ? ORDO_DATA_F_SAFE : 0;
			q_pop(q, h);
		} else if (left + rec > e->payload_cap &&
			   room >= rec + MIN_FRAGMENT) {
			/* Too big for any packet: fill this one. */
			uint32_t chunk = room - rec;

			p = put_rec(p, h, data, chunk, first);
			q->head_sent += chunk;
			nrec++;
			dflags |= h->service == ORDO_SVC_SAFE ? ORDO_DATA_F_SAFE : 0;
			break;
		} else {
			break;
		}
	}
	if (nrec == 0) {
		if (pkt != store_own(&e->store, seq)) {
			e->stats.frames_released++;
			e->ops.frame_release(e->ctx, handle);
		}
		return false;
	}
	{
		uint32_t len = (uint32_t)(p - pkt);
		struct ordo_wire_data d = {
			.seq = be64(seq),
			.round = be32((uint32_t)e->last_token_seq),
			.nrec = be16(nrec),
			.flags = dflags,
		};

		eng_codec_write_hdr(pkt, ORDO_PKT_DATA, e->cfg.config_hash,
				    e->cfg.my_id, len, e->ring_rep, e->ring_seq);
		memcpy(pkt + sizeof(struct ordo_wire_hdr), &d, sizeof(d));
		if (pkt != store_own(&e->store, seq)) {
			eng_store_put_frame(e, &e->store, seq, pkt, len, handle);
		} else {
			sl->seq = seq;
			sl->len = len;
		}
	}
	return true;
}

uint32_t eng_submit_build(struct ordo_engine *e, uint64_t first, uint32_t max)
{
	uint32_t n = 0;

	while (n < max && build_one(e, first + n))
		n++;
	return n;
}
