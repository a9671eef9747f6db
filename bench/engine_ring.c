/* SPDX-License-Identifier: BSD-3-Clause
 *
 * In-memory ring for the engine benchmark (see engine_ring.h). Each member
 * has an inbox of fixed-size packet slots; a multicast copies the packet
 * into every other member's inbox, a token into the successor's.
 */
#include <stdlib.h>
#include <string.h>

#include "bench/engine_ring.h"
#include "engine/engine.h"

#define INBOX 16384u /* packets; a power of two */

struct inbox {
	uint8_t *bufs;
	uint32_t *lens;
	uint64_t head, tail;
};

struct member {
	struct engine_ring *ring;
	struct ordo_engine *e;
	uint32_t id;
	struct inbox in;
	uint64_t delivered;
	uint64_t digest;
};

struct engine_ring {
	uint32_t n, mtu, msg_size;
	uint8_t service;
	uint64_t now;
	struct member m[ORDO_MAX_MEMBERS];
	uint8_t *payload;
};

static void inbox_put(struct inbox *in, uint32_t mtu, const void *p,
		      uint32_t len)
{
	uint32_t i = (uint32_t)(in->tail & (INBOX - 1));

	if (in->tail - in->head == INBOX)
		return; /* full: dropped, as a NIC would; the protocol recovers */
	memcpy(in->bufs + (size_t)i * mtu, p, len);
	in->lens[i] = len;
	in->tail++;
}

static void on_send(void *ctx, uint32_t dest, const void *pkt, uint32_t len)
{
	struct member *self = ctx;
	struct engine_ring *r = self->ring;
	uint32_t i;

	for (i = 0; i < r->n; i++) {
		struct member *m = &r->m[i];

		if (m == self || (dest != ORDO_DEST_RING && dest != m->id))
			continue;
		inbox_put(&m->in, r->mtu, pkt, len);
	}
}

static void on_deliver(void *ctx, const struct ordo_delivery *d)
{
	struct member *m = ctx;

	m->delivered++;
	/* Order digest: FNV-1a step over (sender, seq, length). */
	m->digest = (m->digest ^ (d->sender * 0x9e3779b97f4a7c15ull ^ d->seq ^
				  ((uint64_t)d->len << 40))) *
		    0x100000001b3ull;
}

struct engine_ring *engine_ring_create(uint32_t n, uint32_t mtu,
				       uint32_t msg_size, uint8_t service)
{
	static const struct ordo_engine_ops ops = {
		.send = on_send,
		.deliver = on_deliver,
	};
	struct engine_ring *r = calloc(1, sizeof(*r));
	struct ordo_engine_config cfg;
	uint32_t i;

	if (r == NULL || n == 0 || n > ORDO_MAX_MEMBERS)
		goto fail;
	r->n = n;
	r->mtu = mtu;
	r->msg_size = msg_size;
	r->service = service;
	r->payload = calloc(1, msg_size ? msg_size : 1);
	ordo_engine_config_defaults(&cfg);
	cfg.mtu = mtu;
	cfg.n_members = n;
	cfg.config_hash = 0x0bd0;
	for (i = 0; i < n; i++)
		cfg.members[i] = i + 1;
	for (i = 0; i < n; i++) {
		struct member *m = &r->m[i];

		m->ring = r;
		m->id = i + 1;
		m->digest = 0xcbf29ce484222325ull;
		m->in.bufs = malloc((size_t)INBOX * mtu);
		m->in.lens = malloc(INBOX * sizeof(uint32_t));
		cfg.my_id = m->id;
		m->e = ordo_engine_create(&cfg, &ops, m);
		if (m->e == NULL || m->in.bufs == NULL || m->in.lens == NULL)
			goto fail;
		/* Measure the engine, not first-touch page faults. */
		ordo_engine_prefault(m->e);
		memset(m->in.bufs, 0, (size_t)INBOX * mtu);
	}
	for (i = 0; i < n; i++)
		ordo_engine_start(r->m[i].e, 0);
	return r;
fail:
	engine_ring_destroy(r);
	return NULL;
}

void engine_ring_destroy(struct engine_ring *r)
{
	uint32_t i;

	if (r == NULL)
		return;
	for (i = 0; i < ORDO_MAX_MEMBERS; i++) {
		ordo_engine_destroy(r->m[i].e);
		free(r->m[i].in.bufs);
		free(r->m[i].in.lens);
	}
	free(r->payload);
	free(r);
}

/* Run every member once: drain its inbox, fire its timers. */
static uint64_t step(struct engine_ring *r)
{
	uint64_t work = 0;
	uint32_t i;

	r->now += 1000; /* 1 us of virtual time per sweep */
	for (i = 0; i < r->n; i++) {
		struct member *m = &r->m[i];

		while (m->in.head != m->in.tail) {
			uint32_t k = (uint32_t)(m->in.head & (INBOX - 1));

			ordo_engine_rx(m->e, m->in.bufs + (size_t)k * r->mtu,
				       m->in.lens[k], r->now);
			m->in.head++;
			work++;
		}
		if (ordo_engine_next_deadline(m->e) <= r->now)
			ordo_engine_tick(m->e, r->now);
	}
	return work;
}

int64_t engine_ring_run(struct engine_ring *r, uint64_t msgs, int all_send)
{
	uint64_t target = r->m[0].delivered + msgs, left = msgs, idle = 0;
	uint32_t who = 0;

	while (r->m[r->n - 1].delivered < target || r->m[0].delivered < target) {
		/* Keep the submit queues topped up, as a busy client would. */
		while (left > 0 &&
		       ordo_engine_submit(r->m[who].e, r->service, 1, r->payload,
					  r->msg_size) == 0) {
			left--;
			if (all_send)
				who = (who + 1) % r->n;
		}
		if (step(r) == 0 && ++idle > 1000000)
			return -1;
	}
	return (int64_t)msgs;
}

uint64_t engine_ring_delivered(const struct engine_ring *r, uint32_t i)
{
	return r->m[i].delivered;
}

uint64_t engine_ring_digest(const struct engine_ring *r, uint32_t i)
{
	return r->m[i].digest;
}
