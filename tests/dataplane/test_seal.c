/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The sealed envelope through a real crypto device (dataplane/seal.h):
 * member 1 seals, member 2 opens, and every hostile variant of a sealed
 * frame is refused for its own reason: a flipped bit anywhere, a replay,
 * another source MAC (the binding), an unknown key, a sender that is not
 * a member or is the receiver itself, a short or garbled envelope. Then a
 * key rotation: load, use (as the ring would deliver it), retire.
 *
 * EAL without hugepages or PCI, its own file prefix. The sealer uses the
 * device ordod would choose (ipsec_mb), the opener OpenSSL's PMD, so the
 * primary and the fallback are shown to interoperate.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "dataplane/seal.h"

#define HL  DP_ETH_HDR_LEN
#define LEN 200u

static struct dp_seal tx, rx;
static struct dp_port port;
static struct rte_mempool *pool;
static struct ordo_seal_key key1, key2;
static const uint32_t members[3] = { 1, 2, 3 };
static const uint8_t mac1[DP_ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
static uint8_t payload[LEN];
static uint16_t et;

/* One frame sealed by tx, as ring.c builds it. */
static struct rte_mbuf *seal_one(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *buf;

	assert_non_null(m);
	buf = (uint8_t *)rte_pktmbuf_append(m, HL + ORDO_SEAL_OVERHEAD + LEN);
	memset(buf, 0xff, DP_ETH_ALEN);
	memcpy(buf + DP_ETH_ALEN, mac1, DP_ETH_ALEN);
	memcpy(buf + 12, &et, 2);
	memcpy(buf + HL + sizeof(struct ordo_seal_hdr), payload, LEN);
	assert_int_equal(dp_seal_tx_add(&tx, &port, m, HL, LEN, mac1, et, 0, 0),
			 0);
	assert_int_equal(dp_seal_tx_flush(&tx, &port), 1);
	assert_int_equal(port.tx_n, 1);
	port.tx_n = 0;
	return port.tx_buf[0];
}

/* Open m (len bytes of it) at rx; returns rc, m unchanged otherwise. */
static int open_one(struct rte_mbuf *m, uint32_t len)
{
	uint8_t *buf = rte_pktmbuf_mtod(m, uint8_t *);
	struct dp_seal_rx x = {
		.m = m,
		.v = { .pkt = buf + HL, .len = len - HL, .src_mac = buf + 6 },
	};

	dp_seal_rx_open(&rx, &x, 1, et, 1);
	if (x.rc == 0) {
		assert_int_equal(x.sender, 1);
		assert_int_equal(x.v.len, LEN);
		assert_memory_equal(x.v.pkt, payload, LEN);
	}
	return x.rc;
}

static struct rte_mbuf *copy_of(const struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_alloc(pool);

	assert_non_null(c);
	memcpy(rte_pktmbuf_append(c, m->data_len),
	       rte_pktmbuf_mtod(m, const void *), m->data_len);
	return c;
}

static void opens_once(void **state)
{
	struct rte_mbuf *m = seal_one(), *again = copy_of(m);
	uint32_t len = m->data_len;

	(void)state;
	/* The ciphertext is not the plaintext. */
	assert_memory_not_equal(rte_pktmbuf_mtod_offset(m, uint8_t *, HL + 24),
				payload, LEN);
	assert_int_equal(open_one(m, len), 0);
	assert_int_equal(open_one(again, len), -DP_DROP_SEAL_REPLAY);
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(again);
}

/* Out of place (dp_seal_tx_add_ref, ring_frames.c): the stored plaintext
 * frame is only read, the wire frame is a new one, our reference on the
 * stored frame is dropped when the op is done, and sending the same frame
 * twice (a retransmission) gives two wire frames that both open once. */
static void out_of_place_keeps_plaintext(void **state)
{
	struct rte_mbuf *src = rte_pktmbuf_alloc(pool), *w[2];
	uint8_t *buf;

	(void)state;
	if (!tx.oop)
		skip(); /* the device seals in place only: ordod copies */
	assert_non_null(src);
	buf = (uint8_t *)rte_pktmbuf_append(src, HL + ORDO_SEAL_OVERHEAD + LEN);
	memset(buf, 0x5a, HL + ORDO_SEAL_OVERHEAD + LEN);
	memcpy(buf + HL + sizeof(struct ordo_seal_hdr), payload, LEN);
	for (int i = 0; i < 2; i++) {
		struct rte_mbuf *dst = rte_pktmbuf_alloc(pool);
		uint8_t *d;

		assert_non_null(dst);
		d = (uint8_t *)rte_pktmbuf_append(dst, HL + ORDO_SEAL_OVERHEAD +
						       LEN);
		memset(d, 0xff, DP_ETH_ALEN);
		memcpy(d + DP_ETH_ALEN, mac1, DP_ETH_ALEN);
		memcpy(d + 12, &et, 2);
		assert_int_equal(dp_seal_tx_add_ref(&tx, &port, src, dst, HL,
						    LEN, mac1, et, 0, 0), 0);
		assert_int_equal(rte_mbuf_refcnt_read(src), 2);
		assert_int_equal(dp_seal_tx_flush(&tx, &port), 1);
		assert_int_equal(port.tx_n, 1);
		port.tx_n = 0;
		w[i] = port.tx_buf[0];
		assert_ptr_equal(w[i], dst);
		assert_int_equal(rte_mbuf_refcnt_read(src), 1);
		/* The stored frame is still the plaintext. */
		assert_memory_equal(buf + HL + sizeof(struct ordo_seal_hdr),
				    payload, LEN);
	}
	assert_int_equal(open_one(w[0], w[0]->data_len), 0);
	assert_int_equal(open_one(w[1], w[1]->data_len), 0);
	rte_pktmbuf_free(w[0]);
	rte_pktmbuf_free(w[1]);
	rte_pktmbuf_free(src);
}

/* Every byte of the envelope, the ciphertext and the tag is covered. */
static void any_flipped_bit_fails(void **state)
{
	struct rte_mbuf *m = seal_one();
	uint32_t len = m->data_len;

	(void)state;
	for (uint32_t off = HL; off < len; off++) {
		struct rte_mbuf *c = copy_of(m);
		int rc;

		rte_pktmbuf_mtod(c, uint8_t *)[off] ^= 0x10;
		rc = open_one(c, len);
		/* Header fields checked before decryption have their own
		 * reason; anything else fails authentication. */
		if (off < HL + 24)
			assert_int_not_equal(rc, 0);
		else
			assert_int_equal(rc, -DP_DROP_SEAL_AUTH);
		rte_pktmbuf_free(c);
	}
	assert_int_equal(open_one(m, len), 0); /* the original still opens */
	rte_pktmbuf_free(m);
	assert_true(rx.st.off[0].fails > 0);
	assert_memory_equal(rx.st.off[0].mac, mac1, DP_ETH_ALEN);
}

static void source_binding(void **state)
{
	struct rte_mbuf *m = seal_one();

	(void)state;
	/* Sent again from another station: refused, and the window did not
	 * move (the genuine copy still opens). */
	struct rte_mbuf *c = copy_of(m);
	rte_pktmbuf_mtod(c, uint8_t *)[11] ^= 1;
	assert_int_equal(open_one(c, c->data_len), -DP_DROP_SEAL_AUTH);
	assert_int_equal(open_one(m, m->data_len), 0);
	rte_pktmbuf_free(c);
	rte_pktmbuf_free(m);
}

static void header_reasons(void **state)
{
	struct rte_mbuf *m = seal_one(), *c;
	struct ordo_seal_hdr h;

	(void)state;
	memcpy(&h, rte_pktmbuf_mtod_offset(m, void *, HL), sizeof(h));
#define TRY(field, value, want)                                                \
	do {                                                                   \
		struct ordo_seal_hdr g = h;                                    \
		g.field = value;                                               \
		c = copy_of(m);                                                \
		memcpy(rte_pktmbuf_mtod_offset(c, void *, HL), &g, sizeof(g)); \
		assert_int_equal(open_one(c, c->data_len), want);              \
		rte_pktmbuf_free(c);                                           \
	} while (0)
	TRY(magic, 0, -DP_DROP_SEAL_BAD);
	TRY(version, 2, -DP_DROP_SEAL_BAD);
	TRY(flags, 1, -DP_DROP_SEAL_BAD);
	TRY(sender, __builtin_bswap32(9), -DP_DROP_SEAL_SENDER);
	TRY(sender, __builtin_bswap32(2), -DP_DROP_SEAL_SENDER); /* itself */
	TRY(sender, __builtin_bswap32(3), -DP_DROP_SEAL_AUTH);   /* 3's key */
	TRY(key_id, h.key_id ^ 1, -DP_DROP_SEAL_KEY);
	TRY(counter, 0, -DP_DROP_SEAL_REPLAY);
	TRY(incarnation, h.incarnation ^ __builtin_bswap32(2), -DP_DROP_SEAL_AUTH);
	TRY(incarnation, h.incarnation ^ __builtin_bswap32(1), -DP_DROP_SEAL_REPLAY);
#undef TRY
	/* Short: nothing but a header, or less. */
	assert_int_equal(open_one(m, HL + ORDO_SEAL_OVERHEAD + 1),
			 -DP_DROP_SEAL_BAD);
	assert_int_equal(open_one(m, HL + 3), -DP_DROP_SEAL_BAD);
	/* A truncated frame fails authentication (on a copy: opening
	 * decrypts in place, a failed open leaves the bytes changed). */
	c = copy_of(m);
	assert_int_equal(open_one(c, c->data_len - 1), -DP_DROP_SEAL_AUTH);
	rte_pktmbuf_free(c);
	assert_int_equal(open_one(m, m->data_len), 0);
	rte_pktmbuf_free(m);
}

static void rotation(void **state)
{
	struct dp_seal_cmd c;
	struct ordo_seal_use u = {
		.magic = __builtin_bswap32(ORDO_SEAL_USE_MAGIC),
		.key_id = __builtin_bswap32(key2.id),
	};
	struct rte_mbuf *m;

	(void)state;
	/* Using a key that is not loaded changes nothing (counted). */
	dp_seal_use_delivered(&tx, &u);
	assert_int_equal(tx.st.use_missing, 1);
	assert_int_equal(tx.keys[tx.tx_key].id, key1.id);
	/* Load on both, then the ring delivers USE: tx seals with key 2. */
	memset(&c, 0, sizeof(c));
	c.op = DP_SEAL_LOAD;
	c.key = key2;
	dp_seal_apply(&rx, &c, NULL, NULL);
	assert_int_equal(c.result, 0);
	c.key = key2;
	dp_seal_apply(&tx, &c, NULL, NULL);
	assert_int_equal(c.result, 0);
	c.key = key2;
	dp_seal_apply(&tx, &c, NULL, NULL);
	assert_int_equal(c.result, -EEXIST);
	dp_seal_use_delivered(&tx, &u);
	dp_seal_use_delivered(&rx, &u); /* the ring delivers it to all */
	assert_int_equal(tx.keys[tx.tx_key].id, key2.id);
	assert_int_equal(rx.st.use_applied, 1);
	m = seal_one();
	assert_int_equal(open_one(copy_of(m), m->data_len), 0);
	/* The sending key cannot be retired; the old one can. */
	c.op = DP_SEAL_RETIRE;
	c.key_id = key2.id;
	dp_seal_apply(&tx, &c, NULL, NULL);
	assert_int_equal(c.result, -EBUSY);
	c.key_id = key1.id;
	dp_seal_apply(&rx, &c, NULL, NULL);
	assert_int_equal(c.result, 0);
	/* Frames still sealed with the old key are refused now. */
	c.op = DP_SEAL_LOAD;
	c.key = key1;
	dp_seal_apply(&tx, &c, NULL, NULL); /* tx holds it still: EEXIST */
	tx.tx_key = 0;                      /* key1's slot, the first */
	assert_int_equal(tx.keys[0].id, key1.id);
	struct rte_mbuf *old = seal_one();
	assert_int_equal(open_one(old, old->data_len), -DP_DROP_SEAL_KEY);
	rte_pktmbuf_free(old);
	rte_pktmbuf_free(m);
}

int main(int argc, char **argv)
{
	char prefix[64], err[256];
	char *eal[] = { argv[0], "--no-pci", "--no-huge", "-m", "256", "-l", "0",
			prefix, "--log-level=lib.eal:error",
			"--log-level=pmd.crypto.*:error", NULL };
	uint8_t m1[32], m2[32];
	int rc;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=ordo-test-seal-%d",
		 (int)getpid());
	if (rte_eal_init(10, eal) < 0) {
		fprintf(stderr, "test_seal: EAL failed\n");
		return 1;
	}
	for (unsigned i = 0; i < 32; i++) {
		m1[i] = (uint8_t)i;
		m2[i] = (uint8_t)(100 + i);
	}
	for (unsigned i = 0; i < LEN; i++)
		payload[i] = (uint8_t)(i * 7);
	et = __builtin_bswap16(ORDO_ETHERTYPE);
	ordo_seal_key_init(&key1, m1, 32);
	ordo_seal_key_init(&key2, m2, 32);
	struct dp_seal_conf c1 = { .my_id = 1, .incarnation = 5, .n_members = 3,
				   .members = members,
				   .socket = (int)rte_socket_id(), .key = &key1 };
	struct dp_seal_conf c2 = c1;
	c2.my_id = 2;
	/* The opener on the fallback PMD: both must agree on every byte. */
	c2.dev = "crypto_openssl_test";
	if (dp_seal_init(&tx, &c1, err, sizeof(err)) < 0 ||
	    dp_seal_init(&rx, &c2, err, sizeof(err)) < 0) {
		fprintf(stderr, "test_seal: %s\n", err);
		return 1;
	}
	pool = rte_pktmbuf_pool_create("test_seal", 1023, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opens_once),
		cmocka_unit_test(out_of_place_keeps_plaintext),
		cmocka_unit_test(any_flipped_bit_fails),
		cmocka_unit_test(source_binding),
		cmocka_unit_test(header_reasons),
		cmocka_unit_test(rotation),
	};
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_seal_fini(&rx);
	dp_seal_fini(&tx);
	rte_eal_cleanup();
	return rc;
}
