/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fake daemon's insides, shared by fake_daemon.c (sockets, regions,
 * the echo dataplane) and fake_groups.c (FAKE_GROUPS: a group layer over
 * its connections). Files of tests/libordo only.
 */
#ifndef ORDO_TESTS_FAKE_DAEMON_IMPL_H
#define ORDO_TESTS_FAKE_DAEMON_IMPL_H

#include <stdbool.h>

#include "lib/cring/cring.h"
#include "tests/libordo/fake_daemon.h"

struct fake_conn {
	int sock, cefd, defd;
	struct ordo_cr_map map;
	struct ordo_cr_reader rd;
	struct ordo_cr_prod dp;
	uint8_t *rbuf;
	char group[ORDO_CR_NAME_LEN];  /* "#name#fake" */
	/* the message being reassembled */
	uint8_t *msg;
	uint32_t msg_cap, msg_len;
	struct ordo_cr_rec first;
	char names[ORDO_CR_MAX_NAMES][ORDO_CR_NAME_LEN];
};

void fake_name_set(char out[ORDO_CR_NAME_LEN], const char *s);
/* Write one delivery, waiting for room; false if the client is gone. */
bool fake_deliver(struct fake_daemon *d, struct fake_conn *k,
		  struct ordo_cr_send *s);

/* fake_groups.c, in FAKE_GROUPS mode. */
void fake_groups_change(struct fake_daemon *d, struct fake_conn *k,
			const char *group, bool join);
void fake_groups_message(struct fake_daemon *d, struct fake_conn *k);
/* k was in slot, already emptied. */
void fake_groups_gone(struct fake_daemon *d, int slot, struct fake_conn *k);
void fake_groups_network(struct fake_daemon *d, const char *group);

#endif
