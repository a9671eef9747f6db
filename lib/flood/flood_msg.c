/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Building, checksumming and validating the flood benchmarks' messages
 * (the layout is in flood_msg.h).
 */
#include "lib/flood/flood_msg.h"

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

uint64_t flood_name_id(const char *name, size_t max)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < max && name[i]; i++)
		h = (h ^ (uint8_t)name[i]) * 0x100000001b3ull;
	return h;
}

uint32_t flood_csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t s1 = len, s2 = 0, w;

	for (; len >= 8; b += 8, len -= 8) {
		memcpy(&w, b, 8);
		s1 += w;
		s2 += s1;
	}
	w = 0;
	memcpy(&w, b, len);
	s1 += w;
	s2 += s1;
	/* Mix before folding so that each half depends on both sums. */
	s2 = (s2 ^ (s1 * 0x9e3779b97f4a7c15ull)) * 0x100000001b3ull;
	return (uint32_t)(s2 ^ (s2 >> 32));
}

void flood_msg_init_payload(uint8_t *buf, uint32_t len, uint64_t sender)
{
	uint64_t x = 0x2545f4914f6cdd1dull ^ sender;

	if (!x)
		x = 1;
	for (uint32_t i = FLOOD_HDR_LEN; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
}

void flood_msg_stamp(uint8_t *buf, uint32_t len, enum flood_kind kind,
		     uint16_t round, uint64_t sender, uint64_t seq,
		     uint64_t sent_ns)
{
	struct flood_hdr h = { 0 };
	uint32_t plen = len - FLOOD_HDR_LEN;
	uint64_t tag = htobe64(seq);

	memcpy(buf + FLOOD_HDR_LEN, &tag, plen < 8 ? plen : 8);
	h.magic = htobe32(FLOOD_MAGIC);
	h.kind = (uint8_t)kind;
	h.round = htobe16(round);
	h.len = htobe32(len);
	h.sender = htobe64(sender);
	h.seq = htobe64(seq);
	h.sent_ns = htobe64(sent_ns);
	h.csum = htobe32(flood_csum(buf + FLOOD_HDR_LEN, plen));
	memcpy(buf, &h, sizeof(h));
}

void flood_msg_set_time(uint8_t *buf, uint64_t sent_ns)
{
	uint64_t t = htobe64(sent_ns);

	memcpy(buf + offsetof(struct flood_hdr, sent_ns), &t, sizeof(t));
}

int flood_msg_parse(const void *msg, size_t len, uint64_t origin,
		    struct flood_msg *out)
{
	const uint8_t *b = msg;
	struct flood_hdr h;
	size_t plen;

	if (len < FLOOD_HDR_LEN)
		return -(1 + FLOOD_BAD_SHORT);
	plen = len - FLOOD_HDR_LEN;
	memcpy(&h, b, sizeof(h));
	if (be32toh(h.magic) != FLOOD_MAGIC)
		return -(1 + FLOOD_BAD_MAGIC);
	if (h.kind < FLOOD_WARMUP || h.kind > FLOOD_END)
		return -(1 + FLOOD_BAD_KIND);
	if (be32toh(h.len) != len)
		return -(1 + FLOOD_BAD_LEN);
	if (be64toh(h.sender) != origin)
		return -(1 + FLOOD_BAD_SENDER);
	if (be32toh(h.csum) != flood_csum(b + FLOOD_HDR_LEN, plen))
		return -(1 + FLOOD_BAD_CSUM);
	/* The stamped sequence (both big-endian), as far as the payload
	 * holds it: an intact payload of another message is refused. */
	if (memcmp(b + FLOOD_HDR_LEN, &h.seq, plen < 8 ? plen : 8) != 0)
		return -(1 + FLOOD_BAD_TAG);
	out->kind = (enum flood_kind)h.kind;
	out->round = be16toh(h.round);
	out->len = (uint32_t)len;
	out->sender = origin;
	out->seq = be64toh(h.seq);
	out->sent_ns = be64toh(h.sent_ns);
	return 0;
}
