/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Inside the configuration parser: the context that ordo_conf_parser_*
 * carries from line to line, the tokens of one line, and the helpers the
 * key handlers share. Not part of the API; only lib/conf/ includes it.
 *
 * Shape of lib/conf:
 *   conf_lex.c     one line -> tokens (UTF-8 and control-byte checks,
 *                  quoted strings, comments)
 *   conf_parse.c   tokens -> statements and blocks (a small state machine
 *                  that survives line ends), error messages, the API
 *   conf_keys.c    the key table: which key lives in which block, and the
 *                  handler that converts and stores its values; Spread's
 *                  keys, including the ones ordo refuses and why
 *   conf_segment.c Spread_Segment blocks: daemons, ids, uniqueness
 *   conf_ordo.c    handlers of the Ordo section (Daemon, Access blocks)
 *   conf_value.c   value converters (numbers, sizes, durations, IPv4, ...)
 *   conf_check.c   what only the whole file can tell, at finish
 *   conf_init.c    defaults and enum names
 *   conf_file.c    reading a file
 *   conf_hash.c    the configuration hash carried in every packet
 *   conf_self.c    which daemon we are; lookups by name and id
 *   conf_access.c  the client access policy
 *   conf_format.c  struct -> text that parses back to it
 *   conf_engine.c  struct -> the engine's configuration
 */
#ifndef ORDO_LIB_CONF_IMPL_H
#define ORDO_LIB_CONF_IMPL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/conf/conf.h"

#define CONF_DEFAULT_PORT     4803u /* Spread's default segment port */
#define CONF_MTU_MIN          1500u
#define CONF_MTU_MAX          ORDO_WIRE_MAX_MTU
#define CONF_WINDOW_MAX       65536u
#define CONF_TIMEOUT_MAX_MS   3600000u /* an hour */
#define CONF_STORE_MAX        (1u << 24)
#define CONF_MAX_TOKENS       64u   /* per line */
#define CONF_MAX_VALUES       16u   /* per statement */
#define CONF_MAX_KEYS         64u   /* entries of the key table */

/* ---- tokens (conf_lex.c) ---------------------------------------------- */

enum tok_type {
	TOK_WORD = 1, /* a bare word: keys, numbers, addresses, names */
	TOK_STRING,   /* "quoted", escapes resolved */
	TOK_LBRACE,
	TOK_RBRACE,
	TOK_EQUALS,
	TOK_SEMI,
	TOK_EOL,      /* end of the line: ends a statement */
};

struct tok {
	enum tok_type type;
	const char   *s;   /* NUL-terminated text (in the lexer's buffer) */
	size_t        len;
	uint32_t      col; /* 1-based byte column of its first character */
};

struct lexed_line {
	uint32_t   n;
	struct tok toks[CONF_MAX_TOKENS + 1]; /* + TOK_EOL */
	char       buf[2 * ORDO_CONF_LINE_MAX + CONF_MAX_TOKENS + 2];
};

/* Split one line into tokens. Returns 0, or -EINVAL with a message (no
 * location prefix) in err. */
int conf_lex(const char *line, size_t len, struct lexed_line *out, char *err,
	     size_t errlen);

/* ---- blocks and the parser context (conf_parse.c) --------------------- */

enum block {
	BLK_TOP = 0,
	BLK_SEGMENT,    /* Spread_Segment a.b.c.d:port { ... } */
	BLK_IFACE,      /* a daemon's { D a.b.c.d  C a.b.c.d } */
	BLK_DEBUGFLAGS, /* DebugFlags = { ... } */
	BLK_ORDO,       /* Ordo { ... } */
	BLK_ODAEMON,    /* Ordo { Daemon name { ... } } */
	BLK_ACCESS,     /* Ordo { Access "pattern" { ... } } */
	BLK_MAX
};

#define BLK_BIT(b) (1u << (b))

/* Where the statement machine stands; survives the end of a line only in
 * the states marked (EOL ok). */
enum stmt_state {
	ST_IDLE = 0,   /* expect a key, '}' or a daemon entry (EOL ok) */
	ST_KEY,        /* have a key, expect '=' (or anything, bare keys) */
	ST_VALUES,     /* collecting values up to the end of the statement */
	ST_LBRACE,     /* expect '{' to open a block (EOL ok) */
	ST_D_NAME,     /* segment: have a daemon name, expect its address */
	ST_D_AFTER,    /* segment: have a daemon, maybe '{' (EOL ends it) */
};

struct conf_key;

/* A Daemon block of the Ordo section, merged into its daemon at finish. */
struct odaemon {
	char     name[ORDO_CONF_NAME_MAX];
	uint32_t line;
	uint32_t n_ports;
	char     ports[ORDO_CONF_MAX_PORTS][ORDO_CONF_DEVARGS_MAX];
	char     lcores[ORDO_CONF_LCORES_MAX];
	uint32_t rx_queues;
	bool     has_mac;
	uint8_t  mac[6];
	bool     has_metrics;
	uint32_t metrics_addr;
	uint16_t metrics_port;
};

struct ordo_conf_parser {
	struct ordo_conf *conf;
	char     name[ORDO_CONF_PATH_MAX];
	uint32_t line;         /* of the line being parsed, 1-based */
	int      rc;           /* first error, sticky */
	char     err[512];

	enum block stack[4];   /* open blocks; stack[0] is BLK_TOP */
	uint32_t   stack_line[4];
	uint32_t   depth;

	enum stmt_state st;
	const struct conf_key *key; /* statement in progress */
	uint32_t key_col;
	struct tok vals[CONF_MAX_VALUES];
	uint32_t   n_vals;
	bool       vals_overflow;
	enum block pending;    /* block that '{' opens in ST_LBRACE */
	uint32_t   pending_line;

	/* Key seen (duplicates are errors): line per key, 0 if not yet. */
	uint32_t   seen_line[CONF_MAX_KEYS];
	uint32_t   debug_mask;     /* DebugFlags being built */
	bool       debug_negate;   /* a lone '!' waits for its flag */

	/* Segment under construction. */
	struct ordo_conf_segment seg;
	/* Daemon entry under construction inside it. */
	struct ordo_conf_daemon dmn;
	uint32_t   if_types;       /* interface types waiting for an address */

	/* Ordo { Daemon x { } } and Access blocks. */
	uint32_t   n_odaemons;
	struct odaemon odaemons[ORDO_MAX_MEMBERS];
	struct odaemon *cur_od;
	struct ordo_conf_access *cur_access;

	struct lexed_line lx;
};

/* Record an error at the current line: "name:line: <fmt>". Returns
 * -EINVAL. Only the first error is kept. */
int conf_error(struct ordo_conf_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Same, at another line (0: no line). */
int conf_error_at(struct ordo_conf_parser *p, uint32_t line, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));

/* Quote untrusted text for a message: printable ASCII kept, the rest as
 * \xNN, cut at about 40 characters with "...". Returns out. */
const char *conf_quote(const char *s, size_t len, char *out, size_t outlen);

/* Quote a token into a small rotating buffer, for one message. */
const char *conf_q(const struct tok *t);

/* ---- the key table (conf_keys.c) --------------------------------------- */

enum key_kind {
	KK_VALUES,   /* Key = v1 [v2 ...] */
	KK_BARE_OR_VALUES, /* Key alone, or Key = v ... */
	KK_FLAGS,    /* Key = { FLAG !FLAG ... } */
	KK_BLOCK,    /* Key { ... } */
	KK_NAMED,    /* Key <arg> { ... } */
};

struct conf_key {
	const char   *name;
	uint32_t      blocks;   /* BLK_BIT()s where it may appear */
	enum key_kind kind;
	bool          repeat;   /* may appear more than once (appends) */
	uint8_t       min_vals, max_vals;
	enum block    opens;    /* KK_BLOCK, KK_NAMED, KK_FLAGS */
	/* Store the values (n of them; n == 0 for a bare key). Returns 0 or
	 * the error from conf_error(). */
	int (*set)(struct ordo_conf_parser *p, const struct conf_key *k,
		   const struct tok *v, uint32_t n);
	/* KK_NAMED: take the argument, before '{'. */
	int (*arg)(struct ordo_conf_parser *p, const struct tok *v);
	/* For the generic handlers: where in struct ordo_conf, and range. */
	size_t        off;
	uint64_t      min, max;
};

const struct conf_key *conf_key_find(const char *name);
uint32_t conf_key_index(const struct conf_key *k);
/* Line where a key was set (by name), 0 if it was not. */
uint32_t conf_key_line(const struct ordo_conf_parser *p, const char *name);
/* Forget which keys of a Daemon or Access block were seen: a new block. */
void conf_keys_reset(struct ordo_conf_parser *p, enum block b);
/* Closest key name to a misspelt one, or NULL. */
const char *conf_key_suggest(const char *name);
/* Human name of a block, for messages ("the Ordo section"). */
const char *conf_block_name(enum block b);

/* DebugFlags: one flag word (without '!'); returns its bits or 0. */
uint32_t conf_debug_flag(const char *word, bool *is_none);
/* Name of one DebugFlags bit, or NULL. */
const char *conf_debug_flag_name(uint32_t bit);

/* ---- segments (conf_segment.c) ----------------------------------------- */

int conf_segment_arg(struct ordo_conf_parser *p, const struct tok *t);
/* The daemon entry in p->dmn is complete: check and store it. */
int conf_commit_daemon(struct ordo_conf_parser *p);
/* '}' of a Spread_Segment: store the segment. */
int conf_close_segment(struct ordo_conf_parser *p);

/* ---- the Ordo section's handlers (conf_ordo.c) ------------------------- */

typedef int conf_set_fn(struct ordo_conf_parser *p, const struct conf_key *k,
			const struct tok *v, uint32_t n);
conf_set_fn conf_set_encap, conf_set_idle, conf_set_hugepages,
	conf_set_store, conf_set_msgsize, conf_set_submit, conf_set_retransmit,
	conf_set_port, conf_set_lcores, conf_set_rx_queues, conf_set_mac, conf_set_uid,
	conf_set_gid, conf_set_allow, conf_set_client_ring, conf_set_slow,
	conf_set_crypto, conf_set_metrics;
int conf_odaemon_arg(struct ordo_conf_parser *p, const struct tok *t);
int conf_access_arg(struct ordo_conf_parser *p, const struct tok *t);

/* ---- value converters (conf_value.c) ----------------------------------- */

/* Each returns 0, or -EINVAL after conf_error() naming key and token. */
int conf_val_u32(struct ordo_conf_parser *p, const char *key,
		 const struct tok *t, uint32_t min, uint32_t max,
		 uint32_t *out);
int conf_val_size(struct ordo_conf_parser *p, const char *key,
		  const struct tok *t, uint64_t min, uint64_t max,
		  uint64_t *out);
int conf_val_duration(struct ordo_conf_parser *p, const char *key,
		      const struct tok *t, uint64_t min_ns, uint64_t max_ns,
		      uint64_t *out_ns);
int conf_val_bool(struct ordo_conf_parser *p, const char *key,
		  const struct tok *t, bool *out);
int conf_val_string(struct ordo_conf_parser *p, const char *key,
		    const struct tok *t, char *out, size_t outlen);
int conf_val_path(struct ordo_conf_parser *p, const char *key,
		  const struct tok *t, bool absolute, char *out,
		  size_t outlen);
int conf_val_word(struct ordo_conf_parser *p, const char *key,
		  const struct tok *t, const char *const *words, int *out);

/* Pure parsers, no messages: 0 or -EINVAL. */
int conf_parse_ipv4(const char *s, uint32_t *out);
int conf_parse_ipv4_port(const char *s, uint32_t *addr, uint16_t *port);
int conf_parse_mac(const char *s, uint8_t mac[6]);
int conf_parse_lcores(const char *s);
bool conf_valid_name(const char *s);
void conf_format_ipv4(uint32_t addr, char out[16]);

/* ---- finish (conf_check.c) --------------------------------------------- */

int conf_check(struct ordo_conf_parser *p);

#endif /* ORDO_LIB_CONF_IMPL_H */
