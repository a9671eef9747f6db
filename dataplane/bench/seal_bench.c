/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-bench-seal: what the sealed envelope costs per frame, beside what
 * the crypto device itself costs, measured in the same run on the same
 * device (`make bench` runs it; docs/security.md quotes it).
 *
 *   seal+open  the dataplane's own path (dataplane/seal.h): build a frame
 *              as ring.c does (framing, copy of the packet), seal it in a
 *              burst of 32 through dp_seal_tx_add/flush, then open it in
 *              a burst through dp_seal_rx_open on a second member's seal
 *              (envelope checks, replay window, per-sender sessions). Every
 *              frame must come out authentic, or the run fails.
 *   raw        the device alone: the same bytes encrypted then decrypted
 *              in bursts of 32 with one session each way, ops and mbufs
 *              prepared outside the timed loop except for what any user
 *              must do per op (attach, offsets, IV, AAD).
 *
 * Sizes are the packet's (the engine's bytes): 64, 1024, 1500, 8192. Each
 * figure is the median of REPS runs of FRAMES frames, in the thread's CPU
 * time (the software PMDs compute on the caller's thread); each line
 * gives the ratio of the two.
 *
 *   ordo-bench-seal [EAL options] -- [--reps N] [--frames N]
 *
 * Each member makes its own device, as ordod does (the EAL needs no
 * --vdev): the ipsec_mb PMD, else OpenSSL's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cryptodev.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

#include "dataplane/bench/bench_cpu.h"
#include "dataplane/seal.h"
#include "dataplane/seal_impl.h"

#define BURST 32u
#define HL    DP_ETH_HDR_LEN

static const uint32_t sizes[] = { 64, 1024, 1500, 8192 };

struct bench {
	struct dp_seal tx, rx;       /* member 1 seals, member 2 opens */
	struct rte_mempool *pool;
	struct dp_port port;         /* collects what tx_flush queues */
	uint8_t mac[DP_ETH_ALEN];
	uint8_t payload[9216];
	void *raw_enc, *raw_dec;
};

/* ns per frame for seal+open of `frames` frames of len bytes, or -1. */
static double run_ordo(struct bench *b, uint32_t len, unsigned frames)
{
	uint16_t et = __builtin_bswap16(ORDO_ETHERTYPE);
	struct rte_mbuf *m[BURST];
	struct dp_seal_rx rx[BURST];
	double t0 = bench_cpu_ns();

	for (unsigned done = 0; done < frames; done += BURST) {
		if (rte_pktmbuf_alloc_bulk(b->pool, m, BURST) != 0)
			return -1;
		for (unsigned i = 0; i < BURST; i++) {
			uint8_t *buf = (uint8_t *)rte_pktmbuf_append(
				m[i], (uint16_t)(HL + ORDO_SEAL_OVERHEAD + len));
			struct dp_eth_hdr *eth = (void *)buf;

			memset(eth->dst, 0xff, DP_ETH_ALEN);
			memcpy(eth->src, b->mac, DP_ETH_ALEN);
			eth->type = et;
			memcpy(buf + HL + sizeof(struct ordo_seal_hdr), b->payload,
			       len);
			if (dp_seal_tx_add(&b->tx, &b->port, m[i], HL, len,
					   b->mac, et, 0, 0) < 0)
				return -1;
		}
		dp_seal_tx_flush(&b->tx, &b->port);
		if (b->port.tx_n != BURST)
			return -1;
		for (unsigned i = 0; i < BURST; i++) {
			struct rte_mbuf *s = b->port.tx_buf[i];
			uint8_t *buf = rte_pktmbuf_mtod(s, uint8_t *);

			rx[i].m = s;
			rx[i].rc = 0;
			rx[i].v.pkt = buf + HL;
			rx[i].v.len = s->data_len - HL;
			rx[i].v.src_mac = buf + DP_ETH_ALEN;
			rx[i].v.src_ip_be = 0;
		}
		dp_seal_rx_open(&b->rx, rx, BURST, et, 0);
		for (unsigned i = 0; i < BURST; i++)
			if (rx[i].rc != 0 || rx[i].v.len != len ||
			    memcmp(rx[i].v.pkt, b->payload, len) != 0)
				return -1;
		rte_pktmbuf_free_bulk(b->port.tx_buf, BURST);
		b->port.tx_n = 0;
	}
	return (bench_cpu_ns() - t0) / frames;
}

/* One burst through the device: encrypt or decrypt m[] in place. */
static int raw_burst(struct bench *b, struct rte_mbuf **m, uint32_t len,
		     void *sess, uint64_t n)
{
	struct rte_crypto_op *ops[BURST], *back[BURST];
	uint16_t got = 0;

	if (rte_crypto_op_bulk_alloc(b->tx.op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
				     ops, BURST) != BURST)
		return -1;
	for (unsigned i = 0; i < BURST; i++) {
		struct rte_crypto_sym_op *sym = ops[i]->sym;
		uint8_t *iv = rte_crypto_op_ctod_offset(ops[i], uint8_t *,
							 SEAL_IV_OFF);
		uint64_t ctr = n + i;

		memset(iv, 0, 4);
		memcpy(iv + 4, &ctr, 8);
		memset(rte_crypto_op_ctod_offset(ops[i], uint8_t *, SEAL_AAD_OFF),
		       0, sizeof(struct ordo_seal_aad));
		sym->m_src = m[i];
		sym->aead.data.offset = 0;
		sym->aead.data.length = len;
		sym->aead.digest.data = rte_pktmbuf_mtod_offset(m[i], uint8_t *,
								len);
		sym->aead.digest.phys_addr = rte_pktmbuf_iova_offset(m[i], len);
		sym->aead.aad.data = rte_crypto_op_ctod_offset(ops[i], uint8_t *,
							       SEAL_AAD_OFF);
		sym->aead.aad.phys_addr =
			rte_crypto_op_ctophys_offset(ops[i], SEAL_AAD_OFF);
		rte_crypto_op_attach_sym_session(ops[i], sess);
	}
	if (rte_cryptodev_enqueue_burst(b->tx.dev_id, 0, ops, BURST) != BURST)
		return -1;
	while (got < BURST)
		got += rte_cryptodev_dequeue_burst(b->tx.dev_id, 0, back + got,
						   (uint16_t)(BURST - got));
	for (unsigned i = 0; i < BURST; i++) {
		if (ops[i]->status != RTE_CRYPTO_OP_STATUS_SUCCESS)
			return -1;
		rte_crypto_op_free(ops[i]);
	}
	return 0;
}

static double run_raw(struct bench *b, uint32_t len, unsigned frames)
{
	struct rte_mbuf *m[BURST];
	double t0;

	if (rte_pktmbuf_alloc_bulk(b->pool, m, BURST) != 0)
		return -1;
	for (unsigned i = 0; i < BURST; i++) {
		uint8_t *buf = (uint8_t *)rte_pktmbuf_append(
			m[i], (uint16_t)(len + ORDO_SEAL_TAG_LEN));
		memcpy(buf, b->payload, len);
	}
	t0 = bench_cpu_ns();
	for (unsigned done = 0; done < frames; done += BURST)
		if (raw_burst(b, m, len, b->raw_enc, done) < 0 ||
		    raw_burst(b, m, len, b->raw_dec, done) < 0) {
			rte_pktmbuf_free_bulk(m, BURST);
			return -1;
		}
	t0 = bench_cpu_ns() - t0;
	rte_pktmbuf_free_bulk(m, BURST);
	return t0 / frames;
}

int main(int argc, char **argv)
{
	static struct bench b;
	const uint32_t members[2] = { 1, 2 };
	uint8_t master[32], key[ORDO_SEAL_KEY_LEN];
	struct ordo_seal_key k;
	unsigned reps = 5, frames = 200000;
	char err[256];
	int n = rte_eal_init(argc, argv);

	if (n < 0) {
		fprintf(stderr, "seal-bench: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	for (int i = n + 1; i < argc; i++) {
		if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = (unsigned)atoi(argv[++i]);
		else if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc)
			frames = (unsigned)atoi(argv[++i]) / BURST * BURST;
		else {
			fprintf(stderr, "usage: ordo-bench-seal [EAL] -- "
				"[--reps N] [--frames N]\n");
			return 1;
		}
	}
	if (reps == 0 || reps > 101 || frames < BURST)
		return 1;
	for (unsigned i = 0; i < sizeof(master); i++)
		master[i] = (uint8_t)(i * 7 + 1);
	for (unsigned i = 0; i < sizeof(b.payload); i++)
		b.payload[i] = (uint8_t)(i * 13);
	memcpy(b.mac, (uint8_t[]){ 0x02, 0, 0, 0, 0, 1 }, DP_ETH_ALEN);
	ordo_seal_key_init(&k, master, sizeof(master));
	struct dp_seal_conf c1 = { .my_id = 1, .incarnation = 1, .n_members = 2,
				   .members = members, .socket = (int)rte_socket_id(),
				   .key = &k };
	struct dp_seal_conf c2 = c1;
	c2.my_id = 2;
	if (dp_seal_init(&b.tx, &c1, err, sizeof(err)) < 0 ||
	    dp_seal_init(&b.rx, &c2, err, sizeof(err)) < 0) {
		fprintf(stderr, "seal-bench: %s\n", err);
		return 1;
	}
	/* The raw figure: the sender's device, its key, one session each way. */
	ordo_seal_key_sender(&k, 1, key);
	b.raw_enc = seal_dev_session(&b.tx, key, true);
	b.raw_dec = seal_dev_session(&b.tx, key, false);
	b.pool = rte_pktmbuf_pool_create("seal_bench", 4095, 256, 0,
					 RTE_PKTMBUF_HEADROOM + 9216 + 128, 0);
	if (b.raw_enc == NULL || b.raw_dec == NULL || b.pool == NULL) {
		fprintf(stderr, "seal-bench: sessions or pool\n");
		return 1;
	}
	printf("seal-bench: device=%s driver=%s burst=%u frames=%u reps=%u "
	       "(median thread CPU ns per frame; seal+open = ordo's path, raw "
	       "= the device encrypting and decrypting the same bytes)\n",
	       b.tx.dev_name, b.tx.driver, BURST, frames, reps);
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		double o[101], r[101], mo, mr;

		run_ordo(&b, sizes[s], frames / 10); /* warm up */
		run_raw(&b, sizes[s], frames / 10);
		for (unsigned i = 0; i < reps; i++) {
			o[i] = run_ordo(&b, sizes[s], frames);
			r[i] = run_raw(&b, sizes[s], frames);
			if (o[i] < 0 || r[i] < 0) {
				fprintf(stderr, "seal-bench: size %u: a frame "
					"failed\n", sizes[s]);
				return 1;
			}
		}
		mo = bench_median(o, reps);
		mr = bench_median(r, reps);
		printf("seal-bench: size=%u seal_open_ns=%.1f raw_ns=%.1f "
		       "seal_open_gbit_per_s=%.2f raw_gbit_per_s=%.2f "
		       "ordo/raw=%.2f\n", sizes[s], mo, mr,
		       sizes[s] * 8 / mo, sizes[s] * 8 / mr, mo / mr);
	}
	seal_dev_session_free(&b.tx, b.raw_enc);
	seal_dev_session_free(&b.tx, b.raw_dec);
	dp_seal_fini(&b.rx);
	dp_seal_fini(&b.tx);
	rte_mempool_free(b.pool);
	ordo_seal_key_wipe(&k);
	rte_eal_cleanup();
	return 0;
}
