/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Client rings, slow path: the region on a sealed memfd, doorbell waits,
 * fragmenting writes, and the daemon's validating reader.
 *
 * The reader and TOCTOU. The client can rewrite any byte of its region at
 * any moment, also between two reads of the daemon. So the reader
 *   1. loads head once (acquire) and checks it against its private tail
 *      and size; it never reads tail, sizes or offsets from the region;
 *   2. copies the record header once into a local and puts a compiler
 *      barrier after the copy, so no later use re-reads shared memory;
 *   3. validates only that copy: every length and count against the
 *      published bytes, the end of the ring and max_rec, before touching
 *      anything behind the header;
 *   4. copies names and payload (their extent comes from the validated
 *      copy, so the copy stays inside the ring whatever the client writes
 *      meanwhile), then validates the names in the copy.
 * A client scribbling during 4 changes only its own message's bytes: the
 * daemon multicasts garbage it was free to send anyway. The first broken
 * rule is final: the reader stops, counts the reason, and marks the region
 * RING_CORRUPT with it; the control plane then closes the client.
 *
 * The memfd is sealed against shrinking (F_SEAL_SHRINK): otherwise a client
 * could ftruncate() it and make the daemon's next read fault (SIGBUS).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "ordo/wire.h"
#include "lib/cring/cring.h"

#define barrier() __asm__ __volatile__("" ::: "memory")

static bool is_pow2_in(uint32_t v)
{
	return v >= ORDO_CR_RING_MIN && v <= ORDO_CR_RING_MAX && !(v & (v - 1));
}

static uint32_t max_rec_for(uint32_t a, uint32_t b)
{
	return (a < b ? a : b) / 4;
}

static void geometry(struct ordo_cr_map *m, uint32_t ss, uint32_t ds)
{
	m->submit_ctl_off = ORDO_CR_HDR_SIZE;
	m->submit_data_off = m->submit_ctl_off + ORDO_CR_CTL_SIZE;
	m->submit_size = ss;
	m->deliver_ctl_off = m->submit_data_off + ss;
	m->deliver_data_off = m->deliver_ctl_off + ORDO_CR_CTL_SIZE;
	m->deliver_size = ds;
	m->size = (size_t)m->deliver_data_off + ds;
	m->max_rec = max_rec_for(ss, ds);
}

int ordo_cr_region_create(struct ordo_cr_map *m, const struct ordo_cr_params *p)
{
	int ret;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (!is_pow2_in(p->submit_size) || !is_pow2_in(p->deliver_size) ||
	    p->max_msg > ORDO_CR_MAX_MSG ||
	    (uint64_t)p->submit_size + p->deliver_size > (1ull << 31))
		return -EINVAL;
	geometry(m, p->submit_size, p->deliver_size);
	m->max_msg = p->max_msg ? p->max_msg : ORDO_CR_MAX_MSG;

	m->fd = memfd_create("ordo-client", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (m->fd < 0)
		return -errno;
	if (ftruncate(m->fd, (off_t)m->size) < 0 ||
	    fcntl(m->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		ret = -errno;
		goto fail;
	}
	m->base = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->base == MAP_FAILED) {
		ret = -errno;
		m->base = NULL;
		goto fail;
	}
	m->hdr = m->base;
	struct ordo_cr_region *h = m->hdr;
	h->magic = ORDO_CR_MAGIC;
	h->version = ORDO_CR_VERSION;
	h->hdr_size = ORDO_CR_HDR_SIZE;
	h->region_size = m->size;
	h->submit_ctl_off = m->submit_ctl_off;
	h->submit_data_off = m->submit_data_off;
	h->submit_size = m->submit_size;
	h->deliver_ctl_off = m->deliver_ctl_off;
	h->deliver_data_off = m->deliver_data_off;
	h->deliver_size = m->deliver_size;
	h->max_rec = m->max_rec;
	h->max_msg = m->max_msg;
	h->client_id = p->client_id;
	atomic_store_explicit(&h->daemon_state, ORDO_CR_STATE_READY,
			      memory_order_release);
	return 0;
fail:
	close(m->fd);
	m->fd = -1;
	return ret;
}

int ordo_cr_region_map(struct ordo_cr_map *m, int fd)
{
	struct stat st;
	int ret;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size < (off_t)ORDO_CR_HDR_SIZE)
		return -EINVAL;
	int seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK))
		return -EINVAL;
	void *b = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);
	if (b == MAP_FAILED)
		return -errno;
	const struct ordo_cr_region *h = b;
	ret = -EINVAL;
	if (h->magic != ORDO_CR_MAGIC)
		goto fail;
	if (h->version != ORDO_CR_VERSION) {
		ret = -EPROTO;
		goto fail;
	}
	if (h->hdr_size != ORDO_CR_HDR_SIZE || h->region_size != (uint64_t)st.st_size ||
	    !is_pow2_in(h->submit_size) || !is_pow2_in(h->deliver_size) ||
	    h->max_msg > ORDO_CR_MAX_MSG || h->max_msg == 0)
		goto fail;
	geometry(m, h->submit_size, h->deliver_size);
	if (m->size != h->region_size || h->submit_ctl_off != m->submit_ctl_off ||
	    h->submit_data_off != m->submit_data_off ||
	    h->deliver_ctl_off != m->deliver_ctl_off ||
	    h->deliver_data_off != m->deliver_data_off || h->max_rec != m->max_rec)
		goto fail;
	m->max_msg = h->max_msg;
	m->base = b;
	m->hdr = b;
	m->fd = fd;
	return 0;
fail:
	munmap(b, (size_t)st.st_size);
	return ret;
}

void ordo_cr_region_unmap(struct ordo_cr_map *m)
{
	if (m->base)
		munmap(m->base, m->size);
	if (m->fd >= 0)
		close(m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

void ordo_cr_region_disconnect(struct ordo_cr_map *m,
			       enum ordo_cr_disconnect reason, uint32_t detail)
{
	struct ordo_cr_region *h = m->hdr;
	atomic_store_explicit(&h->disconnect_reason, reason, memory_order_relaxed);
	atomic_store_explicit(&h->disconnect_detail, detail, memory_order_relaxed);
	atomic_fetch_or_explicit(&h->daemon_state, ORDO_CR_STATE_CLOSED,
				 memory_order_release);
}

static void ring_at(const struct ordo_cr_map *m, enum ordo_cr_which w,
		    struct ordo_cr_ring_ctl **ctl, uint8_t **data, uint64_t *size)
{
	uint8_t *b = m->base;
	*ctl = (void *)(b + (w == ORDO_CR_SUBMIT ? m->submit_ctl_off : m->deliver_ctl_off));
	*data = b + (w == ORDO_CR_SUBMIT ? m->submit_data_off : m->deliver_data_off);
	*size = w == ORDO_CR_SUBMIT ? m->submit_size : m->deliver_size;
}

int ordo_cr_prod_init(struct ordo_cr_prod *p, const struct ordo_cr_map *m,
		      enum ordo_cr_which w, int own_efd, int peer_efd)
{
	memset(p, 0, sizeof(*p));
	if (!m->base)
		return -EINVAL;
	ring_at(m, w, &p->ctl, &p->data, &p->size);
	p->mask = p->size - 1;
	p->max_rec = m->max_rec;
	p->max_msg = m->max_msg;
	p->own_efd = own_efd;
	p->peer_efd = peer_efd;
	/* Attach to a ring in use (a client re-mapping): resume at head. */
	p->head = atomic_load_explicit(&p->ctl->head, memory_order_relaxed);
	p->tail_cache = p->head;
	if (p->head & 7u)
		return -EINVAL;
	return 0;
}

int ordo_cr_cons_init(struct ordo_cr_cons *c, const struct ordo_cr_map *m,
		      enum ordo_cr_which w, int own_efd, int peer_efd)
{
	memset(c, 0, sizeof(*c));
	if (!m->base)
		return -EINVAL;
	ring_at(m, w, &c->ctl, &c->data, &c->size);
	c->mask = c->size - 1;
	c->max_rec = m->max_rec;
	c->own_efd = own_efd;
	c->peer_efd = peer_efd;
	c->tail = atomic_load_explicit(&c->ctl->tail, memory_order_relaxed);
	c->published = c->head_cache = c->tail;
	if (c->tail & 7u)
		return -EINVAL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Doorbell waits */

/* Block on our eventfd; drain it. 1: woken, 0: timeout, -errno. */
static int sleep_on(int efd, int timeout_ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	int n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 1 : -errno;
	if (n == 0)
		return 0;
	uint64_t v;
	ssize_t r = read(efd, &v, sizeof(v)); /* EFD_NONBLOCK: may be EAGAIN */
	(void)r;
	return 1;
}

int ordo_cr_cons_wait(struct ordo_cr_cons *c, int timeout_ms)
{
	if (ordo_cr_cons_avail(c))
		return 1;
	if (c->err)
		return -EPIPE;
	if (c->own_efd < 0)
		return 0;
	c->sleep_seq |= 1u;  /* odd: asleep (step 1) */
	atomic_store_explicit(&c->ctl->cons_sleep_seq, c->sleep_seq,
			      memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);  /* step 2 */
	int ret = 1;
	if (ordo_cr_cons_avail(c) == 0 && !c->err) {  /* step 3 */
		ret = sleep_on(c->own_efd, timeout_ms);  /* step 4 */
		if (ret == 0)
			c->wait_timeouts++;
	}
	c->sleep_seq++;  /* even: awake; the next sleep is a new odd value */
	atomic_store_explicit(&c->ctl->cons_sleep_seq, c->sleep_seq,
			      memory_order_relaxed);
	if (ret < 0)
		return ret;
	if (c->err)
		return -EPIPE;
	return ordo_cr_cons_avail(c) ? 1 : 0;
}

int ordo_cr_prod_wait(struct ordo_cr_prod *p, uint64_t need, int timeout_ms)
{
	if (ordo_cr_prod_free(p) >= need)
		return 1;
	if (p->err)
		return -EPIPE;
	if (p->own_efd < 0)
		return 0;
	p->wait_seq |= 1u;
	atomic_store_explicit(&p->ctl->prod_wait_seq, p->wait_seq,
			      memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	int ret = 1;
	if (ordo_cr_prod_free(p) < need && !p->err) {
		ret = p->sleep ? p->sleep(p->sleep_ctx, timeout_ms)
			       : sleep_on(p->own_efd, timeout_ms);
		if (ret == 0)
			p->wait_timeouts++;
	}
	p->wait_seq++;
	atomic_store_explicit(&p->ctl->prod_wait_seq, p->wait_seq,
			      memory_order_relaxed);
	if (ret < 0)
		return ret;
	if (p->err)
		return -EPIPE;
	return ordo_cr_prod_free(p) >= need ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* Fragmenting writer */

/* A gather source is checked once per message, before its FIRST record:
 * the lengths must add up to len (so the cursor never runs past the last
 * element) and no element with bytes may lack a base. The cursor is
 * restarted here, so a caller may replay a request from the start (the
 * gateway retries a refused one on its overflow ring) by zeroing done and
 * started only. */
static __attribute__((noinline)) bool iov_start(struct ordo_cr_send *s)
{
	uint64_t sum = 0;

	if (s->payload || s->iovcnt < 0 || s->done)
		return false;
	for (int i = 0; i < s->iovcnt; i++) {
		size_t n = s->iov[i].iov_len;

		if ((n && !s->iov[i].iov_base) || n > s->len - sum)
			return false;
		sum += n;
	}
	if (sum != s->len)
		return false;
	s->iov_i = 0;
	s->iov_off = 0;
	return true;
}

/* Copy the next n bytes of the gather source to `to`, moving the cursor.
 * Zero-length elements are stepped over like finished ones. */
static __attribute__((noinline)) void gather(struct ordo_cr_send *s, uint8_t *to,
					    uint32_t n)
{
	while (n) {
		const struct iovec *v = &s->iov[s->iov_i];
		size_t k = v->iov_len - s->iov_off;

		if (k > n)
			k = n;
		if (k) {
			memcpy(to, (const uint8_t *)v->iov_base + s->iov_off, k);
			to += k;
			n -= (uint32_t)k;
			s->iov_off += k;
		}
		if (s->iov_off == v->iov_len) {
			s->iov_i++;
			s->iov_off = 0;
		}
	}
}

int ordo_cr_write_msg(struct ordo_cr_prod *p, struct ordo_cr_send *s)
{
	const uint32_t hl = sizeof(struct ordo_cr_rec);

	if (s->kind == 0 || s->kind == ORDO_CR_PAD || s->kind >= ORDO_CR_KIND_MAX ||
	    (s->flags & (ORDO_CR_F_FIRST | ORDO_CR_F_LAST | ~ORDO_CR_F_ALL)) ||
	    s->n_names > ORDO_CR_MAX_NAMES ||
	    (s->n_names && !s->names) ||
	    (!s->iov && (s->iovcnt || (s->len && !s->payload))) ||
	    hl + (uint32_t)s->n_names * ORDO_CR_NAME_LEN + 8 > p->max_rec ||
	    s->done > s->len)
		return -EINVAL;
	if (s->iov && !s->started && !iov_start(s))
		return -EINVAL;
	if (s->len > p->max_msg)
		return -EMSGSIZE;
	for (;;) {
		uint32_t nb = s->started ? 0 : (uint32_t)s->n_names * ORDO_CR_NAME_LEN;
		uint32_t rl = ordo_cr_send_next_len(p, s);
		uint32_t chunk = rl - hl - nb;
		struct ordo_cr_rec *r = ordo_cr_reserve(p, rl);
		if (!r) {
			ordo_cr_commit(p);  /* let the consumer drain what is there */
			return p->err ? -EPIPE : -EAGAIN;
		}
		bool last = s->done + chunk == s->len;
		r->len = rl;
		r->kind = s->kind;
		r->flags = s->flags | (s->started ? 0 : ORDO_CR_F_FIRST) |
			   (last ? ORDO_CR_F_LAST : 0);
		r->service = s->service;
		r->n_names = s->started ? 0 : s->n_names;
		r->msg_type = s->msg_type;
		r->reserved = 0;
		r->msg_len = s->len;
		r->frag_off = s->done;
		r->aux = s->aux;
		r->msg_id = s->msg_id;
		uint8_t *body = (uint8_t *)(r + 1);
		if (nb)
			memcpy(body, s->names, nb);
		if (chunk) {
			if (s->iov)
				gather(s, body + nb, chunk);
			else
				memcpy(body + nb,
				       (const uint8_t *)s->payload + s->done, chunk);
		}
		s->done += chunk;
		s->started = true;
		if (last) {
			ordo_cr_commit(p);
			return 0;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Validating reader */

int ordo_cr_reader_init(struct ordo_cr_reader *r, struct ordo_cr_map *m,
			enum ordo_cr_which w, int own_efd, int peer_efd)
{
	memset(r, 0, sizeof(*r));
	r->map = m;
	r->which = w;
	r->max_msg = m->max_msg;
	return ordo_cr_cons_init(&r->cons, m, w, own_efd, peer_efd);
}

static int fail(struct ordo_cr_reader *r, enum ordo_cr_err e)
{
	r->err = e;
	r->errs[e]++;
	if (r->map && r->map->hdr)
		ordo_cr_region_disconnect(r->map, ORDO_CR_DISC_RING_CORRUPT, e);
	return -(int)e;
}

static bool kind_ok(enum ordo_cr_which w, uint8_t k)
{
	if (w == ORDO_CR_SUBMIT)
		return k == ORDO_CR_MSG || k == ORDO_CR_JOIN || k == ORDO_CR_LEAVE;
	return k == ORDO_CR_MSG || k == ORDO_CR_MEMBERSHIP || k == ORDO_CR_REJECT;
}

/* A name: 1..31 printable non-space bytes, then NULs to the end. Names
 * are short and their padding long: find the end once, check the
 * characters before it, and the padding eight bytes at a time. */
static bool name_ok(const char *n)
{
	const char *z = memchr(n, 0, ORDO_CR_NAME_LEN);
	uint64_t w[ORDO_CR_NAME_LEN / 8], any = 0;
	size_t len;

	if (z == NULL || z == n)
		return false;
	len = (size_t)(z - n);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)n[i] <= 0x20 || (unsigned char)n[i] >= 0x7f)
			return false;
	/* The padding: the whole name with its characters cleared. */
	memcpy(w, n, sizeof(w));
	memset(w, 0, len);
	for (size_t i = 0; i < ORDO_CR_NAME_LEN / 8; i++)
		any |= w[i];
	return any == 0;
}

/* Checks of one header copy, before anything behind it is read. */
static enum ordo_cr_err check_hdr(struct ordo_cr_reader *r,
				  const struct ordo_cr_rec *h, uint64_t avail,
				  uint64_t to_end)
{
	const uint32_t hl = sizeof(*h);
	/* MSG and MEMBERSHIP may be fragmented; the rest are one record. */
	bool single = h->kind != ORDO_CR_MSG && h->kind != ORDO_CR_MEMBERSHIP;

	if (!kind_ok(r->which, h->kind))
		return ORDO_CR_ERR_KIND;
	if (h->len < hl || h->len > r->cons.max_rec ||
	    ORDO_CR_ALIGN(h->len) > avail || ORDO_CR_ALIGN(h->len) > to_end ||
	    (uint64_t)h->n_names * ORDO_CR_NAME_LEN > h->len - hl)
		return ORDO_CR_ERR_LEN;
	uint8_t bad_flag = r->which == ORDO_CR_SUBMIT ? ORDO_CR_F_SENDER
						      : ORDO_CR_F_SELF_DISCARD;
	if (h->reserved || (h->flags & ~ORDO_CR_F_ALL) || (h->flags & bad_flag) ||
	    ((h->flags & ORDO_CR_F_SENDER) && h->kind != ORDO_CR_MSG) ||
	    ((h->flags & ORDO_CR_F_SELF_DISCARD) && h->kind != ORDO_CR_MSG) ||
	    (r->which == ORDO_CR_SUBMIT && h->aux))
		return ORDO_CR_ERR_RESERVED;
	if (h->kind == ORDO_CR_MSG) {
		if (h->service < ORDO_SVC_UNRELIABLE || h->service > ORDO_SVC_SAFE)
			return ORDO_CR_ERR_SERVICE;
	} else if (h->service) {
		return ORDO_CR_ERR_SERVICE;
	}
	uint32_t pl = h->len - hl - (uint32_t)h->n_names * ORDO_CR_NAME_LEN;
	bool first = h->flags & ORDO_CR_F_FIRST, last = h->flags & ORDO_CR_F_LAST;
	if (first ? h->n_names == 0 : h->n_names != 0)
		return ORDO_CR_ERR_NAMES;
	/* Submitted: the destinations, or the group joined or left; a
	 * delivery names the sender too. */
	if (h->n_names > (r->which == ORDO_CR_SUBMIT ? ORDO_CR_MAX_GROUPS
						      : ORDO_CR_MAX_NAMES) ||
	    (h->n_names != 1 && h->kind != ORDO_CR_MSG && first))
		return ORDO_CR_ERR_NAMES;
	if (single) {  /* JOIN, LEAVE, REJECT */
		if (!first || !last || h->frag_off || h->msg_len != pl)
			return ORDO_CR_ERR_FRAG;
		if ((h->kind == ORDO_CR_JOIN || h->kind == ORDO_CR_LEAVE) &&
		    (pl || h->msg_type))
			return ORDO_CR_ERR_LEN;
	}
	if (first) {
		if (r->in_msg || h->frag_off)
			return ORDO_CR_ERR_FRAG;
		if (h->msg_len > r->max_msg)
			return ORDO_CR_ERR_MSG_LEN;
		if (pl > h->msg_len)
			return ORDO_CR_ERR_FRAG;
		r->m_id = h->msg_id;
		r->m_kind = h->kind;
		r->m_service = h->service;
		r->m_flags = h->flags & (ORDO_CR_F_SENDER | ORDO_CR_F_SELF_DISCARD);
		r->m_type = h->msg_type;
		r->m_len = h->msg_len;
		r->m_next = 0;
	} else {
		if (!r->in_msg || h->msg_id != r->m_id || h->kind != r->m_kind ||
		    h->service != r->m_service || h->msg_type != r->m_type ||
		    (h->flags & (ORDO_CR_F_SENDER | ORDO_CR_F_SELF_DISCARD)) != r->m_flags ||
		    h->msg_len != r->m_len || h->frag_off != r->m_next || pl == 0 ||
		    pl > r->m_len - r->m_next)
			return ORDO_CR_ERR_FRAG;
	}
	r->m_next += pl;
	if (last ? r->m_next != r->m_len : r->m_next >= r->m_len)
		return ORDO_CR_ERR_FRAG;
	r->in_msg = !last;
	return ORDO_CR_OK;
}

static int read_rec(struct ordo_cr_reader *r, struct ordo_cr_msg *msg,
		    void *buf, size_t buflen, bool in_place);

int ordo_cr_read(struct ordo_cr_reader *r, struct ordo_cr_msg *msg,
		 void *buf, size_t buflen)
{
	return read_rec(r, msg, buf, buflen, false);
}

int ordo_cr_read_in_place(struct ordo_cr_reader *r, struct ordo_cr_msg *msg,
			  void *buf, size_t buflen)
{
	return read_rec(r, msg, buf, buflen, true);
}

static int read_rec(struct ordo_cr_reader *r, struct ordo_cr_msg *msg,
		    void *buf, size_t buflen, bool in_place)
{
	struct ordo_cr_cons *c = &r->cons;
	const uint32_t hl = sizeof(struct ordo_cr_rec);

	if (r->err)
		return -(int)r->err;
	if (buflen < c->max_rec)
		return -EINVAL;
	for (;;) {
		if (c->head_cache == c->tail) {
			if (ordo_cr_cons_avail(c) == 0)
				return c->err ? fail(r, c->err) : 0;
		}
		uint64_t off = c->tail & c->mask;
		uint64_t to_end = c->size - off;     /* >= 8, multiple of 8 */
		uint64_t avail = c->head_cache - c->tail; /* idem */
		struct ordo_cr_rec h;
		size_t n = to_end < hl || avail < hl ? ORDO_CR_PAD_MIN : hl;
		memset(&h, 0, sizeof(h));
		memcpy(&h, c->data + off, n);
		barrier();  /* h is ours now: never re-read from the ring */
		if (h.kind == ORDO_CR_PAD) {
			if (h.len != to_end || avail < to_end)
				return fail(r, ORDO_CR_ERR_PAD);
			c->tail += to_end;
			r->bytes += to_end;
			continue;
		}
		if (n < hl)  /* a record must have its whole header */
			return fail(r, kind_ok(r->which, h.kind) ? ORDO_CR_ERR_LEN
								  : ORDO_CR_ERR_KIND);
		enum ordo_cr_err e = check_hdr(r, &h, avail, to_end);
		if (e)
			return fail(r, e);
		uint32_t body = h.len - hl;
		uint32_t nb = (uint32_t)h.n_names * ORDO_CR_NAME_LEN;
		/* In place, only the names are copied (and checked); the
		 * payload is left in the ring, its length the checked one. */
		memcpy(buf, c->data + off + hl, in_place ? nb : body);
		barrier();
		const char (*names)[ORDO_CR_NAME_LEN] = buf;
		for (unsigned i = 0; i < h.n_names; i++)
			if (!name_ok(names[i]))
				return fail(r, ORDO_CR_ERR_NAME);
		c->tail += ORDO_CR_ALIGN(h.len);
		r->records++;
		r->bytes += ORDO_CR_ALIGN(h.len);
		msg->hdr = h;
		msg->names = names;
		msg->payload = in_place ? c->data + off + hl + nb
					: (const uint8_t *)buf + nb;
		msg->payload_len = body - nb;
		return 1;
	}
}

const char *ordo_cr_err_name(enum ordo_cr_err e)
{
	static const char *const names[ORDO_CR_ERR_MAX] = {
		[ORDO_CR_OK] = "ok",
		[ORDO_CR_ERR_INDEX] = "bad-index",
		[ORDO_CR_ERR_LEN] = "bad-len",
		[ORDO_CR_ERR_KIND] = "bad-kind",
		[ORDO_CR_ERR_PAD] = "bad-pad",
		[ORDO_CR_ERR_RESERVED] = "reserved-set",
		[ORDO_CR_ERR_SERVICE] = "bad-service",
		[ORDO_CR_ERR_NAMES] = "bad-name-count",
		[ORDO_CR_ERR_NAME] = "bad-name",
		[ORDO_CR_ERR_FRAG] = "bad-fragment",
		[ORDO_CR_ERR_MSG_LEN] = "msg-too-long",
	};
	return (unsigned)e < ORDO_CR_ERR_MAX ? names[e] : "?";
}

const char *ordo_cr_disconnect_name(enum ordo_cr_disconnect d)
{
	static const char *const names[ORDO_CR_DISC_MAX] = {
		[ORDO_CR_DISC_NONE] = "none",
		[ORDO_CR_DISC_CLIENT_CLOSED] = "client-closed",
		[ORDO_CR_DISC_RING_CORRUPT] = "ring-corrupt",
		[ORDO_CR_DISC_SLOW_CONSUMER] = "slow-consumer",
		[ORDO_CR_DISC_DAEMON_EXIT] = "daemon-exit",
	};
	return (unsigned)d < ORDO_CR_DISC_MAX ? names[d] : "?";
}
