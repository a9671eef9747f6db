/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libordo receiving: events from the delivery ring.
 *
 * The client trusts the daemon (client_ring.h) but still never reads out
 * of bounds and never crashes on a bad record: every length is checked
 * against the record before it is used, and a record that breaks the
 * format ends the session with ORDO_ERR_PROTO.
 *
 * An event is described first (ordo__peek) and only then copied
 * (ordo__consume): a caller whose buffer is too small gets the size and
 * the event stays at the head of the ring. Once a fragmented event is
 * being copied we wait for its remaining fragments whatever the timeout:
 * the daemon writes them back to back, and stopping half-way would need a
 * second buffer for every client.
 */
#include <errno.h>
#include <string.h>

#include "client/libordo/client.h"

#define WAIT_SLICE_MS 100

/* Wait for data on the delivery ring. 1 data (or closed: caller checks),
 * 0 timeout, ORDO_ERR_CLOSED when the socket hung up. */
static int wait_data(ordo_client *c, int timeout_ms)
{
	if (ordo_arm(c) == 1) {
		ordo__wake(c);
		return 1;
	}
	int ret = ordo__sleep(c, timeout_ms);
	ordo__wake(c);
	return ret;
}

static int rec_error(uint32_t aux)
{
	switch (-(int32_t)aux) {
	case EMSGSIZE:     return ORDO_ERR_TOO_BIG;
	case ENAMETOOLONG:
	case ENOENT:       return ORDO_ERR_NAME;
	case EACCES:
	case EPERM:        return ORDO_ERR_ACCESS;
	case ENOBUFS:
	case ENOMEM:
	case EDQUOT:       return ORDO_ERR_QUOTA;
	case EPIPE:        return ORDO_ERR_CLOSED;
	default:           return ORDO_ERR_INVAL;
	}
}

static int broken(ordo_client *c)
{
	c->broken = true;
	return ORDO_ERR_PROTO;
}

/* The next record, waiting up to deadline (< 0: forever). */
static int next_record(ordo_client *c, int64_t deadline, bool poll_only,
		       const struct ordo_cr_rec **out)
{
	for (;;) {
		if (c->broken)
			return ORDO_ERR_PROTO;
		const struct ordo_cr_rec *r = ordo_cr_peek(&c->cons);
		if (r) {
			*out = r;
			return 1;
		}
		if (c->cons.err)
			return broken(c);
		if (ordo__check_closed(c))
			return ORDO_ERR_CLOSED;
		if (poll_only)
			return ORDO_ERR_AGAIN;
		int left = ordo__left_ms(deadline);
		if (left == 0)
			return ORDO_ERR_TIMEOUT;
		int w = wait_data(c, left < 0 || left > WAIT_SLICE_MS ? WAIT_SLICE_MS
								       : left);
		if (w < 0 && !ordo_cr_cons_avail(&c->cons))
			return w;
	}
}

/* One copy of r's header, its length checked again on the copy against
 * the ring (ordo_cr_peek read it once before, to find the record): from
 * here on only the copy is used, so no extent behind the header comes
 * from a field read twice. r is the record at the consumer's position.
 * 0 or ORDO_ERR_PROTO. */
static int rec_copy(ordo_client *c, const struct ordo_cr_rec *r,
		    struct ordo_cr_rec *out)
{
	const struct ordo_cr_cons *k = &c->cons;
	uint64_t off = ordo_cr_cons_pos(k) & k->mask;
	uint64_t room = k->size - off;

	if (k->head_cache - ordo_cr_cons_pos(k) < room)
		room = k->head_cache - ordo_cr_cons_pos(k);
	memcpy(out, r, sizeof(*out));
	__asm__ __volatile__("" ::: "memory"); /* never re-read from the ring */
	if (out->len < sizeof(*out) || out->len > k->max_rec ||
	    ORDO_CR_ALIGN(out->len) > room ||
	    (uint32_t)out->n_names * ORDO_CR_NAME_LEN > out->len - sizeof(*out))
		return broken(c);
	return 0;
}

/* Describe r (a FIRST record) in h. 0 or ORDO_ERR_PROTO. */
static int describe(ordo_client *c, const struct ordo_cr_rec *r,
		    struct ordo__head *h)
{
	const uint32_t hl = sizeof(*r);
	struct ordo_cr_rec rh;

	memset(h, 0, sizeof(*h));
	if (rec_copy(c, r, &rh) < 0)
		return ORDO_ERR_PROTO;
	uint32_t nb = (uint32_t)rh.n_names * ORDO_CR_NAME_LEN;
	if (!(rh.flags & ORDO_CR_F_FIRST) || rh.frag_off)
		return broken(c);
	const char (*names)[ORDO_CR_NAME_LEN] = (const void *)(r + 1);
	const uint8_t *payload = (const uint8_t *)(r + 1) + nb;
	uint32_t pl = rh.len - hl - nb;
	for (unsigned i = 0; i < rh.n_names; i++)
		if (!ordo__name_terminated(names[i]))
			return broken(c);
	/* No region takes a message above ORDO_CR_MAX_MSG: a FIRST record
	 * that claims more is broken (and would size the view's copy). A
	 * message in one record carries all of it, one in several leaves
	 * some for the next. */
	if (rh.msg_len > ORDO_CR_MAX_MSG)
		return broken(c);
	h->single = rh.flags & ORDO_CR_F_LAST;
	if (h->single ? pl != rh.msg_len : pl >= rh.msg_len)
		return broken(c);
	h->rec = r;
	h->rec_len = rh.len;
	h->rec_payload = pl;
	h->msg_type = rh.msg_type;
	h->msg_id = rh.msg_id;
	h->msg_len = rh.msg_len;
	switch (rh.kind) {
	case ORDO_CR_MSG:
	case ORDO_CR_REJECT:
		h->kind = rh.kind == ORDO_CR_MSG ? ORDO_EV_MESSAGE : ORDO_EV_REJECT;
		h->service = rh.service;
		if (rh.kind == ORDO_CR_REJECT)
			h->error = rec_error(rh.aux);
		if (rh.flags & ORDO_CR_F_SENDER) {
			if (!rh.n_names)
				return broken(c);
			memcpy(h->sender, names[0], ORDO_NAME_LEN);
			h->name_skip = 1;
		} else if (rh.kind == ORDO_CR_REJECT) {
			memcpy(h->sender, c->private_group, ORDO_NAME_LEN);
		}
		h->n_groups = rh.n_names - h->name_skip;
		h->body_len = rh.msg_len;
		return 0;
	case ORDO_CR_MEMBERSHIP: {
		struct ordo_cr_memb m;
		if (rh.n_names != 1 || pl < sizeof(m))
			return broken(c);
		memcpy(&m, payload, sizeof(m));
		if (m.n_members > rh.msg_len / ORDO_CR_NAME_LEN ||
		    (uint64_t)sizeof(m) + (uint64_t)m.n_members * ORDO_CR_NAME_LEN +
		    m.body_len != rh.msg_len)
			return broken(c);
		h->kind = ORDO_EV_MEMBERSHIP;
		h->service = (int)rh.aux;
		memcpy(h->sender, names[0], ORDO_NAME_LEN);
		h->n_groups = m.n_members;
		h->body_len = m.body_len;
		h->names_in_payload = true;
		h->names_off = sizeof(m);
		h->body_off = sizeof(m) + m.n_members * ORDO_CR_NAME_LEN;
		h->name_skip = 1;
		/* Member names in this record: each a terminated string, or a
		 * view's reader could run past it (the rest, in later records,
		 * are checked once copied: ordo__consume). */
		for (uint32_t i = 0; i < m.n_members &&
				     sizeof(m) + (uint64_t)(i + 1) * ORDO_CR_NAME_LEN <= pl;
		     i++)
			if (!ordo__name_terminated((const char *)payload + sizeof(m) +
						   (size_t)i * ORDO_CR_NAME_LEN))
				return broken(c);
		return 0;
	}
	default:
		return broken(c);
	}
}

int ordo__peek(ordo_client *c, struct ordo__head *h, int timeout_ms)
{
	/* A poll (timeout 0) never waits, so it needs no deadline: no clock
	 * read per message on the busy path. */
	int64_t deadline = timeout_ms <= 0 ? -1 : ordo__now_ms() + timeout_ms;
	for (;;) {
		const struct ordo_cr_rec *r;
		int ret = next_record(c, deadline, timeout_ms == 0, &r);
		if (ret < 0)
			return ret;
		if ((ret = describe(c, r, h)) < 0)
			return ret;
		if (h->kind == ORDO_EV_MEMBERSHIP &&
		    !(c->flags & ORDO_CONNECT_MEMBERSHIP)) {
			struct ordo__sink none = { 0 };
			if ((ret = ordo__consume(c, h, &none)) < 0)
				return ret;
			continue;
		}
		return 1;
	}
}

/* Copy n bytes to byte off of the iovec, cutting at its end. */
static void to_iov(const struct iovec *iov, int iovcnt, size_t off,
		   const uint8_t *src, size_t n)
{
	for (int i = 0; i < iovcnt && n; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		size_t k = iov[i].iov_len - off;
		if (k > n)
			k = n;
		memcpy((uint8_t *)iov[i].iov_base + off, src, k);
		src += k;
		n -= k;
		off = 0;
	}
}

/* Copy the part of [lo, hi) of the payload stream that overlaps
 * [from, from + n), relative to lo, to dst (cap bytes). */
static void route(const uint8_t *p, uint64_t pos, uint64_t n, uint64_t lo,
		  uint64_t hi, uint8_t *dst, uint64_t cap,
		  const struct iovec *iov, int iovcnt)
{
	uint64_t a = pos > lo ? pos : lo, b = pos + n < hi ? pos + n : hi;
	if (a >= b)
		return;
	if (dst) {
		if (a - lo >= cap)
			return;
		uint64_t k = b - a < cap - (a - lo) ? b - a : cap - (a - lo);
		memcpy(dst + (a - lo), p + (a - pos), k);
	} else {
		to_iov(iov, iovcnt, a - lo, p + (a - pos), b - a);
	}
}

int ordo__consume(ordo_client *c, const struct ordo__head *h,
		  const struct ordo__sink *s)
{
	const uint32_t hl = sizeof(struct ordo_cr_rec);
	uint32_t keep = h->n_groups < s->max_names ? h->n_groups : s->max_names;
	uint64_t names_cap = s->names ? (uint64_t)keep * ORDO_CR_NAME_LEN : 0;
	uint64_t next = 0;
	uint8_t kind = 0;
	bool first = true;

	for (;;) {
		const struct ordo_cr_rec *r;
		struct ordo_cr_rec rh;
		int ret = next_record(c, -1, false, &r);
		if (ret < 0)
			return ret;
		if (rec_copy(c, r, &rh) < 0)
			return ORDO_ERR_PROTO;
		uint32_t nb = (uint32_t)rh.n_names * ORDO_CR_NAME_LEN;
		if (first) {
			kind = rh.kind;
		} else if (rh.kind != kind || (rh.flags & ORDO_CR_F_FIRST) ||
			   rh.n_names || rh.msg_id != h->msg_id ||
			   rh.msg_len != h->msg_len || rh.frag_off != next) {
			return broken(c);
		}
		const uint8_t *names = (const uint8_t *)(r + 1);
		const uint8_t *payload = names + nb;
		uint32_t pl = rh.len - hl - nb;
		if (pl > h->msg_len - next)
			return broken(c);
		if (first && !h->names_in_payload && names_cap)
			memcpy(s->names, names + (size_t)h->name_skip * ORDO_CR_NAME_LEN,
			       names_cap);
		if (h->names_in_payload && names_cap)
			route(payload, next, pl, h->names_off,
			      h->names_off + (uint64_t)h->n_groups * ORDO_CR_NAME_LEN,
			      (uint8_t *)s->names, names_cap, NULL, 0);
		if (s->iovcnt)
			route(payload, next, pl, h->body_off,
			      (uint64_t)h->body_off + h->body_len, NULL, 0,
			      s->iov, s->iovcnt);
		next += pl;
		bool last = rh.flags & ORDO_CR_F_LAST;
		ordo_cr_advance(&c->cons, rh.len);
		ordo__cons_release(c);
		if (last) {
			if (next != h->msg_len)
				return broken(c);
			/* Names gathered from several records: terminated. */
			for (uint32_t i = 0; h->names_in_payload && names_cap &&
					     i < keep; i++)
				if (!ordo__name_terminated(
					    (const char *)s->names +
					    (size_t)i * ORDO_CR_NAME_LEN))
					return broken(c);
			return 0;
		}
		first = false;
	}
}

void ordo__event_head(struct ordo_event *ev, const struct ordo__head *h)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = h->kind;
	ev->service = h->service;
	ev->msg_type = h->msg_type;
	ev->error = h->error;
	ev->seq = h->msg_id;
	ev->n_groups = (int)h->n_groups;
	memcpy(ev->sender, h->sender, ORDO_NAME_LEN);
}

int ordo_receive(ordo_client *c, struct ordo_event *ev, void *buf,
		 size_t buflen, int timeout_ms)
{
	struct ordo__head h;

	if (!c || !ev || (buflen && !buf))
		return ORDO_ERR_INVAL;
	ordo__view_drop(c);  /* a view ends with the next receive */
	ordo__wake(c);
	int ret = ordo__peek(c, &h, timeout_ms);
	if (ret < 0)
		return ret;
	size_t names_bytes = (size_t)h.n_groups * ORDO_NAME_LEN;
	ordo__event_head(ev, &h);
	if (names_bytes + h.body_len > buflen) {
		ev->len = names_bytes + h.body_len;
		return ORDO_ERR_BUFFER;
	}
	struct iovec iov = { .iov_base = (uint8_t *)buf + names_bytes,
			     .iov_len = h.body_len };
	struct ordo__sink s = {
		.names = buf, .max_names = h.n_groups, .iov = &iov, .iovcnt = 1,
	};
	if ((ret = ordo__consume(c, &h, &s)) < 0)
		return ret;
	ev->groups = (const char (*)[ORDO_NAME_LEN])buf;
	ev->data = iov.iov_base;
	ev->len = h.body_len;
	if (h.kind == ORDO_EV_MEMBERSHIP && h.body_len >= sizeof(ev->gid))
		memcpy(ev->gid, ev->data, sizeof(ev->gid));
	return (int)h.body_len;
}

int ordo_pending(ordo_client *c)
{
	struct ordo__head h;

	if (!c)
		return ORDO_ERR_INVAL;
	int ret = ordo__peek(c, &h, 0);
	if (ret == ORDO_ERR_AGAIN)
		return 0;
	if (ret < 0)
		return ret;
	uint64_t need = (uint64_t)h.n_groups * ORDO_NAME_LEN + h.body_len;
	return need > 0x7fffffff ? 0x7fffffff : (int)need;
}
