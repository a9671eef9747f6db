/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The client socket: SOCK_SEQPACKET, mode 0666 (who may do what is
 * decided from SO_PEERCRED, not from the file mode), non-blocking.
 * A socket file left by a process that died is replaced; one that a live
 * process still answers on is refused, so two control planes never share
 * a path (the second would steal new clients from the first).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctrl/ctrld.h"

static int fill_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

/* 1: a live process serves path; 0: nothing or a stale file (removed);
 * -errno: a file that is not a socket, or another failure. */
static int probe_existing(struct ctrld *d, const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fill_addr(&sa, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (rc == 0 || errno == EAGAIN)
		return 1;
	if (errno != ECONNREFUSED && errno != ENOENT)
		return -errno;
	ctrld_log(d, CLOG_INFO, "removing stale socket %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int ctrld_listen(struct ctrld *d)
{
	struct sockaddr_un sa;
	int fd, rc;

	rc = fill_addr(&sa, d->sock_path);
	if (rc < 0) {
		ctrld_log(d, CLOG_ERR, "socket path %s is too long", d->sock_path);
		return rc;
	}
	rc = probe_existing(d, d->sock_path);
	if (rc == 1) {
		ctrld_log(d, CLOG_ERR,
			  "%s is served by a running process (another ordo-ctrld?)",
			  d->sock_path);
		return -EADDRINUSE;
	}
	if (rc < 0) {
		ctrld_log(d, CLOG_ERR, "%s: %s", d->sock_path,
			  rc == -EEXIST ? "exists and is not a socket" : strerror(-rc));
		return rc;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(d->sock_path, 0666) < 0 || listen(fd, 128) < 0) {
		rc = -errno;
		ctrld_log(d, CLOG_ERR, "%s: %s", d->sock_path, strerror(-rc));
		close(fd);
		return rc;
	}
	d->listen_fd = fd;
	return 0;
}
