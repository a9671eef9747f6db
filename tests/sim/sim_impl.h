/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What sim.c (the loop, the processes), sim_ops.c (the engine's ops) and
 * sim_faults.c (the fault schedule applied to a run) call on each other.
 * Nothing else includes this.
 */
#ifndef SIM_IMPL_H
#define SIM_IMPL_H

#include "tests/sim/sim.h"

/* An EV_FAULT event's node field: fault index * FAULT_STEPS + step. */
#define FAULT_STEPS 3u
enum fault_step {
	FAULT_STEP_START = 0,
	FAULT_STEP_HEAL = 1,
	FAULT_STEP_TOGGLE = 2, /* a flapping link changes state */
};

/* sim.c */
void sim_push(struct sim *s, uint64_t t, uint8_t kind, uint32_t idx,
	      struct pktbuf *b);
void sim_arm_timer(struct sim *s, struct sim_node *n);
void sim_arm_submit(struct sim *s, struct sim_node *n, uint64_t t);
int sim_proc_start(struct sim *s, uint32_t i);
void sim_proc_crash(struct sim *s, uint32_t i);
/* Hand one received packet to node n's engine (and the tap); consumes b. */
void sim_node_rx(struct sim *s, struct sim_node *n, struct pktbuf *b);
/* Release node index i's receive queue. */
void sim_rxq_drop(struct sim *s, uint32_t i);

/* sim_ops.c: the engine's ops (frames: --frames, the frame ops too). */
const struct ordo_engine_ops *sim_engine_ops(bool frames);
/* Destroy node n's engine; with frames, every frame it held must have
 * come back. */
void sim_engine_gone(struct sim *s, struct sim_node *n);
/* The frame contract's first violation of this run, if any. */
void sim_frames_report(struct sim *s);

/* sim_faults.c */
void sim_schedule_faults(struct sim *s);
/* Apply step of fault k. Returns 0, or -errno when a restart fails. */
int sim_fault_step(struct sim *s, uint32_t k, uint32_t step);
/* Node n does not run now (paused, or a slow spell's off part): ev waits
 * in its receive queue (a packet) or is re-armed when it runs again (a
 * timer, a submission). True if ev was taken. */
bool sim_hold(struct sim *s, struct sim_node *n, const struct ev *ev);
/* Node n runs again: its queued input is handled at once, in bursts with
 * the timers fired between them (a poll loop's rx burst, then timers). */
void sim_resume(struct sim *s, struct sim_node *n);
/* Tell node n's engine its own link state if it changed (sim_faults.c). */
void sim_link_sync(struct sim *s, struct sim_node *n);

#endif /* SIM_IMPL_H */
