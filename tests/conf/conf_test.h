/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Helpers shared by the lib/conf unit tests (cmocka).
 */
#ifndef ORDO_CONF_TEST_H
#define ORDO_CONF_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/conf/conf.h"

#ifndef ORDO_CONFIG_DIR
#error "ORDO_CONFIG_DIR: the repository's config/ directory"
#endif

/* One daemon, so that a test can add keys without repeating a segment. */
#define SEG1 "Spread_Segment 239.0.0.1:4803 {\n\ta 10.0.0.1\n}\n"

/* Parse NUL-terminated text as a file named "t.conf". */
static inline int parse(const char *text, struct ordo_conf *c, char *err,
			size_t errlen)
{
	return ordo_conf_parse_buffer(text, strlen(text), "t.conf", c, err,
				      errlen);
}

/* Parse text that must be accepted; fails the test with the message. */
static inline void parse_ok(const char *text, struct ordo_conf *c)
{
	char err[512];
	int rc = parse(text, c, err, sizeof(err));

	if (rc != 0)
		fail_msg("rejected: %s", err);
}

static inline uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

#endif
