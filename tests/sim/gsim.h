/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-sim --groups: the real group layer (groups/) above each simulated
 * engine, exactly as the dataplane runs it (its submits go into the engine,
 * clients pause while daemons exchange state, engine deliveries and
 * configuration changes are handed up in order), with simulated clients
 * per node that connect, join, leave, send to overlapping groups and to
 * private groups, disconnect and reconnect under new names (gworkload.h).
 * Everything a client is given is recorded (glog.h) for the group checker
 * (gcheck.h).
 *
 * A process's clients live and die with it: a crash ends every connection
 * of that process; a restarted daemon's clients connect again under new
 * names. The engine's own plan of messages is empty in this mode: every
 * engine message is a group message, and the engine checker judges the
 * configuration changes only (agreement, transitional, reform).
 *
 * Settled (sim.h) in this mode also means: every node's client actions are
 * done, every group message a process submitted came back to it, and no
 * daemon is in a state exchange.
 */
#ifndef SIM_GSIM_H
#define SIM_GSIM_H

#include <stdbool.h>
#include <stdint.h>

#include "groups/groups.h"
#include "tests/sim/glog.h"

struct sim;
struct sim_node;

#define GSIM_MAX_CLIENTS 16u

enum gslot_state {
	GSLOT_FREE = 0,     /* no client: the next action connects one */
	GSLOT_ACTIVE,       /* connected as conn */
	GSLOT_REMOVE_RETRY, /* disconnecting; the engine refused the DISCONNECT */
	GSLOT_REMOVING,     /* DISCONNECT submitted; waiting for client_gone */
};

struct gslot {
	uint8_t state;
	int32_t conn;
};

/* A client action due at a node: what it is depends on the client's state
 * when it runs (gworkload.c); r is its random draw. */
struct gact {
	uint64_t due;
	uint64_t r;
};

struct gnode {
	struct sim *s;
	uint32_t idx;                  /* node id - 1 */
	struct ordo_groups *g;         /* NULL while the node is down */
	struct gslot slot[GSIM_MAX_CLIENTS];
	struct gact *act;              /* its planned actions, by due time */
	uint32_t n_act, cap_act, cursor;
	uint64_t retry_at;             /* head refused (-EAGAIN): again then */
};

struct gsim {
	uint32_t clients, groups;      /* per node; named groups g0.. */
	struct glog log;
	struct gnode node[ORDO_MAX_MEMBERS];
	uint8_t *buf;                  /* a message being sent */
	uint32_t buf_cap;
	uint64_t last_due;             /* latest planned action */
	uint64_t eagain, sends, joins, leaves, disconnects, connects;
};

/* Allocate (NULL: out of memory). */
struct gsim *gsim_new(uint32_t clients, uint32_t groups);
void gsim_free(struct gsim *gs);

/* Plan a seed: actions over [0, spread_ns), from the seed. 0 or -ENOMEM. */
int gsim_reset(struct gsim *gs, struct sim *s, uint64_t seed, uint32_t actions,
	       uint64_t spread_ns);

/* Node index i's process started (its engine exists) / is crashing (its
 * engine still exists). 0 or -errno. */
int gsim_proc_start(struct sim *s, uint32_t i);
void gsim_proc_crash(struct sim *s, uint32_t i);

/* The engine's outputs at node n, handed up to its group layer. */
void gsim_on_deliver(struct sim *s, struct sim_node *n,
		     const struct ordo_delivery *d);
void gsim_on_config(struct sim *s, struct sim_node *n,
		    const struct ordo_config_change *c);

/* When node i next has a client action due (UINT64_MAX: none). */
uint64_t gsim_next_due(const struct sim *s, uint32_t i);
/* Run node i's due actions; returns when to call again. */
uint64_t gsim_run_due(struct sim *s, uint32_t i);
/* Node i's group layer is not in a state exchange. */
bool gsim_node_settled(const struct sim *s, uint32_t i);

/* gworkload.c: the actions, planned and run. */
int gwl_plan(struct gsim *gs, uint64_t seed, uint32_t n_nodes,
	     uint32_t actions, uint64_t spread_ns);
uint64_t gwl_next_due(const struct gnode *gn);
uint64_t gwl_run_due(struct gsim *gs, struct gnode *gn, uint64_t now);
/* Connect every free slot of a node (a daemon's clients at its start). */
void gwl_connect_all(struct gsim *gs, struct gnode *gn, uint64_t now);

#endif /* SIM_GSIM_H */
