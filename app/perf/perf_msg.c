/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Building, checksumming and validating ordo-perf's messages (layout in
 * perf_msg.h).
 */
#include "perf_msg.h"

#include <endian.h>
#include <string.h>

static const char *const bad_names[PERF_BAD_COUNT] = {
	[PERF_BAD_SHORT] = "short",
	[PERF_BAD_MAGIC] = "magic",
	[PERF_BAD_KIND] = "kind",
	[PERF_BAD_LEN] = "length",
	[PERF_BAD_CSUM] = "checksum",
};

const char *perf_bad_name(enum perf_bad why)
{
	return (unsigned)why < PERF_BAD_COUNT ? bad_names[why] : "?";
}

uint64_t perf_sender_id(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001b3ull;
	return h;
}

uint64_t perf_csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t sum = len, w;

	for (; len >= 8; b += 8, len -= 8) {
		memcpy(&w, b, 8);
		sum += w;
	}
	w = 0;
	memcpy(&w, b, len);
	return sum + w;
}

void perf_msg_init_payload(uint8_t *buf, uint32_t len, uint64_t sender)
{
	uint64_t x = 0x2545f4914f6cdd1dull ^ sender;

	if (!x)
		x = 1;
	for (uint32_t i = PERF_HDR_LEN; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
}

void perf_msg_stamp(uint8_t *buf, uint32_t len, enum perf_kind kind,
		    uint16_t round, uint64_t sender, uint64_t seq,
		    uint64_t sent_ns)
{
	struct perf_hdr h = { 0 };
	uint32_t plen = len - PERF_HDR_LEN;
	uint64_t tag = htobe64(seq);

	memcpy(buf + PERF_HDR_LEN, &tag, plen < 8 ? plen : 8);
	h.magic = htobe32(PERF_MAGIC);
	h.kind = (uint8_t)kind;
	h.round = htobe16(round);
	h.sender = htobe64(sender);
	h.seq = htobe64(seq);
	h.sent_ns = htobe64(sent_ns);
	h.len = htobe32(len);
	h.csum = htobe64(perf_csum(buf + PERF_HDR_LEN, plen));
	memcpy(buf, &h, sizeof(h));
}

void perf_msg_set_time(uint8_t *buf, uint64_t sent_ns)
{
	uint64_t t = htobe64(sent_ns);

	memcpy(buf + offsetof(struct perf_hdr, sent_ns), &t, sizeof(t));
}

int perf_msg_parse(const void *msg, size_t len, struct perf_msg *out)
{
	struct perf_hdr h;

	if (len < PERF_HDR_LEN)
		return -(1 + PERF_BAD_SHORT);
	memcpy(&h, msg, sizeof(h));
	if (be32toh(h.magic) != PERF_MAGIC)
		return -(1 + PERF_BAD_MAGIC);
	if (h.kind < PERF_WARMUP || h.kind > PERF_END)
		return -(1 + PERF_BAD_KIND);
	if (be32toh(h.len) != len)
		return -(1 + PERF_BAD_LEN);
	if (be64toh(h.csum) != perf_csum((const uint8_t *)msg + PERF_HDR_LEN,
					 len - PERF_HDR_LEN))
		return -(1 + PERF_BAD_CSUM);
	out->kind = (enum perf_kind)h.kind;
	out->round = be16toh(h.round);
	out->sender = be64toh(h.sender);
	out->seq = be64toh(h.seq);
	out->sent_ns = be64toh(h.sent_ns);
	out->len = (uint32_t)len;
	return 0;
}
