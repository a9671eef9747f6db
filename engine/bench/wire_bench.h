/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Wire encode and decode for the microbenchmarks: the engine's codec
 * (engine/codec.c) building and validating the packets of
 * include/ordo/wire.h, a batch at a time.
 */
#ifndef ORDO_ENGINE_BENCH_WIRE_BENCH_H
#define ORDO_ENGINE_BENCH_WIRE_BENCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum wire_bench_op {
	WIRE_ENCODE_DATA_HDR = 0, /* common header + DATA header of a packet */
	WIRE_ENCODE_TOKEN,        /* a token with rtr retransmission requests */
	WIRE_DECODE_DATA,         /* eng_codec_parse of a DATA packet, records
				   * included */
	WIRE_DECODE_TOKEN,        /* eng_codec_parse of a token */
};

struct wire_bench;

/* op on packets that carry records of msg_size bytes in mtu (DATA, as
 * packing fills them: whole records, or one fragment filling the packet),
 * or rtr retransmission requests (TOKEN). */
struct wire_bench *wire_bench_create(enum wire_bench_op op, uint32_t mtu,
				     uint32_t msg_size, uint32_t rtr);
void wire_bench_destroy(struct wire_bench *b);

/* Encode or decode a batch of packets; returns how many, or -1 when the
 * codec refused one. */
int64_t wire_bench_run(struct wire_bench *b);

/* Bytes of one packet, bytes one operation writes or checks (the
 * headers alone for WIRE_ENCODE_DATA_HDR), and records in a DATA packet. */
uint32_t wire_bench_packet_len(const struct wire_bench *b);
uint32_t wire_bench_op_bytes(const struct wire_bench *b);
uint32_t wire_bench_records(const struct wire_bench *b);

#ifdef __cplusplus
}
#endif

#endif
