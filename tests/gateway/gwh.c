/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The gateway harness (gwh.h): nodes, the fake port, the loop thread and
 * the control planes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dataplane/conf_engine.h"
#include "dataplane/ctrl_link.h"
#include "lib/conf/conf.h"
#include "tests/gateway/gwh.h"
#include "tests/gateway/gwh_fan.h"

#ifndef ORDO_CTRLD
#error "ORDO_CTRLD: path of the ordo-ctrld binary"
#endif

/* Virtual time per loop turn: a busy turn is a few microseconds of a real
 * ordod; an idle one is the real sleep the loop takes. */
#define TURN_BUSY_NS 5000ull
#define TURN_IDLE_NS 50000ull
#define LINK_EVERY 16u    /* turns between two polls of the control links */
#define START_WAIT_MS 15000

struct gwh_pkt {
	struct gwh_pkt *next;
	uint32_t len;
	uint8_t data[];
};

struct gwh_node {
	struct gwh *h;
	unsigned idx;
	uint32_t id;
	struct ordo_engine *e;
	struct dp_gateway gw;
	struct dp_link link;
	bool gw_up, link_up;
	char dir[96], sock[128], log[128];
	pid_t ctrld;
	struct gwh_pkt *in_head, *in_tail;
	/* Frames the engine holds by handle (engine.h frame ops): packets
	 * kept from the fake port and frames it allocated, each a gwh_pkt. */
	int64_t frames_held;
	uint32_t mtu;
	/* GWH_FAN=1: a client worker owns the clients' rings (gwh_fan.h). */
	struct gwh_fan fan;
	bool fan_up;
};

struct gwh {
	char dir[64], conf_path[96];
	struct ordo_conf conf;
	unsigned n;
	struct gwh_node nodes[GWH_MAX_NODES];
	pthread_t thr;
	bool thr_up;
	atomic_bool stop;
	pthread_mutex_t mu;  /* held by the loop for each turn */
	uint64_t now;        /* virtual ns */
	uint64_t turns;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ fake port */

static void enqueue(struct gwh_node *to, const void *pkt, uint32_t len)
{
	struct gwh_pkt *p = malloc(sizeof(*p) + len);

	if (p == NULL)
		return; /* a lost packet: the protocol recovers */
	p->next = NULL;
	p->len = len;
	memcpy(p->data, pkt, len);
	if (to->in_tail)
		to->in_tail->next = p;
	else
		to->in_head = p;
	to->in_tail = p;
}

static void port_send(void *ctx, uint32_t dest, const void *pkt, uint32_t len)
{
	struct gwh_node *self = ctx;
	struct gwh *h = self->h;

	for (unsigned i = 0; i < h->n; i++) {
		struct gwh_node *n = &h->nodes[i];

		if (n == self || (dest != ORDO_DEST_RING && dest != n->id))
			continue;
		enqueue(n, pkt, len);
	}
}

static void eng_deliver(void *ctx, const struct ordo_delivery *d)
{
	struct gwh_node *n = ctx;

	dp_gateway_ops.deliver(&n->gw, d, n->h->now);
}

static void eng_config(void *ctx, const struct ordo_config_change *c)
{
	struct gwh_node *n = ctx;

	dp_gateway_ops.config_change(&n->gw, c, n->h->now);
}

static const struct ordo_engine_ops gwh_engine_ops = {
	.send = port_send,
	.deliver = eng_deliver,
	.config_change = eng_config,
};

/* As ordod (dataplane/ring_frames.c): the engine keeps received packets
 * by handle and packs its own into frames it allocates; a gwh_pkt each.
 * GWH_COPY=1 runs the copying store instead. */
static void *frame_alloc(void *ctx, uint32_t len, uint64_t *handle)
{
	struct gwh_node *n = ctx;
	struct gwh_pkt *p = malloc(sizeof(*p) + len);

	if (p == NULL)
		return NULL;
	p->next = NULL;
	p->len = len;
	n->frames_held++;
	*handle = (uint64_t)(uintptr_t)p;
	return p->data;
}

static void frame_send(void *ctx, uint32_t dest, uint64_t handle,
		       const void *pkt, uint32_t len)
{
	(void)handle;
	port_send(ctx, dest, pkt, len);
}

static void frame_release(void *ctx, uint64_t handle)
{
	struct gwh_node *n = ctx;

	n->frames_held--;
	free((struct gwh_pkt *)(uintptr_t)handle);
}

static const struct ordo_engine_ops gwh_frame_ops = {
	.send = port_send,
	.deliver = eng_deliver,
	.config_change = eng_config,
	.frame_alloc = frame_alloc,
	.frame_send = frame_send,
	.frame_release = frame_release,
};

/* ------------------------------------------------------------ the loop */

static unsigned node_turn(struct gwh_node *n, uint64_t now)
{
	struct gwh_pkt *p = n->in_head;
	unsigned work = 0;

	/* Packets sent while these are handled wait for the next turn, as
	 * they would on a wire. */
	n->in_head = n->in_tail = NULL;
	while (p) {
		struct gwh_pkt *next = p->next;

		bool kept;

		n->frames_held++; /* offered: a release may come at once */
		ordo_engine_rx_frame(n->e, p->data, p->len, now,
				     (uint64_t)(uintptr_t)p, &kept);
		if (!kept) {
			n->frames_held--;
			free(p);
		}
		p = next;
		work++;
	}
	if (now >= ordo_engine_next_deadline(n->e))
		ordo_engine_tick(n->e, now);
	work += dp_gateway_ops.produce(&n->gw, n->e, now);
	if (n->fan_up)
		work += gwh_fan_turn(&n->fan);
	return work;
}

static void *loop(void *arg)
{
	struct gwh *h = arg;
	const struct timespec idle = { 0, (long)TURN_IDLE_NS };

	while (!atomic_load(&h->stop)) {
		unsigned work = 0;

		pthread_mutex_lock(&h->mu);
		for (unsigned i = 0; i < h->n; i++)
			work += node_turn(&h->nodes[i], h->now);
		if (++h->turns % LINK_EVERY == 0 || work == 0)
			for (unsigned i = 0; i < h->n; i++)
				work += (unsigned)dp_link_poll(&h->nodes[i].link, 0);
		h->now += work ? TURN_BUSY_NS : TURN_IDLE_NS;
		pthread_mutex_unlock(&h->mu);
		if (work == 0)
			nanosleep(&idle, NULL);
	}
	return NULL;
}

/* ------------------------------------------------------------ set-up */

static int write_conf(struct gwh *h, const struct gwh_opts *o)
{
	FILE *f = fopen(h->conf_path, "w");

	if (f == NULL)
		return -errno;
	fprintf(f, "Spread_Segment 127.0.0.255:4803 {\n");
	for (unsigned i = 0; i < o->n_nodes; i++)
		fprintf(f, "\tn%u 127.0.0.%u\n", i + 1, i + 1);
	fprintf(f, "}\n%s\nOrdo {\n%s\n}\n", o->top ? o->top : "",
		o->ordo ? o->ordo : "");
	return fclose(f) == 0 ? 0 : -errno;
}

static int node_init(struct gwh *h, unsigned i)
{
	struct gwh_node *n = &h->nodes[i];
	const struct ordo_conf *c = &h->conf;
	struct ordo_engine_config cfg;
	struct dp_gw_params gp;
	char err[256];
	int rc;

	n->h = h;
	n->idx = i;
	n->ctrld = -1;
	snprintf(n->dir, sizeof(n->dir), "%s/n%u", h->dir, i + 1);
	snprintf(n->sock, sizeof(n->sock), "%s/ordo.sock", n->dir);
	snprintf(n->log, sizeof(n->log), "%s/ctrld.log", n->dir);
	if (mkdir(n->dir, 0700) < 0)
		return -errno;
	rc = dp_conf_to_engine(c, (int)i, &cfg);
	if (rc < 0)
		return rc;
	/* An idle ring holds the token (as labs on shared CPUs do), so the
	 * loop thread sleeps instead of spinning the token. */
	cfg.token_hold_ns = 200000;
	cfg.incarnation = (uint32_t)getpid() ^ (i + 1);
	n->id = cfg.my_id;

	memset(&gp, 0, sizeof(gp));
	gp.my_id = cfg.my_id;
	gp.n_nodes = c->n_daemons;
	for (uint32_t k = 0; k < c->n_daemons; k++) {
		gp.nodes[k].id = c->daemons[k].id;
		snprintf(gp.nodes[k].name, sizeof(gp.nodes[k].name), "%s",
			 c->daemons[k].name);
	}
	gp.conf = c;
	gp.policy = c->slow_consumer == ORDO_SLOW_BLOCK ? DP_SLOW_BLOCK
							: DP_SLOW_DISCONNECT;
	gp.max_session_messages = c->max_session_messages;
	rc = dp_gw_init(&n->gw, &gp);
	if (rc < 0)
		return rc;
	n->gw_up = true;
	if (getenv("GWH_FAN") != NULL) {
		rc = gwh_fan_init(&n->fan, &n->gw);
		if (rc < 0)
			return rc;
		n->fan_up = true;
	}
	if (ordo_engine_config_check(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "gwh: engine configuration: %s\n", err);
		return -EINVAL;
	}
	n->e = ordo_engine_create(&cfg, getenv("GWH_COPY") ? &gwh_engine_ops
							  : &gwh_frame_ops, n);
	if (n->e == NULL)
		return -errno;
	dp_gateway_ops.bind(&n->gw, n->e);
	ordo_engine_start(n->e, h->now);

	struct dp_link_params lp = {
		.runtime_dir = n->dir,
		.conf_hash = cfg.config_hash,
		.node_id = cfg.my_id,
		.daemon = c->daemons[i].name,
	};
	rc = dp_link_open(&n->link, &n->gw, &lp, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "gwh: %s\n", err);
		return rc;
	}
	n->link_up = true;
	return 0;
}

static pid_t spawn_ctrld(struct gwh *h, struct gwh_node *n)
{
	char name[8];
	pid_t pid;

	snprintf(name, sizeof(name), "n%u", n->idx + 1);
	pid_t parent = getpid();

	pid = fork();
	if (pid == 0) {
		/* A test that fails an assertion exits without gwh_stop: the
		 * daemon goes with it instead of outliving the run. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(0);
		const char *argv[] = { ORDO_CTRLD, "--config", h->conf_path,
				       "-n", name, "--runtime-dir", n->dir,
				       "--log-level", "info", NULL };
		int fd = open(n->log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static bool all_up(struct gwh *h)
{
	bool up = true;

	pthread_mutex_lock(&h->mu);
	for (unsigned i = 0; i < h->n; i++) {
		struct gwh_node *n = &h->nodes[i];

		if (n->gw.n_members != h->n || n->link.cfd < 0)
			up = false;
	}
	pthread_mutex_unlock(&h->mu);
	return up;
}

struct gwh *gwh_start(const struct gwh_opts *o)
{
	struct gwh *h;
	char err[512];
	uint64_t end;

	if (o->n_nodes < 1 || o->n_nodes > GWH_MAX_NODES)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	pthread_mutex_init(&h->mu, NULL);
	h->now = 1000000000ull;
	strcpy(h->dir, "/tmp/ordo-gwh-XXXXXX");
	if (mkdtemp(h->dir) == NULL)
		goto fail;
	snprintf(h->conf_path, sizeof(h->conf_path), "%s/gwh.conf", h->dir);
	if (write_conf(h, o) < 0 ||
	    ordo_conf_parse_file(h->conf_path, &h->conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "gwh: configuration: %s\n", err);
		goto fail;
	}
	h->n = o->n_nodes;
	for (unsigned i = 0; i < h->n; i++)
		if (node_init(h, i) < 0) {
			fprintf(stderr, "gwh: node %u does not start\n", i + 1);
			goto fail;
		}
	if (pthread_create(&h->thr, NULL, loop, h) != 0)
		goto fail;
	h->thr_up = true;
	for (unsigned i = 0; i < h->n; i++)
		h->nodes[i].ctrld = spawn_ctrld(h, &h->nodes[i]);
	end = mono_ms() + START_WAIT_MS;
	while (!all_up(h)) {
		if (mono_ms() > end) {
			fprintf(stderr, "gwh: the ring or a control plane did "
				"not come up (logs in %s)\n", h->dir);
			goto fail;
		}
		usleep(10000);
	}
	return h;
fail:
	gwh_stop(h);
	return NULL;
}

void gwh_stop(struct gwh *h)
{
	if (h == NULL)
		return;
	/* As a host stops: the ring first (ordod tells its clients), then
	 * the control planes. */
	if (h->thr_up) {
		atomic_store(&h->stop, true);
		pthread_join(h->thr, NULL);
	}
	/* A client worker writes what it was handed last (ordod: before the
	 * link tells the clients). */
	for (unsigned i = 0; i < h->n; i++)
		if (h->nodes[i].fan_up) {
			gwh_fan_fini(&h->nodes[i].fan);
			h->nodes[i].fan_up = false;
		}
	for (unsigned i = 0; i < h->n; i++)
		if (h->nodes[i].link_up) {
			dp_link_close(&h->nodes[i].link);
			h->nodes[i].link_up = false;
		}
	for (unsigned i = 0; i < h->n; i++) {
		struct gwh_node *n = &h->nodes[i];

		if (n->ctrld > 0) {
			int st;

			kill(n->ctrld, SIGTERM);
			waitpid(n->ctrld, &st, 0);
		}
	}
	for (unsigned i = 0; i < h->n; i++) {
		struct gwh_node *n = &h->nodes[i];

		if (n->link_up)
			dp_link_close(&n->link);
		if (n->e) {
			ordo_engine_destroy(n->e);
			/* Every frame the engine took came back. */
			if (n->frames_held != 0) {
				fprintf(stderr, "gwh: node %u: engine destroyed "
					"holding %lld frames\n", n->id,
					(long long)n->frames_held);
				abort();
			}
		}
		if (n->gw_up)
			dp_gw_fini(&n->gw);
		while (n->in_head) {
			struct gwh_pkt *p = n->in_head;

			n->in_head = p->next;
			free(p);
		}
	}
	if (h->dir[0] && getenv("GWH_KEEP") == NULL) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "gwh: could not remove %s\n", h->dir);
	}
	pthread_mutex_destroy(&h->mu);
	free(h);
}

const char *gwh_socket(const struct gwh *h, unsigned node)
{
	return node < h->n ? h->nodes[node].sock : NULL;
}

void gwh_stats(struct gwh *h, unsigned node, struct dp_gw_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (node >= h->n)
		return;
	pthread_mutex_lock(&h->mu);
	*out = h->nodes[node].gw.st;
	pthread_mutex_unlock(&h->mu);
}

uint32_t gwh_engine_max_msg(const struct gwh *h)
{
	return h->conf.max_msg_size;
}
