/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The flush library's header (include/fl.h, client/flush/): the first
 * FL_WIRE_LEN bytes of every message one flush-library client sends to
 * another, in front of the program's payload. Clients on different hosts
 * read it, so it is big-endian, versioned and checked field by field
 * (fl_wire_decode) before anything is used: the sender may be any program
 * allowed to send to the group.
 *
 *   0  magic    "OFL1"
 *   4  version  FL_WIRE_VERSION
 *   5  kind     enum fl_wire_kind
 *   6  flags    FL_WIRE_F_*
 *   8  view     the sender's installed view of the group (3 x int32):
 *               DATA and SUBGROUP were sent in it; FLUSH_OK names the view
 *               the sender leaves (valid with FL_WIRE_F_HAS_VIEW)
 *  20  target   FLUSH_OK: the group membership (the daemon's group id)
 *               the sender agrees to install next; zero otherwise
 *  32  group    the group (NUL-terminated, 32 bytes); empty for PRIVATE
 *  64  payload
 *
 * Who sent a message is not in it: the daemon reports the sender's private
 * group, and that is what the library trusts.
 */
#ifndef ORDO_FL_WIRE_H
#define ORDO_FL_WIRE_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define FL_WIRE_MAGIC   0x4f464c31u  /* "OFL1" */
#define FL_WIRE_VERSION 1u
#define FL_WIRE_NAME    32u          /* = MAX_GROUP_NAME */

enum fl_wire_kind {
	FL_WIRE_DATA = 1,       /* FL_multicast to a group, in a view */
	FL_WIRE_SUBGROUP = 2,   /* FL_subgroupcast / FL_unicast, in a view */
	FL_WIRE_PRIVATE = 3,    /* FL_multicast to a private group: no view */
	FL_WIRE_FLUSH_OK = 4,   /* FL_flush (or a joiner's agreement) */
};

#define FL_WIRE_F_HAS_VIEW 0x0001u  /* `view` is set */
#define FL_WIRE_F_KNOWN    FL_WIRE_F_HAS_VIEW

struct fl_wire_hdr {
	uint32_t magic;
	uint8_t version;
	uint8_t kind;
	uint16_t flags;
	int32_t view[3];
	int32_t target[3];
	char group[FL_WIRE_NAME];
};

/* Every field on its natural alignment: no padding, no packing needed. */
#define FL_WIRE_LEN 64u
static_assert(sizeof(struct fl_wire_hdr) == FL_WIRE_LEN, "fl_wire_hdr is 64 bytes");
static_assert(offsetof(struct fl_wire_hdr, view) == 8, "view at 8");
static_assert(offsetof(struct fl_wire_hdr, target) == 20, "target at 20");
static_assert(offsetof(struct fl_wire_hdr, group) == 32, "group at 32");
static_assert(FL_WIRE_NAME == 32, "group names are Spread's 32 bytes");

#endif /* ORDO_FL_WIRE_H */
