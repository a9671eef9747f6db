/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Group and connection names (see sp_names.h). The alphabet and lengths are
 * Spread's, so a name one system accepts the other accepts too; programs
 * build names with sprintf and rely on exactly these limits.
 */
#include "sp_names.h"

#include <string.h>

static int name_char_ok(unsigned char c)
{
	return c >= 36 && c <= 126; /* '$'..'~': excludes ' ', '!', '"', '#' */
}

/* Length of s if it is 1..max characters of the alphabet, else 0. */
static size_t name_run(const char *s, size_t max)
{
	size_t n = 0;

	while (s[n] != '\0') {
		if (n == max || !name_char_ok((unsigned char)s[n]))
			return 0;
		n++;
	}
	return n;
}

int sp_name_check_group(const char *group)
{
	if (group == NULL || name_run(group, MAX_GROUP_NAME - 1) == 0)
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
	if (name_run(private_name, MAX_PRIVATE_NAME) == 0)
		return REJECT_ILLEGAL_NAME;
	return 0;
}

int sp_name_check_daemon(const char *daemon)
{
	if (daemon == NULL || name_run(daemon, MAX_PROC_NAME - 1) == 0)
		return ILLEGAL_SPREAD;
	return 0;
}

int sp_name_private_group(char out[MAX_GROUP_NAME], const char *private_name,
			  const char *daemon)
{
	size_t np, nd;

	if (private_name == NULL || private_name[0] == '\0' ||
	    sp_name_check_private(private_name) != 0)
		return REJECT_ILLEGAL_NAME;
	if (sp_name_check_daemon(daemon) != 0)
		return ILLEGAL_SPREAD;
	np = strlen(private_name);
	nd = strlen(daemon);
	/* 1 + 10 + 1 + 19 + NUL = 32: always fits, by the limits' design. */
	out[0] = '#';
	memcpy(out + 1, private_name, np);
	out[1 + np] = '#';
	memcpy(out + 2 + np, daemon, nd);
	out[2 + np + nd] = '\0';
	return 0;
}

int sp_name_parse_private(const char *group, char private_name[MAX_PRIVATE_NAME + 1],
			  char daemon[MAX_PROC_NAME])
{
	const char *p, *sep;
	size_t np, nd;

	if (group == NULL || group[0] != '#')
		return ILLEGAL_GROUP;
	p = group + 1;
	sep = strchr(p, '#');
	if (sep == NULL)
		return ILLEGAL_GROUP;
	np = (size_t)(sep - p);
	nd = strlen(sep + 1);
	if (np == 0 || np > MAX_PRIVATE_NAME || nd == 0 || nd > MAX_PROC_NAME - 1)
		return ILLEGAL_GROUP;
	for (size_t i = 0; i < np; i++)
		if (!name_char_ok((unsigned char)p[i]))
			return ILLEGAL_GROUP;
	if (name_run(sep + 1, MAX_PROC_NAME - 1) != nd)
		return ILLEGAL_GROUP;
	if (private_name != NULL) {
		memcpy(private_name, p, np);
		private_name[np] = '\0';
	}
	if (daemon != NULL) {
		memcpy(daemon, sep + 1, nd);
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
