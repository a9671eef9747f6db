/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The engine's frames are mbufs (engine.h, ops->frame_*): the ring agent
 * offers each received DATA packet to the engine by handle, so the store
 * keeps the mbuf it arrived in instead of a copy, and the engine packs
 * its own packets into mbufs it takes from the ring's pool, which go out
 * as themselves (a reference, not a copy) on every send and resend.
 *
 *   frame layout: [framing hl][envelope header, crypto on][packet][tag]
 *                 the packet at frame_off = hl (+ the envelope header),
 *                 the same offset as in a received frame, so one held
 *                 frame can be sealed out of place or framed in place.
 *
 * The engine holds at most frames_budget mbufs (the pool's spare beyond
 * what the ports need); past it a received packet is copied into the
 * store and frame_alloc says no (the engine builds in its own buffer):
 * a store full of frames never starves rx of mbufs.
 */
#ifndef ORDO_DP_RING_FRAMES_H
#define ORDO_DP_RING_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "dataplane/ring.h"

/* The engine's frame ops (dp_ring_frame_ops, ring.c). */
void *dp_ring_frame_alloc(void *ctx, uint32_t len, uint64_t *handle);
void dp_ring_frame_send(void *ctx, uint32_t dest, uint64_t handle,
			const void *pkt, uint32_t len);
void dp_ring_frame_release(void *ctx, uint64_t handle);

/* ops->send of ring.c: a packet copied into a new frame (the fallback of
 * frame_send when the held frame cannot go as itself). */
void dp_ring_send_copy(void *ctx, uint32_t dest, const void *pkt,
		       uint32_t len);

/* A received packet (the plaintext view v of mbuf m) to the engine: a
 * DATA packet by handle while within budget, else copied. The rx burst
 * frees m afterwards as always: a kept frame carries one more reference
 * (the engine's, dropped by frame_release), taken before the call since
 * the engine may release it before returning. */
static inline int dp_ring_engine_rx(struct dp_ring *r, struct rte_mbuf *m,
				    const uint8_t *pkt, uint32_t len)
{
	bool kept;
	int rc;

	if (!r->frames || m == NULL || r->frames_held >= r->frames_budget ||
	    len < sizeof(struct ordo_wire_hdr) ||
	    pkt[DP_ORDO_TYPE_OFF] != ORDO_PKT_DATA)
		return ordo_engine_rx(r->engine, pkt, len, r->now);
	/* Ours alone (fresh from rx): a plain store, not an atomic add. */
	rte_mbuf_refcnt_set(m, 2);
	rc = ordo_engine_rx_frame(r->engine, pkt, len, r->now,
				  (uint64_t)(uintptr_t)m, &kept);
	if (kept)
		r->frames_held++;
	else
		rte_mbuf_refcnt_set(m, 1);
	return rc;
}

#endif /* ORDO_DP_RING_FRAMES_H */
