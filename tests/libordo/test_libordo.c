/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libordo's native API against the fake daemon (fake_daemon.h): connect
 * and every refusal, round trips (scatter, several groups, 1 MiB in
 * fragments both ways), self-discard, a buffer too small, timeouts, the
 * pollable descriptor and its arming, membership events and their
 * filtering, rejects, and the two ways a session ends.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ordo/client_ring.h"
#include "ordo/ctrl_proto.h"
#include "ordo/ordo.h"
#include "tests/libordo/fake_daemon.h"

#define MEMB_REG_JOIN (ORDO_MEMB_REGULAR | ORDO_MEMB_JOIN)

static struct fake_daemon fd_;

static int setup(void **state)
{
	(void)state;
	return fake_start(&fd_);
}

static int teardown(void **state)
{
	(void)state;
	fake_stop(&fd_);
	return 0;
}

static ordo_client *conn(const char *name, unsigned flags)
{
	ordo_client *c = NULL;
	assert_int_equal(ordo_connect(fd_.path, name, flags, 2000, &c), 0);
	assert_non_null(c);
	return c;
}

static void wait_count(atomic_uint_fast64_t *v, uint64_t want)
{
	for (int i = 0; i < 2000 && *v < want; i++)
		usleep(1000);
	assert_true(*v >= want);
}

static void test_connect(void **state)
{
	(void)state;
	ordo_client *c = conn("alice", 0);
	assert_string_equal(ordo_private_group(c), "#alice#fake");
	assert_string_equal(ordo_daemon_name(c), "fake");
	assert_true(ordo_fd(c) >= 0);
	uint64_t byes = fd_.byes;
	assert_int_equal(ordo_disconnect(c), 0);
	wait_count(&fd_.byes, byes + 1);

	/* No name: the daemon makes one up. $ORDO_SOCKET when no path. */
	setenv(ORDO_CP_SOCKET_ENV, fd_.path, 1);
	c = NULL;
	assert_int_equal(ordo_connect(NULL, NULL, 0, 2000, &c), 0);
	assert_memory_equal(ordo_private_group(c), "#anon", 5);
	uint64_t hangups = fd_.hangups;
	ordo_kill(c);
	wait_count(&fd_.hangups, hangups + 1);
	unsetenv(ORDO_CP_SOCKET_ENV);
}

static void test_connect_refused(void **state)
{
	static const struct { int32_t status; int err; } cases[] = {
		{ ORDO_CP_REJECT_QUOTA, ORDO_ERR_QUOTA },
		{ ORDO_CP_REJECT_ILLEGAL_NAME, ORDO_ERR_NAME },
		{ ORDO_CP_REJECT_NOT_UNIQUE, ORDO_ERR_NOT_UNIQUE },
		{ ORDO_CP_REJECT_VERSION, ORDO_ERR_VERSION },
		{ ORDO_CP_REJECT_NOT_READY, ORDO_ERR_CLOSED },
		{ ORDO_CP_REJECT_AUTH, ORDO_ERR_ACCESS },
		{ 77, ORDO_ERR_PROTO },
	};
	ordo_client *c;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fd_.welcome_status = cases[i].status;
		c = (void *)1;
		assert_int_equal(ordo_connect(fd_.path, "bob", 0, 2000, &c),
				 cases[i].err);
		assert_null(c);
	}
	fd_.welcome_status = ORDO_CP_ACCEPT;
	assert_int_equal(ordo_connect("/tmp/ordo-no-such.sock", "bob", 0, 100, &c),
			 ORDO_ERR_CONNECT);
	assert_int_equal(ordo_connect(fd_.path, "eleven_char", 0, 100, &c),
			 ORDO_ERR_NAME);
	assert_int_equal(ordo_connect(fd_.path, "sp ace", 0, 100, &c), ORDO_ERR_NAME);
	assert_int_equal(ordo_connect(fd_.path, "bob", 0x80, 100, &c), ORDO_ERR_INVAL);
	assert_int_equal(ordo_connect(fd_.path, "bob", 0, 100, NULL), ORDO_ERR_INVAL);
	assert_string_equal(ordo_strerror(ORDO_ERR_NOT_UNIQUE),
			    "private name already in use");
}

static void test_round_trip(void **state)
{
	struct ordo_event ev;
	char buf[4096];
	(void)state;
	ordo_client *c = conn("rt", 0);
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "g1", 7, "hello", 5), 5);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 2000), 5);
	assert_int_equal(ev.kind, ORDO_EV_MESSAGE);
	assert_int_equal(ev.service, ORDO_AGREED);
	assert_int_equal(ev.msg_type, 7);
	assert_string_equal(ev.sender, "#rt#fake");
	assert_int_equal(ev.n_groups, 1);
	assert_string_equal(ev.groups[0], "g1");
	assert_memory_equal(ev.data, "hello", 5);
	assert_int_equal(ev.len, 5);

	/* Scatter to three groups, one of them a private group. */
	char groups[3][ORDO_NAME_LEN] = { "a", "b", "#rt#fake" };
	struct iovec iov[4] = { { "ab", 2 }, { NULL, 0 }, { "cde", 3 }, { "f", 1 } };
	assert_int_equal(ordo_multicastv(c, ORDO_SAFE, 3,
					 (const char (*)[ORDO_NAME_LEN])groups,
					 -3, iov, 4), 6);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 2000), 6);
	assert_int_equal(ev.service, ORDO_SAFE);
	assert_int_equal(ev.msg_type, -3);
	assert_int_equal(ev.n_groups, 3);
	assert_string_equal(ev.groups[1], "b");
	assert_string_equal(ev.groups[2], "#rt#fake");
	assert_memory_equal(ev.data, "abcdef", 6);
	/* The non-blocking send works the same when there is room. */
	assert_int_equal(ordo_try_multicastv(c, ORDO_FIFO, 1,
					     (const char (*)[ORDO_NAME_LEN])groups,
					     0, iov, 1), 2);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 2000), 2);
	/* Whatever the caller left after a name's NUL never reaches the
	 * ring: the daemon's reader refuses unpadded names (it read this
	 * ring through the validating reader: no ring error). */
	char dirty[2][ORDO_NAME_LEN];
	memset(dirty, 'x', sizeof(dirty));
	memcpy(dirty[0], "g1", 3);
	memcpy(dirty[1], "h2", 3);
	assert_int_equal(ordo_multicastv(c, ORDO_AGREED, 2,
					 (const char (*)[ORDO_NAME_LEN])dirty,
					 1, iov, 1), 2);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 2000), 2);
	assert_int_equal(ev.n_groups, 2);
	assert_string_equal(ev.groups[0], "g1");
	assert_string_equal(ev.groups[1], "h2");
	assert_int_equal(fd_.ring_errors, 0);
	/* Zero bytes is a message too. */
	assert_int_equal(ordo_multicast(c, ORDO_RELIABLE, "g1", 0, NULL, 0), 0);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 2000), 0);
	assert_int_equal(ev.kind, ORDO_EV_MESSAGE);
	ordo_disconnect(c);
}

static void test_bad_sends(void **state)
{
	char big;
	(void)state;
	ordo_client *c = conn("bad", 0);
	assert_int_equal(ordo_multicast(c, 0, "g", 0, "x", 1), ORDO_ERR_SERVICE);
	assert_int_equal(ordo_multicast(c, 7, "g", 0, "x", 1), ORDO_ERR_SERVICE);
	assert_int_equal(ordo_multicast(c, ORDO_AGREED | 0x200, "g", 0, "x", 1),
			 ORDO_ERR_SERVICE);
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "a b", 0, "x", 1), ORDO_ERR_NAME);
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "", 0, "x", 1), ORDO_ERR_NAME);
	assert_int_equal(ordo_join(c, "#x#y"), ORDO_ERR_NAME);
	assert_int_equal(ordo_join(c, "0123456789012345678901234567890123"),
			 ORDO_ERR_NAME);
	struct iovec iov = { &big, (16u << 20) + 1 };
	char g[1][ORDO_NAME_LEN] = { "g" };
	assert_int_equal(ordo_multicastv(c, ORDO_AGREED, 1,
					 (const char (*)[ORDO_NAME_LEN])g, 0, &iov, 1),
			 ORDO_ERR_TOO_BIG);
	assert_int_equal(ordo_multicastv(c, ORDO_AGREED, 0,
					 (const char (*)[ORDO_NAME_LEN])g, 0, &iov, 1),
			 ORDO_ERR_INVAL);
	assert_int_equal(fd_.ring_errors, 0);
	ordo_disconnect(c);
}

static void test_self_discard(void **state)
{
	struct ordo_event ev;
	char buf[256];
	(void)state;
	ordo_client *c = conn("sd", 0);
	uint64_t before = fd_.self_discards;
	assert_int_equal(ordo_multicast(c, ORDO_AGREED | ORDO_SELF_DISCARD, "g", 0,
					"x", 1), 1);
	wait_count(&fd_.self_discards, before + 1);
	/* The fake honours it: nothing comes back. */
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 50), ORDO_ERR_TIMEOUT);
	ordo_disconnect(c);
}

static void test_big_message(void **state)
{
	const size_t n = 1u << 20;
	struct ordo_event ev;
	(void)state;
	uint8_t *out = malloc(n), *in = malloc(n + 64);
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(i * 131 + (i >> 11));
	ordo_client *c = conn("big", 0);
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "g", 1, out, n), (int)n);
	/* Too small first: kept, the size needed reported. */
	assert_int_equal(ordo_receive(c, &ev, in, 1000, 2000), ORDO_ERR_BUFFER);
	assert_int_equal(ev.len, n + ORDO_NAME_LEN);
	assert_int_equal(ordo_pending(c), (int)(n + ORDO_NAME_LEN));
	assert_int_equal(ordo_receive(c, &ev, in, n + 64, 2000), (int)n);
	assert_memory_equal(ev.data, out, n);
	assert_int_equal(ordo_pending(c), 0);
	free(out);
	free(in);
	ordo_disconnect(c);
}

static void test_timeouts(void **state)
{
	struct ordo_event ev;
	char buf[64];
	struct timespec a, b;
	(void)state;
	ordo_client *c = conn("to", 0);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 0), ORDO_ERR_AGAIN);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 80), ORDO_ERR_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 75 && ms < 1000);
	assert_int_equal(ordo_receive(NULL, &ev, buf, sizeof(buf), 0), ORDO_ERR_INVAL);
	ordo_disconnect(c);
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, ms) == 1;
}

static void test_fd_arm(void **state)
{
	struct ordo_event ev;
	char buf[256];
	(void)state;
	ordo_client *c = conn("fd", 0);
	int fd = ordo_fd(c);
	assert_int_equal(ordo_arm(c), 0);
	assert_false(readable(fd, 0));
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "g", 0, "x", 1), 1);
	assert_true(readable(fd, 2000));  /* the daemon rang */
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 0), 1);
	assert_false(readable(fd, 0));    /* the receive drained it */

	/* Not armed: the daemon does not ring... */
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "g", 0, "y", 1), 1);
	assert_false(readable(fd, 100));
	/* ...and arming tells there is something already. */
	assert_int_equal(ordo_arm(c), 1);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 0), 1);
	assert_int_equal(ordo_arm(c), 0);
	ordo_disconnect(c);
}

static void test_membership(void **state)
{
	struct ordo_event ev;
	char buf[4096];
	(void)state;
	ordo_client *c = conn("mb", ORDO_CONNECT_MEMBERSHIP);
	assert_int_equal(fd_.hello_flags, ORDO_CP_F_MEMBERSHIP);
	assert_int_equal(ordo_join(c, "grp"), 0);
	int n = ordo_receive(c, &ev, buf, sizeof(buf), 2000);
	assert_true(n >= 20);
	assert_int_equal(ev.kind, ORDO_EV_MEMBERSHIP);
	assert_int_equal(ev.service, MEMB_REG_JOIN);
	assert_string_equal(ev.sender, "grp");
	assert_int_equal(ev.n_groups, 1);
	assert_string_equal(ev.groups[0], "#mb#fake");
	assert_int_equal(ev.msg_type, 0);
	assert_int_equal(ev.gid[0], 1);
	assert_int_equal(ev.gid[1], 2);

	assert_int_equal(ordo_join(c, "many"), 0);
	assert_int_equal(ordo_receive(c, &ev, buf, 100, 2000), ORDO_ERR_BUFFER);
	assert_true(ev.len > (FAKE_MANY_MEMBERS + 1) * ORDO_NAME_LEN);
	assert_true(ordo_receive(c, &ev, buf, sizeof(buf), 2000) > 0);
	assert_int_equal(ev.n_groups, FAKE_MANY_MEMBERS + 1);
	assert_string_equal(ev.groups[FAKE_MANY_MEMBERS], "#mb#fake");
	assert_int_equal(ev.msg_type, FAKE_MANY_MEMBERS);

	assert_int_equal(ordo_leave(c, "grp"), 0);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 2000), 12);
	assert_int_equal(ev.service, ORDO_MEMB_LEAVE);
	assert_int_equal(ev.n_groups, 0);
	ordo_disconnect(c);

	/* Without the flag the library drops them. */
	c = conn("nomb", 0);
	assert_int_equal(fd_.hello_flags, 0);
	assert_int_equal(ordo_join(c, "grp"), 0);
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "grp", 0, "m", 1), 1);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 2000), 1);
	assert_int_equal(ev.kind, ORDO_EV_MESSAGE);
	ordo_disconnect(c);
}

static void test_reject(void **state)
{
	struct ordo_event ev;
	char buf[256];
	(void)state;
	ordo_client *c = conn("rj", 0);
	assert_int_equal(ordo_multicast(c, ORDO_SAFE, "reject", 0, "zz", 2), 2);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 2000), 0);
	assert_int_equal(ev.kind, ORDO_EV_REJECT);
	assert_int_equal(ev.error, ORDO_ERR_TOO_BIG);
	assert_int_equal(ev.service, ORDO_SAFE);
	assert_int_equal(ev.seq, 1);  /* our first message's id */
	assert_string_equal(ev.groups[0], "reject");
	ordo_disconnect(c);
}

static void test_closed_by_daemon(void **state)
{
	struct ordo_event ev;
	char buf[256];
	(void)state;
	ordo_client *c = conn("cl", 0);
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "g", 0, "x", 1), 1);
	usleep(20000);
	fake_close_all(&fd_, ORDO_CR_DISC_SLOW_CONSUMER);
	/* What was delivered before still comes out, then the end. */
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 2000), 1);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), -1), ORDO_ERR_CLOSED);
	assert_int_equal(ordo_close_reason(c), ORDO_CR_DISC_SLOW_CONSUMER);
	assert_string_equal(ordo_close_reason_name(c), "slow-consumer");
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "g", 0, "x", 1), ORDO_ERR_CLOSED);
	ordo_disconnect(c);

	/* A daemon that dies without a word: the socket tells. */
	c = conn("cr", 0);
	fake_hangup_all(&fd_);
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), -1), ORDO_ERR_CLOSED);
	assert_string_equal(ordo_close_reason_name(c), "daemon-exit");
	ordo_kill(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_sends),
		cmocka_unit_test(test_self_discard),
		cmocka_unit_test(test_big_message),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_fd_arm),
		cmocka_unit_test(test_membership),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_closed_by_daemon),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
