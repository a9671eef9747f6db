/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Fuzz target of libordo's receive paths, the copy (ordo_receive) and the
 * zero-copy view (ordo_receive_view), over whatever a daemon leaves in a
 * client's delivery ring: every event handed out has its names and data
 * inside the ring (a view), the library's reassembly buffer (a view of a
 * fragmented event) or the caller's buffer (a copy); while a view is
 * held the tail published to the daemon stays before it; nothing is read
 * outside the ring (the page after it is PROT_NONE; ASan and UBSan watch
 * the rest); a broken record ends in ORDO_ERR_PROTO, never a loop.
 *
 * Input: u64 tail, u64 head - tail, u8 mode, then the ring's bytes (a
 * 4 KiB ring, so a record is at most 1 KiB and larger events go in
 * fragments). mode: bits 0-1 how to receive (views, copies, alternating,
 * views with ordo_pending() between), bit 2 ORDO_CONNECT_MEMBERSHIP.
 * The region is marked closed by the daemon, so the library never
 * sleeps: it takes what is there, then says ORDO_ERR_CLOSED.
 *
 * The mutator writes valid delivery rings with the real producer
 * (messages with sender and groups, memberships, rejects, fragmented or
 * not) and breaks one thing in them, or leaves the input to the fuzzer's
 * own mutations. Built as tests/cring's reader target is (libFuzzer with
 * clang, else the shared driver under ASan and UBSan).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "client/libordo/client.h"
#include "tests/fuzz/driver/fuzz_target.h"

#define RING (4u << 10)
#define HDR 17u /* tail, span, mode */
#define FAIL() (fprintf(stderr, "fuzz_receive.c:%d: check failed\n", __LINE__), abort())

static struct ordo_cr_map map;
static ordo_client cl;
static uint8_t ubuf[4 * RING];

static void setup(void)
{
	struct ordo_cr_params p = { .submit_size = RING, .deliver_size = RING };

	if (ordo_cr_region_create(&map, &p))
		FAIL();
	/* A guard page after the region: the delivery ring is last in it. */
	uint8_t *g = mmap(NULL, map.size + 4096, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g == MAP_FAILED ||
	    mmap(g, map.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 map.fd, 0) != g)
		FAIL();
	munmap(map.base, map.size);
	map.base = g;
	map.hdr = (void *)g;
	ordo_cr_region_disconnect(&map, ORDO_CR_DISC_DAEMON_EXIT, 0);
}

static bool inside(const void *p, size_t n, const void *lo, size_t len)
{
	const uint8_t *a = p, *b = lo;
	return a >= b && n <= len && (size_t)(a - b) <= len - n;
}

/* Every byte of an event is where it may be; read them all. */
static void check_event(const struct ordo_event *ev, const uint8_t *data,
			bool view)
{
	size_t nb = (size_t)ev->n_groups * ORDO_NAME_LEN;
	volatile uint8_t sum = 0;

	if (ev->n_groups < 0)
		FAIL();
	if (view) {
		if (!inside(ev->groups, nb, data, RING) &&
		    !inside(ev->groups, nb, cl.view_buf, cl.view_cap))
			FAIL();
		if (!inside(ev->data, ev->len, data, RING) &&
		    !inside(ev->data, ev->len, cl.view_buf, cl.view_cap))
			FAIL();
	} else if (!inside(ev->groups, nb, ubuf, sizeof(ubuf)) ||
		   !inside(ev->data, ev->len, ubuf, sizeof(ubuf))) {
		FAIL();
	}
	for (size_t i = 0; i < nb; i++)
		sum ^= ((const uint8_t *)ev->groups)[i];
	for (size_t i = 0; i < ev->len; i++)
		sum ^= ((const uint8_t *)ev->data)[i];
	if (!memchr(ev->sender, 0, ORDO_NAME_LEN))
		FAIL();
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (!map.base)
		setup();
	uint64_t tail = 0, span = 0;
	uint8_t mode = 0;
	if (n >= 8) memcpy(&tail, d, 8);
	if (n >= 16) memcpy(&span, d + 8, 8);
	if (n >= HDR) mode = d[16];
	d += n < HDR ? n : HDR;
	n -= n < HDR ? n : HDR;
	tail &= ~7ull; /* the client's own tail is always aligned */
	uint8_t *base = map.base;
	struct ordo_cr_ring_ctl *ctl = (void *)(base + map.deliver_ctl_off);
	uint8_t *data = base + map.deliver_data_off;
	memset(data, 0, RING);
	memcpy(data, d, n < RING ? n : RING);
	atomic_store(&ctl->tail, tail);
	atomic_store(&ctl->head, tail + span);

	free(cl.view_buf);
	memset(&cl, 0, sizeof(cl));
	cl.sock = cl.efd = cl.daemon_efd = -1;
	cl.map = map;
	cl.flags = (mode & 4) ? ORDO_CONNECT_MEMBERSHIP : 0;
	strcpy(cl.private_group, "#fz#fuzz");
	strcpy(cl.daemon, "fuzz");
	if (ordo_cr_cons_init(&cl.cons, &cl.map, ORDO_CR_DELIVER, -1, -1))
		FAIL();

	for (unsigned i = 0;; i++) {
		struct ordo_event ev;
		bool view = (mode & 3) == 0 || (mode & 3) == 3 ||
			    ((mode & 3) == 2 && (i & 1));
		int rc = view ? ordo_receive_view(&cl, &ev, 0)
			      : ordo_receive(&cl, &ev, ubuf, sizeof(ubuf), 0);
		if (i > RING / 8 + 2)
			FAIL(); /* every event consumes 8 bytes at least */
		uint64_t pub = atomic_load(&ctl->tail);
		if (pub < tail || pub > ordo_cr_cons_pos(&cl.cons) ||
		    (cl.view_held && pub > cl.view_pos))
			FAIL();
		if (rc < 0) {
			if (rc != ORDO_ERR_CLOSED && rc != ORDO_ERR_PROTO &&
			    rc != ORDO_ERR_BUFFER && rc != ORDO_ERR_NOMEM)
				FAIL();
			if (rc == ORDO_ERR_PROTO &&
			    ordo_receive_view(&cl, &ev, 0) != ORDO_ERR_PROTO)
				FAIL(); /* broken stays broken */
			break;
		}
		if ((size_t)rc != ev.len)
			FAIL();
		check_event(&ev, data, view);
		if ((mode & 3) == 3) {
			int pend = ordo_pending(&cl);
			if (pend < 0 && pend != ORDO_ERR_CLOSED &&
			    pend != ORDO_ERR_PROTO)
				FAIL();
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Mutator */

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* A valid delivery ring, written by the producer from a random start. */
static size_t make_ring(uint8_t *in, struct fuzz_rng *r)
{
	static struct ordo_cr_map m;
	static uint8_t pay[3 * RING];
	char names[4][ORDO_CR_NAME_LEN] = { "#s#fuzz", "g1", "#fz#fuzz", "g3" };
	struct ordo_cr_prod p;

	if (m.base == NULL) {
		struct ordo_cr_params prm = { .submit_size = RING,
					      .deliver_size = RING };

		if (ordo_cr_region_create(&m, &prm) != 0)
			abort();
	}
	struct ordo_cr_ring_ctl *ctl = (void *)((uint8_t *)m.base + m.deliver_ctl_off);
	uint8_t *data = (uint8_t *)m.base + m.deliver_data_off;
	uint64_t tail = (uint64_t)fuzz_rng_below(r, 4 * RING) & ~7ull;
	memset(data, 0, RING);
	atomic_store(&ctl->head, tail);
	atomic_store(&ctl->tail, tail);
	if (ordo_cr_prod_init(&p, &m, ORDO_CR_DELIVER, -1, -1) != 0)
		abort();
	for (unsigned k = 0, nrec = 1 + (unsigned)fuzz_rng_below(r, 6); k < nrec; k++) {
		struct ordo_cr_send s = { .msg_id = k + 1 };
		uint32_t len = (uint32_t)fuzz_rng_below(r, fuzz_rng_below(r, 2) ? 64
									 : 2 * RING);
		switch (fuzz_rng_below(r, 3)) {
		case 0: /* a message: the sender, then 1..3 groups */
			s.kind = ORDO_CR_MSG;
			s.service = (uint8_t)(1 + fuzz_rng_below(r, 6));
			s.flags = ORDO_CR_F_SENDER;
			s.n_names = (uint16_t)(2 + fuzz_rng_below(r, 3));
			s.names = (const char (*)[ORDO_CR_NAME_LEN])names;
			for (uint32_t i = 0; i < len; i++)
				pay[i] = (uint8_t)fuzz_rng_next(r);
			break;
		case 1: { /* a membership: members, then a body */
			uint32_t nm = (uint32_t)fuzz_rng_below(r, 80);
			uint32_t body = (uint32_t)fuzz_rng_below(r, 64);
			struct ordo_cr_memb mh = { nm, body };

			s.kind = ORDO_CR_MEMBERSHIP;
			s.n_names = 1;
			s.names = (const char (*)[ORDO_CR_NAME_LEN])&names[1];
			s.aux = 0x1100;
			len = (uint32_t)sizeof(mh) + nm * ORDO_CR_NAME_LEN + body;
			memcpy(pay, &mh, sizeof(mh));
			for (uint32_t i = 0; i < nm; i++)
				snprintf((char *)pay + sizeof(mh) + i * ORDO_CR_NAME_LEN,
					 ORDO_CR_NAME_LEN, "#m%u#fuzz", i);
			memset(pay + sizeof(mh) + nm * ORDO_CR_NAME_LEN, 'b', body);
			break;
		}
		default: /* a reject of one of ours: the groups, no payload */
			s.kind = ORDO_CR_REJECT;
			s.service = 5;
			s.n_names = 1;
			s.names = (const char (*)[ORDO_CR_NAME_LEN])&names[1];
			s.aux = (uint32_t)-90;
			len = 0;
			break;
		}
		s.payload = pay;
		s.len = len;
		if (ordo_cr_write_msg(&p, &s) != 0)
			break; /* full: what fits is the ring */
	}
	ordo_cr_commit(&p);
	put64(in, tail);
	put64(in + 8, p.head - tail);
	in[16] = (uint8_t)fuzz_rng_next(r);
	memcpy(in + HDR, data, RING);
	return HDR + RING;
}

size_t LLVMFuzzerCustomMutator(uint8_t *d, size_t size, size_t max_size,
			       unsigned int seed)
{
	struct fuzz_rng r;

	fuzz_rng_seed(&r, seed);
	if (max_size < HDR + RING)
		return LLVMFuzzerMutate(d, size, max_size);
	if (size < HDR + RING || fuzz_rng_below(&r, 4) == 0)
		return make_ring(d, &r);
	uint8_t *ring = d + HDR;
	uint64_t tail = get64(d) & ~7ull;
	switch (fuzz_rng_below(&r, 6)) {
	case 0: /* one byte anywhere in the ring */
		ring[fuzz_rng_below(&r, RING)] = (uint8_t)fuzz_rng_next(&r);
		break;
	case 1: { /* a field of the first record: len, n_names, msg_len, ... */
		size_t at = (tail & (RING - 1)) + fuzz_rng_below(&r, 32);
		if (at < RING)
			ring[at] ^= (uint8_t)(1u << fuzz_rng_below(&r, 8));
		break;
	}
	case 2: /* the published span */
		put64(d + 8, get64(d + 8) + (uint64_t)fuzz_rng_below(&r, 64) - 32);
		break;
	case 3: /* the mode */
		d[16] = (uint8_t)fuzz_rng_next(&r);
		break;
	case 4: { /* a 32-bit field at an aligned place (a later record's) */
		size_t at = fuzz_rng_below(&r, RING / 4) * 4;
		uint32_t v = (uint32_t)fuzz_rng_next(&r);
		if (fuzz_rng_below(&r, 2))
			v &= 0xfff;
		memcpy(ring + at, &v, 4);
		break;
	}
	default:
		return LLVMFuzzerMutate(d, size, max_size);
	}
	return size;
}
