/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Spread_Segment blocks: the ring's members. As in Spread, a daemon's id
 * is its IPv4 address read as a 32-bit number, so the ring order
 * (ascending id) follows from the addresses alone and every daemon
 * computes the same one. Names and addresses are checked for uniqueness
 * as each daemon is read, so the error points at the second use.
 */
#include <errno.h>
#include <string.h>

#include "lib/conf/conf_impl.h"

static bool is_multicast(uint32_t a)
{
	return (a >> 28) == 0xe; /* 224.0.0.0/4 */
}

int conf_segment_arg(struct ordo_conf_parser *p, const struct tok *t)
{
	struct ordo_conf_segment *s = &p->seg;

	memset(s, 0, sizeof(*s));
	s->line = p->line;
	if (t->type != TOK_WORD ||
	    conf_parse_ipv4_port(t->s, &s->mcast_addr, &s->port) < 0)
		return conf_error(p,
				  "Spread_Segment wants a.b.c.d or a.b.c.d:port (port 1..65535), got '%s'",
				  conf_q(t));
	if (s->mcast_addr == 0)
		return conf_error(p, "Spread_Segment address '%s' is unspecified",
				  conf_q(t));
	if (p->conf->n_segments >= ORDO_CONF_MAX_SEGMENTS)
		return conf_error(p, "too many segments (at most %u)",
				  ORDO_CONF_MAX_SEGMENTS);
	return 0;
}

int conf_commit_daemon(struct ordo_conf_parser *p)
{
	struct ordo_conf *c = p->conf;
	struct ordo_conf_daemon *d = &p->dmn;
	char ip[16];
	uint32_t i;

	p->st = ST_IDLE;
	conf_format_ipv4(d->id, ip);
	if (d->id == 0 || d->id == UINT32_MAX || is_multicast(d->id))
		return conf_error_at(p, d->line,
				     "daemon '%s': %s is not a host address (it is its id)",
				     d->name, ip);
	for (i = 0; i < c->n_daemons; i++) {
		if (strcmp(c->daemons[i].name, d->name) == 0)
			return conf_error_at(p, d->line,
					     "daemon name '%s' is used twice (first at line %u)",
					     d->name, c->daemons[i].line);
		if (c->daemons[i].id == d->id)
			return conf_error_at(p, d->line,
					     "address %s of daemon '%s' is already daemon '%s''s (line %u): ids must be unique",
					     ip, d->name, c->daemons[i].name,
					     c->daemons[i].line);
	}
	if (c->n_daemons >= ORDO_MAX_MEMBERS)
		return conf_error_at(p, d->line,
				     "too many daemons: daemon '%s' would be number %u, a ring holds at most %u",
				     d->name, c->n_daemons + 1, ORDO_MAX_MEMBERS);
	d->segment = c->n_segments; /* the segment being read goes there */
	c->daemons[c->n_daemons++] = *d;
	p->seg.n_daemons++;
	return 0;
}

int conf_close_segment(struct ordo_conf_parser *p)
{
	struct ordo_conf *c = p->conf;

	if (p->seg.n_daemons == 0)
		return conf_error_at(p, p->seg.line,
				     "Spread_Segment lists no daemons");
	c->segments[c->n_segments++] = p->seg;
	return 0;
}
