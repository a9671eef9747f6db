/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The group layer (groups/) against a fake sequencer (fake_ring.h):
 * joins, leaves, disconnects and data with Spread's service bits, bodies
 * and vs sets; views and gids equal on every daemon; partitions, crashes
 * and merges with the state exchange; deterministic refusal of a join
 * when the table is full; malformed deliveries counted without effect.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "sp.h"
#include "lib/spread/sp_memb.h"

#include "tests/groups/fake_ring.h"

#define ANY UINT32_MAX
#define JOINED (REG_MEMB_MESS | CAUSED_BY_JOIN)
#define LEFT (REG_MEMB_MESS | CAUSED_BY_LEAVE)
#define DISC (REG_MEMB_MESS | CAUSED_BY_DISCONNECT)
#define NET (REG_MEMB_MESS | CAUSED_BY_NETWORK)

static int setup3(void **state)
{
	static struct fake_ring fr;

	fr_init(&fr, 3, true);
	*state = &fr;
	return 0;
}

static int teardown(void **state)
{
	fr_fini(*state);
	return 0;
}

static struct ordo_groups *G(struct fake_ring *fr, uint32_t i)
{
	return fr->nodes[i].g;
}

/* Client 0 on each node: a on n1, b on n2, c on n3. */
static void add_abc(struct fake_ring *fr)
{
	assert_int_equal(ordo_groups_client_add(G(fr, 0), 0, "a"), 0);
	assert_int_equal(ordo_groups_client_add(G(fr, 1), 0, "b"), 0);
	assert_int_equal(ordo_groups_client_add(G(fr, 2), 0, "c"), 0);
}

static void join(struct fake_ring *fr, uint32_t i, uint32_t client,
		 const char *group)
{
	assert_int_equal(ordo_groups_join(G(fr, i), client, group), 0);
	fr_step(fr);
}

static int send1(struct fake_ring *fr, uint32_t i, uint32_t client,
		 uint8_t flags, const char *group, const char *text)
{
	char groups[1][ORDO_GROUPS_NAME_LEN] = { { 0 } };
	struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };

	snprintf(groups[0], sizeof(groups[0]), "%s", group);
	return ordo_groups_send(G(fr, i), client, ORDO_SVC_AGREED, 7, flags, 1,
				(const char (*)[ORDO_GROUPS_NAME_LEN])groups,
				&iov, 1);
}

/* The vs sets of a membership body: counts into n[], names of set s. */
static int body_sets(const struct fr_event *e, unsigned int *n, int max,
		     unsigned int *local)
{
	vs_set_info sets[8];
	int k = sp_memb_sets(e->body, e->body_len, sets, 8, local);

	assert_true(k >= 1 && k <= max);
	for (int i = 0; i < k; i++)
		n[i] = sets[i].num_members;
	return k;
}

static void body_set_names(const struct fr_event *e, int set,
			   char names[][MAX_GROUP_NAME], int max)
{
	vs_set_info sets[8];
	unsigned int local;
	int k = sp_memb_sets(e->body, e->body_len, sets, 8, &local);

	assert_true(set < k);
	assert_true(sp_memb_members(e->body, e->body_len, &sets[set], names, max) >= 0);
}

/* Every node's view events (group, gid, members) are the same list. */
static void assert_same_views(const struct fake_ring *fr, uint32_t a, uint32_t b)
{
	uint32_t na = fr_count(fr, a, FR_VIEW, ANY), nb = fr_count(fr, b, FR_VIEW, ANY);

	assert_int_equal(na, nb);
	for (uint32_t k = 0; k < na; k++) {
		const struct fr_event *x = fr_find(fr, a, FR_VIEW, ANY, k);
		const struct fr_event *y = fr_find(fr, b, FR_VIEW, ANY, k);

		assert_string_equal(x->group, y->group);
		assert_memory_equal(x->gid, y->gid, sizeof(x->gid));
		assert_int_equal(x->n_members, y->n_members);
		assert_memory_equal(x->members, y->members, sizeof(x->members));
	}
}

static void test_formed(void **state)
{
	struct fake_ring *fr = *state;

	for (uint32_t i = 0; i < 3; i++) {
		assert_false(ordo_groups_exchanging(G(fr, i)));
		assert_false(fr->nodes[i].paused);
		assert_int_equal(ordo_groups_stats(G(fr, i))->exchanges, 1);
		assert_int_equal(ordo_groups_stats(G(fr, i))->states_rx, 3);
	}
}

static void test_join_views(void **state)
{
	struct fake_ring *fr = *state;
	const struct fr_event *e;
	membership_info info;
	unsigned int n[4], local;
	char names[4][MAX_GROUP_NAME];

	add_abc(fr);
	join(fr, 1, 0, "g");   /* b */
	join(fr, 0, 0, "g");   /* a */
	join(fr, 2, 0, "g");   /* c */

	/* b saw itself, then a, then c join. */
	assert_int_equal(fr_count(fr, 1, FR_MEMB, 0), 3);
	e = fr_find(fr, 1, FR_MEMB, 0, 1);
	assert_int_equal(e->service, JOINED);
	assert_string_equal(e->group, "g");
	assert_int_equal(e->n_members, 2);
	assert_string_equal(e->members[0], "#a#n1");
	assert_string_equal(e->members[1], "#b#n2");
	assert_int_equal(e->my_index, 1);
	assert_int_equal(sp_memb_info(e->body, e->body_len, (service)e->service, &info), 1);
	assert_memory_equal(info.gid.id, e->gid, 12);
	assert_int_equal(body_sets(e, n, 1, &local), 1);
	assert_int_equal(n[0], 1);
	body_set_names(e, 0, names, 4);
	assert_string_equal(names[0], "#a#n1");

	/* a joined second: its first message is a view of two. */
	e = fr_find(fr, 0, FR_MEMB, 0, 0);
	assert_int_equal(e->n_members, 2);
	assert_int_equal(e->my_index, 0);
	e = fr_find(fr, 2, FR_MEMB, 0, 0);
	assert_int_equal(e->n_members, 3);
	assert_int_equal(e->my_index, 2);
	/* The same view sequence, with the same gids, everywhere. */
	assert_same_views(fr, 0, 1);
	assert_same_views(fr, 0, 2);
	assert_int_equal(fr_count(fr, 0, FR_VIEW, ANY), 3);
	/* gids differ between views. */
	assert_memory_not_equal(fr_find(fr, 0, FR_VIEW, ANY, 1)->gid,
				fr_find(fr, 0, FR_VIEW, ANY, 2)->gid, 12);
	/* Joining again is a no-op. */
	fr_clear(fr);
	join(fr, 0, 0, "g");
	assert_int_equal(fr_count(fr, 0, FR_MEMB, ANY), 0);
	assert_int_equal(fr_count(fr, 1, FR_VIEW, ANY), 0);
	assert_int_equal(ordo_groups_client_groups(G(fr, 0), 0), 1);
	assert_int_equal(ordo_groups_stats(G(fr, 2))->members, 3);
}

static void test_leave(void **state)
{
	struct fake_ring *fr = *state;
	const struct fr_event *e;
	char names[2][MAX_GROUP_NAME];

	add_abc(fr);
	join(fr, 0, 0, "g");
	join(fr, 1, 0, "g");
	fr_clear(fr);
	assert_int_equal(ordo_groups_leave(G(fr, 0), 0, "g"), 0);
	fr_step(fr);
	/* a: a self-leave, nothing else. */
	assert_int_equal(fr_count(fr, 0, FR_MEMB, 0), 1);
	e = fr_find(fr, 0, FR_MEMB, 0, 0);
	assert_int_equal(e->service, CAUSED_BY_LEAVE);
	assert_true(Is_self_leave(e->service));
	assert_int_equal(e->my_index, -1);
	assert_int_equal(e->n_members, 0);
	assert_int_equal(e->body_len, 12);
	/* b: a regular membership with a gone, vs set {a}. */
	e = fr_find(fr, 1, FR_MEMB, 0, 0);
	assert_int_equal(e->service, LEFT);
	assert_int_equal(e->n_members, 1);
	assert_string_equal(e->members[0], "#b#n2");
	body_set_names(e, 0, names, 2);
	assert_string_equal(names[0], "#a#n1");
	assert_same_views(fr, 0, 2);
	/* Leaving a group one is not in: nothing. */
	fr_clear(fr);
	assert_int_equal(ordo_groups_leave(G(fr, 0), 0, "g"), 0);
	assert_int_equal(ordo_groups_leave(G(fr, 2), 0, "nosuch"), 0);
	fr_step(fr);
	assert_int_equal(fr_count(fr, 0, FR_MEMB, ANY) + fr_count(fr, 1, FR_MEMB, ANY), 0);
	/* The last one leaves: the group is gone (view with 0 members). */
	assert_int_equal(ordo_groups_leave(G(fr, 1), 0, "g"), 0);
	fr_step(fr);
	e = fr_find(fr, 2, FR_VIEW, ANY, 0);
	assert_non_null(e);
	assert_int_equal(e->n_members, 0);
	assert_int_equal(ordo_groups_stats(G(fr, 2))->groups, 0);
}

static void test_data(void **state)
{
	struct fake_ring *fr = *state;
	char two[2][ORDO_GROUPS_NAME_LEN] = { "g", "h" };
	struct iovec iov = { .iov_base = "xy", .iov_len = 2 };
	const struct fr_event *e;

	add_abc(fr);
	assert_int_equal(ordo_groups_client_add(G(fr, 1), 1, "b2"), 0);
	join(fr, 0, 0, "g");
	join(fr, 1, 0, "g");
	join(fr, 1, 0, "h");
	join(fr, 1, 1, "h");
	fr_clear(fr);

	/* Multi-group: b (in both) gets it once, b2 once, a once. */
	assert_int_equal(ordo_groups_send(G(fr, 2), 0, ORDO_SVC_SAFE, -3, 0, 2,
		(const char (*)[ORDO_GROUPS_NAME_LEN])two, &iov, 1), 0);
	fr_step(fr);
	assert_int_equal(fr_count(fr, 1, FR_MSG, 0), 1);
	assert_int_equal(fr_count(fr, 1, FR_MSG, 1), 1);
	assert_int_equal(fr_count(fr, 0, FR_MSG, 0), 1);
	assert_int_equal(fr_count(fr, 2, FR_MSG, ANY), 0);
	e = fr_find(fr, 1, FR_MSG, 0, 0);
	assert_string_equal(e->sender, "#c#n3");
	assert_int_equal(e->msg_type, -3);
	assert_int_equal(e->service, ORDO_SVC_SAFE);
	assert_int_equal(e->n_groups, 2);
	assert_int_equal(e->len, 2);
	assert_memory_equal(e->data, "xy", 2);

	/* SELF_DISCARD: a sends to g, does not get it back; b does. */
	fr_clear(fr);
	assert_int_equal(send1(fr, 0, 0, ORDO_GM_F_SELF_DISCARD, "g", "hi"), 0);
	assert_int_equal(send1(fr, 0, 0, 0, "g", "hi"), 0);
	fr_step(fr);
	assert_int_equal(fr_count(fr, 0, FR_MSG, 0), 1);
	assert_int_equal(fr_count(fr, 1, FR_MSG, 0), 2);

	/* Private group: only b2, only on n2. */
	fr_clear(fr);
	assert_int_equal(send1(fr, 0, 0, 0, "#b2#n2", "p"), 0);
	assert_int_equal(send1(fr, 0, 0, 0, "#b2#n3", "p"), 0); /* nobody */
	fr_step(fr);
	assert_int_equal(fr_count(fr, 1, FR_MSG, 1), 1);
	assert_int_equal(fr_count(fr, 1, FR_MSG, 0), 0);
	assert_int_equal(fr_count(fr, 0, FR_MSG, ANY) + fr_count(fr, 2, FR_MSG, ANY), 0);
	assert_int_equal(ordo_groups_stats(G(fr, 1))->bad_messages, 0);

	/* Requests checked. */
	assert_int_equal(send1(fr, 0, 0, 0, "bad name", "x"), -EINVAL);
	assert_int_equal(send1(fr, 0, 0, 0, "", "x"), -EINVAL);
	assert_int_equal(send1(fr, 0, 5, 0, "g", "x"), -ENOENT);
	assert_int_equal(send1(fr, 0, 0, 0x80, "g", "x"), -EINVAL);
	assert_int_equal(ordo_groups_join(G(fr, 0), 0, "#a#n1"), -EINVAL);
	assert_int_equal(ordo_groups_join(G(fr, 0), 0, "0123456789012345678901234567890123"), -EINVAL);
	assert_int_equal(ordo_groups_client_add(G(fr, 0), 1, "has#hash"), -EINVAL);
	assert_int_equal(ordo_groups_client_add(G(fr, 0), 1, "elevenchars"), -EINVAL);
	assert_int_equal(ordo_groups_client_add(G(fr, 0), 0, "zz"), -EBUSY);
	assert_int_equal(ordo_groups_client_add(G(fr, 0), 16, "zz"), -EINVAL);
}

static void test_disconnect(void **state)
{
	struct fake_ring *fr = *state;
	const struct fr_event *e;
	char names[2][MAX_GROUP_NAME];

	add_abc(fr);
	join(fr, 0, 0, "g");
	join(fr, 0, 0, "h");
	join(fr, 1, 0, "g");
	join(fr, 1, 0, "h");
	fr_clear(fr);
	assert_int_equal(ordo_groups_client_remove(G(fr, 0), 0), 0);
	/* Silent at once; its name reserved until the DISCONNECT is ordered. */
	assert_int_equal(ordo_groups_client_add(G(fr, 0), 1, "a"), -EEXIST);
	assert_int_equal(ordo_groups_join(G(fr, 0), 0, "k"), -ENOENT);
	assert_int_equal(fr_count(fr, 0, FR_GONE, ANY), 0);
	fr_step(fr);
	assert_int_equal(fr_count(fr, 0, FR_GONE, 0), 1);
	assert_int_equal(fr_count(fr, 0, FR_MEMB, ANY), 0);
	assert_int_equal(fr_count(fr, 1, FR_MEMB, 0), 2);
	for (uint32_t k = 0; k < 2; k++) {
		e = fr_find(fr, 1, FR_MEMB, 0, k);
		assert_int_equal(e->service, DISC);
		assert_int_equal(e->n_members, 1);
		body_set_names(e, 0, names, 2);
		assert_string_equal(names[0], "#a#n1");
	}
	assert_same_views(fr, 0, 1);
	assert_same_views(fr, 1, 2);
	assert_int_equal(ordo_groups_client_add(G(fr, 0), 0, "a"), 0);
}

/* n3 crashes: TRANSITION_MESS, then CAUSED_BY_NETWORK without c. */
static void test_crash(void **state)
{
	struct fake_ring *fr = *state;
	const struct fr_event *e;
	unsigned int n[4], local;
	int part[3] = { 0, 0, -1 };

	add_abc(fr);
	join(fr, 0, 0, "g");
	join(fr, 2, 0, "g");
	join(fr, 1, 0, "other");
	fr_clear(fr);
	fr_partition(fr, part);
	fr_step(fr);
	assert_int_equal(fr_count(fr, 0, FR_MEMB, 0), 2);
	e = fr_find(fr, 0, FR_MEMB, 0, 0);
	assert_int_equal(e->service, TRANSITION_MESS);
	assert_int_equal(e->body_len, 12);
	e = fr_find(fr, 0, FR_MEMB, 0, 1);
	assert_int_equal(e->service, NET);
	assert_int_equal(e->n_members, 1);
	assert_string_equal(e->members[0], "#a#n1");
	assert_int_equal(body_sets(e, n, 1, &local), 1);
	assert_int_equal(n[0], 1);
	/* b's group lost nobody, but it had a transitional: owed a regular. */
	assert_int_equal(fr_count(fr, 1, FR_MEMB, 0), 2);
	assert_int_equal(fr_find(fr, 1, FR_MEMB, 0, 1)->service, NET);
	assert_false(fr->nodes[0].paused);
	assert_int_equal(ordo_groups_stats(G(fr, 0))->exchanges, 1);
	assert_same_views(fr, 0, 1);
}

/* {n1,n2} | {n3}, clients join on both sides, then the merge. */
static void test_merge(void **state)
{
	struct fake_ring *fr = *state;
	const struct fr_event *e;
	unsigned int n[4], local;
	char names[4][MAX_GROUP_NAME];
	int split[3] = { 0, 0, 1 }, whole[3] = { 0, 0, 0 };

	add_abc(fr);
	join(fr, 0, 0, "g");
	fr_partition(fr, split);
	fr_step(fr);
	join(fr, 1, 0, "g");
	join(fr, 2, 0, "g");
	assert_int_equal(fr_find(fr, 2, FR_MEMB, 0, 0)->n_members, 1);
	fr_clear(fr);
	for (uint32_t i = 0; i < 3; i++)
		fr->nodes[i].control_submits = 0;

	fr_partition(fr, whole);
	/* Clients paused, a control STATE from each, exchange running. */
	for (uint32_t i = 0; i < 3; i++) {
		assert_true(fr->nodes[i].paused);
		assert_true(ordo_groups_exchanging(G(fr, i)));
		assert_int_equal(fr->nodes[i].control_submits, 1);
	}
	/* A client message queued meanwhile waits for the exchange. */
	assert_int_equal(send1(fr, 2, 0, 0, "g", "after"), 0);
	fr_step(fr);
	for (uint32_t i = 0; i < 3; i++) {
		assert_false(fr->nodes[i].paused);
		assert_false(ordo_groups_exchanging(G(fr, i)));
	}
	/* b: NET with 3 members in 2 vs sets: {a,b} (ours) and {c}. */
	e = fr_find(fr, 1, FR_MEMB, 0, 0);
	assert_non_null(e);
	assert_int_equal(e->service, NET);
	assert_int_equal(e->n_members, 3);
	assert_int_equal(body_sets(e, n, 2, &local), 2);
	body_set_names(e, (int)local, names, 4);
	assert_string_equal(names[0], "#a#n1");
	assert_string_equal(names[1], "#b#n2");
	body_set_names(e, (int)(1 - local), names, 4);
	assert_string_equal(names[0], "#c#n3");
	/* c: its own set is {c}. */
	e = fr_find(fr, 2, FR_MEMB, 0, 0);
	assert_int_equal(e->service, NET);
	assert_int_equal(e->my_index, 2);
	body_set_names(e, (int)(body_sets(e, n, 2, &local), local), names, 4);
	assert_string_equal(names[0], "#c#n3");
	/* Then the message, to all three, after the merged view. */
	assert_int_equal(fr_count(fr, 0, FR_MSG, 0), 1);
	assert_true(fr->nodes[0].events[fr->nodes[0].n_events - 1].kind == FR_MSG);
	assert_same_views(fr, 0, 1);
	assert_same_views(fr, 0, 2);
}

/* A change during the exchange starts it again for the new ring. */
static void test_merge_interrupted(void **state)
{
	struct fake_ring *fr = *state;
	int split[3] = { 0, 0, 1 }, whole[3] = { 0, 0, 0 }, two[3] = { 0, 1, 1 };

	add_abc(fr);
	fr_partition(fr, split);
	fr_step(fr);
	join(fr, 0, 0, "g");
	join(fr, 2, 0, "g");
	fr_clear(fr);
	fr_partition(fr, whole);
	fr_partition(fr, two); /* before any STATE was ordered */
	assert_true(fr->nodes[0].paused);
	fr_step(fr);
	for (uint32_t i = 0; i < 3; i++)
		assert_false(ordo_groups_exchanging(G(fr, i)));
	assert_int_equal(fr_find(fr, 2, FR_MEMB, 0, 0)->n_members, 1);
	assert_int_equal(fr_find(fr, 0, FR_MEMB, 0, 0)->n_members, 1);
	assert_same_views(fr, 1, 2);
}

/* The table's limits are ordered state: a refusal happens everywhere. */
static void test_table_full(void **state)
{
	struct fake_ring *fr = *state;
	char name[32];

	add_abc(fr);
	for (uint32_t k = 0; k < ORDO_GROUPS_MAX_GROUPS; k++) {
		snprintf(name, sizeof(name), "g%u", k);
		assert_int_equal(ordo_groups_join(G(fr, k % 3), 0, name), 0);
		if (k % 256 == 255)
			fr_step(fr);
	}
	fr_step(fr);
	fr_clear(fr);
	assert_int_equal(ordo_groups_join(G(fr, 1), 0, "onemore"), 0);
	fr_step(fr);
	for (uint32_t i = 0; i < 3; i++) {
		const struct ordo_groups_stats *st = ordo_groups_stats(G(fr, i));

		assert_int_equal(st->groups, ORDO_GROUPS_MAX_GROUPS);
		assert_int_equal(st->no_room, 1);
		assert_int_equal(fr_count(fr, i, FR_VIEW, ANY), 0);
	}
	assert_int_equal(fr_count(fr, 1, FR_MEMB, ANY), 0);
	/* An existing group still takes members. */
	assert_int_equal(ordo_groups_join(G(fr, 1), 0, "g0"), 0);
	fr_step(fr);
	assert_int_equal(fr_count(fr, 1, FR_MEMB, 0), 1);
}

static void inject(struct fake_ring *fr, uint32_t sender, const void *p,
		   uint32_t len)
{
	fr_inject(fr, sender, ORDO_SVC_AGREED, ORDO_GM_DATA, p, len);
}

static void test_malformed(void **state)
{
	struct fake_ring *fr = *state;
	/* A valid DATA from n2's "b" to g: hdr, "b", 1 x "g", body. */
	uint8_t ok[] = { 1, ORDO_GM_DATA, 0, 1, 1, 0, 0, 0, 'b', 1, 'g', 'x' };
	uint8_t m[sizeof(ok)];
	uint64_t bad0[3];

	add_abc(fr);
	join(fr, 0, 0, "g");
	fr_clear(fr);
	inject(fr, 2, ok, sizeof(ok));
	assert_int_equal(fr_count(fr, 0, FR_MSG, 0), 1);
	fr_clear(fr);
	for (uint32_t i = 0; i < 3; i++)
		bad0[i] = ordo_groups_stats(G(fr, i))->bad_messages;

	inject(fr, 2, ok, 5);                               /* truncated */
	inject(fr, 2, ok, 10);                              /* group cut */
	memcpy(m, ok, sizeof(m)); m[0] = 2;                 /* version */
	inject(fr, 2, m, sizeof(m));
	memcpy(m, ok, sizeof(m)); m[1] = 9;                 /* kind */
	inject(fr, 2, m, sizeof(m));
	memcpy(m, ok, sizeof(m)); m[10] = ' ';              /* group char */
	inject(fr, 2, m, sizeof(m));
	memcpy(m, ok, sizeof(m)); m[8] = '#';               /* sender char */
	inject(fr, 2, m, sizeof(m));
	memcpy(m, ok, sizeof(m)); m[4] = 0;                 /* no sender */
	inject(fr, 2, m, sizeof(m));
	memcpy(m, ok, sizeof(m)); m[3] = 0;                 /* no groups */
	inject(fr, 2, m, sizeof(m));
	memcpy(m, ok, sizeof(m)); m[9] = 40;                /* length lies */
	inject(fr, 2, m, sizeof(m));
	memcpy(m, ok, sizeof(m)); m[2] = 0x80;              /* flags */
	inject(fr, 2, m, sizeof(m));
	inject(fr, 9, ok, sizeof(ok));                      /* unknown daemon */
	memcpy(m, ok, sizeof(m)); m[1] = ORDO_GM_JOIN;      /* join + trailer */
	fr_inject(fr, 2, ORDO_SVC_AGREED, ORDO_GM_JOIN, m, sizeof(m));
	memcpy(m, ok, sizeof(m)); m[1] = ORDO_GM_JOIN;      /* join, wrong type */
	fr_inject(fr, 2, ORDO_SVC_AGREED, ORDO_GM_DATA, m, sizeof(m) - 1);
	memcpy(m, ok, sizeof(m)); m[1] = ORDO_GM_STATE;     /* state, sender */
	fr_inject(fr, 2, ORDO_SVC_AGREED, ORDO_GM_STATE, m, sizeof(m));
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(ordo_groups_stats(G(fr, i))->bad_messages - bad0[i], 14);
		assert_int_equal(fr_count(fr, i, FR_MSG, ANY), 0);
		assert_int_equal(fr_count(fr, i, FR_MEMB, ANY), 0);
		assert_int_equal(fr_count(fr, i, FR_VIEW, ANY), 0);
	}
	assert_int_equal(ordo_groups_stats(G(fr, 0))->members, 1);
}

/* A STATE submit refused by the engine is retried at the next event. */
static void test_state_retry(void **state)
{
	struct fake_ring *fr = *state;
	int split[3] = { 0, 0, 1 }, whole[3] = { 0, 0, 0 };

	fr_partition(fr, split);
	fr_step(fr);
	fr->nodes[2].submit_rc = -EAGAIN;
	fr_partition(fr, whole);
	fr_step(fr);
	for (uint32_t i = 0; i < 3; i++)
		assert_true(ordo_groups_exchanging(G(fr, i))); /* n3's missing */
	assert_true(ordo_groups_stats(G(fr, 2))->submit_errors >= 1);
	fr->nodes[2].submit_rc = 0;
	fr_inject(fr, 3, ORDO_SVC_AGREED, 1, "", 0); /* any delivery */
	fr_step(fr);
	for (uint32_t i = 0; i < 3; i++) {
		assert_false(ordo_groups_exchanging(G(fr, i)));
		assert_false(fr->nodes[i].paused);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_formed, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_join_views, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_leave, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_data, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_disconnect, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_crash, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_merge, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_merge_interrupted, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_table_full, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_state_retry, setup3, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
