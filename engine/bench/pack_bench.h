/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Packing and fragmentation, and their undoing on receive, for the
 * microbenchmarks: two engines of one ring put straight into the
 * operational state (no membership protocol, no token), so that a batch
 * of messages can be submitted and packed into packets at one, and the
 * packets received, stored, delivered and reassembled at the other.
 */
#ifndef ORDO_ENGINE_BENCH_PACK_BENCH_H
#define ORDO_ENGINE_BENCH_PACK_BENCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pack_bench;

/* Messages of msg_size bytes, packets of at most mtu bytes. NULL and errno
 * on failure. */
struct pack_bench *pack_bench_create(uint32_t mtu, uint32_t msg_size);
void pack_bench_destroy(struct pack_bench *b);

/* Submit a batch of messages and pack all of them into packets (the work
 * of ordo_engine_submit() and of a token visit's eng_submit_build()). Returns
 * the messages packed, or -1 if the queue did not empty. */
int64_t pack_bench_pack(struct pack_bench *b);

/* Receive the packets of the last batch at the other engine through
 * ordo_engine_rx() (parse, store, deliver, reassemble fragments). Returns
 * the messages delivered, or -1 if any packet was refused or a message
 * came out wrong. Replays the same packets at every call. */
int64_t pack_bench_receive(struct pack_bench *b);

/* Packets the last batch took, and its messages. */
uint32_t pack_bench_packets(const struct pack_bench *b);
uint32_t pack_bench_batch(const struct pack_bench *b);

#ifdef __cplusplus
}
#endif

#endif
