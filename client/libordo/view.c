/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libordo's zero-copy receive: ordo_receive_view() hands out the next
 * event with its names and data pointing straight into the delivery ring,
 * and ordo_release() gives the space back (ordo.h has the contract).
 *
 * The daemon writes the ring only into space the client has released
 * (ordo_cr_reserve() checks the published tail), so holding a view is
 * holding the tail: the view's record is consumed at once (the next
 * receive finds the event after it), but the tail published to the daemon
 * stops at the record's start (c->view_pos) until the view ends. Every
 * release of the library goes through ordo__cons_release(), which keeps
 * that bound, so nothing done while a view is held (ordo_pending()
 * dropping an unwanted membership event, say) hands its bytes back early.
 *
 * What the view shows was checked before it is handed out, on one copy of
 * the record header (receive.c's describe: the length against the ring,
 * names NUL-terminated, the payload the whole message, a membership
 * payload's member count and body length adding up): a record that breaks
 * the format ends the session with ORDO_ERR_PROTO, as in ordo_receive(),
 * and no pointer of the view reaches past its record.
 *
 * An event the daemon split into several records (a message above a
 * quarter of the ring) is not contiguous in the ring: it is copied, as
 * ordo_receive() would, into a buffer the library owns and the view points
 * there instead; its records are released as they are copied.
 */
#include <stdlib.h>
#include <string.h>

#include "client/libordo/client.h"

/* The event's names then body, copied into view_buf: the view of a
 * fragmented event. 0, ORDO_ERR_NOMEM (the event stays queued), or the
 * error of ordo__consume(). */
static int view_copy(ordo_client *c, const struct ordo__head *h,
		     struct ordo_event *ev)
{
	size_t names_bytes = (size_t)h->n_groups * ORDO_NAME_LEN;
	size_t need = names_bytes + h->body_len;

	if (need > c->view_cap) {
		uint8_t *p = realloc(c->view_buf, need);

		if (!p)
			return ORDO_ERR_NOMEM;
		c->view_buf = p;
		c->view_cap = need;
	}
	struct iovec iov = { .iov_base = c->view_buf + names_bytes,
			     .iov_len = h->body_len };
	struct ordo__sink s = {
		.names = (char (*)[ORDO_NAME_LEN])c->view_buf,
		.max_names = h->n_groups, .iov = &iov, .iovcnt = 1,
	};
	int ret = ordo__consume(c, h, &s);
	if (ret < 0)
		return ret;
	ev->groups = (const char (*)[ORDO_NAME_LEN])c->view_buf;
	ev->data = iov.iov_base;
	return 0;
}

/* The view of a one-record event: pointers into its record, which is
 * consumed but not released. */
static void view_in_place(ordo_client *c, const struct ordo__head *h,
			  struct ordo_event *ev)
{
	const uint8_t *names = (const uint8_t *)(h->rec + 1);
	const uint8_t *payload = names + (h->rec_len - sizeof(*h->rec) -
					  h->rec_payload);

	if (h->names_in_payload) {
		ev->groups = (const char (*)[ORDO_NAME_LEN])(payload + h->names_off);
		ev->data = payload + h->body_off;
	} else {
		ev->groups = (const char (*)[ORDO_NAME_LEN])
			(names + (size_t)h->name_skip * ORDO_CR_NAME_LEN);
		ev->data = payload;
	}
	c->view_pos = ordo_cr_cons_pos(&c->cons);
	c->view_held = true;
	ordo_cr_advance(&c->cons, h->rec_len);
}

int ordo_receive_view(ordo_client *c, struct ordo_event *ev, int timeout_ms)
{
	struct ordo__head h;

	if (!c || !ev)
		return ORDO_ERR_INVAL;
	ordo__view_drop(c);
	ordo__wake(c);
	int ret = ordo__peek(c, &h, timeout_ms);
	if (ret < 0)
		return ret;
	ordo__event_head(ev, &h);
	if (h.single) {
		view_in_place(c, &h, ev);
	} else if ((ret = view_copy(c, &h, ev)) < 0) {
		return ret;
	}
	ev->len = h.body_len;
	if (h.kind == ORDO_EV_MEMBERSHIP && h.body_len >= sizeof(ev->gid))
		memcpy(ev->gid, ev->data, sizeof(ev->gid));
	return (int)h.body_len;
}

int ordo_release(ordo_client *c)
{
	if (!c)
		return ORDO_ERR_INVAL;
	ordo__view_drop(c);
	return 0;
}
