/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The decisions of ordo-relay (tests/lab/relay/ordo-relay.c), without I/O:
 * what a direction does to a frame (pass, cut, lose, delay with jitter),
 * the bounded queue of delayed frames, and the control commands that
 * change a direction while the relay runs. The kernel of this machine has
 * no tc netem; the lab's fault suite (tests/lab/lab-faults.sh) puts this
 * relay between a node's veth and the bridge instead.
 *
 * Bounds: at most RELAY_QUEUE_MAX frames wait per direction, none longer
 * than RELAY_MAX_DELAY_MS, none larger than RELAY_SLOT_BYTES; past a bound
 * a frame is dropped and counted by reason, never queued.
 */
#ifndef ORDO_TESTS_LAB_RELAY_CORE_H
#define ORDO_TESTS_LAB_RELAY_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RELAY_MAX_DELAY_MS 2000u
#define RELAY_QUEUE_MAX    4096u
#define RELAY_SLOT_BYTES   2048u /* a 1500-byte MTU frame and its headers */

/* What one direction does. All zero: frames pass at once. */
struct relay_mode {
	bool cut;           /* drop every frame */
	uint32_t loss_ppm;  /* drop this share, parts per million */
	uint32_t delay_us;  /* hold each frame this long ... */
	uint32_t jitter_us; /* ... plus a uniform 0..jitter: reorders */
};

enum relay_drop {
	RELAY_DROP_CUT,
	RELAY_DROP_LOSS,
	RELAY_DROP_FULL,  /* the queue is at RELAY_QUEUE_MAX */
	RELAY_DROP_BIG,   /* larger than a slot, and it had to wait */
	RELAY_DROP_TX,    /* the kernel refused to send it */
	RELAY_DROP_MAX
};

struct relay_counters {
	uint64_t rx;
	uint64_t tx;
	uint64_t delayed;   /* went through the queue */
	uint64_t reordered; /* left before a frame that came in earlier */
	uint64_t drops[RELAY_DROP_MAX];
};

struct relay_entry {
	uint64_t due_ns;
	uint64_t order; /* arrival number: ties leave in arrival order */
	uint32_t slot;
	uint32_t len;
};

/* One direction's queue: a binary min-heap on (due_ns, order) over a fixed
 * pool of slots. */
struct relay_queue {
	struct relay_entry heap[RELAY_QUEUE_MAX];
	uint32_t n;
	uint32_t free_slots[RELAY_QUEUE_MAX];
	uint32_t n_free;
	uint64_t next_order;
	uint64_t last_out_order; /* arrival number of the last frame out */
	uint8_t *slots;          /* RELAY_QUEUE_MAX * RELAY_SLOT_BYTES */
};

struct relay_dir {
	const char *name;
	struct relay_mode mode;
	struct relay_queue q;
	struct relay_counters c;
};

/* 0, or -1 when the slot memory cannot be allocated. */
int relay_dir_init(struct relay_dir *d, const char *name);
void relay_dir_free(struct relay_dir *d);

/* xorshift64*: the relay's only randomness, seeded for repeatable runs. */
uint64_t relay_rand(uint64_t *state);

enum relay_verdict {
	RELAY_SEND_NOW, /* forward the frame as it is */
	RELAY_QUEUED,   /* copied into the queue; relay_pop_due sends it */
	RELAY_DROPPED,  /* counted in c.drops */
};

/* A frame came in on this direction at now_ns: what to do with it. */
enum relay_verdict relay_admit(struct relay_dir *d, const void *frame,
			       size_t len, uint64_t now_ns, uint64_t *rng);

/* The next queued frame due at now_ns, or NULL. *len is its length; the
 * pointer stays valid until the next call on this direction. */
const uint8_t *relay_pop_due(struct relay_dir *d, uint64_t now_ns,
			     uint32_t *len);

/* When the earliest queued frame is due (UINT64_MAX if none). */
uint64_t relay_next_due(const struct relay_dir *d);

/* Apply one control line to the two directions (egress: what the node
 * sends, ingress: what it receives):
 *   pass                          both directions back to passing
 *   DIR [cut=0|1] [loss=PCT] [delay=MS] [jitter=MS]
 *                                 DIR is egress, ingress or both; keys not
 *                                 given keep their value; PCT and MS may
 *                                 have decimals (loss=12.5, delay=0.5)
 *   stats                         changes nothing (the caller prints)
 * Returns 0, or -1 with a reason that quotes the bad token in err. A line
 * is applied whole or not at all. */
int relay_command(struct relay_dir *egress, struct relay_dir *ingress,
		  const char *line, char *err, size_t errlen);

/* "cut=0 loss=20.000 delay=1.000 jitter=2.000" */
void relay_mode_format(const struct relay_mode *m, char *out, size_t outlen);

const char *relay_drop_name(enum relay_drop r);

#endif
