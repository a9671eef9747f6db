/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Client send and receive rates of libordo against the fake daemon (a
 * thread of this process, so both sides share the 2 cores of the machine;
 * the figures bound the library's cost, not a real daemon's).
 *
 *   send:    ordo_multicast n messages; the daemon reads and drops them
 *   receive: the daemon writes n deliveries; ordo_receive them
 *   view:    the same, by ordo_receive_view (no copy into the caller),
 *            each released before the next; with its ratio to receive
 *            measured in the same run
 *
 * Median of 5 runs each. Usage: bench_libordo [messages] [bytes]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ordo/ordo.h"
#include "tests/libordo/fake_daemon.h"

#define RUNS 5

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, RUNS, sizeof(*v), cmp);
	return v[RUNS / 2];
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	long size = argc > 2 ? atol(argv[2]) : 64;
	struct fake_daemon d;
	ordo_client *c;
	double send_rate[RUNS], recv_rate[RUNS], view_rate[RUNS];

	if (n <= 0 || size < 0 || size > (16 << 20))
		return 2;
	if (fake_start(&d) < 0)
		return 1;
	d.mode = FAKE_SINK;
	d.ring_size = 1u << 20;
	if (ordo_connect(d.path, "bench", 0, 2000, &c) < 0) {
		fprintf(stderr, "connect failed\n");
		return 1;
	}
	char *buf = calloc(1, (size_t)size + 4096);
	struct ordo_event ev;
	for (int r = 0; r < RUNS; r++) {
		uint64_t before = d.msgs;
		double t0 = now_s();
		for (long i = 0; i < n; i++)
			if (ordo_multicast(c, ORDO_AGREED, "bench", 0, buf,
					   (size_t)size) < 0)
				return 1;
		while (d.msgs < before + (uint64_t)n)
			;
		send_rate[r] = (double)n / (now_s() - t0);

		fake_source(&d, (uint64_t)n, (uint32_t)size);
		t0 = now_s();
		for (long i = 0; i < n; i++)
			if (ordo_receive(c, &ev, buf, (size_t)size + 4096, 5000) < 0) {
				fprintf(stderr, "receive failed at %ld\n", i);
				return 1;
			}
		recv_rate[r] = (double)n / (now_s() - t0);
		fake_source_wait(&d);

		fake_source(&d, (uint64_t)n, (uint32_t)size);
		t0 = now_s();
		for (long i = 0; i < n; i++) {
			if (ordo_receive_view(c, &ev, 5000) < 0) {
				fprintf(stderr, "view failed at %ld\n", i);
				return 1;
			}
			ordo_release(c);
		}
		view_rate[r] = (double)n / (now_s() - t0);
		fake_source_wait(&d);
	}
	printf("libordo bench: %ld messages of %ld bytes, median of %d\n", n, size, RUNS);
	printf("  send     %12.0f msgs/s\n", median(send_rate));
	double rx = median(recv_rate), vw = median(view_rate);
	printf("  receive  %12.0f msgs/s\n", rx);
	printf("  view     %12.0f msgs/s  (view/receive %.2f)\n", vw, vw / rx);
	ordo_disconnect(c);
	fake_stop(&d);
	free(buf);
	return 0;
}
