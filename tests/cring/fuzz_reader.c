/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Fuzz target of the daemon's validating reader (lib/cring/cring.c):
 * whatever a client leaves in its submit ring, the reader returns only
 * records that keep the rules, or stops with a reason; it never reads
 * outside the ring (the page after it is PROT_NONE) and never loops.
 *
 * Input: u64 tail, u64 head - tail, u8 mode (bit 0: read as the delivery
 * ring; bit 1: also run the trusting peek path; bit 2: read in place,
 * ordo_cr_read_in_place), then the ring's bytes
 * (a 4 KiB ring; shorter inputs leave zeros, longer are cut).
 *
 * Built with libFuzzer (clang) or with the shared driver of
 * tests/fuzz/driver (gcc); either way its mutator, which writes valid
 * rings and breaks their rules, is fuzz_reader_mutate.c.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/cring/cring.h"
#include "tests/fuzz/driver/fuzz_target.h"

#define RING (4u << 10)
/* Say which check failed, then crash (the fuzzer keeps the input). */
#define FAIL() (fprintf(stderr, "fuzz_reader.c:%d: check failed\n", __LINE__), abort())

static struct ordo_cr_map map;
static uint8_t buf[RING];

static void setup(void)
{
	struct ordo_cr_params p = { .submit_size = RING, .deliver_size = RING };
	if (ordo_cr_region_create(&map, &p))
		FAIL();
	/* A guard page after the region (the delivery ring is last in it);
	 * the submit ring's guard is the delivery control page, closed while
	 * the submit ring is read. */
	uint8_t *g = mmap(NULL, map.size + 4096, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g == MAP_FAILED ||
	    mmap(g, map.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 map.fd, 0) != g)
		FAIL();
	munmap(map.base, map.size);
	map.base = g;
	map.hdr = (void *)g;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (!map.base)
		setup();
	uint64_t tail = 0, span = 0;
	uint8_t mode = 0;
	if (n >= 8) memcpy(&tail, d, 8);
	if (n >= 16) memcpy(&span, d + 8, 8);
	if (n >= 17) mode = d[16];
	d += n < 17 ? n : 17;
	n -= n < 17 ? n : 17;
	tail &= ~7ull;  /* the reader's own tail is always aligned */
	enum ordo_cr_which w = (mode & 1) ? ORDO_CR_DELIVER : ORDO_CR_SUBMIT;
	uint8_t *base = map.base;
	struct ordo_cr_ring_ctl *ctl = (void *)(base + (w == ORDO_CR_SUBMIT ?
				map.submit_ctl_off : map.deliver_ctl_off));
	uint8_t *data = base + (w == ORDO_CR_SUBMIT ? map.submit_data_off
						     : map.deliver_data_off);
	uint8_t *guard = base + map.deliver_ctl_off;
	memset(data, 0, RING);
	memcpy(data, d, n < RING ? n : RING);
	atomic_store(&ctl->tail, tail);
	atomic_store(&ctl->head, tail + span);

	struct ordo_cr_reader r;
	if (ordo_cr_reader_init(&r, &map, w, -1, -1))
		FAIL();
	if (w == ORDO_CR_SUBMIT && mprotect(guard, ORDO_CR_CTL_SIZE, PROT_NONE))
		FAIL();
	unsigned reads = 0;
	for (;;) {
		struct ordo_cr_msg m;
		int ret = (mode & 4) ? ordo_cr_read_in_place(&r, &m, buf,
							      sizeof(buf))
				     : ordo_cr_read(&r, &m, buf, sizeof(buf));
		if (ret <= 0) {
			if (ret < 0 && ((int)r.err != -ret || r.errs[-ret] != 1))
				FAIL();
			break;
		}
		if (++reads > RING / 8)
			FAIL();  /* every record consumes at least 8 bytes */
		const struct ordo_cr_rec *h = &m.hdr;
		if (h->len < 32 || h->len > map.max_rec ||
		    m.payload_len + 32u + h->n_names * 32u != h->len ||
		    h->kind == 0 || h->kind == ORDO_CR_PAD || h->kind >= ORDO_CR_KIND_MAX)
			FAIL();
		/* Name counts: at most the groups (submit) or the groups and
		 * the sender (deliver); exactly one for all but a message. */
		if (h->n_names > (w == ORDO_CR_SUBMIT ? ORDO_CR_MAX_GROUPS
						       : ORDO_CR_MAX_NAMES) ||
		    (h->n_names && h->kind != ORDO_CR_MSG && h->n_names != 1))
			FAIL();
		for (unsigned i = 0; i < h->n_names; i++)
			if (!memchr(m.names[i], 0, ORDO_CR_NAME_LEN) || !m.names[i][0])
				FAIL();
		/* touch the payload: it must be inside buf, or in place
		 * inside the ring's data */
		if ((mode & 4) && m.payload_len &&
		    (m.payload < data || m.payload + m.payload_len > data + RING))
			FAIL();
		volatile uint8_t sum = 0;
		for (uint32_t i = 0; i < m.payload_len; i++)
			sum ^= m.payload[i];
		(void)sum;
	}
	ordo_cr_reader_release(&r);

	if (mode & 2) {  /* the trusting fast path must be bounded too */
		struct ordo_cr_cons c;
		if (ordo_cr_cons_init(&c, &map, w, -1, -1))
			FAIL();
		const struct ordo_cr_rec *rec;
		unsigned k = 0;
		while ((rec = ordo_cr_peek(&c)) != NULL) {
			if ((const uint8_t *)rec < data ||
			    (const uint8_t *)rec + rec->len > data + RING || ++k > RING / 8)
				FAIL();
			ordo_cr_advance(&c, rec->len);
		}
	}
	if (w == ORDO_CR_SUBMIT && mprotect(guard, ORDO_CR_CTL_SIZE,
					    PROT_READ | PROT_WRITE))
		FAIL();
	return 0;
}
