/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordod's answer to a KEY request on the control link (`ordoctl key`):
 * list the keys, load one from a file, make one the sending key through
 * the ring, retire one. The procedure is docs/security.md's.
 */
#ifndef ORDO_DP_KEYCTL_H
#define ORDO_DP_KEYCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/ring.h"
#include "ordo/ctrl_proto.h"

struct ordod_keyctl {
	struct dp_ring *ring;
	bool ring_here;  /* the ring runs on the main lcore (one lcore) */
};

/* dp_link_params.key: arg is a struct ordod_keyctl. */
size_t ordod_key(void *arg, const struct ordo_cp_key *m, char *buf,
		 size_t len, int32_t *status);

#endif /* ORDO_DP_KEYCTL_H */
