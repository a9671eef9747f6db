/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The flush library's sends: FL_multicast to a group (in its view) or a
 * private group, FL_subgroupcast and FL_unicast to members of a view, and
 * their scatter forms. Each puts the library's header (the view it is sent
 * in) in front of the program's payload as one more scatter element: the
 * reason FL_MAX_SCATTER_ELEMENTS is one less than sp.h's.
 *
 * A subgroup message goes to the receivers' private groups, named in the
 * header with its group and view; the ring orders it with the group's
 * messages and FLUSH_OKs (ordo has one total order for everything), so it
 * too is delivered in the view it was sent in.
 */
#include <string.h>

#include "client/flush/fl_impl.h"

/* The group g of a send, checked: 0, or the error of fl.h. */
static int sendable(struct fl_conn *k, const char *group, struct fl_group **out)
{
	struct fl_group *g = group ? fl_group_find(k, group) : NULL;

	*out = g;
	if (!g || !g->has_view || g->state == FL_LEAVING)
		return ILLEGAL_GROUP;
	if (g->state == FL_FLUSHED)
		return ILLEGAL_STATE;
	return 0;
}

static int check_common(service serv_type, int16 mess_type, const scatter *scat)
{
	if (!Is_regular_mess(serv_type))
		return ILLEGAL_SERVICE;
	if (mess_type < FL_MIN_LEGAL_MESS_TYPE)
		return ILLEGAL_MESSAGE_TYPE;
	if (!scat || scat->num_elements > FL_MAX_SCATTER_ELEMENTS)
		return ILLEGAL_MESSAGE;
	return 0;
}

/* Header + the program's elements, sent to n destinations. Returns the
 * program's bytes, or an error. */
static int send_scat(struct fl_conn *k, service serv_type, int n,
		     const char (*dests)[MAX_GROUP_NAME], int16 mess_type,
		     const struct fl_wire *w, const scatter *scat)
{
	scatter all;
	char hdr[FL_WIRE_LEN];
	size_t len = 0;
	int ret;

	fl_wire_encode(w, hdr);
	all.num_elements = scat->num_elements + 1;
	all.elements[0].buf = hdr;
	all.elements[0].len = FL_WIRE_LEN;
	for (size_t i = 0; i < scat->num_elements; i++) {
		all.elements[i + 1] = scat->elements[i];
		len += scat->elements[i].len;
	}
	if (len > (size_t)0x7fffffff - FL_WIRE_LEN)
		return MESSAGE_TOO_LONG;
	ret = SP_multigroup_scat_multicast(k->mbox, serv_type, n, dests, mess_type, &all);
	if (ret < 0)
		return ret;
	return (int)len;
}

int FL_scat_multicast(mailbox mbox, service serv_type, const char *group_name,
		      int16 mess_type, const scatter *scat_mess)
{
	struct fl_conn *k = fl_conn_get(mbox);
	char dest[1][MAX_GROUP_NAME];
	struct fl_wire w = { 0 };
	struct fl_group *g;
	int ret;

	if (!k)
		return ILLEGAL_SESSION;
	ret = check_common(serv_type, mess_type, scat_mess);
	if (ret < 0)
		return ret;
	if (!group_name || strnlen(group_name, MAX_GROUP_NAME) == MAX_GROUP_NAME)
		return ILLEGAL_GROUP;
	memset(dest, 0, sizeof(dest));
	strncpy(dest[0], group_name, MAX_GROUP_NAME - 1);
	if (group_name[0] == '#') {
		/* A private group: no view to be in. */
		w.kind = FL_WIRE_PRIVATE;
	} else {
		ret = sendable(k, group_name, &g);
		if (ret < 0)
			return ret;
		w.kind = FL_WIRE_DATA;
		w.has_view = true;
		w.view = g->view_gid;
		memcpy(w.group, g->name, MAX_GROUP_NAME);
	}
	return send_scat(k, serv_type, 1, (const char (*)[MAX_GROUP_NAME])dest,
			 mess_type, &w, scat_mess);
}

int FL_multicast(mailbox mbox, service serv_type, const char *group_name,
		 int16 mess_type, int mess_len, const char *mess)
{
	scatter s = { .num_elements = 1 };

	if (mess_len < 0 || (mess_len && !mess))
		return ILLEGAL_MESSAGE;
	s.elements[0].buf = (char *)mess;
	s.elements[0].len = (size_t)mess_len;
	return FL_scat_multicast(mbox, serv_type, group_name, mess_type, &s);
}

int FL_scat_subgroupcast(mailbox mbox, service serv_type, const char *group_name,
			 int num_recvrs, char recvr_names[][MAX_GROUP_NAME],
			 int16 mess_type, const scatter *scat)
{
	struct fl_conn *k = fl_conn_get(mbox);
	struct fl_wire w = { .kind = FL_WIRE_SUBGROUP, .has_view = true };
	struct fl_group *g;
	int ret;

	if (!k)
		return ILLEGAL_SESSION;
	if (num_recvrs < 1 || !recvr_names)
		return ILLEGAL_PARAM;
	ret = check_common(serv_type, mess_type, scat);
	if (ret < 0)
		return ret;
	ret = sendable(k, group_name, &g);
	if (ret < 0)
		return ret;
	/* Receivers are members of the view we send in. */
	for (int i = 0; i < num_recvrs; i++)
		if (strnlen(recvr_names[i], MAX_GROUP_NAME) == MAX_GROUP_NAME ||
		    fl_names_find(&g->view, recvr_names[i]) < 0)
			return ILLEGAL_RECEIVERS;
	w.view = g->view_gid;
	memcpy(w.group, g->name, MAX_GROUP_NAME);
	return send_scat(k, serv_type, num_recvrs,
			 (const char (*)[MAX_GROUP_NAME])recvr_names, mess_type, &w, scat);
}

int FL_subgroupcast(mailbox mbox, service serv_type, const char *group_name,
		    int num_recvrs, char recvr_names[][MAX_GROUP_NAME],
		    int16 mess_type, int mess_len, const char *mess)
{
	scatter s = { .num_elements = 1 };

	if (mess_len < 0 || (mess_len && !mess))
		return ILLEGAL_MESSAGE;
	s.elements[0].buf = (char *)mess;
	s.elements[0].len = (size_t)mess_len;
	return FL_scat_subgroupcast(mbox, serv_type, group_name, num_recvrs,
				    recvr_names, mess_type, &s);
}

int FL_scat_unicast(mailbox mbox, service serv_type, const char *group_name,
		    const char *recvr_name, int16 mess_type, const scatter *scat)
{
	char r[1][MAX_GROUP_NAME];

	if (!recvr_name)
		return ILLEGAL_PARAM;
	memset(r, 0, sizeof(r));
	strncpy(r[0], recvr_name, MAX_GROUP_NAME - 1);
	if (strnlen(recvr_name, MAX_GROUP_NAME) == MAX_GROUP_NAME)
		return ILLEGAL_RECEIVERS;
	return FL_scat_subgroupcast(mbox, serv_type, group_name, 1, r, mess_type, scat);
}

int FL_unicast(mailbox mbox, service serv_type, const char *group_name,
	       const char *recvr_name, int16 mess_type, int mess_len,
	       const char *mess)
{
	scatter s = { .num_elements = 1 };

	if (mess_len < 0 || (mess_len && !mess))
		return ILLEGAL_MESSAGE;
	s.elements[0].buf = (char *)mess;
	s.elements[0].len = (size_t)mess_len;
	return FL_scat_unicast(mbox, serv_type, group_name, recvr_name, mess_type, &s);
}
