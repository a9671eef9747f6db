/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What every ordo-perf thread shares and nothing else owns: the clock
 * latencies are measured with (CLOCK_MONOTONIC: one host's nodes share
 * it) and the stop flag the signal handler raises.
 */
#include <time.h>

#include "app/perf/perf.h"

volatile sig_atomic_t perf_quit;

uint64_t perf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
