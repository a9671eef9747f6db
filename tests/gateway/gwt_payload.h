/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A test payload whose every byte is checkable: a 16-byte header (magic,
 * sender tag, sequence, length) and bytes that depend on all three. Shared
 * by the gateway harness's tests and the lab's big-message client.
 */
#ifndef ORDO_TESTS_GWT_PAYLOAD_H
#define ORDO_TESTS_GWT_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Payloads under 16 bytes carry no header (and never check). */
void gwt_fill(uint8_t *buf, size_t len, uint32_t tag, uint32_t seq);
/* Is buf such a payload of exactly len bytes? Then tag and seq are set. */
bool gwt_check(const uint8_t *buf, size_t len, uint32_t *tag, uint32_t *seq);

#endif /* ORDO_TESTS_GWT_PAYLOAD_H */
