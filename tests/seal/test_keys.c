/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Key files and key derivation (lib/seal/keyfile.h, kdf.h): HKDF against
 * RFC 5869's test vectors, distinct keys per sender and per key file, and
 * every refusal of a key file (missing, short, long, open to others, not
 * a regular file) and of keygen (never overwrites).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/seal/kdf.h"
#include "lib/seal/keyfile.h"

static void unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

/* RFC 5869 appendix A.1 and A.3. */
static void hkdf_vectors(void **state)
{
	uint8_t ikm[22], salt[13], info[10], prk[32], want_prk[32];
	uint8_t okm[42], want[42];

	(void)state;
	memset(ikm, 0x0b, sizeof(ikm));
	unhex("000102030405060708090a0b0c", salt, sizeof(salt));
	unhex("f0f1f2f3f4f5f6f7f8f9", info, sizeof(info));
	unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
	      want_prk, 32);
	unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	      "34007208d5b887185865", want, 42);
	assert_int_equal(ordo_hkdf_extract(salt, sizeof(salt), ikm, sizeof(ikm),
					   prk), 0);
	assert_memory_equal(prk, want_prk, 32);
	assert_int_equal(ordo_hkdf_expand(prk, info, sizeof(info), okm, 42), 0);
	assert_memory_equal(okm, want, 42);

	/* A.3: no salt, no info. */
	unhex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
	      want_prk, 32);
	unhex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	      "9d201395faa4b61a96c8", want, 42);
	assert_int_equal(ordo_hkdf_extract(NULL, 0, ikm, sizeof(ikm), prk), 0);
	assert_memory_equal(prk, want_prk, 32);
	assert_int_equal(ordo_hkdf_expand(prk, NULL, 0, okm, 42), 0);
	assert_memory_equal(okm, want, 42);
	assert_int_equal(ordo_hkdf_expand(prk, NULL, 0, okm, 255 * 32 + 1),
			 -EINVAL);
}

static void derivations_differ(void **state)
{
	uint8_t m1[32], m2[32], a[32], b[32], c[32];
	struct ordo_seal_key k1, k2, k1b;

	(void)state;
	memset(m1, 1, sizeof(m1));
	memcpy(m2, m1, sizeof(m2));
	m2[31] ^= 1;
	assert_int_equal(ordo_seal_key_init(&k1, m1, 31), -EINVAL);
	assert_int_equal(ordo_seal_key_init(&k1, m1, sizeof(m1)), 0);
	assert_int_equal(ordo_seal_key_init(&k1b, m1, sizeof(m1)), 0);
	assert_int_equal(ordo_seal_key_init(&k2, m2, sizeof(m2)), 0);
	assert_int_equal(k1.id, k1b.id);     /* an id names one key ... */
	assert_int_not_equal(k1.id, k2.id);  /* ... and tells two apart */
	assert_int_equal(ordo_seal_key_sender(&k1, 1, a), 0);
	assert_int_equal(ordo_seal_key_sender(&k1, 2, b), 0);
	assert_int_equal(ordo_seal_key_sender(&k2, 1, c), 0);
	assert_memory_not_equal(a, b, 32);
	assert_memory_not_equal(a, c, 32);
	assert_int_equal(ordo_seal_key_sender(&k1b, 1, b), 0);
	assert_memory_equal(a, b, 32);
	ordo_seal_key_wipe(&k1);
	assert_int_equal(k1.id, 0u);
}

static char dir[] = "/tmp/ordo-keytest-XXXXXX";

static void path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void put(const char *name, size_t n, mode_t mode)
{
	char p[256];
	uint8_t b[8192];
	int fd;

	path(p, sizeof(p), name);
	memset(b, 7, sizeof(b));
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, n), (ssize_t)n);
	close(fd);
	assert_int_equal(chmod(p, mode), 0);
}

static int read_named(const char *name, char *err, size_t errlen)
{
	static uint8_t key[ORDO_SEAL_KEY_MAX];
	char p[256];
	size_t len;
	int rc;

	path(p, sizeof(p), name);
	rc = ordo_keyfile_read(p, key, &len, err, errlen);
	if (rc == 0)
		assert_true(len >= ORDO_SEAL_KEY_MIN);
	return rc;
}

static void keyfile_refusals(void **state)
{
	char err[512], p[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	put("good", 32, 0600);
	put("good-ro", 64, 0400);
	put("short", 31, 0600);
	put("long", ORDO_SEAL_KEY_MAX + 1, 0600);
	put("group", 32, 0640);
	put("other", 32, 0604);
	put("gwrite", 32, 0620);
	assert_int_equal(read_named("good", err, sizeof(err)), 0);
	assert_int_equal(read_named("good-ro", err, sizeof(err)), 0);
	assert_int_equal(read_named("short", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "holds 31 bytes"));
	assert_non_null(strstr(err, "ordoctl keygen"));
	assert_int_equal(read_named("long", err, sizeof(err)), -EINVAL);
	assert_int_equal(read_named("group", err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "mode 0640"));
	assert_int_equal(read_named("other", err, sizeof(err)), -EPERM);
	assert_int_equal(read_named("gwrite", err, sizeof(err)), -EPERM);
	assert_int_equal(read_named("missing", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "missing"));
	assert_int_equal(read_named(".", err, sizeof(err)), -EINVAL);

	/* keygen: a fresh file of 32 bytes, mode 0600, never overwritten. */
	path(p, sizeof(p), "new");
	assert_int_equal(ordo_keyfile_generate(p, err, sizeof(err)), 0);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, ORDO_SEAL_KEY_LEN);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(read_named("new", err, sizeof(err)), 0);
	assert_int_equal(ordo_keyfile_generate(p, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "never overwritten"));

	const char *names[] = { "good", "good-ro", "short", "long", "group",
				"other", "gwrite", "new" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path(p, sizeof(p), names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hkdf_vectors),
		cmocka_unit_test(derivations_differ),
		cmocka_unit_test(keyfile_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
