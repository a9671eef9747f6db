/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The flush library's message header (include/ordo/fl_wire.h): written in
 * front of every message the library sends, checked in full before any
 * field of a received one is used.
 */
#include <arpa/inet.h>
#include <string.h>

#include "client/flush/fl_impl.h"

static void put_gid(int32_t out[3], group_id g)
{
	for (int i = 0; i < 3; i++)
		out[i] = (int32_t)htonl((uint32_t)g.id[i]);
}

static group_id get_gid(const int32_t in[3])
{
	group_id g;

	for (int i = 0; i < 3; i++)
		g.id[i] = (int32)ntohl((uint32_t)in[i]);
	return g;
}

void fl_wire_encode(const struct fl_wire *w, char out[FL_WIRE_LEN])
{
	struct fl_wire_hdr h;

	memset(&h, 0, sizeof(h));
	h.magic = htonl(FL_WIRE_MAGIC);
	h.version = FL_WIRE_VERSION;
	h.kind = (uint8_t)w->kind;
	h.flags = htons(w->has_view ? FL_WIRE_F_HAS_VIEW : 0);
	if (w->has_view)
		put_gid(h.view, w->view);
	if (w->kind == FL_WIRE_FLUSH_OK)
		put_gid(h.target, w->target);
	memcpy(h.group, w->group, FL_WIRE_NAME);
	h.group[FL_WIRE_NAME - 1] = 0;
	memcpy(out, &h, sizeof(h));
}

int fl_wire_decode(const char *buf, size_t len, struct fl_wire *w)
{
	struct fl_wire_hdr h;
	uint16_t flags;

	if (len < FL_WIRE_LEN)
		return -1;
	memcpy(&h, buf, sizeof(h));
	flags = ntohs(h.flags);
	if (ntohl(h.magic) != FL_WIRE_MAGIC || h.version != FL_WIRE_VERSION ||
	    (flags & ~FL_WIRE_F_KNOWN))
		return -1;
	/* The group is a NUL-terminated name, then zeros: nothing else may
	 * hide behind it. */
	size_t n = strnlen(h.group, FL_WIRE_NAME);
	if (n == FL_WIRE_NAME)
		return -1;
	for (size_t i = n; i < FL_WIRE_NAME; i++)
		if (h.group[i])
			return -1;
	memset(w, 0, sizeof(*w));
	w->kind = (enum fl_wire_kind)h.kind;
	w->has_view = flags & FL_WIRE_F_HAS_VIEW;
	w->view = get_gid(h.view);
	w->target = get_gid(h.target);
	memcpy(w->group, h.group, FL_WIRE_NAME);
	switch (w->kind) {
	case FL_WIRE_DATA:
	case FL_WIRE_SUBGROUP:
		/* Sent in a view, to a group. */
		return w->has_view && n ? 0 : -1;
	case FL_WIRE_PRIVATE:
		return n == 0 && !w->has_view ? 0 : -1;
	case FL_WIRE_FLUSH_OK:
		return n ? 0 : -1;
	}
	return -1;
}
