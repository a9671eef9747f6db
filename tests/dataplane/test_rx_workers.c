/* SPDX-License-Identifier: BSD-3-Clause
 *
 * rx workers (dataplane/worker.h dp_io_create_rx): a port with two rx
 * queues, each owned by its own lcore, as RSS spreads a NIC's frames.
 * Two sealed ring agents in one process on net_ring ports: A's port has
 * two rx queues, queue 0 polled by A's crypto/io worker and queue 1 by
 * an rx worker; B's frames go through a "switch" this test drives, which
 * puts each in the queue the test says. One thread drives every loop in
 * turn (the rings are their only coupling): exact counts, nothing timed.
 *
 *   both_queues_order   B's frames alternate between the queues (one
 *                       sender split over two lcores, the worst RSS can
 *                       do after a rehash): both deliver every message in
 *                       the same order; each queue's lcore opened frames,
 *                       A's ring lcore none
 *   replay_across_queues  the same authentic frame of B in queue 0 and in
 *                       queue 1: each worker opens it, the ring lcore's
 *                       window takes one and refuses the other (counted
 *                       seal_replay), so two lcores cannot each accept it
 *   forged_on_rx_queue  one of B's frames with its tag flipped, through
 *                       queue 1: refused by the rx worker as failing
 *                       authentication, counted on the port and under
 *                       B's station among the snapshot's offenders (what
 *                       the supervisor logs), and the ring carries on
 *   lost_sync_made_up   a key the crypto/io worker loaded while the rx
 *                       worker missed it (its SYNC lost to a timeout):
 *                       the operator's retry, answered "loaded already",
 *                       still brings the rx worker's table up to date
 *   counters_name_it    `ordoctl counters` (ctrl_counters.c) has the rx
 *                       worker's section: its lcore, frames, stage cycles
 *   key_change_reaches_rx_worker  a key loaded on A reaches the rx
 *                       worker's table (it opens B's frames sealed with
 *                       it); the old key retired on A leaves it too, and
 *                       a frame sealed with the old key is refused there
 *                       (seal_key); the retired sessions are freed only
 *                       once the rx worker let go
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "dataplane/ctrl_counters.h"
#include "dataplane/ctrl_stats.h"
#include "dataplane/gateway/gateway.h"
#include "dataplane/ring.h"
#include "dataplane/worker.h"
#include "tests/dataplane/digest_node.h"

#define MSGS      1000u
#define MAX_TURNS 20000000u /* a bound, not a time */

static struct dp_ring *ra, *rb;
static struct dp_io io, rxw;
static struct digest_node na = { .id = 1, .msgs = MSGS, .len = 120,
				  .digest = DIGEST_FNV_INIT };
static struct digest_node nb = { .id = 2, .msgs = MSGS, .len = 120,
				  .digest = DIGEST_FNV_INIT };
static struct ordo_seal_key key1, key2;
static struct rte_ring *b_out;      /* what B sends: the switch's input */
static struct rte_ring *a_in[2];    /* A's two rx queues */

/* The switch: B's frames to A's queues; queue < 0 alternates. Returns
 * frames moved. */
static unsigned switch_frames(int queue)
{
	static unsigned next;
	void *objs[64];
	unsigned n = rte_ring_dequeue_burst(b_out, objs, 64, NULL);

	for (unsigned i = 0; i < n; i++) {
		unsigned q = queue >= 0 ? (unsigned)queue : (next++ & 1u);

		if (rte_ring_enqueue(a_in[q], objs[i]) != 0)
			rte_pktmbuf_free(objs[i]);
	}
	return n;
}

static int switch_queue = -1;

static void turn(void)
{
	dp_ring_do_work(ra);
	dp_io_do_work(&io);
	dp_io_do_work(&rxw);
	dp_ring_do_work(rb);
	switch_frames(switch_queue);
}

static bool all_delivered(void)
{
	return na.delivered == 2 * MSGS && nb.delivered == 2 * MSGS;
}

static void run_round(void)
{
	unsigned t;

	na.submitted = nb.submitted = 0;
	na.delivered = nb.delivered = 0;
	for (t = 0; t < MAX_TURNS && !all_delivered(); t++)
		turn();
	assert_int_equal(na.delivered, 2 * MSGS);
	assert_int_equal(nb.delivered, 2 * MSGS);
	assert_true(na.digest == nb.digest);
}

/* A few turns of A's three lcores: what is queued is taken. */
static void settle(void)
{
	for (unsigned t = 0; t < 64; t++) {
		dp_io_do_work(&io);
		dp_io_do_work(&rxw);
		dp_ring_do_work(ra);
	}
}

/* Let every slow path publish (every millisecond of TSC time). */
static void published(struct dp_snapshot *s)
{
	uint64_t until = rte_get_tsc_cycles() + 3 * rte_get_tsc_hz() / 1000;

	while (rte_get_tsc_cycles() < until) {
		dp_io_do_work(&io);
		dp_io_do_work(&rxw);
		dp_ring_do_work(ra);
	}
	dp_ring_publish(ra);
	dp_ring_read(ra, s);
}

static void both_queues_order(void **state)
{
	struct dp_snapshot s;
	struct dp_io_pub p0, p1;

	(void)state;
	switch_queue = -1;
	run_round();
	published(&s);
	dp_io_read(&io, &p0);
	dp_io_read(&rxw, &p1);
	/* Each queue's lcore opened B's frames and handed them on. */
	assert_true(p0.r.rx_handed > 0);
	assert_true(p1.r.rx_handed > 0);
	assert_true(p0.seal.opened > 0);
	assert_true(p1.seal.opened > 0);
	assert_true(p1.ports[0].rx_pkts > 0);
	assert_true(p1.r.stages.items[DP_STAGE_OPEN] > 0);
	/* The rx worker sends nothing: everything A sent left from the
	 * crypto/io worker. */
	assert_int_equal(p1.r.tx_taken, 0);
	assert_int_equal(p1.ports[0].tx_pkts, 0);
	/* A's ring lcore opened nothing; the snapshot has both workers. */
	assert_int_equal(s.stages.items[DP_STAGE_OPEN], 0);
	assert_int_equal(s.n_rxw, 1);
	assert_true(s.rxw[0].on);
	assert_true(s.rxw[0].rx_handed == p1.r.rx_handed);
	assert_true(s.seal.opened >= p0.seal.opened + p1.seal.opened - 64);
	assert_true(s.ports[0].c.rx_pkts >= p0.ports[0].rx_pkts +
						   p1.ports[0].rx_pkts);
	/* Frames of one sender, half of them through each queue, reach the
	 * ring lcore out of order: none may be refused as a replay. */
	assert_int_equal(s.ports[0].c.drops[DP_DROP_SEAL_REPLAY], 0);
}

/* The value of "key" in ordoctl counters' text answer, or -1. */
static long long counter(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *l = text;

	while (l != NULL && *l != '\0') {
		while (*l == ' ')
			l++;
		if (strncmp(l, key, kl) == 0 && l[kl] == ' ')
			return strtoll(l + kl, NULL, 10);
		l = strchr(l, '\n');
		if (l != NULL)
			l++;
	}
	return -1;
}

static void counters_name_it(void **state)
{
	static struct dp_gateway gw;
	static char text[128 << 10];
	struct dp_gw_params gp;
	struct ordod_counters_src src = { .ring = ra, .gw = &gw };
	struct dp_snapshot s;

	(void)state;
	memset(&gp, 0, sizeof(gp));
	gp.my_id = 1;
	gp.n_nodes = 2;
	gp.nodes[0].id = 1;
	gp.nodes[1].id = 2;
	snprintf(gp.nodes[0].name, sizeof(gp.nodes[0].name), "a");
	snprintf(gp.nodes[1].name, sizeof(gp.nodes[1].name), "b");
	assert_int_equal(dp_gw_init(&gw, &gp), 0);
	published(&s);
	assert_true(ordod_counters(&src, text, sizeof(text), false) > 0);
	assert_int_equal(counter(text, "rx_worker1_lcore"), s.rxw[0].lcore);
	assert_true(counter(text, "rx_worker1_rx_handed") > 0);
	assert_int_equal(counter(text, "rx_worker1_rx_handed"),
			 (long long)s.rxw[0].rx_handed);
	assert_true(counter(text, "rx_worker1_busy_frames") > 0);
	assert_true(counter(text, "rx_worker1_stage_open_items") > 0);
	assert_true(counter(text, "rx_worker1_stage_open_cycles_per_item") > 0);
	assert_int_equal(counter(text, "rx_worker2_lcore"), -1);
	/* The STATS records (Prometheus, ordoctl top): page by page to the
	 * end, the rx worker named by its role, its stage cycles there. */
	{
		static struct ordo_cp_stat rec[DP_STATS_GLOBAL_MAX];
		uint32_t cursor = 0, pages = 0;
		bool named = false, open_cycles = false;

		do {
			size_t n = ordod_stats(&src, cursor, rec, DP_STATS_GLOBAL_MAX,
					       &cursor);

			for (size_t i = 0; i < n; i++) {
				if (rec[i].id == ORDO_ST_LCORE_INFO &&
				    strcmp(rec[i].label, "rx_worker") == 0)
					named = true;
				if (named && rec[i].id == ORDO_ST_STAGE_CYCLES &&
				    strcmp(rec[i].label, "open") == 0 &&
				    rec[i].value > 0)
					open_cycles = true;
			}
		} while (cursor != 0 && ++pages < 64);
		assert_true(named);
		assert_true(open_cycles);
	}
	dp_gw_fini(&gw);
}

/* The next frame B sends, as it left B (sealed): copied, for the test. */
static struct rte_mbuf *capture_b_frame(void)
{
	struct rte_mbuf *m = NULL, *c;
	unsigned t;

	/* B sends on its own (its token, in time): A's lcores stand
	 * still. */
	for (t = 0; t < MAX_TURNS && m == NULL; t++) {
		dp_ring_do_work(rb);
		if (rte_ring_dequeue(b_out, (void **)&m) != 0)
			m = NULL;
	}
	assert_non_null(m);
	c = rte_pktmbuf_copy(m, ra->pool, 0, UINT32_MAX);
	assert_non_null(c);
	/* The original goes on to A as usual (queue 0). */
	assert_int_equal(rte_ring_enqueue(a_in[0], m), 0);
	return c;
}

static void replay_across_queues(void **state)
{
	struct dp_snapshot before, after;
	struct rte_mbuf *c, *d;

	(void)state;
	published(&before);
	c = capture_b_frame();
	d = rte_pktmbuf_copy(c, ra->pool, 0, UINT32_MAX);
	assert_non_null(d);
	rte_pktmbuf_free(c);
	/* The original is in queue 0; its replay in queue 1. Each lcore
	 * opens its own: both authentic. */
	assert_int_equal(rte_ring_enqueue(a_in[1], d), 0);
	settle();
	published(&after);
	assert_int_equal(after.ports[0].c.drops[DP_DROP_SEAL_REPLAY] -
				 before.ports[0].c.drops[DP_DROP_SEAL_REPLAY],
			 1);
	/* The ring carries on. */
	switch_queue = -1;
	run_round();
}

static uint64_t offender_fails(const struct dp_snapshot *s, uint8_t last)
{
	for (unsigned k = 0; k < DP_SEAL_OFFENDERS; k++)
		if (s->seal.off[k].fails && s->seal.off[k].mac[0] == 0x02 &&
		    s->seal.off[k].mac[5] == last)
			return s->seal.off[k].fails;
	return 0;
}

static void forged_on_rx_queue(void **state)
{
	struct dp_snapshot before, after;
	struct rte_mbuf *c;

	(void)state;
	published(&before);
	c = capture_b_frame();
	/* The last byte is the tag's. */
	rte_pktmbuf_mtod(c, uint8_t *)[c->data_len - 1] ^= 0x5a;
	assert_int_equal(rte_ring_enqueue(a_in[1], c), 0);
	settle();
	published(&after);
	assert_int_equal(after.ports[0].c.drops[DP_DROP_SEAL_AUTH] -
				 before.ports[0].c.drops[DP_DROP_SEAL_AUTH],
			 1);
	assert_int_equal(offender_fails(&after, 2) -
				 offender_fails(&before, 2),
			 1);
	switch_queue = -1;
	run_round();
}

/* dp_ring_key_cmd waits for the lcores: asked on another thread, as the
 * main lcore asks, while this one drives them. */
struct key_ask {
	struct dp_seal_cmd c;
	int rc;
	bool done;
};

static void *key_ask_run(void *arg)
{
	struct key_ask *k = arg;

	k->rc = dp_ring_key_cmd(ra, &k->c, false);
	__atomic_store_n(&k->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static int key_ask_result(enum dp_seal_op op, const struct ordo_seal_key *key,
			  uint32_t id)
{
	struct key_ask k;
	pthread_t th;

	memset(&k, 0, sizeof(k));
	k.c.op = op;
	if (key != NULL)
		k.c.key = *key;
	k.c.key_id = id;
	assert_int_equal(pthread_create(&th, NULL, key_ask_run, &k), 0);
	while (!__atomic_load_n(&k.done, __ATOMIC_ACQUIRE)) {
		dp_io_do_work(&io);
		dp_io_do_work(&rxw);
		dp_ring_do_work(ra);
	}
	pthread_join(th, NULL);
	assert_int_equal(k.rc, 0);
	return k.c.result;
}

static void key_ask(enum dp_seal_op op, const struct ordo_seal_key *key,
		    uint32_t id)
{
	assert_int_equal(key_ask_result(op, key, id), 0);
}

static uint64_t opened_with(const struct dp_seal *s, uint32_t id);

static void lost_sync_made_up(void **state)
{
	static struct ordo_seal_key key3;
	struct dp_seal_cmd c;
	uint8_t m3[32];
	unsigned t;

	(void)state;
	for (unsigned i = 0; i < 32; i++)
		m3[i] = (uint8_t)(7 * i + 9);
	ordo_seal_key_init(&key3, m3, 32);
	/* The crypto/io worker loads key 3; the rx worker is not told, as
	 * when its SYNC timed out. */
	memset(&c, 0, sizeof(c));
	c.op = DP_SEAL_LOAD;
	c.key = key3;
	__atomic_store_n(&ra->seal->cmd, &c, __ATOMIC_RELEASE);
	for (t = 0; t < MAX_TURNS &&
		    __atomic_load_n(&ra->seal->cmd, __ATOMIC_ACQUIRE); t++)
		dp_io_do_work(&io);
	assert_int_equal(c.result, 0);
	assert_int_equal(opened_with(rxw.seal, key3.id), UINT64_MAX);
	/* The operator tries again: "loaded already", and the rx worker has
	 * it now. */
	assert_int_equal(key_ask_result(DP_SEAL_LOAD, &key3, 0), -EEXIST);
	assert_int_equal(opened_with(rxw.seal, key3.id), 0);
	/* Gone again: the ring carries on with key 1 as before. */
	key_ask(DP_SEAL_RETIRE, NULL, key3.id);
	assert_int_equal(opened_with(rxw.seal, key3.id), UINT64_MAX);
	assert_false(ra->seal->retiring.used);
}

static uint64_t opened_with(const struct dp_seal *s, uint32_t id)
{
	for (unsigned i = 0; i < ORDO_SEAL_MAX_KEYS; i++)
		if (s->keys[i].used && s->keys[i].id == id)
			return s->keys[i].opened;
	return UINT64_MAX; /* not held */
}

static void key_change_reaches_rx_worker(void **state)
{
	struct dp_seal_cmd c;
	struct dp_snapshot before, after;
	struct rte_mbuf *old;
	unsigned t;

	(void)state;
	/* A frame sealed with key 1, for later. */
	old = capture_b_frame();
	assert_int_equal(opened_with(rxw.seal, key2.id), UINT64_MAX);
	key_ask(DP_SEAL_LOAD, &key2, 0);
	assert_int_equal(opened_with(rxw.seal, key2.id), 0);
	/* B (no worker: applied here) loads key 2 and makes it the sending
	 * key of the ring: USE is ordered, every member seals with it. */
	memset(&c, 0, sizeof(c));
	c.op = DP_SEAL_LOAD;
	c.key = key2;
	assert_int_equal(dp_ring_key_cmd(rb, &c, true), 0);
	assert_int_equal(c.result, 0);
	memset(&c, 0, sizeof(c));
	c.op = DP_SEAL_USE;
	c.key_id = key2.id;
	assert_int_equal(dp_ring_key_cmd(rb, &c, true), 0);
	assert_int_equal(c.result, 0);
	switch_queue = 1;
	for (t = 0; t < MAX_TURNS &&
		    (rb->seal->keys[rb->seal->tx_key].id != key2.id ||
		     opened_with(rxw.seal, key2.id) == 0); t++)
		turn();
	assert_true(opened_with(rxw.seal, key2.id) > 0);
	switch_queue = -1;
	run_round();
	/* Key 1 retired on A: it leaves the rx worker's table, and A's
	 * crypto/io worker freed its sessions once the rx worker let go. */
	assert_int_equal(ra->seal->keys[ra->seal->tx_key].id, key2.id);
	key_ask(DP_SEAL_RETIRE, NULL, key1.id);
	assert_int_equal(opened_with(rxw.seal, key1.id), UINT64_MAX);
	assert_int_equal(opened_with(ra->seal, key1.id), UINT64_MAX);
	assert_false(ra->seal->retiring.used);
	/* The frame sealed with key 1, now in queue 1: refused there. */
	published(&before);
	assert_int_equal(rte_ring_enqueue(a_in[1], old), 0);
	for (t = 0; t < 64; t++) {
		dp_io_do_work(&rxw);
		dp_ring_do_work(ra);
	}
	published(&after);
	assert_int_equal(after.ports[0].c.drops[DP_DROP_SEAL_KEY] -
				 before.ports[0].c.drops[DP_DROP_SEAL_KEY],
			 1);
	run_round();
}

int main(int argc, char **argv)
{
	char err[256];
	struct rte_ring *ab;
	int pa, pb, status;

	(void)argc;
	if (digest_eal(argv[0], "rxw", &key1, &key2, 5, 250) < 0)
		return 1;
	ab = rte_ring_create("rxw_ab", 4096, (int)rte_socket_id(),
			     RING_F_SP_ENQ | RING_F_SC_DEQ);
	b_out = rte_ring_create("rxw_bout", 4096, (int)rte_socket_id(),
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	a_in[0] = rte_ring_create("rxw_a0", 4096, (int)rte_socket_id(),
				  RING_F_SP_ENQ | RING_F_SC_DEQ);
	a_in[1] = rte_ring_create("rxw_a1", 4096, (int)rte_socket_id(),
				  RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (ab == NULL || b_out == NULL || a_in[0] == NULL || a_in[1] == NULL)
		return 1;
	pa = rte_eth_from_rings("net_ring_rxa", a_in, 2, &ab, 1,
				rte_socket_id());
	pb = rte_eth_from_rings("net_ring_rxb", &ab, 1, &b_out, 1,
				rte_socket_id());
	if (pa < 0 || pb < 0) {
		fprintf(stderr, "test_rx_workers: net_ring ports failed\n");
		return 1;
	}
	ra = digest_ring(1, (uint16_t)pa, &na, "crypto_openssl_rxa", &key1, 2,
			 true);
	rb = digest_ring(2, (uint16_t)pb, &nb, "crypto_openssl_rxb", &key1, 1,
			 false);
	if (ra == NULL || rb == NULL)
		return 1;
	if (ra->ports[0].n_rxq != 2 ||
	    dp_io_create(&io, ra, rte_lcore_id(), (int)rte_socket_id(), err,
			 sizeof(err)) < 0 ||
	    dp_io_create_rx(&rxw, ra, 1, rte_lcore_id(), (int)rte_socket_id(),
			    err, sizeof(err)) < 0) {
		fprintf(stderr, "test_rx_workers: %s\n", err);
		return 1;
	}
	/* Tests never time: no turn of this test is "long" (stages.h). */
	ra->stg.long_len = UINT64_MAX;
	io.stg.long_len = UINT64_MAX;
	rxw.stg.long_len = UINT64_MAX;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_queues_order),
		cmocka_unit_test(replay_across_queues),
		cmocka_unit_test(forged_on_rx_queue),
		cmocka_unit_test(counters_name_it),
		cmocka_unit_test(lost_sync_made_up),
		cmocka_unit_test(key_change_reaches_rx_worker),
	};
	status = cmocka_run_group_tests(tests, NULL, NULL);
	dp_io_destroy(&rxw);
	dp_io_destroy(&io);
	dp_ring_destroy(ra);
	dp_ring_destroy(rb);
	rte_eal_cleanup();
	return status;
}
