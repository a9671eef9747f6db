/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The checker on hand-made runs: a clean run passes, and each property,
 * broken on its own, is reported under its own kind. Needs no engine: the
 * wire tap is fed hand-built DATA packets.
 *
 * The run: 3 nodes, 4 messages, one packet each (seq = index + 1):
 *   0: 1:0 AGREED   1: 1:1 SAFE   2: 2:0 FIFO   3: 3:0 CAUSAL (sent by
 *   node 3 after it delivered message 0)
 * every node holds every packet by t=45 and delivers 0,1,2,3 at t=100..103.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker.h"
#include "payload.h"
#include "tap.h"

#define N_NODES 3
#define N_MSGS 4
#define LEN 40

static struct plan_msg msgs[N_MSGS];
static struct plan plan;
static struct tap tap;
static struct sim_log clean[N_NODES], logs[N_NODES];
static struct checker chk;
static int failures;

static void build_plan(void)
{
	static const uint32_t origin[N_MSGS] = { 1, 1, 2, 3 };
	static const uint32_t counter[N_MSGS] = { 0, 1, 0, 0 };
	static const uint8_t svc[N_MSGS] = { ORDO_SVC_AGREED, ORDO_SVC_SAFE,
					     ORDO_SVC_FIFO, ORDO_SVC_CAUSAL };
	uint8_t buf[LEN];
	uint32_t i;

	for (i = 0; i < N_MSGS; i++) {
		struct plan_msg *m = &msgs[i];

		memset(m, 0, sizeof(*m));
		m->origin = origin[i];
		m->counter = counter[i];
		m->len = LEN;
		m->service = svc[i];
		m->msg_type = (uint16_t)(100 + i);
		m->accepted_at = 1;
		m->causal_after = i == 3 ? 0 : WL_NONE;
		payload_fill(buf, m->origin, m->counter, LEN);
		m->digest = payload_digest(buf, LEN);
	}
	plan = (struct plan){ .msgs = msgs, .n = N_MSGS, .cap = N_MSGS,
			      .n_nodes = N_NODES,
			      .base = { 0, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
					4, 4, 4, 4 } };
}

/* A DATA packet with message i as its one whole record. */
static uint32_t build_packet(uint8_t *p, uint32_t i, uint8_t salt)
{
	struct ordo_wire_hdr h = { 0 };
	struct ordo_wire_data d = { 0 };
	struct ordo_wire_rec r = { 0 };
	uint32_t len = sizeof(h) + sizeof(d) + sizeof(r) + LEN;
	uint64_t seq = i + 1;

	h.magic = htons(ORDO_WIRE_MAGIC);
	h.version = ORDO_WIRE_VERSION;
	h.type = ORDO_PKT_DATA;
	h.sender = htonl(msgs[i].origin);
	h.len = htonl(len);
	h.ring_rep = htonl(1);
	h.ring_seq = htonl(1);
	d.seq = htobe64(seq);
	d.nrec = htons(1);
	d.pad = salt; /* lets a test resend different bytes */
	r.len = htonl(LEN);
	r.service = msgs[i].service;
	r.flags = ORDO_REC_F_WHOLE;
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), &d, sizeof(d));
	memcpy(p + sizeof(h) + sizeof(d), &r, sizeof(r));
	payload_fill(p + sizeof(h) + sizeof(d) + sizeof(r), msgs[i].origin,
		     msgs[i].counter, LEN);
	return len;
}

static void build_wire(void)
{
	uint8_t pkt[256];
	uint32_t i, y, len;

	tap_init(&tap);
	tap_reset(&tap, &plan, N_NODES);
	for (i = 0; i < N_MSGS; i++) {
		uint64_t t = 10 * (i + 1);

		len = build_packet(pkt, i, 0);
		tap_sent(&tap, msgs[i].origin - 1, pkt, len, t);
		for (y = 0; y < N_NODES; y++)
			if (y != msgs[i].origin - 1)
				tap_received(&tap, y, pkt, len, t + 5, 0);
	}
}

static void deliver(struct sim_log *l, uint32_t i, uint64_t t)
{
	struct sim_log_entry *e = sim_log_append(l);
	uint8_t buf[LEN];

	e->time = t;
	e->kind = SIM_LOG_MESSAGE;
	e->ring_rep = 1;
	e->ring_seq = 1;
	payload_fill(buf, msgs[i].origin, msgs[i].counter, LEN);
	sim_log_msg_identify(&e->msg, buf, LEN);
	e->msg.seq = i + 1;
	e->msg.sender = msgs[i].origin;
	e->msg.service = msgs[i].service;
	e->msg.msg_type = msgs[i].msg_type;
}

static void build_logs(void)
{
	uint32_t x, i;

	for (x = 0; x < N_NODES; x++) {
		struct sim_log_entry *e;

		sim_log_init(&clean[x]);
		sim_log_init(&logs[x]);
		e = sim_log_append(&clean[x]);
		e->kind = SIM_LOG_CONFIG;
		e->ring_rep = 1;
		e->ring_seq = 1;
		e->conf.n_members = N_NODES;
		for (i = 0; i < N_NODES; i++)
			e->conf.members[i] = i + 1;
		for (i = 0; i < N_MSGS; i++)
			deliver(&clean[x], i, 100 + i);
	}
}

static void restore(void)
{
	uint32_t x;

	for (x = 0; x < N_NODES; x++)
		sim_log_copy(&logs[x], &clean[x]);
}

static struct report check(void)
{
	struct check_input in = { .n_nodes = N_NODES, .logs = logs,
				  .plan = &plan, .tap = &tap };
	struct report r;

	report_clear(&r);
	if (checker_run(&chk, &in, &r) != 0) {
		fprintf(stderr, "checker_run: out of memory\n");
		exit(1);
	}
	return r;
}

/* The run, as currently mutated, must be reported under kind k (or, with
 * k < 0, only as undelivered pairs). */
static void expect(const char *name, int k, uint64_t undelivered)
{
	struct report r = check();
	int ok = r.undelivered == undelivered &&
		 (k < 0 ? r.violations == 0 : r.by_kind[k] > 0);

	printf("%-4s %-28s %s%s\n", ok ? "ok" : "FAIL", name,
	       r.violations ? r.first : "no violation",
	       r.undelivered ? "; undelivered" : "");
	failures += !ok;
	restore();
}

static void swap(struct sim_log *l, uint32_t a, uint32_t b)
{
	struct sim_log_entry t = l->e[a];

	l->e[a] = l->e[b];
	l->e[b] = t;
}

int main(void)
{
	uint8_t pkt[256];
	uint32_t len, x;

	build_plan();
	build_wire();
	build_logs();
	checker_init(&chk);
	restore();

	expect("clean run passes", -1, 0);

	/* Entries: 0 CONFIG, then messages 0..3 at entries 1..4. */
	swap(&logs[1], 2, 3); /* msgs 1 (1:1) and 2 (2:0): FIFO-neutral */
	expect("order", CHK_ORDER, 0);

	sim_log_remove(&logs[2], 4);
	expect("last delivery missing", -1, 1);

	sim_log_remove(&logs[2], 3); /* 2:0, while 3:0 follows */
	expect("gap", CHK_GAP, 1);

	sim_log_insert(&logs[0], 5, &logs[0].e[2]);
	expect("duplicate", CHK_DUPLICATE, 0);

	logs[0].e[2].msg.counter = 7;
	expect("invented", CHK_INVENTED, 1);

	logs[0].e[2].msg.digest ^= 1;
	expect("corrupt", CHK_CORRUPT, 1);

	logs[0].e[3].msg.sender = 3;
	expect("metadata", CHK_METADATA, 0);

	for (x = 0; x < N_NODES; x++)
		swap(&logs[x], 1, 2); /* 1:1 before 1:0 everywhere */
	expect("fifo", CHK_FIFO, 0);

	for (x = 0; x < N_NODES; x++) {
		/* 3:0 first everywhere, though node 3 sent it after 1:0. */
		struct sim_log_entry e = logs[x].e[4];

		sim_log_remove(&logs[x], 4);
		sim_log_insert(&logs[x], 1, &e);
	}
	expect("causal", CHK_CAUSAL, 0);

	logs[1].e[2].time = 24; /* SAFE 1:1 (seq 2): others hold it at 25 */
	expect("safe", CHK_SAFE, 0);

	logs[2].e[3].ring_seq = 2;
	expect("configuration", CHK_CONFIG, 0);

	len = build_packet(pkt, 2, 1);
	tap_sent(&tap, 0, pkt, len, 200); /* node 1 resends seq 3, altered */
	expect("wire: altered retransmission", CHK_WIRE, 0);

	checker_fini(&chk);
	tap_fini(&tap);
	for (x = 0; x < N_NODES; x++) {
		sim_log_fini(&clean[x]);
		sim_log_fini(&logs[x]);
	}
	printf("%s\n", failures ? "checker test FAILED" : "checker test passed");
	return failures ? 1 : 0;
}
