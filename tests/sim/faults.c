/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fault schedule; see faults.h.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tests/sim/faults.h"
#include "tests/sim/prng.h"

static const struct {
	const char *name;
	uint32_t bits;
} kind_words[] = {
	{ "crash", FAULTS_CRASH },
	{ "restart", FAULTS_CRASH | FAULTS_RESTART },
	{ "partition", FAULTS_PARTITION },
	{ "merge", FAULTS_MERGE },
	{ "oneway", FAULTS_ONEWAY },
	{ "pause", FAULTS_PAUSE },
	{ "slow", FAULTS_SLOW },
	{ "flap", FAULTS_FLAP },
	{ "all", FAULTS_ALL },
	{ "none", 0 },
};

#define N_WORDS (sizeof(kind_words) / sizeof(kind_words[0]))

void fault_params_default(struct fault_params *p)
{
	p->kinds = 0;
	p->max = 3;
	p->keep = UINT32_MAX;
	p->flap_period_ns = 0;
	p->flap_ns = 0;
	p->flap_links = FLAP_LINKS_DRAWN;
}

int faults_parse(const char *list, uint32_t *kinds, char *err, size_t errlen)
{
	const char *w = list;
	uint32_t k = 0;

	while (*w) {
		size_t len = strcspn(w, ","), i;

		for (i = 0; i < N_WORDS; i++)
			if (strlen(kind_words[i].name) == len &&
			    strncmp(kind_words[i].name, w, len) == 0)
				break;
		if (i == N_WORDS) {
			snprintf(err, errlen, "'%.*s' is not one of crash, "
				 "restart, partition, merge, oneway, pause, "
				 "slow, flap, all, none",
				 (int)len, w);
			return -EINVAL;
		}
		k |= kind_words[i].bits;
		w += len + (w[len] == ',');
	}
	*kinds = k;
	return 0;
}

void faults_format(uint32_t kinds, char *buf, size_t len)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} words[] = {
		{ "crash", FAULTS_CRASH }, /* only without restart */
		{ "restart", FAULTS_RESTART },
		{ "partition", FAULTS_PARTITION },
		{ "merge", FAULTS_MERGE },
		{ "oneway", FAULTS_ONEWAY },
		{ "pause", FAULTS_PAUSE },
		{ "slow", FAULTS_SLOW },
		{ "flap", FAULTS_FLAP },
	};
	size_t n = 0, i;

	if ((kinds & FAULTS_ALL) == FAULTS_ALL || kinds == 0) {
		snprintf(buf, len, "%s", kinds ? "all" : "none");
		return;
	}
	buf[0] = 0;
	if (kinds & FAULTS_RESTART)
		kinds &= ~FAULTS_CRASH;
	for (i = 0; i < sizeof(words) / sizeof(words[0]) && n < len; i++)
		if (kinds & words[i].bit)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "," : "", words[i].name);
}

const char *fault_kind_name(uint8_t kind)
{
	static const char *const names[] = {
		[FAULT_CRASH] = "crash",
		[FAULT_PARTITION] = "partition",
		[FAULT_MERGE] = "merge",
		[FAULT_ONEWAY] = "oneway",
		[FAULT_PAUSE] = "pause",
		[FAULT_SLOW] = "slow",
		[FAULT_FLAP] = "flap",
	};

	return kind >= FAULT_CRASH && kind < FAULT_KIND_MAX ? names[kind] : "?";
}

int fault_cuts(const struct fault *f, uint32_t a, uint32_t b, uint64_t t)
{
	switch (f->kind) {
	case FAULT_PARTITION:
	case FAULT_MERGE:
		return f->group[a] != f->group[b];
	case FAULT_ONEWAY:
		return f->node == a && f->peer == b;
	case FAULT_FLAP:
		if (f->peer == FAULT_ALL_LINKS ?
			    (a != f->node && b != f->node) :
			    !((a == f->node && b == f->peer) ||
			      (a == f->peer && b == f->node)))
			return 0;
		/* Down in the first period, up in the second, ... */
		return t < f->at || ((t - f->at) / f->period) % 2 == 0;
	default:
		return 0;
	}
}

/* Node-fault intervals drawn so far: a node has one at a time, and some
 * node is free of them at every moment. */
static bool overlaps(const struct fault *f, uint32_t n, uint32_t node,
		     uint64_t at, uint64_t heal)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (fault_is_node(f[i].kind) && f[i].node == node &&
		    f[i].at < heal && at < f[i].heal)
			return true;
	return false;
}

/* Log-uniform in [lo, hi]: short and long spells alike. */
static uint64_t log_range(struct prng *r, uint64_t lo, uint64_t hi)
{
	double x;

	if (lo < 1)
		lo = 1;
	if (hi <= lo)
		return lo;
	x = (double)lo * exp2(prng_unit(r) * log2((double)hi / (double)lo));
	return x < (double)lo ? lo : x > (double)hi ? hi : (uint64_t)x;
}

#define MS 1000000ull

/* A node to crash over [at, heal), so that another node stays up for all
 * of it; false if there is none. (Every crash has such a witness, so at
 * any moment the witness of the last-drawn crash covering it is up.) */
static bool pick_victim(struct prng *r, const struct fault *f, uint32_t n,
			uint32_t n_nodes, uint64_t at, uint64_t heal,
			uint32_t *victim)
{
	uint32_t cand[ORDO_MAX_MEMBERS], nc = 0, up = 0, i;

	for (i = 0; i < n_nodes; i++) {
		if (overlaps(f, n, i, at, heal))
			continue;
		up++;
		cand[nc++] = i;
	}
	if (up < 2)
		return false;
	*victim = cand[prng_below(r, nc)];
	return true;
}

static void split(struct prng *r, uint8_t *group, uint32_t n_nodes,
		  uint32_t groups)
{
	uint32_t i, used;

	do {
		used = 0;
		for (i = 0; i < n_nodes; i++) {
			group[i] = (uint8_t)prng_below(r, groups);
			used |= 1u << group[i];
		}
	} while (__builtin_popcount(used) < 2);
}

void faults_plan(struct fault_plan *fp, const struct fault_params *p,
		 uint64_t seed, uint32_t n_nodes, uint64_t unit)
{
	struct fault all[FAULT_MAX];
	uint32_t kinds = p->kinds, k, i, n = 0, max;
	uint8_t menu[FAULT_KIND_MAX];
	uint32_t n_menu = 0;
	bool merged = false;
	struct prng r;

	memset(fp, 0, sizeof(*fp));
	fp->unit = unit;
	max = p->max < 1 ? 1 : p->max > FAULT_MAX ? FAULT_MAX : p->max;
	fp->window = (uint64_t)max * 2 * unit;
	if (kinds == 0 || n_nodes < 2)
		return;
	if (kinds & (FAULTS_CRASH | FAULTS_RESTART))
		menu[n_menu++] = FAULT_CRASH;
	if (kinds & FAULTS_PARTITION)
		menu[n_menu++] = FAULT_PARTITION;
	if (kinds & FAULTS_MERGE)
		menu[n_menu++] = FAULT_MERGE;
	if (kinds & FAULTS_ONEWAY)
		menu[n_menu++] = FAULT_ONEWAY;
	if (kinds & FAULTS_PAUSE)
		menu[n_menu++] = FAULT_PAUSE;
	if (kinds & FAULTS_SLOW)
		menu[n_menu++] = FAULT_SLOW;
	if (kinds & FAULTS_FLAP)
		menu[n_menu++] = FAULT_FLAP;

	prng_seed(&r, seed, PRNG_FAULTS);
	k = 1 + (uint32_t)prng_below(&r, max);
	for (i = 0; i < k; i++) {
		struct fault *f = &all[n];
		uint64_t at = prng_range(&r, unit / 2, fp->window - 1);
		uint64_t len = prng_range(&r, 2 * unit, 4 * unit);
		uint8_t kind = menu[prng_below(&r, n_menu)];

		/* A merge happens once, from the start: the nodes never were
		 * one ring. Drawn again, it is nothing. */
		if (kind == FAULT_MERGE && merged)
			continue;
		memset(f, 0, sizeof(*f));
		f->kind = kind;
		f->at = at;
		f->heal = at + len;
		f->drawn = n;
		switch (kind) {
		case FAULT_CRASH:
			/* crash: for good; restart: mostly back, as a new
			 * incarnation. */
			if (!(kinds & FAULTS_RESTART) || prng_below(&r, 4) == 0)
				f->heal = UINT64_MAX;
			if (!pick_victim(&r, all, n, n_nodes, f->at, f->heal,
					 &f->node))
				continue;
			break;
		case FAULT_MERGE:
			merged = true;
			f->at = 0;
			f->heal = len;
			split(&r, f->group, n_nodes,
			      n_nodes >= 3 ? 2 + (uint32_t)prng_below(&r, 2) : 2);
			break;
		case FAULT_PARTITION:
			split(&r, f->group, n_nodes, 2);
			break;
		case FAULT_ONEWAY:
			f->node = (uint32_t)prng_below(&r, n_nodes);
			f->peer = (f->node + 1 +
				   (uint32_t)prng_below(&r, n_nodes - 1)) %
				  n_nodes;
			break;
		case FAULT_PAUSE:
			/* The lab's pauses, whatever the timers. */
			f->heal = at + log_range(&r, 1 * MS, 3000 * MS);
			f->restart = prng_below(&r, 3) == 0;
			if (!pick_victim(&r, all, n, n_nodes, f->at, f->heal,
					 &f->node))
				continue;
			break;
		case FAULT_SLOW:
			f->heal = at + prng_range(&r, 2 * unit, 20 * unit);
			f->delay = log_range(&r, 5000, unit / 4);
			f->period = log_range(&r, unit / 30, unit / 2);
			f->off = f->period * prng_range(&r, 10, 60) / 100;
			if (f->off > unit / 4)
				f->off = unit / 4;
			if (!pick_victim(&r, all, n, n_nodes, f->at, f->heal,
					 &f->node))
				continue;
			break;
		case FAULT_FLAP:
			f->period = p->flap_period_ns ?
					    p->flap_period_ns :
					    log_range(&r, unit / 3, 8 * unit);
			f->heal = at + (p->flap_ns ? p->flap_ns :
					prng_range(&r, 6 * unit, 60 * unit));
			f->node = (uint32_t)prng_below(&r, n_nodes);
			f->peer = prng_below(&r, 2) == 0 ?
					  FAULT_ALL_LINKS :
					  (f->node + 1 + (uint32_t)prng_below(
							 &r, n_nodes - 1)) %
						  n_nodes;
			/* Imposed after the draws, so the stream is the
			 * same whatever the option says. */
			if (p->flap_links == FLAP_LINKS_NODE)
				f->peer = FAULT_ALL_LINKS;
			else if (p->flap_links == FLAP_LINKS_PAIR &&
				 f->peer == FAULT_ALL_LINKS)
				f->peer = (f->node + 1) % n_nodes;
			break;
		}
		n++;
	}
	fp->drawn = n;
	for (i = 0; i < n; i++) {
		if (i >= 32 || !(p->keep & (1u << i)))
			continue;
		fp->f[fp->n] = all[i];
		if (all[i].at > fp->last)
			fp->last = all[i].at;
		if (all[i].heal != UINT64_MAX && all[i].heal > fp->last)
			fp->last = all[i].heal;
		fp->n++;
	}
}

void fault_describe(const struct fault *f, uint32_t n_nodes, char *buf,
		    size_t len)
{
	size_t n;
	uint32_t i, g;

	n = (size_t)snprintf(buf, len, "#%u %s at %.1fms", f->drawn,
			     fault_kind_name(f->kind), (double)f->at / 1e6);
	switch (f->kind) {
	case FAULT_CRASH:
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, ": node %u%s",
					      f->node + 1,
					      f->heal == UINT64_MAX ?
						      " for good" : "");
		break;
	case FAULT_ONEWAY:
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n,
					      ": %u->%u cut", f->node + 1,
					      f->peer + 1);
		break;
	case FAULT_PAUSE:
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, ": node %u",
					      f->node + 1);
		break;
	case FAULT_SLOW:
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n,
					      ": node %u, input %.3fms late, "
					      "off %.3fms of every %.3fms",
					      f->node + 1, (double)f->delay / 1e6,
					      (double)f->off / 1e6,
					      (double)f->period / 1e6);
		break;
	case FAULT_FLAP:
		if (n < len && f->peer == FAULT_ALL_LINKS)
			n += (size_t)snprintf(buf + n, len - n,
					      ": every link of node %u",
					      f->node + 1);
		else if (n < len)
			n += (size_t)snprintf(buf + n, len - n, ": %u<->%u",
					      f->node + 1, f->peer + 1);
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n,
					      ", toggling every %.1fms",
					      (double)f->period / 1e6);
		break;
	default:
		for (g = 0; g < 3; g++) {
			bool any = false;

			for (i = 0; i < n_nodes && n < len; i++) {
				if (f->group[i] != g)
					continue;
				n += (size_t)snprintf(buf + n, len - n, "%s%u",
						      any ? "," : g ? " | " :
								  ": ",
						      i + 1);
				any = true;
			}
		}
		break;
	}
	if (f->heal != UINT64_MAX && n < len)
		snprintf(buf + n, len - n, ", %s at %.1fms",
			 f->kind == FAULT_CRASH || f->restart ? "restarts" :
			 f->kind == FAULT_PAUSE ? "resumes" : "heals",
			 (double)f->heal / 1e6);
}
