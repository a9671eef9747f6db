/* SPDX-License-Identifier: BSD-3-Clause
 *
 * SP_error texts and SP_equal_group_ids.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "client/spread/sp_error.h"
#include "lib/spread/sp_memb.h"

static const int all_codes[] = {
	ACCEPT_SESSION, ILLEGAL_SPREAD, COULD_NOT_CONNECT, REJECT_QUOTA, REJECT_NO_NAME,
	REJECT_ILLEGAL_NAME, REJECT_NOT_UNIQUE, REJECT_VERSION, CONNECTION_CLOSED,
	REJECT_AUTH, ILLEGAL_SESSION, ILLEGAL_SERVICE, ILLEGAL_MESSAGE, ILLEGAL_GROUP,
	BUFFER_TOO_SHORT, GROUPS_TOO_SHORT, MESSAGE_TOO_LONG, NET_ERROR_ON_SESSION, SP_BUG,
};

static void test_every_code_has_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all_codes) / sizeof(all_codes[0]); i++) {
		assert_non_null(sp_error_name(all_codes[i]));
		assert_string_not_equal(sp_error_text(all_codes[i]), "unknown error code");
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(sp_error_text(all_codes[i]),
						sp_error_text(all_codes[j]));
	}
	assert_string_equal(sp_error_name(BUFFER_TOO_SHORT), "BUFFER_TOO_SHORT");
	assert_null(sp_error_name(-10));
	assert_string_equal(sp_error_text(-10), "unknown error code");
}

static void test_sp_error_prints_code(void **state)
{
	char buf[256] = { 0 };
	FILE *tmp = tmpfile();
	int saved = dup(fileno(stdout));

	(void)state;
	assert_non_null(tmp);
	fflush(stdout);
	dup2(fileno(tmp), fileno(stdout));
	SP_error(ILLEGAL_GROUP);
	fflush(stdout);
	dup2(saved, fileno(stdout));
	close(saved);
	rewind(tmp);
	assert_non_null(fgets(buf, sizeof(buf), tmp));
	fclose(tmp);
	assert_string_equal(buf, "SP_error: (-14) illegal group name\n");
}

static void test_equal_group_ids(void **state)
{
	group_id a = sp_gid_make(1, 2, 3), b = sp_gid_make(1, 2, 3);

	(void)state;
	assert_int_equal(SP_equal_group_ids(a, b), 1);
	b.id[2] = 4;
	assert_int_equal(SP_equal_group_ids(a, b), 0);
	b = sp_gid_make(0xffffffffu, 2, 3);
	assert_int_equal(SP_equal_group_ids(a, b), 0);
	assert_int_equal(b.id[0], -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_has_text),
		cmocka_unit_test(test_sp_error_prints_code),
		cmocka_unit_test(test_equal_group_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
