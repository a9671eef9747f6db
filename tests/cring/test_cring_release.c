/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Releasing a ring up to a position (ordo_cr_release_to): a consumer that
 * reads records in place and hands them to another thread (ordod's client
 * worker to its ring lcore) gives their space back only once that thread
 * is done, so the producer can never overwrite a payload still to be
 * copied, and every byte comes back in the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>

#include "tests/cring/cases.h"

#define PAYLOAD 200u

struct held {
	const uint8_t *payload;
	uint64_t id, end; /* the reader's position after the record */
};

/* Read every record in place, release only the first `done` of them, and
 * write until the ring is full: nothing held may be overwritten. */
static void test_held_records_survive(void **st)
{
	struct ordo_cr_map m = mk(SMALL, SMALL);
	struct ordo_cr_prod p;
	struct ordo_cr_reader r;
	struct held h[64];
	uint8_t buf[SMALL];
	uint32_t n = 0, done;
	uint64_t id = 1, wrote = 0;

	(void)st;
	assert_int_equal(ordo_cr_prod_init(&p, &m, ORDO_CR_SUBMIT, -1, -1), 0);
	assert_int_equal(ordo_cr_reader_init(&r, &m, ORDO_CR_SUBMIT, -1, -1), 0);
	while (put(&p, id, PAYLOAD) == 0)
		id++;
	wrote = id - 1;
	assert_true(wrote > 4);
	for (;;) {
		struct ordo_cr_msg msg;
		int rc = ordo_cr_read_in_place(&r, &msg, buf, sizeof(buf));

		if (rc == 0)
			break;
		assert_int_equal(rc, 1);
		assert_true(n < 64);
		h[n].payload = msg.payload;
		h[n].id = msg.hdr.msg_id;
		h[n].end = ordo_cr_reader_pos(&r);
		n++;
	}
	assert_int_equal(n, wrote);
	/* Half of them done: only their space goes back. */
	done = n / 2;
	ordo_cr_reader_release_to(&r, h[done - 1].end);
	while (put(&p, id, PAYLOAD) == 0)
		id++;
	assert_true(id - 1 > wrote); /* the released room was used */
	for (uint32_t i = done; i < n; i++)
		assert_int_equal(cr_check(h[i].payload, h[i].id, 0, PAYLOAD),
				 UINT32_MAX);
	/* A position behind what was published, or past what was read, moves
	 * nothing backwards and nothing unread out. */
	assert_int_equal(ordo_cr_reader_release_to(&r, h[0].end), 0);
	ordo_cr_reader_release_to(&r, UINT64_MAX);
	assert_int_equal(ordo_cr_reader_pos(&r),
			 atomic_load(&((struct ordo_cr_ring_ctl *)
					       ((uint8_t *)m.base +
						m.submit_ctl_off))->tail));
	ordo_cr_region_unmap(&m);
}

/* A stream through a small ring, released one record late: every record
 * arrives intact and in order, and the ring ends empty. */
static void test_stream_released_late(void **st)
{
	struct ordo_cr_map m = mk(SMALL, SMALL);
	struct ordo_cr_prod p;
	struct ordo_cr_reader r;
	uint8_t buf[SMALL];
	uint64_t next_put = 1, next_get = 1, prev_end = 0;
	const uint64_t total = 20000;

	(void)st;
	assert_int_equal(ordo_cr_prod_init(&p, &m, ORDO_CR_SUBMIT, -1, -1), 0);
	assert_int_equal(ordo_cr_reader_init(&r, &m, ORDO_CR_SUBMIT, -1, -1), 0);
	while (next_get <= total) {
		struct ordo_cr_msg msg;
		int rc;

		while (next_put <= total && put(&p, next_put, PAYLOAD) == 0)
			next_put++;
		rc = ordo_cr_read_in_place(&r, &msg, buf, sizeof(buf));
		assert_true(rc >= 0);
		if (rc == 0) {
			/* Caught up with the writer: the last one is done. */
			ordo_cr_reader_release(&r);
			continue;
		}
		assert_int_equal(msg.hdr.msg_id, next_get);
		assert_int_equal(cr_check(msg.payload, next_get, 0, PAYLOAD),
				 UINT32_MAX);
		next_get++;
		/* The record before this one is done now. */
		ordo_cr_reader_release_to(&r, prev_end);
		prev_end = ordo_cr_reader_pos(&r);
	}
	ordo_cr_reader_release(&r);
	assert_int_equal(put(&p, total + 1, PAYLOAD), 0);
	ordo_cr_region_unmap(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_records_survive),
		cmocka_unit_test(test_stream_released_late),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
