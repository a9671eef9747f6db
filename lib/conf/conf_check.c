/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What only the whole file can tell, run by ordo_conf_parser_finish().
 * Spread's own rules (its config_parse.y and membership.c):
 *   - at least one segment with at least one daemon;
 *   - PersonalWindow <= Window, AcceleratedWindow <= PersonalWindow;
 *   - the nine membership timeouts are set all together or not at all.
 * Ours, because each timeout that waits for periodic messages must
 * outlast their period, and because the engine must accept the result:
 *   - HurryTimeout < TokenTimeout: the representative resends a lost
 *     token before the others give up on it;
 *   - AliveTimeout < SegTimeout, JoinTimeout < RepTimeout and
 *     JoinTimeout < GatherTimeout: at least one alive/join message falls
 *     in every wait for them (Spread's defaults all satisfy these);
 *   - the token retransmission interval < TokenTimeout;
 *   - StorePackets >= 4 * Window, SubmitQueueBytes > MaxMessageSize;
 *   - raw Ethernet does not cross routers: one segment only.
 * Errors point at the line of the key that has to change.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/conf/conf_impl.h"

struct tmo {
	const char *key;
	size_t off;
};

static const struct tmo tmos[] = {
	{ "TokenTimeout", offsetof(struct ordo_conf_timeouts, token_ms) },
	{ "HurryTimeout", offsetof(struct ordo_conf_timeouts, hurry_ms) },
	{ "AliveTimeout", offsetof(struct ordo_conf_timeouts, alive_ms) },
	{ "JoinTimeout", offsetof(struct ordo_conf_timeouts, join_ms) },
	{ "RepTimeout", offsetof(struct ordo_conf_timeouts, rep_ms) },
	{ "SegTimeout", offsetof(struct ordo_conf_timeouts, seg_ms) },
	{ "GatherTimeout", offsetof(struct ordo_conf_timeouts, gather_ms) },
	{ "FormTimeout", offsetof(struct ordo_conf_timeouts, form_ms) },
	{ "LookupTimeout", offsetof(struct ordo_conf_timeouts, lookup_ms) },
};

#define N_TMO (sizeof(tmos) / sizeof(tmos[0]))

static uint32_t tmo_value(const struct ordo_conf *c, const char *key)
{
	size_t i;

	for (i = 0; i < N_TMO; i++)
		if (strcmp(tmos[i].key, key) == 0)
			return *(const uint32_t *)((const char *)&c->timeouts +
						   tmos[i].off);
	return 0;
}

static int check_timeouts(struct ordo_conf_parser *p)
{
	static const struct {
		const char *lo, *hi, *why;
	} rules[] = {
		{ "HurryTimeout", "TokenTimeout",
		  "the representative must resend a lost token before the others declare it lost" },
		{ "AliveTimeout", "SegTimeout",
		  "alive messages must be sent more often than a segment waits for them" },
		{ "JoinTimeout", "RepTimeout",
		  "a represented daemon must hear its representative's joins before it gives up" },
		{ "JoinTimeout", "GatherTimeout",
		  "joins must repeat within the gather period" },
	};
	struct ordo_conf *c = p->conf;
	uint32_t n_set = 0, first = 0, line, lo, hi;
	char missing[256];
	size_t i, o = 0;

	missing[0] = '\0';
	for (i = 0; i < N_TMO; i++) {
		line = conf_key_line(p, tmos[i].key);
		if (line) {
			n_set++;
			if (first == 0 || line < conf_key_line(p, tmos[first - 1].key))
				first = (uint32_t)i + 1;
		} else if (o < sizeof(missing)) {
			o += (size_t)snprintf(missing + o, sizeof(missing) - o,
					      "%s%s", o ? ", " : "",
					      tmos[i].key);
		}
	}
	if (n_set == 0)
		return 0;
	if (n_set < N_TMO)
		return conf_error_at(p, conf_key_line(p, tmos[first - 1].key),
				     "%s is set but %s %s not: Spread requires all nine membership timeouts or none",
				     tmos[first - 1].key, missing,
				     N_TMO - n_set == 1 ? "is" : "are");
	c->timeouts_set = true;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		lo = tmo_value(c, rules[i].lo);
		hi = tmo_value(c, rules[i].hi);
		if (lo >= hi)
			return conf_error_at(p, conf_key_line(p, rules[i].lo),
					     "%s (%u ms) must be below %s (%u ms): %s",
					     rules[i].lo, lo, rules[i].hi, hi,
					     rules[i].why);
	}
	return 0;
}

static uint32_t line_of(struct ordo_conf_parser *p, const char *a,
			const char *b)
{
	uint32_t l = conf_key_line(p, a);

	return l ? l : conf_key_line(p, b);
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
	if (!c->token_retransmit_set && c->timeouts_set)
		c->token_retransmit_ns = (uint64_t)c->timeouts.hurry_ms * 1000000;
	if (c->token_retransmit_ns >= (uint64_t)c->timeouts.token_ms * 1000000)
		return conf_error_at(p, line_of(p, "TokenRetransmit",
						"HurryTimeout"),
				     "the token retransmission interval (%llu ns) must be below TokenTimeout (%u ms)",
				     (unsigned long long)c->token_retransmit_ns,
				     c->timeouts.token_ms);
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
		d->has_mac = od->has_mac;
		memcpy(d->mac, od->mac, sizeof(d->mac));
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
