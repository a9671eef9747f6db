/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The crypto/io worker's hand-off (dataplane/worker.h), end to end: two
 * real ring agents in one process, sealed, joined by two net_ring ports
 * crossed over a pair of rte_rings (A's tx is B's rx and back). A runs
 * its ports and crypto on a worker, B on its ring lcore as before. One
 * thread drives the three loops in turn (the rings are their only
 * coupling), so every count below is exact and nothing is timed.
 *
 *   handoff_orders   both submit; both deliver every message in the same
 *                    order (digest); A's frames crossed the worker both
 *                    ways, and A's ring lcore did no crypto at all
 *   key_change       a key rotation asked of A's worker (its mailbox):
 *                    the USE goes through A's ring lcore to the engine,
 *                    comes back ordered, and reaches the worker between
 *                    the frames before and after it; both now seal with
 *                    the new key and B opens A's frames with it
 *   rx_full_holds    the ring lcore stops taking frames (its rx ring
 *                    filled): the worker holds what it opened and bursts
 *                    no more, counted; once there is room, nothing was
 *                    lost and both deliver the same again
 *   key_mark_mid_burst  a key change inside one seal burst: each key
 *                    counts the frames sealed with it
 *   publish_never_waits  the worker stopped in the middle of publishing:
 *                    the ring lcore's snapshot does not wait for it and
 *                    keeps the worker's last complete counters
 *   staged_push_is_work  frames staged past a full tx ring, handed
 *                    over once there is room: that turn did work (the
 *                    idle strategy must not park the ring lcore)
 *   rx_down_port     a port the ring lcore holds down: what the worker
 *                    still bursts from it never reaches the engine
 *                    (counted link_down), as without a worker
 *   key_use_answers_when_in_force  `ordoctl key use` on A (keyctl.c)
 *                    answers once A seals with the key: with A's ring
 *                    lcore standing still, a timeout that says so (the
 *                    worker only handed the USE on); with it running,
 *                    success when A seals with the key, not before
 *   full_and_drain   the ring side with the worker stopped: frames staged
 *                    past the tx ring (counted once per turn), then
 *                    dropped and counted, a key change still fits;
 *                    tearing down returns every mbuf
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

#include "dataplane/keyctl.h"
#include "dataplane/ring.h"
#include "dataplane/worker.h"
#include "tests/dataplane/digest_node.h"

#define MSGS      3000u
#define MAX_TURNS 20000000u /* a bound, not a time */

static struct dp_ring *ra, *rb;
static struct dp_io io;
static struct digest_node na = { .id = 1, .msgs = MSGS, .len = 200,
				  .digest = DIGEST_FNV_INIT };
static struct digest_node nb = { .id = 2, .msgs = MSGS, .len = 200,
				  .digest = DIGEST_FNV_INIT };
static struct ordo_seal_key key1, key2;
static uint64_t sealed0; /* by A's ring lcore, before its worker took over */

static void turn(void)
{
	dp_ring_do_work(ra);
	dp_io_do_work(&io);
	dp_ring_do_work(rb);
}

static bool all_delivered(void)
{
	return na.delivered == 2 * MSGS && nb.delivered == 2 * MSGS;
}

static void handoff_orders(void **state)
{
	struct dp_snapshot s;
	struct dp_io_pub w;
	unsigned t;

	(void)state;
	for (t = 0; t < MAX_TURNS && !all_delivered(); t++)
		turn();
	assert_int_equal(na.submitted, MSGS);
	assert_int_equal(nb.submitted, MSGS);
	assert_int_equal(na.delivered, 2 * MSGS);
	assert_int_equal(nb.delivered, 2 * MSGS);
	assert_true(na.digest == nb.digest);

	/* Let the slow paths publish (every millisecond of TSC time). */
	for (t = 0; t < MAX_TURNS; t++) {
		turn();
		dp_ring_publish(ra);
		dp_ring_read(ra, &s);
		if (s.io.tx_taken > 0 && s.seal.opened > 0 &&
		    s.io.stages.busy_msgs > 0)
			break;
	}
	dp_io_read(&io, &w);
	assert_true(s.io.on);
	/* Everything A sent crossed the worker and left on its port; every
	 * frame A's engine saw was opened by the worker. */
	assert_true(w.r.tx_taken > 0);
	assert_true(w.r.rx_handed > 0);
	assert_true(w.seal.sealed > 0);
	assert_true(w.seal.opened > 0);
	assert_true(w.r.rx_handed <= w.seal.opened);
	assert_true(w.ports[0].tx_pkts == w.seal.sealed - sealed0);
	assert_int_equal(s.io.tx_dropped, 0);
	assert_int_equal(s.io.marks_lost, 0);
	/* A's ring lcore opened and sealed nothing itself: the worker's
	 * stages have it, every turn timed here. */
	assert_true(s.stages.items[DP_STAGE_OPEN] == 0);
	assert_true(s.stages.items[DP_STAGE_SEAL] == 0);
	assert_true(s.stages.items[DP_STAGE_PROTOCOL] >= 2 * MSGS);
	assert_true(w.r.stages.items[DP_STAGE_OPEN] > 0);
	assert_true(w.r.stages.items[DP_STAGE_SEAL] > 0);
	/* The snapshot adds the worker's port counters to the ring's. */
	assert_true(s.ports[0].c.rx_pkts >= w.ports[0].rx_pkts);
	assert_true(s.ports[0].c.rx_ordo > 0);
	/* Frames by handle (ring_frames.h): A's engine kept what the worker
	 * opened, and its own frames went to the worker as themselves, to be
	 * sealed out of place (the crypto device here can). */
	assert_true(s.frames);
	assert_true(s.eng.frames_kept > 0);
	if (ra->seal->oop) {
		assert_true(s.frames_tx_ref > 0);
		assert_int_equal(s.frames_tx_copy, 0);
	}
}

static void key_change(void **state)
{
	struct dp_seal_cmd load_a, load_b, use;
	struct dp_snapshot sb;
	uint32_t opened_k2 = 0;
	unsigned t;

	(void)state;
	memset(&load_a, 0, sizeof(load_a));
	load_a.op = DP_SEAL_LOAD;
	load_a.key = key2;
	load_b = load_a;
	/* B has no worker: applied at once on this thread. */
	assert_int_equal(dp_ring_key_cmd(rb, &load_b, true), 0);
	assert_int_equal(load_b.result, 0);
	/* A's key table is its worker's: posted to the worker's mailbox
	 * (what dp_seal_post does, without waiting on this thread). */
	__atomic_store_n(&ra->seal->cmd, &load_a, __ATOMIC_RELEASE);
	for (t = 0; t < MAX_TURNS && __atomic_load_n(&ra->seal->cmd,
						      __ATOMIC_ACQUIRE); t++)
		turn();
	assert_int_equal(load_a.result, 0);
	memset(&use, 0, sizeof(use));
	use.op = DP_SEAL_USE;
	use.key_id = key2.id;
	__atomic_store_n(&ra->seal->cmd, &use, __ATOMIC_RELEASE);
	for (t = 0; t < MAX_TURNS && __atomic_load_n(&ra->seal->cmd,
						      __ATOMIC_ACQUIRE); t++)
		turn();
	assert_int_equal(use.result, 0);
	/* Ordered by the ring, applied by both, and more traffic after. */
	na.submitted = nb.submitted = 0;
	na.delivered = nb.delivered = 0;
	for (t = 0; t < MAX_TURNS && !(all_delivered() &&
				       ra->seal->keys[ra->seal->tx_key].id ==
					       key2.id); t++)
		turn();
	assert_true(na.digest == nb.digest);
	assert_int_equal(ra->seal->keys[ra->seal->tx_key].id, key2.id);
	assert_int_equal(rb->seal->keys[rb->seal->tx_key].id, key2.id);
	assert_int_equal(io.w.key_marks, 1);
	assert_int_equal(io.w.use_forwarded, 1);
	assert_int_equal(io.use_pending, 0);
	/* B opened frames A sealed with key 2. */
	dp_ring_publish(rb);
	dp_ring_read(rb, &sb);
	for (uint32_t i = 0; i < sb.seal.n_keys; i++)
		if (sb.seal.key_ids[i] == key2.id)
			opened_k2 = (uint32_t)sb.seal.key_opened[i];
	assert_true(opened_k2 > 0);
}

/* `ordoctl key use` on a daemon with a worker (dataplane/keyctl.c): asked
 * on another thread, as the main lcore asks, while this one drives. */
struct key_ask {
	struct ordod_keyctl kc;
	uint32_t key_id;
	int32_t status;
	uint32_t sending_then; /* A's sending key when the answer came */
	char answer[512];
	bool done;
};

static void *key_ask_run(void *arg)
{
	struct key_ask *k = arg;
	struct ordo_cp_key m;
	struct dp_snapshot s;

	memset(&m, 0, sizeof(m));
	m.op = ORDO_CP_KEY_USE;
	m.key_id = k->key_id;
	ordod_key(&k->kc, &m, k->answer, sizeof(k->answer), &k->status);
	dp_ring_read(k->kc.ring, &s);
	k->sending_then = s.seal.tx_key_id;
	__atomic_store_n(&k->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Ask for key_id on A; drive A's worker alone (its ring lcore and B stand
 * still) or all three loops, until the answer comes. */
static void key_ask(struct key_ask *k, uint32_t key_id, unsigned wait_ms,
		    bool all)
{
	pthread_t th;

	memset(k, 0, sizeof(*k));
	k->kc.ring = ra;
	k->kc.use_wait_ms = wait_ms;
	k->key_id = key_id;
	assert_int_equal(pthread_create(&th, NULL, key_ask_run, k), 0);
	while (!__atomic_load_n(&k->done, __ATOMIC_ACQUIRE)) {
		if (all)
			turn();
		else
			dp_io_do_work(&io);
	}
	pthread_join(th, NULL);
}

/* The worker serves the key mailbox, and its answer to a USE only means
 * it handed the USE to its ring lcore; `ordoctl key use` answers once A
 * seals with the key. With A's ring lcore standing still the USE cannot
 * be ordered: a timeout that says so, not a success. Once the loops run
 * it is ordered and taken; asked again (the other key), the answer comes
 * when A seals with it, not before. */
static void key_use_answers_when_in_force(void **state)
{
	struct key_ask k;
	unsigned t;

	(void)state;
	dp_ring_publish(ra);
	assert_int_equal(ra->seal->keys[ra->seal->tx_key].id, key2.id);
	key_ask(&k, key1.id, 20, false);
	assert_int_equal(k.status, -ETIMEDOUT);
	assert_non_null(strstr(k.answer, "not in force here after 20 ms"));
	assert_int_equal(ra->seal->keys[ra->seal->tx_key].id, key2.id);
	/* Still asked for: ordered once the ring lcore runs. */
	for (t = 0; t < MAX_TURNS &&
		    ra->seal->keys[ra->seal->tx_key].id != key1.id; t++)
		turn();
	assert_int_equal(ra->seal->keys[ra->seal->tx_key].id, key1.id);
	key_ask(&k, key2.id, 0, true);
	assert_int_equal(k.status, 0);
	assert_non_null(strstr(k.answer, "seals with it now"));
	assert_int_equal(k.sending_then, key2.id);
	/* Let B take it too before the next test. */
	for (t = 0; t < MAX_TURNS &&
		    rb->seal->keys[rb->seal->tx_key].id != key2.id; t++)
		turn();
	assert_int_equal(rb->seal->keys[rb->seal->tx_key].id, key2.id);
}

static void rx_full_holds(void **state)
{
	struct rte_mbuf *dummy;
	void *objs[64];
	unsigned t, n, filled = 0;
	uint64_t held_before = io.w.rx_held_turns;

	(void)state;
	/* The ring lcore falls behind: its rx ring fills with frames it has
	 * not taken (stand-ins, taken back below). */
	while (!rte_ring_full(io.rx)) {
		dummy = rte_pktmbuf_alloc(ra->pool);
		assert_non_null(dummy);
		assert_int_equal(rte_ring_enqueue(io.rx, dummy), 0);
		filled++;
	}
	/* B keeps the token moving toward A; A's worker opens what comes and
	 * cannot hand it on. */
	for (t = 0; t < MAX_TURNS && io.held_n == 0; t++) {
		dp_io_do_work(&io);
		dp_ring_do_work(rb);
	}
	assert_true(io.held_n > 0);
	for (t = 0; t < 100; t++) {
		dp_io_do_work(&io);
		dp_ring_do_work(rb);
	}
	assert_true(io.w.rx_held_turns >= held_before + 100);
	assert_true(io.held_n <= DP_RX_BURST);
	/* Room for one of two held frames (a stand-in ahead of what B sent):
	 * handing it over is work, or the idle strategy parks a worker that
	 * still has frames to hand on. */
	assert_true(io.held_n < DP_RX_BURST);
	memmove(io.held + io.held_at + 1, io.held + io.held_at,
		(size_t)(io.held_n - io.held_at) * sizeof(io.held[0]));
	io.held[io.held_at] = rte_pktmbuf_alloc(ra->pool);
	assert_non_null(io.held[io.held_at]);
	io.held_n++;
	assert_true(rte_ring_empty(io.tx));
	assert_int_equal(rte_ring_dequeue(io.rx, objs), 0);
	rte_pktmbuf_free(objs[0]); /* the stand-in that went in takes its place */
	assert_int_equal(dp_io_do_work(&io), 1);
	assert_true(io.held_n - io.held_at > 0);
	/* Room again: the stand-ins come out first (FIFO), the held frames
	 * follow, and the ring carries on. */
	while (filled > 0 &&
	       (n = rte_ring_dequeue_burst(io.rx, objs, filled < 64 ? filled : 64,
					   NULL)) != 0) {
		rte_pktmbuf_free_bulk((struct rte_mbuf **)objs, n);
		filled -= n;
	}
	assert_int_equal(filled, 0);
	na.submitted = nb.submitted = 0;
	na.delivered = nb.delivered = 0;
	for (t = 0; t < MAX_TURNS && !all_delivered(); t++)
		turn();
	assert_int_equal(na.delivered, 2 * MSGS);
	assert_int_equal(nb.delivered, 2 * MSGS);
	assert_true(na.digest == nb.digest);
}

static uint64_t key_sealed(const struct dp_seal *seal, uint32_t id)
{
	for (unsigned i = 0; i < ORDO_SEAL_MAX_KEYS; i++)
		if (seal->keys[i].used && seal->keys[i].id == id)
			return seal->keys[i].sealed;
	fail_msg("key %08x not loaded", id);
	return 0;
}

/* Stand-in frames (garbage to B, which drops them) staged on A's ring
 * side for its worker. */
static void stage_frames(unsigned n)
{
	uint32_t hl = dp_frame_hdr_len(&ra->framer);

	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(ra->pool);

		assert_non_null(m);
		assert_non_null(rte_pktmbuf_append(m, (uint16_t)(hl + 64 +
						       ORDO_SEAL_OVERHEAD)));
		assert_true(dp_io_tx_frame(&io, m, hl, 64, 0));
	}
}

/* A key change in the middle of one of the worker's seal bursts: each
 * key's count of frames sealed with it (`ordoctl key list`, what an
 * operator reads before retiring the old key) gets its own frames. */
static void key_mark_mid_burst(void **state)
{
	struct ordo_seal_use u1 = { .key_id = __builtin_bswap32(key1.id) };
	struct ordo_seal_use u2 = { .key_id = __builtin_bswap32(key2.id) };
	uint64_t k1, k2;

	(void)state;
	assert_int_equal(ra->seal->keys[ra->seal->tx_key].id, key2.id);
	for (unsigned t = 0; t < MAX_TURNS && (io.stage_n || !rte_ring_empty(io.tx));
	     t++) {
		dp_io_tx_push(&io);
		dp_io_do_work(&io);
	}
	k1 = key_sealed(ra->seal, key1.id);
	k2 = key_sealed(ra->seal, key2.id);
	stage_frames(3);
	dp_io_key_use(&io, &u1);
	stage_frames(2);
	dp_io_tx_push(&io);
	assert_int_equal(rte_ring_count(io.tx), 6);
	dp_io_do_work(&io); /* one burst: the six, in order */
	assert_true(rte_ring_empty(io.tx));
	assert_int_equal(ra->seal->keys[ra->seal->tx_key].id, key1.id);
	assert_int_equal(key_sealed(ra->seal, key2.id) - k2, 3);
	assert_int_equal(key_sealed(ra->seal, key1.id) - k1, 2);
	/* Back to key 2, as B sends. */
	dp_io_key_use(&io, &u2);
	dp_io_tx_push(&io);
	dp_io_do_work(&io);
	assert_int_equal(ra->seal->keys[ra->seal->tx_key].id, key2.id);
}

/* The worker is preempted in the middle of publishing its counters (its
 * sequence odd): the ring lcore's publish must not wait for it, and its
 * snapshot keeps the worker's last complete copy. */
static void publish_never_waits(void **state)
{
	struct dp_snapshot s0, s1;
	uint32_t seq = io.pub.seq;

	(void)state;
	dp_ring_publish(ra);
	dp_ring_read(ra, &s0);
	assert_true(s0.io.on);
	assert_true(s0.io.tx_taken > 0);
	__atomic_store_n(&io.pub.seq, seq + 1, __ATOMIC_RELEASE);
	io.pub.r.tx_taken = 0; /* half written */
	alarm(5); /* a ring lcore that spins here never returns */
	dp_ring_publish(ra);
	alarm(0);
	dp_ring_read(ra, &s1);
	__atomic_store_n(&io.pub.seq, seq, __ATOMIC_RELEASE);
	assert_true(s1.io.on);
	assert_true(s1.io.tx_taken == s0.io.tx_taken);
	/* The worker finishes: the next publish takes its new copy. */
	for (unsigned t = 0; t < MAX_TURNS && io.pub.seq == seq; t++)
		dp_io_do_work(&io);
	assert_true(io.pub.seq != seq);
	dp_ring_publish(ra);
	dp_ring_read(ra, &s1);
	assert_true(s1.io.tx_taken == io.w.tx_taken);
}

/* Frames a full tx ring kept staged go to the worker once it made room:
 * the ring turn that hands them over did work, or a backing-off ring
 * lcore (idle.h) parks with frames staged and holds them back. */
static void staged_push_is_work(void **state)
{
	/* k above what else a turn can do here: one rx burst from the
	 * worker (DP_RX_BURST) and a timer's few frames. */
	unsigned cap = rte_ring_get_capacity(io.tx), k = 200, n;
	uint64_t taken = io.w.tx_taken;
	void *objs[64];

	(void)state;
	assert_true(k > 2 * DP_RX_BURST && k < DP_IO_STAGE - DP_IO_RESERVE);
	for (unsigned t = 0; t < MAX_TURNS && (io.stage_n || !rte_ring_empty(io.tx));
	     t++) {
		dp_io_tx_push(&io);
		dp_io_do_work(&io);
	}
	assert_int_equal(io.stage_n, 0);
	assert_true(rte_ring_empty(io.tx));
	/* The worker falls behind: its tx ring full, k more staged. */
	stage_frames(cap + k);
	assert_int_equal(rte_ring_count(io.tx), cap);
	assert_int_equal(io.stage_n, k);
	/* It takes the lot (here: we take and free them for it). */
	while ((n = rte_ring_dequeue_burst(io.tx, objs, 64, NULL)) != 0)
		rte_pktmbuf_free_bulk((struct rte_mbuf **)objs, n);
	/* A ring turn with nothing else to do but hand the k over (A's own
	 * traffic is all delivered; what it builds, if a timer fires, is
	 * staged behind them and handed over too). */
	assert_int_equal(na.submitted, MSGS);
	assert_true(dp_ring_do_work(ra) >= k);
	assert_int_equal(io.stage_n, 0);
	assert_true(rte_ring_count(io.tx) >= k);
	/* The worker sends them (garbage to B, which drops them). */
	for (unsigned t = 0; t < MAX_TURNS && !rte_ring_empty(io.tx); t++)
		dp_io_do_work(&io);
	assert_true(io.w.tx_taken - taken >= k);
}

/* A port the ring lcore holds down: the frames the worker still bursts
 * from it reach neither the engine nor the peer table, as the one-lcore
 * loop, which does not poll a port while it is down; counted link_down.
 * (Last but one: A's engine is told its link went down and up.) */
static void rx_down_port(void **state)
{
	struct dp_port *p = &ra->ports[0];
	uint64_t check = p->next_link_check, handed = io.w.rx_handed;
	uint64_t ordo0 = p->c.rx_ordo, down0 = p->c.drops[DP_DROP_LINK_DOWN];
	unsigned t;

	(void)state;
	p->up = false;
	p->next_link_check = UINT64_MAX; /* the link poll would put it back */
	/* B keeps sending (the token, then its joins when A goes quiet). */
	for (t = 0; t < MAX_TURNS && io.w.rx_handed - handed < 8; t++)
		turn();
	assert_true(io.w.rx_handed - handed >= 8);
	for (t = 0; t < MAX_TURNS && !rte_ring_empty(io.rx); t++)
		dp_ring_do_work(ra);
	assert_true(rte_ring_empty(io.rx));
	assert_true(p->c.rx_ordo == ordo0);
	assert_true(p->c.drops[DP_DROP_LINK_DOWN] - down0 >=
		    io.w.rx_handed - handed);
	/* Up again: the engine takes B's frames again. */
	p->up = true;
	p->next_link_check = check;
	for (t = 0; t < MAX_TURNS && p->c.rx_ordo == ordo0; t++)
		turn();
	assert_true(p->c.rx_ordo > ordo0);
}

static void full_and_drain(void **state)
{
	struct rte_mempool *pool = ra->pool;
	unsigned before, built = 0, cap = rte_ring_get_capacity(io.tx);
	uint32_t hl = dp_frame_hdr_len(&ra->framer);
	uint64_t staged0 = io.tx_staged_turns, staged_turns = 0;
	uint32_t mark_id = 0;

	(void)state;
	/* Settle: nothing in flight in either ring. */
	for (unsigned t = 0; t < 1000; t++)
		turn();
	before = rte_mempool_avail_count(pool);
	/* The worker stops; the ring side keeps building frames. */
	for (unsigned i = 0; i < cap + DP_IO_STAGE + 10; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

		assert_non_null(m);
		assert_non_null(rte_pktmbuf_append(m, (uint16_t)(hl + 64 +
						       ORDO_SEAL_OVERHEAD)));
		built += dp_io_tx_frame(&io, m, hl, 64, 0);
		/* The end of a ring turn (dp_ring_do_work's flush). */
		if ((i & 63) == 63) {
			dp_ring_flush(ra);
			staged_turns += io.stage_n > 0;
		}
	}
	dp_ring_flush(ra);
	staged_turns += io.stage_n > 0;
	assert_int_equal(rte_ring_count(io.tx), cap);
	assert_int_equal(io.stage_n, DP_IO_STAGE - DP_IO_RESERVE);
	assert_int_equal(built, cap + DP_IO_STAGE - DP_IO_RESERVE);
	assert_int_equal(io.tx_dropped, DP_IO_STAGE + 10 - (DP_IO_STAGE -
							  DP_IO_RESERVE));
	/* Once per turn that left frames staged, not once per frame built
	 * while the stage was over its mark. */
	assert_true(staged_turns > 0);
	assert_int_equal(io.tx_staged_turns - staged0, staged_turns);
	/* A key change the ring ordered still finds room, behind them. */
	struct ordo_seal_use u = { .key_id = __builtin_bswap32(0xabcd) };
	dp_io_key_use(&io, &u);
	assert_int_equal(io.marks_lost, 0);
	assert_int_equal(io.stage_n, DP_IO_STAGE - DP_IO_RESERVE + 1);
	assert_true(dp_io_is_mark(io.stage[io.stage_n - 1], &mark_id));
	assert_int_equal(mark_id, 0xabcd);
	assert_false(dp_io_is_mark(io.stage[io.stage_n - 2], &mark_id));
	/* Teardown frees the staged, the queued and the held. */
	dp_io_destroy(&io);
	ra->io = NULL;
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

/* A net_ring port reading rx and writing tx. */
static int ring_port(const char *name, struct rte_ring *rx,
		     struct rte_ring *tx)
{
	return rte_eth_from_rings(name, &rx, 1, &tx, 1, rte_socket_id());
}

int main(int argc, char **argv)
{
	char err[256];
	struct rte_ring *ab, *ba;
	int pa, pb, status;

	(void)argc;
	if (digest_eal(argv[0], "worker", &key1, &key2, 3, 200) < 0)
		return 1;
	ab = rte_ring_create("test_ab", 4096, (int)rte_socket_id(),
			     RING_F_SP_ENQ | RING_F_SC_DEQ);
	ba = rte_ring_create("test_ba", 4096, (int)rte_socket_id(),
			     RING_F_SP_ENQ | RING_F_SC_DEQ);
	pa = ring_port("net_ring_a", ba, ab);
	pb = ring_port("net_ring_b", ab, ba);
	if (ab == NULL || ba == NULL || pa < 0 || pb < 0) {
		fprintf(stderr, "test_worker: net_ring ports failed\n");
		return 1;
	}
	ra = digest_ring(1, (uint16_t)pa, &na, "crypto_openssl_wa", &key1, 1, true);
	rb = digest_ring(2, (uint16_t)pb, &nb, "crypto_openssl_wb", &key1, 1, false);
	if (ra == NULL || rb == NULL)
		return 1;
	sealed0 = ra->seal->st.sealed;
	if (dp_io_create(&io, ra, rte_lcore_id(), (int)rte_socket_id(), err,
			 sizeof(err)) < 0) {
		fprintf(stderr, "test_worker: %s\n", err);
		return 1;
	}
	/* Tests never time: no turn of this test is "long" (stages.h). */
	ra->stg.long_len = UINT64_MAX;
	io.stg.long_len = UINT64_MAX;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handoff_orders),
		cmocka_unit_test(key_change),
		cmocka_unit_test(rx_full_holds),
		cmocka_unit_test(key_mark_mid_burst),
		cmocka_unit_test(key_use_answers_when_in_force),
		cmocka_unit_test(publish_never_waits),
		cmocka_unit_test(staged_push_is_work),
		cmocka_unit_test(rx_down_port),
		cmocka_unit_test(full_and_drain),
	};
	status = cmocka_run_group_tests(tests, NULL, NULL);
	if (ra->io != NULL)
		dp_io_destroy(&io);
	dp_ring_destroy(ra);
	dp_ring_destroy(rb);
	rte_eal_cleanup();
	return status;
}
