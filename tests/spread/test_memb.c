/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Membership bodies (lib/spread/sp_memb.c): the layout byte by byte,
 * encode/decode round trips in both byte orders, the public SP_get_* and
 * SP_scat_get_* calls, and truncated or lying bodies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "lib/spread/sp_memb.h"

static const char set_a[2][MAX_GROUP_NAME] = { "#a#n1", "#b#n1" };
static const char set_b[3][MAX_GROUP_NAME] = { "#c#n2", "#d#n2", "#e#n3" };
static const char joiner[1][MAX_GROUP_NAME] = { "#new#n2" };

#define NET (REG_MEMB_MESS | CAUSED_BY_NETWORK)
#define JOIN (REG_MEMB_MESS | CAUSED_BY_JOIN)

static uint32_t u32_at(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Two sets, ours second. */
static int build_net(char *buf, size_t cap, bool swapped)
{
	struct sp_memb_set sets[2] = { { 2, set_a }, { 3, set_b } };
	group_id gid = sp_gid_make(7, 8, 9);

	return sp_memb_encode(buf, cap, &gid, sets, 2, 1, swapped);
}

static void test_layout_bytes(void **state)
{
	char buf[512];
	int len = build_net(buf, sizeof(buf), false);

	(void)state;
	assert_int_equal(len, 20 + 4 + 2 * 32 + 4 + 3 * 32);
	assert_int_equal((int)sp_memb_len((struct sp_memb_set[]){ { 2, set_a }, { 3, set_b } }, 2), len);
	assert_int_equal(u32_at(buf + 0), 7);
	assert_int_equal(u32_at(buf + 4), 8);
	assert_int_equal(u32_at(buf + 8), 9);
	assert_int_equal(u32_at(buf + 12), 2);              /* num_vs_sets */
	assert_int_equal(u32_at(buf + 16), 4 + 2 * 32);     /* local set, from byte 20 */
	assert_int_equal(u32_at(buf + 20), 2);              /* set 0 count */
	assert_string_equal(buf + 24, "#a#n1");
	assert_string_equal(buf + 24 + 32, "#b#n1");
	assert_int_equal(u32_at(buf + 20 + 4 + 64), 3);     /* set 1 count */
	assert_string_equal(buf + 20 + 8 + 64, "#c#n2");
}

static void check_net(const char *buf, size_t len)
{
	membership_info info;
	vs_set_info sets[4];
	unsigned int mine = 99;
	char names[8][MAX_GROUP_NAME];

	assert_int_equal(sp_memb_info(buf, len, NET, &info), 1);
	assert_int_equal(info.gid.id[0], 7);
	assert_int_equal(info.gid.id[2], 9);
	assert_int_equal(info.num_vs_sets, 2);
	assert_int_equal(info.my_vs_set.num_members, 3);
	assert_int_equal(info.my_vs_set.members_offset, 20 + 4 + 64 + 4);
	assert_string_equal(info.changed_member, "");

	assert_int_equal(sp_memb_sets(buf, len, sets, 4, &mine), 2);
	assert_int_equal(mine, 1);
	assert_int_equal(sets[0].num_members, 2);
	assert_int_equal(sets[0].members_offset, 24);
	assert_int_equal(sets[1].members_offset, info.my_vs_set.members_offset);

	assert_int_equal(sp_memb_members(buf, len, &sets[0], names, 8), 2);
	assert_string_equal(names[1], "#b#n1");
	assert_int_equal(sp_memb_members(buf, len, &sets[1], names, 8), 3);
	assert_string_equal(names[2], "#e#n3");
}

static void test_round_trip_host(void **state)
{
	char buf[512];
	int len = build_net(buf, sizeof(buf), false);

	(void)state;
	check_net(buf, (size_t)len);
}

static void test_round_trip_foreign(void **state)
{
	char buf[512], host[512];
	int len = build_net(buf, sizeof(buf), true);
	membership_info info;

	(void)state;
	build_net(host, sizeof(host), false);
	assert_memory_not_equal(buf, host, 20);
	/* Read as-is, the counts are nonsense and the bounded decoder says so. */
	assert_int_equal(sp_memb_info(buf, (size_t)len, NET, &info), ILLEGAL_MESSAGE);
	/* What SP_receive does on endian mismatch makes it the host body. */
	assert_int_equal(sp_memb_to_host(buf, (size_t)len, NET), 0);
	assert_memory_equal(buf, host, (size_t)len);
	check_net(buf, (size_t)len);
}

static void test_join_changed_member(void **state)
{
	char buf[256];
	struct sp_memb_set set = { 1, joiner };
	group_id gid = sp_gid_make(1, 2, 3);
	membership_info info;
	int len = sp_memb_encode(buf, sizeof(buf), &gid, &set, 1, 0, false);

	(void)state;
	assert_int_equal(len, 20 + 4 + 32);
	assert_int_equal(sp_memb_info(buf, (size_t)len, JOIN, &info), 1);
	assert_string_equal(info.changed_member, "#new#n2");
	assert_int_equal(info.num_vs_sets, 1);
	assert_int_equal(SP_get_memb_info(buf, JOIN, &info), 1);
	assert_string_equal(info.changed_member, "#new#n2");
	assert_int_equal(SP_get_memb_info(buf, REG_MEMB_MESS | CAUSED_BY_LEAVE, &info), 1);
	assert_string_equal(info.changed_member, "#new#n2");
	assert_int_equal(SP_get_memb_info(buf, REG_MEMB_MESS | CAUSED_BY_DISCONNECT, &info), 1);
	assert_string_equal(info.changed_member, "#new#n2");
}

static void test_transitional_and_self_leave(void **state)
{
	char buf[16];
	group_id gid = sp_gid_make(4, 5, 6);
	membership_info info;

	(void)state;
	assert_int_equal(sp_memb_encode_gid(buf, sizeof(buf), &gid, false), 12);
	assert_int_equal(sp_memb_info(buf, 12, TRANSITION_MESS, &info), 1);
	assert_true(SP_equal_group_ids(info.gid, gid));
	assert_int_equal(info.num_vs_sets, 0);
	assert_int_equal(info.my_vs_set.num_members, 0);
	assert_int_equal(info.my_vs_set.members_offset, 0);
	assert_int_equal(sp_memb_info(buf, 12, CAUSED_BY_LEAVE, &info), 1); /* self-leave */
	assert_int_equal(sp_memb_info(buf, 11, TRANSITION_MESS, &info), ILLEGAL_MESSAGE);

	assert_int_equal(sp_memb_encode_gid(buf, sizeof(buf), &gid, true), 12);
	assert_int_equal(sp_memb_to_host(buf, 12, TRANSITION_MESS), 0);
	assert_int_equal(sp_memb_info(buf, 12, TRANSITION_MESS, &info), 1);
	assert_true(SP_equal_group_ids(info.gid, gid));
}

static void test_not_membership(void **state)
{
	char buf[512];
	membership_info info;

	(void)state;
	build_net(buf, sizeof(buf), false);
	assert_int_equal(SP_get_memb_info(buf, AGREED_MESS, &info), ILLEGAL_MESSAGE);
	assert_int_equal(SP_get_memb_info(buf, NET | REJECT_MESS, &info), ILLEGAL_MESSAGE);
}

static void test_public_calls_match_bounded(void **state)
{
	char buf[512];
	membership_info info;
	vs_set_info sets[2];
	unsigned int mine = 99;
	char names[3][MAX_GROUP_NAME];

	(void)state;
	build_net(buf, sizeof(buf), false);
	assert_int_equal(SP_get_memb_info(buf, NET, &info), 1);
	assert_int_equal(info.my_vs_set.num_members, 3);
	assert_int_equal(SP_get_vs_sets_info(buf, sets, 2, &mine), 2);
	assert_int_equal(mine, 1);
	assert_int_equal(SP_get_vs_sets_info(buf, sets, 1, &mine), BUFFER_TOO_SHORT);
	assert_int_equal(SP_get_vs_set_members(buf, &sets[1], names, 3), 3);
	assert_string_equal(names[0], "#c#n2");
	assert_int_equal(SP_get_vs_set_members(buf, &sets[1], names, 2), BUFFER_TOO_SHORT);
	assert_int_equal(SP_get_vs_set_members(buf, &info.my_vs_set, names, 3), 3);
	assert_string_equal(names[1], "#d#n2");
}

static void test_scatter_variants(void **state)
{
	char buf[512], p0[7], p1[50], p2[512];
	int len = build_net(buf, sizeof(buf), false);
	scatter sc = { .num_elements = 3 };
	membership_info info;
	vs_set_info sets[2];
	unsigned int mine = 99;
	char names[3][MAX_GROUP_NAME];

	(void)state;
	/* Odd element sizes: every field straddles a boundary somewhere. */
	memcpy(p0, buf, 7);
	memcpy(p1, buf + 7, 50);
	memcpy(p2, buf + 57, (size_t)len - 57);
	sc.elements[0] = (scat_element){ p0, 7 };
	sc.elements[1] = (scat_element){ p1, 50 };
	sc.elements[2] = (scat_element){ p2, sizeof(p2) };
	assert_int_equal(SP_scat_get_memb_info(&sc, NET, &info), 1);
	assert_int_equal(info.gid.id[1], 8);
	assert_int_equal(info.my_vs_set.num_members, 3);
	assert_int_equal(SP_scat_get_vs_sets_info(&sc, sets, 2, &mine), 2);
	assert_int_equal(mine, 1);
	assert_int_equal(SP_scat_get_vs_set_members(&sc, &sets[0], names, 3), 2);
	assert_string_equal(names[0], "#a#n1");
	assert_string_equal(names[1], "#b#n1");
	assert_int_equal(SP_scat_get_vs_set_members(&sc, &sets[1], names, 3), 3);
	assert_string_equal(names[2], "#e#n3");

	sc.num_elements = MAX_CLIENT_SCATTER_ELEMENTS + 1;
	assert_int_equal(SP_scat_get_memb_info(&sc, NET, &info), ILLEGAL_MESSAGE);
	/* A scatter too short for the body: an error, not a read past it. */
	sc.num_elements = 2;
	assert_int_equal(SP_scat_get_vs_set_members(&sc, &sets[1], names, 3), ILLEGAL_MESSAGE);
}

static void test_truncated_bodies(void **state)
{
	char buf[512];
	int len = build_net(buf, sizeof(buf), false);
	membership_info info;
	vs_set_info sets[2];
	unsigned int mine;

	(void)state;
	for (int cut = 0; cut < len; cut++) {
		char copy[512];

		memcpy(copy, buf, (size_t)cut);
		assert_int_equal(sp_memb_info(copy, (size_t)cut, NET, &info), ILLEGAL_MESSAGE);
		assert_int_equal(sp_memb_sets(copy, (size_t)cut, sets, 2, &mine), ILLEGAL_MESSAGE);
		if (cut >= 12)
			assert_int_equal(sp_memb_to_host(copy, (size_t)cut, NET), ILLEGAL_MESSAGE);
	}
	assert_int_equal(sp_memb_info(buf, (size_t)len, NET, &info), 1);
}

static void test_lying_bodies(void **state)
{
	char buf[512];
	int len = build_net(buf, sizeof(buf), false);
	membership_info info;
	vs_set_info sets[4];
	unsigned int mine, v;

	(void)state;
	/* Local offset into the middle of a set. */
	v = 8;
	memcpy(buf + 16, &v, 4);
	assert_int_equal(sp_memb_info(buf, (size_t)len, NET, &info), ILLEGAL_MESSAGE);
	assert_int_equal(sp_memb_sets(buf, (size_t)len, sets, 4, &mine), ILLEGAL_MESSAGE);
	build_net(buf, sizeof(buf), false);
	/* More sets than the body holds. */
	v = 3;
	memcpy(buf + 12, &v, 4);
	assert_int_equal(sp_memb_sets(buf, (size_t)len, sets, 4, &mine), ILLEGAL_MESSAGE);
	build_net(buf, sizeof(buf), false);
	/* A member count that would run far past the end. */
	v = 0x7fffffff;
	memcpy(buf + 20, &v, 4);
	assert_int_equal(sp_memb_info(buf, (size_t)len, NET, &info), ILLEGAL_MESSAGE);
	assert_int_equal(sp_memb_to_host(buf, (size_t)len, 0), 0); /* gid only: fine */
	/* A join whose set is empty names no changed member. */
	{
		char j[64];
		struct sp_memb_set empty = { 0, NULL };
		group_id gid = sp_gid_make(1, 1, 1);
		int jl = sp_memb_encode(j, sizeof(j), &gid, &empty, 1, 0, false);

		assert_int_equal(jl, 24);
		assert_int_equal(sp_memb_info(j, (size_t)jl, JOIN, &info), ILLEGAL_MESSAGE);
	}
}

static void test_encode_errors(void **state)
{
	char buf[64];
	struct sp_memb_set sets[2] = { { 2, set_a }, { 3, NULL } };
	group_id gid = sp_gid_make(0, 0, 0);

	(void)state;
	assert_int_equal(sp_memb_encode(buf, sizeof(buf), &gid, sets, 0, 0, false), -EINVAL);
	assert_int_equal(sp_memb_encode(buf, sizeof(buf), &gid, sets, 1, 1, false), -EINVAL);
	assert_int_equal(sp_memb_encode(buf, sizeof(buf), &gid, sets, 2, 0, false), -EINVAL);
	assert_int_equal(sp_memb_encode(buf, 20 + 4 + 63, &gid, sets, 1, 0, false), -ENOSPC);
	assert_int_equal(sp_memb_encode_gid(buf, 11, &gid, false), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_bytes),
		cmocka_unit_test(test_round_trip_host),
		cmocka_unit_test(test_round_trip_foreign),
		cmocka_unit_test(test_join_changed_member),
		cmocka_unit_test(test_transitional_and_self_leave),
		cmocka_unit_test(test_not_membership),
		cmocka_unit_test(test_public_calls_match_bounded),
		cmocka_unit_test(test_scatter_variants),
		cmocka_unit_test(test_truncated_bodies),
		cmocka_unit_test(test_lying_bodies),
		cmocka_unit_test(test_encode_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
