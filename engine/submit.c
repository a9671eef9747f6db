/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The submit queue and packing.
 *
 * Clients' messages wait in a byte ring until the token arrives. On a token
 * visit eng_submit_build() packs them, in submission order, straight into
 * the packets of the sequence numbers the visit may use: many small
 * messages per packet (one 8-byte record header each), and a message too
 * large for an empty packet split into FIRST/middle/LAST fragments that fill
 * packets completely. A message that merely does not fit the rest of a
 * packet starts the next one instead, so small messages are never split.
 *
 * With the frame ops (engine.h) a message that fits one packet is packed at
 * submit time instead: its record goes straight into the open frame at the
 * queue's tail (a frame from ops->frame_alloc, packed as the visit would),
 * and the queue holds the frame by handle. The visit only stamps the
 * headers (ring, sequence, round) and hands the frame to the store: the
 * submission's one copy is the one into the packet. A message larger than
 * a packet, or one that finds no frame, waits in the byte ring as before
 * (and closes the open frame, to keep the order).
 *
 * The ring holds entries contiguously; an entry that does not fit before the
 * end leaves a skip marker and starts again at offset 0.
 */
#include <errno.h>
#include <stdlib.h>

#include "engine/engine_impl.h"

enum qkind {
	QE_MSG = 0,   /* a message, its bytes follow */
	QE_SKIP = 1,  /* the rest of the ring is unused; wrap */
	QE_FRAME = 2, /* a frame of packed records (struct qframe) */
};

struct qent {
	uint32_t len;      /* message bytes; a frame: record bytes packed */
	uint16_t msg_type; /* a frame: records packed */
	uint8_t  service;  /* a frame: its ORDO_DATA_F_* flags */
	uint8_t  kind;     /* enum qkind */
	uint32_t pad[2];
};
static_assert(sizeof(struct qent) == 16, "queue entry");

struct qframe {
	struct qent h;
	uint64_t handle;
	uint8_t *pkt;
};
static_assert(sizeof(struct qframe) == 32, "queued frame");

#define PKT_HDRS (sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_data))
#define REC_HDR  ((uint32_t)sizeof(struct ordo_wire_rec))

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
	q->open = SUBMIT_NO_FRAME;
	q->cap = cap & ~(QALIGN - 1);
	q->buf = m->alloc(m->ctx, q->cap, 64);
	return q->buf != NULL ? 0 : -ENOMEM;
}

void eng_submit_fini(struct ordo_engine *e, struct submit_q *q)
{
	if (q->buf != NULL) {
		eng_submit_clear(e, q); /* queued frames go back */
		e->mem.free(e->mem.ctx, q->buf);
	}
	q->buf = NULL;
}

/* Find room for need bytes; returns the offset or -1.
 *   tail > head:  data in [head, tail); free at [tail, cap) and [0, head)
 *   tail < head:  data wraps; free in [tail, head)
 *   tail == head: empty (count 0, reset to 0) or exactly full */
static int64_t q_reserve(struct submit_q *q, uint32_t need)
{
	uint32_t off;

	if (q->entries == 0)
		q->head = q->tail = q->used = 0;
	if (q->entries == 0 || q->tail > q->head) {
		if (need <= q->cap - q->tail) {
			off = q->tail;
		} else if (need <= q->head) {
			/* Wrap: mark the unused end so the reader skips it. */
			if (q->cap - q->tail >= sizeof(struct qent)) {
				struct qent skip = { .kind = QE_SKIP };
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

	if (q->entries == 0)
		return NULL;
	if (q->cap - q->head < sizeof(struct qent) ||
	    ((struct qent *)(q->buf + q->head))->kind == QE_SKIP) {
		q->used -= q->cap - q->head;
		q->head = 0;
	}
	h = (struct qent *)(q->buf + q->head);
	return h;
}

static void q_pop(struct submit_q *q, const struct qent *h)
{
	uint32_t sz;

	if (h->kind == QE_FRAME) {
		sz = sizeof(struct qframe);
		q->held -= h->len;
		q->count -= h->msg_type;
		if (q->open == q->head)
			q->open = SUBMIT_NO_FRAME;
	} else {
		sz = ent_size(h->len);
		q->count--;
	}
	q->head += sz;
	q->used -= sz;
	q->head_sent = 0;
	if (--q->entries == 0) {
		q->head = q->tail = q->used = 0;
		q->open = SUBMIT_NO_FRAME;
	}
}

/* Gather iov (total bytes) into p as one whole record. */
static void put_rec_iov(uint8_t *p, uint16_t msg_type, uint8_t service,
			const struct iovec *iov, int iovcnt, uint32_t total)
{
	struct ordo_wire_rec r = {
		.len = be32(total),
		.msg_type = be16(msg_type),
		.service = service,
		.flags = ORDO_REC_F_FIRST | ORDO_REC_F_LAST,
	};
	int i;

	memcpy(p, &r, sizeof(r));
	p += sizeof(r);
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len == 0)
			continue; /* iov_base may be NULL */
		memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
}

/* A message that fits one packet, packed now into the open frame or a
 * new one. -ENOBUFS: no frame to be had (the caller queues it as bytes);
 * -EAGAIN: the queue is full. */
static int enqueue_in_frame(struct ordo_engine *e, struct submit_q *q,
			    uint8_t service, uint16_t msg_type,
			    const struct iovec *iov, int iovcnt, uint32_t total)
{
	uint32_t need = REC_HDR + total;
	struct qframe *f = NULL;

	/* The same bound as the byte ring's: queued bytes, frames or not. */
	if ((uint64_t)q->used + q->held + need + sizeof(struct qframe) > q->cap)
		return -EAGAIN;
	if (q->open != SUBMIT_NO_FRAME) {
		f = (struct qframe *)(q->buf + q->open);
		if (e->payload_cap - f->h.len < need)
			f = NULL; /* full: the next one */
	}
	if (f == NULL) {
		uint64_t handle;
		uint8_t *pkt = eng_frame_alloc(e, &handle);
		int64_t off;

		if (pkt == NULL)
			return -ENOBUFS;
		off = q_reserve(q, sizeof(struct qframe));
		if (off < 0) {
			eng_frame_release(e, handle);
			return -EAGAIN;
		}
		f = (struct qframe *)(q->buf + off);
		memset(&f->h, 0, sizeof(f->h));
		f->h.kind = QE_FRAME;
		f->handle = handle;
		f->pkt = pkt;
		q->entries++;
		q->open = (uint32_t)off;
	}
	put_rec_iov(f->pkt + PKT_HDRS + f->h.len, msg_type, service, iov,
		    iovcnt, total);
	f->h.len += need;
	f->h.msg_type++;
	f->h.service |= service == ORDO_SVC_SAFE ? ORDO_DATA_F_SAFE : 0;
	q->held += need;
	q->count++;
	return 0;
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

	if (eng_frames(&e->ops) && total + REC_HDR <= e->payload_cap) {
		int rc = enqueue_in_frame(e, q, service, msg_type, iov, iovcnt,
					  h.len);

		if (rc != -ENOBUFS)
			return rc;
	}
	off = q_reserve(q, ent_size(h.len));
	if (off < 0)
		return -EAGAIN;
	/* Behind a message in bytes, a new frame: the order holds. */
	q->open = SUBMIT_NO_FRAME;
	q->entries++;
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
	if (!pause && e->sq.entries > 0 && e->hold_until != NEVER)
		e->hold_until = 0;
}

/* A ring change cut the head message short: its fragments sent in the old
 * ring are discarded by every receiver, so send it whole in the new one. */
void eng_submit_restart_partial(struct submit_q *q)
{
	q->head_sent = 0;
}

void eng_submit_clear(struct ordo_engine *e, struct submit_q *q)
{
	struct qent *h;

	/* Queued frames go back, in queue order. */
	while ((h = q_peek(q)) != NULL) {
		if (h->kind == QE_FRAME)
			eng_frame_release(e, ((struct qframe *)h)->handle);
		q_pop(q, h);
	}
	q->head = q->tail = q->used = q->held = q->count = q->entries = 0;
	q->head_sent = 0;
	q->open = SUBMIT_NO_FRAME;
}

int ordo_engine_submit(struct ordo_engine *e, uint8_t service,
		       uint16_t msg_type, const void *data, uint32_t len)
{
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };

	return ordo_engine_submitv(e, service, msg_type, &iov, 1);
}

uint32_t ordo_engine_submit_space(const struct ordo_engine *e)
{
	return e->sq.cap - e->sq.used - e->sq.held;
}

uint32_t eng_submit_backlog_packets(const struct ordo_engine *e)
{
	uint32_t used = e->iq.used + e->iq.held +
			(e->clients_paused ? 0 : e->sq.used + e->sq.held);

	return (used + e->payload_cap - 1) / e->payload_cap;
}

/* Internal messages go first; clients' only once the ring is operational,
 * so none is ordered before the configuration it belongs to. */
static struct submit_q *next_queue(struct ordo_engine *e)
{
	if (e->iq.entries > 0)
		return &e->iq;
	if (e->sq.entries > 0 && e->state == ORDO_STATE_OPERATIONAL &&
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

	if ((q = next_queue(e)) == NULL || (h = q_peek(q)) == NULL)
		return false;
	if (sl->seq != 0) /* released long ago (store.c); never here */
		eng_store_free(e, &e->store, sl);
	if (h->kind == QE_FRAME) {
		/* Packed at submit time: only the headers are left. */
		const struct qframe *f = (const struct qframe *)h;

		pkt = f->pkt;
		handle = f->handle;
		p = pkt + PKT_HDRS + h->len;
		nrec = h->msg_type;
		dflags = h->service;
		q_pop(q, h);
		goto stamp;
	}
	pkt = eng_frame_alloc(e, &handle);
	if (pkt == NULL) /* no frame ops, or none free: our own buffer,
			  * sent through send (a copy) */
		pkt = store_own(&e->store, seq);
	start = pkt + PKT_HDRS;
	p = start;

	while (room >= sizeof(struct ordo_wire_rec) &&
	       (q = next_queue(e)) != NULL && (h = q_peek(q)) != NULL &&
	       h->kind != QE_FRAME) {
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
		if (pkt != store_own(&e->store, seq))
			eng_frame_release(e, handle);
		return false;
	}
stamp:
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
