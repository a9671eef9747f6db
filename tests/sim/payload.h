/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The bytes of a simulated message, built so the checker can tell who sent
 * a message and whether it arrived intact without believing anything the
 * engine says:
 *
 *   offset 0  origin   node id of the submitting node       (big-endian)
 *          4  counter  per-origin submission number, from 0
 *          8  len      length of the whole message
 *         12  check    32-bit hash of the body
 *         16  body     bytes derived from (origin, counter) alone
 *
 * A message therefore has at least PAYLOAD_HDR_LEN bytes. The digest of a
 * delivered message is compared with the digest of the message as it was
 * submitted; the hash step is a bijection in both the state and the word,
 * so any change confined to one 8-byte word always changes the digest.
 */
#ifndef SIM_PAYLOAD_H
#define SIM_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAYLOAD_HDR_LEN 16u

struct payload_hdr {
	uint32_t origin, counter, len, check;
};

/* Write the message (origin, counter) of len >= PAYLOAD_HDR_LEN bytes. */
void payload_fill(void *buf, uint32_t origin, uint32_t counter, uint32_t len);

/* Read the header; false when the message is too short to have one. */
bool payload_parse(const void *data, uint32_t len, struct payload_hdr *h);

/* True when data is exactly what payload_fill() writes for its header. */
bool payload_verify(const void *data, uint32_t len);

/* Digest of any bytes (64-bit, not cryptographic). */
uint64_t payload_digest(const void *data, size_t len);

#endif /* SIM_PAYLOAD_H */
