/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordod's counters as STATS records (ctrl_stats.h). Scalars come from
 * tables of (record id, offset in the struct that holds the value): a new
 * counter of the engine, the gateway or the group layer is one catalogue
 * line in include/ordo/ctrl_stats.h and one line here. What has labels
 * (drops by reason, ports, clients, the membership state) is a loop.
 *
 * Read on the main lcore from what other threads may read: the snapshot
 * the ring lcore publishes (consistent), the gateway's and group layer's
 * counters and each client slot's counters (aligned 64-bit words the ring
 * lcore writes; a read may be a turn late, never torn).
 */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/ctrl_counters.h"
#include "dataplane/ctrl_stats.h"
#include "dataplane/cworker.h"
#include "dataplane/gateway/gateway.h"
#include "dataplane/lcore_kv.h"

struct src_field {
	uint16_t id;
	uint16_t off;
};

#define SNAP(id, field) { ORDO_ST_##id, offsetof(struct dp_snapshot, field) }
static const struct src_field snap_fields[] = {
	SNAP(RING_MEMBERS, ring_members),
	SNAP(RING_CHANGES, eng.ring_changes),
	SNAP(TOKEN_ROTATIONS, eng.rotations),
	SNAP(TOKEN_RETRANS, eng.token_retrans),
	SNAP(TOKEN_LOSSES, eng.token_losses),
	SNAP(RECOVERY_STALLS, eng.recovery_stalls),
	SNAP(DATA_SENT, eng.tx_data),
	SNAP(DATA_RECEIVED, eng.rx_data),
	SNAP(DATA_RETRANS, eng.tx_retrans),
	SNAP(RTR_REQUESTED, eng.rtr_requested),
	SNAP(MSGS_SUBMITTED, eng.submitted),
	SNAP(MSGS_DELIVERED, eng.delivered),
	SNAP(BYTES_DELIVERED, eng.delivered_bytes),
	SNAP(REASSEMBLY_DROPS, eng.reassembly_drops),
	SNAP(SUBMIT_QUEUED, st.submit_queued),
	SNAP(MEMBERS_EXCLUDED, eng.excluded),
	SNAP(TOKENS_SENT, eng.tx_token),
	SNAP(TOKENS_RECEIVED, eng.rx_token),
	SNAP(RING_SEQ, st.ring_seq),
};

#define GW(id, field) { ORDO_ST_##id, offsetof(struct dp_gw_stats, field) }
static const struct src_field gw_fields[] = {
	GW(CLIENTS_ATTACHED, attached),
	GW(CLIENTS_DETACHED, detached),
	GW(CLIENTS_SUBMITTED, submitted),
	GW(CLIENTS_DELIVERED, delivered),
	GW(CLIENTS_MEMB_DELIVERED, memb_delivered),
	GW(CLIENTS_SLOW_CONSUMER, slow_consumers),
	GW(CLIENTS_RING_CORRUPT, ring_corrupt),
	GW(CLIENTS_OVERFLOWED, overflowed),
	GW(CLIENTS_ENGINE_FULL, engine_full),
	GW(CLIENTS_BLOCKED, blocked_turns),
	GW(CLIENTS_PARTIAL_DROPPED, partial_dropped),
	GW(CLIENTS_NAMES_CUT, names_dropped),
	GW(CLIENTS_EVENTS_LOST, events_lost),
};

#define GR(id, field) { ORDO_ST_##id, offsetof(struct ordo_groups_stats, field) }
static const struct src_field groups_u64[] = {
	GR(GROUP_JOINS, joins),
	GR(GROUP_LEAVES, leaves),
	GR(GROUP_DISCONNECTS, disconnects),
	GR(GROUP_EXCHANGES, exchanges),
	GR(GROUP_BAD, bad_messages),
	GR(GROUP_SENT, sent),
};
static const struct src_field groups_u32[] = {
	GR(GROUPS, groups),
	GR(GROUP_MEMBERSHIPS, members),
};

struct page {
	struct ordo_cp_stat *out;
	size_t n, max;
};

static int put(struct page *p, uint16_t id, uint32_t key, const char *label,
	       uint64_t value)
{
	struct ordo_cp_stat *r;

	if (p->n >= p->max)
		return -1;
	r = &p->out[p->n++];
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->key = key;
	r->value = value;
	if (label != NULL)
		snprintf(r->label, sizeof(r->label), "%s", label);
	return 0;
}

static uint64_t u64_at(const void *base, uint16_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)base + off, sizeof(v));
	return v;
}

static uint32_t u32_at(const void *base, uint16_t off)
{
	uint32_t v;

	memcpy(&v, (const char *)base + off, sizeof(v));
	return v;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* An lcore's stage cycles (stages.h): 16 scalars and two per stage. Page 0
 * has the ring lcore's, the crypto/io worker's and the first client
 * worker's; the other client workers and the rx workers have a page of
 * their own after the clients' (CURSOR_LCORES). */
#define STAGE_RECORDS (16 + 2 * DP_STAGE_MAX)
#define STAGE_LCORES  3
#define CURSOR_LCORES (1u + DP_GW_MAX_CLIENTS)
#define MORE_LCORES   (3 + DP_MAX_RX_WORKERS)
static_assert(MORE_LCORES * STAGE_RECORDS <= DP_STATS_GLOBAL_MAX,
	      "the lcores' page fits where page 0 does");

/* Page 0 holds every global record, whatever the port count. */
static_assert(N(snap_fields) + 4 + ORDO_DROP_REASON_MAX +
		      DP_MAX_PORTS * (7 + DP_DROP_MAX) + N(gw_fields) + 3 + 1 +
		      N(groups_u64) + N(groups_u32) + STAGE_LCORES * STAGE_RECORDS <=
		      DP_STATS_GLOBAL_MAX,
	      "page 0 bound");
static_assert(DP_STATS_GLOBAL_MAX <= ORDO_CP_STATS_MAX, "page 0 fits");

/* RING_SEQ and SUBMIT_QUEUED are 32-bit fields of the status. */
static bool is_u32_snap(uint16_t id)
{
	return id == ORDO_ST_RING_MEMBERS || id == ORDO_ST_RING_SEQ ||
	       id == ORDO_ST_SUBMIT_QUEUED;
}

/* One lcore's: records apart by their lcore label, its role named once
 * (lcore_info). */
static void stages(const struct dp_stage_stats *st, unsigned role,
		   struct page *p)
{
	uint32_t lc = st->lcore;

	put(p, ORDO_ST_LCORE_INFO, lc, dp_lcore_role_name(role), 1);
	put(p, ORDO_ST_STAGE_TIMED_MSGS, lc, NULL, st->timed_msgs);

	for (unsigned i = 0; i < DP_STAGE_MAX; i++) {
		put(p, ORDO_ST_STAGE_CYCLES, lc, dp_stage_name(i), st->cycles[i]);
		put(p, ORDO_ST_STAGE_ITEMS, lc, dp_stage_name(i), st->items[i]);
	}
	put(p, ORDO_ST_STAGE_TIMED_TURNS, lc, NULL, st->timed_turns);
	put(p, ORDO_ST_STAGE_EMPTY_TURNS, lc, NULL, st->empty_turns);
	put(p, ORDO_ST_STAGE_EMPTY_CYCLES, lc, NULL, st->empty_cycles);
	put(p, ORDO_ST_STAGE_LONG_TURNS, lc, NULL, st->long_turns);
	put(p, ORDO_ST_STAGE_LONG_CYCLES, lc, NULL, st->long_cycles);
	put(p, ORDO_ST_LOOP_TURNS, lc, NULL, st->turns);
	put(p, ORDO_ST_LOOP_STALL_MAX, lc, NULL, st->stall_max);
	put(p, ORDO_ST_LOOP_STALL_RECENT, lc, NULL, st->stall_recent);
	put(p, ORDO_ST_TSC_HZ, lc, NULL, st->tsc_hz);
	put(p, ORDO_ST_STAGE_SAMPLE_EVERY, lc, NULL, st->sample_every);
	put(p, ORDO_ST_STAGE_BIAS, lc, NULL, st->bias);
	put(p, ORDO_ST_LOOP_BUSY_TURNS, lc, NULL, st->busy_turns);
	put(p, ORDO_ST_LOOP_BUSY_CYCLES, lc, NULL, st->busy_cycles);
	put(p, ORDO_ST_LOOP_BUSY_MSGS, lc, NULL, st->busy_msgs);
}

static void global(const struct ordod_counters_src *src, struct page *p)
{
	const struct dp_gateway *gw = src->gw;
	const struct ordo_groups_stats *gs = ordo_groups_stats(gw->groups);
	static const uint32_t states[] = { ORDO_STATE_GATHER, ORDO_STATE_COMMIT,
		ORDO_STATE_RECOVERY, ORDO_STATE_OPERATIONAL };
	struct dp_snapshot s;
	uint32_t clients = 0;
	size_t i;

	dp_ring_read(src->ring, &s);
	for (i = 0; i < N(snap_fields); i++)
		put(p, snap_fields[i].id, 0, NULL,
		    is_u32_snap(snap_fields[i].id) ?
			    u32_at(&s, snap_fields[i].off) :
			    u64_at(&s, snap_fields[i].off));
	for (i = 0; i < N(states); i++)
		put(p, ORDO_ST_RING_STATE, 0, ordo_memb_state_name(states[i]),
		    s.st.state == states[i]);
	for (i = 1; i < ORDO_DROP_REASON_MAX; i++)
		put(p, ORDO_ST_ENGINE_DROPS, 0,
		    ordo_drop_reason_name((enum ordo_drop_reason)i),
		    s.eng.drops[i]);
	for (i = 0; i < s.n_ports && i < DP_MAX_PORTS; i++) {
		const struct dp_port_counters *c = &s.ports[i].c;
		uint32_t id = s.ports[i].port_id;

		put(p, ORDO_ST_PORT_UP, id, NULL, s.ports[i].up);
		put(p, ORDO_ST_PORT_RX_PACKETS, id, NULL, c->rx_pkts);
		put(p, ORDO_ST_PORT_RX_BYTES, id, NULL, c->rx_bytes);
		put(p, ORDO_ST_PORT_TX_PACKETS, id, NULL, c->tx_pkts);
		put(p, ORDO_ST_PORT_TX_BYTES, id, NULL, c->tx_bytes);
		put(p, ORDO_ST_PORT_LINK_CHANGES, id, NULL, c->link_changes);
		put(p, ORDO_ST_PORT_FAULTS, id, NULL, c->faults);
		for (uint32_t k = 0; k < DP_DROP_MAX; k++)
			put(p, ORDO_ST_PORT_DROPS, id,
			    dp_drop_name((enum dp_drop)k), c->drops[k]);
	}
	stages(&s.stages, DP_LCORE_RING, p);
	if (s.io.on)
		stages(&s.io.stages, DP_LCORE_WORKER, p);
	if (src->cw_read != NULL) {
		struct dp_cw_report c;

		src->cw_read(src->cw, &c);
		stages(&c.stages, DP_LCORE_CLIENT_WORKER, p);
	}
	for (i = 0; i < N(gw_fields); i++)
		put(p, gw_fields[i].id, 0, NULL,
		    __atomic_load_n((const uint64_t *)((const char *)&gw->st +
						       gw_fields[i].off),
				    __ATOMIC_RELAXED));
	put(p, ORDO_ST_CLIENTS_REJECTED, 0, "access",
	    __atomic_load_n(&gw->st.rejected_access, __ATOMIC_RELAXED));
	put(p, ORDO_ST_CLIENTS_REJECTED, 0, "size",
	    __atomic_load_n(&gw->st.rejected_size, __ATOMIC_RELAXED));
	put(p, ORDO_ST_CLIENTS_REJECTED, 0, "other",
	    __atomic_load_n(&gw->st.rejected_other, __ATOMIC_RELAXED));
	for (i = 0; i < DP_GW_MAX_CLIENTS; i++)
		clients += __atomic_load_n(&gw->slots[i].state,
					   __ATOMIC_ACQUIRE) == DP_SLOT_ACTIVE;
	put(p, ORDO_ST_CLIENTS, 0, NULL, clients);
	for (i = 0; i < N(groups_u64); i++)
		put(p, groups_u64[i].id, 0, NULL, u64_at(gs, groups_u64[i].off));
	for (i = 0; i < N(groups_u32); i++)
		put(p, groups_u32[i].id, 0, NULL, u32_at(gs, groups_u32[i].off));
}

/* Bytes published to the client's delivery ring and not consumed. The
 * tail is the client's to write: a value that makes no sense counts as
 * an empty ring here (the gateway's reader is what acts on it). */
static uint64_t deliver_backlog(const struct dp_client *c)
{
	const struct ordo_cr_ring_ctl *ctl;
	uint64_t head, tail;

	if (c->map.base == NULL)
		return 0;
	ctl = (const void *)((const char *)c->map.base + c->map.deliver_ctl_off);
	head = atomic_load_explicit(&ctl->head, memory_order_acquire);
	tail = atomic_load_explicit(&ctl->tail, memory_order_acquire);
	return tail <= head && head - tail <= c->map.deliver_size ?
	       head - tail : 0;
}

/* The four records of a client; -1 when they do not all fit. */
static int client(const struct dp_client *c, struct page *p)
{
	if (p->max - p->n < 4)
		return -1;
	put(p, ORDO_ST_CLIENT_BACKLOG_RECORDS, 0, c->name,
	    __atomic_load_n(&c->ovf_records, __ATOMIC_RELAXED));
	put(p, ORDO_ST_CLIENT_BACKLOG_BYTES, 0, c->name, deliver_backlog(c));
	put(p, ORDO_ST_CLIENT_SUBMITTED, 0, c->name,
	    __atomic_load_n(&c->submitted, __ATOMIC_RELAXED));
	put(p, ORDO_ST_CLIENT_DELIVERED, 0, c->name,
	    __atomic_load_n(&c->delivered, __ATOMIC_RELAXED));
	return 0;
}

/* Client workers after the first (their number is fixed at start). */
static unsigned more_cw(const struct ordod_counters_src *src)
{
	unsigned n = src->n_cw < 4 ? src->n_cw : 4;

	return src->cw_read != NULL && n > 1 ? n - 1 : 0;
}

/* The lcores page 0 has no room for: client workers 2.. and rx workers
 * (as many as the ring has, fixed at start). */
static void more_lcores(const struct ordod_counters_src *src, struct page *p)
{
	struct dp_snapshot s;

	for (unsigned k = 1; k <= more_cw(src); k++) {
		struct dp_cw_report c;

		src->cw_read(src->cws[k], &c);
		stages(&c.stages, DP_LCORE_CLIENT_WORKER, p);
	}
	if (src->ring->n_io_rx == 0)
		return;
	dp_ring_read(src->ring, &s);
	for (uint16_t i = 0; i < s.n_rxw; i++)
		stages(&s.rxw[i].stages, DP_LCORE_RX_WORKER, p);
}

size_t ordod_stats(void *arg, uint32_t cursor, struct ordo_cp_stat *out,
		   size_t max, uint32_t *next)
{
	const struct ordod_counters_src *src = arg;
	struct page p = { .out = out, .max = max };
	uint32_t slot = cursor ? cursor - 1 : 0;

	*next = 0;
	if (cursor == CURSOR_LCORES) {
		more_lcores(src, &p);
		return p.n;
	}
	if (cursor == 0)
		global(src, &p);
	for (; slot < DP_GW_MAX_CLIENTS; slot++) {
		const struct dp_client *c = &src->gw->slots[slot];

		if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != DP_SLOT_ACTIVE)
			continue;
		if (client(c, &p) < 0) {
			*next = slot + 1;
			return p.n;
		}
	}
	if (more_cw(src) + src->ring->n_io_rx > 0)
		*next = CURSOR_LCORES;
	return p.n;
}
