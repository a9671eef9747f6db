/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The daemon's incarnation: a number that grows at every start and is
 * never used twice, kept in DIR/node-<id>.incarnation next to its lock.
 * The engine tells a restarted member from its former self by it, and the
 * sealed envelope builds its IVs from it (include/ordo/seal.h): an IV
 * used twice under one key would break AES-GCM, so the number must grow
 * even when the clock steps back or two starts fall in one second.
 */
#ifndef ORDO_DP_INCARNATION_H
#define ORDO_DP_INCARNATION_H

#include <stddef.h>
#include <stdint.h>

/* The next incarnation: the wall clock in seconds, or one more than the
 * last one saved if that is not below it; saved (written, synced,
 * renamed into place) before it is returned. Returns 0 or -errno with the
 * reason in err (the daemon must not start without it). */
int incarnation_next(const char *dir, uint32_t node_id, uint32_t *out,
		     char *err, size_t errlen);

#endif /* ORDO_DP_INCARNATION_H */
