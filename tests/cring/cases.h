/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What the client ring's cmocka tests share: a region of given ring sizes
 * and one MSG record of checkable bytes (tests/cring/util.h).
 */
#ifndef ORDO_TESTS_CRING_CASES_H
#define ORDO_TESTS_CRING_CASES_H

#include "tests/cring/util.h"

#define SMALL (4u << 10)

static inline struct ordo_cr_map mk(uint32_t ss, uint32_t ds)
{
	struct ordo_cr_map m;
	struct ordo_cr_params p = { .submit_size = ss, .deliver_size = ds };
	assert_int_equal(ordo_cr_region_create(&m, &p), 0);
	return m;
}

/* One MSG record to group "g", payload n bytes of id. */
static inline int put(struct ordo_cr_prod *p, uint64_t id, uint32_t n)
{
	char g[1][ORDO_CR_NAME_LEN];
	uint8_t buf[4096];
	cr_name(g[0], "g");
	cr_fill(buf, id, 0, n);
	struct ordo_cr_send s = {
		.kind = ORDO_CR_MSG, .service = ORDO_SVC_AGREED, .n_names = 1,
		.msg_type = 7, .msg_id = id, .names = (const void *)g,
		.payload = buf, .len = n,
	};
	return ordo_cr_write_msg(p, &s);
}

#endif
