/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The gateway's submission side: a client's submit ring -> the validating
 * reader -> access policy -> the group layer -> the engine. On the ring
 * lcore, in the poll loop: no allocation, no lock, no syscall (a doorbell
 * write to a client that sleeps waiting for room is the one exception, and
 * only then).
 *
 * The reader copies each record's header and names into the client's
 * record buffer before anything looks at them (the client may scribble on
 * the ring at any time), so what is validated is what is used. The
 * payload it leaves in the ring (ordo_cr_read_in_place): nothing here
 * reads it, its length is the validated one, and its one copy is the
 * engine's, straight into the packet it will be sent in (engine/submit.c)
 * before the ring space is released at the end of the turn. Fragments are
 * gathered in the client's reassembly buffer: names first, then the
 * payload at its fragment offset (the one copy out of the ring; the
 * engine's is a second). A message the engine cannot take yet (-EAGAIN)
 * stays "pending" and the client's ring is not read further until it
 * went: its payload is copied behind its names in the record buffer
 * (the ring space goes back), and the client's order is kept.
 */
#include <errno.h>
#include <string.h>

#include "lib/conf/conf.h"
#include "dataplane/gateway/gateway_impl.h"

#define SERVE_BUDGET 256u /* records per client per turn: fairness */

static bool allowed(const struct dp_gateway *gw, struct dp_client *c,
		    const char *group, uint32_t op)
{
	bool ok;

	if (gw->conf == NULL || gw->conf->n_access == 0)
		return true;
	/* Point-to-point answers to a client's private group are always
	 * allowed: the Access rules are about named groups. */
	if (op == ORDO_ACCESS_SEND && group[0] == '#')
		return true;
	/* A sender mostly sends to the group it sent to last: remember that
	 * answer, so the rules (fnmatch over the blocks) run once per
	 * change of group, not once per message. */
	if (op == ORDO_ACCESS_SEND && c->send_ok_valid &&
	    strncmp(c->send_ok_group, group, ORDO_CR_NAME_LEN) == 0)
		return c->send_ok;
	ok = ordo_conf_access_check(gw->conf, group, c->uid, c->gid, op) == 0;
	if (op == ORDO_ACCESS_SEND) {
		memcpy(c->send_ok_group, group, ORDO_CR_NAME_LEN);
		c->send_ok = ok;
		c->send_ok_valid = true;
	}
	return ok;
}

/* REJECT record for one of the client's requests (include/ordo/
 * client_ring.h): aux = -errno, msg_id echoed, names[0] the group. */
static void reject(struct dp_gateway *gw, struct dp_client *c,
		   const struct ordo_cr_msg *m, int err)
{
	char name[ORDO_CR_NAME_LEN];
	struct ordo_cr_send s = {
		.kind = ORDO_CR_REJECT,
		.n_names = 1,
		.msg_type = m->hdr.msg_type,
		.aux = (uint32_t)err,
		.msg_id = m->hdr.msg_id,
		.names = (const char (*)[ORDO_CR_NAME_LEN])name,
	};

	memset(name, 0, sizeof(name));
	if (m->hdr.n_names > 0 && m->names != NULL)
		memcpy(name, m->names[0], sizeof(name));
	else
		memcpy(name, "?", 2);
	c->rejected++;
	if (err == -EACCES)
		gw->st.rejected_access++;
	else if (err == -EMSGSIZE)
		gw->st.rejected_size++;
	else
		gw->st.rejected_other++;
	gw_put_record(gw, c, &s);
}

/* Hand one complete request to the group layer. -EAGAIN: keep it. */
static int submit(struct dp_gateway *gw, struct dp_client *c,
		  const struct ordo_cr_msg *m, const uint8_t *data,
		  uint32_t len)
{
	uint32_t slot = (uint32_t)(c - gw->slots);
	int rc;

	switch (m->hdr.kind) {
	case ORDO_CR_JOIN:
		if (!allowed(gw, c, m->names[0], ORDO_ACCESS_JOIN)) {
			reject(gw, c, m, -EACCES);
			return 0;
		}
		rc = ordo_groups_join(gw->groups, slot, m->names[0]);
		break;
	case ORDO_CR_LEAVE:
		rc = ordo_groups_leave(gw->groups, slot, m->names[0]);
		break;
	case ORDO_CR_MSG: {
		struct iovec iov = { .iov_base = (void *)data, .iov_len = len };

		for (uint32_t i = 0; i < m->hdr.n_names; i++)
			if (!allowed(gw, c, m->names[i], ORDO_ACCESS_SEND)) {
				reject(gw, c, m, -EACCES);
				return 0;
			}
		rc = ordo_groups_send(gw->groups, slot, m->hdr.service,
				      m->hdr.msg_type,
				      (m->hdr.flags & ORDO_CR_F_SELF_DISCARD) ?
					      ORDO_GM_F_SELF_DISCARD : 0,
				      m->hdr.n_names, m->names, &iov, 1);
		if (rc == 0) {
			c->submitted++;
			gw->st.submitted++;
		}
		break;
	}
	default:
		rc = -EINVAL; /* the reader lets no other kind through */
		break;
	}
	if (rc == -EAGAIN)
		return rc;
	if (rc < 0)
		reject(gw, c, m, rc);
	return 0;
}

/* A fragment of a message: gather it. Returns true when the message is
 * complete (then *data / *len point at the reassembled payload and the
 * names at the buffer's start). */
bool dp_gw_gather(struct dp_client *c, struct ordo_cr_msg *m,
		  const uint8_t **data, uint32_t *len)
{
	uint32_t names = ORDO_CR_MAX_NAMES * ORDO_CR_NAME_LEN;

	if (m->hdr.flags & ORDO_CR_F_FIRST) {
		memcpy(c->msg, m->names,
		       (size_t)m->hdr.n_names * ORDO_CR_NAME_LEN);
		c->pmsg = *m;
		c->in_msg = true;
	}
	/* The reader checked frag_off + payload_len <= msg_len <= max_msg. */
	memcpy(c->msg + names + m->hdr.frag_off, m->payload, m->payload_len);
	if (!(m->hdr.flags & ORDO_CR_F_LAST))
		return false;
	c->in_msg = false;
	*m = c->pmsg;
	m->names = (const char (*)[ORDO_CR_NAME_LEN])c->msg;
	*data = c->msg + names;
	*len = m->hdr.msg_len;
	return true;
}

unsigned gw_serve(struct dp_gateway *gw, struct dp_client *c,
		  bool *engine_full)
{
	unsigned n = 0;

	if (c->pending) {
		if (submit(gw, c, &c->pmsg, c->pdata, c->plen) == -EAGAIN) {
			*engine_full = true;
			return 0;
		}
		c->pending = false;
		n++;
	}
	while (n < SERVE_BUDGET) {
		struct ordo_cr_msg m;
		const uint8_t *data;
		uint32_t len;
		int rc = ordo_cr_read_in_place(&c->rd, &m, c->rbuf,
					       c->map.max_rec);

		if (rc == 0)
			break;
		if (rc < 0) {
			gw->st.ring_corrupt++;
			gw_close_client(gw, (uint32_t)(c - gw->slots),
					ORDO_CR_DISC_RING_CORRUPT, (uint32_t)-rc);
			return n;
		}
		n++;
		data = m.payload;
		len = m.payload_len;
		if (m.hdr.kind == ORDO_CR_MSG &&
		    (m.hdr.flags & (ORDO_CR_F_FIRST | ORDO_CR_F_LAST)) !=
			    (ORDO_CR_F_FIRST | ORDO_CR_F_LAST) &&
		    !dp_gw_gather(c, &m, &data, &len))
			continue;
		if (submit(gw, c, &m, data, len) == -EAGAIN) {
			/* Kept past this turn: out of the ring, behind its
			 * names (a record fits the buffer). A gathered
			 * message is in the reassembly buffer already. */
			if (data == m.payload) {
				uint8_t *keep = c->rbuf + (size_t)m.hdr.n_names *
								 ORDO_CR_NAME_LEN;

				memcpy(keep, data, len);
				data = keep;
			}
			c->pmsg = m;
			c->pdata = data;
			c->plen = len;
			c->pending = true;
			*engine_full = true;
			break;
		}
	}
	ordo_cr_reader_release(&c->rd);
	gw_stage_items(gw, DP_STAGE_SUBMIT, n);
	/* Asked to leave and nothing left to read: close it now. A message
	 * still being gathered cannot be finished by a client that is gone
	 * (it died between two fragments): it was never submitted, so no
	 * one sees a part of it; it is counted. */
	if (c->detach_req && !c->pending && c->state == DP_SLOT_ACTIVE &&
	    ordo_cr_cons_avail(&c->rd.cons) == 0) {
		if (c->in_msg) {
			c->in_msg = false;
			gw->st.partial_dropped++;
		}
		gw_close_client(gw, (uint32_t)(c - gw->slots),
				ORDO_CR_DISC_CLIENT_CLOSED, 0);
	}
	return n;
}

/* With a client worker: what it read, in its order. A request the engine
 * cannot take yet stays taken (gw->sub) and is tried first next turn. */
unsigned gw_fan_serve(struct dp_gateway *gw, bool *engine_full)
{
	const struct dp_gw_fanout *f = gw->fan;
	unsigned n = 0;

	while (n < SERVE_BUDGET) {
		struct dp_gw_sub *s = &gw->sub;
		struct dp_client *c;

		if (!gw->sub_held) {
			if (!f->take(f->ctx, s))
				break;
			gw->sub_held = true;
		}
		c = &gw->slots[s->slot];
		/* A slot given to another client since: not its request. */
		if (c->state == DP_SLOT_ACTIVE && c->client_id == s->client_id) {
			switch (s->what) {
			case DP_GW_SUB_MSG:
				if (submit(gw, c, &s->m, s->data, s->len) ==
				    -EAGAIN) {
					*engine_full = true;
					if (!gw->sub_hold) {
						gw->sub_hold = true;
						f->hold(f->ctx, true);
					}
					goto out;
				}
				break;
			case DP_GW_SUB_DRAINED:
				if (s->partial)
					gw->st.partial_dropped++;
				gw_close_client(gw, s->slot,
						ORDO_CR_DISC_CLIENT_CLOSED, 0);
				break;
			case DP_GW_SUB_CORRUPT:
				gw->st.ring_corrupt++;
				gw_close_client(gw, s->slot,
						ORDO_CR_DISC_RING_CORRUPT,
						s->detail);
				break;
			}
		}
		f->done(f->ctx, s);
		gw->sub_held = false;
		if (gw->sub_hold) {
			gw->sub_hold = false;
			f->hold(f->ctx, false);
		}
		n++;
	}
out:
	gw_stage_items(gw, DP_STAGE_SUBMIT, n);
	return n;
}

/* SlowConsumer = block: a client's message waits (-EAGAIN: pending, as
 * for a full engine) until every local receiver has room for it. Apart,
 * so the path without the bound is what it was. */
static __attribute__((noinline)) int
submit_bounded(struct dp_gateway *gw, uint8_t service, uint16_t msg_type,
	       const struct iovec *iov, int iovcnt)
{
	uint64_t cost;
	unsigned st;
	int rc;

	if (dp_gw_admit(gw, iov, iovcnt, &cost) < 0)
		return -EAGAIN;
	st = gw_stage_in(gw, DP_STAGE_PROTOCOL);
	rc = ordo_engine_submitv(gw->engine, service, msg_type, iov, iovcnt);
	gw_stage_out(gw, st);
	dp_gw_admit_took(gw, cost, rc == 0);
	return rc;
}

/* The group layer's messages (a client's, or its own control messages)
 * go to the engine: control ones ahead of every client message. */
int gw_submit_msg(void *ctx, bool control, uint8_t service,
		  uint16_t msg_type, const struct iovec *iov, int iovcnt)
{
	struct dp_gateway *gw = ctx;
	unsigned st;
	int rc;

	if (gw->engine == NULL)
		return -EAGAIN;
	if (gw_unlikely(gw->adm.on) && !control)
		return submit_bounded(gw, service, msg_type, iov, iovcnt);
	st = gw_stage_in(gw, DP_STAGE_PROTOCOL);
	rc = control ? ordo_engine_submit_control(gw->engine, service,
						  msg_type, iov, iovcnt)
		     : ordo_engine_submitv(gw->engine, service, msg_type, iov,
					   iovcnt);
	gw_stage_out(gw, st);
	return rc;
}

void gw_pause(void *ctx, bool pause)
{
	struct dp_gateway *gw = ctx;

	if (gw->engine != NULL)
		ordo_engine_pause_clients(gw->engine, pause);
}
