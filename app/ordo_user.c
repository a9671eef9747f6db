/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-user: an interactive client on the Spread API (include/sp.h), in the
 * manner of Spread's spuser, for people and for scripts.
 *
 *   ordo-user [-s spread_name|socket] [-u name] [-r] [-w drain_ms]
 *
 * Commands, one a line on stdin (h lists them): j/l <group> join, leave;
 * s <group> then one line of text; m <group> then lines until "."; b
 * <group> <n> a burst; t <service>; r receive one; p poll; e toggle the
 * printing of events as they arrive; q quit.
 *
 * Output a script can parse: each data message is one line starting
 * "msg ", each membership one line starting "memb ", each reject "reject ";
 * fields are key=value, lists comma-separated, text with \n, \\ and
 * non-printable bytes escaped. From a pipe there is no prompt, and end of
 * input means: keep printing events for drain_ms more (default 500), then
 * disconnect. -r only receives (stdin is not read) until killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sp.h"

#define LINE_MAX_LEN 4096
#define TEXT_SHOWN 256

struct user {
	mailbox mbox;
	char private_group[MAX_GROUP_NAME];
	service svc;
	bool show;          /* print events as they arrive */
	bool interactive;
	bool eof;
	/* receive buffers, grown on demand */
	char *mess;
	int mess_cap;
	char (*groups)[MAX_GROUP_NAME];
	int groups_cap;
	/* a command waiting for its text lines (s, m) */
	char pending_group[MAX_GROUP_NAME];
	bool pending_multi;
	bool pending;
	char *text;
	size_t text_len, text_cap;
	/* stdin line assembly */
	char in[LINE_MAX_LEN];
	size_t in_len;
};

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static const struct {
	const char *name;
	service svc;
} services[] = {
	{ "unreliable", UNRELIABLE_MESS }, { "reliable", RELIABLE_MESS },
	{ "fifo", FIFO_MESS }, { "causal", CAUSAL_MESS },
	{ "agreed", AGREED_MESS }, { "safe", SAFE_MESS },
};

static const char *service_name(service s)
{
	for (int i = (int)(sizeof(services) / sizeof(services[0])) - 1; i >= 0; i--)
		if (s & services[i].svc)
			return services[i].name;
	return "none";
}

static void print_text(const char *p, int len)
{
	int n = len < TEXT_SHOWN ? len : TEXT_SHOWN;
	for (int i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == '\n')
			fputs("\\n", stdout);
		else if (ch == '\\')
			fputs("\\\\", stdout);
		else if (ch < 0x20 || ch >= 0x7f)
			printf("\\x%02x", ch);
		else
			putchar(ch);
	}
	if (len > n)
		fputs("...", stdout);
}

static void print_names(char (*names)[MAX_GROUP_NAME], int n)
{
	for (int i = 0; i < n; i++)
		printf("%s%.*s", i ? "," : "", MAX_GROUP_NAME, names[i]);
}

static const char *cause(service st)
{
	if (Is_transition_mess(st))
		return "transition";
	if (Is_self_leave(st))
		return "self-leave";
	if (Is_caused_join_mess(st))
		return "join";
	if (Is_caused_leave_mess(st))
		return "leave";
	if (Is_caused_disconnect_mess(st))
		return "disconnect";
	if (Is_caused_network_mess(st))
		return "network";
	return "?";
}

static void print_vs_sets(const char *body, int len)
{
	vs_set_info sets[32];
	unsigned int mine = 0;
	char members[64][MAX_GROUP_NAME];

	if (len < 20)
		return;
	int n = SP_get_vs_sets_info(body, sets, 32, &mine);
	if (n < 0)
		return;
	printf(" vs_sets=%d my_set=%u vs=", n, mine);
	for (int i = 0; i < n; i++) {
		int k = SP_get_vs_set_members(body, &sets[i], members, 64);
		putchar('[');
		if (k > 0)
			print_names(members, k);
		putchar(']');
	}
}

static void print_membership(struct user *u, service st, const char *sender,
			     int ng, int16 mess_type, int len)
{
	membership_info mi;
	printf("memb group=%s cause=%s members=", sender, cause(st));
	print_names(u->groups, ng < 0 ? -ng : ng);
	if (SP_get_memb_info(u->mess, st, &mi) == 1) {
		printf(" gid=%d.%d.%d", mi.gid.id[0], mi.gid.id[1], mi.gid.id[2]);
		if (mi.changed_member[0])
			printf(" changed=%s", mi.changed_member);
	}
	if (Is_reg_memb_mess(st)) {
		printf(" my_index=%d", mess_type);
		print_vs_sets(u->mess, len);
	}
	putchar('\n');
}

static bool grow(struct user *u, int need_bytes, int need_groups)
{
	if (need_bytes > u->mess_cap) {
		char *m = realloc(u->mess, (size_t)need_bytes);
		if (!m)
			return false;
		u->mess = m;
		u->mess_cap = need_bytes;
	}
	if (need_groups > u->groups_cap) {
		void *g = realloc(u->groups, (size_t)need_groups * MAX_GROUP_NAME);
		if (!g)
			return false;
		u->groups = g;
		u->groups_cap = need_groups;
	}
	return true;
}

/* Receive and print one event (blocks if none). Negative: session over. */
static int receive_one(struct user *u)
{
	char sender[MAX_GROUP_NAME];
	service st;
	int ng, endian, ret;
	int16 mt;

	for (;;) {
		st = 0;
		ret = SP_receive(u->mbox, &st, sender, u->groups_cap, &ng, u->groups,
				 &mt, &endian, u->mess_cap, u->mess);
		if (ret != BUFFER_TOO_SHORT && ret != GROUPS_TOO_SHORT)
			break;
		if (!grow(u, endian < 0 ? -endian : u->mess_cap,
			  ng < 0 ? -ng : u->groups_cap)) {
			st = DROP_RECV;
			ret = SP_receive(u->mbox, &st, sender, u->groups_cap, &ng,
					 u->groups, &mt, &endian, u->mess_cap, u->mess);
			break;
		}
	}
	if (ret < 0) {
		SP_error(ret);
		return ret;
	}
	if (Is_regular_mess(st)) {
		printf("msg sender=%s service=%s type=%d groups=", sender,
		       service_name(st), mt);
		print_names(u->groups, ng);
		printf(" bytes=%d text=", ret);
		print_text(u->mess, ret);
		putchar('\n');
	} else if (Is_membership_mess(st)) {
		print_membership(u, st, sender, ng, mt, ret);
	} else if (Is_reject_mess(st)) {
		printf("reject service=%s type=%d groups=", service_name(st), mt);
		print_names(u->groups, ng);
		printf(" bytes=%d\n", ret);
	} else {
		printf("unknown service=0x%x bytes=%d\n", (unsigned)st, ret);
	}
	return 0;
}

/* Print everything already waiting. Negative: session over. */
static int drain(struct user *u)
{
	int n;
	while ((n = SP_poll(u->mbox)) > 0)
		if (receive_one(u) < 0)
			return -1;
	if (n < 0) {
		SP_error(n);
		return -1;
	}
	return 0;
}

static int send_text(struct user *u, const char *group, const char *text,
		     size_t len)
{
	int ret = SP_multicast(u->mbox, u->svc, group, 1, (int)len, text);
	if (ret < 0) {
		SP_error(ret);
		return ret == CONNECTION_CLOSED || ret == NET_ERROR_ON_SESSION ? -1 : 0;
	}
	if (u->interactive)
		printf("sent %d bytes to %s\n", ret, group);
	return 0;
}

static int burst(struct user *u, const char *group, long n)
{
	char text[64];
	for (long i = 1; i <= n && !quit; i++) {
		int len = snprintf(text, sizeof(text), "burst %ld of %ld", i, n);
		if (send_text(u, group, text, (size_t)len) < 0)
			return -1;
		/* Keep our own delivery ring moving while we flood. */
		if (u->show && drain(u) < 0)
			return -1;
	}
	return 0;
}

static void help(void)
{
	puts("commands:\n"
	     "  j <group>        join\n"
	     "  l <group>        leave\n"
	     "  s <group>        send the next line\n"
	     "  m <group>        send the next lines, up to a line '.'\n"
	     "  b <group> <n>    send n messages\n"
	     "  t <service>      unreliable|reliable|fifo|causal|agreed|safe\n"
	     "  r                receive one event (waits)\n"
	     "  p                how many bytes are waiting\n"
	     "  e                toggle printing events as they arrive\n"
	     "  q                quit");
}

static void text_add(struct user *u, const char *line, bool newline)
{
	size_t n = strlen(line) + (newline ? 1 : 0);
	if (u->text_len + n + 1 > u->text_cap) {
		size_t cap = (u->text_len + n + 1) * 2;
		char *t = realloc(u->text, cap);
		if (!t)
			return;
		u->text = t;
		u->text_cap = cap;
	}
	if (newline)
		u->text[u->text_len++] = '\n';
	memcpy(u->text + u->text_len, line, strlen(line));
	u->text_len += strlen(line);
}

/* A text line for a pending s / m. Negative: session over. */
static int pending_line(struct user *u, const char *line)
{
	if (u->pending_multi && strcmp(line, ".") != 0) {
		text_add(u, line, u->text_len > 0);
		return 0;
	}
	if (!u->pending_multi)
		text_add(u, line, false);
	u->pending = false;
	int ret = send_text(u, u->pending_group, u->text ? u->text : "", u->text_len);
	u->text_len = 0;
	return ret;
}

static int command(struct user *u, const char *line)
{
	char cmd[8], group[80];
	long n;
	int ret;

	if (u->pending)
		return pending_line(u, line);
	if (sscanf(line, "%7s", cmd) != 1)
		return 0;
	switch (cmd[0]) {
	case 'j':
	case 'l':
		if (sscanf(line + 1, "%79s", group) != 1) {
			puts("usage: j|l <group>");
			return 0;
		}
		ret = cmd[0] == 'j' ? SP_join(u->mbox, group) : SP_leave(u->mbox, group);
		if (ret < 0)
			SP_error(ret);
		return ret == CONNECTION_CLOSED || ret == NET_ERROR_ON_SESSION ? -1 : 0;
	case 's':
	case 'm':
		if (sscanf(line + 1, "%79s", group) != 1 ||
		    strlen(group) >= MAX_GROUP_NAME) {
			puts("usage: s|m <group>");
			return 0;
		}
		strcpy(u->pending_group, group);
		u->pending = true;
		u->pending_multi = cmd[0] == 'm';
		u->text_len = 0;
		if (u->interactive)
			puts(cmd[0] == 'm' ? "enter lines, end with '.'" : "enter a line");
		return 0;
	case 'b':
		if (sscanf(line + 1, "%79s %ld", group, &n) != 2 || n < 1) {
			puts("usage: b <group> <n>");
			return 0;
		}
		return burst(u, group, n);
	case 't':
		if (sscanf(line + 1, "%79s", group) == 1)
			for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
				if (!strcmp(group, services[i].name)) {
					u->svc = services[i].svc;
					printf("service %s\n", services[i].name);
					return 0;
				}
		puts("usage: t unreliable|reliable|fifo|causal|agreed|safe");
		return 0;
	case 'r':
		return receive_one(u);
	case 'p':
		ret = SP_poll(u->mbox);
		printf("poll %d\n", ret);
		return ret < 0 ? -1 : 0;
	case 'e':
		u->show = !u->show;
		printf("printing events %s\n", u->show ? "on" : "off");
		return 0;
	case 'q':
		quit = 1;
		return 0;
	default:
		help();
		return 0;
	}
}

/* Read what stdin has and run the complete lines. */
static int read_stdin(struct user *u)
{
	ssize_t n = read(0, u->in + u->in_len, sizeof(u->in) - 1 - u->in_len);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0) {
		u->eof = true;
		if (u->in_len) {  /* a last line without its newline */
			u->in[u->in_len] = 0;
			u->in_len = 0;
			return command(u, u->in);
		}
		return 0;
	}
	u->in_len += (size_t)n;
	char *start = u->in, *nl;
	while ((nl = memchr(start, '\n', u->in_len - (size_t)(start - u->in)))) {
		*nl = 0;
		if (nl > start && nl[-1] == '\r')
			nl[-1] = 0;
		if (command(u, start) < 0)
			return -1;
		start = nl + 1;
		if (quit)
			break;
	}
	u->in_len -= (size_t)(start - u->in);
	memmove(u->in, start, u->in_len);
	if (u->in_len == sizeof(u->in) - 1)
		u->in_len = 0;  /* a line longer than we take: dropped */
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run(struct user *u, bool receive_only, int drain_ms)
{
	int64_t stop_at = -1;
	bool use_stdin = !receive_only;

	while (!quit) {
		if (u->show && drain(u) < 0)
			return 1;
		if (use_stdin && u->eof) {
			use_stdin = false;
			stop_at = now_ms() + drain_ms;
		}
		if (stop_at >= 0 && now_ms() >= stop_at)
			break;
		if (u->interactive && use_stdin && !u->pending) {
			printf("User> ");
			fflush(stdout);
		}
		struct pollfd p[2] = {
			{ .fd = u->mbox, .events = POLLIN },
			{ .fd = 0, .events = POLLIN },
		};
		int timeout = stop_at >= 0 ? (int)(stop_at - now_ms()) : -1;
		if (stop_at >= 0 && timeout < 0)
			timeout = 0;
		int n = poll(p, use_stdin ? 2 : 1, timeout);
		if (n < 0 && errno != EINTR)
			return 1;
		if (n > 0 && use_stdin && p[1].revents && read_stdin(u) < 0)
			return 1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: ordo-user [-s spread_name|socket] [-u name] [-r] "
		"[-w drain_ms]\n");
}

int main(int argc, char **argv)
{
	const char *spread_name = NULL, *name = NULL;
	bool receive_only = false;
	int drain_ms = 500, opt;
	struct user u;

	while ((opt = getopt(argc, argv, "s:u:rw:h")) != -1) {
		switch (opt) {
		case 's': spread_name = optarg; break;
		case 'u': name = optarg; break;
		case 'r': receive_only = true; break;
		case 'w': drain_ms = atoi(optarg); break;
		default: usage(); return opt == 'h' ? 0 : 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&u, 0, sizeof(u));
	u.svc = AGREED_MESS;
	u.show = true;
	u.interactive = isatty(0) && !receive_only;
	if (!grow(&u, 64 << 10, 64))
		return 1;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int ret = SP_connect(spread_name, name, 0, 1, &u.mbox, u.private_group);
	if (ret != ACCEPT_SESSION) {
		SP_error(ret);
		return 1;
	}
	printf("connected %s\n", u.private_group);
	if (u.interactive)
		help();
	int rc = run(&u, receive_only, drain_ms);
	SP_disconnect(u.mbox);
	if (!rc)
		puts("bye");
	free(u.mess);
	free(u.groups);
	free(u.text);
	return rc;
}
