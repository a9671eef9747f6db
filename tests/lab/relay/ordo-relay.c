/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-relay: a userspace stand-in for tc netem, for the lab's fault suite
 * (tests/lab/lab-faults.sh). This machine's kernel has no netem, and the
 * lab's af_packet ports bypass the qdisc anyway; so the node's bridge-side
 * veth leaves the bridge and this relay forwards frames between it and a
 * new veth whose peer is on the bridge:
 *
 *   node ns: veth0 ==== sN  [ordo-relay]  bN ==== pN  (bridge br0)
 *                      egress ->         <- ingress
 *
 * Each direction passes, cuts, loses, delays or reorders (relay_core.h);
 * commands on a control FIFO change that while the relay runs, so a fault
 * can start and heal mid-run:
 *
 *   ordo-relay --node sN --bridge bN --ctl FIFO [--seed N]
 *   echo "egress cut=1" > FIFO     echo "both loss=20 jitter=2" > FIFO
 *   echo pass > FIFO               echo stats > FIFO
 *
 * Every applied command is logged with the wall-clock time (for the fault
 * checker), a refused one with the reason; SIGTERM/SIGINT print the
 * counters and exit 0. Frames are never parsed, only counted and moved.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/lab/relay/relay_core.h"

#define RX_BUF 65536u
#define RX_BURST 64 /* frames per socket per turn: one side cannot starve the other */

struct side {
	const char *ifname;
	int fd;
	int ifindex;
};

struct relay {
	struct side node, bridge;
	struct relay_dir egress, ingress; /* node->bridge, bridge->node */
	int ctl_fd;
	char ctl_buf[1024];
	size_t ctl_len;
	uint64_t rng;
};

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_line(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	printf("t=%lld.%06ld ", (long long)ts.tv_sec, ts.tv_nsec / 1000);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* A raw socket on one interface that sees every frame arriving there but
 * not the ones we send on it. */
static int open_side(struct side *s)
{
	struct sockaddr_ll sll;
	int one = 1, buf = 4 << 20;

	s->ifindex = (int)if_nametoindex(s->ifname);
	if (s->ifindex == 0) {
		fprintf(stderr, "ordo-relay: no interface '%s'\n", s->ifname);
		return -1;
	}
	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
	if (s->fd < 0) {
		perror("ordo-relay: socket(AF_PACKET)");
		return -1;
	}
	if (setsockopt(s->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof(one)) < 0) {
		perror("ordo-relay: PACKET_IGNORE_OUTGOING");
		return -1;
	}
	/* Room for a burst while we are descheduled; not fatal if refused. */
	(void)setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	(void)setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = s->ifindex;
	if (bind(s->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "ordo-relay: bind to %s: %s\n", s->ifname,
			strerror(errno));
		return -1;
	}
	return 0;
}

static void transmit(struct side *to, struct relay_dir *d, const void *f,
		     size_t len)
{
	if (send(to->fd, f, len, MSG_DONTWAIT) == (ssize_t)len)
		d->c.tx++;
	else
		d->c.drops[RELAY_DROP_TX]++;
}

/* Frames that came in on `from`, through direction d, out on `to`. */
static void receive(struct relay *r, struct side *from, struct side *to,
		    struct relay_dir *d)
{
	static uint8_t buf[RX_BUF];

	for (int i = 0; i < RX_BURST; i++) {
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		ssize_t n = recvfrom(from->fd, buf, sizeof(buf), MSG_TRUNC,
				     (struct sockaddr *)&sll, &sl);

		if (n < 0)
			return;
		/* Belt and braces next to PACKET_IGNORE_OUTGOING. */
		if (sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		if ((size_t)n > sizeof(buf)) {
			d->c.rx++;
			d->c.drops[RELAY_DROP_BIG]++;
			continue;
		}
		if (relay_admit(d, buf, (size_t)n, mono_ns(), &r->rng) ==
		    RELAY_SEND_NOW)
			transmit(to, d, buf, (size_t)n);
	}
}

static void release_due(struct side *to, struct relay_dir *d, uint64_t now)
{
	const uint8_t *f;
	uint32_t len;

	while ((f = relay_pop_due(d, now, &len)) != NULL)
		transmit(to, d, f, len);
}

static void print_stats(const struct relay *r)
{
	const struct relay_dir *dirs[2] = { &r->egress, &r->ingress };

	for (int i = 0; i < 2; i++) {
		const struct relay_dir *d = dirs[i];
		char mode[128], drops[256] = "";
		size_t o = 0;

		relay_mode_format(&d->mode, mode, sizeof(mode));
		for (int k = 0; k < RELAY_DROP_MAX; k++)
			o += (size_t)snprintf(drops + o, sizeof(drops) - o,
					      " drop_%s=%llu",
					      relay_drop_name((enum relay_drop)k),
					      (unsigned long long)d->c.drops[k]);
		log_line("stats %s %s rx=%llu tx=%llu delayed=%llu "
			 "reordered=%llu queued=%u%s", d->name, mode,
			 (unsigned long long)d->c.rx,
			 (unsigned long long)d->c.tx,
			 (unsigned long long)d->c.delayed,
			 (unsigned long long)d->c.reordered, d->q.n, drops);
	}
}

/* Whole lines from the control FIFO; a partial line waits for its end. */
static void control(struct relay *r)
{
	ssize_t n = read(r->ctl_fd, r->ctl_buf + r->ctl_len,
			 sizeof(r->ctl_buf) - 1 - r->ctl_len);
	char *line, *nl;

	if (n <= 0)
		return;
	r->ctl_len += (size_t)n;
	r->ctl_buf[r->ctl_len] = 0;
	line = r->ctl_buf;
	while ((nl = strchr(line, '\n')) != NULL) {
		char err[160], eg[128], in[128];

		*nl = 0;
		if (relay_command(&r->egress, &r->ingress, line, err,
				  sizeof(err)) < 0) {
			log_line("refused '%s': %s", line, err);
		} else if (strncmp(line, "stats", 5) == 0) {
			print_stats(r);
		} else {
			relay_mode_format(&r->egress.mode, eg, sizeof(eg));
			relay_mode_format(&r->ingress.mode, in, sizeof(in));
			log_line("applied '%s' egress: %s ingress: %s", line,
				 eg, in);
		}
		line = nl + 1;
	}
	r->ctl_len = strlen(line);
	memmove(r->ctl_buf, line, r->ctl_len + 1);
	if (r->ctl_len == sizeof(r->ctl_buf) - 1) {
		log_line("refused a control line longer than %zu bytes",
			 sizeof(r->ctl_buf) - 2);
		r->ctl_len = 0;
	}
}

static int poll_timeout_ms(const struct relay *r, uint64_t now)
{
	uint64_t due = relay_next_due(&r->egress);
	uint64_t d2 = relay_next_due(&r->ingress);

	if (d2 < due)
		due = d2;
	if (due == UINT64_MAX)
		return 1000;
	if (due <= now)
		return 0;
	/* poll() has millisecond resolution: round up, then release what
	 * is due; a frame leaves at most 1 ms late. */
	return (int)((due - now + 999999) / 1000000);
}

static void usage(void)
{
	fprintf(stderr, "usage: ordo-relay --node IFACE --bridge IFACE "
		"--ctl FIFO [--seed N]\n"
		"  commands on FIFO, one per line: pass | stats |\n"
		"  egress|ingress|both [cut=0|1] [loss=PCT] [delay=MS] [jitter=MS]\n");
}

int main(int argc, char **argv)
{
	struct relay r;
	const char *ctl = NULL;
	struct sigaction sa;

	memset(&r, 0, sizeof(r));
	r.node.fd = r.bridge.fd = r.ctl_fd = -1;
	r.rng = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull;
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc) {
			usage();
			return 2;
		}
		if (strcmp(argv[i], "--node") == 0)
			r.node.ifname = argv[++i];
		else if (strcmp(argv[i], "--bridge") == 0)
			r.bridge.ifname = argv[++i];
		else if (strcmp(argv[i], "--ctl") == 0)
			ctl = argv[++i];
		else if (strcmp(argv[i], "--seed") == 0)
			r.rng = strtoull(argv[++i], NULL, 0);
		else {
			usage();
			return 2;
		}
	}
	if (r.node.ifname == NULL || r.bridge.ifname == NULL || ctl == NULL) {
		usage();
		return 2;
	}
	if (relay_dir_init(&r.egress, "egress") < 0 ||
	    relay_dir_init(&r.ingress, "ingress") < 0) {
		fprintf(stderr, "ordo-relay: no memory for the queues\n");
		return 1;
	}
	if (mkfifo(ctl, 0600) < 0 && errno != EEXIST) {
		fprintf(stderr, "ordo-relay: mkfifo %s: %s\n", ctl, strerror(errno));
		return 1;
	}
	/* O_RDWR: the FIFO never reports end-of-file between writers. */
	r.ctl_fd = open(ctl, O_RDWR | O_NONBLOCK);
	if (r.ctl_fd < 0) {
		fprintf(stderr, "ordo-relay: open %s: %s\n", ctl, strerror(errno));
		return 1;
	}
	if (open_side(&r.node) < 0 || open_side(&r.bridge) < 0)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	log_line("ready node=%s bridge=%s ctl=%s", r.node.ifname,
		 r.bridge.ifname, ctl);

	while (!quit) {
		struct pollfd pf[3] = {
			{ .fd = r.node.fd, .events = POLLIN },
			{ .fd = r.bridge.fd, .events = POLLIN },
			{ .fd = r.ctl_fd, .events = POLLIN },
		};
		uint64_t now = mono_ns();

		if (poll(pf, 3, poll_timeout_ms(&r, now)) < 0 && errno != EINTR)
			break;
		if (pf[2].revents & POLLIN)
			control(&r);
		if (pf[0].revents & POLLIN)
			receive(&r, &r.node, &r.bridge, &r.egress);
		if (pf[1].revents & POLLIN)
			receive(&r, &r.bridge, &r.node, &r.ingress);
		now = mono_ns();
		release_due(&r.bridge, &r.egress, now);
		release_due(&r.node, &r.ingress, now);
	}
	print_stats(&r);
	relay_dir_free(&r.egress);
	relay_dir_free(&r.ingress);
	return 0;
}
