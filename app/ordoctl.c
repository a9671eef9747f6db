/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordoctl: ask ordo-ctrld what it knows (status, ring, groups, clients,
 * the dataplane's counters, the configuration), watch daemons live (top,
 * ordoctl_top.c), check a configuration file offline, make a key file
 * and rotate the ring's keys (keygen, key: ordoctl_key.c). One request
 * per run on the client socket; the answer is text for a person, or JSON
 * with --json for a script.
 *
 * Exit codes: 0 answered (check: the file is valid), 1 the daemon
 * answered with an error (check: the file is not valid), 2 no daemon
 * answered or bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "app/ordoctl_impl.h"
#include "lib/conf/conf.h"
#include "lib/cproto/cpmsg.h"

#define EXIT_NO_DAEMON ORDOCTL_EXIT_NO_DAEMON
#define ANSWER_MS      3000

static int cmd_query(const struct opts *o, int argc, char **argv, int what);
static int cmd_check(const struct opts *o, int argc, char **argv, int what);

static const struct command {
	const char *name, *args, *help;
	int (*run)(const struct opts *o, int argc, char **argv, int what);
	int what;
} commands[] = {
	{ "status", "", "the daemon, its dataplane link, ring and counts",
	  cmd_query, ORDO_CP_Q_STATUS },
	{ "ring", "", "the configured daemons and which are in the ring",
	  cmd_query, ORDO_CP_Q_RING },
	{ "groups", "", "groups and their members", cmd_query, ORDO_CP_Q_GROUPS },
	{ "clients", "", "this daemon's clients", cmd_query, ORDO_CP_Q_CLIENTS },
	{ "counters", "", "the dataplane's counters", cmd_query,
	  ORDO_CP_Q_COUNTERS },
	{ "config", "", "the configuration as the daemon reads it", cmd_query,
	  ORDO_CP_Q_CONFIG },
	{ "top", " [--iterations N] [--delay S]",
	  "live per-second view of every daemon given with -s", ordoctl_top, 0 },
	{ "check", " FILE", "parse a configuration file offline", cmd_check, 0 },
	{ "keygen", " FILE", "write a new ring key (32 random bytes, mode 0600)",
	  ordoctl_keygen, 0 },
	{ "key", " list|load FILE|use ID|retire ID",
	  "the ring's keys (root or the daemons' user); docs/security.md",
	  ordoctl_key, 0 },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ordoctl [-s SOCKET]... [--json] <command>\n\n");
	for (i = 0; i < N_COMMANDS; i++) {
		char left[48];

		snprintf(left, sizeof(left), "%s%s", commands[i].name,
			 commands[i].args);
		if (strlen(left) > 12)
			fprintf(f, "  %s\n  %-12s %s\n", left, "", commands[i].help);
		else
			fprintf(f, "  %-12s %s\n", left, commands[i].help);
	}
	fprintf(f, "\n  -s, --socket PATH  ordo-ctrld's socket (default $%s, else %s);\n"
		"                     top takes several, one per daemon\n"
		"      --json         answer in JSON\n",
		ORDO_CP_SOCKET_ENV, ORDO_CP_SOCKET_DEFAULT);
}

int ordoctl_dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int ordoctl_exchange(const struct opts *o, const void *msg, size_t len)
{
	static uint8_t buf[ORDO_CP_MSG_MAX];
	const struct ordo_cp_reply *r = (const void *)buf;
	int fd, rc, status = 0;
	enum cpmsg_err err;
	unsigned n_fds;
	int fds[1];

	fd = ordoctl_dial(o->sock);
	if (fd < 0) {
		fprintf(stderr, "ordoctl: no daemon answers on %s: %s\n", o->sock,
			strerror(errno));
		return EXIT_NO_DAEMON;
	}
	rc = cpmsg_send(fd, msg, len, NULL, 0, 0);
	if (rc < 0) {
		fprintf(stderr, "ordoctl: %s: %s\n", o->sock, strerror(-rc));
		close(fd);
		return EXIT_NO_DAEMON;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long n;

		if (poll(&p, 1, ANSWER_MS) <= 0) {
			fprintf(stderr, "ordoctl: %s: no answer within %d ms\n",
				o->sock, ANSWER_MS);
			close(fd);
			return EXIT_NO_DAEMON;
		}
		n = cpmsg_recv(fd, buf, sizeof(buf), fds, 0, &n_fds, 0, &err);
		if (n <= 0 || err != CPMSG_OK || r->hdr.type != ORDO_CP_REPLY ||
		    r->hdr.seq != 1) {
			fprintf(stderr, "ordoctl: %s: %s\n", o->sock,
				n == 0 ? "the daemon closed the connection" :
				n < 0 ? strerror((int)-n) :
				err != CPMSG_OK ? cpmsg_err_name(err) :
				"unexpected answer");
			close(fd);
			return EXIT_NO_DAEMON;
		}
		if (r->status != 0)
			status = r->status;
		fwrite(r + 1, 1, (size_t)n - sizeof(*r), r->status ? stderr : stdout);
		if (!r->more)
			break;
	}
	close(fd);
	if (status) {
		fprintf(stderr, "ordoctl: %s\n", strerror(-status));
		return 1;
	}
	return 0;
}

static int cmd_query(const struct opts *o, int argc, char **argv, int what)
{
	struct ordo_cp_query_msg q;

	(void)argv;
	if (argc != 1) {
		usage(stderr);
		return EXIT_NO_DAEMON;
	}
	memset(&q, 0, sizeof(q));
	cpmsg_hdr(&q.hdr, ORDO_CP_QUERY, sizeof(q), 1);
	q.what = (uint32_t)what;
	q.flags = o->json ? ORDO_CP_Q_JSON : 0;
	return ordoctl_exchange(o, &q, sizeof(q));
}

static int cmd_check(const struct opts *o, int argc, char **argv, int what)
{
	struct ordo_conf *c;
	char err[512];
	int rc;

	(void)o;
	(void)what;
	if (argc != 2) {
		usage(stderr);
		return EXIT_NO_DAEMON;
	}
	c = malloc(sizeof(*c));
	if (!c)
		return EXIT_NO_DAEMON;
	rc = ordo_conf_parse_file(argv[1], c, err, sizeof(err));
	if (rc == 0)
		printf("%s: ok (hash %08x, %u daemon%s)\n", argv[1],
		       ordo_conf_hash(c), c->n_daemons,
		       c->n_daemons == 1 ? "" : "s");
	else
		fprintf(stderr, "%s\n", err[0] ? err : strerror(-rc));
	free(c);
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { 0 };
	size_t i;
	int opt;

	while ((opt = getopt_long(argc, argv, "+s:jh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (o.n_socks == ORDOCTL_MAX_SOCKETS) {
				fprintf(stderr, "ordoctl: at most %d sockets\n",
					ORDOCTL_MAX_SOCKETS);
				return EXIT_NO_DAEMON;
			}
			o.socks[o.n_socks++] = optarg;
			if (!o.sock)
				o.sock = optarg;
			break;
		case 'j': o.json = true; break;
		case 'h': usage(stdout); return 0;
		default:  usage(stderr); return EXIT_NO_DAEMON;
		}
	}
	if (!o.sock)
		o.sock = getenv(ORDO_CP_SOCKET_ENV);
	if (!o.sock || !o.sock[0])
		o.sock = ORDO_CP_SOCKET_DEFAULT;
	if (o.n_socks == 0)
		o.socks[o.n_socks++] = o.sock;
	if (optind >= argc) {
		usage(stderr);
		return EXIT_NO_DAEMON;
	}
	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			return commands[i].run(&o, argc - optind, argv + optind,
					       commands[i].what);
	fprintf(stderr, "ordoctl: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return EXIT_NO_DAEMON;
}
