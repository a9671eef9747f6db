/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What ordoctl's files share: the options every command sees and the
 * commands that live in their own file (ordoctl_top.c, ordoctl_key.c).
 */
#ifndef ORDO_APP_ORDOCTL_IMPL_H
#define ORDO_APP_ORDOCTL_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#define ORDOCTL_EXIT_NO_DAEMON 2
#define ORDOCTL_MAX_SOCKETS    32

struct opts {
	const char *sock;                         /* the first -s */
	const char *socks[ORDOCTL_MAX_SOCKETS];   /* every -s, in order */
	unsigned n_socks;
	bool json;
};

/* Dial ordo-ctrld's client socket: the fd, or -1 with errno. */
int ordoctl_dial(const char *path);

/* Send msg (len bytes, seq 1) on o->sock and print the REPLYs: to stdout,
 * or to stderr with a refusal. Returns the exit code. */
int ordoctl_exchange(const struct opts *o, const void *msg, size_t len);

/* ordoctl top [--iterations N] [--delay SECONDS] (argv[0] is "top"). */
int ordoctl_top(const struct opts *o, int argc, char **argv, int what);

/* ordoctl keygen FILE; ordoctl key list|load FILE|use ID|retire ID. */
int ordoctl_keygen(const struct opts *o, int argc, char **argv, int what);
int ordoctl_key(const struct opts *o, int argc, char **argv, int what);

#endif /* ORDO_APP_ORDOCTL_IMPL_H */
