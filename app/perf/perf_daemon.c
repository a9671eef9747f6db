/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Asking the local daemon for one of its counters (e.g. tx_retrans) the
 * way ordoctl does: a COUNTERS QUERY in JSON on the client socket
 * (include/ordo/ctrl_proto.h), answered by one or more REPLYs. The answer
 * comes from another process: each datagram's header is checked, and a
 * key that is missing or not followed by a number is an error, not a 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ordo/ctrl_proto.h"
#include "app/perf/perf.h"

#define ANSWER_MS 500
#define TEXT_MAX (64u << 10)

static int dial(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* Collect the REPLY text into text[TEXT_MAX] (NUL-terminated). */
static int read_reply(int fd, char *text)
{
	static _Thread_local uint8_t buf[ORDO_CP_MSG_MAX];
	const struct ordo_cp_reply *rep = (const void *)buf;
	size_t have = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		size_t k;

		if (poll(&p, 1, ANSWER_MS) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			return n == 0 ? -ECONNRESET : -errno;
		if ((size_t)n < sizeof(*rep) || rep->hdr.magic != ORDO_CP_MAGIC ||
		    rep->hdr.version != ORDO_CP_VERSION ||
		    rep->hdr.type != ORDO_CP_REPLY || rep->hdr.len != (uint32_t)n ||
		    rep->hdr.seq != 1)
			return -EPROTO;
		if (rep->status)
			return rep->status < 0 ? rep->status : -EPROTO;
		k = (size_t)n - sizeof(*rep);
		if (k > TEXT_MAX - 1 - have)
			k = TEXT_MAX - 1 - have;
		memcpy(text + have, rep + 1, k);
		have += k;
		if (!rep->more)
			break;
	}
	text[have] = '\0';
	return 0;
}

int perf_daemon_counter(const char *socket, const char *key, uint64_t *out)
{
	struct ordo_cp_query_msg q = { 0 };
	char want[64], *text, *at, *end;
	int fd, rc;

	if (!socket)
		socket = getenv(ORDO_CP_SOCKET_ENV);
	if (!socket)
		socket = ORDO_CP_SOCKET_DEFAULT;
	fd = dial(socket);
	if (fd < 0)
		return fd;
	text = malloc(TEXT_MAX);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	q.hdr = (struct ordo_cp_hdr){ .magic = ORDO_CP_MAGIC,
				      .version = ORDO_CP_VERSION,
				      .type = ORDO_CP_QUERY,
				      .len = sizeof(q), .seq = 1 };
	q.what = ORDO_CP_Q_COUNTERS;
	q.flags = ORDO_CP_Q_JSON;
	if (send(fd, &q, sizeof(q), MSG_NOSIGNAL) != (ssize_t)sizeof(q))
		rc = -errno;
	else
		rc = read_reply(fd, text);
	close(fd);
	if (rc == 0) {
		snprintf(want, sizeof(want), "\"%s\":", key);
		at = strstr(text, want);
		rc = -ENOENT;
		if (at) {
			errno = 0;
			*out = strtoull(at + strlen(want), &end, 10);
			if (!errno && end != at + strlen(want))
				rc = 0;
		}
	}
	free(text);
	return rc;
}
