/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A small main for fuzz_reader.c where libFuzzer is missing, until the
 * shared driver of tests/fuzz takes over (then drop this file and link
 * that one: the target has only LLVMFuzzerTestOneInput).
 *
 *   fuzz_client_reader [-r N] [-s seed] [file ...]
 * Runs each file once, then N inputs made from valid rings (random
 * records written by the real producer at a random offset) with a few
 * mutations each: bytes, a length or kind field, the head.
 */
#ifdef ORDO_CR_OWN_FUZZ_MAIN
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define RING (4u << 10)

static size_t make_input(uint8_t *in, uint64_t *s)
{
	/* A valid ring written by the producer at a random start. */
	static struct ordo_cr_map m;
	if (!m.base) {
		struct ordo_cr_params p = { .submit_size = RING, .deliver_size = RING };
		if (ordo_cr_region_create(&m, &p))
			abort();
	}
	struct ordo_cr_ring_ctl *ctl = (void *)((uint8_t *)m.base + m.submit_ctl_off);
	uint8_t *data = (uint8_t *)m.base + m.submit_data_off;
	uint64_t x = cr_rnd(s);
	uint64_t tail = (x & 0xffff) * 8;
	memset(data, 0, RING);
	atomic_store(&ctl->head, tail);
	atomic_store(&ctl->tail, tail);
	struct ordo_cr_prod p;
	ordo_cr_prod_init(&p, &m, ORDO_CR_SUBMIT, -1, -1);
	char g[3][ORDO_CR_NAME_LEN];
	cr_name(g[0], "a");
	cr_name(g[1], "group-two");
	cr_name(g[2], "#p#h");
	static uint8_t pay[3 * RING];
	for (unsigned k = (unsigned)(cr_rnd(s) % 12); k > 0; k--) {
		uint64_t y = cr_rnd(s);
		struct ordo_cr_send snd = {
			.kind = (y & 7) == 0 ? ORDO_CR_JOIN : (y & 7) == 1 ? ORDO_CR_LEAVE
								    : ORDO_CR_MSG,
			.n_names = (uint8_t)(1 + (y >> 3) % 3),
			.names = (const void *)g, .msg_id = y >> 8,
		};
		if (snd.kind == ORDO_CR_MSG) {
			snd.service = (uint8_t)(1 + (y >> 5) % 6);
			snd.len = (uint32_t)((y >> 10) % ((y >> 40) % 4 ? 200 : 2500));
			snd.payload = pay;
		}
		if (ordo_cr_write_msg(&p, &snd))
			break;
	}
	uint64_t span = p.head - tail;
	memcpy(in, &tail, 8);
	memcpy(in + 8, &span, 8);
	in[16] = (uint8_t)(cr_rnd(s) & 2);  /* submit ring, maybe peek too */
	/* The ring in input order: offset 0 of the input is offset 0. */
	memcpy(in + 17, data, RING);
	/* mutations */
	for (unsigned k = (unsigned)(cr_rnd(s) % 4); k > 0; k--) {
		uint64_t y = cr_rnd(s);
		size_t at = 17 + (size_t)((y >> 8) % RING);
		switch (y % 7) {
		case 0: in[at] ^= (uint8_t)(1u << ((y >> 40) % 8)); break;
		case 1: in[at] = (uint8_t)(y >> 48); break;
		case 2: { uint32_t v = (uint32_t)(y >> 32) % (2 * RING);
			  memcpy(in + 17 + ((tail + ((y >> 20) % (span + 1))) & (RING - 8)),
				 &v, 4); break; }
		case 3: span += ((y >> 20) % 64) * 8 - 256; memcpy(in + 8, &span, 8); break;
		case 4: in[17 + ((tail & (RING - 1)) + 4) % RING] = (uint8_t)(y >> 50) % 8; break;
		case 5: { /* the first record grows, consistently: len and
			   * msg_len agree, only the bounds can refuse it */
			  uint8_t *r = in + 17 + (tail & (RING - 1));
			  if (r + 32 > in + 17 + RING)
				  break;
			  uint32_t pl = (uint32_t)(y >> 20) % RING;
			  uint32_t len = 32 + r[7] * 32u + pl;
			  memcpy(r, &len, 4);
			  memcpy(r + 12, &pl, 4);
			  r[5] = ORDO_CR_F_FIRST | ORDO_CR_F_LAST;
			  if ((y >> 60) & 1) {  /* and is published */
				  span = (span > ORDO_CR_ALIGN(len) ? span : ORDO_CR_ALIGN(len));
				  memcpy(in + 8, &span, 8);
			  }
			  break; }
		default: break;  /* some stay valid */
		}
	}
	return 17 + RING;
}

int main(int argc, char **argv)
{
	uint64_t runs = 0, seed = 0x5eed;
	static uint8_t in[17 + RING];
	int i;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-r") && i + 1 < argc)
			runs = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else {
			FILE *f = fopen(argv[i], "rb");
			if (!f) { perror(argv[i]); return 1; }
			size_t n = fread(in, 1, sizeof(in), f);
			fclose(f);
			LLVMFuzzerTestOneInput(in, n);
		}
	}
	for (uint64_t r = 0; r < runs; r++) {
		size_t n = make_input(in, &seed);
		LLVMFuzzerTestOneInput(in, n);
	}
	printf("fuzz_client_reader: %llu generated inputs, seed 0x%llx: ok\n",
	       (unsigned long long)runs, (unsigned long long)seed);
	return 0;
}
#endif
