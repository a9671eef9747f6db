/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Key files: >= ORDO_SEAL_KEY_MIN random bytes, readable by their owner
 * only. ordod reads one at start (and `ordoctl key load` another at run
 * time); `ordoctl keygen` writes one. No DPDK, no global state.
 */
#ifndef ORDO_SEAL_KEYFILE_H
#define ORDO_SEAL_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "ordo/seal.h"

/* Read the key file at path into key[ORDO_SEAL_KEY_MAX]; *len gets its
 * size. Refused, with a one-line reason in err that names the file and
 * says what to do: a file that is missing or unreadable (-errno of open),
 * not a regular file (-EINVAL), shorter than ORDO_SEAL_KEY_MIN or longer
 * than ORDO_SEAL_KEY_MAX bytes (-EINVAL), or readable or writable by its
 * group or by others (-EPERM). Returns 0 or -errno. */
int ordo_keyfile_read(const char *path, uint8_t key[ORDO_SEAL_KEY_MAX],
		      size_t *len, char *err, size_t errlen);

/* Write a new key file of ORDO_SEAL_KEY_LEN bytes from getrandom(2),
 * mode 0600. Never replaces an existing file (-EEXIST). Returns 0 or
 * -errno, with the reason in err. */
int ordo_keyfile_generate(const char *path, char *err, size_t errlen);

#endif /* ORDO_SEAL_KEYFILE_H */
