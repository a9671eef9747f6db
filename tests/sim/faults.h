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
 *   oneway     one direction of one link is cut (A->B lost, B->A fine);
 *   pause      a node stops processing for 1 ms to 3 s (SIGSTOP, a starved
 *              CPU): no input handled, no timer fired; what arrives meanwhile
 *              waits in its receive queue (bounded, as a NIC's) and is
 *              handled all at once when it resumes; one pause in three ends
 *              with a restart instead (a daemon killed while stopped);
 *   slow       a node runs late for a while: every packet reaches its engine
 *              a fixed delay late, and the node runs in bursts (off for part
 *              of every period, its input handled at the next burst);
 *   flap       a link, or all of one node's links, go down and up every
 *              period for a while (a NIC or cable that flaps).
 *
 * Times scale with the engine's membership timers: unit = token loss +
 * consensus timeouts, the time a ring needs to notice a failure and agree
 * on a new membership. Faults start within a window of 2 units per fault;
 * partitions, one-way cuts and restarts last 2 to 4 units, so a ring has
 * time to re-form before the network heals; slow spells 2 to 20 units,
 * flapping 6 to 60 units (toggling every unit/3 to 8 units), pauses 1 ms
 * to 3 s (log-uniform: the lab's pauses, whatever the timers). The run
 * then continues ("quiet tail") until every live node is in one ring and
 * has delivered what it must, or the time limit. At every moment at least
 * one node is free of node faults (crash, pause, slow), and a node has at
 * most one node fault at a time.
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
#define FAULTS_PAUSE     (1u << 5)
#define FAULTS_SLOW      (1u << 6)
#define FAULTS_FLAP      (1u << 7)
#define FAULTS_ALL       0xffu

/* Most faults one seed may draw; bits of fault_params.keep. */
#define FAULT_MAX 16u

enum fault_kind {
	FAULT_CRASH = 1,
	FAULT_PARTITION,
	FAULT_MERGE,
	FAULT_ONEWAY,
	FAULT_PAUSE,
	FAULT_SLOW,
	FAULT_FLAP,
	FAULT_KIND_MAX
};

/* fault.peer of a flap that takes every link of fault.node. */
#define FAULT_ALL_LINKS UINT32_MAX

/* --flap-links: which links a flap takes. NODE: every link of one node
 * (its NIC or cable: the node sees its link go down); PAIR: the link
 * between two nodes (neither port sees it). */
enum flap_links { FLAP_LINKS_DRAWN = 0, FLAP_LINKS_NODE, FLAP_LINKS_PAIR };

struct fault_params {
	uint32_t kinds;  /* FAULTS_*; 0: no faults */
	uint32_t max;    /* faults per seed: 1..max, uniformly */
	uint32_t keep;   /* bit i: keep the i-th drawn fault (shrinking) */
	/* Flapping, when given (else drawn): toggle period, total length,
	 * and which links (FLAP_LINKS_*). */
	uint64_t flap_period_ns, flap_ns;
	uint32_t flap_links;
};

struct fault {
	uint8_t kind;    /* enum fault_kind */
	uint64_t at;     /* it starts */
	uint64_t heal;   /* it ends: links restored, or the crashed node
			  * restarts; UINT64_MAX: a crash for good */
	uint32_t node;   /* crash, pause, slow: node index; oneway: the
			  * sending side; flap: one end */
	uint32_t peer;   /* oneway: the side that no longer hears it; flap:
			  * the other end, or FAULT_ALL_LINKS */
	uint64_t period; /* flap: links toggle every period (down first);
			  * slow: the node's run/off cycle */
	uint64_t off;    /* slow: off (input waits) at the start of each
			  * period */
	uint64_t delay;  /* slow: every packet to the node is this late */
	uint8_t restart; /* pause: ends with a restart, not a resume */
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

/* A fault that stops or slows one node (crash, pause, slow). */
static inline int fault_is_node(uint8_t kind)
{
	return kind == FAULT_CRASH || kind == FAULT_PAUSE || kind == FAULT_SLOW;
}

/* Is the link from node index a to b cut by f at time t (f active)? */
int fault_cuts(const struct fault *f, uint32_t a, uint32_t b, uint64_t t);

/* One line describing f, for -v output. */
void fault_describe(const struct fault *f, uint32_t n_nodes, char *buf,
		    size_t len);

#endif /* SIM_FAULTS_H */
