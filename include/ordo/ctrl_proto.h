/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The control protocol: the one definition of the messages on ordo's two
 * Unix sockets. Data never travels here; it goes through the client rings
 * (include/ordo/client_ring.h). Compiled by libordo, ordo-ctrld, ordod and
 * ordoctl.
 *
 *   client socket  (ordo.conf ClientSocket, default RuntimeDir/ordo.sock)
 *     libordo  -> ordo-ctrld   HELLO
 *     ordo-ctrld -> libordo    WELCOME + fds [region memfd, client eventfd,
 *                              daemon eventfd] (or WELCOME with a refusal)
 *     libordo  -> ordo-ctrld   BYE (polite close; closing the socket
 *                              without it is a disconnect too)
 *     ordoctl  -> ordo-ctrld   QUERY, answered by REPLY (text or JSON)
 *     ordoctl  -> ordo-ctrld   KEY (the ring's keys: list, load, use,
 *                              retire; root or ctrld's own user only),
 *                              forwarded to ordod, answered by REPLY
 *     ordoctl  -> ordo-ctrld   STATS_REQ, forwarded to ordod; its STATS
 *                              answer (binary records) relayed back
 *   The client keeps its socket open for its whole session: its closing
 *   (the process exited or was killed) is how the daemons learn a client is
 *   gone, whoever notices first.
 *
 *   link socket  (RuntimeDir/ordod.link; ordod listens, ordo-ctrld dials)
 *     ctrld -> ordod   LINK_HELLO (conf hash) ; ordod -> ctrld LINK_WELCOME
 *     ordod -> ctrld   then its state: CLIENT for every attached client,
 *                      RING, VIEW for every group, then DUMP_END
 *     ctrld -> ordod   ATTACH + fds [region memfd, client eventfd, daemon
 *                      eventfd, client socket]; ordod answers ATTACHED
 *     ctrld -> ordod   DETACH (the client said BYE or its socket closed)
 *     ordod -> ctrld   DETACHED (a client left, for whatever reason)
 *     ordod -> ctrld   RING (each regular configuration), VIEW (each
 *                      group view change): the control plane's mirror
 *     ctrld -> ordod   QUERY (counters), KEY; ordod answers REPLY
 *     ctrld -> ordod   QUERY (counters); ordod answers REPLY
 *     ctrld -> ordod   STATS_REQ (a page of records); ordod answers STATS
 *
 * Every message is one SOCK_SEQPACKET datagram: struct ordo_cp_hdr, then
 * the type's fixed part, then (VIEW, REPLY, RING, STATS) a variable tail of
 * hdr.len - fixed bytes. Host byte order (one host). Receivers check magic,
 * version, type and that len equals the datagram length, and refuse
 * anything else by closing the socket (a peer that breaks the protocol is
 * not talked to again). Names are NUL-terminated in their arrays.
 */
#ifndef ORDO_CTRL_PROTO_H
#define ORDO_CTRL_PROTO_H

#include <assert.h>
#include <stdint.h>

#include "ordo/ctrl_stats.h"

#define ORDO_CP_MAGIC   0x3150434fu /* "OCP1" in memory on little-endian */
#define ORDO_CP_VERSION 1u

/* Largest datagram either side sends or accepts. */
#define ORDO_CP_MSG_MAX  (64u << 10)
#define ORDO_CP_NAME_LEN 32u        /* = ORDO_CR_NAME_LEN, Spread's 32 */
/* The link socket's name under RuntimeDir. */
#define ORDO_CP_LINK_NAME "ordod.link"
/* Environment variable naming the client socket, for libordo and tools
 * (overrides the default RuntimeDir/ordo.sock). */
#define ORDO_CP_SOCKET_ENV "ORDO_SOCKET"
#define ORDO_CP_SOCKET_DEFAULT "/run/ordo/ordo.sock"

enum ordo_cp_type {
	ORDO_CP_HELLO = 1,
	ORDO_CP_WELCOME = 2,
	ORDO_CP_BYE = 3,
	ORDO_CP_QUERY = 4,
	ORDO_CP_REPLY = 5,
	ORDO_CP_KEY = 8,
	ORDO_CP_STATS_REQ = 6,
	ORDO_CP_STATS = 7,

	ORDO_CP_LINK_HELLO = 16,
	ORDO_CP_LINK_WELCOME = 17,
	ORDO_CP_ATTACH = 18,
	ORDO_CP_ATTACHED = 19,
	ORDO_CP_DETACH = 20,
	ORDO_CP_DETACHED = 21,
	ORDO_CP_CLIENT = 22,
	ORDO_CP_RING = 23,
	ORDO_CP_VIEW = 24,
	ORDO_CP_DUMP_END = 25,
	ORDO_CP_TYPE_MAX
};

struct ordo_cp_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t type;     /* enum ordo_cp_type */
	uint32_t len;      /* whole datagram, this header included */
	uint32_t seq;      /* request number, echoed in the answer */
};
static_assert(sizeof(struct ordo_cp_hdr) == 16, "control header");

/* ---------------------------------------------------------------- client */

/* HELLO flags */
#define ORDO_CP_F_MEMBERSHIP 0x1u /* wants membership messages (Spread's
				   * group_membership argument) */

struct ordo_cp_hello {
	struct ordo_cp_hdr hdr;
	char     private_name[16]; /* "" = pick one; else 1..10 chars '$'..'~' */
	uint32_t flags;            /* ORDO_CP_F_* */
	uint32_t submit_bytes;     /* wanted ring sizes; 0 = the daemon's */
	uint32_t deliver_bytes;    /* default (rounded to powers of two) */
	uint32_t reserved;
};
static_assert(sizeof(struct ordo_cp_hello) == 48, "hello");

/* WELCOME status: Spread's SP_connect codes (sp.h), so libordo's Spread
 * layer returns them as they are. */
#define ORDO_CP_ACCEPT             1  /* ACCEPT_SESSION */
#define ORDO_CP_REJECT_QUOTA      -3  /* no room for another client */
#define ORDO_CP_REJECT_ILLEGAL_NAME -5
#define ORDO_CP_REJECT_NOT_UNIQUE -6
#define ORDO_CP_REJECT_VERSION    -7
#define ORDO_CP_REJECT_NOT_READY  -8  /* CONNECTION_CLOSED: no dataplane */
#define ORDO_CP_REJECT_AUTH       -9  /* credentials refused */

struct ordo_cp_welcome {
	struct ordo_cp_hdr hdr;
	int32_t  status;           /* ORDO_CP_ACCEPT or ORDO_CP_REJECT_* */
	uint32_t client_id;        /* this session, unique per daemon run */
	char     private_group[ORDO_CP_NAME_LEN]; /* "#name#daemon" */
	char     daemon[ORDO_CP_NAME_LEN];        /* our daemon's name */
	uint32_t node_id;
	uint32_t conf_hash;
	char     reason[64];       /* a refusal, in words */
};
static_assert(sizeof(struct ordo_cp_welcome) == 16 + 8 + 64 + 8 + 64,
	      "welcome");

/* QUERY what */
enum ordo_cp_query {
	ORDO_CP_Q_STATUS = 1,   /* daemon, ring, counts */
	ORDO_CP_Q_RING = 2,     /* daemons of the configuration, ring members */
	ORDO_CP_Q_GROUPS = 3,   /* groups and their members */
	ORDO_CP_Q_CLIENTS = 4,  /* this daemon's clients */
	ORDO_CP_Q_COUNTERS = 5, /* the dataplane's counters */
	ORDO_CP_Q_CONFIG = 6,   /* the configuration as the daemon reads it */
	ORDO_CP_Q_MAX
};
#define ORDO_CP_Q_JSON 0x1u /* flags: answer in JSON, else human text */

struct ordo_cp_query_msg {
	struct ordo_cp_hdr hdr;
	uint32_t what;             /* enum ordo_cp_query */
	uint32_t flags;            /* ORDO_CP_Q_* */
};
static_assert(sizeof(struct ordo_cp_query_msg) == 24, "query");

/* REPLY: status 0 or -errno, then hdr.len - sizeof bytes of text (no NUL).
 * A text longer than one datagram comes as several REPLYs with more = 1
 * on all but the last. */
struct ordo_cp_reply {
	struct ordo_cp_hdr hdr;
	int32_t  status;
	uint32_t more;
};
static_assert(sizeof(struct ordo_cp_reply) == 24, "reply");

/* KEY: a key operation for ordod (docs/security.md, key rotation). The
 * key itself never travels here: LOAD names a file that ordod reads with
 * its own rights and checks as it checks KeyFile. */
enum ordo_cp_key_op {
	ORDO_CP_KEY_LIST = 1,   /* the keys held, which one seals, counts */
	ORDO_CP_KEY_LOAD = 2,   /* path: open frames with this key too */
	ORDO_CP_KEY_USE = 3,    /* key_id: seal with it, ring-wide, in order */
	ORDO_CP_KEY_RETIRE = 4, /* key_id: refuse frames sealed with it */
	ORDO_CP_KEY_OP_MAX
};
#define ORDO_CP_PATH_LEN 256u

struct ordo_cp_key {
	struct ordo_cp_hdr hdr;
	uint32_t op;               /* enum ordo_cp_key_op */
	uint32_t key_id;           /* USE, RETIRE */
	uint32_t flags;            /* ORDO_CP_Q_JSON (LIST) */
	uint32_t reserved;         /* zero */
	char     path[ORDO_CP_PATH_LEN]; /* LOAD: absolute, NUL-terminated */
};
static_assert(sizeof(struct ordo_cp_key) == 16 + 16 + 256, "key");
/* STATS_REQ: a page of ordod's statistics (include/ordo/ctrl_stats.h).
 * cursor 0 asks for the first page; a later page passes the previous
 * answer's next. One datagram answers one request, so a large answer
 * (many clients) never floods the socket: the asker paces it. */
struct ordo_cp_stats_req {
	struct ordo_cp_hdr hdr;
	uint32_t version;          /* ORDO_STATS_VERSION */
	uint32_t cursor;
};
static_assert(sizeof(struct ordo_cp_stats_req) == 24, "stats req");

/* STATS: status 0, -EPROTONOSUPPORT (another version: no records) or
 * -ENOTCONN (ctrld: no dataplane); then n records (struct ordo_cp_stat),
 * hdr.len = sizeof + n * 40. next 0: this was the last page. The first
 * page holds every record but the per-client ones; later pages hold whole
 * clients, so a page boundary never splits or repeats a client. Records
 * of different pages are read moments apart. */
struct ordo_cp_stats {
	struct ordo_cp_hdr hdr;
	int32_t  status;
	uint32_t version;          /* ORDO_STATS_VERSION */
	uint32_t next;             /* cursor of the next page, 0: none */
	uint32_t n;                /* records that follow */
	uint64_t now_ns;           /* ordod's CLOCK_MONOTONIC when read */
};
static_assert(sizeof(struct ordo_cp_stats) == 40, "stats");
#define ORDO_CP_STATS_MAX \
	((ORDO_CP_MSG_MAX - sizeof(struct ordo_cp_stats)) / \
	 sizeof(struct ordo_cp_stat))

/* ------------------------------------------------------------------ link */

struct ordo_cp_link_hello {
	struct ordo_cp_hdr hdr;
	uint32_t conf_hash;        /* ordo_conf_hash() of the control plane's file */
	uint32_t pid;
};
static_assert(sizeof(struct ordo_cp_link_hello) == 24, "link hello");

struct ordo_cp_link_welcome {
	struct ordo_cp_hdr hdr;
	int32_t  status;           /* 0, or -EINVAL: another configuration */
	uint32_t conf_hash;        /* the dataplane's */
	uint32_t node_id;
	uint32_t pid;
	char     daemon[ORDO_CP_NAME_LEN];
};
static_assert(sizeof(struct ordo_cp_link_welcome) == 32 + 32, "link welcome");

/* ATTACH: the region and eventfds the control plane created for a client,
 * and the client's socket, passed as SCM_RIGHTS in this order. */
struct ordo_cp_attach {
	struct ordo_cp_hdr hdr;
	uint32_t client_id;
	uint32_t uid, gid, pid;    /* SO_PEERCRED */
	uint32_t flags;            /* ORDO_CP_F_* from HELLO */
	uint32_t reserved;
	char     private_name[16];
};
static_assert(sizeof(struct ordo_cp_attach) == 16 + 24 + 16, "attach");

/* ATTACHED: status 0, or a WELCOME refusal code (ordod decides
 * uniqueness against names whose disconnect is still in flight). */
struct ordo_cp_attached {
	struct ordo_cp_hdr hdr;
	uint32_t client_id;
	int32_t  status;
};
static_assert(sizeof(struct ordo_cp_attached) == 24, "attached");

struct ordo_cp_detach {
	struct ordo_cp_hdr hdr;
	uint32_t client_id;
	uint32_t reason;           /* enum ordo_cr_disconnect */
};
static_assert(sizeof(struct ordo_cp_detach) == 24, "detach");

/* DETACHED: reason is enum ordo_cr_disconnect, detail enum ordo_cr_err
 * for RING_CORRUPT. */
struct ordo_cp_detached {
	struct ordo_cp_hdr hdr;
	uint32_t client_id;
	uint32_t reason;
	uint32_t detail;
	uint32_t reserved;
};
static_assert(sizeof(struct ordo_cp_detached) == 32, "detached");

/* CLIENT: one attached client, in ordod's state dump. */
struct ordo_cp_client {
	struct ordo_cp_hdr hdr;
	uint32_t client_id;
	uint32_t uid, gid, pid;
	uint32_t flags;
	uint32_t n_groups;         /* groups it is in */
	char     private_name[16];
	uint64_t submitted;        /* messages it sent */
	uint64_t delivered;        /* records written to its delivery ring */
	uint64_t overflow;         /* records waiting behind its full ring */
};
static_assert(sizeof(struct ordo_cp_client) == 16 + 24 + 16 + 24, "client");

/* RING: a regular configuration; tail: n_members uint32 node ids. */
struct ordo_cp_ring {
	struct ordo_cp_hdr hdr;
	uint32_t ring_rep, ring_seq;
	uint32_t n_members;
	uint32_t reserved;
};
static_assert(sizeof(struct ordo_cp_ring) == 32, "ring");

/* VIEW: a group's view; tail: n_members names of ORDO_CP_NAME_LEN bytes.
 * n_members 0: the group no longer exists. A view longer than a datagram
 * is cut at what fits, with truncated = 1 (ordoctl says so). */
struct ordo_cp_view {
	struct ordo_cp_hdr hdr;
	char     group[ORDO_CP_NAME_LEN];
	uint32_t gid[3];
	uint32_t n_members;
	uint32_t truncated;
	uint32_t reserved;
};
static_assert(sizeof(struct ordo_cp_view) == 16 + 32 + 24, "view");

#endif /* ORDO_CTRL_PROTO_H */
