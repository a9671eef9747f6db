/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The built-in traffic generator and digest (traffic.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include <rte_branch_prediction.h>
#include <rte_malloc.h>

#include "dataplane/digest.h"
#include "dataplane/traffic.h"

/* Submit at most this many per loop turn, so rx and token handling are
 * never starved by a long submit run. */
#define PRODUCE_BURST 32u

static unsigned traffic_produce(void *ctx, struct ordo_engine *e, uint64_t now)
{
	struct dp_traffic *t = ctx;
	uint64_t allowed = PRODUCE_BURST;
	unsigned n = 0;

	if (t->sent >= t->conf.msgs || !t->full_ring_seen)
		return 0;
	if (!t->started) {
		t->started = true;
		t->t_start = now;
	}
	if (t->conf.rate) {
		uint64_t due = (uint64_t)((unsigned __int128)(now - t->t_start) *
					  t->conf.rate / 1000000000u) + 1;

		allowed = due > t->sent ? due - t->sent : 0;
		if (allowed > PRODUCE_BURST)
			allowed = PRODUCE_BURST;
	}
	while (n < allowed && t->sent < t->conf.msgs &&
	       ordo_engine_submit_space(e) > t->space_floor) {
		struct dp_traffic_hdr h = {
			.sender = __builtin_bswap32(t->my_id),
			.size = __builtin_bswap32(t->conf.size),
			.seq = __builtin_bswap64(t->sent + 1),
		};
		struct iovec iov[2] = {
			{ &h, sizeof(h) },
			{ (void *)(uintptr_t)t->pattern, t->conf.size - sizeof(h) },
		};

		if (ordo_engine_submitv(e, t->conf.service, DP_TRAFFIC_MSG_TYPE,
					iov, 2) != 0)
			break; /* back-pressure: the token drains the queue */
		t->sent++;
		n++;
	}
	t->r.submitted = t->sent;
	return n;
}

static int member_index(const struct dp_traffic *t, uint32_t id)
{
	for (uint32_t i = 0; i < t->n_members; i++)
		if (t->members[i] == id)
			return (int)i;
	return -1;
}

static void traffic_deliver(void *ctx, const struct ordo_delivery *d,
			    uint64_t now)
{
	struct dp_traffic *t = ctx;
	struct dp_traffic_hdr h;
	int idx;

	if (d->msg_type != DP_TRAFFIC_MSG_TYPE || d->len < sizeof(h)) {
		t->r.foreign++;
		return;
	}
	memcpy(&h, d->data, sizeof(h));
	idx = member_index(t, d->sender);
	if (unlikely(idx < 0 || __builtin_bswap32(h.sender) != d->sender ||
		     __builtin_bswap32(h.size) != d->len ||
		     __builtin_bswap64(h.seq) != t->last_seq[idx] + 1)) {
		if (t->r.fifo_errors++ == 0) {
			t->r.fifo_sender = d->sender;
			t->r.fifo_want = idx >= 0 ? t->last_seq[idx] + 1 : 0;
			t->r.fifo_got = __builtin_bswap64(h.seq);
			t->r.fifo_at = t->r.delivered;
		}
	}
	if (idx >= 0)
		t->last_seq[idx] = __builtin_bswap64(h.seq);

	t->r.digest = dp_digest_word(t->r.digest, d->sender);
	t->r.digest = dp_digest_bytes(t->r.digest, d->data, d->len);
	if (t->r.delivered++ == 0)
		t->r.t_first = now;
	t->r.t_last = now;
	t->r.delivered_bytes += d->len;
	if (t->r.delivered == t->r.expected)
		t->r.done = true;
}

/* Messages sent before every member is in the ring would be delivered in
 * a smaller configuration only (Extended Virtual Synchrony): wait for the
 * full ring once, then keep sending whatever happens to it. */
static void traffic_config_change(void *ctx, const struct ordo_config_change *c,
				  uint64_t now)
{
	struct dp_traffic *t = ctx;

	(void)now;
	t->r.config_changes++;
	if (c->kind == ORDO_CONF_REGULAR && c->n_members >= t->n_members)
		t->full_ring_seen = true;
}

static void traffic_report(void *ctx, struct dp_traffic_report *r)
{
	const struct dp_traffic *t = ctx;

	*r = t->r;
}

const struct dp_local_ops dp_traffic_ops = {
	.name = "traffic",
	.produce = traffic_produce,
	.deliver = traffic_deliver,
	.config_change = traffic_config_change,
	.report = traffic_report,
};

int dp_traffic_init(struct dp_traffic *t, const struct dp_traffic_conf *conf,
		    uint32_t my_id, const uint32_t *members, uint32_t n,
		    uint32_t submit_bytes, int socket)
{
	uint8_t *pat;

	memset(t, 0, sizeof(*t));
	if (conf->size < sizeof(struct dp_traffic_hdr) ||
	    conf->size > ORDO_MAX_MSG_SIZE_LIMIT || n > ORDO_MAX_MEMBERS)
		return -EINVAL;
	t->conf = *conf;
	/* A full submit queue adds latency and nothing else: the token takes
	 * at most a personal window per visit, so half the queue is plenty.
	 * (It also kept us clear of a since-fixed engine bug that took a
	 * completely full queue for an empty one.) */
	uint32_t limit = conf->queue_bytes ? conf->queue_bytes : submit_bytes / 2;
	t->space_floor = submit_bytes > limit ? submit_bytes - limit : 0;
	t->my_id = my_id;
	t->n_members = n;
	memcpy(t->members, members, n * sizeof(members[0]));
	pat = rte_malloc_socket("ordo_traffic", conf->size, 64, socket);
	if (pat == NULL)
		return -ENOMEM;
	/* xorshift: incompressible, so a dropped or shifted byte shows. */
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (uint32_t i = 0; i < conf->size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		pat[i] = (uint8_t)x;
	}
	t->pattern = pat;
	t->r.enabled = true;
	t->r.expected = conf->msgs * conf->senders;
	t->r.digest = DP_DIGEST_INIT;
	t->r.done = t->r.expected == 0;
	return 0;
}

void dp_traffic_fini(struct dp_traffic *t)
{
	rte_free((void *)(uintptr_t)t->pattern);
	t->pattern = NULL;
}
