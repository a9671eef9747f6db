/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The one validator of control-protocol datagrams (cpmsg.h): what every
 * reader checks before it looks at a message, as a pure function of the
 * bytes and the number of descriptors that came with them. Fields are
 * read with memcpy, never through a cast, so a buffer of any alignment
 * (a fuzzer's) is read the same as a socket's.
 */
#include <stddef.h>
#include <string.h>

#include "ordo/wire.h" /* ORDO_MAX_MEMBERS */
#include "lib/cproto/cpmsg.h"

size_t cpmsg_fixed_size(uint16_t type)
{
	switch (type) {
	case ORDO_CP_HELLO:        return sizeof(struct ordo_cp_hello);
	case ORDO_CP_WELCOME:      return sizeof(struct ordo_cp_welcome);
	case ORDO_CP_BYE:          return sizeof(struct ordo_cp_hdr);
	case ORDO_CP_QUERY:        return sizeof(struct ordo_cp_query_msg);
	case ORDO_CP_REPLY:        return sizeof(struct ordo_cp_reply);
	case ORDO_CP_KEY:          return sizeof(struct ordo_cp_key);
	case ORDO_CP_STATS_REQ:    return sizeof(struct ordo_cp_stats_req);
	case ORDO_CP_STATS:        return sizeof(struct ordo_cp_stats);
	case ORDO_CP_LINK_HELLO:   return sizeof(struct ordo_cp_link_hello);
	case ORDO_CP_LINK_WELCOME: return sizeof(struct ordo_cp_link_welcome);
	case ORDO_CP_ATTACH:       return sizeof(struct ordo_cp_attach);
	case ORDO_CP_ATTACHED:     return sizeof(struct ordo_cp_attached);
	case ORDO_CP_DETACH:       return sizeof(struct ordo_cp_detach);
	case ORDO_CP_DETACHED:     return sizeof(struct ordo_cp_detached);
	case ORDO_CP_CLIENT:       return sizeof(struct ordo_cp_client);
	case ORDO_CP_RING:         return sizeof(struct ordo_cp_ring);
	case ORDO_CP_VIEW:         return sizeof(struct ordo_cp_view);
	case ORDO_CP_DUMP_END:     return sizeof(struct ordo_cp_hdr);
	}
	return 0;
}

int cpmsg_has_tail(uint16_t type)
{
	return type == ORDO_CP_VIEW || type == ORDO_CP_REPLY ||
	       type == ORDO_CP_RING || type == ORDO_CP_STATS;
}

const char *cpmsg_err_name(enum cpmsg_err e)
{
	switch (e) {
	case CPMSG_OK:        return "ok";
	case CPMSG_E_SHORT:   return "shorter than a header";
	case CPMSG_E_MAGIC:   return "bad magic";
	case CPMSG_E_VERSION: return "unknown version";
	case CPMSG_E_TYPE:    return "unknown type";
	case CPMSG_E_LEN:     return "length does not match";
	case CPMSG_E_TRUNC:   return "truncated";
	case CPMSG_E_FDS:     return "unexpected descriptors";
	case CPMSG_E_TAIL:    return "tail does not match its count";
	case CPMSG_E_NAME:    return "name not terminated";
	case CPMSG_E_MAX:     break;
	}
	return "?";
}

static uint32_t read_u32(const unsigned char *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

/* The tail after the fixed part: 0, or a reason. */
static enum cpmsg_err check_tail(uint16_t type, const unsigned char *p,
				 size_t tail)
{
	uint32_t n_members;

	switch (type) {
	case ORDO_CP_VIEW:
		n_members = read_u32(p, offsetof(struct ordo_cp_view, n_members));
		if (tail % ORDO_CP_NAME_LEN != 0 ||
		    tail / ORDO_CP_NAME_LEN != n_members)
			return CPMSG_E_TAIL;
		break;
	case ORDO_CP_RING:
		n_members = read_u32(p, offsetof(struct ordo_cp_ring, n_members));
		if (n_members > ORDO_MAX_MEMBERS ||
		    tail != (size_t)n_members * sizeof(uint32_t))
			return CPMSG_E_TAIL;
		break;
	case ORDO_CP_STATS:
		n_members = read_u32(p, offsetof(struct ordo_cp_stats, n));
		if (tail % sizeof(struct ordo_cp_stat) != 0 ||
		    tail / sizeof(struct ordo_cp_stat) != n_members)
			return CPMSG_E_TAIL;
		break;
	default:
		break; /* REPLY: text of any length; the rest have none */
	}
	return CPMSG_OK;
}

struct name_field {
	uint16_t off, len;
};

#define NAME(type, field) \
	{ offsetof(type, field), sizeof(((type *)0)->field) }

/* The NUL-terminated arrays of the fixed parts; a reader prints or
 * copies them as strings. WELCOME's reason is text, held to the same. */
static const struct name_field hello_names[] = {
	NAME(struct ordo_cp_hello, private_name),
};
static const struct name_field welcome_names[] = {
	NAME(struct ordo_cp_welcome, private_group),
	NAME(struct ordo_cp_welcome, daemon),
	NAME(struct ordo_cp_welcome, reason),
};
static const struct name_field link_welcome_names[] = {
	NAME(struct ordo_cp_link_welcome, daemon),
};
static const struct name_field attach_names[] = {
	NAME(struct ordo_cp_attach, private_name),
};
static const struct name_field client_names[] = {
	NAME(struct ordo_cp_client, private_name),
};
static const struct name_field key_names[] = {
	NAME(struct ordo_cp_key, path),
};
static const struct name_field view_names[] = {
	NAME(struct ordo_cp_view, group),
};

static int fields_terminated(const unsigned char *p,
			     const struct name_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (memchr(p + f[i].off, '\0', f[i].len) == NULL)
			return 0;
	return 1;
}

#define TERMINATED(p, table) \
	fields_terminated(p, table, sizeof(table) / sizeof(table[0]))

static enum cpmsg_err check_names(uint16_t type, const unsigned char *p,
				  size_t n)
{
	int ok = 1;

	switch (type) {
	case ORDO_CP_HELLO:        ok = TERMINATED(p, hello_names); break;
	case ORDO_CP_WELCOME:      ok = TERMINATED(p, welcome_names); break;
	case ORDO_CP_LINK_WELCOME: ok = TERMINATED(p, link_welcome_names); break;
	case ORDO_CP_ATTACH:       ok = TERMINATED(p, attach_names); break;
	case ORDO_CP_CLIENT:       ok = TERMINATED(p, client_names); break;
	case ORDO_CP_KEY:          ok = TERMINATED(p, key_names); break;
	case ORDO_CP_VIEW:
		ok = TERMINATED(p, view_names);
		/* The tail's length was checked: whole names only. */
		for (size_t off = sizeof(struct ordo_cp_view); ok && off < n;
		     off += ORDO_CP_NAME_LEN)
			ok = memchr(p + off, '\0', ORDO_CP_NAME_LEN) != NULL;
		break;
	case ORDO_CP_STATS:
		/* Every record's text label: whole records only. */
		for (size_t off = sizeof(struct ordo_cp_stats); ok && off < n;
		     off += sizeof(struct ordo_cp_stat))
			ok = memchr(p + off + offsetof(struct ordo_cp_stat, label),
				    '\0', ORDO_STAT_LABEL_LEN) != NULL;
		break;
	default:
		break;
	}
	return ok ? CPMSG_OK : CPMSG_E_NAME;
}

/* Descriptors each type carries: the ATTACH of a client's region, its
 * two eventfds and its socket; an accepting WELCOME's region and
 * eventfds. A refusal carries none. */
static unsigned fds_for(uint16_t type, const unsigned char *p)
{
	if (type == ORDO_CP_ATTACH)
		return 4;
	if (type == ORDO_CP_WELCOME &&
	    (int32_t)read_u32(p, offsetof(struct ordo_cp_welcome, status)) ==
		    ORDO_CP_ACCEPT)
		return 3;
	return 0;
}

static enum cpmsg_err check(const unsigned char *p, size_t n, unsigned n_fds,
			    uint16_t *type)
{
	struct ordo_cp_hdr h;
	enum cpmsg_err e;
	size_t fixed;

	if (n < sizeof(h))
		return CPMSG_E_SHORT;
	memcpy(&h, p, sizeof(h));
	*type = h.type;
	if (h.magic != ORDO_CP_MAGIC)
		return CPMSG_E_MAGIC;
	if (h.version != ORDO_CP_VERSION)
		return CPMSG_E_VERSION;
	fixed = cpmsg_fixed_size(h.type);
	if (fixed == 0)
		return CPMSG_E_TYPE;
	if (h.len != n || n > ORDO_CP_MSG_MAX || n < fixed ||
	    (n > fixed && !cpmsg_has_tail(h.type)))
		return CPMSG_E_LEN;
	e = check_tail(h.type, p, n - fixed);
	if (e == CPMSG_OK)
		e = check_names(h.type, p, n);
	if (e == CPMSG_OK && n_fds != fds_for(h.type, p))
		e = CPMSG_E_FDS;
	return e;
}

int cpmsg_check(const void *buf, size_t n, unsigned n_fds,
		enum cpmsg_err *err)
{
	uint16_t type = 0;
	enum cpmsg_err e = check(buf, n, n_fds, &type);

	if (err != NULL)
		*err = e;
	return e == CPMSG_OK ? (int)type : -1;
}
