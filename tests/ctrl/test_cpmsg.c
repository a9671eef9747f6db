/* SPDX-License-Identifier: BSD-3-Clause
 *
 * cmocka tests of lib/cproto/cpmsg: cpmsg_check() accepts the valid form
 * of every type (cpmsg_samples.c) and refuses each broken one with its
 * reason; cpmsg_recv() on a socketpair returns the descriptors of a valid
 * message with CLOEXEC and leaves none open behind a refusal.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "ordo/wire.h"
#include "lib/cproto/cpmsg.h"
#include "tests/ctrl/cpmsg_samples.h"

static union {
	struct ordo_cp_hdr h;
	uint8_t b[ORDO_CP_MSG_MAX + 64];
} buf;

static const struct cpmsg_sample *sample(const char *name)
{
	for (size_t i = 0; i < cpmsg_n_samples; i++)
		if (strcmp(cpmsg_samples[i].name, name) == 0)
			return &cpmsg_samples[i];
	fail_msg("no sample '%s'", name);
	return NULL;
}

/* Build the sample into buf; returns its length. */
static size_t build(const char *name, unsigned *n_fds)
{
	return cpmsg_sample_build(sample(name), buf.b, n_fds);
}

static enum cpmsg_err check_err(size_t n, unsigned n_fds)
{
	enum cpmsg_err err = CPMSG_E_MAX;
	int rc = cpmsg_check(buf.b, n, n_fds, &err);

	/* The two results always agree. */
	assert_true(err < CPMSG_E_MAX);
	assert_int_equal(rc < 0, err != CPMSG_OK);
	return err;
}

static void valid_every_type(void **state)
{
	bool seen[ORDO_CP_TYPE_MAX] = { false };

	(void)state;
	for (size_t i = 0; i < cpmsg_n_samples; i++) {
		const struct cpmsg_sample *s = &cpmsg_samples[i];
		enum cpmsg_err err = CPMSG_E_MAX;
		unsigned n_fds;
		size_t n = cpmsg_sample_build(s, buf.b, &n_fds);

		assert_int_equal(cpmsg_check(buf.b, n, n_fds, &err), s->type);
		assert_int_equal(err, CPMSG_OK);
		assert_int_equal(cpmsg_check(buf.b, n, n_fds, NULL), s->type);
		seen[s->type] = true;
	}
	for (int t = 1; t < ORDO_CP_TYPE_MAX; t++)
		assert_int_equal(seen[t], cpmsg_fixed_size((uint16_t)t) != 0);
}

/* Any alignment: the fuzzer's buffers are not a socket's. */
static void valid_misaligned(void **state)
{
	static uint8_t odd[ORDO_CP_MSG_MAX + 8];
	unsigned n_fds;
	size_t n = build("view", &n_fds);

	(void)state;
	memcpy(odd + 1, buf.b, n);
	assert_int_equal(cpmsg_check(odd + 1, n, n_fds, NULL), ORDO_CP_VIEW);
}

static void err_short(void **state)
{
	unsigned n_fds;

	(void)state;
	build("bye", &n_fds);
	assert_int_equal(check_err(0, 0), CPMSG_E_SHORT);
	assert_int_equal(check_err(sizeof(struct ordo_cp_hdr) - 1, 0),
			 CPMSG_E_SHORT);
	assert_int_equal(cpmsg_check(NULL, 0, 0, NULL), -1);
}

static void err_magic(void **state)
{
	unsigned n_fds;
	size_t n = build("hello", &n_fds);

	(void)state;
	buf.h.magic ^= 1;
	assert_int_equal(check_err(n, n_fds), CPMSG_E_MAGIC);
}

static void err_version(void **state)
{
	unsigned n_fds;
	size_t n = build("hello", &n_fds);

	(void)state;
	buf.h.version = ORDO_CP_VERSION + 1;
	assert_int_equal(check_err(n, n_fds), CPMSG_E_VERSION);
	/* The first reason wins: a newer client's HELLO may differ in every
	 * way, ordo-ctrld answers it with REJECT_VERSION. */
	memset(buf.b + offsetof(struct ordo_cp_hello, private_name), 'x', 16);
	assert_int_equal(check_err(n + 8, 1), CPMSG_E_VERSION);
}

static void err_type(void **state)
{
	static const uint16_t bad[] = { 0, 9, 15, ORDO_CP_TYPE_MAX, 0xffff };
	unsigned n_fds;
	size_t n = build("bye", &n_fds);

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf.h.type = bad[i];
		assert_int_equal(check_err(n, 0), CPMSG_E_TYPE);
	}
}

static void err_len(void **state)
{
	unsigned n_fds;
	size_t n;

	(void)state;
	/* hdr.len is not the datagram's */
	n = build("query", &n_fds);
	buf.h.len = (uint32_t)n + 1;
	assert_int_equal(check_err(n, 0), CPMSG_E_LEN);
	buf.h.len = (uint32_t)n - 1;
	assert_int_equal(check_err(n, 0), CPMSG_E_LEN);
	/* shorter than the type (len agreeing) */
	buf.h.len = (uint32_t)n - 4;
	assert_int_equal(check_err(n - 4, 0), CPMSG_E_LEN);
	/* longer, for a type without a tail */
	buf.h.len = (uint32_t)n + 4;
	assert_int_equal(check_err(n + 4, 0), CPMSG_E_LEN);
	/* a tail type shorter than its fixed part */
	n = build("reply-empty", &n_fds);
	buf.h.len = (uint32_t)n - 1;
	assert_int_equal(check_err(n - 1, 0), CPMSG_E_LEN);
	/* over the protocol's largest datagram */
	n = build("reply", &n_fds);
	buf.h.len = ORDO_CP_MSG_MAX + 1;
	assert_int_equal(check_err(ORDO_CP_MSG_MAX + 1, 0), CPMSG_E_LEN);
	buf.h.len = ORDO_CP_MSG_MAX;
	assert_int_equal(check_err(ORDO_CP_MSG_MAX, 0), CPMSG_OK);
}

static void set_u32(size_t off, uint32_t v)
{
	memcpy(buf.b + off, &v, sizeof(v));
}

static void err_tail(void **state)
{
	const size_t view_n = offsetof(struct ordo_cp_view, n_members);
	const size_t ring_n = offsetof(struct ordo_cp_ring, n_members);
	unsigned n_fds;
	size_t n;

	(void)state;
	/* VIEW: count and tail disagree */
	n = build("view", &n_fds);
	set_u32(view_n, 3);
	assert_int_equal(check_err(n, 0), CPMSG_E_TAIL);
	set_u32(view_n, 1);
	assert_int_equal(check_err(n, 0), CPMSG_E_TAIL);
	/* VIEW: a piece of a name */
	set_u32(view_n, 2);
	buf.h.len = (uint32_t)n + 5;
	assert_int_equal(check_err(n + 5, 0), CPMSG_E_TAIL);
	/* VIEW: a count so large that count * 32 wraps in 32 bits */
	n = build("view-deleted", &n_fds);
	set_u32(view_n, 0x08000000u);
	assert_int_equal(check_err(n, 0), CPMSG_E_TAIL);
	/* RING: count and tail disagree */
	n = build("ring", &n_fds);
	set_u32(ring_n, 2);
	assert_int_equal(check_err(n, 0), CPMSG_E_TAIL);
	buf.h.len = (uint32_t)n + 2;
	set_u32(ring_n, 3);
	assert_int_equal(check_err(n + 2, 0), CPMSG_E_TAIL);
	/* RING: more members than a ring has, however consistent */
	n = build("ring-full", &n_fds);
	set_u32(ring_n, ORDO_MAX_MEMBERS + 1);
	buf.h.len = (uint32_t)n + 4;
	assert_int_equal(check_err(n + 4, 0), CPMSG_E_TAIL);
	/* STATS: count and records disagree, or a piece of a record */
	n = build("stats", &n_fds);
	set_u32(offsetof(struct ordo_cp_stats, n), 3);
	assert_int_equal(check_err(n, 0), CPMSG_E_TAIL);
	set_u32(offsetof(struct ordo_cp_stats, n), 1);
	assert_int_equal(check_err(n, 0), CPMSG_E_TAIL);
	set_u32(offsetof(struct ordo_cp_stats, n), 2);
	buf.h.len = (uint32_t)n + 8;
	assert_int_equal(check_err(n + 8, 0), CPMSG_E_TAIL);
	/* STATS: a count whose records would wrap 32 bits */
	n = build("stats-empty", &n_fds);
	set_u32(offsetof(struct ordo_cp_stats, n), 0x06666667u);
	assert_int_equal(check_err(n, 0), CPMSG_E_TAIL);
	/* STATS_REQ: fixed size only */
	n = build("stats-req", &n_fds);
	buf.h.len = (uint32_t)n + 40;
	assert_int_equal(check_err(n + 40, 0), CPMSG_E_LEN);
	/* REPLY: any text is a valid tail */
	n = build("reply-empty", &n_fds);
	memset(buf.b + n, 0xff, 100);
	buf.h.len = (uint32_t)n + 100;
	assert_int_equal(check_err(n + 100, 0), CPMSG_OK);
}

struct name_case {
	const char *sample;
	size_t off, len;
};

static void err_name(void **state)
{
	static const struct name_case cases[] = {
		{ "hello", offsetof(struct ordo_cp_hello, private_name), 16 },
		{ "welcome", offsetof(struct ordo_cp_welcome, private_group), 32 },
		{ "welcome", offsetof(struct ordo_cp_welcome, daemon), 32 },
		{ "welcome", offsetof(struct ordo_cp_welcome, reason), 64 },
		{ "welcome-refused", offsetof(struct ordo_cp_welcome, reason), 64 },
		{ "link-welcome", offsetof(struct ordo_cp_link_welcome, daemon), 32 },
		{ "attach", offsetof(struct ordo_cp_attach, private_name), 16 },
		{ "client", offsetof(struct ordo_cp_client, private_name), 16 },
		{ "key", offsetof(struct ordo_cp_key, path), ORDO_CP_PATH_LEN },
		{ "view", offsetof(struct ordo_cp_view, group), 32 },
		{ "view", sizeof(struct ordo_cp_view), 32 },      /* member 0 */
		{ "view", sizeof(struct ordo_cp_view) + 32, 32 }, /* member 1 */
		{ "stats", sizeof(struct ordo_cp_stats) +
			   offsetof(struct ordo_cp_stat, label), 24 }, /* record 0 */
		{ "stats", sizeof(struct ordo_cp_stats) + 40 +
			   offsetof(struct ordo_cp_stat, label), 24 }, /* record 1 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned n_fds;
		size_t n = build(cases[i].sample, &n_fds);

		/* Full to the last byte is a name of len - 1 characters. */
		memset(buf.b + cases[i].off, 'a', cases[i].len - 1);
		assert_int_equal(check_err(n, n_fds), CPMSG_OK);
		buf.b[cases[i].off + cases[i].len - 1] = 'a';
		assert_int_equal(check_err(n, n_fds), CPMSG_E_NAME);
	}
}

static void err_fds(void **state)
{
	unsigned n_fds;
	size_t n;

	(void)state;
	n = build("attach", &n_fds);
	assert_int_equal(check_err(n, 3), CPMSG_E_FDS);
	assert_int_equal(check_err(n, 5), CPMSG_E_FDS);
	assert_int_equal(check_err(n, 0), CPMSG_E_FDS);
	n = build("welcome", &n_fds);
	assert_int_equal(check_err(n, 0), CPMSG_E_FDS);
	assert_int_equal(check_err(n, 4), CPMSG_E_FDS);
	n = build("welcome-refused", &n_fds);
	assert_int_equal(check_err(n, 3), CPMSG_E_FDS);
	for (size_t i = 0; i < cpmsg_n_samples; i++) {
		n = cpmsg_sample_build(&cpmsg_samples[i], buf.b, &n_fds);
		if (n_fds == 0)
			assert_int_equal(check_err(n, 1), CPMSG_E_FDS);
	}
}

static void err_names_are_words(void **state)
{
	(void)state;
	for (int e = CPMSG_OK; e < CPMSG_E_MAX; e++)
		assert_string_not_equal(cpmsg_err_name((enum cpmsg_err)e), "?");
	assert_string_equal(cpmsg_err_name(CPMSG_E_MAX), "?");
}

/* ---- cpmsg_recv on a socketpair ------------------------------------ */

static int open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

struct pair {
	int tx, rx;
};

static int pair_setup(void **state)
{
	static struct pair p;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	p.tx = sv[0];
	p.rx = sv[1];
	*state = &p;
	return 0;
}

static int pair_teardown(void **state)
{
	struct pair *p = *state;

	close(p->tx);
	close(p->rx);
	return 0;
}

/* Send buf[0, n) with k fresh descriptors (pipes' ends), which we close
 * on our side at once: whatever stays open is the receiver's. */
static void send_with(struct pair *p, size_t n, unsigned k)
{
	int fds[8], pipes[8][2];

	assert_true(k <= 8);
	for (unsigned i = 0; i < k; i += 2) {
		assert_int_equal(pipe(pipes[i / 2]), 0);
		fds[i] = pipes[i / 2][0];
		if (i + 1 < k)
			fds[i + 1] = pipes[i / 2][1];
		else
			close(pipes[i / 2][1]);
	}
	if (k <= CPMSG_MAX_FDS) {
		assert_int_equal(cpmsg_send(p->tx, buf.b, n, fds, k, 0), 0);
	} else {
		/* More than cpmsg_send allows: a hostile peer's sendmsg. */
		union {
			struct cmsghdr align;
			char c[CMSG_SPACE(sizeof(int) * 8)];
		} ctl;
		struct iovec iov = { .iov_base = buf.b, .iov_len = n };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl.c,
				     .msg_controllen = CMSG_SPACE(sizeof(int) * k) };
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

		memset(&ctl, 0, sizeof(ctl));
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * k);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * k);
		assert_int_equal(sendmsg(p->tx, &mh, 0), (ssize_t)n);
	}
	for (unsigned i = 0; i < k; i++)
		close(fds[i]);
}

static void recv_attach_fds(void **state)
{
	struct pair *p = *state;
	int before = open_fds(), fds[CPMSG_MAX_FDS];
	enum cpmsg_err err;
	unsigned n_fds;
	size_t n = build("attach", &n_fds);
	long got;

	send_with(p, n, 4);
	memset(buf.b, 0, n);
	got = cpmsg_recv(p->rx, buf.b, ORDO_CP_MSG_MAX, fds, 4, &n_fds,
			 MSG_DONTWAIT, &err);
	assert_int_equal(got, (long)n);
	assert_int_equal(err, CPMSG_OK);
	assert_int_equal(buf.h.type, ORDO_CP_ATTACH);
	assert_int_equal(n_fds, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_true(fcntl(fds[i], F_GETFD) & FD_CLOEXEC);
	assert_int_equal(open_fds(), before + 4);
	cpmsg_close_fds(fds, 4);
	assert_int_equal(fds[0], -1);
	assert_int_equal(open_fds(), before);
}

/* Each refusal: its reason, and no descriptor left open. */
static void expect_refused(struct pair *p, size_t n, unsigned k,
			   size_t cap, unsigned max_fds, enum cpmsg_err want)
{
	int before = open_fds(), fds[CPMSG_MAX_FDS];
	enum cpmsg_err err;
	unsigned n_fds = 99;
	long got;

	send_with(p, n, k);
	got = cpmsg_recv(p->rx, buf.b, cap, fds, max_fds, &n_fds, MSG_DONTWAIT,
			 &err);
	assert_true(got > 0);
	assert_int_equal(err, want);
	assert_int_equal(n_fds, 0);
	assert_int_equal(open_fds(), before);
}

static void recv_refusals(void **state)
{
	struct pair *p = *state;
	unsigned n_fds;
	size_t n;

	/* extra descriptors, within and beyond what one message carries */
	n = build("hello", &n_fds);
	expect_refused(p, n, 1, ORDO_CP_MSG_MAX, 4, CPMSG_E_FDS);
	n = build("attach", &n_fds);
	expect_refused(p, n, 3, ORDO_CP_MSG_MAX, 4, CPMSG_E_FDS);
	n = build("attach", &n_fds);
	expect_refused(p, n, 6, ORDO_CP_MSG_MAX, 4, CPMSG_E_FDS);
	/* valid, but more than this reader takes (ordo-ctrld: none) */
	n = build("attach", &n_fds);
	expect_refused(p, n, 4, ORDO_CP_MSG_MAX, 0, CPMSG_E_FDS);
	/* larger than the reader's buffer (libordo's is one WELCOME) */
	n = build("reply", &n_fds);
	expect_refused(p, n, 0, sizeof(struct ordo_cp_reply) + 2, 0,
		       CPMSG_E_TRUNC);
	/* what cpmsg_check refuses, descriptors and all */
	n = build("welcome", &n_fds);
	buf.h.magic = 0;
	expect_refused(p, n, 3, ORDO_CP_MSG_MAX, 4, CPMSG_E_MAGIC);
	/* an empty datagram is a message, not the peer's close */
	expect_refused(p, 0, 2, ORDO_CP_MSG_MAX, 4, CPMSG_E_SHORT);
}

static void recv_eagain_and_close(void **state)
{
	struct pair *p = *state;
	enum cpmsg_err err;
	unsigned n_fds;
	int fds[1];

	assert_int_equal(cpmsg_recv(p->rx, buf.b, ORDO_CP_MSG_MAX, fds, 0,
				    &n_fds, MSG_DONTWAIT, &err), -EAGAIN);
	close(p->tx);
	p->tx = socket(AF_UNIX, SOCK_SEQPACKET, 0); /* for the teardown */
	assert_int_equal(cpmsg_recv(p->rx, buf.b, ORDO_CP_MSG_MAX, fds, 0,
				    &n_fds, MSG_DONTWAIT, &err), 0);
}

static void send_limits(void **state)
{
	struct pair *p = *state;
	int fds[5] = { 0, 0, 0, 0, 0 };

	assert_int_equal(cpmsg_send(p->tx, buf.b, 16, fds, 5, 0), -EINVAL);
	assert_int_equal(cpmsg_send(p->tx, buf.b, ORDO_CP_MSG_MAX + 1, NULL, 0,
				    0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_every_type),
		cmocka_unit_test(valid_misaligned),
		cmocka_unit_test(err_short),
		cmocka_unit_test(err_magic),
		cmocka_unit_test(err_version),
		cmocka_unit_test(err_type),
		cmocka_unit_test(err_len),
		cmocka_unit_test(err_tail),
		cmocka_unit_test(err_name),
		cmocka_unit_test(err_fds),
		cmocka_unit_test(err_names_are_words),
		cmocka_unit_test_setup_teardown(recv_attach_fds, pair_setup,
						pair_teardown),
		cmocka_unit_test_setup_teardown(recv_refusals, pair_setup,
						pair_teardown),
		cmocka_unit_test_setup_teardown(recv_eagain_and_close,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(send_limits, pair_setup,
						pair_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
