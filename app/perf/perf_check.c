/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The receiver's sequence and integrity checker (perf_check.h).
 */
#include "perf_check.h"

#include <string.h>

void perf_check_init(struct perf_check *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < PERF_MAX_SENDERS; i++)
		c->sender[i].ended_round = -1;
}

static unsigned slot_of(uint64_t id)
{
	/* The id is already a hash; fold its high bits in anyway. */
	return (unsigned)((id ^ (id >> 32)) & (PERF_MAX_SENDERS - 1));
}

static struct perf_sender_state *lookup(struct perf_check *c, uint64_t id,
					bool add)
{
	unsigned i = slot_of(id);

	/* Id 0 marks a free slot; a sender hashing to 0 is mapped to 1. */
	if (!id)
		id = 1;
	for (unsigned n = 0; n < PERF_MAX_SENDERS; n++) {
		struct perf_sender_state *s = &c->sender[i];

		if (s->id == id)
			return s;
		if (!s->id) {
			if (!add || c->n_senders >= PERF_MAX_SENDERS / 2)
				return NULL;
			s->id = id;
			/* Every receiver joined before any sender began
			 * (--members), so each sender starts at 1 here. */
			s->next_seq = 1;
			c->n_senders++;
			return s;
		}
		i = (i + 1) & (PERF_MAX_SENDERS - 1);
	}
	return NULL;
}

const struct perf_sender_state *perf_check_find(const struct perf_check *c,
						uint64_t id)
{
	return lookup((struct perf_check *)c, id, false);
}

int perf_check_deliver(struct perf_check *c, const void *msg, size_t len,
		       const char *name, uint64_t now_ns)
{
	struct perf_sender_state *s;
	struct perf_msg m;
	int rc = perf_msg_parse(msg, len, &m);

	c->deliveries++;
	if (rc < 0) {
		c->bad[-rc - 1]++;
		c->corrupt++;
		return PERF_CHECK_CORRUPT;
	}
	s = lookup(c, m.sender, true);
	if (!s) {
		c->too_many++;
		return PERF_CHECK_FULL;
	}
	if (!s->name[0]) {
		strncpy(s->name, name, PERF_NAME_LEN - 1);
	} else if (strncmp(s->name, name, PERF_NAME_LEN - 1) != 0) {
		c->impostor++;
		return PERF_CHECK_IMPOSTOR;
	}
	if (m.seq < s->next_seq || m.round != c->round ||
	    s->ended_round == (int)c->round) {
		c->misordered++;
		return PERF_CHECK_MISORDERED;
	}
	rc = PERF_CHECK_OK;
	if (m.seq > s->next_seq) {
		c->lost += m.seq - s->next_seq;
		rc = PERF_CHECK_LOST;
	}
	s->next_seq = m.seq + 1;
	s->got++;
	c->last = m;
	if (m.kind == PERF_END) {
		s->ended_round = (int)c->round;
		c->cur.ends++;
		return rc == PERF_CHECK_OK ? PERF_CHECK_END : rc;
	}
	{
		uint64_t lat = now_ns > m.sent_ns ? now_ns - m.sent_ns : 0;

		c->rx_msgs++;
		c->rx_bytes += len;
		perf_hist_add(&c->second, lat);
		if (m.kind == PERF_DATA) {
			struct perf_round_stats *r = &c->cur;

			if (!r->data)
				r->first_ns = now_ns;
			r->last_ns = now_ns;
			r->data++;
			r->data_bytes += len;
			perf_hist_add(&r->latency, lat);
		}
	}
	return rc;
}

bool perf_check_clean(const struct perf_check *c)
{
	return !c->lost && !c->misordered && !c->corrupt && !c->impostor &&
	       !c->too_many;
}

void perf_check_next_round(struct perf_check *c, uint16_t r)
{
	c->round = r;
	memset(&c->cur, 0, sizeof(c->cur));
}
