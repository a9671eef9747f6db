/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libordo's zero-copy receive (ordo_receive_view / ordo_release) against
 * the fake daemon (fake_daemon.h): a view points into the delivery ring
 * itself; while it is held the daemon's producer cannot reuse its space
 * (the ring runs full in front of it) and the bytes stay as they were;
 * ordo_release() and the next receive of either kind give the space back
 * (so a release that did nothing fails here); records that break the
 * format end the session with ORDO_ERR_PROTO and are never handed out; an
 * event split into fragments comes through the library's copy; every
 * event kind and error is ordo_receive()'s.
 *
 * Tests that write the delivery ring themselves use the fake daemon's
 * producer of that client from this thread: the daemon thread writes a
 * client's delivery ring only when the client sends or joins, and these
 * clients do neither.
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

#include <cmocka.h>

#include "client/libordo/client.h" /* the client's mapping, to locate views */
#include "lib/spread/sp_memb.h"
#include "ordo/client_ring.h"
#include "ordo/ordo.h"
#include "tests/libordo/fake_daemon.h"
#include "tests/libordo/fake_daemon_impl.h"

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

/* The fake daemon's side of client c: its delivery producer. */
static struct fake_conn *daemon_side(const ordo_client *c)
{
	for (int t = 0; t < 2000; t++) {
		for (int i = 0; i < FAKE_MAX_CONNS; i++) {
			struct fake_conn *k = __atomic_load_n(&fd_.conns[i],
							      __ATOMIC_ACQUIRE);
			if (k && !strcmp(k->group, ordo_private_group(c)))
				return k;
		}
		usleep(1000);
	}
	fail_msg("the fake daemon never registered %s", ordo_private_group(c));
	return NULL;
}

static bool in_ring(const ordo_client *c, const void *p, size_t n)
{
	const uint8_t *lo = (const uint8_t *)c->map.base + c->map.deliver_data_off;
	const uint8_t *b = p;
	return b >= lo && b + n <= lo + c->map.deliver_size;
}

static uint64_t published_tail(const struct fake_conn *k)
{
	return atomic_load(&k->dp.ctl->tail);
}

#define REC_NAMES 2 /* sender, one group */

/* One message of len bytes of b, one record, written by the test as the
 * daemon would. Returns its payload in the daemon's mapping, or NULL when
 * the ring has no room (the producer's own check). *at: the record's
 * position in the ring's byte count. */
static uint8_t *put(struct fake_conn *k, uint64_t id, uint32_t len, uint8_t b,
		    uint64_t *at)
{
	char names[REC_NAMES][ORDO_CR_NAME_LEN] = { "#src#fake", "g" };
	uint8_t *p = malloc(len ? len : 1);
	memset(p, b, len);
	struct ordo_cr_send s = {
		.kind = ORDO_CR_MSG, .service = ORDO_AGREED, .flags = ORDO_CR_F_SENDER,
		.n_names = REC_NAMES, .names = names, .msg_id = id, .msg_type = 9,
		.payload = p, .len = len,
	};
	int r = ordo_cr_write_msg(&k->dp, &s);
	free(p);
	if (r == -EAGAIN)
		return NULL;
	assert_int_equal(r, 0);
	uint64_t rl = ORDO_CR_ALIGN(sizeof(struct ordo_cr_rec) +
				    REC_NAMES * ORDO_CR_NAME_LEN + len);
	uint64_t pos = k->dp.head - rl;
	if (at)
		*at = pos;
	return k->dp.data + (pos & k->dp.mask) + sizeof(struct ordo_cr_rec) +
	       REC_NAMES * ORDO_CR_NAME_LEN;
}

static bool all(const void *p, uint8_t b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((const uint8_t *)p)[i] != b)
			return false;
	return true;
}

/* A view is the ring: its fields are right, its pointers lie in the
 * client's mapping of the delivery ring, and a byte the daemon changes
 * there shows through it. */
static void test_view_points_into_ring(void **state)
{
	struct ordo_event ev;
	(void)state;
	ordo_client *c = conn("vp", 0);
	struct fake_conn *k = daemon_side(c);

	uint8_t *at_daemon = put(k, 1, 100, 'a', NULL);
	assert_non_null(at_daemon);
	ordo_cr_commit(&k->dp);
	assert_int_equal(ordo_receive_view(c, &ev, 2000), 100);
	assert_int_equal(ev.kind, ORDO_EV_MESSAGE);
	assert_int_equal(ev.service, ORDO_AGREED);
	assert_int_equal(ev.msg_type, 9);
	assert_int_equal(ev.seq, 1);
	assert_string_equal(ev.sender, "#src#fake");
	assert_int_equal(ev.n_groups, 1);
	assert_string_equal(ev.groups[0], "g");
	assert_int_equal(ev.len, 100);
	assert_true(all(ev.data, 'a', 100));
	assert_true(in_ring(c, ev.data, ev.len));
	assert_true(in_ring(c, ev.groups, ORDO_NAME_LEN));
	at_daemon[0] = 'z';
	assert_int_equal(((const uint8_t *)ev.data)[0], 'z');
	assert_int_equal(ordo_release(c), 0);
	assert_int_equal(ordo_release(c), 0); /* nothing held: nothing to do */
	assert_int_equal(ordo_release(NULL), ORDO_ERR_INVAL);
	ordo_disconnect(c);
}

/* Holding a view holds the ring: the producer sees it full in front of
 * the view, cannot write over it, and gets the space back only when the
 * view ends. */
static void test_view_holds_space(void **state)
{
	struct ordo_event ev;
	char buf[4096];
	const uint32_t len = 1000;
	const uint64_t rec = ORDO_CR_ALIGN(sizeof(struct ordo_cr_rec) +
					   REC_NAMES * ORDO_CR_NAME_LEN + len);
	uint64_t pos_a, pos;
	(void)state;
	ordo_client *c = conn("vh", 0);
	struct fake_conn *k = daemon_side(c);

	assert_non_null(put(k, 1, len, 'A', &pos_a));
	ordo_cr_commit(&k->dp);
	assert_int_equal(ordo_receive_view(c, &ev, 2000), (int)len);
	assert_true(in_ring(c, ev.data, len));
	const void *view_a = ev.data;
	/* Consumed, not released: the daemon still sees the record. */
	assert_int_equal(published_tail(k), pos_a);

	/* Fill the ring behind it until the producer says full. */
	uint64_t id = 2;
	while (put(k, id, len, 'F', NULL))
		id++;
	ordo_cr_commit(&k->dp);
	assert_true(id > 2 + k->dp.size / rec / 2);
	uint64_t free_held = ordo_cr_prod_free(&k->dp);
	assert_true(free_held < rec + (k->dp.size - (k->dp.head & k->dp.mask)));
	assert_true(k->dp.head - published_tail(k) + rec > k->dp.size);
	/* The view's bytes are as they were. */
	assert_true(all(view_a, 'A', len));

	/* Neither ordo_pending() (which peeks the next) nor a poll of the
	 * descriptor hands the view back. */
	assert_int_equal(ordo_pending(c), (int)(ORDO_NAME_LEN + len));
	assert_true(ordo_arm(c) == 1);
	assert_int_equal(published_tail(k), pos_a);
	assert_int_equal(ordo_cr_prod_free(&k->dp), free_held);

	/* Released: exactly the view's record comes back, and the producer
	 * can write there again (it wraps onto A's old bytes). */
	assert_int_equal(ordo_release(c), 0);
	assert_int_equal(published_tail(k), pos_a + rec);
	assert_int_equal(ordo_cr_prod_free(&k->dp), free_held + rec);
	assert_non_null(put(k, id, len, 'B', &pos));
	ordo_cr_commit(&k->dp);
	assert_true((pos & k->dp.mask) == (pos_a & k->dp.mask));
	assert_true(all(view_a, 'B', len));
	id++;

	/* The next receive ends a view too: first a view of F(2)... */
	assert_int_equal(ordo_receive_view(c, &ev, 0), (int)len);
	assert_int_equal(ev.seq, 2);
	assert_true(all(ev.data, 'F', len));
	assert_int_equal(published_tail(k), pos_a + rec);
	/* ...then another view: F(2) goes back, F(3) is held. */
	assert_int_equal(ordo_receive_view(c, &ev, 0), (int)len);
	assert_int_equal(ev.seq, 3);
	assert_int_equal(published_tail(k), pos_a + 2 * rec);
	/* ...then a copying receive: F(3) goes back with F(4). */
	assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 0), (int)len);
	assert_int_equal(ev.seq, 4);
	assert_false(in_ring(c, ev.data, 1));
	assert_int_equal(published_tail(k), pos_a + 4 * rec);

	/* The rest, in order, by views, and the ring ends empty. */
	for (uint64_t want = 5; want < id; want++) {
		assert_int_equal(ordo_receive_view(c, &ev, 0), (int)len);
		assert_int_equal(ev.seq, want);
		assert_true(all(ev.data, want + 1 == id ? 'B' : 'F', len));
	}
	assert_int_equal(ordo_receive_view(c, &ev, 0), ORDO_ERR_AGAIN);
	assert_int_equal(published_tail(k), k->dp.head);
	ordo_disconnect(c);
}

/* A membership the client did not ask for, dropped by ordo_pending() on
 * its way to the next message while a view is held: its space goes back
 * with the view's, not before. */
static void test_view_pending_skips(void **state)
{
	struct ordo_event ev;
	uint64_t pos_a, pos_b;
	(void)state;
	ordo_client *c = conn("vs", 0);
	struct fake_conn *k = daemon_side(c);

	assert_non_null(put(k, 1, 40, 'A', &pos_a));
	uint8_t pl[sizeof(struct ordo_cr_memb) + 12] = { 0 };
	struct ordo_cr_memb mh = { 0, 12 };
	memcpy(pl, &mh, sizeof(mh));
	char g[1][ORDO_CR_NAME_LEN] = { "grp" };
	struct ordo_cr_send s = {
		.kind = ORDO_CR_MEMBERSHIP, .n_names = 1, .names = g,
		.aux = ORDO_MEMB_LEAVE, .msg_id = 2, .payload = pl,
		.len = sizeof(pl),
	};
	assert_int_equal(ordo_cr_write_msg(&k->dp, &s), 0);
	assert_non_null(put(k, 3, 40, 'B', &pos_b));
	ordo_cr_commit(&k->dp);

	assert_int_equal(ordo_receive_view(c, &ev, 2000), 40);
	assert_int_equal(ev.seq, 1);
	assert_int_equal(ordo_pending(c), ORDO_NAME_LEN + 40);
	assert_int_equal(published_tail(k), pos_a);
	assert_true(all(ev.data, 'A', 40));
	assert_int_equal(ordo_release(c), 0);
	assert_int_equal(published_tail(k), pos_b);
	assert_int_equal(ordo_receive_view(c, &ev, 0), 40);
	assert_int_equal(ev.seq, 3);
	assert_true(all(ev.data, 'B', 40));
	ordo_disconnect(c);
}

/* A record that breaks the format, written by the hostile test producer
 * over a good one. */
enum hostile {
	H_LEN_HUGE, H_LEN_SHORT, H_NAMES_OVER, H_KIND, H_NAME_UNTERMINATED,
	H_MSG_LEN_MORE, H_MSG_LEN_LESS, H_NOT_FIRST, H_SENDER_NO_NAME,
	H_MEMB_COUNT, H_MEMB_SUM, H_MEMB_NAMES, H_LAST_EMPTY_FRAG, H_HEAD_ODD,
	H_HEAD_PAST, H_PAD_SHORT, H_MSG_HUGE, H_MEMB_MEMBER_UNTERMINATED, H_MAX
};

static void write_hostile(struct fake_conn *k, enum hostile h)
{
	const uint32_t hl = sizeof(struct ordo_cr_rec);
	uint32_t len = hl + 2 * ORDO_CR_NAME_LEN + 16;
	struct ordo_cr_rec *r = ordo_cr_reserve(&k->dp, len);
	assert_non_null(r);
	char (*names)[ORDO_CR_NAME_LEN] = (void *)(r + 1);
	uint8_t *pl = (uint8_t *)(names + 2);
	*r = (struct ordo_cr_rec){
		.len = len, .kind = ORDO_CR_MSG,
		.flags = ORDO_CR_F_FIRST | ORDO_CR_F_LAST | ORDO_CR_F_SENDER,
		.service = ORDO_AGREED, .n_names = 2, .msg_len = 16, .msg_id = 1,
	};
	strcpy(names[0], "#src#fake");
	strcpy(names[1], "g");
	memset(names, 0, 2 * ORDO_CR_NAME_LEN);
	memset(pl, 'p', 16);
	struct ordo_cr_memb m = { 0, 8 };
	switch (h) {
	case H_LEN_HUGE: r->len = 1u << 30; break;
	case H_LEN_SHORT: r->len = 16; break;
	case H_NAMES_OVER: r->n_names = 300; break;
	case H_KIND: r->kind = 9; break;
	case H_NAME_UNTERMINATED: memset(names[1], 'x', ORDO_CR_NAME_LEN); break;
	case H_MSG_LEN_MORE: r->msg_len = 1000; break;
	case H_MSG_LEN_LESS: r->msg_len = 8; break;
	case H_NOT_FIRST: r->flags = ORDO_CR_F_LAST; break;
	case H_SENDER_NO_NAME:
		r->n_names = 0;
		r->msg_len = 16 + 2 * ORDO_CR_NAME_LEN;
		break;
	case H_MEMB_COUNT:
	case H_MEMB_SUM:
	case H_MEMB_NAMES:
	case H_MEMB_MEMBER_UNTERMINATED:
		r->kind = ORDO_CR_MEMBERSHIP;
		r->flags = ORDO_CR_F_FIRST | ORDO_CR_F_LAST;
		r->service = 0;
		r->n_names = h == H_MEMB_NAMES ? 2 : 1;
		r->len = hl + ORDO_CR_NAME_LEN + ORDO_CR_NAME_LEN + 16;
		r->msg_len = ORDO_CR_NAME_LEN + 16;
		m = (struct ordo_cr_memb){ h == H_MEMB_COUNT ? 100000 : 1,
					   h == H_MEMB_SUM ? 9 : 8 };
		memcpy(names[1], &m, sizeof(m));
		/* The one member's name, in the payload, without its NUL: a
		 * reader of the view would run past it. */
		if (h == H_MEMB_MEMBER_UNTERMINATED)
			memset((uint8_t *)names[1] + sizeof(m), 'x',
			       ORDO_CR_NAME_LEN);
		break;
	case H_LAST_EMPTY_FRAG: r->flags = ORDO_CR_F_FIRST | ORDO_CR_F_SENDER; break;
	case H_MSG_HUGE: /* the first of fragments no region takes */
		r->flags = ORDO_CR_F_FIRST | ORDO_CR_F_SENDER;
		r->msg_len = ORDO_CR_MAX_MSG + 1;
		break;
	case H_HEAD_ODD:
	case H_HEAD_PAST:
	case H_PAD_SHORT:
	case H_MAX:
		break;
	}
	if (h == H_PAD_SHORT) {
		r->len = 8;
		r->kind = ORDO_CR_PAD;
	}
	ordo_cr_commit(&k->dp);
	if (h == H_HEAD_ODD)
		atomic_store(&k->dp.ctl->head, k->dp.head + 4);
	if (h == H_HEAD_PAST)
		atomic_store(&k->dp.ctl->head, k->dp.head + 2 * k->dp.size);
}

/* Each broken record ends the session as a protocol error, for the view
 * as for the copy, and stays that way; nothing of it is handed out. */
static void test_view_hostile(void **state)
{
	(void)state;
	for (int h = 0; h < H_MAX; h++) {
		for (int copy = 0; copy < 2; copy++) {
			struct ordo_event ev;
			char buf[256], name[16];
			/* A name of its own: the last one's daemon side may
			 * still be on its way out. */
			snprintf(name, sizeof(name), "vx%d%c", h, copy ? 'c' : 'v');
			ordo_client *c = conn(name, 0);
			struct fake_conn *k = daemon_side(c);

			/* A good one first: it comes out, then the bad one. */
			assert_non_null(put(k, 1, 8, 'o', NULL));
			ordo_cr_commit(&k->dp);
			assert_int_equal(ordo_receive_view(c, &ev, 2000), 8);
			write_hostile(k, (enum hostile)h);
			memset(&ev, 0, sizeof(ev));
			int rc = copy ? ordo_receive(c, &ev, buf, sizeof(buf), 2000)
				      : ordo_receive_view(c, &ev, 2000);
			if (rc != ORDO_ERR_PROTO)
				fail_msg("hostile case %d (%s): %d", h,
					 copy ? "copy" : "view", rc);
			assert_null(ev.data);
			assert_int_equal(ordo_receive_view(c, &ev, 0), ORDO_ERR_PROTO);
			assert_int_equal(ordo_receive(c, &ev, buf, sizeof(buf), 0),
					 ORDO_ERR_PROTO);
			assert_int_equal(ordo_release(c), 0);
			ordo_disconnect(c);
		}
	}
}

/* An event in fragments: the view is the library's copy, whole and
 * right; a message and a membership with more members than a record
 * holds. */
static void test_view_fragmented(void **state)
{
	const size_t n = 100000;
	struct ordo_event ev;
	(void)state;
	uint8_t *out = malloc(n);
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(i * 7 + (i >> 9));
	ordo_client *c = conn("vf", 0);
	assert_int_equal(ordo_multicast(c, ORDO_SAFE, "g", 5, out, n), (int)n);
	assert_int_equal(ordo_multicast(c, ORDO_SAFE, "g", 6, "small", 5), 5);
	assert_int_equal(ordo_receive_view(c, &ev, 2000), (int)n);
	assert_int_equal(ev.kind, ORDO_EV_MESSAGE);
	assert_int_equal(ev.msg_type, 5);
	assert_string_equal(ev.sender, "#vf#fake");
	assert_int_equal(ev.n_groups, 1);
	assert_string_equal(ev.groups[0], "g");
	assert_false(in_ring(c, ev.data, 1));
	assert_memory_equal(ev.data, out, n);
	/* The next, small, is a view in place again. */
	assert_int_equal(ordo_receive_view(c, &ev, 2000), 5);
	assert_true(in_ring(c, ev.data, 5));
	assert_memory_equal(ev.data, "small", 5);
	free(out);
	ordo_disconnect(c);

	/* A membership of 600 members (19 KiB of names), written by the
	 * test: fragments of a membership payload, names across them. */
	enum { MEMBERS = 600 };
	c = conn("vm", ORDO_CONNECT_MEMBERSHIP);
	struct fake_conn *k = daemon_side(c);
	static char members[MEMBERS][ORDO_CR_NAME_LEN];
	for (int i = 0; i < MEMBERS; i++)
		snprintf(members[i], sizeof(members[i]), "#m%d#fake", i);
	group_id gid = sp_gid_make(7, 8, 9);
	char body[256];
	struct sp_memb_set set = { 1, (const char (*)[MAX_GROUP_NAME])&members[0] };
	int blen = sp_memb_encode(body, sizeof(body), &gid, &set, 1, 0, false);
	assert_true(blen > 12);
	size_t plen = sizeof(struct ordo_cr_memb) + sizeof(members) + (size_t)blen;
	uint8_t *pl = malloc(plen);
	struct ordo_cr_memb mh = { MEMBERS, (uint32_t)blen };
	memcpy(pl, &mh, sizeof(mh));
	memcpy(pl + sizeof(mh), members, sizeof(members));
	memcpy(pl + sizeof(mh) + sizeof(members), body, (size_t)blen);
	char g[1][ORDO_CR_NAME_LEN] = { "big" };
	struct ordo_cr_send s = {
		.kind = ORDO_CR_MEMBERSHIP, .n_names = 1, .names = g,
		.msg_type = 3, .aux = ORDO_MEMB_REGULAR | ORDO_MEMB_JOIN,
		.msg_id = 1, .payload = pl, .len = (uint32_t)plen,
	};
	assert_true(plen > k->dp.max_rec);
	assert_int_equal(ordo_cr_write_msg(&k->dp, &s), 0);
	assert_int_equal(ordo_receive_view(c, &ev, 2000), blen);
	assert_int_equal(ev.kind, ORDO_EV_MEMBERSHIP);
	assert_int_equal(ev.service, ORDO_MEMB_REGULAR | ORDO_MEMB_JOIN);
	assert_string_equal(ev.sender, "big");
	assert_int_equal(ev.n_groups, MEMBERS);
	assert_int_equal(ev.msg_type, 3);
	assert_false(in_ring(c, ev.groups, 1));
	assert_string_equal(ev.groups[0], "#m0#fake");
	assert_string_equal(ev.groups[MEMBERS - 1], "#m599#fake");
	assert_memory_equal(ev.data, body, (size_t)blen);
	assert_int_equal(ev.gid[0], 7);
	assert_int_equal(ev.gid[2], 9);
	/* Its records went back as they were copied. */
	assert_int_equal(published_tail(k), k->dp.head);
	free(pl);
	ordo_disconnect(c);
}

/* The same event, received by the view and by the copy, reads the same. */
static void same_event(const struct ordo_event *a, const struct ordo_event *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->service, b->service);
	assert_int_equal(a->msg_type, b->msg_type);
	assert_memory_equal(a->sender, b->sender, ORDO_NAME_LEN);
	assert_int_equal(a->n_groups, b->n_groups);
	for (int i = 0; i < a->n_groups; i++)
		assert_string_equal(a->groups[i], b->groups[i]);
	assert_int_equal(a->len, b->len);
	if (a->len)
		assert_memory_equal(a->data, b->data, a->len);
	assert_int_equal(a->error, b->error);
}

/* Views and copies interleave on one handle, in one order; each kind of
 * event reads the same both ways. */
static void test_view_and_copy(void **state)
{
	struct ordo_event v, k;
	char buf[4096];
	(void)state;
	ordo_client *c = conn("vc", 0);
	char groups[3][ORDO_NAME_LEN] = { "a", "b", "#vc#fake" };
	struct iovec iov = { "payload", 7 };
	for (int i = 0; i < 6; i++)
		assert_int_equal(ordo_multicastv(c, ORDO_FIFO, 3,
						 (const char (*)[ORDO_NAME_LEN])groups,
						 (int16_t)i, &iov, 1), 7);
	for (int i = 0; i < 6; i += 2) {
		assert_int_equal(ordo_receive_view(c, &v, 2000), 7);
		assert_int_equal(v.msg_type, i);
		assert_true(in_ring(c, v.data, 7));
		/* Copied what must outlive the view. */
		struct ordo_event held = v;
		char names[3][ORDO_NAME_LEN];
		memcpy(names, v.groups, sizeof(names));
		held.groups = (const char (*)[ORDO_NAME_LEN])names;
		held.data = "payload";
		assert_int_equal(ordo_receive(c, &k, buf, sizeof(buf), 2000), 7);
		assert_int_equal(k.msg_type, i + 1);
		assert_true(k.seq == held.seq + 1);
		held.msg_type = k.msg_type;
		same_event(&held, &k);
	}
	/* Zero bytes. */
	assert_int_equal(ordo_multicast(c, ORDO_RELIABLE, "g", 0, NULL, 0), 0);
	assert_int_equal(ordo_receive_view(c, &v, 2000), 0);
	assert_int_equal(v.kind, ORDO_EV_MESSAGE);
	assert_int_equal(v.len, 0);

	/* A reject, both ways. */
	assert_int_equal(ordo_multicast(c, ORDO_SAFE, "reject", 0, "zz", 2), 2);
	assert_int_equal(ordo_multicast(c, ORDO_SAFE, "reject", 0, "zz", 2), 2);
	assert_int_equal(ordo_receive_view(c, &v, 2000), 0);
	assert_int_equal(v.kind, ORDO_EV_REJECT);
	assert_int_equal(v.error, ORDO_ERR_TOO_BIG);
	assert_string_equal(v.groups[0], "reject");
	assert_string_equal(v.sender, "#vc#fake");
	assert_true(in_ring(c, v.groups, ORDO_NAME_LEN));
	struct ordo_event held = v;
	assert_int_equal(ordo_receive(c, &k, buf, sizeof(buf), 2000), 0);
	held.groups = k.groups; /* the view ended; the names were checked */
	same_event(&held, &k);

	/* Timeouts and arguments. */
	assert_int_equal(ordo_receive_view(c, &v, 0), ORDO_ERR_AGAIN);
	assert_int_equal(ordo_receive_view(c, &v, 30), ORDO_ERR_TIMEOUT);
	assert_int_equal(ordo_receive_view(NULL, &v, 0), ORDO_ERR_INVAL);
	assert_int_equal(ordo_receive_view(c, NULL, 0), ORDO_ERR_INVAL);
	ordo_disconnect(c);
}

/* Membership events by view: wanted ones come, unwanted ones are skipped
 * (and their space goes back); a session that ends says so. */
static void test_view_membership_and_close(void **state)
{
	struct ordo_event v, k;
	char buf[4096];
	(void)state;
	ordo_client *c = conn("vb", ORDO_CONNECT_MEMBERSHIP);
	assert_int_equal(ordo_join(c, "many1"), 0);
	assert_int_equal(ordo_join(c, "many2"), 0);
	int n = ordo_receive_view(c, &v, 2000);
	assert_true(n > 12);
	assert_int_equal(v.kind, ORDO_EV_MEMBERSHIP);
	assert_int_equal(v.service, ORDO_MEMB_REGULAR | ORDO_MEMB_JOIN);
	assert_string_equal(v.sender, "many1");
	assert_int_equal(v.n_groups, FAKE_MANY_MEMBERS + 1);
	assert_string_equal(v.groups[FAKE_MANY_MEMBERS], "#vb#fake");
	assert_true(in_ring(c, v.groups, (size_t)v.n_groups * ORDO_NAME_LEN));
	assert_true(in_ring(c, v.data, v.len));
	assert_int_equal(v.gid[0], 1);
	struct ordo_event held = v;
	char names[FAKE_MANY_MEMBERS + 1][ORDO_NAME_LEN];
	uint8_t body[4096];
	memcpy(names, v.groups, sizeof(names));
	memcpy(body, v.data, v.len);
	assert_int_equal(ordo_receive(c, &k, buf, sizeof(buf), 2000), n);
	assert_string_equal(k.sender, "many2");
	held.groups = (const char (*)[ORDO_NAME_LEN])names;
	held.data = body;
	memcpy(held.sender, k.sender, ORDO_NAME_LEN);
	/* Same shape; the bodies differ only in the view's id. */
	assert_int_equal(held.n_groups, k.n_groups);
	assert_int_equal(held.len, k.len);
	assert_int_equal(held.service, k.service);
	assert_memory_equal(names, k.groups, sizeof(names));
	assert_memory_equal(body + 12, (const uint8_t *)k.data + 12, k.len - 12);
	assert_int_equal(ordo_leave(c, "many1"), 0);
	assert_int_equal(ordo_receive_view(c, &v, 2000), 12);
	assert_int_equal(v.service, ORDO_MEMB_LEAVE);
	assert_int_equal(v.n_groups, 0);
	ordo_disconnect(c);

	/* Not asked for: dropped on the way to the message. */
	c = conn("vn", 0);
	assert_int_equal(ordo_join(c, "grp"), 0);
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "grp", 0, "m", 1), 1);
	assert_int_equal(ordo_receive_view(c, &v, 2000), 1);
	assert_int_equal(v.kind, ORDO_EV_MESSAGE);
	ordo_disconnect(c);

	/* The daemon ends the session: what was delivered still comes out,
	 * then the reason. */
	c = conn("ve", 0);
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "g", 0, "x", 1), 1);
	assert_int_equal(ordo_multicast(c, ORDO_AGREED, "g", 0, "y", 1), 1);
	usleep(20000);
	fake_close_all(&fd_, ORDO_CR_DISC_SLOW_CONSUMER);
	assert_int_equal(ordo_receive_view(c, &v, 2000), 1);
	assert_memory_equal(v.data, "x", 1);
	assert_int_equal(ordo_receive_view(c, &v, 2000), 1);
	assert_memory_equal(v.data, "y", 1);
	assert_int_equal(ordo_receive_view(c, &v, -1), ORDO_ERR_CLOSED);
	assert_string_equal(ordo_close_reason_name(c), "slow-consumer");
	ordo_disconnect(c);

	/* A daemon that dies without a word. */
	c = conn("vd", 0);
	fake_hangup_all(&fd_);
	assert_int_equal(ordo_receive_view(c, &v, -1), ORDO_ERR_CLOSED);
	assert_string_equal(ordo_close_reason_name(c), "daemon-exit");
	ordo_kill(c);
}

/* A member that disconnects, in a group layer: the others learn it by a
 * CAUSED_BY_DISCONNECT membership, here through a view. */
static void test_view_disconnect_membership(void **state)
{
	struct ordo_event v;
	(void)state;
	fd_.mode = FAKE_GROUPS;
	ordo_client *a = conn("va", ORDO_CONNECT_MEMBERSHIP);
	ordo_client *b = conn("vz", ORDO_CONNECT_MEMBERSHIP);
	assert_int_equal(ordo_join(a, "grp"), 0);
	assert_int_equal(ordo_receive_view(a, &v, 2000) > 0, 1);
	assert_int_equal(v.n_groups, 1);
	assert_int_equal(ordo_join(b, "grp"), 0);
	assert_int_equal(ordo_receive_view(a, &v, 2000) > 0, 1);
	assert_int_equal(v.n_groups, 2);
	ordo_kill(b);
	assert_int_equal(ordo_receive_view(a, &v, 2000) > 0, 1);
	assert_int_equal(v.kind, ORDO_EV_MEMBERSHIP);
	assert_int_equal(v.service, ORDO_MEMB_REGULAR | ORDO_MEMB_DISCONNECT);
	assert_int_equal(v.n_groups, 1);
	assert_string_equal(v.groups[0], "#va#fake");
	assert_true(in_ring(a, v.groups, ORDO_NAME_LEN));
	ordo_disconnect(a);
	fd_.mode = FAKE_ECHO;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_points_into_ring),
		cmocka_unit_test(test_view_holds_space),
		cmocka_unit_test(test_view_pending_skips),
		cmocka_unit_test(test_view_hostile),
		cmocka_unit_test(test_view_fragmented),
		cmocka_unit_test(test_view_and_copy),
		cmocka_unit_test(test_view_membership_and_close),
		cmocka_unit_test(test_view_disconnect_membership),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
