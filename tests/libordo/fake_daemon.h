/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A fake ordo daemon for libordo's tests and benchmark: a thread that
 * listens on a temporary SOCK_SEQPACKET socket, answers HELLO with a
 * WELCOME (or the refusal the test asks for) carrying a fresh region and
 * two eventfds, and then plays the dataplane for each client:
 *
 *   MSG    read with the daemon's validating reader, reassembled; in echo
 *          mode delivered back to the sender (F_SENDER, names[0] = its
 *          private group "#name#fake", then the destinations); a message
 *          to a group named "reject" is answered by a REJECT instead.
 *   JOIN   a regular MEMBERSHIP (CAUSED_BY_JOIN) of the group with the
 *          client as only member, or with FAKE_MANY_MEMBERS members when
 *          the group's name starts with "many".
 *   LEAVE  a self-leave MEMBERSHIP (CAUSED_BY_LEAVE, gid-only body).
 *
 * In FAKE_GROUPS mode it is a group layer instead, in one total order (its
 * thread): JOIN adds the client to a group and sends every member the
 * regular membership (CAUSED_BY_JOIN), LEAVE sends the leaver its
 * self-leave and the others CAUSED_BY_LEAVE, a client that goes away
 * (BYE, hang-up, fake_hangup_one) CAUSED_BY_DISCONNECT, fake_network a
 * transitional then a regular CAUSED_BY_NETWORK membership with the same
 * members; a message goes once to every member of its groups and to the
 * private groups it names ("#name#fake"), with the sender first.
 *
 * Memberships are sent whatever the client's HELLO flags say, so the
 * library's own filtering is tested. Counters are for the tests to check
 * what the daemon saw.
 */
#ifndef ORDO_TESTS_FAKE_DAEMON_H
#define ORDO_TESTS_FAKE_DAEMON_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define FAKE_MAX_CONNS 8
#define FAKE_MAX_GROUPS 8
#define FAKE_MANY_MEMBERS 40

enum fake_mode {
	FAKE_ECHO = 0,  /* deliver each message back to its sender */
	FAKE_SINK,      /* count messages, deliver nothing */
	FAKE_GROUPS,    /* a group layer over the connections (fake_groups.c) */
};

/* A group of FAKE_GROUPS mode. */
struct fake_group {
	char name[32];
	bool member[FAKE_MAX_CONNS];
};

struct fake_conn;

struct fake_daemon {
	char path[108];
	int lsock;
	pthread_t thread;
	atomic_bool stop;
	/* set before fake_start, or between connects */
	_Atomic int32_t welcome_status;  /* ORDO_CP_ACCEPT or a refusal */
	_Atomic int mode;                /* enum fake_mode */
	uint32_t ring_size;              /* both rings; 0 = 64 KiB */
	/* what the daemon saw */
	atomic_uint_fast64_t hellos, msgs, bytes, self_discards, joins, leaves,
		byes, hangups, ring_errors;
	_Atomic uint32_t hello_flags;
	/* commands, run by the daemon thread */
	pthread_mutex_t mu;
	int cmd_close_reason;    /* > 0: mark every region closed with it */
	bool cmd_hangup;         /* close every client socket (a crash) */
	uint64_t cmd_source_n;   /* deliver this many messages to client 0 */
	uint32_t cmd_source_len;
	atomic_uint_fast64_t source_done;
	int cmd_hangup_slot;     /* > 0: slot + 1 to close (a killed client) */
	char cmd_network[32];    /* a network change of this group */
	struct fake_conn *conns[FAKE_MAX_CONNS];
	struct fake_group groups[FAKE_MAX_GROUPS];
	uint64_t deliver_seq;
	uint32_t gid_change;
	unsigned anon;
};

/* Listen on a fresh socket under /tmp and start the thread. 0 / -errno. */
int fake_start(struct fake_daemon *d);
void fake_stop(struct fake_daemon *d);

/* Commands; each returns once the daemon thread has run it. */
void fake_close_all(struct fake_daemon *d, int reason);
void fake_hangup_all(struct fake_daemon *d);
/* FAKE_GROUPS: the client in slot (connection order from 0) vanishes as a
 * killed process would; a network change of group. */
void fake_hangup_one(struct fake_daemon *d, int slot);
void fake_network(struct fake_daemon *d, const char *group);
/* Start delivering n messages of len bytes to the first client (the
 * benchmark's receive side); fake_source_wait waits until all are
 * written. */
void fake_source(struct fake_daemon *d, uint64_t n, uint32_t len);
void fake_source_wait(struct fake_daemon *d);

#endif /* ORDO_TESTS_FAKE_DAEMON_H */
