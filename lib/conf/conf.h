/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The configuration of an ordo daemon: one file, read by every daemon of
 * the ring, in the syntax of Spread's spread.conf plus an `Ordo { }`
 * section of our own. config/ordo.conf documents every key, its default
 * and why; this header is the API and the plain-data result.
 *
 *   Spread_Segment 239.192.0.1:4803 {     # one or more segments
 *       alpha   10.0.0.1
 *       beta    10.0.0.2
 *   }
 *   TokenTimeout = 1250                   # Spread keys, Spread units (ms)
 *   Ordo {                                # ours
 *       Mtu = 9000
 *       Daemon alpha { Port = "net_af_xdp0,iface=veth0"  Lcores = 2 }
 *       Access "chat.*" { Uid = 1000  Allow = join send }
 *   }
 *
 * The parser is incremental over a context, so a file, a buffer and a
 * fuzzer all drive the same three calls:
 *
 *   p = ordo_conf_parser_init(&conf, "ordo.conf");
 *   for each line: if (ordo_conf_parser_line(p, line, len) < 0) break;
 *   rc = ordo_conf_parser_finish(p, err, sizeof(err));   (always frees p)
 *
 * Errors name the file, the line and the bad token, e.g.
 *   ordo.conf:12: unknown key 'TokenTimout' (did you mean 'TokenTimeout'?)
 *
 * Return values: 0 or a negative errno; the constructor returns NULL and
 * sets errno. -EINVAL is a configuration error (the message says which),
 * -ENOMEM an allocation failure, -ENOENT/-EACCES/-EIO from opening or
 * reading a file, -EFBIG a file above ORDO_CONF_FILE_MAX.
 */
#ifndef ORDO_LIB_CONF_H
#define ORDO_LIB_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ordo/wire.h"

#ifdef __cplusplus
extern "C" {
#endif


/* Limits of the file and of the plain-data result. */
#define ORDO_CONF_LINE_MAX     1024u  /* bytes of one line, newline excluded */
#define ORDO_CONF_FILE_MAX     (1u << 20)
#define ORDO_CONF_NAME_MAX     32u    /* daemon name, NUL included */
#define ORDO_CONF_PATH_MAX     256u   /* paths, NUL included */
#define ORDO_CONF_DEVARGS_MAX  256u   /* DPDK port devargs, NUL included */
#define ORDO_CONF_LCORES_MAX   64u    /* DPDK lcore list text, NUL included */
#define ORDO_CONF_TSFMT_MAX    64u    /* EventTimeStamp format, NUL included */
#define ORDO_CONF_PATTERN_MAX  64u    /* Access group pattern, NUL included */
#define ORDO_CONF_MAX_SEGMENTS ORDO_MAX_MEMBERS
#define ORDO_CONF_MAX_IFACES   4u     /* Spread's per-daemon { D C M } lines */
#define ORDO_CONF_MAX_ACCESS   32u    /* Access blocks */
#define ORDO_CONF_MAX_IDS      8u     /* uids (and gids) of one Access block */
#define ORDO_CONF_MAX_PORTS    (ORDO_MAX_MEMBERS - 1) /* a memif mesh: one per peer */
#define ORDO_CONF_RX_QUEUES_MAX 8u /* the crypto/io worker's and 7 rx workers */
#define ORDO_CONF_CLIENTS_MAX  1024u  /* MaxClients */
#define ORDO_CONF_UDP_OVERHEAD 28u    /* IPv4 (20) + UDP (8) headers */
#define ORDO_CONF_MSG_SIZE_MAX (64u << 20) /* the engine's ORDO_MAX_MSG_SIZE_LIMIT */
#define ORDO_CONF_CRING_MIN    (64u << 10) /* Client*Bytes: client ring sizes
					     * (ORDO_CR_CLIENT_RING_MIN) */
#define ORDO_CONF_CRING_MAX    (1u << 30)

/* Spread's interface types, for a daemon's optional { D|C|M <ip> } block. */
#define ORDO_CONF_IF_DAEMON  0x1u /* D: daemon-to-daemon traffic */
#define ORDO_CONF_IF_CLIENT  0x2u /* C: client connections */
#define ORDO_CONF_IF_MONITOR 0x4u /* M: monitor program */
#define ORDO_CONF_IF_ALL     0x7u

/* DebugFlags: Spread's event types, as bits. */
enum ordo_conf_debug {
	ORDO_DBG_EXIT          = 1u << 0,
	ORDO_DBG_PRINT         = 1u << 1,
	ORDO_DBG_DEBUG         = 1u << 2,
	ORDO_DBG_DATA_LINK     = 1u << 3,
	ORDO_DBG_NETWORK       = 1u << 4,
	ORDO_DBG_PROTOCOL      = 1u << 5,
	ORDO_DBG_SESSION       = 1u << 6,
	ORDO_DBG_CONFIGURATION = 1u << 7,
	ORDO_DBG_MEMBERSHIP    = 1u << 8,
	ORDO_DBG_FLOW_CONTROL  = 1u << 9,
	ORDO_DBG_STATUS        = 1u << 10,
	ORDO_DBG_EVENTS        = 1u << 11,
	ORDO_DBG_GROUPS        = 1u << 12,
	ORDO_DBG_MEMORY        = 1u << 13,
	ORDO_DBG_SKIPLIST      = 1u << 14,
	ORDO_DBG_ACM           = 1u << 15,
	ORDO_DBG_SECURITY      = 1u << 16,
	ORDO_DBG_ALL           = (1u << 17) - 1,
};

/* EventPriority: events at or above it are logged. */
enum ordo_conf_priority {
	ORDO_PRIO_DEBUG = 1, /* Spread spells it pDEBUG */
	ORDO_PRIO_INFO,
	ORDO_PRIO_WARNING,
	ORDO_PRIO_ERROR,
	ORDO_PRIO_CRITICAL,
	ORDO_PRIO_FATAL,
};

enum ordo_conf_encap {
	ORDO_ENCAP_ETHERNET = 1, /* raw frames, EtherType ORDO_ETHERTYPE */
	ORDO_ENCAP_UDP      = 2, /* UDP/IPv4 to the segment's group and port */
};

/* SlowConsumer: what the daemon does with a client that does not read. */
enum ordo_conf_slow {
	ORDO_SLOW_DISCONNECT = 1, /* past MaxSessionMessages: disconnect it */
	ORDO_SLOW_BLOCK      = 2, /* stop reading local submissions meanwhile */
};

/* Crypto: how frames between daemons are protected (docs/security.md). */
enum ordo_conf_crypto {
	ORDO_CRYPTO_NONE      = 1, /* in the clear: a trusted, private LAN only */
	ORDO_CRYPTO_AES256GCM = 2, /* sealed (include/ordo/seal.h): the default */
};

/* KeyFile when the file does not say. */
#define ORDO_CONF_KEY_FILE_DEFAULT "/etc/ordo/ordo.key"

enum ordo_conf_idle {
	ORDO_IDLE_SPIN    = 1, /* busy-poll: lowest latency, one core at 100% */
	ORDO_IDLE_YIELD   = 2, /* sched_yield() when idle */
	ORDO_IDLE_BACKOFF = 3, /* spin, then yield, then sleep up to 1 ms */
};

/* Access: what a matching client may do with a group. */
#define ORDO_ACCESS_JOIN 0x1u /* join the group, receive its messages */
#define ORDO_ACCESS_SEND 0x2u /* multicast to the group */
#define ORDO_ACCESS_ALL  0x3u

/* Spread's membership timeouts that mean something to ordo's ring, in
 * Spread's unit, milliseconds, each applied to the engine (dataplane/
 * conf_engine.c) and hashed as it takes effect. Each may be set on its own;
 * unset ones take ordo's LAN defaults, which are the engine's own
 * (engine/engine.c; tests/dataplane/test_conf_engine.c checks they agree).
 * Spread's AliveTimeout, RepTimeout, SegTimeout (its segment
 * representatives, which ordo has not) and FormTimeout (ordo's commit
 * phase ends with the token's loss timeout) are refused with that reason,
 * never accepted and ignored. */
struct ordo_conf_timeouts {
	uint32_t token_ms;  /* TokenTimeout: token declared lost (20) */
	uint32_t hurry_ms;  /* HurryTimeout: the token is resent (1), unless
			     * TokenRetransmit gives it finer */
	uint32_t join_ms;   /* JoinTimeout: period of joins while gathering (2) */
	uint32_t gather_ms; /* GatherTimeout: members silent this long while
			     * gathering are left out: consensus (10) */
	uint32_t lookup_ms; /* LookupTimeout: period of the representative's
			     * beacons to find other rings (20) */
};

struct ordo_conf_iface {
	uint32_t addr;  /* IPv4, host byte order (10.0.0.1 is 0x0a000001) */
	uint32_t types; /* ORDO_CONF_IF_* */
};

struct ordo_conf_segment {
	uint32_t mcast_addr; /* IPv4 group (or broadcast), host byte order */
	uint16_t port;       /* UDP port; Spread's default 4803 if omitted */
	uint16_t n_daemons;
	uint32_t line;       /* where it was declared */
};

struct ordo_conf_daemon {
	char     name[ORDO_CONF_NAME_MAX];
	uint32_t id;      /* its IPv4 address as a uint32, host order: node id */
	uint32_t segment; /* index into segments[] */
	uint32_t line;    /* where it was declared */
	uint32_t n_ifaces; /* 0: Spread's default, the address serves all */
	struct ordo_conf_iface ifaces[ORDO_CONF_MAX_IFACES];

	/* From its Ordo { Daemon <name> { } } block, if any. */
	bool     has_dataplane;
	char     port[ORDO_CONF_DEVARGS_MAX];  /* first Port: DPDK devargs, "" = none */
	char     lcores[ORDO_CONF_LCORES_MAX]; /* DPDK -l list, "" = default */
	uint32_t rx_queues; /* RxQueues: per port, each its own lcore; 0 = 1 */
	bool     has_mac;
	uint8_t  mac[6];                       /* its station address */
	/* Every Port line, in file order; ports[0] is port. Several for a
	 * memif mesh, one link per peer. */
	uint32_t n_ports;
	char     ports[ORDO_CONF_MAX_PORTS][ORDO_CONF_DEVARGS_MAX];
	/* Its own MetricsListen, if the block gave one (port 0: off). */
	bool     has_metrics;
	uint32_t metrics_addr;
	uint16_t metrics_port;
};

struct ordo_conf_access {
	char     pattern[ORDO_CONF_PATTERN_MAX]; /* group name glob, fnmatch(3) */
	bool     any_uid;                        /* Uid = * */
	bool     any_gid;                        /* Gid = * */
	uint32_t n_uids, n_gids;
	uint32_t uids[ORDO_CONF_MAX_IDS];
	uint32_t gids[ORDO_CONF_MAX_IDS];
	uint32_t allow;                          /* ORDO_ACCESS_* (0: deny) */
	uint32_t line;
};

/* Everything a configuration file says, defaults filled in. Plain data:
 * copy it, compare it, keep it. */
struct ordo_conf {
	/* Ring membership. daemons[] is in ring order, ascending id, which
	 * is not necessarily the order of the file. */
	uint32_t n_segments;
	struct ordo_conf_segment segments[ORDO_CONF_MAX_SEGMENTS];
	uint32_t n_daemons;
	struct ordo_conf_daemon daemons[ORDO_MAX_MEMBERS];

	/* Spread's protocol parameters. */
	uint32_t window;               /* Window: packets per rotation, all */
	uint32_t personal_window;      /* PersonalWindow: per member per visit */
	bool     accelerated_ring;     /* AcceleratedRing */
	uint32_t accel_window;         /* AcceleratedWindow (0 if not accel) */
	uint32_t max_session_messages; /* MaxSessionMessages: per client */
	struct ordo_conf_timeouts timeouts;

	/* Spread's logging. */
	uint32_t debug_flags;          /* enum ordo_conf_debug bits */
	enum ordo_conf_priority event_priority;
	char     event_log_file[ORDO_CONF_PATH_MAX]; /* "" = stderr */
	bool     event_timestamp;
	bool     event_precise_timestamp;
	char     event_timestamp_format[ORDO_CONF_TSFMT_MAX]; /* "" = default */

	/* Spread's host keys that mean something to us. */
	char     runtime_dir[ORDO_CONF_PATH_MAX];   /* RuntimeDir */
	char     daemon_user[ORDO_CONF_NAME_MAX];   /* DaemonUser: drop to it */
	char     daemon_group[ORDO_CONF_NAME_MAX];  /* DaemonGroup */

	/* Ordo { }: ours. */
	uint32_t mtu;                  /* link MTU (L3), 1500..9216 */
	enum ordo_conf_encap encap;
	char     client_socket[ORDO_CONF_PATH_MAX]; /* RuntimeDir/ordo.sock */
	char     hugepage_dir[ORDO_CONF_PATH_MAX];  /* "" = EAL's choice */
	uint64_t hugepage_bytes;       /* memory to reserve, 0 = EAL's choice */
	enum ordo_conf_idle idle;
	uint32_t store_packets;        /* retransmission store, power of two */
	uint32_t max_msg_size;         /* bytes */
	uint32_t submit_bytes;         /* submit queue, bytes */
	uint64_t token_retransmit_ns;  /* TokenRetransmit, else HurryTimeout */
	bool     token_retransmit_set; /* TokenRetransmit was given */

	/* The control plane's clients (local, not in the hash). */
	uint32_t max_clients;          /* MaxClients, 1..ORDO_CONF_CLIENTS_MAX */
	uint32_t client_submit_bytes;  /* ClientSubmitBytes: power of two */
	uint32_t client_deliver_bytes; /* ClientDeliverBytes: power of two */
	enum ordo_conf_slow slow_consumer; /* SlowConsumer */
	/* MetricsListen: ordo-ctrld's Prometheus endpoint (local, not in the
	 * hash); port 0: off. A Daemon block's own MetricsListen wins
	 * (ordo_conf_metrics_listen). */
	uint32_t metrics_addr;         /* IPv4, host order */
	uint16_t metrics_port;
	bool     metrics_set;          /* the Ordo section gave it */

	/* Crypto between daemons: the cipher is in the hash, the key never. */
	enum ordo_conf_crypto crypto;  /* Crypto */
	char     key_file[ORDO_CONF_PATH_MAX]; /* KeyFile: read by ordod */

	uint32_t n_access;             /* Access blocks, first match decides */
	struct ordo_conf_access access[ORDO_CONF_MAX_ACCESS];
};

/* Fill conf with the defaults documented in config/ordo.conf and no
 * segments. The parser starts from this. */
void ordo_conf_init(struct ordo_conf *conf);

/* Incremental parser. init resets *conf to the defaults; conf must stay
 * valid until finish. name labels the messages (usually the path).
 * Returns NULL and sets errno (ENOMEM) on failure. */
struct ordo_conf_parser *ordo_conf_parser_init(struct ordo_conf *conf,
					       const char *name);

/* One line, without its newline (a trailing "\r" is tolerated); len bytes,
 * which may hold anything: NUL, invalid UTF-8 and overlong lines are
 * reported as errors. Returns 0 or -EINVAL; after the first error every
 * later call returns it again and does nothing. */
int ordo_conf_parser_line(struct ordo_conf_parser *p, const char *line,
			  size_t len);

/* End of input: checks what only the whole file can tell (a segment
 * exists, names and addresses are unique, timeouts and windows agree,
 * Daemon blocks name real daemons), sorts daemons into ring order, and
 * frees p. Returns 0, or the first error with its message in err (when
 * err is not NULL). On error *conf is partial and must not be used. */
int ordo_conf_parser_finish(struct ordo_conf_parser *p, char *err,
			    size_t errlen);

/* The whole thing over a buffer (len bytes, need not be NUL-terminated)
 * or a file. name labels messages; NULL means "<buffer>". */
int ordo_conf_parse_buffer(const char *buf, size_t len, const char *name,
			   struct ordo_conf *conf, char *err, size_t errlen);
int ordo_conf_parse_file(const char *path, struct ordo_conf *conf, char *err,
			 size_t errlen);

/* A stable 32-bit hash of what every daemon of the ring must agree on:
 * the members (id and segment group:port, in ring order) and the
 * protocol parameters (windows, accelerated ring, MTU, encapsulation,
 * max message size, the nine timeouts and the token retransmission
 * interval) and Crypto (on or off, and the cipher; never the key), with
 * defaults filled in, so spelling a default out does not
 * change it. Names, paths, logging, lcores, ports, store and queue sizes
 * and the access policy are local and excluded. Never 0. Carried in every
 * packet header: daemons refuse peers with another hash. */
uint32_t ordo_conf_hash(const struct ordo_conf *conf);

/* Which daemon we are: by name when name is not NULL (Spread's -n), else
 * the first daemon whose address is one of addrs[0..n_addrs) (host order).
 * Returns its index in conf->daemons, -ENOENT when none matches. */
int ordo_conf_find_self(const struct ordo_conf *conf, const char *name,
			const uint32_t *addrs, size_t n_addrs);

/* This host's IPv4 addresses (host order) from getifaddrs(3), to pass to
 * ordo_conf_find_self(). Returns how many were stored (at most max), or a
 * negative errno. */
int ordo_conf_local_addrs(uint32_t *addrs, size_t max);

/* Where daemon self's ordo-ctrld serves Prometheus metrics: its Daemon
 * block's MetricsListen, else the Ordo section's. Returns false when
 * metrics are off (the default), else true with the address and port
 * (host order). */
bool ordo_conf_metrics_listen(const struct ordo_conf *conf, int self,
			      uint32_t *addr, uint16_t *port);

/* Index of the daemon with this name or id, or -ENOENT. */
int ordo_conf_daemon_by_name(const struct ordo_conf *conf, const char *name);
int ordo_conf_daemon_by_id(const struct ordo_conf *conf, uint32_t id);

/* May a client with this uid/gid do op (ORDO_ACCESS_*) on group? The first
 * Access block whose pattern matches the group and whose Uid or Gid list
 * holds the client decides. With no Access block at all, everything is
 * allowed (Spread's open default; the socket's permissions still apply);
 * with some, what no block allows is denied. Returns 0 or -EACCES. */
int ordo_conf_access_check(const struct ordo_conf *conf, const char *group,
			   uint32_t uid, uint32_t gid, uint32_t op);

/* Write conf as a configuration file that parses back to the same conf
 * (defaults spelled out, daemons in ring order). Like snprintf: writes at
 * most len bytes, NUL-terminated, and returns the length it needed. */
size_t ordo_conf_format(const struct ordo_conf *conf, char *buf, size_t len);

/* Names, for messages and dumps. */
const char *ordo_conf_encap_name(enum ordo_conf_encap e);
const char *ordo_conf_idle_name(enum ordo_conf_idle i);
const char *ordo_conf_priority_name(enum ordo_conf_priority p);
const char *ordo_conf_slow_name(enum ordo_conf_slow s);
const char *ordo_conf_crypto_name(enum ordo_conf_crypto c);

#ifdef __cplusplus
}
#endif

#endif /* ORDO_LIB_CONF_H */
