/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The Ordo section: what Spread has no word for. The dataplane (MTU,
 * encapsulation, hugepages, DPDK port and lcores per daemon), the
 * engine's memory (store, message and queue sizes), the idle strategy,
 * and the access policy the control plane applies to clients after
 * reading their credentials with SO_PEERCRED.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/conf/conf_impl.h"

int conf_set_encap(struct ordo_conf_parser *p, const struct conf_key *k,
		   const struct tok *v, uint32_t n)
{
	static const char *const words[] = { "ethernet", "udp", NULL };
	int w;

	(void)n;
	if (conf_val_word(p, k->name, &v[0], words, &w) < 0)
		return p->rc;
	p->conf->encap = w == 0 ? ORDO_ENCAP_ETHERNET : ORDO_ENCAP_UDP;
	return 0;
}

int conf_set_idle(struct ordo_conf_parser *p, const struct conf_key *k,
		  const struct tok *v, uint32_t n)
{
	static const char *const words[] = { "spin", "yield", "backoff", NULL };
	int w;

	(void)n;
	if (conf_val_word(p, k->name, &v[0], words, &w) < 0)
		return p->rc;
	p->conf->idle = (enum ordo_conf_idle)(w + 1);
	return 0;
}

int conf_set_hugepages(struct ordo_conf_parser *p, const struct conf_key *k,
		       const struct tok *v, uint32_t n)
{
	if (conf_val_path(p, k->name, &v[0], true, p->conf->hugepage_dir,
			  ORDO_CONF_PATH_MAX) < 0)
		return p->rc;
	if (n < 2)
		return 0;
	return conf_val_size(p, k->name, &v[1], 2u << 20, 1ull << 40,
			     &p->conf->hugepage_bytes);
}

int conf_set_store(struct ordo_conf_parser *p, const struct conf_key *k,
		   const struct tok *v, uint32_t n)
{
	uint32_t s;

	(void)n;
	if (conf_val_u32(p, k->name, &v[0], 64, CONF_STORE_MAX, &s) < 0)
		return p->rc;
	if (s & (s - 1))
		return conf_error(p, "'%s' must be a power of two, got '%s'",
				  k->name, conf_q(&v[0]));
	p->conf->store_packets = s;
	return 0;
}

int conf_set_msgsize(struct ordo_conf_parser *p, const struct conf_key *k,
		     const struct tok *v, uint32_t n)
{
	uint64_t b;

	(void)n;
	if (conf_val_size(p, k->name, &v[0], 1, ORDO_CONF_MSG_SIZE_MAX,
			  &b) < 0)
		return p->rc;
	p->conf->max_msg_size = (uint32_t)b;
	return 0;
}

int conf_set_submit(struct ordo_conf_parser *p, const struct conf_key *k,
		    const struct tok *v, uint32_t n)
{
	uint64_t b;

	(void)n;
	if (conf_val_size(p, k->name, &v[0], 4096, UINT32_MAX, &b) < 0)
		return p->rc;
	p->conf->submit_bytes = (uint32_t)b;
	return 0;
}

/* ClientSubmitBytes / ClientDeliverBytes: one client's ring, a power of
 * two because ring offsets are masks (include/ordo/client_ring.h). */
int conf_set_client_ring(struct ordo_conf_parser *p, const struct conf_key *k,
			 const struct tok *v, uint32_t n)
{
	uint64_t b;

	(void)n;
	if (conf_val_size(p, k->name, &v[0], ORDO_CONF_CRING_MIN,
			  ORDO_CONF_CRING_MAX, &b) < 0)
		return p->rc;
	if (b & (b - 1))
		return conf_error(p, "'%s' must be a power of two, got '%s'",
				  k->name, conf_q(&v[0]));
	if (strcmp(k->name, "ClientSubmitBytes") == 0)
		p->conf->client_submit_bytes = (uint32_t)b;
	else
		p->conf->client_deliver_bytes = (uint32_t)b;
	return 0;
}

int conf_set_slow(struct ordo_conf_parser *p, const struct conf_key *k,
		  const struct tok *v, uint32_t n)
{
	static const char *const words[] = { "disconnect", "block", NULL };
	int w;

	(void)n;
	if (conf_val_word(p, k->name, &v[0], words, &w) < 0)
		return p->rc;
	p->conf->slow_consumer = w == 0 ? ORDO_SLOW_DISCONNECT : ORDO_SLOW_BLOCK;
	return 0;
}

/* Crypto: sealed frames (the default) or, on a LAN no one else can reach,
 * frames in the clear. */
int conf_set_crypto(struct ordo_conf_parser *p, const struct conf_key *k,
		    const struct tok *v, uint32_t n)
{
	static const char *const words[] = { "aes256gcm", "none", NULL };
	int w;

	(void)n;
	if (conf_val_word(p, k->name, &v[0], words, &w) < 0)
		return p->rc;
	p->conf->crypto = w == 0 ? ORDO_CRYPTO_AES256GCM : ORDO_CRYPTO_NONE;
	return 0;
}

int conf_set_retransmit(struct ordo_conf_parser *p, const struct conf_key *k,
			const struct tok *v, uint32_t n)
{
	(void)n;
	if (conf_val_duration(p, k->name, &v[0], 1000, 10000000000ull,
			      &p->conf->token_retransmit_ns) < 0)
		return p->rc;
	p->conf->token_retransmit_set = true;
	return 0;
}

/* MetricsListen = a.b.c.d:port | none, in the Ordo section (every daemon)
 * or a Daemon block (that one; it wins). The port is required: there is
 * no well-known one to guess. */
int conf_set_metrics(struct ordo_conf_parser *p, const struct conf_key *k,
		     const struct tok *v, uint32_t n)
{
	bool in_daemon = p->stack[p->depth] == BLK_ODAEMON;
	uint32_t addr = 0;
	uint16_t port = 0;

	(void)n;
	if (!in_daemon && p->conf->metrics_set)
		return conf_error(p, "'%s' is given twice in the Ordo section",
				  k->name);
	if (strcmp(v[0].s, "none") != 0 &&
	    (v[0].type != TOK_WORD || strchr(v[0].s, ':') == NULL ||
	     conf_parse_ipv4_port(v[0].s, &addr, &port) < 0))
		return conf_error(p,
				  "'%s' wants a.b.c.d:port (port 1..65535) or none, got '%s'",
				  k->name, conf_q(&v[0]));
	if (port != 0 && (addr == UINT32_MAX || (addr >> 28) == 0xe))
		return conf_error(p, "'%s' %s is not an address to listen on",
				  k->name, conf_q(&v[0]));
	if (in_daemon) {
		p->cur_od->has_metrics = true;
		p->cur_od->metrics_addr = addr;
		p->cur_od->metrics_port = port;
	} else {
		p->conf->metrics_set = true;
		p->conf->metrics_addr = addr;
		p->conf->metrics_port = port;
	}
	return 0;
}

bool ordo_conf_metrics_listen(const struct ordo_conf *c, int self,
			      uint32_t *addr, uint16_t *port)
{
	const struct ordo_conf_daemon *d =
		self >= 0 && (uint32_t)self < c->n_daemons ? &c->daemons[self] :
							     NULL;

	if (d != NULL && d->has_metrics) {
		*addr = d->metrics_addr;
		*port = d->metrics_port;
	} else {
		*addr = c->metrics_addr;
		*port = c->metrics_port;
	}
	return *port != 0;
}

/* ---- Daemon <name> { ... } ------------------------------------------------ */

int conf_odaemon_arg(struct ordo_conf_parser *p, const struct tok *t)
{
	struct odaemon *od;
	uint32_t i;

	if (t->len >= ORDO_CONF_NAME_MAX || !conf_valid_name(t->s))
		return conf_error(p, "Daemon wants a daemon's name, got '%s'",
				  conf_q(t));
	for (i = 0; i < p->n_odaemons; i++)
		if (strcmp(p->odaemons[i].name, t->s) == 0)
			return conf_error(p,
					  "second Daemon block for '%s' (first at line %u)",
					  t->s, p->odaemons[i].line);
	if (p->n_odaemons >= ORDO_MAX_MEMBERS)
		return conf_error(p, "too many Daemon blocks (at most %u)",
				  ORDO_MAX_MEMBERS);
	od = &p->odaemons[p->n_odaemons++];
	memset(od, 0, sizeof(*od));
	memcpy(od->name, t->s, t->len + 1);
	od->line = p->line;
	p->cur_od = od;
	return 0;
}

int conf_set_port(struct ordo_conf_parser *p, const struct conf_key *k,
		  const struct tok *v, uint32_t n)
{
	struct odaemon *od = p->cur_od;

	(void)n;
	/* DPDK devargs: "0000:3b:00.0", "net_af_xdp0,iface=veth0", ... The
	 * EAL judges the rest; we only keep them whole. Each Port line adds
	 * one, like ordod's repeated --port. */
	if (od->n_ports >= ORDO_CONF_MAX_PORTS)
		return conf_error(p, "daemon '%s' has too many ports (at most %u)",
				  od->name, ORDO_CONF_MAX_PORTS);
	if (conf_val_string(p, k->name, &v[0], od->ports[od->n_ports],
			    ORDO_CONF_DEVARGS_MAX) < 0)
		return p->rc;
	od->n_ports++;
	return 0;
}

int conf_set_rx_queues(struct ordo_conf_parser *p, const struct conf_key *k,
		       const struct tok *v, uint32_t n)
{
	(void)n;
	if (conf_val_u32(p, k->name, &v[0], 1, ORDO_CONF_RX_QUEUES_MAX,
			 &p->cur_od->rx_queues) < 0)
		return p->rc;
	return 0;
}

int conf_set_lcores(struct ordo_conf_parser *p, const struct conf_key *k,
		    const struct tok *v, uint32_t n)
{
	(void)n;
	if (conf_val_string(p, k->name, &v[0], p->cur_od->lcores,
			    ORDO_CONF_LCORES_MAX) < 0)
		return p->rc;
	if (conf_parse_lcores(p->cur_od->lcores) < 0)
		return conf_error(p,
				  "'%s' wants a DPDK lcore list such as 2 or 2,4 or 2-5 (ids below 1024), got '%s'",
				  k->name, conf_q(&v[0]));
	return 0;
}

int conf_set_mac(struct ordo_conf_parser *p, const struct conf_key *k,
		 const struct tok *v, uint32_t n)
{
	(void)n;
	if (conf_parse_mac(v[0].s, p->cur_od->mac) < 0)
		return conf_error(p, "'%s' wants xx:xx:xx:xx:xx:xx, got '%s'",
				  k->name, conf_q(&v[0]));
	if (p->cur_od->mac[0] & 1)
		return conf_error(p, "'%s' %s is a multicast address", k->name,
				  conf_q(&v[0]));
	p->cur_od->has_mac = true;
	return 0;
}

/* ---- Access "<pattern>" { ... } -------------------------------------------- */

int conf_access_arg(struct ordo_conf_parser *p, const struct tok *t)
{
	struct ordo_conf_access *a;
	size_t i;

	if (t->len == 0 || t->len >= ORDO_CONF_PATTERN_MAX)
		return conf_error(p, "Access wants a group pattern of 1..%u characters, got '%s'",
				  ORDO_CONF_PATTERN_MAX - 1, conf_q(t));
	for (i = 0; i < t->len; i++)
		if (t->s[i] <= ' ' || t->s[i] > '~' || t->s[i] == '"')
			return conf_error(p,
					  "Access pattern '%s' holds a character group names cannot (printable ASCII, no space or '\"')",
					  conf_q(t));
	if (p->conf->n_access >= ORDO_CONF_MAX_ACCESS)
		return conf_error(p, "too many Access blocks (at most %u)",
				  ORDO_CONF_MAX_ACCESS);
	a = &p->conf->access[p->conf->n_access++];
	memset(a, 0, sizeof(*a));
	memcpy(a->pattern, t->s, t->len + 1);
	a->allow = ORDO_ACCESS_ALL;
	a->line = p->line;
	p->cur_access = a;
	return 0;
}

static int set_ids(struct ordo_conf_parser *p, const struct conf_key *k,
		   const struct tok *v, uint32_t n, bool *any, uint32_t *ids,
		   uint32_t *n_ids)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].s, "*") == 0 && v[i].type == TOK_WORD) {
			*any = true;
			continue;
		}
		/* Numbers only: names would make the result depend on this
		 * host's passwd file at the time of parsing. */
		if (conf_val_u32(p, k->name, &v[i], 0, UINT32_MAX - 1,
				 &ids[*n_ids]) < 0)
			return p->rc;
		(*n_ids)++;
	}
	return 0;
}

int conf_set_uid(struct ordo_conf_parser *p, const struct conf_key *k,
		 const struct tok *v, uint32_t n)
{
	struct ordo_conf_access *a = p->cur_access;

	return set_ids(p, k, v, n, &a->any_uid, a->uids, &a->n_uids);
}

int conf_set_gid(struct ordo_conf_parser *p, const struct conf_key *k,
		 const struct tok *v, uint32_t n)
{
	struct ordo_conf_access *a = p->cur_access;

	return set_ids(p, k, v, n, &a->any_gid, a->gids, &a->n_gids);
}

int conf_set_allow(struct ordo_conf_parser *p, const struct conf_key *k,
		   const struct tok *v, uint32_t n)
{
	static const char *const words[] = { "join", "send", "none", NULL };
	uint32_t i, allow = 0;
	int w;

	for (i = 0; i < n; i++) {
		if (conf_val_word(p, k->name, &v[i], words, &w) < 0)
			return p->rc;
		if (w == 2 && n > 1)
			return conf_error(p, "'%s = none' stands alone", k->name);
		allow |= w == 0 ? ORDO_ACCESS_JOIN :
			 w == 1 ? ORDO_ACCESS_SEND : 0;
	}
	p->cur_access->allow = allow;
	return 0;
}
