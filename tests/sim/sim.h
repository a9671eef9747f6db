/* SPDX-License-Identifier: BSD-3-Clause
 *
 * One simulated ring: N nodes, each running the real engine, joined by the
 * simulated network (net.h), fed by the workload (workload.h), watched by
 * the wire tap (tap.h), with every delivery logged (simlog.h). A run is a
 * discrete-event simulation over an event queue (evq.h): nothing depends on
 * the host's clock or on memory addresses, so a seed replays exactly.
 *
 * The loop, per event: deliver a packet (ordo_engine_rx), fire a timer
 * (ordo_engine_tick) or submit what is due; after every engine call, ask
 * ordo_engine_next_deadline() and schedule a tick if it is earlier than the
 * one pending. A run ends when every message was delivered at every node
 * and a grace period passed without incident ("quiet"), or at the time
 * limit, or when nothing new was delivered for a long time (a ring that
 * stalls for seconds of simulated time would otherwise spin until the time
 * limit, and a broken engine would make every seed cost seconds), or when
 * the event budget is spent.
 *
 * All state of the simulator lives in struct sim; buffers grow to the
 * largest run and are reused by the next seed.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdint.h>

#include "engine/engine.h"
#include "evq.h"
#include "net.h"
#include "pktbuf.h"
#include "report.h"
#include "simlog.h"
#include "tap.h"
#include "workload.h"

struct sim_opts {
	uint32_t nodes;          /* 1..ORDO_MAX_MEMBERS, ids 1..nodes */
	uint32_t mtu;
	uint64_t token_retx_ns;  /* 0: derived from the network model */
	/* Engine windows and store; 0 keeps the engine's default. */
	uint32_t personal_window, global_window, accel_window, store_packets;
	uint64_t time_limit_ns;  /* liveness bound, simulated */
	uint64_t stall_ns;       /* end early after this long without progress */
	uint64_t max_events;     /* safety net against a runaway run */
	struct wl_params wl;
	struct net_params net;
};

void sim_opts_default(struct sim_opts *o);

enum sim_end {
	SIM_END_QUIET,      /* all delivered everywhere, grace period passed */
	SIM_END_TIME_LIMIT, /* the liveness bound */
	SIM_END_STALLED,    /* no new delivery for stall_ns: it will not recover */
	SIM_END_IDLE,       /* no event left: every engine stopped asking */
	SIM_END_BUDGET,     /* max_events */
	SIM_END_ERROR,      /* out of memory or an engine refused to start */
};

const char *sim_end_name(enum sim_end e);

struct sim_node {
	struct sim *sim;
	uint32_t idx;           /* id - 1 */
	struct ordo_engine *e;
	uint64_t tick_at;       /* pending EV_TICK, or UINT64_MAX */
	uint64_t submit_at;     /* pending EV_SUBMIT, or UINT64_MAX */
	int32_t last_delivered; /* plan index of its last verified delivery */
};

struct sim_result {
	enum sim_end end;
	uint64_t end_time;      /* simulated ns */
	uint64_t done_at;       /* when the last delivery happened, or MAX */
	uint64_t progress_at;   /* last first-time delivery or accepted submit */
	uint64_t events;
	/* Packets the engine counted as dropped while ordo_engine_rx()
	 * returned 0, against engine.h's contract (reported, not judged). */
	uint64_t rx_rc_mismatch;
	struct report run;      /* what the loop itself found (CHK_SIM/WIRE) */
	struct ordo_engine_stats engine; /* summed over nodes */
};

struct sim {
	struct sim_opts o;
	uint64_t token_retx_ns;
	uint64_t grace_ns;
	uint64_t now;
	struct evq q;
	struct pktpool pool;
	struct net net;
	struct workload wl;
	struct tap tap;
	struct sim_node node[ORDO_MAX_MEMBERS];
	struct sim_log logs[ORDO_MAX_MEMBERS];
	uint8_t *got;           /* [msg * nodes + node]: delivered intact */
	size_t got_cap;
	uint64_t want, have;    /* (message, node) pairs */
	struct sim_result res;
};

/* Returns 0, or -EINVAL with a reason in err. */
int sim_init(struct sim *s, const struct sim_opts *o, char *err,
	     size_t errlen);
void sim_fini(struct sim *s);

/* Run one seed. The logs, plan and tap then describe it until the next
 * run; s->res says how it ended. Returns 0 or -ENOMEM. */
int sim_run(struct sim *s, uint64_t seed);

#endif /* SIM_SIM_H */
