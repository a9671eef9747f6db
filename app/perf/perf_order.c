/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-perf's per-group order digests (perf_order.h).
 */
#include <string.h>

#include "app/perf/perf_order.h"
#include "lib/flood/flood_check.h"

static void restart(struct perf_order *o)
{
	for (unsigned g = 0; g <= o->groups; g++) {
		o->digest[g] = FLOOD_DIGEST_INIT;
		o->msgs[g] = 0;
	}
}

void perf_order_init(struct perf_order *o, unsigned groups)
{
	memset(o, 0, sizeof(*o));
	o->groups = groups <= PERF_MAX_GROUPS ? groups : PERF_MAX_GROUPS;
	restart(o);
}

int perf_order_group(const struct perf_order *o, const char *name)
{
	unsigned g = 0;
	size_t i = 4;

	/* The names are ours (main.c writes "perf%u"): parse instead of
	 * comparing with every data group's name on every delivery. */
	if (strncmp(name, "perf", 4) != 0 || name[4] < '0' || name[4] > '9' ||
	    (name[4] == '0' && name[5] != '\0'))
		return -1;
	for (; i < ORDO_NAME_LEN && name[i] >= '0' && name[i] <= '9'; i++) {
		g = g * 10 + (unsigned)(name[i] - '0');
		if (g >= o->groups)
			return -1;
	}
	return i < ORDO_NAME_LEN && name[i] == '\0' ? (int)g : -1;
}

void perf_order_deliver(struct perf_order *o, int n,
			const char (*groups)[ORDO_NAME_LEN],
			uint64_t sender, uint64_t seq)
{
	bool any = false;

	for (int i = 0; i < n; i++) {
		int g = perf_order_group(o, groups[i]);

		if (g < 0)
			continue;
		o->digest[g] = flood_digest_step(o->digest[g], sender, seq);
		o->msgs[g]++;
		any = true;
	}
	if (any) {
		o->digest[o->groups] = flood_digest_step(o->digest[o->groups],
							 sender, seq);
		o->msgs[o->groups]++;
	}
}

void perf_order_snapshot(struct perf_order *o)
{
	memcpy(o->snap_digest, o->digest, sizeof(o->snap_digest));
	memcpy(o->snap_msgs, o->msgs, sizeof(o->snap_msgs));
	o->taken = true;
	restart(o);
}

void perf_order_next_round(struct perf_order *o)
{
	o->taken = false;
}
