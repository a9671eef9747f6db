/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Membership bodies: encoder, byte-order conversion and decoders (see
 * sp_memb.h). Every decoder reads through one source, a flat buffer or a
 * scatter, so the six public SP_get_* calls share one implementation; the
 * strict flag adds the checks that need the body's length.
 */
#include "lib/spread/sp_memb.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

/* A body to read: flat bytes, or the elements of a scatter. */
struct memb_src {
	const char *flat;
	const scatter *scat;
	size_t len;   /* bytes readable; SIZE_MAX when the caller gave none */
	bool strict;  /* length known: check every structural claim */
};

static int src_read(const struct memb_src *s, size_t off, void *dst, size_t n)
{
	char *d = dst;

	if (off > s->len || n > s->len - off)
		return -1;
	if (s->flat != NULL) {
		memcpy(dst, s->flat + off, n);
		return 0;
	}
	for (size_t i = 0; i < s->scat->num_elements && n > 0; i++) {
		const scat_element *e = &s->scat->elements[i];
		size_t k;

		if (off >= e->len) {
			off -= e->len;
			continue;
		}
		k = e->len - off;
		if (k > n)
			k = n;
		memcpy(d, e->buf + off, k);
		d += k;
		n -= k;
		off = 0;
	}
	return n == 0 ? 0 : -1;
}

static int src_u32(const struct memb_src *s, size_t off, uint32_t *v)
{
	return src_read(s, off, v, sizeof(*v));
}

/* Offset just past a set whose count sits at off, or 0 if that would not
 * fit size_t or (strict) the body. */
static size_t set_end(const struct memb_src *s, size_t off, uint32_t n)
{
	size_t names;

	if (n > (SIZE_MAX - off - SP_MEMB_SET_HDR) / MAX_GROUP_NAME)
		return 0;
	names = (size_t)n * MAX_GROUP_NAME;
	if (s->strict && off + SP_MEMB_SET_HDR + names > s->len)
		return 0;
	return off + SP_MEMB_SET_HDR + names;
}

static int decode_info(const struct memb_src *s, service st, membership_info *info)
{
	uint32_t nsets, local, n;
	size_t loc, off;
	bool found = false;

	if (!Is_membership_mess(st))
		return ILLEGAL_MESSAGE;
	memset(info, 0, sizeof(*info));
	if (src_read(s, SP_MEMB_GID_OFF, &info->gid, sizeof(info->gid)) != 0)
		return ILLEGAL_MESSAGE;
	if (!Is_reg_memb_mess(st))
		return 1; /* transitional or self-leave: the gid is all there is */

	if (src_u32(s, SP_MEMB_NSETS_OFF, &nsets) != 0 ||
	    src_u32(s, SP_MEMB_LOCAL_OFF, &local) != 0)
		return ILLEGAL_MESSAGE;
	loc = SP_MEMB_SETS_OFF + (size_t)local;
	if (s->strict) {
		off = SP_MEMB_SETS_OFF;
		for (uint32_t i = 0; i < nsets && !found; i++) {
			found = off == loc;
			if (src_u32(s, off, &n) != 0 || (off = set_end(s, off, n)) == 0)
				return ILLEGAL_MESSAGE;
		}
		if (!found)
			return ILLEGAL_MESSAGE;
	}
	if (src_u32(s, loc, &n) != 0)
		return ILLEGAL_MESSAGE;
	info->num_vs_sets = nsets;
	info->my_vs_set.num_members = n;
	info->my_vs_set.members_offset = (unsigned int)(loc + SP_MEMB_SET_HDR);

	if (Is_caused_join_mess(st) || Is_caused_leave_mess(st) ||
	    Is_caused_disconnect_mess(st)) {
		/* The one set holds the member that changed. */
		if (s->strict && (src_u32(s, SP_MEMB_SETS_OFF, &n) != 0 || n == 0))
			return ILLEGAL_MESSAGE;
		if (src_read(s, SP_MEMB_SETS_OFF + SP_MEMB_SET_HDR, info->changed_member,
			     MAX_GROUP_NAME) != 0)
			return ILLEGAL_MESSAGE;
		info->changed_member[MAX_GROUP_NAME - 1] = '\0';
	}
	return 1;
}

static int decode_sets(const struct memb_src *s, vs_set_info *sets, int max_sets,
		     unsigned int *my_index)
{
	uint32_t nsets, local, n;
	size_t loc, off = SP_MEMB_SETS_OFF;
	bool found = false;

	if (src_u32(s, SP_MEMB_NSETS_OFF, &nsets) != 0 ||
	    src_u32(s, SP_MEMB_LOCAL_OFF, &local) != 0 || nsets > INT_MAX)
		return ILLEGAL_MESSAGE;
	if (max_sets < 0 || (uint32_t)max_sets < nsets)
		return BUFFER_TOO_SHORT;
	loc = SP_MEMB_SETS_OFF + (size_t)local;
	for (uint32_t i = 0; i < nsets; i++) {
		if (off == loc) {
			*my_index = i;
			found = true;
		}
		if (src_u32(s, off, &n) != 0)
			return ILLEGAL_MESSAGE;
		sets[i].num_members = n;
		sets[i].members_offset = (unsigned int)(off + SP_MEMB_SET_HDR);
		if ((off = set_end(s, off, n)) == 0 || off > UINT_MAX)
			return ILLEGAL_MESSAGE;
	}
	if (s->strict && !found)
		return ILLEGAL_MESSAGE;
	return (int)nsets;
}

static int decode_members(const struct memb_src *s, const vs_set_info *set,
			char names[][MAX_GROUP_NAME], int max_names)
{
	if (set->num_members > INT_MAX)
		return ILLEGAL_MESSAGE;
	if (max_names < 0 || (unsigned int)max_names < set->num_members)
		return BUFFER_TOO_SHORT;
	for (unsigned int i = 0; i < set->num_members; i++) {
		size_t off = (size_t)set->members_offset + (size_t)i * MAX_GROUP_NAME;

		if (src_read(s, off, names[i], MAX_GROUP_NAME) != 0)
			return ILLEGAL_MESSAGE;
		names[i][MAX_GROUP_NAME - 1] = '\0';
	}
	return (int)set->num_members;
}

/* ------------------------------------------------------------ sources */

static struct memb_src src_flat(const char *body, size_t len, bool strict)
{
	return (struct memb_src){ .flat = body, .len = len, .strict = strict };
}

static struct memb_src src_scat(const scatter *scat)
{
	struct memb_src s = { .scat = scat, .len = 0, .strict = false };

	for (size_t i = 0; i < scat->num_elements && i < MAX_CLIENT_SCATTER_ELEMENTS; i++)
		s.len += scat->elements[i].len;
	return s;
}

static bool scat_ok(const scatter *scat)
{
	return scat != NULL && scat->num_elements <= MAX_CLIENT_SCATTER_ELEMENTS;
}

/* ------------------------------------------------- bounded decoders */

int sp_memb_info(const char *body, size_t len, service service_type,
		 membership_info *info)
{
	struct memb_src s = src_flat(body, len, true);

	return decode_info(&s, service_type, info);
}

int sp_memb_sets(const char *body, size_t len, vs_set_info *sets, int max_sets,
		 unsigned int *my_index)
{
	struct memb_src s = src_flat(body, len, true);

	return decode_sets(&s, sets, max_sets, my_index);
}

int sp_memb_members(const char *body, size_t len, const vs_set_info *set,
		    char names[][MAX_GROUP_NAME], int max_names)
{
	struct memb_src s = src_flat(body, len, true);

	return decode_members(&s, set, names, max_names);
}

/* ------------------------------------------------------- public API */

int SP_get_memb_info(const char *memb_mess, const service service_type,
		     membership_info *memb_info)
{
	struct memb_src s = src_flat(memb_mess, SIZE_MAX, false);

	return decode_info(&s, service_type, memb_info);
}

int SP_get_vs_sets_info(const char *memb_mess, vs_set_info *vs_sets,
			int num_vs_sets, unsigned int *my_vs_set_index)
{
	struct memb_src s = src_flat(memb_mess, SIZE_MAX, false);

	return decode_sets(&s, vs_sets, num_vs_sets, my_vs_set_index);
}

int SP_get_vs_set_members(const char *memb_mess, const vs_set_info *vs_set,
			  char member_names[][MAX_GROUP_NAME], int member_names_count)
{
	struct memb_src s = src_flat(memb_mess, SIZE_MAX, false);

	return decode_members(&s, vs_set, member_names, member_names_count);
}

int SP_scat_get_memb_info(const scatter *memb_mess_scat, const service service_type,
			  membership_info *memb_info)
{
	struct memb_src s;

	if (!scat_ok(memb_mess_scat))
		return ILLEGAL_MESSAGE;
	s = src_scat(memb_mess_scat);
	return decode_info(&s, service_type, memb_info);
}

int SP_scat_get_vs_sets_info(const scatter *memb_mess_scat, vs_set_info *vs_sets,
			     int num_vs_sets, unsigned int *my_vs_set_index)
{
	struct memb_src s;

	if (!scat_ok(memb_mess_scat))
		return ILLEGAL_MESSAGE;
	s = src_scat(memb_mess_scat);
	return decode_sets(&s, vs_sets, num_vs_sets, my_vs_set_index);
}

int SP_scat_get_vs_set_members(const scatter *memb_mess_scat, const vs_set_info *vs_set,
			       char member_names[][MAX_GROUP_NAME], int member_names_count)
{
	struct memb_src s;

	if (!scat_ok(memb_mess_scat))
		return ILLEGAL_MESSAGE;
	s = src_scat(memb_mess_scat);
	return decode_members(&s, vs_set, member_names, member_names_count);
}

int SP_equal_group_ids(group_id g1, group_id g2)
{
	return g1.id[0] == g2.id[0] && g1.id[1] == g2.id[1] && g1.id[2] == g2.id[2];
}

/* ----------------------------------------------------------- encoder */

group_id sp_gid_make(uint32_t ring_rep, uint32_t ring_seq, uint32_t change)
{
	group_id g;

	g.id[0] = (int32)ring_rep;
	g.id[1] = (int32)ring_seq;
	g.id[2] = (int32)change;
	return g;
}

static void put_u32(char *p, uint32_t v, bool swapped)
{
	if (swapped)
		v = __builtin_bswap32(v);
	memcpy(p, &v, sizeof(v));
}

static void swap_u32_at(char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	v = __builtin_bswap32(v);
	memcpy(p, &v, sizeof(v));
}

size_t sp_memb_len(const struct sp_memb_set *sets, unsigned int n_sets)
{
	size_t len = SP_MEMB_SETS_OFF;

	for (unsigned int i = 0; i < n_sets; i++)
		len += SP_MEMB_SET_HDR + (size_t)sets[i].n * MAX_GROUP_NAME;
	return len;
}

int sp_memb_encode_gid(char *buf, size_t cap, const group_id *gid, bool swapped)
{
	if (cap < sizeof(group_id))
		return -ENOSPC;
	for (int i = 0; i < 3; i++)
		put_u32(buf + 4 * i, (uint32_t)gid->id[i], swapped);
	return (int)sizeof(group_id);
}

int sp_memb_encode(char *buf, size_t cap, const group_id *gid,
		   const struct sp_memb_set *sets, unsigned int n_sets,
		   unsigned int local, bool swapped)
{
	size_t len, off, local_off = 0;

	if (n_sets == 0 || local >= n_sets)
		return -EINVAL;
	for (unsigned int i = 0; i < n_sets; i++)
		if (sets[i].n > 0 && sets[i].names == NULL)
			return -EINVAL;
	len = sp_memb_len(sets, n_sets);
	if (len > INT_MAX || len > UINT32_MAX)
		return -EINVAL;
	if (cap < len)
		return -ENOSPC;

	sp_memb_encode_gid(buf, cap, gid, swapped);
	put_u32(buf + SP_MEMB_NSETS_OFF, n_sets, swapped);
	off = SP_MEMB_SETS_OFF;
	for (unsigned int i = 0; i < n_sets; i++) {
		if (i == local)
			local_off = off - SP_MEMB_SETS_OFF;
		put_u32(buf + off, sets[i].n, swapped);
		off += SP_MEMB_SET_HDR;
		for (unsigned int m = 0; m < sets[i].n; m++, off += MAX_GROUP_NAME) {
			memset(buf + off, 0, MAX_GROUP_NAME);
			strncpy(buf + off, sets[i].names[m], MAX_GROUP_NAME - 1);
		}
	}
	put_u32(buf + SP_MEMB_LOCAL_OFF, (uint32_t)local_off, swapped);
	return (int)len;
}

int sp_memb_to_host(char *body, size_t len, service service_type)
{
	uint32_t nsets, n;
	size_t off = SP_MEMB_SETS_OFF;

	if (len < sizeof(group_id))
		return ILLEGAL_MESSAGE;
	for (int i = 0; i < 3; i++)
		swap_u32_at(body + 4 * i);
	if (!Is_reg_memb_mess(service_type))
		return 0;
	if (len < SP_MEMB_SETS_OFF)
		return ILLEGAL_MESSAGE;
	swap_u32_at(body + SP_MEMB_NSETS_OFF);
	swap_u32_at(body + SP_MEMB_LOCAL_OFF);
	memcpy(&nsets, body + SP_MEMB_NSETS_OFF, sizeof(nsets));
	for (uint32_t i = 0; i < nsets; i++) {
		if (off + SP_MEMB_SET_HDR > len)
			return ILLEGAL_MESSAGE;
		swap_u32_at(body + off);
		memcpy(&n, body + off, sizeof(n));
		if (n > (len - off - SP_MEMB_SET_HDR) / MAX_GROUP_NAME)
			return ILLEGAL_MESSAGE;
		off += SP_MEMB_SET_HDR + (size_t)n * MAX_GROUP_NAME;
	}
	return 0;
}
