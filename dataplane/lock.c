/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The per-node instance lock (lock.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataplane/lock.h"

int ordod_lock_node(const char *dir, uint32_t node_id, char *err,
		    size_t errlen)
{
	char path[PATH_MAX], pid[32];
	ssize_t n;
	int fd, rc;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return rc;
	}
	snprintf(path, sizeof(path), "%s/node-%u.lock", dir, node_id);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return rc;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		n = read(fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		snprintf(err, errlen, "node %u is already running on this host "
			 "(pid %s holds %s)", node_id, pid[0] ? pid : "?", path);
		close(fd);
		return rc;
	}
	if (ftruncate(fd, 0) == 0) {
		n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
		if (write(fd, pid, (size_t)n) != n)
			(void)0; /* the pid is a courtesy; the lock is the point */
	}
	return fd;
}
