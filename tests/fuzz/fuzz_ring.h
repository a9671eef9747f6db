/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The ring the wire fuzz target plays with, shared by the target
 * (fuzz_wire.c) and the seed corpus generator (gen_corpus.c) so that the
 * seeds carry the very ring id, hash and sequence numbers the target sees.
 *
 * Nodes 1, 2, 3 (tests/unit/harness.h) with small windows and store,
 * formed through the membership protocol; the input goes to node 2.
 *
 * An input is fed twice:
 *   1. whole, as one packet;
 *   2. as a script of operations, so a few packets, timer ticks, client
 *      messages and the other two members' reactions reach the stateful
 *      paths (store, delivery, tokens, retransmission, membership):
 *
 *      op byte o, by o & 3:
 *        PACKET  u16 big-endian length n, then n bytes (fewer if the input
 *                ends): ordo_engine_rx() on node 2
 *        TICK    time moves (o >> 2) + 1 sixteenths of
 *                token_retransmit_ns: ordo_engine_tick() on node 2
 *        SUBMIT  u16 length n: submit n pattern bytes on node 2 with
 *                service (o >> 2) & 7 (0 and 7 are invalid) and msg_type o
 *        RING    the harness network moves (o >> 2) events: packets in
 *                flight reach their members, timers fire
 *
 *      An input gets at most 2048 ring events and 256 ticks; operations
 *      past that are skipped, so that every run stays short.
 */
#ifndef ORDO_FUZZ_RING_H
#define ORDO_FUZZ_RING_H

#include "tests/unit/harness.h"

#define FUZZ_NODE 2u

enum fuzz_op {
	FUZZ_OP_PACKET = 0,
	FUZZ_OP_TICK = 1,
	FUZZ_OP_SUBMIT = 2,
	FUZZ_OP_RING = 3,
};

void fuzz_ring_config(struct ordo_engine_config *c);
/* h_net_init() and h_net_form() with fuzz_ring_config(). */
void fuzz_ring_form(struct h_net *net);

#endif /* ORDO_FUZZ_RING_H */
