/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Writes the seed corpus of fuzz_cpmsg: one file per valid message of
 * tests/ctrl/cpmsg_samples.c (every type, and the forms that differ in
 * what is checked), in the target's format: a byte of descriptor count,
 * then the datagram. Run by the build, so the seeds follow the protocol.
 *
 *   fuzz_cpmsg_seeds DIR STAMP   (DIR is created; STAMP written last)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/ctrl/cpmsg_samples.h"

static unsigned char out[1 + ORDO_CP_MSG_MAX];

static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL) {
		fprintf(stderr, "fuzz_cpmsg_seeds: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	ok = fwrite(p, 1, n, f) == n;
	ok = fclose(f) == 0 && ok;
	if (!ok)
		fprintf(stderr, "fuzz_cpmsg_seeds: %s: write failed\n", path);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	static unsigned char msg[ORDO_CP_MSG_MAX] __attribute__((aligned(8)));
	char path[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: fuzz_cpmsg_seeds DIR STAMP\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "fuzz_cpmsg_seeds: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < cpmsg_n_samples; i++) {
		unsigned n_fds;
		size_t n = cpmsg_sample_build(&cpmsg_samples[i], msg, &n_fds);

		out[0] = (unsigned char)n_fds;
		memcpy(out + 1, msg, n);
		snprintf(path, sizeof(path), "%s/%s", argv[1],
			 cpmsg_samples[i].name);
		if (write_file(path, out, 1 + n) < 0)
			return 1;
	}
	return write_file(argv[2], "", 0) < 0 ? 1 : 0;
}
