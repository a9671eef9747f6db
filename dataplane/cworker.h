/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The client worker: an lcore that owns the clients' rings for the gateway
 * (ordod --workers 2, the lcore after the crypto/io worker; with
 * --workers N, N - 1 of them, each owning the slots s % (N - 1) == its
 * index, dataplane/cworkers.h; what follows is one worker's view): it reads
 * their submissions, and the ring lcore hands each delivery over once
 * however many local clients receive it, instead of copying it into every
 * one of their rings.
 *
 *   out  ring lcore -> worker, one rte_ring of items in the gateway's
 *        order: a message (the delivery's held frame by reference, its
 *        refcount raised, the payload's place in it, the names, and the
 *        local client slots from the group layer), a record for one
 *        client (REJECT, MEMBERSHIP), a close. One ring for all of them,
 *        so each client sees its messages, membership changes and its
 *        disconnect in the order the gateway made them.
 *   cut  worker -> ring lcore: a client the worker cut off (a slow
 *        consumer past its bound, a ring it broke), for the gateway to
 *        order its DISCONNECT.
 *
 * A message not in a held frame (reassembled from several packets, or the
 * engine copying into its own store: --copy-store, or over the frames
 * budget) is copied once into the item (a heap block past the item's
 * room): counted, copied_msgs and copied_bytes.
 *
 * Back-pressure. The out ring holds every item of the pool, so a hand-off
 * never finds it full; the pool running dry means the worker is
 * DP_CW_ITEMS items behind: the ring lcore waits for it (counted:
 * full_waits) rather than lose a delivery. The worker never waits for the
 * ring lcore, so the wait ends. A client the worker cannot keep up with
 * is the gateway's slow-consumer policy, applied on the worker.
 *
 *   in   worker -> ring lcore: submissions. The worker reads every
 *        client's submit ring in place with the validating reader, copies
 *        each request's validated header and names into an item and
 *        leaves its payload in the ring; the gateway gives it to the group
 *        layer and the engine, which copies it into its frame, and the
 *        ring space goes back once the gateway is done with it
 *        (w_released; cworker_submit.c, give_back). A message a
 *        client sent in fragments is gathered in its reassembly buffer and
 *        handed from there (no further copy; the client is not read again
 *        until the gateway is done with it). A client asked to leave comes
 *        back DRAINED once its ring is empty, one whose ring broke
 *        CORRUPT, both in order behind its requests.
 *
 * Copies from a client to the wire with a client worker: client buffer ->
 * submit ring -> frame (the engine's, on the ring lcore): two, as without
 * it.
 */
#ifndef ORDO_DP_CWORKER_H
#define ORDO_DP_CWORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>
#include <rte_ring.h>

#include "dataplane/gateway/gateway.h"
#include "dataplane/idle.h"
#include "dataplane/stages.h"

#define DP_CW_ITEMS     4095u /* items in flight (a mempool's best size) */
#define DP_CW_ITEM_SIZE 1024u /* bytes of one; the rest of larger ones on
			       * the heap (malloc) */
#define DP_CW_BURST     32u
#define DP_CW_TURN      256u  /* items per worker turn, at most */
#define DP_CW_SUBS      2047u /* submissions in flight */
#define DP_CW_SUB_SIZE  2048u /* bytes of one; larger ones go to the heap */
#define DP_CW_SERVE     256u  /* records per client per turn: fairness */
/* With SlowConsumer = block, submissions read and not yet done by the
 * gateway, at most (and none while the engine takes no more): a sender
 * is to be held back as soon as a receiver falls behind, and what was read
 * ahead still reaches that receiver. 32 halved the fan-out's throughput
 * (docs/performance.md 4c); without block the item pool is the bound. */
#define DP_CW_AHEAD_BLOCK 256u

/* What the worker publishes. */
struct dp_cw_report {
	bool     on;
	uint32_t lcore;
	uint64_t items;        /* items written out */
	uint64_t msgs;         /* messages handed over (once each) */
	uint64_t records;      /* client records written (the fan-out) */
	/* Its loop's cost (stages.h): per message handed over (the unit of
	 * dp_stages_msg), stage by stage: deliver (the items: records
	 * written into clients' delivery rings, their publication), submit
	 * (records read and validated from clients' submit rings), slow
	 * (publishing these), loop; the longest turn. */
	struct dp_stage_stats stages;
	uint64_t cuts;         /* clients it cut off */
	uint64_t subs;         /* submissions read and handed over */
	uint64_t sub_heap;     /* ... of them past an item's room (heap) */
	uint64_t sub_full_turns; /* turns it stopped reading: no free item,
				  * or its read-ahead bound reached */
	uint64_t blocked_turns;  /* SlowConsumer = block held readers back (a
				  * receiver behind, or the engine full) */
	uint64_t loops, idle_turns, parks;
	/* ring side (filled in when the ring lcore publishes) */
	uint64_t held_refs;    /* messages handed as a held frame's reference */
	uint64_t copied_msgs, copied_bytes; /* ... or copied into the item */
	uint64_t full_waits;   /* hand-offs that waited for a free item */
};

struct dp_cw {
	/* worker side */
	struct rte_ring *out;        /* ring lcore -> worker */
	struct rte_ring *cut;        /* worker -> ring lcore */
	struct rte_mempool *items;
	struct rte_ring *in;         /* worker -> ring lcore: submissions */
	struct rte_mempool *subs;
	struct dp_gateway wr;        /* the worker's writer (gateway.h) */
	struct dp_gateway *gw;       /* the gateway: the counters we own */
	uint32_t rd[DP_GW_MAX_CLIENTS]; /* slots whose submit rings we read */
	uint32_t n_rd, rr;
	uint32_t ahead;              /* DP_CW_SUBS, or DP_CW_AHEAD_BLOCK */
	uint64_t handed;             /* submissions handed over */
	uint64_t pub_overflowed, pub_names_dropped; /* last put in gw->st */
	struct dp_idle idle;
	struct dp_cw_report w;
	uint32_t behind;             /* published: wr.n_behind */
	/* With several client workers (cworkers.h): all of them, for
	 * SlowConsumer = block's "any local receiver behind" (NULL: this one
	 * alone). */
	struct dp_cw *const *peers;
	uint32_t n_peers;
	uint32_t idx;                /* which one (names of its rings) */
	/* SlowConsumer = block: its clients' room, for the gateway's
	 * admission bound (gateway.h), and what was published last. */
	struct dp_gw_room_pub room_pub;
	struct dp_gw_room room_last;
	bool     ring_stopped;
	bool     draining;           /* stopping: write, read no more */
	struct dp_stages stg;        /* its loop's cost (stages.h) */
	uint64_t next_slow;          /* TSC: publish, roll the stall window */
	uint64_t slow_len;           /* a millisecond of TSC */

	/* ring side */
	struct dp_gw_fanout fan __attribute__((aligned(64)));
	uint64_t held_refs, copied_msgs, copied_bytes, full_waits;
	uint64_t subs_done;          /* the worker reads it (release) */
	bool     count_done;         /* ahead bounded: subs_done kept */
	bool     hold;               /* the engine is full (relaxed) */
	/* Tests: called instead of pausing while no item is free (a test
	 * drives the worker from the same thread). */
	void (*on_full)(void *ctx);
	void *on_full_ctx;

	/* cold */
	unsigned lcore;
	struct {
		uint32_t seq;
		struct dp_cw_report r;
	} pub __attribute__((aligned(64)));
};

/* Build the worker for gateway gw (which then hands it every delivery:
 * dp_gw_set_fanout), to run on lcore; socket: NUMA node of its rings.
 * idle: the ring lcore's strategy. Returns 0 or -errno with the reason in
 * err. Before the ring starts. */
int dp_cw_create(struct dp_cw *cw, struct dp_gateway *gw, unsigned lcore,
		 int socket, const struct dp_idle_ops *idle,
		 uint64_t idle_max_park_ns, char *err, size_t errlen);
/* The same for the idx-th of several (its rings and pools named apart;
 * dataplane/cworkers.h then takes the gateway's hand-off over). */
int dp_cw_create_nth(struct dp_cw *cw, struct dp_gateway *gw, uint32_t idx,
		     unsigned lcore, int socket, const struct dp_idle_ops *idle,
		     uint64_t idle_max_park_ns, char *err, size_t errlen);

/* Time one loop turn in sample_every stage by stage (0: none; the
 * longest turn is kept anyway), taking bias cycles off each boundary: the
 * ring lcore's settings (dataplane/stages.h), once it has them. Before
 * the worker runs; until then it times no turn. */
void dp_cw_set_stages(struct dp_cw *cw, uint32_t sample_every, uint64_t bias);

/* One turn of the worker. Returns the work done (0: idle). */
unsigned dp_cw_do_work(struct dp_cw *cw);

/* Loop until *quit and the ring lcore stopped, then write what is left. */
void dp_cw_run(struct dp_cw *cw, volatile bool *quit);

/* The ring lcore stopped (its last hand-off is in the ring). */
void dp_cw_ring_stop(struct dp_cw *cw);

/* After the lcore returned: every item's reference dropped, rings and
 * pool freed. */
void dp_cw_destroy(struct dp_cw *cw);

/* The worker's counters with the ring side's; any thread (the ring side's
 * are read as they are). */
void dp_cw_read(const struct dp_cw *cw, struct dp_cw_report *out);
/* The same for struct ordod_counters_src (dataplane/ctrl_counters.h). */
void dp_cw_read_any(const void *cw, struct dp_cw_report *out);
/* Its stage counters alone, for the telemetry (dataplane/telemetry.h). */
void dp_cw_stages_any(const void *cw, struct dp_stage_stats *out);

#endif /* ORDO_DP_CWORKER_H */
