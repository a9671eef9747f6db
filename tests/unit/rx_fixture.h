/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fixture of the rx tests (test_codec.c, test_codec_ring.c): a formed
 * 3-node ring whose node 2 is fed crafted packets, packets built for it,
 * and checks that a packet was dropped for one reason, counted once, and
 * returned as that reason.
 */
#ifndef ORDO_TEST_RX_FIXTURE_H
#define ORDO_TEST_RX_FIXTURE_H

#include "tests/unit/unit.h"

#define ME     2u  /* the node under test */
#define CAP    64u /* its store_packets */
#define MAXMSG (16u << 10) /* its max_msg_size */

struct fix {
	struct h_net net;
	struct ordo_engine *e;
	uint32_t rep, rseq; /* the ring's id */
	uint64_t passed;    /* token_seq of the last token node 2 sent */
	struct craft c;
};

/* Reasons produced so far; each program checks its share at the end. */
extern bool rx_produced[ORDO_DROP_REASON_MAX];

/* cmocka setup and teardown: *state is a struct fix. */
int rx_setup(void **state);
int rx_teardown(void **state);

struct ordo_engine_status rx_status(const struct fix *f);

/* A DATA header from sender in our ring; records follow (craft_rec). */
struct craft *rx_data(struct fix *f, uint32_t sender, uint64_t seq,
		      uint16_t nrec, uint8_t flags);
/* A valid DATA packet from member 1 holding one 5-byte AGREED message. */
struct craft *rx_data_ok(struct fix *f, uint64_t seq);
/* The token_seq of the next token node 2 may take: one past the token it
 * last passed (node 1 is its predecessor). */
uint64_t rx_next_token(const struct fix *f);
/* A token from member 1 for dest, consistent with node 2's state. */
struct craft *rx_token(struct fix *f, uint64_t token_seq, uint32_t dest,
		       const uint64_t *rtr, uint16_t n);

/* Feed len bytes of pkt to node 2: reason's counter rises by one, no
 * other counter moves, rx returns -reason, and nothing is delivered,
 * sent or received. */
void rx_expect_drop_n(struct fix *f, const void *pkt, uint32_t len,
		      enum ordo_drop_reason reason, const char *what);
void rx_expect_drop(struct fix *f, const struct craft *c,
		    enum ordo_drop_reason reason, const char *what);
/* Feed c to node 2: rx returns 0 and no drop counter moves. */
void rx_expect_ok(struct fix *f, const struct craft *c, const char *what);
/* Fail unless every reason in want[] was produced. */
void rx_expect_produced(const enum ordo_drop_reason *want, size_t n);

#endif /* ORDO_TEST_RX_FIXTURE_H */
