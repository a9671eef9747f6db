/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The checkable test payload (gwt_payload.h).
 */
#include <string.h>

#include "tests/gateway/gwt_payload.h"

#define GWT_MAGIC 0x6777746du

static uint8_t byte_at(uint32_t tag, uint32_t seq, size_t i)
{
	uint32_t x = (uint32_t)i * 2654435761u ^ tag * 40503u ^ seq * 97u;

	return (uint8_t)(x >> 13);
}

void gwt_fill(uint8_t *buf, size_t len, uint32_t tag, uint32_t seq)
{
	uint32_t h[4] = { GWT_MAGIC, tag, seq, (uint32_t)len };

	if (len < sizeof(h)) {
		memset(buf, (int)(seq & 0xff), len);
		return;
	}
	memcpy(buf, h, sizeof(h));
	for (size_t i = sizeof(h); i < len; i++)
		buf[i] = byte_at(tag, seq, i);
}

bool gwt_check(const uint8_t *buf, size_t len, uint32_t *tag, uint32_t *seq)
{
	uint32_t h[4];

	if (len < sizeof(h))
		return false;
	memcpy(h, buf, sizeof(h));
	if (h[0] != GWT_MAGIC || h[3] != len)
		return false;
	*tag = h[1];
	*seq = h[2];
	for (size_t i = sizeof(h); i < len; i++)
		if (buf[i] != byte_at(h[1], h[2], i))
			return false;
	return true;
}
