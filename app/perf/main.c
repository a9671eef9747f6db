/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-perf: ordo's throughput and latency harness, in the manner of
 * DPDK's testpmd. One process per node attaches sender clients and one
 * receiver client to the local daemon through libordo's shared-memory
 * rings, floods (or paces, or sweeps sizes), checks every message it
 * receives and prints what it measured. README.md in this folder has the
 * options, the output and the method.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/perf/perf.h"
#include "app/perf/perf_report.h"

static void on_signal(int sig)
{
	(void)sig;
	perf_quit = 1;
}

static int attach_receiver(struct perf_run *r)
{
	int rc = ordo_connect(r->o.socket, NULL, ORDO_CONNECT_MEMBERSHIP,
			      (int)(r->o.timeout * 1000), &r->rx);

	if (rc < 0) {
		fprintf(stderr, "ordo-perf: connect to %s: %s\n",
			r->o.socket ? r->o.socket : "$ORDO_SOCKET / default socket",
			ordo_strerror(rc));
		return rc;
	}
	snprintf(r->daemon, sizeof(r->daemon), "%s", ordo_daemon_name(r->rx));
	for (unsigned g = 0; g < r->o.groups; g++)
		snprintf(r->groups[g], ORDO_NAME_LEN, "perf%u", g);
	snprintf(r->groups[r->o.groups], ORDO_NAME_LEN, "%s", PERF_SYNC_GROUP);
	/* Data groups first, perfsync last: when perfsync shows every
	 * process, every receiver's joins are ordered before any data. */
	for (unsigned g = 0; g < r->o.groups && r->o.receive; g++) {
		rc = ordo_join(r->rx, r->groups[g]);
		if (rc < 0)
			break;
	}
	if (rc >= 0)
		rc = ordo_join(r->rx, PERF_SYNC_GROUP);
	if (rc < 0)
		fprintf(stderr, "ordo-perf: join: %s\n", ordo_strerror(rc));
	return rc < 0 ? rc : 0;
}

/* The result line of a run that never started. */
static void report_not_run(struct perf_run *r)
{
	static struct flood_hist empty;

	for (unsigned i = 0; i < r->o.n_sizes; i++) {
		struct perf_result res = { .round = i, .size = r->o.sizes[i],
					   .latency = &empty, .retrans = -1,
					   .ends_expected = r->o.expect_senders };

		perf_report_result(r, &res);
	}
}

int main(int argc, char **argv)
{
	static struct perf_run r;
	struct sigaction sa = { .sa_handler = on_signal };
	bool ok = false;
	int rc;

	rc = perf_opts_parse(&r.o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	atomic_init(&r.go_round, -1);
	flood_check_init(&r.check);
	perf_order_init(&r.order, r.o.groups);
	snprintf(r.daemon, sizeof(r.daemon), "?");
	rc = attach_receiver(&r);
	if (rc == 0)
		rc = perf_senders_start(&r);
	if (rc == 0)
		rc = perf_wait_members(&r);
	if (rc == 0)
		ok = perf_run_rounds(&r);
	else
		report_not_run(&r);
	atomic_store(&r.stop, true);
	perf_senders_join(&r);
	if (r.rx)
		ordo_disconnect(r.rx);
	return ok ? 0 : 1;
}
