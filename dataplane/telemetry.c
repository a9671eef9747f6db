/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The /ordo/ telemetry commands (telemetry.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <rte_pause.h>
#include <rte_telemetry.h>

#include "dataplane/lcore_kv.h"
#include "dataplane/ring.h"
#include "dataplane/telemetry.h"

static const struct dp_ring *tel_ring;
static void (*tel_cw_stages)(const void *cw, struct dp_stage_stats *out);
/* The client workers (dp_telemetry_register's, or all of them:
 * dp_telemetry_client_workers). */
#define TEL_CW_MAX 4u
static const void *tel_cws[TEL_CW_MAX];
static unsigned tel_n_cw;
static unsigned tel_readers; /* callbacks inside read_snapshot() */

/* The ring's snapshot and, when cw is not NULL, the stage counters of up
 * to max client workers (*n_cw of them, the first first): all read while
 * the ring is registered (dp_telemetry_unregister waits for this). */
static int read_all(struct dp_snapshot **out, struct dp_stage_stats *cw,
		    unsigned max, unsigned *n_cw);

static int read_snapshot(struct dp_snapshot **out)
{
	return read_all(out, NULL, 0, NULL);
}

static int read_all(struct dp_snapshot **out, struct dp_stage_stats *cw,
		    unsigned max, unsigned *n_cw)
{
	struct dp_snapshot *s;
	const struct dp_ring *r;
	int rc = 0;

	s = malloc(sizeof(*s)); /* telemetry thread: not the hot path */
	if (s == NULL)
		return -ENOMEM;
	__atomic_add_fetch(&tel_readers, 1, __ATOMIC_SEQ_CST);
	r = __atomic_load_n(&tel_ring, __ATOMIC_SEQ_CST);
	if (r != NULL) {
		dp_ring_read(r, s);
		if (cw != NULL) {
			*n_cw = tel_cw_stages == NULL ? 0
				: tel_n_cw < max ? tel_n_cw : max;
			for (unsigned k = 0; k < *n_cw; k++)
				tel_cw_stages(tel_cws[k], &cw[k]);
		}
	} else {
		rc = -ENODEV;
	}
	__atomic_sub_fetch(&tel_readers, 1, __ATOMIC_SEQ_CST);
	if (rc < 0) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void dp_telemetry_unregister(void)
{
	__atomic_store_n(&tel_ring, NULL, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&tel_readers, __ATOMIC_SEQ_CST) != 0)
		rte_pause();
}

static void add_port_totals(struct rte_tel_data *d, const struct dp_snapshot *s)
{
	uint64_t drops[DP_DROP_MAX] = { 0 };
	uint64_t rx = 0, tx = 0, rxb = 0, txb = 0;

	for (uint16_t i = 0; i < s->n_ports; i++) {
		rx += s->ports[i].c.rx_pkts;
		tx += s->ports[i].c.tx_pkts;
		rxb += s->ports[i].c.rx_bytes;
		txb += s->ports[i].c.tx_bytes;
		for (int k = DP_DROP_NONE + 1; k < DP_DROP_MAX; k++)
			drops[k] += s->ports[i].c.drops[k];
	}
	rte_tel_data_add_dict_u64(d, "port_rx_pkts", rx);
	rte_tel_data_add_dict_u64(d, "port_rx_bytes", rxb);
	rte_tel_data_add_dict_u64(d, "port_tx_pkts", tx);
	rte_tel_data_add_dict_u64(d, "port_tx_bytes", txb);
	for (int k = DP_DROP_NONE + 1; k < DP_DROP_MAX; k++) {
		char name[64];

		snprintf(name, sizeof(name), "dp_drop_%s", dp_drop_name(k));
		rte_tel_data_add_dict_u64(d, name, drops[k]);
	}
	rte_tel_data_add_dict_u64(d, "dp_tx_no_port", s->tx_no_port);
}

static void tel_put(void *d, const char *key, uint64_t v)
{
	rte_tel_data_add_dict_u64(d, key, v);
}

/* The ring lcore's cost per stage (stages.h), as ordoctl counters names
 * them: cycles and items per stage, the longest stalls. */
static void add_stages(struct rte_tel_data *d, const struct dp_stage_stats *st)
{
	rte_tel_data_add_dict_u64(d, "lcore", st->lcore);
	rte_tel_data_add_dict_u64(d, "lcore_tsc_hz", st->tsc_hz);
	rte_tel_data_add_dict_u64(d, "lcore_sample_every", st->sample_every);
	rte_tel_data_add_dict_u64(d, "lcore_stage_bias_cycles", st->bias);
	rte_tel_data_add_dict_u64(d, "lcore_timed_turns", st->timed_turns);
	rte_tel_data_add_dict_u64(d, "lcore_empty_turns", st->empty_turns);
	rte_tel_data_add_dict_u64(d, "lcore_empty_cycles", st->empty_cycles);
	rte_tel_data_add_dict_u64(d, "lcore_long_turns", st->long_turns);
	rte_tel_data_add_dict_u64(d, "lcore_long_cycles", st->long_cycles);
	rte_tel_data_add_dict_u64(d, "lcore_busy_turns", st->busy_turns);
	rte_tel_data_add_dict_u64(d, "lcore_busy_cycles", st->busy_cycles);
	rte_tel_data_add_dict_u64(d, "lcore_busy_msgs", st->busy_msgs);
	rte_tel_data_add_dict_u64(d, "lcore_stall_max_cycles", st->stall_max);
	rte_tel_data_add_dict_u64(d, "lcore_stall_recent_cycles",
				  st->stall_recent);
	dp_stages_kv(st, "", 0, 0, tel_put, d);
}

static int cmd_stats(const char *cmd, const char *params,
		     struct rte_tel_data *d)
{
	struct dp_snapshot *s;
	const struct ordo_engine_stats *e;
	char hex[24];
	int rc;

	(void)cmd;
	(void)params;
	rc = read_snapshot(&s);
	if (rc < 0)
		return rc;
	e = &s->eng;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "node_id", s->node_id);
	rte_tel_data_add_dict_u64(d, "uptime_ns", s->now_ns);
	rte_tel_data_add_dict_u64(d, "rx_data", e->rx_data);
	rte_tel_data_add_dict_u64(d, "rx_token", e->rx_token);
	rte_tel_data_add_dict_u64(d, "tx_data", e->tx_data);
	rte_tel_data_add_dict_u64(d, "tx_token", e->tx_token);
	rte_tel_data_add_dict_u64(d, "tx_retrans", e->tx_retrans);
	rte_tel_data_add_dict_u64(d, "rtr_requested", e->rtr_requested);
	rte_tel_data_add_dict_u64(d, "token_retrans", e->token_retrans);
	rte_tel_data_add_dict_u64(d, "rotations", e->rotations);
	rte_tel_data_add_dict_u64(d, "submitted", e->submitted);
	rte_tel_data_add_dict_u64(d, "delivered", e->delivered);
	rte_tel_data_add_dict_u64(d, "delivered_bytes", e->delivered_bytes);
	rte_tel_data_add_dict_u64(d, "reassembly_drops", e->reassembly_drops);
	for (int k = 1; k < ORDO_DROP_REASON_MAX; k++) {
		char name[64];

		snprintf(name, sizeof(name), "drop_%s",
			 ordo_drop_reason_name(k));
		rte_tel_data_add_dict_u64(d, name, e->drops[k]);
	}
	add_port_totals(d, s);
	/* Sealed frames (the drops are dp_drop_seal_* above). */
	rte_tel_data_add_dict_u64(d, "crypto", s->crypto);
	rte_tel_data_add_dict_u64(d, "seal_sealed", s->seal.sealed);
	rte_tel_data_add_dict_u64(d, "seal_opened", s->seal.opened);
	rte_tel_data_add_dict_u64(d, "seal_sending_key", s->seal.tx_key_id);
	rte_tel_data_add_dict_u64(d, "seal_keys_loaded", s->seal.n_keys);
	rte_tel_data_add_dict_u64(d, "seal_key_changes", s->seal.use_applied);
	rte_tel_data_add_dict_u64(d, "seal_key_change_missing",
				  s->seal.use_missing);
	rte_tel_data_add_dict_u64(d, "seal_stuck", s->seal.stuck);
	rte_tel_data_add_dict_u64(d, "peers_known", s->peers_known);
	rte_tel_data_add_dict_u64(d, "peers_moved", s->peers_moved);
	rte_tel_data_add_dict_u64(d, "peers_contested", s->peers_contested);
	rte_tel_data_add_dict_u64(d, "announces_rx", s->announces_rx);
	rte_tel_data_add_dict_u64(d, "announces_tx", s->announces_tx);
	rte_tel_data_add_dict_u64(d, "announces_bad", s->announces_bad);
	rte_tel_data_add_dict_u64(d, "loops", s->loops);
	rte_tel_data_add_dict_u64(d, "idle_turns", s->idle_turns);
	rte_tel_data_add_dict_u64(d, "idle_parks", s->parks);
	add_stages(d, &s->stages);
	if (s->io.on) {
		const struct dp_stage_stats *w = &s->io.stages;
		char name[64];

		rte_tel_data_add_dict_u64(d, "worker_lcore", s->io.lcore);
		rte_tel_data_add_dict_u64(d, "worker_busy_cycles",
					  w->busy_cycles);
		rte_tel_data_add_dict_u64(d, "worker_busy_frames", w->busy_msgs);
		rte_tel_data_add_dict_u64(d, "worker_stall_max_cycles",
					  w->stall_max);
		for (unsigned i = 0; i < DP_STAGE_MAX; i++) {
			snprintf(name, sizeof(name), "worker_stage_%s_cycles",
				 dp_stage_name(i));
			rte_tel_data_add_dict_u64(d, name, w->cycles[i]);
			snprintf(name, sizeof(name), "worker_stage_%s_items",
				 dp_stage_name(i));
			rte_tel_data_add_dict_u64(d, name, w->items[i]);
		}
		rte_tel_data_add_dict_u64(d, "worker_rx_handed",
					  s->io.rx_handed);
		rte_tel_data_add_dict_u64(d, "worker_rx_held_turns",
					  s->io.rx_held_turns);
		rte_tel_data_add_dict_u64(d, "worker_tx_taken", s->io.tx_taken);
		rte_tel_data_add_dict_u64(d, "worker_tx_staged_turns",
					  s->io.tx_staged_turns);
		rte_tel_data_add_dict_u64(d, "worker_tx_dropped_full",
					  s->io.tx_dropped);
	}
	if (s->traffic.enabled) {
		rte_tel_data_add_dict_u64(d, "traffic_submitted",
					  s->traffic.submitted);
		rte_tel_data_add_dict_u64(d, "traffic_delivered",
					  s->traffic.delivered);
		rte_tel_data_add_dict_u64(d, "traffic_expected",
					  s->traffic.expected);
		rte_tel_data_add_dict_u64(d, "traffic_fifo_errors",
					  s->traffic.fifo_errors);
		snprintf(hex, sizeof(hex), "%016llx",
			 (unsigned long long)s->traffic.digest);
		rte_tel_data_add_dict_string(d, "traffic_digest", hex);
		rte_tel_data_add_dict_int(d, "traffic_done", s->traffic.done);
	}
	free(s);
	return 0;
}

/* Every lcore's counters, flat, with the keys of ordoctl counters
 * (lcore_kv.h): 57 per lcore, three lcores at most, inside the 256 of a
 * telemetry dictionary. */
_Static_assert(DP_LCORE_ROLE_MAX * DP_LCORE_KV_KEYS <= RTE_TEL_MAX_DICT_ENTRIES,
	       "/ordo/lcores fits one dictionary");

static int cmd_lcores(const char *cmd, const char *params,
		      struct rte_tel_data *d)
{
	struct dp_snapshot *s;
	struct dp_stage_stats cw;
	unsigned n_cw = 0;
	int rc;

	(void)cmd;
	(void)params;
	rc = read_all(&s, &cw, 1, &n_cw);
	if (rc < 0)
		return rc;
	rte_tel_data_start_dict(d);
	dp_lcore_kv(&s->stages, DP_LCORE_RING, tel_put, d);
	if (s->io.on)
		dp_lcore_kv(&s->io.stages, DP_LCORE_WORKER, tel_put, d);
	if (n_cw)
		dp_lcore_kv(&cw, DP_LCORE_CLIENT_WORKER, tel_put, d);
	/* The others would overflow one dictionary: /ordo/lcore,NAME. */
	free(s);
	return 0;
}

/* Is s the name followed by a small decimal number, and nothing else? */
static bool numbered(const char *s, const char *name, unsigned *k)
{
	size_t n = strlen(name);
	unsigned v = 0;

	if (strncmp(s, name, n) != 0 || s[n] == '\0')
		return false;
	for (s += n; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > 99)
			return false;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*k = v;
	return true;
}

/* /ordo/lcore,NAME: one lcore's keys, NAME as its keys' prefix says:
 * ring, worker, client_worker, client_worker<K> (K >= 2), rx_worker<Q>. */
static int cmd_lcore(const char *cmd, const char *params,
		     struct rte_tel_data *d)
{
	struct dp_snapshot *s;
	struct dp_stage_stats cw[TEL_CW_MAX];
	unsigned n_cw = 0, k;
	int rc;

	(void)cmd;
	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	rc = read_all(&s, cw, TEL_CW_MAX, &n_cw);
	if (rc < 0)
		return rc;
	rte_tel_data_start_dict(d);
	rc = 0;
	if (strcmp(params, "ring") == 0)
		dp_lcore_kv(&s->stages, DP_LCORE_RING, tel_put, d);
	else if (strcmp(params, "worker") == 0 && s->io.on)
		dp_lcore_kv(&s->io.stages, DP_LCORE_WORKER, tel_put, d);
	else if (strcmp(params, "client_worker") == 0 && n_cw)
		dp_lcore_kv(&cw[0], DP_LCORE_CLIENT_WORKER, tel_put, d);
	else if (numbered(params, "client_worker", &k) && k >= 2 && k <= n_cw)
		dp_lcore_kv_cw(&cw[k - 1], k, tel_put, d);
	else if (numbered(params, "rx_worker", &k) && k >= 1 &&
		 k <= s->n_rxw)
		dp_lcore_kv_rx(&s->rxw[k - 1].stages, k, tel_put, d);
	else
		rc = -ENOENT;
	free(s);
	return rc;
}

static int cmd_ports(const char *cmd, const char *params,
		     struct rte_tel_data *d)
{
	struct dp_snapshot *s;
	int rc;

	(void)cmd;
	(void)params;
	rc = read_snapshot(&s);
	if (rc < 0)
		return rc;
	rte_tel_data_start_dict(d);
	for (uint16_t i = 0; i < s->n_ports; i++) {
		struct rte_tel_data *p = rte_tel_data_alloc();
		const struct dp_port_counters *c = &s->ports[i].c;
		char name[64];

		if (p == NULL)
			break;
		rte_tel_data_start_dict(p);
		rte_tel_data_add_dict_u64(p, "port_id", s->ports[i].port_id);
		rte_tel_data_add_dict_string(p, "driver", s->ports[i].driver);
		rte_tel_data_add_dict_int(p, "link_up", s->ports[i].up);
		rte_tel_data_add_dict_int(p, "point_to_point", s->ports[i].p2p);
		rte_tel_data_add_dict_u64(p, "rx_pkts", c->rx_pkts);
		rte_tel_data_add_dict_u64(p, "rx_bytes", c->rx_bytes);
		rte_tel_data_add_dict_u64(p, "rx_ordo", c->rx_ordo);
		rte_tel_data_add_dict_u64(p, "tx_pkts", c->tx_pkts);
		rte_tel_data_add_dict_u64(p, "tx_bytes", c->tx_bytes);
		rte_tel_data_add_dict_u64(p, "tx_mcast", c->tx_mcast);
		rte_tel_data_add_dict_u64(p, "tx_ucast", c->tx_ucast);
		rte_tel_data_add_dict_u64(p, "link_changes", c->link_changes);
		rte_tel_data_add_dict_u64(p, "redials", c->redials);
		rte_tel_data_add_dict_u64(p, "faults", c->faults);
		for (int k = DP_DROP_NONE + 1; k < DP_DROP_MAX; k++) {
			snprintf(name, sizeof(name), "drop_%s",
				 dp_drop_name(k));
			rte_tel_data_add_dict_u64(p, name, c->drops[k]);
		}
		/* Telemetry names allow [A-Za-z0-9_/] only. */
		snprintf(name, sizeof(name), "port%u", s->ports[i].port_id);
		rte_tel_data_add_dict_container(d, name, p, 0);
	}
	free(s);
	return 0;
}

static int cmd_status(const char *cmd, const char *params,
		      struct rte_tel_data *d)
{
	struct dp_snapshot *s;
	int rc;

	(void)cmd;
	(void)params;
	rc = read_snapshot(&s);
	if (rc < 0)
		return rc;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "node_id", s->node_id);
	rte_tel_data_add_dict_u64(d, "my_aru", s->st.my_aru);
	rte_tel_data_add_dict_u64(d, "high_seq", s->st.high_seq);
	rte_tel_data_add_dict_u64(d, "delivered", s->st.delivered);
	rte_tel_data_add_dict_u64(d, "safe", s->st.safe);
	rte_tel_data_add_dict_u64(d, "ring_rep", s->st.ring_rep);
	rte_tel_data_add_dict_u64(d, "ring_seq", s->st.ring_seq);
	rte_tel_data_add_dict_u64(d, "n_members", s->st.n_members);
	rte_tel_data_add_dict_u64(d, "config_changes", s->config_changes);
	rte_tel_data_add_dict_u64(d, "submit_queued", s->st.submit_queued);
	free(s);
	return 0;
}

int dp_telemetry_register(const struct dp_ring *r,
			  void (*cw_stages)(const void *cw,
					    struct dp_stage_stats *out),
			  const void *cw)
{
	int rc;

	tel_cw_stages = cw_stages;
	if (tel_n_cw == 0 && cw != NULL) { /* no dp_telemetry_client_workers */
		tel_cws[0] = cw;
		tel_n_cw = 1;
	}
	__atomic_store_n(&tel_ring, r, __ATOMIC_SEQ_CST);
	rc = rte_telemetry_register_cmd("/ordo/stats", cmd_stats,
		"ordo engine, dataplane and traffic counters. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/ordo/ports", cmd_ports,
			"ordo per-port counters and link state. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/ordo/status", cmd_status,
			"ordo ring ordering state. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/ordo/lcores", cmd_lcores,
			"ordo lcores' loop cost per stage (ring, worker, "
			"client_worker). No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/ordo/lcore", cmd_lcore,
			"one ordo lcore's loop cost per stage. Parameter: ring, "
			"worker, client_worker, client_worker<K>, rx_worker<Q>");
	return rc;
}

void dp_telemetry_client_workers(const void *const *cws, unsigned n)
{
	tel_n_cw = 0;
	for (unsigned k = 0; k < n && k < TEL_CW_MAX; k++)
		tel_cws[tel_n_cw++] = cws[k];
}
