/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Counters the ring's lcore publishes for everyone else (the main thread's
 * per-second lines, the telemetry thread). The lcore owns its counters and
 * copies them here from its slow path (every millisecond) under a sequence
 * count: the writer never waits, a reader retries the copy if it raced.
 */
#ifndef ORDO_DP_SNAPSHOT_H
#define ORDO_DP_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_pause.h>

#include "dataplane/counters.h"
#include "dataplane/port.h"
#include "dataplane/seal.h"
#include "dataplane/stages.h"
#include "dataplane/worker.h"
#include "engine/engine.h"

struct dp_traffic_report {
	bool     enabled, done;
	uint64_t expected;        /* messages every node must deliver */
	uint64_t submitted;       /* by this node */
	uint64_t delivered, delivered_bytes;
	uint64_t digest;          /* over (sender, seq, length, payload) in order */
	uint64_t fifo_errors;     /* a sender's messages out of its own order */
	uint32_t fifo_sender;     /* the first such error: sender, */
	uint64_t fifo_want, fifo_got; /* the seq expected and the one delivered */
	uint64_t fifo_at;         /* and the delivery count where it happened */
	uint64_t foreign;         /* deliveries that were not traffic messages */
	uint64_t config_changes;  /* seen by the traffic generator */
	uint64_t t_first, t_last; /* ns: first and last delivery */
};

struct dp_snapshot {
	uint64_t now_ns;
	uint32_t node_id;
	uint32_t config_hash;
	struct ordo_engine_stats eng;
	struct ordo_engine_status st;
	uint16_t n_ports;
	struct {
		bool up, p2p;
		uint16_t port_id;
		char name[DP_NAME_MAX];
		char driver[DP_NAME_MAX];
		struct dp_port_counters c;
	} ports[DP_MAX_PORTS];
	uint32_t peers_known;
	uint64_t peers_moved;
	uint64_t peers_contested; /* crypto off: seen at two stations (peers.h) */
	uint64_t tx_no_port;      /* frames with no port up to take them */
	uint64_t tx_alone;        /* data packets of a ring of one, not sent */
	uint64_t rx_stranger;     /* taken by the engine from no member's station */
	/* Frames by handle (ring_frames.h): on, held now and the budget,
	 * held frames sent as themselves or as a copy, allocations refused. */
	bool     frames;
	int64_t  frames_held, frames_budget;
	uint64_t frames_tx_ref, frames_tx_copy, frames_short;
	uint64_t announces_rx, announces_tx, announces_bad;
	uint64_t config_changes;
	uint32_t ring_members;    /* members of the ring we are in now */
	uint64_t loops, idle_turns, parks;
	struct dp_stage_stats stages; /* the ring lcore's, stages.h */
	bool     crypto;          /* frames are sealed (seal.h) */
	struct dp_seal_stats seal;
	struct dp_io_report io;   /* the crypto/io worker's (io.on), worker.h */
	uint16_t n_rxw;           /* rx workers (more rx queues), and theirs */
	struct dp_io_report rxw[DP_MAX_RX_WORKERS];
	struct dp_traffic_report traffic;
};

struct dp_published {
	uint32_t seq; /* odd while the writer copies */
	struct dp_snapshot s;
};

static inline void dp_publish(struct dp_published *p,
			      const struct dp_snapshot *s)
{
	uint32_t seq = __atomic_load_n(&p->seq, __ATOMIC_RELAXED);

	__atomic_store_n(&p->seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(&p->s, s, sizeof(*s));
	__atomic_store_n(&p->seq, seq + 2, __ATOMIC_RELEASE);
}

static inline void dp_read_published(const struct dp_published *p,
				     struct dp_snapshot *out)
{
	for (;;) {
		uint32_t a = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE);

		if (a & 1) {
			rte_pause();
			continue;
		}
		memcpy(out, &p->s, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&p->seq, __ATOMIC_RELAXED) == a)
			return;
	}
}

#endif /* ORDO_DP_SNAPSHOT_H */
