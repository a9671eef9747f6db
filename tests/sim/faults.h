/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fault schedule: what goes wrong in a run, and when, drawn from the
 * seed (its own stream, so the workload and the network draw the same
 * numbers with or without faults).
 *
 *   crash      a node stops: its engine is destroyed, its log ends;
 *   restart    a crashed node comes back with a new incarnation: a new
 *              engine and a new log (a different process to the checker);
 *   partition  the LAN splits in two for a while, then heals (a merge);
 *   merge      the LAN starts split in two or three: separate rings form
 *              and carry traffic, then the network heals and they merge;
 *   oneway     one direction of one link is cut (A->B lost, B->A fine).
 *
 * Times scale with the engine's membership timers: unit = token loss +
 * consensus timeouts, the time a ring needs to notice a failure and agree
 * on a new membership. Faults start within a window of 2 units per fault;
 * partitions, one-way cuts and restarts last 2 to 4 units, so a ring has
 * time to re-form before the network heals; every fault has healed by
 * window + 4 units, and the run then continues ("quiet tail") until every
 * live node is in one ring and has delivered what it must, or the time
 * limit. At least one node is alive at every moment.
 */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H

#include <stddef.h>
#include <stdint.h>

#include "ordo/wire.h"

/* --faults: which kinds may be drawn. */
#define FAULTS_CRASH     (1u << 0)
#define FAULTS_RESTART   (1u << 1)
#define FAULTS_PARTITION (1u << 2)
#define FAULTS_MERGE     (1u << 3)
#define FAULTS_ONEWAY    (1u << 4)
#define FAULTS_ALL       0x1fu

/* Most faults one seed may draw; bits of fault_params.keep. */
#define FAULT_MAX 16u

enum fault_kind {
	FAULT_CRASH = 1,
	FAULT_PARTITION,
	FAULT_MERGE,
	FAULT_ONEWAY,
};

struct fault_params {
	uint32_t kinds;  /* FAULTS_*; 0: no faults */
	uint32_t max;    /* faults per seed: 1..max, uniformly */
	uint32_t keep;   /* bit i: keep the i-th drawn fault (shrinking) */
};

struct fault {
	uint8_t kind;    /* enum fault_kind */
	uint64_t at;     /* it starts */
	uint64_t heal;   /* it ends: links restored, or the crashed node
			  * restarts; UINT64_MAX: a crash for good */
	uint32_t node;   /* crash: node index; oneway: the sending side */
	uint32_t peer;   /* oneway: the side that no longer hears it */
	uint8_t group[ORDO_MAX_MEMBERS]; /* partition, merge: node's side */
	uint32_t drawn;  /* its index among the drawn faults (keep's bit) */
};

struct fault_plan {
	struct fault f[FAULT_MAX];
	uint32_t n;       /* kept */
	uint32_t drawn;   /* before keep */
	uint64_t unit;    /* ns; see above */
	uint64_t window;  /* faults start in [0, window) */
	uint64_t last;    /* the last start or heal of a kept fault, or 0 */
};

void fault_params_default(struct fault_params *p);

/* Parse a --faults list ("crash,partition", "all", "none"); 0 or -EINVAL
 * with the bad word quoted in err. */
int faults_parse(const char *list, uint32_t *kinds, char *err, size_t errlen);

/* The list faults_parse() reads back as kinds. */
void faults_format(uint32_t kinds, char *buf, size_t len);

/* Draw a seed's schedule for n_nodes nodes; unit is token loss +
 * consensus timeout. With kinds 0 or one node, the plan is empty. */
void faults_plan(struct fault_plan *fp, const struct fault_params *p,
		 uint64_t seed, uint32_t n_nodes, uint64_t unit);

const char *fault_kind_name(uint8_t kind);

/* One line describing f, for -v output. */
void fault_describe(const struct fault *f, uint32_t n_nodes, char *buf,
		    size_t len);

#endif /* SIM_FAULTS_H */
