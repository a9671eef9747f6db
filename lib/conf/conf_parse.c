/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Tokens -> statements and blocks. A small state machine fed one token at
 * a time, so it carries a half-read construct across line ends exactly as
 * far as the grammar allows:
 *
 *   statement   Key = value ...      ends at the end of the line, at ';',
 *                                    at '}', or where the next `Key =`
 *                                    starts (so `{ Port = "x"  Lcores = 1 }`
 *                                    fits on one line)
 *               Key                  bare flags (EventTimeStamp)
 *   block       Key { ... }          Ordo
 *               Key <arg> { ... }    Spread_Segment, Daemon, Access
 *               Key = { ... }        DebugFlags
 *   daemon      [name] a.b.c.d [{ [D|C|M ...] a.b.c.d ... }] [;]
 *               inside Spread_Segment, one per line or ';'-separated
 *
 * A '{' may sit on the line after its key. Everything else is one line.
 * What the keys mean is in conf_keys.c; this file only routes tokens.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf/conf_impl.h"

/* ---- messages ---------------------------------------------------------- */

static int verror(struct ordo_conf_parser *p, uint32_t line, const char *fmt,
		  va_list ap)
{
	int n;

	if (p->rc != 0)
		return p->rc;
	if (line > 0)
		n = snprintf(p->err, sizeof(p->err), "%s:%u: ", p->name, line);
	else
		n = snprintf(p->err, sizeof(p->err), "%s: ", p->name);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(p->err))
		vsnprintf(p->err + n, sizeof(p->err) - (size_t)n, fmt, ap);
	p->rc = -EINVAL;
	return p->rc;
}

int conf_error(struct ordo_conf_parser *p, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = verror(p, p->line, fmt, ap);
	va_end(ap);
	return rc;
}

int conf_error_at(struct ordo_conf_parser *p, uint32_t line, const char *fmt,
		  ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = verror(p, line, fmt, ap);
	va_end(ap);
	return rc;
}

const char *conf_quote(const char *s, size_t len, char *out, size_t outlen)
{
	size_t i, o = 0;

	if (outlen == 0)
		return out;
	for (i = 0; i < len && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i >= 40) {
			if (o + 4 <= outlen) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, outlen - o, "\\x%02x", c);
			o += 4;
		}
	}
	out[o] = '\0';
	return out;
}

const char *conf_q(const struct tok *t)
{
	static __thread char ring[4][64];
	static __thread unsigned next;
	char *out = ring[next++ & 3];

	if (t->type == TOK_EOL)
		return "end of line";
	return conf_quote(t->s, t->len, out, 64);
}

/* ---- blocks -------------------------------------------------------------- */

static enum block top(const struct ordo_conf_parser *p)
{
	return p->stack[p->depth];
}

static int open_block(struct ordo_conf_parser *p, enum block b)
{
	if (p->depth + 1 >= sizeof(p->stack) / sizeof(p->stack[0]))
		return conf_error(p, "blocks nested too deeply");
	p->depth++;
	p->stack[p->depth] = b;
	p->stack_line[p->depth] = p->pending_line ? p->pending_line : p->line;
	p->st = ST_IDLE;
	if (b == BLK_DEBUGFLAGS) {
		p->debug_mask = 0; /* Spread: the list is the whole mask */
		p->debug_negate = false;
	} else if (b == BLK_IFACE) {
		p->if_types = 0;
	}
	return 0;
}

static int close_iface(struct ordo_conf_parser *p)
{
	struct ordo_conf_daemon *d = &p->dmn;
	char ip[16];
	uint32_t i;

	if (d->n_ifaces == 0)
		return conf_error(p,
				  "interface block of daemon '%s' lists no interfaces",
				  d->name);
	/* Spread's rule: the daemon's own address must carry daemon
	 * traffic, or its peers could not reach it where they expect. */
	for (i = 0; i < d->n_ifaces; i++)
		if (d->ifaces[i].addr == d->id &&
		    (d->ifaces[i].types & ORDO_CONF_IF_DAEMON))
			break;
	if (i == d->n_ifaces) {
		conf_format_ipv4(d->id, ip);
		return conf_error(p,
				  "interface block of daemon '%s' must list its own address %s for daemon traffic ('D %s')",
				  d->name, ip, ip);
	}
	return conf_commit_daemon(p);
}

static int close_block(struct ordo_conf_parser *p)
{
	enum block b = top(p);
	int rc = 0;

	switch (b) {
	case BLK_TOP:
		return conf_error(p, "unmatched '}'");
	case BLK_SEGMENT:
		rc = conf_close_segment(p);
		break;
	case BLK_IFACE:
		rc = close_iface(p);
		break;
	case BLK_DEBUGFLAGS:
		if (p->debug_negate)
			return conf_error(p, "'!' without a DebugFlags type after it");
		p->conf->debug_flags = p->debug_mask;
		break;
	case BLK_ACCESS:
		if (p->cur_access->n_uids == 0 && p->cur_access->n_gids == 0 &&
		    !p->cur_access->any_uid && !p->cur_access->any_gid)
			return conf_error_at(p, p->stack_line[p->depth],
					     "Access block for '%s' matches nobody: give Uid or Gid (or '*')",
					     p->cur_access->pattern);
		p->cur_access = NULL;
		break;
	case BLK_ODAEMON:
		p->cur_od = NULL;
		break;
	case BLK_ORDO:
	case BLK_MAX:
		break;
	}
	if (rc < 0)
		return rc;
	p->depth--;
	p->st = ST_IDLE;
	return 0;
}

/* ---- statements ---------------------------------------------------------- */

static int apply(struct ordo_conf_parser *p)
{
	const struct conf_key *k = p->key;
	char q[64];

	p->st = ST_IDLE;
	p->key = NULL;
	if (p->vals_overflow)
		return conf_error(p, "too many values for '%s' (at most %u)",
				  k->name, k->max_vals);
	if (p->n_vals < k->min_vals)
		return conf_error(p, "'%s' needs a value", k->name);
	if (p->n_vals > k->max_vals) {
		if (k->max_vals == 0)
			return conf_error(p, "'%s' takes no value, got '%s'",
					  k->name, conf_q(&p->vals[0]));
		return conf_error(p, "'%s' takes %s%u value%s, got '%s' too",
				  k->name, k->min_vals == k->max_vals ? "" : "at most ",
				  k->max_vals, k->max_vals == 1 ? "" : "s",
				  conf_quote(p->vals[k->max_vals].s,
					     p->vals[k->max_vals].len, q, sizeof(q)));
	}
	return k->set(p, k, p->vals, p->n_vals);
}

static bool looks_like_key(const struct tok *t)
{
	size_t i;

	if (t->type != TOK_WORD || t->len == 0)
		return false;
	for (i = 0; i < t->len; i++) {
		char c = t->s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '_'))
			return false;
	}
	return true;
}

static int unknown_key(struct ordo_conf_parser *p, const struct tok *t)
{
	const char *s = conf_key_suggest(t->s);

	if (s != NULL)
		return conf_error(p, "unknown key '%s' (did you mean '%s'?)",
				  conf_q(t), s);
	return conf_error(p, "unknown key '%s'", conf_q(t));
}

static int start_key(struct ordo_conf_parser *p, const struct tok *t)
{
	const struct conf_key *k;
	enum block b = top(p);
	uint32_t i;

	if (t->type != TOK_WORD)
		return conf_error(p, "expected a key, got \"%s\"", conf_q(t));
	k = conf_key_find(t->s);
	if (k == NULL)
		return unknown_key(p, t);
	if (!(k->blocks & BLK_BIT(b))) {
		for (i = 0; i < BLK_MAX; i++)
			if (k->blocks & BLK_BIT(i))
				break;
		return conf_error(p, "'%s' does not belong in %s (it goes in %s)",
				  k->name, conf_block_name(b),
				  conf_block_name((enum block)i));
	}
	i = conf_key_index(k);
	if (p->seen_line[i] != 0 && k->kind != KK_NAMED && !k->repeat)
		return conf_error(p, "duplicate key '%s' (first set at line %u)",
				  k->name, p->seen_line[i]);
	p->seen_line[i] = p->line;
	p->key = k;
	p->key_col = t->col;
	p->n_vals = 0;
	p->vals_overflow = false;
	p->st = ST_KEY;
	return 0;
}

static int feed(struct ordo_conf_parser *p, const struct tok *t);

static int after_key(struct ordo_conf_parser *p, const struct tok *t)
{
	const struct conf_key *k = p->key;
	int rc;

	switch (k->kind) {
	case KK_VALUES:
	case KK_BARE_OR_VALUES:
		if (t->type == TOK_EQUALS) {
			p->st = ST_VALUES;
			return 0;
		}
		if (k->kind == KK_VALUES)
			return conf_error(p, "expected '=' after '%s', got '%s'",
					  k->name, conf_q(t));
		rc = apply(p); /* bare */
		return rc < 0 ? rc : feed(p, t);
	case KK_FLAGS:
		if (t->type != TOK_EQUALS)
			return conf_error(p, "expected '= {' after '%s', got '%s'",
					  k->name, conf_q(t));
		p->st = ST_LBRACE;
		p->pending = k->opens;
		p->pending_line = p->line;
		return 0;
	case KK_BLOCK:
		p->pending = k->opens;
		p->pending_line = p->line;
		p->st = ST_LBRACE;
		if (t->type == TOK_EOL)
			return 0;
		return feed(p, t);
	case KK_NAMED:
		if (t->type != TOK_WORD && t->type != TOK_STRING)
			return conf_error(p, "'%s' needs %s before '{', got '%s'",
					  k->name,
					  k->opens == BLK_SEGMENT ? "an address" :
					  k->opens == BLK_ACCESS ? "a group pattern" :
					  "a name", conf_q(t));
		p->pending = k->opens;
		p->pending_line = p->line;
		p->st = ST_LBRACE;
		return k->arg(p, t);
	}
	return conf_error(p, "internal: key kind");
}

static int in_values(struct ordo_conf_parser *p, const struct tok *t)
{
	const struct tok *last;
	int rc;

	switch (t->type) {
	case TOK_EOL:
	case TOK_SEMI:
		return apply(p);
	case TOK_RBRACE:
		rc = apply(p);
		return rc < 0 ? rc : close_block(p);
	case TOK_LBRACE:
		return conf_error(p, "unexpected '{' in the value of '%s'",
				  p->key->name);
	case TOK_EQUALS:
		/* `A = x B = y`: the word before '=' starts the next
		 * statement, if it can be a key and A keeps a value. */
		if (p->n_vals >= 2 && !p->vals_overflow &&
		    looks_like_key(&p->vals[p->n_vals - 1])) {
			struct tok next = p->vals[--p->n_vals];

			rc = apply(p);
			if (rc < 0)
				return rc;
			rc = start_key(p, &next);
			return rc < 0 ? rc : after_key(p, t);
		}
		last = p->n_vals ? &p->vals[p->n_vals - 1] : NULL;
		if (last == NULL)
			return conf_error(p, "unexpected '=' after '%s ='",
					  p->key->name);
		return conf_error(p,
				  "unexpected '=' after '%s' in the value of '%s' (quote values that contain '=', spaces or '#')",
				  conf_q(last), p->key->name);
	case TOK_WORD:
	case TOK_STRING:
		if (p->n_vals >= CONF_MAX_VALUES) {
			p->vals_overflow = true;
			return 0;
		}
		p->vals[p->n_vals++] = *t;
		return 0;
	}
	return conf_error(p, "internal: token");
}

/* ---- segments: daemon entries and interface blocks ---------------------- */

static int daemon_name(struct ordo_conf_parser *p, const struct tok *t)
{
	struct ordo_conf_daemon *d = &p->dmn;
	uint32_t addr;

	memset(d, 0, sizeof(*d));
	d->line = p->line;
	if (t->type == TOK_WORD && conf_parse_ipv4(t->s, &addr) == 0) {
		/* Spread: an address alone names the daemon after it. */
		memcpy(d->name, t->s, t->len + 1);
		d->id = addr;
		p->st = ST_D_AFTER;
		return 0;
	}
	if (t->len >= ORDO_CONF_NAME_MAX)
		return conf_error(p, "daemon name '%s' is too long (at most %u characters)",
				  conf_q(t), ORDO_CONF_NAME_MAX - 1);
	if (!conf_valid_name(t->s))
		return conf_error(p,
				  "bad daemon name '%s' (letters, digits, '_', '-' and '.' only)",
				  conf_q(t));
	memcpy(d->name, t->s, t->len + 1);
	p->st = ST_D_NAME;
	return 0;
}

static int segment_token(struct ordo_conf_parser *p, const struct tok *t)
{
	uint32_t addr;
	int rc;

	switch (p->st) {
	case ST_IDLE:
		if (t->type == TOK_LBRACE)
			return conf_error(p, "unexpected '{': a daemon entry is '[name] a.b.c.d'");
		return daemon_name(p, t);
	case ST_D_NAME:
		if (t->type == TOK_EOL || t->type == TOK_SEMI ||
		    t->type == TOK_RBRACE)
			return conf_error(p,
					  "daemon '%s' has no address (ordo looks no names up: write '%s a.b.c.d')",
					  p->dmn.name, p->dmn.name);
		if (t->type != TOK_WORD || conf_parse_ipv4(t->s, &addr) < 0)
			return conf_error(p,
					  "daemon '%s': '%s' is not an IPv4 address",
					  p->dmn.name, conf_q(t));
		p->dmn.id = addr;
		p->st = ST_D_AFTER;
		return 0;
	case ST_D_AFTER:
		switch (t->type) {
		case TOK_LBRACE:
			return open_block(p, BLK_IFACE);
		case TOK_EOL:
		case TOK_SEMI:
			return conf_commit_daemon(p);
		case TOK_RBRACE:
			rc = conf_commit_daemon(p);
			return rc < 0 ? rc : close_block(p);
		case TOK_EQUALS:
			return conf_error(p, "unexpected '=' after daemon '%s'",
					  p->dmn.name);
		case TOK_WORD:
			if (strcmp(t->s, "VirtualID") == 0)
				return conf_error(p,
						  "'VirtualID' is not supported by ordo: a daemon's id is its IPv4 address");
			/* fall through */
		case TOK_STRING:
			rc = conf_commit_daemon(p);
			return rc < 0 ? rc : daemon_name(p, t);
		}
		break;
	default:
		break;
	}
	return conf_error(p, "internal: segment state");
}

static int iface_token(struct ordo_conf_parser *p, const struct tok *t)
{
	struct ordo_conf_daemon *d = &p->dmn;
	uint32_t addr;

	if (t->type == TOK_RBRACE) {
		if (p->if_types != 0)
			return conf_error(p, "interface type without an address before '}'");
		return close_block(p);
	}
	if (t->type == TOK_EOL || t->type == TOK_SEMI) {
		if (p->if_types != 0)
			return conf_error(p, "interface type without an address");
		return 0;
	}
	if (t->type != TOK_WORD)
		return conf_error(p,
				  "'%s' is neither an interface type (D, C, M) nor an IPv4 address",
				  conf_q(t));
	if (strcmp(t->s, "D") == 0) {
		p->if_types |= ORDO_CONF_IF_DAEMON;
		return 0;
	}
	if (strcmp(t->s, "C") == 0) {
		p->if_types |= ORDO_CONF_IF_CLIENT;
		return 0;
	}
	if (strcmp(t->s, "M") == 0) {
		p->if_types |= ORDO_CONF_IF_MONITOR;
		return 0;
	}
	if (conf_parse_ipv4(t->s, &addr) < 0)
		return conf_error(p,
				  "'%s' is neither an interface type (D, C, M) nor an IPv4 address",
				  conf_q(t));
	if (addr == 0 || addr == UINT32_MAX || (addr >> 28) == 0xe)
		return conf_error(p, "interface address '%s' is not a host address",
				  conf_q(t));
	if (d->n_ifaces >= ORDO_CONF_MAX_IFACES)
		return conf_error(p, "daemon '%s' has too many interfaces (at most %u)",
				  d->name, ORDO_CONF_MAX_IFACES);
	d->ifaces[d->n_ifaces].addr = addr;
	d->ifaces[d->n_ifaces].types = p->if_types ? p->if_types : ORDO_CONF_IF_ALL;
	d->n_ifaces++;
	p->if_types = 0;
	return 0;
}

/* ---- DebugFlags = { ... } ------------------------------------------------ */

static int flag_token(struct ordo_conf_parser *p, const struct tok *t)
{
	const char *w = t->s;
	bool neg = false, none = false;
	uint32_t bits;

	if (t->type == TOK_RBRACE)
		return close_block(p);
	if (t->type == TOK_EOL || t->type == TOK_SEMI)
		return 0;
	if (t->type != TOK_WORD)
		return conf_error(p, "unexpected '%s' in DebugFlags", conf_q(t));
	if (w[0] == '!') {
		if (p->debug_negate)
			return conf_error(p, "'!!' in DebugFlags");
		neg = true;
		w++;
		if (*w == '\0') {
			p->debug_negate = true;
			return 0;
		}
	}
	if (p->debug_negate) {
		neg = true;
		p->debug_negate = false;
	}
	bits = conf_debug_flag(w, &none);
	if (bits == 0 && !none)
		return conf_error(p,
				  "unknown DebugFlags type '%s' (EXIT PRINT DEBUG DATA_LINK NETWORK PROTOCOL SESSION CONFIGURATION MEMBERSHIP FLOW_CONTROL STATUS EVENTS GROUPS MEMORY SKIPLIST ACM SECURITY ALL NONE)",
				  conf_q(t));
	if (neg)
		p->debug_mask &= ~bits;
	else if (none)
		p->debug_mask = 0;
	else
		p->debug_mask |= bits;
	return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

static int feed(struct ordo_conf_parser *p, const struct tok *t)
{
	enum block b = top(p);

	switch (p->st) {
	case ST_KEY:
		return after_key(p, t);
	case ST_VALUES:
		return in_values(p, t);
	case ST_LBRACE:
		if (t->type == TOK_EOL)
			return 0;
		if (t->type != TOK_LBRACE)
			return conf_error(p, "expected '{' to open %s, got '%s'",
					  conf_block_name(p->pending), conf_q(t));
		{
			int rc = open_block(p, p->pending);

			if (rc == 0 && (p->pending == BLK_ODAEMON ||
					p->pending == BLK_ACCESS))
				conf_keys_reset(p, p->pending);
			p->pending_line = 0;
			return rc;
		}
	case ST_D_NAME:
	case ST_D_AFTER:
		return segment_token(p, t);
	case ST_IDLE:
		break;
	}

	/* ST_IDLE */
	if (b == BLK_SEGMENT) {
		if (t->type == TOK_EOL || t->type == TOK_SEMI)
			return 0;
		if (t->type == TOK_RBRACE)
			return close_block(p);
		if (t->type == TOK_EQUALS)
			return conf_error(p, "unexpected '=' in Spread_Segment (daemon entries are '[name] a.b.c.d')");
		return segment_token(p, t);
	}
	if (b == BLK_IFACE)
		return iface_token(p, t);
	if (b == BLK_DEBUGFLAGS)
		return flag_token(p, t);

	switch (t->type) {
	case TOK_EOL:
	case TOK_SEMI:
		return 0;
	case TOK_RBRACE:
		return close_block(p);
	case TOK_LBRACE:
		return conf_error(p, "unexpected '{'");
	case TOK_EQUALS:
		return conf_error(p, "unexpected '=' without a key");
	case TOK_WORD:
	case TOK_STRING:
		break;
	}
	return start_key(p, t);
}

/* ---- the API ------------------------------------------------------------- */

struct ordo_conf_parser *ordo_conf_parser_init(struct ordo_conf *conf,
					       const char *name)
{
	struct ordo_conf_parser *p;

	if (conf == NULL) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	ordo_conf_init(conf);
	p->conf = conf;
	snprintf(p->name, sizeof(p->name), "%s", name ? name : "<buffer>");
	p->stack[0] = BLK_TOP;
	return p;
}

int ordo_conf_parser_line(struct ordo_conf_parser *p, const char *line,
			  size_t len)
{
	char msg[256];
	uint32_t i;
	int rc;

	if (p->rc != 0)
		return p->rc;
	p->line++;
	if (line == NULL && len > 0)
		return conf_error(p, "no line");
	rc = conf_lex(line ? line : "", len, &p->lx, msg, sizeof(msg));
	if (rc < 0)
		return conf_error(p, "%s", msg);
	for (i = 0; i <= p->lx.n; i++) {
		rc = feed(p, &p->lx.toks[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int ordo_conf_parser_finish(struct ordo_conf_parser *p, char *err,
			    size_t errlen)
{
	int rc;

	if (p == NULL)
		return -EINVAL;
	if (p->rc == 0) {
		if (p->st == ST_LBRACE)
			conf_error_at(p, p->pending_line,
				      "'{' expected to open %s before the end of the file",
				      conf_block_name(p->pending));
		else if (p->depth > 0)
			conf_error_at(p, p->stack_line[p->depth],
				      "%s opened here is never closed with '}'",
				      conf_block_name(top(p)));
		else
			conf_check(p);
	}
	rc = p->rc;
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", rc ? p->err : "");
	free(p);
	return rc;
}

int ordo_conf_parse_buffer(const char *buf, size_t len, const char *name,
			   struct ordo_conf *conf, char *err, size_t errlen)
{
	struct ordo_conf_parser *p;
	size_t i = 0, j;

	p = ordo_conf_parser_init(conf, name);
	if (p == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "out of memory");
		return -errno;
	}
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);

		j = nl ? (size_t)(nl - buf) : len;
		if (ordo_conf_parser_line(p, buf + i, j - i) < 0)
			break;
		i = j + 1;
	}
	return ordo_conf_parser_finish(p, err, errlen);
}
