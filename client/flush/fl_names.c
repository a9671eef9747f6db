/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Name lists of the flush library (members, destinations): grown on
 * demand, names kept NUL-terminated.
 */
#include <stdlib.h>
#include <string.h>

#include "client/flush/fl_impl.h"

/* More names than a message can carry (ORDO_MAX_GROUPS + the sender) or
 * a group could hold on one ring: a list this long is a broken peer. */
#define FL_NAMES_MAX (1u << 16)

int fl_names_reserve(struct fl_names *l, unsigned n)
{
	if (n <= l->cap)
		return 0;
	if (n > FL_NAMES_MAX)
		return -1;
	unsigned cap = l->cap ? l->cap : 8;
	while (cap < n)
		cap *= 2;
	void *v = realloc(l->v, (size_t)cap * MAX_GROUP_NAME);
	if (!v)
		return -1;
	l->v = v;
	l->cap = cap;
	return 0;
}

int fl_names_copy(struct fl_names *dst, unsigned n, const char (*src)[MAX_GROUP_NAME])
{
	if (fl_names_reserve(dst, n) < 0)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		memcpy(dst->v[i], src[i], MAX_GROUP_NAME);
		dst->v[i][MAX_GROUP_NAME - 1] = 0;
	}
	dst->n = n;
	return 0;
}

int fl_names_find(const struct fl_names *l, const char *name)
{
	for (unsigned i = 0; i < l->n; i++)
		if (!strncmp(l->v[i], name, MAX_GROUP_NAME))
			return (int)i;
	return -1;
}

void fl_names_free(struct fl_names *l)
{
	free(l->v);
	*l = (struct fl_names){ 0 };
}
