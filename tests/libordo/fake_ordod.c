/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fake daemon (fake_daemon.h) as a program, for driving ordo-user and
 * Spread's classic programs by hand or from test_ordo_user.sh: prints its
 * socket path on the first line, then echoes until stdin closes or a
 * signal arrives.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "tests/libordo/fake_daemon.h"

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

int main(void)
{
	struct fake_daemon d;
	struct sigaction sa = { .sa_handler = on_signal };
	char c;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (fake_start(&d) < 0) {
		perror("fake_ordod");
		return 1;
	}
	printf("%s\n", d.path);
	fflush(stdout);
	while (!quit && read(0, &c, 1) > 0)
		;
	fake_stop(&d);
	return 0;
}
