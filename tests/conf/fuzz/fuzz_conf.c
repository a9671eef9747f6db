/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Fuzz target of the configuration parser. Any byte string is a file;
 * the parser must return 0 or an error naming the file, never crash, and
 * what it accepts must hold these properties:
 *   - 1..16 daemons in ascending id, each in an existing segment;
 *   - the text ordo_conf_format() writes parses back to the same struct
 *     (line numbers aside) and the same hash;
 *   - every daemon maps to an engine configuration the engine accepts.
 * Built with libFuzzer under clang, or with tests/fuzz/driver/fuzz_driver.c
 * elsewhere; either way with the mutator of fuzz_conf_mutate.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf/conf.h"
#include "dataplane/conf_engine.h"
#include "tests/fuzz/driver/fuzz_target.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_conf: %s:%d: %s\n", __FILE__,   \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

static void forget_lines(struct ordo_conf *c)
{
	uint32_t i;

	for (i = 0; i < ORDO_CONF_MAX_SEGMENTS; i++)
		c->segments[i].line = 0;
	for (i = 0; i < ORDO_MAX_MEMBERS; i++)
		c->daemons[i].line = 0;
	for (i = 0; i < ORDO_CONF_MAX_ACCESS; i++)
		c->access[i].line = 0;
}

static void check_accepted(const struct ordo_conf *c)
{
	static struct ordo_conf again;
	static char text[256 * 1024];
	struct ordo_engine_config ec;
	char err[512], why[512];
	struct ordo_conf a;
	size_t n;
	uint32_t i;

	CHECK(c->n_daemons >= 1 && c->n_daemons <= ORDO_MAX_MEMBERS);
	CHECK(c->n_segments >= 1 && c->n_segments <= ORDO_CONF_MAX_SEGMENTS);
	for (i = 0; i < c->n_daemons; i++) {
		CHECK(c->daemons[i].segment < c->n_segments);
		CHECK(i == 0 || c->daemons[i - 1].id < c->daemons[i].id);
		CHECK(memchr(c->daemons[i].name, 0, ORDO_CONF_NAME_MAX));
		CHECK(dp_conf_to_engine(c, (int)i, &ec) == 0);
		if (ordo_engine_config_check(&ec, why, sizeof(why)) != 0) {
			fprintf(stderr, "fuzz_conf: engine refuses: %s\n", why);
			abort();
		}
	}
	CHECK(ordo_conf_hash(c) != 0);

	n = ordo_conf_format(c, text, sizeof(text));
	CHECK(n < sizeof(text));
	if (ordo_conf_parse_buffer(text, n, "formatted", &again, err,
				   sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_conf: formatted text does not parse: %s\n%s",
			err, text);
		abort();
	}
	CHECK(ordo_conf_hash(&again) == ordo_conf_hash(c));
	a = *c;
	forget_lines(&a);
	forget_lines(&again);
	if (memcmp(&a, &again, sizeof(a)) != 0) {
		fprintf(stderr, "fuzz_conf: round trip differs:\n%s", text);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ordo_conf conf;
	char err[512];
	int rc;

	if (size > 64 * 1024)
		return 0;
	err[0] = 'x';
	err[1] = '\0';
	rc = ordo_conf_parse_buffer((const char *)data, size, "fuzz", &conf,
				    err, sizeof(err));
	if (rc == 0) {
		CHECK(err[0] == '\0');
		check_accepted(&conf);
	} else {
		/* Every error says where it is. */
		CHECK(rc < 0);
		CHECK(strncmp(err, "fuzz:", 5) == 0);
	}
	return 0;
}
