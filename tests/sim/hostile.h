/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The hostile fault (--hostile P): a host on the LAN that sniffs the ring's
 * packets and sends its own, with crypto off (issue 11). After each packet
 * a node sends, with probability P, one hostile packet reaches one node
 * at random, a little later:
 *
 *   - random bytes;
 *   - a real header over a random body (any type, random length);
 *   - a truncated copy of a real packet;
 *   - an exact replay of a real packet;
 *   - a real packet with 1..4 bits flipped;
 *   - forgeries from a configured member: beacons, joins and commit tokens
 *     naming the highest ring sequence, or the farthest one that still
 *     counts as later (serial arithmetic, engine_impl.h), and tokens far
 *     ahead; and any of those from a node id that is no member.
 *
 * What a host without the key could forge and the engine cannot tell from
 * the real thing, crypto's business (docs/security.md), is left out on
 * purpose, because the checker would rightly call it a safety violation:
 * DATA and TOKEN copies are mutated only in their framing (magic, version,
 * type, configuration hash, length, ring id), never in their sender,
 * sequence, records or ordering fields.
 *
 * The engine must drop all of it or take it without harm: the checker
 * judges safety as always, and the run must still settle (one ring of
 * every live node, everything delivered). Injection stops when the
 * workload's last message is due, so the run can settle.
 */
#ifndef SIM_HOSTILE_H
#define SIM_HOSTILE_H

#include <stdbool.h>
#include <stdint.h>

#include "ordo/wire.h"
#include "tests/sim/prng.h"

#define HOSTILE_KEEP 64u /* real packets kept to replay and mutate */

struct hostile_params {
	double rate; /* per packet a node sends; 0: off */
};

struct hostile {
	struct hostile_params p;
	struct prng rng;
	uint32_t nodes;   /* ids 1..nodes */
	uint64_t until;   /* no injection from then on */
	uint8_t kept[HOSTILE_KEEP][ORDO_WIRE_MAX_MTU];
	uint32_t kept_len[HOSTILE_KEEP];
	uint32_t nkept;
	uint64_t fed;     /* hostile packets handed to an engine */
	uint64_t taken;   /* of those, rx returned 0 */
};

void hostile_reset(struct hostile *h, const struct hostile_params *p,
		   uint64_t seed, uint32_t nodes, uint64_t until);

/* A node sent pkt at now. Returns true when a hostile packet follows:
 * len bytes in buf (ORDO_WIRE_MAX_MTU), for node index *to, at *at. */
bool hostile_after_send(struct hostile *h, const void *pkt, uint32_t len,
			uint64_t now, uint8_t *buf, uint32_t *blen,
			uint32_t *to, uint64_t *at);

/* An engine's answer to a hostile packet. */
static inline void hostile_rx(struct hostile *h, int rc)
{
	h->fed++;
	h->taken += rc == 0;
}

#endif /* SIM_HOSTILE_H */
