/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What the gateway's files share (gateway.h is what the rest of ordod
 * sees): gateway.c runs the slots and the events, gw_submit.c reads the
 * clients' submit rings into the group layer and the engine, gw_deliver.c
 * writes deliveries into their delivery rings.
 */
#ifndef ORDO_DP_GATEWAY_IMPL_H
#define ORDO_DP_GATEWAY_IMPL_H

#include <string.h>
#include <sys/uio.h>

#include "dataplane/gateway/gateway.h"

/* Branch hints (what DPDK's likely/unlikely are), so the gateway compiles
 * without DPDK: tests/gateway drives these very sources. */
#define gw_likely(x)   __builtin_expect(!!(x), 1)
#define gw_unlikely(x) __builtin_expect(!!(x), 0)

_Static_assert(ORDO_CR_NAME_LEN == ORDO_CP_NAME_LEN,
	       "a name is the same size in the rings and in the datagrams");
_Static_assert(ORDO_CR_MAX_GROUPS == ORDO_GM_MAX_GROUPS,
	       "a client may send to as many groups as a group message holds");

/* A name into a fixed field: NUL-padded, so no byte of ours leaks. */
static inline void gw_put_name(char *dst, const char *src)
{
	size_t n = strnlen(src, ORDO_CR_NAME_LEN - 1);

	memcpy(dst, src, n);
	memset(dst + n, 0, ORDO_CR_NAME_LEN - n);
}

/* Stage boundaries on the ring lcore's timed turns (stages.h): enter
 * returns the stage to go back to, or DP_STAGE_MAX when the turn is not
 * timed (then leave does nothing). */
static inline unsigned gw_stage_in(struct dp_gateway *gw, unsigned stage)
{
	struct dp_stages *s = gw->stages;

	if (gw_likely(s == NULL || !s->on))
		return DP_STAGE_MAX;
	return dp_stage_enter(s, stage, s->tsc());
}

static inline void gw_stage_out(struct dp_gateway *gw, unsigned prev)
{
	if (gw_unlikely(prev != DP_STAGE_MAX))
		dp_stage_leave(gw->stages, prev, gw->stages->tsc());
}

static inline void gw_stage_items(struct dp_gateway *gw, unsigned stage,
				  uint32_t n)
{
	if (gw_unlikely(gw->stages != NULL && gw->stages->on))
		dp_stage_items(gw->stages, stage, n);
}

#define GW_SCRATCH (ORDO_GROUPS_MAX_VIEW * ORDO_GROUPS_NAME_LEN * 2 + (64u << 10))
void gw_emit(struct dp_gateway *gw, const void *dgram, uint32_t len);
unsigned gw_serve(struct dp_gateway *gw, struct dp_client *c, bool *engine_full);
void gw_close_client(struct dp_gateway *gw, uint32_t slot, uint32_t reason,
		     uint32_t detail);
void gw_drain_overflow(struct dp_gateway *gw, struct dp_client *c);
/* Deliver one record (or a fragmented message) to a client: its ring, or
 * its overflow behind it; a client past the bound is disconnected. */
void gw_put_record(struct dp_gateway *gw, struct dp_client *c,
		   struct ordo_cr_send *s);
void gw_commit_dirty(struct dp_gateway *gw);
/* One message into one client's ring (its overflow when behind). */
void gw_put_msg(struct dp_gateway *gw, struct dp_client *c,
		const struct ordo_groups_msg *m);
/* The writer's part of closing a client: what it was sent published, the
 * reason in its region, the client woken. */
void gw_close_writer(struct dp_gateway *gw, struct dp_client *c,
		     uint32_t reason, uint32_t detail);
/* A client whose ring we write must be cut off: the gateway closes it; the
 * worker's writer (gw->cut set) closes its ring and tells the gateway. */
void gw_cut(struct dp_gateway *gw, struct dp_client *c, uint32_t reason,
	    uint32_t detail);
/* With a client worker: the submissions it read (gw_submit.c). */
unsigned gw_fan_serve(struct dp_gateway *gw, bool *engine_full);
/* Flush the delivery collected for a client worker (gw->fan). */
void gw_fan_flush(struct dp_gateway *gw);

/* Do we write c's delivery ring now? The gateway while the slot is
 * active; a client worker's writer while it has it live. */
static inline bool gw_writable(const struct dp_gateway *gw,
			       const struct dp_client *c)
{
	return gw->cut != NULL ? c->w_live : c->state == DP_SLOT_ACTIVE;
}

/* The group layer's outputs (struct ordo_groups_ops, wired in gateway.c):
 * gw_submit.c hands its messages to the engine, gw_deliver.c writes its
 * deliveries into the clients' rings, gateway.c reports views and clients
 * gone to the main lcore. */
int gw_submit_msg(void *ctx, bool control, uint8_t service,
		  uint16_t msg_type, const struct iovec *iov, int iovcnt);
void gw_pause(void *ctx, bool pause);
void gw_deliver_msg(void *ctx, uint32_t client,
		    const struct ordo_groups_msg *m);
void gw_deliver_memb(void *ctx, uint32_t client,
		     const struct ordo_groups_memb *m);

#endif /* ORDO_DP_GATEWAY_IMPL_H */
