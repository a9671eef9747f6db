/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The receiver's sequence, integrity and order checks (flood_check.h).
 */
#include "lib/flood/flood_check.h"

#include <string.h>
#include <time.h>

void flood_check_init(struct flood_check *c)
{
	memset(c, 0, sizeof(*c));
	c->digest = FLOOD_DIGEST_INIT;
}

static unsigned slot_of(uint64_t id)
{
	/* Names are hashed already, node ids are small: fold anyway. */
	return (unsigned)((id ^ (id >> 32) ^ (id >> 16)) &
			  (FLOOD_SENDER_SLOTS - 1));
}

static struct flood_sender *lookup(struct flood_check *c, uint64_t id,
				   bool add)
{
	unsigned i = slot_of(id);

	for (unsigned n = 0; n < FLOOD_SENDER_SLOTS; n++) {
		struct flood_sender *s = &c->sender[i];

		if (s->used && s->id == id)
			return s;
		if (!s->used) {
			/* Half full at most: probes stay short. */
			if (!add || c->n_senders >= FLOOD_MAX_SENDERS)
				return NULL;
			/* Every receiver is in the group before any sender
			 * begins, so each sender starts at 1 here. */
			*s = (struct flood_sender){ .id = id, .used = true,
						    .ended_round = -1,
						    .next_seq = 1 };
			c->n_senders++;
			return s;
		}
		i = (i + 1) & (FLOOD_SENDER_SLOTS - 1);
	}
	return NULL;
}

const struct flood_sender *flood_check_sender(const struct flood_check *c,
					      uint64_t id)
{
	return lookup((struct flood_check *)c, id, false);
}

/* Order matters to this mix (it must: the digest compares orders). */
uint64_t flood_digest_step(uint64_t d, uint64_t sender, uint64_t seq)
{
	d = (d ^ sender) * 0x100000001b3ull;
	d ^= d >> 29;
	d = (d ^ seq) * 0x100000001b3ull;
	return d ^ (d >> 31);
}

const char *flood_check_rc_name(int rc)
{
	switch (rc) {
	case FLOOD_CHECK_OK: return "ok";
	case FLOOD_CHECK_END: return "end";
	case FLOOD_CHECK_CORRUPT: return "corrupt";
	case FLOOD_CHECK_LOST: return "sequence gap (lost)";
	case FLOOD_CHECK_MISORDERED:
		return "sequence went back, after END or other round (misordered)";
	case FLOOD_CHECK_IMPOSTOR: return "header names another sender";
	case FLOOD_CHECK_FULL: return "too many senders";
	}
	return "?";
}

static void time_one(struct flood_check *c, uint64_t sent_ns, bool data,
		     uint64_t now_ns)
{
	uint64_t lat = now_ns > sent_ns ? now_ns - sent_ns : 0;

	flood_hist_add(&c->recent, lat);
	if (data) {
		struct flood_round *r = &c->cur;

		if (!r->first_ns)
			r->first_ns = now_ns;
		r->last_ns = now_ns;
		flood_hist_add(&r->latency, lat);
	}
}

void flood_check_timestamp(struct flood_check *c, uint64_t now_ns)
{
	for (unsigned i = 0; i < c->n_pending; i++)
		time_one(c, c->pending_ns[i], c->pending_data[i], now_ns);
	c->n_pending = 0;
}

static uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Checks and counts one delivery; *timed tells the caller whether the
 * accepted message wants a latency sample (WARMUP or DATA). */
static int check_one(struct flood_check *c, const void *msg, size_t len,
		     uint64_t origin, bool *timed)
{
	struct flood_sender *s;
	struct flood_msg m;
	int rc = flood_msg_parse(msg, len, origin, &m);

	*timed = false;
	c->deliveries++;
	if (rc < 0) {
		c->last_bad = (enum flood_bad)(-rc - 1);
		c->bad[c->last_bad]++;
		if (c->last_bad == FLOOD_BAD_SENDER) {
			c->impostor++;
			return FLOOD_CHECK_IMPOSTOR;
		}
		c->corrupt++;
		return FLOOD_CHECK_CORRUPT;
	}
	s = lookup(c, m.sender, true);
	if (!s) {
		c->too_many++;
		return FLOOD_CHECK_FULL;
	}
	/* It was delivered in this order, whatever the checks below say. */
	c->digest = flood_digest_step(c->digest, m.sender, m.seq);
	c->folded = m;
	if (m.seq < s->next_seq)
		c->stale++;
	else if (s->ended_round == (int)c->round)
		c->after_end++;
	else if (m.round != c->round)
		c->other_round++;
	else
		goto in_order;
	c->misordered++;
	return FLOOD_CHECK_MISORDERED;

in_order:
	rc = FLOOD_CHECK_OK;
	if (m.seq > s->next_seq) {
		c->lost += m.seq - s->next_seq;
		rc = FLOOD_CHECK_LOST;
	}
	s->next_seq = m.seq + 1;
	s->got++;
	c->last = m;
	if (m.kind == FLOOD_END) {
		s->ended_round = (int)c->round;
		c->cur.ends++;
		return rc == FLOOD_CHECK_OK ? FLOOD_CHECK_END : rc;
	}
	c->rx_msgs++;
	c->rx_bytes += len;
	if (m.kind == FLOOD_DATA) {
		c->cur.data++;
		c->cur.data_bytes += len;
	}
	*timed = true;
	return rc;
}

int flood_check_deliver(struct flood_check *c, const void *msg, size_t len,
			uint64_t origin, uint64_t now_ns)
{
	bool timed;
	int rc = check_one(c, msg, len, origin, &timed);

	if (timed)
		time_one(c, c->last.sent_ns, c->last.kind == FLOOD_DATA, now_ns);
	return rc;
}

int flood_check_deliver_untimed(struct flood_check *c, const void *msg,
				size_t len, uint64_t origin)
{
	bool timed;
	int rc = check_one(c, msg, len, origin, &timed);

	if (timed) {
		c->pending_ns[c->n_pending] = c->last.sent_ns;
		c->pending_data[c->n_pending] = c->last.kind == FLOOD_DATA;
		if (++c->n_pending == FLOOD_PENDING)
			flood_check_timestamp(c, clock_ns());
	}
	return rc;
}

bool flood_check_clean(const struct flood_check *c)
{
	return !c->lost && !c->misordered && !c->corrupt && !c->impostor &&
	       !c->too_many;
}

void flood_check_next_round(struct flood_check *c, uint16_t r)
{
	if (c->n_pending)
		flood_check_timestamp(c, clock_ns());
	c->round = r;
	memset(&c->cur, 0, sizeof(c->cur));
}
