/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Every lcore's counters in every place that shows them: a real ring
 * agent of one member on a net_null port with a crypto/io worker
 * (dataplane/worker.h) and a client worker (dataplane/cworker.h) on a
 * real gateway, the three loops driven in turn from one thread, every
 * turn timed. Then, for each of the three lcores, each counter the issue
 * names (cycles and items per stage, per message or frame, messages, the
 * longest stall) under the ring lcore's names with the lcore's prefix:
 *
 *   counters_json   `ordoctl counters --json` (ordod_counters): every key
 *                   of every lcore, once, with its value
 *   stats_records   the STATS records ordo-ctrld renders for Prometheus
 *                   (ordod_stats): every lcore metric of the catalogue,
 *                   per lcore and stage, with its role in lcore_info
 *   telemetry       DPDK telemetry's /ordo/lcores over its socket, as
 *                   dpdk-telemetry.py asks: every key of every lcore
 *
 * The keys expected are written out here, not taken from the code that
 * names them (dataplane/lcore_kv.c): one missing fails. Counts only where
 * they are exact (the turns); tests never time.
 *
 * EAL without hugepages or PCI, its own file prefix, telemetry on.
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
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "dataplane/ctrl_counters.h"
#include "dataplane/ctrl_stats.h"
#include "dataplane/cworker.h"
#include "dataplane/gateway/gateway.h"
#include "dataplane/ring.h"
#include "dataplane/telemetry.h"
#include "dataplane/worker.h"
#include "tests/dataplane/null_ring.h"

#define TURNS     20000u
#define IO_LCORE  7u  /* the workers' lcore ids as their records say */
#define CW_LCORE  9u

/* A local end that submits nothing: the loops' own work is enough. */
static void le_bind(void *ctx, struct ordo_engine *e)
{
	(void)ctx;
	(void)e;
}

static unsigned le_produce(void *ctx, struct ordo_engine *e, uint64_t now)
{
	(void)ctx;
	(void)e;
	(void)now;
	return 0;
}

static void le_deliver(void *ctx, const struct ordo_delivery *d, uint64_t now)
{
	(void)ctx;
	(void)d;
	(void)now;
}

static const struct dp_local_ops idle_ops = {
	.name = "idle",
	.bind = le_bind,
	.produce = le_produce,
	.deliver = le_deliver,
};

static struct dp_ring *ring;
static struct dp_io io;
static struct dp_cw cw;
static struct dp_gateway gw;

/* The three lcores: the keys' prefixes and units (docs/operations.md,
 * "Cost per stage"). */
static const struct role {
	const char *name, *id, *s, *p, *units, *unit;
	uint32_t lcore;
} roles[] = {
	{ "ring", "lcore", "lcore_", "", "msgs", "msg", 0 },
	{ "worker", "worker_lcore", "worker_", "worker_", "frames", "frame",
	  IO_LCORE },
	{ "client_worker", "client_worker_lcore", "client_worker_",
	  "client_worker_", "msgs", "msg", CW_LCORE },
};
#define ROLES (sizeof(roles) / sizeof(roles[0]))

static const char *const stage_names[] = { "loop", "rx", "open", "protocol",
	"submit", "deliver", "seal", "tx", "slow" };
#define STAGES (sizeof(stage_names) / sizeof(stage_names[0]))

static const char *const scalars[] = { "tsc_hz", "sample_every",
	"stage_bias_cycles", "turns", "timed_turns", "empty_turns",
	"empty_cycles", "long_turns", "long_cycles", "busy_turns",
	"busy_cycles", "busy_%s", "busy_cycles_per_%1$.*2$s",
	"stall_max_cycles", "stall_recent_cycles", "timed_%s", "timed_cycles",
	"timed_cycles_per_%1$.*2$s" };

/* Every key of role r, one by one: each(key, ctx). */
static void keys_of(const struct role *r,
		    void (*each)(const char *key, void *ctx), void *ctx)
{
	char key[96], suffix[48];

	each(r->id, ctx);
	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		/* "%s": the units; "%1$.*2$s": the unit (the units less
		 * its "s"). */
		snprintf(suffix, sizeof(suffix), scalars[i], r->units,
			 (int)strlen(r->units) - 1);
		snprintf(key, sizeof(key), "%s%s", r->s, suffix);
		each(key, ctx);
	}
	for (size_t i = 0; i < STAGES; i++) {
		const char *n = stage_names[i];

		snprintf(key, sizeof(key), "%sstage_%s_cycles", r->p, n);
		each(key, ctx);
		snprintf(key, sizeof(key), "%sstage_%s_items", r->p, n);
		each(key, ctx);
		snprintf(key, sizeof(key), "%sstage_%s_cycles_per_item", r->p, n);
		each(key, ctx);
		snprintf(key, sizeof(key), "%sstage_%s_cycles_per_%s", r->p, n,
			 r->unit);
		each(key, ctx);
	}
}

/* "key": N in text, exactly once, N a number. */
static void json_once(const char *key, void *ctx)
{
	const char *text = ctx, *at;
	char want[112];

	snprintf(want, sizeof(want), "\"%s\": ", key);
	at = strstr(text, want);
	if (at == NULL)
		fail_msg("'%s' missing", key);
	if (strstr(at + 1, want) != NULL)
		fail_msg("'%s' twice", key);
	at += strlen(want);
	if (*at < '0' || *at > '9')
		fail_msg("'%s' is not followed by a number", key);
}

/* The same in the telemetry's compact JSON ("key":N). */
static void tel_once(const char *key, void *ctx)
{
	const char *text = ctx, *at;
	char want[112];

	snprintf(want, sizeof(want), "\"%s\":", key);
	at = strstr(text, want);
	if (at == NULL)
		fail_msg("'%s' missing from /ordo/lcores", key);
	if (strstr(at + 1, want) != NULL)
		fail_msg("'%s' twice in /ordo/lcores", key);
	at += strlen(want);
	if (*at < '0' || *at > '9')
		fail_msg("'%s' is not followed by a number", key);
}

static uint64_t json_u64(const char *text, const char *key)
{
	char want[112];
	const char *at;

	snprintf(want, sizeof(want), "\"%s\": ", key);
	at = strstr(text, want);
	assert_non_null(at);
	return strtoull(at + strlen(want), NULL, 10);
}

/* All three loops until each published counters with timed turns. */
static void run_loops(void)
{
	struct dp_snapshot s;
	struct dp_cw_report c;

	memset(&s, 0, sizeof(s));
	memset(&c, 0, sizeof(c));
	for (unsigned t = 0; t < TURNS || c.stages.timed_turns +
						  c.stages.empty_turns == 0 ||
			      s.io.stages.turns == 0; t++) {
		dp_ring_do_work(ring);
		dp_io_do_work(&io);
		dp_cw_do_work(&cw);
		if (t % 1024 == 0 || t >= TURNS) {
			dp_ring_publish(ring);
			dp_ring_read(ring, &s);
			dp_cw_read(&cw, &c);
		}
	}
}

static void counters_json(void **state)
{
	struct ordod_counters_src src = { .ring = ring, .gw = &gw,
					  .cw_read = dp_cw_read_any, .cw = &cw };
	static char text[128 << 10];
	struct dp_snapshot s;
	struct dp_cw_report c;
	size_t n;

	(void)state;
	run_loops();
	dp_ring_publish(ring);
	dp_ring_read(ring, &s);
	dp_cw_read(&cw, &c);
	n = ordod_counters(&src, text, sizeof(text), true);
	assert_true(n > 0 && n < sizeof(text));
	for (size_t r = 0; r < ROLES; r++)
		keys_of(&roles[r], json_once, text);
	/* Each lcore's own numbers under its own keys. */
	assert_int_equal(json_u64(text, "lcore"), s.stages.lcore);
	assert_int_equal(json_u64(text, "worker_lcore"), IO_LCORE);
	assert_int_equal(json_u64(text, "client_worker_lcore"), CW_LCORE);
	assert_int_equal(json_u64(text, "lcore_turns"), s.stages.turns);
	assert_int_equal(json_u64(text, "worker_turns"), s.io.stages.turns);
	assert_int_equal(json_u64(text, "client_worker_turns"), c.stages.turns);
	assert_int_equal(json_u64(text, "client_worker_stall_max_cycles"),
			 c.stages.stall_max);
	assert_int_equal(json_u64(text, "worker_stage_rx_items"),
			 s.io.stages.items[DP_STAGE_RX]);
	/* Turns the loops made: every one timed here, but the one that
	 * published (from its slow path, before it ended). The client
	 * worker has no client here: its turns are empty (its stages'
	 * figures with clients: tests/dataplane/test_cworker.c). */
	assert_true(c.stages.turns > 0);
	assert_int_equal(c.stages.sample_every, 1);
	assert_int_equal(c.stages.timed_turns + c.stages.empty_turns +
				 c.stages.long_turns + 1,
			 c.stages.turns);
	/* net_null fills every rx burst: the worker's rx, not the ring's */
	assert_true(s.io.stages.items[DP_STAGE_RX] > 0);
	assert_int_equal(s.stages.items[DP_STAGE_RX], 0);
	/* the text form people read has the three sections */
	n = ordod_counters(&src, text, sizeof(text), false);
	assert_true(n > 0 && n < sizeof(text));
	assert_non_null(strstr(text, "\nstages:\n"));
	assert_non_null(strstr(text, "\nworker:\n"));
	assert_non_null(strstr(text, "\nclient_worker:\n"));
	assert_non_null(strstr(text, "  client_worker_stage_submit_cycles_per_msg "));
}

/* Each lcore metric of the catalogue (ids 250-299) for lcore lc. */
static void records_of(const struct ordo_cp_stat *out, size_t n, uint32_t lc,
		       const char *role)
{
	const struct {
		uint16_t id;
		const char *text;
	} ids[] = {
#define TL_ID(num, id, type, name, key, text, help) { num, text },
		ORDO_STATS(TL_ID)
#undef TL_ID
	};
	unsigned checked = 0;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		unsigned want, got = 0;

		if (ids[i].id < 250)
			continue;
		checked++;
		want = ids[i].text != NULL && strcmp(ids[i].text, "stage") == 0 ?
			       STAGES : 1;
		for (size_t k = 0; k < n; k++) {
			if (out[k].id != ids[i].id || out[k].key != lc)
				continue;
			got++;
			if (ids[i].id == ORDO_ST_LCORE_INFO) {
				assert_string_equal(out[k].label, role);
				assert_int_equal(out[k].value, 1);
			}
		}
		if (got != want)
			fail_msg("lcore %u (%s): record %u %u times, not %u", lc,
				 role, ids[i].id, got, want);
	}
	assert_true(checked >= 18);
}

static void stats_records(void **state)
{
	struct ordod_counters_src src = { .ring = ring, .gw = &gw,
					  .cw_read = dp_cw_read_any, .cw = &cw };
	static struct ordo_cp_stat out[ORDO_CP_STATS_MAX];
	struct dp_snapshot s;
	uint32_t next;
	size_t n;

	(void)state;
	dp_ring_publish(ring);
	dp_ring_read(ring, &s);
	n = ordod_stats(&src, 0, out, ORDO_CP_STATS_MAX, &next);
	assert_true(n > 0);
	records_of(out, n, s.stages.lcore, "ring");
	records_of(out, n, IO_LCORE, "worker");
	records_of(out, n, CW_LCORE, "client_worker");
}

/* One command on the telemetry socket (its v2 protocol: a greeting, then
 * one JSON answer per command). */
static void telemetry_ask(const char *cmd, char *buf, size_t len)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	ssize_t k;
	int fd;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/dpdk_telemetry.v2",
		 rte_eal_get_runtime_dir());
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_true(fd >= 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail_msg("telemetry socket %s: %s", a.sun_path, strerror(errno));
	k = recv(fd, buf, len - 1, 0); /* the greeting */
	assert_true(k > 0);
	assert_int_equal(send(fd, cmd, strlen(cmd), 0), (ssize_t)strlen(cmd));
	k = recv(fd, buf, len - 1, 0);
	assert_true(k > 0);
	buf[k] = '\0';
	close(fd);
}

static void telemetry(void **state)
{
	static char text[64 << 10];

	(void)state;
	assert_int_equal(dp_telemetry_register(ring, dp_cw_stages_any, &cw), 0);
	telemetry_ask("/ordo/lcores", text, sizeof(text));
	assert_non_null(strstr(text, "{\"/ordo/lcores\":{"));
	for (size_t r = 0; r < ROLES; r++)
		keys_of(&roles[r], tel_once, text);
	dp_telemetry_unregister();
}

int main(int argc, char **argv)
{
	char err[256];
	struct dp_ring_conf rc;
	struct dp_gw_params gp;
	int status;

	(void)argc;
	if (null_ring_eal(argv[0], "lcores") < 0) {
		fprintf(stderr, "test_lcores: EAL failed\n");
		return 1;
	}
	null_ring_conf(&rc, 0x5748, 8191);
	rc.io_worker = true;
	ring = dp_ring_create(&rc, &idle_ops, NULL, err, sizeof(err));
	if (ring == NULL ||
	    dp_io_create(&io, ring, IO_LCORE, (int)rte_socket_id(), err,
			 sizeof(err)) < 0) {
		fprintf(stderr, "test_lcores: %s\n", err);
		return 1;
	}
	null_ring_gw_params(&gp);
	if (dp_gw_init(&gw, &gp) < 0 ||
	    dp_cw_create(&cw, &gw, CW_LCORE, (int)rte_socket_id(), NULL, 0,
			 err, sizeof(err)) < 0) {
		fprintf(stderr, "test_lcores: gateway or client worker: %s\n",
			err);
		return 1;
	}
	dp_cw_set_stages(&cw, 1, 0);
	/* Tests never time: no turn here is "long" (stages.h). */
	ring->stg.long_len = io.stg.long_len = cw.stg.long_len = UINT64_MAX;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counters_json),
		cmocka_unit_test(stats_records),
		cmocka_unit_test(telemetry),
	};
	status = cmocka_run_group_tests(tests, NULL, NULL);
	dp_cw_destroy(&cw);
	dp_gw_fini(&gw);
	dp_io_destroy(&io);
	dp_ring_destroy(ring);
	rte_eal_cleanup();
	return status;
}
