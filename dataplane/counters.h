/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Dataplane counters: what a port saw and why the dataplane (not the
 * engine, which has its own reasons) dropped a frame. Written by the one
 * lcore that owns the port, read through the published snapshot.
 */
#ifndef ORDO_DP_COUNTERS_H
#define ORDO_DP_COUNTERS_H

#include <stdint.h>

/* Every reason is above 0, so a parser returns 0 or -reason (0 was
 * NOT_ORDO once, which made "not ours" read as success). */
enum dp_drop {
	DP_DROP_NONE = 0,     /* not a reason */
	DP_DROP_NOT_ORDO,     /* another EtherType, IP protocol or UDP port */
	DP_DROP_RUNT,         /* shorter than its headers say */
	DP_DROP_BAD_IP,       /* IPv4 header we don't accept (options, frags) */
	DP_DROP_FROM_SELF,    /* our own station address came back */
	DP_DROP_MULTISEG,     /* chained mbuf: frame above the mbuf size */
	DP_DROP_TX_FULL,      /* the tx queue stayed full: frame discarded */
	DP_DROP_NO_MBUF,      /* mempool empty when building a frame */
	DP_DROP_TOO_BIG,      /* the engine asked to send above the MTU */
	DP_DROP_LINK_DOWN,    /* a frame for a port whose link is down */
	DP_DROP_NO_PORT,      /* no port is up: nowhere to send */
	/* Sealed frames (dataplane/seal.h), crypto on: */
	DP_DROP_SEAL_BAD,     /* short or garbled envelope, or not sealed */
	DP_DROP_SEAL_SENDER,  /* transmitter is not another configured member */
	DP_DROP_SEAL_KEY,     /* names a key we do not hold */
	DP_DROP_SEAL_REPLAY,  /* counter seen, behind the window, or old run */
	DP_DROP_SEAL_AUTH,    /* failed authentication: forged or corrupted */
	DP_DROP_SEAL_DEV,     /* the crypto device refused or failed the op */
	DP_DROP_MAX
};

const char *dp_drop_name(enum dp_drop d);

struct dp_port_counters {
	uint64_t rx_pkts, rx_bytes;   /* frames handed to us by the PMD */
	uint64_t rx_ordo;             /* of those, passed to the engine */
	uint64_t tx_pkts, tx_bytes;   /* frames the PMD accepted */
	uint64_t tx_mcast, tx_ucast;  /* frames built, by destination */
	uint64_t link_changes;
	uint64_t redials;             /* memif client restarts while down */
	uint64_t faults;              /* PMD faults contained (fault.h) */
	uint64_t drops[DP_DROP_MAX];
};

#endif /* ORDO_DP_COUNTERS_H */
