/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo_conf_hash(): stable (a fixed value for a fixed file, whatever the
 * host), blind to what may differ per daemon or be spelled differently,
 * and sensitive to every ring-wide parameter.
 */
#include <stdio.h>

#include "tests/conf/conf_test.h"

#define BASE "Spread_Segment 239.0.0.1:4803 {\n\ta 10.0.0.1\n\tb 10.0.0.2\n\tc 10.0.0.3\n}\n"
/* ordo's defaults, spelled out; and Spread's, for a real change. */
#define TMO "TokenTimeout = 20\nHurryTimeout = 1\nJoinTimeout = 2\n"            \
	    "GatherTimeout = 10\nLookupTimeout = 20\n"
#define SPREAD_TMO "TokenTimeout = 1250\nHurryTimeout = 500\n"                  \
		   "JoinTimeout = 250\nGatherTimeout = 1250\nLookupTimeout = 30000\n"

static uint32_t hash_of(const char *text)
{
	static struct ordo_conf c;

	parse_ok(text, &c);
	return ordo_conf_hash(&c);
}

/* The value is part of the wire contract: daemons built from different
 * trees, compilers or byte orders must agree. Changing the hash is a
 * protocol change; update these only together with the tag in
 * conf_hash.c. */
static void test_stable_values(void **state)
{
	static struct ordo_conf c;
	char err[256];

	(void)state;
	assert_int_equal(ordo_conf_parse_file(ORDO_CONFIG_DIR "/minimal.conf",
					      &c, err, sizeof(err)), 0);
	assert_int_equal(ordo_conf_hash(&c), 0xb5d2abcdu);
	assert_int_equal(hash_of(BASE), 0xe90effd3u);
	/* The same struct hashes the same every time. */
	assert_int_equal(ordo_conf_hash(&c), ordo_conf_hash(&c));
}

static void test_order_does_not_matter(void **state)
{
	static struct ordo_conf c;
	uint32_t h = hash_of(BASE);
	struct ordo_conf_daemon tmp;

	(void)state;
	assert_int_equal(hash_of("Spread_Segment 239.0.0.1:4803 {\n c 10.0.0.3; a 10.0.0.1\n"
				 " b 10.0.0.2\n}\n"), h);
	/* Nor the array order of a struct built by hand. */
	parse_ok(BASE, &c);
	tmp = c.daemons[0];
	c.daemons[0] = c.daemons[2];
	c.daemons[2] = tmp;
	assert_int_equal(ordo_conf_hash(&c), h);
}

/* What is spelled out as its default, or differs per host, is not
 * hashed: a reference file and a bare one run the same ring. */
static void test_blind_to_local_and_defaults(void **state)
{
	uint32_t h = hash_of(BASE);
	static const char *const same[] = {
		/* the defaults of every ring-wide key, spelled out */
		BASE "Window = 256\nPersonalWindow = 64\nAcceleratedRing = yes\n"
		     "AcceleratedWindow = 32\n" TMO
		     "Ordo { Mtu = 1500  Encap = udp  MaxMessageSize = 16M"
		     "  TokenRetransmit = 1ms  Crypto = aes256gcm }\n",
		/* names */
		("Spread_Segment 239.0.0.1:4803 {\n x 10.0.0.1\n y 10.0.0.2\n 10.0.0.3\n}\n"),
		/* local keys */
		BASE "DebugFlags = { ALL }\nEventPriority = ERROR\n"
		     "EventLogFile = /tmp/l\nEventTimeStamp\nRuntimeDir = /tmp\n"
		     "DaemonUser = nobody\nMaxSessionMessages = 7\n",
		BASE "Ordo { ClientSocket = /tmp/s  IdleStrategy = spin"
		     "  StorePackets = 65536  SubmitQueueBytes = 64M"
		     "  Hugepages = /mnt/huge 1G }\n",
		/* where the key is: never the key or its place */
		BASE "Ordo { KeyFile = /srv/other.key }\n",
		BASE "Ordo {\n Daemon a { Port = \"0000:01:00.0\"  Lcores = 3"
		     "  Mac = 02:00:00:00:00:01 }\n"
		     " Access \"*\" { Uid = 0  Allow = none }\n}\n",
		/* interfaces for clients and monitors */
		("Spread_Segment 239.0.0.1:4803 {\n a 10.0.0.1 { D 10.0.0.1 C 10.9.0.1 }\n"
		 " b 10.0.0.2\n c 10.0.0.3\n}\n"),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (hash_of(same[i]) != h)
			fail_msg("case %zu changed the hash:\n%s", i, same[i]);
}

/* Each ring-wide parameter changes the hash. */
static void test_sensitive_to_ring_parameters(void **state)
{
	static const char *const other[] = {
		/* members */
		"Spread_Segment 239.0.0.1:4803 {\n a 10.0.0.1\n b 10.0.0.2\n}\n",
		"Spread_Segment 239.0.0.1:4803 {\n a 10.0.0.1\n b 10.0.0.2\n c 10.0.0.3\n d 10.0.0.4\n}\n",
		"Spread_Segment 239.0.0.1:4803 {\n a 10.0.0.1\n b 10.0.0.2\n c 10.0.0.4\n}\n",
		"Spread_Segment 239.0.0.1:4804 {\n a 10.0.0.1\n b 10.0.0.2\n c 10.0.0.3\n}\n",
		"Spread_Segment 239.0.0.2:4803 {\n a 10.0.0.1\n b 10.0.0.2\n c 10.0.0.3\n}\n",
		"Spread_Segment 239.0.0.1:4803 {\n a 10.0.0.1\n b 10.0.0.2\n}\n"
		"Spread_Segment 239.0.0.2:4803 {\n c 10.0.0.3\n}\n",
		/* windows */
		BASE "Window = 257\n",
		BASE "PersonalWindow = 63\n",
		BASE "AcceleratedWindow = 31\n",
		BASE "AcceleratedRing = no\n",
		/* packets */
		BASE "Ordo { Mtu = 1501 }\n",
		BASE "Ordo { Encap = ethernet }\n",
		BASE "Ordo { MaxMessageSize = 8M }\n",
		/* sealed or not */
		BASE "Ordo { Crypto = none }\n",
		/* timeouts */
		BASE "Ordo { TokenRetransmit = 999us }\n",
		/* each timer the engine runs on, alone (the issue: a file
		 * with Spread's timeouts and one without hashed the same) */
		BASE "TokenTimeout = 21\n",
		BASE "JoinTimeout = 3\n",
		BASE "GatherTimeout = 11\n",
		BASE "LookupTimeout = 21\n",
		BASE "HurryTimeout = 2\n",
		/* Spread's timeouts: 60x ordo's, a real change */
		BASE SPREAD_TMO,
	};
	uint32_t h = hash_of(BASE), seen[64];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		seen[i] = hash_of(other[i]);
		if (seen[i] == h)
			fail_msg("case %zu did not change the hash:\n%s", i,
				 other[i]);
		/* and no two variants collide either */
		for (j = 0; j < i; j++)
			if (seen[j] == seen[i])
				fail_msg("cases %zu and %zu collide", j, i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stable_values),
		cmocka_unit_test(test_order_does_not_matter),
		cmocka_unit_test(test_blind_to_local_and_defaults),
		cmocka_unit_test(test_sensitive_to_ring_parameters),
	};

	return cmocka_run_group_tests_name("conf_hash", tests, NULL, NULL);
}
