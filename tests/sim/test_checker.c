/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The checker on hand-made runs: a clean run passes, and each property,
 * broken on its own, is reported under its own kind. Needs no engine: the
 * wire tap is fed hand-built DATA packets. Two runs of 3 nodes:
 *
 * fixed: an engine without membership. One packet per message (seq =
 *   index + 1): 0: 1:0 AGREED  1: 1:1 SAFE  2: 2:0 FIFO  3: 3:0 CAUSAL
 *   (sent by node 3 after it delivered message 0). Every node holds every
 *   packet by t=45 and delivers 0,1,2,3 at t=100..103, in one regular
 *   configuration.
 *
 * evs: ring 1/1 of {1,2,3}: 1:0 AGREED (seq 1), 2:0 SAFE (seq 2) and 3:0
 *   AGREED (seq 3), which nodes 1 and 2 hold but deliver only in the
 *   transitional configuration: node 3 crashes at t=150. Nodes 1 and 2
 *   move to ring 1/2 of {1,2} and deliver 1:1 AGREED (seq 1) and 2:1 SAFE
 *   (seq 2) there.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/checker.h"
#include "tests/sim/payload.h"
#include "tests/sim/tap.h"

#define N_NODES 3
#define MAX_MSGS 8
#define LEN 40

struct fx_msg {
	uint32_t origin, counter;
	uint8_t service;
	uint32_t ring_seq;      /* sent in ring 1/ring_seq */
	uint64_t seq, sent_at;
	int32_t causal_after;
};

/* One log entry of a fixture: 'R'egular, 'T'ransitional, 'M'essage. */
struct fx_op {
	char op;
	uint32_t a, b;      /* R: ring seq, members; T: next seq, members;
			     * M: message index, transitional */
	uint64_t t;
};

static struct plan_msg msgs[MAX_MSGS];
static struct plan plan;
static struct tap tap;
static struct proc_info procs[N_NODES];
static struct sim_log clean[N_NODES], logs[N_NODES];
static struct checker chk;
static int failures;

static void build_plan(const struct fx_msg *fx, uint32_t n)
{
	uint8_t buf[LEN];
	uint32_t i;

	memset(&plan, 0, sizeof(plan));
	for (i = 0; i < n; i++) {
		struct plan_msg *m = &msgs[i];

		memset(m, 0, sizeof(*m));
		m->origin = fx[i].origin;
		m->counter = fx[i].counter;
		m->len = LEN;
		m->service = fx[i].service;
		m->msg_type = (uint16_t)(100 + i);
		m->accepted_at = 1;
		m->proc = (int32_t)fx[i].origin - 1;
		m->causal_after = fx[i].causal_after;
		payload_fill(buf, m->origin, m->counter, LEN);
		m->digest = payload_digest(buf, LEN);
		plan.base[m->origin]++;
	}
	for (i = 1; i <= ORDO_MAX_MEMBERS; i++)
		plan.base[i] += plan.base[i - 1];
	plan.msgs = msgs;
	plan.n = plan.cap = n;
	plan.n_nodes = N_NODES;
}

/* A DATA packet with message i as its one whole record. */
static uint32_t build_packet(uint8_t *p, const struct fx_msg *fx, uint8_t salt)
{
	struct ordo_wire_hdr h = { 0 };
	struct ordo_wire_data d = { 0 };
	struct ordo_wire_rec r = { 0 };
	uint32_t len = sizeof(h) + sizeof(d) + sizeof(r) + LEN;

	h.magic = htons(ORDO_WIRE_MAGIC);
	h.version = ORDO_WIRE_VERSION;
	h.type = ORDO_PKT_DATA;
	h.sender = htonl(fx->origin);
	h.len = htonl(len);
	h.ring_rep = htonl(1);
	h.ring_seq = htonl(fx->ring_seq);
	d.seq = htobe64(fx->seq);
	d.nrec = htons(1);
	d.pad = salt; /* lets a test resend different bytes */
	r.len = htonl(LEN);
	r.service = fx->service;
	r.flags = ORDO_REC_F_WHOLE;
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), &d, sizeof(d));
	memcpy(p + sizeof(h) + sizeof(d), &r, sizeof(r));
	payload_fill(p + sizeof(h) + sizeof(d) + sizeof(r), fx->origin,
		     fx->counter, LEN);
	return len;
}

/* Every packet is sent by its origin and accepted 5 ns later by every
 * other node alive then. */
static void build_wire(const struct fx_msg *fx, uint32_t n)
{
	uint8_t pkt[256];
	uint32_t i, y, len;

	tap_reset(&tap, &plan, N_NODES);
	for (y = 0; y < N_NODES; y++)
		tap_proc(&tap, y, y + 1);
	for (i = 0; i < n; i++) {
		len = build_packet(pkt, &fx[i], 0);
		tap_sent(&tap, fx[i].origin - 1, pkt, len, fx[i].sent_at);
		for (y = 0; y < N_NODES; y++)
			if (y != fx[i].origin - 1 &&
			    procs[y].crashed > fx[i].sent_at + 5)
				tap_received(&tap, y, pkt, len,
					     fx[i].sent_at + 5, 0);
	}
}

static struct sim_log_entry config_entry(uint64_t t, int trans, uint32_t rseq,
					uint32_t prev, uint32_t members)
{
	struct sim_log_entry e;
	uint32_t i;

	memset(&e, 0, sizeof(e));
	e.time = t;
	e.kind = SIM_LOG_CONFIG;
	e.trans = (uint8_t)trans;
	e.ring_rep = 1;
	e.ring_seq = rseq;
	e.conf.prev_rep = trans ? 1 : 0;
	e.conf.prev_seq = trans ? prev : 0;
	for (i = 0; i < N_NODES; i++)
		if (members & (1u << i))
			e.conf.members[e.conf.n_members++] = i + 1;
	return e;
}

static void add_config(struct sim_log *l, uint64_t t, int trans,
		       uint32_t rseq, uint32_t prev, uint32_t members)
{
	*sim_log_append(l) = config_entry(t, trans, rseq, prev, members);
}

static void deliver(struct sim_log *l, const struct fx_msg *fx, uint32_t i,
		    int trans, uint64_t t)
{
	struct sim_log_entry *e = sim_log_append(l);
	uint8_t buf[LEN];

	e->time = t;
	e->kind = SIM_LOG_MESSAGE;
	e->trans = (uint8_t)trans;
	e->ring_rep = 1;
	e->ring_seq = fx[i].ring_seq;
	payload_fill(buf, fx[i].origin, fx[i].counter, LEN);
	sim_log_msg_identify(&e->msg, buf, LEN);
	e->msg.seq = fx[i].seq;
	e->msg.sender = fx[i].origin;
	e->msg.service = fx[i].service;
	e->msg.msg_type = (uint16_t)(100 + i);
}

/* Build node x's clean log from its script. */
static void build_log(uint32_t x, const struct fx_msg *fx,
		      const struct fx_op *ops)
{
	uint32_t cur = 0;

	sim_log_clear(&clean[x]);
	for (; ops->op; ops++) {
		switch (ops->op) {
		case 'R':
			add_config(&clean[x], ops->t, 0, ops->a, 0, ops->b);
			cur = ops->a;
			break;
		case 'T':
			add_config(&clean[x], ops->t, 1, ops->a, cur, ops->b);
			break;
		case 'M':
			deliver(&clean[x], fx, ops->a, (int)ops->b, ops->t);
			break;
		}
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
	struct check_input in = { .n_nodes = N_NODES, .n_procs = N_NODES,
				  .procs = procs, .logs = logs,
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

	printf("%-4s %-30s %s%s\n", ok ? "ok" : "FAIL", name,
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

static void setup(const struct fx_msg *fx, uint32_t n,
		  const struct fx_op *const *scripts, uint64_t crash3)
{
	uint32_t x;

	for (x = 0; x < N_NODES; x++)
		procs[x] = (struct proc_info){ .node = x + 1, .incarnation = 1,
					       .crashed = UINT64_MAX };
	procs[2].crashed = crash3;
	build_plan(fx, n);
	build_wire(fx, n);
	for (x = 0; x < N_NODES; x++)
		build_log(x, fx, scripts[x]);
	restore();
}

/* ---- fixed ring ----------------------------------------------------------*/
static const struct fx_msg fixed_msgs[] = {
	{ 1, 0, ORDO_SVC_AGREED, 1, 1, 10, WL_NONE },
	{ 1, 1, ORDO_SVC_SAFE, 1, 2, 20, WL_NONE },
	{ 2, 0, ORDO_SVC_FIFO, 1, 3, 30, WL_NONE },
	{ 3, 0, ORDO_SVC_CAUSAL, 1, 4, 40, 0 },
};

static const struct fx_op fixed_log[] = {
	{ 'M', 0, 0, 100 }, { 'M', 1, 0, 101 }, { 'M', 2, 0, 102 },
	{ 'M', 3, 0, 103 }, { 0, 0, 0, 0 },
};

static void test_fixed(void)
{
	const struct fx_op *const scripts[N_NODES] = { fixed_log, fixed_log,
						       fixed_log };
	uint8_t pkt[256];
	uint32_t len, x;

	setup(fixed_msgs, 4, scripts, UINT64_MAX);
	printf("fixed ring (no configuration entries):\n");
	expect("clean run passes", -1, 0);

	/* Entries: messages 0..3 at entries 0..3. */
	swap(&logs[1], 1, 2); /* msgs 1 (1:1) and 2 (2:0): FIFO-neutral */
	expect("order", CHK_ORDER, 0);

	sim_log_remove(&logs[2], 3); /* node 3's own 3:0 */
	expect("last delivery missing", -1, 1);

	sim_log_remove(&logs[2], 2); /* 2:0, while 3:0 follows */
	expect("gap", CHK_GAP, 1);

	sim_log_remove(&logs[1], 0); /* 1:0, while 1:1 follows */
	expect("fifo gap", CHK_FIFO, 1);

	sim_log_insert(&logs[0], 4, &logs[0].e[1]);
	expect("duplicate", CHK_DUPLICATE, 0);

	logs[0].e[1].msg.counter = 7;
	expect("invented", CHK_INVENTED, 1);

	logs[0].e[1].msg.digest ^= 1;
	expect("corrupt", CHK_CORRUPT, 1);

	logs[0].e[2].msg.sender = 3;
	expect("metadata", CHK_METADATA, 0);

	for (x = 0; x < N_NODES; x++)
		swap(&logs[x], 0, 1); /* 1:1 before 1:0 everywhere */
	expect("fifo", CHK_FIFO, 0);

	for (x = 0; x < N_NODES; x++) {
		/* 3:0 first everywhere, though node 3 sent it after 1:0. */
		struct sim_log_entry e = logs[x].e[3];

		sim_log_remove(&logs[x], 3);
		sim_log_insert(&logs[x], 0, &e);
	}
	expect("causal", CHK_CAUSAL, 0);

	logs[1].e[1].time = 24; /* SAFE 1:1 (seq 2): others hold it at 25 */
	expect("safe", CHK_SAFE, 0);

	logs[2].e[2].ring_seq = 2;
	expect("configuration", CHK_CONFIG, 0);

	len = build_packet(pkt, &fixed_msgs[2], 1);
	tap_sent(&tap, 1, pkt, len, 200); /* node 2 resends seq 3, altered */
	expect("wire: altered retransmission", CHK_WIRE, 0);
}

/* ---- membership ----------------------------------------------------------*/
static const struct fx_msg evs_msgs[] = {
	{ 1, 0, ORDO_SVC_AGREED, 1, 1, 10, WL_NONE },
	{ 1, 1, ORDO_SVC_AGREED, 2, 1, 210, WL_NONE },
	{ 2, 0, ORDO_SVC_SAFE, 1, 2, 20, WL_NONE },
	{ 2, 1, ORDO_SVC_SAFE, 2, 2, 220, WL_NONE },
	{ 3, 0, ORDO_SVC_AGREED, 1, 3, 30, WL_NONE },
};
enum { M10, M11, M20, M21, M30 };

/* Nodes 1 and 2: ring 1/1, then its transitional configuration, ring 1/2.
 * Entries: 0 R, 1 1:0, 2 2:0, 3 T, 4 3:0, 5 R, 6 1:1, 7 2:1. */
static const struct fx_op evs_log[] = {
	{ 'R', 1, 7, 50 }, { 'M', M10, 0, 100 }, { 'M', M20, 0, 101 },
	{ 'T', 2, 3, 200 }, { 'M', M30, 1, 200 }, { 'R', 2, 3, 201 },
	{ 'M', M11, 0, 300 }, { 'M', M21, 0, 301 }, { 0, 0, 0, 0 },
};

static const struct fx_op evs_log3[] = {
	{ 'R', 1, 7, 50 }, { 'M', M10, 0, 100 }, { 'M', M20, 0, 101 },
	{ 0, 0, 0, 0 },
};

static void test_evs(void)
{
	const struct fx_op *const scripts[N_NODES] = { evs_log, evs_log,
						       evs_log3 };
	struct sim_log_entry e;

	setup(evs_msgs, 5, scripts, 150);
	printf("membership (node 3 crashes):\n");
	expect("clean run passes", -1, 0);

	logs[1].e[4].trans = 0; /* node 2: 3:0 in the regular part */
	swap(&logs[1], 3, 4);
	expect("virtual synchrony", CHK_VSYNC, 0);

	sim_log_remove(&logs[0], 3); /* node 1: no transitional entry */
	logs[0].e[3].trans = 0;
	expect("transitional dropped", CHK_TRANS, 0);

	logs[0].e[3].conf.members[1] = 3; /* node 1: {1,3} move to 1/2 */
	expect("transitional lies", CHK_TRANS, 0);

	logs[1].e[5].conf.members[2] = 3; /* node 2: 1/2 of {1,2,3} */
	logs[1].e[5].conf.n_members = 3;
	expect("configuration agreement", CHK_AGREE, 0);

	logs[1].e[5].conf.n_members = 1; /* node 2: 1/2 of {1} */
	expect("member of its configuration", CHK_AGREE, 0);

	e = logs[0].e[6]; /* node 1: 1:1 delivered in ring 1/1 */
	sim_log_remove(&logs[0], 6);
	e.ring_seq = 1;
	sim_log_insert(&logs[0], 3, &e);
	expect("crossing", CHK_CROSS, 0);

	e = logs[0].e[4]; /* node 1: 3:0 delivered in ring 1/2 */
	sim_log_remove(&logs[0], 4);
	e.ring_seq = 2;
	e.trans = 0;
	sim_log_insert(&logs[0], 5, &e);
	expect("crossing, forward", CHK_CROSS, 0);

	sim_log_remove(&logs[1], 7); /* node 2 never delivers SAFE 2:1 */
	expect("safe: member still in ring", -1, 1);

	sim_log_remove(&logs[1], 2); /* node 2 leaves 1/1 without SAFE 2:0 */
	expect("safe: member that left alive", CHK_SAFE, 1); /* its own */

	sim_log_remove(&logs[0], 5); /* node 1 never reports ring 1/2 */
	sim_log_remove(&logs[0], 3);
	expect("configuration skipped", CHK_CONFIG, 0);

	/* Node 2 goes from 1/1 to a ring 1/9 of its own, then to 1/2; node
	 * 1's transitional configuration still says node 2 came with it. */
	logs[1].e[3] = config_entry(200, 1, 9, 1, 2);
	e = config_entry(200, 0, 9, 0, 2);
	sim_log_insert(&logs[1], 5, &e);
	e = config_entry(201, 1, 2, 9, 2);
	sim_log_insert(&logs[1], 6, &e);
	expect("transitional from elsewhere", CHK_TRANS, 0);

	logs[0].e[3].conf.members[0] = 2; /* node 1: only 2 moves on */
	logs[0].e[3].conf.n_members = 1;
	expect("transitional without itself", CHK_AGREE, 0);

	add_config(&logs[1], 400, 1, 3, 2, 2); /* node 2 leaves 1/2 */
	expect("reform", CHK_REFORM, 0);

	procs[2].crashed = UINT64_MAX; /* node 3 lives on in ring 1/1 */
	expect("reform: one ring", CHK_REFORM, 1); /* and its own 3:0 */
	procs[2].crashed = 150;

	sim_log_remove(&logs[2], 2); /* crashed node 3 skips 2:0: fine */
	expect("crashed node may stop early", -1, 0);
}

int main(void)
{
	uint32_t x;

	tap_init(&tap);
	checker_init(&chk);
	for (x = 0; x < N_NODES; x++) {
		sim_log_init(&clean[x]);
		sim_log_init(&logs[x]);
	}
	test_fixed();
	test_evs();
	checker_fini(&chk);
	tap_fini(&tap);
	for (x = 0; x < N_NODES; x++) {
		sim_log_fini(&clean[x]);
		sim_log_fini(&logs[x]);
	}
	printf("%s\n", failures ? "checker test FAILED" : "checker test passed");
	return failures ? 1 : 0;
}
