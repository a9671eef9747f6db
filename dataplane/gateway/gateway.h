/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The client gateway: the ring's local end when clients attach (instead of
 * the built-in traffic). It runs on the ring lcore, inside the poll loop:
 *
 *   produce   read every attached client's submit ring (validating each
 *             record) -> access check -> the group layer -> the engine
 *   deliver   engine delivery -> the group layer -> the delivery rings of
 *             the local clients it is for
 *   config    engine configuration change -> the group layer (EVS
 *             membership messages to clients)
 *
 * The main lcore does everything slow (ctrl_link.c): it maps a new
 * client's region, allocates its buffers, and hands the ready slot over a
 * command ring; the gateway answers through an event ring with the control
 * protocol's datagrams (include/ordo/ctrl_proto.h), which the main lcore
 * forwards to ordo-ctrld. No lock: each slot field has one writer at a time,
 * and ownership passes with the ring operations (release/acquire).
 *
 * Slow consumers. A delivery that does not fit a client's delivery ring
 * goes to the client's private overflow ring, which drains into the shared
 * ring first at every turn, so order is kept. Policy (ordo.conf
 * SlowConsumer): "disconnect" (default) disconnects a client whose overflow
 * holds more than MaxSessionMessages records, or is full, with reason
 * slow-consumer; "block" also stops reading local clients' submissions
 * while any local client has overflow (back-pressure on local senders),
 * and orders a local client's message only when every local client has
 * room for it and for everything local ordered before it (gw_admit.c):
 * a receiver that gets only local traffic is never cut off; other
 * daemons' messages and membership notices are not held back.
 * Either way a reliable message is never dropped silently: it is delivered
 * or the client is told why it was cut off.
 *
 * A client worker (dataplane/cworker.h, ordod --workers 2; or several,
 * each owning a share of the slots: dataplane/cworkers.h, which spreads
 * this one hand-off over them) may own the delivery rings instead: the gateway then hands each delivery, once, with
 * the list of local clients it is for, and every record, close and
 * disconnect for a client, through one ordered channel (struct
 * dp_gw_fanout); the worker writes them with the very functions below
 * (dp_gw_writer_*, on a second struct dp_gateway of its own that shares
 * the slots). Per client the order is the gateway's, whoever writes.
 *
 * Stages (dataplane/stages.h): on the loop's timed turns the gateway
 * charges its engine submissions to protocol, publishing delivery rings
 * and draining overflows to deliver, and counts submit records (read) and
 * deliver records (written, one per receiving client: the fan-out).
 */
#ifndef ORDO_DP_GATEWAY_H
#define ORDO_DP_GATEWAY_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/cring/cring.h"
#include "ordo/ctrl_proto.h"
#include "dataplane/gateway/gw_admit.h"
#include "dataplane/local.h"
#include "dataplane/stages.h"
#include "groups/groups.h"

struct ordo_conf;

#define DP_GW_MAX_CLIENTS ORDO_GROUPS_MAX_CLIENTS

enum dp_slow_policy {
	DP_SLOW_DISCONNECT = 0,
	DP_SLOW_BLOCK = 1,
};

/* Slot states; the writer of each transition is named. */
enum dp_slot_state {
	DP_SLOT_FREE = 0,     /* main owns it */
	DP_SLOT_ATTACHING,    /* main filled it and queued ATTACH */
	DP_SLOT_ACTIVE,       /* the gateway serves it */
	DP_SLOT_CLOSING,      /* gateway: disconnect ordered, not yet done */
	DP_SLOT_DONE,         /* gateway is finished with it; main reclaims */
};

struct dp_client {
	/* Set by main before ATTACH; read-only afterwards. */
	uint32_t client_id, uid, gid, pid, flags;
	char     name[16];
	struct ordo_cr_map map;      /* the shared region */
	int      client_efd, daemon_efd, sock_fd;
	uint8_t *rbuf;               /* one record: max_rec bytes */
	uint8_t *msg;                /* reassembly: max_msg bytes */
	struct ordo_cr_map ovf_map;  /* private overflow ring */

	/* Gateway's. */
	struct ordo_cr_reader rd;    /* its submit ring */
	struct ordo_cr_prod dl;      /* its delivery ring */
	struct ordo_cr_prod ovf_p;
	struct ordo_cr_cons ovf_c;
	uint32_t ovf_records;        /* records waiting in the overflow */
	bool     dirty;              /* delivery ring written, not committed */
	bool     removing;           /* group DISCONNECT not yet queued */
	bool     pending;            /* a read message waits for engine room */
	bool     in_msg;             /* fragments being reassembled */
	struct ordo_cr_msg pmsg;     /* the pending message's header & names */
	const uint8_t *pdata;        /* and its payload */
	uint32_t plen;
	uint32_t reason, detail;     /* why it was closed */
	bool     detach_req;         /* main asked: close once drained */
	bool     send_ok_valid, send_ok; /* the Access answer for ... */
	char     send_ok_group[ORDO_CR_NAME_LEN]; /* ... its last destination */
	uint8_t  ovf_counted;        /* counted in n_behind */
	uint64_t submitted, delivered, overflowed, rejected;

	/* With a client worker: its ring is written by the worker while
	 * w_live (set by the gateway at attach, before any hand-off, cleared
	 * by the worker when it closes it); w_done: the worker is finished
	 * with it (release), so the slot may be given back. */
	bool     w_live;
	bool     gone_wait;          /* client_gone came before w_done */
	uint32_t w_done;
	/* ... and reads its submit ring (rd, rbuf, msg, in_msg are the
	 * worker's then): w_detach, the gateway asked it to close once
	 * drained; w_busy, a gathered message handed over from msg, not yet
	 * done (the gateway clears it, release). */
	bool     w_detach;
	uint32_t w_busy;
	/* Submissions the worker hands over read in place (their payload
	 * left in the submit ring, copied once, by the engine): the reader's
	 * position after the last one (the worker's), and after the last one
	 * the gateway is done with (the ring lcore stores it, release). The
	 * ring's space goes back up to the second only (cworker_submit.c). */
	uint64_t w_inplace_end;
	uint64_t w_released;

	/* Main lcore only. */
	bool     detach_posted;

	/* Written by whoever moves the state (see enum dp_slot_state). */
	uint32_t state;
};

struct dp_gw_stats {
	uint64_t attached, detached;
	uint64_t submitted, delivered, memb_delivered;
	uint64_t rejected_access, rejected_size, rejected_other;
	uint64_t ring_corrupt, slow_consumers;
	uint64_t overflowed;         /* records that went through an overflow */
	uint64_t engine_full;        /* turns that stopped on a full engine */
	uint64_t events_lost;        /* VIEW/RING events the main lcore missed */
	uint64_t blocked_turns;      /* SlowConsumer=block held senders back */
	uint64_t admit_held;         /* ... of them by the admission bound
				      * (gw_admit.c): no receiver behind, but
				      * one could not hold what was ordered */
	uint64_t admit_resets;       /* in-flight counts found stale (never) */
	uint64_t partial_dropped;    /* messages a client died in the middle of */
	uint64_t names_dropped;      /* deliveries with more names than a record holds */
};

/* A submission a client worker read (validated) and handed over. */
enum dp_gw_sub_what {
	DP_GW_SUB_MSG = 1,     /* a request (m, data, len) */
	DP_GW_SUB_DRAINED = 2, /* asked to leave, its ring read to the end */
	DP_GW_SUB_CORRUPT = 3, /* its submit ring broke (detail) */
};

struct dp_gw_sub {
	uint32_t what, slot, client_id, detail;
	bool     partial;        /* DRAINED: a message died half gathered */
	struct ordo_cr_msg m;    /* names and payload: the worker's copies */
	const uint8_t *data;
	uint32_t len;
	void    *item;           /* the worker's */
};

/* The hand-off to a client worker (dataplane/cworker.c): every call in the
 * gateway's order. */
struct dp_gw_fanout {
	/* A client attached (read and write its rings from now on), or asked
	 * to leave (DRAINED comes back once its submit ring is empty). */
	void (*open)(void *ctx, uint32_t slot);
	void (*detach)(void *ctx, uint32_t slot);
	/* The next submission the worker read (1), or none (0); done gives
	 * it back once the gateway is finished with it. */
	int (*take)(void *ctx, struct dp_gw_sub *s);
	void (*done)(void *ctx, struct dp_gw_sub *s);
	/* The engine takes no more (on) or takes again (off): with
	 * SlowConsumer = block the worker reads no further meanwhile, as the
	 * gateway would not. */
	void (*hold)(void *ctx, bool on);
	/* One message for the local clients slots[0..n): frame is the
	 * delivery's held frame (struct ordo_delivery), 0 if none. */
	void (*msg)(void *ctx, uint64_t frame, const struct ordo_groups_msg *m,
		    const uint32_t *slots, uint32_t n);
	/* One record for one client (REJECT, MEMBERSHIP). */
	void (*record)(void *ctx, uint32_t slot, const struct ordo_cr_send *s);
	/* Write no more to slot's ring; tell it why (its region). */
	void (*close)(void *ctx, uint32_t slot, uint32_t reason,
		      uint32_t detail);
	/* A client the worker cut off (slow consumer, a ring it broke): 1 and
	 * its slot and reason, or 0. */
	int (*cut)(void *ctx, uint32_t *slot, uint32_t *reason,
		   uint32_t *detail);
	/* Clients with records in their overflow (SlowConsumer = block). */
	uint32_t (*behind)(void *ctx);
	/* SlowConsumer = block: the worker's last measure of its clients'
	 * room (dp_gw_room_read of what it published). */
	void (*room)(void *ctx, struct dp_gw_room *r);
	void *ctx;
};

struct dp_gateway {
	struct ordo_engine *engine;
	struct ordo_groups *groups;
	const struct ordo_conf *conf; /* access policy (NULL: allow all) */
	enum dp_slow_policy policy;
	uint32_t max_session_messages;
	uint32_t my_id;
	uint64_t now;

	struct dp_client *slots;      /* DP_GW_MAX_CLIENTS */
	uint32_t active[DP_GW_MAX_CLIENTS];
	uint32_t n_active;
	uint32_t rr;                  /* round-robin start for fairness */
	uint32_t n_behind;            /* clients with overflow */
	uint32_t n_removing;          /* closed clients whose DISCONNECT waits */
	struct dp_gw_admit adm;       /* SlowConsumer = block's bound */

	struct ordo_cr_map ev_map;    /* private region: both directions */
	struct ordo_cr_prod cmd_p;    /* main -> gateway: commands (main) */
	struct ordo_cr_cons cmd_c;    /* (the gateway's end) */
	struct ordo_cr_prod ev_p;     /* gateway -> main: datagrams */
	struct ordo_cr_cons ev_c;     /* used by main only */

	uint32_t ring_rep, ring_seq, n_members;
	uint32_t members[ORDO_MAX_MEMBERS];
	uint32_t dirty[DP_GW_MAX_CLIENTS]; /* delivery rings to commit */
	uint32_t n_dirty;
	uint8_t *scratch;             /* GW_SCRATCH: datagrams, membership
				       * payloads, names of big deliveries */
	struct dp_stages *stages;     /* the ring lcore's (NULL: untimed) */
	struct dp_gw_stats st;

	/* A client worker writes the delivery rings (NULL: we do). */
	const struct dp_gw_fanout *fan;
	uint32_t batch[DP_GW_MAX_CLIENTS]; /* one delivery's clients */
	uint32_t batch_n;
	uint64_t batch_frame;
	struct ordo_groups_msg batch_m;
	uint32_t n_gone_wait;         /* slots waiting for the worker's w_done */
	struct dp_gw_sub sub;         /* taken, not yet done (engine full) */
	bool     sub_held;
	bool     sub_hold;            /* the worker told the engine is full */
	/* The worker's own gateway (dp_gw_writer_init): closes what it cuts
	 * through this, not the group layer. */
	void (*cut)(struct dp_gateway *w, uint32_t slot, uint32_t reason,
		    uint32_t detail);
	void *cut_ctx;
};

/* Commands, main -> gateway (the low 8 bits; the slot above). */
enum dp_gw_cmd {
	DP_GW_ATTACH = 1,  /* slot is ATTACHING: serve it */
	DP_GW_DETACH = 2,  /* the client left: drain and disconnect it */
	DP_GW_DUMP = 3,    /* emit RING and every VIEW, then DUMP_END */
};

struct dp_gw_params {
	uint32_t my_id;
	uint32_t n_nodes;
	struct ordo_groups_node nodes[ORDO_MAX_MEMBERS];
	const struct ordo_conf *conf;   /* may be NULL */
	enum dp_slow_policy policy;
	uint32_t max_session_messages;
};

extern const struct dp_local_ops dp_gateway_ops;

/* Main lcore, before the ring starts. Returns 0 or -errno. */
int dp_gw_init(struct dp_gateway *gw, const struct dp_gw_params *p);
void dp_gw_fini(struct dp_gateway *gw);

/* Main lcore: post a command (0, or -ENOBUFS when the ring is full). */
int dp_gw_post(struct dp_gateway *gw, enum dp_gw_cmd cmd, uint32_t slot);

/* Main lcore: the next event datagram (a struct ordo_cp_hdr and what
 * follows), or NULL. Valid until dp_gw_event_done(). */
const void *dp_gw_event(struct dp_gateway *gw, uint32_t *len);
void dp_gw_event_done(struct dp_gateway *gw, uint32_t len);

/* Main lcore, before the ring starts: deliveries go through fan (which
 * must outlive the gateway). */
void dp_gw_set_fanout(struct dp_gateway *gw, const struct dp_gw_fanout *fan);

/* --- the client worker's side (dataplane/cworker.c) -------------------- */

/* w: the worker's own gateway over gw's slots (its dirty list, overflow
 * count and counters); cut is called for a client it cuts off. Returns 0
 * or -ENOMEM. */
int dp_gw_writer_init(struct dp_gateway *w, const struct dp_gateway *gw,
		      void (*cut)(struct dp_gateway *w, uint32_t slot,
				  uint32_t reason, uint32_t detail),
		      void *cut_ctx);
void dp_gw_writer_fini(struct dp_gateway *w);
/* One message, one record, or a close, for one client (skipped once the
 * worker closed it). */
void dp_gw_writer_msg(struct dp_gateway *w, uint32_t slot,
		      const struct ordo_groups_msg *m);
void dp_gw_writer_record(struct dp_gateway *w, uint32_t slot,
			 const struct ordo_cr_send *s);
void dp_gw_writer_close(struct dp_gateway *w, uint32_t slot, uint32_t reason,
			uint32_t detail);
/* End of a worker turn: overflows drained, written rings published.
 * Returns the records moved. */
unsigned dp_gw_writer_turn(struct dp_gateway *w);
/* A fragment of a message into c's reassembly buffer (the reader checked
 * its bounds): true when the message is complete, then m, *data and *len
 * describe it (names and payload in c->msg). */
bool dp_gw_gather(struct dp_client *c, struct ordo_cr_msg *m,
		  const uint8_t **data, uint32_t *len);

#endif /* ORDO_DP_GATEWAY_H */
