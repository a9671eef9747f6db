/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The group layer's instance and the functions its files share. Not a
 * public header: the dataplane and tests see groups.h only.
 *
 * The table is three pools allocated once in create and linked by uint32
 * indices (GR_NIL for none):
 *   - pairs: one (member, group), on its group's member list (sorted by
 *     the member's full name), on its group's local list when the member
 *     is one of our clients, and on a hash chain by full name (all groups
 *     of one member, for DISCONNECT);
 *   - groups: hashed by name, with the head of both lists, the gid and
 *     the flags of a configuration change;
 *   - clients: our local slots, hashed by private name.
 */
#ifndef ORDO_GROUPS_IMPL_H
#define ORDO_GROUPS_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "groups/groups.h"

#define GR_NIL UINT32_MAX
#define GR_NAME ORDO_GROUPS_NAME_LEN
/* Group entries: empty groups are kept until the end of a state exchange
 * (to announce them gone), so live groups (the ordered limit) never need
 * more than twice the limit in entries. */
#define GR_GROUP_POOL   (2u * ORDO_GROUPS_MAX_GROUPS)
#define GR_GROUP_HASH   (2u * GR_GROUP_POOL)        /* power of 2 */
#define GR_PAIR_HASH    (2u * ORDO_GROUPS_MAX_MEMBERS)
#define GR_CLIENT_HASH  (2u * ORDO_GROUPS_MAX_CLIENTS)
#define GR_MAX_IOV      64  /* caller's iovec entries in one send */
/* A STATE: the group message header, its own header, then an entry per
 * (client, group) pair plus one per client in no group. */
#define GR_STATE_BODY   sizeof(struct ordo_gm_hdr)
#define GR_STATE_ENTRY  (2u + ORDO_GM_PRIVATE_MAX + ORDO_GM_GROUP_MAX)
#define GR_STATE_MAX    (GR_STATE_BODY + sizeof(struct ordo_gm_state) + \
			 (ORDO_GROUPS_MAX_MEMBERS + ORDO_GROUPS_MAX_CLIENTS) * \
			 GR_STATE_ENTRY)

struct gr_pair {
	char     name[GR_NAME];  /* "#private#daemon", NUL-terminated */
	uint32_t hash;           /* of name */
	uint32_t node;           /* the member's daemon */
	uint32_t slot;           /* our client's slot, or GR_NIL */
	uint32_t group;
	uint32_t next, prev;     /* group's members, sorted; free list: next */
	uint32_t lnext, lprev;   /* group's local members */
	uint32_t nnext, nprev;   /* hash chain by name */
};

struct gr_group {
	char     name[GR_NAME];
	uint8_t  len;
	bool     in_use;
	bool     owed;           /* got TRANSITION_MESS, regular one due */
	bool     changed;        /* lost members at a configuration change */
	uint32_t hash;
	uint32_t hnext;          /* hash chain; free list */
	uint32_t head, tail;     /* members, sorted by name */
	uint32_t lhead;          /* local members */
	uint32_t n, n_local;
	uint32_t gid[3];
};

enum gr_client_state {
	GR_CLIENT_FREE = 0,
	GR_CLIENT_ACTIVE,        /* attached: deliveries go to it */
	GR_CLIENT_REMOVED,       /* gone; name reserved until its DISCONNECT */
};

struct gr_client {
	uint64_t stamp;          /* last DATA delivered to it (dedupe) */
	uint8_t  state;          /* enum gr_client_state */
	bool     disc_sent;      /* its DISCONNECT is in the engine */
	uint8_t  priv_len;
	char     priv[ORDO_GM_PRIVATE_MAX + 1];
	char     full[GR_NAME];
	uint32_t hnext;          /* hash chain by private name */
	uint32_t n_groups;
};

struct ordo_groups {
	struct ordo_groups_config cfg;
	struct ordo_groups_ops ops;
	void *ctx;
	uint32_t my_idx;                      /* ours in cfg.nodes */
	uint8_t node_len[ORDO_MAX_MEMBERS];   /* strlen of each node name */
	uint32_t node_cache;                  /* last looked-up index */
	struct ordo_groups_stats st;

	/* Daemon membership. */
	uint32_t ring_rep, ring_seq;          /* current regular configuration */
	uint32_t n_deliv;                     /* deliveries since it began */
	uint32_t view_rep, view_seq;          /* last ring clients saw views of */
	uint32_t n_reg, reg[ORDO_MAX_MEMBERS];
	uint32_t n_trans, trans[ORDO_MAX_MEMBERS];
	uint32_t trans_rep, trans_seq;        /* the ring it leads to */
	bool     have_trans;

	/* Merge state exchange. */
	bool     exchanging;                  /* clients paused, table partial */
	bool     exch_open;                   /* STATEs of ring_* expected */
	bool     state_pending;               /* our STATE still to submit */
	uint32_t exch_got;                    /* bit per reg[] index */
	uint32_t exch_prev[ORDO_MAX_MEMBERS][2];
	uint8_t *state_buf;
	uint32_t state_len;

	/* Table. */
	struct gr_pair *pairs;
	uint32_t pair_free, pair_hwm, n_pairs; /* free list, never used */
	uint32_t *pair_hash;
	struct gr_group *groups;
	uint32_t group_free, group_hwm, live_groups;
	uint32_t *group_hash;
	uint32_t group_cache;
	struct gr_client *clients;
	uint32_t *client_hash;
	uint64_t stamp;

	/* Scratch for one event, so the delivery path never allocates. */
	char (*view)[GR_NAME];                /* a group's members */
	char (*set_names)[GR_NAME];           /* the same, grouped in vs sets */
	uint32_t *loc_slot, *loc_idx;         /* its local members, index */
	char *body;
	uint32_t body_cap;
	char (*dest)[GR_NAME];                /* a DATA's groups, as arrays */
	uint32_t dest_gi[ORDO_GM_MAX_GROUPS]; /* and their table entries */
	char sender[GR_NAME];
	uint8_t hdr[ORDO_GM_HDR_MAX];
	struct iovec iov[GR_MAX_IOV + 1];
};

/* names.c (the name rules themselves: lib/spread/sp_names.h) */
int  gr_node_index(struct ordo_groups *g, uint32_t node);
/* Writes "#priv#daemon" into out; returns its length. */
uint32_t gr_full_name(const struct ordo_groups *g, char out[GR_NAME],
		      const char *priv, uint32_t priv_len, uint32_t node_idx);
uint32_t gr_hash(const void *p, uint32_t len);

/* table.c */
int  gr_table_init(struct ordo_groups *g);
void gr_table_free(struct ordo_groups *g);
uint32_t gr_group_find(struct ordo_groups *g, const char *name, uint32_t len);
/* The pair of (full name, group), or GR_NIL. */
uint32_t gr_pair_find(const struct ordo_groups *g, const char *full,
		      uint32_t hash, uint32_t group);
/* First pair of this member (then follow gr_pair_next_same). */
uint32_t gr_pair_first(const struct ordo_groups *g, const char *full,
		       uint32_t hash);
uint32_t gr_pair_next_same(const struct ordo_groups *g, uint32_t p);
/* Add full (of node, local slot or GR_NIL) to the group named; creates
 * the group. 0, -EALREADY (a member), -ENOSPC (counted in no_room). */
int  gr_member_add(struct ordo_groups *g, const char *group, uint32_t glen,
		   const char *full, uint32_t node, uint32_t slot,
		   uint32_t *group_out);
/* Unlink a pair; the group stays even when empty (gr_group_release). */
void gr_member_remove(struct ordo_groups *g, uint32_t p);
/* Free an empty group. */
void gr_group_release(struct ordo_groups *g, uint32_t gi);
uint32_t gr_client_find(const struct ordo_groups *g, const char *priv,
			uint32_t len);
void gr_client_hash_add(struct ordo_groups *g, uint32_t slot);
void gr_client_hash_del(struct ordo_groups *g, uint32_t slot);

/* notify.c */
enum gr_sets {
	GR_SETS_ONE,      /* one set: the changed member */
	GR_SETS_ALL,      /* one set: every member */
	GR_SETS_BY_PREV,  /* members by their daemon's previous ring */
};
/* Set the group's gid to (ring, n) and tell its local members and
 * ops->view; quiet during an exchange (the table is being rebuilt). */
void gr_notify(struct ordo_groups *g, uint32_t gi, uint32_t svc,
	       enum gr_sets sets, const char *changed);
void gr_notify_self_leave(struct ordo_groups *g, uint32_t gi, uint32_t slot);
void gr_notify_transition(struct ordo_groups *g, uint32_t gi);
void gr_view_gone(struct ordo_groups *g, uint32_t gi);
/* The view into g->view and active local members into loc_*; returns
 * how many of those. */
uint32_t gr_copy_view(struct ordo_groups *g, const struct gr_group *gr);


/* exchange.c */
void gr_exchange_retry(struct ordo_groups *g);
void gr_state_rx(struct ordo_groups *g, const struct ordo_delivery *d,
		 uint32_t node_idx, const uint8_t *body, uint32_t len);

#endif /* ORDO_GROUPS_IMPL_H */
