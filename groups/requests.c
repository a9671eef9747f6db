/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Local clients and their requests: attach and detach a slot, and turn a
 * multicast, join, leave or disconnect into a group message for the ring.
 * The header and names go in one small buffer of the instance; the
 * caller's payload follows as its own iovec entries, never copied here.
 * Nothing changes locally until the message comes back in the total
 * order (deliver.c), so every daemon applies it at the same point.
 */
#include <errno.h>
#include <string.h>

#include "groups/groups_impl.h"
#include "lib/spread/sp_names.h"

static struct gr_client *active(struct ordo_groups *g, uint32_t client)
{
	if (client >= g->cfg.max_clients ||
	    g->clients[client].state != GR_CLIENT_ACTIVE)
		return NULL;
	return &g->clients[client];
}

/* Header and sender name into g->hdr; returns the bytes written. */
static uint32_t put_hdr(struct ordo_groups *g, const struct gr_client *c,
			uint8_t kind, uint8_t flags, uint8_t n_groups)
{
	struct ordo_gm_hdr h = {
		.version = ORDO_GM_VERSION,
		.kind = kind,
		.flags = flags,
		.n_groups = n_groups,
		.sender_len = c->priv_len,
	};

	memcpy(g->hdr, &h, sizeof(h));
	memcpy(g->hdr + sizeof(h), c->priv, c->priv_len);
	return (uint32_t)sizeof(h) + c->priv_len;
}

static uint32_t put_name(struct ordo_groups *g, uint32_t off,
			 const char *name, uint32_t len)
{
	g->hdr[off] = (uint8_t)len;
	memcpy(g->hdr + off + 1, name, len);
	return off + 1 + len;
}

static int submit_hdr(struct ordo_groups *g, uint8_t kind, uint32_t len)
{
	struct iovec iov = { .iov_base = g->hdr, .iov_len = len };

	return g->ops.submit(g->ctx, false, ORDO_SVC_AGREED, kind, &iov, 1);
}

int ordo_groups_client_add(struct ordo_groups *g, uint32_t client,
			   const char *private_name)
{
	struct gr_client *c;
	uint32_t len;

	if (client >= g->cfg.max_clients || private_name == NULL)
		return -EINVAL;
	len = (uint32_t)strnlen(private_name, ORDO_GM_PRIVATE_MAX + 1);
	if (!sp_name_private_ok(private_name, len))
		return -EINVAL;
	c = &g->clients[client];
	if (c->state != GR_CLIENT_FREE)
		return -EBUSY;
	if (gr_client_find(g, private_name, len) != GR_NIL)
		return -EEXIST;
	memset(c, 0, sizeof(*c));
	c->state = GR_CLIENT_ACTIVE;
	c->priv_len = (uint8_t)len;
	memcpy(c->priv, private_name, len);
	gr_full_name(g, c->full, c->priv, len, g->my_idx);
	gr_client_hash_add(g, client);
	return 0;
}

int ordo_groups_client_remove(struct ordo_groups *g, uint32_t client)
{
	struct gr_client *c;
	int rc;

	if (client >= g->cfg.max_clients)
		return -EINVAL;
	c = &g->clients[client];
	if (c->state == GR_CLIENT_FREE)
		return -EINVAL;
	c->state = GR_CLIENT_REMOVED; /* silent from now on */
	if (c->disc_sent)
		return 0;
	rc = submit_hdr(g, ORDO_GM_DISCONNECT,
			put_hdr(g, c, ORDO_GM_DISCONNECT, 0, 0));
	if (rc == 0)
		c->disc_sent = true;
	return rc;
}

static int join_or_leave(struct ordo_groups *g, uint32_t client,
			 const char *group, uint8_t kind)
{
	struct gr_client *c = active(g, client);
	uint32_t len, off;

	if (c == NULL)
		return -ENOENT;
	if (group == NULL)
		return -EINVAL;
	len = (uint32_t)strnlen(group, ORDO_GROUPS_NAME_LEN);
	if (!sp_name_group_ok(group, len))
		return -EINVAL;
	off = put_hdr(g, c, kind, 0, 1);
	return submit_hdr(g, kind, put_name(g, off, group, len));
}

int ordo_groups_join(struct ordo_groups *g, uint32_t client, const char *group)
{
	return join_or_leave(g, client, group, ORDO_GM_JOIN);
}

int ordo_groups_leave(struct ordo_groups *g, uint32_t client, const char *group)
{
	return join_or_leave(g, client, group, ORDO_GM_LEAVE);
}

int ordo_groups_send(struct ordo_groups *g, uint32_t client, uint8_t svc,
		     int16_t msg_type, uint8_t flags, uint32_t n_groups,
		     const char (*groups)[ORDO_GROUPS_NAME_LEN],
		     const struct iovec *iov, int iovcnt)
{
	struct gr_client *c = active(g, client);
	uint32_t off, len, i;
	int rc;

	if (c == NULL)
		return -ENOENT;
	if (svc < ORDO_SVC_UNRELIABLE || svc > ORDO_SVC_SAFE ||
	    (flags & ~ORDO_GM_F_ALL) || n_groups == 0 ||
	    n_groups > ORDO_GM_MAX_GROUPS || groups == NULL ||
	    iovcnt < 0 || iovcnt > GR_MAX_IOV || (iovcnt > 0 && iov == NULL))
		return -EINVAL;
	off = put_hdr(g, c, ORDO_GM_DATA, flags, (uint8_t)n_groups);
	for (i = 0; i < n_groups; i++) {
		len = (uint32_t)strnlen(groups[i], ORDO_GROUPS_NAME_LEN);
		if (len == ORDO_GROUPS_NAME_LEN ||
		    !(sp_name_group_ok(groups[i], len) ||
		      sp_name_private_group_ok(groups[i], len)))
			return -EINVAL;
		off = put_name(g, off, groups[i], len);
	}
	g->iov[0].iov_base = g->hdr;
	g->iov[0].iov_len = off;
	if (iovcnt > 0)
		memcpy(&g->iov[1], iov, (size_t)iovcnt * sizeof(*iov));
	rc = g->ops.submit(g->ctx, false, svc, (uint16_t)msg_type, g->iov,
			   iovcnt + 1);
	if (rc == 0)
		g->st.sent++;
	return rc;
}
