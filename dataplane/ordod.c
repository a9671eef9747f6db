/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordod: the DPDK dataplane daemon. A primary process whose ring lcore
 * drives the protocol engine and, unless a crypto/io worker lcore does
 * (worker.h, lcores.h), owns the ports and the crypto; the main lcore
 * prints stats and waits for SIGINT/SIGTERM.
 *
 *   ordod [EAL options] -- [ordod options]      (ordod -- --help)
 *
 * Exit codes: 0 clean stop, 1 bad usage or configuration, 2 EAL or port
 * failure (hugepages, devices), 3 already running, 4 --check found
 * problems.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "dataplane/lcores.h"
#include "dataplane/lock.h"
#include "dataplane/incarnation.h"
#include "dataplane/keyctl.h"
#include "dataplane/ringseq.h"
#include "dataplane/opts.h"
#include "dataplane/report.h"
#include "dataplane/setup.h"
#include "lib/conf/conf.h"
#include "dataplane/ctrl_counters.h"
#include "dataplane/ctrl_stats.h"
#include "dataplane/ctrl_link.h"
#include "dataplane/gateway/gateway.h"
#include "dataplane/envcheck.h"
#include "dataplane/ring.h"
#include "dataplane/telemetry.h"
#include "dataplane/traffic.h"
#include "dataplane/worker.h"
#include "dataplane/cworker.h"
#include "dataplane/cworkers.h"

enum { EXIT_USAGE = 1, EXIT_EAL = 2, EXIT_RUNNING = 3, EXIT_CHECK = 4 };

static volatile bool quit; /* set by the signal handler only */

static void on_signal(int sig)
{
	(void)sig;
	quit = true;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Where ordod's own arguments start: after the first "--". */
static int split_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return argc;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The lcore entry points: create the ring there (so the engine's memory
 * is first touched on the ring lcore's NUMA node), then run it. */
struct ring_job {
	struct ordod_setup *setup;
	const struct dp_local_ops *local;
	void *local_ctx;
	struct dp_ring *ring;
	char err[256];
	int err_no;
};

static int create_on_lcore(void *arg)
{
	struct ring_job *j = arg;

	j->ring = dp_ring_create(&j->setup->ring, j->local, j->local_ctx,
				 j->err, sizeof(j->err));
	j->err_no = j->ring ? 0 : errno;
	return 0;
}

static int run_on_lcore(void *arg)
{
	struct ring_job *j = arg;

	dp_ring_run(j->ring, &quit);
	return 0;
}

static int run_io_on_lcore(void *arg)
{
	dp_io_run(arg, &quit);
	return 0;
}

static int run_cw_on_lcore(void *arg)
{
	dp_cw_run(arg, &quit);
	return 0;
}

static int resolve_ports(struct ordod_setup *s)
{
	uint16_t pid;
	int rc;

	for (unsigned i = 0; i < s->n_port_args; i++) {
		rc = dp_port_probe(s->port_args[i], &pid);
		if (rc < 0) {
			/* Drivers return -1 as often as a real -errno. */
			fprintf(stderr, "ordod: port '%s': cannot probe it: %s\n",
				s->port_args[i], rc == -1 || rc == -ENODEV ?
				"unknown driver, bad devargs or missing device"
				" (the driver's message above says which)" :
				strerror(-rc));
			struct dp_envcheck c = { .out = stderr };
			dp_envcheck_device(&c, s->port_args[i]);
			return rc;
		}
		for (uint16_t k = 0; k < s->ring.n_ports; k++)
			if (s->ring.port_ids[k] == pid) {
				fprintf(stderr, "ordod: port '%s' given twice\n",
					s->port_args[i]);
				return -EINVAL;
			}
		s->ring.port_ids[s->ring.n_ports++] = pid;
	}
	if (s->n_port_args == 0)
		RTE_ETH_FOREACH_DEV(pid) {
			if (s->ring.n_ports == DP_MAX_PORTS)
				break;
			s->ring.port_ids[s->ring.n_ports++] = pid;
		}
	if (s->ring.n_ports == 0) {
		fprintf(stderr, "ordod: no ports: give --port DEVARGS (e.g. "
			"net_af_packet0,iface=eth1), --vdev, or a PCI NIC bound "
			"to vfio-pci\n");
		return -ENODEV;
	}
	return 0;
}

/* --check: the lcores' jobs as a start would leave them (main: no client
 * worker without clients, no crypto/io worker beside a memif port unless
 * asked for by name, then refused), and the ports' NUMA node against the
 * lcore that polls them. ports: s's ports resolved. */
static void check_lcores(struct dp_envcheck *c, struct ordod_lcores *lc,
			 const struct ordod_opts *o,
			 const struct ordod_setup *s, bool ports)
{
	char fragile[RTE_ETH_NAME_MAX_LEN] = "";

	for (uint16_t i = 0; ports && i < s->ring.n_ports && !fragile[0]; i++)
		if (dp_port_id_fragile(s->ring.port_ids[i]))
			rte_eth_dev_get_name_by_port(s->ring.port_ids[i],
						     fragile);
	if (lc->n_workers > 1 && (o->traffic_on || o->no_clients)) {
		lc->n_workers = 1;
		lc->unused++;
	}
	if (lc->n_workers > 0 && fragile[0] && o->workers >= 0) {
		printf("FAIL lcores: --workers %d: port %s is memif, restarted "
		       "from the ring lcore, and a worker lcore owns only LAN "
		       "ports: run it with --workers 0\n", o->workers, fragile);
		c->fails++;
	} else if (lc->n_workers > 0 && fragile[0]) {
		lc->unused += lc->n_workers;
		lc->n_workers = 0;
		printf("ok   lcores: main %u, ring %u, no worker: port %s is "
		       "memif, which the ring lcore keeps (with its crypto)\n",
		       lc->main, lc->ring, fragile);
	} else {
		printf("ok   lcores: main %u, ring %u, %s\n", lc->main, lc->ring,
		       lc->n_workers > 2 ?
		       "a crypto/io worker and client workers" :
		       lc->n_workers > 1 ?
		       "a crypto/io worker and a client worker" :
		       lc->n_workers ? "a crypto/io worker" :
		       "no worker (the ring lcore owns ports and crypto)");
	}
	if (ports)
		dp_envcheck_eal(c, s->ring.port_ids, s->ring.n_ports, lc->ring,
				lc->n_workers ? lc->worker : lc->ring);
}

/* EAL said no: say why in plain words, from the host checks. */
static void explain_eal_failure(int eal_argc, char **argv,
				const struct ordod_opts *o)
{
	struct dp_envcheck c = { .out = stderr, .quiet = true };
	int e = rte_errno;

	fprintf(stderr, "ordod: EAL initialisation failed: %s\n",
		rte_strerror(e));
	dp_envcheck_host(&c, eal_argc, argv, o->port_args, o->n_port_args);
	if (c.fails) {
		c.quiet = false;
		c.fails = c.warns = 0;
		fprintf(stderr, "ordod: the host check finds:\n");
		dp_envcheck_host(&c, eal_argc, argv, o->port_args,
				 o->n_port_args);
	} else {
		fprintf(stderr, "ordod: the EAL messages above say why: bad EAL "
			"arguments, or another primary with the same "
			"--file-prefix? (`ordod [EAL args] -- --check`)\n");
	}
}

static int run_check(int eal_argc, char **argv, const struct ordod_opts *o)
{
	struct dp_envcheck c = { .out = stdout };
	struct ordod_setup s;
	struct ordod_lcores lc;
	char err[256], *eal[eal_argc + 3];
	int rc, built, picked, n = eal_argc;

	memset(&s, 0, sizeof(s));
	dp_envcheck_host(&c, eal_argc, argv, o->port_args, o->n_port_args);
	/* The file's Lcores, as a real start would pass them (main). */
	built = ordod_setup_build(&s, o, err, sizeof(err));
	memcpy(eal, argv, sizeof(char *) * (size_t)eal_argc);
	if (built == 0 && s.lcores[0] && !ordod_eal_sets_lcores(eal_argc, argv)) {
		eal[n++] = "-l";
		eal[n++] = s.lcores;
	}
	eal[n] = NULL;
	if (rte_eal_init(n, eal) < 0) {
		printf("FAIL EAL: cannot start (%s): the FAILs above, or the "
		       "EAL messages, say why\n", rte_strerror(rte_errno));
		c.fails++;
	} else {
		if (built < 0) {
			printf("warn configuration: %s\n", err);
			for (unsigned i = 0; i < o->n_port_args; i++)
				s.port_args[s.n_port_args++] = o->port_args[i];
		}
		picked = ordod_lcores_pick(s.lcores, o->config, o->workers,
					   s.ring.port.rx_queues, &lc, err,
					   sizeof(err));
		if (picked < 0) {
			printf("FAIL lcores: %s\n", err);
			c.fails++;
		}
		rc = resolve_ports(&s);
		if (rc < 0)
			c.fails++;
		/* Refused lcores: no job to place against the ports. */
		if (picked == 0)
			check_lcores(&c, &lc, o, &s, rc == 0);
		rte_eal_cleanup();
	}
	printf("check: %u problem(s), %u warning(s)\n", c.fails, c.warns);
	return c.fails ? EXIT_CHECK : 0;
}

/* A port on another NUMA node than the lcore that polls it. */
static void numa_warn(const struct ordod_setup *s, unsigned lcore,
		      bool worker)
{
	int ls = (int)rte_lcore_to_socket_id(lcore);

	for (uint16_t i = 0; i < s->ring.n_ports; i++) {
		int ps = rte_eth_dev_socket_id(s->ring.port_ids[i]);

		if (ps >= 0 && ps != ls)
			fprintf(stderr, "ordod: warning: port %u is on NUMA node "
				"%d, the %s lcore %u on node %d: remote "
				"memory on every packet (see --check)\n",
				s->ring.port_ids[i], ps,
				worker ? "worker" : "ring", lcore, ls);
	}
}

static void link_poll(struct dp_link *l, int ms)
{
	dp_link_poll(l, ms);
}

/* The file's client settings for the gateway (defaults without one). */
static void ordod_gateway_conf(struct dp_gw_params *gp,
			       const struct ordo_conf *conf)
{
	if (conf == NULL)
		return;
	gp->max_session_messages = conf->max_session_messages;
	gp->policy = conf->slow_consumer == ORDO_SLOW_BLOCK ? DP_SLOW_BLOCK
							    : DP_SLOW_DISCONNECT;
}

/* The main lcore's job while the ring runs: stats lines, the traffic line,
 * and the quit flag. ring_here: the ring runs on this thread too. */
static void supervise(struct dp_ring *r, double period, bool ring_here,
		      const char *state_dir, struct dp_link *link)
{
	uint32_t saved_seq = 0;
	struct dp_snapshot prev, cur;
	bool done_printed = false;
	double next = mono_s() + (period > 0 ? period : 1);

	dp_ring_read(r, &prev);
	struct dp_seal_stats auth_prev = prev.seal;
	double next_auth = mono_s() + 1;
	if (ring_here)
		dp_idle_start(&r->idle);
	while (!quit) {
		if (ring_here) {
			/* With clients, serve their control traffic every
			 * millisecond (the ring's own clock, no syscall):
			 * attaching must not wait, the ring must not pay a
			 * poll(2) per few turns. */
			uint64_t until = r->now + 1000000;

			for (int i = 0; i < 1000 && !quit; i++) {
				dp_idle_turn(&r->idle, dp_ring_do_work(r));
				if (link && r->now >= until)
					break;
			}
			if (link)
				link_poll(link, 0);
		} else if (link) {
			link_poll(link, 20);
		} else {
			usleep(20 * 1000);
		}
		dp_ring_read(r, &cur);
		if (cur.traffic.enabled && cur.traffic.done && !done_printed) {
			report_traffic_done(stdout, &cur);
			done_printed = true;
		}
		/* Who sends frames that fail authentication: once a second
		 * at most, whatever the stats period. */
		if (cur.crypto && mono_s() >= next_auth) {
			report_auth_failures(stdout, &auth_prev, &cur.seal);
			auth_prev = cur.seal;
			next_auth = mono_s() + 1;
		}
		if (mono_s() >= next) {
			report_config_mismatch(stdout, &prev, &cur);
			/* Keep the ring sequence across restarts (ringseq.h). */
			if (cur.st.ring_seq_max != saved_seq &&
			    ringseq_save(state_dir, cur.node_id,
					 cur.st.ring_seq_max) == 0)
				saved_seq = cur.st.ring_seq_max;
			if (period > 0)
				report_period(stdout, &prev, &cur);
			prev = cur;
			next += period > 0 ? period : 1;
		}
	}
}

/* After their lcores returned (or before they ran): the client workers,
 * the rx workers (as many as the ring registered), the crypto/io worker,
 * then the ring they hand frames to. */
static void destroy_ring(struct dp_ring *r, struct dp_io *io, bool io_on,
			 struct dp_io *rxw, struct dp_cw *cws, unsigned n_cw)
{
	for (unsigned k = 0; k < n_cw; k++)
		dp_cw_destroy(&cws[k]);
	for (unsigned i = 0; i < r->n_io_rx; i++)
		dp_io_destroy(&rxw[i]);
	if (io_on)
		dp_io_destroy(io);
	dp_ring_destroy(r);
}

int main(int argc, char **argv)
{
	struct ordod_opts o;
	struct ordod_setup setup;
	struct dp_traffic traffic;
	struct ring_job job;
	struct dp_snapshot fin;
	char err[256];
	int dash = split_args(argc, argv);
	int rc, lock_fd, status = 0;
	unsigned lcore;
	bool traffic_on = false;
	struct dp_link *link = NULL;
	struct ordod_lcores lc;
	static struct dp_io io;
	static struct dp_io rxw[DP_MAX_RX_WORKERS];
	bool io_on = false;
	static struct dp_cw cws[DP_CW_MAX];
	static struct dp_cw *cwp[DP_CW_MAX];
	static struct dp_cws cwm;
	struct dp_cw_report cwr;
	unsigned n_cw = 0;
	bool cw_on = false;
	static struct dp_gateway gw;
	static struct dp_link link_;
	bool gw_on = false;

	/* Our options first: --help and --check must work without EAL. */
	rc = ordod_opts_parse(&o, argc - dash, argv + dash);
	if (rc != 0)
		return rc > 0 ? 0 : EXIT_USAGE;
	if (o.check)
		return run_check(dash, argv, &o);
	if (ordod_setup_build(&setup, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "ordod: %s\n", err);
		return EXIT_USAGE;
	}

	/* EAL permutes argv: keep the original order to explain a failure.
	 * The file's Lcores become EAL's -l unless EAL's own arguments give
	 * a list (then the two must agree: ordod_lcores_pick). */
	char *eal_argv[dash + 3], *eal_run[dash + 3];
	int eal_argc = dash;
	memcpy(eal_argv, argv, sizeof(char *) * (size_t)dash);
	if (setup.lcores[0] && !ordod_eal_sets_lcores(dash, argv)) {
		eal_argv[eal_argc++] = "-l";
		eal_argv[eal_argc++] = setup.lcores;
	}
	eal_argv[eal_argc] = NULL;
	memcpy(eal_run, eal_argv, sizeof(eal_run));
	rc = rte_eal_init(eal_argc, eal_run);
	if (rc < 0) {
		explain_eal_failure(eal_argc, eal_argv, &o);
		return EXIT_EAL;
	}
	if (ordod_lcores_pick(setup.lcores, o.config, o.workers,
			      setup.ring.port.rx_queues, &lc, err,
			      sizeof(err)) < 0) {
		fprintf(stderr, "ordod: %s\n", err);
		rte_eal_cleanup();
		return EXIT_USAGE;
	}
	install_signals();
	lock_fd = ordod_lock_node(o.lock_dir, setup.ring.engine.my_id, err,
				  sizeof(err));
	if (lock_fd < 0) {
		fprintf(stderr, "ordod: %s\n", err);
		rte_eal_cleanup();
		return lock_fd == -EBUSY ? EXIT_RUNNING : EXIT_EAL;
	}
	/* Never reuse a ring id a former run of this node used. */
	setup.ring.engine.ring_seq_floor =
		ringseq_floor(o.lock_dir, setup.ring.engine.my_id);
	/* Nor an incarnation: the sealed envelope's IVs are built on it. */
	rc = incarnation_next(o.lock_dir, setup.ring.engine.my_id,
			      &setup.ring.engine.incarnation, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "ordod: %s\n", err);
		status = EXIT_EAL;
		goto out_eal;
	}
	if (resolve_ports(&setup) < 0) {
		status = EXIT_EAL;
		goto out_eal;
	}
	lcore = lc.ring;
	setup.ring.io_worker = lc.n_workers > 0;
	/* Each client worker holds up to its items' frame references. */
	setup.ring.client_refs = lc.n_workers > 1 ?
					 (lc.n_workers - 1) * DP_CW_ITEMS : 0;
	setup.ring.socket = (int)rte_lcore_to_socket_id(lcore);

	memset(&job, 0, sizeof(job));
	job.setup = &setup;
	if (o.traffic_on) {
		struct dp_traffic_conf tc = o.traffic;

		if (tc.senders == 0)
			tc.senders = setup.ring.engine.n_members;
		rc = dp_traffic_init(&traffic, &tc, setup.ring.engine.my_id,
				     setup.ring.engine.members,
				     setup.ring.engine.n_members,
				     setup.ring.engine.submit_bytes,
				     setup.ring.socket);
		if (rc < 0) {
			fprintf(stderr, "ordod: traffic: %s\n", strerror(-rc));
			status = EXIT_USAGE;
			goto out_eal;
		}
		traffic_on = true;
		job.local = &dp_traffic_ops;
		job.local_ctx = &traffic;
	}

	if (!traffic_on && !o.no_clients) {
		struct dp_gw_params gp;

		memset(&gp, 0, sizeof(gp));
		gp.my_id = setup.ring.engine.my_id;
		gp.n_nodes = setup.n_names;
		for (uint32_t i = 0; i < setup.n_names; i++) {
			gp.nodes[i].id = setup.names[i].id;
			snprintf(gp.nodes[i].name, sizeof(gp.nodes[i].name),
				 "%s", setup.names[i].name);
		}
		gp.conf = setup.conf;
		gp.policy = DP_SLOW_DISCONNECT;
		gp.max_session_messages = 0;
		ordod_gateway_conf(&gp, setup.conf);
		rc = dp_gw_init(&gw, &gp);
		if (rc < 0) {
			fprintf(stderr, "ordod: client gateway: %s\n",
				strerror(-rc));
			status = EXIT_USAGE;
			goto out_eal;
		}
		gw_on = true;
		job.local = &dp_gateway_ops;
		job.local_ctx = &gw;
		/* Client slot s is client worker s % n's (cworkers.h). */
		for (unsigned i = 0; i + 1 < lc.n_workers; i++) {
			unsigned l = lc.cworker[i];

			rc = dp_cw_create_nth(&cws[i], &gw, i, l,
					      (int)rte_lcore_to_socket_id(l),
					      setup.ring.idle,
					      setup.ring.idle_max_park_ns, err,
					      sizeof(err));
			if (rc < 0) {
				fprintf(stderr, "ordod: %s\n", err);
				status = EXIT_USAGE;
				while (i-- > 0)
					dp_cw_destroy(&cws[i]);
				goto out_traffic;
			}
			cwp[i] = &cws[i];
			n_cw = i + 1;
		}
		if (n_cw > 0) {
			dp_cws_init(&cwm, &gw, cwp, n_cw);
			cw_on = true;
		}
	} else if (lc.n_workers > 1) {
		fprintf(stderr, "ordod: note: no clients here (built-in "
			"traffic or --no-clients): %u client worker lcore(s) "
			"from %u stay unused\n", lc.n_workers - 1,
			lc.cworker[0]);
		lc.unused += lc.n_workers - 1;
		lc.n_workers = 1;
	}

	if (lcore != rte_get_main_lcore()) {
		rte_eal_remote_launch(create_on_lcore, &job, lcore);
		rte_eal_wait_lcore(lcore);
	} else {
		create_on_lcore(&job);
	}
	if (job.ring == NULL) {
		fprintf(stderr, "ordod: %s\n", job.err);
		status = EXIT_EAL;
		goto out_traffic;
	}
	if (lc.n_workers > 0) {
		rc = dp_io_create(&io, job.ring, lc.worker,
				  (int)rte_lcore_to_socket_id(lc.worker), err,
				  sizeof(err));
		if (rc == -ENOTSUP && o.workers < 0 && lc.n_rxw == 0) {
			/* Not asked for by name: the ring lcore keeps them. */
			fprintf(stderr, "ordod: note: no worker lcore: %s\n",
				err);
			lc.unused += lc.n_workers;
			lc.n_workers = 0;
		} else if (rc < 0) {
			fprintf(stderr, "ordod: %s\n", err);
			status = EXIT_USAGE;
			destroy_ring(job.ring, &io, false, rxw, cws, n_cw);
			goto out_traffic;
		} else {
			io_on = true;
		}
	}
	/* The other rx queues, each its own lcore (RxQueues). */
	for (unsigned i = 0; io_on && i < lc.n_rxw; i++) {
		rc = dp_io_create_rx(&rxw[i], job.ring, (uint16_t)(i + 1),
				     lc.rxw[i],
				     (int)rte_lcore_to_socket_id(lc.rxw[i]), err,
				     sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "ordod: %s\n", err);
			status = EXIT_USAGE;
			destroy_ring(job.ring, &io, io_on, rxw, cws, n_cw);
			goto out_traffic;
		}
	}
	/* Once it is known which lcore polls the ports (a worker, or the
	 * ring lcore when there is none or it fell back). */
	numa_warn(&setup, io_on ? lc.worker : lcore, io_on);
	static struct ordod_counters_src csrc;
	static struct ordod_keyctl keyctl;
	if (gw_on) {
		struct dp_link_params lp = {
			.runtime_dir = setup.runtime_dir,
			.conf_hash = setup.ring.engine.config_hash,
			.node_id = setup.ring.engine.my_id,
			.daemon = setup.daemon_name,
			.counters = ordod_counters,
			.counters_arg = &csrc,
			.key = ordod_key,
			.key_arg = &keyctl,
			.stats = ordod_stats,
		};

		csrc.ring = job.ring;
		csrc.gw = &gw;
		if (cw_on) {
			csrc.cw_read = dp_cw_read_any;
			csrc.cw = &cws[0];
			csrc.n_cw = n_cw;
			for (unsigned k = 0; k < n_cw; k++)
				csrc.cws[k] = &cws[k];
		}
		keyctl.ring = job.ring;
		keyctl.ring_here = lcore == rte_get_main_lcore();
		rc = dp_link_open(&link_, &gw, &lp, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "ordod: %s\n", err);
			status = EXIT_USAGE;
			destroy_ring(job.ring, &io, io_on, rxw, cws, n_cw);
			goto out_traffic;
		}
		link = &link_;
		printf("ordod: clients: control link %s\n", link->path);
	}
	if (cw_on)
		dp_telemetry_client_workers((const void *const *)cwp, n_cw);
	if (dp_telemetry_register(job.ring, cw_on ? dp_cw_stages_any : NULL,
				  cw_on ? &cws[0] : NULL) < 0)
		fprintf(stderr, "ordod: warning: telemetry commands not "
			"registered (is telemetry disabled?)\n");
	printf("ordod: node=%u members=%u ports=%u ring_lcore=%u numa=%d "
	       "idle=%s mtu=%u encap=%s pid=%d\n",
	       setup.ring.engine.my_id, setup.ring.engine.n_members,
	       setup.ring.n_ports, lcore, setup.ring.socket, setup.idle_name,
	       setup.ring.engine.mtu, setup.ring.udp ? "udp" : "ethernet",
	       (int)getpid());
	printf("ordod: lcores main=%u ring=%u", lc.main, lcore);
	if (io_on)
		printf(" worker=%u (ports and crypto)", lc.worker);
	for (unsigned k = 0; k < n_cw; k++)
		printf(" client_worker=%u (client rings%s)", lc.cworker[k],
		       n_cw > 1 ? ", its share" : "");
	for (unsigned i = 0; i < job.ring->n_io_rx; i++)
		printf(" rx_worker=%u (rx queue %u)", lc.rxw[i], i + 1);
	if (lc.unused)
		printf(" unused=%u", lc.unused);
	printf("\n");
	if (job.ring->seal != NULL)
		printf("ordod: crypto aes256gcm on %s (driver %s), sending key "
		       "%08x, incarnation %u\n", job.ring->seal->dev_name,
		       job.ring->seal->driver,
		       job.ring->seal->keys[job.ring->seal->tx_key].id,
		       setup.ring.engine.incarnation);
	else
		printf("ordod: crypto none: frames travel in the clear\n");
	printf("ordod: engine memory %.1f MiB in hugepages on node %d",
	       (double)job.ring->engine_huge_bytes / (1 << 20), setup.ring.socket);
	if (job.ring->engine_heap_bytes)
		printf(", %.1f MiB from the heap (hugepages ran short: raise "
		       "-m or reserve more)",
		       (double)job.ring->engine_heap_bytes / (1 << 20));
	printf("\n");
	for (uint16_t i = 0; i < job.ring->n_ports; i++) {
		const struct dp_port *p = &job.ring->ports[i];

		printf("ordod: port %u %s driver=%s mac=%02x:%02x:%02x:%02x:"
		       "%02x:%02x link=%s%s%s%s\n", p->port_id, p->name,
		       p->driver, p->mac[0], p->mac[1], p->mac[2], p->mac[3],
		       p->mac[4], p->mac[5], p->up ? "up" : "down",
		       p->p2p ? " point-to-point" : "",
		       p->kif_fd >= 0 ? " kernel_if=" : "",
		       p->kif_fd >= 0 ? p->kif_name : "");
	}
	fflush(stdout);

	/* The client worker times its turns as the ring lcore does. */
	for (unsigned k = 0; k < n_cw; k++)
		dp_cw_set_stages(&cws[k], job.ring->stg.st.sample_every,
				 job.ring->stg.bias);
	if (io_on)
		rte_eal_remote_launch(run_io_on_lcore, &io, lc.worker);
	for (unsigned i = 0; i < job.ring->n_io_rx; i++)
		rte_eal_remote_launch(run_io_on_lcore, &rxw[i], lc.rxw[i]);
	for (unsigned k = 0; k < n_cw; k++)
		rte_eal_remote_launch(run_cw_on_lcore, &cws[k], lc.cworker[k]);
	if (lcore != rte_get_main_lcore()) {
		rte_eal_remote_launch(run_on_lcore, &job, lcore);
		supervise(job.ring, o.stats_period, false, o.lock_dir, link);
		rte_eal_wait_lcore(lcore);
		/* The worker drains what the ring lcore sent last. */
		if (io_on)
			rte_eal_wait_lcore(lc.worker);
		for (unsigned i = 0; i < job.ring->n_io_rx; i++)
			rte_eal_wait_lcore(lc.rxw[i]);
		/* So does the client worker, before the link tells the
		 * clients and reclaims their slots. */
		for (unsigned k = 0; k < n_cw; k++)
			dp_cw_ring_stop(&cws[k]);
		for (unsigned k = 0; k < n_cw; k++)
			rte_eal_wait_lcore(lc.cworker[k]);
	} else {
		supervise(job.ring, o.stats_period, true, o.lock_dir, link);
	}
	/* The ring lcore stopped: clients are told, slots reclaimed. */
	if (link)
		dp_link_close(link);
	dp_ring_publish(job.ring);
	dp_ring_read(job.ring, &fin);
	report_summary(stdout, &fin);
	if (traffic_on && !fin.traffic.done)
		printf("ordod: traffic incomplete node=%u delivered=%llu "
		       "expected=%llu digest=%016llx fifo_errors=%llu\n",
		       fin.node_id, (unsigned long long)fin.traffic.delivered,
		       (unsigned long long)fin.traffic.expected,
		       (unsigned long long)fin.traffic.digest,
		       (unsigned long long)fin.traffic.fifo_errors);
	dp_telemetry_unregister();
	for (unsigned k = 0; k < n_cw; k++) {
		dp_cw_read(&cws[k], &cwr);
		char nth[16] = "";

		/* One line each: "client worker" for the first (as with one),
		 * "client worker2", ... for the others. */
		if (k > 0)
			snprintf(nth, sizeof(nth), "%u", k + 1);
		printf("ordod: client worker%s lcore=%u items=%llu msgs=%llu "
		       "records=%llu busy_cycles_per_msg=%llu held_refs=%llu "
		       "copied_msgs=%llu copied_bytes=%llu full_waits=%llu "
		       "cuts=%llu\n", nth, cwr.lcore,
		       (unsigned long long)cwr.items,
		       (unsigned long long)cwr.msgs,
		       (unsigned long long)cwr.records,
		       (unsigned long long)(cwr.stages.busy_msgs ?
					    cwr.stages.busy_cycles /
					    cwr.stages.busy_msgs : 0),
		       (unsigned long long)cwr.held_refs,
		       (unsigned long long)cwr.copied_msgs,
		       (unsigned long long)cwr.copied_bytes,
		       (unsigned long long)cwr.full_waits,
		       (unsigned long long)cwr.cuts);
	}
	destroy_ring(job.ring, &io, io_on, rxw, cws, n_cw);
out_traffic:
	if (traffic_on)
		dp_traffic_fini(&traffic);
	if (gw_on)
		dp_gw_fini(&gw);
out_eal:
	rte_eal_cleanup();
	close(lock_fd);
	printf("ordod: stopped\n");
	return status;
}
