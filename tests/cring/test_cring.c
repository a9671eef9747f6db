/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Client ring tests, one process: region, records, wrap at every offset,
 * fragments, every validation rule with its exact reason, back-pressure
 * and the doorbell rule (test_cring_procs.c: across processes and
 * threads).
 *
 *   test_cring [test-name-glob]
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/cring/cases.h"

static void test_region(void **st)
{
	(void)st;
	struct ordo_cr_map d = mk(SMALL, 8192), c;
	assert_int_equal(d.hdr->magic, ORDO_CR_MAGIC);
	assert_int_equal(d.max_rec, SMALL / 4);
	assert_int_equal(d.size, 4096 + 4096 + SMALL + 4096 + 8192);

	int fd = dup(d.fd);
	assert_int_equal(ordo_cr_region_map(&c, fd), 0);
	assert_int_equal(c.submit_size, SMALL);
	assert_int_equal(c.deliver_data_off, d.deliver_data_off);
	/* The client cannot shrink the region under the daemon. */
	assert_true(ftruncate(c.fd, 4096) < 0);
	ordo_cr_region_unmap(&c);

	d.hdr->version = 99;
	fd = dup(d.fd);
	assert_int_equal(ordo_cr_region_map(&c, fd), -EPROTO);
	d.hdr->version = ORDO_CR_VERSION;
	d.hdr->deliver_size = 3000;
	assert_int_equal(ordo_cr_region_map(&c, fd), -EINVAL);
	d.hdr->deliver_size = 8192;
	d.hdr->magic = 0;
	assert_int_equal(ordo_cr_region_map(&c, fd), -EINVAL);
	close(fd);

	struct ordo_cr_params bad = { .submit_size = 5000, .deliver_size = SMALL };
	assert_int_equal(ordo_cr_region_create(&c, &bad), -EINVAL);
	ordo_cr_region_unmap(&d);
}

/* Every record size at every start offset: wrap, PAD of 8..to_end bytes;
 * read with a copy and in place. */
static void test_wrap_every_offset(void **st)
{
	(void)st;
	static uint8_t buf[SMALL];
	for (uint32_t start = 0; start < SMALL; start += 8) {
		struct ordo_cr_map m = mk(SMALL, SMALL);
		struct ordo_cr_prod p;
		struct ordo_cr_reader r;
		/* Start both indexes at `start` (a ring that ran before). */
		struct ordo_cr_ring_ctl *ctl =
			(void *)((uint8_t *)m.base + m.submit_ctl_off);
		atomic_store(&ctl->head, start + 3 * (uint64_t)SMALL);
		atomic_store(&ctl->tail, start + 3 * (uint64_t)SMALL);
		assert_int_equal(ordo_cr_prod_init(&p, &m, ORDO_CR_SUBMIT, -1, -1), 0);
		assert_int_equal(ordo_cr_reader_init(&r, &m, ORDO_CR_SUBMIT, -1, -1), 0);
		uint64_t id = 1, next = 1;
		for (uint32_t round = 0; round < 40; round++) {
			uint32_t n = (round * 37 + start) % (SMALL / 4 - 64 + 1);
			int ret = put(&p, id, n);
			if (ret == -EAGAIN) {
				struct ordo_cr_msg msg;
				/* Every other offset in place: the payload
				 * read where it lies in the ring. */
				while ((ret = (start & 8) ?
					      ordo_cr_read_in_place(&r, &msg, buf,
								    sizeof(buf)) :
					      ordo_cr_read(&r, &msg, buf,
							   sizeof(buf))) == 1) {
					assert_int_equal(msg.hdr.msg_id, next);
					assert_int_equal(cr_check(msg.payload, next, 0,
								  msg.payload_len), UINT32_MAX);
					next++;
				}
				assert_int_equal(ret, 0);
				ordo_cr_reader_release(&r);
				assert_int_equal(put(&p, id, n), 0);
			} else {
				assert_int_equal(ret, 0);
			}
			id++;
		}
		struct ordo_cr_msg msg;
		int ret;
		while ((ret = ordo_cr_read(&r, &msg, buf, sizeof(buf))) == 1)
			next++;
		assert_int_equal(ret, 0);
		assert_int_equal(next, id);
		ordo_cr_region_unmap(&m);
	}
}

/* A 16 MiB message with two groups through a 64 KiB ring, streamed. */
static void test_fragments(void **st)
{
	(void)st;
	struct ordo_cr_map m = mk(64u << 10, SMALL);
	struct ordo_cr_prod p;
	struct ordo_cr_reader r;
	assert_int_equal(ordo_cr_prod_init(&p, &m, ORDO_CR_SUBMIT, -1, -1), 0);
	assert_int_equal(ordo_cr_reader_init(&r, &m, ORDO_CR_SUBMIT, -1, -1), 0);
	uint32_t len = ORDO_CR_MAX_MSG;
	uint8_t *src = malloc(len), *dst = malloc(len), buf[16u << 10];
	cr_fill(src, 42, 0, len);
	char g[2][ORDO_CR_NAME_LEN];
	cr_name(g[0], "alpha");
	cr_name(g[1], "#private#host1");
	struct ordo_cr_send s = {
		.kind = ORDO_CR_MSG, .service = ORDO_SVC_SAFE, .n_names = 2,
		.msg_type = -3, .msg_id = 42, .names = (const void *)g,
		.payload = src, .len = len,
	};
	uint32_t got = 0, recs = 0;
	int w;
	do {
		w = ordo_cr_write_msg(&p, &s);
		assert_true(w == 0 || w == -EAGAIN);
		struct ordo_cr_msg msg;
		while (ordo_cr_read(&r, &msg, buf, sizeof(buf)) == 1) {
			assert_int_equal(msg.hdr.frag_off, got);
			assert_int_equal(msg.hdr.n_names, recs == 0 ? 2 : 0);
			if (recs == 0)
				assert_string_equal(msg.names[1], "#private#host1");
			memcpy(dst + got, msg.payload, msg.payload_len);
			got += msg.payload_len;
			recs++;
		}
		ordo_cr_reader_release(&r);
	} while (w == -EAGAIN);
	assert_int_equal(got, len);
	assert_memory_equal(src, dst, len);
	assert_true(recs > len / (16u << 10));
	assert_false(r.in_msg);
	s.len = ORDO_CR_MAX_MSG + 1;
	s.done = 0;
	s.started = false;
	assert_int_equal(ordo_cr_write_msg(&p, &s), -EMSGSIZE);
	free(src);
	free(dst);
	ordo_cr_region_unmap(&m);
}

/* Write s through a SMALL ring (max_rec 1 KiB), reading as it goes; the
 * message comes out in dst (len bytes). Returns the record count. */
static uint32_t pump(struct ordo_cr_prod *p, struct ordo_cr_reader *r,
		     struct ordo_cr_send *s, uint8_t *dst)
{
	uint8_t buf[SMALL];
	uint32_t got = 0, recs = 0;
	int w;

	do {
		w = ordo_cr_write_msg(p, s);
		assert_true(w == 0 || w == -EAGAIN);
		struct ordo_cr_msg msg;
		int rd;
		while ((rd = ordo_cr_read(r, &msg, buf, sizeof(buf))) == 1) {
			assert_int_equal(msg.hdr.msg_id, s->msg_id);
			assert_int_equal(msg.hdr.msg_len, s->len);
			assert_int_equal(msg.hdr.frag_off, got);
			assert_int_equal(msg.hdr.n_names, recs == 0 ? s->n_names : 0);
			assert_int_equal(!!(msg.hdr.flags & ORDO_CR_F_FIRST), recs == 0);
			memcpy(dst + got, msg.payload, msg.payload_len);
			got += msg.payload_len;
			recs++;
		}
		assert_int_equal(rd, 0);
		ordo_cr_reader_release(r);
	} while (w == -EAGAIN);
	assert_int_equal(got, s->len);
	assert_false(r->in_msg);
	return recs;
}

/* The gather source: many uneven elements (zero-length ones among them,
 * some longer than a record, some of one byte) cut into records at
 * places unrelated to the elements' ends, through a ring that wraps. */
static void test_iov_gather(void **st)
{
	(void)st;
	enum { NV = 300 };
	struct ordo_cr_map m = mk(SMALL, SMALL);
	struct ordo_cr_prod p;
	struct ordo_cr_reader r;
	assert_int_equal(ordo_cr_prod_init(&p, &m, ORDO_CR_SUBMIT, -1, -1), 0);
	assert_int_equal(ordo_cr_reader_init(&r, &m, ORDO_CR_SUBMIT, -1, -1), 0);

	struct iovec v[NV];
	uint32_t len = 0, zeros = 0;
	for (int i = 0; i < NV; i++) {
		/* 0 every 7th, 1 every 11th, else 2..3000 bytes, uneven */
		uint32_t n = i % 7 == 0 ? 0 : i % 11 == 0 ? 1 : (uint32_t)(i * 977u) % 3000 + 2;
		v[i].iov_len = n;
		zeros += n == 0;
		len += n;
	}
	uint8_t *src = malloc(len), *dst = malloc(len);
	cr_fill(src, 9, 0, len);
	uint32_t at = 0;
	for (int i = 0; i < NV; i++) {
		/* a zero-length element's base is never read: leave it NULL */
		v[i].iov_base = v[i].iov_len ? src + at : NULL;
		at += (uint32_t)v[i].iov_len;
	}
	assert_true(zeros > 40);
	v[NV - 1].iov_len = 0;  /* a trailing empty element */
	v[NV - 1].iov_base = NULL;
	len = 0;
	for (int i = 0; i < NV; i++)
		len += (uint32_t)v[i].iov_len;

	char g[2][ORDO_CR_NAME_LEN];
	cr_name(g[0], "alpha");
	cr_name(g[1], "beta");
	for (uint64_t round = 0; round < 3; round++) {
		struct ordo_cr_send s = {
			.kind = ORDO_CR_MSG, .service = ORDO_SVC_FIFO, .n_names = 2,
			.msg_id = 100 + round, .names = (const void *)g,
			.iov = v, .iovcnt = NV, .len = len,
		};
		memset(dst, 0xee, len);
		uint32_t recs = pump(&p, &r, &s, dst);
		assert_true(recs > len / SMALL * 4);  /* ~1 KiB records */
		assert_int_equal(cr_check(dst, 9, 0, len), UINT32_MAX);
		/* A replay from the start (the gateway's retry on another
		 * ring) zeroes done and started only: the writer restarts
		 * the cursor itself. */
		s.done = 0;
		s.started = false;
		s.msg_id += 10;
		memset(dst, 0xee, len);
		pump(&p, &r, &s, dst);
		assert_int_equal(cr_check(dst, 9, 0, len), UINT32_MAX);
	}

	/* Empty: no elements at all, or only empty ones: one record. */
	struct iovec empty[3] = { { NULL, 0 }, { src, 0 }, { NULL, 0 } };
	for (int n = 0; n <= 3; n += 3) {
		struct ordo_cr_send s = {
			.kind = ORDO_CR_MSG, .service = ORDO_SVC_FIFO, .n_names = 1,
			.msg_id = 7, .names = (const void *)g, .iov = empty, .iovcnt = n,
		};
		assert_int_equal(pump(&p, &r, &s, dst), 1);
	}

	/* Refused before anything is written. */
	struct iovec two[2] = { { src, 10 }, { src + 10, 20 } };
	struct ordo_cr_send bad = {
		.kind = ORDO_CR_MSG, .service = ORDO_SVC_FIFO, .n_names = 1,
		.names = (const void *)g, .iov = two, .iovcnt = 2, .len = 31,
	};
	uint64_t head = p.head;
	assert_int_equal(ordo_cr_write_msg(&p, &bad), -EINVAL);  /* sum > */
	bad.len = 29;
	assert_int_equal(ordo_cr_write_msg(&p, &bad), -EINVAL);  /* sum < */
	bad.len = 30;
	bad.payload = src;
	assert_int_equal(ordo_cr_write_msg(&p, &bad), -EINVAL);  /* both */
	bad.payload = NULL;
	two[1].iov_base = NULL;
	assert_int_equal(ordo_cr_write_msg(&p, &bad), -EINVAL);  /* no base */
	two[1].iov_base = src + 10;
	bad.iovcnt = -1;
	assert_int_equal(ordo_cr_write_msg(&p, &bad), -EINVAL);
	bad.iovcnt = 2;
	bad.done = 5;  /* a cursor out of step with done */
	assert_int_equal(ordo_cr_write_msg(&p, &bad), -EINVAL);
	bad.done = 0;
	bad.iov = NULL;  /* a count without elements */
	bad.payload = src;
	assert_int_equal(ordo_cr_write_msg(&p, &bad), -EINVAL);
	assert_true(p.head == head);
	bad.iov = two;
	bad.payload = NULL;
	assert_int_equal(ordo_cr_write_msg(&p, &bad), 0);  /* now right */
	free(src);
	free(dst);
	ordo_cr_region_unmap(&m);
}

/* ------------------------------------------------------------------ */
/* Validation: each rule, broken once, gives its own reason. */

struct vcase {
	const char *what;
	enum ordo_cr_err want;
	void (*edit)(struct ordo_cr_rec *r, struct ordo_cr_ring_ctl *ctl,
		     uint8_t *data);
};

#define E(name, body) \
	static void name(struct ordo_cr_rec *r, struct ordo_cr_ring_ctl *ctl, \
			 uint8_t *data) { (void)r; (void)ctl; (void)data; body; }
E(e_head_far, atomic_store(&ctl->head, 3 * SMALL))
E(e_head_unal, atomic_store(&ctl->head, 4))
E(e_len_short, r->len = 16)
E(e_len_big, r->len = SMALL / 4 + 8)
E(e_len_unpub, r->len += 512)
E(e_kind0, r->kind = 0)
E(e_kind_dir, r->kind = ORDO_CR_MEMBERSHIP)
E(e_kind_big, r->kind = 200)
E(e_reserved, r->reserved = 1)
E(e_flag, r->flags |= 0x80)
E(e_sender, r->flags |= ORDO_CR_F_SENDER)
E(e_aux, r->aux = 5)
E(e_svc0, r->service = 0)
E(e_svc_int, r->service = ORDO_SVC_INTERNAL)
E(e_names0, r->n_names = 0)
E(e_names_over, r->n_names = 200)
E(e_join_two, r->kind = ORDO_CR_JOIN; r->service = 0; r->n_names = 2;
  r->len = 32 + 64; r->msg_len = 0;
  memcpy((char *)(r + 1) + 32, "b", 2))
E(e_name_unterm, memset((char *)(r + 1), 'a', 32))
E(e_name_empty, ((char *)(r + 1))[0] = 0)
E(e_name_space, ((char *)(r + 1))[0] = ' ')
E(e_name_tail, ((char *)(r + 1))[20] = 'x')
E(e_not_first, r->flags &= (uint8_t)~ORDO_CR_F_FIRST; r->n_names = 0)
E(e_not_last, r->flags &= (uint8_t)~ORDO_CR_F_LAST)
E(e_msglen, r->msg_len = ORDO_CR_MAX_MSG + 1)
E(e_frag_off, r->frag_off = 8)
E(e_join_payload, r->kind = ORDO_CR_JOIN; r->service = 0)
E(e_pad_short, r->kind = ORDO_CR_PAD; r->len = 8)

static const struct vcase vcases[] = {
	{ "head beyond tail+size", ORDO_CR_ERR_INDEX, e_head_far },
	{ "head unaligned", ORDO_CR_ERR_INDEX, e_head_unal },
	{ "len below header", ORDO_CR_ERR_LEN, e_len_short },
	{ "len above max_rec", ORDO_CR_ERR_LEN, e_len_big },
	{ "len beyond head", ORDO_CR_ERR_LEN, e_len_unpub },
	{ "kind 0", ORDO_CR_ERR_KIND, e_kind0 },
	{ "deliver kind in submit", ORDO_CR_ERR_KIND, e_kind_dir },
	{ "unknown kind", ORDO_CR_ERR_KIND, e_kind_big },
	{ "reserved", ORDO_CR_ERR_RESERVED, e_reserved },
	{ "unknown flag", ORDO_CR_ERR_RESERVED, e_flag },
	{ "SENDER from client", ORDO_CR_ERR_RESERVED, e_sender },
	{ "aux from client", ORDO_CR_ERR_RESERVED, e_aux },
	{ "service 0", ORDO_CR_ERR_SERVICE, e_svc0 },
	{ "service internal", ORDO_CR_ERR_SERVICE, e_svc_int },
	{ "FIRST without names", ORDO_CR_ERR_NAMES, e_names0 },
	{ "names beyond record", ORDO_CR_ERR_LEN, e_names_over },
	{ "JOIN of two groups", ORDO_CR_ERR_NAMES, e_join_two },
	{ "name unterminated", ORDO_CR_ERR_NAME, e_name_unterm },
	{ "name empty", ORDO_CR_ERR_NAME, e_name_empty },
	{ "name with space", ORDO_CR_ERR_NAME, e_name_space },
	{ "name garbage after NUL", ORDO_CR_ERR_NAME, e_name_tail },
	{ "fragment without FIRST", ORDO_CR_ERR_FRAG, e_not_first },
	{ "message never ends", ORDO_CR_ERR_FRAG, e_not_last },
	{ "msg_len above max_msg", ORDO_CR_ERR_MSG_LEN, e_msglen },
	{ "frag_off of FIRST", ORDO_CR_ERR_FRAG, e_frag_off },
	{ "JOIN with payload", ORDO_CR_ERR_LEN, e_join_payload },
	{ "PAD not to the end", ORDO_CR_ERR_PAD, e_pad_short },
};

/* Name counts at their limits, on rings of the smallest client size: a
 * client may submit to ORDO_CR_MAX_GROUPS groups, a delivery names the
 * sender too; one more is refused by the writer and by the reader. */
static void test_name_counts(void **st)
{
	(void)st;
	static char names[ORDO_CR_MAX_NAMES + 1][ORDO_CR_NAME_LEN];
	static uint8_t buf[ORDO_CR_CLIENT_RING_MIN];
	for (unsigned i = 0; i <= ORDO_CR_MAX_NAMES; i++)
		snprintf(names[i], ORDO_CR_NAME_LEN, "group-%u", i);
	for (int w = ORDO_CR_SUBMIT; w <= ORDO_CR_DELIVER; w++) {
		struct ordo_cr_map m = mk(ORDO_CR_CLIENT_RING_MIN,
					  ORDO_CR_CLIENT_RING_MIN);
		struct ordo_cr_prod p;
		struct ordo_cr_reader r;
		struct ordo_cr_msg msg;
		uint16_t most = w == ORDO_CR_SUBMIT ? ORDO_CR_MAX_GROUPS
						    : ORDO_CR_MAX_NAMES;
		struct ordo_cr_send s = {
			.kind = ORDO_CR_MSG, .service = ORDO_SVC_AGREED,
			.n_names = most, .names = (const void *)names,
			.payload = "x", .len = 1,
		};
		assert_int_equal(ordo_cr_prod_init(&p, &m, w, -1, -1), 0);
		assert_int_equal(ordo_cr_reader_init(&r, &m, w, -1, -1), 0);
		assert_int_equal(ordo_cr_write_msg(&p, &s), 0);
		assert_int_equal(ordo_cr_read(&r, &msg, buf, sizeof(buf)), 1);
		assert_int_equal(msg.hdr.n_names, most);
		assert_string_equal(msg.names[most - 1], names[most - 1]);
		assert_int_equal(msg.payload_len, 1);
		s.n_names = ORDO_CR_MAX_NAMES + 1;
		s.done = 0;
		s.started = false;
		assert_int_equal(ordo_cr_write_msg(&p, &s), -EINVAL);
		if (w == ORDO_CR_SUBMIT) {
			/* a delivery's count is one too many for a submission */
			s.n_names = ORDO_CR_MAX_NAMES;
			assert_int_equal(ordo_cr_write_msg(&p, &s), 0);
			assert_int_equal(ordo_cr_read(&r, &msg, buf, sizeof(buf)),
					 -ORDO_CR_ERR_NAMES);
		}
		ordo_cr_region_unmap(&m);
	}
}

static void test_validation(void **st)
{
	(void)st;
	static uint8_t buf[SMALL];
	for (size_t i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		struct ordo_cr_map m = mk(SMALL, SMALL);
		struct ordo_cr_prod p;
		struct ordo_cr_reader r;
		assert_int_equal(ordo_cr_prod_init(&p, &m, ORDO_CR_SUBMIT, -1, -1), 0);
		assert_int_equal(ordo_cr_reader_init(&r, &m, ORDO_CR_SUBMIT, -1, -1), 0);
		/* a good record, then the one we break, then a good one */
		assert_int_equal(put(&p, 1, 10), 0);
		uint8_t *rec = p.data + (p.head & p.mask);
		assert_int_equal(put(&p, 2, 100), 0);
		/* "message never ends" needs a next record that is not its
		 * continuation */
		assert_int_equal(put(&p, 3, 10), 0);
		struct ordo_cr_msg msg;
		assert_int_equal(ordo_cr_read(&r, &msg, buf, sizeof(buf)), 1);
		vcases[i].edit((void *)rec, p.ctl, p.data);
		/* Some rules show on a later record: a message that never
		 * ends on the next one, a head edit once the cached head is
		 * used up. At most the two good records may come first. */
		int ret, k = 0;
		while ((ret = ordo_cr_read(&r, &msg, buf, sizeof(buf))) == 1 && k < 2)
			k++;
		if (ret != -(int)vcases[i].want)
			fail_msg("%s: got %d (%s), want %s", vcases[i].what, ret,
				 ret < 0 ? ordo_cr_err_name(-ret) : "-",
				 ordo_cr_err_name(vcases[i].want));
		/* sticky, counted, and the region says why */
		assert_int_equal(ordo_cr_read(&r, &msg, buf, sizeof(buf)), ret);
		assert_int_equal(r.errs[vcases[i].want], 1);
		assert_int_equal(atomic_load(&m.hdr->disconnect_reason),
				 ORDO_CR_DISC_RING_CORRUPT);
		assert_int_equal(atomic_load(&m.hdr->disconnect_detail),
				 vcases[i].want);
		assert_true(atomic_load(&m.hdr->daemon_state) & ORDO_CR_STATE_CLOSED);
		ordo_cr_region_unmap(&m);
	}
}

/* The daemon as producer of the delivery ring: a client tail that is
 * impossible stops the producer instead of overwriting unread data. */
static void test_bad_tail(void **st)
{
	(void)st;
	struct ordo_cr_map m = mk(SMALL, SMALL);
	struct ordo_cr_prod p;
	assert_int_equal(ordo_cr_prod_init(&p, &m, ORDO_CR_DELIVER, -1, -1), 0);
	assert_int_equal(put(&p, 1, 100), 0);
	atomic_store(&p.ctl->tail, 1ull << 40);  /* ahead of head */
	while (put(&p, 2, 900) == 0)
		;
	assert_int_equal(p.err, ORDO_CR_ERR_INDEX);
	assert_int_equal(put(&p, 3, 10), -EPIPE);
	ordo_cr_region_unmap(&m);
}

/* A record that is consistent in itself but crosses the ring end (its
 * tail would be read from past the ring) is refused as bad-len; with a
 * PROT_NONE page after the ring, reading it would fault. */
static void test_no_span(void **st)
{
	(void)st;
	static uint8_t buf[SMALL];
	struct ordo_cr_map m = mk(SMALL, SMALL);
	uint8_t *guard = (uint8_t *)m.base + m.deliver_ctl_off;
	assert_int_equal(mprotect(guard, ORDO_CR_CTL_SIZE, PROT_NONE), 0);
	struct ordo_cr_ring_ctl *ctl = (void *)((uint8_t *)m.base + m.submit_ctl_off);
	uint8_t *data = (uint8_t *)m.base + m.submit_data_off;
	atomic_store(&ctl->tail, SMALL - 64);
	struct ordo_cr_reader r;
	assert_int_equal(ordo_cr_reader_init(&r, &m, ORDO_CR_SUBMIT, -1, -1), 0);
	struct ordo_cr_rec *h = (void *)(data + SMALL - 64);
	*h = (struct ordo_cr_rec){ .len = 32 + 32 + 200, .kind = ORDO_CR_MSG,
		.flags = ORDO_CR_F_FIRST | ORDO_CR_F_LAST,
		.service = ORDO_SVC_AGREED, .n_names = 1, .msg_len = 200 };
	cr_name((char *)(h + 1), "g");
	atomic_store(&ctl->head, SMALL - 64 + 264 + 8);
	struct ordo_cr_msg msg;
	assert_int_equal(ordo_cr_read(&r, &msg, buf, sizeof(buf)), -ORDO_CR_ERR_LEN);
	mprotect(guard, ORDO_CR_CTL_SIZE, PROT_READ | PROT_WRITE);
	ordo_cr_region_unmap(&m);
}

/* ------------------------------------------------------------------ */
/* Back-pressure */

struct bp_arg { struct ordo_cr_reader *r; int delay_ms; uint64_t n; };

static void *bp_drain(void *a_)
{
	struct bp_arg *a = a_;
	static uint8_t buf[SMALL];
	struct timespec ts = { 0, a->delay_ms * 1000000L };
	nanosleep(&ts, NULL);
	struct ordo_cr_msg msg;
	while (ordo_cr_read(a->r, &msg, buf, sizeof(buf)) == 1)
		a->n++;
	ordo_cr_reader_release(a->r);
	return NULL;
}

static void test_backpressure(void **st)
{
	(void)st;
	struct ordo_cr_map m = mk(SMALL, SMALL);
	int pe = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int ce = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct ordo_cr_prod p;
	struct ordo_cr_reader r;
	assert_int_equal(ordo_cr_prod_init(&p, &m, ORDO_CR_SUBMIT, pe, ce), 0);
	assert_int_equal(ordo_cr_reader_init(&r, &m, ORDO_CR_SUBMIT, ce, pe), 0);
	/* 128-byte records fill a 4 KiB ring exactly: 32 of them. */
	uint64_t n = 0;
	while (put(&p, n + 1, 64) == 0)
		n++;
	assert_int_equal(n, SMALL / 128);
	assert_int_equal(ordo_cr_prod_free(&p), 0);
	assert_int_equal(put(&p, 99, 64), -EAGAIN);  /* nothing lost, nothing written */
	/* nobody drains: the wait times out */
	assert_int_equal(ordo_cr_prod_wait(&p, 128, 50), 0);
	assert_int_equal(p.wait_timeouts, 1);
	/* a consumer drains 100 ms later: the producer's wait is rung */
	pthread_t t;
	struct bp_arg a = { &r, 100, 0 };
	pthread_create(&t, NULL, bp_drain, &a);
	assert_int_equal(ordo_cr_prod_wait(&p, 128, 5000), 1);
	pthread_join(t, NULL);
	assert_int_equal(a.n, n);
	assert_int_equal(r.cons.doorbells, 1);
	assert_int_equal(p.wait_timeouts, 1);
	assert_int_equal(put(&p, n + 1, 64), 0);
	close(pe);
	close(ce);
	ordo_cr_region_unmap(&m);
}

/* The ring-once-per-sleep rule of the doorbell, deterministically. */
static void test_doorbell_rule(void **st)
{
	(void)st;
	struct ordo_cr_map m = mk(SMALL, SMALL);
	int ce = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct ordo_cr_prod p;
	assert_int_equal(ordo_cr_prod_init(&p, &m, ORDO_CR_SUBMIT, -1, ce), 0);
	assert_int_equal(put(&p, 1, 8), 0);
	assert_int_equal(p.doorbells, 0);          /* awake: no syscall */
	atomic_store(&p.ctl->cons_sleep_seq, 1);   /* consumer asleep */
	assert_int_equal(put(&p, 2, 8), 0);
	assert_int_equal(put(&p, 3, 8), 0);
	assert_int_equal(p.doorbells, 1);          /* once per sleep */
	uint64_t v = 0;
	assert_int_equal(read(ce, &v, 8), 8);
	assert_int_equal(v, 1);
	atomic_store(&p.ctl->cons_sleep_seq, 2);
	assert_int_equal(put(&p, 4, 8), 0);
	assert_int_equal(p.doorbells, 1);
	atomic_store(&p.ctl->cons_sleep_seq, 3);   /* next sleep */
	assert_int_equal(put(&p, 5, 8), 0);
	assert_int_equal(p.doorbells, 2);
	close(ce);
	ordo_cr_region_unmap(&m);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_region),
		cmocka_unit_test(test_wrap_every_offset),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_iov_gather),
		cmocka_unit_test(test_name_counts),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_bad_tail),
		cmocka_unit_test(test_no_span),
		cmocka_unit_test(test_backpressure),
		cmocka_unit_test(test_doorbell_rule),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
