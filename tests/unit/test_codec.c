/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo_engine_rx() on crafted packets: every enum ordo_drop_reason a packet
 * can cause is caused, counted once (and no other counter moves) and
 * returned as a negative number; padding after the header's length is
 * ignored. The fixture is rx_fixture.h; packets of other rings and
 * membership packets are in test_codec_ring.c.
 */
#include "tests/unit/rx_fixture.h"

/* ---- before decoding: header ---------------------------------------------*/
static void test_truncated(void **state)
{
	struct fix *f = *state;
	static const uint8_t zero[64];

	rx_expect_drop_n(f, NULL, 0, ORDO_DROP_TRUNCATED, "NULL");
	rx_expect_drop_n(f, NULL, 100, ORDO_DROP_TRUNCATED, "NULL, 100");
	rx_expect_drop_n(f, zero, 0, ORDO_DROP_TRUNCATED, "empty");
	rx_data_ok(f, rx_status(f).high_seq + 1);
	rx_expect_drop_n(f, f->c.buf, 1, ORDO_DROP_TRUNCATED, "1 byte");
	rx_expect_drop_n(f, f->c.buf, sizeof(struct ordo_wire_hdr) - 1,
			 ORDO_DROP_TRUNCATED, "header - 1");

	/* The header is whole, the body shorter than its fixed part. */
	craft_hdr(&f->c, ORDO_PKT_DATA, H_HASH, 1, f->rep, f->rseq);
	craft_bytes(&f->c, zero, sizeof(struct ordo_wire_data) - 1);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_TRUNCATED, "DATA body - 1");
	craft_hdr(&f->c, ORDO_PKT_DATA, H_HASH, 1, f->rep, f->rseq);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_TRUNCATED, "DATA, header only");
	craft_hdr(&f->c, ORDO_PKT_TOKEN, H_HASH, 1, f->rep, f->rseq);
	craft_bytes(&f->c, zero, sizeof(struct ordo_wire_token) - 1);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_TRUNCATED, "TOKEN body - 1");
}

static void test_bad_magic(void **state)
{
	struct fix *f = *state;
	static const uint16_t magics[] = { 0, 0x524f, 0x4f53, 0xffff };
	size_t i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		rx_data_ok(f, rx_status(f).high_seq + 1);
		craft_put16(&f->c, CRAFT_OFF_MAGIC, magics[i]);
		rx_expect_drop(f, &f->c, ORDO_DROP_BAD_MAGIC, "magic");
	}
	rx_token(f, rx_next_token(f), ME, NULL, 0);
	craft_put16(&f->c, CRAFT_OFF_MAGIC, 0x4f51);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_MAGIC, "token magic");
}

static void test_bad_version(void **state)
{
	struct fix *f = *state;
	static const uint8_t versions[] = { 0, ORDO_WIRE_VERSION + 1, 0xff };
	size_t i;

	for (i = 0; i < sizeof(versions); i++) {
		rx_data_ok(f, rx_status(f).high_seq + 1);
		f->c.buf[CRAFT_OFF_VERSION] = versions[i];
		rx_expect_drop(f, &f->c, ORDO_DROP_BAD_VERSION, "version");
	}
}

static void test_bad_type(void **state)
{
	struct fix *f = *state;
	static const uint8_t types[] = { 0, ORDO_PKT_TYPE_MAX + 40, 0x80, 0xff };
	size_t i;

	for (i = 0; i < sizeof(types); i++) {
		rx_data_ok(f, rx_status(f).high_seq + 1);
		f->c.buf[CRAFT_OFF_TYPE] = types[i];
		rx_expect_drop(f, &f->c, ORDO_DROP_BAD_TYPE, "type");
	}
}

static void test_bad_len(void **state)
{
	struct fix *f = *state;
	static uint8_t big[ORDO_WIRE_MAX_MTU + 64];
	uint64_t rtr[2] = { 1, 1 };
	uint32_t len;

	rx_data_ok(f, rx_status(f).high_seq + 1);
	len = f->c.len;
	craft_put32(&f->c, CRAFT_OFF_LEN, 0);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_LEN, "len 0");
	craft_put32(&f->c, CRAFT_OFF_LEN, sizeof(struct ordo_wire_hdr) - 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_LEN, "len below the header");
	craft_put32(&f->c, CRAFT_OFF_LEN, len + 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_LEN, "len above the bytes");
	craft_put32(&f->c, CRAFT_OFF_LEN, UINT32_MAX);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_LEN, "len 2^32-1");

	/* Above the largest MTU, even when that many bytes arrived. */
	memcpy(big, f->c.buf, len);
	big[12] = 0, big[13] = 0;
	big[14] = (ORDO_WIRE_MAX_MTU + 1) >> 8;
	big[15] = (ORDO_WIRE_MAX_MTU + 1) & 0xff;
	rx_expect_drop_n(f, big, sizeof(big), ORDO_DROP_BAD_LEN,
			 "len above the MTU");

	/* A token whose length disagrees with its rtr_count. */
	rx_token(f, rx_next_token(f), ME, rtr, 2);
	craft_put16(&f->c, sizeof(struct ordo_wire_hdr) + 40, 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_LEN, "token, rtr_count short");
	rx_token(f, rx_next_token(f), ME, rtr, 1);
	craft_put16(&f->c, sizeof(struct ordo_wire_hdr) + 40, 2);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_LEN, "token, rtr_count long");
}

static void test_config_mismatch(void **state)
{
	struct fix *f = *state;

	rx_data_ok(f, rx_status(f).high_seq + 1);
	craft_put32(&f->c, CRAFT_OFF_HASH, H_HASH + 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_CONFIG, "hash + 1");
	rx_token(f, rx_next_token(f), ME, NULL, 0);
	craft_put32(&f->c, CRAFT_OFF_HASH, 0);
	rx_expect_drop(f, &f->c, ORDO_DROP_CONFIG, "token, hash 0");
}

static void test_not_member(void **state)
{
	struct fix *f = *state;
	static const uint32_t who[] = { 0, 4, 0xffffffffu };
	size_t i;

	for (i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		rx_data_ok(f, rx_status(f).high_seq + 1);
		craft_put32(&f->c, CRAFT_OFF_SENDER, who[i]);
		rx_expect_drop(f, &f->c, ORDO_DROP_NOT_MEMBER, "sender");
		rx_token(f, rx_next_token(f), ME, NULL, 0);
		craft_put32(&f->c, CRAFT_OFF_SENDER, who[i]);
		rx_expect_drop(f, &f->c, ORDO_DROP_NOT_MEMBER, "token sender");
	}
}

/* ---- decoding the body ---------------------------------------------------*/
static void test_bad_record(void **state)
{
	struct fix *f = *state;
	uint64_t s = rx_status(f).high_seq + 1;
	static const uint8_t four[4];

	rx_data(f, 1, 0, 1, 0);
	craft_rec(&f->c, 5, 7, ORDO_SVC_AGREED, ORDO_REC_F_WHOLE, NULL);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "seq 0");

	rx_data(f, 1, s, 0, 0);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "no records");

	rx_data(f, 1, s, 1, 0x02);
	craft_rec(&f->c, 5, 7, ORDO_SVC_AGREED, ORDO_REC_F_WHOLE, NULL);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "unknown packet flag");

	rx_data(f, 1, s, 1, 0);
	craft_rec(&f->c, 50, 7, ORDO_SVC_AGREED, ORDO_REC_F_WHOLE, NULL);
	craft_put32(&f->c, 40, 51);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "record overruns by 1");
	craft_put32(&f->c, 40, UINT32_MAX);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "record len 2^32-1");

	rx_data(f, 1, s, 2, 0);
	craft_rec(&f->c, 5, 7, ORDO_SVC_AGREED, ORDO_REC_F_WHOLE, NULL);
	craft_bytes(&f->c, four, sizeof(four));
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "half a record header");

	rx_data(f, 1, s, 1, 0);
	craft_rec(&f->c, 5, 7, 0, ORDO_REC_F_WHOLE, NULL);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "service 0");
	rx_data(f, 1, s, 1, ORDO_DATA_F_SAFE);
	craft_rec(&f->c, 5, 7, ORDO_SVC_SAFE + 1, ORDO_REC_F_WHOLE, NULL);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "service 7");

	rx_data(f, 1, s, 1, 0);
	craft_rec(&f->c, 5, 7, ORDO_SVC_AGREED, 0x04 | ORDO_REC_F_WHOLE, NULL);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "unknown record flag");

	/* Delivered before it is stable, were it accepted. */
	rx_data(f, 1, s, 2, 0);
	craft_rec(&f->c, 5, 7, ORDO_SVC_AGREED, ORDO_REC_F_WHOLE, NULL);
	craft_rec(&f->c, 5, 8, ORDO_SVC_SAFE, ORDO_REC_F_WHOLE, NULL);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "SAFE record, no SAFE flag");

	rx_data(f, 1, s, 2, 0);
	craft_rec(&f->c, 5, 7, ORDO_SVC_AGREED, ORDO_REC_F_WHOLE, NULL);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "nrec 2, 1 record");
	rx_data(f, 1, s, 1, 0);
	craft_rec(&f->c, 5, 7, ORDO_SVC_AGREED, ORDO_REC_F_WHOLE, NULL);
	craft_rec(&f->c, 0, 8, ORDO_SVC_AGREED, ORDO_REC_F_WHOLE, NULL);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_RECORD, "nrec 1, 2 records");

	/* Nothing of it was kept: the same sequence is still welcome. */
	assert_int_equal(rx_status(f).high_seq, s - 1);
	rx_expect_ok(f, rx_data_ok(f, s), "valid after the bad ones");
	assert_int_equal(h_node(&f->net, ME)->ndv, 1);
}

static void test_bad_token(void **state)
{
	struct fix *f = *state;
	struct ordo_engine_status st = rx_status(f);
	uint64_t rtr[ORDO_WIRE_RTR_MAX + 1];
	uint16_t i;

	for (i = 0; i <= ORDO_WIRE_RTR_MAX; i++)
		rtr[i] = 1;
	rx_token(f, rx_next_token(f), ME, rtr, ORDO_WIRE_RTR_MAX + 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_TOKEN, "rtr_count 61");
	rx_token(f, rx_next_token(f), ME, rtr, 0);
	craft_put16(&f->c, sizeof(struct ordo_wire_hdr) + 40, UINT16_MAX);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_TOKEN, "rtr_count 65535");

	rx_token(f, rx_next_token(f), ME, NULL, 0);
	craft_put64(&f->c, sizeof(struct ordo_wire_hdr) + 16, st.high_seq + 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_TOKEN, "aru > seq");

	rx_token(f, rx_next_token(f), 0, NULL, 0);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_TOKEN, "dest 0");

	rtr[0] = 0;
	rx_token(f, rx_next_token(f), ME, rtr, 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_TOKEN, "rtr entry 0");
	rtr[0] = st.high_seq;
	rtr[1] = st.high_seq + 1;
	rx_token(f, rx_next_token(f), ME, rtr, 2);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_TOKEN, "rtr entry > seq");

	/* None of them counted as the token. */
	rx_expect_ok(f, rx_token(f, rx_next_token(f), ME, NULL, 0), "valid after the bad ones");
}

/* ---- decided by the handlers ---------------------------------------------*/
static void test_dup_data(void **state)
{
	struct fix *f = *state;
	uint64_t s = rx_status(f).high_seq + 1;

	rx_expect_ok(f, rx_data_ok(f, s), "first copy");
	assert_int_equal(h_node(&f->net, ME)->ndv, 1);
	rx_expect_drop_n(f, f->c.buf, f->c.len, ORDO_DROP_DUP_DATA,
			 "second copy");
	assert_int_equal(h_node(&f->net, ME)->ndv, 1);
}

static void test_dup_token(void **state)
{
	struct fix *f = *state;

	uint64_t t = rx_next_token(f);

	rx_expect_ok(f, rx_token(f, t, ME, NULL, 0), "first copy");
	rx_expect_drop_n(f, f->c.buf, f->c.len, ORDO_DROP_DUP_TOKEN,
			 "second copy");
	rx_token(f, t - 1, ME, NULL, 0);
	rx_expect_drop_n(f, f->c.buf, f->c.len, ORDO_DROP_DUP_TOKEN,
			 "an older token");
}

static void test_window(void **state)
{
	struct fix *f = *state;
	/* The store holds sequences low+1 .. low+CAP, low being the highest
	 * released: delivered here and stable everywhere. */
	struct ordo_engine_status st = rx_status(f);
	uint64_t low = st.delivered < st.safe ? st.delivered : st.safe;
	uint64_t s = low + CAP + 1;

	rx_data_ok(f, s);
	rx_expect_drop_n(f, f->c.buf, f->c.len, ORDO_DROP_WINDOW,
			 "store + 1");
	rx_data_ok(f, UINT64_MAX);
	rx_expect_drop_n(f, f->c.buf, f->c.len, ORDO_DROP_WINDOW,
			 "seq 2^64-1");
	assert_int_equal(rx_status(f).high_seq, st.high_seq);
	/* The last one that fits is kept (and waits for the gap). */
	rx_expect_ok(f, rx_data_ok(f, low + CAP), "store - 0");
	assert_int_equal(rx_status(f).high_seq, low + CAP);
	assert_int_equal(h_node(&f->net, ME)->ndv, 0);
}

static void test_from_self(void **state)
{
	struct fix *f = *state;

	rx_data(f, ME, rx_status(f).high_seq + 1, 1, 0);
	craft_rec(&f->c, 5, 7, ORDO_SVC_AGREED, ORDO_REC_F_WHOLE, NULL);
	craft_finish(&f->c);
	rx_expect_drop_n(f, f->c.buf, f->c.len, ORDO_DROP_FROM_SELF,
			 "own DATA");
}

static void test_not_for_us(void **state)
{
	struct fix *f = *state;

	rx_token(f, rx_next_token(f), 3, NULL, 0);
	rx_expect_drop_n(f, f->c.buf, f->c.len, ORDO_DROP_NOT_FOR_US,
			 "token for 3");
	rx_token(f, rx_next_token(f), 0xffffffffu, NULL, 0);
	rx_expect_drop_n(f, f->c.buf, f->c.len, ORDO_DROP_NOT_FOR_US,
			 "token for a stranger");
	/* Still ours to take. */
	rx_expect_ok(f, rx_token(f, rx_next_token(f), ME, NULL, 0), "token for us");
}

/* ---- accepted ------------------------------------------------------------*/
static void test_trailing_padding_is_ignored(void **state)
{
	struct fix *f = *state;
	static const uint8_t junk[40] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 };
	const struct h_node *nd = h_node(&f->net, ME);
	struct ordo_engine_stats before = *ordo_engine_stats(f->e);

	/* Ethernet pads short frames; the bytes after len are not ours. */
	rx_data_ok(f, rx_status(f).high_seq + 1);
	craft_bytes(&f->c, junk, sizeof(junk));
	rx_expect_ok(f, &f->c, "padded DATA");
	assert_int_equal(nd->ndv, 1);
	assert_int_equal(nd->dv[0].len, 5);
	assert_memory_equal(nd->dv[0].data, "hello", 5);
	assert_int_equal(nd->dv[0].sender, 1);
	assert_int_equal(nd->dv[0].msg_type, 7);
	assert_int_equal(nd->dv[0].service, ORDO_SVC_AGREED);

	rx_token(f, rx_next_token(f), ME, NULL, 0);
	craft_bytes(&f->c, junk, sizeof(junk));
	rx_expect_ok(f, &f->c, "padded TOKEN");
	assert_int_equal(ordo_engine_stats(f->e)->rx_token, before.rx_token + 1);
	assert_int_equal(ordo_engine_stats(f->e)->rx_data, before.rx_data + 1);
}

static void test_fragments_and_empty_records_are_valid(void **state)
{
	struct fix *f = *state;
	uint64_t s = rx_status(f).high_seq + 1;
	const struct h_node *nd = h_node(&f->net, ME);

	/* FIRST, middle (flags 0), LAST of one message; then an empty one. */
	rx_data(f, 1, s, 1, 0);
	craft_rec(&f->c, 3, 9, ORDO_SVC_FIFO, ORDO_REC_F_FIRST, "abc");
	craft_finish(&f->c);
	rx_expect_ok(f, &f->c, "FIRST");
	rx_data(f, 1, s + 1, 1, 0);
	craft_rec(&f->c, 2, 9, ORDO_SVC_FIFO, 0, "de");
	craft_finish(&f->c);
	rx_expect_ok(f, &f->c, "middle");
	rx_data(f, 1, s + 2, 2, 0);
	craft_rec(&f->c, 1, 9, ORDO_SVC_FIFO, ORDO_REC_F_LAST, "f");
	craft_rec(&f->c, 0, 10, ORDO_SVC_RELIABLE, ORDO_REC_F_WHOLE, NULL);
	craft_finish(&f->c);
	rx_expect_ok(f, &f->c, "LAST + empty");
	assert_int_equal(nd->ndv, 2);
	assert_int_equal(nd->dv[0].len, 6);
	assert_memory_equal(nd->dv[0].data, "abcdef", 6);
	assert_int_equal(nd->dv[0].msg_type, 9);
	assert_int_equal(nd->dv[0].seq, s + 2);
	assert_int_equal(nd->dv[1].len, 0);
	assert_int_equal(nd->dv[1].msg_type, 10);
}

/* Fragments that break FIRST, middle..., LAST, or add up to more than
 * max_msg_size, lose that message only; the packets are still valid. */
static void test_bad_fragments_drop_the_message_only(void **state)
{
	struct fix *f = *state;
	const struct ordo_engine_stats *st = ordo_engine_stats(f->e);
	const struct h_node *nd = h_node(&f->net, ME);
	uint64_t s = rx_status(f).high_seq + 1;
	const uint32_t chunk = 1400, max = MAXMSG;
	uint32_t i, n = max / chunk + 1; /* n * chunk > max_msg_size */

	/* A middle and a LAST fragment with no FIRST before them. */
	rx_data(f, 1, s++, 2, 0);
	craft_rec(&f->c, 3, 1, ORDO_SVC_AGREED, 0, NULL);
	craft_rec(&f->c, 3, 1, ORDO_SVC_AGREED, ORDO_REC_F_LAST, NULL);
	craft_finish(&f->c);
	rx_expect_ok(f, &f->c, "orphan fragments");
	assert_int_equal(st->reassembly_drops, 2);
	/* A FIRST never finished: the next whole message still arrives. */
	rx_data(f, 1, s++, 2, 0);
	craft_rec(&f->c, 3, 2, ORDO_SVC_AGREED, ORDO_REC_F_FIRST, NULL);
	craft_rec(&f->c, 4, 3, ORDO_SVC_AGREED, ORDO_REC_F_WHOLE, NULL);
	craft_finish(&f->c);
	rx_expect_ok(f, &f->c, "unfinished FIRST, then WHOLE");
	assert_int_equal(st->reassembly_drops, 3);
	assert_int_equal(nd->ndv, 1);
	assert_int_equal(nd->dv[0].msg_type, 3);
	/* Too large once reassembled. */
	for (i = 0; i < n; i++) {
		uint8_t fl = (i == 0 ? ORDO_REC_F_FIRST : 0) |
			     (i == n - 1 ? ORDO_REC_F_LAST : 0);

		rx_data(f, 1, s++, 1, 0);
		craft_rec(&f->c, chunk, 4, ORDO_SVC_AGREED, fl, NULL);
		craft_finish(&f->c);
		rx_expect_ok(f, &f->c, "fragment of an oversized message");
	}
	assert_int_equal(st->reassembly_drops, 4);
	assert_int_equal(nd->ndv, 1);
	/* One fragment fewer fits ((n - 1) * chunk <= max): it arrives. */
	for (i = 0; i < n - 1; i++) {
		uint8_t fl = (i == 0 ? ORDO_REC_F_FIRST : 0) |
			     (i == n - 2 ? ORDO_REC_F_LAST : 0);

		rx_data(f, 1, s++, 1, 0);
		craft_rec(&f->c, chunk, 5, ORDO_SVC_AGREED, fl, NULL);
		craft_finish(&f->c);
		rx_expect_ok(f, &f->c, "fragment of a message that fits");
	}
	assert_int_equal(st->reassembly_drops, 4);
	assert_int_equal(nd->ndv, 2);
	assert_int_equal(nd->dv[1].msg_type, 5);
	assert_int_equal(nd->dv[1].len, (n - 1) * chunk);
}

/* Bytes that are not a packet: exactly one counter moves, rx says which. */
static void test_garbage_is_counted_once(void **state)
{
	struct fix *f = *state;
	uint8_t buf[2048];
	uint64_t x = 0x243f6a8885a308d3ull;
	int i, n;

	for (n = 0; n < 2000; n++) {
		const struct ordo_engine_stats *st = ordo_engine_stats(f->e);
		uint64_t sum = 0, after = 0;
		uint32_t len = (uint32_t)(n % 97) * 21;
		int rc, r;

		for (i = 0; i < (int)len; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[i] = (uint8_t)x;
		}
		if (len >= 2 && n % 3) { /* get past the magic now and then */
			buf[0] = ORDO_WIRE_MAGIC >> 8;
			buf[1] = ORDO_WIRE_MAGIC & 0xff;
		}
		for (r = 1; r < ORDO_DROP_REASON_MAX; r++)
			sum += st->drops[r];
		rc = h_rx(&f->net, ME, buf, len);
		for (r = 1; r < ORDO_DROP_REASON_MAX; r++)
			after += st->drops[r];
		assert_true(rc < 0 && rc > -ORDO_DROP_REASON_MAX);
		assert_int_equal(after, sum + 1);
		rx_produced[-rc] = true;
	}
}

static void test_every_reason_was_produced(void **state)
{
	static const enum ordo_drop_reason all[] = {
		ORDO_DROP_TRUNCATED, ORDO_DROP_BAD_MAGIC, ORDO_DROP_BAD_VERSION,
		ORDO_DROP_BAD_TYPE, ORDO_DROP_BAD_LEN, ORDO_DROP_CONFIG,
		ORDO_DROP_NOT_MEMBER, ORDO_DROP_BAD_RECORD, ORDO_DROP_BAD_TOKEN,
		ORDO_DROP_DUP_DATA, ORDO_DROP_DUP_TOKEN, ORDO_DROP_WINDOW,
		ORDO_DROP_FROM_SELF, ORDO_DROP_NOT_FOR_US,
	};

	(void)state;
	rx_expect_produced(all, sizeof(all) / sizeof(all[0]));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, rx_setup, rx_teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(test_truncated),
		T(test_bad_magic),
		T(test_bad_version),
		T(test_bad_type),
		T(test_bad_len),
		T(test_config_mismatch),
		T(test_not_member),
		T(test_bad_record),
		T(test_bad_token),
		T(test_dup_data),
		T(test_dup_token),
		T(test_window),
		T(test_from_self),
		T(test_not_for_us),
		T(test_trailing_padding_is_ignored),
		T(test_fragments_and_empty_records_are_valid),
		T(test_bad_fragments_drop_the_message_only),
		T(test_garbage_is_counted_once),
		T(test_every_reason_was_produced),
	};

	unit_filter(argc, argv);
	return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}

