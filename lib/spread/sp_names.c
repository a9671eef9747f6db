/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Group and connection names (see sp_names.h). The alphabet and lengths are
 * Spread's, so a name one system accepts the other accepts too; programs
 * build names with sprintf and rely on exactly these limits. One set of
 * rules on (pointer, length): the NUL-terminated API below is built on it,
 * and the group layer applies it to names from the ring.
 */
#include "lib/spread/sp_names.h"

#include <string.h>

/* '$'..'~': excludes ' ', '!', '"' and '#', which marks private groups. */
static bool chars_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 36 || (unsigned char)s[i] > 126)
			return false;
	return true;
}

bool sp_name_group_ok(const char *s, size_t len)
{
	return len >= 1 && len <= MAX_GROUP_NAME - 1 && chars_ok(s, len);
}

bool sp_name_private_ok(const char *s, size_t len)
{
	return len >= 1 && len <= MAX_PRIVATE_NAME && chars_ok(s, len);
}

bool sp_name_daemon_ok(const char *s, size_t len)
{
	return len >= 1 && len <= MAX_PROC_NAME - 1 && chars_ok(s, len);
}

/* Split "#p#d" at its second '#': the private part's length, or -1. */
static long private_split(const char *s, size_t len)
{
	const char *sep;

	if (len < 4 || len > MAX_GROUP_NAME - 1 || s[0] != '#')
		return -1;
	sep = memchr(s + 1, '#', len - 1);
	return sep == NULL ? -1 : (long)(sep - s - 1);
}

bool sp_name_private_group_ok(const char *s, size_t len)
{
	long np = private_split(s, len);

	return np >= 0 && sp_name_private_ok(s + 1, (size_t)np) &&
	       sp_name_daemon_ok(s + 2 + np, len - (size_t)np - 2);
}

size_t sp_name_join_private(char out[MAX_GROUP_NAME], const char *priv,
			    size_t priv_len, const char *daemon,
			    size_t daemon_len)
{
	out[0] = '#';
	memcpy(out + 1, priv, priv_len);
	out[1 + priv_len] = '#';
	memcpy(out + 2 + priv_len, daemon, daemon_len);
	out[2 + priv_len + daemon_len] = '\0';
	return 2 + priv_len + daemon_len;
}

/* strlen bounded by max + 1: enough to tell "too long" apart. */
static size_t bounded_len(const char *s, size_t max)
{
	const char *end = memchr(s, '\0', max + 1);

	return end == NULL ? max + 1 : (size_t)(end - s);
}

int sp_name_check_group(const char *group)
{
	if (group == NULL ||
	    !sp_name_group_ok(group, bounded_len(group, MAX_GROUP_NAME)))
		return ILLEGAL_GROUP;
	return 0;
}

int sp_name_is_private(const char *group)
{
	return group != NULL && group[0] == '#';
}

int sp_name_check_private(const char *private_name)
{
	if (private_name == NULL || private_name[0] == '\0')
		return 0;
	if (!sp_name_private_ok(private_name,
				bounded_len(private_name, MAX_PRIVATE_NAME)))
		return REJECT_ILLEGAL_NAME;
	return 0;
}

int sp_name_check_daemon(const char *daemon)
{
	if (daemon == NULL ||
	    !sp_name_daemon_ok(daemon, bounded_len(daemon, MAX_PROC_NAME)))
		return ILLEGAL_SPREAD;
	return 0;
}

int sp_name_private_group(char out[MAX_GROUP_NAME], const char *private_name,
			  const char *daemon)
{
	if (private_name == NULL || private_name[0] == '\0' ||
	    sp_name_check_private(private_name) != 0)
		return REJECT_ILLEGAL_NAME;
	if (sp_name_check_daemon(daemon) != 0)
		return ILLEGAL_SPREAD;
	sp_name_join_private(out, private_name, strlen(private_name), daemon,
			     strlen(daemon));
	return 0;
}

int sp_name_parse_private(const char *group, char private_name[MAX_PRIVATE_NAME + 1],
			  char daemon[MAX_PROC_NAME])
{
	size_t len, np, nd;

	if (group == NULL)
		return ILLEGAL_GROUP;
	len = bounded_len(group, MAX_GROUP_NAME);
	if (!sp_name_private_group_ok(group, len))
		return ILLEGAL_GROUP;
	np = (size_t)private_split(group, len);
	nd = len - np - 2;
	if (private_name != NULL) {
		memcpy(private_name, group + 1, np);
		private_name[np] = '\0';
	}
	if (daemon != NULL) {
		memcpy(daemon, group + 2 + np, nd);
		daemon[nd] = '\0';
	}
	return 0;
}

int sp_name_check_dest(const char *group)
{
	if (sp_name_is_private(group))
		return sp_name_parse_private(group, NULL, NULL);
	return sp_name_check_group(group);
}
