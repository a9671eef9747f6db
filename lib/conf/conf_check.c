/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What only the whole file can tell, run by ordo_conf_parser_finish().
 * Spread's own rules (its config_parse.y and membership.c):
 *   - at least one segment with at least one daemon;
 *   - PersonalWindow <= Window, AcceleratedWindow <= PersonalWindow.
 * Ours, because each timeout that waits for periodic messages must
 * outlast their period, and because the engine must accept the result:
 *   - TokenTimeout >= 2 x the token retransmission (HurryTimeout, or
 *     TokenRetransmit): the token is resent before it is declared lost;
 *   - GatherTimeout >= 2 x JoinTimeout: a member may miss one join
 *     without being left out;
 *   - StorePackets >= 4 * Window, SubmitQueueBytes > MaxMessageSize;
 *   - raw Ethernet does not cross routers: one segment only.
 * Errors point at the line of the key that has to change.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/conf/conf_impl.h"

static uint32_t line_of(struct ordo_conf_parser *p, const char *a,
			const char *b)
{
	uint32_t l = conf_key_line(p, a);

	return l ? l : conf_key_line(p, b);
}

/* The engine's own rules on its timers, stated here (and proved to agree
 * with the engine's check by tests/conf/fuzz). Each names what it protects:
 * a timeout that waits for periodic messages must outlast their period. */
static int check_timeouts(struct ordo_conf_parser *p)
{
	const struct ordo_conf_timeouts *t = &p->conf->timeouts;

	if (t->join_ms == 0)
		return conf_error_at(p, conf_key_line(p, "JoinTimeout"),
				     "JoinTimeout must be at least 1 ms");
	if (t->lookup_ms == 0)
		return conf_error_at(p, conf_key_line(p, "LookupTimeout"),
				     "LookupTimeout must be at least 1 ms");
	if ((uint64_t)t->gather_ms < 2ull * t->join_ms)
		return conf_error_at(p, line_of(p, "GatherTimeout", "JoinTimeout"),
				     "GatherTimeout (%u ms) must be at least twice JoinTimeout (%u ms): a member may miss one join without being left out",
				     t->gather_ms, t->join_ms);
	return 0;
}

static int check_windows(struct ordo_conf_parser *p)
{
	struct ordo_conf *c = p->conf;

	if (c->personal_window > c->window)
		return conf_error_at(p, line_of(p, "PersonalWindow", "Window"),
				     "PersonalWindow (%u) exceeds Window (%u)",
				     c->personal_window, c->window);
	if (!c->accelerated_ring) {
		if (conf_key_line(p, "AcceleratedWindow"))
			return conf_error_at(p, conf_key_line(p, "AcceleratedWindow"),
					     "AcceleratedWindow has no effect with AcceleratedRing = no");
		c->accel_window = 0; /* the original ring: all before passing */
	} else if (c->accel_window > c->personal_window) {
		return conf_error_at(p, line_of(p, "AcceleratedWindow",
						"PersonalWindow"),
				     "AcceleratedWindow (%u) exceeds PersonalWindow (%u)",
				     c->accel_window, c->personal_window);
	}
	/* The engine's rule: stability trails by up to two rotations. */
	if ((uint64_t)c->store_packets < 4ull * c->window)
		return conf_error_at(p, line_of(p, "StorePackets", "Window"),
				     "StorePackets (%u) must be at least 4 * Window (%u)",
				     c->store_packets, 4 * c->window);
	if ((uint64_t)c->submit_bytes < (uint64_t)c->max_msg_size + 64)
		return conf_error_at(p, line_of(p, "SubmitQueueBytes",
						"MaxMessageSize"),
				     "SubmitQueueBytes (%u) cannot hold one MaxMessageSize (%u) message: make it at least %llu",
				     c->submit_bytes, c->max_msg_size,
				     (unsigned long long)c->max_msg_size + 64);
	return 0;
}

static int check_token_retransmit(struct ordo_conf_parser *p)
{
	struct ordo_conf *c = p->conf;

	/* Spread's HurryTimeout is its token retransmission; ours is finer
	 * (TokenRetransmit) and wins when given. */
	if (!c->token_retransmit_set)
		c->token_retransmit_ns = (uint64_t)c->timeouts.hurry_ms * 1000000;
	if (c->token_retransmit_ns == 0)
		return conf_error_at(p, line_of(p, "TokenRetransmit",
						"HurryTimeout"),
				     "the token retransmission interval must not be 0");
	/* The engine's rule: the token is resent at least once before it
	 * is declared lost. */
	if (2 * c->token_retransmit_ns > (uint64_t)c->timeouts.token_ms * 1000000)
		return conf_error_at(p, line_of(p, "TokenRetransmit",
						"HurryTimeout"),
				     "TokenTimeout (%u ms) must be at least twice the token retransmission interval (%llu ns): the token is resent before it is declared lost",
				     c->timeouts.token_ms,
				     (unsigned long long)c->token_retransmit_ns);
	return 0;
}

static int merge_dataplane(struct ordo_conf_parser *p)
{
	struct ordo_conf *c = p->conf;
	struct ordo_conf_daemon *d;
	uint32_t i;
	int k;

	for (i = 0; i < p->n_odaemons; i++) {
		const struct odaemon *od = &p->odaemons[i];

		k = ordo_conf_daemon_by_name(c, od->name);
		if (k < 0)
			return conf_error_at(p, od->line,
					     "Daemon block for '%s': no Spread_Segment lists a daemon of that name",
					     od->name);
		d = &c->daemons[k];
		d->has_dataplane = true;
		d->n_ports = od->n_ports;
		memcpy(d->ports, od->ports, sizeof(d->ports));
		memcpy(d->port, od->ports[0], sizeof(d->port));
		memcpy(d->lcores, od->lcores, sizeof(d->lcores));
		d->rx_queues = od->rx_queues;
		d->has_mac = od->has_mac;
		memcpy(d->mac, od->mac, sizeof(d->mac));
		d->has_metrics = od->has_metrics;
		d->metrics_addr = od->metrics_addr;
		d->metrics_port = od->metrics_port;
	}
	return 0;
}

static void sort_ring(struct ordo_conf *c)
{
	struct ordo_conf_daemon tmp;
	uint32_t i, j;

	for (i = 1; i < c->n_daemons; i++) {
		tmp = c->daemons[i];
		for (j = i; j > 0 && c->daemons[j - 1].id > tmp.id; j--)
			c->daemons[j] = c->daemons[j - 1];
		c->daemons[j] = tmp;
	}
}

int conf_check(struct ordo_conf_parser *p)
{
	struct ordo_conf *c = p->conf;
	int n;

	if (c->n_segments == 0)
		return conf_error_at(p, 0,
				     "no Spread_Segment: a configuration lists at least one segment and its daemons");
	if (check_timeouts(p) < 0 || check_windows(p) < 0 ||
	    check_token_retransmit(p) < 0 || merge_dataplane(p) < 0)
		return p->rc;
	if (c->encap == ORDO_ENCAP_ETHERNET && c->n_segments > 1)
		return conf_error_at(p, conf_key_line(p, "Encap"),
				     "Encap = ethernet needs all daemons in one Spread_Segment (raw frames do not cross routers), this file has %u; use Encap = udp",
				     c->n_segments);
	if (c->client_socket[0] == '\0') {
		n = snprintf(c->client_socket, sizeof(c->client_socket),
			     "%s/ordo.sock", c->runtime_dir);
		if (n < 0 || (size_t)n >= sizeof(c->client_socket))
			return conf_error_at(p, conf_key_line(p, "RuntimeDir"),
					     "RuntimeDir is too long to hold ordo.sock");
	}
	sort_ring(c);
	return 0;
}
