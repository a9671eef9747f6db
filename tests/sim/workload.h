/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What the simulated nodes submit. A seed's workload is planned up front:
 * every message gets an origin node, a due time, a length, a service and a
 * message type, and its counter is its rank among its origin's messages by
 * due time. Each node then submits its own messages in counter order,
 * retrying the head after -EAGAIN, so per-origin counters are exactly the
 * order the engine accepted them in.
 *
 * The plan is also the checker's ground truth: it knows what was submitted,
 * when, with which bytes (a digest) and after which delivery (causality),
 * and it is where the wire tap records which packets carried each message.
 *
 * Node ids are 1..n_nodes; origin index = id - 1.
 */
#ifndef SIM_WORKLOAD_H
#define SIM_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"

struct wl_params {
	uint32_t msgs;       /* messages in total, over all nodes */
	uint32_t size;       /* fixed length, or 0 for the mix below */
	bool big;            /* large messages up to 16 MiB instead of 1 MiB */
	uint8_t service;     /* enum ordo_service, or 0 for a mix of all */
	uint64_t spread_ns;  /* due times are uniform in [0, spread_ns) */
};

#define WL_NONE (-1)

struct plan_msg {
	uint32_t origin;      /* node id */
	uint32_t counter;     /* per-origin, from 0 */
	uint32_t len;
	uint16_t msg_type;
	uint8_t service;
	int8_t submit_rc;     /* last non-EAGAIN error of submit, or 0 */
	uint64_t due;         /* planned submission time */
	uint64_t accepted_at; /* when submit returned 0, UINT64_MAX if never */
	uint64_t digest;      /* of the bytes submitted (valid once accepted) */
	/* The process (incarnation of origin) that submitted it, or WL_NONE:
	 * FIFO is per process, and only a live process must deliver it. */
	int32_t proc;
	/* Causality: the last verified message that process had delivered
	 * when it submitted this one (plan index), or WL_NONE. */
	int32_t causal_after;
	/* Filled by the wire tap: the ring it was sent whole in (its send
	 * configuration), and the first and last sequence of that ring that
	 * carried its fragments; first_seq is 0 if never sent whole. */
	uint32_t send_rep, send_seq;
	uint64_t first_seq, last_seq;
};

struct plan {
	struct plan_msg *msgs;  /* grouped by origin, then by counter */
	uint32_t n, cap;
	uint32_t n_nodes;
	uint32_t base[ORDO_MAX_MEMBERS + 1]; /* origin i: [base[i], base[i+1]) */
};

/* Plan index of (origin, counter), or WL_NONE. Never trusts its inputs. */
static inline int32_t plan_find(const struct plan *p, uint32_t origin,
				uint32_t counter)
{
	uint32_t i = origin - 1;

	if (origin == 0 || origin > p->n_nodes ||
	    counter >= p->base[i + 1] - p->base[i])
		return WL_NONE;
	return (int32_t)(p->base[i] + counter);
}

struct workload {
	struct wl_params p;
	struct plan plan;
	uint32_t cursor[ORDO_MAX_MEMBERS]; /* next plan index per origin */
	uint8_t *scratch;                  /* the message being submitted */
	uint32_t scratch_cap;
	uint32_t scratch_msg;              /* plan index it holds, or MAX */
	uint64_t eagain;                   /* submits refused for back-pressure */
	uint64_t last_due;                 /* latest due time in the plan */
};

/* Largest message the mix produces. */
#define WL_LARGE_MAX (1u << 20)
#define WL_BIG_MAX   (16u << 20)
/* A back-pressured node tries again this much later. */
#define WL_RETRY_NS  50000u

void wl_init(struct workload *w);
void wl_fini(struct workload *w);

/* Plan a seed's messages. Returns 0 or -ENOMEM. */
int wl_plan(struct workload *w, const struct wl_params *p, uint64_t seed,
	    uint32_t n_nodes);

/* When node index i next has a message due, or UINT64_MAX. */
uint64_t wl_next_due(const struct workload *w, uint32_t i);

/* Submit node i's messages that are due at now into e, in counter order,
 * as process proc (the node's current incarnation). last_delivered is the
 * plan index of the last verified message that process delivered (WL_NONE
 * if none); *accepted grows by the messages the engine took. Returns
 * when to call again, or UINT64_MAX. A crashed node's
 * messages simply wait: its next incarnation submits them. */
uint64_t wl_submit_due(struct workload *w, uint32_t i, uint64_t now,
		       struct ordo_engine *e, int32_t proc,
		       int32_t last_delivered, uint32_t *accepted);

/* The latest due time of the plan (0 if empty). */
uint64_t wl_last_due(const struct workload *w);

/* Largest message this workload may submit. */
uint32_t wl_max_len(const struct wl_params *p);

#endif /* SIM_WORKLOAD_H */
