/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-sim --frames: the engine's frame ops (engine.h, frame_alloc /
 * frame_send / frame_release, ordo_engine_rx_frame) over a checking
 * allocator. Each frame has a handle of (generation, index); the table
 * knows which engine holds each frame (a received packet offered through
 * ordo_engine_rx_frame counts as that engine's for the call), so a
 * release of a frame the engine does not hold (twice, never kept, or a
 * stale handle) and a send from one it released are caught at once, and
 * a frame an engine still holds when it is destroyed is a leak. A
 * released frame is poisoned and quarantined for a while before it is
 * reused: a read after release delivers poison, which the checker sees
 * as corrupt bytes.
 */
#ifndef SIM_FRAMES_H
#define SIM_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "ordo/wire.h"

#define SIM_FRAME_FREE (-1)
#define SIM_FRAME_QUARANTINE 1024u
#define SIM_FRAME_POISON 0xa5u

struct sim_frame {
	uint8_t *buf;
	uint32_t gen;
	int32_t  owner;  /* node index, or SIM_FRAME_FREE */
};

struct sim_frames {
	uint32_t cap_bytes;  /* every frame: the MTU */
	struct sim_frame *f;
	uint32_t n, size;
	uint32_t *free_idx;  /* reusable, oldest released first */
	uint32_t n_free, free_head, free_size;
	uint64_t held[ORDO_MAX_MEMBERS]; /* frames each node's engine holds */
	uint64_t allocs, kept, releases;
	uint64_t bad;        /* contract violations seen */
	char     why[160];   /* the first of them, in words */
};

int sim_frames_init(struct sim_frames *fr, uint32_t mtu);
void sim_frames_fini(struct sim_frames *fr);

/* A frame held by node owner's engine: its frame_alloc, or a received
 * packet about to be offered. NULL when out of memory. */
void *sim_frames_get(struct sim_frames *fr, uint32_t owner, uint64_t *handle);

/* The engine of node idx releases handle / sends from it: false (and why
 * recorded) when it does not hold it. */
bool sim_frames_release(struct sim_frames *fr, uint32_t idx, uint64_t handle);
bool sim_frames_check(struct sim_frames *fr, uint32_t idx, uint64_t handle,
		      const void *pkt, uint32_t len);

/* After ordo_engine_rx_frame(): kept leaves the frame with the engine;
 * not kept takes it back (the engine must not have released it). False
 * on a violation. */
bool sim_frames_offered(struct sim_frames *fr, uint32_t idx, uint64_t handle,
			bool kept);

#endif /* SIM_FRAMES_H */
