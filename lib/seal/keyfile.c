/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Key files (keyfile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/seal/keyfile.h"

#define HOW_TO_MAKE "make one with `ordoctl keygen FILE`"

int ordo_keyfile_read(const char *path, uint8_t key[ORDO_SEAL_KEY_MAX],
		      size_t *len, char *err, size_t errlen)
{
	struct stat st;
	size_t got = 0;
	int fd, rc = 0;

	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "key file %s: %s (%s)", path,
			 strerror(-rc), HOW_TO_MAKE);
		return rc;
	}
	/* Judge the file we opened, not the name: no race with a rename. */
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		snprintf(err, errlen, "key file %s: %s", path, strerror(-rc));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "key file %s is not a regular file", path);
		rc = -EINVAL;
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "key file %s is open to its group or to "
			 "others (mode %04o): anyone who reads it can forge "
			 "ring traffic; chmod 600 it and make a new key if "
			 "others could have read it", path,
			 (unsigned)(st.st_mode & 07777));
		rc = -EPERM;
		goto out;
	}
	if (st.st_size < ORDO_SEAL_KEY_MIN || st.st_size > ORDO_SEAL_KEY_MAX) {
		snprintf(err, errlen, "key file %s holds %lld bytes: a key is "
			 "%u to %u random bytes (%s)", path,
			 (long long)st.st_size, ORDO_SEAL_KEY_MIN,
			 ORDO_SEAL_KEY_MAX, HOW_TO_MAKE);
		rc = -EINVAL;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, key + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			snprintf(err, errlen, "key file %s: %s", path,
				 n < 0 ? strerror(errno) : "shorter than its size");
			goto out;
		}
		got += (size_t)n;
	}
	*len = got;
out:
	close(fd);
	return rc;
}

int ordo_keyfile_generate(const char *path, char *err, size_t errlen)
{
	uint8_t key[ORDO_SEAL_KEY_LEN];
	size_t got = 0;
	int fd, rc = 0;

	while (got < sizeof(key)) {
		ssize_t n = getrandom(key + got, sizeof(key) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			snprintf(err, errlen, "getrandom: %s", strerror(errno));
			return rc;
		}
		got += (size_t)n;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 rc == -EEXIST ? " (a key is never overwritten: "
					 "remove it first)" : "");
		memset(key, 0, sizeof(key));
		return rc;
	}
	/* The umask may have taken bits away; never added any. */
	if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) ||
	    fsync(fd) != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(path);
	}
	close(fd);
	memset(key, 0, sizeof(key));
	return rc;
}
