/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Configurations that must be accepted, and where their values land: the
 * shipped files, Spread's syntax in its variants, the Ordo section, and
 * the incremental API driven line by line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/conf/conf_test.h"

static struct ordo_conf c;

static void test_minimal_file(void **state)
{
	char err[512];
	struct ordo_conf def;

	(void)state;
	assert_int_equal(ordo_conf_parse_file(ORDO_CONFIG_DIR "/minimal.conf",
					      &c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(c.n_segments, 1);
	assert_int_equal(c.segments[0].mcast_addr, ip4(127, 0, 0, 255));
	assert_int_equal(c.segments[0].port, 4803);
	assert_int_equal(c.segments[0].n_daemons, 1);
	assert_int_equal(c.n_daemons, 1);
	assert_string_equal(c.daemons[0].name, "localhost");
	assert_int_equal(c.daemons[0].id, ip4(127, 0, 0, 1));
	assert_int_equal(c.daemons[0].segment, 0);
	assert_int_equal(c.daemons[0].line, 6);
	assert_false(c.daemons[0].has_dataplane);

	/* Everything else is the documented default. */
	ordo_conf_init(&def);
	assert_int_equal(c.window, def.window);
	assert_int_equal(c.personal_window, def.personal_window);
	assert_int_equal(c.accel_window, 32);
	assert_true(c.accelerated_ring);
	assert_memory_equal(&c.timeouts, &def.timeouts, sizeof(c.timeouts));
	assert_int_equal(c.timeouts.token_ms, 20); /* ordo's LAN default */
	assert_int_equal(c.mtu, 1500);
	assert_int_equal(c.encap, ORDO_ENCAP_UDP);
	assert_int_equal(c.idle, ORDO_IDLE_BACKOFF);
	assert_int_equal(c.token_retransmit_ns, 1000000);
	assert_false(c.token_retransmit_set);
	assert_int_equal(c.debug_flags, ORDO_DBG_PRINT | ORDO_DBG_EXIT);
	assert_int_equal(c.event_priority, ORDO_PRIO_INFO);
	assert_string_equal(c.runtime_dir, "/run/ordo");
	assert_string_equal(c.client_socket, "/run/ordo/ordo.sock");
	assert_int_equal(c.n_access, 0);
}

static void test_reference_file(void **state)
{
	struct ordo_conf def;
	char err[512];
	int k;

	(void)state;
	assert_int_equal(ordo_conf_parse_file(ORDO_CONFIG_DIR "/ordo.conf", &c,
					      err, sizeof(err)), 0);
	assert_int_equal(c.n_segments, 1);
	assert_int_equal(c.segments[0].mcast_addr, ip4(239, 192, 0, 1));
	assert_int_equal(c.n_daemons, 3);
	assert_string_equal(c.daemons[0].name, "alpha");
	assert_int_equal(c.daemons[0].id, ip4(10, 0, 0, 1));
	assert_string_equal(c.daemons[2].name, "gamma");
	/* The reference file states ordo's LAN defaults. */
	ordo_conf_init(&def);
	assert_memory_equal(&c.timeouts, &def.timeouts, sizeof(c.timeouts));
	assert_true(c.token_retransmit_set);
	assert_int_equal(c.token_retransmit_ns, 1000000);
	assert_int_equal(c.max_msg_size, 16u << 20);
	assert_int_equal(c.submit_bytes, (32u << 20) + (64u << 10));
	assert_string_equal(c.client_socket, "/run/ordo/ordo.sock");

	k = ordo_conf_daemon_by_name(&c, "gamma");
	assert_true(k >= 0);
	assert_true(c.daemons[k].has_dataplane);
	assert_string_equal(c.daemons[k].port, "net_af_xdp0,iface=eth1");
	assert_string_equal(c.daemons[k].lcores, "1-2");
	k = ordo_conf_daemon_by_name(&c, "alpha");
	assert_string_equal(c.daemons[k].port, "0000:3b:00.0");
	assert_string_equal(c.daemons[k].lcores, "2");

	assert_int_equal(c.n_access, 3);
	assert_string_equal(c.access[0].pattern, "admin.*");
	assert_int_equal(c.access[0].n_uids, 1);
	assert_int_equal(c.access[0].uids[0], 0);
	assert_int_equal(c.access[0].allow, ORDO_ACCESS_ALL);
	assert_true(c.access[1].any_uid);
	assert_int_equal(c.access[1].allow, 0);
}

/* Every daemon line form of Spread's grammar. */
static void test_spread_daemon_forms(void **state)
{
	(void)state;
	parse_ok("Spread_Segment 10.0.0.255 {\n"
		 "\tzed 10.0.0.9\n"
		 "\t10.0.0.3; c 10.0.0.4 ;\n"
		 "\tb 10.0.0.2 { D 10.0.0.2  C 192.168.0.2 }\n"
		 "\ta 10.0.0.1 {\n"
		 "\t\tD C 10.0.0.1\n"
		 "\t\tM 192.168.0.1\n"
		 "\t}\n"
		 "\t\"q\" 10.0.0.5 }\n", &c);
	assert_int_equal(c.segments[0].port, 4803); /* Spread's default */
	assert_int_equal(c.n_daemons, 6);
	/* Ring order: ascending id, not file order. */
	assert_string_equal(c.daemons[0].name, "a");
	assert_string_equal(c.daemons[1].name, "b");
	assert_string_equal(c.daemons[2].name, "10.0.0.3");
	assert_string_equal(c.daemons[3].name, "c");
	assert_string_equal(c.daemons[4].name, "q");
	assert_string_equal(c.daemons[5].name, "zed");
	assert_int_equal(c.daemons[5].line, 2);
	assert_int_equal(c.daemons[0].n_ifaces, 2);
	assert_int_equal(c.daemons[0].ifaces[0].addr, ip4(10, 0, 0, 1));
	assert_int_equal(c.daemons[0].ifaces[0].types,
			 ORDO_CONF_IF_DAEMON | ORDO_CONF_IF_CLIENT);
	assert_int_equal(c.daemons[0].ifaces[1].types, ORDO_CONF_IF_MONITOR);
	assert_int_equal(c.daemons[1].ifaces[1].addr, ip4(192, 168, 0, 2));
	assert_int_equal(c.daemons[2].n_ifaces, 0);
}

static void test_segments_keep_their_daemons(void **state)
{
	(void)state;
	parse_ok("Spread_Segment 239.2.0.1:5000\n"
		 "{\n"
		 "\ty1 10.2.0.1\n"
		 "}\n"
		 "Spread_Segment 239.1.0.1:6000 {\n"
		 "\tx1 10.1.0.1\n"
		 "\tx2 10.1.0.2\n"
		 "}\n", &c);
	assert_int_equal(c.n_segments, 2);
	assert_int_equal(c.segments[0].port, 5000);
	assert_int_equal(c.segments[0].n_daemons, 1);
	assert_int_equal(c.segments[1].n_daemons, 2);
	assert_int_equal(c.segments[1].line, 5);
	/* Sorting into ring order keeps each daemon's segment. */
	assert_string_equal(c.daemons[0].name, "x1");
	assert_int_equal(c.daemons[0].segment, 1);
	assert_string_equal(c.daemons[2].name, "y1");
	assert_int_equal(c.daemons[2].segment, 0);
}

static void test_spread_keys(void **state)
{
	(void)state;
	parse_ok(SEG1
		 "DebugFlags = { ALL !DATA_LINK ! MEMORY }\n"
		 "EventPriority = pDEBUG\n"
		 "EventLogFile = /var/log/ordo/%h.log\n"
		 "EventTimeStamp = \"[%a %d %b %Y %H:%M:%S]\"\n"
		 "EventPreciseTimeStamp\n"
		 "RuntimeDir = \"/var/run/ordo\"\n"
		 "DaemonUser = ordo\n"
		 "DaemonGroup = ordo-grp\n"
		 "ActiveIPVersion = IPv4\n"
		 "WideAreaNetwork = no\n"
		 "MaxSessionMessages = 5000\n"
		 "Window=120;PersonalWindow=30\n"
		 "AcceleratedRing = No\n", &c);
	assert_int_equal(c.debug_flags,
			 ORDO_DBG_ALL & ~(ORDO_DBG_DATA_LINK | ORDO_DBG_MEMORY));
	assert_int_equal(c.event_priority, ORDO_PRIO_DEBUG);
	assert_string_equal(c.event_log_file, "/var/log/ordo/%h.log");
	assert_true(c.event_timestamp);
	assert_string_equal(c.event_timestamp_format, "[%a %d %b %Y %H:%M:%S]");
	assert_true(c.event_precise_timestamp);
	assert_string_equal(c.runtime_dir, "/var/run/ordo");
	assert_string_equal(c.client_socket, "/var/run/ordo/ordo.sock");
	assert_string_equal(c.daemon_user, "ordo");
	assert_string_equal(c.daemon_group, "ordo-grp");
	assert_int_equal(c.max_session_messages, 5000);
	assert_int_equal(c.window, 120);
	assert_int_equal(c.personal_window, 30);
	assert_false(c.accelerated_ring);
	assert_int_equal(c.accel_window, 0); /* original ring */
}

static void test_debugflags_forms(void **state)
{
	(void)state;
	parse_ok(SEG1 "DebugFlags = {\n  NONE\n  print   # comment\n  EXIT\n}\n",
		 &c);
	assert_int_equal(c.debug_flags, ORDO_DBG_PRINT | ORDO_DBG_EXIT);
	parse_ok(SEG1 "DebugFlags = { }\n", &c);
	assert_int_equal(c.debug_flags, 0);
	parse_ok(SEG1 "DebugFlags = { PRINT ALL NONE GROUPS }\n", &c);
	assert_int_equal(c.debug_flags, ORDO_DBG_GROUPS);
	parse_ok(SEG1 "DebugFlags =\n{ !ALL PRINT }\n", &c);
	assert_int_equal(c.debug_flags, ORDO_DBG_PRINT);
	parse_ok(SEG1 "EventTimeStamp Window = 100\n", &c);
	assert_true(c.event_timestamp);
	assert_string_equal(c.event_timestamp_format, "");
	assert_int_equal(c.window, 100);
}

static void test_timeouts_applied(void **state)
{
	(void)state;
	parse_ok(SEG1
		 "TokenTimeout = 5000\nHurryTimeout = 1500\n"
		 "JoinTimeout = 250\n"
		 "GatherTimeout = 2500\n"
		 "LookupTimeout = 45000\n", &c);
	assert_int_equal(c.timeouts.token_ms, 5000);
	assert_int_equal(c.timeouts.hurry_ms, 1500);
	assert_int_equal(c.timeouts.gather_ms, 2500);
	assert_int_equal(c.timeouts.lookup_ms, 45000);
	/* Without TokenRetransmit, Spread's HurryTimeout is the interval. */
	assert_false(c.token_retransmit_set);
	assert_int_equal(c.token_retransmit_ns, 1500ull * 1000000);
}

static void test_ordo_section(void **state)
{
	int k;

	(void)state;
	parse_ok("Spread_Segment 239.0.0.1:4803 {\n alpha 10.0.0.1\n beta 10.0.0.2\n}\n"
		 "Ordo\n"
		 "{\n"
		 "\tMtu = 9000\n"
		 "\tEncap = Ethernet\n"
		 "\tClientSocket = \"/tmp/ordo \\\"x\\\" \\\\.sock\"\n"
		 "\tHugepages = /dev/hugepages 512M\n"
		 "\tIdleStrategy = spin\n"
		 "\tStorePackets = 16384\n"
		 "\tMaxMessageSize = 1M\n"
		 "\tSubmitQueueBytes = 4MiB\n"
		 "\tTokenRetransmit = 250us\n"
		 "\tDaemon beta { Port = \"net_af_xdp0,iface=veth0\"  Lcores = 2-3,5  Mac = 02:00:00:00:00:0A }\n"
		 "\tDaemon alpha {\n\t\tPort = \"0000:3b:00.0\"\n\t}\n"
		 "\tAccess \"chat.*\" { Uid = 1000 1001  Gid = 100  Allow = join }\n"
		 "\tAccess secret? { Uid = *  Allow = none }\n"
		 "}\n", &c);
	assert_int_equal(c.mtu, 9000);
	assert_int_equal(c.encap, ORDO_ENCAP_ETHERNET);
	assert_string_equal(c.client_socket, "/tmp/ordo \"x\" \\.sock");
	assert_string_equal(c.hugepage_dir, "/dev/hugepages");
	assert_int_equal(c.hugepage_bytes, 512ull << 20);
	assert_int_equal(c.idle, ORDO_IDLE_SPIN);
	assert_int_equal(c.store_packets, 16384);
	assert_int_equal(c.max_msg_size, 1u << 20);
	assert_int_equal(c.submit_bytes, 4u << 20);
	assert_int_equal(c.token_retransmit_ns, 250000);
	assert_true(c.token_retransmit_set);

	k = ordo_conf_daemon_by_name(&c, "beta");
	assert_true(c.daemons[k].has_dataplane);
	assert_string_equal(c.daemons[k].port, "net_af_xdp0,iface=veth0");
	assert_string_equal(c.daemons[k].lcores, "2-3,5");
	assert_true(c.daemons[k].has_mac);
	assert_int_equal(c.daemons[k].mac[5], 0x0a);
	k = ordo_conf_daemon_by_name(&c, "alpha");
	assert_string_equal(c.daemons[k].port, "0000:3b:00.0");
	assert_string_equal(c.daemons[k].lcores, "");
	assert_false(c.daemons[k].has_mac);

	assert_int_equal(c.n_access, 2);
	assert_int_equal(c.access[0].n_uids, 2);
	assert_int_equal(c.access[0].uids[1], 1001);
	assert_int_equal(c.access[0].n_gids, 1);
	assert_int_equal(c.access[0].allow, ORDO_ACCESS_JOIN);
	assert_int_equal(c.access[0].line, 20);
	assert_string_equal(c.access[1].pattern, "secret?");
	assert_true(c.access[1].any_uid);
	assert_int_equal(c.access[1].allow, 0);
}

static void test_sizes_and_durations(void **state)
{
	(void)state;
	parse_ok(SEG1 "Ordo { MaxMessageSize = 65536  SubmitQueueBytes = 1G"
		 "  TokenRetransmit = 2000ns }\n", &c);
	assert_int_equal(c.max_msg_size, 65536);
	assert_int_equal(c.submit_bytes, 1u << 30);
	assert_int_equal(c.token_retransmit_ns, 2000);
	parse_ok(SEG1 "Ordo { MaxMessageSize = 64K  TokenRetransmit = 1s }\n"
		 "TokenTimeout = 5000\nHurryTimeout = 1500\n"
		 "JoinTimeout = 250\n"
		 "GatherTimeout = 2500\nLookupTimeout = 45000\n",
		 &c);
	assert_int_equal(c.max_msg_size, 65536);
	/* TokenRetransmit wins over HurryTimeout when both are there. */
	assert_int_equal(c.token_retransmit_ns, 1000000000ull);
}

/* Each Port line adds a port; port is the first one. */
static void test_several_ports(void **state)
{
	int k;

	(void)state;
	parse_ok(SEG1 "Ordo {\n Daemon a {\n  Port = \"net_memif1x2,role=server\"\n"
		 "  Port = net_memif1x3\n }\n}\n", &c);
	k = ordo_conf_daemon_by_name(&c, "a");
	assert_int_equal(c.daemons[k].n_ports, 2);
	assert_string_equal(c.daemons[k].port, "net_memif1x2,role=server");
	assert_string_equal(c.daemons[k].ports[0], "net_memif1x2,role=server");
	assert_string_equal(c.daemons[k].ports[1], "net_memif1x3");
	/* A Daemon block without Port: no port, the EAL's choice. */
	parse_ok(SEG1 "Ordo { Daemon a { Lcores = 3 } }\n", &c);
	assert_true(c.daemons[0].has_dataplane);
	assert_int_equal(c.daemons[0].n_ports, 0);
	assert_string_equal(c.daemons[0].port, "");
	assert_int_equal(c.daemons[0].rx_queues, 0);
	/* rx queues per port, each polled by its own lcore */
	parse_ok(SEG1 "Ordo { Daemon a { Lcores = 1-5  RxQueues = 3 } }\n", &c);
	assert_int_equal(c.daemons[0].rx_queues, 3);
}

/* The lab examples parse, and each names a port for each daemon. */
static void test_lab_files(void **state)
{
	static const char *const files[] = { "afpacket3.conf", "afxdp3.conf",
					     "memif3.conf" };
	char path[512], err[512];
	uint32_t i, j;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/lab/%s", ORDO_CONFIG_DIR,
			 files[i]);
		if (ordo_conf_parse_file(path, &c, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_int_equal(c.n_daemons, 3);
		assert_int_equal(c.encap, ORDO_ENCAP_ETHERNET);
		for (j = 0; j < c.n_daemons; j++)
			assert_true(c.daemons[j].n_ports >= 1);
	}
	assert_int_equal(c.daemons[1].n_ports, 2); /* memif: one per peer */
	assert_non_null(strstr(c.daemons[1].ports[1], "role=server"));
	/* Two rx queues: UDP, qpairs for af_packet's fanout, RxQueues. */
	snprintf(path, sizeof(path), "%s/lab/afpacket3-rxq.conf",
		 ORDO_CONFIG_DIR);
	if (ordo_conf_parse_file(path, &c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(c.encap, ORDO_ENCAP_UDP);
	for (j = 0; j < c.n_daemons; j++) {
		assert_int_equal(c.daemons[j].rx_queues, 2);
		assert_non_null(strstr(c.daemons[j].port, "qpairs=2"));
	}
}

/* The incremental API, as a caller that has its own line source uses it. */
static void test_incremental_api(void **state)
{
	static const char *lines[] = {
		"# built line by line",
		"Spread_Segment 239.0.0.1:4803 {",
		"\tb 10.0.0.2\r",
		"\ta 10.0.0.1",
		"}",
		"Ordo {",
		"  Mtu = 9000",
		"}",
	};
	struct ordo_conf_parser *p;
	char err[256];
	size_t i;

	(void)state;
	p = ordo_conf_parser_init(&c, "lines");
	assert_non_null(p);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_int_equal(ordo_conf_parser_line(p, lines[i],
						       strlen(lines[i])), 0);
	assert_int_equal(ordo_conf_parser_finish(p, err, sizeof(err)), 0);
	assert_int_equal(c.n_daemons, 2);
	assert_int_equal(c.daemons[0].id, ip4(10, 0, 0, 1));
	assert_int_equal(c.mtu, 9000);

	/* After an error, lines are refused with it and finish reports the
	 * first error, not a later one. */
	p = ordo_conf_parser_init(&c, "lines");
	assert_non_null(p);
	assert_int_equal(ordo_conf_parser_line(p, "Bogus = 1", 9), -EINVAL);
	assert_int_equal(ordo_conf_parser_line(p, "}", 1), -EINVAL);
	assert_int_equal(ordo_conf_parser_finish(p, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "lines:1: unknown key 'Bogus'");

	/* Lines are counted bytes: what follows len is not read. */
	p = ordo_conf_parser_init(&c, NULL);
	assert_int_equal(ordo_conf_parser_line(p, "Spread_Segment 239.0.0.1:4803 {", 30), 0);
	assert_int_equal(ordo_conf_parser_finish(p, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "<buffer>:1: '{' expected to open a Spread_Segment block before the end of the file");
}

static void test_null_and_empty(void **state)
{
	char err[128];

	(void)state;
	assert_null(ordo_conf_parser_init(NULL, "x"));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ordo_conf_parser_finish(NULL, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(ordo_conf_parse_buffer("", 0, "e.conf", &c, err,
						sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "e.conf: no Spread_Segment"));
	/* A final line without a newline counts. */
	assert_int_equal(ordo_conf_parse_buffer(SEG1 "Window = 77",
						strlen(SEG1) + 11, "e.conf",
						&c, err, sizeof(err)), 0);
	assert_int_equal(c.window, 77);
}

static void test_parse_file_errors(void **state)
{
	char path[] = "/tmp/ordo-conf-test-XXXXXX";
	char err[512];
	FILE *f;
	int fd;
	size_t i;

	(void)state;
	assert_int_equal(ordo_conf_parse_file("/nonexistent/ordo.conf", &c, err,
					      sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/ordo.conf: No such file or directory");
	assert_int_equal(ordo_conf_parse_file("/tmp", &c, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (i = 0; i <= ORDO_CONF_FILE_MAX / 16; i++)
		fputs("# 16 bytes line\n", f);
	fclose(f);
	assert_int_equal(ordo_conf_parse_file(path, &c, err, sizeof(err)),
			 -EFBIG);
	assert_non_null(strstr(err, "file too large"));

	f = fopen(path, "w");
	assert_non_null(f);
	fputs(SEG1 "Window = x\n", f);
	fclose(f);
	assert_int_equal(ordo_conf_parse_file(path, &c, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, ":4: 'Window' wants a number, got 'x'"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_file),
		cmocka_unit_test(test_reference_file),
		cmocka_unit_test(test_spread_daemon_forms),
		cmocka_unit_test(test_segments_keep_their_daemons),
		cmocka_unit_test(test_spread_keys),
		cmocka_unit_test(test_debugflags_forms),
		cmocka_unit_test(test_timeouts_applied),
		cmocka_unit_test(test_ordo_section),
		cmocka_unit_test(test_sizes_and_durations),
		cmocka_unit_test(test_several_ports),
		cmocka_unit_test(test_lab_files),
		cmocka_unit_test(test_incremental_api),
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_parse_file_errors),
	};

	return cmocka_run_group_tests_name("conf_parse", tests, NULL, NULL);
}
