/* SPDX-License-Identifier: BSD-3-Clause
 *
 * SP_error and the text of every return code. Spread prints
 * "SP_error: (<code>) <text>" on stdout; programs and their users grep for
 * that prefix, so we keep it and write our own texts.
 */
#include "client/spread/sp_error.h"

#include <stdio.h>

#include "sp.h"

static const struct {
	int code;
	const char *name;
	const char *text;
} sp_errors[] = {
	{ ACCEPT_SESSION,       "ACCEPT_SESSION",       "connection accepted" },
	{ ILLEGAL_SPREAD,       "ILLEGAL_SPREAD",       "daemon name is not a valid \"port\" or \"port@host\"" },
	{ COULD_NOT_CONNECT,    "COULD_NOT_CONNECT",    "no daemon answered at that address (is ordod running?)" },
	{ REJECT_QUOTA,         "REJECT_QUOTA",         "daemon refused the connection: no room for more clients" },
	{ REJECT_NO_NAME,       "REJECT_NO_NAME",       "daemon refused the connection: request carried no name" },
	{ REJECT_ILLEGAL_NAME,  "REJECT_ILLEGAL_NAME",  "daemon refused the connection: private name too long or has illegal characters" },
	{ REJECT_NOT_UNIQUE,    "REJECT_NOT_UNIQUE",    "daemon refused the connection: private name already in use" },
	{ REJECT_VERSION,       "REJECT_VERSION",       "daemon refused the connection: library and daemon versions differ" },
	{ CONNECTION_CLOSED,    "CONNECTION_CLOSED",    "connection to the daemon closed" },
	{ REJECT_AUTH,          "REJECT_AUTH",          "daemon refused the connection: authentication failed" },
	{ ILLEGAL_SESSION,      "ILLEGAL_SESSION",      "not an open mailbox" },
	{ ILLEGAL_SERVICE,      "ILLEGAL_SERVICE",      "service type names no delivery guarantee" },
	{ ILLEGAL_MESSAGE,      "ILLEGAL_MESSAGE",      "malformed message" },
	{ ILLEGAL_GROUP,        "ILLEGAL_GROUP",        "illegal group name" },
	{ BUFFER_TOO_SHORT,     "BUFFER_TOO_SHORT",     "message larger than the receive buffer" },
	{ GROUPS_TOO_SHORT,     "GROUPS_TOO_SHORT",     "more groups than the receive group array holds" },
	{ MESSAGE_TOO_LONG,     "MESSAGE_TOO_LONG",     "message and group names exceed the largest message" },
	{ NET_ERROR_ON_SESSION, "NET_ERROR_ON_SESSION", "mailbox failed earlier; disconnect and connect again" },
	{ SP_BUG,               "SP_BUG",               "internal error in the library (please report it)" },
};

#define SP_ERRORS_N (sizeof(sp_errors) / sizeof(sp_errors[0]))

const char *sp_error_name(int error)
{
	for (size_t i = 0; i < SP_ERRORS_N; i++)
		if (sp_errors[i].code == error)
			return sp_errors[i].name;
	return NULL;
}

const char *sp_error_text(int error)
{
	for (size_t i = 0; i < SP_ERRORS_N; i++)
		if (sp_errors[i].code == error)
			return sp_errors[i].text;
	return "unknown error code";
}

void SP_error(int error)
{
	printf("SP_error: (%d) %s\n", error, sp_error_text(error));
}
