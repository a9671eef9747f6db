/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Built-in traffic, testpmd style: every node submits msgs messages of
 * size bytes at rate messages/s (0: as fast as the engine accepts them),
 * and digests everything it delivers. A lab compares the final digests of
 * all nodes: equal digests and counts mean every node delivered every
 * message in the identical order.
 *
 * Payload: struct dp_traffic_hdr then a fixed pattern, so a payload is a
 * function of (sender, seq, size). Deliveries are also checked for FIFO
 * order per sender, which total order implies.
 */
#ifndef ORDO_DP_TRAFFIC_H
#define ORDO_DP_TRAFFIC_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/local.h"
#include "dataplane/snapshot.h"

#define DP_TRAFFIC_MSG_TYPE 0x7472u /* "tr" */

struct dp_traffic_hdr {
	uint32_t sender; /* big-endian */
	uint32_t size;   /* big-endian: whole message */
	uint64_t seq;    /* big-endian: 1, 2, ... per sender */
};
static_assert(sizeof(struct dp_traffic_hdr) == 16, "traffic header");

struct dp_traffic_conf {
	uint64_t msgs;     /* per node */
	uint32_t size;     /* bytes per message, >= 16 */
	uint64_t rate;     /* messages/s per node, 0: unpaced */
	uint8_t  service;  /* enum ordo_service */
	uint32_t senders;  /* nodes that send: expected = msgs * senders */
	uint32_t queue_bytes; /* keep at most this much in the engine's submit
			       * queue (0: no bound); see traffic.c */
};

struct dp_traffic {
	struct dp_traffic_conf conf;
	uint32_t my_id;
	uint32_t n_members;
	uint32_t members[ORDO_MAX_MEMBERS];
	uint64_t last_seq[ORDO_MAX_MEMBERS];
	uint64_t sent;
	uint64_t t_start;  /* ns: first submit */
	uint32_t space_floor; /* submit only while the queue has this free */
	bool     started;
	bool     full_ring_seen; /* a regular configuration of every member */
	const uint8_t *pattern; /* conf.size bytes, hugepage memory */
	struct dp_traffic_report r;
};

extern const struct dp_local_ops dp_traffic_ops;

/* Returns 0 or -errno (-EINVAL: size below the header or above the
 * engine's maximum; -ENOMEM). */
int dp_traffic_init(struct dp_traffic *t, const struct dp_traffic_conf *conf,
		    uint32_t my_id, const uint32_t *members, uint32_t n,
		    uint32_t submit_bytes, int socket);
void dp_traffic_fini(struct dp_traffic *t);

#endif /* ORDO_DP_TRAFFIC_H */
