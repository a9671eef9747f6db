/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The wire tap; see tap.h. It decodes the wire format itself, from
 * include/ordo/wire.h, and shares no code with the engine's codec: a bug
 * there must not hide here.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"

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
	uint32_t sender, len;
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
	uint32_t i;

	free(t->seq);
	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		free(t->hold[i]);
	memset(t, 0, sizeof(*t));
}

void tap_reset(struct tap *t, struct plan *plan, uint32_t n_nodes)
{
	uint64_t used = t->max_seq + 1 < t->cap ? t->max_seq + 1 : t->cap;
	uint32_t i;

	/* Only what the last run touched needs clearing. */
	if (t->seq != NULL)
		memset(t->seq, 0, used * sizeof(t->seq[0]));
	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		if (t->hold[i] != NULL)
			memset(t->hold[i], 0xff, used * sizeof(uint64_t));
	t->plan = plan;
	t->n_nodes = n_nodes;
	t->max_seq = 0;
	memset(t->stream, 0, sizeof(t->stream));
	report_clear(&t->wire);
}

/* Make seq s addressable; false (and a report) when it is absurd. */
static bool reach(struct tap *t, uint64_t s)
{
	uint64_t cap = t->cap ? t->cap : 4096, old = t->cap;
	uint32_t i;

	if (s < t->cap)
		goto ok;
	if (s >= TAP_MAX_SEQ) {
		report_violation(&t->wire, CHK_WIRE,
				 "sequence %llu beyond the tap's range",
				 (unsigned long long)s);
		return false;
	}
	while (cap <= s)
		cap *= 2;
	{
		struct tap_seq *q = realloc(t->seq, cap * sizeof(*q));

		if (q == NULL)
			goto oom;
		t->seq = q;
		memset(q + old, 0, (cap - old) * sizeof(*q));
	}
	for (i = 0; i < ORDO_MAX_MEMBERS; i++) {
		uint64_t *h = realloc(t->hold[i], cap * sizeof(*h));

		if (h == NULL)
			goto oom;
		t->hold[i] = h;
		memset(h + old, 0xff, (cap - old) * sizeof(*h));
	}
	t->cap = cap;
ok:
	if (s > t->max_seq)
		t->max_seq = s;
	return true;
oom:
	/* Arrays already grown keep their new size; cap stays the old one. */
	report_violation(&t->wire, CHK_SIM, "tap out of memory at seq %llu",
			 (unsigned long long)s);
	return false;
}

static inline void hold(struct tap *t, uint32_t i, uint64_t s, uint64_t now)
{
	if (now < t->hold[i][s])
		t->hold[i][s] = now;
}

/* The header bytes are complete: find the message in the plan. */
static void identify(struct tap *t, struct tap_stream *st, uint32_t origin,
		     uint64_t s)
{
	struct payload_hdr h;

	payload_parse(st->hdr, PAYLOAD_HDR_LEN, &h);
	st->msg = h.origin == origin ? plan_find(t->plan, h.origin, h.counter)
				     : WL_NONE;
	if (st->msg == WL_NONE) {
		report_violation(&t->wire, CHK_WIRE,
				 "seq %llu from node %u starts a message that "
				 "was never submitted (origin %u counter %u)",
				 (unsigned long long)s, origin, h.origin,
				 h.counter);
		return;
	}
	t->plan->msgs[st->msg].first_seq = st->first_seq;
}

/* One record of an originator's first transmission of seq s. */
static void stream_rec(struct tap *t, uint32_t origin, uint64_t s,
		       const uint8_t *data, uint32_t len, uint8_t flags)
{
	struct tap_stream *st = &t->stream[origin - 1];

	if (flags & ORDO_REC_F_FIRST) {
		if (st->open)
			report_violation(&t->wire, CHK_WIRE,
					 "seq %llu: node %u starts a message "
					 "before finishing the one from seq %llu",
					 (unsigned long long)s, origin,
					 (unsigned long long)st->first_seq);
		memset(st, 0, sizeof(*st));
		st->open = true;
		st->msg = WL_NONE;
		st->first_seq = s;
	} else if (!st->open) {
		report_violation(&t->wire, CHK_WIRE,
				 "seq %llu: node %u continues a message it "
				 "never started", (unsigned long long)s, origin);
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
			t->plan->msgs[st->msg].last_seq = s;
		st->open = false;
	}
}

/* The first transmission of seq s: check it and follow its records. */
static void first_sighting(struct tap *t, uint32_t i, const uint8_t *p,
			   const struct data_view *v)
{
	uint32_t off = HDR_LEN + DATA_LEN, n;
	struct tap_seq *q = &t->seq[v->seq];

	q->seen = true;
	q->origin = v->sender;
	q->len = v->len;
	q->digest = payload_digest(p, v->len);
	if (v->sender != i + 1) {
		report_violation(&t->wire, CHK_WIRE,
				 "seq %llu first sent by node %u but names "
				 "node %u as its sender",
				 (unsigned long long)v->seq, i + 1, v->sender);
		return;
	}
	for (n = 0; n < v->nrec; n++) {
		uint32_t rlen;

		if (v->len - off < REC_LEN ||
		    (rlen = rd32(p + off)) > v->len - off - REC_LEN) {
			report_violation(&t->wire, CHK_WIRE,
					 "seq %llu from node %u: record %u "
					 "overruns the packet",
					 (unsigned long long)v->seq, i + 1, n);
			return;
		}
		stream_rec(t, v->sender, v->seq, p + off + REC_LEN, rlen,
			   p[off + 7]);
		off += REC_LEN + rlen;
	}
	if (off != v->len)
		report_violation(&t->wire, CHK_WIRE,
				 "seq %llu from node %u: %u records leave %u "
				 "bytes over", (unsigned long long)v->seq,
				 i + 1, v->nrec, v->len - off);
}

void tap_sent(struct tap *t, uint32_t i, const void *pkt, uint32_t len,
	      uint64_t now)
{
	const uint8_t *p = pkt;
	struct data_view v;

	if (!data_view(p, len, &v)) {
		if (len >= 4 && p[3] == ORDO_PKT_DATA)
			report_violation(&t->wire, CHK_WIRE,
					 "node %u sent a malformed DATA packet "
					 "(%u bytes)", i + 1, len);
		return;
	}
	if (v.seq == 0 || v.sender == 0 || v.sender > t->n_nodes) {
		report_violation(&t->wire, CHK_WIRE,
				 "node %u sent DATA with seq %llu, sender %u",
				 i + 1, (unsigned long long)v.seq, v.sender);
		return;
	}
	if (!reach(t, v.seq))
		return;
	if (!t->seq[v.seq].seen)
		first_sighting(t, i, p, &v);
	else if (t->seq[v.seq].len != v.len ||
		 t->seq[v.seq].digest != payload_digest(p, v.len))
		report_violation(&t->wire, CHK_WIRE,
				 "node %u resent seq %llu with bytes that "
				 "differ from its first transmission",
				 i + 1, (unsigned long long)v.seq);
	hold(t, i, v.seq, now);
}

void tap_received(struct tap *t, uint32_t i, const void *pkt, uint32_t len,
		  uint64_t now, int rc)
{
	struct data_view v;

	if (rc != 0 || !data_view(pkt, len, &v) || v.seq >= t->cap)
		return;
	hold(t, i, v.seq, now);
}
