/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-perf's output (perf_report.h). Latencies are kept in nanoseconds
 * and printed in microseconds with one decimal: a ring on one host
 * delivers in a few microseconds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "app/perf/perf_report.h"

static double us(const struct flood_hist *h, double q)
{
	return (double)flood_hist_quantile(h, q) / 1000.0;
}

/* A worker lcore's figures, apart from the ring lcore's, under its names
 * with a prefix (w: the crypto/io worker, cw: the client worker, cw<K>:
 * client worker K from 2, rxw<Q>: the rx worker of rx queue Q):
 * <p>cyc_per_msg per message the ring lcore ordered (to set beside
 * cyc_per_msg), <p>cyc_per_<unit> per unit it handled (a frame; a message
 * handed to the local clients), <p>cyc_<stage> per unit in its timed
 * turns, <p>stall_us. Nothing when the lcore does not run or did
 * nothing in the interval. */
static void print_lcore(const struct perf_lcore_fig *f, const char *p,
			const char *unit, bool stall)
{
	if (f->known)
		printf(" %scyc_per_msg=%.0f %scyc_per_%s=%.0f", p, f->per_msg, p,
		       unit, f->per_unit);
	if (f->known_stages)
		for (unsigned i = 0; i < PERF_STAGES; i++)
			printf(" %scyc_%s=%.0f", p, perf_stage_name(i),
			       f->stage[i]);
	if (stall && (f->known || f->known_stages))
		printf(" %sstall_us=%.1f", p, f->stall_us);
}

/* " cyc_per_msg=C cyc_timed=T cyc_loop=.. cyc_rx=.. ... stall_us=S": the
 * ring lcore's TSC cycles per ordered message, the whole loop's, then the
 * timed turns' and their stages' ("?" when unknown). */
static void print_stages(const struct perf_stage_fig *f, bool stall)
{
	if (f->known)
		printf(" cyc_per_msg=%.0f", f->per_msg);
	else
		printf(" cyc_per_msg=?");
	if (f->known_stages) {
		printf(" cyc_timed=%.0f", f->timed);
		for (unsigned i = 0; i < PERF_STAGES; i++)
			printf(" cyc_%s=%.0f", perf_stage_name(i), f->stage[i]);
	}
	if (stall)
		printf(" stall_us=%.1f", f->stall_us);
	print_lcore(&f->w, "w", "frame", stall);
	print_lcore(&f->cw, "cw", "handed", stall);
	for (unsigned k = 0; k < PERF_MORE_CW; k++) {
		char p[16];

		snprintf(p, sizeof(p), "cw%u", k + 2);
		print_lcore(&f->cwk[k], p, "handed", stall);
	}
	for (unsigned q = 0; q < PERF_RX_WORKERS; q++) {
		char p[16];

		snprintf(p, sizeof(p), "rxw%u", q + 1);
		print_lcore(&f->rxw[q], p, "frame", stall);
	}
}

void perf_report_second(const struct perf_run *r, const struct perf_second *s)
{
	double secs = s->secs > 0 ? s->secs : 1;

	if (r->o.quiet)
		return;
	printf("perf: t=%u node=%s rx_msgs/s=%.0f rx_Gbit/s=%.3f tx_msgs/s=%.0f"
	       " p50_us=%.1f p99_us=%.1f p999_us=%.1f lost=%" PRIu64
	       " misordered=%" PRIu64 " corrupt=%" PRIu64 " retrans=",
	       s->t, r->daemon, (double)s->rx_msgs / secs,
	       (double)s->rx_bytes * 8 / secs / 1e9, (double)s->tx_msgs / secs,
	       us(s->latency, 0.5), us(s->latency, 0.99), us(s->latency, 0.999),
	       s->lost, s->misordered, s->corrupt);
	if (s->retrans < 0)
		printf("?");
	else
		printf("%" PRId64, s->retrans);
	print_stages(&s->stages, true);
	printf("\n");
	fflush(stdout);
}

void perf_report_order(const struct perf_run *r, const struct perf_result *res)
{
	const struct perf_order *o = &r->order;

	for (unsigned g = 0; g <= o->groups; g++) {
		printf("perf: order node=%s round=%u size=%" PRIu32 " service=%s group=",
		       r->daemon, res->round, res->size, r->o.service_name);
		if (g < o->groups)
			printf("%s", r->groups[g]);
		else
			printf("*");
		if (o->taken)
			printf(" msgs=%" PRIu64 " digest=%016" PRIx64 "\n",
			       o->snap_msgs[g], o->snap_digest[g]);
		else
			printf(" msgs=- digest=none\n");
	}
}

static int write_csv(const struct perf_run *r, const struct perf_result *res,
		     double rate, double gbit)
{
	struct stat st;
	bool fresh = stat(r->o.csv, &st) != 0 || st.st_size == 0;
	FILE *f = fopen(r->o.csv, "a");
	int rc = 0;

	if (!f)
		return -errno;
	if (fresh)
		fprintf(f, "label,node,mode,service,size,groups,senders,"
			   "expect_senders,rate_per_sender,offered_msgs_per_s,"
			   "secs,sent,received,rx_msgs_per_s,rx_gbit_per_s,"
			   "p50_us,p99_us,p999_us,lost,misordered,corrupt,"
			   "retrans,checked\n");
	/* The label is free text: keep the row parseable. */
	for (const char *p = r->o.label; *p; p++)
		fputc(*p == ',' || *p == '\n' ? ' ' : *p, f);
	fprintf(f, ",%s,%s,%s,%" PRIu32 ",%u,%u,%u,%.0f,%.0f,%.3f,%" PRIu64
		   ",%" PRIu64 ",%.0f,%.4f,%.1f,%.1f,%.1f,%" PRIu64 ",%" PRIu64
		   ",%" PRIu64 ",%" PRId64 ",%s\n",
		r->daemon, perf_mode_name(r->o.mode), r->o.service_name,
		res->size, r->o.groups, r->o.senders, r->o.expect_senders,
		r->o.mode == PERF_MODE_RATE ? r->o.rate : 0,
		r->o.mode == PERF_MODE_RATE ? r->o.rate * r->o.expect_senders : 0,
		res->secs, res->sent, res->received, rate, gbit,
		us(res->latency, 0.5), us(res->latency, 0.99),
		us(res->latency, 0.999), res->lost, res->misordered,
		res->corrupt, res->retrans, res->checked ? "yes" : "no");
	if (fclose(f) != 0)
		rc = -errno;
	return rc;
}

int perf_report_result(const struct perf_run *r, const struct perf_result *res)
{
	double rate = res->secs > 0 ? (double)res->received / res->secs : 0;
	double gbit = res->secs > 0 ? (double)res->bytes * 8 / res->secs / 1e9 : 0;
	int rc = 0;

	printf("perf: summary node=%s round=%u mode=%s size=%" PRIu32
	       " ends=%u/%u tx_full=%" PRIu64 " window_waits=%" PRIu64
	       " impostor=%" PRIu64
	       " retrans=%" PRId64 " max_us=%.1f%s%s",
	       r->daemon, res->round, perf_mode_name(r->o.mode), res->size,
	       res->ends, res->ends_expected, res->tx_full, res->window_waits,
	       res->impostor,
	       res->retrans, (double)res->latency->max / 1000.0,
	       res->member_left ? " member-left" : "",
	       r->closed ? " receiver-closed" : "");
	print_stages(&res->stages, false);
	printf("\n");
	printf("perf: node=%s size=%" PRIu32 " service=%s senders=%u secs=%.3f"
	       " sent=%" PRIu64 " received=%" PRIu64 " rx_msgs_per_s=%.0f"
	       " rx_gbit_per_s=%.3f p50_us=%.1f p99_us=%.1f p999_us=%.1f"
	       " lost=%" PRIu64 " misordered=%" PRIu64 " corrupt=%" PRIu64
	       " checked=%s\n",
	       r->daemon, res->size, r->o.service_name, r->o.senders, res->secs,
	       res->sent, res->received, rate, gbit, us(res->latency, 0.5),
	       us(res->latency, 0.99), us(res->latency, 0.999), res->lost,
	       res->misordered, res->corrupt, res->checked ? "yes" : "no");
	fflush(stdout);
	if (r->o.csv) {
		rc = write_csv(r, res, rate, gbit);
		if (rc < 0)
			fprintf(stderr, "ordo-perf: --csv %s: %s\n", r->o.csv,
				strerror(-rc));
	}
	return rc;
}
