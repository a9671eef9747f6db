/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Spread's session calls on libordo: version, authentication, connect,
 * disconnect, join, leave, the four multicasts and SP_poll.
 *
 * spread_name. Spread names a daemon "port" or "port@host". ordo clients
 * are local (one Unix socket, shared memory), so any port on this host
 * means the local daemon's socket ($ORDO_SOCKET, else the default); an
 * absolute path names a socket directly (tests, several daemons on one
 * host); another host is ILLEGAL_SPREAD.
 *
 * The mailbox table is the library's only shared state besides the
 * authentication choice and the event loop, as in Spread (whose API is
 * process-global); a mutex guards it so threads may use different
 * mailboxes.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/spread/sp_client.h"
#include "lib/spread/sp_names.h"
#include "client/spread/sp_service.h"

static pthread_mutex_t boxes_lock = PTHREAD_MUTEX_INITIALIZER;
static ordo_client **boxes;  /* indexed by mailbox (an fd) */
static int n_boxes;
static int auth_refused;     /* a method other than "NULL" was chosen */

ordo_client *sp_mailbox_client(mailbox mbox)
{
	ordo_client *c = NULL;
	pthread_mutex_lock(&boxes_lock);
	if (mbox >= 0 && mbox < n_boxes)
		c = boxes[mbox];
	pthread_mutex_unlock(&boxes_lock);
	return c;
}

static int box_add(mailbox mbox, ordo_client *c)
{
	int ret = 0;
	pthread_mutex_lock(&boxes_lock);
	if (mbox >= n_boxes) {
		int n = mbox + 16;
		ordo_client **b = realloc(boxes, sizeof(*b) * (size_t)n);
		if (!b) {
			ret = -1;
			goto out;
		}
		memset(b + n_boxes, 0, sizeof(*b) * (size_t)(n - n_boxes));
		boxes = b;
		n_boxes = n;
	}
	boxes[mbox] = c;
out:
	pthread_mutex_unlock(&boxes_lock);
	return ret;
}

static ordo_client *box_take(mailbox mbox)
{
	ordo_client *c = NULL;
	pthread_mutex_lock(&boxes_lock);
	if (mbox >= 0 && mbox < n_boxes) {
		c = boxes[mbox];
		boxes[mbox] = NULL;
	}
	pthread_mutex_unlock(&boxes_lock);
	return c;
}

int sp_session_error(int err)
{
	switch (err) {
	case ORDO_ERR_CLOSED:  return CONNECTION_CLOSED;
	case ORDO_ERR_NAME:    return ILLEGAL_GROUP;
	case ORDO_ERR_SERVICE: return ILLEGAL_SERVICE;
	case ORDO_ERR_TOO_BIG: return MESSAGE_TOO_LONG;
	case ORDO_ERR_GROUPS:  return MESSAGE_TOO_LONG;
	case ORDO_ERR_INVAL:   return ILLEGAL_MESSAGE;
	default:               return NET_ERROR_ON_SESSION;
	}
}

static int connect_error(int err)
{
	switch (err) {
	case ORDO_ERR_NAME:       return REJECT_ILLEGAL_NAME;
	case ORDO_ERR_NOT_UNIQUE: return REJECT_NOT_UNIQUE;
	case ORDO_ERR_ACCESS:     return REJECT_AUTH;
	case ORDO_ERR_VERSION:    return REJECT_VERSION;
	case ORDO_ERR_QUOTA:      return REJECT_QUOTA;
	case ORDO_ERR_CLOSED:
	case ORDO_ERR_PROTO:      return CONNECTION_CLOSED;
	case ORDO_ERR_INVAL:      return ILLEGAL_SPREAD;
	default:                  return COULD_NOT_CONNECT;
	}
}

int SP_version(int *major_version, int *minor_version, int *patch_version)
{
	if (!major_version || !minor_version || !patch_version)
		return 0;
	*major_version = (SPREAD_VERSION >> 24) & 0xff;
	*minor_version = (SPREAD_VERSION >> 16) & 0xff;
	*patch_version = SPREAD_VERSION & 0xffff;
	return 1;
}

int SP_set_auth_method(const char *auth_name, int (*auth_function)(int, void *),
		       void *auth_data)
{
	(void)auth_function;
	(void)auth_data;
	if (!auth_name)
		return 0;
	auth_refused = strcmp(auth_name, "NULL") != 0;
	return 1;
}

int SP_set_auth_methods(int num_methods, const char *auth_name[],
			int (*auth_function[])(int, void *), void *auth_data[])
{
	(void)auth_function;
	(void)auth_data;
	if (num_methods < 1 || !auth_name)
		return 0;
	int null_ok = 0;
	for (int i = 0; i < num_methods; i++) {
		if (!auth_name[i])
			return 0;
		null_ok |= strcmp(auth_name[i], "NULL") == 0;
	}
	auth_refused = !null_ok;
	return 1;
}

static bool is_local_host(const char *h)
{
	char me[256];
	if (!strcmp(h, "localhost") || !strcmp(h, "127.0.0.1") || !strcmp(h, "::1"))
		return true;
	return gethostname(me, sizeof(me)) == 0 && (me[sizeof(me) - 1] = 0,
						    !strcmp(h, me));
}

/* The socket spread_name designates: NULL for the default ($ORDO_SOCKET
 * or the built-in path, which ordo_connect picks), a path, or
 * ILLEGAL_SPREAD. */
static int socket_of(const char *spread_name, const char **path)
{
	*path = NULL;
	if (!spread_name || !*spread_name)
		return 0;
	if (spread_name[0] == '/') {
		*path = spread_name;
		return 0;
	}
	const char *p = spread_name;
	if (!isdigit((unsigned char)*p))
		return ILLEGAL_SPREAD;
	long port = strtol(p, (char **)&p, 10);
	if (port < 1 || port > 65535)
		return ILLEGAL_SPREAD;
	if (*p == 0)
		return 0;
	if (*p != '@' || !is_local_host(p + 1))
		return ILLEGAL_SPREAD;
	return 0;
}

int SP_connect_timeout(const char *spread_name, const char *private_name,
		       int priority, int group_membership, mailbox *mbox,
		       char *private_group, sp_time time_out)
{
	const char *path;
	ordo_client *c;

	(void)priority;
	if (!mbox || !private_group)
		return ILLEGAL_SESSION;
	if (socket_of(spread_name, &path) < 0)
		return ILLEGAL_SPREAD;
	if (private_name && !*private_name)
		private_name = NULL;
	if (private_name && sp_name_check_private(private_name) != 0)
		return REJECT_ILLEGAL_NAME;
	if (auth_refused)
		return REJECT_AUTH;
	long long ms = (long long)time_out.sec * 1000 + time_out.usec / 1000;
	int timeout = ms <= 0 ? -1 : ms > 0x7fffffff ? 0x7fffffff : (int)ms;
	int ret = ordo_connect(path, private_name,
			       group_membership ? ORDO_CONNECT_MEMBERSHIP : 0,
			       timeout, &c);
	if (ret < 0)
		return connect_error(ret);
	mailbox m = ordo_fd(c);
	if (box_add(m, c) < 0) {
		ordo_disconnect(c);
		return COULD_NOT_CONNECT;
	}
	memset(private_group, 0, MAX_GROUP_NAME);
	strncpy(private_group, ordo_private_group(c), MAX_GROUP_NAME - 1);
	ordo__sync_fd(c);
	*mbox = m;
	return ACCEPT_SESSION;
}

int SP_connect(const char *spread_name, const char *private_name, int priority,
	       int group_membership, mailbox *mbox, char *private_group)
{
	sp_time forever = { 0, 0 };
	return SP_connect_timeout(spread_name, private_name, priority,
				  group_membership, mbox, private_group, forever);
}

int SP_disconnect(mailbox mbox)
{
	ordo_client *c = box_take(mbox);
	if (!c)
		return ILLEGAL_SESSION;
	ordo_disconnect(c);
	return 0;
}

void SP_kill(mailbox mbox)
{
	ordo_client *c = box_take(mbox);
	if (c)
		ordo_kill(c);
}

static int group_call(mailbox mbox, const char *group, bool join)
{
	ordo_client *c = sp_mailbox_client(mbox);
	if (!c)
		return ILLEGAL_SESSION;
	if (!group || sp_name_check_group(group) != 0)
		return ILLEGAL_GROUP;
	int ret = join ? ordo_join(c, group) : ordo_leave(c, group);
	return ret < 0 ? sp_session_error(ret) : 0;
}

int SP_join(mailbox mbox, const char *group)
{
	return group_call(mbox, group, true);
}

int SP_leave(mailbox mbox, const char *group)
{
	return group_call(mbox, group, false);
}

static int send_iov(mailbox mbox, service service_type, int num_groups,
		    const char groups[][MAX_GROUP_NAME], int16 mess_type,
		    const struct iovec *iov, int iovcnt)
{
	ordo_client *c = sp_mailbox_client(mbox);

	if (!c)
		return ILLEGAL_SESSION;
	int svc = sp_service_to_native(service_type);
	if (svc < 0)
		return ILLEGAL_SERVICE;
	if (num_groups < 1 || !groups)
		return ILLEGAL_GROUP;
	/* Spread counts the group names in the message: too many of them is
	 * a message too long. */
	if (num_groups > ORDO_MAX_GROUPS)
		return MESSAGE_TOO_LONG;
	for (int i = 0; i < num_groups; i++)
		if (!memchr(groups[i], 0, MAX_GROUP_NAME) ||
		    sp_name_check_dest(groups[i]) != 0)
			return ILLEGAL_GROUP;
	int ret = ordo_multicastv(c, svc, num_groups, groups, mess_type, iov,
				  iovcnt);
	return ret < 0 ? sp_session_error(ret) : ret;
}

/* One group name into a padded array (the caller's may be shorter). */
static int one_group(const char *group, char g[1][MAX_GROUP_NAME])
{
	if (!group)
		return ILLEGAL_GROUP;
	size_t n = strnlen(group, MAX_GROUP_NAME);
	if (n == MAX_GROUP_NAME)
		return ILLEGAL_GROUP;
	memset(g, 0, MAX_GROUP_NAME);
	memcpy(g[0], group, n);
	return 0;
}

static int scat_iov(const scatter *s, struct iovec *iov)
{
	if (!s || s->num_elements > MAX_CLIENT_SCATTER_ELEMENTS)
		return ILLEGAL_MESSAGE;
	for (size_t i = 0; i < s->num_elements; i++) {
		if (s->elements[i].len && !s->elements[i].buf)
			return ILLEGAL_MESSAGE;
		iov[i].iov_base = s->elements[i].buf;
		iov[i].iov_len = s->elements[i].len;
	}
	return (int)s->num_elements;
}

int SP_multicast(mailbox mbox, service service_type, const char *group,
		 int16 mess_type, int mess_len, const char *mess)
{
	char g[1][MAX_GROUP_NAME];
	if (one_group(group, g) < 0)
		return ILLEGAL_GROUP;
	return SP_multigroup_multicast(mbox, service_type, 1,
				       (const char (*)[MAX_GROUP_NAME])g,
				       mess_type, mess_len, mess);
}

int SP_scat_multicast(mailbox mbox, service service_type, const char *group,
		      int16 mess_type, const scatter *scat_mess)
{
	char g[1][MAX_GROUP_NAME];
	if (one_group(group, g) < 0)
		return ILLEGAL_GROUP;
	return SP_multigroup_scat_multicast(mbox, service_type, 1,
					    (const char (*)[MAX_GROUP_NAME])g,
					    mess_type, scat_mess);
}

int SP_multigroup_multicast(mailbox mbox, service service_type, int num_groups,
			    const char groups[][MAX_GROUP_NAME], int16 mess_type,
			    int mess_len, const char *mess)
{
	if (mess_len < 0 || (mess_len && !mess))
		return ILLEGAL_MESSAGE;
	struct iovec iov = { .iov_base = (void *)mess, .iov_len = (size_t)mess_len };
	return send_iov(mbox, service_type, num_groups, groups, mess_type, &iov, 1);
}

int SP_multigroup_scat_multicast(mailbox mbox, service service_type,
				 int num_groups, const char groups[][MAX_GROUP_NAME],
				 int16 mess_type, const scatter *scat_mess)
{
	struct iovec iov[MAX_CLIENT_SCATTER_ELEMENTS];
	int n = scat_iov(scat_mess, iov);
	if (n < 0)
		return n;
	return send_iov(mbox, service_type, num_groups, groups, mess_type, iov, n);
}

int SP_poll(mailbox mbox)
{
	ordo_client *c = sp_mailbox_client(mbox);
	if (!c)
		return ILLEGAL_SESSION;
	int ret = ordo_pending(c);
	return ret < 0 ? sp_session_error(ret) : ret;
}
