/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The ordo protocol engine: Totem single-ring ordering (Amir et al., TOCS
 * 1995) in its Accelerated Ring form (Babay & Amir, ICDCS 2016), as a pure
 * state machine. It performs no I/O, owns no thread and reads no clock:
 *
 *   in:  ordo_engine_rx()      a received packet
 *        ordo_engine_rx_frame() the same, in a frame it may keep by handle
 *        ordo_engine_tick()    the current time, to fire expired timers
 *        ordo_engine_submit()  a message from a local client
 *        ordo_engine_link()    our own link went down or came up
 *   out: ops->send()           a packet to multicast or to one member
 *        ops->deliver()        a message, in the ring's total order
 *        ordo_engine_next_deadline()  when the engine next needs a tick
 *
 *        ops->config_change()  a membership change, in order with messages
 *        ops->frame_*()        optional: frames held by handle instead of
 *                              copies in the store (see the ops)
 *
 * All state lives in one struct ordo_engine, so the same code runs on a
 * DPDK lcore and inside the deterministic simulator. Memory is allocated
 * only by ordo_engine_create() (or _create_mem(), from the caller's
 * allocator); the steady state never allocates, except to
 * grow a reassembly buffer the first time a larger message arrives, and
 * frames, which come from ops->frame_alloc when the caller gives it.
 *
 * Return values: 0 or a negative errno; constructors return NULL and set
 * errno. See docs/protocol.md for the protocol and our deviations.
 */
#ifndef ORDO_ENGINE_H
#define ORDO_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "ordo/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Destination of ops->send() that means "multicast to the whole ring". */
#define ORDO_DEST_RING 0u

/* Largest message a client may submit (fragmented on the wire). */
#define ORDO_MAX_MSG_SIZE_LIMIT (64u << 20)

struct ordo_engine;

/* One message handed up in total order. Valid only during the callback. */
struct ordo_delivery {
	uint64_t    seq;      /* ring sequence of the packet that completed it */
	uint32_t    sender;   /* node id of the member that submitted it */
	uint16_t    msg_type; /* as submitted */
	uint8_t     service;  /* enum ordo_service */
	uint8_t     transitional; /* 1: delivered in the transitional
				   * configuration that follows the ring */
	const void *data;
	uint32_t    len;
	uint32_t    ring_rep; /* the ring (regular configuration) it was */
	uint32_t    ring_seq; /* sent and ordered in */
	/* With the frame ops: the handle of the held frame data lies in (a
	 * message that came in one packet), which the caller may keep alive
	 * past the call by its own means (a reference count); 0: data is in
	 * the engine's memory (copied store, reassembly), valid during the
	 * call only. */
	uint64_t    frame;
};

enum ordo_config_kind {
	ORDO_CONF_REGULAR = 1,      /* a new ring is operational */
	ORDO_CONF_TRANSITIONAL = 2, /* members of the old ring moving on */
};

/* A membership change, delivered in order with the messages (Extended
 * Virtual Synchrony). A transitional configuration follows the regular
 * configuration prev and precedes the regular configuration ring; its
 * members are those of prev that move to ring together. Members are listed
 * in ascending node id order (the ring's token order). */
struct ordo_config_change {
	uint8_t  kind;     /* enum ordo_config_kind */
	uint8_t  pad[3];
	uint32_t ring_rep, ring_seq; /* the regular configuration it leads to */
	uint32_t prev_rep, prev_seq; /* transitional: the one it follows */
	uint32_t n_members;
	uint32_t members[ORDO_MAX_MEMBERS];
};

struct ordo_engine_ops {
	/* Transmit a packet. dest is ORDO_DEST_RING or a member's node id. The
	 * engine keeps ownership of pkt; copy it if it must outlive the call. */
	void (*send)(void *ctx, uint32_t dest, const void *pkt, uint32_t len);
	/* A message, in total order. */
	void (*deliver)(void *ctx, const struct ordo_delivery *d);
	/* A configuration change, in order with deliveries. May be NULL. */
	void (*config_change)(void *ctx, const struct ordo_config_change *c);

	/* Frames held by handle (optional: all three or none). With them the
	 * engine's store keeps packets where they already are instead of
	 * copying them into its own buffers:
	 *   - a received DATA packet offered through ordo_engine_rx_frame()
	 *     is kept by handle (the dataplane's mbuf);
	 *   - a packet the engine builds is packed into a frame it takes
	 *     from frame_alloc() on the token visit, and sent (and resent
	 *     on a retransmission request) with frame_send();
	 * and every frame the engine took (allocated, or kept from rx) is
	 * handed back through frame_release() exactly once, when its store
	 * slot is freed: stable and delivered, the ring's store reset, the
	 * old ring finished in recovery, or ordo_engine_destroy(). The
	 * engine never touches a frame after releasing it. Without these
	 * ops (NULL) the engine copies packets into its own store.
	 *
	 * frame_alloc: a writable buffer of at least len bytes and its
	 * handle, or NULL when none is free (the packet is then built in
	 * the store's own buffer and sent with send, as without the frame
	 * ops; counted in stats.frame_alloc_fails).
	 * frame_send: as send, for a packet held in frame handle (pkt points
	 * into it). The engine still owns the frame: the callee takes its
	 * own reference if the frame must outlive the call (a retransmission
	 * sends the very frame again). */
	void *(*frame_alloc)(void *ctx, uint32_t len, uint64_t *handle);
	void  (*frame_send)(void *ctx, uint32_t dest, uint64_t handle,
			    const void *pkt, uint32_t len);
	void  (*frame_release)(void *ctx, uint64_t handle);
};

struct ordo_engine_config {
	uint32_t my_id;           /* our node id, non-zero */
	uint32_t incarnation;     /* non-zero; must change at every restart */
	uint32_t ring_seq_floor;  /* highest ring sequence this node used
				   * before it restarted (persist
				   * ordo_engine_status().ring_seq_max, as
				   * Corosync persists its ring id): a new
				   * ring never reuses an old ring's id */
	uint32_t n_members;       /* 1 .. ORDO_MAX_MEMBERS */
	uint32_t members[ORDO_MAX_MEMBERS]; /* every daemon that may join */
	uint32_t config_hash;     /* peers with another hash are refused */

	uint32_t mtu;             /* largest protocol packet, bytes */
	uint32_t personal_window; /* new packets one member sends per visit */
	uint32_t global_window;   /* new packets all members send per rotation */
	uint32_t accel_window;    /* of those, sent after passing the token */
	uint32_t store_packets;   /* packets held for retransmission (power of 2) */
	uint32_t max_msg_size;    /* largest message, bytes */
	uint32_t submit_bytes;    /* submit queue capacity, bytes */

	uint64_t token_retransmit_ns; /* resend the token if no sign it arrived */
	uint64_t token_hold_ns;   /* an idle ring's holder keeps the token this
				   * long before passing it (0: never, the
				   * token spins; see docs/protocol.md) */
	uint64_t token_loss_ns;   /* no token for this long: the ring failed */
	uint64_t join_ns;         /* resend our join this often while gathering */
	uint64_t consensus_ns;    /* members silent this long are declared failed */
	uint64_t merge_detect_ns; /* the representative announces its ring */
	uint32_t fail_recv_rounds; /* a member that asks for the same packet this
				    * many rotations cannot receive: exclude it */
	uint64_t flap_hold_ns;    /* a member that left the ring twice within
				   * this is held out until heard without a
				   * gap for this long (0: never held out;
				   * docs/protocol.md, engine/flap.c) */
	uint64_t holddown_ns;     /* first exclusion of a flapping or one-way
				   * member; doubles on each repeat */
};

/* Fill cfg with the defaults documented in docs/protocol.md. The caller then
 * sets my_id, the members and whatever it tunes. */
void ordo_engine_config_defaults(struct ordo_engine_config *cfg);

/* Check a configuration; returns 0 or -EINVAL and, if err is not NULL,
 * writes a one-line reason into it. */
int ordo_engine_config_check(const struct ordo_engine_config *cfg, char *err,
			     size_t errlen);

struct ordo_engine *ordo_engine_create(const struct ordo_engine_config *cfg,
				       const struct ordo_engine_ops *ops,
				       void *ctx);

/* Where the engine's memory comes from: the packet stores, the submit
 * queues, the reassembly buffers and the instance itself. The dataplane
 * passes hugepage memory on its lcore's NUMA node; ordo_engine_create()
 * uses the C heap. alloc returns memory aligned to align (a power of two,
 * at most 64), not necessarily zeroed; grow is realloc-like (only for the
 * reassembly buffers, the first time a larger message than ever arrives).
 * Every callback runs inside create, destroy, or the call that grows. */
struct ordo_engine_mem {
	void *(*alloc)(void *ctx, size_t size, size_t align);
	void *(*grow)(void *ctx, void *p, size_t size);
	void  (*free)(void *ctx, void *p);
	void *ctx;
};

struct ordo_engine *ordo_engine_create_mem(const struct ordo_engine_config *cfg,
					   const struct ordo_engine_ops *ops,
					   void *ctx,
					   const struct ordo_engine_mem *mem);
void ordo_engine_destroy(struct ordo_engine *e);

/* Touch every buffer the engine allocated, so the hot path never takes a
 * page fault (tens of MiB with the defaults; more with jumbo frames). A
 * dataplane calls it once after create; short-lived engines need not. */
void ordo_engine_prefault(struct ordo_engine *e);

/* Begin operating at time now: the member starts alone and gathers every
 * configured member it can reach into a ring. Call once, after create. */
void ordo_engine_start(struct ordo_engine *e, uint64_t now);

/* Queue a message for multicast. Returns 0, -EAGAIN when the submit queue
 * is full (back-pressure: retry after deliveries), -EMSGSIZE when len is
 * above max_msg_size, -EINVAL for a bad service. */
int ordo_engine_submit(struct ordo_engine *e, uint8_t service,
		       uint16_t msg_type, const void *data, uint32_t len);
int ordo_engine_submitv(struct ordo_engine *e, uint8_t service,
			uint16_t msg_type, const struct iovec *iov, int iovcnt);

/* A daemon's own control message (the group layer's state after a merge):
 * sent before every client message, in the ring's total order like any
 * other message of its service. It belongs to the ring it was queued in:
 * if that ring changes before it is sent, it is discarded (the caller
 * queues a fresh one for the new ring). Same returns as submit. */
int ordo_engine_submit_control(struct ordo_engine *e, uint8_t service,
			       uint16_t msg_type, const struct iovec *iov,
			       int iovcnt);

/* Hold clients' messages back (they stay queued and submit still accepts
 * them) until called again with false; control messages still go. The
 * group layer pauses clients while daemons exchange group state, so no
 * client message is ordered before the merged group table exists. */
void ordo_engine_pause_clients(struct ordo_engine *e, bool pause);

/* Bytes free in the submit queue (a message of n bytes needs about n+16). */
uint32_t ordo_engine_submit_space(const struct ordo_engine *e);

/* A packet received from the network at time now. Returns 0 when it was
 * used, or a negative enum ordo_drop_reason when it was counted and
 * dropped. Never trusts the packet: any byte string is safe to pass. */
int ordo_engine_rx(struct ordo_engine *e, const void *pkt, uint32_t len,
		   uint64_t now);

/* As ordo_engine_rx(), for a packet inside a frame the caller may leave
 * with the engine: when *kept comes back true the engine holds the frame
 * by handle (pkt stays valid and unchanged until the engine calls
 * ops->frame_release(handle), exactly once); when false the caller keeps
 * it. The release may come before this call returns (a packet delivered
 * and stable at once): a caller that still reads the frame afterwards
 * takes its own reference first. Only an engine created with the frame ops keeps frames; without
 * them this is ordo_engine_rx() and *kept is false. */
int ordo_engine_rx_frame(struct ordo_engine *e, const void *pkt, uint32_t len,
			 uint64_t now, uint64_t handle, bool *kept);

/* Fire every timer that expired at or before now. */
void ordo_engine_tick(struct ordo_engine *e, uint64_t now);

/* Our own link (the port the ring runs on) went down or came up at time
 * now, as the dataplane reads it from the device. A member whose link went
 * down twice within flap_hold_ns holds itself out of the ring until its
 * link has stayed up for flap_hold_ns: it runs a ring of its own and says
 * so in its joins and beacons, so the others neither wait for it nor
 * re-form at its packets (link-flap dampening; engine/flap.c). Reporting
 * the same state twice is harmless. Without calls the link counts as up. */
void ordo_engine_link(struct ordo_engine *e, bool up, uint64_t now);

/* Earliest time the engine wants ordo_engine_tick(), or UINT64_MAX. */
uint64_t ordo_engine_next_deadline(const struct ordo_engine *e);

/* Why a packet was dropped; each has a counter. */
enum ordo_drop_reason {
	ORDO_DROP_NONE = 0,
	ORDO_DROP_TRUNCATED,     /* shorter than its headers say */
	ORDO_DROP_BAD_MAGIC,     /* not an ordo packet */
	ORDO_DROP_BAD_VERSION,   /* another wire version */
	ORDO_DROP_BAD_TYPE,      /* unknown packet type */
	ORDO_DROP_BAD_LEN,       /* length field disagrees with the bytes */
	ORDO_DROP_CONFIG,        /* sender runs another configuration */
	ORDO_DROP_NOT_MEMBER,    /* sender is not in our ring */
	ORDO_DROP_FOREIGN_RING,  /* another ring id */
	ORDO_DROP_BAD_RECORD,    /* records overrun the packet or are invalid */
	ORDO_DROP_BAD_TOKEN,     /* token fields are inconsistent */
	ORDO_DROP_DUP_DATA,      /* sequence already held or discarded */
	ORDO_DROP_DUP_TOKEN,     /* token seen before (a retransmission) */
	ORDO_DROP_WINDOW,        /* sequence beyond our store */
	ORDO_DROP_FROM_SELF,     /* our own multicast looped back */
	ORDO_DROP_NOT_FOR_US,    /* a token addressed to another member */
	ORDO_DROP_BAD_JOIN,      /* join or commit token fields inconsistent */
	ORDO_DROP_STATE,         /* valid, but not expected in this state */
	ORDO_DROP_HELD_DOWN,     /* from a member we exclude for now */
	ORDO_DROP_RING_ALIVE,    /* a member says it left our ring, yet its
				  * token still comes round: stale or forged */
	ORDO_DROP_REASON_MAX
};

const char *ordo_drop_reason_name(enum ordo_drop_reason r);

struct ordo_engine_stats {
	uint64_t rx_data, rx_token;
	uint64_t tx_data, tx_token;
	uint64_t tx_retrans;        /* data packets resent for an rtr request */
	uint64_t rtr_requested;     /* sequence numbers we asked for */
	uint64_t token_retrans;     /* tokens resent after a timeout */
	uint64_t rotations;         /* token visits at this member */
	uint64_t submitted;         /* messages accepted by submit */
	uint64_t delivered, delivered_bytes;
	uint64_t reassembly_drops;  /* fragmented messages that were invalid */
	uint64_t ring_changes;      /* regular configurations installed */
	uint64_t token_losses;      /* token loss timeouts */
	uint64_t recovery_stalls;   /* recoveries given up: they could never
				     * finish (a forged DONE slot, token.c) */
	uint64_t joins_sent, commits;
	uint64_t excluded;          /* members held down (cannot receive) */
	uint64_t flap_holds;        /* members we began to hold out for
				     * flapping (engine/flap.c) */
	uint64_t self_holds;        /* times our own link flapped and we
				     * began to hold ourselves out */
	/* Frames by handle (ops->frame_*): packets kept from rx, frames
	 * allocated, released, held now, and packets built in the store's
	 * own buffer because frame_alloc() had none. */
	uint64_t frames_kept, frames_alloc, frames_released, frames_held;
	uint64_t frame_alloc_fails;
	uint64_t drops[ORDO_DROP_REASON_MAX];
	/* The last peer refused for running another configuration, so the
	 * daemon can name it (as Spread does); 0 if none yet. */
	uint32_t config_mismatch_from;
	uint32_t config_mismatch_hash;
};

const struct ordo_engine_stats *ordo_engine_stats(const struct ordo_engine *e);

/* Ordering state, for tools and tests. */
struct ordo_engine_status {
	uint64_t my_aru;      /* we hold every sequence up to here */
	uint64_t high_seq;    /* highest sequence we know was assigned */
	uint64_t delivered;   /* we delivered every sequence up to here */
	uint64_t safe;        /* every member holds every sequence up to here */
	uint32_t ring_rep, ring_seq;
	uint32_t ring_seq_max;  /* highest ring sequence used or seen */
	uint32_t n_members;     /* in the current ring */
	uint32_t members[ORDO_MAX_MEMBERS];
	uint32_t state;         /* enum ordo_memb_state */
	uint32_t submit_queued; /* messages waiting to be sent */
	/* Flapping (engine/flap.c): members held out now, by us or by what
	 * other members told us, and whether a ring holds us out. */
	uint32_t n_held_out;
	uint32_t held_out[ORDO_MAX_MEMBERS];
	bool     held_by_ring;
	bool     self_held;     /* our own link flaps: we hold ourselves out */
};

enum ordo_memb_state {
	ORDO_STATE_GATHER = 1,      /* finding reachable members */
	ORDO_STATE_COMMIT = 2,      /* agreeing on the new ring */
	ORDO_STATE_RECOVERY = 3,    /* finishing the old ring's messages */
	ORDO_STATE_OPERATIONAL = 4, /* ordering messages */
};
const char *ordo_memb_state_name(uint32_t state);

void ordo_engine_status(const struct ordo_engine *e,
			struct ordo_engine_status *st);

#ifdef __cplusplus
}
#endif

#endif /* ORDO_ENGINE_H */
