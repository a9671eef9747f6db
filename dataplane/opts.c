/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordod option parsing (opts.h). The table is the documentation: --help
 * prints it. Errors quote the option and the bad value.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/opts.h"

enum opt_id {
	O_CONFIG = 256, O_NAME, O_NODE_ID, O_MEMBERS, O_PORT, O_MTU, O_RING,
	O_UDP, O_IP, O_GROUP, O_IDLE, O_IDLE_SLEEP, O_TOKEN_TIMEOUT, O_WINDOW,
	O_PWINDOW, O_AWINDOW, O_STORE, O_RXD, O_TXD, O_PORT_WAIT, O_PROMISC,
	O_T_MSGS, O_T_SIZE, O_T_RATE, O_T_SERVICE, O_T_SENDERS, O_STATS,
	O_CHECK, O_LOCK_DIR, O_HELP, O_TOKEN_LOSS, O_CONSENSUS, O_TOKEN_HOLD,
	O_RUNTIME_DIR, O_NO_CLIENTS, O_CRYPTO, O_KEY_FILE, O_CRYPTO_DEV,
	O_STAGE_SAMPLE, O_WORKERS, O_RX_QUEUES, O_COPY_STORE,
};

struct opt_doc {
	const char *name;
	int id;
	const char *arg; /* NULL: a flag */
	const char *help;
};

static const struct opt_doc docs[] = {
	{ NULL, 0, NULL, "ring" },
	{ "config", O_CONFIG, "FILE", "the ring's configuration file (lib/conf syntax)" },
	{ "name", O_NAME, "NAME", "which daemon of --config we are (default: by local address)" },
	{ "node-id", O_NODE_ID, "ID", "our node id: a number or an IPv4 address" },
	{ "members", O_MEMBERS, "ID,ID,..", "all node ids in ring (token) order, ours included" },
	{ "mtu", O_MTU, "BYTES", "link MTU (1500); under --udp packets are 28 bytes smaller" },
	{ "window", O_WINDOW, "N", "global window: new packets per token rotation" },
	{ "personal-window", O_PWINDOW, "N", "new packets per member per token visit" },
	{ "accel-window", O_AWINDOW, "N", "of those, sent after passing the token" },
	{ "store-packets", O_STORE, "N", "retransmission store, power of two" },
	{ "token-timeout-us", O_TOKEN_TIMEOUT, "US", "resend the token after this long without progress" },
	{ "token-loss-ms", O_TOKEN_LOSS, "MS", "no token this long: the ring failed, re-form it (engine default)" },
	{ "consensus-ms", O_CONSENSUS, "MS", "members silent this long while forming a ring are left out" },
	{ "token-hold-us", O_TOKEN_HOLD, "US", "an idle ring holds the token this long (0: it spins; labs on shared CPUs)" },
	{ NULL, 0, NULL, "ports and framing" },
	{ "port", O_PORT, "DEVARGS", "a port, e.g. net_af_packet0,iface=eth1 (repeat for a memif mesh); default: every EAL port" },
	{ "ring", O_RING, "N", "ring number 0..255: last byte of the group MAC" },
	{ "udp", O_UDP, NULL, "UDP/IPv4 encapsulation instead of raw EtherType 0x88b5" },
	{ "ip", O_IP, "A.B.C.D", "our IPv4 address under --udp (default: the node id)" },
	{ "group", O_GROUP, "A.B.C.D[:PORT]", "IPv4 group and UDP port under --udp (239.192.0.1:4803)" },
	{ "rxd", O_RXD, "N", "rx descriptors per port (1024)" },
	{ "txd", O_TXD, "N", "tx descriptors per port (1024)" },
	{ "port-wait-ms", O_PORT_WAIT, "MS", "memif client: wait this long for its server (10000)" },
	{ "promisc", O_PROMISC, NULL, "also enable promiscuous mode (allmulticast is always on)" },
	{ NULL, 0, NULL, "crypto (docs/security.md)" },
	{ "crypto", O_CRYPTO, "aes256gcm|none", "seal every frame (the default) or send them in the clear" },
	{ "key-file", O_KEY_FILE, "FILE", "the ring's key (>= 32 bytes, mode 0600; `ordoctl keygen FILE`); overrides KeyFile" },
	{ "crypto-dev", O_CRYPTO_DEV, "NAME", "this cryptodev (e.g. crypto_openssl0); default: the EAL's, else ipsec_mb's, else OpenSSL's" },
	{ NULL, 0, NULL, "lcore" },
	{ "idle", O_IDLE, "spin|yield|backoff", "idle strategy: spin for production, backoff for labs" },
	{ "idle-max-sleep-us", O_IDLE_SLEEP, "US", "backoff: longest sleep (1000)" },
	{ "workers", O_WORKERS, "0|1|2", "worker lcores to use: the lcore after the ring lcore owns the ports and crypto, the next one reads and writes the clients' rings (--workers 2) (default: 1 if the lcores give one; docs/architecture.md)" },
	{ "rx-queues", O_RX_QUEUES, "N", "rx queues per port, 1-8; each after the first owned by an rx worker lcore of its own (RSS; af_packet: qpairs=N); overrides RxQueues (docs/architecture.md)" },
	{ "copy-store", O_COPY_STORE, NULL, "the engine copies packets into its own store, as before frames by handle (comparisons)" },
	{ "stage-sample", O_STAGE_SAMPLE, "N|off", "time one loop turn in N stage by stage (64; 1: all; docs/performance.md)" },
	{ NULL, 0, NULL, "built-in traffic" },
	{ "traffic-msgs", O_T_MSGS, "N", "messages this node submits" },
	{ "traffic-size", O_T_SIZE, "BYTES", "bytes per message, >= 16 (1024)" },
	{ "traffic-rate", O_T_RATE, "MSGS_PER_S", "per node, 0 = as fast as the ring takes (0)" },
	{ "traffic-service", O_T_SERVICE, "agreed|safe|fifo|reliable", "delivery service (agreed)" },
	{ "traffic-senders", O_T_SENDERS, "N", "nodes that send (default: all members)" },
	{ NULL, 0, NULL, "operation" },
	{ "stats-period", O_STATS, "S", "seconds between stats lines, 0 = none (1)" },
	{ "lock-dir", O_LOCK_DIR, "DIR", "where the per-node lock lives (/run/ordo)" },
	{ "runtime-dir", O_RUNTIME_DIR, "DIR", "where the control link socket lives (RuntimeDir of --config, else --lock-dir)" },
	{ "no-clients", O_NO_CLIENTS, NULL, "serve no clients (no control link); implied by --traffic-msgs" },
	{ "check", O_CHECK, NULL, "check hugepages, NUMA placement and ports, then exit" },
	{ "help", O_HELP, NULL, "this text" },
};

#define N_DOCS (sizeof(docs) / sizeof(docs[0]))

void ordod_usage(const char *prog)
{
	printf("usage: %s [EAL options] -- [ordod options]\n"
	       "EAL options as for any DPDK application (-l, --lcores, --vdev,"
	       " --file-prefix, --huge-dir, ...);\n"
	       "always pass --no-pci on hosts without a DPDK NIC.\n",
	       prog);
	for (size_t i = 0; i < N_DOCS; i++) {
		char left[64];

		if (docs[i].name == NULL) {
			printf("\n%s:\n", docs[i].help);
			continue;
		}
		snprintf(left, sizeof(left), "--%s%s%s", docs[i].name,
			 docs[i].arg ? " " : "", docs[i].arg ? docs[i].arg : "");
		printf("  %-34s %s\n", left, docs[i].help);
	}
}

static int bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "ordod: --%s '%s': %s\n", opt, val, why);
	return -EINVAL;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s == '-' || *s == '\0')
		return -EINVAL;
	v = strtoull(s, &end, 0);
	if (errno || *end != '\0' || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int rc = parse_u64(s, max, &v);

	if (rc == 0)
		*out = (uint32_t)v;
	return rc;
}

static int parse_ipv4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = ntohl(a.s_addr);
	return 0;
}

int ordod_parse_id(const char *s, uint32_t *out)
{
	if (strchr(s, '.'))
		return parse_ipv4(s, out);
	return parse_u32(s, UINT32_MAX, out);
}

static int parse_members(struct ordod_opts *o, const char *arg)
{
	char buf[512];
	char *save = NULL, *tok;

	if (strlen(arg) >= sizeof(buf))
		return bad("members", arg, "too long");
	strcpy(buf, arg);
	o->n_members = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o->n_members == ORDO_MAX_MEMBERS)
			return bad("members", arg, "more than 16 members");
		if (ordod_parse_id(tok, &o->members[o->n_members]) ||
		    o->members[o->n_members] == 0)
			return bad("members", tok, "not a non-zero node id");
		o->n_members++;
	}
	if (o->n_members == 0)
		return bad("members", arg, "empty list");
	return 0;
}

static int parse_service(const char *s, uint8_t *out)
{
	static const struct { const char *n; uint8_t v; } svc[] = {
		{ "reliable", ORDO_SVC_RELIABLE }, { "fifo", ORDO_SVC_FIFO },
		{ "causal", ORDO_SVC_CAUSAL }, { "agreed", ORDO_SVC_AGREED },
		{ "safe", ORDO_SVC_SAFE },
	};

	for (size_t i = 0; i < sizeof(svc) / sizeof(svc[0]); i++)
		if (strcmp(s, svc[i].n) == 0) {
			*out = svc[i].v;
			return 0;
		}
	return -EINVAL;
}

static int parse_group(struct ordod_opts *o, const char *arg)
{
	char buf[64];
	char *colon;
	uint32_t port;

	if (strlen(arg) >= sizeof(buf))
		return bad("group", arg, "too long");
	strcpy(buf, arg);
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		if (parse_u32(colon + 1, 65535, &port) || port == 0)
			return bad("group", arg, "bad UDP port");
		o->udp_port = (uint16_t)port;
	}
	if (parse_ipv4(buf, &o->group_ip) || (o->group_ip >> 28) != 0xe)
		return bad("group", arg, "not an IPv4 multicast address");
	return 0;
}

static void set_defaults(struct ordod_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->group_ip = DP_UDP_GROUP_DEFAULT;
	o->udp_port = DP_UDP_PORT_DEFAULT;
	o->idle_max_sleep_us = 1000;
	o->port_wait_ms = 10000;
	o->stats_period = 1.0;
	o->lock_dir = "/run/ordo";
	o->traffic.size = 1024;
	o->traffic.service = ORDO_SVC_AGREED;
	o->workers = -1;
}

/* One option; name is its long name for messages. */
static int apply(struct ordod_opts *o, int id, const char *name,
		 const char *arg)
{
	switch (id) {
	case O_CONFIG: o->config = arg; return 0;
	case O_NAME: o->name = arg; return 0;
	case O_NODE_ID:
		if (ordod_parse_id(arg, &o->node_id) || o->node_id == 0)
			return bad(name, arg, "not a non-zero node id");
		return 0;
	case O_MEMBERS: return parse_members(o, arg);
	case O_PORT:
		if (o->n_port_args == OPTS_MAX_PORTS)
			return bad(name, arg, "too many ports");
		o->port_args[o->n_port_args++] = arg;
		return 0;
	case O_MTU:
		if (parse_u32(arg, ORDO_WIRE_MAX_MTU + DP_UDP_ENCAP_LEN, &o->mtu) ||
		    o->mtu < ORDO_WIRE_MIN_MTU)
			return bad(name, arg, "outside the wire's MTU range "
				   "(include/ordo/wire.h)");
		return 0;
	case O_RING:
		if (parse_u32(arg, 255, &o->ring_no))
			return bad(name, arg, "ring number must be 0..255");
		return 0;
	case O_UDP: o->udp = true; return 0;
	case O_IP:
		if (parse_ipv4(arg, &o->ip))
			return bad(name, arg, "not an IPv4 address");
		return 0;
	case O_GROUP: return parse_group(o, arg);
	case O_IDLE:
		if (dp_idle_by_name(arg) == NULL)
			return bad(name, arg, "use spin, yield or backoff");
		o->idle = arg;
		return 0;
	case O_WORKERS: {
		uint32_t v;

		if (parse_u32(arg, DP_MAX_WORKERS, &v))
			return bad(name, arg, "0, 1 or 2: ports and crypto, "
				   "then the clients' delivery rings");
		o->workers = (int)v;
		return 0;
	}
	case O_STAGE_SAMPLE: {
		uint64_t v;

		if (strcmp(arg, "off") == 0) {
			o->stage_sample = DP_STAGE_SAMPLE_OFF;
			return 0;
		}
		if (parse_u64(arg, 1u << 20, &v) || v == 0)
			return bad(name, arg, "1..1048576 turns, or off");
		o->stage_sample = (uint32_t)v;
		return 0;
	}
	case O_IDLE_SLEEP:
		if (parse_u64(arg, 1000000, &o->idle_max_sleep_us) ||
		    o->idle_max_sleep_us == 0)
			return bad(name, arg, "1..1000000 microseconds");
		return 0;
	case O_TOKEN_TIMEOUT:
		if (parse_u64(arg, 60000000, &o->token_timeout_us) ||
		    o->token_timeout_us == 0)
			return bad(name, arg, "1..60000000 microseconds");
		return 0;
	case O_TOKEN_LOSS:
		if (parse_u64(arg, 600000, &o->token_loss_ms) || !o->token_loss_ms)
			return bad(name, arg, "1..600000 milliseconds");
		return 0;
	case O_TOKEN_HOLD:
		if (parse_u64(arg, 1000000, &o->token_hold_us))
			return bad(name, arg, "0..1000000 microseconds");
		return 0;
	case O_CONSENSUS:
		if (parse_u64(arg, 600000, &o->consensus_ms) || !o->consensus_ms)
			return bad(name, arg, "1..600000 milliseconds");
		return 0;
	case O_WINDOW:
		if (parse_u32(arg, 1u << 20, &o->window) || !o->window)
			return bad(name, arg, "a positive packet count");
		return 0;
	case O_PWINDOW:
		if (parse_u32(arg, 1u << 20, &o->personal_window) ||
		    !o->personal_window)
			return bad(name, arg, "a positive packet count");
		return 0;
	case O_AWINDOW:
		if (parse_u32(arg, 1u << 20, &o->accel_window))
			return bad(name, arg, "a packet count");
		o->accel_window++; /* 0 means "not set": store n+1 */
		return 0;
	case O_STORE:
		if (parse_u32(arg, 1u << 24, &o->store_packets))
			return bad(name, arg, "a power of two");
		return 0;
	case O_RXD:
		if (parse_u32(arg, 32768, &o->rx_desc) || o->rx_desc < 32)
			return bad(name, arg, "32..32768 descriptors");
		return 0;
	case O_TXD:
		if (parse_u32(arg, 32768, &o->tx_desc) || o->tx_desc < 32)
			return bad(name, arg, "32..32768 descriptors");
		return 0;
	case O_PORT_WAIT:
		if (parse_u32(arg, 3600000, &o->port_wait_ms))
			return bad(name, arg, "milliseconds");
		return 0;
	case O_PROMISC: o->promisc = true; return 0;
	case O_COPY_STORE: o->copy_store = true; return 0;
	case O_RX_QUEUES: {
		uint32_t v;

		if (parse_u32(arg, 8, &v) || v == 0)
			return bad(name, arg, "1 to 8 rx queues per port");
		o->rx_queues = v;
		return 0;
	}
	case O_T_MSGS:
		if (parse_u64(arg, UINT64_MAX / ORDO_MAX_MEMBERS, &o->traffic.msgs))
			return bad(name, arg, "a message count");
		o->traffic_on = true;
		return 0;
	case O_T_SIZE:
		if (parse_u32(arg, ORDO_MAX_MSG_SIZE_LIMIT, &o->traffic.size) ||
		    o->traffic.size < sizeof(struct dp_traffic_hdr))
			return bad(name, arg, "16 bytes or more");
		return 0;
	case O_T_RATE:
		if (parse_u64(arg, UINT64_MAX / 1000000000u, &o->traffic.rate))
			return bad(name, arg, "messages per second");
		return 0;
	case O_T_SERVICE:
		if (parse_service(arg, &o->traffic.service))
			return bad(name, arg, "use agreed, safe, fifo or reliable");
		return 0;
	case O_T_SENDERS:
		if (parse_u32(arg, ORDO_MAX_MEMBERS, &o->traffic.senders))
			return bad(name, arg, "a node count");
		return 0;
	case O_STATS: {
		char *end;

		o->stats_period = strtod(arg, &end);
		if (*end != '\0' || end == arg || o->stats_period < 0 ||
		    o->stats_period > 3600)
			return bad(name, arg, "0..3600 seconds");
		return 0;
	}
	case O_CHECK: o->check = true; return 0;
	case O_LOCK_DIR: o->lock_dir = arg; return 0;
	case O_RUNTIME_DIR: o->runtime_dir = arg; return 0;
	case O_NO_CLIENTS: o->no_clients = true; return 0;
	case O_CRYPTO:
		if (strcmp(arg, "aes256gcm") == 0)
			o->crypto = 2;
		else if (strcmp(arg, "none") == 0)
			o->crypto = 1;
		else
			return bad(name, arg, "aes256gcm or none");
		return 0;
	case O_KEY_FILE: o->key_file = arg; return 0;
	case O_CRYPTO_DEV: o->crypto_dev = arg; return 0;
	default: return -EINVAL;
	}
}

int ordod_opts_parse(struct ordod_opts *o, int argc, char **argv)
{
	struct option lo[N_DOCS + 1];
	size_t n = 0;
	int c, rc;

	set_defaults(o);
	for (size_t i = 0; i < N_DOCS; i++) {
		if (docs[i].name == NULL)
			continue;
		lo[n].name = docs[i].name;
		lo[n].has_arg = docs[i].arg ? required_argument : no_argument;
		lo[n].flag = NULL;
		lo[n].val = docs[i].id;
		n++;
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		const char *name = "?";

		if (c == 'h' || c == O_HELP) {
			ordod_usage("ordod");
			return 1;
		}
		if (c == '?' || c == ':') {
			fprintf(stderr, "ordod: unknown option or missing value: "
				"'%s' (try --help)\n", argv[optind - 1]);
			return -EINVAL;
		}
		for (size_t i = 0; i < N_DOCS; i++)
			if (docs[i].id == c)
				name = docs[i].name;
		rc = apply(o, c, name, optarg);
		if (rc < 0)
			return rc;
	}
	if (optind < argc) {
		fprintf(stderr, "ordod: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	return 0;
}
