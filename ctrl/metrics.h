/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-ctrld's Prometheus endpoint: what metrics.c (the HTTP server and
 * the scrape) and metrics_text.c (the exposition writer) share. A sample
 * is a record of include/ordo/ctrl_stats.h with room for a group name.
 */
#ifndef ORDO_CTRLD_METRICS_H
#define ORDO_CTRLD_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "ctrl/sbuf.h"
#include "ordo/ctrl_proto.h"

struct mx_sample {
	uint16_t id;                    /* enum ordo_stat */
	uint32_t key;                   /* numeric label */
	char     label[ORDO_CP_NAME_LEN]; /* text label, NUL-terminated */
	uint64_t value;
};

/* A growing array of samples; failed is sticky, like sbuf's. */
struct mx_set {
	struct mx_sample *s;
	size_t n, cap;
	int failed;
};

void mx_add(struct mx_set *set, uint16_t id, uint32_t key, const char *label,
	    uint64_t value);
void mx_free(struct mx_set *set);

/* The Prometheus text exposition format (version 0.0.4) of every sample
 * whose id the catalogue knows, each with node="<node>": one HELP and one
 * TYPE line per metric, its samples together, sorted by labels; a second
 * sample with the same id and labels is dropped. Sorts set in place.
 * Returns the number of samples written. */
size_t mx_text(struct mx_set *set, const char *node, struct sbuf *out);

/* The catalogue's name of an id ("ordo_" not included), NULL if unknown. */
const char *mx_name(uint16_t id);

#endif /* ORDO_CTRLD_METRICS_H */
