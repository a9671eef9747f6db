/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-ctrld and ordoctl end to end: the real binaries, a fake dataplane
 * and fake clients (fake_peers.h). Each test starts its own ordo-ctrld in
 * a fresh directory and stops it, so they are independent; every wait is
 * bounded (a few hundred ms when things work).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/cring/cring.h"
#include "tests/ctrl/fake_peers.h"

#ifndef ORDO_CTRLD
#error "ORDO_CTRLD: path of the ordo-ctrld binary"
#endif

struct env {
	char dir[64], conf[128], sock[128], log[128];
	pid_t pid;
	struct fdp f;
	bool fdp;
};

static void write_conf(struct env *e, const char *daemon, const char *ordo)
{
	FILE *fp = fopen(e->conf, "w");

	assert_non_null(fp);
	fprintf(fp, "Spread_Segment 127.0.0.255:4803 {\n\t%s 127.0.0.1\n}\n"
		"Ordo {\n\tMtu = 1500\n%s\n}\n", daemon, ordo ? ordo : "");
	fclose(fp);
}

static void env_init(struct env *e)
{
	memset(e, 0, sizeof(*e));
	strcpy(e->dir, "/tmp/ordo-ctrl-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->conf, sizeof(e->conf), "%s/t.conf", e->dir);
	snprintf(e->sock, sizeof(e->sock), "%s/ordo.sock", e->dir);
	snprintf(e->log, sizeof(e->log), "%s/ctrld.log", e->dir);
	e->f.fd = e->f.lfd = -1;
}

static pid_t spawn(struct env *e, const char *name)
{
	const char *argv[] = { ORDO_CTRLD, "--config", e->conf, "-n", name,
			       "--runtime-dir", e->dir, "--log-level", "debug",
			       NULL };

	return run_ctrld(argv, e->log);
}

static void wait_socket(struct env *e)
{
	int i;

	for (i = 0; i < 400; i++) {
		int fd = fc_connect(e->sock);

		if (fd >= 0) {
			close(fd);
			return;
		}
		usleep(5000);
	}
	fail_msg("ordo-ctrld did not open %s", e->sock);
}

static void wait_link_up(struct env *e)
{
	static char out[8192];
	int i;

	for (i = 0; i < 100; i++) {
		if (fc_query(e->sock, &e->f, ORDO_CP_Q_STATUS, ORDO_CP_Q_JSON,
			     out, sizeof(out)) == 0 &&
		    strstr(out, "\"link\":\"up\""))
			return;
		usleep(10000);
	}
	fail_msg("link never up: %s", out);
}

/* ordo-ctrld with a configuration (extra lines in Ordo { }), and the
 * fake dataplane when with_fdp. */
static void env_start(struct env *e, const char *ordo, bool with_fdp)
{
	env_init(e);
	write_conf(e, "alpha", ordo);
	if (with_fdp)
		fdp_listen(&e->f, e->dir);
	e->fdp = with_fdp;
	e->pid = spawn(e, "alpha");
	assert_true(e->pid > 0);
	wait_socket(e);
	if (with_fdp) {
		assert_int_equal(fdp_accept(&e->f, 2000, 0, NULL, 0), 0);
		wait_link_up(e);
	}
}

static void env_stop(struct env *e)
{
	char cmd[128];

	stop(e->pid);
	if (e->fdp)
		fdp_close(&e->f);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", e->dir);
}

static void dump_log(const struct env *e)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "cat %s >&2", e->log);
	if (system(cmd) != 0)
		return;
}

/* HELLO and WELCOME; returns the status, the socket in *fd. */
static int connect_client(struct env *e, const char *name, int *fd,
			  struct ordo_cp_welcome *w, int *fds, unsigned *n_fds)
{
	*fd = fc_connect(e->sock);
	assert_true(*fd >= 0);
	assert_int_equal(fc_hello(*fd, name, 5), 0);
	if (fc_welcome(*fd, e->fdp ? &e->f : NULL, w, fds, n_fds, 2000) < 0) {
		dump_log(e);
		fail_msg("no WELCOME for '%s'", name);
	}
	assert_int_equal(w->hdr.seq, 5);
	return w->status;
}

static void close_fds(int *fds, unsigned n)
{
	while (n)
		close(fds[--n]);
}

/* ---------------------------------------------------------------------- */

static void test_refuses_to_start(void **state)
{
	struct env e;
	pid_t p2;
	int fd;

	(void)state;
	env_init(&e);
	/* A broken file. */
	{
		FILE *fp = fopen(e.conf, "w");

		fprintf(fp, "Spread_Segment 127.0.0.255 {\n a 127.0.0.1\n}\nBogus = 1\n");
		fclose(fp);
	}
	assert_int_equal(wait_exit(spawn(&e, "a"), 3000), 2);
	/* A daemon name too long for "#private#daemon" (20 characters). */
	write_conf(&e, "abcdefghijklmnopqrst", NULL);
	assert_int_equal(wait_exit(spawn(&e, "abcdefghijklmnopqrst"), 3000), 2);
	/* A name the file does not have. */
	write_conf(&e, "alpha", NULL);
	assert_int_equal(wait_exit(spawn(&e, "beta"), 3000), 2);

	/* A stale socket file is replaced... */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		strcpy(sa.sun_path, e.sock);
		fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		assert_int_equal(bind(fd, (void *)&sa, sizeof(sa)), 0);
		close(fd); /* the file stays, nobody listens */
	}
	e.pid = spawn(&e, "alpha");
	wait_socket(&e);
	/* ... and one a live process serves is not taken. */
	p2 = spawn(&e, "alpha");
	assert_int_equal(wait_exit(p2, 3000), 2);
	fd = fc_connect(e.sock);
	assert_true(fd >= 0); /* the first still serves it */
	close(fd);
	env_stop(&e);
}

static void test_not_ready(void **state)
{
	struct ordo_cp_welcome w;
	struct env e;
	unsigned n;
	int fd, fds[3];

	(void)state;
	env_start(&e, NULL, false);
	assert_int_equal(connect_client(&e, "alice", &fd, &w, fds, &n),
			 ORDO_CP_REJECT_NOT_READY);
	assert_int_equal(n, 0);
	assert_non_null(strstr(w.reason, "dataplane not running"));
	assert_true(fc_closed(fd, NULL, 1000));
	close(fd);
	env_stop(&e);
}

static void same_file(int a, int b)
{
	struct stat sa, sb;

	assert_int_equal(fstat(a, &sa), 0);
	assert_int_equal(fstat(b, &sb), 0);
	assert_true(sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

static void test_accept_and_leave(void **state)
{
	struct ordo_cp_welcome w;
	struct ordo_cr_map map;
	struct fdp_attach *a;
	struct env e;
	unsigned n;
	int fd, fd2, fds[3];
	uint32_t id;

	(void)state;
	env_start(&e, NULL, true);
	assert_int_equal(connect_client(&e, "alice", &fd, &w, fds, &n),
			 ORDO_CP_ACCEPT);
	assert_int_equal(n, 3);
	assert_string_equal(w.private_group, "#alice#alpha");
	assert_string_equal(w.daemon, "alpha");
	assert_int_equal(w.node_id, 0x7f000001);
	assert_int_equal(w.conf_hash, e.f.hello_hash);
	/* The dataplane got the same region, two eventfds and the socket. */
	assert_int_equal(e.f.n_attach, 1);
	a = &e.f.attach[0];
	assert_int_equal(a->n_fds, 4);
	assert_int_equal(a->msg.client_id, w.client_id);
	assert_int_equal(a->msg.uid, getuid());
	assert_int_equal(a->msg.pid, getpid());
	assert_string_equal(a->msg.private_name, "alice");
	same_file(fds[0], a->fds[0]);
	same_file(fds[1], a->fds[1]);
	same_file(fds[2], a->fds[2]);
	assert_int_equal(ordo_cr_region_map(&map, fds[0]), 0);
	assert_int_equal(map.submit_size, 128u << 10); /* 70000, rounded up */
	assert_int_equal(map.deliver_size, 4u << 20); /* the default */
	assert_int_equal(map.hdr->client_id, w.client_id);
	ordo_cr_region_unmap(&map); /* closes fds[0] */
	close_fds(fds + 1, 2);

	/* Refusals while alice is there. */
	assert_int_equal(connect_client(&e, "alice", &fd2, &w, fds, &n),
			 ORDO_CP_REJECT_NOT_UNIQUE);
	assert_true(fc_closed(fd2, &e.f, 1000));
	close(fd2);
	assert_int_equal(connect_client(&e, "bad#name", &fd2, &w, fds, &n),
			 ORDO_CP_REJECT_ILLEGAL_NAME);
	close(fd2);
	assert_int_equal(connect_client(&e, "elevenchars", &fd2, &w, fds, &n),
			 ORDO_CP_REJECT_ILLEGAL_NAME);
	close(fd2);
	/* An empty name gets a generated one. */
	assert_int_equal(connect_client(&e, "", &fd2, &w, fds, &n),
			 ORDO_CP_ACCEPT);
	assert_true(w.private_group[0] == '#' && strlen(w.private_group) > 7);
	close_fds(fds, n);

	/* BYE -> DETACH -> (DETACHED) -> socket closed. */
	{
		struct ordo_cp_hdr bye = { ORDO_CP_MAGIC, ORDO_CP_VERSION,
					   ORDO_CP_BYE, sizeof(bye), 9 };

		id = e.f.attach[0].msg.client_id;
		assert_int_equal(fc_send(fd, &bye, sizeof(bye), NULL, 0), 0);
		assert_true(fc_closed(fd, &e.f, 2000));
		assert_int_equal(e.f.n_detach, 1);
		assert_int_equal(e.f.last_detach_id, id);
		close(fd);
	}
	/* A client that just closes its socket: DETACH too. The fake
	 * dataplane's copy of the socket must go first, or the close is
	 * not a hang-up for ctrld either... it is: ctrld watches its own
	 * end, which sees the client's end close. */
	id = e.f.attach[1].msg.client_id;
	close(fd2);
	fdp_service(&e.f, 300);
	assert_int_equal(e.f.n_detach, 2);
	assert_int_equal(e.f.last_detach_id, id);
	/* The name is free again once DETACHED came. */
	assert_int_equal(connect_client(&e, "alice", &fd, &w, fds, &n),
			 ORDO_CP_ACCEPT);
	close_fds(fds, n);
	close(fd);
	env_stop(&e);
}

static void test_quota_and_auth(void **state)
{
	struct ordo_cp_welcome w;
	char ordo[128];
	struct env e;
	unsigned n;
	int fd, fd2, fds[3];

	(void)state;
	env_start(&e, "\tMaxClients = 1", true);
	assert_int_equal(connect_client(&e, "one", &fd, &w, fds, &n),
			 ORDO_CP_ACCEPT);
	close_fds(fds, n);
	assert_int_equal(connect_client(&e, "two", &fd2, &w, fds, &n),
			 ORDO_CP_REJECT_QUOTA);
	close(fd2);
	close(fd);
	env_stop(&e);

	snprintf(ordo, sizeof(ordo), "\tAccess \"*\" { Uid = %u }",
		 (unsigned)getuid() + 1);
	env_start(&e, ordo, true);
	assert_int_equal(connect_client(&e, "me", &fd, &w, fds, &n),
			 ORDO_CP_REJECT_AUTH);
	assert_int_equal(e.f.n_attach, 0);
	close(fd);
	env_stop(&e);

	/* The dataplane's refusal is passed on. */
	env_start(&e, NULL, true);
	e.f.attach_status = ORDO_CP_REJECT_NOT_UNIQUE;
	assert_int_equal(connect_client(&e, "dup", &fd, &w, fds, &n),
			 ORDO_CP_REJECT_NOT_UNIQUE);
	assert_int_equal(n, 0);
	close(fd);
	env_stop(&e);
}

static void test_dataplane_drops(void **state)
{
	struct ordo_cp_welcome w;
	struct ordo_cr_map map;
	struct env e;
	unsigned n;
	int fd, fds[3];

	(void)state;
	env_start(&e, NULL, true);
	assert_int_equal(connect_client(&e, "alice", &fd, &w, fds, &n),
			 ORDO_CP_ACCEPT);
	assert_int_equal(ordo_cr_region_map(&map, fds[0]), 0);
	assert_int_equal(atomic_load(&map.hdr->daemon_state) &
			 ORDO_CR_STATE_CLOSED, 0);
	fdp_drop(&e.f); /* closes the link and its copy of the socket */
	assert_true(fc_closed(fd, NULL, 2000));
	assert_true(atomic_load(&map.hdr->daemon_state) & ORDO_CR_STATE_CLOSED);
	assert_int_equal(atomic_load(&map.hdr->disconnect_reason),
			 ORDO_CR_DISC_DAEMON_EXIT);
	ordo_cr_region_unmap(&map);
	close_fds(fds + 1, 2);
	close(fd);
	/* New clients are refused until the dataplane is back... */
	assert_int_equal(connect_client(&e, "bob", &fd, &w, fds, &n),
			 ORDO_CP_REJECT_NOT_READY);
	close(fd);
	/* ... and admitted again when it is (ctrld redials). */
	assert_int_equal(fdp_accept(&e.f, 2000, 0, NULL, 0), 0);
	wait_link_up(&e);
	assert_int_equal(connect_client(&e, "bob", &fd, &w, fds, &n),
			 ORDO_CP_ACCEPT);
	close_fds(fds, n);
	close(fd);
	env_stop(&e);
}

static void test_restart_gets_dump(void **state)
{
	static char out[16384];
	struct ordo_cp_client c;
	struct env e;

	(void)state;
	env_start(&e, NULL, true);
	stop(e.pid);
	assert_int_equal(fdp_service(&e.f, 1000), -1); /* the link closed */
	e.pid = spawn(&e, "alpha");
	wait_socket(&e);
	memset(&c, 0, sizeof(c));
	c.hdr = (struct ordo_cp_hdr){ ORDO_CP_MAGIC, ORDO_CP_VERSION,
				      ORDO_CP_CLIENT, sizeof(c), 0 };
	c.client_id = 41;
	c.uid = 1000;
	c.pid = 4242;
	c.n_groups = 1;
	c.submitted = 5;
	strcpy(c.private_name, "carol");
	assert_int_equal(fdp_accept(&e.f, 2000, 0, &c, 1), 0);
	wait_link_up(&e);
	assert_int_equal(fc_query(e.sock, &e.f, ORDO_CP_Q_CLIENTS, 0, out,
				  sizeof(out)), 0);
	assert_non_null(strstr(out, "carol"));
	assert_non_null(strstr(out, "dump"));
	assert_int_equal(fc_query(e.sock, &e.f, ORDO_CP_Q_GROUPS, 0, out,
				  sizeof(out)), 0);
	assert_non_null(strstr(out, "#alice#alpha"));
	/* The dumped name is taken; the dumped client's DETACHED frees it. */
	{
		struct ordo_cp_welcome w;
		unsigned n;
		int fd, fds[3];

		assert_int_equal(connect_client(&e, "carol", &fd, &w, fds, &n),
				 ORDO_CP_REJECT_NOT_UNIQUE);
		close(fd);
		assert_int_equal(connect_client(&e, "dave", &fd, &w, fds, &n),
				 ORDO_CP_ACCEPT);
		assert_true(w.client_id > 41); /* after the dataplane's ids */
		close_fds(fds, n);
		close(fd);
		fdp_detached(&e.f, 41, ORDO_CR_DISC_CLIENT_CLOSED);
		fdp_service(&e.f, 200);
		assert_int_equal(fc_query(e.sock, &e.f, ORDO_CP_Q_CLIENTS, 0,
					  out, sizeof(out)), 0);
		assert_null(strstr(out, "carol"));
	}
	env_stop(&e);
}

/* A configuration the dataplane does not run: no clients admitted. */
static void test_other_config(void **state)
{
	static char out[8192];
	struct env e;

	(void)state;
	env_init(&e);
	write_conf(&e, "alpha", NULL);
	fdp_listen(&e.f, e.dir);
	e.fdp = true;
	e.pid = spawn(&e, "alpha");
	wait_socket(&e);
	assert_int_equal(fdp_accept(&e.f, 2000, -EINVAL, NULL, 0), 0);
	assert_int_equal(fdp_service(&e.f, 1000), -1); /* ctrld hung up */
	assert_int_equal(fc_query(e.sock, NULL, ORDO_CP_Q_STATUS, 0, out,
				  sizeof(out)), 0);
	assert_non_null(strstr(out, "another configuration"));
	env_stop(&e);
}

static bool python3(void)
{
	return system("command -v python3 >/dev/null 2>&1") == 0;
}

static void check_json(const char *file)
{
	char cmd[300];

	if (python3()) {
		snprintf(cmd, sizeof(cmd),
			 "python3 -m json.tool %s >/dev/null", file);
		if (system(cmd) != 0)
			fail_msg("%s is not JSON", file);
	} else {
		FILE *fp = fopen(file, "r");
		int c0 = fgetc(fp);

		fclose(fp);
		assert_true(c0 == '{');
	}
}

static char *slurp(const char *file)
{
	static char buf[65536];
	FILE *fp = fopen(file, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void test_ordoctl(void **state)
{
	static const struct {
		const char *cmd, *text, *json;
	} cases[] = {
		{ "status", "dataplane   up", "\"link\":\"up\"" },
		{ "ring", "in ring (this daemon)", "\"in_ring\":true" },
		{ "groups", "#alice#alpha", "\"#bo\\\"b#alpha\"" },
		{ "clients", "#zed#alpha", "\"private_group\":\"#zed#alpha\"" },
		{ "counters", "rx_packets 42", "\"rx_packets\":42" },
		{ "config", "alpha", "\"hash\"" },
	};
	struct ordo_cp_welcome w;
	char out[160];
	struct env e;
	unsigned n, i;
	int fd, fds[3];

	(void)state;
	env_start(&e, NULL, true);
	assert_int_equal(connect_client(&e, "zed", &fd, &w, fds, &n),
			 ORDO_CP_ACCEPT);
	close_fds(fds, n);
	snprintf(out, sizeof(out), "%s/out", e.dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *text[] = { ORDOCTL, "-s", e.sock, cases[i].cmd, NULL };
		const char *json[] = { ORDOCTL, "--json", "-s", e.sock,
				       cases[i].cmd, NULL };

		assert_int_equal(run_ordoctl(text, out, &e.f), 0);
		if (!strstr(slurp(out), cases[i].text))
			fail_msg("ordoctl %s: no '%s' in:\n%s", cases[i].cmd,
				 cases[i].text, slurp(out));
		assert_int_equal(run_ordoctl(json, out, &e.f), 0);
		check_json(out);
		if (!strstr(slurp(out), cases[i].json))
			fail_msg("ordoctl --json %s: no '%s' in:\n%s",
				 cases[i].cmd, cases[i].json, slurp(out));
	}
	assert_int_equal(e.f.n_query, 2);
	/* $ORDO_SOCKET stands in for -s. */
	{
		const char *argv[] = { ORDOCTL, "status", NULL };

		setenv(ORDO_CP_SOCKET_ENV, e.sock, 1);
		assert_int_equal(run_ordoctl(argv, out, &e.f), 0);
		unsetenv(ORDO_CP_SOCKET_ENV);
	}
	/* A dataplane that does not answer COUNTERS: -ETIMEDOUT in 1 s. */
	{
		const char *argv[] = { ORDOCTL, "-s", e.sock, "counters", NULL };
		int lfd = e.f.fd;

		e.f.fd = -1; /* run_ordoctl will not service it */
		assert_int_equal(run_ordoctl(argv, out, NULL), 1);
		e.f.fd = lfd;
	}
	close(fd);
	/* No daemon: exit code 2. */
	stop(e.pid);
	{
		const char *argv[] = { ORDOCTL, "-s", e.sock, "status", NULL };

		assert_int_equal(run_ordoctl(argv, out, NULL), 2);
	}
	e.pid = 0;
	env_stop(&e);
}

static void test_ordoctl_check(void **state)
{
	char out[160], bad[160];
	struct env e;
	FILE *fp;

	(void)state;
	env_init(&e);
	snprintf(out, sizeof(out), "%s/out", e.dir);
	{
		const char *argv[] = { ORDOCTL, "check",
				       ORDO_CONFIG_DIR "/ordo.conf", NULL };

		assert_int_equal(run_ordoctl(argv, out, NULL), 0);
		assert_non_null(strstr(slurp(out), "ordo.conf: ok (hash "));
		assert_non_null(strstr(slurp(out), ", 3 daemons)"));
	}
	{
		const char *argv[] = { ORDOCTL, "check",
				       ORDO_CONFIG_DIR "/minimal.conf", NULL };

		assert_int_equal(run_ordoctl(argv, out, NULL), 0);
		assert_non_null(strstr(slurp(out), "minimal.conf: ok (hash "));
		assert_non_null(strstr(slurp(out), ", 1 daemon)"));
	}
	snprintf(bad, sizeof(bad), "%s/bad.conf", e.dir);
	fp = fopen(bad, "w");
	fprintf(fp, "Spread_Segment 127.0.0.255 {\n a 127.0.0.1\n}\nTokenTimout = 5\n");
	fclose(fp);
	{
		const char *argv[] = { ORDOCTL, "check", bad, NULL };

		assert_int_equal(run_ordoctl(argv, out, NULL), 1);
		assert_null(strstr(slurp(out), "ok"));
	}
	env_stop(&e);
}

static void test_malformed(void **state)
{
	static char out[8192];
	struct ordo_cp_hello h;
	struct env e;
	int fd, efd[2];

	(void)state;
	env_start(&e, NULL, true);
	memset(&h, 0, sizeof(h));
	h.hdr = (struct ordo_cp_hdr){ ORDO_CP_MAGIC, ORDO_CP_VERSION,
				      ORDO_CP_HELLO, sizeof(h), 1 };
	strcpy(h.private_name, "x");

	/* Bad magic. */
	fd = fc_connect(e.sock);
	h.hdr.magic ^= 1;
	fc_send(fd, &h, sizeof(h), NULL, 0);
	h.hdr.magic ^= 1;
	assert_true(fc_closed(fd, &e.f, 1000));
	close(fd);
	/* len says more than was sent. */
	fd = fc_connect(e.sock);
	h.hdr.len += 8;
	fc_send(fd, &h, sizeof(h), NULL, 0);
	h.hdr.len -= 8;
	assert_true(fc_closed(fd, &e.f, 1000));
	close(fd);
	/* Too short for its type. */
	fd = fc_connect(e.sock);
	h.hdr.len = 20;
	fc_send(fd, &h, 20, NULL, 0);
	h.hdr.len = sizeof(h);
	assert_true(fc_closed(fd, &e.f, 1000));
	close(fd);
	/* Descriptors a client has no business sending. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, efd), 0);
	fd = fc_connect(e.sock);
	fc_send(fd, &h, sizeof(h), efd, 2);
	assert_true(fc_closed(fd, &e.f, 1000));
	close(fd);
	close(efd[0]);
	close(efd[1]);
	/* A type that is not for ctrld. */
	fd = fc_connect(e.sock);
	{
		struct ordo_cp_hdr x = { ORDO_CP_MAGIC, ORDO_CP_VERSION,
					 ORDO_CP_DUMP_END, sizeof(x), 0 };

		fc_send(fd, &x, sizeof(x), NULL, 0);
	}
	assert_true(fc_closed(fd, &e.f, 1000));
	close(fd);
	assert_int_equal(e.f.n_attach, 0);

	/* The link: bad magic from the dataplane drops it; ctrld redials. */
	{
		struct ordo_cp_hdr x = { ORDO_CP_MAGIC ^ 1, ORDO_CP_VERSION,
					 ORDO_CP_DUMP_END, sizeof(x), 0 };

		fdp_send_raw(&e.f, &x, sizeof(x));
		assert_int_equal(fdp_service(&e.f, 1000), -1);
		assert_int_equal(fdp_accept(&e.f, 2000, 0, NULL, 0), 0);
		wait_link_up(&e);
	}
	/* A VIEW whose count and length disagree. */
	{
		struct ordo_cp_view v;

		memset(&v, 0, sizeof(v));
		v.hdr = (struct ordo_cp_hdr){ ORDO_CP_MAGIC, ORDO_CP_VERSION,
					      ORDO_CP_VIEW, sizeof(v), 0 };
		strcpy(v.group, "g");
		v.n_members = 3;
		fdp_send_raw(&e.f, &v, sizeof(v));
		assert_int_equal(fdp_service(&e.f, 1000), -1);
		assert_int_equal(fdp_accept(&e.f, 2000, 0, NULL, 0), 0);
		wait_link_up(&e);
	}
	/* Still alive and answering. */
	assert_int_equal(kill(e.pid, 0), 0);
	assert_int_equal(fc_query(e.sock, &e.f, ORDO_CP_Q_STATUS, ORDO_CP_Q_JSON,
				  out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\"protocol_errors\":7"));
	env_stop(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_to_start),
		cmocka_unit_test(test_not_ready),
		cmocka_unit_test(test_accept_and_leave),
		cmocka_unit_test(test_quota_and_auth),
		cmocka_unit_test(test_dataplane_drops),
		cmocka_unit_test(test_restart_gets_dump),
		cmocka_unit_test(test_other_config),
		cmocka_unit_test(test_ordoctl),
		cmocka_unit_test(test_ordoctl_check),
		cmocka_unit_test(test_malformed),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
