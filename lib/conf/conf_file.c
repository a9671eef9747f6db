/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A configuration file: read it whole (it is small, and bounded) and
 * hand it to the buffer parser, which names the file in its messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/conf/conf_impl.h"

int ordo_conf_parse_file(const char *path, struct ordo_conf *conf, char *err,
			 size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t r;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto fail;
	}
	if (st.st_size > (off_t)ORDO_CONF_FILE_MAX) {
		rc = -EFBIG;
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	/* Read to the end, not to st_size: the file may change under us. */
	for (;;) {
		r = read(fd, buf + len, (size_t)st.st_size + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > (size_t)st.st_size) {
			rc = -EFBIG; /* grew while we read */
			goto fail;
		}
	}
	close(fd);
	rc = ordo_conf_parse_buffer(buf, len, path, conf, err, errlen);
	free(buf);
	return rc;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	if (err != NULL && errlen > 0) {
		if (rc == -EFBIG)
			snprintf(err, errlen, "%s: file too large (at most %u bytes)",
				 path, ORDO_CONF_FILE_MAX);
		else if (rc == -EINVAL)
			snprintf(err, errlen, "%s: not a regular file", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	}
	return rc;
}
