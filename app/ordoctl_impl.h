/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What ordoctl's files share: the options every command sees and the
 * commands that live in their own file (ordoctl_top.c).
 */
#ifndef ORDO_APP_ORDOCTL_IMPL_H
#define ORDO_APP_ORDOCTL_IMPL_H

#include <stdbool.h>

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

/* ordoctl top [--iterations N] [--delay SECONDS] (argv[0] is "top"). */
int ordoctl_top(const struct opts *o, int argc, char **argv, int what);

#endif /* ORDO_APP_ORDOCTL_IMPL_H */
