/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What the gateway tests share on the client side: connecting through a
 * node's ordo-ctrld (retrying while it links up), views, a payload whose
 * every byte is checkable, and receiver threads that check order and
 * content while the test thread sends.
 */
#ifndef ORDO_TESTS_GWT_H
#define ORDO_TESTS_GWT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ordo/ordo.h"
#include "tests/gateway/gwh.h"
#include "tests/gateway/gwt_payload.h"

/* Connect to node's daemon (ORDO_CONNECT_MEMBERSHIP in flags to see
 * views); fails the test if it cannot within seconds. */
ordo_client *gwt_connect(struct gwh *h, unsigned node, const char *name,
			 unsigned flags);
/* Receive until a regular membership of group with n members arrives
 * (other events are dropped; the caller joined before messages flow). */
void gwt_wait_view(ordo_client *c, const char *group, int n);
/* Join and wait for the regular view with n members. */
void gwt_join(ordo_client *c, const char *group, int n);


/* A receiver thread: receives until it has `want` messages (or the
 * session ends, or no event comes for timeout_ms), checking each payload
 * and that each sender tag's sequence numbers go 0, 1, 2, ... */
#define GWT_MAX_TAGS 8
struct gwt_rx {
	ordo_client *c;
	uint64_t want;
	int timeout_ms;
	/* results, read after gwt_rx_join */
	uint64_t got, bytes, bad, out_of_order, memb, rejects;
	/* deliveries (messages and membership) whose delivery sequence
	 * (ordo_event.seq) is not the one before plus one */
	uint64_t seq_gaps, last_seq;
	uint32_t next[GWT_MAX_TAGS];
	uint64_t digest;       /* every (tag, seq), folded in delivery order */
	int end;               /* 0, or the error that stopped it */
	pthread_t thr;
};
void gwt_rx_start(struct gwt_rx *r, ordo_client *c, uint64_t want,
		  int timeout_ms);
/* The same in two steps: set next[] (where each tag starts) between. */
void gwt_rx_init(struct gwt_rx *r, ordo_client *c, uint64_t want,
		 int timeout_ms);
void gwt_rx_run(struct gwt_rx *r);
void gwt_rx_join(struct gwt_rx *r);

/* Send n messages of len bytes (tag, seq from first) to one group with
 * service svc; asserts each returned len. */
void gwt_send(ordo_client *c, int svc, const char *group, uint32_t tag,
	      uint32_t first, uint32_t n, size_t len);

#endif /* ORDO_TESTS_GWT_H */
