/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordod's COUNTERS answer for the control link (dataplane/ctrl_link.h).
 */
#ifndef ORDO_APP_COUNTERS_H
#define ORDO_APP_COUNTERS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "dataplane/ring.h"

struct dp_gateway;

struct dp_cw_report;

struct ordod_counters_src {
	struct dp_ring *ring;
	struct dp_gateway *gw;
	/* The client worker, when one runs (dataplane/cworker.h): its
	 * reader, so this file links without it. */
	void (*cw_read)(const void *cw, struct dp_cw_report *out);
	const void *cw;
	/* All of them (cw is the first): the others in section
	 * client_workers, keys client_worker<K>_* (K from 2). */
	unsigned n_cw;
	const void *cws[4];
};

/* snprintf-like: the length it needed. arg: struct ordod_counters_src. */
size_t ordod_counters(void *arg, char *buf, size_t len, bool json);

#endif /* ORDO_APP_COUNTERS_H */
