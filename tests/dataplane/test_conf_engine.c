/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dp_conf_to_engine(): what the daemon hands the engine. The engine's
 * own check must accept it, and the defaults must be the engine's.
 */
#include <errno.h>

#include "tests/conf/conf_test.h"
#include "dataplane/conf_engine.h"

static struct ordo_conf c;

static void check_engine_accepts(const struct ordo_conf *conf)
{
	struct ordo_engine_config e;
	char why[256];
	uint32_t i;

	for (i = 0; i < conf->n_daemons; i++) {
		assert_int_equal(dp_conf_to_engine(conf, (int)i, &e), 0);
		if (ordo_engine_config_check(&e, why, sizeof(why)) != 0)
			fail_msg("daemon %u: engine refuses: %s", i, why);
		assert_int_equal(e.my_id, conf->daemons[i].id);
	}
}

/* conf_init.c and engine.c document the same defaults; with raw Ethernet
 * framing the two configurations are equal field for field. */
static void test_defaults_are_the_engines(void **state)
{
	struct ordo_engine_config want, got;

	(void)state;
	parse_ok("Spread_Segment 239.0.0.1 {\n a 10.0.0.1\n}\n"
		 "Ordo { Encap = ethernet }\n", &c);
	ordo_engine_config_defaults(&want);
	assert_int_equal(dp_conf_to_engine(&c, 0, &got), 0);
	want.my_id = got.my_id;
	want.n_members = got.n_members;
	want.members[0] = got.members[0];
	want.config_hash = got.config_hash;
	assert_memory_equal(&want, &got, sizeof(want));
}

static void test_reference_maps(void **state)
{
	struct ordo_engine_config e;
	char err[256];

	(void)state;
	assert_int_equal(ordo_conf_parse_file(ORDO_CONFIG_DIR "/ordo.conf", &c,
					      err, sizeof(err)), 0);
	check_engine_accepts(&c);
	assert_int_equal(dp_conf_to_engine(&c, 1, &e), 0);
	assert_int_equal(e.my_id, ip4(10, 0, 0, 2));
	assert_int_equal(e.n_members, 3);
	assert_int_equal(e.members[0], ip4(10, 0, 0, 1));
	assert_int_equal(e.members[2], ip4(10, 0, 0, 3));
	assert_int_equal(e.config_hash, ordo_conf_hash(&c));
	assert_int_equal(e.mtu, 1500 - 28); /* udp: IPv4 + UDP headers */
	assert_int_equal(e.global_window, 256);
	assert_int_equal(e.personal_window, 64);
	assert_int_equal(e.accel_window, 32);
	assert_int_equal(e.token_retransmit_ns, 1000000);
}

static void test_mapping(void **state)
{
	struct ordo_engine_config e;

	(void)state;
	parse_ok("Spread_Segment 239.0.0.1 {\n b 10.0.0.2\n a 10.0.0.1\n}\n"
		 "Window = 100\nPersonalWindow = 20\nAcceleratedRing = no\n"
		 "TokenTimeout = 5000\nHurryTimeout = 1500\n"
		 "JoinTimeout = 250\n"
		 "GatherTimeout = 2500\nLookupTimeout = 45000\n"
		 "Ordo { Mtu = 9000  Encap = ethernet  StorePackets = 1024"
		 "  MaxMessageSize = 1M  SubmitQueueBytes = 2M }\n", &c);
	check_engine_accepts(&c);
	assert_int_equal(dp_conf_to_engine(&c, 0, &e), 0);
	assert_int_equal(e.members[0], ip4(10, 0, 0, 1));
	assert_int_equal(e.members[1], ip4(10, 0, 0, 2));
	assert_int_equal(e.mtu, 9000);
	assert_int_equal(e.global_window, 100);
	assert_int_equal(e.personal_window, 20);
	assert_int_equal(e.accel_window, 0);
	assert_int_equal(e.store_packets, 1024);
	assert_int_equal(e.max_msg_size, 1u << 20);
	assert_int_equal(e.submit_bytes, 2u << 20);
	assert_int_equal(e.token_retransmit_ns, 1500ull * 1000000);
	/* Every timer the file sets is the engine's. */
	assert_int_equal(e.token_loss_ns, 5000ull * 1000000);
	assert_int_equal(e.join_ns, 250ull * 1000000);
	assert_int_equal(e.consensus_ns, 2500ull * 1000000);
	assert_int_equal(e.merge_detect_ns, 45000ull * 1000000);
}

static void test_bad_self(void **state)
{
	struct ordo_engine_config e;

	(void)state;
	parse_ok(SEG1, &c);
	assert_int_equal(dp_conf_to_engine(&c, -1, &e), -EINVAL);
	assert_int_equal(dp_conf_to_engine(&c, 1, &e), -EINVAL);
	assert_int_equal(dp_conf_to_engine(&c, -ENOENT, &e), -EINVAL);
}

/* The extremes the parser accepts still satisfy the engine. */
static void test_extremes_accepted_by_engine(void **state)
{
	(void)state;
	parse_ok(SEG1 "Window = 1\nPersonalWindow = 1\nAcceleratedWindow = 0\n"
		 "Ordo { Mtu = 1500  StorePackets = 64  MaxMessageSize = 1"
		 "  SubmitQueueBytes = 4096  TokenRetransmit = 1us }\n", &c);
	check_engine_accepts(&c);
	parse_ok(SEG1 "Window = 65536\nPersonalWindow = 65536\n"
		 "AcceleratedWindow = 65536\n"
		 "Ordo { Mtu = 9216  StorePackets = 16777216  MaxMessageSize = 64M"
		 "  SubmitQueueBytes = 4294967295 }\n", &c);
	check_engine_accepts(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_the_engines),
		cmocka_unit_test(test_reference_maps),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_bad_self),
		cmocka_unit_test(test_extremes_accepted_by_engine),
	};

	return cmocka_run_group_tests_name("conf_engine", tests, NULL, NULL);
}
