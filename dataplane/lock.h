/* SPDX-License-Identifier: BSD-3-Clause
 *
 * One ordod per node id on a host: an flock(2) on DIR/node-<id>.lock,
 * held for the life of the process (the kernel drops it if we die, so a
 * crash never leaves a stale lock). EAL's own lock covers one file-prefix;
 * this covers two prefixes claiming the same node.
 */
#ifndef ORDO_APP_LOCK_H
#define ORDO_APP_LOCK_H

#include <stddef.h>
#include <stdint.h>

/* Returns the held descriptor, or -EBUSY (err names the holder's pid) or
 * another -errno. */
int ordod_lock_node(const char *dir, uint32_t node_id, char *err,
		    size_t errlen);

#endif /* ORDO_APP_LOCK_H */
