/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordod's own options (after EAL's, behind "--"). One table drives both
 * parsing and --help.
 */
#ifndef ORDO_APP_OPTS_H
#define ORDO_APP_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/ring.h"
#include "dataplane/traffic.h"

#define OPTS_MAX_PORTS DP_MAX_PORTS
#define DP_MAX_WORKERS 2u /* crypto/io (worker.h), clients (cworker.h) */

struct ordod_opts {
	const char *config;          /* --config FILE */
	const char *name;            /* --name: which daemon of the config */
	uint32_t node_id;
	uint32_t n_members;
	uint32_t members[ORDO_MAX_MEMBERS];
	uint32_t n_port_args;
	const char *port_args[OPTS_MAX_PORTS];
	uint32_t mtu;                /* 0: engine default */
	uint32_t ring_no;
	bool     udp;
	uint32_t ip;                 /* host order, 0: node id */
	uint32_t group_ip;
	uint16_t udp_port;
	const char *idle;
	uint64_t idle_max_sleep_us;
	uint32_t stage_sample;       /* 0: DP_STAGE_SAMPLE_DEFAULT */
	int      workers;            /* --workers, -1: as the lcores allow */
	uint32_t rx_queues;          /* --rx-queues, 0: the file's (RxQueues) */
	bool     copy_store;         /* --copy-store: no frames by handle */
	uint64_t token_timeout_us;
	uint64_t token_loss_ms, consensus_ms, token_hold_us;
	uint32_t window, personal_window, accel_window;
	uint32_t store_packets;
	uint32_t rx_desc, tx_desc;
	uint32_t port_wait_ms;
	bool     promisc;
	struct dp_traffic_conf traffic;
	bool     traffic_on;
	double   stats_period;       /* seconds, 0: no per-second lines */
	bool     check;
	const char *lock_dir;
	const char *runtime_dir;     /* NULL: RuntimeDir of --config, else lock_dir */
	bool     no_clients;
	int      crypto;             /* 0: the file's (else on), 1 none, 2 aes256gcm */
	const char *key_file;        /* --key-file, overrides KeyFile */
	const char *crypto_dev;      /* --crypto-dev */
};

/* Parse argv (ordod's part only). Returns 0, 1 when --help was printed,
 * or -EINVAL after printing the bad option to stderr. */
int ordod_opts_parse(struct ordod_opts *o, int argc, char **argv);

/* A node id as a number or dotted IPv4 ("10.0.0.1" is 0x0a000001). */
int ordod_parse_id(const char *s, uint32_t *out);

void ordod_usage(const char *prog);

#endif /* ORDO_APP_OPTS_H */
