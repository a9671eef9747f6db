/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-perf's senders: one client and one thread each. A round is a
 * warm-up, a measured window and an END; in --mode rate a token bucket on
 * CLOCK_MONOTONIC paces the sends (the bucket refills with elapsed time,
 * so the pace never drifts, and holds at most PERF_BURST tokens, so a
 * descheduled sender does not make up for lost time in one burst).
 *
 * A full submit ring is not an error: the daemon takes what the ring can
 * order, and a flood is meant to find that limit. We retry, yielding the
 * CPU the daemon needs, and stamp the send time again, so latency starts
 * when libordo takes the message (as cpg_flood does after TRY_AGAIN).
 *
 * The clock is read once per run of messages handed over back to back,
 * all stamped with that reading, as long as a run takes under
 * PERF_STAMP_NS (perf.h): a reading costs about as much as handing a
 * small message over, and a microsecond is below what a latency figure
 * here can tell. A run ends early at a full ring or window.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/perf/perf.h"

#define PERF_BURST 32
#define PERF_SPINS 64          /* yields before sleeping on a full ring */

static void pause_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u),
			       .tv_nsec = (long)(ns % 1000000000u) };

	nanosleep(&ts, NULL);
}

static bool giving_up(struct perf_run *r)
{
	return perf_quit || atomic_load_explicit(&r->stop, memory_order_relaxed);
}

/* One step of waiting for the daemon: yield it the CPU, then sleep.
 * ORDO_ERR_TIMEOUT once --timeout passed since the first step (*deadline
 * 0 before it), or when the run is stopping. */
static int back_off(struct perf_run *r, uint64_t *deadline, unsigned *spins)
{
	uint64_t now = perf_now_ns();

	if (!*deadline)
		*deadline = now + (uint64_t)(r->o.timeout * 1e9);
	if (giving_up(r) || now > *deadline)
		return ORDO_ERR_TIMEOUT;
	if ((*spins)++ < PERF_SPINS)
		sched_yield();
	else
		pause_ns(20000);
	return 0;
}

/* Hand one message of len bytes in s->buf to libordo, to n groups from
 * first. 0, 1 when it had to wait for room (and stamped the message again
 * as it went), or a negative enum ordo_error (ORDO_ERR_TIMEOUT: gave up). */
static int send_one(struct perf_sender *s, uint32_t len, int n,
		    const char (*first)[ORDO_NAME_LEN])
{
	struct perf_run *r = s->run;
	struct iovec iov = { .iov_base = s->buf, .iov_len = len };
	uint64_t deadline = 0;
	unsigned spins = 0;
	int rc;

	for (;;) {
		rc = ordo_try_multicastv(s->c, r->o.service, n, first, 0, &iov, 1);
		if (rc >= 0)
			return deadline ? 1 : 0;
		if (rc != ORDO_ERR_AGAIN)
			return rc;
		atomic_fetch_add_explicit(&s->tx_full, 1, memory_order_relaxed);
		rc = back_off(r, &deadline, &spins);
		if (rc < 0)
			return rc;
		flood_msg_set_time(s->buf, perf_now_ns());
	}
}

/* --window: at most that many of our messages sent and not yet received
 * back by this node's receiver. Without a bound a flood measures how fast
 * the daemon's queues grow, not how fast the ring orders (and a receiver
 * that falls behind is cut off as a slow consumer). */
static bool window_full(const struct perf_sender *s)
{
	const struct perf_opts *o = &s->run->o;
	uint64_t out;

	if (!o->window)
		return false;
	out = s->seq - atomic_load_explicit(&s->acked, memory_order_acquire);
	/* Big messages: a bound in bytes too (a 16 MiB message times the
	 * window would be gigabytes queued), one message at least. */
	return out >= o->window || (out && out * s->len >= o->window_bytes);
}

/* 0 at once when there is room, 1 after waiting for it, or a negative
 * enum ordo_error. */
static int wait_window(struct perf_sender *s)
{
	uint64_t deadline = 0;
	unsigned spins = 0;
	int rc;

	if (!window_full(s))
		return 0;
	atomic_fetch_add_explicit(&s->window_waits, 1, memory_order_relaxed);
	while (window_full(s))
		if ((rc = back_off(s->run, &deadline, &spins)) < 0)
			return rc;
	return 1;
}

static int wait_go(struct perf_sender *s, int round)
{
	while (atomic_load_explicit(&s->run->go_round, memory_order_acquire) < round) {
		if (giving_up(s->run))
			return ORDO_ERR_TIMEOUT;
		pause_ns(200000);
	}
	return 0;
}

static int run_round(struct perf_sender *s, int round)
{
	struct perf_run *r = s->run;
	uint32_t len = r->o.sizes[round];
	uint64_t start = atomic_load_explicit(&r->round_start_ns, memory_order_relaxed);
	uint64_t t_meas = start + (uint64_t)(r->o.warmup * 1e9);
	uint64_t t_end = t_meas + (uint64_t)(r->o.secs * 1e9);
	bool paced = r->o.mode == PERF_MODE_RATE;
	double per_ns = r->o.rate / 1e9;
	uint64_t paced_sent = 0;     /* tokens spent since start */
	unsigned run = 1;            /* messages per clock reading */
	uint64_t run_at = 0;         /* reading of an unbroken run, or 0 */
	int rc;

	atomic_store_explicit(&s->tx_data, 0, memory_order_relaxed);
	s->len = len;
	for (;;) {
		uint64_t now;
		enum flood_kind kind;
		unsigned sent, todo = run;
		bool waited;

		rc = wait_window(s);
		if (rc < 0)
			return rc;
		now = perf_now_ns();
		/* Only a run that waited for nothing tells how long sending
		 * takes: size the next one from it. */
		if (run_at && rc == 0)
			run = perf_stamp_next(run, now - run_at);
		run_at = 0;
		kind = now >= t_meas ? FLOOD_DATA : FLOOD_WARMUP;
		if (now >= t_end || giving_up(r))
			break;
		if (paced) {
			uint64_t allowed = (uint64_t)((double)(now - start) * per_ns) + 1;

			if (allowed > paced_sent + PERF_BURST)
				paced_sent = allowed - PERF_BURST;
			if (paced_sent >= allowed) {
				/* Empty bucket: sleep to the next token, at
				 * most 1 ms so the end of the window is kept. */
				uint64_t next = start + (uint64_t)((double)allowed / per_ns);
				uint64_t wait = next > now ? next - now : 0;

				if (wait > 1000000)
					wait = 1000000;
				if (wait > 50000)
					pause_ns(wait - 50000);
				else
					sched_yield();
				continue;
			}
			if (todo > allowed - paced_sent)
				todo = (unsigned)(allowed - paced_sent);
			paced_sent += todo;
		}
		sent = 0;
		waited = false;
		while (sent < todo && (!sent || !window_full(s))) {
			unsigned g;

			s->seq++;
			g = (unsigned)(s->seq % r->o.groups);
			flood_msg_stamp(s->buf, len, kind, (uint16_t)round, s->id,
					s->seq, now);
			rc = send_one(s, len, 1, &r->groups[g]);
			if (rc < 0)
				return rc;
			sent++;
			atomic_fetch_add_explicit(&s->tx_msgs, 1, memory_order_relaxed);
			if (kind == FLOOD_DATA)
				atomic_fetch_add_explicit(&s->tx_data, 1,
							  memory_order_relaxed);
			/* It waited for room and left later than `now`: the
			 * next one needs a reading of its own. */
			if (rc == 1) {
				waited = true;
				break;
			}
		}
		/* Tokens of messages a full window held back are not spent. */
		if (paced)
			paced_sent -= todo - sent;
		if (sent == todo && !waited)
			run_at = now;
	}
	/* END to every data group and to perfsync: every ordo-perf process,
	 * receiving or not, learns that this sender is done. */
	s->seq++;
	flood_msg_stamp(s->buf, len, FLOOD_END, (uint16_t)round, s->id, s->seq,
		       perf_now_ns());
	rc = send_one(s, len, (int)r->o.groups + 1, &r->groups[0]);
	if (rc < 0)
		return rc;
	atomic_store_explicit(&s->done_round, round, memory_order_release);
	return 0;
}

static void *sender_main(void *arg)
{
	struct perf_sender *s = arg;
	int rc = 0;

	for (unsigned round = 0; round < s->run->o.n_sizes && rc == 0; round++) {
		rc = wait_go(s, (int)round);
		if (rc == 0)
			rc = run_round(s, (int)round);
	}
	if (rc < 0 && !giving_up(s->run)) {
		fprintf(stderr, "ordo-perf: sender %u: %s\n", s->index, ordo_strerror(rc));
	}
	s->error = rc;
	return NULL;
}

int perf_senders_start(struct perf_run *r)
{
	uint32_t max = 0;

	for (unsigned i = 0; i < r->o.n_sizes; i++)
		if (r->o.sizes[i] > max)
			max = r->o.sizes[i];
	for (unsigned i = 0; i < r->o.senders; i++) {
		struct perf_sender *s = &r->sender[i];
		int rc;

		s->run = r;
		s->index = i;
		atomic_init(&s->done_round, -1);
		rc = ordo_connect(r->o.socket, NULL, 0, (int)(r->o.timeout * 1000), &s->c);
		if (rc < 0) {
			fprintf(stderr, "ordo-perf: sender %u: connect: %s\n", i,
				ordo_strerror(rc));
			return rc;
		}
		s->id = flood_name_id(ordo_private_group(s->c), ORDO_NAME_LEN);
		/* Each size must fit what the daemon takes with the largest
		 * group header we send (the END's: every group): refused
		 * here, clearly, not in the middle of a run. */
		int most = ordo_max_message(s->c, (int)r->o.groups + 1,
					    (const char (*)[ORDO_NAME_LEN])r->groups);
		if (most >= 0 && max > (uint32_t)most) {
			fprintf(stderr, "ordo-perf: --size %u is above the largest message"
				" this daemon takes to %u groups (%d bytes: MaxMessageSize"
				" less the group header)\n", max, r->o.groups + 1, most);
			return ORDO_ERR_TOO_BIG;
		}
		s->buf = calloc(1, max);
		if (!s->buf)
			return ORDO_ERR_NOMEM;
		flood_msg_init_payload(s->buf, max, s->id);
		if (pthread_create(&s->thread, NULL, sender_main, s) != 0) {
			fprintf(stderr, "ordo-perf: sender %u: no thread: %s\n", i,
				strerror(errno));
			return ORDO_ERR_SYS;
		}
		s->started = true;
	}
	return 0;
}

void perf_senders_join(struct perf_run *r)
{
	for (unsigned i = 0; i < r->o.senders; i++) {
		struct perf_sender *s = &r->sender[i];

		if (s->started)
			pthread_join(s->thread, NULL);
		if (s->c)
			ordo_disconnect(s->c);
		free(s->buf);
		s->c = NULL;
		s->buf = NULL;
	}
}
