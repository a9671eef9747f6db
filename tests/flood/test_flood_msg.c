/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The flood benchmarks' message (lib/flood/flood_msg.h): what the
 * sender stamps parses back to the same header; every kind of damage or
 * forgery is refused for its own reason; the checksum notices a flipped
 * bit, a swapped or foreign word; the smallest messages (header only, a
 * payload shorter than the sequence tag) work.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/flood/flood_msg.h"

#define SIZE 200

static uint8_t buf[SIZE], other[SIZE];

static int parse(const uint8_t *b, size_t len, uint64_t origin)
{
	struct flood_msg m;

	return flood_msg_parse(b, len, origin, &m);
}

static void test_round_trip(void **state)
{
	struct flood_msg m;

	(void)state;
	flood_msg_init_payload(buf, SIZE, 77);
	flood_msg_stamp(buf, SIZE, FLOOD_DATA, 3, 77, 123456789012ull, 42);
	assert_int_equal(flood_msg_parse(buf, SIZE, 77, &m), 0);
	assert_int_equal(m.kind, FLOOD_DATA);
	assert_int_equal(m.round, 3);
	assert_int_equal(m.len, SIZE);
	assert_int_equal(m.sender, 77);
	assert_int_equal(m.seq, 123456789012ull);
	assert_int_equal(m.sent_ns, 42);
	/* A new send time does not touch what the checksum covers. */
	flood_msg_set_time(buf, 99);
	assert_int_equal(flood_msg_parse(buf, SIZE, 77, &m), 0);
	assert_int_equal(m.sent_ns, 99);
}

static void test_refusals(void **state)
{
	(void)state;
	flood_msg_init_payload(buf, SIZE, 1);
	flood_msg_stamp(buf, SIZE, FLOOD_DATA, 0, 1, 1, 0);
	assert_int_equal(parse(buf, FLOOD_HDR_LEN - 1, 1), -(1 + FLOOD_BAD_SHORT));
	assert_int_equal(parse(buf, SIZE - 1, 1), -(1 + FLOOD_BAD_LEN));
	/* The daemon says node 2 sent what claims to be node 1's. */
	assert_int_equal(parse(buf, SIZE, 2), -(1 + FLOOD_BAD_SENDER));
	buf[SIZE - 1] ^= 0x10;
	assert_int_equal(parse(buf, SIZE, 1), -(1 + FLOOD_BAD_CSUM));
	buf[SIZE - 1] ^= 0x10;
	buf[offsetof(struct flood_hdr, kind)] = 9;
	assert_int_equal(parse(buf, SIZE, 1), -(1 + FLOOD_BAD_KIND));
	buf[offsetof(struct flood_hdr, kind)] = FLOOD_DATA;
	buf[0] ^= 0xff;
	assert_int_equal(parse(buf, SIZE, 1), -(1 + FLOOD_BAD_MAGIC));
	buf[0] ^= 0xff;
	assert_int_equal(parse(buf, SIZE, 1), 0);
	/* Another message's intact payload and checksum under this header:
	 * only the sequence tag tells. */
	flood_msg_init_payload(other, SIZE, 1);
	flood_msg_stamp(other, SIZE, FLOOD_DATA, 0, 1, 2, 0);
	memcpy(other + offsetof(struct flood_hdr, seq),
	       buf + offsetof(struct flood_hdr, seq), 8);
	assert_int_equal(parse(other, SIZE, 1), -(1 + FLOOD_BAD_TAG));
	assert_string_equal(flood_bad_name(FLOOD_BAD_TAG), "payload-tag");
	assert_string_equal(flood_bad_name(FLOOD_BAD_COUNT), "?");
}

static void test_checksum_sees_order_and_bits(void **state)
{
	uint64_t w[4] = { 1, 2, 3, 4 }, s[4] = { 2, 1, 3, 4 };
	uint32_t base;

	(void)state;
	base = flood_csum(w, sizeof(w));
	/* A swap of two words: a plain sum would not see it. */
	assert_int_not_equal(base, flood_csum(s, sizeof(s)));
	/* One bit, in each word. */
	for (unsigned i = 0; i < 4; i++) {
		w[i] ^= 1ull << (i * 13);
		assert_int_not_equal(base, flood_csum(w, sizeof(w)));
		w[i] ^= 1ull << (i * 13);
	}
	/* A dropped trailing zero word changes the length, hence the sum. */
	w[3] = 0;
	assert_int_not_equal(flood_csum(w, 32), flood_csum(w, 24));
	/* The tail that is not a whole word counts. */
	assert_int_not_equal(flood_csum("abcdefghij", 10), flood_csum("abcdefghik", 10));
}

static void test_smallest_messages(void **state)
{
	struct flood_msg m;

	(void)state;
	/* Header only: no payload, no tag. */
	flood_msg_stamp(buf, FLOOD_HDR_LEN, FLOOD_END, 0, 5, 9, 0);
	assert_int_equal(flood_msg_parse(buf, FLOOD_HDR_LEN, 5, &m), 0);
	assert_int_equal(m.kind, FLOOD_END);
	/* Three payload bytes hold the first three bytes of the tag. */
	flood_msg_init_payload(buf, FLOOD_HDR_LEN + 3, 5);
	flood_msg_stamp(buf, FLOOD_HDR_LEN + 3, FLOOD_DATA, 0, 5, 10, 0);
	assert_int_equal(flood_msg_parse(buf, FLOOD_HDR_LEN + 3, 5, &m), 0);
	assert_int_equal(m.seq, 10);
}

static void test_name_id(void **state)
{
	(void)state;
	assert_int_equal(flood_name_id("#a#n1", 32), flood_name_id("#a#n1", 32));
	assert_int_not_equal(flood_name_id("#a#n1", 32), flood_name_id("#b#n1", 32));
	/* Bounded: a name without NUL in its field is read to the bound. */
	assert_int_equal(flood_name_id("#a#n1xyz", 5), flood_name_id("#a#n1", 32));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_checksum_sees_order_and_bits),
		cmocka_unit_test(test_smallest_messages),
		cmocka_unit_test(test_name_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
