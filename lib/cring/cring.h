/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Client rings, the code half of include/ordo/client_ring.h: map a region,
 * produce and consume records, the doorbell, and the daemon's validating
 * reader. The fast path (reserve / commit, peek / advance / release) is
 * inline here; region setup, waits, fragmenting writes and validation are
 * in cring.c.
 *
 * Every handle keeps private copies of the ring geometry and of its own
 * index: nothing in the shared region is read back except the peer's
 * index (validated each time) and, by the consumer, the records.
 *
 * Returns: 0 / -errno; NULL for "no room / nothing" with the reason in the
 * handle's err when it is a broken ring (enum ordo_cr_err).
 */
#ifndef ORDO_CLIENT_SHM_RING_H
#define ORDO_CLIENT_SHM_RING_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ordo/client_ring.h"

/* A mapped region, with the geometry this side trusts: the daemon's from
 * its own parameters, the client's from the header it validated. */
struct ordo_cr_map {
	void    *base;
	size_t   size;
	int      fd;
	struct ordo_cr_region *hdr;
	uint32_t submit_ctl_off, submit_data_off, submit_size;
	uint32_t deliver_ctl_off, deliver_data_off, deliver_size;
	uint32_t max_rec, max_msg;
};

enum ordo_cr_which { ORDO_CR_SUBMIT = 0, ORDO_CR_DELIVER = 1 };

struct ordo_cr_params {
	uint32_t submit_size;   /* power of two, ORDO_CR_RING_MIN..MAX */
	uint32_t deliver_size;  /* idem */
	uint32_t max_msg;       /* 0: ORDO_CR_MAX_MSG */
	uint32_t client_id;
};

/* Daemon: memfd_create + ftruncate + mmap, header written. 0 / -errno. */
int ordo_cr_region_create(struct ordo_cr_map *m, const struct ordo_cr_params *p);
/* Client: map a received fd, validate the header. 0, -EINVAL (bad
 * header), -EPROTO (other version), or -errno of fstat / mmap. */
int ordo_cr_region_map(struct ordo_cr_map *m, int fd);
void ordo_cr_region_unmap(struct ordo_cr_map *m);
/* Mark the region closed with a reason (daemon side). */
void ordo_cr_region_disconnect(struct ordo_cr_map *m,
			       enum ordo_cr_disconnect reason, uint32_t detail);

/* ------------------------------------------------------------------ */
/* Producer */

struct ordo_cr_prod {
	struct ordo_cr_ring_ctl *ctl;
	uint8_t  *data;
	uint64_t  size, mask;
	uint64_t  head;       /* private: reserved up to here */
	uint64_t  tail_cache; /* last validated tail */
	uint32_t  max_rec, max_msg;
	uint32_t  rung_seq;   /* last odd cons_sleep_seq we rang for */
	uint32_t  wait_seq;   /* our prod_wait_seq */
	int       own_efd, peer_efd;
	/* How ordo_cr_prod_wait() blocks once the doorbell is armed: NULL
	 * polls own_efd; a library that must also watch something else (its
	 * session socket) passes its own. Returns 1 woken, 0 timeout, < 0 an
	 * error that the wait returns as it is. */
	int     (*sleep)(void *ctx, int timeout_ms);
	void     *sleep_ctx;
	enum ordo_cr_err err; /* sticky: the consumer's tail was impossible */
	uint64_t  doorbells;  /* eventfd writes done */
	uint64_t  wait_timeouts; /* waits that ended by timeout */
};

struct ordo_cr_cons {
	struct ordo_cr_ring_ctl *ctl;
	uint8_t  *data;
	uint64_t  size, mask;
	uint64_t  tail;       /* private: consumed up to here */
	uint64_t  published;  /* last tail stored in ctl */
	uint64_t  head_cache; /* last validated head */
	uint32_t  max_rec;
	uint32_t  rung_seq;   /* last odd prod_wait_seq we rang for */
	uint32_t  sleep_seq;  /* our cons_sleep_seq */
	int       own_efd, peer_efd;
	enum ordo_cr_err err;
	uint64_t  doorbells;
	uint64_t  wait_timeouts;
};

/* own_efd: this process's eventfd (it sleeps on it), peer_efd: the other
 * side's (rung when it sleeps); -1 for none (busy polling only). */
int ordo_cr_prod_init(struct ordo_cr_prod *p, const struct ordo_cr_map *m,
		      enum ordo_cr_which w, int own_efd, int peer_efd);
int ordo_cr_cons_init(struct ordo_cr_cons *c, const struct ordo_cr_map *m,
		      enum ordo_cr_which w, int own_efd, int peer_efd);

/* Ring the peer's eventfd if cur is an odd sleep value not rung yet. */
static inline int ordo_cr__ring(uint32_t cur, uint32_t *rung, int efd,
				uint64_t *count)
{
	if (!(cur & 1u) || cur == *rung || efd < 0)
		return 0;
	*rung = cur;
	uint64_t one = 1;
	ssize_t r = write(efd, &one, sizeof(one));
	(void)r; /* EAGAIN: the counter is already non-zero, it will wake */
	(*count)++;
	return 1;
}

static inline bool ordo_cr__tail_ok(const struct ordo_cr_prod *p, uint64_t t)
{
	return t <= p->head && p->head - t <= p->size && (t & 7u) == 0;
}

/* Bytes the producer may still reserve (refreshes the tail). */
static inline uint64_t ordo_cr_prod_free(struct ordo_cr_prod *p)
{
	uint64_t t = atomic_load_explicit(&p->ctl->tail, memory_order_acquire);
	if (!ordo_cr__tail_ok(p, t)) {
		p->err = ORDO_CR_ERR_INDEX;
		return 0;
	}
	p->tail_cache = t;
	return p->size - (p->head - t);
}

/* Reserve room for a record of len bytes (header included); returns where
 * to write it, contiguous, or NULL: ring full (err 0), len out of range
 * (errno EMSGSIZE, err 0) or broken tail (err set). Nothing is visible to
 * the consumer until ordo_cr_commit(); several reserves may share one. */
static inline void *ordo_cr_reserve(struct ordo_cr_prod *p, uint32_t len)
{
	if (len < sizeof(struct ordo_cr_rec) || len > p->max_rec) {
		errno = EMSGSIZE;
		return NULL;
	}
	if (p->err)
		return NULL;
	uint64_t need = ORDO_CR_ALIGN(len);
	uint64_t off = p->head & p->mask;
	uint64_t to_end = p->size - off;
	uint64_t total = need > to_end ? to_end + need : need;
	if (p->head + total - p->tail_cache > p->size &&
	    ordo_cr_prod_free(p) < total)
		return NULL;
	if (need > to_end) {
		struct ordo_cr_rec *pad = (struct ordo_cr_rec *)(p->data + off);
		pad->len = (uint32_t)to_end;
		pad->kind = ORDO_CR_PAD;
		pad->flags = 0;
		pad->service = 0;
		pad->reserved = 0;
		p->head += to_end;
		off = 0;
	}
	p->head += need;
	return p->data + off;
}

/* Publish everything reserved so far; rings the consumer if it sleeps.
 * Returns 1 when it rang, 0 otherwise. */
static inline int ordo_cr_commit(struct ordo_cr_prod *p)
{
	atomic_store_explicit(&p->ctl->head, p->head, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	uint32_t s = atomic_load_explicit(&p->ctl->cons_sleep_seq,
					  memory_order_relaxed);
	return ordo_cr__ring(s, &p->rung_seq, p->peer_efd, &p->doorbells);
}

/* ------------------------------------------------------------------ */
/* Consumer, trusting fast path (the client on its delivery ring; the
 * daemon uses ordo_cr_read() below). Still never reads out of bounds: it
 * checks the head, and the record's length against the ring. */

static inline bool ordo_cr__head_ok(const struct ordo_cr_cons *c, uint64_t h)
{
	return h >= c->tail && h - c->tail <= c->size && (h & 7u) == 0;
}

/* Bytes published and not consumed (refreshes the head); 0 and err set
 * when the head is impossible. */
static inline uint64_t ordo_cr_cons_avail(struct ordo_cr_cons *c)
{
	uint64_t h = atomic_load_explicit(&c->ctl->head, memory_order_acquire);
	if (!ordo_cr__head_ok(c, h)) {
		c->err = ORDO_CR_ERR_INDEX;
		return 0;
	}
	c->head_cache = h;
	return h - c->tail;
}

/* The next record (PADs skipped), or NULL: empty or err set. The record
 * stays valid until ordo_cr_advance() past it and ordo_cr_release(). */
static inline const struct ordo_cr_rec *ordo_cr_peek(struct ordo_cr_cons *c)
{
	for (;;) {
		if (c->err)
			return NULL;
		if (c->head_cache == c->tail && ordo_cr_cons_avail(c) == 0)
			return NULL;
		uint64_t off = c->tail & c->mask;
		uint64_t to_end = c->size - off;
		uint64_t avail = c->head_cache - c->tail;
		const struct ordo_cr_rec *r =
			(const struct ordo_cr_rec *)(c->data + off);
		/* One load each: the compiler may not re-read them later. */
		uint32_t len = __atomic_load_n(&r->len, __ATOMIC_RELAXED);
		uint8_t kind = __atomic_load_n(&r->kind, __ATOMIC_RELAXED);
		if (kind == ORDO_CR_PAD) {
			if (len != to_end || avail < to_end) {
				c->err = ORDO_CR_ERR_PAD;
				return NULL;
			}
			c->tail += to_end;
			continue;
		}
		if (len < sizeof(*r) || len > c->max_rec ||
		    ORDO_CR_ALIGN(len) > avail || ORDO_CR_ALIGN(len) > to_end) {
			c->err = ORDO_CR_ERR_LEN;
			return NULL;
		}
		return r;
	}
}

/* Consume the record peek returned (len as checked by peek). */
static inline void ordo_cr_advance(struct ordo_cr_cons *c, uint32_t len)
{
	c->tail += ORDO_CR_ALIGN(len);
}

/* Where the consumer has read up to (the ring's own count of bytes):
 * a record read in place stays valid until the space is released past
 * the position after it. */
static inline uint64_t ordo_cr_cons_pos(const struct ordo_cr_cons *c)
{
	return c->tail;
}

/* Publish the consumed bytes up to upto (at most what was read): space
 * still read in place elsewhere stays the consumer's. Rings the producer
 * if it waits for room. Returns 1 when it rang. */
static inline int ordo_cr_release_to(struct ordo_cr_cons *c, uint64_t upto)
{
	if (upto > c->tail)
		upto = c->tail;
	if (upto <= c->published)
		return 0;
	c->published = upto;
	atomic_store_explicit(&c->ctl->tail, upto, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	uint32_t s = atomic_load_explicit(&c->ctl->prod_wait_seq,
					  memory_order_relaxed);
	return ordo_cr__ring(s, &c->rung_seq, c->peer_efd, &c->doorbells);
}

/* Publish everything consumed; call once per burst. */
static inline int ordo_cr_release(struct ordo_cr_cons *c)
{
	return ordo_cr_release_to(c, c->tail);
}

/* ------------------------------------------------------------------ */
/* Doorbell waits (ORDO_CR_DOORBELL in client_ring.h). timeout_ms < 0:
 * forever. Return 1 when the condition holds, 0 on timeout, -errno. */
int ordo_cr_cons_wait(struct ordo_cr_cons *c, int timeout_ms);
int ordo_cr_prod_wait(struct ordo_cr_prod *p, uint64_t need, int timeout_ms);

/* ------------------------------------------------------------------ */
/* Writing a message of any size up to max_msg: fragments as needed.
 * Fill the request, zero `done` and `started`, and call until it returns 0
 * (all committed); -EAGAIN means the ring is full: wait and call again with
 * the same request (progress is kept in it). -EINVAL: bad request,
 * -EMSGSIZE: longer than max_msg, -EPIPE: broken ring.
 *
 * The payload comes from one of two sources: `payload` (contiguous, len
 * bytes), or, when `iov` is set, gathered from iovcnt elements whose
 * lengths add up to len exactly (zero-length elements are fine). The
 * elements are read as the records are written, so they must stay valid
 * and unchanged until the call that returns 0. -EINVAL, before anything
 * is written, for lengths that do not add up, an element with bytes and
 * no base, payload and iov both set, or iovcnt without iov. Zeroed iov
 * fields mean "no iovec": the callers that predate them are unchanged. */
struct ordo_cr_send {
	uint8_t     kind;       /* MSG, JOIN, LEAVE (submit), any (deliver) */
	uint8_t     service;
	uint8_t     flags;      /* extra flags (SENDER, SELF_DISCARD) */
	uint16_t    n_names;    /* at most ORDO_CR_MAX_NAMES */
	int16_t     msg_type;
	uint32_t    aux;
	uint64_t    msg_id;
	const char (*names)[ORDO_CR_NAME_LEN]; /* copied as is: pad with NULs */
	const void *payload;    /* contiguous source (iov NULL) */
	uint32_t    len;        /* message length, either source */
	uint32_t    done;       /* payload bytes committed so far */
	bool        started;    /* FIRST written */
	/* Gather source, used instead of payload when iov is not NULL. */
	const struct iovec *iov;
	int         iovcnt;
	/* The gather cursor, private to the writer: it restarts it at the
	 * first element whenever started is false. */
	int         iov_i;      /* element holding byte `done` */
	size_t      iov_off;    /* offset of byte `done` in it */
};

/* Length (header included) of the next record ordo_cr_write_msg() writes
 * for s: what a writer that got -EAGAIN has to wait room for. */
static inline uint32_t ordo_cr_send_next_len(const struct ordo_cr_prod *p,
					     const struct ordo_cr_send *s)
{
	const uint32_t hl = sizeof(struct ordo_cr_rec);
	uint32_t nb = s->started ? 0 : (uint32_t)s->n_names * ORDO_CR_NAME_LEN;
	uint32_t room = (p->max_rec & ~7u) - hl - nb;
	uint32_t left = s->len - s->done;
	return hl + nb + (left < room ? left : room);
}

/* An upper bound of the ring bytes the rest of s takes when written as
 * records of at most max_rec bytes: names, payload, each record's header
 * and padding, and one PAD at the wrap. Whether to start writing at all. */
static inline uint64_t ordo_cr_send_bound(uint32_t max_rec,
					  const struct ordo_cr_send *s)
{
	const uint32_t hl = sizeof(struct ordo_cr_rec);
	uint64_t left = s->len - s->done;
	uint64_t recs = left / ((max_rec & ~7u) - hl) + 2;

	return left + (uint64_t)s->n_names * ORDO_CR_NAME_LEN +
	       recs * (hl + 8) + max_rec;
}

int ordo_cr_write_msg(struct ordo_cr_prod *p, struct ordo_cr_send *s);

/* ------------------------------------------------------------------ */
/* The daemon's validating reader (of a client's submit ring; the client
 * may use it on its delivery ring too). See ordo_cr_read(). */

struct ordo_cr_reader {
	struct ordo_cr_cons cons;
	struct ordo_cr_map *map;    /* geometry; the disconnect is written here */
	enum ordo_cr_which  which;
	uint32_t max_msg;
	/* the message being reassembled (fragments are consecutive) */
	bool     in_msg;
	uint8_t  m_kind, m_service, m_flags;
	int16_t  m_type;
	uint64_t m_id;
	uint32_t m_len, m_next;
	enum ordo_cr_err err;       /* sticky: the ring is no longer read */
	uint64_t records, bytes;
	uint64_t errs[ORDO_CR_ERR_MAX];
};

/* A record as read: a validated private copy. names and payload point
 * into the caller's buffer. */
struct ordo_cr_msg {
	struct ordo_cr_rec hdr;
	const char (*names)[ORDO_CR_NAME_LEN];
	const uint8_t *payload;
	uint32_t payload_len;
};

int ordo_cr_reader_init(struct ordo_cr_reader *r, struct ordo_cr_map *m,
			enum ordo_cr_which w, int own_efd, int peer_efd);

/* Read one record into msg, names and payload copied into buf (at least
 * max_rec bytes). Returns 1: a record; 0: ring empty; -ordo_cr_err: the
 * ring is broken, it is no longer read (every later call returns the same)
 * and, with a map, the region is marked RING_CORRUPT with that detail.
 * Consumed bytes are published by ordo_cr_reader_release() (per burst). */
int ordo_cr_read(struct ordo_cr_reader *r, struct ordo_cr_msg *msg,
		 void *buf, size_t buflen);
/* As ordo_cr_read(), but only the header and the names are copied into
 * buf and checked; msg->payload points into the ring itself, so its one
 * copy can be the consumer's own (the daemon copies it straight into a
 * frame). Its length is the validated one, its bytes are the producer's
 * to scribble on: treat them as opaque, read them once, and before
 * ordo_cr_reader_release() (which hands the space back). */
int ordo_cr_read_in_place(struct ordo_cr_reader *r, struct ordo_cr_msg *msg,
			  void *buf, size_t buflen);
static inline int ordo_cr_reader_release(struct ordo_cr_reader *r)
{
	return ordo_cr_release(&r->cons);
}
/* The reader's position and a release up to one (ordo_cr_cons_pos,
 * ordo_cr_release_to): a consumer that hands records read in place to
 * another thread gives their space back once that thread is done. */
static inline uint64_t ordo_cr_reader_pos(const struct ordo_cr_reader *r)
{
	return ordo_cr_cons_pos(&r->cons);
}
static inline int ordo_cr_reader_release_to(struct ordo_cr_reader *r,
					    uint64_t upto)
{
	return ordo_cr_release_to(&r->cons, upto);
}

const char *ordo_cr_err_name(enum ordo_cr_err e);
const char *ordo_cr_disconnect_name(enum ordo_cr_disconnect d);

#endif /* ORDO_CLIENT_SHM_RING_H */
