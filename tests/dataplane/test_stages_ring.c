/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The ring lcore's stage counters end to end: a real ring agent
 * (dataplane/ring.h) of one member on a net_null port, every turn timed,
 * a fake local end submitting and counting deliveries; then what
 * `ordoctl counters` prints (ordod_counters, text and JSON) and the
 * records the Prometheus catalogue gets (ordod_stats). Counts are
 * checked exactly (every ordered message is a protocol item and a
 * deliver item); cycles only for being there, since tests never time.
 *
 * EAL without hugepages or PCI, its own file prefix; net_null answers
 * every rx burst with frames that are not ours (the rx stage's items).
 */
#include <errno.h>
#include <inttypes.h>
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
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "dataplane/ctrl_counters.h"
#include "dataplane/ctrl_stats.h"
#include "dataplane/gateway/gateway.h"
#include "dataplane/ring.h"
#include "tests/dataplane/null_ring.h"

#define MSGS      2000u
#define BURST     32u
#define MSG_LEN   64u
#define MAX_TURNS 20000000u /* a bound, not a time: the ring forms long before */

struct fake_local {
	struct ordo_engine *e;
	uint32_t submitted, delivered;
};

static void fl_bind(void *ctx, struct ordo_engine *e)
{
	((struct fake_local *)ctx)->e = e;
}

static unsigned fl_produce(void *ctx, struct ordo_engine *e, uint64_t now)
{
	struct fake_local *f = ctx;
	uint8_t msg[MSG_LEN];
	unsigned n = 0;

	(void)now;
	memset(msg, 0x5a, sizeof(msg));
	while (n < BURST && f->submitted < MSGS &&
	       ordo_engine_submit(e, ORDO_SVC_AGREED, 7, msg, sizeof(msg)) == 0) {
		f->submitted++;
		n++;
	}
	return n;
}

static void fl_deliver(void *ctx, const struct ordo_delivery *d, uint64_t now)
{
	(void)now;
	if (d->msg_type == 7)
		((struct fake_local *)ctx)->delivered++;
}

static const struct dp_local_ops fake_ops = {
	.name = "fake",
	.bind = fl_bind,
	.produce = fl_produce,
	.deliver = fl_deliver,
};

static struct dp_ring *ring;
static struct dp_gateway gw;
static struct fake_local fl;

static char *find(const char *text, const char *key)
{
	char *at = strstr(text, key);

	if (at == NULL)
		fail_msg("'%s' not in:\n%s", key, text);
	return at + strlen(key);
}

static uint64_t json_u64(const char *text, const char *key)
{
	char want[80];

	snprintf(want, sizeof(want), "\"%s\": ", key);
	return strtoull(find(text, want), NULL, 10);
}

static uint64_t all_of(const struct dp_stage_stats *st)
{
	uint64_t all = 0;

	for (unsigned i = 0; i < DP_STAGE_MAX; i++)
		all += st->cycles[i];
	return all;
}

static void counts_and_counters(void **state)
{
	struct ordod_counters_src src = { .ring = ring, .gw = &gw };
	static char text[64 << 10];
	struct dp_snapshot s;
	uint64_t all = 0;
	size_t n;

	(void)state;
	for (unsigned t = 0; t < MAX_TURNS && fl.delivered < MSGS; t++)
		dp_ring_do_work(ring);
	assert_int_equal(fl.delivered, MSGS);
	dp_ring_publish(ring);
	dp_ring_read(ring, &s);

	/* Every turn timed: each ordered message is one protocol item and
	 * (this local end counts nothing itself) one deliver item. */
	assert_int_equal(s.stages.sample_every, 1);
	assert_int_equal(s.stages.items[DP_STAGE_PROTOCOL], s.eng.delivered);
	assert_int_equal(s.stages.items[DP_STAGE_DELIVER], s.eng.delivered);
	/* and every ordered message, timed or not, is a busy one */
	assert_int_equal(s.stages.busy_msgs, s.eng.delivered);
	assert_int_equal(s.stages.busy_turns, s.stages.timed_turns);
	assert_true(s.stages.busy_cycles >= all_of(&s.stages));
	assert_true(s.eng.delivered >= MSGS);
	assert_int_equal(s.stages.long_turns, 0);
	assert_int_equal(s.stages.timed_turns + s.stages.empty_turns,
			 s.stages.turns);
	assert_int_equal(s.stages.turns, s.loops);
	assert_int_equal(s.stages.items[DP_STAGE_LOOP], s.stages.timed_turns);
	/* net_null fills every burst: rx frames, none of them ours */
	assert_true(s.stages.items[DP_STAGE_RX] >= s.stages.timed_turns);
	assert_int_equal(s.stages.items[DP_STAGE_OPEN], 0);  /* crypto off */
	assert_int_equal(s.stages.items[DP_STAGE_SEAL], 0);
	assert_true(s.stages.items[DP_STAGE_SLOW] > 0);
	for (unsigned i = 0; i < DP_STAGE_MAX; i++)
		all += s.stages.cycles[i];
	assert_true(s.stages.cycles[DP_STAGE_PROTOCOL] > 0);
	assert_true(s.stages.cycles[DP_STAGE_SUBMIT] > 0);
	assert_true(s.stages.cycles[DP_STAGE_DELIVER] > 0);
	assert_true(s.stages.cycles[DP_STAGE_RX] > 0);
	assert_true(s.stages.stall_max > 0);
	assert_true(s.stages.tsc_hz > 0);
	assert_int_equal(s.stages.lcore, rte_lcore_id());

	/* ordoctl counters --json: the same numbers, unique keys. */
	n = ordod_counters(&src, text, sizeof(text), true);
	assert_true(n > 0 && n < sizeof(text));
	assert_int_equal(json_u64(text, "stage_protocol_items"),
			 s.stages.items[DP_STAGE_PROTOCOL]);
	assert_int_equal(json_u64(text, "stage_deliver_items"),
			 s.stages.items[DP_STAGE_DELIVER]);
	assert_int_equal(json_u64(text, "stage_rx_cycles"),
			 s.stages.cycles[DP_STAGE_RX]);
	assert_int_equal(json_u64(text, "lcore_timed_cycles"), all);
	assert_int_equal(json_u64(text, "lcore_timed_cycles_per_msg"),
			 all / s.stages.items[DP_STAGE_PROTOCOL]);
	assert_int_equal(json_u64(text, "lcore_busy_msgs"), s.eng.delivered);
	assert_int_equal(json_u64(text, "lcore_busy_cycles"),
			 s.stages.busy_cycles);
	assert_int_equal(json_u64(text, "stage_protocol_cycles_per_msg"),
			 s.stages.cycles[DP_STAGE_PROTOCOL] /
				 s.stages.items[DP_STAGE_PROTOCOL]);
	assert_int_equal(json_u64(text, "lcore_sample_every"), 1);
	assert_non_null(strstr(text, "\"stages\": {"));
	for (unsigned i = 0; i < DP_STAGE_MAX; i++) {
		char key[48];

		snprintf(key, sizeof(key), "\"stage_%s_cycles\": ",
			 dp_stage_name(i));
		assert_non_null(strstr(text, key));
		/* once: ordo-perf looks keys up by name */
		assert_null(strstr(strstr(text, key) + 1, key));
	}
	/* and the text form people read */
	n = ordod_counters(&src, text, sizeof(text), false);
	assert_true(n > 0 && n < sizeof(text));
	assert_non_null(strstr(text, "\nstages:\n"));
	find(text, "  stage_protocol_cycles_per_msg");
	find(text, "  lcore_stall_max_cycles");
}

static void catalogue_records(void **state)
{
	struct ordod_counters_src src = { .ring = ring, .gw = &gw };
	static struct ordo_cp_stat out[ORDO_CP_STATS_MAX];
	struct dp_snapshot s;
	uint32_t next;
	unsigned cycles = 0, items = 0, stall = 0;
	size_t n;

	(void)state;
	dp_ring_publish(ring);
	dp_ring_read(ring, &s);
	n = ordod_stats(&src, 0, out, ORDO_CP_STATS_MAX, &next);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		const struct ordo_cp_stat *r = &out[i];

		if (r->id == ORDO_ST_STAGE_CYCLES) {
			cycles++;
			assert_int_equal(r->key, s.stages.lcore);
			if (strcmp(r->label, "protocol") == 0)
				assert_int_equal(r->value,
						 s.stages.cycles[DP_STAGE_PROTOCOL]);
		} else if (r->id == ORDO_ST_STAGE_ITEMS) {
			items++;
			if (strcmp(r->label, "deliver") == 0)
				assert_int_equal(r->value,
						 s.stages.items[DP_STAGE_DELIVER]);
		} else if (r->id == ORDO_ST_LOOP_STALL_MAX) {
			stall++;
			assert_int_equal(r->value, s.stages.stall_max);
		}
	}
	assert_int_equal(cycles, DP_STAGE_MAX);
	assert_int_equal(items, DP_STAGE_MAX);
	assert_int_equal(stall, 1);
}

int main(int argc, char **argv)
{
	char err[256];
	struct dp_ring_conf rc;
	struct dp_gw_params gp;
	int status;

	(void)argc;
	if (null_ring_eal(argv[0], "stages") < 0) {
		fprintf(stderr, "test_stages_ring: EAL failed\n");
		return 1;
	}
	null_ring_conf(&rc, 0x5747, 4095);
	ring = dp_ring_create(&rc, &fake_ops, &fl, err, sizeof(err));
	if (ring == NULL) {
		fprintf(stderr, "test_stages_ring: %s\n", err);
		return 1;
	}
	/* A turn of this test descheduled for over 1 ms would be left out
	 * of the stages (stages.h) and the exact counts below would not
	 * hold: no turn is long here (tests never time). */
	ring->stg.long_len = UINT64_MAX;
	/* Nor would a stage whose every interval is shorter than the
	 * calibrated boundary cost show cycles (the fake's deliver is a
	 * counter): tests/dataplane/test_stages_fold.c checks the bias. */
	dp_stages_set_bias(&ring->stg, 0);
	/* ordod_counters reads the gateway's counters too: an idle one. */
	null_ring_gw_params(&gp);
	if (dp_gw_init(&gw, &gp) < 0) {
		fprintf(stderr, "test_stages_ring: gateway init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_and_counters),
		cmocka_unit_test(catalogue_records),
	};
	status = cmocka_run_group_tests(tests, NULL, NULL);
	dp_gw_fini(&gw);
	dp_ring_destroy(ring);
	rte_eal_cleanup();
	return status;
}
