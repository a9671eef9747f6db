/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What ordod prints: a stats line per period and one final traffic line,
 * as key=value pairs a person can read and a script can split.
 *
 *   ordod: node=1 t=2.0 ports_up=1/1 rx_pps=.. tx_pps=.. rot_per_s=..
 *          delivered=.. msgs_per_s=.. gbit_per_s=.. retrans=.. drops=..
 *   ordod: traffic done node=1 delivered=N expected=N digest=HEX
 *          fifo_errors=0 elapsed_s=.. msgs_per_s=.. gbit_per_s=..
 */
#ifndef ORDO_APP_REPORT_H
#define ORDO_APP_REPORT_H

#include <stdio.h>

#include "dataplane/snapshot.h"

/* A stats line for the interval from prev to cur. */
void report_period(FILE *f, const struct dp_snapshot *prev,
		   const struct dp_snapshot *cur);

/* The traffic line (call once, when cur->traffic.done). */
void report_traffic_done(FILE *f, const struct dp_snapshot *cur);

/* Every non-zero counter, at exit. */
/* A line naming a peer that runs another configuration, when one more
 * of its packets was refused since prev. */
void report_config_mismatch(FILE *f, const struct dp_snapshot *prev,
			    const struct dp_snapshot *cur);
void report_summary(FILE *f, const struct dp_snapshot *cur);

/* Once a second: each station whose frames failed authentication since
 * prev, "refusing frames from <MAC>: authentication failed, N in the last
 * second" (the dataplane counts; only this thread writes). */
void report_auth_failures(FILE *f, const struct dp_seal_stats *prev,
			  const struct dp_seal_stats *cur);

#endif /* ORDO_APP_REPORT_H */
