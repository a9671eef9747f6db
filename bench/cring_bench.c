/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Client ring fixture (see cring_bench.h). Both indexes are rewound
 * between bursts by writing the private copies and the shared ones
 * together: legal here because one thread is both producer and consumer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>

#include "bench/cring_bench.h"
#include "engine/engine.h"
#include "lib/cring/cring.h"

#define RING_SIZE (256u << 10)
#define MAX_BURST 1024u

struct cring_bench {
	enum cring_bench_op op;
	uint32_t payload_len, n_names, rec_len, burst;
	struct ordo_cr_map map;
	struct ordo_cr_prod prod;
	struct ordo_cr_cons cons;
	struct ordo_cr_reader reader;
	char names[2][ORDO_CR_NAME_LEN];
	uint8_t *payload;
	uint8_t *record;  /* memcpy: one whole record, the source */
	uint8_t *dst;     /* memcpy: RING_SIZE / 2 bytes; read: max_rec */
	uint64_t seq;
};

static void name_set(char out[ORDO_CR_NAME_LEN], const char *s)
{
	memset(out, 0, ORDO_CR_NAME_LEN);
	strncpy(out, s, ORDO_CR_NAME_LEN - 1);
}

static void prod_rewind(struct ordo_cr_prod *p)
{
	p->head = p->tail_cache = 0;
	atomic_store_explicit(&p->ctl->head, 0, memory_order_relaxed);
	atomic_store_explicit(&p->ctl->tail, 0, memory_order_relaxed);
}

/* Consume again what the last fill left in [0, head). */
static void cons_rewind(struct ordo_cr_cons *c)
{
	c->tail = c->published = c->head_cache = 0;
	atomic_store_explicit(&c->ctl->tail, 0, memory_order_relaxed);
}

/* A client's submission: reserve, write, commit. */
static int enqueue_burst(struct cring_bench *b)
{
	const uint32_t nb = b->n_names * ORDO_CR_NAME_LEN;
	uint32_t i;

	prod_rewind(&b->prod);
	for (i = 0; i < b->burst; i++) {
		struct ordo_cr_rec *r = ordo_cr_reserve(&b->prod, b->rec_len);

		if (r == NULL)
			return -1;
		*r = (struct ordo_cr_rec){
			.len = b->rec_len,
			.kind = ORDO_CR_MSG,
			.flags = ORDO_CR_F_FIRST | ORDO_CR_F_LAST,
			.service = ORDO_SVC_AGREED,
			.n_names = (uint8_t)b->n_names,
			.msg_type = 1,
			.msg_len = b->payload_len,
			.msg_id = b->seq++,
		};
		memcpy(r + 1, b->names, nb);
		memcpy((uint8_t *)(r + 1) + nb, b->payload, b->payload_len);
		ordo_cr_commit(&b->prod);
	}
	return 0;
}

static int64_t dequeue_burst(struct cring_bench *b)
{
	const struct ordo_cr_rec *r;
	uint32_t n = 0;

	cons_rewind(&b->cons);
	while ((r = ordo_cr_peek(&b->cons)) != NULL) {
		if (r->len != b->rec_len)
			return -1;
		ordo_cr_advance(&b->cons, r->len);
		n++;
	}
	ordo_cr_release(&b->cons);
	return n == b->burst && b->cons.err == 0 ? (int64_t)n : -1;
}

static int64_t read_burst(struct cring_bench *b)
{
	struct ordo_cr_msg m;
	uint32_t n = 0;
	int rc;

	cons_rewind(&b->reader.cons);
	while ((rc = ordo_cr_read(&b->reader, &m, b->dst,
				  b->map.max_rec)) == 1) {
		if (m.payload_len != b->payload_len)
			return -1;
		n++;
	}
	ordo_cr_reader_release(&b->reader);
	return rc == 0 && n == b->burst ? (int64_t)n : -1;
}

/* What the dataplane does with each delivery for each client. */
static int deliver_one(struct cring_bench *b, const struct ordo_delivery *d)
{
	struct ordo_cr_send s = {
		.kind = ORDO_CR_MSG,
		.service = d->service,
		.flags = ORDO_CR_F_SENDER,
		.n_names = 2, /* the sender, then the group */
		.msg_type = (int16_t)d->msg_type,
		.msg_id = d->seq,
		.names = (const char (*)[ORDO_CR_NAME_LEN])b->names,
		.payload = d->data,
		.len = d->len,
	};

	return ordo_cr_write_msg(&b->prod, &s);
}

static int64_t deliver_burst(struct cring_bench *b)
{
	struct ordo_delivery d = {
		.sender = 1,
		.msg_type = 1,
		.service = ORDO_SVC_AGREED,
		.data = b->payload,
		.len = b->payload_len,
		.ring_rep = 1,
		.ring_seq = 1,
	};
	uint32_t i;

	prod_rewind(&b->prod);
	for (i = 0; i < b->burst; i++) {
		d.seq = b->seq++;
		if (deliver_one(b, &d) != 0)
			return -1;
	}
	return b->burst;
}

static int64_t memcpy_burst(struct cring_bench *b)
{
	uint64_t off = 0;
	uint32_t i;

	for (i = 0; i < b->burst; i++) {
		memcpy(b->dst + off, b->record, b->rec_len);
		off += ORDO_CR_ALIGN(b->rec_len);
	}
	return b->burst;
}

struct cring_bench *cring_bench_create(enum cring_bench_op op,
				       uint32_t payload, uint32_t n_names)
{
	struct ordo_cr_params p = {
		.submit_size = RING_SIZE,
		.deliver_size = RING_SIZE,
	};
	enum ordo_cr_which w = op == CRING_DELIVER ? ORDO_CR_DELIVER
						   : ORDO_CR_SUBMIT;
	struct cring_bench *b = calloc(1, sizeof(*b));
	uint64_t per;
	uint32_t i;

	if (b == NULL)
		return NULL;
	b->map.fd = -1;
	b->op = op;
	b->payload_len = payload;
	b->n_names = n_names;
	/* The baseline copies exactly the bytes it is asked to. */
	b->rec_len = op == CRING_MEMCPY ? payload
					: sizeof(struct ordo_cr_rec) +
						  n_names * ORDO_CR_NAME_LEN +
						  payload;
	per = ORDO_CR_ALIGN(b->rec_len);
	b->burst = (uint32_t)(RING_SIZE / 2 / per);
	if (b->burst > MAX_BURST)
		b->burst = MAX_BURST;
	name_set(b->names[0], "#sender#node1");
	name_set(b->names[1], "bench-group");
	b->payload = malloc(payload ? payload : 1);
	b->record = calloc(1, b->rec_len);
	b->dst = calloc(1, RING_SIZE / 2);
	if (b->payload == NULL || b->record == NULL || b->dst == NULL ||
	    (op != CRING_MEMCPY && (n_names < 1 || n_names > 2)) ||
	    b->burst == 0 || b->rec_len == 0 ||
	    ordo_cr_region_create(&b->map, &p) != 0 ||
	    b->rec_len > b->map.max_rec || b->map.max_rec > RING_SIZE / 2)
		goto fail;
	for (i = 0; i < payload; i++)
		b->payload[i] = (uint8_t)(i * 13 + 5);
	memcpy(b->record + b->rec_len - payload, b->payload, payload);
	if (op == CRING_MEMCPY)
		return b;
	/* Touch the whole ring once: no page fault inside a measurement. */
	memset((uint8_t *)b->map.base + b->map.submit_data_off, 0, RING_SIZE);
	memset((uint8_t *)b->map.base + b->map.deliver_data_off, 0, RING_SIZE);
	if (ordo_cr_prod_init(&b->prod, &b->map, w, -1, -1) != 0 ||
	    ordo_cr_cons_init(&b->cons, &b->map, w, -1, -1) != 0 ||
	    ordo_cr_reader_init(&b->reader, &b->map, w, -1, -1) != 0)
		goto fail;
	/* The consumers read what one burst of submissions left. */
	if ((op == CRING_DEQUEUE || op == CRING_READ) && enqueue_burst(b) != 0)
		goto fail;
	return b;
fail:
	cring_bench_destroy(b);
	errno = EINVAL;
	return NULL;
}

void cring_bench_destroy(struct cring_bench *b)
{
	if (b == NULL)
		return;
	if (b->map.base != NULL)
		ordo_cr_region_unmap(&b->map);
	free(b->payload);
	free(b->record);
	free(b->dst);
	free(b);
}

int64_t cring_bench_run(struct cring_bench *b)
{
	switch (b->op) {
	case CRING_ENQUEUE:
		return enqueue_burst(b) == 0 ? (int64_t)b->burst : -1;
	case CRING_DEQUEUE:
		return dequeue_burst(b);
	case CRING_READ:
		return read_burst(b);
	case CRING_DELIVER:
		return deliver_burst(b);
	case CRING_MEMCPY:
		return memcpy_burst(b);
	}
	return -1;
}

uint32_t cring_bench_record_len(const struct cring_bench *b)
{
	return b->rec_len;
}
