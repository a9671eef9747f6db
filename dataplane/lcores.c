/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Lcore jobs from the configuration's Lcores and EAL's list (lcores.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>

#include "dataplane/lcores.h"
#include "dataplane/opts.h"

bool ordod_eal_sets_lcores(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "-l", 2) == 0 || strncmp(a, "-c", 2) == 0 ||
		    strcmp(a, "--lcores") == 0 ||
		    strncmp(a, "--lcores=", 9) == 0)
			return true;
	}
	return false;
}

/* "2", "2,4", "1-3,8" (checked by lib/conf already) -> a set. */
static int parse_list(const char *s, bool *set)
{
	char *end;

	for (;;) {
		unsigned long a = strtoul(s, &end, 10), b;

		if (end == s || a >= RTE_MAX_LCORE)
			return -EINVAL;
		b = a;
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			if (end == s + 1 || b < a || b >= RTE_MAX_LCORE)
				return -EINVAL;
			s = end;
		}
		for (unsigned long i = a; i <= b; i++)
			set[i] = true;
		if (*s == '\0')
			return 0;
		if (*s++ != ',')
			return -EINVAL;
	}
}

/* The EAL's enabled lcores as a list, for a message. */
static void eal_list(char *buf, size_t len)
{
	size_t n = 0;
	unsigned l;

	buf[0] = '\0';
	RTE_LCORE_FOREACH(l) {
		int k = snprintf(buf + n, n < len ? len - n : 0, "%s%u",
				 n ? "," : "", l);

		if (k > 0)
			n += (size_t)k;
	}
}

int ordod_lcores_pick(const char *conf_list, const char *conf_name,
		      int workers, unsigned rx_queues,
		      struct ordod_lcores *out, char *err, size_t errlen)
{
	unsigned l, avail = 0, after[RTE_MAX_LCORE];
	unsigned n_rxw = rx_queues > 1 ? rx_queues - 1 : 0;

	memset(out, 0, sizeof(*out));
	if (conf_list != NULL && conf_list[0] != '\0') {
		bool want[RTE_MAX_LCORE];
		char have[256];
		bool same = true;

		memset(want, 0, sizeof(want));
		if (parse_list(conf_list, want) < 0) {
			snprintf(err, errlen, "%s: Lcores = %s: not an lcore "
				 "list below %u", conf_name, conf_list,
				 RTE_MAX_LCORE);
			return -EINVAL;
		}
		for (l = 0; l < RTE_MAX_LCORE; l++)
			if (want[l] != (rte_lcore_is_enabled(l) != 0))
				same = false;
		if (!same) {
			eal_list(have, sizeof(have));
			snprintf(err, errlen, "%s says Lcores = %s, the EAL "
				 "arguments give lcores %s: give the list in one "
				 "place (drop -l/--lcores, or the Lcores key)",
				 conf_name, conf_list, have);
			return -EINVAL;
		}
	}
	out->main = rte_get_main_lcore();
	l = rte_get_next_lcore(-1, 1, 0);
	out->ring = l < RTE_MAX_LCORE ? l : out->main;
	if (out->ring != out->main)
		for (l = rte_get_next_lcore(out->ring, 1, 0); l < RTE_MAX_LCORE;
		     l = rte_get_next_lcore(l, 1, 0))
			after[avail++] = l;
	if (n_rxw > sizeof(out->rxw) / sizeof(out->rxw[0])) {
		snprintf(err, errlen, "RxQueues %u: at most %zu", rx_queues,
			 sizeof(out->rxw) / sizeof(out->rxw[0]) + 1);
		return -EINVAL;
	}
	/* Queue 0 is the crypto/io worker's: the rx workers need it. */
	if (n_rxw && workers == 0) {
		snprintf(err, errlen, "RxQueues %u with --workers 0: queue 0 "
			 "is the crypto/io worker's, each other queue an rx "
			 "worker's: --workers 1 or more", rx_queues);
		return -EINVAL;
	}
	if (n_rxw && workers < 1)
		workers = 1;
	if (n_rxw && (unsigned)workers + n_rxw > avail) {
		snprintf(err, errlen, "RxQueues %u: the lcores leave %u after "
			 "the main and ring lcores; %u worker(s) and %u rx "
			 "worker(s) need %u (EAL -l/--lcores, or Lcores)",
			 rx_queues, avail, workers, n_rxw, workers + n_rxw);
		return -EINVAL;
	}
	if (avail > 0)
		out->worker = after[0];
	if (avail > 1)
		out->cworker = after[1];
	if (workers > (int)avail) {
		if (out->ring == out->main)
			snprintf(err, errlen, "--workers %d: the lcores give only "
				 "the main lcore (%u), which runs the ring too: "
				 "give two more (EAL -l/--lcores, or Lcores)",
				 workers, out->main);
		else
			snprintf(err, errlen, "--workers %d: the lcores leave %u "
				 "after the main (%u) and ring (%u) lcores: give "
				 "one more (EAL -l/--lcores, or Lcores)", workers,
				 avail, out->main, out->ring);
		return -EINVAL;
	}
	/* Left to us, one: the client worker is asked for by name (on
	 * 2 vCPUs a third busy lcore only takes turns from the others). */
	out->n_workers = workers >= 0 ? (unsigned)workers : avail ? 1 : 0;
	out->n_rxw = n_rxw;
	for (unsigned i = 0; i < n_rxw; i++)
		out->rxw[i] = after[out->n_workers + i];
	out->unused = avail - out->n_workers - n_rxw;
	return 0;
}
