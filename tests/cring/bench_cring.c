/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Client ring throughput: one producer thread, one consumer thread, one
 * 1 MiB ring, busy polling (no doorbell sleeps), records of one group
 * name plus a 64 B or 1 KiB payload (the producer writes the payload, the
 * consumer touches every byte). Consumer modes:
 *   raw        ordo_cr_peek / advance, release per 32 (the client path)
 *   validated  ordo_cr_read: header copied and checked, names and
 *              payload copied (the daemon path)
 * Prints the median of 5 runs; asserts nothing about time.
 *
 *   bench_client_ring [records-per-run]     (default 10000000)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tests/cring/util.h"

#define RING  (1u << 20)
#define BURST 32u

struct run {
	struct ordo_cr_map m;
	uint64_t n;
	uint32_t payload;
	bool validated;
	uint64_t sum;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *producer(void *a_)
{
	struct run *a = a_;
	struct ordo_cr_prod p;
	ordo_cr_prod_init(&p, &a->m, ORDO_CR_SUBMIT, -1, -1);
	uint32_t len = 32 + ORDO_CR_NAME_LEN + a->payload;
	uint64_t id = 0;
	if (len > p.max_rec) {
		fprintf(stderr, "record of %u bytes above max_rec %u\n", len, p.max_rec);
		exit(1);
	}
	while (id < a->n) {
		unsigned k = 0;
		for (; k < BURST && id < a->n; k++, id++) {
			struct ordo_cr_rec *r;
			while (!(r = ordo_cr_reserve(&p, len))) {
				if (k) {  /* publish what we have, then spin */
					ordo_cr_commit(&p);
					k = 0;
				}
				__builtin_ia32_pause();
			}
			r->len = len;
			r->kind = ORDO_CR_MSG;
			r->flags = ORDO_CR_F_FIRST | ORDO_CR_F_LAST;
			r->service = ORDO_SVC_AGREED;
			r->n_names = 1;
			r->msg_type = 0;
			r->reserved = 0;
			r->msg_len = a->payload;
			r->frag_off = 0;
			r->aux = 0;
			r->msg_id = id;
			char *name = (char *)(r + 1);
			memset(name, 0, ORDO_CR_NAME_LEN);
			memcpy(name, "bench", 5);
			memset(name + ORDO_CR_NAME_LEN, (int)id, a->payload);
		}
		ordo_cr_commit(&p);
	}
	return NULL;
}

static void consume(struct run *a)
{
	uint64_t got = 0, sum = 0;
	if (a->validated) {
		struct ordo_cr_reader r;
		static uint8_t buf[RING / 4];
		ordo_cr_reader_init(&r, &a->m, ORDO_CR_SUBMIT, -1, -1);
		while (got < a->n) {
			struct ordo_cr_msg msg;
			unsigned k = 0;
			int ret;
			while (k < BURST && (ret = ordo_cr_read(&r, &msg, buf, sizeof(buf))) == 1) {
				for (uint32_t i = 0; i < msg.payload_len; i += 64)
					sum += msg.payload[i];
				k++;
			}
			if (ret < 0) {
				fprintf(stderr, "reader: %s\n", ordo_cr_err_name(-ret));
				exit(1);
			}
			got += k;
			ordo_cr_reader_release(&r);
			if (!k)
				__builtin_ia32_pause();
		}
	} else {
		struct ordo_cr_cons c;
		ordo_cr_cons_init(&c, &a->m, ORDO_CR_SUBMIT, -1, -1);
		while (got < a->n) {
			const struct ordo_cr_rec *r;
			unsigned k = 0;
			while (k < BURST && (r = ordo_cr_peek(&c))) {
				const uint8_t *pl = (const uint8_t *)(r + 1) +
						    r->n_names * ORDO_CR_NAME_LEN;
				for (uint32_t i = 0; i < r->msg_len; i += 64)
					sum += pl[i];
				ordo_cr_advance(&c, r->len);
				k++;
			}
			if (c.err) {
				fprintf(stderr, "consumer: %s\n", ordo_cr_err_name(c.err));
				exit(1);
			}
			got += k;
			ordo_cr_release(&c);
			if (!k)
				__builtin_ia32_pause();
		}
	}
	a->sum = sum;
}

static double one(uint64_t n, uint32_t payload, bool validated)
{
	struct run a = { .n = n, .payload = payload, .validated = validated };
	struct ordo_cr_params p = { .submit_size = RING, .deliver_size = RING };
	if (ordo_cr_region_create(&a.m, &p)) {
		perror("region");
		exit(1);
	}
	pthread_t t;
	double t0 = now();
	pthread_create(&t, NULL, producer, &a);
	consume(&a);
	pthread_join(t, NULL);
	double dt = now() - t0;
	ordo_cr_region_unmap(&a.m);
	return n / dt;
}

static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000000;
	printf("%-10s %8s %8s %12s %12s %12s\n", "consumer", "payload", "record",
	       "Mrec/s", "payload GB/s", "ring GB/s");
	for (int v = 0; v < 2; v++) {
		for (int s = 0; s < 2; s++) {
			uint32_t payload = s ? 1024 : 64;
			uint64_t runs = s ? n / 8 : n;
			double r[5];
			for (int i = 0; i < 5; i++)
				r[i] = one(runs, payload, v);
			qsort(r, 5, sizeof(r[0]), cmp);
			uint32_t rec = 32 + ORDO_CR_NAME_LEN + payload;
			printf("%-10s %7uB %7uB %12.2f %12.2f %12.2f\n",
			       v ? "validated" : "raw", payload, rec, r[2] / 1e6,
			       r[2] * payload / 1e9, r[2] * rec / 1e9);
		}
	}
	return 0;
}
