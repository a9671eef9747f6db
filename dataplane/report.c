/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordod's printed lines (report.h).
 */
#include <inttypes.h>
#include <string.h>

#include "dataplane/report.h"

static uint64_t sum_drops(const struct dp_snapshot *s)
{
	uint64_t n = s->tx_no_port;

	for (uint16_t i = 0; i < s->n_ports; i++)
		for (int k = DP_DROP_NONE + 1; k < DP_DROP_MAX; k++)
			if (k != DP_DROP_NOT_ORDO)
				n += s->ports[i].c.drops[k];
	for (int k = 1; k < ORDO_DROP_REASON_MAX; k++)
		n += s->eng.drops[k];
	return n;
}

static void port_sums(const struct dp_snapshot *s, uint64_t *rx, uint64_t *tx,
		      unsigned *up)
{
	*rx = *tx = 0;
	*up = 0;
	for (uint16_t i = 0; i < s->n_ports; i++) {
		*rx += s->ports[i].c.rx_pkts;
		*tx += s->ports[i].c.tx_pkts;
		*up += s->ports[i].up;
	}
}

void report_period(FILE *f, const struct dp_snapshot *prev,
		   const struct dp_snapshot *cur)
{
	double dt = (double)(cur->now_ns - prev->now_ns) / 1e9;
	uint64_t rx0, tx0, rx1, tx1;
	unsigned up0, up1;
	uint64_t dmsg = cur->eng.delivered - prev->eng.delivered;
	uint64_t dbytes = cur->eng.delivered_bytes - prev->eng.delivered_bytes;

	if (dt <= 0)
		return;
	port_sums(prev, &rx0, &tx0, &up0);
	port_sums(cur, &rx1, &tx1, &up1);
	fprintf(f, "ordod: node=%u t=%.1f ports_up=%u/%u rx_pps=%.0f "
		"tx_pps=%.0f members=%u rot_per_s=%.0f delivered=%" PRIu64
		" msgs_per_s=%.0f gbit_per_s=%.3f retrans=%" PRIu64
		" token_retrans=%" PRIu64 " drops=%" PRIu64 " queued=%u\n",
		cur->node_id, (double)cur->now_ns / 1e9, up1, cur->n_ports,
		(double)(rx1 - rx0) / dt, (double)(tx1 - tx0) / dt,
		cur->ring_members,
		(double)(cur->eng.rotations - prev->eng.rotations) / dt,
		cur->eng.delivered, (double)dmsg / dt,
		(double)dbytes * 8 / dt / 1e9, cur->eng.tx_retrans,
		cur->eng.token_retrans, sum_drops(cur), cur->st.submit_queued);
	fflush(f);
}

void report_traffic_done(FILE *f, const struct dp_snapshot *cur)
{
	const struct dp_traffic_report *t = &cur->traffic;
	double el = (double)(t->t_last - t->t_first) / 1e9;

	fprintf(f, "ordod: traffic done node=%u delivered=%" PRIu64
		" expected=%" PRIu64 " bytes=%" PRIu64 " digest=%016" PRIx64
		" fifo_errors=%" PRIu64 " elapsed_s=%.6f msgs_per_s=%.0f"
		" gbit_per_s=%.3f\n",
		cur->node_id, t->delivered, t->expected, t->delivered_bytes,
		t->digest, t->fifo_errors, el,
		el > 0 ? (double)t->delivered / el : 0.0,
		el > 0 ? (double)t->delivered_bytes * 8 / el / 1e9 : 0.0);
	if (t->fifo_errors)
		fprintf(f, "ordod: traffic first fifo error node=%u sender=%u "
			"want_seq=%" PRIu64 " got_seq=%" PRIu64 " at_delivery=%"
			PRIu64 "\n", cur->node_id, t->fifo_sender, t->fifo_want,
			t->fifo_got, t->fifo_at);
	fflush(f);
}

void report_config_mismatch(FILE *f, const struct dp_snapshot *prev,
			    const struct dp_snapshot *cur)
{
	uint32_t from = cur->eng.config_mismatch_from;

	if (cur->eng.drops[ORDO_DROP_CONFIG] == prev->eng.drops[ORDO_DROP_CONFIG])
		return;
	fprintf(f, "ordod: refusing node %u.%u.%u.%u (id %u): it runs another "
		"configuration (hash %08x, ours %08x); %" PRIu64 " packets "
		"refused so far. Give every daemon the same configuration.\n",
		from >> 24, (from >> 16) & 255, (from >> 8) & 255, from & 255,
		from, cur->eng.config_mismatch_hash, cur->config_hash,
		cur->eng.drops[ORDO_DROP_CONFIG]);
	fflush(f);
}

void report_summary(FILE *f, const struct dp_snapshot *s)
{
	const struct ordo_engine_stats *e = &s->eng;

	fprintf(f, "ordod: summary node=%u rx_data=%" PRIu64 " rx_token=%" PRIu64
		" tx_data=%" PRIu64 " tx_token=%" PRIu64 " tx_retrans=%" PRIu64
		" rtr_requested=%" PRIu64 " token_retrans=%" PRIu64
		" rotations=%" PRIu64 " submitted=%" PRIu64 " delivered=%" PRIu64
		" loops=%" PRIu64 " idle_parks=%" PRIu64 " peers_known=%u"
		" announces_rx=%" PRIu64 " announces_bad=%" PRIu64
		" config_changes=%" PRIu64 " members=%u\n",
		s->node_id, e->rx_data, e->rx_token, e->tx_data, e->tx_token,
		e->tx_retrans, e->rtr_requested, e->token_retrans,
		e->rotations, e->submitted, e->delivered, s->loops, s->parks,
		s->peers_known, s->announces_rx, s->announces_bad,
		s->config_changes, s->ring_members);
	for (int k = 1; k < ORDO_DROP_REASON_MAX; k++)
		if (e->drops[k])
			fprintf(f, "ordod: engine drop %s=%" PRIu64 "\n",
				ordo_drop_reason_name(k), e->drops[k]);
	for (uint16_t i = 0; i < s->n_ports; i++) {
		const struct dp_port_counters *c = &s->ports[i].c;

		fprintf(f, "ordod: port %s (%s) link=%s rx=%" PRIu64
			" rx_ordo=%" PRIu64 " tx=%" PRIu64 " tx_mcast=%" PRIu64
			" tx_ucast=%" PRIu64 " link_changes=%" PRIu64
			" redials=%" PRIu64 " faults_contained=%" PRIu64 "\n",
			s->ports[i].name, s->ports[i].driver,
			s->ports[i].up ? "up" : "down", c->rx_pkts, c->rx_ordo,
			c->tx_pkts, c->tx_mcast, c->tx_ucast, c->link_changes,
			c->redials, c->faults);
		for (int k = DP_DROP_NONE + 1; k < DP_DROP_MAX; k++)
			if (c->drops[k])
				fprintf(f, "ordod: port %s drop %s=%" PRIu64 "\n",
					s->ports[i].name, dp_drop_name(k),
					c->drops[k]);
	}
	if (s->tx_no_port)
		fprintf(f, "ordod: drop no_port=%" PRIu64 "\n", s->tx_no_port);
	if (s->frames)
		fprintf(f, "ordod: frames held=%" PRId64 " budget=%" PRId64
			" kept=%" PRIu64 " allocated=%" PRIu64 " released=%"
			PRIu64 " tx_ref=%" PRIu64 " tx_copy=%" PRIu64
			" short=%" PRIu64 "\n", s->frames_held,
			s->frames_budget, s->eng.frames_kept,
			s->eng.frames_alloc, s->eng.frames_released,
			s->frames_tx_ref, s->frames_tx_copy, s->frames_short);
	if (s->crypto)
		fprintf(f, "ordod: crypto sealed=%" PRIu64 " opened=%" PRIu64
			" sending_key=%08x keys=%u key_changes=%" PRIu64
			" key_change_missing=%" PRIu64 "\n", s->seal.sealed,
			s->seal.opened, s->seal.tx_key_id, s->seal.n_keys,
			s->seal.use_applied, s->seal.use_missing);
	if (s->io.on)
		fprintf(f, "ordod: worker lcore=%u rx_handed=%" PRIu64
			" tx_taken=%" PRIu64 " rx_held_turns=%" PRIu64
			" tx_staged_turns=%" PRIu64 " tx_dropped_full=%" PRIu64
			" key_changes=%" PRIu64 " key_changes_lost=%" PRIu64 "\n",
			s->io.lcore, s->io.rx_handed, s->io.tx_taken,
			s->io.rx_held_turns, s->io.tx_staged_turns,
			s->io.tx_dropped, s->io.key_marks, s->io.marks_lost);
	for (uint16_t i = 0; i < s->n_rxw; i++)
		fprintf(f, "ordod: rx_worker queue=%u lcore=%u rx_handed=%"
			PRIu64 " rx_held_turns=%" PRIu64 " busy_frames=%" PRIu64
			" busy_cycles_per_frame=%" PRIu64 "\n", i + 1u,
			s->rxw[i].lcore, s->rxw[i].rx_handed,
			s->rxw[i].rx_held_turns, s->rxw[i].stages.busy_msgs,
			s->rxw[i].stages.busy_msgs ?
				s->rxw[i].stages.busy_cycles /
					s->rxw[i].stages.busy_msgs : 0);
	fflush(f);
}

void report_auth_failures(FILE *f, const struct dp_seal_stats *prev,
			  const struct dp_seal_stats *cur)
{
	for (unsigned i = 0; i < DP_SEAL_OFFENDERS; i++) {
		const struct dp_seal_offender *o = &cur->off[i];
		uint64_t before = 0;

		if (o->fails == 0)
			continue;
		for (unsigned j = 0; j < DP_SEAL_OFFENDERS; j++) {
			const struct dp_seal_offender *q = &prev->off[j];

			if (q->fails && memcmp(q->mac, o->mac, 6) == 0 &&
			    q->fails <= o->fails)
				before = q->fails;
		}
		if (o->fails == before)
			continue;
		fprintf(f, "ordod: refusing frames from %02x:%02x:%02x:%02x:"
			"%02x:%02x: authentication failed, %" PRIu64
			" in the last second\n", o->mac[0], o->mac[1],
			o->mac[2], o->mac[3], o->mac[4], o->mac[5],
			o->fails - before);
	}
	fflush(f);
}
