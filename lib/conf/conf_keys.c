/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The key table: every key the file may hold, the block it belongs to,
 * how many values it takes and the handler that stores them. Spread's
 * keys keep Spread's names and units; the Ordo section is ours
 * (handlers in conf_ordo.c). A Spread key that means nothing to ordo is
 * still listed, with a handler that says why it is refused: a file
 * written for Spread fails loudly, never half-applies.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/conf/conf_impl.h"

#define OFF(field) offsetof(struct ordo_conf, field)
#define TOP  BLK_BIT(BLK_TOP)
#define ORDO BLK_BIT(BLK_ORDO)
#define ODMN BLK_BIT(BLK_ODAEMON)
#define ACC  BLK_BIT(BLK_ACCESS)

/* ---- generic handlers ---------------------------------------------------- */

static int set_u32(struct ordo_conf_parser *p, const struct conf_key *k,
		   const struct tok *v, uint32_t n)
{
	(void)n;
	return conf_val_u32(p, k->name, &v[0], (uint32_t)k->min,
			    (uint32_t)k->max,
			    (uint32_t *)((char *)p->conf + k->off));
}

static int set_bool(struct ordo_conf_parser *p, const struct conf_key *k,
		    const struct tok *v, uint32_t n)
{
	(void)n;
	return conf_val_bool(p, k->name, &v[0],
			     (bool *)((char *)p->conf + k->off));
}

static int set_abs_path(struct ordo_conf_parser *p, const struct conf_key *k,
			const struct tok *v, uint32_t n)
{
	(void)n;
	return conf_val_path(p, k->name, &v[0], true,
			     (char *)p->conf + k->off, ORDO_CONF_PATH_MAX);
}

static int set_timeout(struct ordo_conf_parser *p, const struct conf_key *k,
		       const struct tok *v, uint32_t n)
{
	(void)n;
	/* Spread's unit, milliseconds; their order is checked at finish. */
	return conf_val_u32(p, k->name, &v[0], 1, CONF_TIMEOUT_MAX_MS,
			    (uint32_t *)((char *)p->conf + k->off));
}

static int set_unsupported(struct ordo_conf_parser *p,
			   const struct conf_key *k, const struct tok *v,
			   uint32_t n)
{
	static const struct {
		const char *key, *why;
	} why[] = {
		{ "DangerousMonitor", "ordo has no monitor program; use ordoctl" },
		{ "SocketPortReuse", "the dataplane owns its port exclusively" },
		{ "AllowedAuthMethods", "clients are authenticated by SO_PEERCRED: use Access blocks in the Ordo section" },
		{ "RequiredAuthMethods", "clients are authenticated by SO_PEERCRED: use Access blocks in the Ordo section" },
		{ "AccessControlPolicy", "use Access blocks in the Ordo section" },
		{ "AliveTimeout", "it times Spread's segment representatives, and ordo has none; remove it" },
		{ "RepTimeout", "it times Spread's segment representatives, and ordo has none; remove it" },
		{ "SegTimeout", "it times Spread's segment representatives, and ordo has none; remove it" },
		{ "FormTimeout", "ordo gives up forming a ring when its commit token is lost, after TokenTimeout; remove it" },
	};
	size_t i;

	(void)v;
	(void)n;
	for (i = 0; i < sizeof(why) / sizeof(why[0]); i++)
		if (strcmp(why[i].key, k->name) == 0)
			break;
	return conf_error(p, "'%s' is not supported by ordo: %s", k->name,
			  i < sizeof(why) / sizeof(why[0]) ? why[i].why : "");
}

/* ---- Spread's keys ------------------------------------------------------- */

static int set_priority(struct ordo_conf_parser *p, const struct conf_key *k,
			const struct tok *v, uint32_t n)
{
	static const char *const words[] = { "pDEBUG", "INFO", "WARNING",
		"ERROR", "CRITICAL", "FATAL", "DEBUG", NULL };
	int w;

	(void)n;
	if (conf_val_word(p, k->name, &v[0], words, &w) < 0)
		return p->rc;
	p->conf->event_priority = w == 6 ? ORDO_PRIO_DEBUG :
				  (enum ordo_conf_priority)(w + 1);
	return 0;
}

static int set_logfile(struct ordo_conf_parser *p, const struct conf_key *k,
		       const struct tok *v, uint32_t n)
{
	(void)n;
	/* Relative paths are Spread's too (to the daemon's directory);
	 * %h and %H expand to the host name when the file is opened. */
	return conf_val_path(p, k->name, &v[0], false,
			     p->conf->event_log_file, ORDO_CONF_PATH_MAX);
}

static int set_timestamp(struct ordo_conf_parser *p, const struct conf_key *k,
			 const struct tok *v, uint32_t n)
{
	p->conf->event_timestamp = true;
	if (n == 0)
		return 0;
	return conf_val_string(p, k->name, &v[0],
			       p->conf->event_timestamp_format,
			       ORDO_CONF_TSFMT_MAX);
}

static int set_precise(struct ordo_conf_parser *p, const struct conf_key *k,
		       const struct tok *v, uint32_t n)
{
	(void)k;
	(void)v;
	(void)n;
	p->conf->event_precise_timestamp = true;
	return 0;
}

static int set_account(struct ordo_conf_parser *p, const struct conf_key *k,
		       const struct tok *v, uint32_t n)
{
	char *out = (char *)p->conf + k->off;

	(void)n;
	if (conf_val_string(p, k->name, &v[0], out, ORDO_CONF_NAME_MAX) < 0)
		return p->rc;
	if (!conf_valid_name(out))
		return conf_error(p, "'%s' wants a user or group name, got '%s'",
				  k->name, conf_q(&v[0]));
	return 0;
}

static int set_ipversion(struct ordo_conf_parser *p, const struct conf_key *k,
			 const struct tok *v, uint32_t n)
{
	(void)n;
	if (strcasecmp(v[0].s, "IPv4") == 0)
		return 0; /* what ordo always is: ids are IPv4 addresses */
	if (strcasecmp(v[0].s, "IPv6") == 0)
		return conf_error(p,
				  "'%s = IPv6' is not supported by ordo: daemon ids are IPv4 addresses",
				  k->name);
	return conf_error(p, "'%s' wants IPv4 or IPv6, got '%s'", k->name,
			  conf_q(&v[0]));
}

static int set_wan(struct ordo_conf_parser *p, const struct conf_key *k,
		   const struct tok *v, uint32_t n)
{
	bool wan;

	(void)n;
	if (conf_val_bool(p, k->name, &v[0], &wan) < 0)
		return p->rc;
	if (wan)
		return conf_error(p,
				  "'%s = yes' is not supported by ordo: one ring on one LAN",
				  k->name);
	return 0; /* "no" is what ordo always is */
}

static int set_ordo(struct ordo_conf_parser *p, const struct conf_key *k,
		    const struct tok *v, uint32_t n)
{
	(void)p;
	(void)k;
	(void)v;
	(void)n;
	return 0; /* block keys open their block in conf_parse.c */
}

/* ---- the table ------------------------------------------------------------ */

#define U32(nm, blk, field, lo, hi)                                            \
	{ .name = nm, .blocks = blk, .kind = KK_VALUES, .min_vals = 1,         \
	  .max_vals = 1, .set = set_u32, .off = OFF(field), .min = lo,         \
	  .max = hi }
#define TMO(nm, field)                                                         \
	{ .name = nm, .blocks = TOP, .kind = KK_VALUES, .min_vals = 1,         \
	  .max_vals = 1, .set = set_timeout, .off = OFF(timeouts.field) }
#define ONE(nm, blk, fn)                                                       \
	{ .name = nm, .blocks = blk, .kind = KK_VALUES, .min_vals = 1,         \
	  .max_vals = 1, .set = fn }
#define NOPE(nm)                                                               \
	{ .name = nm, .blocks = TOP, .kind = KK_BARE_OR_VALUES,                \
	  .min_vals = 0, .max_vals = CONF_MAX_VALUES, .set = set_unsupported }

static const struct conf_key keys[] = {
	/* Spread: membership */
	{ .name = "Spread_Segment", .blocks = TOP, .kind = KK_NAMED,
	  .opens = BLK_SEGMENT, .set = set_ordo, .arg = conf_segment_arg },

	/* Spread: logging */
	{ .name = "DebugFlags", .blocks = TOP, .kind = KK_FLAGS,
	  .opens = BLK_DEBUGFLAGS, .set = set_ordo },
	ONE("EventPriority", TOP, set_priority),
	ONE("EventLogFile", TOP, set_logfile),
	{ .name = "EventTimeStamp", .blocks = TOP, .kind = KK_BARE_OR_VALUES,
	  .min_vals = 0, .max_vals = 1, .set = set_timestamp },
	{ .name = "EventPreciseTimeStamp", .blocks = TOP,
	  .kind = KK_BARE_OR_VALUES, .min_vals = 0, .max_vals = 0,
	  .set = set_precise },

	/* Spread: host */
	{ .name = "RuntimeDir", .blocks = TOP, .kind = KK_VALUES,
	  .min_vals = 1, .max_vals = 1, .set = set_abs_path,
	  .off = OFF(runtime_dir) },
	{ .name = "DaemonUser", .blocks = TOP, .kind = KK_VALUES,
	  .min_vals = 1, .max_vals = 1, .set = set_account,
	  .off = OFF(daemon_user) },
	{ .name = "DaemonGroup", .blocks = TOP, .kind = KK_VALUES,
	  .min_vals = 1, .max_vals = 1, .set = set_account,
	  .off = OFF(daemon_group) },
	ONE("ActiveIPVersion", TOP, set_ipversion),
	ONE("WideAreaNetwork", TOP, set_wan),
	NOPE("DangerousMonitor"),
	NOPE("SocketPortReuse"),
	NOPE("AllowedAuthMethods"),
	NOPE("RequiredAuthMethods"),
	NOPE("AccessControlPolicy"),

	/* Spread: flow control and the ring */
	U32("MaxSessionMessages", TOP, max_session_messages, 1, 1000000),
	U32("Window", TOP, window, 1, CONF_WINDOW_MAX),
	U32("PersonalWindow", TOP, personal_window, 1, CONF_WINDOW_MAX),
	{ .name = "AcceleratedRing", .blocks = TOP, .kind = KK_VALUES,
	  .min_vals = 1, .max_vals = 1, .set = set_bool,
	  .off = OFF(accelerated_ring) },
	U32("AcceleratedWindow", TOP, accel_window, 0, CONF_WINDOW_MAX),

	/* Spread: the membership timeouts ordo applies, milliseconds (the
	 * others are refused with a reason, see set_unsupported) */
	TMO("TokenTimeout", token_ms),
	TMO("HurryTimeout", hurry_ms),
	NOPE("AliveTimeout"),
	TMO("JoinTimeout", join_ms),
	NOPE("RepTimeout"),
	NOPE("SegTimeout"),
	TMO("GatherTimeout", gather_ms),
	NOPE("FormTimeout"),
	TMO("LookupTimeout", lookup_ms),

	/* Ours */
	{ .name = "Ordo", .blocks = TOP, .kind = KK_BLOCK,
	  .opens = BLK_ORDO, .set = set_ordo },
	U32("Mtu", ORDO, mtu, CONF_MTU_MIN, CONF_MTU_MAX),
	ONE("Encap", ORDO, conf_set_encap),
	{ .name = "ClientSocket", .blocks = ORDO, .kind = KK_VALUES,
	  .min_vals = 1, .max_vals = 1, .set = set_abs_path,
	  .off = OFF(client_socket) },
	{ .name = "Hugepages", .blocks = ORDO, .kind = KK_VALUES,
	  .min_vals = 1, .max_vals = 2, .set = conf_set_hugepages },
	ONE("IdleStrategy", ORDO, conf_set_idle),
	ONE("StorePackets", ORDO, conf_set_store),
	ONE("MaxMessageSize", ORDO, conf_set_msgsize),
	ONE("SubmitQueueBytes", ORDO, conf_set_submit),
	ONE("TokenRetransmit", ORDO, conf_set_retransmit),
	U32("MaxClients", ORDO, max_clients, 1, ORDO_CONF_CLIENTS_MAX),
	ONE("ClientSubmitBytes", ORDO, conf_set_client_ring),
	ONE("ClientDeliverBytes", ORDO, conf_set_client_ring),
	ONE("SlowConsumer", ORDO, conf_set_slow),
	ONE("Crypto", ORDO, conf_set_crypto),
	{ .name = "KeyFile", .blocks = ORDO, .kind = KK_VALUES,
	  .min_vals = 1, .max_vals = 1, .set = set_abs_path,
	  .off = OFF(key_file) },
	ONE("MetricsListen", ORDO | ODMN, conf_set_metrics),
	{ .name = "Daemon", .blocks = ORDO, .kind = KK_NAMED,
	  .opens = BLK_ODAEMON, .set = set_ordo, .arg = conf_odaemon_arg },
	{ .name = "Access", .blocks = ORDO, .kind = KK_NAMED,
	  .opens = BLK_ACCESS, .set = set_ordo, .arg = conf_access_arg },

	/* Ours: Ordo { Daemon <name> { ... } } */
	{ .name = "Port", .blocks = ODMN, .kind = KK_VALUES, .repeat = true,
	  .min_vals = 1, .max_vals = 1, .set = conf_set_port },
	ONE("Lcores", ODMN, conf_set_lcores),
	ONE("RxQueues", ODMN, conf_set_rx_queues),
	ONE("Mac", ODMN, conf_set_mac),

	/* Ours: Ordo { Access "<pattern>" { ... } } */
	{ .name = "Uid", .blocks = ACC, .kind = KK_VALUES, .min_vals = 1,
	  .max_vals = ORDO_CONF_MAX_IDS, .set = conf_set_uid },
	{ .name = "Gid", .blocks = ACC, .kind = KK_VALUES, .min_vals = 1,
	  .max_vals = ORDO_CONF_MAX_IDS, .set = conf_set_gid },
	{ .name = "Allow", .blocks = ACC, .kind = KK_VALUES, .min_vals = 1,
	  .max_vals = 2, .set = conf_set_allow },
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))
_Static_assert(N_KEYS <= CONF_MAX_KEYS, "seen_line[] holds every key");

const struct conf_key *conf_key_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

uint32_t conf_key_index(const struct conf_key *k)
{
	return (uint32_t)(k - keys);
}

uint32_t conf_key_line(const struct ordo_conf_parser *p, const char *name)
{
	const struct conf_key *k = conf_key_find(name);

	return k ? p->seen_line[conf_key_index(k)] : 0;
}

void conf_keys_reset(struct ordo_conf_parser *p, enum block b)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (keys[i].blocks & BLK_BIT(b))
			p->seen_line[i] = 0;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Edit distance, case-insensitive, for names up to 63 characters. */
static unsigned distance(const char *a, const char *b)
{
	unsigned row[64], prev, tmp, i, j, la = (unsigned)strlen(a),
					  lb = (unsigned)strlen(b);

	if (la > 63 || lb > 63)
		return 1000;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (lower(a[i - 1]) != lower(b[j - 1]));
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
		}
	}
	return row[lb];
}

const char *conf_key_suggest(const char *name)
{
	unsigned best = 1000, d, limit;
	const char *s = NULL;
	size_t i;

	limit = strlen(name) < 6 ? 1 : 2;
	for (i = 0; i < N_KEYS; i++) {
		d = distance(name, keys[i].name);
		if (d < best) {
			best = d;
			s = keys[i].name;
		}
	}
	return best <= limit ? s : NULL;
}

const char *conf_block_name(enum block b)
{
	switch (b) {
	case BLK_TOP:        return "the top level";
	case BLK_SEGMENT:    return "a Spread_Segment block";
	case BLK_IFACE:      return "a daemon's interface block";
	case BLK_DEBUGFLAGS: return "the DebugFlags list";
	case BLK_ORDO:       return "the Ordo section";
	case BLK_ODAEMON:    return "a Daemon block of the Ordo section";
	case BLK_ACCESS:     return "an Access block of the Ordo section";
	case BLK_MAX:        break;
	}
	return "?";
}

uint32_t conf_debug_flag(const char *w, bool *is_none)
{
	static const struct {
		const char *name;
		uint32_t bits;
	} flags[] = {
		{ "EXIT", ORDO_DBG_EXIT },
		{ "PRINT", ORDO_DBG_PRINT },
		{ "DEBUG", ORDO_DBG_DEBUG },
		{ "DATA_LINK", ORDO_DBG_DATA_LINK },
		{ "NETWORK", ORDO_DBG_NETWORK },
		{ "PROTOCOL", ORDO_DBG_PROTOCOL },
		{ "SESSION", ORDO_DBG_SESSION },
		{ "CONFIGURATION", ORDO_DBG_CONFIGURATION },
		{ "MEMBERSHIP", ORDO_DBG_MEMBERSHIP },
		{ "FLOW_CONTROL", ORDO_DBG_FLOW_CONTROL },
		{ "STATUS", ORDO_DBG_STATUS },
		{ "EVENTS", ORDO_DBG_EVENTS },
		{ "GROUPS", ORDO_DBG_GROUPS },
		{ "MEMORY", ORDO_DBG_MEMORY },
		{ "SKIPLIST", ORDO_DBG_SKIPLIST },
		{ "ACM", ORDO_DBG_ACM },
		{ "SECURITY", ORDO_DBG_SECURITY },
		{ "ALL", ORDO_DBG_ALL },
	};
	size_t i;

	*is_none = strcasecmp(w, "NONE") == 0;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcasecmp(w, flags[i].name) == 0)
			return flags[i].bits;
	return 0;
}

const char *conf_debug_flag_name(uint32_t bit)
{
	static const char *const names[] = { "EXIT", "PRINT", "DEBUG",
		"DATA_LINK", "NETWORK", "PROTOCOL", "SESSION", "CONFIGURATION",
		"MEMBERSHIP", "FLOW_CONTROL", "STATUS", "EVENTS", "GROUPS",
		"MEMORY", "SKIPLIST", "ACM", "SECURITY" };
	unsigned i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bit == (1u << i))
			return names[i];
	return NULL;
}
