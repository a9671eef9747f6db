/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A valid control-protocol message of every type, built field by field
 * from include/ordo/ctrl_proto.h (not with lib/cproto's code, so that a
 * mistake there does not hide in the samples too). Used by the cmocka
 * tests of cpmsg_check() and by the fuzz target's seed generator.
 */
#ifndef ORDO_TESTS_CPMSG_SAMPLES_H
#define ORDO_TESTS_CPMSG_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

#include "ordo/ctrl_proto.h"

struct cpmsg_sample {
	const char *name;  /* file name of the seed, test messages */
	uint16_t type;
	int variant;       /* for cpmsg_sample_build() */
};

/* Every type once, plus the forms that differ in what is checked:
 * WELCOME refused (no descriptors), VIEW of a deleted group (no tail),
 * RING of ORDO_MAX_MEMBERS, REPLY without text. */
extern const struct cpmsg_sample cpmsg_samples[];
extern const size_t cpmsg_n_samples;

/* Write sample s into buf (ORDO_CP_MSG_MAX bytes, aligned); returns its
 * length and sets *n_fds to the descriptors it must travel with. */
size_t cpmsg_sample_build(const struct cpmsg_sample *s, void *buf,
			  unsigned *n_fds);

#endif /* ORDO_TESTS_CPMSG_SAMPLES_H */
