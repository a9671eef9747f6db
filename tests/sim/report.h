/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Findings of one run: violations by kind, with the first one spelled out
 * (the line a failing seed prints), and the count of undelivered
 * (message, node) pairs. Shared by the wire tap, the checker and the
 * simulator loop, which each add what they find.
 */
#ifndef SIM_REPORT_H
#define SIM_REPORT_H

#include <stdint.h>

enum chk_kind {
	CHK_SIM = 0,   /* the simulation itself failed (memory, event budget) */
	CHK_WIRE,      /* a packet on the wire breaks the format or its history */
	CHK_SUBMIT,    /* the engine refused a valid message */
	CHK_INVENTED,  /* delivered a message no one submitted */
	CHK_CORRUPT,   /* delivered bytes differ from the submitted ones */
	CHK_METADATA,  /* engine's delivery metadata disagrees with the bytes */
	CHK_DUPLICATE, /* delivered twice at one node */
	CHK_FIFO,      /* a sender's messages out of order or with a gap */
	CHK_ORDER,     /* two nodes delivered two messages in opposite orders */
	CHK_GAP,       /* a node skipped a message others delivered earlier */
	CHK_CAUSAL,    /* delivered before a message its sender had delivered */
	CHK_SAFE,      /* SAFE delivered before every member held it */
	CHK_CONFIG,    /* delivered outside the node's current configuration */
	CHK_AGREE,     /* members of one configuration disagree on it */
	CHK_TRANS,     /* a regular configuration not preceded by its
			* transitional one, or a transitional one that lies */
	CHK_VSYNC,     /* processes that moved together delivered different
			* messages in the configuration they left */
	CHK_CROSS,     /* delivered in another configuration than sent in */
	CHK_REFORM,    /* the live nodes did not end in one ring */
	/* Availability (avail.h): not EVS, but what a ring owes its users. */
	CHK_SPLIT,     /* two members never faulty were in rings apart */
	CHK_ALONE,     /* a ring of one while a peer was reachable */
	CHK_CHANGES,   /* a fault cost more ring changes than allowed */
	/* The group layer (--groups, gcheck.h): what Spread promises clients. */
	CHK_G_ONCE,    /* a client got a message twice, one never sent, or
			* one that differs from what was sent */
	CHK_G_MEMBER,  /* a message to a client not in its destination */
	CHK_G_VIEW,    /* one group id, different members (or a bad list) */
	CHK_G_ORDER,   /* two clients saw views or messages in other orders */
	CHK_G_TRANS,   /* a transitional signal out of place */
	CHK_G_SYNC,    /* clients that moved together saw different things */
	CHK_G_SELF,    /* a connected client missed its own message */
	CHK_G_SAFE,    /* a SAFE message a member of its view never got */
	CHK_G_FINAL,   /* at the end, a view that is not the live members */
	CHK_G_LIVE,    /* a --groups run that did not settle */
	CHK_KIND_MAX
};

const char *chk_kind_name(enum chk_kind k);

#define REPORT_LINE 400

struct report {
	uint32_t violations;
	uint32_t by_kind[CHK_KIND_MAX];
	char first[REPORT_LINE];             /* first violation */
	uint64_t undelivered;                /* (message, node) pairs */
	char first_undelivered[REPORT_LINE];
};

void report_clear(struct report *r);
void report_violation(struct report *r, enum chk_kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void report_undelivered(struct report *r, uint64_t pairs, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add src's counts to dst; dst keeps its own first lines if it has any. */
void report_merge(struct report *dst, const struct report *src);

#endif /* SIM_REPORT_H */
