/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What each simulated node did, in its own order: the record the checker
 * judges. One struct sim_log per node, appended to as the node's engine
 * delivers.
 *
 * Entries are of two kinds:
 *   MESSAGE  a delivery. Its identity (origin, counter) and digest are read
 *            by the simulator from the delivered bytes; the engine's own
 *            metadata (sender, seq, service, type) is kept next to it only
 *            to be checked, never to identify the message.
 *   CONFIG   the node starts operating in a configuration (ring id and
 *            members). Today each log begins with one; the membership work
 *            adds one per configuration change, with transitional ones for
 *            Extended Virtual Synchrony.
 * Every entry carries the ring id of the configuration it belongs to, so a
 * checker can cut a log into configurations.
 */
#ifndef SIM_SIMLOG_H
#define SIM_SIMLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"

enum sim_log_kind {
	SIM_LOG_MESSAGE = 1,
	SIM_LOG_CONFIG = 2,
};

struct sim_log_msg {
	/* Read from the bytes by the simulator. */
	uint32_t origin, counter; /* from the payload header, if has_hdr */
	uint32_t len;             /* bytes delivered */
	bool has_hdr;             /* long enough to carry a header */
	uint64_t digest;          /* of all delivered bytes */
	/* Reported by the engine: checked, not trusted. */
	uint64_t seq;
	uint32_t sender;
	uint16_t msg_type;
	uint8_t service;
};

struct sim_log_config {
	uint32_t n_members;
	uint32_t members[ORDO_MAX_MEMBERS]; /* in ring order */
	bool transitional; /* EVS transitional configuration (future) */
};

struct sim_log_entry {
	uint64_t time;
	uint32_t ring_rep, ring_seq;
	uint8_t kind; /* enum sim_log_kind */
	union {
		struct sim_log_msg msg;
		struct sim_log_config conf;
	};
};

struct sim_log {
	struct sim_log_entry *e;
	uint32_t n, cap;
};

void sim_log_init(struct sim_log *l);
void sim_log_fini(struct sim_log *l);
static inline void sim_log_clear(struct sim_log *l)
{
	l->n = 0;
}

/* Room for one more entry at the end (zeroed), or NULL when out of memory. */
struct sim_log_entry *sim_log_append(struct sim_log *l);
/* Insert a copy of *x before position pos (pos == n appends). 0/-ENOMEM. */
int sim_log_insert(struct sim_log *l, uint32_t pos,
		   const struct sim_log_entry *x);
void sim_log_remove(struct sim_log *l, uint32_t pos);
/* dst becomes a copy of src. 0/-ENOMEM. */
int sim_log_copy(struct sim_log *dst, const struct sim_log *src);

/* Fill the identity part of m from delivered bytes. */
void sim_log_msg_identify(struct sim_log_msg *m, const void *data,
			  uint32_t len);

/* Append a MESSAGE entry for a delivery at time now; NULL on ENOMEM. */
struct sim_log_entry *sim_log_delivery(struct sim_log *l, uint64_t now,
				       const struct ordo_delivery *d);

#endif /* SIM_SIMLOG_H */
