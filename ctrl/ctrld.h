/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-ctrld, the control-plane process: its instance struct and the
 * functions its files share. One thread, one poll loop (loop.c) over the
 * listening client socket, the accepted connections (clients.c: HELLO,
 * BYE, QUERY) and the link to the dataplane (link.c). The mirror of the
 * dataplane's state (mirror.c) answers queries (query.c). No data passes
 * through here: messages travel in the client regions the dataplane maps.
 * ctrl/README.md tells the whole story.
 */
#ifndef ORDO_CTRLD_H
#define ORDO_CTRLD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/cring/cring.h"
#include "lib/conf/conf.h"
#include "lib/cproto/cpmsg.h"
#include "ordo/ctrl_proto.h"
#include "ordo/wire.h"

/* Connections beyond MaxClients, for ordoctl and for clients that are
 * about to be refused (they must get their WELCOME, not a reset). */
#define CTRLD_EXTRA_CONNS 64
/* Clients we know of: ours plus those in the dataplane's dump. */
#define CTRLD_CLIENTS_MAX (2 * ORDO_CONF_CLIENTS_MAX)
#define CTRLD_GROUPS_MAX  65536u
#define CTRLD_DIAL_MS     200   /* link redial while ordod is absent */
#define CTRLD_DIAL_SLOW_MS 5000 /* ... and while it runs another config */
#define CTRLD_QUERY_MS    1000  /* forwarded query timeout */
#define CTRLD_HELLO_MS    5000  /* a connection must speak within this */

enum ctrld_log_level { CLOG_ERR = 0, CLOG_WARN, CLOG_INFO, CLOG_DEBUG };

enum client_state {
	CL_FREE = 0,
	CL_ATTACHING, /* ATTACH sent, waiting for ATTACHED */
	CL_ATTACHED,  /* WELCOME sent; session */
	CL_DETACHING, /* DETACH sent (BYE or hang-up), waiting for DETACHED */
};

struct ctrld_metrics;

struct ctrld_client {
	enum client_state state;
	uint32_t id;
	uint32_t uid, gid, pid, flags;
	char     name[16];
	int      conn;          /* index in conns[], -1: none (dumped, gone) */
	bool     dumped;        /* learnt from the dataplane's state dump */
	uint32_t hello_seq;     /* echoed in WELCOME */
	/* Ours: the region stays mapped for the whole session so that we
	 * can mark it DAEMON_EXIT when the dataplane vanishes. */
	bool     have_region;
	struct ordo_cr_map map;
	int      efd_client, efd_daemon; /* until WELCOME has passed them */
	/* From the dump. */
	uint32_t n_groups;
	uint64_t submitted, delivered, overflow;
	uint64_t since_ns;
};

struct ctrld_conn {
	int      fd;            /* -1: free slot */
	int      client;        /* index in clients[], -1: none */
	bool     polled;        /* false once it said BYE (only DETACHED ends it) */
	uint64_t opened_ns;
	/* A query forwarded to the dataplane (COUNTERS). */
	bool     fwd;
	uint32_t fwd_seq;       /* the link seq we used */
	uint32_t fwd_client_seq;/* the seq to echo to ordoctl */
	uint16_t fwd_type;      /* QUERY or STATS_REQ: how to say it failed */
	uint64_t fwd_deadline_ns;
};

enum link_state {
	LINK_DOWN = 0,
	LINK_HELLO,   /* LINK_HELLO sent, waiting for LINK_WELCOME */
	LINK_DUMP,    /* receiving CLIENT / RING / VIEW until DUMP_END */
	LINK_UP,
};

struct ctrld_group {
	char     name[ORDO_CP_NAME_LEN];
	uint32_t gid[3];
	uint32_t n_members;
	bool     truncated;
	char   (*members)[ORDO_CP_NAME_LEN];
};

struct ctrld_ring {
	bool     known;
	uint32_t ring_rep, ring_seq;
	uint32_t n_members;
	uint32_t members[ORDO_MAX_MEMBERS];
};

struct ctrld {
	/* Configuration. */
	struct ordo_conf conf;
	char     conf_path[ORDO_CONF_PATH_MAX];
	uint32_t conf_hash;
	int      self;          /* index in conf.daemons */
	const char *daemon;     /* conf.daemons[self].name */
	uint32_t node_id;
	char     sock_path[ORDO_CONF_PATH_MAX];
	char     link_path[ORDO_CONF_PATH_MAX];

	/* Logging. */
	enum ctrld_log_level log_level;
	int      log_fd;

	/* Client socket. */
	int      listen_fd;
	struct ctrld_conn *conns;
	uint32_t n_conns_max;
	struct ctrld_client *clients;
	uint32_t next_client_id;
	uint32_t next_gen_name;

	/* Link to ordod. */
	enum link_state link;
	int      link_fd;
	uint64_t next_dial_ns;
	uint32_t link_seq;
	bool     link_refused;  /* last LINK_WELCOME said another config */
	uint32_t ordod_pid;
	uint32_t ordod_hash;
	uint64_t link_since_ns;

	/* The mirror. */
	struct ctrld_ring ring;
	struct ctrld_group *groups;
	uint32_t n_groups, cap_groups;

	/* Counters (ordoctl status). */
	uint64_t started_ns;
	uint64_t n_accepted, n_refused, n_proto_errors, n_link_ups;

	/* The Prometheus endpoint (metrics.c); NULL when MetricsListen is
	 * off. */
	struct ctrld_metrics *metrics;

	uint8_t  buf[ORDO_CP_MSG_MAX];
};

/* loop.c: until *quit; 0 or -errno. */
int ctrld_run(struct ctrld *d, volatile sig_atomic_t *quit);

/* log.c */
void ctrld_log(struct ctrld *d, enum ctrld_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ctrld_log_level_parse(const char *s, enum ctrld_log_level *out);
uint64_t ctrld_now_ns(void);

/* listen.c: bind the client socket (refusing one a live process serves). */
int ctrld_listen(struct ctrld *d);

/* clients.c */
void ctrld_accept(struct ctrld *d);
void ctrld_conn_input(struct ctrld *d, uint32_t ci);
void ctrld_conn_hangup(struct ctrld *d, uint32_t ci);
void ctrld_conn_close(struct ctrld *d, uint32_t ci);
void ctrld_conns_tick(struct ctrld *d, uint64_t now);
int ctrld_client_by_id(struct ctrld *d, uint32_t id);
void ctrld_client_attached(struct ctrld *d, uint32_t id, int32_t status);
void ctrld_client_detached(struct ctrld *d, uint32_t id, uint32_t reason,
			   uint32_t detail);
void ctrld_client_dumped(struct ctrld *d, const struct ordo_cp_client *m);
void ctrld_clients_link_down(struct ctrld *d);
uint32_t ctrld_clients_count(const struct ctrld *d);

/* link.c */
void ctrld_link_tick(struct ctrld *d, uint64_t now);
void ctrld_link_input(struct ctrld *d);
void ctrld_link_down(struct ctrld *d, const char *why);
int ctrld_link_send(struct ctrld *d, const void *msg, size_t len,
		    const int *fds, unsigned n_fds);
uint32_t ctrld_link_next_seq(struct ctrld *d);
const char *ctrld_link_state_name(enum link_state s);

/* mirror.c */
int ctrld_mirror_ring(struct ctrld *d, const struct ordo_cp_ring *m,
		      size_t len);
int ctrld_mirror_view(struct ctrld *d, const struct ordo_cp_view *m,
		      size_t len);
void ctrld_mirror_clear(struct ctrld *d);

/* query.c: answer a QUERY on connection ci (seq echoed). */
void ctrld_query(struct ctrld *d, uint32_t ci, const struct ordo_cp_query_msg *q);
void ctrld_key(struct ctrld *d, uint32_t ci, const struct ordo_cp_key *m);
/* Send text as REPLY datagrams (split at ORDO_CP_MSG_MAX). */
int ctrld_reply(int fd, uint32_t seq, int32_t status, const char *text,
		size_t len);
/* A REPLY or STATS from the dataplane for a forwarded request. */
void ctrld_query_relay(struct ctrld *d, const struct ordo_cp_hdr *r,
		       size_t len);
/* A forwarded request that will not be answered: a REPLY or a STATS
 * with status (text for the REPLY). */
void ctrld_fwd_fail(struct ctrld_conn *k, int32_t status, const char *text);
/* STATS_REQ on connection ci: forwarded to the dataplane. */
void ctrld_stats_forward(struct ctrld *d, uint32_t ci,
			 const struct ordo_cp_stats_req *q);

/* metrics.c: the Prometheus endpoint. start: 0 (also when MetricsListen
 * is off) or -errno (cannot listen: logged). */
int ctrld_metrics_start(struct ctrld *d);
void ctrld_metrics_stop(struct ctrld *d);
/* Its descriptor for the poll loop (-1: none); tick runs it. */
int ctrld_metrics_fd(const struct ctrld *d);
void ctrld_metrics_tick(struct ctrld *d, uint64_t now);
/* A STATS from the link: true if it answered our scrape. */
bool ctrld_metrics_stats(struct ctrld *d, const struct ordo_cp_stats *s,
			 size_t len);
void ctrld_metrics_link_down(struct ctrld *d);

#endif /* ORDO_CTRLD_H */
