/* SPDX-License-Identifier: BSD-3-Clause
 *
 * `ordod --check`: is this host ready for the dataplane? Plain-word
 * findings, one per line, each "ok", "warn" or "FAIL" with what to do:
 *
 *   FAIL hugepages: none reserved. Reserve them: dpdk-hugepages.py -p 2M
 *        --setup 1G (or hugepages=512 on the kernel command line)
 *
 * Two halves: what /sys and /proc tell before EAL starts (hugepages, the
 * hugetlbfs mount, how each PCI NIC is bound, interfaces behind vdevs), and
 * what only a running EAL knows (port and lcore NUMA nodes, free memory).
 */
#ifndef ORDO_DP_ENVCHECK_H
#define ORDO_DP_ENVCHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct dp_envcheck {
	FILE *out;
	unsigned fails, warns;
	bool quiet; /* count only */
};

/* Before EAL: scan the EAL arguments for memory options and devices, and
 * the port devargs, and check the host against them. */
void dp_envcheck_host(struct dp_envcheck *c, int eal_argc, char **eal_argv,
		      const char *const *ports, unsigned n_ports);

/* One device by its devargs: a PCI NIC's binding and node, or the
 * interface behind an af_packet/af_xdp vdev. */
void dp_envcheck_device(struct dp_envcheck *c, const char *devargs);

/* After EAL: NUMA placement of each port against the lcore that would
 * poll it (port_lcore: the worker's when there is one, else ring_lcore),
 * and the isolation of the ring lcore's CPU. */
void dp_envcheck_eal(struct dp_envcheck *c, const uint16_t *port_ids,
		     unsigned n_ports, unsigned ring_lcore,
		     unsigned port_lcore);

/* Hugepages reserved on this host, all sizes, in bytes. */
uint64_t dp_envcheck_hugepage_bytes(void);

#endif /* ORDO_DP_ENVCHECK_H */
