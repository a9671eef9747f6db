/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordod's answer to a COUNTERS query (ordoctl counters): the engine's,
 * the ports', every lcore's stage cycles and the client gateway's
 * counters, as text or JSON, from the
 * snapshot the ring lcore publishes and the gateway's counters (plain
 * 64-bit words the ring lcore writes; reading them may be a turn late,
 * never torn).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/ctrl_counters.h"
#include "dataplane/cworker.h"
#include "dataplane/gateway/gateway.h"
#include "dataplane/lcore_kv.h"

struct out {
	char *b;
	size_t len, n;
	bool json, first;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(o->b + (o->n < o->len ? o->n : o->len),
		      o->n < o->len ? o->len - o->n : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->n += (size_t)k;
}

static void kv(struct out *o, const char *key, uint64_t v)
{
	if (o->json)
		put(o, "%s\"%s\": %" PRIu64, o->first ? "" : ", ", key, v);
	else
		put(o, "  %-28s %" PRIu64 "\n", key, v);
	o->first = false;
}

static void kv_put(void *o, const char *key, uint64_t v)
{
	kv(o, key, v);
}

static void section(struct out *o, const char *name, bool open)
{
	if (o->json) {
		put(o, open ? "%s\"%s\": {" : "}", o->first ? "" : ", ", name);
		o->first = open;
		if (!open)
			o->first = false;
	} else if (open) {
		put(o, "%s:\n", name);
	}
}

/* An lcore's cost per stage (dataplane/stages.h), one naming for every
 * lcore (dataplane/lcore_kv.h): the ring lcore's per ordered message in
 * section stages ("stage_" and "lcore_" keys), the crypto/io worker's
 * per frame ("worker_"), the client worker's per message handed to the
 * local clients ("client_worker_"). Keys are unique in the whole answer
 * (ordo-perf looks them up by name alone). Cycles per item and per
 * message are there for people; programs divide the totals' differences.
 * <s>busy_cycles_per_<unit> is the whole loop's, from every busy turn;
 * <s>timed_cycles_per_<unit> the stages' sum, from the timed ones. */
static void stages(struct out *o, const struct dp_stage_stats *st)
{
	section(o, "stages", true);
	dp_lcore_kv(st, DP_LCORE_RING, kv_put, o);
	section(o, "stages", false);
}

/* The crypto/io worker (dataplane/worker.h), when one runs: its own
 * lcore's cycles, per frame (it orders nothing), apart from the ring
 * lcore's above; and the hand-off's back-pressure by reason. */
static void worker(struct out *o, const struct dp_io_report *w)
{
	section(o, "worker", true);
	dp_lcore_kv(&w->stages, DP_LCORE_WORKER, kv_put, o);
	kv(o, "worker_idle_turns", w->idle_turns);
	kv(o, "worker_rx_handed", w->rx_handed);
	kv(o, "worker_rx_held_turns", w->rx_held_turns);
	kv(o, "worker_tx_taken", w->tx_taken);
	kv(o, "worker_tx_staged_turns", w->tx_staged_turns);
	kv(o, "worker_tx_dropped_full", w->tx_dropped);
	kv(o, "worker_key_changes", w->key_marks);
	kv(o, "worker_key_changes_lost", w->marks_lost);
	section(o, "worker", false);
}

/* The rx workers (worker.h dp_io_create_rx), one per rx queue after the
 * first: each lcore's cycles per frame it took from its queue (parsed,
 * opened, handed to the ring lcore), and its back-pressure. */
static void rx_workers(struct out *o, const struct dp_snapshot *s)
{
	char key[48];

	section(o, "rx_workers", true);
	for (uint16_t i = 0; i < s->n_rxw; i++) {
		const struct dp_io_report *w = &s->rxw[i];

		dp_lcore_kv_rx(&w->stages, i + 1u, kv_put, o);
		snprintf(key, sizeof(key), "rx_worker%u_idle_turns", i + 1u);
		kv(o, key, w->idle_turns);
		snprintf(key, sizeof(key), "rx_worker%u_rx_handed", i + 1u);
		kv(o, key, w->rx_handed);
		snprintf(key, sizeof(key), "rx_worker%u_rx_held_turns", i + 1u);
		kv(o, key, w->rx_held_turns);
	}
	section(o, "rx_workers", false);
}

/* The client worker (dataplane/cworker.h), when one runs: its lcore's
 * cycles per message handed over (written to every receiving client),
 * stage by stage (submit: reading and validating the clients' submit
 * rings; deliver: the fan-out), the hand-off's references and copies,
 * its back-pressure. */
static void cworker(struct out *o, const struct dp_cw_report *c)
{
	section(o, "client_worker", true);
	dp_lcore_kv(&c->stages, DP_LCORE_CLIENT_WORKER, kv_put, o);
	kv(o, "client_worker_items", c->items);
	kv(o, "client_worker_msgs", c->msgs);
	kv(o, "client_worker_records", c->records);
	kv(o, "client_worker_held_refs", c->held_refs);
	kv(o, "client_worker_copied_msgs", c->copied_msgs);
	kv(o, "client_worker_copied_bytes", c->copied_bytes);
	kv(o, "client_worker_full_waits", c->full_waits);
	kv(o, "client_worker_cuts", c->cuts);
	kv(o, "client_worker_subs", c->subs);
	kv(o, "client_worker_sub_heap", c->sub_heap);
	kv(o, "client_worker_sub_full_turns", c->sub_full_turns);
	kv(o, "client_worker_blocked_turns", c->blocked_turns);
	section(o, "client_worker", false);
}

/* The client workers after the first (dataplane/cworkers.h): the same
 * keys, prefixed client_worker<K>_ (K = 2, 3, ...), in a section of
 * their own so the first's keys stay as they were. */
static void cworkers(struct out *o, const struct ordod_counters_src *src)
{
	section(o, "client_workers", true);
	for (unsigned k = 1; k < src->n_cw && k < 4; k++) {
		struct dp_cw_report c;
		char key[64];

		src->cw_read(src->cws[k], &c);
		/* Its stage counters under the one naming (lcore_kv.h). */
		dp_lcore_kv_cw(&c.stages, k + 1, kv_put, o);
#define CW_KV(name, v)                                                   \
	do {                                                             \
		snprintf(key, sizeof(key), "client_worker%u_%s", k + 1, name); \
		kv(o, key, (v));                                         \
	} while (0)
		CW_KV("items", c.items);
		CW_KV("msgs", c.msgs);
		CW_KV("records", c.records);
		CW_KV("held_refs", c.held_refs);
		CW_KV("copied_msgs", c.copied_msgs);
		CW_KV("copied_bytes", c.copied_bytes);
		CW_KV("full_waits", c.full_waits);
		CW_KV("cuts", c.cuts);
		CW_KV("subs", c.subs);
		CW_KV("sub_full_turns", c.sub_full_turns);
		CW_KV("blocked_turns", c.blocked_turns);
#undef CW_KV
	}
	section(o, "client_workers", false);
}

size_t ordod_counters(void *arg, char *buf, size_t len, bool json)
{
	const struct ordod_counters_src *src = arg;
	const struct dp_gw_stats *g = &src->gw->st;
	struct dp_snapshot s;
	struct out o = { .b = buf, .len = len, .json = json, .first = true };

	dp_ring_read(src->ring, &s);
	if (json)
		put(&o, "{");
	section(&o, "engine", true);
	kv(&o, "node_id", s.node_id);
	kv(&o, "ring_members", s.ring_members);
	/* Where the protocol stands (ordo_memb_state: 1 gather, 2 commit,
	 * 3 recovery, 4 operational) and its sequence lines: what tells a
	 * ring that rotates without ordering from one that has nothing to
	 * order. */
	kv(&o, "state", s.st.state);
	kv(&o, "high_seq", s.st.high_seq);
	kv(&o, "my_aru", s.st.my_aru);
	kv(&o, "delivered_seq", s.st.delivered);
	kv(&o, "safe_seq", s.st.safe);
	kv(&o, "submit_queued", s.st.submit_queued);
	kv(&o, "tx_data", s.eng.tx_data);
	kv(&o, "rx_data", s.eng.rx_data);
	kv(&o, "tx_retrans", s.eng.tx_retrans);
	kv(&o, "token_retrans", s.eng.token_retrans);
	kv(&o, "rotations", s.eng.rotations);
	kv(&o, "submitted", s.eng.submitted);
	kv(&o, "delivered", s.eng.delivered);
	kv(&o, "delivered_bytes", s.eng.delivered_bytes);
	kv(&o, "ring_changes", s.eng.ring_changes);
	kv(&o, "token_losses", s.eng.token_losses);
	kv(&o, "recovery_stalls", s.eng.recovery_stalls);
	kv(&o, "flap_holds", s.eng.flap_holds);
	kv(&o, "self_holds", s.eng.self_holds);
	section(&o, "engine", false);
	for (uint16_t i = 0; i < s.n_ports; i++) {
		char name[48];

		snprintf(name, sizeof(name), "port %u", s.ports[i].port_id);
		section(&o, name, true);
		kv(&o, "up", s.ports[i].up);
		kv(&o, "rx_pkts", s.ports[i].c.rx_pkts);
		kv(&o, "rx_bytes", s.ports[i].c.rx_bytes);
		kv(&o, "tx_mcast", s.ports[i].c.tx_mcast);
		kv(&o, "tx_ucast", s.ports[i].c.tx_ucast);
		section(&o, name, false);
	}
	{
		/* Frames sealed and opened, and every reason a frame was not
		 * (dataplane/counters.h): the ports' sums. */
		uint64_t drops[DP_DROP_MAX] = { 0 };

		for (uint16_t i = 0; i < s.n_ports; i++)
			for (int k = DP_DROP_NONE + 1; k < DP_DROP_MAX; k++)
				drops[k] += s.ports[i].c.drops[k];
		section(&o, "crypto", true);
		kv(&o, "on", s.crypto);
		kv(&o, "sending_key", s.seal.tx_key_id);
		kv(&o, "keys_loaded", s.seal.n_keys);
		kv(&o, "sealed", s.seal.sealed);
		kv(&o, "opened", s.seal.opened);
		kv(&o, "key_changes", s.seal.use_applied);
		kv(&o, "key_change_missing", s.seal.use_missing);
		for (int k = DP_DROP_SEAL_BAD; k <= DP_DROP_SEAL_DEV; k++)
			kv(&o, dp_drop_name(k), drops[k]);
		section(&o, "crypto", false);
		section(&o, "drops", true);
		for (int k = DP_DROP_NONE + 1; k < DP_DROP_SEAL_BAD; k++)
			kv(&o, dp_drop_name(k), drops[k]);
		kv(&o, "announces_bad", s.announces_bad);
		kv(&o, "peers_moved", s.peers_moved);
		kv(&o, "peers_contested", s.peers_contested);
		kv(&o, "rx_stranger_accepted", s.rx_stranger);
		section(&o, "drops", false);
	}
	if (s.frames) {
		/* Frames held by handle (dataplane/ring_frames.h). */
		section(&o, "frames", true);
		kv(&o, "held", (uint64_t)s.frames_held);
		kv(&o, "budget", (uint64_t)s.frames_budget);
		kv(&o, "kept", s.eng.frames_kept);
		kv(&o, "allocated", s.eng.frames_alloc);
		kv(&o, "released", s.eng.frames_released);
		kv(&o, "tx_ref", s.frames_tx_ref);
		kv(&o, "tx_copy", s.frames_tx_copy);
		kv(&o, "short", s.frames_short);
		section(&o, "frames", false);
	}
	stages(&o, &s.stages);
	if (s.io.on)
		worker(&o, &s.io);
	if (s.n_rxw)
		rx_workers(&o, &s);
	if (src->cw_read != NULL) {
		struct dp_cw_report c;

		src->cw_read(src->cw, &c);
		cworker(&o, &c);
	}
	if (src->cw_read != NULL && src->n_cw > 1)
		cworkers(&o, src);
	section(&o, "clients", true);
	kv(&o, "attached", g->attached);
	kv(&o, "detached", g->detached);
	kv(&o, "submitted", g->submitted);
	kv(&o, "delivered", g->delivered);
	kv(&o, "membership_delivered", g->memb_delivered);
	kv(&o, "rejected_access", g->rejected_access);
	kv(&o, "rejected_size", g->rejected_size);
	kv(&o, "rejected_other", g->rejected_other);
	kv(&o, "ring_corrupt", g->ring_corrupt);
	kv(&o, "slow_consumers", g->slow_consumers);
	kv(&o, "overflowed", g->overflowed);
	kv(&o, "engine_full_turns", g->engine_full);
	kv(&o, "blocked_turns", g->blocked_turns);
	kv(&o, "admit_held_turns", g->admit_held);
	kv(&o, "admit_resets", g->admit_resets);
	kv(&o, "partial_dropped", g->partial_dropped);
	kv(&o, "names_dropped", g->names_dropped);
	kv(&o, "events_lost", g->events_lost);
	section(&o, "clients", false);
	{
		const struct ordo_groups_stats *gs =
			ordo_groups_stats(src->gw->groups);

		section(&o, "groups", true);
		kv(&o, "groups", gs->groups);
		kv(&o, "members", gs->members);
		kv(&o, "sent", gs->sent);
		kv(&o, "joins", gs->joins);
		kv(&o, "leaves", gs->leaves);
		kv(&o, "disconnects", gs->disconnects);
		kv(&o, "states_sent", gs->states_sent);
		kv(&o, "states_rx", gs->states_rx);
		kv(&o, "states_ignored", gs->states_ignored);
		kv(&o, "exchanges", gs->exchanges);
		kv(&o, "exchanging", ordo_groups_exchanging(src->gw->groups));
		kv(&o, "delivered_msgs", gs->delivered_msgs);
		kv(&o, "delivered_memb", gs->delivered_memb);
		kv(&o, "bad_messages", gs->bad_messages);
		kv(&o, "no_room", gs->no_room);
		kv(&o, "submit_errors", gs->submit_errors);
		section(&o, "groups", false);
	}
	if (json)
		put(&o, "}\n");
	return o.n;
}
