/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What ordod's micro-benchmarks measure with: the calling thread's CPU
 * time and the median of repeated runs. The software PMDs and the ring
 * loop work on the calling thread, so its CPU time is the cost; a machine
 * shared with other work (labs, CI) does not inflate it the way wall time
 * would.
 */
#ifndef ORDO_DP_BENCH_CPU_H
#define ORDO_DP_BENCH_CPU_H

#include <stdlib.h>
#include <time.h>

static inline double bench_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v in place. */
static inline double bench_median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
