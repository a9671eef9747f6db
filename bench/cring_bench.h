/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Client shared-memory rings (lib/cring/cring.h) for the microbenchmarks,
 * one thread playing both sides of one ring, a burst at a time:
 *   enqueue   reserve + header + names + payload + commit, per record
 *   dequeue   peek + advance per record, one release per burst (the
 *             trusting fast path a client uses on its delivery ring)
 *   read      the daemon's validating reader, ordo_cr_read(), which
 *             copies and checks every record of a submit ring
 *   deliver   a delivered message copied into a delivery ring record
 *             (sender and group names + payload) with ordo_cr_write_msg(),
 *             as the dataplane hands messages to its clients
 *   memcpy    the baseline: payload bytes (give it a record's length),
 *             plainly copied to consecutive places of a buffer of the size
 *             the other operations use
 * Every burst starts again at offset 0 of the ring, so each operation
 * sees the same memory (half the ring) every time.
 */
#ifndef ORDO_BENCH_CRING_BENCH_H
#define ORDO_BENCH_CRING_BENCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum cring_bench_op {
	CRING_ENQUEUE = 0,
	CRING_DEQUEUE,
	CRING_READ,
	CRING_DELIVER,
	CRING_MEMCPY,
};

struct cring_bench;

/* op on messages of payload bytes; the record also carries n_names names
 * (1 for a submit, 2 for a delivery: sender and group; ignored by
 * memcpy). NULL and errno on failure. */
struct cring_bench *cring_bench_create(enum cring_bench_op op,
				       uint32_t payload, uint32_t n_names);
void cring_bench_destroy(struct cring_bench *b);

/* One burst; returns the records moved, or -1 when the ring misbehaved. */
int64_t cring_bench_run(struct cring_bench *b);

/* Bytes of one record (header + names + payload, before padding). */
uint32_t cring_bench_record_len(const struct cring_bench *b);

#ifdef __cplusplus
}
#endif

#endif
