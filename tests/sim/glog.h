/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The record of a --groups run (gsim.h): what the simulated clients did and
 * what each of them was given, the ground truth and the evidence the group
 * checker (gcheck.h) judges.
 *
 *   connections  one per client connection: a private name at one node's
 *                process, from connect to disconnect (or its daemon's
 *                crash). A reconnect is a new connection with a new name.
 *                Its private name is "c<id>", so every member name seen in
 *                a view or as a sender maps back to exactly one connection.
 *   sent         every DATA message a client's send was accepted for: who,
 *                to which groups (a bit per named group, or one private
 *                group), service, type, flags, the bytes' digest.
 *   events       everything delivered to clients, in one list in the order
 *                it happened (so each connection's own events are in its
 *                order): a message (its identity read from the bytes, as
 *                payload.h builds them) or a membership message (group,
 *                service bits, group id, members as connection ids).
 *
 * Names the record cannot map (no such connection, wrong daemon) are kept
 * as GLOG_UNKNOWN: the checker reports them; the record never trusts the
 * group layer.
 */
#ifndef SIM_GLOG_H
#define SIM_GLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "groups/groups.h"

/* Named groups "g0".."g7" a run uses (--ggroups). */
#define GLOG_MAX_GROUPS 8u
#define GLOG_UNKNOWN (-1)
#define GLOG_NONE (-2)    /* no private destination */

struct gconn {
	uint32_t node, proc, slot;
	uint64_t start, end;   /* end: UINT64_MAX while connected at the end */
	bool crashed;          /* ended by its daemon's crash */
	uint32_t joined;       /* groups it asked to be in (requests accepted) */
};

struct gsent {
	uint32_t conn;
	uint32_t groups;       /* bit per named group */
	int32_t priv;          /* private destination connection, or GLOG_NONE */
	uint8_t service, flags;
	int16_t msg_type;
	uint32_t len;
	uint64_t digest;
	uint64_t at;
	bool expect_self;      /* no SELF_DISCARD and the sender asked to be in
				* a destination group, or it is the private one */
};

enum gev_kind { GEV_MSG = 1, GEV_MEMB = 2 };

struct gev {
	uint8_t kind;
	uint32_t conn;         /* the receiving connection */
	uint64_t time;
	/* GEV_MSG: identity from the bytes, the rest as delivered. */
	int32_t msg;           /* sent index, or GLOG_UNKNOWN */
	uint64_t digest;       /* of the delivered bytes */
	uint32_t len;
	int32_t sender;        /* connection named as sender, or GLOG_UNKNOWN */
	uint32_t groups;       /* named destination groups as delivered */
	int32_t priv;          /* private destination, GLOG_NONE, GLOG_UNKNOWN */
	bool bad_group;        /* a destination name it could not map */
	uint8_t service;       /* GEV_MSG: enum ordo_service */
	int16_t msg_type;
	/* GEV_MEMB */
	uint8_t group;
	uint32_t mservice;     /* REG_MEMB_MESS|CAUSED_BY_*, TRANSITION_MESS,
				* or CAUSED_BY_LEAVE alone */
	uint32_t gid[3];
	uint32_t m_off, n_members; /* connection ids in glog.pool, in order */
	int32_t my_index;
};

struct glog {
	struct gconn *conns;
	uint32_t n_conns, cap_conns;
	struct gsent *sent;
	uint32_t n_sent, cap_sent;
	struct gev *ev;
	uint32_t n_ev, cap_ev;
	int32_t *pool;
	uint32_t n_pool, cap_pool;
	uint32_t n_groups;     /* named groups in use */
	uint32_t n_nodes;
};

void glog_init(struct glog *l);
void glog_fini(struct glog *l);
void glog_clear(struct glog *l, uint32_t n_nodes, uint32_t n_groups);
/* dst becomes a copy of src. 0 or -ENOMEM. */
int glog_copy(struct glog *dst, const struct glog *src);

/* A new connection; its id, or -ENOMEM. */
int32_t glog_conn_new(struct glog *l, uint32_t node, uint32_t proc,
		      uint32_t slot, uint64_t now);
struct gsent *glog_sent_new(struct glog *l, int32_t *idx);
struct gev *glog_ev_new(struct glog *l);
/* Room for n more pool entries at l->pool + l->n_pool; 0 or -ENOMEM. */
int glog_pool_reserve(struct glog *l, uint32_t n);

/* Names: "c<id>" private, "#c<id>#n<node>" full, "g<k>" groups. */
void glog_private_name(uint32_t conn, char *buf, size_t len);
void glog_full_name(const struct glog *l, uint32_t conn, char *buf,
		    size_t len);
void glog_group_name(uint32_t k, char *buf, size_t len);
/* The connection a full name is, or GLOG_UNKNOWN. */
int32_t glog_conn_of(const struct glog *l, const char *full);
/* The named group index, or GLOG_UNKNOWN. */
int32_t glog_group_of(const struct glog *l, const char *name);

static inline const int32_t *glog_members(const struct glog *l,
					  const struct gev *e)
{
	return l->pool + e->m_off;
}

#endif /* SIM_GLOG_H */
