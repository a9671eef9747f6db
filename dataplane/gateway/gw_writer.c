/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The gateway's delivery side run by a client worker (gateway.h,
 * dataplane/cworker.h): the worker keeps a struct dp_gateway of its own
 * over the gateway's slots, with its own dirty list, overflow count and
 * scratch, and writes what the gateway handed it with gw_deliver.c's very
 * functions. A client it must cut off (slow consumer, a ring it broke) it
 * closes at once and reports through w->cut; the gateway then orders its
 * DISCONNECT and sends the close back, after which the worker lets go of
 * the slot (w_done).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/gateway/gateway_impl.h"

int dp_gw_writer_init(struct dp_gateway *w, const struct dp_gateway *gw,
		      void (*cut)(struct dp_gateway *w, uint32_t slot,
				  uint32_t reason, uint32_t detail),
		      void *cut_ctx)
{
	memset(w, 0, sizeof(*w));
	w->slots = gw->slots;
	w->policy = gw->policy;
	w->max_session_messages = gw->max_session_messages;
	w->my_id = gw->my_id;
	w->cut = cut;
	w->cut_ctx = cut_ctx;
	w->scratch = aligned_alloc(64, GW_SCRATCH);
	return w->scratch != NULL ? 0 : -ENOMEM;
}

void dp_gw_writer_fini(struct dp_gateway *w)
{
	free(w->scratch);
	memset(w, 0, sizeof(*w));
}

void dp_gw_writer_msg(struct dp_gateway *w, uint32_t slot,
		      const struct ordo_groups_msg *m)
{
	struct dp_client *c;

	if (gw_unlikely(slot >= DP_GW_MAX_CLIENTS))
		return;
	c = &w->slots[slot];
	if (!c->w_live)
		return;
	gw_put_msg(w, c, m);
	w->st.delivered++;
}

void dp_gw_writer_record(struct dp_gateway *w, uint32_t slot,
			 const struct ordo_cr_send *s)
{
	struct ordo_cr_send x = *s;
	struct dp_client *c;

	if (slot >= DP_GW_MAX_CLIENTS)
		return;
	c = &w->slots[slot];
	if (!c->w_live)
		return;
	/* Numbered here, with the messages (gw_deliver_memb). */
	if (x.kind == ORDO_CR_MEMBERSHIP) {
		x.msg_id = ++c->delivered;
		w->st.memb_delivered++;
	}
	gw_put_record(w, c, &x);
}

void dp_gw_writer_close(struct dp_gateway *w, uint32_t slot, uint32_t reason,
			uint32_t detail)
{
	struct dp_client *c;

	if (slot >= DP_GW_MAX_CLIENTS)
		return;
	c = &w->slots[slot];
	if (c->w_live) {
		gw_close_writer(w, c, reason, detail);
		c->w_live = false;
	}
	/* Nothing of ours touches the slot after this. */
	__atomic_store_n(&c->w_done, 1, __ATOMIC_RELEASE);
}

unsigned dp_gw_writer_turn(struct dp_gateway *w)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < DP_GW_MAX_CLIENTS && w->n_behind > 0; i++) {
		struct dp_client *c = &w->slots[i];

		if (c->w_live && c->ovf_counted) {
			gw_drain_overflow(w, c);
			n++;
		}
	}
	if (w->n_dirty > 0)
		gw_commit_dirty(w);
	return n;
}
