/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Packet codec. eng_codec_parse() is the only place received bytes are trusted:
 * it checks every length and field before any handler sees the packet, and
 * returns the drop reason the caller counts. Handlers then work on a
 * validated view and never re-check bounds.
 */
#include <errno.h>

#include "engine/engine_impl.h"

static int parse_data(struct pkt_view *v, const uint8_t *pkt)
{
	struct ordo_wire_data d;
	const uint8_t *p, *end;
	uint32_t n = 0;

	if (v->body_len < sizeof(d))
		return -ORDO_DROP_TRUNCATED;
	memcpy(&d, v->body, sizeof(d));
	v->seq = be64(d.seq);
	v->round = be32(d.round);
	v->nrec = be16(d.nrec);
	v->dflags = d.flags;
	if (v->seq == 0 || v->nrec == 0 || (d.flags & ~ORDO_DATA_F_SAFE))
		return -ORDO_DROP_BAD_RECORD;

	/* Records must tile the packet exactly. */
	p = v->body + sizeof(d);
	end = pkt + v->len;
	while (p < end) {
		struct ordo_wire_rec r;
		uint32_t len;

		if ((size_t)(end - p) < sizeof(r))
			return -ORDO_DROP_BAD_RECORD;
		memcpy(&r, p, sizeof(r));
		len = be32(r.len);
		p += sizeof(r);
		if (len > (size_t)(end - p))
			return -ORDO_DROP_BAD_RECORD;
		if ((r.service < ORDO_SVC_UNRELIABLE ||
		     r.service > ORDO_SVC_SAFE) && r.service != ORDO_SVC_INTERNAL)
			return -ORDO_DROP_BAD_RECORD;
		if (r.flags & ~ORDO_REC_F_WHOLE) /* 0 is a middle fragment */
			return -ORDO_DROP_BAD_RECORD;
		/* A SAFE record in a packet not marked SAFE would be delivered
		 * before it is stable: refuse the packet. */
		if (r.service == ORDO_SVC_SAFE && !(d.flags & ORDO_DATA_F_SAFE))
			return -ORDO_DROP_BAD_RECORD;
		p += len;
		n++;
	}
	if (n != v->nrec)
		return -ORDO_DROP_BAD_RECORD;
	return 0;
}

static int parse_token(struct pkt_view *v)
{
	struct ordo_wire_token t;
	uint32_t i;

	if (v->body_len < sizeof(t))
		return -ORDO_DROP_TRUNCATED;
	memcpy(&t, v->body, sizeof(t));
	v->tok.token_seq = be64(t.token_seq);
	v->tok.seq = be64(t.seq);
	v->tok.aru = be64(t.aru);
	v->tok.aru_id = be32(t.aru_id);
	v->tok.fcc = be32(t.fcc);
	v->tok.backlog = be32(t.backlog);
	v->tok.dest = be32(t.dest);
	v->tok.rtr_count = be16(t.rtr_count);
	v->tok.out_acc = be16(t.out_acc);
	v->tok.out_ring = be16(t.out_ring);
	v->rtr = v->body + sizeof(t);

	if (v->tok.rtr_count > ORDO_WIRE_RTR_MAX)
		return -ORDO_DROP_BAD_TOKEN;
	if (v->body_len != sizeof(t) + v->tok.rtr_count * sizeof(uint64_t))
		return -ORDO_DROP_BAD_LEN;
	if (v->tok.aru > v->tok.seq || v->tok.dest == 0)
		return -ORDO_DROP_BAD_TOKEN;
	for (i = 0; i < v->tok.rtr_count; i++) {
		uint64_t r;

		memcpy(&r, v->rtr + i * sizeof(r), sizeof(r));
		r = be64(r);
		if (r == 0 || r > v->tok.seq)
			return -ORDO_DROP_BAD_TOKEN;
	}
	return 0;
}

static int parse_join(struct pkt_view *v)
{
	struct ordo_wire_join j;
	uint32_t i, n;

	if (v->body_len < sizeof(j))
		return -ORDO_DROP_TRUNCATED;
	memcpy(&j, v->body, sizeof(j));
	v->incarnation = be32(j.incarnation);
	v->ring_seq_max = be32(j.ring_seq_max);
	v->n_proc = j.n_proc;
	v->n_fail = j.n_fail;
	v->n_heard = j.n_heard;
	v->n_out = j.n_out;
	v->jflags = j.flags;
	v->ids = v->body + sizeof(j);
	n = (uint32_t)j.n_proc + j.n_fail + j.n_heard + j.n_out;
	if (v->body_len != sizeof(j) + 4 * n)
		return -ORDO_DROP_BAD_LEN;
	if (j.n_proc < 1 || j.n_proc > ORDO_MAX_MEMBERS ||
	    v->ring_seq_max > ORDO_RING_SEQ_MAX ||
	    j.n_fail > ORDO_MAX_MEMBERS || j.n_heard > ORDO_MAX_MEMBERS ||
	    j.n_out > ORDO_MAX_MEMBERS ||
	    (j.flags & ~ORDO_JOIN_F_MATURE) ||
	    v->incarnation == 0)
		return -ORDO_DROP_BAD_JOIN;
	for (i = 0; i < n; i++)
		if (view_id(v->ids, i) == 0)
			return -ORDO_DROP_BAD_JOIN;
	return 0;
}

void eng_codec_memb_get(const uint8_t *memb, uint32_t i,
			struct ordo_wire_memb *m)
{
	memcpy(m, memb + i * sizeof(*m), sizeof(*m));
	m->id = be32(m->id);
	m->incarnation = be32(m->incarnation);
	m->old_rep = be32(m->old_rep);
	m->old_seq = be32(m->old_seq);
	m->old_aru = be64(m->old_aru);
	m->old_high = be64(m->old_high);
	m->old_safe = be64(m->old_safe);
	m->filled = be32(m->filled);
}

void eng_codec_memb_put(uint8_t *memb, uint32_t i,
			const struct ordo_wire_memb *m)
{
	struct ordo_wire_memb w = {
		.id = be32(m->id),
		.incarnation = be32(m->incarnation),
		.old_rep = be32(m->old_rep),
		.old_seq = be32(m->old_seq),
		.old_aru = be64(m->old_aru),
		.old_high = be64(m->old_high),
		.old_safe = be64(m->old_safe),
		.filled = be32(m->filled),
	};

	memcpy(memb + i * sizeof(w), &w, sizeof(w));
}

static int parse_commit(struct pkt_view *v)
{
	struct ordo_wire_commit c;
	uint32_t i, prev = 0;

	if (v->body_len < sizeof(c))
		return -ORDO_DROP_TRUNCATED;
	memcpy(&c, v->body, sizeof(c));
	v->c_dest = be32(c.dest);
	v->c_hop = be16(c.hop);
	v->c_n = c.n_memb;
	v->memb = v->body + sizeof(c);
	if (v->body_len != sizeof(c) + c.n_memb * sizeof(struct ordo_wire_memb))
		return -ORDO_DROP_BAD_LEN;
	if (c.n_memb < 1 || c.n_memb > ORDO_MAX_MEMBERS || v->c_dest == 0 ||
	    v->ring_seq == 0)
		return -ORDO_DROP_BAD_JOIN;
	for (i = 0; i < c.n_memb; i++) {
		struct ordo_wire_memb m;

		eng_codec_memb_get(v->memb, i, &m);
		/* Ascending ids, the first being the new ring's representative. */
		if (m.id <= prev || m.incarnation == 0 || m.old_aru > m.old_high ||
		    m.filled > 1 || (i == 0 && m.id != v->ring_rep))
			return -ORDO_DROP_BAD_JOIN;
		prev = m.id;
	}
	return 0;
}

static int parse_beacon(struct pkt_view *v)
{
	struct ordo_wire_beacon b;

	if (v->body_len != sizeof(b))
		return -ORDO_DROP_BAD_LEN;
	memcpy(&b, v->body, sizeof(b));
	v->incarnation = be32(b.incarnation);
	v->b_out = be16(b.out);
	/* Sent by a member of the ring it names: its representative every
	 * merge_detect_ns, any member in answer to an outsider (mend.c). */
	if (v->incarnation == 0 || v->ring_seq == 0 || v->ring_rep == 0)
		return -ORDO_DROP_BAD_JOIN;
	return 0;
}

int eng_codec_parse(const void *buf, uint32_t len, uint32_t config_hash,
		    struct pkt_view *v)
{
	const uint8_t *pkt = buf;
	struct ordo_wire_hdr h;

	if (pkt == NULL || len < sizeof(h))
		return -ORDO_DROP_TRUNCATED;
	memcpy(&h, pkt, sizeof(h));
	if (be16(h.magic) != ORDO_WIRE_MAGIC)
		return -ORDO_DROP_BAD_MAGIC;
	if (h.version != ORDO_WIRE_VERSION)
		return -ORDO_DROP_BAD_VERSION;
	v->len = be32(h.len);
	/* Links may pad short frames: bytes past the header's length are
	 * ignored, but the header may never claim more than arrived. */
	if (v->len < sizeof(h) || v->len > len || v->len > ORDO_WIRE_MAX_MTU)
		return -ORDO_DROP_BAD_LEN;
	if (be32(h.config_hash) != config_hash)
		return -ORDO_DROP_CONFIG;
	v->type = h.type;
	v->sender = be32(h.sender);
	v->ring_rep = be32(h.ring_rep);
	v->ring_seq = be32(h.ring_seq);
	if (v->ring_seq > ORDO_RING_SEQ_MAX)
		return -ORDO_DROP_FOREIGN_RING;
	v->body = pkt + sizeof(h);
	v->body_len = v->len - sizeof(h);

	switch (h.type) {
	case ORDO_PKT_DATA:
		return parse_data(v, pkt);
	case ORDO_PKT_TOKEN:
		return parse_token(v);
	case ORDO_PKT_JOIN:
		return parse_join(v);
	case ORDO_PKT_COMMIT:
		return parse_commit(v);
	case ORDO_PKT_BEACON:
		return parse_beacon(v);
	default:
		return -ORDO_DROP_BAD_TYPE;
	}
}

void eng_codec_write_hdr(void *buf, uint8_t type, uint32_t config_hash,
			 uint32_t sender, uint32_t len, uint32_t ring_rep,
			 uint32_t ring_seq)
{
	struct ordo_wire_hdr h = {
		.magic = be16(ORDO_WIRE_MAGIC),
		.version = ORDO_WIRE_VERSION,
		.type = type,
		.config_hash = be32(config_hash),
		.sender = be32(sender),
		.len = be32(len),
		.ring_rep = be32(ring_rep),
		.ring_seq = be32(ring_seq),
	};

	memcpy(buf, &h, sizeof(h));
}

uint32_t eng_codec_write_token(void *buf, const struct ordo_wire_token *tok,
			       const uint64_t *rtr, uint32_t config_hash,
			       uint32_t sender, uint32_t ring_rep,
			       uint32_t ring_seq)
{
	uint8_t *p = buf;
	uint32_t len = sizeof(struct ordo_wire_hdr) + sizeof(*tok) +
		       tok->rtr_count * sizeof(uint64_t);
	struct ordo_wire_token t = {
		.token_seq = be64(tok->token_seq),
		.seq = be64(tok->seq),
		.aru = be64(tok->aru),
		.aru_id = be32(tok->aru_id),
		.fcc = be32(tok->fcc),
		.backlog = be32(tok->backlog),
		.dest = be32(tok->dest),
		.rtr_count = be16(tok->rtr_count),
		.out_acc = be16(tok->out_acc),
		.out_ring = be16(tok->out_ring),
	};
	uint32_t i;

	eng_codec_write_hdr(p, ORDO_PKT_TOKEN, config_hash, sender, len,
			    ring_rep, ring_seq);
	p += sizeof(struct ordo_wire_hdr);
	memcpy(p, &t, sizeof(t));
	p += sizeof(t);
	for (i = 0; i < tok->rtr_count; i++) {
		uint64_t r = be64(rtr[i]);

		memcpy(p + i * sizeof(r), &r, sizeof(r));
	}
	return len;
}
