/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libordo sending: multicasts, joins and leaves as records on the submit
 * ring (include/ordo/client_ring.h).
 *
 * A message longer than one record goes as fragments FIRST ... LAST,
 * written by lib/cring's ordo_cr_write_msg, which gathers straight from
 * the caller's iovec into the ring (no copy first). A full ring blocks, as
 * Spread's socket send does; we sleep on our eventfd with the producer's
 * doorbell, in slices so a daemon that closed the region without ringing
 * is noticed.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/spread/sp_names.h"
#include "ordo/gmsg.h"
#include "client/libordo/client.h"

#define WAIT_SLICE_MS 100

/* Write as many records as fit: 0 all written, ORDO_ERR_AGAIN ring full,
 * ORDO_ERR_PROTO the daemon broke the ring's tail, ORDO_ERR_TOO_BIG above
 * max_msg, ORDO_ERR_INVAL a bad request (multicastv checked the names
 * fit a record: ORDO_ERR_GROUPS otherwise). */
static int write_some(struct ordo_cr_prod *p, struct ordo_cr_send *q)
{
	switch (ordo_cr_write_msg(p, q)) {
	case 0:
		return 0;
	case -EAGAIN:
		return ORDO_ERR_AGAIN;
	case -EPIPE:
		return ORDO_ERR_PROTO;
	case -EMSGSIZE:
		return ORDO_ERR_TOO_BIG;
	default:  /* -EINVAL */
		return ORDO_ERR_INVAL;
	}
}

/* Sleep until need bytes are free: the ring's producer wait (its doorbell
 * protocol), sleeping on our eventfd and the session socket (ordo__sleep,
 * set at connect). 1 room, 0 timeout, or ORDO_ERR_CLOSED / PROTO / SYS. */
static int wait_room(ordo_client *c, uint64_t need, int timeout_ms)
{
	int rc = ordo_cr_prod_wait(&c->prod, need, timeout_ms);

	return rc == -EPIPE ? ORDO_ERR_PROTO : rc;
}

/* Bytes the ring must have free for q's next record (with a PAD). */
static uint64_t next_need(const struct ordo_cr_prod *p,
			  const struct ordo_cr_send *q)
{
	uint64_t need = ORDO_CR_ALIGN(ordo_cr_send_next_len(p, q));
	uint64_t to_end = p->size - (p->head & p->mask);
	return need > to_end ? to_end + need : need;
}

static int submit(ordo_client *c, struct ordo_cr_send *q, bool may_block)
{
	if (ordo__check_closed(c))
		return ORDO_ERR_CLOSED;
	if (c->broken || c->prod.err)
		return ORDO_ERR_PROTO;
	if (q->len > c->prod.max_msg)
		return ORDO_ERR_TOO_BIG;
	/* Non-blocking: all or nothing, as far as the ring can hold it. */
	if (!may_block) {
		uint64_t t = ordo_cr_send_bound(c->prod.max_rec, q);
		if (t <= c->prod.size && ordo_cr_prod_free(&c->prod) < t)
			return ORDO_ERR_AGAIN;
	}
	bool slept = false;
	int ret;
	while ((ret = write_some(&c->prod, q)) == ORDO_ERR_AGAIN) {
		int w = wait_room(c, next_need(&c->prod, q), WAIT_SLICE_MS);
		slept = true;
		if (w < 0) {
			ret = w;
			break;
		}
		if (w == 0 && ordo__check_closed(c)) {
			ret = ORDO_ERR_CLOSED;
			break;
		}
	}
	if (ret == ORDO_ERR_PROTO)
		c->broken = true;
	/* Our sleep may have eaten a delivery doorbell the caller's poll
	 * loop was waiting for: give it back. */
	if (slept)
		ordo__sync_fd(c);
	return ret;
}

static int service_bits(int svc_req, uint8_t *svc, uint8_t *flags)
{
	int base = svc_req & 0xff;
	if ((svc_req & ~0xff) & ~ORDO_SELF_DISCARD)
		return ORDO_ERR_SERVICE;
	if (base < ORDO_UNRELIABLE || base > ORDO_SAFE)
		return ORDO_ERR_SERVICE;
	*svc = (uint8_t)base;
	*flags = (svc_req & ORDO_SELF_DISCARD) ? ORDO_CR_F_SELF_DISCARD : 0;
	return 0;
}

_Static_assert(ORDO_MAX_GROUPS == ORDO_CR_MAX_GROUPS,
	       "the API's limit is the rings' (and the group layer's)");

static int check_dests(const ordo_client *c, int n_groups,
		       const char (*groups)[ORDO_NAME_LEN])
{
	if (n_groups < 1 || !groups)
		return ORDO_ERR_INVAL;
	/* Above the limit, or more names than this session's records hold
	 * (never with the rings ordo-ctrld makes, ORDO_CR_CLIENT_RING_MIN). */
	if (n_groups > ORDO_MAX_GROUPS ||
	    sizeof(struct ordo_cr_rec) + (size_t)n_groups * ORDO_CR_NAME_LEN + 8 >
		    c->prod.max_rec)
		return ORDO_ERR_GROUPS;
	for (int i = 0; i < n_groups; i++)
		if (!ordo__name_terminated(groups[i]) ||
		    sp_name_check_dest(groups[i]) != 0)
			return ORDO_ERR_NAME;
	return 0;
}

/* Bytes of the group header a message to these groups carries in the
 * ring (gmsg.h): what its payload shares MaxMessageSize with. */
static uint64_t gm_header(const ordo_client *c, int n_groups,
			  const char (*groups)[ORDO_NAME_LEN])
{
	uint64_t names = 0;

	for (int i = 0; i < n_groups; i++)
		names += strnlen(groups[i], ORDO_NAME_LEN);
	return ORDO_GM_DATA_HDR_LEN(c->priv_len, (uint64_t)n_groups, names);
}

int ordo_max_message(const ordo_client *c, int n_groups,
		     const char (*groups)[ORDO_NAME_LEN])
{
	int ret;

	if (!c)
		return ORDO_ERR_INVAL;
	if ((ret = check_dests(c, n_groups, groups)) < 0)
		return ret;
	uint64_t h = gm_header(c, n_groups, groups);
	return h >= c->map.max_msg ? 0 : (int)(c->map.max_msg - h);
}

static int multicastv(ordo_client *c, int svc_req, int n_groups,
		      const char (*groups)[ORDO_NAME_LEN], int16_t msg_type,
		      const struct iovec *iov, int iovcnt, bool may_block)
{
	/* The names as the daemon's reader wants them: NUL-padded to their
	 * full width, whatever the caller left after the NUL (check_dests
	 * made sure each is terminated). */
	char names[ORDO_MAX_GROUPS][ORDO_CR_NAME_LEN];
	struct ordo_cr_send q;
	uint64_t len = 0;
	int ret;

	if (!c || iovcnt < 0 || (iovcnt && !iov))
		return ORDO_ERR_INVAL;
	memset(&q, 0, sizeof(q));
	if ((ret = service_bits(svc_req, &q.service, &q.flags)) < 0 ||
	    (ret = check_dests(c, n_groups, groups)) < 0)
		return ret;
	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len && !iov[i].iov_base)
			return ORDO_ERR_INVAL;
		len += iov[i].iov_len;
	}
	/* The one size limit: the ring's largest message holds the payload
	 * and the group header together, so what is accepted here is what
	 * the daemon delivers. */
	if (len + gm_header(c, n_groups, groups) > c->map.max_msg ||
	    len > 0x7fffffff)
		return ORDO_ERR_TOO_BIG;
	for (int i = 0; i < n_groups; i++) {
		size_t n = strnlen(groups[i], ORDO_CR_NAME_LEN);

		memcpy(names[i], groups[i], n);
		memset(names[i] + n, 0, ORDO_CR_NAME_LEN - n);
	}
	q.kind = ORDO_CR_MSG;
	q.n_names = (uint16_t)n_groups;
	q.names = (const char (*)[ORDO_CR_NAME_LEN])names;
	q.msg_type = msg_type;
	q.msg_id = c->next_msg_id;
	q.iov = iov;  /* NULL only with iovcnt 0: an empty payload */
	q.iovcnt = iovcnt;
	q.len = (uint32_t)len;
	ret = submit(c, &q, may_block);
	if (ret < 0)
		return ret;
	c->next_msg_id++;
	return (int)len;
}

int ordo_multicastv(ordo_client *c, int svc_req, int n_groups,
		    const char (*groups)[ORDO_NAME_LEN], int16_t msg_type,
		    const struct iovec *iov, int iovcnt)
{
	return multicastv(c, svc_req, n_groups, groups, msg_type, iov, iovcnt,
			  true);
}

int ordo_try_multicastv(ordo_client *c, int svc_req, int n_groups,
			const char (*groups)[ORDO_NAME_LEN], int16_t msg_type,
			const struct iovec *iov, int iovcnt)
{
	return multicastv(c, svc_req, n_groups, groups, msg_type, iov, iovcnt,
			  false);
}

int ordo_multicast(ordo_client *c, int svc_req, const char *group,
		   int16_t msg_type, const void *data, size_t len)
{
	char g[1][ORDO_NAME_LEN];

	if (!group || (len && !data))
		return ORDO_ERR_INVAL;
	if (strlen(group) >= ORDO_NAME_LEN)
		return ORDO_ERR_NAME;
	memset(g, 0, sizeof(g));
	strcpy(g[0], group);
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	return multicastv(c, svc_req, 1, (const char (*)[ORDO_NAME_LEN])g,
			  msg_type, &iov, 1, true);
}

static int group_op(ordo_client *c, uint8_t kind, const char *group)
{
	char g[1][ORDO_NAME_LEN];
	struct ordo_cr_send q;

	if (!c || !group)
		return ORDO_ERR_INVAL;
	if (strlen(group) >= ORDO_NAME_LEN || sp_name_check_group(group) != 0)
		return ORDO_ERR_NAME;
	memset(g, 0, sizeof(g));
	strcpy(g[0], group);
	memset(&q, 0, sizeof(q));
	q.kind = kind;
	q.n_names = 1;
	q.names = (const char (*)[ORDO_NAME_LEN])g;
	q.msg_id = c->next_msg_id++;
	int ret = submit(c, &q, true);
	return ret < 0 ? ret : 0;
}

int ordo_join(ordo_client *c, const char *group)
{
	return group_op(c, ORDO_CR_JOIN, group);
}

int ordo_leave(ordo_client *c, const char *group)
{
	return group_op(c, ORDO_CR_LEAVE, group);
}
