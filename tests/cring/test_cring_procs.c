/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Client ring tests across processes and threads: a two-process stream of
 * millions of records through the memfd (bursty, so the consumer sleeps on
 * the doorbell), a doorbell stress, and a concurrent scribbler against the
 * validating reader.
 *
 *   test_cring_procs [test-name-glob]
 * ORDO_CR_TEST_RECORDS sets the stream length (default 2000000).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/cring/cases.h"

static uint64_t records_env(uint64_t dflt)
{
	const char *s = getenv("ORDO_CR_TEST_RECORDS");
	return s ? strtoull(s, NULL, 0) : dflt;
}

/* Child: map the fd like a client would, produce n records of random size
 * (bursty when `pause`, so the consumer sleeps), waiting when full. */
static void child_produce(int fd, int own, int peer, uint64_t n, uint64_t seed,
			  bool pause)
{
	struct ordo_cr_map m;
	struct ordo_cr_prod p;
	if (ordo_cr_region_map(&m, fd) ||
	    ordo_cr_prod_init(&p, &m, ORDO_CR_SUBMIT, own, peer))
		_exit(2);
	uint32_t maxp = m.max_rec - 32 - 32;
	uint8_t *src = malloc(3 * maxp);
	char g[1][ORDO_CR_NAME_LEN];
	cr_name(g[0], "g");
	for (uint64_t id = 1; id <= n; id++) {
		uint64_t x = cr_rnd(&seed);
		uint32_t len = (x & 3) ? (uint32_t)(x >> 8) % 128
				       : (uint32_t)(x >> 8) % (maxp + 1);
		if ((x >> 40) % 16 == 0)
			len = (uint32_t)(x >> 8) % (3 * maxp);  /* fragmented */
		cr_fill(src, id, 0, len);
		struct ordo_cr_send snd = {
			.kind = ORDO_CR_MSG, .service = ORDO_SVC_AGREED,
			.n_names = 1, .msg_id = id, .names = (const void *)g,
			.payload = src, .len = len,
		};
		int r;
		while ((r = ordo_cr_write_msg(&p, &snd)) == -EAGAIN)
			if (ordo_cr_prod_wait(&p, m.max_rec, 5000) < 0)
				_exit(3);
		if (r)
			_exit(4);
		if (pause && (x >> 50) % 64 == 0) {
			struct timespec ts = { 0, (long)((x >> 20) % 50000) };
			nanosleep(&ts, NULL);
		}
	}
	_exit(p.wait_timeouts ? 5 : 0);
}

static void stream(uint64_t n, bool pause, uint32_t ring)
{
	struct ordo_cr_map m = mk(ring, SMALL);
	int pe = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int ce = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	uint64_t seed = 0x1234567 + n;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_produce(m.fd, pe, ce, n, seed, pause);

	struct ordo_cr_reader r;
	assert_int_equal(ordo_cr_reader_init(&r, &m, ORDO_CR_SUBMIT, ce, pe), 0);
	uint8_t *buf = malloc(m.max_rec);
	uint64_t id = 1, sleeps = 0, bytes = 0;
	uint32_t off = 0;
	while (id <= n) {
		struct ordo_cr_msg msg;
		int ret;
		unsigned burst = 0;
		while (burst < 64 && (ret = ordo_cr_read(&r, &msg, buf, m.max_rec)) == 1) {
			burst++;
			if (msg.hdr.msg_id != id || msg.hdr.frag_off != off ||
			    cr_check(msg.payload, id, off, msg.payload_len) != UINT32_MAX)
				fail_msg("record %llu off %u: id %llu frag_off %u corrupt",
					 (unsigned long long)id, off,
					 (unsigned long long)msg.hdr.msg_id,
					 msg.hdr.frag_off);
			bytes += msg.payload_len;
			off += msg.payload_len;
			if (msg.hdr.flags & ORDO_CR_F_LAST) {
				id++;
				off = 0;
			}
		}
		ordo_cr_reader_release(&r);
		if (burst == 0) {
			assert_int_equal(ret, 0);
			sleeps++;
			assert_true(ordo_cr_cons_wait(&r.cons, 5000) >= 0);
		}
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(ordo_cr_read(&r, &(struct ordo_cr_msg){0}, buf, m.max_rec), 0);
	/* A lost wakeup shows as a wait that ran into its 5 s timeout. */
	assert_int_equal(r.cons.wait_timeouts, 0);
	print_message("  %llu records, %llu payload bytes, %llu waits, %llu doorbells to producer\n",
		      (unsigned long long)n, (unsigned long long)bytes,
		      (unsigned long long)sleeps,
		      (unsigned long long)r.cons.doorbells);
	if (pause)  /* the stress must have exercised the sleeping path */
		assert_true(sleeps > 100);
	free(buf);
	close(pe);
	close(ce);
	ordo_cr_region_unmap(&m);
}

static void test_stream_fork(void **st)
{
	(void)st;
	stream(records_env(2000000), false, 64u << 10);
}

static void test_doorbell_stress(void **st)
{
	(void)st;
	stream(records_env(2000000) / 10, true, 16u << 10);
}

/* ------------------------------------------------------------------ */
/* A malicious client: valid records from one thread, random scribbles on
 * the ring and the head from another, while the daemon reads. The page
 * after the submit ring is made inaccessible: a read past the ring end
 * faults. The reader must end flagged, and every record it returned
 * before must satisfy the rules. */

/* ops: what the scribbler has done so far. A run lasts a number of the
 * scribbler's operations, not a wall time, so a loaded machine that
 * deschedules it gives every run the same chance to be caught. */
#define SCRIB_OPS 20000u
struct scrib {
	struct ordo_cr_map *m;
	uint64_t seed;
	_Atomic bool stop;
	_Atomic unsigned ops;
};

static void *scribbler(void *a_)
{
	struct scrib *a = a_;
	uint8_t *data = (uint8_t *)a->m->base + a->m->submit_data_off;
	struct ordo_cr_ring_ctl *ctl =
		(void *)((uint8_t *)a->m->base + a->m->submit_ctl_off);
	struct ordo_cr_prod p;
	ordo_cr_prod_init(&p, a->m, ORDO_CR_SUBMIT, -1, -1);
	uint64_t s = a->seed, id = 1;
	while (!atomic_load(&a->stop)) {
		uint64_t x = cr_rnd(&s);
		atomic_fetch_add_explicit(&a->ops, 1, memory_order_relaxed);
		switch (x % 8) {
		case 0: /* scribble a byte, a word, a run */
			data[(x >> 8) & (a->m->submit_size - 1)] = (uint8_t)(x >> 40);
			break;
		case 1:
			memcpy(data + ((x >> 8) & (a->m->submit_size - 8)), &x, 4);
			break;
		case 2:
			if ((x >> 32) % 64 == 0)
				atomic_store(&ctl->head, atomic_load(&ctl->head) +
						 ((x >> 16) & 0xfff8));
			break;
		default: { /* honest traffic */
			int r = put(&p, id, (uint32_t)(x >> 20) % 700);
			if (r == 0)
				id++;
			else if (r == -EPIPE)
				ordo_cr_prod_init(&p, a->m, ORDO_CR_SUBMIT, -1, -1);
			break;
		}
		}
	}
	return NULL;
}

static void test_scribbler(void **st)
{
	(void)st;
	unsigned flagged = 0, records = 0, runs = 300;
	unsigned reasons[ORDO_CR_ERR_MAX] = { 0 };
	for (unsigned run = 0; run < runs; run++) {
		struct ordo_cr_map m = mk(SMALL, SMALL);
		assert_int_equal(mprotect((uint8_t *)m.base + m.deliver_ctl_off,
					  ORDO_CR_CTL_SIZE, PROT_NONE), 0);
		struct ordo_cr_reader r;
		assert_int_equal(ordo_cr_reader_init(&r, &m, ORDO_CR_SUBMIT, -1, -1), 0);
		struct scrib a = { &m, 0xabcdef + run, false, 0 };
		pthread_t t;
		pthread_create(&t, NULL, scribbler, &a);
		static uint8_t buf[SMALL];
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int ret = 0;
		for (;;) {
			struct ordo_cr_msg msg;
			ret = ordo_cr_read(&r, &msg, buf, sizeof(buf));
			if (ret < 0)
				break;
			if (ret == 1) {
				records++;
				const struct ordo_cr_rec *h = &msg.hdr;
				assert_true(h->len >= 32 && h->len <= m.max_rec);
				assert_true(h->kind == ORDO_CR_MSG || h->kind == ORDO_CR_JOIN ||
					    h->kind == ORDO_CR_LEAVE);
				assert_int_equal(msg.payload_len + 32u +
						 h->n_names * 32u, h->len);
				for (unsigned i = 0; i < h->n_names; i++)
					assert_non_null(memchr(msg.names[i], 0, 32));
			}
			ordo_cr_reader_release(&r);
			if (atomic_load_explicit(&a.ops, memory_order_relaxed) >=
			    SCRIB_OPS)
				break;
			/* A backstop only: the scribbler's work ends a run. */
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (t1.tv_sec - t0.tv_sec > 10)
				break;
		}
		atomic_store(&a.stop, true);
		pthread_join(t, NULL);
		if (ret < 0) {
			flagged++;
			reasons[-ret]++;
			assert_int_equal(atomic_load(&m.hdr->disconnect_detail), -ret);
		}
		mprotect((uint8_t *)m.base + m.deliver_ctl_off, ORDO_CR_CTL_SIZE,
			 PROT_READ | PROT_WRITE);
		ordo_cr_region_unmap(&m);
	}
	print_message("  %u runs, %u flagged, %u records accepted; reasons:", runs,
		      flagged, records);
	for (unsigned e = 1; e < ORDO_CR_ERR_MAX; e++)
		if (reasons[e])
			print_message(" %s=%u", ordo_cr_err_name(e), reasons[e]);
	print_message("\n");
	/* SCRIB_OPS random scribbles each must be caught nearly always */
	assert_true(flagged >= runs * 9 / 10);
	assert_true(records > 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_fork),
		cmocka_unit_test(test_doorbell_stress),
		cmocka_unit_test(test_scribbler),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
