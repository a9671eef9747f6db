/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordod's end of the control link (include/ordo/ctrl_proto.h): the main
 * lcore listens on RuntimeDir/ordod.link for ordo-ctrld, receives each
 * admitted client's region, eventfds and socket, maps the region, allocates
 * the client's buffers, and hands the ready slot to the gateway on the ring
 * lcore (gateway.h). It forwards the gateway's events (ATTACHED, DETACHED,
 * RING, VIEW) to ordo-ctrld, watches every client's socket for the hang-up
 * that means the client died, and reclaims a slot once the gateway is done
 * with it. Everything slow (syscalls, mmap, malloc) happens here, never on
 * the ring lcore.
 *
 * If ordo-ctrld goes away, clients keep working: ordod holds their
 * regions and sockets. A new ordo-ctrld gets the state (CLIENT, RING,
 * VIEW..., DUMP_END) when it connects.
 */
#ifndef ORDO_DP_CTRL_LINK_H
#define ORDO_DP_CTRL_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/gateway/gateway.h"

struct dp_link_params {
	const char *runtime_dir;
	uint32_t conf_hash, node_id;
	const char *daemon;        /* our name */
	/* Counters for a COUNTERS query, as text or JSON; returns the
	 * length written (snprintf-like). */
	size_t (*counters)(void *arg, char *buf, size_t len, bool json);
	void *counters_arg;
	/* A KEY request (ctrld checked who asks): the answer's text in buf
	 * (snprintf-like length), its status 0 or -errno in *status. NULL:
	 * answered -EOPNOTSUPP. */
	size_t (*key)(void *arg, const struct ordo_cp_key *m, char *buf,
		      size_t len, int32_t *status);
	void *key_arg;
	/* A page of STATS records (dataplane/ctrl_stats.h); arg is
	 * counters_arg. NULL: STATS_REQ is answered -EOPNOTSUPP. */
	size_t (*stats)(void *arg, uint32_t cursor, struct ordo_cp_stat *out,
			size_t max, uint32_t *next);
};

struct dp_link {
	struct dp_gateway *gw;
	struct dp_link_params p;
	char     path[108];
	int      lfd;              /* listening */
	int      cfd;              /* ordo-ctrld, or -1 */
	uint32_t hiwater;          /* slots ever used: scans stop here (the
				    * lowest free slot is taken first) */
	uint64_t ctrl_sessions, protocol_errors, attach_refused;
	uint32_t logged_rep, logged_seq; /* the last ring printed */
	uint8_t *buf;              /* ORDO_CP_MSG_MAX */
};

/* Listen (replacing a stale socket file). 0 or -errno; err says why. */
int dp_link_open(struct dp_link *l, struct dp_gateway *gw,
		 const struct dp_link_params *p, char *err, size_t errlen);

/* Serve the link, the clients' sockets and the gateway's events for up to
 * timeout_ms (0: what is ready now). Returns the events handled. */
int dp_link_poll(struct dp_link *l, int timeout_ms);

/* After the ring lcore stopped: every client is told DAEMON_EXIT, every
 * slot reclaimed, the socket closed and removed. */
void dp_link_close(struct dp_link *l);

#endif /* ORDO_DP_CTRL_LINK_H */
