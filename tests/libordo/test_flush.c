/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The flush library (include/fl.h, client/flush/) against the fake
 * daemon's group layer (FAKE_GROUPS): several members of one group in one
 * process, each its own connection.
 *
 *   - a first view comes without a flush request; a join makes the old
 *     members' flush request, FL_flush, then the view, with its vs set;
 *     a message sent between the request and the flush is delivered in
 *     the old view (to its sender too) and never to the joiner;
 *   - leave, a member killed in the middle of a flush (the others agree
 *     again by themselves), and a network change;
 *   - FL_unicast / FL_subgroupcast (SUBGROUP_CAST, receivers then group)
 *     and private groups;
 *   - every error code the calls promise, DONT_BLOCK, short buffers;
 *   - hostile input from a plain Spread client in the group: bytes that
 *     are no header, a FLUSH_OK for another membership, data claiming
 *     another view, and a sender outside the view, all ignored.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "fl.h"
#include "ordo/ctrl_proto.h"
#include "ordo/fl_wire.h"
#include "tests/libordo/fake_daemon.h"

static struct fake_daemon fd_;

struct ev {
	int ret;
	service svc;
	char sender[MAX_GROUP_NAME];
	int ng;
	char groups[8][MAX_GROUP_NAME];
	int16 type;
	int endian;
	char body[512];
	int more;
};

#define MAX_BOXES 6
#define QLEN 16
static struct box {
	mailbox m;
	struct ev q[QLEN];
	int n;
} boxes[MAX_BOXES];
static int n_boxes;

static int setup(void **state)
{
	(void)state;
	int r = fake_start(&fd_);
	fd_.mode = FAKE_GROUPS;
	setenv(ORDO_CP_SOCKET_ENV, fd_.path, 1);
	return r;
}

static int teardown(void **state)
{
	(void)state;
	fake_stop(&fd_);
	return 0;
}

/* A fresh fake daemon per test: slots are connection order from 0. */
static int each_setup(void **state)
{
	n_boxes = 0;
	return setup(state);
}

/* Every connection of a test, each with the events received for it and
 * not yet looked at. A flush needs every member's library to run (a
 * joiner agrees when it reads its membership), as separate processes
 * would: rx() therefore reads every mailbox, and keeps what it read for
 * the others. */

static struct box *box_of(mailbox m)
{
	for (int i = 0; i < n_boxes; i++)
		if (boxes[i].m == m)
			return &boxes[i];
	return NULL;
}

static mailbox conn(const char *name, char pg[MAX_GROUP_NAME])
{
	mailbox m = -1;
	char tmp[MAX_GROUP_NAME];

	assert_int_equal(FL_connect("4803", name, 0, &m, pg ? pg : tmp), ACCEPT_SESSION);
	assert_true(n_boxes < MAX_BOXES);
	boxes[n_boxes++] = (struct box){ .m = m };
	return m;
}

/* Stop reading m (disconnected, or killed). */
static void forget(mailbox m)
{
	struct box *b = box_of(m);

	if (b)
		*b = boxes[--n_boxes];
}

static void pump(void)
{
	for (int i = 0; i < n_boxes; i++) {
		struct box *b = &boxes[i];
		struct ev e;

		while (b->n < QLEN) {
			memset(&e, 0, sizeof(e));
			e.svc = DONT_BLOCK;
			e.ret = FL_receive(b->m, &e.svc, e.sender, 8, &e.ng, e.groups,
					   &e.type, &e.endian, sizeof(e.body), e.body,
					   &e.more);
			if (e.ret == WOULD_BLOCK)
				break;
			b->q[b->n++] = e;
			if (e.ret < 0 && e.ret != BUFFER_TOO_SHORT && e.ret != GROUPS_TOO_SHORT)
				break;
		}
	}
}

/* The next event of m within about 2 s (DONT_BLOCK polls: no test can
 * hang on a receive that the flush rules say may never return). */
static int rx(mailbox m, struct ev *e)
{
	struct box *b = box_of(m);

	assert_non_null(b);
	for (int i = 0; i < 2000; i++) {
		pump();
		if (b->n) {
			*e = b->q[0];
			memmove(b->q, b->q + 1, sizeof(b->q[0]) * (size_t)--b->n);
			return e->ret;
		}
		usleep(1000);
	}
	memset(e, 0, sizeof(*e));
	e->ret = WOULD_BLOCK;
	return WOULD_BLOCK;
}

/* Nothing more for m now (after everyone had time to deliver). */
static void quiet(mailbox m)
{
	struct box *b = box_of(m);

	for (int i = 0; i < 20; i++) {
		pump();
		usleep(1000);
	}
	if (b->n)
		fprintf(stderr, "quiet: unexpected event %d svc %x from %s\n",
			b->q[0].ret, b->q[0].svc, b->q[0].sender);
	assert_int_equal(b->n, 0);
}

static int fl_bye(mailbox m)
{
	forget(m);
	return FL_disconnect(m);
}

static void expect_flush_req(mailbox m, const char *group)
{
	struct ev e;

	assert_int_equal(rx(m, &e), 0);
	assert_true(Is_flush_req_mess(e.svc));
	assert_false(Is_regular_mess(e.svc));
	assert_false(Is_membership_mess(e.svc));
	assert_string_equal(e.sender, group);
}

/* The next event is a view of group with n members and a vs set of
 * vs_n; its cause is checked when cause != 0. */
static void expect_view(mailbox m, const char *group, int n, service cause,
			unsigned vs_n, struct ev *out)
{
	struct ev e;
	membership_info mi;
	vs_set_info sets[2];
	unsigned my_set;

	assert_true(rx(m, &e) > 0);
	assert_true(Is_reg_memb_mess(e.svc));
	if (cause)
		assert_int_equal(e.svc & (CAUSED_BY_JOIN | CAUSED_BY_LEAVE |
					  CAUSED_BY_DISCONNECT | CAUSED_BY_NETWORK), cause);
	assert_string_equal(e.sender, group);
	assert_int_equal(e.ng, n);
	/* Readable with sp.h's decoders and with the FL offsets. */
	assert_int_equal(SP_get_memb_info(e.body, e.svc, &mi), 1);
	assert_int_equal(mi.num_vs_sets, 1);
	assert_int_equal(mi.my_vs_set.num_members, vs_n);
	assert_int_equal(SP_get_vs_sets_info(e.body, sets, 2, &my_set), 1);
	uint32_t nvs;
	memcpy(&nvs, e.body + FL_get_num_vs_offset_memb_mess(), 4);
	assert_int_equal(nvs, vs_n);
	group_id gid;
	memcpy(&gid, e.body + FL_get_gid_offset_memb_mess(), sizeof(gid));
	assert_true(SP_equal_group_ids(gid, mi.gid));
	if (out)
		*out = e;
}

static group_id gid_of(const struct ev *e)
{
	group_id g;

	memcpy(&g, e->body, sizeof(g));
	return g;
}

static bool vs_has(const struct ev *e, const char *name)
{
	uint32_t n;
	int off = FL_get_vs_set_offset_memb_mess();

	memcpy(&n, e->body + FL_get_num_vs_offset_memb_mess(), 4);
	for (uint32_t i = 0; i < n; i++)
		if (!strcmp(e->body + off + (int)i * MAX_GROUP_NAME, name))
			return true;
	return false;
}

static void expect_msg(mailbox m, const char *from, const char *text)
{
	struct ev e;

	assert_int_equal(rx(m, &e), (int)strlen(text));
	assert_true(Is_regular_mess(e.svc));
	assert_false(Is_subgroup_mess(e.svc));
	assert_string_equal(e.sender, from);
	assert_memory_equal(e.body, text, strlen(text));
}

/* A and B in one view of g (A joined first). */
static void two_members(mailbox *a, char pa[MAX_GROUP_NAME], mailbox *b,
			char pb[MAX_GROUP_NAME])
{
	*a = conn("a", pa);
	assert_int_equal(FL_join(*a, "g"), 0);
	expect_view(*a, "g", 1, CAUSED_BY_JOIN, 1, NULL);
	*b = conn("b", pb);
	assert_int_equal(FL_join(*b, "g"), 0);
	expect_flush_req(*a, "g");
	assert_int_equal(FL_flush(*a, "g"), 0);
	expect_view(*a, "g", 2, CAUSED_BY_JOIN, 1, NULL);
	expect_view(*b, "g", 2, CAUSED_BY_JOIN, 1, NULL);
}

static void test_join_and_flush(void **state)
{
	char pa[MAX_GROUP_NAME], pb[MAX_GROUP_NAME];
	struct ev va, vb;
	(void)state;

	mailbox a = conn("a", pa);
	assert_int_equal(FL_join(a, "g"), 0);
	assert_int_equal(FL_join(a, "g"), ILLEGAL_GROUP);
	/* Not a member until the view: no leave, no send, no flush. */
	assert_int_equal(FL_leave(a, "g"), ILLEGAL_GROUP);
	assert_int_equal(FL_multicast(a, AGREED_MESS, "g", 1, 2, "hi"), ILLEGAL_GROUP);
	expect_view(a, "g", 1, CAUSED_BY_JOIN, 1, &va);
	assert_true(vs_has(&va, pa));
	assert_int_equal(va.type, 0);
	assert_int_equal(FL_flush(a, "g"), ILLEGAL_STATE);

	mailbox b = conn("b", pb);
	assert_int_equal(FL_join(b, "g"), 0);
	expect_flush_req(a, "g");
	/* Still in the old view: sending is allowed, and it is delivered
	 * there, to the sender too, and not to the joiner. */
	assert_int_equal(FL_multicast(a, AGREED_MESS, "g", 7, 3, "old"), 3);
	assert_int_equal(FL_flush(a, "g"), 0);
	assert_int_equal(FL_flush(a, "g"), ILLEGAL_STATE);
	assert_int_equal(FL_multicast(a, AGREED_MESS, "g", 1, 2, "no"), ILLEGAL_STATE);
	expect_msg(a, pa, "old");
	expect_view(a, "g", 2, CAUSED_BY_JOIN, 1, &va);
	assert_true(vs_has(&va, pa));
	assert_false(vs_has(&va, pb));
	/* The joiner: its first view, alone in its vs set, "old" never. */
	expect_view(b, "g", 2, CAUSED_BY_JOIN, 1, &vb);
	assert_true(vs_has(&vb, pb));
	assert_true(SP_equal_group_ids(gid_of(&va), gid_of(&vb)));
	assert_string_equal(va.groups[va.type], pa);
	assert_string_equal(vb.groups[vb.type], pb);

	/* The new view carries messages both ways. */
	assert_int_equal(FL_multicast(b, FIFO_MESS, "g", 3, 3, "new"), 3);
	expect_msg(a, pb, "new");
	expect_msg(b, pb, "new");
	quiet(a);
	quiet(b);
	assert_int_equal(fl_bye(a), 0);
	assert_int_equal(fl_bye(b), 0);
	assert_int_equal(fl_bye(b), ILLEGAL_SESSION);
}

static void test_leave(void **state)
{
	char pa[MAX_GROUP_NAME], pb[MAX_GROUP_NAME];
	mailbox a, b;
	struct ev e, va;
	(void)state;

	two_members(&a, pa, &b, pb);
	assert_int_equal(FL_leave(b, "g"), 0);
	assert_int_equal(FL_leave(b, "g"), ILLEGAL_GROUP);
	assert_true(rx(b, &e) >= 0);
	assert_true(Is_self_leave(e.svc));
	assert_string_equal(e.sender, "g");
	expect_flush_req(a, "g");
	assert_int_equal(FL_flush(a, "g"), 0);
	expect_view(a, "g", 1, CAUSED_BY_LEAVE, 1, &va);
	assert_true(vs_has(&va, pa));
	/* Gone from the group: it may join again later, not send now. */
	assert_int_equal(FL_multicast(b, AGREED_MESS, "g", 1, 1, "x"), ILLEGAL_GROUP);
	quiet(b);
	fl_bye(a);
	fl_bye(b);
}

static void test_killed_mid_flush(void **state)
{
	char pa[MAX_GROUP_NAME], pb[MAX_GROUP_NAME], pc[MAX_GROUP_NAME];
	mailbox a, b;
	struct ev va, vc;
	(void)state;

	two_members(&a, pa, &b, pb);
	/* B's last words, in the view {A, B}. */
	assert_int_equal(FL_multicast(b, AGREED_MESS, "g", 1, 4, "last"), 4);
	mailbox c = conn("c", pc);
	assert_int_equal(FL_join(c, "g"), 0);
	expect_msg(a, pb, "last");
	expect_flush_req(a, "g");
	expect_msg(b, pb, "last");
	expect_flush_req(b, "g");
	assert_int_equal(FL_flush(a, "g"), 0);
	/* B dies before it flushes: the membership changes again, A and C
	 * agree again by themselves, and the view is {A, C}. */
	forget(b);
	fake_hangup_one(&fd_, 1);
	expect_view(a, "g", 2, 0, 1, &va);
	assert_true(vs_has(&va, pa));
	expect_view(c, "g", 2, 0, 1, &vc);
	assert_true(vs_has(&vc, pc));
	assert_true(SP_equal_group_ids(gid_of(&va), gid_of(&vc)));
	assert_string_not_equal(va.groups[0], pb);
	assert_string_not_equal(va.groups[1], pb);
	quiet(a);
	quiet(c);  /* "last" was B's in {A, B}: never C's */
	fl_bye(a);
	fl_bye(b);
	fl_bye(c);
}

static void test_network_change(void **state)
{
	char pa[MAX_GROUP_NAME], pb[MAX_GROUP_NAME];
	mailbox a, b;
	struct ev va, vb;
	(void)state;

	two_members(&a, pa, &b, pb);
	fake_network(&fd_, "g");
	expect_flush_req(a, "g");
	expect_flush_req(b, "g");
	assert_int_equal(FL_flush(b, "g"), 0);
	/* One member flushed is not enough. */
	quiet(b);
	assert_int_equal(FL_multicast(a, SAFE_MESS, "g", 2, 4, "tail"), 4);
	assert_int_equal(FL_flush(a, "g"), 0);
	expect_msg(a, pa, "tail");
	expect_view(a, "g", 2, CAUSED_BY_NETWORK, 2, &va);
	expect_msg(b, pa, "tail");
	expect_view(b, "g", 2, CAUSED_BY_NETWORK, 2, &vb);
	assert_true(vs_has(&va, pb) && vs_has(&vb, pa));
	fl_bye(a);
	fl_bye(b);
}

static void test_subgroups_and_private(void **state)
{
	char pa[MAX_GROUP_NAME], pb[MAX_GROUP_NAME], pc[MAX_GROUP_NAME];
	char one[1][MAX_GROUP_NAME], two[2][MAX_GROUP_NAME];
	mailbox a, b;
	struct ev e;
	(void)state;

	two_members(&a, pa, &b, pb);
	mailbox c = conn("c", pc);  /* not in g */
	strcpy(one[0], pc);
	assert_int_equal(FL_subgroupcast(a, AGREED_MESS, "g", 1, one, 1, 1, "x"),
			 ILLEGAL_RECEIVERS);
	assert_int_equal(FL_unicast(a, AGREED_MESS, "g", pc, 1, 1, "x"), ILLEGAL_RECEIVERS);
	assert_int_equal(FL_subgroupcast(a, AGREED_MESS, "g", 0, one, 1, 1, "x"),
			 ILLEGAL_PARAM);
	assert_int_equal(FL_unicast(a, AGREED_MESS, "g", pb, 5, 2, "u1"), 2);
	assert_int_equal(rx(b, &e), 2);
	assert_true(Is_subgroup_mess(e.svc));
	assert_int_equal(e.ng, 2);
	assert_string_equal(e.groups[0], pb);
	assert_string_equal(e.groups[1], "g");
	assert_string_equal(e.sender, pa);
	assert_int_equal(e.type, 5);
	quiet(a);
	strcpy(two[0], pa);
	strcpy(two[1], pb);
	assert_int_equal(FL_subgroupcast(a, AGREED_MESS, "g", 2, two, 6, 2, "s2"), 2);
	assert_int_equal(rx(a, &e), 2);
	assert_int_equal(e.ng, 3);
	assert_string_equal(e.groups[2], "g");
	assert_int_equal(rx(b, &e), 2);
	assert_true(Is_subgroup_mess(e.svc));
	/* A private group needs no view: C (in no group) gets it. */
	assert_int_equal(FL_multicast(a, RELIABLE_MESS, pc, 9, 3, "psst"), 3);
	assert_int_equal(rx(c, &e), 3);
	assert_false(Is_subgroup_mess(e.svc));
	assert_string_equal(e.groups[0], pc);
	quiet(b);
	fl_bye(a);
	fl_bye(b);
	fl_bye(c);
}

static void test_errors_and_buffers(void **state)
{
	char pa[MAX_GROUP_NAME], pb[MAX_GROUP_NAME], big[300];
	mailbox a, b;
	scatter s = { .num_elements = FL_MAX_SCATTER_ELEMENTS + 1 };
	struct ev e;
	(void)state;

	assert_int_equal(FL_join(12345, "g"), ILLEGAL_SESSION);
	assert_int_equal(FL_more_msgs(12345), ILLEGAL_SESSION);
	assert_int_equal(FL_poll(12345), ILLEGAL_SESSION);
	two_members(&a, pa, &b, pb);
	assert_int_equal(FL_multicast(a, AGREED_MESS, "g", FL_MIN_LEGAL_MESS_TYPE - 1,
				      1, "x"), ILLEGAL_MESSAGE_TYPE);
	assert_int_equal(FL_multicast(a, AGREED_MESS, "g", FL_MIN_LEGAL_MESS_TYPE, 1, "x"), 1);
	assert_int_equal(rx(a, &e), 1);
	assert_int_equal(e.type, FL_MIN_LEGAL_MESS_TYPE);
	assert_int_equal(rx(b, &e), 1);
	assert_int_equal(FL_multicast(a, AGREED_MESS, "other", 1, 1, "x"), ILLEGAL_GROUP);
	assert_int_equal(FL_multicast(a, REJECT_MESS, "g", 1, 1, "x"), ILLEGAL_SERVICE);
	assert_int_equal(FL_multicast(a, AGREED_MESS, "g", 1, -1, "x"), ILLEGAL_MESSAGE);
	assert_int_equal(FL_scat_multicast(a, AGREED_MESS, "g", 1, &s), ILLEGAL_MESSAGE);
	assert_int_equal(FL_flush(a, "other"), ILLEGAL_GROUP);
	quiet(a);

	/* Short buffers: the event stays, and says what it needs. */
	memset(big, 'z', sizeof(big));
	assert_int_equal(FL_multicast(a, AGREED_MESS, "g", 1, sizeof(big), big),
			 (int)sizeof(big));
	char small[10], sender[MAX_GROUP_NAME], groups[1][MAX_GROUP_NAME];
	service st = DONT_BLOCK;
	int ng, endian, more;
	int16 mt;
	int r;
	for (int i = 0; i < 2000; i++) {
		st = DONT_BLOCK;
		r = FL_receive(b, &st, sender, 1, &ng, groups, &mt, &endian, sizeof(small),
			       small, &more);
		if (r != WOULD_BLOCK)
			break;
		usleep(1000);
	}
	assert_int_equal(r, BUFFER_TOO_SHORT);
	assert_int_equal(endian, -(int)sizeof(big));
	assert_int_equal(ng, 0);
	assert_int_equal(more, 1);
	assert_int_equal(FL_more_msgs(b), 1);
	assert_true(FL_poll(b) >= (int)sizeof(big));
	st = 0;
	assert_int_equal(FL_receive(b, &st, sender, 0, &ng, groups, &mt, &endian,
				    sizeof(small), small, &more), GROUPS_TOO_SHORT);
	assert_int_equal(ng, -1);
	/* DROP_RECV takes what fits and drops the rest. */
	st = DROP_RECV;
	assert_int_equal(FL_receive(b, &st, sender, 1, &ng, groups, &mt, &endian,
				    sizeof(small), small, &more), BUFFER_TOO_SHORT);
	assert_memory_equal(small, big, sizeof(small));
	assert_int_equal(FL_more_msgs(b), 0);
	/* A's copy, whole. */
	assert_int_equal(rx(a, &e), (int)sizeof(big));
	assert_int_equal(e.more, 0);
	assert_int_equal(FL_receive(a, &st, sender, -1, &ng, groups, &mt, &endian,
				    0, NULL, &more), ILLEGAL_PARAM);
	fl_bye(a);
	fl_bye(b);
}

/* A Spread client that is not a flush-library one sends what it likes. */
static void raw_send(mailbox p, const char *group, uint8_t kind, bool has_view,
		     group_id view, group_id target, const char *hdr_group,
		     const char *payload)
{
	struct fl_wire_hdr h;
	char buf[FL_WIRE_LEN + 64];

	memset(&h, 0, sizeof(h));
	h.magic = htonl(FL_WIRE_MAGIC);
	h.version = FL_WIRE_VERSION;
	h.kind = kind;
	h.flags = htons(has_view ? FL_WIRE_F_HAS_VIEW : 0);
	for (int i = 0; i < 3; i++) {
		h.view[i] = (int32_t)htonl((uint32_t)view.id[i]);
		h.target[i] = (int32_t)htonl((uint32_t)target.id[i]);
	}
	strncpy(h.group, hdr_group, sizeof(h.group) - 1);
	memcpy(buf, &h, sizeof(h));
	size_t n = strlen(payload);
	memcpy(buf + FL_WIRE_LEN, payload, n);
	assert_true(SP_multicast(p, AGREED_MESS, group, 1, (int)(FL_WIRE_LEN + n), buf) >= 0);
}

/* The raw client's next membership of group: its gid. */
static group_id raw_memb(mailbox p)
{
	char sender[MAX_GROUP_NAME], groups[8][MAX_GROUP_NAME], body[512];
	service st;
	int ng, endian;
	int16 mt;
	membership_info mi;

	for (;;) {
		st = 0;
		assert_true(SP_receive(p, &st, sender, 8, &ng, groups, &mt, &endian,
				       sizeof(body), body) >= 0);
		if (Is_reg_memb_mess(st))
			break;
	}
	assert_int_equal(SP_get_memb_info(body, st, &mi), 1);
	return mi.gid;
}

static void test_hostile_peers(void **state)
{
	char pa[MAX_GROUP_NAME], pp[MAX_GROUP_NAME], px[MAX_GROUP_NAME];
	group_id zero = { { 0, 0, 0 } }, target, view;
	mailbox a, p, x;
	struct ev va;
	(void)state;

	a = conn("a", pa);
	assert_int_equal(FL_join(a, "g"), 0);
	expect_view(a, "g", 1, CAUSED_BY_JOIN, 1, NULL);
	assert_int_equal(SP_connect("4803", "p", 0, 1, &p, pp), ACCEPT_SESSION);
	assert_int_equal(SP_join(p, "g"), 0);
	target = raw_memb(p);
	expect_flush_req(a, "g");
	assert_int_equal(FL_flush(a, "g"), 0);
	/* Not a header; a header of an unknown version; a FLUSH_OK for
	 * another membership; one whose group name has bytes after its NUL. */
	assert_true(SP_multicast(p, AGREED_MESS, "g", 1, 5, "hello") >= 0);
	char junk[FL_WIRE_LEN] = { 'O', 'F', 'L', '1', 9 };
	assert_true(SP_multicast(p, AGREED_MESS, "g", 1, sizeof(junk), junk) >= 0);
	raw_send(p, "g", FL_WIRE_FLUSH_OK, false, zero, zero, "g", "");
	{
		struct fl_wire_hdr h;
		char buf[FL_WIRE_LEN];

		memset(&h, 0, sizeof(h));
		h.magic = htonl(FL_WIRE_MAGIC);
		h.version = FL_WIRE_VERSION;
		h.kind = FL_WIRE_FLUSH_OK;
		for (int i = 0; i < 3; i++)
			h.target[i] = (int32_t)htonl((uint32_t)target.id[i]);
		h.group[0] = 'g';
		h.group[5] = 'x';
		memcpy(buf, &h, sizeof(h));
		assert_true(SP_multicast(p, AGREED_MESS, "g", 1, sizeof(buf), buf) >= 0);
	}
	quiet(a);  /* none of that was an agreement, or a message */
	/* Its real agreement installs the view. */
	raw_send(p, "g", FL_WIRE_FLUSH_OK, false, zero, target, "g", "");
	expect_view(a, "g", 2, CAUSED_BY_JOIN, 1, &va);
	view = gid_of(&va);
	/* Data claiming another view; then in the right one. */
	raw_send(p, "g", FL_WIRE_DATA, true, zero, zero, "g", "wrong");
	raw_send(p, "g", FL_WIRE_DATA, true, view, zero, "g", "right");
	expect_msg(a, pp, "right");
	/* X is in no view of g: its data to g is not delivered. */
	assert_int_equal(SP_connect("4803", "x", 0, 1, &x, px), ACCEPT_SESSION);
	raw_send(x, "g", FL_WIRE_DATA, true, view, zero, "g", "intruder");
	/* A header naming another group than the one it was sent to. */
	raw_send(p, "g", FL_WIRE_DATA, true, view, zero, "h", "elsewhere");
	quiet(a);
	SP_disconnect(x);
	SP_disconnect(p);
	fl_bye(a);
}

static void test_version_and_errors(void **state)
{
	int a = -1, b = -1, c = -1;
	(void)state;

	assert_int_equal(FL_lib_init(), 0);
	FL_version(&a, &b, &c);
	assert_int_equal(a, 4);
	assert_true(b >= 0 && c >= 0);
	/* FL_error names every FL code (printed; must not crash on any). */
	for (int e = ILLEGAL_RECEIVERS; e <= ILLEGAL_PARAM; e++)
		FL_error(e);
	FL_error(ILLEGAL_GROUP);
	assert_int_equal(FL_get_gid_offset_memb_mess(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_join_and_flush, each_setup, teardown),
		cmocka_unit_test_setup_teardown(test_leave, each_setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_mid_flush, each_setup, teardown),
		cmocka_unit_test_setup_teardown(test_network_change, each_setup, teardown),
		cmocka_unit_test_setup_teardown(test_subgroups_and_private, each_setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_and_buffers, each_setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_peers, each_setup, teardown),
		cmocka_unit_test(test_version_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
