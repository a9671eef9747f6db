/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The three idle strategies of idle.h.
 */
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <rte_pause.h>

#include "dataplane/idle.h"

static void spin_idle(struct dp_idle *s, unsigned work)
{
	if (work == 0) {
		s->idle_turns++;
		rte_pause();
	}
}

static void yield_idle(struct dp_idle *s, unsigned work)
{
	if (work == 0) {
		s->idle_turns++;
		sched_yield();
	}
}

static void backoff_idle(struct dp_idle *s, unsigned work)
{
	if (work > 0) {
		s->spins = s->yields = 0;
		s->park_ns = s->min_park_ns;
		return;
	}
	s->idle_turns++;
	if (s->spins < s->max_spins) {
		s->spins++;
		rte_pause();
	} else if (s->yields < s->max_yields) {
		s->yields++;
		sched_yield();
	} else {
		struct timespec ts = { 0, (long)s->park_ns };

		s->parks++;
		nanosleep(&ts, NULL);
		s->park_ns *= 2;
		if (s->park_ns > s->max_park_ns)
			s->park_ns = s->max_park_ns;
	}
}

/* The kernel stretches every sleep by the thread's timer slack (50 us by
 * default), which would turn our 1 us first park into 50: a token that
 * arrives then waits. Ask for 1 us of slack on this thread. */
static void backoff_start(struct dp_idle *s)
{
	(void)s;
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
}

const struct dp_idle_ops dp_idle_spin = { "spin", spin_idle, NULL };
const struct dp_idle_ops dp_idle_yield = { "yield", yield_idle, NULL };
const struct dp_idle_ops dp_idle_backoff = { "backoff", backoff_idle,
					     backoff_start };

const struct dp_idle_ops *dp_idle_by_name(const char *name)
{
	static const struct dp_idle_ops *const all[] = {
		&dp_idle_spin, &dp_idle_yield, &dp_idle_backoff,
	};

	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	if (strcmp(name, "busy-spin") == 0)
		return &dp_idle_spin;
	return NULL;
}

void dp_idle_init(struct dp_idle *s, const struct dp_idle_ops *ops,
		  uint64_t max_park_ns)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->max_spins = 100;
	s->max_yields = 10;
	s->min_park_ns = 1000;
	s->max_park_ns = max_park_ns ? max_park_ns : 1000000;
	if (s->max_park_ns < s->min_park_ns)
		s->min_park_ns = s->max_park_ns;
	s->park_ns = s->min_park_ns;
}
