/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What the client worker tests share (test_cworker.c, test_cworkers.c):
 * a gateway slot made an attached client without ordo-ctrld (its region,
 * delivery and overflow rings in this process), and that client's reader,
 * which checks what it reads: messages numbered 0, 1, 2 ... of PLEN bytes
 * (the number first, its low byte last), each client getting those its
 * test's for_client() says, in order, once; membership records counted.
 */
#ifndef ORDO_TESTS_CW_CLIENTS_H
#define ORDO_TESTS_CW_CLIENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "dataplane/gateway/gateway.h"
#include "lib/cring/cring.h"
#include "tests/dataplane/null_ring.h"

/* EAL for test `name`, a pool with room for a frame in every item, and
 * an idle gateway of one node for the workers. 0, or -1 said. */
static inline int cw_rig_init(const char *argv0, const char *name,
			      struct rte_mempool **pool, struct dp_gateway *gw)
{
	struct dp_gw_params gp;

	if (null_ring_eal(argv0, name) < 0) {
		fprintf(stderr, "%s: EAL failed\n", name);
		return -1;
	}
	*pool = rte_pktmbuf_pool_create(name, 8191, 0, 0, 2048,
					(int)rte_socket_id());
	null_ring_gw_params(&gp);
	if (*pool == NULL || dp_gw_init(gw, &gp) < 0) {
		fprintf(stderr, "%s: set-up failed\n", name);
		return -1;
	}
	return 0;
}

struct cw_reader {
	struct ordo_cr_cons cons;
	uint64_t last_id;
	uint32_t next_msg;   /* the next message number it must see */
	uint32_t msgs, memb; /* messages and membership records read */
	uint32_t bad;        /* out of order, wrong payload */
};

/* Slot c attached, with a delivery ring of deliver_size bytes; r reads
 * it from the start. */
static inline void cw_client_attach(struct dp_client *c, struct cw_reader *r,
				    uint32_t deliver_size)
{
	struct ordo_cr_params p = { .submit_size = 1u << 16,
				    .deliver_size = deliver_size };
	struct ordo_cr_params op = { .submit_size = 4096,
				     .deliver_size = 1u << 16 };

	memset(c, 0, sizeof(*c));
	assert_int_equal(ordo_cr_region_create(&c->map, &p), 0);
	assert_int_equal(ordo_cr_region_create(&c->ovf_map, &op), 0);
	assert_int_equal(ordo_cr_prod_init(&c->dl, &c->map, ORDO_CR_DELIVER,
					   -1, -1), 0);
	assert_int_equal(ordo_cr_prod_init(&c->ovf_p, &c->ovf_map,
					   ORDO_CR_DELIVER, -1, -1), 0);
	assert_int_equal(ordo_cr_cons_init(&c->ovf_c, &c->ovf_map,
					   ORDO_CR_DELIVER, -1, -1), 0);
	c->ovf_p.max_rec = c->dl.max_rec;
	c->ovf_c.max_rec = c->dl.max_rec;
	c->client_efd = c->daemon_efd = -1;
	c->flags = ORDO_CP_F_MEMBERSHIP;
	c->state = DP_SLOT_ACTIVE;
	c->w_live = true;
	memset(r, 0, sizeof(*r));
	assert_int_equal(ordo_cr_cons_init(&r->cons, &c->map, ORDO_CR_DELIVER,
					   -1, -1), 0);
}

/* The same with a submit side: the reader the worker uses (its record
 * and reassembly buffers) and sub, the producer the client writes with. */
static inline void cw_client_attach_submit(struct dp_client *c,
					   struct cw_reader *r,
					   struct ordo_cr_prod *sub,
					   uint32_t client_id)
{
	cw_client_attach(c, r, 1u << 16);
	c->client_id = client_id;
	assert_int_equal(ordo_cr_reader_init(&c->rd, &c->map, ORDO_CR_SUBMIT,
					     -1, -1), 0);
	assert_int_equal(ordo_cr_prod_init(sub, &c->map, ORDO_CR_SUBMIT, -1,
					   -1), 0);
	c->rbuf = malloc(c->map.max_rec);
	c->msg = malloc((size_t)ORDO_CR_MAX_NAMES * ORDO_CR_NAME_LEN +
			c->map.max_msg);
	assert_non_null(c->rbuf);
	assert_non_null(c->msg);
}

/* The client writes message i of len bytes to group "grp" (msg_type its
 * slot s; the payload the number first, then the byte i + s). */
static inline void cw_client_send(struct ordo_cr_prod *sub, uint32_t s,
				  uint32_t i, uint32_t len)
{
	char name[1][ORDO_CR_NAME_LEN] = { "grp" };
	uint8_t *p = malloc(len);
	struct ordo_cr_send x = {
		.kind = ORDO_CR_MSG,
		.service = ORDO_SVC_AGREED,
		.n_names = 1,
		.msg_type = (int16_t)s,
		.msg_id = i,
		.names = (const char (*)[ORDO_CR_NAME_LEN])name,
		.payload = p,
		.len = len,
	};

	assert_non_null(p);
	memset(p, (int)(uint8_t)(i + s), len);
	memcpy(p, &i, sizeof(i));
	assert_int_equal(ordo_cr_write_msg(sub, &x), 0);
	free(p);
}

static inline void cw_client_detach(struct dp_client *c)
{
	ordo_cr_region_unmap(&c->map);
	ordo_cr_region_unmap(&c->ovf_map);
}

/* Everything client s can read now, checked against for_client(i, s)
 * over msgs messages of plen bytes. */
static inline void cw_client_read_all(struct cw_reader *r, uint32_t s,
				      uint32_t msgs, uint32_t plen,
				      bool (*for_client)(uint32_t, uint32_t))
{
	const struct ordo_cr_rec *rec;

	while ((rec = ordo_cr_peek(&r->cons)) != NULL) {
		const uint8_t *pl = (const uint8_t *)(rec + 1) +
				    (size_t)rec->n_names * ORDO_CR_NAME_LEN;
		uint32_t i;

		if (rec->msg_id <= r->last_id)
			r->bad++;
		r->last_id = rec->msg_id;
		if (rec->kind == ORDO_CR_MEMBERSHIP) {
			r->memb++;
		} else if (rec->kind == ORDO_CR_MSG) {
			memcpy(&i, pl, sizeof(i));
			while (r->next_msg < msgs && !for_client(r->next_msg, s))
				r->next_msg++;
			if (i != r->next_msg || rec->msg_len != plen ||
			    pl[plen - 1] != (uint8_t)i)
				r->bad++;
			r->next_msg++;
			r->msgs++;
		} else {
			r->bad++;
		}
		ordo_cr_advance(&r->cons, rec->len);
	}
	ordo_cr_release(&r->cons);
}

#endif /* ORDO_TESTS_CW_CLIENTS_H */
