/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Membership message bodies in Spread 4's layout (documented in sp.h):
 *
 *   0   group_id gid        12 bytes (3 x int32)
 *   12  uint32   num_vs_sets
 *   16  uint32   local set offset, relative to byte 20
 *   20  sets:    uint32 n + n x MAX_GROUP_NAME names, num_vs_sets times
 *
 * Fields are in the byte order of whoever wrote the body. SP_receive turns
 * a foreign body into host order (sp_memb_to_host) before the program sees
 * it, exactly as Spread's library does, so the SP_get_* decoders read host
 * order and SP_receive reports endian_mismatch 0 for membership messages.
 *
 * The encoder is what ordo's client side uses to build these bodies from
 * the ring's group events; the bounded decoders check every offset against
 * the body length and are what the fuzz target drives. The public SP_get_*
 * calls carry no length (Spread's signature), so they trust the body as
 * Spread does and check what they can without one.
 */
#ifndef ORDO_SPREAD_MEMB_H
#define ORDO_SPREAD_MEMB_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sp.h"

#define SP_MEMB_GID_OFF      0u
#define SP_MEMB_NSETS_OFF    12u
#define SP_MEMB_LOCAL_OFF    16u
#define SP_MEMB_SETS_OFF     20u
#define SP_MEMB_SET_HDR      4u  /* the member count before each set's names */

static_assert(sizeof(group_id) == 12, "group_id is 3 x int32 on the wire");
static_assert(sizeof(int32) == 4, "int32 is 32 bits");
static_assert(SP_MEMB_SETS_OFF == sizeof(group_id) + 2 * 4, "Spread 4 body layout");

/* One vs set to encode: n names of MAX_GROUP_NAME bytes each. */
struct sp_memb_set {
	unsigned int n;
	const char (*names)[MAX_GROUP_NAME];
};

/* A group_id for the view: ordo fills it with the ring that installed the
 * view (representative, ring sequence) and the group's own change counter,
 * so members of one view agree on it and successive views differ. */
group_id sp_gid_make(uint32_t ring_rep, uint32_t ring_seq, uint32_t change);

/* Bytes a body with these sets takes. */
size_t sp_memb_len(const struct sp_memb_set *sets, unsigned int n_sets);

/* Write a regular-membership body into buf: the length written, or -ENOSPC
 * (cap too small) or -EINVAL (no sets, local >= n_sets, a set without
 * names). swapped writes every field byte-reversed, as a daemon of the
 * other byte order would. Names are copied whole and NUL-terminated. */
int sp_memb_encode(char *buf, size_t cap, const group_id *gid,
		   const struct sp_memb_set *sets, unsigned int n_sets,
		   unsigned int local, bool swapped);

/* Write a gid-only body (transitional, self-leave): 12, or -ENOSPC. */
int sp_memb_encode_gid(char *buf, size_t cap, const group_id *gid, bool swapped);

/* Convert a body of len bytes, received in the other byte order, to host
 * order in place. service_type says which fields exist. 0, or
 * ILLEGAL_MESSAGE if the body is shorter than its own counts say. */
int sp_memb_to_host(char *body, size_t len, service service_type);

/* Bounded decoders (host order). Same results as SP_get_memb_info,
 * SP_get_vs_sets_info and SP_get_vs_set_members, plus ILLEGAL_MESSAGE
 * whenever a count or offset points outside the len bytes, or the local
 * offset does not start one of the sets. */
int sp_memb_info(const char *body, size_t len, service service_type,
		 membership_info *info);
int sp_memb_sets(const char *body, size_t len, vs_set_info *sets, int max_sets,
		 unsigned int *my_index);
int sp_memb_members(const char *body, size_t len, const vs_set_info *set,
		    char names[][MAX_GROUP_NAME], int max_names);

#endif /* ORDO_SPREAD_MEMB_H */
