/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Which lcore does what (docs/architecture.md, "Processes, threads and
 * lcores"): the EAL's main lcore supervises, the first lcore after it runs
 * the ring (the protocol), the next one the crypto/io worker
 * (dataplane/worker.h), with --workers 2 the next one the client
 * worker (dataplane/cworker.h), and with RxQueues n the n - 1 after
 * those the rx workers of the other rx queues (worker.h
 * dp_io_create_rx). The list comes from the daemon's Lcores in the
 * configuration file or from EAL's own -l / --lcores / -c; both given and
 * different is refused, so a deployment never runs on lcores it did not
 * mean.
 */
#ifndef ORDO_DP_LCORES_H
#define ORDO_DP_LCORES_H

#include <stdbool.h>
#include <stddef.h>

struct ordod_lcores {
	unsigned main, ring;
	unsigned n_workers;
	unsigned worker;      /* valid when n_workers */
	unsigned cworker;     /* the client worker: valid when n_workers > 1 */
	unsigned n_rxw;       /* rx workers: rx queues - 1 */
	unsigned rxw[8];      /* their lcores, for queues 1..n_rxw */
	unsigned unused;      /* enabled lcores given no job */
};

/* Do EAL's arguments argv[1..argc) choose the lcores (-l, -c, --lcores)? */
bool ordod_eal_sets_lcores(int argc, char **argv);

/* After rte_eal_init: the file's list (NULL or "": none) must name exactly
 * the EAL's lcores; then the jobs. workers: --workers, -1 for as many as
 * the lcores allow; rx_queues: per port (0 or 1: no rx worker). Returns
 * 0, or -EINVAL with the reason in err. */
int ordod_lcores_pick(const char *conf_list, const char *conf_name,
		      int workers, unsigned rx_queues,
		      struct ordod_lcores *out, char *err, size_t errlen);

#endif /* ORDO_DP_LCORES_H */
