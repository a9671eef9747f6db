/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The gateway harness's client worker (GWH_FAN=1): a struct dp_gw_fanout
 * without DPDK, run by the harness's loop after each node's turn, so the
 * gateway's hand-off side (gateway.h: deliveries, records and closes in
 * one ordered queue, submissions taken back, clients cut off, slots let
 * go) and the worker's writer (gw_writer.c) run under the harness's
 * scenarios. It lags one turn behind the gateway, as a worker lcore
 * would. What it cannot show is dataplane/cworker.c's own rings, items and
 * frame references: tests/dataplane/test_cworker.c and the lab do.
 */
#ifndef ORDO_TESTS_GWH_FAN_H
#define ORDO_TESTS_GWH_FAN_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/gateway/gateway.h"

struct gwh_fan_op;
struct gwh_fan_sub;

struct gwh_fan {
	struct dp_gw_fanout ops;
	struct dp_gateway wr;             /* the writer (gw_writer.c) */
	struct dp_gateway *gw;
	struct gwh_fan_op *head, *tail;   /* gateway -> worker, in order */
	struct gwh_fan_sub *s_head, *s_tail; /* worker -> gateway */
	uint32_t cut_slot[DP_GW_MAX_CLIENTS], cut_reason[DP_GW_MAX_CLIENTS];
	uint32_t cut_detail[DP_GW_MAX_CLIENTS], n_cut;
	uint32_t rd[DP_GW_MAX_CLIENTS], n_rd;
	uint64_t ops_done, subs, subs_done;
	bool hold;
	struct dp_gw_room_pub room_pub;   /* SlowConsumer = block's measure */
};

/* Hand gw's deliveries to a fake worker. 0 or -ENOMEM. */
int gwh_fan_init(struct gwh_fan *f, struct dp_gateway *gw);
/* One worker turn: the queued hand-offs written, submissions read.
 * Returns the work done. */
unsigned gwh_fan_turn(struct gwh_fan *f);
/* Everything queued written (stopping), then freed. */
void gwh_fan_fini(struct gwh_fan *f);

#endif /* ORDO_TESTS_GWH_FAN_H */
