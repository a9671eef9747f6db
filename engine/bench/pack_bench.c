/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Packing and reassembly fixture (see pack_bench.h). It reaches into the
 * engine's internals (engine_impl.h) only to skip the membership protocol:
 * both engines are told they run ring (1, 1) of members 1 and 2, and the
 * receiver that every packet is stable at once, so its store empties as it
 * delivers and the same sequence numbers can be received again.
 */
#include <errno.h>
#include <stdlib.h>

#include "engine/bench/pack_bench.h"
#include "engine/engine_impl.h"

/* Bytes of messages per batch: a few hundred packets, far below the
 * store, whatever the message size. */
#define BATCH_BYTES (256u << 10)
#define STORE_PACKETS 1024u
#define HASH 0xbe4c

struct pack_bench {
	struct ordo_engine *tx, *rx;
	uint32_t msg_size, batch;
	uint8_t *payload;
	uint64_t next_seq;         /* tx: sequence of the next packet */
	uint64_t first, packets;   /* the last batch: tx store [first, +n) */
	uint64_t delivered;        /* rx: messages seen by on_deliver */
	uint64_t bad;              /* rx: messages of the wrong size or bytes */
};

static void on_send(void *ctx, uint32_t dest, const void *pkt, uint32_t len)
{
	/* Packing sends nothing: packets stay in the store until received. */
	(void)ctx;
	(void)dest;
	(void)pkt;
	(void)len;
}

static void on_deliver(void *ctx, const struct ordo_delivery *d)
{
	struct pack_bench *b = ctx;
	const uint8_t *p = d->data;

	b->delivered++;
	/* The ends of the message: a misplaced fragment changes one. */
	if (d->len != b->msg_size || p[0] != b->payload[0] ||
	    p[d->len - 1] != b->payload[d->len - 1])
		b->bad++;
}

static struct ordo_engine *engine_up(uint32_t mtu, uint32_t id,
				     struct pack_bench *b)
{
	static const struct ordo_engine_ops ops = {
		.send = on_send,
		.deliver = on_deliver,
	};
	struct ordo_engine_config cfg;
	struct ring_view rv;
	struct ordo_engine *e;

	ordo_engine_config_defaults(&cfg);
	cfg.my_id = id;
	cfg.n_members = 2;
	cfg.members[0] = 1;
	cfg.members[1] = 2;
	cfg.config_hash = HASH;
	cfg.mtu = mtu;
	cfg.store_packets = STORE_PACKETS;
	cfg.max_msg_size = 64u << 10;
	cfg.submit_bytes = 4u << 20;
	e = ordo_engine_create(&cfg, &ops, b);
	if (e == NULL)
		return NULL;
	ordo_engine_prefault(e);
	eng_ring_view_set(e, &rv, 1, 1, bit(0) | bit(1), NULL);
	eng_set_working_ring(e, &rv);
	e->inst = rv;
	e->state = ORDO_STATE_OPERATIONAL;
	e->safe = UINT64_MAX; /* every packet stable: released once delivered */
	return e;
}

struct pack_bench *pack_bench_create(uint32_t mtu, uint32_t msg_size)
{
	struct pack_bench *b = calloc(1, sizeof(*b));
	uint32_t i;

	if (b == NULL)
		return NULL;
	b->msg_size = msg_size;
	b->batch = BATCH_BYTES / msg_size ? BATCH_BYTES / msg_size : 1;
	b->payload = malloc(msg_size);
	b->next_seq = 1;
	if (b->payload == NULL || msg_size == 0)
		goto fail;
	for (i = 0; i < msg_size; i++)
		b->payload[i] = (uint8_t)(i * 7 + 1);
	b->tx = engine_up(mtu, 1, b);
	b->rx = engine_up(mtu, 2, b);
	if (b->tx == NULL || b->rx == NULL)
		goto fail;
	return b;
fail:
	pack_bench_destroy(b);
	errno = EINVAL;
	return NULL;
}

void pack_bench_destroy(struct pack_bench *b)
{
	if (b == NULL)
		return;
	ordo_engine_destroy(b->tx);
	ordo_engine_destroy(b->rx);
	free(b->payload);
	free(b);
}

int64_t pack_bench_pack(struct pack_bench *b)
{
	uint32_t i, n;

	for (i = 0; i < b->batch; i++)
		if (ordo_engine_submit(b->tx, ORDO_SVC_AGREED, 1, b->payload,
				       b->msg_size) != 0)
			return -1;
	/* The store is a ring: sequence numbers may run on forever. */
	n = eng_submit_build(b->tx, b->next_seq, STORE_PACKETS);
	if (n == 0 || b->tx->sq.count != 0)
		return -1;
	b->first = b->next_seq;
	b->packets = n;
	b->next_seq += n;
	return b->batch;
}

int64_t pack_bench_receive(struct pack_bench *b)
{
	struct ordo_engine *rx = b->rx;
	uint64_t seq, before = b->delivered;

	if (b->packets == 0)
		return -1;
	/* Forget the last replay: the same sequences are new again. */
	rx->my_aru = rx->delivered = rx->low = rx->high_seq = b->first - 1;
	for (seq = b->first; seq < b->first + b->packets; seq++) {
		const struct slot *s = store_slot(&b->tx->store, seq);

		if (ordo_engine_rx(rx, store_buf(&b->tx->store, seq), s->len,
				   seq) != 0)
			return -1;
	}
	if (b->bad != 0 || b->delivered - before != b->batch)
		return -1;
	return b->batch;
}

uint32_t pack_bench_packets(const struct pack_bench *b)
{
	return (uint32_t)b->packets;
}

uint32_t pack_bench_batch(const struct pack_bench *b)
{
	return b->batch;
}
