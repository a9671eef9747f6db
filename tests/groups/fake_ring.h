/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A fake sequencer for the group layer: N ordo_groups instances whose
 * submits go to a per-partition log, delivered in order to every member
 * of that partition by fr_step(), with scripted configuration changes
 * (fr_partition) that hand each member the transitional and regular
 * configurations the engine would. Like the engine: control messages go
 * before client messages, a paused node's client messages wait, control
 * messages of a ring that changed are dropped, client messages move on.
 *
 * Every output of every instance is recorded for the tests to check.
 */
#ifndef ORDO_TESTS_FAKE_RING_H
#define ORDO_TESTS_FAKE_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "groups/groups.h"

#define FR_NODES   4
#define FR_EVENTS  512
#define FR_NAMES   8    /* members / vs set names kept per event */
#define FR_BODY    1024

enum fr_kind { FR_MSG = 1, FR_MEMB, FR_VIEW, FR_GONE };

struct fr_event {
	int      kind;
	uint32_t client;
	char     group[ORDO_GROUPS_NAME_LEN];
	uint32_t service;
	uint32_t gid[3];
	uint32_t n_members;
	char     members[FR_NAMES][ORDO_GROUPS_NAME_LEN];
	int32_t  my_index;
	char     body[FR_BODY];
	uint32_t body_len;
	char     sender[ORDO_GROUPS_NAME_LEN];
	uint32_t n_groups;
	int16_t  msg_type;
	uint8_t  data[64];
	uint32_t len;
};

struct fr_msg {
	struct fr_msg *next;
	uint32_t sender;
	bool     control;
	uint8_t  service;
	uint16_t msg_type;
	uint32_t ring_rep, ring_seq; /* control: the ring it belongs to */
	uint32_t len;
	uint8_t  data[];
};

struct fr_node {
	struct fake_ring *fr;
	struct ordo_groups *g;
	uint32_t id;
	int      part;               /* -1: crashed */
	bool     paused;
	uint32_t control_submits;
	uint32_t n_events;
	struct fr_event *events;     /* FR_EVENTS */
	bool     record;             /* false: count only (bench, fuzz) */
	uint64_t msgs, membs;
	int      submit_rc;          /* forced result of submit, 0 normally */
};

struct fr_part {
	uint32_t ring_rep, ring_seq;
	uint32_t n, members[FR_NODES];
	struct fr_msg *head, *tail;
	uint64_t seq;
};

struct fake_ring {
	uint32_t n;
	struct fr_node nodes[FR_NODES];
	struct fr_part parts[FR_NODES];
	uint32_t ring_seq;
};

/* Nodes 1..n named n1..nn, each with max_clients slots, all in one ring
 * (formed and exchanged: fr_step already run). record: keep events. */
void fr_init(struct fake_ring *fr, uint32_t n, bool record);
void fr_fini(struct fake_ring *fr);
/* Node i (0-based) into partition part[i] (-1: crashed); nodes with one
 * label form one new ring. Members get TRANSITIONAL then REGULAR. */
void fr_partition(struct fake_ring *fr, const int *part);
/* Deliver every queued message of every partition, until none is left;
 * returns how many deliveries. */
uint32_t fr_step(struct fake_ring *fr);
/* Deliver raw bytes as if node `sender` had sent them, in its partition
 * (node 1's if it has none). */
void fr_inject(struct fake_ring *fr, uint32_t sender, uint8_t service,
	       uint16_t msg_type, const void *data, uint32_t len);
/* Forget recorded events. */
void fr_clear(struct fake_ring *fr);
/* The k-th recorded event of node i of this kind for client (UINT32_MAX:
 * any), or NULL. */
const struct fr_event *fr_find(const struct fake_ring *fr, uint32_t i,
			       int kind, uint32_t client, uint32_t k);
uint32_t fr_count(const struct fake_ring *fr, uint32_t i, int kind,
		  uint32_t client);

#endif /* ORDO_TESTS_FAKE_RING_H */
