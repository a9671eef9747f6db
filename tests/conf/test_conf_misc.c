/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Finding ourselves in the file, the access policy, and writing a
 * configuration back out.
 */
#include <errno.h>
#include <stdio.h>

#include "tests/conf/conf_test.h"

static struct ordo_conf c, back;

#define THREE "Spread_Segment 239.0.0.1 {\n c 10.0.0.3\n a 10.0.0.1\n b 10.0.0.2\n}\n"

static void test_find_self(void **state)
{
	uint32_t addrs[] = { ip4(127, 0, 0, 1), ip4(10, 0, 0, 2),
			     ip4(10, 0, 0, 3) };

	(void)state;
	parse_ok(THREE, &c);
	/* By name, as Spread's -n; the name wins over addresses. */
	assert_int_equal(ordo_conf_find_self(&c, "c", addrs, 3), 2);
	assert_int_equal(ordo_conf_find_self(&c, "a", NULL, 0), 0);
	assert_int_equal(ordo_conf_find_self(&c, "zz", addrs, 3), -ENOENT);
	/* By address: the first daemon, in ring order, that is local. */
	assert_int_equal(ordo_conf_find_self(&c, NULL, addrs, 3), 1);
	assert_int_equal(ordo_conf_find_self(&c, NULL, addrs, 1), -ENOENT);
	assert_int_equal(ordo_conf_find_self(&c, NULL, NULL, 0), -ENOENT);
	assert_int_equal(ordo_conf_daemon_by_id(&c, ip4(10, 0, 0, 3)), 2);
	assert_int_equal(ordo_conf_daemon_by_id(&c, ip4(10, 0, 0, 4)), -ENOENT);
	assert_int_equal(ordo_conf_daemon_by_name(&c, NULL), -ENOENT);
}

static void test_local_addrs(void **state)
{
	uint32_t addrs[64];
	int n, i, lo = 0;

	(void)state;
	n = ordo_conf_local_addrs(addrs, 64);
	assert_true(n >= 1);
	for (i = 0; i < n; i++)
		lo |= addrs[i] == ip4(127, 0, 0, 1);
	assert_true(lo); /* host order: 127.0.0.1 is 0x7f000001 */
	assert_int_equal(ordo_conf_local_addrs(addrs, 0), 0);
}

static void test_access_open_without_blocks(void **state)
{
	(void)state;
	parse_ok(SEG1, &c);
	assert_int_equal(ordo_conf_access_check(&c, "any", 1234, 1234,
						ORDO_ACCESS_ALL), 0);
}

static void test_access_first_match_decides(void **state)
{
	(void)state;
	parse_ok(SEG1 "Ordo {\n"
		 " Access \"admin.*\" { Uid = 0  Allow = join send }\n"
		 " Access \"admin.*\" { Uid = *  Allow = none }\n"
		 " Access \"chat.?\"  { Gid = 100 200  Allow = join }\n"
		 " Access \"*\"       { Uid = 1000 1001 }\n"
		 "}\n", &c);
	/* root may use admin groups, nobody else may */
	assert_int_equal(ordo_conf_access_check(&c, "admin.x", 0, 0,
						ORDO_ACCESS_SEND), 0);
	assert_int_equal(ordo_conf_access_check(&c, "admin.x", 1000, 100,
						ORDO_ACCESS_JOIN), -EACCES);
	/* group 100 may join chat.1 but not send to it... */
	assert_int_equal(ordo_conf_access_check(&c, "chat.1", 5, 100,
						ORDO_ACCESS_JOIN), 0);
	assert_int_equal(ordo_conf_access_check(&c, "chat.1", 5, 100,
						ORDO_ACCESS_SEND), -EACCES);
	assert_int_equal(ordo_conf_access_check(&c, "chat.1", 5, 200,
						ORDO_ACCESS_ALL), -EACCES);
	/* ...while uid 1000 is not in that block, falls to "*" and may */
	assert_int_equal(ordo_conf_access_check(&c, "chat.1", 1000, 5,
						ORDO_ACCESS_SEND), 0);
	/* "chat.?" is one character */
	assert_int_equal(ordo_conf_access_check(&c, "chat.12", 5, 100,
						ORDO_ACCESS_JOIN), -EACCES);
	/* no block matches: denied */
	assert_int_equal(ordo_conf_access_check(&c, "x", 5, 5,
						ORDO_ACCESS_JOIN), -EACCES);
	/* nonsense requests */
	assert_int_equal(ordo_conf_access_check(&c, NULL, 0, 0,
						ORDO_ACCESS_JOIN), -EACCES);
	assert_int_equal(ordo_conf_access_check(&c, "x", 1000, 0, 0), -EACCES);
	assert_int_equal(ordo_conf_access_check(&c, "x", 1000, 0, 0x10), -EACCES);
}

static void forget_lines(struct ordo_conf *x)
{
	uint32_t i;

	for (i = 0; i < ORDO_CONF_MAX_SEGMENTS; i++)
		x->segments[i].line = 0;
	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		x->daemons[i].line = 0;
	for (i = 0; i < ORDO_CONF_MAX_ACCESS; i++)
		x->access[i].line = 0;
}

static void round_trip(const char *what)
{
	static char text[64 * 1024];
	char err[512];
	size_t n;

	n = ordo_conf_format(&c, text, sizeof(text));
	assert_true(n > 0 && n < sizeof(text));
	assert_int_equal(strlen(text), n);
	if (ordo_conf_parse_buffer(text, n, "formatted", &back, err,
				   sizeof(err)) != 0)
		fail_msg("%s: formatted text refused: %s\n%s", what, err, text);
	assert_int_equal(ordo_conf_hash(&back), ordo_conf_hash(&c));
	forget_lines(&c);
	forget_lines(&back);
	if (memcmp(&c, &back, sizeof(c)) != 0)
		fail_msg("%s: round trip differs:\n%s", what, text);
}

static void test_format_round_trip(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(ordo_conf_parse_file(ORDO_CONFIG_DIR "/ordo.conf", &c,
					      err, sizeof(err)), 0);
	round_trip("ordo.conf");
	assert_int_equal(ordo_conf_parse_file(ORDO_CONFIG_DIR "/minimal.conf",
					      &c, err, sizeof(err)), 0);
	round_trip("minimal.conf");
	parse_ok("Spread_Segment 239.0.0.1:5000 {\n 10.0.0.9 { 10.0.0.9 C M 10.1.0.9 }\n"
		 " b 10.0.0.2 { D 10.0.0.2 }\n}\n"
		 "Spread_Segment 239.0.0.2 {\n a 10.0.0.1\n}\n"
		 "DebugFlags = { ALL }\nEventTimeStamp = \"%H \\\"x\\\" \\\\\"\n"
		 "EventPreciseTimeStamp\nAcceleratedRing = no\n"
		 "Ordo { ClientSocket = \"/tmp/a b#{}\"  Hugepages = /h 4M\n"
		 " Daemon 10.0.0.9 { Mac = 02:00:00:00:00:09 }\n"
		 " Access \"x\\\\*\" { Uid = 3 *  Gid = * 7  Allow = send }\n"
		 " Access y { Gid = 1  Allow = none }\n}\n", &c);
	round_trip("assorted");
}

static void test_format_small_buffer(void **state)
{
	char small[16];
	size_t need;

	(void)state;
	parse_ok(SEG1, &c);
	need = ordo_conf_format(&c, NULL, 0);
	assert_true(need > sizeof(small));
	memset(small, 'z', sizeof(small));
	assert_int_equal(ordo_conf_format(&c, small, sizeof(small)), need);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ordo_conf_encap_name(ORDO_ENCAP_UDP), "udp");
	assert_string_equal(ordo_conf_encap_name((enum ordo_conf_encap)9), "?");
	assert_string_equal(ordo_conf_idle_name(ORDO_IDLE_SPIN), "spin");
	assert_string_equal(ordo_conf_priority_name(ORDO_PRIO_DEBUG), "pDEBUG");
	assert_string_equal(ordo_conf_priority_name(ORDO_PRIO_FATAL), "FATAL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_self),
		cmocka_unit_test(test_local_addrs),
		cmocka_unit_test(test_access_open_without_blocks),
		cmocka_unit_test(test_access_first_match_decides),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("conf_misc", tests, NULL, NULL);
}
