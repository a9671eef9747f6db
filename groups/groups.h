/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The group layer: Spread's process groups on top of the ring. Pure C like
 * the engine (no DPDK, no I/O, no clock, no allocation after create), so
 * the dataplane runs it on the ring lcore and tests drive it directly.
 *
 *   in:  ordo_groups_client_add / _remove   a local client attached / gone
 *        ordo_groups_send / _join / _leave  a local client's request
 *        ordo_groups_on_deliver             an engine delivery (in order)
 *        ordo_groups_on_config              an engine configuration change
 *   out: ops->submit                        a group message into the ring
 *        ops->pause_clients                 hold clients' messages back
 *        ops->deliver_msg                   a message for one local client
 *        ops->deliver_memb                  a membership message for one
 *        ops->view, ops->client_gone        for the control plane's mirror
 *
 * Semantics (Spread's, with EVS from the engine; groups/README.md):
 *   - join, leave and disconnect are group messages (include/ordo/gmsg.h)
 *     ordered by the ring, so every daemon changes every group at the same
 *     point of the total order, and a member's messages before its leave
 *     are delivered in the old view;
 *   - members of a group are listed in one order everywhere (by name);
 *   - a message goes to every local member of any of its groups once; a
 *     private group "#name#daemon" is the one client of that name;
 *   - a daemon membership change gives every group with local members a
 *     TRANSITION_MESS at the engine's transitional configuration, then a
 *     REG_MEMB_MESS | CAUSED_BY_NETWORK at the regular one (after a merge:
 *     once every daemon's STATE has been delivered; clients are paused
 *     until then so no message is ordered before the merged table);
 *   - a group id is (ring rep, ring seq, deliveries in this ring at the
 *     change): equal on every member of one view, new at every change.
 *
 * Capacities are compile-time constants, the same on every daemon: an
 * ordered join refused for lack of room must be refused everywhere.
 */
#ifndef ORDO_GROUPS_H
#define ORDO_GROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "engine/engine.h"
#include "ordo/gmsg.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ORDO_GROUPS_NAME_LEN     32u    /* Spread's MAX_GROUP_NAME */
#define ORDO_GROUPS_MAX_GROUPS   4096u  /* groups in the whole ring */
#define ORDO_GROUPS_MAX_MEMBERS  65536u /* (member, group) pairs, whole ring */
#define ORDO_GROUPS_MAX_CLIENTS  1024u  /* local clients of one daemon */
#define ORDO_GROUPS_MAX_VIEW     4096u  /* members of one group */

struct ordo_groups;

/* One configured daemon: its node id and name (1..19 chars). */
struct ordo_groups_node {
	uint32_t id;
	char     name[ORDO_GM_DAEMON_MAX + 1];
};

struct ordo_groups_config {
	uint32_t my_id;
	uint32_t n_nodes;
	struct ordo_groups_node nodes[ORDO_MAX_MEMBERS];
	uint32_t max_clients;      /* local slots 0..max_clients-1, <= MAX_CLIENTS */
};

/* A message for one local client. Pointers valid during the call only. */
struct ordo_groups_msg {
	uint8_t     service;       /* enum ordo_service */
	int16_t     msg_type;
	const char *sender;        /* "#name#daemon" */
	uint32_t    n_groups;      /* its destination groups, as sent */
	const char (*groups)[ORDO_GROUPS_NAME_LEN];
	const void *data;
	uint32_t    len;
	uint64_t    seq;           /* the engine delivery's seq */
};

/* A membership message for one local client, ready for the client ring
 * (include/ordo/client_ring.h MEMBERSHIP): Spread's service bits, the
 * view in order, our index in it, and Spread's body (sp.h layout, host
 * order, built with lib/spread/sp_memb.h). */
struct ordo_groups_memb {
	const char *group;
	uint32_t    service;       /* REG_MEMB_MESS|CAUSED_BY_*, TRANSITION_MESS,
				    * or CAUSED_BY_LEAVE alone (self-leave) */
	uint32_t    gid[3];
	uint32_t    n_members;
	const char (*members)[ORDO_GROUPS_NAME_LEN];
	int32_t     my_index;      /* -1 when we are not in it (self-leave) */
	const void *body;
	uint32_t    body_len;
};

struct ordo_groups_ops {
	/* Queue a group message in the engine: control = true for STATE
	 * (ordo_engine_submit_control), else ordo_engine_submitv. 0 or the
	 * engine's -EAGAIN / -EMSGSIZE. */
	int  (*submit)(void *ctx, bool control, uint8_t service,
		       uint16_t msg_type, const struct iovec *iov, int iovcnt);
	/* ordo_engine_pause_clients */
	void (*pause_clients)(void *ctx, bool pause);
	void (*deliver_msg)(void *ctx, uint32_t client,
			    const struct ordo_groups_msg *m);
	void (*deliver_memb)(void *ctx, uint32_t client,
			     const struct ordo_groups_memb *m);
	/* A group's view changed (n_members 0: it is gone). May be NULL. */
	void (*view)(void *ctx, const char *group, const uint32_t gid[3],
		     uint32_t n_members,
		     const char (*members)[ORDO_GROUPS_NAME_LEN]);
	/* A removed client's DISCONNECT was ordered: its slot and its name
	 * may be reused. May be NULL. */
	void (*client_gone)(void *ctx, uint32_t client);
};

/* NULL with errno set (EINVAL: bad config, ENOMEM). */
struct ordo_groups *ordo_groups_create(const struct ordo_groups_config *cfg,
				       const struct ordo_groups_ops *ops,
				       void *ctx);
void ordo_groups_destroy(struct ordo_groups *g);

/* A local client attached with this private name (1..10 chars of
 * '$'..'~'). Returns 0, -EINVAL (bad slot or name), -EEXIST (the name is
 * in use here, including by a client whose disconnect is still in
 * flight), -EBUSY (slot in use). Not ordered: its private group exists at
 * once; other daemons learn the name from its messages. */
int ordo_groups_client_add(struct ordo_groups *g, uint32_t client,
			   const char *private_name);
/* The client is gone (said goodbye, died, or was disconnected): nothing is
 * delivered to it any more, and a DISCONNECT is submitted so every daemon
 * removes it from its groups in order. 0, -EINVAL, or -EAGAIN when the
 * engine queue is full (call again; the client stays silent meanwhile). */
int ordo_groups_client_remove(struct ordo_groups *g, uint32_t client);

/* A local client's requests, checked here (names, service, slot) and
 * submitted as group messages. Returns 0, -EINVAL (bad name or service),
 * -ENOENT (no such client), -EMSGSIZE, -EAGAIN (engine queue full: retry). */
int ordo_groups_join(struct ordo_groups *g, uint32_t client, const char *group);
int ordo_groups_leave(struct ordo_groups *g, uint32_t client, const char *group);
/* flags: ORDO_GM_F_SELF_DISCARD. groups: n_groups names, each
 * NUL-terminated within ORDO_GROUPS_NAME_LEN bytes. */
int ordo_groups_send(struct ordo_groups *g, uint32_t client, uint8_t service,
		     int16_t msg_type, uint8_t flags, uint32_t n_groups,
		     const char (*groups)[ORDO_GROUPS_NAME_LEN],
		     const struct iovec *iov, int iovcnt);

/* Engine outputs, passed on in the order the engine produced them. A
 * delivery that is not a valid group message is counted and ignored. */
void ordo_groups_on_deliver(struct ordo_groups *g, const struct ordo_delivery *d);
void ordo_groups_on_config(struct ordo_groups *g,
			   const struct ordo_config_change *c);

/* True while a merge's state exchange is running (clients paused). */
bool ordo_groups_exchanging(const struct ordo_groups *g);

struct ordo_groups_stats {
	uint64_t sent, joins, leaves, disconnects, states_sent, states_rx;
	uint64_t delivered_msgs;   /* (message, local client) deliveries */
	uint64_t delivered_memb;   /* membership messages to local clients */
	uint64_t bad_messages;     /* deliveries that were not valid gmsgs */
	uint64_t no_room;          /* joins refused: table full (everywhere) */
	uint64_t exchanges;        /* merges that ran a state exchange */
	uint64_t states_ignored;   /* STATEs stale, duplicate or from non-members */
	uint64_t submit_errors;    /* STATE submits refused (retried) */
	uint32_t groups, members;  /* now, whole ring */
};
const struct ordo_groups_stats *ordo_groups_stats(const struct ordo_groups *g);

/* Walk the table (for the control plane's dump and for tests): calls fn
 * once per group, members in order. */
void ordo_groups_foreach(const struct ordo_groups *g,
			 void (*fn)(void *arg, const char *group,
				    const uint32_t gid[3], uint32_t n,
				    const char (*members)[ORDO_GROUPS_NAME_LEN]),
			 void *arg);
/* Groups one local client is in. */
uint32_t ordo_groups_client_groups(const struct ordo_groups *g, uint32_t client);

#ifdef __cplusplus
}
#endif

#endif /* ORDO_GROUPS_H */
