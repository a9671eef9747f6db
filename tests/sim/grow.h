/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The simulator's growable arrays: the checkers, the group log and the
 * availability statistics append to arrays whose length is known only at
 * the end of a run. One growth rule for all of them: at least double,
 * starting at 64 elements, so n appends cost O(n) copies.
 */
#ifndef ORDO_SIM_GROW_H
#define ORDO_SIM_GROW_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Room for need elements of sz bytes in *p, of capacity *cap. Returns 0,
 * or -ENOMEM with *p and *cap unchanged. */
static inline int sim_grow(void **p, size_t *cap, size_t need, size_t sz)
{
	size_t n;
	void *q;

	if (need <= *cap)
		return 0;
	n = *cap ? 2 * *cap : 64;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * sz);
	if (q == NULL)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

/* The same for a 32-bit capacity. */
static inline int sim_grow32(void **p, uint32_t *cap, uint32_t need,
			     size_t sz)
{
	size_t c = *cap;
	int rc = sim_grow(p, &c, need, sz);

	if (rc == 0)
		*cap = (uint32_t)c;
	return rc;
}

#endif
