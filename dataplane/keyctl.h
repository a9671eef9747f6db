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

/* `ordoctl key use ID` answers once this daemon seals with the key (the
 * ring delivered the USE and the lcore that seals, the ring lcore or the
 * crypto/io worker, took it), or says it has not after this long:
 * within ordo-ctrld's wait for an answer (CTRLD_QUERY_MS, 1 s). */
#define ORDOD_KEY_USE_WAIT_MS 800u

struct ordod_keyctl {
	struct dp_ring *ring;
	bool ring_here;  /* the ring runs on the main lcore (one lcore): a
			  * USE is answered once submitted (waiting here
			  * would stop the ring) */
	unsigned use_wait_ms; /* 0: ORDOD_KEY_USE_WAIT_MS (tests set less) */
};

/* dp_link_params.key: arg is a struct ordod_keyctl. */
size_t ordod_key(void *arg, const struct ordo_cp_key *m, char *buf,
		 size_t len, int32_t *status);

#endif /* ORDO_DP_KEYCTL_H */
