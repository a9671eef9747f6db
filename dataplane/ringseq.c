/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Persisting the highest ring sequence (ringseq.h). Slow path only: the
 * supervisor thread calls ringseq_save when the value grows.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dataplane/ringseq.h"
#include "ordo/wire.h"

static void path_of(char *buf, size_t len, const char *dir, uint32_t id,
		    const char *suffix)
{
	snprintf(buf, len, "%s/node-%" PRIu32 ".ringseq%s", dir, id, suffix);
}

uint32_t ringseq_floor(const char *dir, uint32_t node_id)
{
	char path[512];
	unsigned long v;
	FILE *f;
	int n;

	path_of(path, sizeof(path), dir, node_id, "");
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	n = fscanf(f, "%lu", &v);
	fclose(f);
	if (n != 1 || v > ORDO_RING_SEQ_MAX)
		return 0; /* unreadable or absurd: the engine starts at 0 */
	/* Ring sequences wrap (31-bit serial numbers, 0 skipped). */
	v = (v + RINGSEQ_MARGIN) & ORDO_RING_SEQ_MAX;
	return v != 0 ? (uint32_t)v : 1;
}

int ringseq_save(const char *dir, uint32_t node_id, uint32_t seq)
{
	char tmp[512], path[512], text[16];
	int fd, n, rc = 0;

	path_of(tmp, sizeof(tmp), dir, node_id, ".tmp");
	path_of(path, sizeof(path), dir, node_id, "");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(text, sizeof(text), "%" PRIu32 "\n", seq);
	if (write(fd, text, (size_t)n) != n || fsync(fd) != 0)
		rc = -errno;
	close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	return rc;
}
