/* SPDX-License-Identifier: BSD-3-Clause
 *
 * fl.h: Spread's flush library (view synchrony), as ordo provides it.
 *
 * A Spread program that includes fl.h builds against this header and links
 * libordo. Names, signatures and numeric values are those of the fl.h that
 * ships with Spread 4 (programs compare and print them); the code and this
 * text are ours (client/flush/README.md has how it works and where it
 * differs).
 *
 * What the flush library adds to sp.h. Spread delivers membership changes
 * in the message stream (extended virtual synchrony). With the flush
 * library a group member must agree before a new view is installed:
 *
 *   1. The group's membership changes underneath (someone joins, leaves,
 *      is disconnected or killed, daemons partition or merge): the member
 *      receives a flush request (FLUSH_REQ_MESS, sender = the group). It
 *      may go on sending to the group.
 *   2. When it is ready it calls FL_flush(group). From then on it may not
 *      send to the group (ILLEGAL_STATE) until the new view arrives.
 *   3. Once every member of the new membership has flushed (a joiner
 *      agrees by itself), each receives the new view (REG_MEMB_MESS).
 *
 * The guarantees (view synchrony, closed groups):
 *   - a message sent to a group in a view is delivered in that view to
 *     every member that delivers it, and never to a process that was not a
 *     member of that view;
 *   - members that install the same new view coming from the same previous
 *     view (its vs set) delivered the same messages in the previous view;
 *   - a member delivers its own messages (unless SELF_DISCARD) in the view
 *     it sent them in;
 *   - only members of a group (and private groups) can be sent to: a
 *     message to a group this connection is not a member of is ILLEGAL_GROUP.
 * Order guarantees hold within one group; messages to different groups are
 * not ordered with each other by this library.
 *
 * A flush request must be answered. Between a flush request and FL_flush a
 * blocking FL_receive may wait for a message that will not come (for
 * example when this member is now alone in the group): use DONT_BLOCK, or
 * flush first.
 *
 * Every call returns 0 or a count on success and a negative code on
 * failure: Spread's codes (sp.h) and the five below. A mailbox is used by
 * one thread at a time; different mailboxes may be used from different
 * threads.
 */
#ifndef ORDO_FL_H
#define ORDO_FL_H

#include "sp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------- service bits */

/* On receive, in *serv_type on entry: do not wait; WOULD_BLOCK instead. */
#define DONT_BLOCK     0x10000000
/* On receive: a flush request for the group named in sender. Neither a
 * regular nor a membership message; answer it with FL_flush. */
#define FLUSH_REQ_MESS 0x20000000
/* On receive: a message sent to part of a group (FL_subgroupcast,
 * FL_unicast). groups[0 .. *num_groups-2] are its receivers and
 * groups[*num_groups-1] the group it was sent in. */
#define SUBGROUP_CAST  0x40000000

#define Is_flush_req_mess(serv) (((serv) & FLUSH_REQ_MESS) != 0)
#define Is_subgroup_mess(serv)  (((serv) & SUBGROUP_CAST) != 0)

/* ------------------------------------------------------- return codes */

#define ILLEGAL_PARAM        -24  /* a bad count (negative, or no receivers) */
#define WOULD_BLOCK          -25  /* DONT_BLOCK receive: nothing to receive now */
#define ILLEGAL_MESSAGE_TYPE -26  /* mess_type below FL_MIN_LEGAL_MESS_TYPE */
#define ILLEGAL_STATE        -27  /* FL_flush without a flush request, or a
				   * send to a group flushed and not yet in
				   * its new view */
#define ILLEGAL_RECEIVERS    -28  /* a receiver is not in the sender's view */

/* A message takes one scatter element of the library's: a program may use
 * the others. */
#define FL_MAX_SCATTER_ELEMENTS (MAX_CLIENT_SCATTER_ELEMENTS - 1)

/* mess_type values below this are the library's own. */
#define FL_MIN_LEGAL_MESS_TYPE ((int16) -32765)

/* ------------------------------------------------------------ calls */

/* Nothing to set up in ordo (the library initialises itself); kept for
 * programs that call it. Returns 0. */
int   FL_lib_init(void);

/* The Spread API level this library implements (that of sp.h). */
void  FL_version(int *major_ver, int *minor_ver, int *patch_ver);

/* SP_connect with membership messages on (a view-synchronous program
 * needs them). Returns ACCEPT_SESSION or SP_connect's errors. */
int   FL_connect(const char *daemon_name, const char *user_name, int priority,
		 mailbox *mbox, char *private_name);

/* Close the connection; whatever was not received is lost. 0 or
 * ILLEGAL_SESSION. */
int   FL_disconnect(mailbox mbox);

/* Join a group: its first view (with this member in it) follows, without
 * a flush request. ILLEGAL_GROUP for a bad name or a group this
 * connection is already joining, in, or leaving. */
int   FL_join(mailbox mbox, const char *group_name);

/* Leave a group this connection is a member of (a view of it was
 * delivered) and is not already leaving; a self-leave message (sp.h's
 * Is_self_leave) ends it. ILLEGAL_GROUP otherwise. */
int   FL_leave(mailbox mbox, const char *group_name);

/* Answer the group's flush request: agree to the next view. ILLEGAL_STATE
 * without a pending flush request, ILLEGAL_GROUP if not a member. */
int   FL_flush(mailbox mbox, const char *group_name);

/* Send to a group this connection is a member of (view delivered, not
 * flushed since, not leaving), or to a private group. Return the bytes of
 * the message, or ILLEGAL_GROUP, ILLEGAL_STATE, ILLEGAL_MESSAGE_TYPE,
 * ILLEGAL_SERVICE, ILLEGAL_MESSAGE (too many scatter elements),
 * MESSAGE_TOO_LONG, and the session errors of SP_multicast. */
int   FL_multicast(mailbox mbox, service serv_type, const char *group_name,
		   int16 mess_type, int mess_len, const char *mess);
int   FL_scat_multicast(mailbox mbox, service serv_type, const char *group_name,
			int16 mess_type, const scatter *scat_mess);

/* Send in a group's current view to some of its members only (they
 * receive it with SUBGROUP_CAST), or to one. ILLEGAL_RECEIVERS if one is
 * not in the view, ILLEGAL_PARAM for num_recvrs < 1; otherwise as
 * FL_multicast. */
int   FL_subgroupcast(mailbox mbox, service serv_type, const char *group_name,
		      int num_recvrs, char recvr_names[][MAX_GROUP_NAME],
		      int16 mess_type, int mess_len, const char *mess);
int   FL_scat_subgroupcast(mailbox mbox, service serv_type, const char *group_name,
			   int num_recvrs, char recvr_names[][MAX_GROUP_NAME],
			   int16 mess_type, const scatter *scat);
int   FL_unicast(mailbox mbox, service serv_type, const char *group_name,
		 const char *recvr_name, int16 mess_type, int mess_len,
		 const char *mess);
int   FL_scat_unicast(mailbox mbox, service serv_type, const char *group_name,
		      const char *recvr_name, int16 mess_type, const scatter *scat);

/* The next event: a message, a flush request, a view (REG_MEMB_MESS with a
 * cause; sender = group, groups = members, *mess_type = our index, body in
 * sp.h's layout with one vs set: the members that came from our previous
 * view with us) or a self-leave. Returns the body length, or:
 *   WOULD_BLOCK (DONT_BLOCK given and nothing to receive),
 *   BUFFER_TOO_SHORT / GROUPS_TOO_SHORT: the event stays to be received
 *     with bigger buffers; *num_groups is 0 if max_groups was enough, else
 *     the groups needed, negated; *endian_mismatch is 0 if the buffer was
 *     enough, else the bytes needed, negated. With DROP_RECV what fits is
 *     copied and the event is gone (sp.h's rules),
 *   the session errors of SP_receive.
 * *more_msgs: events the library holds ready (FL_more_msgs). */
int   FL_receive(mailbox mbox, service *serv_type, char *sender_name,
		 int max_groups, int *num_groups, char group_names[][MAX_GROUP_NAME],
		 int16 *mess_type, int *endian_mismatch, int max_mess_len,
		 char *mess, int *more_msgs);
int   FL_scat_receive(mailbox mbox, service *serv_type, char *sender_name,
		      int max_groups, int *num_groups, char group_names[][MAX_GROUP_NAME],
		      int16 *mess_type, int *endian_mismatch, scatter *scat_mess,
		      int *more_msgs);

/* Complete events the library holds and FL_receive would return without
 * reading the mailbox (not a readiness test: 0 does not mean nothing is
 * coming). Or ILLEGAL_SESSION. */
int   FL_more_msgs(mailbox mbox);

/* Bytes of activity on the connection (which is not always an event for
 * the program: use DONT_BLOCK to know), or ILLEGAL_SESSION. */
int   FL_poll(mailbox mbox);

/* Print a one-line description of a return code (FL_* and SP_* codes). */
void  FL_error(int error_code);

/* Where the fields of a view's body are: the group id, the number of
 * members of our vs set, and its first name (byte offsets). */
int   FL_get_gid_offset_memb_mess(void);
int   FL_get_num_vs_offset_memb_mess(void);
int   FL_get_vs_set_offset_memb_mess(void);

#ifdef __cplusplus
}
#endif

#endif /* ORDO_FL_H */
