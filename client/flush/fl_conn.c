/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Flush-library connections: FL_connect and FL_disconnect around
 * SP_connect and SP_disconnect, the table from mailbox to connection
 * state, and the calls that only read it (FL_more_msgs, FL_poll, the
 * version and the membership-body offsets).
 *
 * The table is guarded by a mutex so threads may use different mailboxes
 * (as sp.h allows); one mailbox is one thread's at a time.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "client/flush/fl_impl.h"
#include "lib/spread/sp_memb.h"

static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fl_conn **conns;   /* indexed by mailbox */
static int n_conns;

struct fl_conn *fl_conn_get(mailbox mbox)
{
	struct fl_conn *k = NULL;

	pthread_mutex_lock(&conns_lock);
	if (mbox >= 0 && mbox < n_conns)
		k = conns[mbox];
	pthread_mutex_unlock(&conns_lock);
	return k;
}

static int conn_put(mailbox mbox, struct fl_conn *k)
{
	int ret = 0;

	pthread_mutex_lock(&conns_lock);
	if (mbox >= n_conns) {
		int n = mbox + 16;
		struct fl_conn **t = realloc(conns, sizeof(*t) * (size_t)n);

		if (!t) {
			ret = -1;
			goto out;
		}
		memset(t + n_conns, 0, sizeof(*t) * (size_t)(n - n_conns));
		conns = t;
		n_conns = n;
	}
	conns[mbox] = k;
out:
	pthread_mutex_unlock(&conns_lock);
	return ret;
}

static struct fl_conn *conn_take(mailbox mbox)
{
	struct fl_conn *k = NULL;

	pthread_mutex_lock(&conns_lock);
	if (mbox >= 0 && mbox < n_conns) {
		k = conns[mbox];
		conns[mbox] = NULL;
	}
	pthread_mutex_unlock(&conns_lock);
	return k;
}

static void conn_free(struct fl_conn *k)
{
	fl_groups_free(k);
	fl_names_free(&k->rx_groups);
	fl_names_free(&k->out.groups);
	free(k->rx_body);
	free(k->memb_body);
	free(k);
}

int FL_lib_init(void)
{
	return 0;
}

void FL_version(int *major_ver, int *minor_ver, int *patch_ver)
{
	int a, b, c;

	SP_version(&a, &b, &c);
	if (major_ver)
		*major_ver = a;
	if (minor_ver)
		*minor_ver = b;
	if (patch_ver)
		*patch_ver = c;
}

int FL_connect(const char *daemon_name, const char *user_name, int priority,
	       mailbox *mbox, char *private_name)
{
	struct fl_conn *k;
	mailbox m;
	int ret;

	if (!mbox || !private_name)
		return ILLEGAL_PARAM;
	k = calloc(1, sizeof(*k));
	if (!k)
		return COULD_NOT_CONNECT;
	/* View synchrony needs the membership messages: always on. */
	ret = SP_connect(daemon_name, user_name, priority, 1, &m, k->private_group);
	if (ret != ACCEPT_SESSION) {
		free(k);
		return ret;
	}
	k->mbox = m;
	if (conn_put(m, k) < 0) {
		SP_disconnect(m);
		free(k);
		return COULD_NOT_CONNECT;
	}
	*mbox = m;
	memcpy(private_name, k->private_group, MAX_GROUP_NAME);
	return ACCEPT_SESSION;
}

int FL_disconnect(mailbox mbox)
{
	struct fl_conn *k = conn_take(mbox);

	if (!k)
		return ILLEGAL_SESSION;
	SP_disconnect(mbox);
	conn_free(k);
	return 0;
}

int FL_more_msgs(mailbox mbox)
{
	struct fl_conn *k = fl_conn_get(mbox);

	if (!k)
		return ILLEGAL_SESSION;
	return k->out.ready ? 1 : 0;
}

int FL_poll(mailbox mbox)
{
	struct fl_conn *k = fl_conn_get(mbox);
	int n;

	if (!k)
		return ILLEGAL_SESSION;
	n = SP_poll(mbox);
	if (n < 0)
		return n;
	if (k->out.ready)
		n += (int)(k->out.len + (size_t)k->out.groups.n * MAX_GROUP_NAME);
	return n;
}

/* A view's body is sp.h's layout with one vs set, ours: so both these
 * offsets and SP_get_memb_info / SP_get_vs_sets_info read it. */
int FL_get_gid_offset_memb_mess(void)
{
	return SP_MEMB_GID_OFF;
}

int FL_get_num_vs_offset_memb_mess(void)
{
	return SP_MEMB_SETS_OFF;
}

int FL_get_vs_set_offset_memb_mess(void)
{
	return SP_MEMB_SETS_OFF + SP_MEMB_SET_HDR;
}
