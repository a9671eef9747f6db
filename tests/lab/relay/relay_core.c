/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-relay's decisions and queue (relay_core.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lab/relay/relay_core.h"

int relay_dir_init(struct relay_dir *d, const char *name)
{
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->q.slots = malloc((size_t)RELAY_QUEUE_MAX * RELAY_SLOT_BYTES);
	if (d->q.slots == NULL)
		return -1;
	for (uint32_t i = 0; i < RELAY_QUEUE_MAX; i++)
		d->q.free_slots[i] = RELAY_QUEUE_MAX - 1 - i;
	d->q.n_free = RELAY_QUEUE_MAX;
	return 0;
}

void relay_dir_free(struct relay_dir *d)
{
	free(d->q.slots);
	d->q.slots = NULL;
}

uint64_t relay_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* ------------------------------------------------------------ heap */

static bool before(const struct relay_entry *a, const struct relay_entry *b)
{
	return a->due_ns < b->due_ns ||
	       (a->due_ns == b->due_ns && a->order < b->order);
}

static void swap(struct relay_entry *a, struct relay_entry *b)
{
	struct relay_entry t = *a;

	*a = *b;
	*b = t;
}

static void heap_push(struct relay_queue *q, struct relay_entry e)
{
	uint32_t i = q->n++;

	q->heap[i] = e;
	while (i > 0 && before(&q->heap[i], &q->heap[(i - 1) / 2])) {
		swap(&q->heap[i], &q->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

static struct relay_entry heap_pop(struct relay_queue *q)
{
	struct relay_entry top = q->heap[0];
	uint32_t i = 0;

	q->heap[0] = q->heap[--q->n];
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < q->n && before(&q->heap[l], &q->heap[m]))
			m = l;
		if (r < q->n && before(&q->heap[r], &q->heap[m]))
			m = r;
		if (m == i)
			break;
		swap(&q->heap[i], &q->heap[m]);
		i = m;
	}
	return top;
}

/* ------------------------------------------------------- decisions */

enum relay_verdict relay_admit(struct relay_dir *d, const void *frame,
			       size_t len, uint64_t now_ns, uint64_t *rng)
{
	const struct relay_mode *m = &d->mode;
	struct relay_queue *q = &d->q;
	struct relay_entry e;

	d->c.rx++;
	if (m->cut) {
		d->c.drops[RELAY_DROP_CUT]++;
		return RELAY_DROPPED;
	}
	if (m->loss_ppm > 0 && relay_rand(rng) % 1000000u < m->loss_ppm) {
		d->c.drops[RELAY_DROP_LOSS]++;
		return RELAY_DROPPED;
	}
	/* Nothing to wait for: straight through, unless frames are still
	 * queued from a delay that just ended (they would be overtaken). */
	if (m->delay_us == 0 && m->jitter_us == 0 && q->n == 0)
		return RELAY_SEND_NOW;
	if (len > RELAY_SLOT_BYTES) {
		d->c.drops[RELAY_DROP_BIG]++;
		return RELAY_DROPPED;
	}
	if (q->n_free == 0) {
		d->c.drops[RELAY_DROP_FULL]++;
		return RELAY_DROPPED;
	}
	e.due_ns = now_ns + (uint64_t)m->delay_us * 1000u;
	if (m->jitter_us > 0)
		e.due_ns += relay_rand(rng) % ((uint64_t)m->jitter_us * 1000u + 1);
	e.order = q->next_order++;
	e.slot = q->free_slots[--q->n_free];
	e.len = (uint32_t)len;
	memcpy(q->slots + (size_t)e.slot * RELAY_SLOT_BYTES, frame, len);
	heap_push(q, e);
	d->c.delayed++;
	return RELAY_QUEUED;
}

const uint8_t *relay_pop_due(struct relay_dir *d, uint64_t now_ns,
			     uint32_t *len)
{
	struct relay_queue *q = &d->q;
	struct relay_entry e;

	if (q->n == 0 || q->heap[0].due_ns > now_ns)
		return NULL;
	e = heap_pop(q);
	if (q->last_out_order > e.order)
		d->c.reordered++;
	else
		q->last_out_order = e.order;
	/* The slot is free for the next admit; the caller sends before. */
	q->free_slots[q->n_free++] = e.slot;
	*len = e.len;
	return q->slots + (size_t)e.slot * RELAY_SLOT_BYTES;
}

uint64_t relay_next_due(const struct relay_dir *d)
{
	return d->q.n ? d->q.heap[0].due_ns : UINT64_MAX;
}

/* -------------------------------------------------------- commands */

/* A decimal in [0, max] to thousandths ("12.5" -> 12500). */
static int parse_milli(const char *s, double max, uint32_t *out)
{
	char *end;
	double v;

	if (*s == 0 || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	v = strtod(s, &end);
	if (*end != 0 || !(v >= 0 && v <= max))
		return -1;
	*out = (uint32_t)(v * 1000.0 + 0.5);
	return 0;
}

#define ERR(...)                                                               \
	do {                                                                   \
		if (err != NULL && errlen > 0)                                 \
			snprintf(err, errlen, __VA_ARGS__);                    \
		return -1;                                                     \
	} while (0)

int relay_command(struct relay_dir *egress, struct relay_dir *ingress,
		  const char *line, char *err, size_t errlen)
{
	char buf[256], *save = NULL, *tok;
	struct relay_mode m;
	struct relay_dir *dirs[2] = { NULL, NULL };

	if (strlen(line) >= sizeof(buf))
		ERR("command longer than %zu bytes", sizeof(buf) - 1);
	snprintf(buf, sizeof(buf), "%s", line);
	tok = strtok_r(buf, " \t\r\n", &save);
	if (tok == NULL)
		ERR("empty command");
	if (strcmp(tok, "stats") == 0 || strcmp(tok, "pass") == 0) {
		bool pass = tok[0] == 'p';

		if ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL)
			ERR("'%s' after '%s'", tok, pass ? "pass" : "stats");
		if (pass) {
			memset(&egress->mode, 0, sizeof(egress->mode));
			memset(&ingress->mode, 0, sizeof(ingress->mode));
		}
		return 0;
	}
	if (strcmp(tok, "egress") == 0) {
		dirs[0] = egress;
	} else if (strcmp(tok, "ingress") == 0) {
		dirs[0] = ingress;
	} else if (strcmp(tok, "both") == 0) {
		dirs[0] = egress;
		dirs[1] = ingress;
	} else {
		ERR("unknown command '%s' (pass, stats, egress, ingress, both)",
		    tok);
	}
	/* Both directions of "both" start from egress's mode: one line
	 * states the whole new mode of what it names. */
	m = dirs[0]->mode;
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
		char *eq = strchr(tok, '=');
		uint32_t v;

		if (eq == NULL)
			ERR("'%s' is not key=value", tok);
		*eq = 0;
		if (strcmp(tok, "cut") == 0) {
			if (strcmp(eq + 1, "0") != 0 && strcmp(eq + 1, "1") != 0)
				ERR("cut='%s': 0 or 1", eq + 1);
			m.cut = eq[1] == '1';
		} else if (strcmp(tok, "loss") == 0) {
			if (parse_milli(eq + 1, 100.0, &v))
				ERR("loss='%s': a percentage, 0 to 100", eq + 1);
			m.loss_ppm = v * 10u;
		} else if (strcmp(tok, "delay") == 0 || strcmp(tok, "jitter") == 0) {
			if (parse_milli(eq + 1, RELAY_MAX_DELAY_MS, &v))
				ERR("%s='%s': milliseconds, 0 to %u", tok, eq + 1,
				    RELAY_MAX_DELAY_MS);
			if (tok[0] == 'd')
				m.delay_us = v;
			else
				m.jitter_us = v;
		} else {
			ERR("unknown key '%s' (cut, loss, delay, jitter)", tok);
		}
	}
	if ((uint64_t)m.delay_us + m.jitter_us > RELAY_MAX_DELAY_MS * 1000ull)
		ERR("delay + jitter above %u ms", RELAY_MAX_DELAY_MS);
	dirs[0]->mode = m;
	if (dirs[1] != NULL)
		dirs[1]->mode = m;
	return 0;
}

void relay_mode_format(const struct relay_mode *m, char *out, size_t outlen)
{
	snprintf(out, outlen, "cut=%d loss=%.3f delay=%.3f jitter=%.3f",
		 m->cut ? 1 : 0, m->loss_ppm / 10000.0, m->delay_us / 1000.0,
		 m->jitter_us / 1000.0);
}

const char *relay_drop_name(enum relay_drop r)
{
	static const char *const names[RELAY_DROP_MAX] = {
		"cut", "loss", "queue_full", "too_big", "tx_error",
	};

	return (unsigned)r < RELAY_DROP_MAX ? names[r] : "?";
}
