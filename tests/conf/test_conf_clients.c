/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The control plane's client keys of the Ordo section: MaxClients,
 * ClientSubmitBytes, ClientDeliverBytes, SlowConsumer. Defaults, ranges,
 * the power-of-two rule, size suffixes, and that none of them changes the
 * configuration hash (they are local).
 */
#include <errno.h>

#include "tests/conf/conf_test.h"

static struct ordo_conf c;

static void test_defaults(void **state)
{
	(void)state;
	parse_ok(SEG1, &c);
	assert_int_equal(c.max_clients, 1024);
	assert_int_equal(c.client_submit_bytes, 1u << 20);
	assert_int_equal(c.client_deliver_bytes, 4u << 20);
	assert_int_equal(c.slow_consumer, ORDO_SLOW_DISCONNECT);
}

static void test_values(void **state)
{
	(void)state;
	parse_ok(SEG1 "Ordo {\n MaxClients = 1\n ClientSubmitBytes = 4K\n"
		 " ClientDeliverBytes = 1GiB\n SlowConsumer = BLOCK\n}\n", &c);
	assert_int_equal(c.max_clients, 1);
	assert_int_equal(c.client_submit_bytes, 4096);
	assert_int_equal(c.client_deliver_bytes, 1u << 30);
	assert_int_equal(c.slow_consumer, ORDO_SLOW_BLOCK);
	parse_ok(SEG1 "Ordo { ClientSubmitBytes = 65536 }\n", &c);
	assert_int_equal(c.client_submit_bytes, 65536);
}

static void refused(const char *text, const char *needle)
{
	char err[512];

	assert_int_equal(parse(text, &c, err, sizeof(err)), -EINVAL);
	if (!strstr(err, needle))
		fail_msg("'%s' not in: %s", needle, err);
}

static void test_refused(void **state)
{
	(void)state;
	refused(SEG1 "Ordo { MaxClients = 0 }\n", "MaxClients");
	refused(SEG1 "Ordo { MaxClients = 1025 }\n", "MaxClients");
	refused(SEG1 "Ordo { ClientSubmitBytes = 3000 }\n", "ClientSubmitBytes");
	refused(SEG1 "Ordo { ClientSubmitBytes = 12K }\n", "power of two");
	refused(SEG1 "Ordo { ClientDeliverBytes = 2G }\n", "ClientDeliverBytes");
	refused(SEG1 "Ordo { SlowConsumer = drop }\n", "SlowConsumer");
	/* Top level is not the place: these belong to the Ordo section. */
	refused(SEG1 "MaxClients = 4\n", "MaxClients");
}

static void test_not_hashed(void **state)
{
	uint32_t h;

	(void)state;
	parse_ok(SEG1, &c);
	h = ordo_conf_hash(&c);
	parse_ok(SEG1 "Ordo {\n MaxClients = 7\n ClientSubmitBytes = 8K\n"
		 " ClientDeliverBytes = 8K\n SlowConsumer = block\n}\n", &c);
	assert_int_equal(ordo_conf_hash(&c), h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_not_hashed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
