/* SPDX-License-Identifier: BSD-3-Clause
 *
 * No system call per SP_receive while messages are queued, and no missed
 * wakeup. The fake daemon queues 10,000 messages in the mailbox's ring;
 * this thread's read and write system calls (/proc/thread-self/io: syscr,
 * syscw; the daemon is another thread) are counted over SP_receive of all
 * of them. The doorbell costs one write when events appear and one drain
 * when they run out: a handful in all, where there used to be one write
 * per call. Then the mailbox is readable exactly when an event waits:
 * after the last one it is not, and a new message makes it readable again.
 *
 * Read and write are the only system calls on that path: with events
 * queued nothing polls, sleeps or reads the clock (SP_receive waits
 * without a deadline).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sp.h"
#include "tests/libordo/fake_daemon.h"

#define QUEUED 10000u

/* This thread's read + write system calls so far. */
static uint64_t io_calls(void)
{
	char buf[512];
	int fd = open("/proc/thread-self/io", O_RDONLY);
	ssize_t n;
	unsigned long long r = 0, w = 0;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = 0;
	const char *p = strstr(buf, "syscr:"), *q = strstr(buf, "syscw:");
	assert_non_null(p);
	assert_non_null(q);
	r = strtoull(p + 6, NULL, 10);
	w = strtoull(q + 6, NULL, 10);
	return r + w;
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) == 1;
}

static void test_receive_syscalls(void **state)
{
	(void)state;
	struct fake_daemon d;
	mailbox mb;
	char pg[MAX_GROUP_NAME], sender[MAX_GROUP_NAME];
	char groups[4][MAX_GROUP_NAME], msg[64];
	service svc;
	int ng, endian;
	int16 mt;

	assert_int_equal(fake_start(&d), 0);
	d.ring_size = 4u << 20;
	assert_int_equal(SP_connect(d.path, "sys", 0, 0, &mb, pg), ACCEPT_SESSION);
	fake_source(&d, QUEUED, 16);
	fake_source_wait(&d);
	assert_true(readable(mb));

	/* The cost of counting: two samples with nothing between. */
	uint64_t a = io_calls(), b = io_calls();
	uint64_t per_sample = b - a;
	uint64_t before = io_calls();
	for (unsigned i = 0; i < QUEUED - 1; i++) {
		svc = 0;
		assert_int_equal(SP_receive(mb, &svc, sender, 4, &ng, groups, &mt,
					    &endian, sizeof(msg), msg), 16);
	}
	uint64_t used = io_calls() - before - per_sample;
	print_message("  %u SP_receive with messages queued: %llu read/write "
		      "system calls\n", QUEUED - 1, (unsigned long long)used);
	assert_true(used <= 3);

	/* One left: the mailbox says so; none left: it does not. */
	assert_true(readable(mb));
	svc = 0;
	assert_int_equal(SP_receive(mb, &svc, sender, 4, &ng, groups, &mt,
				    &endian, sizeof(msg), msg), 16);
	assert_false(readable(mb));
	/* No missed wakeup: the next message makes it readable. */
	fake_source(&d, 1, 16);
	fake_source_wait(&d);
	struct pollfd p = { .fd = mb, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 5000), 1);
	svc = 0;
	assert_int_equal(SP_receive(mb, &svc, sender, 4, &ng, groups, &mt,
				    &endian, sizeof(msg), msg), 16);
	assert_false(readable(mb));
	SP_disconnect(mb);
	fake_stop(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receive_syscalls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
