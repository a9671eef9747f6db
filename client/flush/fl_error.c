/* SPDX-License-Identifier: BSD-3-Clause
 *
 * FL_error: the flush library's five codes in our words, every other code
 * as SP_error prints it.
 */
#include <stdio.h>

#include "fl.h"

void FL_error(int error_code)
{
	const char *what = NULL;

	switch (error_code) {
	case ILLEGAL_PARAM:
		what = "illegal parameter (a negative count, or no receivers)";
		break;
	case WOULD_BLOCK:
		what = "nothing to receive now (DONT_BLOCK)";
		break;
	case ILLEGAL_MESSAGE_TYPE:
		what = "message type below FL_MIN_LEGAL_MESS_TYPE";
		break;
	case ILLEGAL_STATE:
		what = "not allowed in the group's state (no flush request to "
		       "answer, or flushed and the new view not yet delivered)";
		break;
	case ILLEGAL_RECEIVERS:
		what = "a receiver is not a member of the current view";
		break;
	}
	if (!what) {
		SP_error(error_code);
		return;
	}
	printf("FL_error: (%d) %s\n", error_code, what);
	fflush(stdout);
}
