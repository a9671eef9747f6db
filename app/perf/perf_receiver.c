/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-perf's main loop: the receiver client waits for every ordo-perf
 * process of the lab (members of perfsync), then runs the rounds. In each
 * it opens the round for the senders, checks and times every delivery,
 * prints a line a second, and closes the round when every expected
 * sender's END arrived or --timeout passed after the window.
 *
 * The clock is read once per turn of the loop, after a run of deliveries
 * taken back to back, and that reading times all of them (the checker
 * holds their send times meanwhile): a run is kept under PERF_STAMP_NS
 * (perf.h), so each latency is over by less than that, never under.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/perf/perf.h"
#include "app/perf/perf_report.h"

#define LOG_FIRST 5            /* faults named on stderr, then only counted */

struct tick {
	uint64_t at_ns, next_ns;
	unsigned t;
	uint64_t rx_msgs, rx_bytes, tx_msgs;
	struct perf_daemon_sample d;    /* the daemon's counters at at_ns */
};

static uint64_t tx_msgs(struct perf_run *r)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < r->o.senders; i++)
		n += atomic_load_explicit(&r->sender[i].tx_msgs, memory_order_relaxed);
	return n;
}

static void on_message(struct perf_run *r, const struct ordo_event *ev)
{
	/* The sender is who libordo says sent it: its private group. */
	uint64_t origin = flood_name_id(ev->sender, ORDO_NAME_LEN);
	int rc;

	if (!r->o.receive) {
		struct flood_msg m;

		/* Only the ENDs reach a process that does not receive. */
		if (flood_msg_parse(ev->data, ev->len, origin, &m) == 0 &&
		    m.kind == FLOOD_END && m.round == r->check.round)
			r->ends_seen++;
		return;
	}
	rc = flood_check_deliver_untimed(&r->check, ev->data, ev->len, origin);
	if (rc != FLOOD_CHECK_CORRUPT && rc != FLOOD_CHECK_IMPOSTOR &&
	    rc != FLOOD_CHECK_FULL)
		perf_order_deliver(&r->order, ev->n_groups, ev->groups,
				   r->check.folded.sender, r->check.folded.seq);
	/* This delivery brought the round's ENDs to the expected count:
	 * the point every receiver's digests cover alike (perf_order.h). */
	if (!r->order.taken && r->check.cur.ends >= r->o.expect_senders)
		perf_order_snapshot(&r->order);
	/* One of our senders' own messages came back: its window moves. */
	if (rc >= 0 || rc == FLOOD_CHECK_LOST)
		for (unsigned i = 0; i < r->o.senders; i++)
			if (r->sender[i].id == r->check.last.sender) {
				atomic_store_explicit(&r->sender[i].acked,
						      r->check.last.seq,
						      memory_order_release);
				break;
			}
	if (rc < 0 && r->logged++ < LOG_FIRST)
		fprintf(stderr, "ordo-perf: %s: message of %zu bytes from %.*s: %s%s%s\n",
			r->daemon, ev->len, ORDO_NAME_LEN, ev->sender,
			flood_check_rc_name(rc), rc == FLOOD_CHECK_CORRUPT ? ": " : "",
			rc == FLOOD_CHECK_CORRUPT ? flood_bad_name(r->check.last_bad) : "");
}

static void on_membership(struct perf_run *r, const struct ordo_event *ev)
{
	if (strncmp(ev->sender, PERF_SYNC_GROUP, ORDO_NAME_LEN) != 0 ||
	    !(ev->service & ORDO_MEMB_REGULAR))
		return;
	if ((unsigned)ev->n_groups < r->sync_members &&
	    atomic_load(&r->go_round) >= 0)
		r->member_left = true;
	r->sync_members = (unsigned)ev->n_groups;
}

/* One event, waiting up to wait_ms. 1 when an event was handled, 0 when
 * none came, -1 when the session ended. A message's latency waits for
 * flood_check_timestamp(). With --zero-copy the event is a view into the
 * delivery ring, handled in place and released at once: nothing here
 * keeps a pointer into it (the checker copies what it keeps). */
static int receive_one(struct perf_run *r, int wait_ms)
{
	struct ordo_event ev;
	int rc = r->o.zero_copy
		 ? ordo_receive_view(r->rx, &ev, wait_ms)
		 : ordo_receive(r->rx, &ev, r->rx_buf, r->rx_len, wait_ms);

	if (rc == ORDO_ERR_AGAIN || rc == ORDO_ERR_TIMEOUT)
		return 0;
	/* A message above every --size we send (someone else's in our
	 * groups): make room, the checker will refuse it. */
	if (rc == ORDO_ERR_BUFFER && ev.len > r->rx_len && ev.len <= (64u << 20)) {
		uint8_t *p = realloc(r->rx_buf, ev.len);

		if (!p)
			return -1;
		r->rx_buf = p;
		r->rx_len = ev.len;
		return 0;
	}
	if (rc < 0) {
		if (rc == ORDO_ERR_CLOSED)
			r->closed = ordo_close_reason(r->rx);
		fprintf(stderr, "ordo-perf: %s: receive: %s%s%s\n", r->daemon,
			ordo_strerror(rc), rc == ORDO_ERR_CLOSED ? ": " : "",
			rc == ORDO_ERR_CLOSED ? ordo_close_reason_name(r->rx) : "");
		if (rc == ORDO_ERR_CLOSED && !r->closed)
			r->closed = -1;
		return -1;
	}
	switch (ev.kind) {
	case ORDO_EV_MESSAGE:
		on_message(r, &ev);
		break;
	case ORDO_EV_MEMBERSHIP:
		on_membership(r, &ev);
		break;
	case ORDO_EV_REJECT:
		if (r->logged++ < LOG_FIRST)
			fprintf(stderr, "ordo-perf: %s: the daemon refused a message: %s\n",
				r->daemon, ordo_strerror(ev.error));
		break;
	}
	if (r->o.zero_copy)
		ordo_release(r->rx);
	return 1;
}

static int buf_init(struct perf_run *r)
{
	uint32_t max = 0;

	if (r->rx_buf)
		return 0;
	for (unsigned i = 0; i < r->o.n_sizes; i++)
		if (r->o.sizes[i] > max)
			max = r->o.sizes[i];
	r->rx_len = max + (PERF_MAX_GROUPS + 2) * ORDO_NAME_LEN + 4096;
	r->rx_buf = malloc(r->rx_len);
	return r->rx_buf ? 0 : -1;
}

int perf_wait_members(struct perf_run *r)
{
	uint64_t deadline = perf_now_ns() + (uint64_t)(r->o.timeout * 1e9);

	if (buf_init(r) < 0)
		return ORDO_ERR_NOMEM;
	while (r->sync_members < r->o.members) {
		if (perf_quit || perf_now_ns() > deadline) {
			fprintf(stderr, "ordo-perf: %s: %u of %u ordo-perf processes"
				" in %s after %.0f s\n", r->daemon, r->sync_members,
				r->o.members, PERF_SYNC_GROUP, r->o.timeout);
			return ORDO_ERR_TIMEOUT;
		}
		if (receive_one(r, 100) < 0)
			return ORDO_ERR_CLOSED;
	}
	return 0;
}

static void second(struct perf_run *r, struct tick *k, uint64_t now)
{
	struct flood_check *c = &r->check;
	uint64_t tx = tx_msgs(r);
	struct perf_daemon_sample d;
	struct perf_second s = {
		.t = ++k->t,
		.secs = (double)(now - k->at_ns) / 1e9,
		.rx_msgs = c->rx_msgs - k->rx_msgs,
		.rx_bytes = c->rx_bytes - k->rx_bytes,
		.tx_msgs = tx - k->tx_msgs,
		.latency = &c->recent,
		.lost = c->lost, .misordered = c->misordered, .corrupt = c->corrupt,
		.retrans = -1,
	};

	perf_daemon_sample(r->o.socket, &d);
	if (d.ok && k->d.ok)
		s.retrans = (int64_t)(d.retrans - k->d.retrans);
	perf_stage_delta(&k->d, &d, &s.stages);
	perf_report_second(r, &s);
	flood_hist_reset(&c->recent);
	k->at_ns = now;
	k->next_ns += 1000000000ull;
	if (k->next_ns <= now)
		k->next_ns = now + 1000000000ull;
	k->rx_msgs = c->rx_msgs;
	k->rx_bytes = c->rx_bytes;
	k->tx_msgs = tx;
	k->d = d;
}

static unsigned ends_now(const struct perf_run *r)
{
	return r->o.receive ? r->check.cur.ends : r->ends_seen;
}

static bool run_round(struct perf_run *r, unsigned round)
{
	struct flood_check *c = &r->check;
	uint64_t lost0 = c->lost, mis0 = c->misordered, cor0 = c->corrupt;
	uint64_t imp0 = c->impostor, full0 = 0, full = 0, sent = 0;
	uint64_t ww0 = 0, ww = 0;
	struct perf_daemon_sample d0, d1;
	uint64_t start = perf_now_ns();
	uint64_t deadline = start + (uint64_t)((r->o.warmup + r->o.secs + r->o.timeout) * 1e9);
	struct tick k = { .at_ns = start, .next_ns = start + 1000000000ull,
			  .rx_msgs = c->rx_msgs, .rx_bytes = c->rx_bytes,
			  .tx_msgs = tx_msgs(r) };
	bool timed_out = false, senders_ok = true;
	unsigned run = 1;            /* deliveries per clock reading */
	uint64_t run_at = 0;         /* reading before an unbroken run, or 0 */
	struct perf_result res;

	perf_daemon_sample(r->o.socket, &d0);
	k.d = d0;
	for (unsigned i = 0; i < r->o.senders; i++) {
		full0 += atomic_load(&r->sender[i].tx_full);
		ww0 += atomic_load(&r->sender[i].window_waits);
	}
	flood_check_next_round(c, (uint16_t)round);
	perf_order_next_round(&r->order);
	r->ends_seen = 0;
	r->member_left = false;
	atomic_store_explicit(&r->round_start_ns, start, memory_order_relaxed);
	atomic_store_explicit(&r->go_round, (int)round, memory_order_release);

	while (ends_now(r) < r->o.expect_senders && !r->closed) {
		uint64_t now = perf_now_ns();
		unsigned n;
		int wait_ms, got;

		flood_check_timestamp(c, now);
		if (run_at)
			run = perf_stamp_next(run, now - run_at);
		run_at = 0;
		if (now >= k.next_ns)
			second(r, &k, now);
		if (now > deadline || perf_quit) {
			timed_out = true;
			break;
		}
		wait_ms = (int)((k.next_ns - now) / 1000000u) + 1;
		if (wait_ms > 100)
			wait_ms = 100;
		/* The first event may be waited for (then the run tells
		 * nothing of how long taking one lasts); the others of the
		 * run only if they are there already. */
		got = receive_one(r, 0);
		if (got == 0)
			got = receive_one(r, wait_ms);
		else
			run_at = now;
		for (n = 1; n < run && got > 0; n++)
			got = receive_one(r, 0);
		if (got < 0)
			break;
		if (n < run)
			run_at = 0;
	}
	flood_check_timestamp(c, perf_now_ns());
	if (timed_out || r->closed)
		fprintf(stderr, "ordo-perf: %s: round %u: END from %u of %u senders%s\n",
			r->daemon, round, ends_now(r), r->o.expect_senders,
			r->closed ? " (receiver closed)" : " before the timeout");
	/* Our own senders' ENDs came back, so they are done with the round;
	 * otherwise they stop here, and so do later rounds. */
	if (timed_out || r->closed)
		atomic_store(&r->stop, true);
	for (unsigned i = 0; i < r->o.senders; i++) {
		struct perf_sender *s = &r->sender[i];

		while (atomic_load_explicit(&s->done_round, memory_order_acquire) < (int)round &&
		       s->error == 0 && !atomic_load(&r->stop))
			receive_one(r, 10);
		sent += atomic_load(&s->tx_data);
		full += atomic_load(&s->tx_full);
		ww += atomic_load(&s->window_waits);
		if (atomic_load_explicit(&s->done_round, memory_order_acquire) < (int)round)
			senders_ok = false;
	}
	flood_check_timestamp(c, perf_now_ns());
	perf_daemon_sample(r->o.socket, &d1);
	res = (struct perf_result){
		.round = round,
		.size = r->o.sizes[round],
		.sent = sent,
		.received = c->cur.data,
		.bytes = c->cur.data_bytes,
		.secs = c->cur.data > 1 ? (double)(c->cur.last_ns - c->cur.first_ns) / 1e9 : 0,
		.latency = &c->cur.latency,
		.lost = c->lost - lost0,
		.misordered = c->misordered - mis0,
		.corrupt = c->corrupt - cor0,
		.impostor = c->impostor - imp0,
		.retrans = d0.ok && d1.ok ? (int64_t)(d1.retrans - d0.retrans) : -1,
		.tx_full = full - full0,
		.window_waits = ww - ww0,
		.ends = ends_now(r),
		.ends_expected = r->o.expect_senders,
		.member_left = r->member_left,
	};
	perf_stage_delta(&d0, &d1, &res.stages);
	res.checked = !timed_out && !r->closed && senders_ok &&
		      res.ends >= res.ends_expected && !res.lost &&
		      !res.misordered && !res.corrupt && !res.impostor &&
		      !c->too_many;
	if (r->o.receive)
		perf_report_order(r, &res);
	perf_report_result(r, &res);
	return res.checked;
}

bool perf_run_rounds(struct perf_run *r)
{
	bool all = true;

	for (unsigned round = 0; round < r->o.n_sizes; round++) {
		if (!run_round(r, round)) {
			all = false;
			if (atomic_load(&r->stop) || r->closed || perf_quit)
				break;
		}
	}
	atomic_store(&r->stop, true);
	free(r->rx_buf);
	r->rx_buf = NULL;
	return all;
}
