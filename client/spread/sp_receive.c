/* SPDX-License-Identifier: BSD-3-Clause
 *
 * SP_receive and SP_scat_receive on libordo's delivery ring.
 *
 * The event is described before it is copied (ordo__peek), so a message
 * that does not fit stays queued exactly as Spread keeps it: the caller
 * learns what it is (service, sender, type) and the sizes it needs, negated
 * in *num_groups and *endian_mismatch. With DROP_RECV what fits is copied
 * and the rest dropped (client/spread/README.md has the exact results).
 *
 * Membership events arrive already in Spread's shape: the record's aux is
 * the service type, members are the groups, our index is mess_type and
 * the body is Spread's membership body, in host byte order (one host), so
 * endian_mismatch is always 0.
 */
#include <string.h>

#include "client/spread/sp_client.h"
#include "client/spread/sp_service.h"

static service service_of(const struct ordo__head *h)
{
	switch (h->kind) {
	case ORDO_EV_MEMBERSHIP:
		return h->service & MEMBERSHIP_MESS;
	case ORDO_EV_REJECT:
		return REJECT_MESS |
		       sp_service_from_native(h->service);
	default:
		return sp_service_from_native(h->service);
	}
}

static int receive(mailbox mbox, service *service_type, char sender[MAX_GROUP_NAME],
		   int max_groups, int *num_groups, char groups[][MAX_GROUP_NAME],
		   int16 *mess_type, int *endian_mismatch,
		   const struct iovec *iov, int iovcnt, size_t cap)
{
	struct ordo__head h;
	ordo_client *c = sp_mailbox_client(mbox);

	if (!c)
		return ILLEGAL_SESSION;
	if (!service_type || !sender || !num_groups || !mess_type ||
	    !endian_mismatch || max_groups < 0 || (max_groups && !groups))
		return ILLEGAL_MESSAGE;
	bool drop = *service_type & DROP_RECV;
	ordo__wake(c);
	int ret = ordo__peek(c, &h, -1);
	if (ret < 0)
		return sp_session_error(ret);

	*service_type = service_of(&h);
	memcpy(sender, h.sender, MAX_GROUP_NAME);
	sender[MAX_GROUP_NAME - 1] = 0;
	*mess_type = h.msg_type;
	*endian_mismatch = 0;
	bool groups_short = h.n_groups > (uint32_t)max_groups;
	bool body_short = h.body_len > cap;
	*num_groups = groups_short ? -(int)h.n_groups : (int)h.n_groups;
	if (!drop && (groups_short || body_short)) {
		if (body_short)
			*endian_mismatch = -(int)h.body_len;
		ordo__sync_fd(c);  /* still queued: the mailbox stays readable */
		return groups_short ? GROUPS_TOO_SHORT : BUFFER_TOO_SHORT;
	}
	struct ordo__sink s = {
		.names = groups, .max_names = (uint32_t)max_groups,
		.iov = iov, .iovcnt = iovcnt,
	};
	ret = ordo__consume(c, &h, &s);
	ordo__sync_fd(c);
	if (ret < 0)
		return sp_session_error(ret);
	if (body_short) {
		*endian_mismatch = -(int)h.body_len;
		return BUFFER_TOO_SHORT;
	}
	return (int)h.body_len;
}

int SP_receive(mailbox mbox, service *service_type, char sender[MAX_GROUP_NAME],
	       int max_groups, int *num_groups, char groups[][MAX_GROUP_NAME],
	       int16 *mess_type, int *endian_mismatch, int max_mess_len, char *mess)
{
	if (max_mess_len < 0 || (max_mess_len && !mess))
		return ILLEGAL_MESSAGE;
	struct iovec iov = { .iov_base = mess, .iov_len = (size_t)max_mess_len };
	return receive(mbox, service_type, sender, max_groups, num_groups, groups,
		       mess_type, endian_mismatch, &iov, 1, (size_t)max_mess_len);
}

int SP_scat_receive(mailbox mbox, service *service_type, char sender[MAX_GROUP_NAME],
		    int max_groups, int *num_groups, char groups[][MAX_GROUP_NAME],
		    int16 *mess_type, int *endian_mismatch, scatter *scat_mess)
{
	struct iovec iov[MAX_CLIENT_SCATTER_ELEMENTS];
	size_t cap = 0;

	if (!scat_mess || scat_mess->num_elements > MAX_CLIENT_SCATTER_ELEMENTS)
		return ILLEGAL_MESSAGE;
	for (size_t i = 0; i < scat_mess->num_elements; i++) {
		if (scat_mess->elements[i].len && !scat_mess->elements[i].buf)
			return ILLEGAL_MESSAGE;
		iov[i].iov_base = scat_mess->elements[i].buf;
		iov[i].iov_len = scat_mess->elements[i].len;
		cap += iov[i].iov_len;
	}
	return receive(mbox, service_type, sender, max_groups, num_groups, groups,
		       mess_type, endian_mismatch, iov, (int)scat_mess->num_elements,
		       cap);
}
