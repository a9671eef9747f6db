/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Engine lifecycle, configuration, packet dispatch, timers and counters.
 * The protocol itself is in token.c, data.c and deliver.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/engine_impl.h"

/* Defaults, argued in docs/protocol.md ("Parameters"). */
#define DEF_MTU             1500u
#define DEF_PERSONAL_WINDOW 64u
#define DEF_GLOBAL_WINDOW   256u
#define DEF_ACCEL_WINDOW    32u
#define DEF_STORE_PACKETS   8192u
#define DEF_MAX_MSG_SIZE    (16u << 20)
#define DEF_SUBMIT_BYTES    ((32u << 20) + (64u << 10))
#define DEF_TOKEN_RETX_NS   1000000ull  /* 1 ms */
#define DEF_TOKEN_LOSS_NS   20000000ull /* 20 ms */
#define DEF_JOIN_NS         2000000ull  /* 2 ms */
#define DEF_CONSENSUS_NS    10000000ull /* 10 ms */
#define DEF_MERGE_DETECT_NS 20000000ull /* 20 ms */
#define DEF_FAIL_RECV       50u         /* rotations */
#define DEF_HOLDDOWN_NS     50000000ull /* 50 ms */
#define DEF_FLAP_HOLD_NS    1000000000ull /* 1 s */

void ordo_engine_config_defaults(struct ordo_engine_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mtu = DEF_MTU;
	c->personal_window = DEF_PERSONAL_WINDOW;
	c->global_window = DEF_GLOBAL_WINDOW;
	c->accel_window = DEF_ACCEL_WINDOW;
	c->store_packets = DEF_STORE_PACKETS;
	c->max_msg_size = DEF_MAX_MSG_SIZE;
	c->submit_bytes = DEF_SUBMIT_BYTES;
	c->token_retransmit_ns = DEF_TOKEN_RETX_NS;
	c->token_loss_ns = DEF_TOKEN_LOSS_NS;
	c->join_ns = DEF_JOIN_NS;
	c->consensus_ns = DEF_CONSENSUS_NS;
	c->merge_detect_ns = DEF_MERGE_DETECT_NS;
	c->fail_recv_rounds = DEF_FAIL_RECV;
	c->holddown_ns = DEF_HOLDDOWN_NS;
	c->flap_hold_ns = DEF_FLAP_HOLD_NS;
	c->incarnation = 1;
}

#define BAD(...)                                                               \
	do {                                                                   \
		if (err != NULL)                                               \
			snprintf(err, errlen, __VA_ARGS__);                    \
		return -EINVAL;                                                \
	} while (0)

int ordo_engine_config_check(const struct ordo_engine_config *c, char *err,
			     size_t errlen)
{
	uint32_t i, j, self = 0;

	if (c->my_id == 0)
		BAD("my_id must be a non-zero node id");
	if (c->n_members < 1 || c->n_members > ORDO_MAX_MEMBERS)
		BAD("n_members %u is outside 1..%u", c->n_members,
		    ORDO_MAX_MEMBERS);
	for (i = 0; i < c->n_members; i++) {
		if (c->members[i] == 0)
			BAD("member %u has node id 0", i);
		for (j = 0; j < i; j++)
			if (c->members[j] == c->members[i])
				BAD("node id %u is listed twice", c->members[i]);
		self += c->members[i] == c->my_id;
	}
	if (!self)
		BAD("my_id %u is not among the members", c->my_id);
	if (c->mtu < ORDO_WIRE_MIN_MTU || c->mtu > ORDO_WIRE_MAX_MTU)
		BAD("mtu %u is outside %u..%u", c->mtu, ORDO_WIRE_MIN_MTU,
		    ORDO_WIRE_MAX_MTU);
	if (c->personal_window < 1 || c->global_window < c->personal_window)
		BAD("need 1 <= personal_window (%u) <= global_window (%u)",
		    c->personal_window, c->global_window);
	if (c->accel_window > c->personal_window)
		BAD("accel_window %u exceeds personal_window %u",
		    c->accel_window, c->personal_window);
	if (c->store_packets < 64 ||
	    (c->store_packets & (c->store_packets - 1)) != 0)
		BAD("store_packets %u must be a power of two >= 64",
		    c->store_packets);
	/* Stability trails the aru by up to two rotations: leave room for
	 * several rotations of new packets, or senders stall. */
	if (c->store_packets < 4 * c->global_window)
		BAD("store_packets %u must be at least 4 * global_window (%u)",
		    c->store_packets, c->global_window);
	if (c->max_msg_size > ORDO_MAX_MSG_SIZE_LIMIT)
		BAD("max_msg_size %u exceeds %u", c->max_msg_size,
		    ORDO_MAX_MSG_SIZE_LIMIT);
	if ((uint64_t)c->submit_bytes < (uint64_t)c->max_msg_size + 64)
		BAD("submit_bytes %u cannot hold a max_msg_size (%u) message",
		    c->submit_bytes, c->max_msg_size);
	if (c->token_retransmit_ns == 0)
		BAD("token_retransmit_ns must be positive");
	if (c->incarnation == 0)
		BAD("incarnation must be non-zero (and change at every restart)");
	if (c->ring_seq_floor > ORDO_RING_SEQ_MAX)
		BAD("ring_seq_floor %u is beyond %u", c->ring_seq_floor,
		    ORDO_RING_SEQ_MAX);
	/* A token is resent several times before it is declared lost. */
	if (c->token_loss_ns < 2 * c->token_retransmit_ns)
		BAD("token_loss_ns must be at least twice token_retransmit_ns");
	if (c->join_ns == 0 || c->consensus_ns < 2 * c->join_ns)
		BAD("consensus_ns must be at least twice join_ns (> 0)");
	if (c->merge_detect_ns == 0 || c->holddown_ns == 0)
		BAD("merge_detect_ns and holddown_ns must be positive");
	if (c->fail_recv_rounds < 2)
		BAD("fail_recv_rounds must be at least 2");
	/* A held token must not look lost, nor make the predecessor resend. */
	if (c->token_hold_ns != 0 &&
	    (2 * c->token_hold_ns > c->token_retransmit_ns ||
	     4 * c->token_hold_ns * c->n_members > c->token_loss_ns))
		BAD("token_hold_ns must be at most token_retransmit_ns / 2 and "
		    "token_loss_ns / (4 * n_members)");
	return 0;
}

int eng_cfg_index(const struct ordo_engine *e, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < e->cfg.n_members; i++)
		if (e->cfg.members[i] == id)
			return (int)i;
	return -1;
}

void eng_send_pkt(struct ordo_engine *e, uint32_t dest, const void *p,
		  uint32_t len)
{
	e->ops.send(e->ctx, dest, p, len);
}

/* The C heap, for ordo_engine_create(). */
static void *heap_alloc(void *ctx, size_t size, size_t align)
{
	void *p = NULL;

	(void)ctx;
	return posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align,
			      size) == 0 ? p : NULL;
}

static void *heap_grow(void *ctx, void *p, size_t size)
{
	(void)ctx;
	return realloc(p, size);
}

static void heap_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static const struct ordo_engine_mem heap_mem = {
	.alloc = heap_alloc, .grow = heap_grow, .free = heap_free,
};

struct ordo_engine *ordo_engine_create(const struct ordo_engine_config *cfg,
				       const struct ordo_engine_ops *ops,
				       void *ctx)
{
	return ordo_engine_create_mem(cfg, ops, ctx, &heap_mem);
}

struct ordo_engine *ordo_engine_create_mem(const struct ordo_engine_config *cfg,
					   const struct ordo_engine_ops *ops,
					   void *ctx,
					   const struct ordo_engine_mem *mem)
{
	struct ordo_engine *e;
	int rc;

	if (cfg == NULL || ops == NULL || ops->send == NULL ||
	    ops->deliver == NULL || ordo_engine_config_check(cfg, NULL, 0)) {
		errno = EINVAL;
		return NULL;
	}
	/* The frame ops come together or not at all. */
	if ((ops->frame_alloc != NULL) != (ops->frame_send != NULL) ||
	    (ops->frame_alloc != NULL) != (ops->frame_release != NULL)) {
		errno = EINVAL;
		return NULL;
	}
	if (mem == NULL || mem->alloc == NULL || mem->grow == NULL ||
	    mem->free == NULL) {
		errno = EINVAL;
		return NULL;
	}
	e = mem->alloc(mem->ctx, (sizeof(*e) + 63) & ~(size_t)63, 64);
	if (e == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memset(e, 0, sizeof(*e));
	e->mem = *mem;
	e->cfg = *cfg;
	e->ops = *ops;
	e->ctx = ctx;
	e->my_idx = (uint32_t)eng_cfg_index(e, cfg->my_id);
	e->next_id = cfg->my_id;
	e->state = ORDO_STATE_GATHER;
	e->m.inc[e->my_idx] = cfg->incarnation;
	e->m.ring_seq_max = cfg->ring_seq_floor;
	e->m.join_at = e->m.consensus_at = e->m.state_timeout_at = NEVER;
	e->m.beacon_at = e->m.token_loss_at = e->m.commit_retx_at = NEVER;
	e->payload_cap = cfg->mtu - sizeof(struct ordo_wire_hdr) -
			 sizeof(struct ordo_wire_data);
	e->token_retx_at = NEVER;
	e->self_token_at = NEVER;
	e->hold_until = NEVER;

	rc = eng_store_init(&e->store, mem, cfg->store_packets, cfg->mtu);
	if (rc == 0)
		rc = eng_store_init(&e->old.store, mem, cfg->store_packets,
				    cfg->mtu);
	if (rc == 0)
		rc = eng_submit_init(&e->sq, mem, cfg->submit_bytes);
	/* Recovery may re-send a whole store of old packets. */
	if (rc == 0)
		rc = eng_submit_init(&e->iq, mem,
				     cfg->store_packets * (cfg->mtu + 32) + (64u << 10));
	if (rc != 0) {
		ordo_engine_destroy(e);
		errno = -rc;
		return NULL;
	}
	return e;
}

void ordo_engine_destroy(struct ordo_engine *e)
{
	uint32_t i;

	if (e == NULL)
		return;
	/* Held frames go back before the slots that name them. */
	eng_store_fini(e, &e->store);
	eng_store_fini(e, &e->old.store);
	eng_submit_fini(e, &e->sq);
	eng_submit_fini(e, &e->iq);
	for (i = 0; i < ORDO_MAX_MEMBERS; i++) {
		if (e->reasm[0][i].buf != NULL)
			e->mem.free(e->mem.ctx, e->reasm[0][i].buf);
		if (e->reasm[1][i].buf != NULL)
			e->mem.free(e->mem.ctx, e->reasm[1][i].buf);
	}
	e->mem.free(e->mem.ctx, e);
}

void ordo_engine_prefault(struct ordo_engine *e)
{
	size_t store = (size_t)e->store.capacity * e->store.stride;

	memset(e->store.bufs, 0, store);
	memset(e->old.store.bufs, 0, store);
	memset(e->sq.buf, 0, e->sq.cap);
	memset(e->iq.buf, 0, e->iq.cap);
}

void ordo_engine_start(struct ordo_engine *e, uint64_t now)
{
	e->now = now;
	eng_memb_start(e);
}

/* ---- receive: validate, check the sender, dispatch by type ---------------*/
static int on_data(struct ordo_engine *e, const uint8_t *pkt,
		   const struct pkt_view *v)
{
	return eng_data_rx(e, pkt, v);
}

static int on_token(struct ordo_engine *e, const uint8_t *pkt,
		    const struct pkt_view *v)
{
	(void)pkt;
	if (v->ring_rep != e->ring_rep || v->ring_seq != e->ring_seq)
		return eng_memb_foreign(e, v);
	return eng_token_rx(e, v);
}

static int on_join(struct ordo_engine *e, const uint8_t *pkt,
		   const struct pkt_view *v)
{
	(void)pkt;
	return eng_join_rx(e, v);
}

static int on_commit(struct ordo_engine *e, const uint8_t *pkt,
		     const struct pkt_view *v)
{
	(void)pkt;
	return eng_commit_rx(e, v);
}

static int on_beacon(struct ordo_engine *e, const uint8_t *pkt,
		     const struct pkt_view *v)
{
	(void)pkt;
	return eng_beacon_rx(e, v);
}

typedef int (*pkt_handler)(struct ordo_engine *, const uint8_t *,
			   const struct pkt_view *);

static const pkt_handler handlers[ORDO_PKT_TYPE_MAX] = {
	[ORDO_PKT_DATA] = on_data,
	[ORDO_PKT_TOKEN] = on_token,
	[ORDO_PKT_JOIN] = on_join,
	[ORDO_PKT_COMMIT] = on_commit,
	[ORDO_PKT_BEACON] = on_beacon,
};

/* Called far later than the deadline we asked for: the host did not run
 * us (memb.c, eng_memb_away). Half a consensus window: later than a busy
 * poll loop ever is, sooner than peers conclude we are gone. */
static void set_now(struct ordo_engine *e, uint64_t now)
{
	uint64_t d = ordo_engine_next_deadline(e);

	e->now = now;
	if (d != NEVER && now > d && now - d > e->cfg.consensus_ns / 2)
		eng_memb_away(e);
}

int ordo_engine_rx(struct ordo_engine *e, const void *pkt, uint32_t len,
		   uint64_t now)
{
	struct pkt_view v;
	int rc;

	set_now(e, now);
	rc = eng_codec_parse(pkt, len, e->cfg.config_hash, &v);
	if (rc == 0 && eng_cfg_index(e, v.sender) < 0)
		rc = -ORDO_DROP_NOT_MEMBER;
	if (rc == 0) {
		/* No ring sequence is taken from here: only joins and commit
		 * tokens move it (engine_impl.h, "ring sequences").
		 * Evidence that the sender reaches us (join.c): only packets
		 * that no one else sends in its name. A DATA packet keeps its
		 * originator when another member retransmits it, a COMMIT its
		 * representative as it goes round: counted, they made a
		 * member behind a one-way cut look heard. 0: never. */
		if (v.type == ORDO_PKT_JOIN || v.type == ORDO_PKT_TOKEN ||
		    v.type == ORDO_PKT_BEACON) {
			int idx = eng_cfg_index(e, v.sender);

			eng_flap_heard(e, idx);
			e->m.last_heard[idx] = now + 1;
		}
		rc = handlers[v.type](e, pkt, &v);
	}
	if (rc < 0)
		e->stats.drops[-rc]++;
	if (rc == -ORDO_DROP_CONFIG) {
		struct ordo_wire_hdr h;

		memcpy(&h, pkt, sizeof(h)); /* the codec checked the length */
		e->stats.config_mismatch_from = be32(h.sender);
		e->stats.config_mismatch_hash = be32(h.config_hash);
	}
	return rc;
}

int ordo_engine_rx_frame(struct ordo_engine *e, const void *pkt, uint32_t len,
			 uint64_t now, uint64_t handle, bool *kept)
{
	int rc;

	if (!eng_frames(&e->ops)) {
		*kept = false;
		return ordo_engine_rx(e, pkt, len, now);
	}
	e->offer_pkt = pkt;
	e->offer_handle = handle;
	e->offer_kept = false;
	rc = ordo_engine_rx(e, pkt, len, now);
	*kept = e->offer_kept;
	e->offer_pkt = NULL;
	return rc;
}

void ordo_engine_tick(struct ordo_engine *e, uint64_t now)
{
	set_now(e, now);
	eng_token_timer(e);
	eng_memb_timers(e);
}

uint64_t ordo_engine_next_deadline(const struct ordo_engine *e)
{
	return min_u64(min_u64(e->token_retx_at, e->self_token_at),
		       min_u64(e->hold_until, eng_memb_next_deadline(e)));
}

/* ---- counters and status -------------------------------------------------*/
const char *ordo_drop_reason_name(enum ordo_drop_reason r)
{
	static const char *const names[ORDO_DROP_REASON_MAX] = {
		[ORDO_DROP_NONE] = "none",
		[ORDO_DROP_TRUNCATED] = "truncated",
		[ORDO_DROP_BAD_MAGIC] = "bad_magic",
		[ORDO_DROP_BAD_VERSION] = "bad_version",
		[ORDO_DROP_BAD_TYPE] = "bad_type",
		[ORDO_DROP_BAD_LEN] = "bad_len",
		[ORDO_DROP_CONFIG] = "config_mismatch",
		[ORDO_DROP_NOT_MEMBER] = "not_member",
		[ORDO_DROP_FOREIGN_RING] = "foreign_ring",
		[ORDO_DROP_BAD_RECORD] = "bad_record",
		[ORDO_DROP_BAD_TOKEN] = "bad_token",
		[ORDO_DROP_DUP_DATA] = "dup_data",
		[ORDO_DROP_DUP_TOKEN] = "dup_token",
		[ORDO_DROP_WINDOW] = "beyond_window",
		[ORDO_DROP_FROM_SELF] = "from_self",
		[ORDO_DROP_NOT_FOR_US] = "token_not_for_us",
		[ORDO_DROP_BAD_JOIN] = "bad_membership",
		[ORDO_DROP_STATE] = "wrong_state",
		[ORDO_DROP_HELD_DOWN] = "held_down",
		[ORDO_DROP_RING_ALIVE] = "ring_alive",
	};

	if ((unsigned)r >= ORDO_DROP_REASON_MAX || names[r] == NULL)
		return "unknown";
	return names[r];
}

const struct ordo_engine_stats *ordo_engine_stats(const struct ordo_engine *e)
{
	return &e->stats;
}

void ordo_engine_status(const struct ordo_engine *e,
			struct ordo_engine_status *st)
{
	st->my_aru = e->my_aru;
	st->high_seq = e->high_seq;
	st->delivered = e->delivered;
	st->safe = e->safe;
	st->ring_rep = e->inst.rep;
	st->ring_seq = e->inst.seq;
	st->ring_seq_max = e->m.ring_seq_max;
	st->n_members = e->inst.n;
	memcpy(st->members, e->inst.ids, sizeof(st->members));
	st->state = e->state;
	st->submit_queued = e->sq.count;
	{
		mset out = eng_held_out(e);
		uint32_t i;

		st->n_held_out = 0;
		for (i = 0; i < e->cfg.n_members; i++)
			if (out & bit((int)i))
				st->held_out[st->n_held_out++] =
					e->cfg.members[i];
		st->held_by_ring = e->m.held_by_at != 0 &&
				   eng_flap_held_recently(e);
		st->self_held = eng_flap_self_held(e);
	}
}

const char *ordo_memb_state_name(uint32_t state)
{
	switch (state) {
	case ORDO_STATE_GATHER: return "gather";
	case ORDO_STATE_COMMIT: return "commit";
	case ORDO_STATE_RECOVERY: return "recovery";
	case ORDO_STATE_OPERATIONAL: return "operational";
	default: return "unknown";
	}
}
