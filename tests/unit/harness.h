/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A ring of engines wired by hand, for unit tests and the fuzz corpus
 * generator. Packets the engines send wait in one FIFO "network"; a test
 * moves them one at a time (h_step), may drop any of them on the way
 * (net->drop), and sees every delivery with the moment it happened.
 * Time moves only when the harness or the test says so, so every run is
 * exactly repeatable.
 *
 * Node ids are 1..n; the ring is in ascending id, so node 1 is the
 * representative. Failures of the harness itself abort: it does not
 * depend on cmocka.
 */
#ifndef ORDO_TEST_HARNESS_H
#define ORDO_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

#define H_HASH      0x0bd0c0deu /* config_hash of every harness ring */
#define H_PKT_NS    100u        /* time one packet takes on the network */

struct h_pkt {
	uint64_t id;     /* running number of every packet sent */
	uint32_t from;   /* node id that sent it */
	uint32_t dest;   /* ORDO_DEST_RING or a node id */
	uint32_t len;
	uint8_t *data;
	uint64_t tokens;  /* token packets delivered before it was sent */
	uint64_t at;      /* time it was sent */
};

struct h_delivery {
	uint64_t seq;
	uint32_t sender;
	uint16_t msg_type;
	uint8_t  service;
	uint32_t len;
	uint8_t *data;
	uint8_t  during;  /* packet type being received then, 0 if none */
	uint64_t tokens;  /* token packets delivered on the ring so far */
	uint64_t min_aru; /* lowest my_aru over all members, at that moment */
};

struct h_net;

struct h_node {
	struct h_net *net;
	uint32_t id;
	struct ordo_engine *e;
	struct h_delivery *dv;
	size_t ndv, cap_dv;
	uint8_t rx_type;     /* type of the packet in ordo_engine_rx, or 0 */
	uint64_t tokens_rx;  /* token packets handed to this node */
	uint32_t nconf;      /* configuration changes delivered */
	struct ordo_config_change last_conf;
	struct ordo_engine_config cfg; /* what it was created with */
};

/* Return true to lose packet p on its way to node id `to`. */
typedef bool (*h_drop_fn)(void *arg, const struct h_pkt *p, uint32_t to);

struct h_net {
	uint32_t n;
	struct h_node node[ORDO_MAX_MEMBERS];
	uint64_t now;

	struct h_pkt *q;  /* in flight, FIFO: q[qhead .. qtail) */
	size_t qhead, qtail, qcap;
	uint64_t sent, data_sent, tokens_sent, tokens_delivered;

	bool keep_log;    /* keep a copy of every packet sent in log[] */
	struct h_pkt *log;
	size_t nlog, caplog;

	h_drop_fn drop;
	void *drop_arg;
	/* Called with every packet an engine sends, before it is queued. */
	void (*on_send)(void *arg, const struct h_pkt *p, const void *pkt);
	void *send_arg;
	uint64_t dropped;
	bool keep_data;   /* copy delivered bytes (default true) */

	/* h_net_init_frames(): the engines hold frames by handle (engine.h
	 * frame ops) from a checking allocator. A handle is the frame's
	 * header; released frames are poisoned and kept until fini, so a
	 * second release or a send after release is seen (counted in
	 * frame_bad, the first described in frame_why), and a read after
	 * release finds H_POISON bytes. */
	bool frames;
	uint32_t frame_fail;   /* refuse this many frame_alloc calls */
	struct h_frame *frame_list; /* every frame ever made */
	uint64_t frame_allocs, frame_kept, frame_releases, frame_live;
	uint64_t frame_sends;      /* frame_send calls */
	uint64_t frame_sends_rx;   /* ... of frames kept from rx */
	uint64_t frame_alloc_refused;
	uint64_t frame_bad;
	char frame_why[160];
};

#define H_POISON 0xdbu

/* One frame of the checking allocator. */
struct h_frame {
	struct h_frame *next;
	uint32_t magic;
	uint32_t owner;   /* node id that holds it; 0: released */
	bool from_rx;     /* offered by h_rx, not frame_alloc */
	uint32_t cap;
	uint8_t buf[];
};

/* Defaults plus members 1..n (my_id is set per node by h_net_init). */
void h_config(struct ordo_engine_config *c, uint32_t n);

/* Create nodes 1..tmpl->n_members from a configuration template. */
void h_net_init(struct h_net *net, const struct ordo_engine_config *tmpl);
void h_net_init_frames(struct h_net *net,
		       const struct ordo_engine_config *tmpl);
/* Destroy node id's engine and create a fresh one (a restart, same
 * incarnation + 1), started at net->now. */
void h_node_restart(struct h_net *net, uint32_t id);
/* Frames node id's engine holds now (h_net_init_frames). h_net_fini
 * aborts if an engine it destroys still holds one, or if the contract
 * was broken (frame_bad). */
uint64_t h_frames_held_by(const struct h_net *net, uint32_t id);
void h_net_fini(struct h_net *net);
void h_net_start(struct h_net *net);
/* Start every node and run until all of them are operational in one ring
 * of all the members (its id: ordo_engine_status). */
void h_net_form(struct h_net *net);

static inline struct h_node *h_node(struct h_net *net, uint32_t id)
{
	return &net->node[id - 1];
}

/* ordo_engine_rx() on node id, noting the packet type for deliveries. */
int h_rx(struct h_net *net, uint32_t id, const void *pkt, uint32_t len);

/* Packets in flight. */
static inline size_t h_inflight(const struct h_net *net)
{
	return net->qtail - net->qhead;
}
/* Take the oldest packet in flight off the network without delivering it
 * (the caller frees p->data), or return false. */
bool h_take(struct h_net *net, struct h_pkt *p);
/* Hand a packet to its receivers (all but the sender, or its dest). */
void h_deliver_pkt(struct h_net *net, const struct h_pkt *p);

/* One event: deliver the oldest packet in flight, then tick the nodes whose
 * deadline passed; with nothing in flight, first advance time to the
 * earliest deadline. False when nothing can happen. */
bool h_step(struct h_net *net);

typedef bool (*h_pred)(struct h_net *net, void *arg);
/* Step until done(net, arg) or max_steps; returns done's last answer. */
bool h_run_until(struct h_net *net, h_pred done, void *arg,
		 uint64_t max_steps);
/* Every node is operational in a ring of all the members. */
bool h_formed(struct h_net *net, void *arg);
/* Every node has at least *(size_t *)arg deliveries. */
bool h_all_delivered(struct h_net *net, void *arg);

/* ---- reading packets the engines sent ------------------------------------*/
uint8_t h_pkt_type(const void *pkt, uint32_t len);
uint32_t h_pkt_sender(const void *pkt, uint32_t len);
/* DATA: sequence and record count, 0 if not a DATA packet. */
uint64_t h_data_seq(const void *pkt, uint32_t len);
uint16_t h_data_nrec(const void *pkt, uint32_t len);
struct h_rec {
	uint32_t len;
	uint16_t msg_type;
	uint8_t  service, flags;
	const uint8_t *data;
};
/* Record i of a DATA packet; false if there is no such record. */
bool h_data_rec(const void *pkt, uint32_t len, uint16_t i, struct h_rec *r);

struct h_token {
	uint64_t token_seq, seq, aru;
	uint32_t aru_id, fcc, backlog, dest;
	uint16_t rtr_count;
	uint64_t rtr[ORDO_WIRE_RTR_MAX];
};
/* Decode a TOKEN packet; false if it is not one. */
bool h_token_read(const void *pkt, uint32_t len, struct h_token *t);

#endif /* ORDO_TEST_HARNESS_H */
