/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-ctrld's Prometheus endpoint and `ordoctl top`, end to end: the real
 * binaries against the fake dataplane (fake_peers.h), whose STATS answer
 * has two pages, a duplicate record, an id no catalogue knows and a client
 * name that needs escaping. The exposition text is checked by Prometheus'
 * own `promtool check metrics` (PROMTOOL), and by hand for what promtool
 * does not know: our series, our labels, our values.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/ctrl/fake_peers.h"

#if !defined(ORDO_CTRLD) || !defined(ORDOCTL) || !defined(PROMTOOL)
#error "ORDO_CTRLD, ORDOCTL, PROMTOOL: paths of the binaries"
#endif

struct env {
	char dir[64], conf[128], sock[128], log[128], out[128];
	uint16_t port;
	pid_t pid;
	struct fdp f;
};

static char text[256 << 10];
/* The running test's environment, for the teardown that also runs after
 * a failed assertion (no ordo-ctrld is left behind). */
static struct env *current;

static uint16_t free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (void *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (void *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One HTTP/1.0 request to 127.0.0.1:port, servicing the fake dataplane
 * (when f has a link) while the answer comes. The status code, the body
 * in text (NUL-terminated), or -1. */
static int http(uint16_t port, const char *method, const char *path,
		struct fdp *f, int timeout_ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	char req[256], *body;
	size_t got = 0;
	int fd, code = -1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (void *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: x\r\n\r\n", method,
		 path);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	while (now_ms() < end && got < sizeof(text) - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (f != NULL && f->fd >= 0)
			fdp_service(f, 0);
		if (poll(&p, 1, 5) <= 0)
			continue;
		n = read(fd, text + got, sizeof(text) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	text[got] = '\0';
	if (sscanf(text, "HTTP/1.%*d %d", &code) != 1)
		return -1;
	body = strstr(text, "\r\n\r\n");
	if (body != NULL)
		memmove(text, body + 4, strlen(body + 4) + 1);
	return code;
}

static void env_start(struct env *e, bool with_fdp)
{
	const char *argv[] = { ORDO_CTRLD, "--config", e->conf, "-n", "alpha",
			       "--runtime-dir", e->dir, "--log-level", "debug",
			       NULL };
	FILE *fp;
	int i;

	memset(e, 0, sizeof(*e));
	current = e;
	e->f.fd = e->f.lfd = -1;
	strcpy(e->dir, "/tmp/ordo-metrics-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->conf, sizeof(e->conf), "%s/t.conf", e->dir);
	snprintf(e->sock, sizeof(e->sock), "%s/ordo.sock", e->dir);
	snprintf(e->log, sizeof(e->log), "%s/ctrld.log", e->dir);
	snprintf(e->out, sizeof(e->out), "%s/out", e->dir);
	e->port = free_port();
	fp = fopen(e->conf, "w");
	assert_non_null(fp);
	fprintf(fp, "Spread_Segment 127.0.0.255:4803 {\n\talpha 127.0.0.1\n"
		"\tbeta 127.0.0.2\n}\nOrdo {\n\tMetricsListen = 127.0.0.1:%u\n"
		"}\n", e->port);
	fclose(fp);
	if (with_fdp)
		fdp_listen(&e->f, e->dir);
	e->pid = run_ctrld(argv, e->log);
	assert_true(e->pid > 0);
	for (i = 0; i < 400; i++) {
		int fd = fc_connect(e->sock);

		if (fd >= 0) {
			close(fd);
			break;
		}
		usleep(5000);
	}
	if (with_fdp)
		assert_int_equal(fdp_accept(&e->f, 2000, 0, NULL, 0), 0);
	/* The link is up once the dump is read: a STATUS says so. */
	for (i = 0; with_fdp && i < 100; i++) {
		char out[4096];

		if (fc_query(e->sock, &e->f, ORDO_CP_Q_STATUS, ORDO_CP_Q_JSON,
			     out, sizeof(out)) == 0 &&
		    strstr(out, "\"link\":\"up\""))
			break;
		usleep(10000);
	}
}

static void env_stop(struct env *e)
{
	char cmd[160];

	current = NULL;
	if (e->pid > 0)
		stop(e->pid);
	fdp_close(&e->f);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", e->dir);
}

static int teardown(void **state)
{
	(void)state;
	if (current != NULL)
		env_stop(current);
	return 0;
}

/* promtool's verdict on the text: its exit status. */
static int promtool(const struct env *e)
{
	char cmd[512];
	FILE *fp = fopen(e->out, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "%s check metrics < %s >&2", PROMTOOL,
		 e->out);
	return system(cmd);
}

static void has(const char *what)
{
	if (strstr(text, what) == NULL)
		fail_msg("no '%s' in:\n%s", what, text);
}

static void lcore_series_of(const char *name, const char *label,
			    const char *const *stages, char *want, size_t len)
{
	for (unsigned i = 0; i < FDP_LCORES; i++) {
		uint32_t lc = FDP_LCORE0 + i;

		if (label == NULL) {
			snprintf(want, len, "ordo_%s{node=\"alpha\",lcore=\"%u\"} ",
				 name, lc);
			has(want);
		} else if (strcmp(label, "stage") == 0) {
			for (unsigned k = 0; k < ORDO_LOOP_STAGE_MAX; k++) {
				snprintf(want, len,
					 "ordo_%s{node=\"alpha\",lcore=\"%u\",stage=\"%s\"} ",
					 name, lc, stages[k]);
				has(want);
			}
		}
	}
}

/* Each lcore metric (ids 250-299) of each fake lcore is in the text,
 * once per stage where it has a stage, with its role in lcore_info:
 * missing one fails. And the catalogue has the ones the issue asks for
 * (cycles per stage, messages, the longest stall). */
static void lcore_series(void)
{
	static const char *const stages[] = {
#define TM_STAGE(i, sid, name) name,
		ORDO_LOOP_STAGES(TM_STAGE)
#undef TM_STAGE
	};
	char want[256];
	unsigned ids = 0;

#define TM_LCORE(num, id, type, name, key, text, help)                        \
	if ((num) >= 250) {                                                   \
		ids++;                                                        \
		lcore_series_of(name, (const char *)(text), stages, want,     \
				sizeof(want));                                \
	}
	ORDO_STATS(TM_LCORE)
#undef TM_LCORE
	assert_true(ids >= 18);
	for (unsigned i = 0; i < FDP_LCORES; i++) {
		snprintf(want, sizeof(want),
			 "ordo_lcore_info{node=\"alpha\",lcore=\"%u\",role=\"%s\"} 1\n",
			 FDP_LCORE0 + i, fdp_lcore_roles[i]);
		has(want);
	}
	has("# TYPE ordo_lcore_timed_messages_total counter\n");
	has("# TYPE ordo_lcore_busy_messages_total counter\n");
	has("# TYPE ordo_lcore_busy_cycles_total counter\n");
	has("# TYPE ordo_lcore_loop_stall_recent_cycles gauge\n");
}

static void test_scrape(void **state)
{
	static struct env e;
	const char *p;
	unsigned n;

	(void)state;
	env_start(&e, true);
	assert_int_equal(http(e.port, "GET", "/metrics", &e.f, 3000), 200);
	assert_int_equal(promtool(&e), 0);
	/* ordod's records, both pages */
	has("# TYPE ordo_ring_members gauge\n"
	    "ordo_ring_members{node=\"alpha\"} 1\n");
	has("# TYPE ordo_messages_delivered_total counter\n");
	has("ordo_ring_state{node=\"alpha\",state=\"operational\"} 1\n");
	has("ordo_engine_drops_total{node=\"alpha\",reason=\"dup_data\"} 5\n");
	has("ordo_port_received_packets_total{node=\"alpha\",port=\"0\"} 42\n");
	has("ordo_port_drops_total{node=\"alpha\",port=\"0\",reason=\"runt\"} 1\n");
	has("# TYPE ordo_lcore_stage_cycles_total counter\n");
	has("ordo_lcore_stage_cycles_total{node=\"alpha\",lcore=\"1\",stage=\"protocol\"} 12345\n");
	has("ordo_lcore_stage_items_total{node=\"alpha\",lcore=\"1\",stage=\"protocol\"} 67\n");
	has("# TYPE ordo_lcore_loop_stall_max_cycles gauge\n");
	has("ordo_lcore_loop_stall_max_cycles{node=\"alpha\",lcore=\"1\"} 8900\n");
	has("ordo_client_backlog_records{node=\"alpha\",client=\"bo\\\"b\\\\\"} 7\n");
	has("ordo_client_backlog_bytes{node=\"alpha\",client=\"alice\"} 4096\n");
	/* ours: the mirror, the configuration, our counters */
	has("ordo_dataplane_up{node=\"alpha\"} 1\n");
	has("ordo_ring_member{node=\"alpha\",member=\"alpha\"} 1\n");
	has("ordo_ring_member{node=\"alpha\",member=\"beta\"} 0\n");
	has("ordo_group_members{node=\"alpha\",group=\"chat\"} 2\n");
	has("ordo_configured_daemons{node=\"alpha\"} 2\n");
	/* Every lcore metric of the catalogue, for every lcore, each role
	 * (the ring lcore and both workers) under the same names. */
	lcore_series();
	/* The duplicate is written once, the unknown id not at all, every
	 * metric has one HELP. */
	for (n = 0, p = text; (p = strstr(p, "ordo_ring_members{")) != NULL; p++)
		n++;
	assert_int_equal(n, 1);
	for (n = 0, p = text; (p = strstr(p, "# HELP ordo_ring_members ")) != NULL; p++)
		n++;
	assert_int_equal(n, 1);
	assert_int_equal(e.f.n_stats, 2);
	/* A second scrape asks again: the numbers are the scrape's. */
	assert_int_equal(http(e.port, "GET", "/metrics", &e.f, 3000), 200);
	assert_int_equal(e.f.n_stats, 4);
	has("ordo_messages_delivered_total{node=\"alpha\"} 3000\n");
	/* HEAD works, anything else is refused, other paths are not there. */
	assert_int_equal(http(e.port, "HEAD", "/metrics", &e.f, 3000), 200);
	assert_int_equal(http(e.port, "POST", "/metrics", &e.f, 3000), 405);
	assert_int_equal(http(e.port, "GET", "/", &e.f, 3000), 404);
	assert_int_equal(http(e.port, "GET", "/metrics/../x", &e.f, 3000), 404);
	env_stop(&e);
}

/* Without an answer from ordod: our samples, dataplane_up 0, after
 * CTRLD_QUERY_MS; without a dataplane at all: at once. Both valid. */
static void test_scrape_degraded(void **state)
{
	static struct env e;
	uint64_t t0;

	(void)state;
	env_start(&e, true);
	e.f.stats_silent = true;
	t0 = now_ms();
	assert_int_equal(http(e.port, "GET", "/metrics", &e.f, 4000), 200);
	assert_true(now_ms() - t0 >= 900);
	assert_int_equal(promtool(&e), 0);
	has("ordo_dataplane_up{node=\"alpha\"} 0\n");
	has("ordo_ctrld_scrape_errors_total{node=\"alpha\"} 1\n");
	has("ordo_group_members{node=\"alpha\",group=\"chat\"} 2\n");
	assert_null(strstr(text, "ordo_ring_state"));
	/* The dataplane goes: the link is down, the mirror forgotten. */
	fdp_drop(&e.f);
	usleep(100000);
	assert_int_equal(http(e.port, "GET", "/metrics", NULL, 3000), 200);
	assert_int_equal(promtool(&e), 0);
	has("ordo_dataplane_up{node=\"alpha\"} 0\n");
	has("ordo_ring_member{node=\"alpha\",member=\"alpha\"} 0\n");
	assert_null(strstr(text, "ordo_group_members{"));
	env_stop(&e);
}

/* Raw bytes to the HTTP port: a request line that is not HTTP, a URL of
 * 64 KiB, a request cut off, a connection closed at once. ordo-ctrld's
 * answers (or hang-ups) do not matter; that it serves the next scrape
 * does. */
static void raw(uint16_t port, const char *bytes, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char sink[4096];

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (void *)&sa, sizeof(sa)), 0);
	if (len > 0 && write(fd, bytes, len) < 0)
		(void)0; /* a server that hangs up early is fine */
	shutdown(fd, SHUT_WR);
	{
		struct pollfd p = { .fd = fd, .events = POLLIN };

		while (poll(&p, 1, 500) > 0 && read(fd, sink, sizeof(sink)) > 0)
			;
	}
	close(fd);
}

static void test_hostile_http(void **state)
{
	static struct env e;
	static char big[70000];

	(void)state;
	env_start(&e, true);
	raw(e.port, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15);
	raw(e.port, "GET\r\n\r\n", 7);
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	static const char tail[] = " HTTP/1.0\r\n\r\n";
	memcpy(big + sizeof(big) - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	raw(e.port, big, sizeof(big));
	raw(e.port, "GET /metrics HTTP/1.1\r\nHost:", 28);
	raw(e.port, "", 0);
	assert_int_equal(http(e.port, "GET", "/metrics", &e.f, 3000), 200);
	has("ordo_dataplane_up{node=\"alpha\"} 1\n");
	env_stop(&e);
}

/* A port someone else holds: ordo-ctrld refuses to start, exit 2. */
static void test_port_taken(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	static struct env e;

	(void)state;
	env_start(&e, false);
	stop(e.pid);
	e.pid = 0;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(e.port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (void *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	{
		const char *argv[] = { ORDO_CTRLD, "--config", e.conf, "-n",
				       "alpha", "--runtime-dir", e.dir, NULL };
		char cmd[200];
		pid_t pid = run_ctrld(argv, e.log);

		assert_int_equal(wait_exit(pid, 3000), 2);
		snprintf(cmd, sizeof(cmd), "grep -q 'MetricsListen 127.0.0.1:%u' %s",
			 e.port, e.log);
		assert_int_equal(system(cmd), 0);
	}
	close(fd);
	env_stop(&e);
}

/* ordoctl top over two sockets, one of them dead: a frame per iteration,
 * rates from the dataplane's growing counters, the client backlog. */
static void test_top(void **state)
{
	char dead[160];
	static struct env e;
	const char *line;

	(void)state;
	env_start(&e, true);
	snprintf(dead, sizeof(dead), "%s/nobody.sock", e.dir);
	{
		const char *argv[] = { ORDOCTL, "-s", e.sock, "-s", dead, "top",
				       "--iterations", "2", "--delay", "0.3",
				       NULL };
		FILE *fp;
		size_t n;

		assert_int_equal(run_ordoctl(argv, e.out, &e.f), 0);
		fp = fopen(e.out, "r");
		assert_non_null(fp);
		n = fread(text, 1, sizeof(text) - 1, fp);
		text[n] = '\0';
		fclose(fp);
	}
	/* Not a terminal: plain frames, no escape sequences. */
	assert_null(strchr(text, '\033'));
	has("frame 1  2 daemons\n");
	has("frame 2  2 daemons\n");
	has("NODE         STATE       RING    MSGS/S");
	has("unreachable:");
	/* 1000 messages per STATS answer, 0.3 s apart: some k/s, not 0. */
	line = strstr(strstr(text, "frame 2"), "\nalpha ");
	assert_non_null(line);
	{
		char node[16], st[16], rate[16];
		unsigned ring;

		assert_int_equal(sscanf(line, " %15s %15s %u %15s", node, st,
					&ring, rate), 4);
		assert_string_equal(st, "operational");
		assert_int_equal(ring, 1);
		if (strchr(rate, 'k') == NULL)
			fail_msg("msgs/s '%s' in:\n%s", rate, text);
	}
	has("bo\"b\\");
	has(" 4.10k "); /* alice's 4096 ring bytes */
	/* Bad options: exit 2, a message. */
	{
		const char *argv[] = { ORDOCTL, "-s", e.sock, "top",
				       "--iterations", "0", NULL };

		assert_int_equal(run_ordoctl(argv, e.out, &e.f), 2);
	}
	env_stop(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_scrape, teardown),
		cmocka_unit_test_teardown(test_scrape_degraded, teardown),
		cmocka_unit_test_teardown(test_hostile_http, teardown),
		cmocka_unit_test_teardown(test_port_taken, teardown),
		cmocka_unit_test_teardown(test_top, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
