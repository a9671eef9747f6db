/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Group and connection names as Spread defines them.
 *
 * A group name is 1..MAX_GROUP_NAME-1 characters, each in '$'..'~' (ASCII
 * 36..126): no spaces, no control characters, and no '#', which is kept for
 * private groups. A connection's private group is "#<private>#<daemon>",
 * built by the daemon at connect; messages may be sent to it but nobody can
 * join it.
 */
#ifndef ORDO_SPREAD_NAMES_H
#define ORDO_SPREAD_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "sp.h"

/* The same rules on names as the ring carries them: len bytes, no NUL.
 * The group layer checks every name from the ring with these, so the
 * daemons and the client library accept exactly the same names. */
bool sp_name_group_ok(const char *s, size_t len);   /* 1..MAX_GROUP_NAME-1 */
bool sp_name_private_ok(const char *s, size_t len); /* 1..MAX_PRIVATE_NAME */
bool sp_name_daemon_ok(const char *s, size_t len);  /* 1..MAX_PROC_NAME-1 */
bool sp_name_private_group_ok(const char *s, size_t len); /* "#p#d" */

/* Write "#private#daemon" and a NUL into out[MAX_GROUP_NAME] from parts
 * already checked; returns the name's length (at most MAX_GROUP_NAME-1,
 * by the limits' design: 1 + 10 + 1 + 19). */
size_t sp_name_join_private(char out[MAX_GROUP_NAME], const char *priv,
			    size_t priv_len, const char *daemon,
			    size_t daemon_len);

/* A name SP_join / SP_leave accept: 0 or ILLEGAL_GROUP. */
int sp_name_check_group(const char *group);

/* A destination SP_multicast accepts: a group name or a well-formed private
 * group name. 0 or ILLEGAL_GROUP. */
int sp_name_check_dest(const char *group);

/* A private_name SP_connect accepts (NULL and "" ask for a generated one):
 * 0 or REJECT_ILLEGAL_NAME. */
int sp_name_check_private(const char *private_name);

/* A daemon name usable in private groups: 1..MAX_PROC_NAME-1 characters of
 * the group alphabet. 0 or ILLEGAL_SPREAD. */
int sp_name_check_daemon(const char *daemon);

/* Write "#private#daemon" into out[MAX_GROUP_NAME]. 0, REJECT_ILLEGAL_NAME
 * (bad or empty private name) or ILLEGAL_SPREAD (bad daemon name). */
int sp_name_private_group(char out[MAX_GROUP_NAME], const char *private_name,
			  const char *daemon);

/* Split a private group name into its parts (either output may be NULL;
 * sizes MAX_PRIVATE_NAME + 1 and MAX_PROC_NAME). 0 or ILLEGAL_GROUP when
 * the name is not a well-formed private group. */
int sp_name_parse_private(const char *group, char private_name[MAX_PRIVATE_NAME + 1],
			  char daemon[MAX_PROC_NAME]);

/* 1 if the name is a private group's (starts with '#'), else 0. */
int sp_name_is_private(const char *group);

#endif /* ORDO_SPREAD_NAMES_H */
