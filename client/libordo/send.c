/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libordo sending: multicasts, joins and leaves as records on the submit
 * ring (include/ordo/client_ring.h).
 *
 * A message longer than one record goes as fragments FIRST ... LAST,
 * gathered straight from the caller's iovec into the ring (shm_ring.c's
 * ordo_cr_write_msg wants one contiguous payload; a scatter send would
 * need a copy first). A full ring blocks, as Spread's socket send does; we
 * sleep on our eventfd with the producer's doorbell, in slices so a
 * daemon that closed the region without ringing is noticed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp_names.h"
#include "client.h"

#define WAIT_SLICE_MS 100

struct send_req {
	uint8_t kind, service, flags, n_names;
	int16_t msg_type;
	uint64_t msg_id;
	const char (*names)[ORDO_CR_NAME_LEN];
	const struct iovec *iov;
	int iovcnt;
	uint32_t len, done;
	int iov_i;            /* gather cursor */
	size_t iov_off;
	bool started;
};

static void gather(struct send_req *q, uint8_t *to, uint32_t n)
{
	while (n) {
		const struct iovec *v = &q->iov[q->iov_i];
		size_t k = v->iov_len - q->iov_off;
		if (k > n)
			k = n;
		memcpy(to, (const uint8_t *)v->iov_base + q->iov_off, k);
		to += k;
		n -= (uint32_t)k;
		q->iov_off += k;
		if (q->iov_off == v->iov_len) {
			q->iov_i++;
			q->iov_off = 0;
		}
	}
}

/* Length of the next record of q. */
static uint32_t next_len(const struct ordo_cr_prod *p, const struct send_req *q,
			 uint32_t *nb, uint32_t *chunk)
{
	const uint32_t hl = sizeof(struct ordo_cr_rec);
	*nb = q->started ? 0 : (uint32_t)q->n_names * ORDO_CR_NAME_LEN;
	uint32_t room = (p->max_rec & ~7u) - hl - *nb;
	*chunk = q->len - q->done < room ? q->len - q->done : room;
	return hl + *nb + *chunk;
}

/* Write as many records as fit. 0: all written; ORDO_ERR_AGAIN: full. */
static int write_some(struct ordo_cr_prod *p, struct send_req *q)
{
	for (;;) {
		uint32_t nb, chunk;
		uint32_t len = next_len(p, q, &nb, &chunk);
		struct ordo_cr_rec *r = ordo_cr_reserve(p, len);
		if (!r) {
			ordo_cr_commit(p);
			return p->err ? ORDO_ERR_PROTO : ORDO_ERR_AGAIN;
		}
		bool last = q->done + chunk == q->len;
		r->len = len;
		r->kind = q->kind;
		r->flags = q->flags | (q->started ? 0 : ORDO_CR_F_FIRST) |
			   (last ? ORDO_CR_F_LAST : 0);
		r->service = q->service;
		r->n_names = q->started ? 0 : q->n_names;
		r->msg_type = q->msg_type;
		r->reserved = 0;
		r->msg_len = q->len;
		r->frag_off = q->done;
		r->aux = 0;
		r->msg_id = q->msg_id;
		uint8_t *body = (uint8_t *)(r + 1);
		/* Names as the daemon's reader wants them: NUL-padded to
		 * their full width, whatever the caller left after the NUL
		 * (check_dests made sure each is terminated). */
		for (uint32_t i = 0; i < nb / ORDO_CR_NAME_LEN; i++) {
			char *d = (char *)body + i * ORDO_CR_NAME_LEN;
			size_t n = strnlen(q->names[i], ORDO_CR_NAME_LEN);

			memcpy(d, q->names[i], n);
			memset(d + n, 0, ORDO_CR_NAME_LEN - n);
		}
		gather(q, body + nb, chunk);
		q->done += chunk;
		q->started = true;
		if (last) {
			ordo_cr_commit(p);
			return 0;
		}
	}
}

/* Sleep until need bytes are free (the mirror of the consumer's doorbell).
 * 1 room, 0 timeout, or ORDO_ERR_CLOSED / PROTO. */
static int wait_room(ordo_client *c, uint64_t need, int timeout_ms)
{
	struct ordo_cr_prod *p = &c->prod;
	if (ordo_cr_prod_free(p) >= need)
		return 1;
	if (p->err)
		return ORDO_ERR_PROTO;
	p->wait_seq |= 1u;
	atomic_store_explicit(&p->ctl->prod_wait_seq, p->wait_seq,
			      memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	int ret = 1;
	if (ordo_cr_prod_free(p) < need && !p->err)
		ret = ordo__sleep(c, timeout_ms);
	p->wait_seq++;
	atomic_store_explicit(&p->ctl->prod_wait_seq, p->wait_seq,
			      memory_order_relaxed);
	if (ret < 0)
		return ret;
	if (p->err)
		return ORDO_ERR_PROTO;
	return ordo_cr_prod_free(p) >= need ? 1 : 0;
}

/* Bytes the ring must have free for q's next record (with a PAD). */
static uint64_t next_need(const struct ordo_cr_prod *p, const struct send_req *q)
{
	uint32_t nb, chunk;
	uint64_t need = ORDO_CR_ALIGN(next_len(p, q, &nb, &chunk));
	uint64_t to_end = p->size - (p->head & p->mask);
	return need > to_end ? to_end + need : need;
}

/* An upper bound of the ring bytes q takes in all. */
static uint64_t total_need(const struct ordo_cr_prod *p, const struct send_req *q)
{
	const uint32_t hl = sizeof(struct ordo_cr_rec);
	uint32_t room = (p->max_rec & ~7u) - hl;
	uint64_t recs = (uint64_t)q->len / room + 2;
	return (uint64_t)q->len + (uint64_t)q->n_names * ORDO_CR_NAME_LEN +
	       recs * (hl + 8) + p->max_rec;
}

static int submit(ordo_client *c, struct send_req *q, bool may_block)
{
	if (ordo__check_closed(c))
		return ORDO_ERR_CLOSED;
	if (c->broken || c->prod.err)
		return ORDO_ERR_PROTO;
	if (q->len > c->prod.max_msg)
		return ORDO_ERR_TOO_BIG;
	/* Non-blocking: all or nothing, as far as the ring can hold it. */
	if (!may_block) {
		uint64_t t = total_need(&c->prod, q);
		if (t <= c->prod.size && ordo_cr_prod_free(&c->prod) < t)
			return ORDO_ERR_AGAIN;
	}
	bool slept = false;
	int ret;
	while ((ret = write_some(&c->prod, q)) == ORDO_ERR_AGAIN) {
		int w = wait_room(c, next_need(&c->prod, q), WAIT_SLICE_MS);
		slept = true;
		if (w < 0) {
			ret = w;
			break;
		}
		if (w == 0 && ordo__check_closed(c)) {
			ret = ORDO_ERR_CLOSED;
			break;
		}
	}
	if (ret == ORDO_ERR_PROTO)
		c->broken = true;
	/* Our sleep may have eaten a delivery doorbell the caller's poll
	 * loop was waiting for: give it back. */
	if (slept)
		ordo__sync_fd(c);
	return ret;
}

static int service_bits(int svc_req, uint8_t *svc, uint8_t *flags)
{
	int base = svc_req & 0xff;
	if ((svc_req & ~0xff) & ~ORDO_SELF_DISCARD)
		return ORDO_ERR_SERVICE;
	if (base < ORDO_UNRELIABLE || base > ORDO_SAFE)
		return ORDO_ERR_SERVICE;
	*svc = (uint8_t)base;
	*flags = (svc_req & ORDO_SELF_DISCARD) ? ORDO_CR_F_SELF_DISCARD : 0;
	return 0;
}

static int check_dests(int n_groups, const char (*groups)[ORDO_NAME_LEN])
{
	if (n_groups < 1 || n_groups > (int)ORDO_CR_MAX_NAMES || !groups)
		return ORDO_ERR_INVAL;
	for (int i = 0; i < n_groups; i++)
		if (!ordo__name_terminated(groups[i]) ||
		    sp_name_check_dest(groups[i]) != 0)
			return ORDO_ERR_NAME;
	return 0;
}

static int multicastv(ordo_client *c, int svc_req, int n_groups,
		      const char (*groups)[ORDO_NAME_LEN], int16_t msg_type,
		      const struct iovec *iov, int iovcnt, bool may_block)
{
	struct send_req q;
	uint64_t len = 0;
	int ret;

	if (!c || iovcnt < 0 || (iovcnt && !iov))
		return ORDO_ERR_INVAL;
	memset(&q, 0, sizeof(q));
	if ((ret = service_bits(svc_req, &q.service, &q.flags)) < 0 ||
	    (ret = check_dests(n_groups, groups)) < 0)
		return ret;
	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len && !iov[i].iov_base)
			return ORDO_ERR_INVAL;
		len += iov[i].iov_len;
	}
	if (len > ORDO_CR_MAX_MSG || len > 0x7fffffff)
		return ORDO_ERR_TOO_BIG;
	/* Zero-length elements would stall the gather cursor's end test. */
	struct iovec packed[64];
	struct iovec *v = packed;
	int nv = 0;
	if (iovcnt > 64) {
		v = malloc(sizeof(*v) * (size_t)iovcnt);
		if (!v)
			return ORDO_ERR_NOMEM;
	}
	for (int i = 0; i < iovcnt; i++)
		if (iov[i].iov_len)
			v[nv++] = iov[i];
	q.kind = ORDO_CR_MSG;
	q.n_names = (uint8_t)n_groups;
	q.names = groups;
	q.msg_type = msg_type;
	q.msg_id = c->next_msg_id;
	q.iov = v;
	q.iovcnt = nv;
	q.len = (uint32_t)len;
	ret = submit(c, &q, may_block);
	if (v != packed)
		free(v);
	if (ret < 0)
		return ret;
	c->next_msg_id++;
	return (int)len;
}

int ordo_multicastv(ordo_client *c, int svc_req, int n_groups,
		    const char (*groups)[ORDO_NAME_LEN], int16_t msg_type,
		    const struct iovec *iov, int iovcnt)
{
	return multicastv(c, svc_req, n_groups, groups, msg_type, iov, iovcnt,
			  true);
}

int ordo_try_multicastv(ordo_client *c, int svc_req, int n_groups,
			const char (*groups)[ORDO_NAME_LEN], int16_t msg_type,
			const struct iovec *iov, int iovcnt)
{
	return multicastv(c, svc_req, n_groups, groups, msg_type, iov, iovcnt,
			  false);
}

int ordo_multicast(ordo_client *c, int svc_req, const char *group,
		   int16_t msg_type, const void *data, size_t len)
{
	char g[1][ORDO_NAME_LEN];

	if (!group || (len && !data))
		return ORDO_ERR_INVAL;
	if (strlen(group) >= ORDO_NAME_LEN)
		return ORDO_ERR_NAME;
	memset(g, 0, sizeof(g));
	strcpy(g[0], group);
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	return multicastv(c, svc_req, 1, (const char (*)[ORDO_NAME_LEN])g,
			  msg_type, &iov, 1, true);
}

static int group_op(ordo_client *c, uint8_t kind, const char *group)
{
	char g[1][ORDO_NAME_LEN];
	struct send_req q;

	if (!c || !group)
		return ORDO_ERR_INVAL;
	if (strlen(group) >= ORDO_NAME_LEN || sp_name_check_group(group) != 0)
		return ORDO_ERR_NAME;
	memset(g, 0, sizeof(g));
	strcpy(g[0], group);
	memset(&q, 0, sizeof(q));
	q.kind = kind;
	q.n_names = 1;
	q.names = (const char (*)[ORDO_NAME_LEN])g;
	q.msg_id = c->next_msg_id++;
	int ret = submit(c, &q, true);
	return ret < 0 ? ret : 0;
}

int ordo_join(ordo_client *c, const char *group)
{
	return group_op(c, ORDO_CR_JOIN, group);
}

int ordo_leave(ordo_client *c, const char *group)
{
	return group_op(c, ORDO_CR_LEAVE, group);
}
