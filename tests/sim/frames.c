/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The checking frame allocator of ordo-sim --frames (frames.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/frames.h"

int sim_frames_init(struct sim_frames *fr, uint32_t mtu)
{
	memset(fr, 0, sizeof(*fr));
	fr->cap_bytes = mtu;
	return 0;
}

void sim_frames_fini(struct sim_frames *fr)
{
	for (uint32_t i = 0; i < fr->n; i++)
		free(fr->f[i].buf);
	free(fr->f);
	free(fr->free_idx);
	memset(fr, 0, sizeof(*fr));
}

static bool violation(struct sim_frames *fr, const char *fmt, ...)
{
	va_list ap;

	if (fr->bad++ == 0) {
		va_start(ap, fmt);
		vsnprintf(fr->why, sizeof(fr->why), fmt, ap);
		va_end(ap);
	}
	return false;
}

static struct sim_frame *lookup(struct sim_frames *fr, uint64_t handle)
{
	uint32_t idx = (uint32_t)handle, gen = (uint32_t)(handle >> 32);

	if (idx >= fr->n || fr->f[idx].gen != gen)
		return NULL;
	return &fr->f[idx];
}

void *sim_frames_get(struct sim_frames *fr, uint32_t owner, uint64_t *handle)
{
	struct sim_frame *f;
	uint32_t idx;

	/* Reuse only past the quarantine: a late read of a released frame
	 * still finds poison, not another packet. */
	if (fr->n_free > SIM_FRAME_QUARANTINE) {
		idx = fr->free_idx[fr->free_head];
		fr->free_head = (fr->free_head + 1) % fr->free_size;
		fr->n_free--;
	} else {
		if (fr->n == fr->size) {
			uint32_t size = fr->size ? 2 * fr->size : 256;
			struct sim_frame *nf = realloc(fr->f, size * sizeof(*nf));

			if (nf == NULL)
				return NULL;
			fr->f = nf;
			fr->size = size;
		}
		f = &fr->f[fr->n];
		f->buf = malloc(fr->cap_bytes);
		if (f->buf == NULL)
			return NULL;
		f->gen = 1;
		idx = fr->n++;
	}
	f = &fr->f[idx];
	f->gen++;
	f->owner = (int32_t)owner;
	*handle = (uint64_t)f->gen << 32 | idx;
	fr->allocs++;
	fr->held[owner]++;
	return f->buf;
}

static void put_free(struct sim_frames *fr, struct sim_frame *f)
{
	uint32_t idx = (uint32_t)(f - fr->f);

	memset(f->buf, SIM_FRAME_POISON, fr->cap_bytes);
	f->owner = SIM_FRAME_FREE;
	f->gen++; /* every old handle is stale now */
	if (fr->n_free == fr->free_size) {
		/* Grow the FIFO, unrolled to start at 0. */
		uint32_t size = fr->free_size ? 2 * fr->free_size : 2048;
		uint32_t *q = malloc(size * sizeof(*q));

		if (q == NULL)
			return; /* the frame is never reused: harmless */
		for (uint32_t k = 0; k < fr->n_free; k++)
			q[k] = fr->free_idx[(fr->free_head + k) % fr->free_size];
		free(fr->free_idx);
		fr->free_idx = q;
		fr->free_size = size;
		fr->free_head = 0;
	}
	fr->free_idx[(fr->free_head + fr->n_free) % fr->free_size] = idx;
	fr->n_free++;
}

bool sim_frames_release(struct sim_frames *fr, uint32_t idx, uint64_t handle)
{
	struct sim_frame *f = lookup(fr, handle);

	if (f == NULL || f->owner != (int32_t)idx)
		return violation(fr, "node %u released frame %#llx it does not "
				 "hold (%s)", idx + 1, (unsigned long long)handle,
				 f == NULL ? "stale handle: released before"
					   : "another node's");
	fr->held[idx]--;
	fr->releases++;
	put_free(fr, f);
	return true;
}

bool sim_frames_check(struct sim_frames *fr, uint32_t idx, uint64_t handle,
		      const void *pkt, uint32_t len)
{
	struct sim_frame *f = lookup(fr, handle);
	const uint8_t *p = pkt;

	if (f == NULL || f->owner != (int32_t)idx)
		return violation(fr, "node %u sent from frame %#llx it does not "
				 "hold", idx + 1, (unsigned long long)handle);
	if (p < f->buf || len > fr->cap_bytes ||
	    (size_t)(p - f->buf) > fr->cap_bytes - len)
		return violation(fr, "node %u sent %u bytes outside frame %#llx",
				 idx + 1, len, (unsigned long long)handle);
	return true;
}

bool sim_frames_offered(struct sim_frames *fr, uint32_t idx, uint64_t handle,
			bool kept)
{
	struct sim_frame *f = lookup(fr, handle);

	/* Offered as the engine's (sim_frames_get), so a release inside the
	 * call (delivered and stable at once) is an ordinary one. */
	if (kept) {
		fr->kept++;
		return true;
	}
	if (f == NULL || f->owner != (int32_t)idx)
		return violation(fr, "node %u released frame %#llx it did not "
				 "keep", idx + 1, (unsigned long long)handle);
	fr->held[idx]--;
	fr->allocs--;
	put_free(fr, f);
	return true;
}
