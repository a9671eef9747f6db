/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-perf: the state of one run, shared by its threads.
 *
 * One process per node. The main thread owns the receiver client (it joins
 * the data groups perf0..perfN-1 unless --no-receive, and always the sync
 * group "perfsync"), checks and times what it receives, prints the
 * per-second lines and the results. Each sender is a client of its own on
 * a thread of its own. Runs are rounds (a sweep has one per size): the
 * main thread opens round r by publishing its start time and r in go_round;
 * the senders warm up, send measured data, then an END to every data group
 * and to perfsync, and the main thread closes the round when the END of
 * every expected sender in the lab arrived (or --timeout passed).
 *
 * Sender counters have one writer (the sender) and one reader (the main
 * thread), through relaxed atomics: a per-second line may be a message
 * late, never torn.
 */
#ifndef ORDO_PERF_H
#define ORDO_PERF_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ordo/ctrl_stats.h"
#include "ordo/ordo.h"
#include "lib/flood/flood_check.h"
#include "app/perf/perf_opts.h"
#include "app/perf/perf_order.h"

#define PERF_SYNC_GROUP "perfsync"

struct perf_run;

struct perf_sender {
	struct perf_run *run;
	unsigned index;
	pthread_t thread;
	bool started;
	ordo_client *c;
	uint64_t id;                   /* flood_name_id(private group) */
	uint8_t *buf;                  /* one message, the largest size */
	uint64_t seq;
	uint32_t len;                  /* this round's message size */
	_Atomic uint64_t tx_msgs;      /* WARMUP and DATA handed to libordo */
	_Atomic uint64_t tx_data;      /* DATA of the current round */
	_Atomic uint64_t tx_full;      /* submit ring was full (retried) */
	_Atomic int done_round;        /* last round whose END went out */
	_Atomic uint64_t acked;        /* its last seq our receiver accepted */
	_Atomic uint64_t window_waits; /* sends held back by --window */
	int error;                     /* enum ordo_error that stopped it */
};

struct perf_run {
	struct perf_opts o;
	ordo_client *rx;
	char daemon[ORDO_NAME_LEN];
	/* data groups [0, groups), then PERF_SYNC_GROUP at [groups] */
	char groups[PERF_MAX_GROUPS + 1][ORDO_NAME_LEN];
	struct perf_sender sender[PERF_MAX_LOCAL_SENDERS];
	_Atomic int go_round;          /* -1 until round 0 starts */
	_Atomic uint64_t round_start_ns;
	_Atomic bool stop;             /* senders give up (timeout, signal) */
	unsigned sync_members;         /* perfsync's last regular view */
	bool member_left;              /* perfsync shrank during a round */
	int closed;                    /* receiver's session ended: reason */
	struct flood_check check;
	struct perf_order order;       /* per-group digests (perf_order.h) */
	unsigned ends_seen;            /* --no-receive: ENDs of this round */
	uint8_t *rx_buf;               /* names and data of one event */
	size_t rx_len;
	uint64_t logged;               /* faults named on stderr so far */
};

extern volatile sig_atomic_t perf_quit;

uint64_t perf_now_ns(void);

/* Clock readings (README.md, "Clocks"): a sender stamps the messages it
 * hands over back to back with one reading, a receiver times the messages
 * it took back to back with one reading after them, as long as such a run
 * took at most PERF_STAMP_NS: every latency is then off by less than that,
 * and only ever over. perf_stamp_next() sizes the next run from how long
 * the last one took (start of one run to start of the next). */
#define PERF_STAMP_NS 1000
#define PERF_STAMP_MAX 32

static inline unsigned perf_stamp_next(unsigned n, uint64_t took_ns)
{
	if (took_ns > PERF_STAMP_NS)
		return n > 1 ? n / 2 : 1;
	return n < PERF_STAMP_MAX ? n + 1 : n;
}

/* perf_sender.c */
int perf_senders_start(struct perf_run *r);
void perf_senders_join(struct perf_run *r);

/* perf_receiver.c: wait for --members, then run every round. Returns
 * whether every round checked clean. */
int perf_wait_members(struct perf_run *r);
bool perf_run_rounds(struct perf_run *r);

/* perf_daemon.c: the daemon's counters ordo-perf reports, from one
 * COUNTERS answer (JSON) on the client socket. */
#define PERF_STAGES ORDO_LOOP_STAGE_MAX /* include/ordo/ctrl_stats.h */

/* A worker lcore's counters: busy turns' cycles and units (every busy
 * turn), the timed turns' cycles per stage and units, the longest turn in
 * its last whole second. */
struct perf_lcore_sample {
	bool     on;
	uint64_t busy_cycles, busy_units;
	uint64_t cycles[PERF_STAGES];
	uint64_t timed_units;
	uint64_t stall_recent;
};

/* rx workers ordod may run (RxQueues up to 8: queues 1..7), and client
 * workers after the first (--workers up to 5: 4 client workers). */
#define PERF_RX_WORKERS 7u
#define PERF_MORE_CW    3u

struct perf_daemon_sample {
	bool     ok;                    /* the daemon answered, retrans known */
	bool     stages;                /* its ring lcore's stage cycles too */
	uint64_t retrans;               /* data retransmissions */
	uint64_t cycles[PERF_STAGES];   /* per stage, timed turns */
	uint64_t msgs;                  /* ordered messages, timed turns */
	uint64_t busy_cycles, busy_msgs; /* every busy turn, timed or not */
	uint64_t stall_recent;          /* longest turn, last whole second */
	uint64_t tsc_hz;
	/* The worker lcores, if they run: the crypto/io worker (ordod's
	 * dataplane/worker.h; its unit a frame) and the client worker
	 * (dataplane/cworker.h; its unit a message handed to the local
	 * clients), under the ring lcore's names (dataplane/lcore_kv.h);
	 * the rx workers of rx queues 1.. (their unit a frame). */
	struct perf_lcore_sample w, cw;
	struct perf_lcore_sample cwk[PERF_MORE_CW]; /* client workers 2.. */
	struct perf_lcore_sample rxw[PERF_RX_WORKERS];
};

/* 0 (s->ok), or a negative errno (s all unknown). */
int perf_daemon_sample(const char *socket, struct perf_daemon_sample *s);

/* A worker lcore's between two samples: per_msg its busy cycles per
 * message the ring lcore ordered (known: it runs, messages were
 * ordered), per_unit per unit it handled; stage[] each stage's per unit
 * in its timed turns (known_stages); stall_us b's last whole second. */
struct perf_lcore_fig {
	bool     known, known_stages;
	double   per_msg, per_unit;
	double   stage[PERF_STAGES];
	double   stall_us;
};

/* Cycles per ordered message between two samples: per_msg the whole
 * loop's (every busy turn), stage[] each stage's and timed their sum (the
 * timed turns); known when both samples had them and messages were
 * ordered in between. stall_us is b's last whole second. */
struct perf_stage_fig {
	bool     known, known_stages;
	double   per_msg;
	double   timed;
	double   stage[PERF_STAGES];
	uint64_t msgs;                  /* timed ordered messages between */
	double   stall_us;
	/* The crypto/io worker's, the client worker's, the rx workers' */
	struct perf_lcore_fig w, cw;
	struct perf_lcore_fig cwk[PERF_MORE_CW];
	struct perf_lcore_fig rxw[PERF_RX_WORKERS];
};

void perf_stage_delta(const struct perf_daemon_sample *a,
		      const struct perf_daemon_sample *b,
		      struct perf_stage_fig *f);
const char *perf_stage_name(unsigned i);

#endif
