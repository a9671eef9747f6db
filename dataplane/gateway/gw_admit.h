/* SPDX-License-Identifier: BSD-3-Clause
 *
 * SlowConsumer = block's admission bound (gw_admit.c, where the argument
 * is): a local client's DATA message goes to the engine only when every
 * local receiver has room for it and for everything local in flight.
 * The gateway's state and its steps, the client worker's measure, and
 * the arithmetic, which tests/gateway/test_gw_admit.c drives alone.
 */
#ifndef ORDO_DP_GW_ADMIT_H
#define ORDO_DP_GW_ADMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

struct dp_gateway;
struct dp_client;
struct ordo_delivery;
struct ordo_groups_msg;

/* SlowConsumer = block's admission bound (gw_admit.c). The room left at
 * the local receivers, the smallest of each term over them: bytes, free
 * delivery-ring and overflow bytes less four records (ring wraps, and the
 * message that first misses the delivery ring); dl, free delivery-ring
 * bytes less two records (0 for a receiver behind); count, overflow
 * records still allowed (MaxSessionMessages less those waiting). done_n
 * and done_bytes: hand-offs a client worker had written when it measured
 * (gw_admit.c's costs), so the gateway knows which of its hand-offs the
 * measure includes. */
struct dp_gw_room {
	int64_t  bytes, dl, count;
	uint64_t done_n, done_bytes;
};

/* A client worker's last measure, for the gateway to read (a seqlock). */
struct dp_gw_room_pub {
	uint32_t seq;
	struct dp_gw_room r;
} __attribute__((aligned(64)));

/* The bound's state, on the gateway. */
struct dp_gw_admit {
	bool     on;                  /* policy block: bound local DATA */
	bool     refused;             /* this turn held a sender back */
	bool     idle;                /* nothing in flight, none behind */
	bool     measured;            /* the budget is this turn's */
	/* Local DATA messages the engine took, and those delivered back
	 * here (the engine's total order keeps a sender's order, so the
	 * difference is what is in flight), in messages and in bytes as a
	 * client ring would take them (dp_gw_cost). */
	uint64_t adm_n, adm_bytes, dlv_n, dlv_bytes;
	uint64_t max_cost;            /* largest in flight (0: none) */
	/* With a client worker: messages handed to it (every sender's). */
	uint64_t hand_n, hand_bytes, hand_max;
	/* This turn: the room measured, what was in flight then, what the
	 * turn admitted since, and the largest cost the terms assume. */
	struct dp_gw_room room;
	uint64_t in_n, in_bytes, turn_n, turn_bytes, m;
	bool     alone;               /* one went past the terms: no more */
};

/* The ring bytes a message of len payload bytes to n_groups groups takes
 * in any client's delivery ring at most (names, records, their headers
 * and padding; not a wrap's PAD). */
uint64_t dp_gw_cost(uint32_t len, uint32_t n_groups);
/* The smallest delivery-ring record a client may have (attach refuses
 * smaller): dp_gw_cost assumes it. */
uint32_t dp_gw_rec_min(void);

/* The room: none measured yet (every term unbounded), then one client
 * folded in (msm: MaxSessionMessages). */
void dp_gw_room_empty(struct dp_gw_room *r);
void dp_gw_room_fold(struct dp_gw_room *r, struct dp_client *c, uint32_t msm);

/* The turn's budget from room r with in_n messages (in_bytes, the
 * largest in_max) in flight; then take one of cost (false: it waits).
 * left: messages and bytes still admissible if the largest is m. */
void dp_gw_admit_budget(struct dp_gw_admit *a, const struct dp_gw_room *r,
			uint32_t msm, uint64_t in_n, uint64_t in_bytes,
			uint64_t in_max);
bool dp_gw_admit_take(struct dp_gw_admit *a, uint64_t cost);
void dp_gw_admit_left(const struct dp_gw_admit *a, uint64_t m, int64_t *n,
		      int64_t *bytes);

/* The gateway's steps: admit one engine submission (0, or -EAGAIN: it
 * waits; *cost for took, 0 when not bounded; the room is measured at the
 * turn's first); the engine took it (took) or refused it; a delivery
 * (ours are counted); a message handed to the client worker. */
int dp_gw_admit(struct dp_gateway *gw, const struct iovec *iov, int iovcnt,
		uint64_t *cost);
void dp_gw_admit_took(struct dp_gateway *gw, uint64_t cost, bool took);
void dp_gw_admit_delivered(struct dp_gateway *gw,
			   const struct ordo_delivery *d);
void dp_gw_admit_handed(struct dp_gateway *gw,
			const struct ordo_groups_msg *m);

/* SlowConsumer = block (gw_admit.c). A message written to every slot it
 * is for (once per hand-off); the room of the worker's clients slots[0..n)
 * (with what it wrote so far) into r; and publishing / reading it. */
void dp_gw_writer_done(struct dp_gateway *w, const struct ordo_groups_msg *m);
void dp_gw_writer_room(struct dp_gateway *w, const uint32_t *slots,
		       uint32_t n, struct dp_gw_room *r);
void dp_gw_room_publish(struct dp_gw_room_pub *p, const struct dp_gw_room *r);
void dp_gw_room_read(const struct dp_gw_room_pub *p, struct dp_gw_room *r);

#endif /* ORDO_DP_GW_ADMIT_H */
