/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Building, checksumming and validating cpg_flood's messages (the layout
 * is in flood_msg.h).
 */
#include "flood_msg.h"

#include <endian.h>
#include <string.h>

static const char *const bad_names[FLOOD_BAD_COUNT] = {
	[FLOOD_BAD_SHORT] = "short",
	[FLOOD_BAD_MAGIC] = "magic",
	[FLOOD_BAD_KIND] = "kind",
	[FLOOD_BAD_LEN] = "length",
	[FLOOD_BAD_SENDER] = "sender",
	[FLOOD_BAD_CSUM] = "checksum",
	[FLOOD_BAD_TAG] = "payload-tag",
};

const char *flood_bad_name(enum flood_bad why)
{
	return (unsigned)why < FLOOD_BAD_COUNT ? bad_names[why] : "?";
}

uint64_t flood_csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;

	for (; len >= 8; b += 8, len -= 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, b, len);
	h = (h ^ w) * 0x100000001b3ull;
	return h ^ (h >> 32);
}

void flood_msg_init_payload(uint8_t *buf, uint32_t len, uint32_t sender)
{
	uint64_t x = 0x2545f4914f6cdd1dull * (sender + 1);
	uint32_t i;

	for (i = FLOOD_HDR_LEN; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
}

void flood_msg_stamp(uint8_t *buf, uint32_t len, enum flood_kind kind,
		     uint32_t sender, uint64_t seq, uint64_t sent_ns)
{
	struct flood_hdr h = { 0 };
	uint32_t plen = len - FLOOD_HDR_LEN;
	uint64_t tag = htobe64(seq);

	memcpy(buf + FLOOD_HDR_LEN, &tag, plen < 8 ? plen : 8);
	h.magic = htobe32(FLOOD_MAGIC);
	h.kind = (uint8_t)kind;
	h.sender = htobe32(sender);
	h.len = htobe32(len);
	h.seq = htobe64(seq);
	h.sent_ns = htobe64(sent_ns);
	h.csum = htobe64(flood_csum(buf + FLOOD_HDR_LEN, plen));
	memcpy(buf, &h, sizeof(h));
}

void flood_msg_set_time(uint8_t *buf, uint64_t sent_ns)
{
	uint64_t t = htobe64(sent_ns);

	memcpy(buf + offsetof(struct flood_hdr, sent_ns), &t, sizeof(t));
}

int flood_msg_parse(const void *msg, size_t len, uint32_t nodeid,
		    struct flood_msg *out)
{
	const uint8_t *b = msg;
	struct flood_hdr h;

	if (len < FLOOD_HDR_LEN)
		return -(1 + FLOOD_BAD_SHORT);
	memcpy(&h, b, sizeof(h));
	if (be32toh(h.magic) != FLOOD_MAGIC)
		return -(1 + FLOOD_BAD_MAGIC);
	if (h.kind < FLOOD_DATA_WARMUP || h.kind > FLOOD_END)
		return -(1 + FLOOD_BAD_KIND);
	if (be32toh(h.len) != len)
		return -(1 + FLOOD_BAD_LEN);
	if (be32toh(h.sender) != nodeid)
		return -(1 + FLOOD_BAD_SENDER);
	if (be64toh(h.csum) != flood_csum(b + FLOOD_HDR_LEN, len - FLOOD_HDR_LEN))
		return -(1 + FLOOD_BAD_CSUM);
	if (len - FLOOD_HDR_LEN >= 8) {
		uint64_t tag;

		memcpy(&tag, b + FLOOD_HDR_LEN, 8);
		if (tag != h.seq)
			return -(1 + FLOOD_BAD_TAG);
	}
	out->kind = h.kind;
	out->sender = nodeid;
	out->len = (uint32_t)len;
	out->seq = be64toh(h.seq);
	out->sent_ns = be64toh(h.sent_ns);
	return 0;
}
