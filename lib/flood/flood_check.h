/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What a flood receiver (ordo-perf, cpg_flood) checks on every delivery:
 * the message is well-formed, intact and from the sender it names
 * (flood_msg_parse), and each sender's sequence goes up by exactly one.
 * A jump forward counts the skipped messages as lost; a step back (a
 * duplicate or a late message) is misordered, and so is anything after
 * the sender's END of the current round, or of another round than the
 * receiver's. A running digest over (sender, sequence) in delivery order
 * tells whether two receivers saw the same messages in the same order
 * (a total order is one order: every member must end with the same one).
 * It also counts the measured deliveries of the current round and their
 * latencies.
 *
 * A sender is whatever id the transport vouches for: ordo-perf passes
 * flood_name_id() of the private group name libordo reports, cpg_flood
 * the Corosync node id. The header must carry that same id, so a header
 * claiming to be another sender is refused, not believed.
 */
#ifndef ORDO_BENCH_FLOOD_CHECK_H
#define ORDO_BENCH_FLOOD_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/flood/flood_hist.h"
#include "lib/flood/flood_msg.h"

#define FLOOD_SENDER_SLOTS 1024           /* hash table, power of two */
#define FLOOD_MAX_SENDERS (FLOOD_SENDER_SLOTS / 2)
#define FLOOD_PENDING 64                  /* deliveries awaiting a time */

struct flood_sender {
	uint64_t id;
	bool used;
	int ended_round;          /* round of its last END, -1 none */
	uint64_t next_seq;        /* the sequence expected next */
	uint64_t got;             /* messages accepted */
};

/* Counters of one round (cleared by flood_check_next_round). */
struct flood_round {
	uint64_t data;            /* FLOOD_DATA messages accepted */
	uint64_t data_bytes;
	uint64_t first_ns, last_ns;  /* first and last FLOOD_DATA delivery */
	unsigned ends;            /* senders whose END of this round came */
	struct flood_hist latency;   /* FLOOD_DATA only, ns */
};

struct flood_check {
	struct flood_sender sender[FLOOD_SENDER_SLOTS];
	unsigned n_senders;
	uint16_t round;
	uint64_t digest;          /* over (sender, seq) in delivery order */
	/* Cumulative over the whole run. */
	uint64_t deliveries;      /* every message handed to the checker */
	uint64_t rx_msgs, rx_bytes;  /* WARMUP and DATA accepted */
	uint64_t lost;            /* skipped over by a sequence jump */
	uint64_t misordered;      /* stale + after_end + other_round */
	uint64_t stale;           /* duplicates or late (sequence went back) */
	uint64_t after_end;       /* after the sender's END of this round */
	uint64_t other_round;     /* of another round than the receiver's */
	uint64_t corrupt;         /* refused by flood_msg_parse, but ... */
	uint64_t impostor;        /* ... a header naming another sender */
	uint64_t bad[FLOOD_BAD_COUNT];
	enum flood_bad last_bad;  /* why the last refused message was */
	uint64_t too_many;        /* senders beyond FLOOD_MAX_SENDERS */
	struct flood_msg last;    /* header of the last accepted message */
	/* Header of the last message folded into the digest: every one that
	 * parsed and has a sender entry, accepted or misordered (so after
	 * any result but CORRUPT, IMPOSTOR and FULL). */
	struct flood_msg folded;
	struct flood_round cur;
	struct flood_hist recent; /* WARMUP and DATA; the caller resets it */
	/* Send times of accepted messages whose receive time is not read
	 * yet (flood_check_deliver_untimed), and whether each is DATA. */
	unsigned n_pending;
	uint64_t pending_ns[FLOOD_PENDING];
	bool pending_data[FLOOD_PENDING];
};

void flood_check_init(struct flood_check *c);

/* The order digest: FLOOD_DIGEST_INIT folded with each delivery's
 * (sender, sequence) in delivery order. Order matters to the mix, so two
 * receivers end with one value only if they saw the same deliveries in
 * the same order (up to a 64-bit collision). Exported for callers that
 * keep digests of their own (ordo-perf's per group, app/perf). */
#define FLOOD_DIGEST_INIT 0xcbf29ce484222325ull
uint64_t flood_digest_step(uint64_t d, uint64_t sender, uint64_t seq);

/* Results of flood_check_deliver. */
enum flood_check_rc {
	FLOOD_CHECK_OK = 0,
	FLOOD_CHECK_END = 1,          /* an END, accepted */
	FLOOD_CHECK_CORRUPT = -1,     /* refused: c->last_bad says why */
	FLOOD_CHECK_LOST = -2,        /* accepted after a gap */
	FLOOD_CHECK_MISORDERED = -3,  /* refused: went back, after END,
				       * other round */
	FLOOD_CHECK_IMPOSTOR = -4,    /* refused: header names another sender */
	FLOOD_CHECK_FULL = -5,        /* refused: too many senders */
};

const char *flood_check_rc_name(int rc);

/* One delivery of len bytes from sender `origin` at now_ns
 * (CLOCK_MONOTONIC; a send stamp in the future counts as 0 latency). */
int flood_check_deliver(struct flood_check *c, const void *msg, size_t len,
			uint64_t origin, uint64_t now_ns);

/* The same, with the receive time read later: the latency of each
 * accepted WARMUP or DATA message waits in c->pending until
 * flood_check_timestamp(c, now) (a time read after the message was
 * received: the latency is then over, never under, by how long the
 * caller waited). Only when FLOOD_PENDING wait does this read the clock
 * itself. */
int flood_check_deliver_untimed(struct flood_check *c, const void *msg,
				size_t len, uint64_t origin);
void flood_check_timestamp(struct flood_check *c, uint64_t now_ns);

/* Nothing lost, misordered, refused or beyond the table so far. */
bool flood_check_clean(const struct flood_check *c);

/* Start round r: per-round counters and histograms cleared (pending
 * latencies are timed first, in the round they belong to). */
void flood_check_next_round(struct flood_check *c, uint16_t r);

/* The sender entry for id, or NULL if it never delivered. */
const struct flood_sender *flood_check_sender(const struct flood_check *c,
					      uint64_t id);

#endif
