/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Fuzz target of the control protocol's validator (lib/cproto/cpmsg.h).
 * An input is one byte of descriptor count (its low 3 bits: 0..7), then
 * the datagram. Each input goes
 *   - to cpmsg_check(), which must answer a type with CPMSG_OK or -1 with
 *     a reason, and accept only what the protocol allows (len, fixed
 *     size, descriptor count re-derived here);
 *   - through a SOCK_SEQPACKET socketpair with that many real descriptors
 *     into cpmsg_recv(), which must come to the same verdict, hand over
 *     the descriptors of an accepted message only, and leave no
 *     descriptor open behind a refusal (the lowest free descriptor number
 *     is the same after every input).
 * Built with libFuzzer under clang, or with tests/fuzz/driver/fuzz_driver.c
 * elsewhere, under ASan and UBSan; either way with the mutator below,
 * which repairs the header often enough that the checks past it are
 * reached. fuzz_cpmsg_seeds.c writes the seeds.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ordo/wire.h"
#include "lib/cproto/cpmsg.h"
#include "tests/fuzz/driver/fuzz_target.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_cpmsg: %s:%d: %s\n", __FILE__,  \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

#define MAX_SEND_FDS 7

static struct {
	int tx, rx;        /* the socketpair */
	int src;           /* what the sent descriptors are copies of */
	int lowest_free;   /* with nothing received open */
	union {
		struct ordo_cp_hdr h;
		unsigned char b[ORDO_CP_MSG_MAX];
	} in;
} fz = { .tx = -1 };

static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	CHECK(fd >= 0);
	close(fd);
	return fd;
}

static void setup(void)
{
	int sv[2];
	int buf = 1 << 20;

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	fz.tx = sv[0];
	fz.rx = sv[1];
	/* Room for the largest datagram an input makes. */
	setsockopt(fz.tx, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(fz.rx, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	fz.src = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(fz.src >= 0);
	fz.lowest_free = lowest_free_fd();
}

/* What cpmsg_check accepted, re-derived from the protocol header. */
static void check_accepted(const uint8_t *d, size_t n, unsigned n_fds,
			   int type)
{
	struct ordo_cp_hdr h;
	size_t fixed;

	CHECK(n >= sizeof(h) && n <= ORDO_CP_MSG_MAX);
	memcpy(&h, d, sizeof(h));
	CHECK(h.magic == ORDO_CP_MAGIC && h.version == ORDO_CP_VERSION);
	CHECK(type == h.type && type > 0 && type < ORDO_CP_TYPE_MAX);
	CHECK(h.len == n);
	fixed = cpmsg_fixed_size(h.type);
	CHECK(fixed >= sizeof(h) && n >= fixed);
	CHECK(n == fixed || cpmsg_has_tail(h.type));
	if (type == ORDO_CP_ATTACH) {
		CHECK(n_fds == 4);
	} else if (type == ORDO_CP_WELCOME) {
		struct ordo_cp_welcome w;

		memcpy(&w, d, sizeof(w));
		CHECK(n_fds == (w.status == ORDO_CP_ACCEPT ? 3u : 0u));
	} else {
		CHECK(n_fds == 0);
	}
	if (type == ORDO_CP_RING) {
		struct ordo_cp_ring r;

		memcpy(&r, d, sizeof(r));
		CHECK(r.n_members <= ORDO_MAX_MEMBERS);
		CHECK(n == sizeof(r) + r.n_members * sizeof(uint32_t));
	}
	if (type == ORDO_CP_STATS) {
		struct ordo_cp_stats st;

		memcpy(&st, d, sizeof(st));
		CHECK(n == sizeof(st) + (size_t)st.n * sizeof(struct ordo_cp_stat));
		for (size_t off = sizeof(st); off < n;
		     off += sizeof(struct ordo_cp_stat))
			CHECK(memchr(d + off + offsetof(struct ordo_cp_stat, label),
				     0, ORDO_STAT_LABEL_LEN) != NULL);
	}
	if (type == ORDO_CP_VIEW) {
		struct ordo_cp_view v;

		memcpy(&v, d, sizeof(v));
		CHECK(n == sizeof(v) + (size_t)v.n_members * ORDO_CP_NAME_LEN);
		CHECK(memchr(v.group, 0, sizeof(v.group)) != NULL);
	}
}

static int send_raw(const uint8_t *d, size_t n, unsigned n_fds)
{
	union {
		struct cmsghdr align;
		char c[CMSG_SPACE(sizeof(int) * MAX_SEND_FDS)];
	} ctl;
	int fds[MAX_SEND_FDS];
	struct iovec iov = { .iov_base = (void *)d, .iov_len = n };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int rc;

	for (unsigned i = 0; i < n_fds; i++)
		fds[i] = fz.src; /* the kernel takes a reference per entry */
	if (n_fds > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.c;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
	}
	rc = (int)sendmsg(fz.tx, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	return rc < 0 ? -errno : 0;
}

/* The same bytes through the socket: the same verdict, and descriptors
 * only with an accepted message. */
static void through_socket(const uint8_t *d, size_t n, unsigned n_fds,
			   enum cpmsg_err want)
{
	int fds[CPMSG_MAX_FDS];
	enum cpmsg_err err;
	unsigned got_fds;
	long got;

	if (n == 0 && n_fds == 0)
		return; /* reads as the peer's close */
	if (send_raw(d, n, n_fds) < 0)
		return; /* too large for the socket: nothing to read */
	got = cpmsg_recv(fz.rx, fz.in.b, sizeof(fz.in.b), fds, CPMSG_MAX_FDS,
			 &got_fds, MSG_DONTWAIT, &err);
	CHECK(got > 0);
	if (n > sizeof(fz.in.b)) {
		CHECK(err == CPMSG_E_TRUNC && got_fds == 0);
	} else {
		CHECK((size_t)got == (n > 0 ? n : 1));
		CHECK(memcmp(fz.in.b, d, n) == 0);
		CHECK(err == want);
		CHECK(got_fds == (err == CPMSG_OK ? n_fds : 0));
		for (unsigned i = 0; i < got_fds; i++)
			CHECK(fcntl(fds[i], F_GETFD) == FD_CLOEXEC);
		cpmsg_close_fds(fds, got_fds);
	}
	CHECK(lowest_free_fd() == fz.lowest_free);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum cpmsg_err err = CPMSG_E_MAX;
	unsigned n_fds;
	const uint8_t *d;
	size_t n;
	int type;

	if (fz.tx < 0)
		setup();
	if (size == 0)
		return 0;
	n_fds = data[0] & MAX_SEND_FDS;
	d = data + 1;
	n = size - 1;
	type = cpmsg_check(d, n, n_fds, &err);
	CHECK(err < CPMSG_E_MAX);
	CHECK((type < 0) == (err != CPMSG_OK));
	CHECK(type == -1 || type > 0);
	CHECK(cpmsg_check(d, n, n_fds, NULL) == type);
	CHECK(strcmp(cpmsg_err_name(err), "?") != 0);
	if (type > 0)
		check_accepted(d, n, n_fds, type);
	through_socket(d, n, n_fds, err);
	return 0;
}

/* ---- mutator ------------------------------------------------------- */

/* Most random bytes fail at the magic: put back what the first checks
 * want, often, so that sizes, tails, names and descriptors are fuzzed. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	struct fuzz_rng rng;
	struct ordo_cp_hdr h;
	uint8_t *m;
	size_t n;

	fuzz_rng_seed(&rng, seed);
	size = LLVMFuzzerMutate(data, size, max_size);
	if (size < 1 + sizeof(h) || fuzz_rng_below(&rng, 4) == 0)
		return size;
	m = data + 1;
	n = size - 1;
	memcpy(&h, m, sizeof(h));
	if (fuzz_rng_below(&rng, 2))
		h.magic = ORDO_CP_MAGIC;
	if (fuzz_rng_below(&rng, 2))
		h.version = ORDO_CP_VERSION;
	if (fuzz_rng_below(&rng, 8) == 0)
		h.type = (uint16_t)(1 + fuzz_rng_below(&rng, ORDO_CP_TYPE_MAX));
	if (fuzz_rng_below(&rng, 4) != 0)
		h.len = (uint32_t)n;
	memcpy(m, &h, sizeof(h));
	/* A count that matches the tail, for the types that have one. */
	if (fuzz_rng_below(&rng, 2) && h.type == ORDO_CP_VIEW &&
	    n >= sizeof(struct ordo_cp_view)) {
		uint32_t k = (uint32_t)((n - sizeof(struct ordo_cp_view)) /
					ORDO_CP_NAME_LEN);

		memcpy(m + offsetof(struct ordo_cp_view, n_members), &k, 4);
	} else if (fuzz_rng_below(&rng, 2) && h.type == ORDO_CP_RING &&
		   n >= sizeof(struct ordo_cp_ring)) {
		uint32_t k = (uint32_t)((n - sizeof(struct ordo_cp_ring)) / 4);

		memcpy(m + offsetof(struct ordo_cp_ring, n_members), &k, 4);
	}
	/* The descriptors the type carries, sometimes; any count, too. */
	if (fuzz_rng_below(&rng, 4) == 0)
		data[0] = h.type == ORDO_CP_ATTACH ? 4 :
			  h.type == ORDO_CP_WELCOME ? 3 : 0;
	else if (fuzz_rng_below(&rng, 4) == 0)
		data[0] = (uint8_t)fuzz_rng_below(&rng, MAX_SEND_FDS + 1);
	return size;
}
