/* SPDX-License-Identifier: BSD-3-Clause
 *
 * An in-memory ring of engines in one thread, for benchmarks: a lossless
 * FIFO "wire" per member, packets copied as a NIC would, no clock but a
 * counter. It measures the engine alone, not a network.
 */
#ifndef ORDO_BENCH_ENGINE_RING_H
#define ORDO_BENCH_ENGINE_RING_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct engine_ring;

/* n members, protocol MTU, message size and service of the workload. */
struct engine_ring *engine_ring_create(uint32_t n, uint32_t mtu,
				       uint32_t msg_size, uint8_t service);
void engine_ring_destroy(struct engine_ring *r);

/* Submit msgs messages at member 0 (or spread over all members when
 * all_send) and run until every member delivered all of them. Returns the
 * number of messages delivered at member 0, or -1 if the ring stalled. */
int64_t engine_ring_run(struct engine_ring *r, uint64_t msgs, int all_send);

/* Deliveries counted at every member since creation, and the running
 * order digest of member i (equal digests: equal delivery order). */
uint64_t engine_ring_delivered(const struct engine_ring *r, uint32_t i);
uint64_t engine_ring_digest(const struct engine_ring *r, uint32_t i);

#ifdef __cplusplus
}
#endif

#endif
