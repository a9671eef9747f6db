/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The wire tap; see tap.h. It decodes the wire format itself, from
 * include/ordo/wire.h, and shares no code with the engine's codec: a bug
 * there must not hide here.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/sim/tap.h"

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

/* Offsets inside a DATA packet, from wire.h's layouts. */
#define HDR_LEN   ((uint32_t)sizeof(struct ordo_wire_hdr))
#define DATA_LEN  ((uint32_t)sizeof(struct ordo_wire_data))
#define REC_LEN   ((uint32_t)sizeof(struct ordo_wire_rec))

struct data_view {
	uint32_t sender, len, rep, rseq;
	uint64_t seq;
	uint16_t nrec;
};

/* A DATA packet's header fields; false for anything else. Structural
 * errors in a DATA packet are reported by the caller (sent) or ignored
 * (received: the engine has already judged it). */
static bool data_view(const uint8_t *p, uint32_t len, struct data_view *v)
{
	if (len < HDR_LEN + DATA_LEN || rd16(p) != ORDO_WIRE_MAGIC ||
	    p[3] != ORDO_PKT_DATA)
		return false;
	v->sender = rd32(p + 8);
	v->len = rd32(p + 12);
	v->rep = rd32(p + 16);
	v->rseq = rd32(p + 20);
	v->seq = rd64(p + HDR_LEN);
	v->nrec = rd16(p + HDR_LEN + 12);
	return v->len <= len && v->len >= HDR_LEN + DATA_LEN;
}

void tap_init(struct tap *t)
{
	memset(t, 0, sizeof(*t));
}

void tap_fini(struct tap *t)
{
	uint32_t i, p;

	for (i = 0; i < t->cap_rings; i++) {
		free(t->rings[i].seqs);
		for (p = 0; p < SIM_MAX_PROCS; p++)
			free(t->rings[i].hold[p]);
	}
	free(t->rings);
	for (p = 0; p < SIM_MAX_PROCS; p++)
		free(t->stream[p].ibuf);
	memset(t, 0, sizeof(*t));
}

void tap_reset(struct tap *t, struct plan *plan, uint32_t n_nodes)
{
	uint32_t i, p;

	/* Ring slots keep their arrays for the next run; only what the last
	 * run touched needs clearing. */
	for (i = 0; i < t->n_rings; i++) {
		struct tap_ring *r = &t->rings[i];
		uint64_t used = r->max_seq + 1 < r->cap ? r->max_seq + 1 :
							  r->cap;

		if (r->seqs != NULL)
			memset(r->seqs, 0, used * sizeof(r->seqs[0]));
		for (p = 0; p < SIM_MAX_PROCS; p++)
			if (r->hold[p] != NULL)
				memset(r->hold[p], 0xff, used * sizeof(uint64_t));
		r->max_seq = 0;
	}
	t->n_rings = 0;
	t->plan = plan;
	t->n_nodes = n_nodes;
	t->carried = 0;
	memset(t->proc_node, 0, sizeof(t->proc_node));
	for (p = 0; p < SIM_MAX_PROCS; p++) {
		uint8_t *b = t->stream[p].ibuf;

		memset(&t->stream[p], 0, sizeof(t->stream[p]));
		t->stream[p].ring = -1;
		t->stream[p].ibuf = b;
	}
	report_clear(&t->wire);
}

void tap_proc(struct tap *t, uint32_t proc, uint32_t node)
{
	if (proc < SIM_MAX_PROCS)
		t->proc_node[proc] = node;
}

static int32_t ring_index(const struct tap *t, uint32_t rep, uint32_t seq)
{
	uint32_t i;

	/* Newest first: a packet is almost always of a recent ring. */
	for (i = t->n_rings; i-- > 0;)
		if (t->rings[i].rep == rep && t->rings[i].seq == seq)
			return (int32_t)i;
	return -1;
}

const struct tap_ring *tap_ring_find(const struct tap *t, uint32_t rep,
				     uint32_t seq)
{
	int32_t i = ring_index(t, rep, seq);

	return i < 0 ? NULL : &t->rings[i];
}

static int32_t ring_add(struct tap *t, uint32_t rep, uint32_t seq)
{
	struct tap_ring *r;

	if (t->n_rings == t->cap_rings) {
		uint32_t cap = t->cap_rings ? 2 * t->cap_rings : 16;

		r = realloc(t->rings, cap * sizeof(*r));
		if (r == NULL) {
			report_violation(&t->wire, CHK_SIM, "tap out of memory");
			return -1;
		}
		memset(r + t->cap_rings, 0,
		       (cap - t->cap_rings) * sizeof(*r));
		t->rings = r;
		t->cap_rings = cap;
	}
	r = &t->rings[t->n_rings];
	r->rep = rep;
	r->seq = seq;
	r->max_seq = 0;
	return (int32_t)t->n_rings++;
}

/* Make seq s of ring r addressable; false (and a report) when absurd. */
static bool reach(struct tap *t, struct tap_ring *r, uint64_t s)
{
	uint64_t cap = r->cap ? r->cap : 64, old = r->cap;
	uint32_t p;

	if (s < r->cap)
		goto ok;
	if (s >= TAP_MAX_SEQ) {
		report_violation(&t->wire, CHK_WIRE,
				 "sequence %llu of ring %u/%u beyond the tap's "
				 "range", (unsigned long long)s, r->rep, r->seq);
		return false;
	}
	while (cap <= s)
		cap *= 2;
	{
		struct tap_seq *q = realloc(r->seqs, cap * sizeof(*q));

		if (q == NULL)
			goto oom;
		r->seqs = q;
		memset(q + old, 0, (cap - old) * sizeof(*q));
	}
	for (p = 0; p < SIM_MAX_PROCS; p++) {
		uint64_t *h;

		if (r->hold[p] == NULL)
			continue;
		h = realloc(r->hold[p], cap * sizeof(*h));
		if (h == NULL)
			goto oom;
		r->hold[p] = h;
		memset(h + old, 0xff, (cap - old) * sizeof(*h));
	}
	r->cap = cap;
ok:
	if (s > r->max_seq)
		r->max_seq = s;
	return true;
oom:
	/* Arrays already grown keep their new size; cap stays the old one. */
	report_violation(&t->wire, CHK_SIM, "tap out of memory at seq %llu",
			 (unsigned long long)s);
	return false;
}

static void hold(struct tap *t, struct tap_ring *r, uint32_t proc,
		 uint64_t s, uint64_t now)
{
	if (r->hold[proc] == NULL) {
		r->hold[proc] = malloc(r->cap * sizeof(uint64_t));
		if (r->hold[proc] == NULL) {
			report_violation(&t->wire, CHK_SIM, "tap out of memory");
			return;
		}
		memset(r->hold[proc], 0xff, r->cap * sizeof(uint64_t));
	}
	if (now < r->hold[proc][s])
		r->hold[proc][s] = now;
}

/* The header bytes are complete: find the message in the plan. */
static void identify(struct tap *t, struct tap_stream *st, uint32_t origin,
		     uint64_t s)
{
	struct payload_hdr h;

	payload_parse(st->hdr, PAYLOAD_HDR_LEN, &h);
	st->msg = h.origin == origin ? plan_find(t->plan, h.origin, h.counter)
				     : WL_NONE;
	if (st->msg == WL_NONE)
		report_violation(&t->wire, CHK_WIRE,
				 "seq %llu from node %u starts a message that "
				 "was never submitted (origin %u counter %u)",
				 (unsigned long long)s, origin, h.origin,
				 h.counter);
}

/* A message's last record: it was sent whole in ring r. */
static void sent_whole(struct tap *t, const struct tap_stream *st,
		       const struct tap_ring *r, uint64_t s)
{
	struct plan_msg *m = &t->plan->msgs[st->msg];

	if (m->first_seq != 0) {
		report_violation(&t->wire, CHK_WIRE,
				 "msg %u:%u sent whole twice: in ring %u/%u "
				 "(seq %llu) and in ring %u/%u (seq %llu)",
				 m->origin, m->counter, m->send_rep,
				 m->send_seq, (unsigned long long)m->first_seq,
				 r->rep, r->seq,
				 (unsigned long long)st->first_seq);
		return;
	}
	m->send_rep = r->rep;
	m->send_seq = r->seq;
	m->first_seq = st->first_seq;
	m->last_seq = s;
}

/* One client record of an originator's first transmission of seq s. */
static void stream_rec(struct tap *t, struct tap_stream *st,
		       const struct tap_ring *r, uint32_t origin, uint64_t s,
		       const uint8_t *data, uint32_t len, uint8_t flags)
{
	if (flags & ORDO_REC_F_FIRST) {
		if (st->open)
			report_violation(&t->wire, CHK_WIRE,
					 "seq %llu: node %u starts a message "
					 "before finishing the one from seq %llu",
					 (unsigned long long)s, origin,
					 (unsigned long long)st->first_seq);
		st->open = true;
		st->msg = WL_NONE;
		st->first_seq = s;
		st->got = 0;
	} else if (!st->open) {
		report_violation(&t->wire, CHK_WIRE,
				 "seq %llu: node %u continues a message it "
				 "never started", (unsigned long long)s, origin);
		return;
	}
	if (t->opaque) {
		st->open = !(flags & ORDO_REC_F_LAST);
		return;
	}
	if (st->got < PAYLOAD_HDR_LEN) {
		uint32_t n = PAYLOAD_HDR_LEN - st->got;

		n = len < n ? len : n;
		memcpy(st->hdr + st->got, data, n);
		st->got += n;
		if (st->got == PAYLOAD_HDR_LEN)
			identify(t, st, origin, s);
	}
	if (flags & ORDO_REC_F_LAST) {
		if (st->got < PAYLOAD_HDR_LEN)
			report_violation(&t->wire, CHK_WIRE,
					 "seq %llu: node %u sent a %u-byte "
					 "message, shorter than any submitted",
					 (unsigned long long)s, origin, st->got);
		else if (st->msg != WL_NONE)
			sent_whole(t, st, r, s);
		st->open = false;
	}
}

/* A complete INTERNAL message: if it is an old ring's DATA packet, it must
 * be exactly what that packet's originator first sent. */
static void carried(struct tap *t, uint32_t proc, const uint8_t *p,
		    uint32_t len, uint64_t s)
{
	const struct tap_ring *r;
	struct data_view v;

	if (!data_view(p, len, &v) || v.len != len)
		return; /* not a packet: the engine's own bookkeeping */
	t->carried++;
	r = tap_ring_find(t, v.rep, v.rseq);
	if (r == NULL || v.seq >= r->cap || !r->seqs[v.seq].seen) {
		report_violation(&t->wire, CHK_WIRE,
				 "node %u's recovery message ending at seq "
				 "%llu carries seq %llu of ring %u/%u, which "
				 "was never sent", t->proc_node[proc],
				 (unsigned long long)s,
				 (unsigned long long)v.seq, v.rep, v.rseq);
		return;
	}
	if (r->seqs[v.seq].len != len ||
	    r->seqs[v.seq].digest != payload_digest(p, len))
		report_violation(&t->wire, CHK_WIRE,
				 "node %u's recovery message ending at seq "
				 "%llu carries seq %llu of ring %u/%u with "
				 "bytes that differ from its first "
				 "transmission", t->proc_node[proc],
				 (unsigned long long)s,
				 (unsigned long long)v.seq, v.rep, v.rseq);
}

/* One INTERNAL record of a first transmission. */
static void internal_rec(struct tap *t, uint32_t proc, struct tap_stream *st,
			 uint64_t s, const uint8_t *data, uint32_t len,
			 uint8_t flags)
{
	if (flags & ORDO_REC_F_FIRST) {
		st->iopen = true;
		st->ibad = false;
		st->ilen = 0;
	} else if (!st->iopen) {
		return; /* its start was sent in another ring */
	}
	if (st->ibuf == NULL)
		st->ibuf = malloc(ORDO_WIRE_MAX_MTU);
	if (st->ibuf == NULL || len > ORDO_WIRE_MAX_MTU - st->ilen)
		st->ibad = true;
	if (!st->ibad) {
		memcpy(st->ibuf + st->ilen, data, len);
		st->ilen += len;
	}
	if (flags & ORDO_REC_F_LAST) {
		if (!st->ibad)
			carried(t, proc, st->ibuf, st->ilen, s);
		st->iopen = false;
	}
}

/* The first transmission of seq s: check it and follow its records. */
static void first_sighting(struct tap *t, uint32_t proc, int32_t ri,
			   const uint8_t *p, const struct data_view *v)
{
	struct tap_ring *r = &t->rings[ri];
	struct tap_stream *st = &t->stream[proc];
	uint32_t off = HDR_LEN + DATA_LEN, n;
	struct tap_seq *q = &r->seqs[v->seq];

	q->seen = true;
	q->origin = v->sender;
	q->len = v->len;
	q->digest = payload_digest(p, v->len);
	if (v->sender != t->proc_node[proc]) {
		report_violation(&t->wire, CHK_WIRE,
				 "seq %llu of ring %u/%u first sent by node %u "
				 "but names node %u as its sender",
				 (unsigned long long)v->seq, r->rep, r->seq,
				 t->proc_node[proc], v->sender);
		return;
	}
	if (st->ring != ri) {
		/* A new ring: what was unfinished in the old one is dropped
		 * there and sent again, whole, here. */
		st->ring = ri;
		st->open = false;
		st->iopen = false;
	}
	for (n = 0; n < v->nrec; n++) {
		uint32_t rlen;

		if (v->len - off < REC_LEN ||
		    (rlen = rd32(p + off)) > v->len - off - REC_LEN) {
			report_violation(&t->wire, CHK_WIRE,
					 "seq %llu from node %u: record %u "
					 "overruns the packet",
					 (unsigned long long)v->seq, v->sender,
					 n);
			return;
		}
		if (p[off + 6] == ORDO_SVC_INTERNAL)
			internal_rec(t, proc, st, v->seq, p + off + REC_LEN,
				     rlen, p[off + 7]);
		else
			stream_rec(t, st, r, v->sender, v->seq,
				   p + off + REC_LEN, rlen, p[off + 7]);
		off += REC_LEN + rlen;
	}
	if (off != v->len)
		report_violation(&t->wire, CHK_WIRE,
				 "seq %llu from node %u: %u records leave %u "
				 "bytes over", (unsigned long long)v->seq,
				 v->sender, v->nrec, v->len - off);
}

void tap_sent(struct tap *t, uint32_t proc, const void *pkt, uint32_t len,
	      uint64_t now)
{
	const uint8_t *p = pkt;
	struct data_view v;
	struct tap_ring *r;
	int32_t ri;

	if (proc >= SIM_MAX_PROCS)
		return;
	if (!data_view(p, len, &v)) {
		if (len >= 4 && p[3] == ORDO_PKT_DATA)
			report_violation(&t->wire, CHK_WIRE,
					 "node %u sent a malformed DATA packet "
					 "(%u bytes)", t->proc_node[proc], len);
		return;
	}
	if (v.seq == 0 || v.sender == 0 || v.sender > t->n_nodes) {
		report_violation(&t->wire, CHK_WIRE,
				 "node %u sent DATA with seq %llu, sender %u",
				 t->proc_node[proc], (unsigned long long)v.seq,
				 v.sender);
		return;
	}
	ri = ring_index(t, v.rep, v.rseq);
	if (ri < 0 && (ri = ring_add(t, v.rep, v.rseq)) < 0)
		return;
	r = &t->rings[ri];
	if (!reach(t, r, v.seq))
		return;
	if (!r->seqs[v.seq].seen) {
		first_sighting(t, proc, ri, p, &v);
	} else if (tap_held_at(r, proc, v.seq) == UINT64_MAX) {
		/* Only a process that holds a packet can resend it: this is
		 * another ring under a used ring id (a restarted node that
		 * forgot its ring sequence numbers). */
		report_violation(&t->wire, CHK_WIRE,
				 "node %u sent seq %llu of ring %u/%u, which "
				 "it never held: the ring id was used before "
				 "(its first seq %llu came from node %u)",
				 t->proc_node[proc], (unsigned long long)v.seq,
				 r->rep, r->seq, (unsigned long long)v.seq,
				 r->seqs[v.seq].origin);
	} else if (r->seqs[v.seq].len != v.len ||
		 r->seqs[v.seq].digest != payload_digest(p, v.len))
		report_violation(&t->wire, CHK_WIRE,
				 "node %u resent seq %llu of ring %u/%u with "
				 "bytes that differ from its first "
				 "transmission", t->proc_node[proc],
				 (unsigned long long)v.seq, r->rep, r->seq);
	hold(t, r, proc, v.seq, now);
}

void tap_received(struct tap *t, uint32_t proc, const void *pkt,
		  uint32_t len, uint64_t now, int rc)
{
	struct data_view v;
	int32_t ri;

	if (rc != 0 || proc >= SIM_MAX_PROCS || !data_view(pkt, len, &v))
		return;
	ri = ring_index(t, v.rep, v.rseq);
	if (ri < 0 || v.seq >= t->rings[ri].cap)
		return; /* never sent: the engine accepted a forgery */
	hold(t, &t->rings[ri], proc, v.seq, now);
}
