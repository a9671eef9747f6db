/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Packet buffers for packets in flight in the simulated network. The engine
 * owns the bytes it passes to ops->send(), so the network copies each packet
 * once into a pktbuf; a multicast shares that copy between its receivers by
 * reference count. Buffers come from a free list refilled in slabs, so the
 * steady state does not call malloc.
 */
#ifndef SIM_PKTBUF_H
#define SIM_PKTBUF_H

#include <stdint.h>

#include "ordo/wire.h"

struct pktbuf {
	struct pktbuf *next; /* free list link */
	uint32_t refs;
	uint32_t len;
	uint32_t hostile; /* injected by the hostile fault (hostile.h) */
	uint8_t data[ORDO_WIRE_MAX_MTU];
};

struct pktpool {
	struct pktbuf *free;
	void **slabs;
	uint32_t n_slabs, cap_slabs;
	uint32_t in_use; /* buffers handed out and not yet put back */
};

void pktpool_init(struct pktpool *p);
void pktpool_fini(struct pktpool *p);

/* A buffer holding a copy of len (<= ORDO_WIRE_MAX_MTU) bytes, one
 * reference; NULL when out of memory. */
struct pktbuf *pktpool_get(struct pktpool *p, const void *bytes, uint32_t len);

static inline void pktbuf_ref(struct pktbuf *b)
{
	b->refs++;
}

/* Drop one reference; the last one returns the buffer to the pool. */
void pktpool_put(struct pktpool *p, struct pktbuf *b);

#endif /* SIM_PKTBUF_H */
