/* SPDX-License-Identifier: BSD-3-Clause
 *
 * sp.h values that must equal Spread 4's: programs store, print, compare
 * and send them (service flags travel to other programs inside our
 * messages; error numbers get logged and switched on). Checked at compile
 * time; the cmocka test only reports that the file built.
 *
 * Source of the numbers: Spread 4.x include/sp.h and libspread/sp.c as
 * published, and the Spread 4.0.0 C API pages (spread.org/docs).
 */
#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sp.h"

#define SAME(a, b) static_assert((a) == (b), #a " must equal Spread's " #b)

SAME(MAX_GROUP_NAME, 32);
SAME(MAX_PRIVATE_NAME, 10);
SAME(MAX_PROC_NAME, 20);
SAME(DEFAULT_SPREAD_PORT, 4803);
SAME(MAX_CLIENT_SCATTER_ELEMENTS, 100);

SAME(UNRELIABLE_MESS, 0x00000001);
SAME(RELIABLE_MESS, 0x00000002);
SAME(FIFO_MESS, 0x00000004);
SAME(CAUSAL_MESS, 0x00000008);
SAME(AGREED_MESS, 0x00000010);
SAME(SAFE_MESS, 0x00000020);
SAME(REGULAR_MESS, 0x0000003f);
SAME(SELF_DISCARD, 0x00000040);
SAME(DROP_RECV, 0x01000000);
SAME(REG_MEMB_MESS, 0x00001000);
SAME(TRANSITION_MESS, 0x00002000);
SAME(CAUSED_BY_JOIN, 0x00000100);
SAME(CAUSED_BY_LEAVE, 0x00000200);
SAME(CAUSED_BY_DISCONNECT, 0x00000400);
SAME(CAUSED_BY_NETWORK, 0x00000800);
SAME(MEMBERSHIP_MESS, 0x00003f00);
SAME((unsigned int)ENDIAN_RESERVED, 0x80000080u);
SAME(RESERVED, 0x003fc000);
SAME(REJECT_MESS, 0x00400000);

SAME(ACCEPT_SESSION, 1);
SAME(ILLEGAL_SPREAD, -1);
SAME(COULD_NOT_CONNECT, -2);
SAME(REJECT_QUOTA, -3);
SAME(REJECT_NO_NAME, -4);
SAME(REJECT_ILLEGAL_NAME, -5);
SAME(REJECT_NOT_UNIQUE, -6);
SAME(REJECT_VERSION, -7);
SAME(CONNECTION_CLOSED, -8);
SAME(REJECT_AUTH, -9);
SAME(ILLEGAL_SESSION, -11);
SAME(ILLEGAL_SERVICE, -12);
SAME(ILLEGAL_MESSAGE, -13);
SAME(ILLEGAL_GROUP, -14);
SAME(BUFFER_TOO_SHORT, -15);
SAME(GROUPS_TOO_SHORT, -16);
SAME(MESSAGE_TOO_LONG, -17);
SAME(NET_ERROR_ON_SESSION, -18);
SAME(SP_BUG, -19);

SAME(LOW_PRIORITY, 0);
SAME(MEDIUM_PRIORITY, 1);
SAME(HIGH_PRIORITY, 2);
SAME(READ_FD, 0);
SAME(WRITE_FD, 1);
SAME(EXCEPT_FD, 2);

/* Layouts programs index into or pass to other languages. */
SAME(sizeof(group_id), 12);
SAME(sizeof(vs_set_info), 8);
SAME(offsetof(membership_info, changed_member), 12);
SAME(offsetof(membership_info, num_vs_sets), 12 + MAX_GROUP_NAME);
SAME(offsetof(membership_info, my_vs_set), 16 + MAX_GROUP_NAME);
SAME(sizeof(int16), 2);
SAME(sizeof(int32), 4);

/* The flag groups do not overlap one another or the reserved bits. */
static_assert((REGULAR_MESS & MEMBERSHIP_MESS) == 0, "regular vs membership");
static_assert(((REGULAR_MESS | MEMBERSHIP_MESS | SELF_DISCARD | REJECT_MESS | DROP_RECV) &
	       (ENDIAN_RESERVED | RESERVED)) == 0, "reserved bits free");

static void test_macros(void **state)
{
	(void)state;
	assert_true(Is_regular_mess(AGREED_MESS));
	assert_false(Is_regular_mess(AGREED_MESS | REJECT_MESS));
	assert_true(Is_reject_mess(AGREED_MESS | REJECT_MESS));
	assert_true(Is_membership_mess(REG_MEMB_MESS | CAUSED_BY_JOIN));
	assert_false(Is_membership_mess(REG_MEMB_MESS | REJECT_MESS));
	assert_true(Is_self_leave(CAUSED_BY_LEAVE));
	assert_false(Is_self_leave(CAUSED_BY_LEAVE | REG_MEMB_MESS));
	assert_false(Is_self_leave(CAUSED_BY_LEAVE | TRANSITION_MESS));
	assert_true(Is_transition_mess(TRANSITION_MESS));
	assert_false(Is_regular_mess(TRANSITION_MESS));
	/* Macro arguments are parenthesised: a | inside one still works. */
	assert_true(Is_safe_mess(FIFO_MESS | SAFE_MESS));
	assert_int_equal(Flip_int32(0x11223344u), 0x44332211u);
	assert_int_equal(Flip_int16(0x1122), 0x2211);
	assert_int_equal(SPREAD_VERSION >> 24, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macros),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
