/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Packet codec. codec_parse() is the only place received bytes are trusted:
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
		if (r.service < ORDO_SVC_UNRELIABLE || r.service > ORDO_SVC_SAFE)
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

int codec_parse(const void *buf, uint32_t len, uint32_t config_hash,
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
	v->body = pkt + sizeof(h);
	v->body_len = v->len - sizeof(h);

	switch (h.type) {
	case ORDO_PKT_DATA:
		return parse_data(v, pkt);
	case ORDO_PKT_TOKEN:
		return parse_token(v);
	default:
		return -ORDO_DROP_BAD_TYPE;
	}
}

void codec_write_hdr(void *buf, uint8_t type, uint32_t config_hash,
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

uint32_t codec_write_token(void *buf, const struct ordo_wire_token *tok,
			   const uint64_t *rtr, uint32_t config_hash,
			   uint32_t sender, uint32_t ring_rep, uint32_t ring_seq)
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
	};
	uint32_t i;

	codec_write_hdr(p, ORDO_PKT_TOKEN, config_hash, sender, len, ring_rep,
			ring_seq);
	p += sizeof(struct ordo_wire_hdr);
	memcpy(p, &t, sizeof(t));
	p += sizeof(t);
	for (i = 0; i < tok->rtr_count; i++) {
		uint64_t r = be64(rtr[i]);

		memcpy(p + i * sizeof(r), &r, sizeof(r));
	}
	return len;
}
