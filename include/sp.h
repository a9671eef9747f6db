/* SPDX-License-Identifier: BSD-3-Clause
 *
 * sp.h: the Spread 4 client API, as ordo provides it.
 *
 * A program written for the Spread toolkit ports to ordo by recompiling
 * against this header and linking libordo instead of libspread. Names,
 * signatures and numeric values (service flags, error codes, sizes, the
 * membership message layout) are those of Spread 4.x, because programs
 * store, compare, print and send them; everything else here is ours.
 * client/spread/README.md lists which Spread behaviours ordo keeps exactly
 * and which differ.
 *
 * Conventions, as in Spread:
 *   - calls return a count (bytes, members, sets) or ACCEPT_SESSION on
 *     success and one of the negative codes below on failure;
 *   - names are NUL-terminated inside fixed MAX_GROUP_NAME arrays;
 *   - "service" is a bit set: one delivery guarantee on send, a message
 *     class plus guarantee or cause on receive.
 */
#ifndef ORDO_SP_H
#define ORDO_SP_H

#include <stddef.h> /* size_t in scatter */

#ifdef __cplusplus
extern "C" {
#endif

/* Spread programs use these spellings for fixed-size integers. They are
 * macros in Spread, so `#ifdef int16` tests keep working. */
#ifndef int16
#define int16 short
#endif
#ifndef int32
#define int32 int
#endif

/* Byte swaps a program may apply to its own payload when SP_receive
 * reports endian_mismatch. Arguments are evaluated more than once. */
#define Flip_int16(v) ((((v) >> 8) & 0x00ff) | (((v) << 8) & 0xff00))
#define Flip_int32(v) ((((v) >> 24) & 0x000000ff) | (((v) >> 8) & 0x0000ff00) | \
                       (((v) << 8) & 0x00ff0000) | (((v) << 24) & 0xff000000))

/* ---------------------------------------------------------------- sizes */

#define DEFAULT_SPREAD_PORT 4803
/* The Spread API level this header matches (4.4.0), major<<24|minor<<16|patch. */
#define SPREAD_VERSION ((4 << 24) | (4 << 16) | 0)

/* Bytes of a group or member name, terminating NUL included: at most 31
 * characters. Every name array in this API has this size. */
#define MAX_GROUP_NAME   32
/* Longest private_name given to SP_connect (characters, no NUL). */
#define MAX_PRIVATE_NAME 10
/* Bytes of a daemon name, NUL included; "#" + private + "#" + daemon
 * therefore always fits MAX_GROUP_NAME. */
#define MAX_PROC_NAME    20
/* Elements of a scatter; more is ILLEGAL_MESSAGE. */
#define MAX_CLIENT_SCATTER_ELEMENTS 100

/* -------------------------------------------------------- service flags
 *
 * On send, service_type holds one delivery guarantee (the strongest bit set
 * wins) and optionally SELF_DISCARD. On receive it tells what arrived: a
 * regular message (one guarantee bit), a membership message (REG_MEMB_MESS
 * or TRANSITION_MESS plus a cause), or a rejected message (REJECT_MESS plus
 * the flags it was sent with). ordo's ring provides each guarantee
 * (include/ordo/wire.h, enum ordo_service); weaker ones are delivered in
 * total order too, which Spread allows.
 */
#define UNRELIABLE_MESS 0x00000001 /* may be lost; ordo delivers it reliably */
#define RELIABLE_MESS   0x00000002 /* delivered, no order promised */
#define FIFO_MESS       0x00000004 /* in the order of each sender */
#define CAUSAL_MESS     0x00000008 /* in causal (Lamport) order */
#define AGREED_MESS     0x00000010 /* one total order for all receivers */
#define SAFE_MESS       0x00000020 /* total order, delivered once every member holds it */
#define REGULAR_MESS    0x0000003f /* any of the guarantees above */

/* Send: do not deliver this message back to its sender's own mailbox. */
#define SELF_DISCARD    0x00000040
/* Receive, set by the caller in *service_type before SP_receive: a message
 * that does not fit the buffers is delivered truncated (and dropped) rather
 * than kept for a retry; see SP_receive. */
#define DROP_RECV       0x01000000

/* Membership messages: a new regular view of a group, or the transitional
 * signal that precedes it (messages received between the two were sent in
 * the old view and delivered to the members that moved together). */
#define REG_MEMB_MESS        0x00001000
#define TRANSITION_MESS      0x00002000
/* Cause of a regular membership (exactly one is set). */
#define CAUSED_BY_JOIN       0x00000100 /* a member joined */
#define CAUSED_BY_LEAVE      0x00000200 /* a member left (alone: we left; see Is_self_leave) */
#define CAUSED_BY_DISCONNECT 0x00000400 /* a member's connection closed */
#define CAUSED_BY_NETWORK    0x00000800 /* daemons partitioned or merged */
#define MEMBERSHIP_MESS      0x00003f00 /* any membership bit */

/* Bits Spread reserves: the library's byte-order marker, and room for
 * future flags. Never set them; they are clear in anything we return. */
#define ENDIAN_RESERVED 0x80000080
#define RESERVED        0x003fc000
/* A message the daemon returned to its sender undelivered (service_type
 * keeps the original flags besides this bit). */
#define REJECT_MESS     0x00400000

/* Tests on a received service_type. */
#define Is_unreliable_mess(type)        ((type) & UNRELIABLE_MESS)
#define Is_reliable_mess(type)          ((type) & RELIABLE_MESS)
#define Is_fifo_mess(type)              ((type) & FIFO_MESS)
#define Is_causal_mess(type)            ((type) & CAUSAL_MESS)
#define Is_agreed_mess(type)            ((type) & AGREED_MESS)
#define Is_safe_mess(type)              ((type) & SAFE_MESS)
#define Is_regular_mess(type)           (((type) & REGULAR_MESS) && !((type) & REJECT_MESS))
#define Is_self_discard(type)           ((type) & SELF_DISCARD)
#define Is_reg_memb_mess(type)          ((type) & REG_MEMB_MESS)
#define Is_transition_mess(type)        ((type) & TRANSITION_MESS)
#define Is_caused_join_mess(type)       ((type) & CAUSED_BY_JOIN)
#define Is_caused_leave_mess(type)      ((type) & CAUSED_BY_LEAVE)
#define Is_caused_disconnect_mess(type) ((type) & CAUSED_BY_DISCONNECT)
#define Is_caused_network_mess(type)    ((type) & CAUSED_BY_NETWORK)
#define Is_membership_mess(type)        (((type) & MEMBERSHIP_MESS) && !((type) & REJECT_MESS))
#define Is_reject_mess(type)            ((type) & REJECT_MESS)
/* We left the group ourselves: the last message we get for it. */
#define Is_self_leave(type) \
	(((type) & CAUSED_BY_LEAVE) && !((type) & (REG_MEMB_MESS | TRANSITION_MESS)))

/* ---------------------------------------------------------- return codes */

#define ACCEPT_SESSION        1  /* SP_connect: connected */

/* SP_connect failures. */
#define ILLEGAL_SPREAD       -1  /* spread_name is not "port", "port@host" or a path we can reach */
#define COULD_NOT_CONNECT    -2  /* no daemon answered at that address */
#define REJECT_QUOTA         -3  /* the daemon has no room for another client */
#define REJECT_NO_NAME       -4  /* protocol error: the request carried no name length */
#define REJECT_ILLEGAL_NAME  -5  /* private_name too long or has a character outside '$'..'~' */
#define REJECT_NOT_UNIQUE    -6  /* private_name already in use at this daemon; pick another */
#define REJECT_VERSION       -7  /* library and daemon speak different client protocols */
#define CONNECTION_CLOSED    -8  /* the connection failed or closed (also later, on any call) */
#define REJECT_AUTH          -9  /* the daemon refused our credentials */

/* Failures of calls on a connected mailbox. */
#define ILLEGAL_SESSION      -11 /* mbox is not an open mailbox */
#define ILLEGAL_SERVICE      -12 /* service_type names no delivery guarantee (or is a reject) */
#define ILLEGAL_MESSAGE      -13 /* malformed message: negative length, bad scatter, bad body */
#define ILLEGAL_GROUP        -14 /* empty, too long, or characters outside '$'..'~' */
#define BUFFER_TOO_SHORT     -15 /* message body larger than the buffer (see SP_receive) */
#define GROUPS_TOO_SHORT     -16 /* more groups than max_groups (see SP_receive) */
#define MESSAGE_TOO_LONG     -17 /* body plus group names exceed the largest message */
#define NET_ERROR_ON_SESSION -18 /* the mailbox failed earlier; only SP_disconnect is left */
#define SP_BUG               -19 /* internal inconsistency in the library: please report */

/* ----------------------------------------------------------------- types */

/* A connection to the daemon. In ordo it is also a file descriptor that
 * becomes readable when a message is waiting, so it can sit in poll(2). */
typedef int mailbox;
/* A service_type bit set (above). */
typedef int service;

/* Gather/scatter list for SP_scat_multicast and SP_scat_receive. */
typedef struct dummy_scat_element {
	char  *buf;
	size_t len;
} scat_element;

typedef struct dummy_scatter {
	size_t       num_elements;
	scat_element elements[MAX_CLIENT_SCATTER_ELEMENTS];
} scatter;

/* Identity of one view of a group: equal on every member that installed
 * the same view. Compare with SP_equal_group_ids, never memcmp. */
typedef struct dummy_group_id {
	int32 id[3];
} group_id;

/* One virtual-synchrony set of a membership message: the members that
 * came from the same previous view. members_offset counts bytes from the
 * start of the message body to its first name. */
typedef struct dummy_vs_set_info {
	unsigned int num_members;
	unsigned int members_offset;
} vs_set_info;

/* What SP_get_memb_info returns. changed_member is set for JOIN, LEAVE and
 * DISCONNECT, empty for NETWORK; a transitional message fills gid only. */
typedef struct dummy_membership_info {
	group_id     gid;
	char         changed_member[MAX_GROUP_NAME];
	unsigned int num_vs_sets;
	vs_set_info  my_vs_set;
} membership_info;

/* Membership message body, as SP_receive leaves it in the buffer (host
 * byte order; 4-byte fields, unaligned access is the library's job):
 *
 *   offset  0  group_id   gid            3 x int32
 *   offset 12  uint32     num_vs_sets
 *   offset 16  uint32     local set's offset, counted from offset 20
 *   offset 20  vs set 0:  uint32 n, then n names of MAX_GROUP_NAME bytes
 *              vs set 1:  ... and so on, num_vs_sets times
 *
 * A transitional message (and a self-leave) carries the gid only. For JOIN,
 * LEAVE and DISCONNECT there is one set holding just the changed member. */

/* Time for SP_connect_timeout and the event loop below. */
typedef struct dummy_time {
	long sec;
	long usec;
} sp_time;

/* ------------------------------------------------------------ interface */

/* Library version (ordo's libordo reports the Spread API level it
 * implements). Returns 1, or 0 if a pointer is NULL. */
int SP_version(int *major_version, int *minor_version, int *patch_version);

/* Authentication hooks. ordo authenticates by the Unix socket's peer
 * credentials; a method named "NULL" is accepted, others REJECT_AUTH at
 * connect. Return 1 on success, 0 on a bad argument. */
int SP_set_auth_method(const char *auth_name, int (*auth_function)(int, void *),
		       void *auth_data);
int SP_set_auth_methods(int num_methods, const char *auth_name[],
			int (*auth_function[])(int, void *), void *auth_data[]);

/* Connect to the daemon named by spread_name ("4803", "4803@localhost").
 * private_name (at most MAX_PRIVATE_NAME characters, NULL for a generated
 * one) must be unique at that daemon. group_membership 0 suppresses every
 * membership message. On ACCEPT_SESSION, *mbox is the mailbox and
 * private_group (MAX_GROUP_NAME bytes) holds "#private_name#daemon".
 * Returns ACCEPT_SESSION or ILLEGAL_SPREAD, COULD_NOT_CONNECT,
 * CONNECTION_CLOSED, REJECT_*. priority is ignored (as in Spread). */
int SP_connect(const char *spread_name, const char *private_name, int priority,
	       int group_membership, mailbox *mbox, char *private_group);
/* The same, giving up after time_out. */
int SP_connect_timeout(const char *spread_name, const char *private_name,
		       int priority, int group_membership, mailbox *mbox,
		       char *private_group, sp_time time_out);

/* Leave every group and close mbox. Returns 0 or ILLEGAL_SESSION. */
int SP_disconnect(mailbox mbox);
/* Close mbox without telling the daemon (it sees a disconnect). */
void SP_kill(mailbox mbox);

/* Ask to join or leave group; the membership message that follows is the
 * answer. Returns 0, or ILLEGAL_GROUP, ILLEGAL_SESSION, CONNECTION_CLOSED,
 * NET_ERROR_ON_SESSION. */
int SP_join(mailbox mbox, const char *group);
int SP_leave(mailbox mbox, const char *group);

/* Multicast mess_len bytes (or a scatter) to one group or to num_groups
 * groups at once (delivered once to a member of several). Group names may
 * be private groups. mess_type travels opaquely (16 bits). Returns the
 * bytes sent, or ILLEGAL_SESSION, ILLEGAL_SERVICE, ILLEGAL_MESSAGE,
 * MESSAGE_TOO_LONG (also for more than 255 groups: ORDO_MAX_GROUPS in
 * ordo/ordo.h), CONNECTION_CLOSED, NET_ERROR_ON_SESSION. */
int SP_multicast(mailbox mbox, service service_type, const char *group,
		 int16 mess_type, int mess_len, const char *mess);
int SP_scat_multicast(mailbox mbox, service service_type, const char *group,
		      int16 mess_type, const scatter *scat_mess);
int SP_multigroup_multicast(mailbox mbox, service service_type, int num_groups,
			    const char groups[][MAX_GROUP_NAME], int16 mess_type,
			    int mess_len, const char *mess);
int SP_multigroup_scat_multicast(mailbox mbox, service service_type,
				 int num_groups, const char groups[][MAX_GROUP_NAME],
				 int16 mess_type, const scatter *scat_mess);

/* Block until the next message or membership event and copy it out.
 * Returns the body length, or:
 *   BUFFER_TOO_SHORT / GROUPS_TOO_SHORT: it does not fit. Without DROP_RECV
 *     in *service_type the message stays queued; *service_type, sender and
 *     *mess_type are set, and the sizes needed come back negated in
 *     *endian_mismatch (bytes) and *num_groups (groups). With DROP_RECV,
 *     what fits is copied and the rest dropped: BUFFER_TOO_SHORT if the body
 *     was cut, else the body length with *num_groups negated if only the
 *     groups were cut.
 *   ILLEGAL_SESSION, ILLEGAL_MESSAGE, CONNECTION_CLOSED, NET_ERROR_ON_SESSION.
 * For a regular message, groups are its destinations, *mess_type what the
 * sender gave, *endian_mismatch 1 if the sender's byte order differs. For a
 * regular membership, sender is the group, groups its members in view
 * order, *mess_type our index among them, the body as described above. */
int SP_receive(mailbox mbox, service *service_type, char sender[MAX_GROUP_NAME],
	       int max_groups, int *num_groups, char groups[][MAX_GROUP_NAME],
	       int16 *mess_type, int *endian_mismatch, int max_mess_len, char *mess);
int SP_scat_receive(mailbox mbox, service *service_type, char sender[MAX_GROUP_NAME],
		    int max_groups, int *num_groups, char groups[][MAX_GROUP_NAME],
		    int16 *mess_type, int *endian_mismatch, scatter *scat_mess);

/* Decode a membership body (pure functions; no mailbox involved).
 * SP_get_memb_info: 1, or ILLEGAL_MESSAGE if service_type is not a
 *   membership message or the body is inconsistent.
 * SP_get_vs_sets_info: the number of sets, filling vs_sets[] and
 *   *my_vs_set_index; BUFFER_TOO_SHORT if num_vs_sets is too small.
 * SP_get_vs_set_members: the number of members, copying their names;
 *   BUFFER_TOO_SHORT if member_names_count is too small.
 * The scat_ variants read a body received with SP_scat_receive. */
int SP_get_memb_info(const char *memb_mess, const service service_type,
		     membership_info *memb_info);
int SP_get_vs_sets_info(const char *memb_mess, vs_set_info *vs_sets,
			int num_vs_sets, unsigned int *my_vs_set_index);
int SP_get_vs_set_members(const char *memb_mess, const vs_set_info *vs_set,
			  char member_names[][MAX_GROUP_NAME], int member_names_count);
int SP_scat_get_memb_info(const scatter *memb_mess_scat, const service service_type,
			  membership_info *memb_info);
int SP_scat_get_vs_sets_info(const scatter *memb_mess_scat, vs_set_info *vs_sets,
			     int num_vs_sets, unsigned int *my_vs_set_index);
int SP_scat_get_vs_set_members(const scatter *memb_mess_scat, const vs_set_info *vs_set,
			       char member_names[][MAX_GROUP_NAME], int member_names_count);

/* Bytes waiting to be received on mbox (0: SP_receive would block), or
 * ILLEGAL_SESSION. */
int SP_poll(mailbox mbox);

/* 1 if both identify the same view, else 0. */
int SP_equal_group_ids(group_id g1, group_id g2);

/* Print a one-line description of a return code on stdout. */
void SP_error(int error);

/* ------------------------------------------------------------ event loop
 *
 * Spread's library also exports a small single-threaded event loop that
 * its sample programs (and many applications) use to wait on a mailbox and
 * stdin together. libordo provides the same calls over poll(2), with
 * Spread 5's additions at the end (client/spread/README.md).
 */
#define NUM_PRIORITY    3
#define LOW_PRIORITY    0
#define MEDIUM_PRIORITY 1
#define HIGH_PRIORITY   2

#define NUM_FDTYPES 3
#define READ_FD     0
#define WRITE_FD    1
#define EXCEPT_FD   2

int     E_init(void);
sp_time E_get_time(void);
sp_time E_sub_time(sp_time t, sp_time delta_t);
sp_time E_add_time(sp_time t, sp_time delta_t);
/* 1 if t1 > t2, -1 if t1 < t2, 0 if equal. */
int     E_compare_time(sp_time t1, sp_time t2);
int     E_queue(void (*func)(int code, void *data), int code, void *data,
		sp_time delta_time);
int     E_dequeue(void (*func)(int code, void *data), int code, void *data);
void    E_delay(sp_time t);
int     E_attach_fd(int fd, int fd_type, void (*func)(int fd, int code, void *data),
		    int code, void *data, int priority);
int     E_detach_fd(int fd, int fd_type);
int     E_set_active_threshold(int priority);
int     E_activate_fd(int fd, int fd_type);
int     E_deactivate_fd(int fd, int fd_type);
int     E_num_active(int priority);
void    E_handle_events(void);
void    E_exit_events(void);

/* Spread 5's additions. The time on the monotonic clock (timers use it). */
sp_time E_get_time_monotonic(void);
/* E_detach_fd, only if fd is attached at that priority: 0, else -1. */
int     E_detach_fd_priority(int fd, int fd_type, int priority);
/* E_exit_events that a signal handler may call: the loop wakes and
 * returns even if it is asleep in another thread. */
void    E_exit_events_async_safe(void);

#ifdef __cplusplus
}
#endif

#endif /* ORDO_SP_H */
