/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-ctrld: options, configuration, the checks that refuse to start
 * (exit code 2, with the reason), then the poll loop until SIGINT or
 * SIGTERM. Runs in the foreground; systemd or the caller supervises it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/spread/sp_names.h"
#include "ctrl/ctrld.h"

#define EXIT_START 2

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ordo-ctrld --config FILE [options]\n"
		"  -c, --config FILE       the configuration (required)\n"
		"  -n, --name NAME         which daemon of the file we are\n"
		"                          (default: the one with a local address)\n"
		"      --runtime-dir DIR   overrides RuntimeDir (the link to ordod is\n"
		"                          DIR/" ORDO_CP_LINK_NAME ", the client socket DIR/ordo.sock\n"
		"                          unless the file sets ClientSocket)\n"
		"  -s, --socket PATH       the client socket (overrides both)\n"
		"      --log-level LEVEL   error, warning, info (default), debug\n"
		"      --foreground        stay in the foreground (the default)\n"
		"  -h, --help\n");
}

static int die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "ordo-ctrld: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, "\n");
	return EXIT_START;
}

static int set_path(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, ORDO_CONF_PATH_MAX, "%s/%s", dir, name);

	return n < 0 || n >= (int)ORDO_CONF_PATH_MAX ? -ENAMETOOLONG : 0;
}

/* The client socket: --socket; else ClientSocket when the file chose one
 * (anything but the default under the file's RuntimeDir); else
 * RuntimeDir/ordo.sock, RuntimeDir as overridden. */
static int pick_socket(struct ctrld *d, const char *opt_sock,
		       const char *file_rundir)
{
	char dflt[ORDO_CONF_PATH_MAX];

	if (opt_sock)
		return snprintf(d->sock_path, sizeof(d->sock_path), "%s",
				opt_sock) >= (int)sizeof(d->sock_path) ?
		       -ENAMETOOLONG : 0;
	if (set_path(dflt, file_rundir, "ordo.sock") < 0)
		dflt[0] = '\0';
	if (d->conf.client_socket[0] && strcmp(d->conf.client_socket, dflt) != 0) {
		strcpy(d->sock_path, d->conf.client_socket);
		return 0;
	}
	return set_path(d->sock_path, d->conf.runtime_dir, "ordo.sock");
}

static int find_self(struct ctrld *d, const char *name)
{
	uint32_t addrs[64];
	int n = 0;

	if (!name) {
		n = ordo_conf_local_addrs(addrs, 64);
		if (n < 0)
			n = 0;
	}
	return ordo_conf_find_self(&d->conf, name, addrs, (size_t)n);
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	/* Each client holds a socket and a memfd here, and passes through a
	 * few more on admission. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Everything the run holds, so that leak checkers see a clean exit. The
 * clients' regions are only unmapped: they stay with the dataplane. */
static void cleanup(struct ctrld *d)
{
	uint32_t i;

	for (i = 0; d->clients && i < CTRLD_CLIENTS_MAX; i++)
		if (d->clients[i].have_region)
			ordo_cr_region_unmap(&d->clients[i].map);
	for (i = 0; d->conns && i < d->n_conns_max; i++)
		if (d->conns[i].fd >= 0)
			close(d->conns[i].fd);
	ctrld_metrics_stop(d);
	ctrld_mirror_clear(d);
	free(d->groups);
	free(d->conns);
	free(d->clients);
	if (d->link_fd >= 0)
		close(d->link_fd);
	if (d->listen_fd >= 0)
		close(d->listen_fd);
	if (d->log_fd >= 0)
		close(d->log_fd);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "socket", required_argument, NULL, 's' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = NULL, *name = NULL, *rundir = NULL;
	const char *sock = NULL;
	char err[512], file_rundir[ORDO_CONF_PATH_MAX];
	static struct ctrld instance; /* one per process; 140 KiB off the stack */
	struct ctrld *d = &instance;
	struct sigaction sa;
	int opt, rc, i;

	d->log_level = CLOG_INFO;
	d->log_fd = -1;
	d->listen_fd = -1;
	d->link_fd = -1;
	while ((opt = getopt_long(argc, argv, "c:n:s:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': conf_path = optarg; break;
		case 'n': name = optarg; break;
		case 'r': rundir = optarg; break;
		case 's': sock = optarg; break;
		case 'f': break;
		case 'l':
			if (ctrld_log_level_parse(optarg, &d->log_level) < 0)
				return die("unknown log level '%s'%s", optarg, "");
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_START;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_START;
	}
	if (!conf_path)
		return die("--config FILE is required%s%s", "", "");

	rc = ordo_conf_parse_file(conf_path, &d->conf, err, sizeof(err));
	if (rc < 0)
		return die("%s%s", err, "");
	snprintf(d->conf_path, sizeof(d->conf_path), "%s", conf_path);
	d->conf_hash = ordo_conf_hash(&d->conf);
	strcpy(file_rundir, d->conf.runtime_dir);
	if (rundir && snprintf(d->conf.runtime_dir, sizeof(d->conf.runtime_dir),
			       "%s", rundir) >= (int)sizeof(d->conf.runtime_dir))
		return die("--runtime-dir %s: too long%s", rundir, "");
	d->self = find_self(d, name);
	if (d->self < 0)
		return name ? die("no daemon named '%s' in %s", name, conf_path) :
		       die("no daemon of %s has an address of this host (use -n NAME)%s",
			   conf_path, "");
	d->daemon = d->conf.daemons[d->self].name;
	d->node_id = d->conf.daemons[d->self].id;
	/* "#private#daemon" must fit Spread's 32 bytes: 1 + 10 + 1 + 19 + NUL. */
	if (strlen(d->daemon) > MAX_PROC_NAME - 1 ||
	    sp_name_check_daemon(d->daemon) != 0)
		return die("daemon name '%s' cannot be used in private group names (at most %s characters '$'..'~', no '#')",
			   d->daemon, "19");
	if (pick_socket(d, sock, file_rundir) < 0 ||
	    strlen(d->sock_path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return die("client socket path too long (at most 107 bytes)%s%s",
			   "", "");
	if (set_path(d->link_path, d->conf.runtime_dir, ORDO_CP_LINK_NAME) < 0 ||
	    strlen(d->link_path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return die("RuntimeDir %s too long for a socket path%s",
			   d->conf.runtime_dir, "");
	if (d->conf.event_log_file[0]) {
		d->log_fd = open(d->conf.event_log_file,
				 O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (d->log_fd < 0)
			return die("EventLogFile %s: %s", d->conf.event_log_file,
				   strerror(errno));
	}

	raise_fd_limit();
	d->n_conns_max = d->conf.max_clients + CTRLD_EXTRA_CONNS;
	d->conns = calloc(d->n_conns_max, sizeof(*d->conns));
	d->clients = calloc(CTRLD_CLIENTS_MAX, sizeof(*d->clients));
	if (!d->conns || !d->clients) {
		cleanup(d);
		return die("out of memory%s%s", "", "");
	}
	for (i = 0; i < (int)d->n_conns_max; i++) {
		d->conns[i].fd = -1;
		d->conns[i].client = -1;
	}
	d->next_client_id = 1;
	d->started_ns = ctrld_now_ns();
	if (ctrld_listen(d) < 0) {
		cleanup(d);
		return die("cannot serve %s (see above)%s", d->sock_path, "");
	}
	if (ctrld_metrics_start(d) < 0) {
		cleanup(d);
		unlink(d->sock_path);
		return die("cannot serve metrics (see above)%s%s", "", "");
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	ctrld_log(d, CLOG_INFO,
		  "started: daemon %s (node %08x), config %s (hash %08x), socket %s, dataplane %s",
		  d->daemon, d->node_id, d->conf_path, d->conf_hash, d->sock_path,
		  d->link_path);
	rc = ctrld_run(d, &quit);
	ctrld_log(d, CLOG_INFO, "stopping");
	/* Clients stay with the dataplane: a new ordo-ctrld picks them up
	 * from its dump. Only our socket file goes. */
	unlink(d->sock_path);
	cleanup(d);
	return rc < 0 ? 1 : 0;
}
