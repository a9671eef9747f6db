/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Group, private and daemon names (lib/spread/sp_names.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/spread/sp_names.h"

static void test_group_lengths(void **state)
{
	char name[MAX_GROUP_NAME + 1];

	(void)state;
	assert_int_equal(sp_name_check_group(""), ILLEGAL_GROUP);
	assert_int_equal(sp_name_check_group(NULL), ILLEGAL_GROUP);
	assert_int_equal(sp_name_check_group("a"), 0);
	memset(name, 'g', MAX_GROUP_NAME - 1);
	name[MAX_GROUP_NAME - 1] = '\0';
	assert_int_equal(sp_name_check_group(name), 0); /* 31 characters */
	name[MAX_GROUP_NAME - 1] = 'g';
	name[MAX_GROUP_NAME] = '\0';
	assert_int_equal(sp_name_check_group(name), ILLEGAL_GROUP); /* 32 */
}

static void test_group_alphabet(void **state)
{
	char name[2] = { 0, 0 };

	(void)state;
	/* Exactly '$' (36) to '~' (126), as Spread's SP_join checks. */
	for (int c = 1; c < 256; c++) {
		name[0] = (char)c;
		assert_int_equal(sp_name_check_group(name),
				 (c >= 36 && c <= 126) ? 0 : ILLEGAL_GROUP);
	}
	assert_int_equal(sp_name_check_group("#user#host"), ILLEGAL_GROUP);
	assert_int_equal(sp_name_check_group("has space"), ILLEGAL_GROUP);
	assert_int_equal(sp_name_check_group("flooder_$x{y}~"), 0);
}

static void test_private_format(void **state)
{
	char g[MAX_GROUP_NAME];
	char p[MAX_PRIVATE_NAME + 1], d[MAX_PROC_NAME];

	(void)state;
	assert_int_equal(sp_name_private_group(g, "user", "node1"), 0);
	assert_string_equal(g, "#user#node1");
	assert_int_equal(sp_name_parse_private(g, p, d), 0);
	assert_string_equal(p, "user");
	assert_string_equal(d, "node1");

	/* The longest parts fill the name exactly. */
	assert_int_equal(sp_name_private_group(g, "0123456789", "abcdefghijklmnopqrs"), 0);
	assert_int_equal(strlen(g), MAX_GROUP_NAME - 1);
	assert_int_equal(sp_name_parse_private(g, p, d), 0);
	assert_string_equal(p, "0123456789");
	assert_string_equal(d, "abcdefghijklmnopqrs");

	assert_int_equal(sp_name_private_group(g, "01234567890", "d"), REJECT_ILLEGAL_NAME);
	assert_int_equal(sp_name_private_group(g, "", "d"), REJECT_ILLEGAL_NAME);
	assert_int_equal(sp_name_private_group(g, "a#b", "d"), REJECT_ILLEGAL_NAME);
	assert_int_equal(sp_name_private_group(g, "u", "abcdefghijklmnopqrst"), ILLEGAL_SPREAD);
	assert_int_equal(sp_name_private_group(g, "u", ""), ILLEGAL_SPREAD);
}

static void test_private_parse_bad(void **state)
{
	(void)state;
	assert_int_equal(sp_name_parse_private("user#d", NULL, NULL), ILLEGAL_GROUP);
	assert_int_equal(sp_name_parse_private("#user", NULL, NULL), ILLEGAL_GROUP);
	assert_int_equal(sp_name_parse_private("##d", NULL, NULL), ILLEGAL_GROUP);
	assert_int_equal(sp_name_parse_private("#u#", NULL, NULL), ILLEGAL_GROUP);
	assert_int_equal(sp_name_parse_private("#u#d#e", NULL, NULL), ILLEGAL_GROUP);
	assert_int_equal(sp_name_parse_private("#01234567890#d", NULL, NULL), ILLEGAL_GROUP);
	assert_int_equal(sp_name_parse_private("#u v#d", NULL, NULL), ILLEGAL_GROUP);
	assert_int_equal(sp_name_parse_private(NULL, NULL, NULL), ILLEGAL_GROUP);
}

static void test_private_name_and_dest(void **state)
{
	(void)state;
	assert_int_equal(sp_name_check_private(NULL), 0);       /* generated */
	assert_int_equal(sp_name_check_private(""), 0);         /* generated */
	assert_int_equal(sp_name_check_private("flooder"), 0);
	assert_int_equal(sp_name_check_private("0123456789"), 0);
	assert_int_equal(sp_name_check_private("0123456789a"), REJECT_ILLEGAL_NAME);
	assert_int_equal(sp_name_check_private("a#"), REJECT_ILLEGAL_NAME);

	assert_true(sp_name_is_private("#u#d"));
	assert_false(sp_name_is_private("group"));
	assert_int_equal(sp_name_check_dest("#u#d"), 0);
	assert_int_equal(sp_name_check_dest("group"), 0);
	assert_int_equal(sp_name_check_dest("#broken"), ILLEGAL_GROUP);
	assert_int_equal(sp_name_check_dest(""), ILLEGAL_GROUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_lengths),
		cmocka_unit_test(test_group_alphabet),
		cmocka_unit_test(test_private_format),
		cmocka_unit_test(test_private_parse_bad),
		cmocka_unit_test(test_private_name_and_dest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
