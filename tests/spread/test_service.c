/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Spread service types <-> ordo services (client/spread/sp_service.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "client/spread/sp_service.h"

static void test_each_guarantee(void **state)
{
	static const struct { service flag; enum ordo_service svc; } cases[] = {
		{ UNRELIABLE_MESS, ORDO_SVC_UNRELIABLE }, { RELIABLE_MESS, ORDO_SVC_RELIABLE },
		{ FIFO_MESS, ORDO_SVC_FIFO }, { CAUSAL_MESS, ORDO_SVC_CAUSAL },
		{ AGREED_MESS, ORDO_SVC_AGREED }, { SAFE_MESS, ORDO_SVC_SAFE },
	};
	struct sp_send_service out;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sp_service_to_ordo(cases[i].flag, &out), 0);
		assert_int_equal(out.svc, cases[i].svc);
		assert_false(out.self_discard);
		/* ... and back: exactly the one bit. */
		assert_int_equal(sp_service_from_ordo(cases[i].svc, false), cases[i].flag);
		assert_int_equal(sp_service_from_ordo(cases[i].svc, true),
				 cases[i].flag | SELF_DISCARD);
	}
}

static void test_strongest_wins(void **state)
{
	struct sp_send_service out;

	(void)state;
	assert_int_equal(sp_service_to_ordo(FIFO_MESS | AGREED_MESS, &out), 0);
	assert_int_equal(out.svc, ORDO_SVC_AGREED);
	assert_int_equal(sp_service_to_ordo(REGULAR_MESS, &out), 0);
	assert_int_equal(out.svc, ORDO_SVC_SAFE);
	assert_int_equal(sp_service_to_ordo(UNRELIABLE_MESS | RELIABLE_MESS, &out), 0);
	assert_int_equal(out.svc, ORDO_SVC_RELIABLE);
}

static void test_self_discard_and_rejects(void **state)
{
	struct sp_send_service out;

	(void)state;
	assert_int_equal(sp_service_to_ordo(SAFE_MESS | SELF_DISCARD, &out), 0);
	assert_int_equal(out.svc, ORDO_SVC_SAFE);
	assert_true(out.self_discard);

	assert_int_equal(sp_service_to_ordo(0, &out), ILLEGAL_SERVICE);
	assert_int_equal(sp_service_to_ordo(SELF_DISCARD, &out), ILLEGAL_SERVICE);
	assert_int_equal(sp_service_to_ordo(REG_MEMB_MESS | CAUSED_BY_JOIN, &out), ILLEGAL_SERVICE);
	assert_int_equal(sp_service_to_ordo(AGREED_MESS | REJECT_MESS, &out), ILLEGAL_SERVICE);
	/* Bits Spread ignores on send are ignored here too. */
	assert_int_equal(sp_service_to_ordo(AGREED_MESS | DROP_RECV, &out), 0);
	assert_int_equal(out.svc, ORDO_SVC_AGREED);
}

static void test_internal_never_reaches_clients(void **state)
{
	(void)state;
	assert_int_equal(sp_service_from_ordo(ORDO_SVC_INTERNAL, false), 0);
	assert_int_equal(sp_service_from_ordo((enum ordo_service)0, false), 0);
	assert_int_equal(sp_service_from_ordo((enum ordo_service)99, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_guarantee),
		cmocka_unit_test(test_strongest_wins),
		cmocka_unit_test(test_self_discard_and_rejects),
		cmocka_unit_test(test_internal_never_reaches_clients),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
