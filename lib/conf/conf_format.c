/* SPDX-License-Identifier: BSD-3-Clause
 *
 * struct ordo_conf -> configuration text that parses back to the same
 * struct (for what the parser produced): `ordoctl conf show` prints it,
 * and the fuzzer checks the round trip on every input it accepts.
 * Defaults are spelled out, so the text also documents what is in force.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/conf/conf_impl.h"

struct out {
	char  *buf;
	size_t len; /* capacity */
	size_t pos; /* bytes wanted so far */
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->pos < o->len ? o->buf + o->pos : NULL,
		      o->pos < o->len ? o->len - o->pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

/* A quoted string with \" and \\ escaped. */
static void put_str(struct out *o, const char *s)
{
	put(o, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			put(o, "\\%c", *s);
		else
			put(o, "%c", *s);
	}
	put(o, "\"");
}

static void put_daemon(struct out *o, const struct ordo_conf_daemon *d)
{
	char ip[16], ifip[16];
	uint32_t addr, i;

	conf_format_ipv4(d->id, ip);
	/* A daemon listed by address alone is named after it. */
	if (conf_parse_ipv4(d->name, &addr) == 0 && addr == d->id)
		put(o, "\t%s", ip);
	else
		put(o, "\t%s %s", d->name, ip);
	if (d->n_ifaces == 0) {
		put(o, "\n");
		return;
	}
	put(o, " {\n");
	for (i = 0; i < d->n_ifaces && i < ORDO_CONF_MAX_IFACES; i++) {
		uint32_t t = d->ifaces[i].types;

		conf_format_ipv4(d->ifaces[i].addr, ifip);
		put(o, "\t\t");
		if (t != ORDO_CONF_IF_ALL)
			put(o, "%s%s%s", t & ORDO_CONF_IF_DAEMON ? "D " : "",
			    t & ORDO_CONF_IF_CLIENT ? "C " : "",
			    t & ORDO_CONF_IF_MONITOR ? "M " : "");
		put(o, "%s\n", ifip);
	}
	put(o, "\t}\n");
}

static void put_segments(struct out *o, const struct ordo_conf *c)
{
	char ip[16];
	uint32_t s, i;

	for (s = 0; s < c->n_segments && s < ORDO_CONF_MAX_SEGMENTS; s++) {
		conf_format_ipv4(c->segments[s].mcast_addr, ip);
		put(o, "Spread_Segment %s:%u {\n", ip, c->segments[s].port);
		for (i = 0; i < c->n_daemons && i < ORDO_MAX_MEMBERS; i++)
			if (c->daemons[i].segment == s)
				put_daemon(o, &c->daemons[i]);
		put(o, "}\n\n");
	}
}

static void put_spread(struct out *o, const struct ordo_conf *c)
{
	const struct ordo_conf_timeouts *t = &c->timeouts;
	uint32_t bit;

	put(o, "DebugFlags = {");
	if (c->debug_flags == ORDO_DBG_ALL) {
		put(o, " ALL");
	} else {
		for (bit = 1; bit & ORDO_DBG_ALL; bit <<= 1)
			if (c->debug_flags & bit)
				put(o, " %s", conf_debug_flag_name(bit));
	}
	put(o, " }\n");
	put(o, "EventPriority = %s\n",
	    ordo_conf_priority_name(c->event_priority));
	if (c->event_log_file[0]) {
		put(o, "EventLogFile = ");
		put_str(o, c->event_log_file);
		put(o, "\n");
	}
	if (c->event_timestamp) {
		put(o, "EventTimeStamp");
		if (c->event_timestamp_format[0]) {
			put(o, " = ");
			put_str(o, c->event_timestamp_format);
		}
		put(o, "\n");
	}
	if (c->event_precise_timestamp)
		put(o, "EventPreciseTimeStamp\n");
	put(o, "RuntimeDir = ");
	put_str(o, c->runtime_dir);
	put(o, "\n");
	if (c->daemon_user[0])
		put(o, "DaemonUser = %s\n", c->daemon_user);
	if (c->daemon_group[0])
		put(o, "DaemonGroup = %s\n", c->daemon_group);
	put(o, "MaxSessionMessages = %u\n", c->max_session_messages);
	put(o, "Window = %u\nPersonalWindow = %u\n", c->window,
	    c->personal_window);
	put(o, "AcceleratedRing = %s\n", c->accelerated_ring ? "yes" : "no");
	if (c->accelerated_ring)
		put(o, "AcceleratedWindow = %u\n", c->accel_window);
	put(o,
	    "TokenTimeout = %u\nHurryTimeout = %u\nJoinTimeout = %u\n"
	    "GatherTimeout = %u\nLookupTimeout = %u\n",
	    t->token_ms, t->hurry_ms, t->join_ms, t->gather_ms, t->lookup_ms);
}

static void put_ids(struct out *o, const char *key, bool any,
		    const uint32_t *ids, uint32_t n)
{
	uint32_t i;

	if (!any && n == 0)
		return;
	put(o, "\t\t%s =", key);
	for (i = 0; i < n && i < ORDO_CONF_MAX_IDS; i++)
		put(o, " %u", ids[i]);
	if (any)
		put(o, " *");
	put(o, "\n");
}

static void put_metrics(struct out *o, const char *indent, uint32_t addr,
			uint16_t port)
{
	if (port == 0)
		put(o, "%sMetricsListen = none\n", indent);
	else
		put(o, "%sMetricsListen = %u.%u.%u.%u:%u\n", indent, addr >> 24,
		    (addr >> 16) & 255, (addr >> 8) & 255, addr & 255, port);
}

static void put_ordo(struct out *o, const struct ordo_conf *c)
{
	uint32_t i, j;

	put(o, "\nOrdo {\n");
	put(o, "\tMtu = %u\n\tEncap = %s\n\tClientSocket = ", c->mtu,
	    ordo_conf_encap_name(c->encap));
	put_str(o, c->client_socket);
	put(o, "\n");
	if (c->hugepage_dir[0]) {
		put(o, "\tHugepages = ");
		put_str(o, c->hugepage_dir);
		if (c->hugepage_bytes)
			put(o, " %llu", (unsigned long long)c->hugepage_bytes);
		put(o, "\n");
	}
	put(o, "\tIdleStrategy = %s\n", ordo_conf_idle_name(c->idle));
	put(o, "\tStorePackets = %u\n\tMaxMessageSize = %u\n"
	    "\tSubmitQueueBytes = %u\n", c->store_packets, c->max_msg_size,
	    c->submit_bytes);
	if (c->token_retransmit_set)
		put(o, "\tTokenRetransmit = %lluns\n",
		    (unsigned long long)c->token_retransmit_ns);
	put(o, "\tMaxClients = %u\n\tClientSubmitBytes = %u\n"
	    "\tClientDeliverBytes = %u\n\tSlowConsumer = %s\n",
	    c->max_clients, c->client_submit_bytes, c->client_deliver_bytes,
	    ordo_conf_slow_name(c->slow_consumer));
	put(o, "\tCrypto = %s\n\tKeyFile = ", ordo_conf_crypto_name(c->crypto));
	put_str(o, c->key_file);
	put(o, "\n");
	if (c->metrics_set)
		put_metrics(o, "\t", c->metrics_addr, c->metrics_port);

	for (i = 0; i < c->n_daemons && i < ORDO_MAX_MEMBERS; i++) {
		const struct ordo_conf_daemon *d = &c->daemons[i];

		if (!d->has_dataplane)
			continue;
		put(o, "\n\tDaemon %s {\n", d->name);
		for (j = 0; j < d->n_ports && j < ORDO_CONF_MAX_PORTS; j++) {
			put(o, "\t\tPort = ");
			put_str(o, d->ports[j]);
			put(o, "\n");
		}
		if (d->lcores[0])
			put(o, "\t\tLcores = %s\n", d->lcores);
		if (d->rx_queues > 1)
			put(o, "\t\tRxQueues = %u\n", d->rx_queues);
		if (d->has_metrics)
			put_metrics(o, "\t\t", d->metrics_addr, d->metrics_port);
		if (d->has_mac)
			put(o, "\t\tMac = %02x:%02x:%02x:%02x:%02x:%02x\n",
			    d->mac[0], d->mac[1], d->mac[2], d->mac[3],
			    d->mac[4], d->mac[5]);
		put(o, "\t}\n");
	}
	for (i = 0; i < c->n_access && i < ORDO_CONF_MAX_ACCESS; i++) {
		const struct ordo_conf_access *a = &c->access[i];

		put(o, "\n\tAccess ");
		put_str(o, a->pattern);
		put(o, " {\n");
		put_ids(o, "Uid", a->any_uid, a->uids, a->n_uids);
		put_ids(o, "Gid", a->any_gid, a->gids, a->n_gids);
		if (a->allow == 0)
			put(o, "\t\tAllow = none\n");
		else
			put(o, "\t\tAllow =%s%s\n",
			    a->allow & ORDO_ACCESS_JOIN ? " join" : "",
			    a->allow & ORDO_ACCESS_SEND ? " send" : "");
		put(o, "\t}\n");
	}
	put(o, "}\n");
}

size_t ordo_conf_format(const struct ordo_conf *c, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (buf != NULL && len > 0)
		buf[0] = '\0';
	put(&o, "# ordo configuration, hash %08x\n\n", ordo_conf_hash(c));
	put_segments(&o, c);
	put_spread(&o, c);
	put_ordo(&o, c);
	return o.pos;
}
