/* SPDX-License-Identifier: BSD-3-Clause
 *
 * One simulated cluster: N nodes, each running the real engine, joined by
 * the simulated network (net.h), fed by the workload (workload.h), broken
 * by the fault schedule (faults.h), watched by the wire tap (tap.h), with
 * every delivery and configuration change logged per process (simlog.h).
 * A run is a discrete-event simulation over an event queue (evq.h):
 * nothing depends on the host's clock or on memory addresses, so a seed
 * replays exactly.
 *
 * The loop, per event: deliver a packet (ordo_engine_rx), fire a timer
 * (ordo_engine_tick), submit what is due, or apply a fault step (crash:
 * destroy the engine; restart: a new engine with a new incarnation and a
 * new log; partition, merge, one-way: cut or restore links). After every
 * engine call, ask ordo_engine_next_deadline() and schedule a tick if it is
 * earlier than the one pending.
 *
 * A run ends "quiet" once it has settled and a grace period passed: no
 * fault step is pending, every live node submitted all its planned
 * messages and delivered its own, all live nodes are in one regular
 * configuration of exactly the live nodes, and they delivered the same
 * messages in it (an engine without membership: the same messages). It
 * ends otherwise at the time limit, when nothing progressed for a long
 * time ("stalled": a broken engine would make every seed cost seconds), or
 * when the event budget is spent.
 *
 * All state of the simulator lives in struct sim; buffers grow to the
 * largest run and are reused by the next seed.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdint.h>

#include "engine/engine.h"
#include "tests/sim/evq.h"
#include "tests/sim/faults.h"
#include "tests/sim/frames.h"
#include "tests/sim/hostile.h"
#include "tests/sim/net.h"
#include "tests/sim/pktbuf.h"
#include "tests/sim/report.h"
#include "tests/sim/simlog.h"
#include "tests/sim/tap.h"
#include "tests/sim/workload.h"

struct sim_opts {
	uint32_t nodes;          /* 1..ORDO_MAX_MEMBERS, ids 1..nodes */
	uint32_t mtu;
	uint64_t token_retx_ns;  /* 0: derived from the network model */
	/* Engine windows and store; 0 keeps the engine's default. */
	uint32_t personal_window, global_window, accel_window, store_packets;
	/* Membership timers; 0 keeps the engine's default. */
	uint64_t token_loss_ns, join_ns, consensus_ns, merge_detect_ns;
	uint64_t holddown_ns;
	uint64_t flap_hold_ns;   /* UINT64_MAX: 0 (never held out) */
	uint32_t fail_recv_rounds;
	uint64_t time_limit_ns;  /* liveness bound, simulated */
	uint64_t stall_ns;       /* end early after this long without progress */
	uint64_t max_events;     /* safety net against a runaway run */
	struct wl_params wl;     /* spread_ns 0: derived (sim_run) */
	struct net_params net;
	struct fault_params faults;
	struct hostile_params hostile;
	/* --groups (gsim.h): the group layer above each engine, with
	 * gclients client slots per node and ggroups named groups; the
	 * workload's msgs are then client actions. */
	bool groups;
	uint32_t gclients, ggroups;
	bool frames;             /* the engine holds frames by handle
				  * (frames.h) instead of copying */
};

void sim_opts_default(struct sim_opts *o);

enum sim_end {
	SIM_END_QUIET,      /* settled, grace period passed */
	SIM_END_TIME_LIMIT, /* the liveness bound */
	SIM_END_STALLED,    /* no progress for stall_ns: it will not recover */
	SIM_END_IDLE,       /* no event left: every engine stopped asking */
	SIM_END_BUDGET,     /* max_events */
	SIM_END_ERROR,      /* out of memory or an engine refused to start */
};

const char *sim_end_name(enum sim_end e);

struct sim_node {
	struct sim *sim;
	uint32_t idx;           /* id - 1 */
	struct ordo_engine *e;  /* NULL while crashed */
	int32_t proc;           /* its current process, or -1 */
	uint32_t incarnations;  /* processes it had */
	uint32_t ring_seq_floor; /* "persisted" across restarts, as a daemon
				  * does: the highest ring seq it installed,
				  * used or saw */
	uint64_t tick_at;       /* pending EV_TICK, or UINT64_MAX */
	uint64_t submit_at;     /* pending EV_SUBMIT, or UINT64_MAX */
	int32_t last_delivered; /* plan index of its last verified delivery */
	bool has_final;         /* --frames: the engine was destroyed at the
				 * run's end to count its frames; final is
				 * where it stood */
	struct ordo_engine_status final;
	int32_t pause_k;        /* the pause fault it is in, or -1 */
	int32_t slow_k;         /* the slow fault it is in, or -1 */
	uint64_t wake_at;       /* pending EV_WAKE (end of an off part), or 0 */
	bool link_down;         /* its engine was last told its link is down */
};

/* A node's receive queue while it does not run (paused, or in the off part
 * of a slow spell): handled in order, in bursts, when it runs again.
 * Bounded like a NIC's ring: what does not fit is dropped. */
#define SIM_RXQ_MAX 4096u

struct sim_rxq {
	struct pktbuf **pkt;
	uint32_t n, cap;
};

/* What the loop follows of a process to know when the run has settled. */
struct sim_proc {
	uint32_t ring_rep, ring_seq; /* its last regular configuration */
	uint32_t members;            /* of it: bit id-1 */
	bool in_regular;             /* last change was a regular one */
	uint32_t accepted;           /* messages the engine took from it */
	uint32_t self_delivered;     /* of those, delivered by itself */
	uint64_t ring_count;         /* deliveries sent in its regular */
	uint64_t ring_sum;           /* configuration: count, identity sum */
};

struct sim_result {
	enum sim_end end;
	uint64_t end_time;      /* simulated ns */
	uint64_t done_at;       /* settled since, or UINT64_MAX */
	uint64_t progress_at;   /* last delivery, accepted submit or fault */
	uint64_t events;
	uint64_t deliveries;    /* over all processes */
	uint64_t conf_changes;  /* over all processes */
	uint32_t crashes, restarts, restarts_skipped;
	uint32_t pauses, resumes;
	uint64_t rxq_dropped;   /* packets a full receive queue dropped */
	/* Packets the engine counted as dropped while ordo_engine_rx()
	 * returned 0, against engine.h's contract (reported, not judged). */
	uint64_t rx_rc_mismatch;
	struct report run;      /* what the loop itself found (CHK_SIM/WIRE) */
	struct ordo_engine_stats engine; /* summed over every engine */
};

struct gsim;

struct sim {
	struct sim_opts o;
	struct gsim *gs;        /* --groups, else NULL */
	uint64_t token_retx_ns;
	uint64_t fault_unit_ns;  /* token loss + consensus timeouts */
	uint64_t flap_hold_ns;   /* how long the engine may hold a flapping
				  * member out after it is stable */
	uint64_t grace_ns;
	uint64_t now;
	struct evq q;
	struct pktpool pool;
	struct net net;
	struct workload wl;
	struct tap tap;
	struct fault_plan faults;
	struct hostile hostile;
	struct sim_frames frames; /* --frames */
	bool fault_active[FAULT_MAX];
	uint32_t faults_pending; /* fault steps still in the queue */
	struct sim_node node[ORDO_MAX_MEMBERS];
	struct sim_rxq rxq[ORDO_MAX_MEMBERS];
	uint32_t n_procs;
	struct proc_info procs[SIM_MAX_PROCS];
	struct sim_proc sp[SIM_MAX_PROCS];
	struct sim_log logs[SIM_MAX_PROCS];
	uint8_t *self_got;      /* [msg]: its process delivered it */
	size_t self_got_cap;
	bool conf_seen;         /* the engine reported a configuration */
	bool dirty;             /* settledness may have changed */
	struct sim_result res;
};

/* Returns 0, or -EINVAL with a reason in err. */
int sim_init(struct sim *s, const struct sim_opts *o, char *err,
	     size_t errlen);
void sim_fini(struct sim *s);

/* Run one seed. The logs, plan, fault plan and tap then describe it until
 * the next run; s->res says how it ended. Returns 0 or -ENOMEM. */
int sim_run(struct sim *s, uint64_t seed);

/* When node index i next has something to submit (UINT64_MAX: nothing):
 * a planned message, or with --groups a client action. */
uint64_t sim_next_due(const struct sim *s, uint32_t i);

#endif /* SIM_SIM_H */
