/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The Spread API (include/sp.h) over libordo, against the fake daemon:
 * SP_connect's daemon names and refusals, join and the membership message
 * decoded with SP_get_memb_info, SP_receive's BUFFER_TOO_SHORT,
 * GROUPS_TOO_SHORT and DROP_RECV results, scatter calls, SP_poll, and the
 * E_* loop firing a timer and a mailbox callback, and Spread 5's additions
 * (E_exit_events_async_safe from a signal handler on another thread while
 * the loop sleeps, E_detach_fd_priority, E_get_time_monotonic).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>

#include "sp.h"
#include "ordo/ctrl_proto.h"
#include "tests/libordo/fake_daemon.h"

static struct fake_daemon fd_;

static int setup(void **state)
{
	(void)state;
	int r = fake_start(&fd_);
	setenv(ORDO_CP_SOCKET_ENV, fd_.path, 1);
	return r;
}

static int teardown(void **state)
{
	(void)state;
	fake_stop(&fd_);
	return 0;
}

static mailbox sp_conn(const char *name, int memb)
{
	mailbox m = -1;
	char pg[MAX_GROUP_NAME];
	assert_int_equal(SP_connect("4803", name, 0, memb, &m, pg), ACCEPT_SESSION);
	return m;
}

/* Wait until SP_poll says something is there. */
static int wait_poll(mailbox m)
{
	int n = 0;
	for (int i = 0; i < 2000 && (n = SP_poll(m)) == 0; i++)
		usleep(1000);
	return n;
}

static void test_connect_names(void **state)
{
	static const char *const ok[] = { "4803", "4803@localhost", "",
					  "4804@127.0.0.1", NULL };
	mailbox m;
	char pg[MAX_GROUP_NAME];
	int maj, min, pat;
	(void)state;
	assert_int_equal(SP_version(&maj, &min, &pat), 1);
	assert_int_equal(maj, 4);
	assert_int_equal(SP_version(NULL, &min, &pat), 0);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(SP_connect(ok[i], "sp1", 0, 0, &m, pg), ACCEPT_SESSION);
		assert_string_equal(pg, "#sp1#fake");
		assert_int_equal(SP_disconnect(m), 0);
		assert_int_equal(SP_disconnect(m), ILLEGAL_SESSION);
	}
	sp_time t = { 1, 0 };
	assert_int_equal(SP_connect_timeout(fd_.path, NULL, 0, 1, &m, pg, t),
			 ACCEPT_SESSION);
	assert_memory_equal(pg, "#anon", 5);
	SP_kill(m);
	assert_int_equal(SP_join(m, "g"), ILLEGAL_SESSION);

	assert_int_equal(SP_connect("4803@elsewhere.example", "x", 0, 0, &m, pg),
			 ILLEGAL_SPREAD);
	assert_int_equal(SP_connect("port", "x", 0, 0, &m, pg), ILLEGAL_SPREAD);
	assert_int_equal(SP_connect("4803", "two words", 0, 0, &m, pg),
			 REJECT_ILLEGAL_NAME);
	assert_int_equal(SP_connect("/tmp/ordo-none.sock", "x", 0, 0, &m, pg),
			 COULD_NOT_CONNECT);
	fd_.welcome_status = ORDO_CP_REJECT_NOT_UNIQUE;
	assert_int_equal(SP_connect("4803", "x", 0, 0, &m, pg), REJECT_NOT_UNIQUE);
	fd_.welcome_status = ORDO_CP_REJECT_QUOTA;
	assert_int_equal(SP_connect("4803", "x", 0, 0, &m, pg), REJECT_QUOTA);
	fd_.welcome_status = ORDO_CP_ACCEPT;
	assert_int_equal(SP_set_auth_method("PAM", NULL, NULL), 1);
	assert_int_equal(SP_connect("4803", "x", 0, 0, &m, pg), REJECT_AUTH);
	const char *names[2] = { "PAM", "NULL" };
	assert_int_equal(SP_set_auth_methods(2, names, NULL, NULL), 1);
	assert_int_equal(SP_connect("4803", "x", 0, 0, &m, pg), ACCEPT_SESSION);
	SP_disconnect(m);
}

static void test_join_membership(void **state)
{
	char mess[1024], sender[MAX_GROUP_NAME], groups[8][MAX_GROUP_NAME];
	service st = 0;
	int ng, endian;
	int16 mt;
	membership_info mi;
	(void)state;
	mailbox m = sp_conn("jm", 1);
	assert_int_equal(SP_join(m, "chat"), 0);
	assert_int_equal(SP_join(m, "#bad"), ILLEGAL_GROUP);
	int n = SP_receive(m, &st, sender, 8, &ng, groups, &mt, &endian,
			   sizeof(mess), mess);
	assert_true(n > 0);
	assert_true(Is_reg_memb_mess(st));
	assert_true(Is_caused_join_mess(st));
	assert_string_equal(sender, "chat");
	assert_int_equal(ng, 1);
	assert_string_equal(groups[0], "#jm#fake");
	assert_int_equal(mt, 0);
	assert_int_equal(endian, 0);
	assert_int_equal(SP_get_memb_info(mess, st, &mi), 1);
	assert_string_equal(mi.changed_member, "#jm#fake");
	assert_int_equal(mi.num_vs_sets, 1);

	assert_int_equal(SP_leave(m, "chat"), 0);
	st = 0;
	assert_int_equal(SP_receive(m, &st, sender, 8, &ng, groups, &mt, &endian,
				    sizeof(mess), mess), 12);
	assert_true(Is_self_leave(st));
	SP_disconnect(m);
}

static void test_receive_sizes(void **state)
{
	char mess[256], sender[MAX_GROUP_NAME], groups[64][MAX_GROUP_NAME];
	service st;
	int ng, endian;
	int16 mt;
	(void)state;
	mailbox m = sp_conn("rs", 1);
	assert_int_equal(SP_poll(m), 0);
	assert_int_equal(SP_multicast(m, AGREED_MESS, "g", 9, 100, mess), 100);
	assert_true(wait_poll(m) > 0);
	/* Too short, kept: sizes needed come back negated. */
	st = 0;
	assert_int_equal(SP_receive(m, &st, sender, 4, &ng, groups, &mt, &endian,
				    10, mess), BUFFER_TOO_SHORT);
	assert_int_equal(endian, -100);
	assert_int_equal(ng, 1);
	assert_int_equal(mt, 9);
	assert_true(Is_agreed_mess(st));
	assert_string_equal(sender, "#rs#fake");
	assert_true(SP_poll(m) > 0);
	/* With DROP_RECV: cut and consumed. */
	st = DROP_RECV;
	assert_int_equal(SP_receive(m, &st, sender, 4, &ng, groups, &mt, &endian,
				    10, mess), BUFFER_TOO_SHORT);
	assert_int_equal(SP_poll(m), 0);

	/* GROUPS_TOO_SHORT wins over BUFFER_TOO_SHORT. */
	assert_int_equal(SP_join(m, "many2"), 0);
	assert_true(wait_poll(m) > 0);
	st = 0;
	assert_int_equal(SP_receive(m, &st, sender, 10, &ng, groups, &mt, &endian,
				    4, mess), GROUPS_TOO_SHORT);
	assert_int_equal(ng, -(FAKE_MANY_MEMBERS + 1));
	assert_true(endian < 0);
	assert_true(Is_reg_memb_mess(st));
	/* DROP_RECV with only the groups cut: the body length, ng negated. */
	st = DROP_RECV;
	int n = SP_receive(m, &st, sender, 10, &ng, groups, &mt, &endian,
			   sizeof(mess), mess);
	assert_true(n > 0);
	assert_int_equal(ng, -(FAKE_MANY_MEMBERS + 1));
	assert_string_equal(groups[9], "#m9#fake");
	assert_int_equal(mt, FAKE_MANY_MEMBERS);
	assert_int_equal(SP_poll(m), 0);

	assert_int_equal(SP_multicast(m, 0, "g", 0, 1, mess), ILLEGAL_SERVICE);
	assert_int_equal(SP_multicast(m, REJECT_MESS | SAFE_MESS, "g", 0, 1, mess),
			 ILLEGAL_SERVICE);
	assert_int_equal(SP_multicast(m, SAFE_MESS, "a b", 0, 1, mess), ILLEGAL_GROUP);
	assert_int_equal(SP_multicast(m, SAFE_MESS, "g", 0, -1, mess), ILLEGAL_MESSAGE);
	assert_int_equal(SP_multicast(-5, SAFE_MESS, "g", 0, 1, mess), ILLEGAL_SESSION);
	SP_disconnect(m);
}

static void test_scatter(void **state)
{
	char a[3] = "abc", b[4] = "defg", out1[2], out2[16];
	char sender[MAX_GROUP_NAME], groups[4][MAX_GROUP_NAME];
	const char dests[2][MAX_GROUP_NAME] = { "s1", "s2" };
	service st = 0;
	int ng, endian;
	int16 mt;
	scatter s = { 2, { { a, 3 }, { b, 4 } } };
	scatter r = { 2, { { out1, 2 }, { out2, sizeof(out2) } } };
	(void)state;
	mailbox m = sp_conn("sc", 0);
	assert_int_equal(SP_multigroup_scat_multicast(m, FIFO_MESS | SELF_DISCARD, 2,
						      dests, 1, &s), 7);
	assert_int_equal(SP_multigroup_scat_multicast(m, FIFO_MESS, 2, dests, 2, &s), 7);
	assert_int_equal(SP_scat_receive(m, &st, sender, 4, &ng, groups, &mt, &endian,
					 &r), 7);
	assert_int_equal(mt, 2);  /* the self-discarded one never came */
	assert_true(Is_fifo_mess(st));
	assert_int_equal(ng, 2);
	assert_string_equal(groups[1], "s2");
	assert_memory_equal(out1, "ab", 2);
	assert_memory_equal(out2, "cdefg", 5);
	assert_int_equal(SP_scat_multicast(m, SAFE_MESS, "s1", 3, &s), 7);
	assert_int_equal(SP_receive(m, &st, sender, 4, &ng, groups, &mt, &endian,
				    sizeof(out2), out2), 7);
	assert_int_equal(SP_multigroup_multicast(m, SAFE_MESS, 2, dests, 4, 3, a), 3);
	assert_int_equal(SP_receive(m, &st, sender, 4, &ng, groups, &mt, &endian,
				    sizeof(out2), out2), 3);
	assert_true(fd_.self_discards >= 1);
	SP_disconnect(m);
}

/* ------------------------------------------------------------ E_* loop */

static mailbox loop_mbox;
static int timer_fired, messages, cancelled_fired;

static void on_message(int fd, int code, void *data)
{
	char mess[64], sender[MAX_GROUP_NAME], groups[4][MAX_GROUP_NAME];
	service st = 0;
	int ng, endian;
	int16 mt;
	(void)code;
	(void)data;
	assert_int_equal(fd, loop_mbox);
	assert_int_equal(SP_receive(fd, &st, sender, 4, &ng, groups, &mt, &endian,
				    sizeof(mess), mess), 4);
	if (++messages == 2)
		E_exit_events();
}

static void on_timer(int code, void *data)
{
	(void)data;
	timer_fired++;
	assert_int_equal(code, 42);
	/* Two messages at once: the second must be dispatched too, although
	 * the doorbell rings once. */
	SP_multicast(loop_mbox, AGREED_MESS, "loop", 0, 4, "ping");
	SP_multicast(loop_mbox, AGREED_MESS, "loop", 0, 4, "pong");
}

static void on_cancelled(int code, void *data)
{
	(void)code;
	(void)data;
	cancelled_fired++;
}

static void on_safety(int code, void *data)
{
	(void)code;
	(void)data;
	E_exit_events();
}

static void test_event_loop(void **state)
{
	sp_time ten_ms = { 0, 10000 }, later = { 0, 20000 }, safety = { 3, 0 };
	(void)state;
	assert_int_equal(E_init(), 0);
	loop_mbox = sp_conn("ev", 0);
	assert_int_equal(E_attach_fd(loop_mbox, READ_FD, on_message, 0, NULL,
				     HIGH_PRIORITY), 0);
	assert_int_equal(E_num_active(HIGH_PRIORITY), 1);
	assert_int_equal(E_queue(on_timer, 42, NULL, ten_ms), 0);
	assert_int_equal(E_queue(on_cancelled, 0, NULL, later), 0);
	assert_int_equal(E_dequeue(on_cancelled, 0, NULL), 0);
	assert_int_equal(E_dequeue(on_cancelled, 0, NULL), -1);
	assert_int_equal(E_queue(on_safety, 0, NULL, safety), 0);
	E_handle_events();
	assert_int_equal(timer_fired, 1);
	assert_int_equal(messages, 2);
	assert_int_equal(cancelled_fired, 0);
	E_dequeue(on_safety, 0, NULL);

	assert_int_equal(E_deactivate_fd(loop_mbox, READ_FD), 0);
	assert_int_equal(E_num_active(HIGH_PRIORITY), 0);
	assert_int_equal(E_activate_fd(loop_mbox, READ_FD), 0);
	assert_int_equal(E_detach_fd(loop_mbox, READ_FD), 0);
	assert_int_equal(E_detach_fd(loop_mbox, READ_FD), -1);
	assert_int_equal(E_attach_fd(-1, READ_FD, on_message, 0, NULL, 0), -1);

	sp_time a = { 1, 900000 }, b = { 0, 200000 };
	sp_time c = E_add_time(a, b);
	assert_int_equal(c.sec, 2);
	assert_int_equal(c.usec, 100000);
	assert_int_equal(E_compare_time(E_sub_time(c, b), a), 0);
	assert_int_equal(E_compare_time(a, b), 1);
	SP_disconnect(loop_mbox);
}

static int far_fired;

static void on_far(int code, void *data)
{
	(void)code;
	(void)data;
	far_fired++;
}

static void on_usr1(int sig)
{
	(void)sig;
	E_exit_events_async_safe();
}

static void on_pipe(int fd, int code, void *data)
{
	(void)fd;
	(void)code;
	(void)data;
}

/* Raise SIGUSR1 once the loop is asleep; this thread takes it (the main
 * thread blocks it), so only the doorbell can wake the loop's poll. */
static void *raiser(void *arg)
{
	(void)arg;
	usleep(50000);
	kill(getpid(), SIGUSR1);
	return NULL;
}

static void test_spread5_events(void **state)
{
	sp_time far = { 30, 0 };
	sigset_t set, old;
	pthread_t t;
	int p[2];
	(void)state;

	sp_time m1 = E_get_time_monotonic(), m2 = E_get_time_monotonic();
	assert_true(E_compare_time(m2, m1) >= 0);
	assert_true(m1.usec >= 0 && m1.usec < 1000000);

	assert_int_equal(pipe(p), 0);
	assert_int_equal(E_init(), 0);
	assert_int_equal(E_attach_fd(p[0], READ_FD, on_pipe, 0, NULL, LOW_PRIORITY), 0);
	assert_int_equal(E_detach_fd_priority(p[0], READ_FD, HIGH_PRIORITY), -1);
	assert_int_equal(E_num_active(LOW_PRIORITY), 1);
	assert_int_equal(E_detach_fd_priority(p[0], READ_FD, LOW_PRIORITY), 0);
	assert_int_equal(E_num_active(LOW_PRIORITY), 0);
	assert_int_equal(E_attach_fd(p[0], READ_FD, on_pipe, 0, NULL, LOW_PRIORITY), 0);

	struct sigaction sa = { .sa_handler = on_usr1 };
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	assert_int_equal(pthread_sigmask(SIG_BLOCK, &set, &old), 0);
	assert_int_equal(E_queue(on_far, 0, NULL, far), 0);
	assert_int_equal(pthread_create(&t, NULL, raiser, NULL), 0);
	E_handle_events();   /* returns only through the signal handler */
	pthread_join(t, NULL);
	assert_int_equal(far_fired, 0);
	assert_int_equal(E_dequeue(on_far, 0, NULL), 0);
	assert_int_equal(E_detach_fd(p[0], READ_FD), 0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_names),
		cmocka_unit_test(test_join_membership),
		cmocka_unit_test(test_receive_sizes),
		cmocka_unit_test(test_scatter),
		cmocka_unit_test(test_event_loop),
		cmocka_unit_test(test_spread5_events),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
