/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What an ordo-perf receiver checks on every delivery: the message is
 * well-formed with an intact payload (perf_msg_parse), and each sender's
 * sequence goes up by exactly one: a jump forward counts the skipped
 * messages as lost, a step back (a duplicate or a late message) as
 * misordered. A sender's END of round r closes it for that round; data
 * of round r after it, or of another round than the receiver's, is
 * misordered too. It also counts the measured deliveries of the current
 * round and their latencies.
 *
 * The sender table is an open-addressing hash on the 64-bit sender id,
 * bound to the private group name the daemon reported with the first
 * message: a later message with that id from another name is refused
 * (a header claiming to be someone else).
 */
#ifndef ORDO_PERF_CHECK_H
#define ORDO_PERF_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "perf_hist.h"
#include "perf_msg.h"

#define PERF_MAX_SENDERS 1024
#define PERF_NAME_LEN 32

struct perf_sender_state {
	uint64_t id;                 /* 0: free slot */
	char name[PERF_NAME_LEN];
	uint64_t next_seq;           /* the sequence expected next */
	uint64_t got;                /* messages accepted in order */
	int ended_round;             /* round of its last END, -1 none */
};

/* Counters of one round (reset by perf_check_next_round). */
struct perf_round_stats {
	uint64_t data;               /* PERF_DATA messages accepted */
	uint64_t data_bytes;
	uint64_t first_ns, last_ns;  /* first and last PERF_DATA delivery */
	unsigned ends;               /* senders whose END of this round came */
	struct perf_hist latency;    /* PERF_DATA only, ns */
};

struct perf_check {
	struct perf_sender_state sender[PERF_MAX_SENDERS];
	unsigned n_senders;
	uint16_t round;
	/* Cumulative over the whole run. */
	uint64_t deliveries;         /* every message handed to the checker */
	uint64_t rx_msgs, rx_bytes;  /* WARMUP and DATA accepted */
	uint64_t lost;               /* skipped over by a sequence jump */
	uint64_t misordered;         /* went back, after END, other round */
	uint64_t corrupt;            /* refused by perf_msg_parse */
	uint64_t bad[PERF_BAD_COUNT];
	uint64_t impostor;           /* sender id bound to another name */
	uint64_t too_many;           /* senders beyond PERF_MAX_SENDERS */
	struct perf_msg last;        /* header of the last accepted message */
	struct perf_round_stats cur;
	struct perf_hist second;     /* WARMUP and DATA since last take */
};

void perf_check_init(struct perf_check *c);

/* Results of perf_check_deliver. */
enum perf_check_rc {
	PERF_CHECK_OK = 0,
	PERF_CHECK_END = 1,          /* an END, accepted */
	PERF_CHECK_CORRUPT = -1,     /* refused: see c->bad */
	PERF_CHECK_LOST = -2,        /* accepted after a gap */
	PERF_CHECK_MISORDERED = -3,  /* refused: went back / after END */
	PERF_CHECK_IMPOSTOR = -4,
	PERF_CHECK_FULL = -5,
};

/* One delivery of len bytes from private group `name`, at now_ns
 * (CLOCK_MONOTONIC; a send stamp in the future counts as 0 latency). */
int perf_check_deliver(struct perf_check *c, const void *msg, size_t len,
		       const char *name, uint64_t now_ns);

/* Nothing lost, misordered, corrupt or impostor so far. */
bool perf_check_clean(const struct perf_check *c);

/* Start round r: per-round counters and histograms cleared. */
void perf_check_next_round(struct perf_check *c, uint16_t r);

const struct perf_sender_state *perf_check_find(const struct perf_check *c,
						uint64_t id);

#endif
