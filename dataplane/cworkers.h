/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Several client workers (ordod --workers N, N >= 3: N - 1 of them): the
 * gateway's one hand-off (struct dp_gw_fanout) spread over K client
 * workers (dataplane/cworker.h), each owning the client slots s with
 * s % K == its index. Only the owner reads a slot's submit ring and writes
 * its delivery ring, and everything for one client (its messages,
 * membership records, REJECT, close) goes through its owner's one ordered
 * ring: per client, the order is the gateway's, as with one worker.
 *
 *   msg      a delivery's local receivers split by owner; each worker with
 *            any gets its own item with only its slots (a held frame:
 *            its own reference, rte_mbuf_refcnt_update; else its own
 *            copy). A fan-out over K workers costs the ring lcore K
 *            hand-offs, not one.
 *   take     submissions from every worker's hand-off ring, round robin
 *            from the worker after the last one taken; done goes back to
 *            the slot's owner. A client's requests come from one worker,
 *            so they stay in its order.
 *   cut      every worker's cut ring in turn.
 *   behind   the sum of the workers' clients behind.
 *   room     SlowConsumer = block's admission bound (gw_admit.c): the
 *            smallest room of each term over the workers, and as the
 *            hand-offs written the fewest any worker had written. For that
 *            count to be comparable, under block every worker is handed
 *            every message (one without receivers there: a bare tick, no
 *            frame, no names, no payload; cworker.c CW_TICK): each
 *            worker's count is then a prefix of the gateway's hand-offs,
 *            and the smallest is the one every worker has passed. The
 *            room is thus what the fullest receiver anywhere has, less
 *            what some worker may still have to write: conservative, never
 *            more than the truth. Under disconnect nothing is ticked.
 *   hold     every worker; and each worker's "any receiver behind"
 *            (block) looks at all of them (dp_cw.peers).
 *
 * With K == 1 every call goes straight to the one worker.
 */
#ifndef ORDO_DP_CWORKERS_H
#define ORDO_DP_CWORKERS_H

#include <stdint.h>

#include "dataplane/cworker.h"

#define DP_CW_MAX 4u /* client workers at most */

struct dp_cws {
	uint32_t n;
	struct dp_cw *cw[DP_CW_MAX];
	bool block;                  /* SlowConsumer = block: tick the rest */
	uint32_t take_rr;
	struct dp_gw_fanout fan;
	/* One delivery's slots, split by owner (the ring lcore's). */
	uint32_t part_n[DP_CW_MAX];
	uint32_t part[DP_CW_MAX][DP_GW_MAX_CLIENTS];
};

/* The owner of client slot among n workers. */
static inline uint32_t dp_cws_owner(uint32_t n, uint32_t slot)
{
	return slot % n;
}

/* Take gw's hand-off over for the n workers cw[0..n) (made with
 * dp_cw_create_nth, idx i for cw[i]). Before the ring starts. */
void dp_cws_init(struct dp_cws *m, struct dp_gateway *gw,
		 struct dp_cw *const *cw, uint32_t n);

#endif /* ORDO_DP_CWORKERS_H */
