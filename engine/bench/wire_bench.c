/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Wire encode/decode fixture (see wire_bench.h). A batch is BATCH packets
 * in separate buffers, as a burst from a NIC would be, so a decode is not
 * the same cache line parsed over and over.
 */
#include <errno.h>
#include <stdlib.h>

#include "engine/bench/wire_bench.h"
#include "engine/engine_impl.h"

#define BATCH 32u
#define HASH 0xbe4c
#define SENDER 7u

struct wire_bench {
	enum wire_bench_op op;
	uint32_t stride, len, nrec, rtr_count;
	uint8_t *bufs;               /* BATCH packets, stride bytes apart */
	uint64_t rtr[ORDO_WIRE_RTR_MAX];
	uint64_t seq;                /* of the next DATA packet encoded */
	uint64_t checksum;           /* what decoding saw: keeps it honest */
};

/* A DATA packet as packing builds it: records of msg_size bytes while
 * they fit, or one fragment filling the packet. Returns its length. */
static uint32_t build_data(uint8_t *pkt, uint32_t mtu, uint32_t msg_size,
			   uint64_t seq, uint32_t *nrec)
{
	const uint32_t hl = sizeof(struct ordo_wire_hdr) +
			    sizeof(struct ordo_wire_data);
	const uint32_t rl = sizeof(struct ordo_wire_rec);
	uint32_t off = hl, n = 0;
	struct ordo_wire_data d = { .seq = be64(seq), .round = be32(1) };

	if (hl + rl + msg_size > mtu) { /* a fragment: fill the packet */
		struct ordo_wire_rec r = {
			.len = be32(mtu - hl - rl),
			.msg_type = be16(1),
			.service = ORDO_SVC_AGREED,
			.flags = ORDO_REC_F_FIRST,
		};

		memcpy(pkt + off, &r, rl);
		memset(pkt + off + rl, 0xab, mtu - hl - rl);
		off = mtu;
		n = 1;
	}
	while (off + rl + msg_size <= mtu) {
		struct ordo_wire_rec r = {
			.len = be32(msg_size),
			.msg_type = be16(1),
			.service = ORDO_SVC_AGREED,
			.flags = ORDO_REC_F_WHOLE,
		};

		memcpy(pkt + off, &r, rl);
		memset(pkt + off + rl, 0xab, msg_size);
		off += rl + msg_size;
		n++;
	}
	d.nrec = be16((uint16_t)n);
	eng_codec_write_hdr(pkt, ORDO_PKT_DATA, HASH, SENDER, off, 1, 1);
	memcpy(pkt + sizeof(struct ordo_wire_hdr), &d, sizeof(d));
	*nrec = n;
	return off;
}

static void token_of(struct ordo_wire_token *t, uint32_t rtr_count,
		     uint64_t token_seq)
{
	memset(t, 0, sizeof(*t));
	t->token_seq = token_seq;
	t->seq = 1000000;
	t->aru = 999000;
	t->aru_id = SENDER;
	t->fcc = 100;
	t->backlog = 50;
	t->dest = SENDER + 1;
	t->rtr_count = (uint16_t)rtr_count;
}

struct wire_bench *wire_bench_create(enum wire_bench_op op, uint32_t mtu,
				     uint32_t msg_size, uint32_t rtr)
{
	struct wire_bench *b = calloc(1, sizeof(*b));
	struct ordo_wire_token t;
	uint32_t i;

	if (b == NULL)
		return NULL;
	b->op = op;
	b->stride = (mtu + 63u) & ~63u;
	b->rtr_count = rtr < ORDO_WIRE_RTR_MAX ? rtr : ORDO_WIRE_RTR_MAX;
	for (i = 0; i < ORDO_WIRE_RTR_MAX; i++)
		b->rtr[i] = 999001 + 3 * i;
	if (mtu < ORDO_WIRE_MIN_MTU || mtu > ORDO_WIRE_MAX_MTU || msg_size == 0 ||
	    posix_memalign((void **)&b->bufs, 64, (size_t)BATCH * b->stride))
		goto fail;
	memset(b->bufs, 0, (size_t)BATCH * b->stride);
	b->seq = 1;
	for (i = 0; i < BATCH; i++) {
		uint8_t *p = b->bufs + (size_t)i * b->stride;

		if (op == WIRE_DECODE_DATA || op == WIRE_ENCODE_DATA_HDR) {
			b->len = build_data(p, mtu, msg_size, i + 1, &b->nrec);
		} else {
			token_of(&t, b->rtr_count, i + 1);
			b->len = eng_codec_write_token(p, &t, b->rtr, HASH,
						       SENDER, 1, 1);
		}
	}
	return b;
fail:
	wire_bench_destroy(b);
	errno = EINVAL;
	return NULL;
}

void wire_bench_destroy(struct wire_bench *b)
{
	if (b == NULL)
		return;
	free(b->bufs);
	free(b);
}

/* The header part of a DATA packet, as build_one() writes it once its
 * records are in place. */
static void encode_data_hdr(struct wire_bench *b, uint8_t *pkt)
{
	struct ordo_wire_data d = {
		.seq = be64(b->seq++),
		.round = be32(1),
		.nrec = be16((uint16_t)b->nrec),
	};

	eng_codec_write_hdr(pkt, ORDO_PKT_DATA, HASH, SENDER, b->len, 1, 1);
	memcpy(pkt + sizeof(struct ordo_wire_hdr), &d, sizeof(d));
}

int64_t wire_bench_run(struct wire_bench *b)
{
	struct ordo_wire_token t;
	struct pkt_view v;
	uint32_t i;

	for (i = 0; i < BATCH; i++) {
		uint8_t *p = b->bufs + (size_t)i * b->stride;

		switch (b->op) {
		case WIRE_ENCODE_DATA_HDR:
			encode_data_hdr(b, p);
			break;
		case WIRE_ENCODE_TOKEN:
			token_of(&t, b->rtr_count, b->seq++);
			if (eng_codec_write_token(p, &t, b->rtr, HASH, SENDER,
						  1, 1) != b->len)
				return -1;
			break;
		case WIRE_DECODE_DATA:
		case WIRE_DECODE_TOKEN:
			if (eng_codec_parse(p, b->len, HASH, &v) != 0)
				return -1;
			b->checksum += v.type == ORDO_PKT_DATA ? v.nrec
							       : v.tok.rtr_count;
			break;
		default:
			return -1;
		}
	}
	return BATCH;
}

uint32_t wire_bench_packet_len(const struct wire_bench *b)
{
	return b->len;
}

uint32_t wire_bench_op_bytes(const struct wire_bench *b)
{
	if (b->op == WIRE_ENCODE_DATA_HDR)
		return sizeof(struct ordo_wire_hdr) +
		       sizeof(struct ordo_wire_data);
	return b->len;
}

uint32_t wire_bench_records(const struct wire_bench *b)
{
	return b->nrec;
}
