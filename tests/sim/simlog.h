/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What each simulated node did, in its own order: the record the checker
 * judges. One struct sim_log per node, appended to as the node's engine
 * delivers.
 *
 * One log per process: a node's incarnation (a restarted node starts a new
 * log). Entries are of two kinds, in the order the engine reported them:
 *   MESSAGE  a delivery. Its identity (origin, counter) and digest are read
 *            by the simulator from the delivered bytes; the engine's own
 *            metadata (sender, seq, service, type) is kept next to it only
 *            to be checked, never to identify the message. ring_rep/seq is
 *            the ring the engine says it was sent in; trans is 1 when it
 *            was delivered in that ring's transitional configuration.
 *   CONFIG   a configuration change (ops->config_change). trans 0: the
 *            regular configuration ring_rep/seq is installed, with members.
 *            trans 1: the transitional configuration that leads from the
 *            regular configuration prev_rep/seq to ring_rep/seq; members
 *            are those of prev that move on together.
 * An engine without membership reports no CONFIG at all: the checker then
 * takes the whole run as one fixed ring of every node.
 */
#ifndef SIM_SIMLOG_H
#define SIM_SIMLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"

/* Processes a run may have: every incarnation of every node. A node that
 * restarts after this many processes exist stays down. */
#define SIM_MAX_PROCS 64u

/* A process: one incarnation of a node, from its start to its crash (or the
 * end of the run). Its log is everything it delivered. */
struct proc_info {
	uint32_t node;        /* node id */
	uint32_t incarnation; /* as given to the engine */
	uint64_t started;     /* simulated ns */
	uint64_t crashed;     /* UINT64_MAX: alive at the end */
};

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
	uint32_t members[ORDO_MAX_MEMBERS]; /* as reported: ascending ids */
	uint32_t prev_rep, prev_seq;        /* transitional: the one it ends */
	/* Filled by the simulator from the engine's status (availability):
	 * node ids the engine held out for flapping (bit id-1), and whether a
	 * ring told it that it is held out. */
	uint32_t held_out;
	bool held_by_ring;
};

struct sim_log_entry {
	uint64_t time;
	uint32_t ring_rep, ring_seq;
	uint8_t kind;  /* enum sim_log_kind */
	uint8_t trans; /* transitional configuration, or delivered in one
			* (CONFIG of an unknown kind: 2) */
	union {
		struct sim_log_msg msg;
		struct sim_log_config conf;
	};
};

/* A configuration entry's members as a bit set (node id n is bit n-1),
 * for the checkers that compare rings (reform.c, avail.c). */
static inline uint32_t simlog_members(const struct sim_log_entry *e)
{
	uint32_t set = 0, i;

	for (i = 0; i < e->conf.n_members && i < ORDO_MAX_MEMBERS; i++)
		if (e->conf.members[i] >= 1 &&
		    e->conf.members[i] <= ORDO_MAX_MEMBERS)
			set |= 1u << (e->conf.members[i] - 1);
	return set;
}

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

/* Append a CONFIG entry for a configuration change; NULL on ENOMEM. */
struct sim_log_entry *sim_log_config(struct sim_log *l, uint64_t now,
				     const struct ordo_config_change *c);

#endif /* SIM_SIMLOG_H */
