/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What every engine unit test includes: cmocka, the engine's public API,
 * the hand-wired ring (harness.h) and the packet builder (craft.h).
 */
#ifndef ORDO_TEST_UNIT_H
#define ORDO_TEST_UNIT_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/craft.h"
#include "engine/engine.h"
#include "tests/unit/harness.h"

/* main(): with an argument, run only the tests matching it (a cmocka
 * pattern); without, all but the bug_* ones (see meson.build). */
static inline void unit_filter(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	else
		cmocka_set_skip_filter("bug_*");
}

/* A generous bound on harness steps for runs that must finish. */
#define STEPS 2000000u

/* Run until every node delivered want messages, or fail the test. */
static inline void run_until_delivered(struct h_net *net, size_t want)
{
	if (!h_run_until(net, h_all_delivered, &want, STEPS)) {
		uint32_t i;

		for (i = 0; i < net->n; i++)
			print_message("node %u delivered %zu of %zu\n",
				      net->node[i].id, net->node[i].ndv, want);
		fail_msg("ring did not deliver %zu messages everywhere", want);
	}
}

/* The bytes of a delivery equal the pattern of tag, len long. */
static inline void assert_pattern(const struct h_delivery *d, uint32_t tag,
				  uint32_t len)
{
	uint32_t i;

	assert_int_equal(d->len, len);
	for (i = 0; i < len; i++)
		if (d->data[i] != craft_pattern(tag, i))
			fail_msg("tag %u len %u: byte %u is %u, want %u", tag,
				 len, i, d->data[i], craft_pattern(tag, i));
}

/* A message of len pattern bytes for tag (caller frees). */
static inline uint8_t *pattern_msg(uint32_t tag, uint32_t len)
{
	uint8_t *m = malloc(len ? len : 1);
	uint32_t i;

	assert_non_null(m);
	for (i = 0; i < len; i++)
		m[i] = craft_pattern(tag, i);
	return m;
}

/* Submit len pattern bytes tagged tag as msg_type tag; must succeed. */
static inline void submit_pattern(struct ordo_engine *e, uint8_t service,
				  uint16_t tag, uint32_t len)
{
	uint8_t *m = pattern_msg(tag, len);

	assert_int_equal(ordo_engine_submit(e, service, tag, m, len), 0);
	free(m);
}

#endif /* ORDO_TEST_UNIT_H */
