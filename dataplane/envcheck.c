/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Host checks for `ordod --check` (envcheck.h). Slow path, reads /sys and
 * /proc; every finding says what to do about it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* cpu_set_t for rte_lcore_cpuset() */
#endif
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dataplane/envcheck.h"

static void say(struct dp_envcheck *c, const char *level, const char *fmt, ...)
{
	va_list ap;

	if (level[0] == 'F')
		c->fails++;
	else if (level[0] == 'w')
		c->warns++;
	if (c->quiet)
		return;
	fprintf(c->out, "%-4s ", level);
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -errno;
	if (fgets(buf, (int)len, f) == NULL)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return 0;
}

/* Sum nr (or free) hugepages of every size under dir, in bytes. */
static uint64_t hugepages_in(const char *dir, bool free_only)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint64_t total = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX];
		unsigned long kb;
		long n;

		if (sscanf(e->d_name, "hugepages-%lukB", &kb) != 1)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, e->d_name,
			 free_only ? "free_hugepages" : "nr_hugepages");
		n = read_long(path);
		if (n > 0)
			total += (uint64_t)n * kb * 1024;
	}
	closedir(d);
	return total;
}

uint64_t dp_envcheck_hugepage_bytes(void)
{
	return hugepages_in("/sys/kernel/mm/hugepages", false);
}

static bool hugetlbfs_mounted(char *where, size_t len)
{
	FILE *f = fopen("/proc/mounts", "r");
	char dev[256], dir[PATH_MAX], type[64];
	bool found = false;

	if (f == NULL)
		return false;
	while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
		if (strcmp(type, "hugetlbfs") == 0) {
			snprintf(where, len, "%s", dir);
			found = true;
			break;
		}
	fclose(f);
	return found;
}

/* The page size a hugetlbfs mount serves must have pages reserved. */
static void check_huge_dir(struct dp_envcheck *c, const char *dir)
{
	FILE *f = fopen("/proc/mounts", "r");
	char dev[256], mnt[PATH_MAX], type[64], opts[512], real[PATH_MAX];
	unsigned long kb = 0;

	if (f == NULL || realpath(dir, real) == NULL) {
		if (f)
			fclose(f);
		return;
	}
	while (fscanf(f, "%255s %4095s %63s %511s %*[^\n]", dev, mnt, type,
		      opts) == 4) {
		const char *ps = strstr(opts, "pagesize=");

		if (strcmp(type, "hugetlbfs") != 0 || strcmp(mnt, real) != 0)
			continue;
		kb = 2048;
		if (ps) {
			char unit = 'K';

			sscanf(ps + 9, "%lu%c", &kb, &unit);
			kb <<= unit == 'G' ? 20 : unit == 'M' ? 10 : 0;
		}
	}
	fclose(f);
	if (kb == 0) {
		say(c, "FAIL", "hugepages: --huge-dir %s is not a hugetlbfs "
		    "mount", dir);
		return;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof(path),
		 "/sys/kernel/mm/hugepages/hugepages-%lukB/nr_hugepages", kb);
	if (read_long(path) <= 0)
		say(c, "FAIL", "hugepages: --huge-dir %s serves %lu kB pages and "
		    "none of that size are reserved: `echo N > %s`", dir, kb,
		    path);
}

static void check_hugepages(struct dp_envcheck *c, const char *huge_dir,
			    bool no_huge, bool in_memory)
{
	uint64_t total = dp_envcheck_hugepage_bytes();
	uint64_t free_b = hugepages_in("/sys/kernel/mm/hugepages", true);
	char mnt[PATH_MAX];

	if (no_huge) {
		say(c, "warn", "hugepages: --no-huge given: 4 KB pages, about "
		    "3x slower and no multi-process; for tests only");
		return;
	}
	if (total == 0) {
		say(c, "FAIL", "hugepages: none reserved. Reserve them, e.g. "
		    "`dpdk-hugepages.py -p 2M --setup 1G` (or hugepages=512 "
		    "on the kernel command line, see docs/deploy.md)");
		return;
	}
	if (free_b < (64u << 20))
		say(c, "FAIL", "hugepages: %" PRIu64 " MB reserved but only %"
		    PRIu64 " MB free: another DPDK process holds them, or "
		    "stale files in the hugetlbfs mount do (remove them, run "
		    "with --huge-unlink)", total >> 20, free_b >> 20);
	else
		say(c, "ok", "hugepages: %" PRIu64 " MB reserved, %" PRIu64
		    " MB free", total >> 20, free_b >> 20);

	/* Per NUMA node: memory must exist where the NIC and lcore are. */
	for (int node = 0; node < 64; node++) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir),
			 "/sys/devices/system/node/node%d/hugepages", node);
		if (access(dir, F_OK) != 0)
			continue;
		if (hugepages_in(dir, false) == 0)
			say(c, "warn", "hugepages: none on NUMA node %d: a NIC "
			    "or lcore there would use remote memory", node);
	}
	if (in_memory)
		return;
	if (huge_dir != NULL) {
		if (access(huge_dir, W_OK) != 0)
			say(c, "FAIL", "hugepages: --huge-dir %s is not a "
			    "writable directory", huge_dir);
		else
			check_huge_dir(c, huge_dir);
	} else if (!hugetlbfs_mounted(mnt, sizeof(mnt))) {
		say(c, "FAIL", "hugepages: no hugetlbfs is mounted: `mount -t "
		    "hugetlbfs -o pagesize=2M nodev /dev/hugepages` (or pass "
		    "--in-memory)");
	}
}

static bool looks_like_pci(const char *s)
{
	unsigned a, b, d, f;
	char tail;

	return sscanf(s, "%x:%x:%x.%x%c", &a, &b, &d, &f, &tail) == 4 ||
	       sscanf(s, "%x:%x.%x%c", &b, &d, &f, &tail) == 3;
}

static void check_pci(struct dp_envcheck *c, const char *arg)
{
	char bdf[64], path[PATH_MAX], link[PATH_MAX];
	const char *drv;
	ssize_t n;
	long numa;

	/* Accept "3b:00.0" as well as "0000:3b:00.0". */
	snprintf(bdf, sizeof(bdf), "%s%.*s",
		 strchr(arg, ':') == strrchr(arg, ':') ? "0000:" : "",
		 (int)strcspn(arg, ","), arg);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	if (access(path, F_OK) != 0) {
		say(c, "FAIL", "NIC %s: no such PCI device (see "
		    "`dpdk-devbind.py --status`)", bdf);
		return;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		say(c, "FAIL", "NIC %s: bound to no driver: `modprobe vfio-pci; "
		    "dpdk-devbind.py -b vfio-pci %s`", bdf, bdf);
	} else {
		link[n] = '\0';
		drv = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
		if (strcmp(drv, "vfio-pci") == 0 ||
		    strcmp(drv, "uio_pci_generic") == 0 ||
		    strcmp(drv, "igb_uio") == 0)
			say(c, "ok", "NIC %s: bound to %s", bdf, drv);
		else if (strncmp(drv, "mlx", 3) == 0)
			say(c, "ok", "NIC %s: %s (bifurcated: stays on its "
			    "kernel driver)", bdf, drv);
		else
			say(c, "FAIL", "NIC %s: bound to kernel driver %s, not "
			    "to vfio-pci: `ip link set <iface> down; "
			    "dpdk-devbind.py -b vfio-pci %s`", bdf, drv, bdf);
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/numa_node", bdf);
	numa = read_long(path);
	if (numa >= 0)
		say(c, "ok", "NIC %s: on NUMA node %ld: put its lcore and "
		    "hugepages there", bdf, numa);
	if (access("/sys/kernel/iommu_groups/0", F_OK) != 0)
		say(c, "warn", "IOMMU: off (no /sys/kernel/iommu_groups/0): "
		    "vfio-pci then needs enable_unsafe_noiommu_mode; boot with "
		    "intel_iommu=on iommu=pt");
}

/* net_af_packet0,iface=eth1 and friends: the interface must exist here. */
static void check_vdev(struct dp_envcheck *c, const char *arg)
{
	const char *p = strstr(arg, "iface=");
	char ifname[64], path[PATH_MAX], state[32];

	if (p == NULL) {
		say(c, "ok", "port %s: virtual device", arg);
		return;
	}
	snprintf(ifname, sizeof(ifname), "%.*s", (int)strcspn(p + 6, ","),
		 p + 6);
	snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", ifname);
	if (read_line(path, state, sizeof(state)) != 0) {
		say(c, "FAIL", "port %s: interface %s does not exist in this "
		    "network namespace", arg, ifname);
		return;
	}
	if (strcmp(state, "up") != 0 && strcmp(state, "unknown") != 0)
		say(c, "FAIL", "port %s: interface %s is %s: `ip link set %s "
		    "up`", arg, ifname, state, ifname);
	else
		say(c, "ok", "port %s: interface %s is %s", arg, ifname, state);
}

void dp_envcheck_device(struct dp_envcheck *c, const char *arg)
{
	if (looks_like_pci(arg))
		check_pci(c, arg);
	else
		check_vdev(c, arg);
}

void dp_envcheck_host(struct dp_envcheck *c, int eal_argc, char **eal_argv,
		      const char *const *ports, unsigned n_ports)
{
	const char *huge_dir = NULL;
	bool no_huge = false, in_memory = false, no_pci = false;
	unsigned devices = 0;

	for (int i = 1; i < eal_argc; i++) {
		const char *a = eal_argv[i];
		const char *v = i + 1 < eal_argc ? eal_argv[i + 1] : NULL;

		if (strcmp(a, "--no-huge") == 0)
			no_huge = true;
		else if (strcmp(a, "--in-memory") == 0)
			in_memory = true;
		else if (strcmp(a, "--no-pci") == 0)
			no_pci = true;
		else if (strncmp(a, "--huge-dir=", 11) == 0)
			huge_dir = a + 11;
		else if (strcmp(a, "--huge-dir") == 0 && v)
			huge_dir = v;
		else if ((strcmp(a, "-a") == 0 || strcmp(a, "--allow") == 0 ||
			  strcmp(a, "-w") == 0) && v) {
			dp_envcheck_device(c, v);
			devices++;
		} else if (strcmp(a, "--vdev") == 0 && v) {
			dp_envcheck_device(c, v);
			devices++;
		} else if (strncmp(a, "--vdev=", 7) == 0) {
			dp_envcheck_device(c, a + 7);
			devices++;
		}
	}
	for (unsigned i = 0; i < n_ports; i++) {
		dp_envcheck_device(c, ports[i]);
		devices++;
	}
	check_hugepages(c, huge_dir, no_huge, in_memory);
	if (devices == 0)
		say(c, no_pci ? "FAIL" : "warn", "ports: none named: give "
		    "--port DEVARGS, -a PCI or --vdev%s", no_pci ? "" :
		    " (without them EAL takes every NIC bound to vfio-pci)");
}

/* The first CPU lcore l may run on (-1: none). */
static int lcore_cpu(unsigned l)
{
	rte_cpuset_t set = rte_lcore_cpuset(l);

	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			return i;
	return -1;
}

void dp_envcheck_eal(struct dp_envcheck *c, const uint16_t *port_ids,
		     unsigned n_ports, unsigned ring_lcore,
		     unsigned port_lcore)
{
	int lsock = (int)rte_lcore_to_socket_id(port_lcore);
	int cpu = lcore_cpu(ring_lcore), pcpu = lcore_cpu(port_lcore);
	const char *who = port_lcore == ring_lcore ? "ring" : "worker";
	char iso[256] = "";

	for (unsigned i = 0; i < n_ports; i++) {
		char name[RTE_ETH_NAME_MAX_LEN] = "?";
		int psock = rte_eth_dev_socket_id(port_ids[i]);

		rte_eth_dev_get_name_by_port(port_ids[i], name);
		if (psock < 0)
			say(c, "ok", "NUMA: port %s has no NUMA node (virtual)",
			    name);
		else if (psock != lsock)
			say(c, "FAIL", "NUMA: port %s is on node %d but %s "
			    "lcore %u (cpu %d) is on node %d: pick an lcore on "
			    "node %d (-l)", name, psock, who, port_lcore, pcpu,
			    lsock, psock);
		else
			say(c, "ok", "NUMA: port %s and %s lcore %u are both "
			    "on node %d", name, who, port_lcore, lsock);
	}
	read_line("/sys/devices/system/cpu/isolated", iso, sizeof(iso));
	if (ring_lcore == rte_get_main_lcore())
		say(c, "warn", "lcores: the ring runs on the main lcore; give "
		    "two (-l A,B) so the ring has a core of its own");
	if (iso[0] == '\0')
		say(c, "warn", "cpu %d: not isolated (no isolcpus=): the "
		    "scheduler may preempt the ring lcore; see docs/deploy.md",
		    cpu);
	else
		say(c, "ok", "cpus isolated from the scheduler: %s (ring "
		    "lcore %u is cpu %d)", iso, ring_lcore, cpu);
}
