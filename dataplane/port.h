/* SPDX-License-Identifier: BSD-3-Clause
 *
 * One DPDK port as the ring uses it: one rx and one tx queue owned by the
 * ring's lcore, a tx buffer flushed once per loop turn, the link state
 * that decides whether the port is polled at all, and its counters.
 *
 * Kinds: a LAN port (NIC, af_packet, af_xdp, tap) reaches every member
 * through a switch; a point-to-point port (memif) reaches exactly one
 * member, so a ring over memif is a mesh with one port per peer and a
 * multicast is one copy per port.
 *
 * Fragile ports (memif) are never polled while their link is down: the
 * memif PMD unmaps its shared memory from the interrupt thread when the
 * peer goes away, and a burst that runs then faults. See port.c.
 */
#ifndef ORDO_DP_PORT_H
#define ORDO_DP_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "dataplane/counters.h"
#include "dataplane/fault.h"
#include "dataplane/l2.h"

#define DP_MAX_PORTS  ORDO_MAX_MEMBERS
#define DP_RX_BURST   32u
#define DP_TX_BURST   64u
#define DP_NAME_MAX   64u

struct dp_port {
	uint16_t port_id;
	uint16_t index;         /* in the ring's port array */
	bool     up;            /* link up: polled and used */
	bool     p2p;           /* one peer behind it (memif) */
	bool     fragile;       /* must not be polled while down (memif) */
	bool     redial;        /* memif client: restart to reconnect when down */
	bool     retired;       /* faulted inside the PMD: never used again */
	uint16_t rxq;           /* the rx queue this copy polls (worker.h) */
	uint16_t n_rxq;         /* rx queues configured (RSS spreads them) */
	int      socket;        /* NUMA node of the device, SOCKET_ID_ANY if unknown */
	uint8_t  mac[DP_ETH_ALEN];
	uint16_t tx_n;
	uint64_t next_link_check; /* ns */
	uint64_t link_period;     /* ns */
	uint64_t next_redial;     /* ns */
	/* A PMD over a kernel interface (af_packet, af_xdp) reports its link
	 * up from start to stop whatever the interface does: we read the
	 * interface's own flags too. -1: no kernel interface. */
	int      kif_fd;
	char     kif_name[DP_NAME_MAX];
	struct rte_mbuf *tx_buf[DP_TX_BURST];
	struct dp_port_counters c;
	char     name[DP_NAME_MAX];
	char     driver[DP_NAME_MAX];
};

struct dp_port_conf {
	uint16_t rx_desc, tx_desc; /* 0: PMD default */
	uint32_t max_frame;        /* largest frame we send or accept */
	bool     promisc;          /* also promiscuous, not only allmulticast */
	uint32_t start_wait_ms;    /* p2p: retry start while the peer is absent */
	/* rx queues (0: 1). More than one: RSS spreads received frames over
	 * them by flow (the sender's address), each polled by its own lcore
	 * (worker.h); af_packet spreads them over its qpairs sockets by the
	 * kernel's flow hash (PACKET_FANOUT), so it must have as many. */
	uint16_t rx_queues;
};

/* Probe a device from its devargs ("net_af_packet0,iface=veth0") unless
 * EAL already has it (--vdev), and return its port id. Returns 0 or
 * -errno (-ENODEV: probed but no ethdev port appeared). */
int dp_port_probe(const char *devargs, uint16_t *port_id);

/* Is the port memif (point-to-point, fragile)? Such a port stays with
 * the ring lcore: no worker owns it (worker.c). False if unknown. */
bool dp_port_id_fragile(uint16_t port_id);

/* Configure conf->rx_queues rx queues (RSS over them when more than one)
 * and one tx queue on pool, enable multicast reception, start the port. The port's own tx/rx never allocate after this.
 * Returns 0 or -errno; err gets a one-line reason. */
int dp_port_setup(struct dp_port *p, uint16_t port_id, uint16_t index,
		  struct rte_mempool *pool, const struct dp_port_conf *conf,
		  char *err, size_t errlen);

/* Read the link state (cheap: called from the slow path on a period):
 * the device's, and for a PMD over a kernel interface also whether that
 * interface is up and running (ip link set down, carrier lost). Returns
 * true when it changed. */
bool dp_port_link_poll(struct dp_port *p, uint64_t now);

/* A memif client whose link stayed down: stop and start it again, which
 * dials its server anew (the PMD never redials by itself, and a server
 * rejects a client that connects between its probe and its start).
 * Slow path: a connect(2), called at most once per period while down. */
void dp_port_redial(struct dp_port *p, uint64_t now);

/* Stop and close; frees whatever the tx buffer still holds. */
void dp_port_close(struct dp_port *p);

/* A burst of a fragile port faulted (fault.h): retire the port. */
void dp_port_retire(struct dp_port *p);

/* rx and tx bursts; a fragile port's run under the fault guard and return
 * 0 (and retire the port) if the PMD faults. */
static inline uint16_t dp_port_rx(struct dp_port *p, struct rte_mbuf **pkts,
				  uint16_t n)
{
	sigjmp_buf env;
	uint16_t got;

	if (!p->fragile)
		return rte_eth_rx_burst(p->port_id, p->rxq, pkts, n);
	if (sigsetjmp(env, 0) != 0) {
		dp_port_retire(p);
		return 0;
	}
	dp_fault_env = &env;
	got = rte_eth_rx_burst(p->port_id, 0, pkts, n);
	dp_fault_env = NULL;
	return got;
}

static inline uint16_t dp_port_tx(struct dp_port *p, struct rte_mbuf **pkts,
				  uint16_t n)
{
	sigjmp_buf env;
	uint16_t sent;

	if (!p->fragile)
		return rte_eth_tx_burst(p->port_id, 0, pkts, n);
	if (sigsetjmp(env, 0) != 0) {
		/* The PMD may have freed some of them: leak them all. */
		dp_port_retire(p);
		p->tx_n = 0;
		return UINT16_MAX;
	}
	dp_fault_env = &env;
	sent = rte_eth_tx_burst(p->port_id, 0, pkts, n);
	dp_fault_env = NULL;
	return sent;
}

/* Send what the tx buffer holds. Frames the queue still refuses after a
 * short retry are dropped and counted (the engine retransmits on request).
 * Returns frames sent. */
static inline unsigned dp_port_flush(struct dp_port *p)
{
	uint16_t n = p->tx_n, sent = 0;
	unsigned retries = 0;

	if (n == 0)
		return 0;
	while (sent < n) {
		uint16_t k = dp_port_tx(p, p->tx_buf + sent,
					(uint16_t)(n - sent));

		if (unlikely(k == UINT16_MAX))
			return 0; /* retired mid-burst */
		sent = (uint16_t)(sent + k);
		if (k == 0 && ++retries > 64)
			break;
	}
	if (sent < n) {
		p->c.drops[DP_DROP_TX_FULL] += (uint64_t)(n - sent);
		rte_pktmbuf_free_bulk(p->tx_buf + sent, (unsigned)(n - sent));
	}
	p->c.tx_pkts += sent;
	p->tx_n = 0;
	return sent;
}

/* Queue a built frame; flushes first when the buffer is full. */
static inline void dp_port_enqueue(struct dp_port *p, struct rte_mbuf *m)
{
	if (p->tx_n == DP_TX_BURST)
		dp_port_flush(p);
	p->c.tx_bytes += m->data_len;
	p->tx_buf[p->tx_n++] = m;
}

#endif /* ORDO_DP_PORT_H */
