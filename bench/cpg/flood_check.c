/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The receiver's checks (see flood_check.h).
 */
#include "flood_check.h"

#include <string.h>

void flood_check_init(struct flood_check *c)
{
	memset(c, 0, sizeof(*c));
	c->digest = 0xcbf29ce484222325ull;
}

static struct flood_sender *sender_get(struct flood_check *c, uint32_t node)
{
	unsigned i;

	for (i = 0; i < c->n_senders; i++)
		if (c->sender[i].node == node)
			return &c->sender[i];
	if (c->n_senders == FLOOD_MAX_SENDERS)
		return NULL;
	c->sender[c->n_senders] = (struct flood_sender){ .node = node, .next_seq = 1 };
	return &c->sender[c->n_senders++];
}

/* Order matters to this mix (it must: the digest compares orders). */
static uint64_t digest_step(uint64_t d, uint32_t node, uint64_t seq, unsigned kind)
{
	uint64_t x = ((uint64_t)node << 40) ^ ((uint64_t)kind << 36) ^ seq;

	d = (d ^ x) * 0x100000001b3ull;
	return d ^ (d >> 31);
}

int flood_check_deliver(struct flood_check *c, const void *msg, size_t len,
			uint32_t nodeid, uint64_t now_ns)
{
	struct flood_msg m;
	struct flood_sender *s;
	int rc = flood_msg_parse(msg, len, nodeid, &m);

	if (rc < 0) {
		c->bad[-rc - 1]++;
		return rc;
	}
	s = sender_get(c, m.sender);
	if (!s) {
		c->too_many++;
		return FLOOD_CHECK_FULL;
	}
	c->digest = digest_step(c->digest, m.sender, m.seq, m.kind);
	c->deliveries++;
	if (s->ended) {
		c->after_end++;
		return FLOOD_CHECK_ORDER;
	}
	if (m.seq < s->next_seq) {
		c->stale++;
		return FLOOD_CHECK_ORDER;
	}
	rc = 0;
	if (m.seq > s->next_seq) {
		c->gaps += m.seq - s->next_seq;
		rc = FLOOD_CHECK_ORDER;
	}
	s->next_seq = m.seq + 1;
	s->got++;
	if (m.kind == FLOOD_END) {
		s->ended = true;
		c->ends++;
	} else if (m.kind == FLOOD_DATA) {
		if (c->delivered++ == 0)
			c->first_ns = now_ns;
		c->last_ns = now_ns;
		flood_hist_add(&c->latency,
			       now_ns > m.sent_ns ? (now_ns - m.sent_ns) / 1000 : 0);
	}
	return rc;
}

bool flood_check_clean(const struct flood_check *c)
{
	unsigned i;

	for (i = 0; i < FLOOD_BAD_COUNT; i++)
		if (c->bad[i])
			return false;
	return !c->gaps && !c->stale && !c->after_end && !c->too_many;
}

const struct flood_sender *flood_check_sender(const struct flood_check *c,
					      uint32_t node)
{
	unsigned i;

	for (i = 0; i < c->n_senders; i++)
		if (c->sender[i].node == node)
			return &c->sender[i];
	return NULL;
}
