/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The stage accounting (dataplane/stages.h) on made-up TSC readings: a
 * nested turn charges every stage exactly its own cycles and they add up
 * to the turn; a turn without work is counted apart; untimed turns cost
 * no stage time but keep the longest stall; a turn longer than
 * DP_STAGE_LONG_NS is counted apart; the stall window rolls; the sampler
 * times about one turn in sample_every, never all or none; the stage
 * keys the printers share (dp_stages_kv).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/lcore_kv.h"
#include "dataplane/stages.h"

static uint64_t sum(const uint64_t *v)
{
	uint64_t s = 0;

	for (unsigned i = 0; i < DP_STAGE_MAX; i++)
		s += v[i];
	return s;
}

/* rx -> protocol -> deliver, and back, as ring.c nests them. */
static void nested_turn(void **state)
{
	struct dp_stages s;
	unsigned a, b, c;

	(void)state;
	dp_stages_init(&s, 1, 1000000, 1000000, NULL, 3);
	dp_stages_begin(&s, 1000);
	assert_true(s.on);
	a = dp_stage_enter(&s, DP_STAGE_RX, 1010);        /* loop: 10 */
	assert_int_equal(a, DP_STAGE_LOOP);
	dp_stage_items(&s, DP_STAGE_RX, 4);
	b = dp_stage_enter(&s, DP_STAGE_PROTOCOL, 1050);  /* rx: 40 */
	assert_int_equal(b, DP_STAGE_RX);
	c = dp_stage_enter(&s, DP_STAGE_DELIVER, 1070);   /* protocol: 20 */
	dp_stage_items(&s, DP_STAGE_PROTOCOL, 1);
	dp_stage_items(&s, DP_STAGE_DELIVER, 8);
	dp_stage_leave(&s, c, 1100);                      /* deliver: 30 */
	dp_stage_leave(&s, b, 1120);                      /* protocol: 20 */
	dp_stage_leave(&s, a, 1200);                      /* rx: 80 */
	dp_stages_end(&s, 1230, 5);                       /* loop: 30 */

	assert_false(s.on);
	assert_int_equal(s.st.cycles[DP_STAGE_LOOP], 40);
	assert_int_equal(s.st.cycles[DP_STAGE_RX], 120);
	assert_int_equal(s.st.cycles[DP_STAGE_PROTOCOL], 40);
	assert_int_equal(s.st.cycles[DP_STAGE_DELIVER], 30);
	assert_int_equal(sum(s.st.cycles), 230);
	assert_int_equal(s.st.items[DP_STAGE_RX], 4);
	assert_int_equal(s.st.items[DP_STAGE_PROTOCOL], 1);
	assert_int_equal(s.st.items[DP_STAGE_DELIVER], 8);
	assert_int_equal(s.st.items[DP_STAGE_LOOP], 1);   /* busy turns */
	assert_int_equal(s.st.timed_turns, 1);
	assert_int_equal(s.st.turns, 1);
	assert_int_equal(s.st.lcore, 3);
	assert_int_equal(s.st.busy_turns, 1);
	assert_int_equal(s.st.busy_cycles, 230);

	/* A second turn adds to the totals; nothing of the first is left
	 * in the turn's scratch. */
	dp_stages_begin(&s, 2000);
	a = dp_stage_enter(&s, DP_STAGE_TX, 2005);
	dp_stage_leave(&s, a, 2015);
	dp_stages_end(&s, 2020, 1);
	assert_int_equal(s.st.cycles[DP_STAGE_TX], 10);
	assert_int_equal(s.st.cycles[DP_STAGE_LOOP], 50);
	assert_int_equal(s.st.cycles[DP_STAGE_RX], 120);
	assert_int_equal(sum(s.st.cycles), 250);
	assert_int_equal(s.st.items[DP_STAGE_LOOP], 2);
}

/* A timed turn that did nothing: counted as empty, stages untouched. */
static void empty_turn(void **state)
{
	struct dp_stages s;
	unsigned a;

	(void)state;
	dp_stages_init(&s, 1, 1000000, 1000000, NULL, 0);
	dp_stages_begin(&s, 100);
	a = dp_stage_enter(&s, DP_STAGE_RX, 110);
	dp_stage_leave(&s, a, 150);
	dp_stages_end(&s, 160, 0);
	assert_int_equal(s.st.empty_turns, 1);
	assert_int_equal(s.st.empty_cycles, 60);
	assert_int_equal(s.st.timed_turns, 0);
	assert_int_equal(sum(s.st.cycles), 0);
	assert_int_equal(sum(s.st.items), 0);
	/* and the next turn starts clean */
	dp_stages_begin(&s, 200);
	dp_stages_end(&s, 207, 1);
	assert_int_equal(s.st.cycles[DP_STAGE_LOOP], 7);
	assert_int_equal(s.st.cycles[DP_STAGE_RX], 0);
}

/* A timed turn over 1 ms (1000 cycles at 1 MHz): counted as long, its
 * stages left out (mostly a descheduled thread, stages.h); the stall
 * keeps it. */
static void long_turn(void **state)
{
	struct dp_stages s;
	unsigned a;

	(void)state;
	dp_stages_init(&s, 1, 1000000, 1000000, NULL, 0);
	dp_stages_begin(&s, 10000);
	a = dp_stage_enter(&s, DP_STAGE_PROTOCOL, 10010);
	dp_stage_items(&s, DP_STAGE_PROTOCOL, 3);
	dp_stage_leave(&s, a, 15000);
	dp_stages_end(&s, 15001, 9);
	assert_int_equal(s.st.long_turns, 1);
	assert_int_equal(s.st.long_cycles, 5001);
	assert_int_equal(s.st.timed_turns, 0);
	assert_int_equal(sum(s.st.cycles), 0);
	assert_int_equal(sum(s.st.items), 0);
	assert_int_equal(s.st.stall_max, 5001);
	/* exactly 1 ms is not long */
	dp_stages_begin(&s, 20000);
	dp_stages_end(&s, 21000, 1);
	assert_int_equal(s.st.long_turns, 1);
	assert_int_equal(s.st.timed_turns, 1);
	assert_int_equal(s.st.cycles[DP_STAGE_LOOP], 1000);
	assert_int_equal(s.st.items[DP_STAGE_PROTOCOL], 0);
}

/* With a bias, each boundary takes it off the interval it closes (never
 * below 0); the turn's last interval is the loop's own and keeps it. */
static void bias_taken_off(void **state)
{
	struct dp_stages s;
	unsigned a, b;

	(void)state;
	dp_stages_init(&s, 1, 1000000, 1000000, NULL, 0);
	dp_stages_set_bias(&s, 5);
	assert_int_equal(s.st.bias, 5);
	dp_stages_begin(&s, 100);
	a = dp_stage_enter(&s, DP_STAGE_RX, 120);       /* loop: 20 - 5 */
	b = dp_stage_enter(&s, DP_STAGE_PROTOCOL, 123); /* rx: 3 -> 0 */
	dp_stage_leave(&s, b, 173);                     /* protocol: 50 - 5 */
	dp_stage_leave(&s, a, 193);                     /* rx: 20 - 5 */
	dp_stages_end(&s, 200, 1);                      /* loop: 7 */
	assert_int_equal(s.st.cycles[DP_STAGE_LOOP], 22);
	assert_int_equal(s.st.cycles[DP_STAGE_RX], 15);
	assert_int_equal(s.st.cycles[DP_STAGE_PROTOCOL], 45);
	/* the stall is the turn as it was */
	assert_int_equal(s.st.stall_max, 100);
}

/* The whole loop's cost per message, from every busy turn that was not
 * long, timed or not; messages of an empty or long turn do not count. */
static void busy_turns(void **state)
{
	struct dp_stages s;

	(void)state;
	dp_stages_init(&s, 0, 1000000, 1000000, NULL, 0);
	dp_stages_begin(&s, 0);
	dp_stages_msg(&s);
	dp_stages_msg(&s);
	dp_stages_end(&s, 100, 2);             /* busy: 100 cycles, 2 msgs */
	dp_stages_begin(&s, 200);
	dp_stages_end(&s, 210, 0);             /* empty */
	dp_stages_begin(&s, 300);
	dp_stages_msg(&s);
	dp_stages_end(&s, 5000, 1);            /* long: left out */
	dp_stages_begin(&s, 6000);
	dp_stages_msg(&s);
	dp_stages_end(&s, 6050, 1);            /* busy: 50 cycles, 1 msg */
	assert_int_equal(s.st.busy_turns, 2);
	assert_int_equal(s.st.busy_cycles, 150);
	assert_int_equal(s.st.busy_msgs, 3);
	assert_int_equal(s.st.timed_turns, 0); /* none timed: off */
}

/* Off: no turn is timed, the stall is still kept and rolled. */
static void off_keeps_stall(void **state)
{
	struct dp_stages s;
	uint64_t t = 0;

	(void)state;
	dp_stages_init(&s, 0, 1000, 1000, NULL, 0);
	for (unsigned i = 0; i < 10000; i++) {
		dp_stages_begin(&s, t);
		assert_false(s.on);
		t += i == 5000 ? 700 : 3;
		dp_stages_end(&s, t, 1);
		t += 1;
	}
	assert_int_equal(s.st.turns, 10000);
	assert_int_equal(s.st.timed_turns + s.st.empty_turns, 0);
	assert_int_equal(sum(s.st.cycles), 0);
	dp_stages_roll(&s, t);
	assert_int_equal(s.st.stall_max, 700);
	assert_int_equal(s.st.stall_recent, 700);
	assert_int_equal(s.st.sample_every, 0);
}

/* The window: stall_recent is the longest turn of the last whole window,
 * stall_max the longest ever. */
static void stall_window(void **state)
{
	struct dp_stages s;

	(void)state;
	dp_stages_init(&s, 0, 1000, 1000, NULL, 0);
	dp_stages_roll(&s, 1000);               /* opens a window at 1000 */
	dp_stages_begin(&s, 1100);
	dp_stages_end(&s, 1400, 1);             /* 300 */
	dp_stages_roll(&s, 1500);               /* window not over */
	assert_int_equal(s.st.stall_max, 300);
	assert_int_equal(s.st.stall_recent, 0);
	dp_stages_roll(&s, 2000);               /* over: 300 */
	assert_int_equal(s.st.stall_recent, 300);
	dp_stages_begin(&s, 2100);
	dp_stages_end(&s, 2150, 1);             /* 50 */
	dp_stages_roll(&s, 3000);
	assert_int_equal(s.st.stall_recent, 50);
	assert_int_equal(s.st.stall_max, 300);
	dp_stages_roll(&s, 4000);               /* a window without turns */
	assert_int_equal(s.st.stall_recent, 0);
}

/* About one turn in N is timed: never none, never all, near 1/N. The
 * generator is seeded, so this is the same count every run. */
static void sampling_rate(void **state)
{
	static const uint32_t every[] = { 1, 2, 16, 64, 1024 };

	(void)state;
	for (unsigned k = 0; k < sizeof(every) / sizeof(every[0]); k++) {
		struct dp_stages s;
		const unsigned turns = 1u << 20;
		uint64_t timed = 0;

		dp_stages_init(&s, every[k], 1000000, 1000, NULL, 1);
		for (unsigned i = 0; i < turns; i++) {
			dp_stages_begin(&s, i * 10ull);
			timed += s.on;
			dp_stages_end(&s, i * 10ull + 5, 1);
		}
		assert_int_equal(s.st.timed_turns, timed);
		assert_true(timed >= turns / every[k] * 9 / 10);
		assert_true(timed <= turns / every[k] * 11 / 10);
		/* every timed turn's 5 cycles, all in the loop's glue */
		assert_int_equal(s.st.cycles[DP_STAGE_LOOP], timed * 5);
	}
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(dp_stage_name(DP_STAGE_LOOP), "loop");
	assert_string_equal(dp_stage_name(DP_STAGE_PROTOCOL), "protocol");
	assert_string_equal(dp_stage_name(DP_STAGE_SLOW), "slow");
	for (unsigned i = 0; i < DP_STAGE_MAX; i++)
		assert_non_null(dp_stage_name(i));
	assert_null(dp_stage_name(DP_STAGE_MAX));
}

/* dp_stages_kv: the keys ordoctl counters and the telemetry print. */
struct kvs {
	unsigned n;
	char key[4 * DP_STAGE_MAX][64];
	uint64_t v[4 * DP_STAGE_MAX];
};

static void kvs_put(void *ctx, const char *key, uint64_t v)
{
	struct kvs *k = ctx;

	assert_true(k->n < 4 * DP_STAGE_MAX);
	strcpy(k->key[k->n], key);
	k->v[k->n++] = v;
}

static void stage_keys(void **state)
{
	struct dp_stage_stats st;
	static struct kvs k;
	unsigned p = DP_STAGE_PROTOCOL, r = DP_STAGE_RX;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.cycles[p] = 900;
	st.items[p] = 30;
	st.cycles[r] = 70; /* no items: per item 0, not a division by 0 */
	memset(&k, 0, sizeof(k));
	dp_stages_kv(&st, "", DP_STAGE_KV_PER_ITEM | DP_STAGE_KV_PER_MSG, 10,
		     kvs_put, &k);
	assert_int_equal(k.n, 4 * DP_STAGE_MAX);
	assert_string_equal(k.key[4 * p], "stage_protocol_cycles");
	assert_int_equal(k.v[4 * p], 900);
	assert_string_equal(k.key[4 * p + 1], "stage_protocol_items");
	assert_int_equal(k.v[4 * p + 1], 30);
	assert_string_equal(k.key[4 * p + 2], "stage_protocol_cycles_per_item");
	assert_int_equal(k.v[4 * p + 2], 30);
	assert_string_equal(k.key[4 * p + 3], "stage_protocol_cycles_per_msg");
	assert_int_equal(k.v[4 * p + 3], 90);
	assert_int_equal(k.v[4 * r + 2], 0);
	assert_int_equal(k.v[4 * r + 3], 7);
	/* The worker's: prefixed, per item, no per message (it orders none). */
	memset(&k, 0, sizeof(k));
	dp_stages_kv(&st, "worker_", DP_STAGE_KV_PER_ITEM, 0, kvs_put, &k);
	assert_int_equal(k.n, 3 * DP_STAGE_MAX);
	assert_string_equal(k.key[3 * p + 2],
			    "worker_stage_protocol_cycles_per_item");
	memset(&k, 0, sizeof(k));
	dp_stages_kv(&st, "", 0, 0, kvs_put, &k);
	assert_int_equal(k.n, 2 * DP_STAGE_MAX);
	assert_string_equal(k.key[2 * r + 1], "stage_rx_items");
}

/* dp_lcore_kv (lcore_kv.h): each role's keys behind its prefix, in one
 * order, with the ratios over its unit; a division by 0 is 0. */
static struct {
	unsigned n;
	char key[DP_LCORE_KV_KEYS][64];
	uint64_t v[DP_LCORE_KV_KEYS];
} kl;

static void kl_put(void *ctx, const char *key, uint64_t v)
{
	(void)ctx;
	assert_true(kl.n < DP_LCORE_KV_KEYS);
	assert_true(strlen(key) < sizeof(kl.key[0]));
	for (unsigned i = 0; i < kl.n; i++)
		assert_string_not_equal(kl.key[i], key); /* each once */
	strcpy(kl.key[kl.n], key);
	kl.v[kl.n++] = v;
}

static uint64_t kl_get(const char *key)
{
	for (unsigned i = 0; i < kl.n; i++)
		if (strcmp(kl.key[i], key) == 0)
			return kl.v[i];
	fail_msg("no key %s", key);
	return 0;
}

static void lcore_keys(void **state)
{
	struct dp_stage_stats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.lcore = 5;
	st.busy_cycles = 1000;
	st.busy_msgs = 40;
	st.timed_msgs = 10;
	st.stall_max = 77;
	st.stall_recent = 66;
	st.cycles[DP_STAGE_DELIVER] = 300;
	st.items[DP_STAGE_DELIVER] = 60;
	st.cycles[DP_STAGE_SUBMIT] = 50;
	memset(&kl, 0, sizeof(kl));
	dp_lcore_kv(&st, DP_LCORE_CLIENT_WORKER, kl_put, NULL);
	assert_int_equal(kl.n, DP_LCORE_KV_KEYS);
	assert_string_equal(kl.key[0], "client_worker_lcore");
	assert_int_equal(kl.v[0], 5);
	assert_int_equal(kl_get("client_worker_busy_msgs"), 40);
	assert_int_equal(kl_get("client_worker_busy_cycles_per_msg"), 25);
	assert_int_equal(kl_get("client_worker_timed_msgs"), 10);
	assert_int_equal(kl_get("client_worker_stall_max_cycles"), 77);
	assert_int_equal(kl_get("client_worker_stall_recent_cycles"), 66);
	assert_int_equal(kl_get("client_worker_stage_deliver_cycles"), 300);
	assert_int_equal(kl_get("client_worker_stage_deliver_items"), 60);
	assert_int_equal(kl_get("client_worker_stage_deliver_cycles_per_item"), 5);
	assert_int_equal(kl_get("client_worker_stage_deliver_cycles_per_msg"), 30);
	assert_int_equal(kl_get("client_worker_stage_submit_cycles_per_item"), 0);
	assert_int_equal(kl_get("client_worker_stage_submit_cycles_per_msg"), 5);
	assert_int_equal(kl_get("client_worker_timed_cycles"), 350);
	assert_int_equal(kl_get("client_worker_timed_cycles_per_msg"), 35);
	/* The ring lcore's: the keys ordoctl counters always had. */
	memset(&kl, 0, sizeof(kl));
	dp_lcore_kv(&st, DP_LCORE_RING, kl_put, NULL);
	assert_int_equal(kl.n, DP_LCORE_KV_KEYS);
	assert_string_equal(kl.key[0], "lcore");
	assert_int_equal(kl_get("lcore_busy_cycles_per_msg"), 25);
	assert_int_equal(kl_get("stage_deliver_cycles_per_msg"), 30);
	assert_int_equal(kl_get("lcore_timed_cycles_per_msg"), 35);
	/* The crypto/io worker's: per frame. */
	memset(&kl, 0, sizeof(kl));
	dp_lcore_kv(&st, DP_LCORE_WORKER, kl_put, NULL);
	assert_int_equal(kl.n, DP_LCORE_KV_KEYS);
	assert_int_equal(kl_get("worker_busy_frames"), 40);
	assert_int_equal(kl_get("worker_busy_cycles_per_frame"), 25);
	assert_int_equal(kl_get("worker_timed_frames"), 10);
	assert_int_equal(kl_get("worker_stage_deliver_cycles_per_frame"), 30);
	/* An rx worker's: per frame, its queue in the prefix. */
	memset(&kl, 0, sizeof(kl));
	dp_lcore_kv_rx(&st, 3, kl_put, NULL);
	assert_int_equal(kl.n, DP_LCORE_KV_KEYS);
	assert_string_equal(kl.key[0], "rx_worker3_lcore");
	assert_int_equal(kl.v[0], 5);
	assert_int_equal(kl_get("rx_worker3_busy_frames"), 40);
	assert_int_equal(kl_get("rx_worker3_busy_cycles_per_frame"), 25);
	assert_int_equal(kl_get("rx_worker3_stage_deliver_cycles_per_frame"), 30);
	assert_int_equal(kl_get("rx_worker3_timed_cycles"), 350);
	/* Client worker 2's: per message, K in the prefix. */
	memset(&kl, 0, sizeof(kl));
	dp_lcore_kv_cw(&st, 2, kl_put, NULL);
	assert_int_equal(kl.n, DP_LCORE_KV_KEYS);
	assert_string_equal(kl.key[0], "client_worker2_lcore");
	assert_int_equal(kl_get("client_worker2_busy_cycles_per_msg"), 25);
	assert_int_equal(kl_get("client_worker2_stage_deliver_cycles_per_msg"), 30);
	/* No divisor: 0, not a crash. */
	memset(&st, 0, sizeof(st));
	memset(&kl, 0, sizeof(kl));
	dp_lcore_kv(&st, DP_LCORE_WORKER, kl_put, NULL);
	assert_int_equal(kl_get("worker_timed_cycles_per_frame"), 0);
	assert_string_equal(dp_lcore_role_name(DP_LCORE_WORKER), "worker");
	assert_null(dp_lcore_role_name(DP_LCORE_ROLE_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nested_turn),
		cmocka_unit_test(lcore_keys),
		cmocka_unit_test(empty_turn),
		cmocka_unit_test(long_turn),
		cmocka_unit_test(bias_taken_off),
		cmocka_unit_test(busy_turns),
		cmocka_unit_test(off_keeps_stall),
		cmocka_unit_test(stall_window),
		cmocka_unit_test(sampling_rate),
		cmocka_unit_test(names),
		cmocka_unit_test(stage_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
