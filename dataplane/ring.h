/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The ring agent: one lcore that owns a ring's ports and drives its
 * protocol engine. Aeron's agent shape: init, do_work (one turn of the
 * poll loop, returning a work count for the idle strategy), close.
 *
 * One turn:  rx burst on every port that is up -> ordo_engine_rx()
 *            ordo_engine_tick() when the engine's deadline passed
 *            the local end submits (ordo_engine_submit*)
 *            flush every port's tx buffer
 *            every millisecond, the slow path: link states, station
 *            announcements (l2.h), published counters
 * Every turn is timed, one in DP_STAGE_SAMPLE_DEFAULT stage by stage
 * (stages.h): published with the counters.
 * ops->send builds an mbuf (headers of frame.h + a copy of the packet) and
 * queues it on the port(s) toward the destination; ops->deliver hands the
 * ordered message to the local end. With crypto on (the default) every
 * frame is sealed on its way to the port and opened on its way from it
 * (seal.h): the engine sees plaintext only, and only authentic frames.
 *
 * More cores: the engine is a single-threaded state machine, so a ring is
 * one lcore and scaling out is more rings (one agent, one group address and
 * one queue pair per port each), not more threads per ring. Work that can
 * leave the ring's lcore without a lock goes through rte_rings to other
 * lcores: the ports and the crypto to a crypto/io worker (worker.h; io
 * set: rx takes opened frames from it, tx hands it built frames, the seal
 * is the worker's), and, not built yet, client delivery fan-out and
 * submission gathering.
 */
#ifndef ORDO_DP_RING_H
#define ORDO_DP_RING_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "dataplane/clock.h"
#include "dataplane/frame.h"
#include "dataplane/idle.h"
#include "dataplane/local.h"
#include "dataplane/peers.h"
#include "dataplane/port.h"
#include "dataplane/seal.h"
#include "dataplane/snapshot.h"
#include "dataplane/stages.h"
#include "dataplane/worker.h"
#include "engine/engine.h"

struct dp_ring_conf {
	struct ordo_engine_config engine;
	uint16_t n_ports;
	uint16_t port_ids[DP_MAX_PORTS];
	struct dp_port_conf port;
	uint32_t n_mbufs;          /* 0: sized from the ports' descriptors */
	uint8_t  ring_no;          /* group address of this ring */
	bool     udp;              /* UDP/IPv4 encapsulation */
	uint32_t my_ip, group_ip;  /* host order, UDP only */
	uint16_t udp_port;
	const struct dp_idle_ops *idle;
	uint64_t idle_max_park_ns;
	int      socket;           /* NUMA node for our memory */
	/* Crypto (dataplane/seal.h): key NULL means off, every frame in the
	 * clear (Crypto = none). The engine's MTU already leaves room for the
	 * envelope (ORDO_SEAL_OVERHEAD). */
	const struct ordo_seal_key *key;
	const char *crypto_dev;    /* NULL: chosen at start */
	/* Per-stage cycle accounting (stages.h): one turn in this many is
	 * timed stage by stage; 0 means DP_STAGE_SAMPLE_DEFAULT, and
	 * DP_STAGE_SAMPLE_OFF none (the longest stall is kept anyway). */
	uint32_t stage_sample;
	/* A crypto/io worker lcore will own the ports (worker.h): room in
	 * the pool for the frames in its hand-off rings. */
	bool     io_worker;
	/* A client worker (cworker.h) keeps delivered frames by reference:
	 * room in the pool for one per item it may have in flight. */
	uint32_t client_refs;
	/* The engine copies every packet into its own store instead of
	 * holding frames by handle (ring_frames.c); for comparisons. */
	bool     copy_store;
};

#define DP_STAGE_SAMPLE_DEFAULT 64u
#define DP_STAGE_SAMPLE_OFF     UINT32_MAX

struct dp_ring {
	/* hot: touched every turn */
	struct ordo_engine *engine;
	uint64_t now;
	uint64_t deadline;
	uint64_t next_slow;
	uint16_t n_ports;
	uint32_t mtu;
	struct dp_framer framer;
	struct rte_mempool *pool;
	const struct dp_local_ops *local;
	void *local_ctx;
	struct dp_clock clock;
	struct dp_idle idle;
	struct dp_peers peers;
	struct dp_seal *seal;  /* NULL: crypto off */
	struct dp_io *io;      /* NULL: this lcore owns ports and crypto */
	/* rx workers of the other rx queues (worker.h dp_io_create_rx) */
	uint16_t n_io_rx;
	struct dp_io *io_rx[DP_MAX_RX_WORKERS];
	/* Frames held by the engine (ring_frames.c): on unless copy_store;
	 * where the packet starts in an mbuf (framing, envelope header);
	 * how many the engine holds and may hold (the pool's spare). */
	bool     frames;
	uint32_t frame_off;
	int64_t  frames_held, frames_budget;
	uint64_t frames_tx_ref;   /* sent as the stored frame itself */
	uint64_t frames_tx_copy;  /* stored frames sent as a copy */
	uint64_t frames_short;    /* frame_alloc over budget: copied */
	struct dp_stages stg;  /* what each stage of a turn costs */
	uint64_t loops;
	uint64_t events;     /* frames built + deliveries + config changes */
	uint64_t tx_no_port;
	uint64_t tx_alone;   /* data packets of a ring of one, not sent */
	/* Packets the engine took from a station that is no known member's:
	 * forgeries that got through (tests/lab/hostile.sh). */
	uint64_t rx_stranger;
	struct dp_port ports[DP_MAX_PORTS];

	/* cold */
	uint32_t my_id;
	uint32_t config_hash;
	int      socket;             /* NUMA node of our memory */
	struct ordo_engine_mem engine_mem;
	uint64_t engine_huge_bytes;  /* engine memory from hugepages ... */
	uint64_t engine_heap_bytes;  /* ... and from the heap (short) */
	uint8_t  ring_no;
	uint64_t next_announce;     /* ns: periodic announcement */
	bool     link_up;           /* what the engine was last told of our
				     * link: up while any port is */
	uint64_t next_answer;       /* ns: earliest answer to a stranger */
	uint64_t announces_rx, announces_tx, announces_bad;
	uint64_t config_changes;
	uint32_t ring_members, ring_rep, ring_seq; /* last regular configuration */
	volatile bool *quit;
	struct dp_seal seal_;        /* what seal points to when crypto is on */
	struct dp_snapshot scratch;
	struct dp_published pub __attribute__((aligned(64)));
};

/* The engine ops: copying packets, or holding frames by handle. */
extern const struct ordo_engine_ops dp_ring_engine_ops;
extern const struct ordo_engine_ops dp_ring_frame_ops;

/* Build the ring: mempool on conf->socket, ports started, engine created
 * and started. local may be NULL (deliveries are only counted). Returns
 * NULL and sets errno; err gets a one-line reason. */
struct dp_ring *dp_ring_create(const struct dp_ring_conf *conf,
			       const struct dp_local_ops *local,
			       void *local_ctx, char *err, size_t errlen);

/* One turn of the poll loop. Returns the work done (0: idle). */
unsigned dp_ring_do_work(struct dp_ring *r);

/* A key operation (seal.h) from the main lcore. here: the ring runs on
 * this thread (between turns), so it is applied at once; else posted to
 * the ring lcore, which serves it within a millisecond. Returns 0 (the
 * outcome in c) or -errno (-ENOTSUP: crypto is off; -ETIMEDOUT). */
int dp_ring_key_cmd(struct dp_ring *r, struct dp_seal_cmd *c, bool here);

/* Seal what is waiting (crypto on) and send every port's tx buffer; with
 * a worker, hand it the staged frames. Returns the frames handed to the
 * worker (0 without one: the port flush is the same turn's work). */
unsigned dp_ring_flush(struct dp_ring *r);

/* Loop until *quit: an lcore entry point's body. */
void dp_ring_run(struct dp_ring *r, volatile bool *quit);

/* Announce our station on every port that is up (ring.c does it on start,
 * on link up and every second). */
void dp_ring_announce(struct dp_ring *r);

/* Publish the counters now (the loop does it every millisecond). */
void dp_ring_publish(struct dp_ring *r);

/* Read the last published counters; safe from any thread. */
void dp_ring_read(const struct dp_ring *r, struct dp_snapshot *out);

/* Stop and close the ports, destroy the engine, free the memory. Call
 * after the lcore returned. */
void dp_ring_destroy(struct dp_ring *r);

#endif /* ORDO_DP_RING_H */
