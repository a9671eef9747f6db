/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The ring's local end: what submits messages on this node and what
 * consumes the ordered stream. An ops struct, so the built-in traffic
 * generator (traffic.c), a client gateway or a test fake plug into the same
 * poll loop. Both calls run on the ring's lcore, on the hot path: no
 * blocking, no allocation, no syscall.
 */
#ifndef ORDO_DP_LOCAL_H
#define ORDO_DP_LOCAL_H

#include <stdint.h>

#include "engine/engine.h"

struct dp_stages;
struct dp_traffic_report;

struct dp_local_ops {
	const char *name;
	/* The ring's engine exists (before it starts): a local end that
	 * submits from its callbacks keeps it. May be NULL. */
	void (*bind)(void *ctx, struct ordo_engine *e);
	/* Once per loop turn: submit what is ready. Returns messages
	 * submitted (the loop's work count). May be NULL. */
	unsigned (*produce)(void *ctx, struct ordo_engine *e, uint64_t now);
	/* A message in the ring's total order, at time now. May be NULL. */
	void (*deliver)(void *ctx, const struct ordo_delivery *d,
			uint64_t now);
	/* A membership change, in order with deliveries. May be NULL. */
	void (*config_change)(void *ctx, const struct ordo_config_change *c,
			      uint64_t now);
	/* The loop's stage accounting (dataplane/stages.h), before the ring
	 * starts: a local end that times its own stages inside produce and
	 * deliver (switching to protocol around its engine submissions, to
	 * deliver for its deliveries) and counts their items keeps it. May be
	 * NULL: then produce is all submit, deliver all deliver, and the
	 * loop counts one deliver item per delivery. */
	void (*bind_stages)(void *ctx, struct dp_stages *s);
	/* Fill the traffic part of the published counters. May be NULL. */
	void (*report)(void *ctx, struct dp_traffic_report *r);
};

#endif /* ORDO_DP_LOCAL_H */
