/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The control plane's keys of the Ordo section: MaxClients,
 * ClientSubmitBytes, ClientDeliverBytes, SlowConsumer, MetricsListen.
 * Defaults, ranges, the power-of-two rule, size suffixes, a Daemon
 * block's MetricsListen winning over the section's, the formatter's round
 * trip, and that none of them changes the configuration hash (they are
 * local).
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
	assert_false(c.metrics_set);
	assert_int_equal(c.metrics_port, 0);
}

#define SEG2 "Spread_Segment 239.0.0.1:4803 {\n a 10.0.0.1\n b 10.0.0.2\n}\n"

static void test_metrics(void **state)
{
	static char text[16384];
	struct ordo_conf back;
	uint32_t addr;
	uint16_t port;
	char err[512];

	(void)state;
	/* Off by default, for every daemon. */
	parse_ok(SEG2, &c);
	assert_false(ordo_conf_metrics_listen(&c, 0, &addr, &port));
	/* The section's for everyone, a Daemon block's for its daemon. */
	parse_ok(SEG2 "Ordo {\n MetricsListen = 127.0.0.1:9464\n"
		 " Daemon b { MetricsListen = 0.0.0.0:9500 }\n}\n", &c);
	assert_true(ordo_conf_metrics_listen(&c, 0, &addr, &port));
	assert_int_equal(addr, 0x7f000001);
	assert_int_equal(port, 9464);
	assert_true(ordo_conf_metrics_listen(&c, 1, &addr, &port));
	assert_int_equal(addr, 0);
	assert_int_equal(port, 9500);
	/* none in a Daemon block turns it off there only. */
	parse_ok(SEG2 "Ordo {\n MetricsListen = 10.0.0.1:9464\n"
		 " Daemon a { MetricsListen = none }\n}\n", &c);
	assert_false(ordo_conf_metrics_listen(&c, 0, &addr, &port));
	assert_true(ordo_conf_metrics_listen(&c, 1, &addr, &port));
	/* What the formatter writes parses back to the same. */
	ordo_conf_format(&c, text, sizeof(text));
	assert_int_equal(ordo_conf_parse_buffer(text, strlen(text), "fmt",
						&back, err, sizeof(err)), 0);
	assert_true(back.metrics_set);
	assert_int_equal(back.metrics_addr, c.metrics_addr);
	assert_int_equal(back.metrics_port, 9464);
	assert_true(back.daemons[0].has_metrics);
	assert_int_equal(back.daemons[0].metrics_port, 0);
}

static void test_values(void **state)
{
	(void)state;
	parse_ok(SEG1 "Ordo {\n MaxClients = 1\n ClientSubmitBytes = 64K\n"
		 " ClientDeliverBytes = 1GiB\n SlowConsumer = BLOCK\n}\n", &c);
	assert_int_equal(c.max_clients, 1);
	assert_int_equal(c.client_submit_bytes, 65536);
	assert_int_equal(c.client_deliver_bytes, 1u << 30);
	assert_int_equal(c.slow_consumer, ORDO_SLOW_BLOCK);
	parse_ok(SEG1 "Ordo { ClientSubmitBytes = 131072 }\n", &c);
	assert_int_equal(c.client_submit_bytes, 131072);
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
	refused(SEG1 "Ordo { ClientSubmitBytes = 96K }\n", "power of two");
	/* Below 64K a record could not name 255 groups and the sender. */
	refused(SEG1 "Ordo { ClientDeliverBytes = 32K }\n", "ClientDeliverBytes");
	refused(SEG1 "Ordo { ClientDeliverBytes = 2G }\n", "ClientDeliverBytes");
	refused(SEG1 "Ordo { SlowConsumer = drop }\n", "SlowConsumer");
	refused(SEG1 "Ordo { MetricsListen = 127.0.0.1 }\n",
		"'MetricsListen' wants a.b.c.d:port (port 1..65535) or none, got '127.0.0.1'");
	refused(SEG1 "Ordo { MetricsListen = 127.0.0.1:0 }\n", "MetricsListen");
	refused(SEG1 "Ordo { MetricsListen = 127.0.0.1:65536 }\n", "MetricsListen");
	refused(SEG1 "Ordo { MetricsListen = localhost:9464 }\n", "MetricsListen");
	refused(SEG1 "Ordo { MetricsListen = 239.1.1.1:9464 }\n",
		"not an address to listen on");
	refused(SEG1 "Ordo { MetricsListen = 127.0.0.1:1\n"
		     " MetricsListen = 127.0.0.1:2 }\n", "MetricsListen");
	refused(SEG1 "MetricsListen = 127.0.0.1:9464\n", "MetricsListen");
	/* Top level is not the place: these belong to the Ordo section. */
	refused(SEG1 "MaxClients = 4\n", "MaxClients");
}

static void test_not_hashed(void **state)
{
	uint32_t h;

	(void)state;
	parse_ok(SEG1, &c);
	h = ordo_conf_hash(&c);
	parse_ok(SEG1 "Ordo {\n MaxClients = 7\n ClientSubmitBytes = 64K\n"
		 " ClientDeliverBytes = 64K\n SlowConsumer = block\n"
		 " MetricsListen = 0.0.0.0:9464\n}\n", &c);
	assert_int_equal(ordo_conf_hash(&c), h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_not_hashed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
