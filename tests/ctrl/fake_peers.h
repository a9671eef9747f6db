/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The other ends of ordo-ctrld's two sockets, for tests/ctrl: a fake
 * dataplane (listens on DIR/ordod.link, answers LINK_HELLO, sends a state
 * dump, records ATTACH with its descriptors and answers ATTACHED, answers
 * DETACH with DETACHED, a COUNTERS query with a REPLY and STATS_REQ with
 * two pages of records, the second with every lcore metric for three
 * lcores) and a fake
 * client, both with raw socket calls only: libordo and ordod are not
 * used, so a bug shared with them cannot hide here. Plus starting and
 * stopping the real binaries.
 */
#ifndef ORDO_TESTS_CTRL_FAKE_PEERS_H
#define ORDO_TESTS_CTRL_FAKE_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ordo/ctrl_proto.h"

#define FDP_MAX_ATTACH 16

/* The second page of STATS also has every lcore metric of the catalogue
 * (ids 250-299) for lcores FDP_LCORE0.., one of each role. */
#define FDP_LCORES 3u
#define FDP_LCORE0 11u
extern const char *const fdp_lcore_roles[FDP_LCORES];

struct fdp_attach {
	struct ordo_cp_attach msg;
	int fds[4];            /* memfd, client efd, daemon efd, client socket */
	unsigned n_fds;
};

struct fdp {
	char     dir[128];
	int      lfd, fd;      /* listening, and the link (-1: none) */
	int32_t  attach_status;/* what ATTACHED says */
	bool     auto_detached;/* answer DETACH with DETACHED */
	uint32_t n_attach, n_detach, n_query, last_detach_id;
	struct fdp_attach attach[FDP_MAX_ATTACH];
	uint32_t hello_hash;
	uint32_t n_stats;      /* STATS_REQs answered */
	bool     stats_silent; /* leave STATS_REQ unanswered */
};

/* Listen on dir/ordod.link. */
void fdp_listen(struct fdp *f, const char *dir);
/* Accept ctrld's dial within timeout_ms, take LINK_HELLO, answer
 * LINK_WELCOME (status), and when status is 0 send the dump: the given
 * CLIENT entries, a RING of one member, a VIEW of group "chat" with two
 * members, DUMP_END. Returns 0 or -1. */
int fdp_accept(struct fdp *f, int timeout_ms, int32_t status,
	       const struct ordo_cp_client *clients, unsigned n_clients);
/* Handle what ctrld sends for up to timeout_ms (0: what is queued).
 * Returns -1 when the link closed, else 0. */
int fdp_service(struct fdp *f, int timeout_ms);
/* The records of the fake's STATS answers: page 0 (next 1) with the ring,
 * drops, a port, an unknown id and a duplicate; page 1 (next 0) with two
 * clients, one of them named `bo"b\` to test escaping. Counters grow by
 * FDP_STATS_MSGS messages per answer, so rates are not 0. */
#define FDP_STATS_MSGS 1000u
/* Send raw bytes on the link. */
int fdp_send_raw(struct fdp *f, const void *buf, size_t len);
void fdp_detached(struct fdp *f, uint32_t id, uint32_t reason);
/* Close the link (and every descriptor ATTACH gave us). */
void fdp_drop(struct fdp *f);
void fdp_close(struct fdp *f);

/* Fake client. */
int fc_connect(const char *sock);
int fc_hello(int fd, const char *name, uint32_t seq);
/* Wait for WELCOME (servicing f, when not NULL, meanwhile); fds get up to
 * 3 descriptors. Returns 0 or -1. */
int fc_welcome(int fd, struct fdp *f, struct ordo_cp_welcome *w, int *fds,
	       unsigned *n_fds, int timeout_ms);
/* Whether the peer closed fd within timeout_ms (servicing f meanwhile);
 * data still queued is read and ignored. */
bool fc_closed(int fd, struct fdp *f, int timeout_ms);
int fc_send(int fd, const void *buf, size_t len, const int *fds, unsigned n);

/* QUERY and collect the REPLY text (servicing f), NUL-terminated.
 * Returns the status, or -1000 on a transport failure. */
int fc_query(const char *sock, struct fdp *f, uint32_t what, uint32_t flags,
	     char *out, size_t cap);

/* The binaries. */
pid_t run_ctrld(const char *const *argv, const char *log);
/* Exit status of a child, waiting up to timeout_ms; -1 if still running. */
int wait_exit(pid_t pid, int timeout_ms);
void stop(pid_t pid);
/* Run ordoctl with args, stdout to out_file, servicing f; exit status. */
int run_ordoctl(const char *const *argv, const char *out_file, struct fdp *f);

#endif
