/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The highest ring sequence a node used, kept across restarts in
 * DIR/node-<id>.ringseq (next to its lock), so that a restarted daemon
 * never names a new ring like one its former self formed (the engine's
 * ring_seq_floor; Corosync keeps its ring id on disk for the same reason).
 */
#ifndef ORDO_APP_RINGSEQ_H
#define ORDO_APP_RINGSEQ_H

#include <stdint.h>

/* The supervisor saves at most once a second: a daemon cannot form this
 * many rings in between, so loading adds it as a margin. */
#define RINGSEQ_MARGIN 1024u

/* The saved value plus RINGSEQ_MARGIN, or 0 when nothing was saved (a
 * first start) or the file is unreadable. */
uint32_t ringseq_floor(const char *dir, uint32_t node_id);

/* Save seq atomically (write, fsync, rename). Returns 0 or -errno. */
int ringseq_save(const char *dir, uint32_t node_id, uint32_t seq);

#endif /* ORDO_APP_RINGSEQ_H */
