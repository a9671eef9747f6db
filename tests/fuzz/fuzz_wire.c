/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Fuzz target of the packet parser and the handlers behind it, through the
 * public API: ordo_engine_rx() on node 2 of a formed 3-node ring, then the
 * same bytes as a script of packets, ticks, submits and ring steps
 * (fuzz_ring.h). It must never crash, leak or trip a sanitizer, and:
 *
 *   - rx returns 0 or a negative drop reason, and exactly then a drop
 *     counter moves by one;
 *   - every packet any engine sends passes the codec of a peer (no
 *     engine emits what engines refuse), whatever it was fed.
 *
 * The ring is formed once and kept while inputs are refused by the codec
 * (which changes nothing); after an input that reached the protocol state
 * it is formed anew, so every input starts from the same state and a
 * crash replays from its file alone.
 *
 * Built with libFuzzer under clang, or with driver/fuzz_driver.c elsewhere;
 * either way with the mutator of fuzz_wire_mutate.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_ring.h"
#include "tests/fuzz/driver/fuzz_target.h"

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_wire: %s:%d: %s: ", __FILE__,   \
				__LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

static struct h_net net;
static bool formed, dirty;
static uint64_t formed_at;          /* net.now once the ring formed */
static struct ordo_engine *checker; /* a peer that only parses */
static uint8_t msg[UINT16_MAX];     /* what SUBMIT sends */

/* Drops decided from the bytes and the configuration alone: they change
 * no state, and no engine may ever send a packet that earns one. */
static bool codec_level(int rc)
{
	switch (-rc) {
	case ORDO_DROP_TRUNCATED:
	case ORDO_DROP_BAD_MAGIC:
	case ORDO_DROP_BAD_VERSION:
	case ORDO_DROP_BAD_TYPE:
	case ORDO_DROP_BAD_LEN:
	case ORDO_DROP_CONFIG:
	case ORDO_DROP_NOT_MEMBER:
	case ORDO_DROP_BAD_RECORD:
	case ORDO_DROP_BAD_TOKEN:
	case ORDO_DROP_BAD_JOIN:
		return true;
	default:
		return false;
	}
}

static uint64_t drops_total(const struct ordo_engine *e)
{
	const struct ordo_engine_stats *st = ordo_engine_stats(e);
	uint64_t n = 0;
	int r;

	for (r = 1; r < ORDO_DROP_REASON_MAX; r++)
		n += st->drops[r];
	return n;
}

static void sink_send(void *ctx, uint32_t dest, const void *p, uint32_t len)
{
	(void)ctx, (void)dest, (void)p, (void)len;
}

static void sink_deliver(void *ctx, const struct ordo_delivery *d)
{
	(void)ctx, (void)d;
}

static void check_sent(void *arg, const struct h_pkt *p, const void *pkt)
{
	int rc;

	(void)arg;
	rc = ordo_engine_rx(checker, pkt, p->len, 0);
	CHECK(!codec_level(rc), "node %u sent a %u-byte packet of type %u "
	      "that a peer drops as %s", p->from, p->len,
	      h_pkt_type(pkt, p->len), ordo_drop_reason_name(-rc));
}

static void init_once(void)
{
	static const struct ordo_engine_ops ops = { sink_send, sink_deliver,
						    NULL };
	struct ordo_engine_config c;

	if (checker == NULL) {
		uint32_t i;

		for (i = 0; i < sizeof(msg); i++)
			msg[i] = (uint8_t)(i * 7 + (i >> 8));
		fuzz_ring_config(&c);
		c.my_id = 1;
		checker = ordo_engine_create(&c, &ops, NULL);
		CHECK(checker != NULL, "checker");
	}
	if (dirty) {
		h_net_fini(&net);
		formed = dirty = false;
	}
	if (!formed) {
		fuzz_ring_form(&net);
		net.on_send = check_sent;
		formed_at = net.now;
		formed = true;
	}
	/* Refused packets move no state, but they took time. */
	net.now = formed_at;
}

/* One packet to node 2. */
static void rx(const uint8_t *p, size_t len)
{
	struct ordo_engine *e = h_node(&net, FUZZ_NODE)->e;
	uint64_t before = drops_total(e);
	int rc;

	net.now += H_PKT_NS;
	rc = h_rx(&net, FUZZ_NODE, p, (uint32_t)len);
	CHECK(rc <= 0 && rc > -ORDO_DROP_REASON_MAX, "rx returned %d", rc);
	CHECK(drops_total(e) == before + (rc < 0), "rx returned %d, %llu "
	      "drops counted", rc,
	      (unsigned long long)(drops_total(e) - before));
	if (!codec_level(rc))
		dirty = true;
}

static uint32_t get16(const uint8_t **p, const uint8_t *end)
{
	uint32_t v = 0;

	if (*p < end)
		v = (uint32_t)*(*p)++ << 8;
	if (*p < end)
		v |= *(*p)++;
	return v;
}

/* Work one input may ask for, so that every run stays short. */
#define MAX_STEPS  2048u /* ring events (RING) */
#define MAX_TICKS  256u  /* ticks (TICK) */

static void run_script(const uint8_t *p, const uint8_t *end)
{
	struct ordo_engine *e = h_node(&net, FUZZ_NODE)->e;
	struct ordo_engine_config c;
	uint32_t n, i, steps = 0, ticks = 0;

	fuzz_ring_config(&c);
	while (p < end) {
		uint8_t o = *p++;

		switch (o & 3) {
		case FUZZ_OP_PACKET:
			n = get16(&p, end);
			if (n > (size_t)(end - p))
				n = (uint32_t)(end - p);
			rx(p, n);
			p += n;
			break;
		case FUZZ_OP_TICK:
			if (++ticks > MAX_TICKS)
				break;
			net.now += ((o >> 2) + 1u) * (c.token_retransmit_ns / 16);
			ordo_engine_tick(e, net.now);
			dirty = true;
			break;
		case FUZZ_OP_SUBMIT:
			n = get16(&p, end);
			(void)ordo_engine_submit(e, (o >> 2) & 7, o, msg, n);
			dirty = true;
			break;
		case FUZZ_OP_RING:
			for (i = 0; i < (o >> 2u) && steps < MAX_STEPS; i++, steps++)
				if (!h_step(&net))
					break;
			dirty = true;
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init_once();
	rx(data, size);
	run_script(data, data + size);
	return 0;
}
