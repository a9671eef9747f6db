/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The engine's frames as mbufs of the ring's pool (ring_frames.h). Hot
 * path, on the ring lcore only: no lock, no log; every fallback counted.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>

#include "dataplane/ring_frames.h"
#include "dataplane/worker.h"

void *dp_ring_frame_alloc(void *ctx, uint32_t len, uint64_t *handle)
{
	struct dp_ring *r = ctx;
	struct rte_mbuf *m;

	if (unlikely(r->frames_held >= r->frames_budget)) {
		r->frames_short++;
		return NULL;
	}
	m = rte_pktmbuf_alloc(r->pool);
	if (unlikely(m == NULL)) {
		r->frames_short++;
		return NULL;
	}
	/* Room for the framing, the envelope and the tag: the pool's data
	 * room is sized for the largest frame (ring_setup.c). */
	if (unlikely(r->frame_off + len + (r->seal ? ORDO_SEAL_TAG_LEN : 0) >
		     rte_pktmbuf_tailroom(m))) {
		rte_pktmbuf_free(m);
		r->frames_short++;
		return NULL;
	}
	/* data_len stays 0 until the first send frames it; port stays
	 * invalid: "built here", unlike a received frame. */
	r->frames_held++;
	*handle = (uint64_t)(uintptr_t)m;
	return rte_pktmbuf_mtod(m, uint8_t *) + r->frame_off;
}

void dp_ring_frame_release(void *ctx, uint64_t handle)
{
	struct dp_ring *r = ctx;

	r->frames_held--;
	rte_pktmbuf_free((struct rte_mbuf *)(uintptr_t)handle);
}

/* A data packet of the installed ring while we are its only member: for
 * no one (ring.c keeps such packets off the wire the same way). */
static inline bool alone(struct dp_ring *r, const uint8_t *pkt)
{
	struct ordo_wire_hdr h;

	if (r->ring_members != 1)
		return false;
	memcpy(&h, pkt, sizeof(h));
	return __builtin_bswap32(h.ring_rep) == r->ring_rep &&
	       __builtin_bswap32(h.ring_seq) == r->ring_seq;
}

/* The held frame itself to the ring's group, on our one port:
 *   crypto off: framed in place the first time (a frame we built, never
 *     a received one, whose framing is the sender's), then the same mbuf
 *     with one more reference per send (to the port, or to the crypto/io
 *     worker, which sends frames in the clear as they are);
 *   crypto on: sealed out of place, the stored plaintext in and a fresh
 *     wire frame out (seal.h, dp_seal_tx_add_ref), here or on the
 *     crypto/io worker (worker.h, DP_IO_F_HELD).
 * Anything else (a member's address, several ports, a device that seals
 * in place only, a received frame in the clear or trimmed by the worker)
 * goes as a copy. */
void dp_ring_frame_send(void *ctx, uint32_t dest, uint64_t handle,
			const void *pkt, uint32_t len)
{
	struct dp_ring *r = ctx;
	struct rte_mbuf *m = (struct rte_mbuf *)(uintptr_t)handle;
	uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t hl = dp_frame_hdr_len(&r->framer);
	struct dp_port *p = &r->ports[0];
	unsigned st = DP_STAGE_MAX;

	if (dest != ORDO_DEST_RING || r->n_ports != 1 || !p->up ||
	    (const uint8_t *)pkt != base + r->frame_off || len > r->mtu ||
	    (r->seal != NULL ? !r->seal->oop
			     : m->port != RTE_MBUF_PORT_INVALID)) {
		r->frames_tx_copy++;
		dp_ring_send_copy(ctx, dest, pkt, len);
		return;
	}
	if (unlikely(r->stg.on))
		st = dp_stage_enter(&r->stg, DP_STAGE_TX, rte_rdtsc());
	if (unlikely(alone(r, pkt))) {
		r->tx_alone++;
		goto out;
	}
	p->c.tx_mcast++;
	r->events++;
	if (unlikely(r->stg.on))
		dp_stage_items(&r->stg, DP_STAGE_TX, 1);
	if (r->io != NULL) {
		/* The worker sends it: in the clear as it is, sealed out of
		 * place (worker.h, DP_IO_F_HELD). Framed once, here, in the
		 * clear; sealed, it only needs its data to cover the packet. */
		if (m->data_len == 0) {
			if (r->seal == NULL)
				dp_frame_write(&r->framer, base,
					       r->framer.group_mac, p->mac,
					       r->framer.group_ip_be, len);
			m->data_len = (uint16_t)(r->frame_off + len);
			m->pkt_len = r->frame_off + len;
		}
		rte_mbuf_refcnt_update(m, 1); /* the worker's */
		if (r->seal == NULL)
			dp_io_tx_frame(r->io, m, hl, len, p->index);
		else
			dp_io_tx_held(r->io, m, hl, len, p->index);
		r->frames_tx_ref++;
		goto out;
	}
	if (r->seal == NULL) {
		if (m->data_len == 0) {
			dp_frame_write(&r->framer, base, r->framer.group_mac,
				       p->mac, r->framer.group_ip_be, len);
			m->data_len = (uint16_t)(hl + len);
			m->pkt_len = hl + len;
		}
		rte_mbuf_refcnt_update(m, 1); /* the port's, freed on tx */
		dp_port_enqueue(p, m);
		r->frames_tx_ref++;
		goto out;
	}
	{
		uint32_t env = (uint32_t)ORDO_SEAL_OVERHEAD;
		struct rte_mbuf *w = rte_pktmbuf_alloc(r->pool);
		uint8_t *buf;
		unsigned s2;
		int rc;

		if (unlikely(w == NULL)) {
			p->c.drops[DP_DROP_NO_MBUF]++;
			goto out;
		}
		buf = (uint8_t *)rte_pktmbuf_append(w, (uint16_t)(hl + env + len));
		if (unlikely(buf == NULL)) {
			rte_pktmbuf_free(w);
			p->c.drops[DP_DROP_TOO_BIG]++;
			goto out;
		}
		dp_frame_write(&r->framer, buf, r->framer.group_mac, p->mac,
			       r->framer.group_ip_be, env + len);
		/* The device reads the plaintext from the frame's data. */
		if (m->data_len == 0) {
			m->data_len = (uint16_t)(r->frame_off + len);
			m->pkt_len = r->frame_off + len;
		}
		s2 = unlikely(r->stg.on) ?
			     dp_stage_enter(&r->stg, DP_STAGE_SEAL, rte_rdtsc()) :
			     DP_STAGE_MAX;
		rc = dp_seal_tx_add_ref(r->seal, r->ports, m, w, hl, len,
					p->mac, r->framer.ethertype_be,
					r->framer.my_ip_be, p->index);
		if (s2 != DP_STAGE_MAX) {
			dp_stage_leave(&r->stg, s2, rte_rdtsc());
			dp_stage_items(&r->stg, DP_STAGE_SEAL, 1);
		}
		if (unlikely(rc < 0)) {
			rte_pktmbuf_free(w);
			p->c.drops[-rc]++;
			goto out;
		}
		r->frames_tx_ref++;
	}
out:
	if (st != DP_STAGE_MAX)
		dp_stage_leave(&r->stg, st, rte_rdtsc());
}
