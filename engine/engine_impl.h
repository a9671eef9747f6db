/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Engine internals: the instance struct and the functions the engine's
 * files call on each other. Nothing outside engine/ includes this; the
 * engine's own benchmark fixtures that need it live in engine/bench/.
 * Every function declared here carries the prefix eng_ (the public API is
 * ordo_*, engine/engine.h); a function one file uses is static there.
 *
 * File map (one concern each):
 *   engine.c   create/destroy, configuration, rx dispatch, timers, stats
 *   codec.c    parse and validate packets; byte order; encode the token
 *   store.c    packets held by sequence number, for delivery/retransmission:
 *              copied in, or frames held by handle (ops->frame_*)
 *   submit.c   the submit queue; packing and fragmentation into packets
 *   token.c    the token visit: retransmit, send, update, pass (the paper)
 *   data.c     receiving a DATA packet
 *   deliver.c  in-order and SAFE delivery, reassembly, garbage collection
 *   memb.c     membership states, timers, beacons, hold-down of bad members
 *   mend.c     ending a back-off early once the broken link is mended
 *   flap.c     flapping members held out until stable
 *   join.c     the gather phase: join messages and consensus
 *   commit.c   the commit token: agreeing on the new ring
 *   recovery.c finishing the old ring in the new one; EVS delivery
 */
#ifndef ORDO_ENGINE_IMPL_H
#define ORDO_ENGINE_IMPL_H

#include <stdbool.h>
#include <string.h>

#include "engine/engine.h"

#define NEVER UINT64_MAX

/* ---- byte order: the wire is big-endian ---------------------------------*/
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint16_t be16(uint16_t v) { return __builtin_bswap16(v); }
static inline uint32_t be32(uint32_t v) { return __builtin_bswap32(v); }
static inline uint64_t be64(uint64_t v) { return __builtin_bswap64(v); }
#else
static inline uint16_t be16(uint16_t v) { return v; }
static inline uint32_t be32(uint32_t v) { return v; }
static inline uint64_t be64(uint64_t v) { return v; }
#endif

/* ---- codec.c: validated views of received packets -----------------------*/
struct pkt_view {
	uint8_t  type;
	uint32_t sender;
	uint32_t len;            /* header's length (bytes after it are padding) */
	uint32_t ring_rep, ring_seq;
	const uint8_t *body;     /* after the common header */
	uint32_t body_len;
	/* DATA */
	uint64_t seq;
	uint32_t round;
	uint16_t nrec;
	uint8_t  dflags;
	/* TOKEN (host order) */
	struct ordo_wire_token tok;
	const uint8_t *rtr;      /* rtr_count big-endian uint64 */
	/* JOIN, BEACON */
	uint32_t incarnation;
	uint32_t ring_seq_max;
	uint8_t  n_proc, n_fail, n_heard, n_out, jflags;
	const uint8_t *ids;      /* n_proc + n_fail + n_heard + n_out
				  * big-endian uint32 */
	/* BEACON */
	uint16_t b_out;          /* members the ring holds out */
	/* COMMIT */
	uint32_t c_dest;
	uint16_t c_hop;
	uint8_t  c_n;
	const uint8_t *memb;     /* c_n struct ordo_wire_memb, big-endian */
};

static inline uint32_t view_id(const uint8_t *ids, uint32_t i)
{
	uint32_t v;

	memcpy(&v, ids + 4 * i, 4);
	return be32(v);
}
void eng_codec_memb_get(const uint8_t *memb, uint32_t i,
			struct ordo_wire_memb *m);
void eng_codec_memb_put(uint8_t *memb, uint32_t i,
			const struct ordo_wire_memb *m);

int eng_codec_parse(const void *pkt, uint32_t len, uint32_t config_hash,
		    struct pkt_view *v);
void eng_codec_write_hdr(void *buf, uint8_t type, uint32_t config_hash,
			 uint32_t sender, uint32_t len, uint32_t ring_rep,
			 uint32_t ring_seq);
uint32_t eng_codec_write_token(void *buf, const struct ordo_wire_token *tok,
			       const uint64_t *rtr, uint32_t config_hash,
			       uint32_t sender, uint32_t ring_rep,
			       uint32_t ring_seq);

/* Iterate the records of a validated DATA packet. */
struct rec_iter {
	const uint8_t *p, *end;
};
struct rec {
	const uint8_t *data;
	uint32_t len;
	uint16_t msg_type;
	uint8_t  service;
	uint8_t  flags;
};
static inline void rec_iter_init(struct rec_iter *it, const uint8_t *pkt,
				 uint32_t len)
{
	it->p = pkt + sizeof(struct ordo_wire_hdr) +
		sizeof(struct ordo_wire_data);
	it->end = pkt + len;
}
static inline bool rec_next(struct rec_iter *it, struct rec *r)
{
	struct ordo_wire_rec w;

	if (it->p + sizeof(w) > it->end)
		return false;
	memcpy(&w, it->p, sizeof(w));
	r->len = be32(w.len);
	r->msg_type = be16(w.msg_type);
	r->service = w.service;
	r->flags = w.flags;
	r->data = it->p + sizeof(w);
	it->p = r->data + r->len;
	return true;
}

/* ---- store.c: packets by sequence number --------------------------------*/
/* A slot's packet is either in the store's own buffer for its index
 * (copied in) or in a frame held by handle (engine.h, ops->frame_*):
 * pkt says where, held says which. Invariant: held implies seq != 0;
 * a slot is emptied only by eng_store_free(), which hands a held frame
 * back and points pkt at the own buffer again. */
struct slot {
	uint64_t seq; /* 0: empty */
	uint32_t len;
	uint8_t  held;
	uint8_t  pad[3];
	uint8_t *pkt;
	uint64_t handle;
};

struct store {
	struct slot *slots;
	uint8_t *bufs;    /* capacity * stride bytes */
	uint32_t capacity; /* power of two */
	uint32_t stride;   /* mtu rounded up to a cache line */
};

struct ordo_engine;
int eng_store_init(struct store *s, const struct ordo_engine_mem *m,
		   uint32_t capacity, uint32_t mtu);
void eng_store_fini(struct ordo_engine *e, struct store *s);

/* The packet held for seq (valid while store_has(s, seq)). */
static inline uint8_t *store_buf(const struct store *s, uint64_t seq)
{
	return s->slots[seq & (s->capacity - 1)].pkt;
}
/* The store's own buffer for seq's index: where a copied packet goes. */
static inline uint8_t *store_own(const struct store *s, uint64_t seq)
{
	return s->bufs + (size_t)(seq & (s->capacity - 1)) * s->stride;
}
static inline struct slot *store_slot(const struct store *s, uint64_t seq)
{
	return &s->slots[seq & (s->capacity - 1)];
}
static inline bool store_has(const struct store *s, uint64_t seq)
{
	return store_slot(s, seq)->seq == seq;
}
/* Fill seq's slot: a copy into the own buffer (handle ignored, held
 * false) or a frame held by handle. Any packet still in the slot is
 * freed first (store.c). */
void eng_store_put_copy(struct ordo_engine *e, struct store *s, uint64_t seq,
			const void *pkt, uint32_t len);
void eng_store_put_frame(struct ordo_engine *e, struct store *s, uint64_t seq,
			 uint8_t *pkt, uint32_t len, uint64_t handle);
/* A frame from ops->frame_alloc (NULL without the frame ops or when it
 * has none), and one handed back; both counted (frames_*). */
uint8_t *eng_frame_alloc(struct ordo_engine *e, uint64_t *handle);
void eng_frame_release(struct ordo_engine *e, uint64_t handle);
/* Empty one slot / every slot, releasing held frames. */
void eng_store_free(struct ordo_engine *e, struct store *s, struct slot *sl);
void eng_store_clear(struct ordo_engine *e, struct store *s);
static inline bool eng_frames(const struct ordo_engine_ops *o)
{
	return o->frame_alloc != NULL;
}

/* ---- submit.c: queue of messages waiting for the token ------------------*/
struct submit_q {
	uint8_t *buf;
	uint32_t cap;        /* bytes */
	uint32_t head, tail; /* byte offsets: read at head, write at tail */
	uint32_t used;       /* bytes in use, including skipped tails */
	uint32_t held;       /* record bytes in queued frames (submit.c) */
	uint32_t count;      /* messages queued */
	uint32_t entries;    /* entries: messages, and frames of messages */
	uint32_t open;       /* offset of the frame still filled, or
			      * SUBMIT_NO_FRAME */
	uint32_t head_sent;  /* bytes of the head message already packed */
};
#define SUBMIT_NO_FRAME UINT32_MAX

int eng_submit_init(struct submit_q *q, const struct ordo_engine_mem *m,
		    uint32_t cap);
void eng_submit_fini(struct ordo_engine *e, struct submit_q *q);

/* ---- per-sender reassembly of fragmented messages -----------------------*/
struct reasm {
	uint8_t *buf;
	uint32_t len, cap;
	uint16_t msg_type;
	uint8_t  service;
	bool     active;   /* a FIRST fragment was seen, LAST not yet */
	bool     discard;  /* message invalid: skip fragments until LAST */
};

/* ---- ring sequences ---------------------------------------------------------
 * A ring's sequence number only moves through the membership exchange: the
 * representative names the new ring one past the highest sequence that the
 * members it agreed with reported in their joins (and that is bounded
 * below), and a member takes it from a commit token of exactly the
 * membership it gathered. Nothing else, however well formed, raises it.
 *
 * They wrap instead of running out: 31-bit serial-number arithmetic
 * (RFC 1982), 0 meaning "no ring" and skipped. A join may claim at most
 * RSEQ_JUMP beyond what we hold, and a commit token may name at most
 * RSEQ_JUMP + 1 beyond what its members claimed, so the sequences of
 * members that meet stay far closer than the 2^30 the comparison needs,
 * and a forged claim moves the next ring's number by at most RSEQ_JUMP:
 * 2^31 / RSEQ_JUMP = 2048 rings formed under such claims before a number
 * comes round again (docs/protocol.md, "Ring sequences"). */
#define RSEQ_JUMP (1u << 20)

static inline uint32_t rseq_add(uint32_t a, uint32_t d)
{
	uint32_t s = (a + d) & ORDO_RING_SEQ_MAX;

	return s != 0 ? s : 1;
}

/* a is a later ring than b. */
static inline bool rseq_after(uint32_t a, uint32_t b)
{
	uint32_t d = (a - b) & ORDO_RING_SEQ_MAX;

	if (a == 0)
		return false;
	if (b == 0)
		return true;
	return d != 0 && d < (1u << 30);
}

static inline uint32_t rseq_max(uint32_t a, uint32_t b)
{
	return rseq_after(a, b) ? a : b;
}

/* a is within w of b, either way (serial distance). */
static inline bool rseq_near(uint32_t a, uint32_t b, uint32_t w)
{
	return ((a - b) & ORDO_RING_SEQ_MAX) <= w ||
	       ((b - a) & ORDO_RING_SEQ_MAX) <= w;
}

/* A claim v, as far as we believe it: within RSEQ_JUMP of our own base,
 * else the nearest end of that window. (Far values would also confuse
 * the serial comparison, and 0, "no ring", sits before any of them.) */
static inline uint32_t rseq_bound(uint32_t v, uint32_t base)
{
	if (v == 0 || rseq_near(v, base, RSEQ_JUMP))
		return v;
	return rseq_after(v, base) ? rseq_add(base, RSEQ_JUMP) : base;
}

/* ---- membership ------------------------------------------------------------
 * Sets of members are bitmasks over the index of a node in cfg.members. */
typedef uint32_t mset;

struct ring_view {
	uint32_t rep, seq;              /* ring id; seq 0: no ring */
	uint32_t n;
	uint32_t ids[ORDO_MAX_MEMBERS]; /* ascending: the token's order */
	uint32_t inc[ORDO_MAX_MEMBERS]; /* each member's incarnation */
	mset     mask;
};

/* The ring we left, until its successor is installed. */
struct old_ring {
	bool     pending;    /* left, not yet finished in a new ring */
	struct ring_view ring;
	struct store store;
	uint64_t my_aru, high_seq, delivered, safe, low;
	/* Agreed through the commit token, among members of this old ring
	 * that move to the new ring together (the transitional members). */
	uint64_t low_all, high_all, max_safe;
	mset     trans;
	mset     done;       /* new-ring members whose recovery is complete */
};

struct memb {
	mset     proc, fail, consensus;
	mset     agreed;      /* membership being committed */
	uint64_t last_heard[ORDO_MAX_MEMBERS]; /* last packet from each */
	uint64_t since;       /* this membership change started */
	uint64_t started;     /* this engine started */
	mset     heard_mature; /* whose heard sets are evidence */
	mset     their_heard[ORDO_MAX_MEMBERS]; /* what each says it hears */
	uint64_t their_heard_at[ORDO_MAX_MEMBERS]; /* when it said so */
	mset     their_memb[ORDO_MAX_MEMBERS]; /* its join's proc - fail */
	uint64_t speak_since[ORDO_MAX_MEMBERS]; /* first of its recent joins */
	mset     heard_sent;  /* the heard set our last join carried */
	uint8_t  disagree[ORDO_MAX_MEMBERS]; /* timeouts it did not agree */
	mset     given_up;    /* disagreed too long: not counted as heard */
	/* Left out for broken links: its beacons do not make us re-form. */
	uint64_t backoff_until[ORDO_MAX_MEMBERS];
	uint64_t last_backoff[ORDO_MAX_MEMBERS];
	uint32_t backoffs[ORDO_MAX_MEMBERS];
	mset     backoff_deaf[ORDO_MAX_MEMBERS]; /* whom it did not hear then */
	uint64_t probe_at;    /* next beacon in answer to one (mend.c) */
	/* Highest ring sequence we formed, took from a commit token, or were
	 * started with; what our joins claim. */
	uint32_t ring_seq_max;
	/* What each member's last join claimed, bounded (RSEQ_JUMP). */
	uint32_t their_seq[ORDO_MAX_MEMBERS];
	bool     seq_stretched; /* raised once in this gather (commit.c) */
	uint64_t join_at, consensus_at, state_timeout_at, beacon_at;
	uint64_t token_loss_at;
	uint32_t inc[ORDO_MAX_MEMBERS];      /* last incarnation seen */
	uint64_t holddown_until[ORDO_MAX_MEMBERS];
	uint64_t last_strike[ORDO_MAX_MEMBERS];
	uint32_t strikes[ORDO_MAX_MEMBERS];
	/* Flapping members (flap.c). */
	uint64_t last_loss[ORDO_MAX_MEMBERS];   /* it last left our ring, +1 */
	uint64_t back_at[ORDO_MAX_MEMBERS];     /* it last came in again, +1 */
	uint64_t heard_since[ORDO_MAX_MEMBERS]; /* heard without a long gap */
	mset     flappy;      /* we hold out: lost twice within flap_hold_ns */
	mset     their_out[ORDO_MAX_MEMBERS];   /* what each holds out (join) */
	mset     tok_out;     /* the ring's union, from the last token */
	uint64_t tok_out_at;  /* when that token came, +1 */
	/* Our own link (ordo_engine_link): down now, its last change of each
	 * kind (+1, 0: never), and whether we hold ourselves out. */
	bool     link_down;
	bool     self_hold;
	uint64_t link_down_at, link_up_at;
	/* Members that say they hold themselves out (their own link flaps):
	 * when they last said so, +1; 0: they do not. */
	uint64_t self_out_at[ORDO_MAX_MEMBERS];
	/* A ring that holds us out, by its last beacon saying so. */
	uint32_t held_by_rep, held_by_seq;
	uint64_t held_by_at;  /* that beacon came, +1 */

	/* A commit token we refused (commit.c, commit_refused), +1. */
	uint32_t refused_rep, refused_seq;
	uint64_t refused_at;
	/* The commit token we last sent, for retransmission. */
	uint32_t commit_seq_seen;
	uint16_t commit_hop_seen;
	uint32_t commit_len;
	uint64_t commit_retx_at;
	uint32_t commit_next;
	uint8_t  commit_buf[ORDO_WIRE_COMMIT_MAX_LEN];
	/* Fail to receive: the token's aru stuck at one member. */
	uint64_t stuck_aru;
	uint32_t stuck_id, stuck_rounds;
	uint32_t recovery_idle; /* rotations of a recovery with nothing left
				 * to order or deliver (token.c) */
};

/* ---- the instance --------------------------------------------------------*/
struct ordo_engine {
	struct ordo_engine_mem mem; /* where every buffer came from */
	struct ordo_engine_config cfg;
	struct ordo_engine_ops ops;
	void *ctx;

	uint32_t my_idx;      /* our position in cfg.members */
	uint32_t next_id;     /* successor on the ring */
	uint32_t ring_rep, ring_seq; /* the ring packets are sent in */
	uint32_t payload_cap; /* record bytes a DATA packet can carry */
	uint32_t state;       /* enum ordo_memb_state */
	uint32_t ring_seq_pending; /* ring being committed */
	struct ring_view ring;    /* current ring (during recovery: the new) */
	struct ring_view inst;    /* last installed regular configuration */
	struct old_ring old;
	struct memb m;

	/* Ordering state (sequence numbers start at 1; 0 means none). */
	struct store store;
	uint64_t my_aru;    /* we hold every sequence <= my_aru */
	uint64_t high_seq;  /* highest sequence seen assigned */
	uint64_t delivered; /* every sequence <= delivered was delivered */
	uint64_t safe;      /* every member holds every sequence <= safe */
	uint64_t low;       /* sequences <= low are released from the store */

	/* Token state. */
	uint64_t last_token_seq;   /* highest token_seq accepted */
	uint64_t passed_token_seq; /* token_seq of the token we last passed */
	uint64_t rtr_bound;        /* token seq when we last forwarded it */
	uint64_t aru_fwd_prev;     /* token aru when we last forwarded it */
	uint32_t my_last_sent;     /* packets we sent on our last visit */
	uint32_t my_last_backlog;  /* our backlog on our last visit */
	uint64_t token_rx_at;      /* we last took a token then, 0: never */
	uint64_t token_retx_at;    /* resend the token then, or NEVER */
	uint64_t self_token_at;    /* one-member ring: next visit, or NEVER */
	uint64_t hold_until;       /* idle ring: pass the token then, or NEVER */
	uint32_t token_len;
	uint8_t  token_buf[ORDO_WIRE_TOKEN_MAX_LEN];

	struct submit_q sq;   /* clients' messages */
	struct submit_q iq;   /* internal messages (recovery) and control
			       * messages, sent first */
	bool clients_paused;  /* ordo_engine_pause_clients() */
	/* Per sender: [0] clients' messages, [1] internal ones. */
	struct reasm reasm[2][ORDO_MAX_MEMBERS];

	struct ordo_engine_stats stats;
	uint64_t now;
	/* ordo_engine_rx_frame(): the packet on offer and whether the store
	 * kept it (data.c). pkt NULL: nothing on offer. */
	const uint8_t *offer_pkt;
	uint64_t offer_handle;
	bool offer_kept;
};

/* engine.c */
int eng_cfg_index(const struct ordo_engine *e, uint32_t id);
static inline bool in_ring(const struct ordo_engine *e, uint32_t id)
{
	int i = eng_cfg_index(e, id);

	return i >= 0 && (e->ring.mask & (1u << i));
}
static inline mset bit(int idx) { return 1u << idx; }
/* Our ring works: we are operational and took its token within half a
 * token loss timeout. A member of it cannot have left it (restarted,
 * gathered, formed another ring) without the token stopping at it, so
 * while this holds a packet claiming so is stale, corrupt or forged. */
static inline bool ring_alive(const struct ordo_engine *e)
{
	return e->state == ORDO_STATE_OPERATIONAL && e->token_rx_at != 0 &&
	       e->now - e->token_rx_at < e->cfg.token_loss_ns / 2;
}
/* A packet from sender says it left our ring; is that contradicted? */
static inline bool left_while_alive(const struct ordo_engine *e,
				    uint32_t sender)
{
	return ring_alive(e) && in_ring(e, sender);
}
static inline uint32_t popcount(mset s) { return (uint32_t)__builtin_popcount(s); }
void eng_send_pkt(struct ordo_engine *e, uint32_t dest, const void *p,
		  uint32_t len);

/* token.c */
void eng_token_create(struct ordo_engine *e);
int eng_token_rx(struct ordo_engine *e, const struct pkt_view *v);
void eng_token_timer(struct ordo_engine *e);

/* data.c */
int eng_data_rx(struct ordo_engine *e, const uint8_t *pkt,
		const struct pkt_view *v);

/* memb.c */
void eng_memb_away(struct ordo_engine *e);
void eng_memb_start(struct ordo_engine *e);
/* Membership transitions are named functions taking why, the cause:
 * eng_enter_gather() here, and eng_enter_commit() (static in commit.c),
 * the only place the state becomes COMMIT. */
void eng_enter_gather(struct ordo_engine *e, mset add, const char *why);
void eng_memb_timers(struct ordo_engine *e);
uint64_t eng_memb_next_deadline(const struct ordo_engine *e);
int eng_memb_foreign(struct ordo_engine *e, const struct pkt_view *v);
int eng_beacon_rx(struct ordo_engine *e, const struct pkt_view *v);
bool eng_held_down(const struct ordo_engine *e, int idx);
bool eng_merge_backoff(const struct ordo_engine *e, int idx);
void eng_strike(struct ordo_engine *e, int idx);
void eng_back_off(struct ordo_engine *e, int idx);
void eng_beacon_send(struct ordo_engine *e);
void eng_ring_view_set(struct ordo_engine *e, struct ring_view *r, uint32_t rep,
		       uint32_t seq, mset members, const uint32_t *inc);
void eng_set_working_ring(struct ordo_engine *e, const struct ring_view *r);

/* mend.c */
void eng_mend_note(struct ordo_engine *e, int idx, mset ring);
void eng_mend_probe(struct ordo_engine *e, int idx);
bool eng_mend_join(struct ordo_engine *e, int idx, mset heard);

/* flap.c */
void eng_flap_heard(struct ordo_engine *e, int idx);
mset eng_flap_own(const struct ordo_engine *e);
mset eng_held_out(const struct ordo_engine *e);
void eng_flap_beacon(struct ordo_engine *e, const struct pkt_view *v);
bool eng_flap_held_by(const struct ordo_engine *e, const struct pkt_view *v);
bool eng_flap_held_recently(const struct ordo_engine *e);
void eng_flap_ring_change(struct ordo_engine *e, const struct ring_view *from,
			  const struct ring_view *to);
void eng_flap_token(struct ordo_engine *e, struct ordo_wire_token *t);
bool eng_flap_self_held(const struct ordo_engine *e);
mset eng_flap_self_bit(const struct ordo_engine *e);
bool eng_flap_self_out(struct ordo_engine *e, int idx, bool says);

/* join.c */
void eng_join_send(struct ordo_engine *e);
int eng_join_rx(struct ordo_engine *e, const struct pkt_view *v);
void eng_consensus_timeout(struct ordo_engine *e);
void eng_gather_update(struct ordo_engine *e);
mset eng_heard_now(const struct ordo_engine *e);

/* commit.c */
void eng_commit_create(struct ordo_engine *e);
int eng_commit_rx(struct ordo_engine *e, const struct pkt_view *v);
void eng_commit_timer(struct ordo_engine *e);

/* recovery.c */
void eng_recovery_start(struct ordo_engine *e, uint32_t rep, uint32_t seq,
			const struct ordo_wire_memb *memb, uint32_t n);
void eng_recovery_internal(struct ordo_engine *e, uint32_t sender,
			   uint16_t msg_type, const uint8_t *data, uint32_t len);

/* submit.c: build up to max packets starting at sequence first into the
 * store; returns how many were built. */
uint32_t eng_submit_build(struct ordo_engine *e, uint64_t first, uint32_t max);
int eng_submit_enqueue(struct ordo_engine *e, struct submit_q *q,
		       uint8_t service, uint16_t msg_type,
		       const struct iovec *iov, int iovcnt);
void eng_submit_restart_partial(struct submit_q *q);
void eng_submit_clear(struct ordo_engine *e, struct submit_q *q);
uint32_t eng_submit_backlog_packets(const struct ordo_engine *e);

/* deliver.c */
void eng_deliver_ready(struct ordo_engine *e);
void eng_advance_aru(struct ordo_engine *e);
void eng_deliver_packet(struct ordo_engine *e, const struct store *st,
			uint64_t seq, const struct ring_view *r, bool trans);
bool eng_packet_is_safe(const struct store *st, uint64_t seq);
void eng_reasm_reset_all(struct ordo_engine *e);

static inline uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static inline uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

#endif /* ORDO_ENGINE_IMPL_H */
