/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Port setup, link tracking and teardown (slow path only).
 *
 * Why link tracking decides polling: when a memif peer goes away, the
 * memif PMD's interrupt thread clears its "connected" flag, then unmaps the
 * shared region, while our lcore may be inside rx/tx burst on that region.
 * The PMD checks the flag only at the top of a burst, so a burst that
 * started just before the peer died, or that the scheduler preempted,
 * touches unmapped memory. We cannot lock against the interrupt thread, so
 * we make the window as small as the PMD allows: the link state is read
 * every millisecond on fragile ports, a port whose link went down is never
 * polled or sent to again, and the loop's slow path (not the PMD) decides
 * that. tests/lab/memif-crash.sh kills peers mid-traffic to check it.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>
#include <rte_ether.h>

#include "dataplane/port.h"

#define LINK_PERIOD_FRAGILE_NS 1000000ull   /* 1 ms: a memory read */
#define LINK_PERIOD_DEFAULT_NS 100000000ull /* 100 ms: may be an ioctl */
#define REDIAL_PERIOD_NS       1000000000ull /* 1 s */

static void devargs_name(const char *devargs, char *name, size_t len)
{
	size_t n = strcspn(devargs, ",");

	if (n >= len)
		n = len - 1;
	memcpy(name, devargs, n);
	name[n] = '\0';
}

int dp_port_probe(const char *devargs, uint16_t *port_id)
{
	char name[RTE_DEV_NAME_MAX_LEN];
	int rc;

	devargs_name(devargs, name, sizeof(name));
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	rc = rte_dev_probe(devargs);
	if (rc < 0)
		return rc;
	if (rte_eth_dev_get_port_by_name(name, port_id) != 0)
		return -ENODEV;
	return 0;
}

/* Queue memory on the device's NUMA node when it has one. */
static unsigned queue_socket(const struct dp_port *p)
{
	return p->socket >= 0 ? (unsigned)p->socket : (unsigned)SOCKET_ID_ANY;
}

static int start_port(struct dp_port *p, uint32_t wait_ms)
{
	int rc;

	/* A memif client fails to start until its server listens: wait. */
	for (uint32_t waited = 0;; waited += 100) {
		rc = rte_eth_dev_start(p->port_id);
		if (rc == 0 || !p->p2p || waited >= wait_ms)
			return rc;
		usleep(100 * 1000);
	}
}


static bool driver_fragile(const char *driver)
{
	return strstr(driver, "memif") != NULL;
}

bool dp_port_id_fragile(uint16_t port_id)
{
	struct rte_eth_dev_info info;

	return rte_eth_dev_info_get(port_id, &info) == 0 &&
	       info.driver_name != NULL && driver_fragile(info.driver_name);
}

/* How many rx queues and how frames are spread over them. A NIC hashes
 * by flow (RSS over the IP addresses and UDP ports it can); af_packet's
 * queues are its qpairs sockets in one PACKET_FANOUT group, which the
 * kernel spreads by its flow hash: a socket nobody polls would swallow
 * its share, so their number must be ours. */
static int rx_queues_conf(struct dp_port *p, const struct rte_eth_dev_info *info,
			  const struct dp_port_conf *conf, struct rte_eth_conf *ec,
			  char *err, size_t errlen)
{
	uint16_t want = conf->rx_queues ? conf->rx_queues : 1;
	uint64_t hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_L2_PAYLOAD) &
		      info->flow_type_rss_offloads;

	p->n_rxq = want;
	if (strcmp(p->driver, "net_af_packet") == 0 &&
	    info->max_rx_queues != want) {
		snprintf(err, errlen, "port %s (af_packet): %u qpairs, %u rx "
			 "queue(s) wanted: give the port qpairs=%u (the kernel "
			 "spreads frames over all of them)", p->name,
			 info->max_rx_queues, want, want);
		return -EINVAL;
	}
	if (want == 1)
		return 0;
	if (p->fragile) {
		snprintf(err, errlen, "port %s (%s): one rx queue only (a "
			 "point-to-point port has one peer)", p->name, p->driver);
		return -ENOTSUP;
	}
	if (info->max_rx_queues < want) {
		snprintf(err, errlen, "port %s (%s): %u rx queues at most, %u "
			 "wanted", p->name, p->driver, info->max_rx_queues,
			 want);
		return -ENOTSUP;
	}
	if (hf != 0) {
		ec->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		ec->rx_adv_conf.rss_conf.rss_hf = hf;
	} else if (strcmp(p->driver, "net_af_packet") != 0) {
		/* Queues only the device's own rule fills (net_ring: who
		 * writes its rings). */
		fprintf(stderr, "ordod: port %s (%s): no RSS; its %u rx "
			"queues get what the device puts in each\n", p->name,
			p->driver, want);
	}
	return 0;
}

int dp_port_setup(struct dp_port *p, uint16_t port_id, uint16_t index,
		  struct rte_mempool *pool, const struct dp_port_conf *conf,
		  char *err, size_t errlen)
{
	struct rte_eth_conf ec;
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	uint16_t nrx = conf->rx_desc ? conf->rx_desc : 1024;
	uint16_t ntx = conf->tx_desc ? conf->tx_desc : 1024;
	int rc;

	memset(p, 0, sizeof(*p));
	p->kif_fd = -1;
	p->port_id = port_id;
	p->index = index;
	rte_eth_dev_get_name_by_port(port_id, p->name);
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc < 0) {
		snprintf(err, errlen, "port %s: cannot read device info: %s",
			 p->name, strerror(-rc));
		return rc;
	}
	snprintf(p->driver, sizeof(p->driver), "%s",
		 info.driver_name ? info.driver_name : "?");
	p->p2p = p->fragile = driver_fragile(p->driver);
	if (p->fragile && dp_fault_install() < 0) {
		snprintf(err, errlen, "port %s: cannot install the fault guard",
			 p->name);
		return -EIO;
	}
	if (p->p2p && info.device != NULL) {
		const struct rte_devargs *da = rte_dev_devargs(info.device);

		p->redial = da != NULL && da->args != NULL &&
			    strstr(da->args, "role=client") != NULL;
	}
	p->next_redial = REDIAL_PERIOD_NS; /* the ring's clock starts near 0 */
	if (info.if_index != 0 && !p->fragile) {
		if (if_indextoname(info.if_index, p->kif_name) != NULL)
			p->kif_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
					   0);
		if (p->kif_fd < 0)
			fprintf(stderr, "ordod: port %s: cannot watch its "
				"interface (index %u): %s; its link is the "
				"device's word\n", p->name, info.if_index,
				strerror(errno));
	}
	p->socket = rte_eth_dev_socket_id(port_id);
	p->link_period = p->fragile ? LINK_PERIOD_FRAGILE_NS
				    : LINK_PERIOD_DEFAULT_NS;

	memset(&ec, 0, sizeof(ec));
	if (conf->max_frame > RTE_ETHER_MAX_LEN) {
		uint32_t mtu = conf->max_frame - RTE_ETHER_HDR_LEN;

		if (mtu > info.max_mtu) {
			snprintf(err, errlen,
				 "port %s (%s): MTU %u above the device's %u",
				 p->name, p->driver, mtu, info.max_mtu);
			return -EINVAL;
		}
		ec.rxmode.mtu = mtu;
	}
	rc = rx_queues_conf(p, &info, conf, &ec, err, errlen);
	if (rc < 0)
		return rc;
	rc = rte_eth_dev_configure(port_id, p->n_rxq, 1, &ec);
	if (rc < 0) {
		snprintf(err, errlen, "port %s (%s): configure failed: %s",
			 p->name, p->driver, strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nrx, &ntx);
	if (rc < 0 && rc != -ENOTSUP)
		goto fail_setup;
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(port_id, q, nrx, queue_socket(p),
					    NULL, pool);
		if (rc < 0)
			goto fail_setup;
	}
	rc = rte_eth_tx_queue_setup(port_id, 0, ntx, queue_socket(p), NULL);
	if (rc < 0)
		goto fail_setup;

	rc = start_port(p, conf->start_wait_ms);
	if (rc < 0) {
		snprintf(err, errlen, "port %s (%s): start failed: %s%s",
			 p->name, p->driver, strerror(-rc),
			 p->p2p ? " (is the memif server running?)" : "");
		return rc;
	}
	/* The ring's group address must get through the device's filter.
	 * Not every PMD can filter (memif, af_packet pass all): -ENOTSUP is
	 * fine there. */
	rc = rte_eth_allmulticast_enable(port_id);
	if (rc < 0 && rc != -ENOTSUP)
		fprintf(stderr, "ordod: port %s: allmulticast: %s\n", p->name,
			strerror(-rc));
	if (conf->promisc) {
		rc = rte_eth_promiscuous_enable(port_id);
		if (rc < 0 && rc != -ENOTSUP)
			fprintf(stderr, "ordod: port %s: promiscuous: %s\n",
				p->name, strerror(-rc));
	}
	rte_eth_macaddr_get(port_id, &mac);
	memcpy(p->mac, mac.addr_bytes, DP_ETH_ALEN);
	dp_port_link_poll(p, 0);
	return 0;

fail_setup:
	snprintf(err, errlen, "port %s (%s): queue setup failed: %s", p->name,
		 p->driver, strerror(-rc));
	return rc;
}

void dp_port_retire(struct dp_port *p)
{
	p->c.faults++;
	p->retired = true;
	p->redial = false;
	p->up = false;
	p->c.link_changes++;
}

/* The kernel interface under the PMD is up (administratively) and running
 * (carrier). The af_packet and af_xdp PMDs of DPDK 22.11 do not follow it:
 * their link stays up from start to stop. If the flags cannot be read,
 * the device's word stands. */
static bool kernel_link_up(const struct dp_port *p)
{
	struct ifreq ifr;

	if (p->kif_fd < 0)
		return true;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, p->kif_name, sizeof(ifr.ifr_name) - 1);
	if (ioctl(p->kif_fd, SIOCGIFFLAGS, &ifr) < 0)
		return true;
	return (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}

bool dp_port_link_poll(struct dp_port *p, uint64_t now)
{
	struct rte_eth_link link;
	bool up;

	p->next_link_check = now + p->link_period;
	if (p->retired)
		return false;
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(p->port_id, &link) < 0)
		return false;
	up = link.link_status == RTE_ETH_LINK_UP && kernel_link_up(p);
	if (up == p->up)
		return false;
	p->up = up;
	p->c.link_changes++;
	return true;
}

void dp_port_redial(struct dp_port *p, uint64_t now)
{
	if (!p->redial || p->up || now < p->next_redial)
		return;
	p->next_redial = now + REDIAL_PERIOD_NS;
	p->c.redials++;
	rte_eth_dev_stop(p->port_id);
	if (rte_eth_dev_start(p->port_id) == 0)
		p->next_link_check = now; /* look again at once */
}

void dp_port_close(struct dp_port *p)
{
	if (p->retired) {
		/* Its PMD state is not to be trusted: leave it to process exit. */
		p->tx_n = 0;
		return;
	}
	if (p->tx_n) {
		rte_pktmbuf_free_bulk(p->tx_buf, p->tx_n);
		p->tx_n = 0;
	}
	p->up = false;
	if (p->kif_fd >= 0) {
		close(p->kif_fd);
		p->kif_fd = -1;
	}
	rte_eth_dev_stop(p->port_id);
	rte_eth_dev_close(p->port_id);
}
