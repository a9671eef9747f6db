/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The persisted incarnation (incarnation.h). Start-up only.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dataplane/incarnation.h"

int incarnation_next(const char *dir, uint32_t node_id, uint32_t *out,
		     char *err, size_t errlen)
{
	char path[512], tmp[520], text[16];
	unsigned long saved = 0;
	uint64_t next = (uint64_t)time(NULL);
	FILE *f;
	int fd, n, rc = 0;

	snprintf(path, sizeof(path), "%s/node-%" PRIu32 ".incarnation", dir,
		 node_id);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(path, "r");
	if (f != NULL) {
		if (fscanf(f, "%lu", &saved) != 1)
			saved = 0;
		fclose(f);
	}
	if (saved >= next)
		next = (uint64_t)saved + 1;
	if (next == 0 || next > UINT32_MAX) {
		snprintf(err, errlen, "%s: incarnation %lu is at its end: "
			 "remove the file once every daemon of the ring has "
			 "restarted since", path, saved);
		return -ERANGE;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot save the incarnation in %s: %s",
			 tmp, strerror(errno));
		return rc;
	}
	n = snprintf(text, sizeof(text), "%" PRIu64 "\n", next);
	if (write(fd, text, (size_t)n) != n || fsync(fd) != 0)
		rc = -errno;
	close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc < 0) {
		snprintf(err, errlen, "cannot save the incarnation in %s: %s",
			 path, strerror(-rc));
		return rc;
	}
	*out = (uint32_t)next;
	return 0;
}
