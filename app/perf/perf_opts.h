/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-perf's command line: what to run (flood, fixed rate, size sweep),
 * with which service, groups, senders and durations, and where to report.
 * Every value is checked against its range and refused with the option
 * and the bad text quoted.
 */
#ifndef ORDO_PERF_OPTS_H
#define ORDO_PERF_OPTS_H

#include <stdbool.h>
#include <stdint.h>

enum perf_mode { PERF_MODE_FLOOD, PERF_MODE_RATE, PERF_MODE_SWEEP };

#define PERF_MAX_SIZES 32
#define PERF_MAX_GROUPS 64
#define PERF_MAX_LOCAL_SENDERS 64

struct perf_opts {
	enum perf_mode mode;
	const char *socket;         /* NULL: $ORDO_SOCKET, else libordo's default */
	uint32_t sizes[PERF_MAX_SIZES]; /* one for flood/rate, several for sweep */
	unsigned n_sizes;
	int service;                /* enum ordo_service_type */
	const char *service_name;
	unsigned groups;
	unsigned senders;           /* on this node */
	bool receive;
	bool zero_copy;             /* receive by view (ordo_receive_view) */
	double rate;                /* msgs/s per sender (rate mode) */
	double secs, warmup, timeout;
	unsigned members;           /* ordo-perf processes to wait for */
	unsigned expect_senders;    /* senders in the whole lab */
	unsigned window;            /* own messages in flight per sender, 0 = off */
	uint64_t window_bytes;      /* ... and their bytes (at least one message) */
	const char *csv;
	const char *label;
	bool quiet;
};

/* Fill o from argv. 0, 1 when --help was printed, or -EINVAL (the reason
 * is on stderr). */
int perf_opts_parse(struct perf_opts *o, int argc, char **argv);

const char *perf_mode_name(enum perf_mode m);

#endif
