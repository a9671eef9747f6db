/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordoctl keygen FILE, and ordoctl key list | load FILE | use ID |
 * retire ID: the ring's keys (docs/security.md). keygen works offline;
 * key goes through ordo-ctrld (root or the daemons' user only) to ordod,
 * which does the work. The key never crosses the socket: LOAD names a
 * file ordod reads with its own rights.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ordoctl_impl.h"
#include "lib/cproto/cpmsg.h"
#include "lib/seal/kdf.h"
#include "lib/seal/keyfile.h"

/* A new key file; its id is what `ordoctl key` and ordod's log call it. */
int ordoctl_keygen(const struct opts *o, int argc, char **argv, int what)
{
	static uint8_t raw[ORDO_SEAL_KEY_MAX];
	struct ordo_seal_key k;
	char err[512];
	size_t len;

	(void)o;
	(void)what;
	if (argc != 2) {
		fprintf(stderr, "usage: ordoctl keygen FILE\n");
		return ORDOCTL_EXIT_NO_DAEMON;
	}
	if (ordo_keyfile_generate(argv[1], err, sizeof(err)) < 0 ||
	    ordo_keyfile_read(argv[1], raw, &len, err, sizeof(err)) < 0) {
		fprintf(stderr, "ordoctl: %s\n", err);
		return 1;
	}
	if (ordo_seal_key_init(&k, raw, len) < 0) {
		fprintf(stderr, "ordoctl: %s: cannot derive its id\n", argv[1]);
		return 1;
	}
	printf("%s: key %08x (copy it to every daemon over a secure "
	       "channel, mode 0600)\n", argv[1], k.id);
	ordo_seal_key_wipe(&k);
	memset(raw, 0, sizeof(raw));
	return 0;
}

int ordoctl_key(const struct opts *o, int argc, char **argv, int what)
{
	static const char *const ops[] = { NULL, "list", "load", "use",
					   "retire" };
	struct ordo_cp_key m;
	char *end;
	int op = 0;

	(void)what;
	if (argc >= 2)
		for (int i = 1; i < ORDO_CP_KEY_OP_MAX; i++)
			if (strcmp(argv[1], ops[i]) == 0)
				op = i;
	if (op == 0 || argc != (op == ORDO_CP_KEY_LIST ? 2 : 3)) {
		fprintf(stderr, "usage: ordoctl key list | load FILE | use ID | "
			"retire ID\n");
		return ORDOCTL_EXIT_NO_DAEMON;
	}
	memset(&m, 0, sizeof(m));
	cpmsg_hdr(&m.hdr, ORDO_CP_KEY, sizeof(m), 1);
	m.op = (uint32_t)op;
	m.flags = o->json ? ORDO_CP_Q_JSON : 0;
	if (op == ORDO_CP_KEY_LOAD) {
		/* ordod reads it: give it a path that means the same there. */
		char *abs = realpath(argv[2], NULL);

		if (abs == NULL || strlen(abs) >= sizeof(m.path)) {
			fprintf(stderr, "ordoctl: %s: %s\n", argv[2],
				abs ? "path too long" : strerror(errno));
			free(abs);
			return 1;
		}
		strcpy(m.path, abs);
		free(abs);
	} else if (op != ORDO_CP_KEY_LIST) {
		unsigned long v;

		errno = 0;
		v = strtoul(argv[2], &end, 16);
		if (errno || *end || end == argv[2] || v > UINT32_MAX) {
			fprintf(stderr, "ordoctl: '%s' is not a key id (8 hex "
				"digits, as `ordoctl key list` shows)\n", argv[2]);
			return ORDOCTL_EXIT_NO_DAEMON;
		}
		m.key_id = (uint32_t)v;
	}
	return ordoctl_exchange(o, &m, sizeof(m));
}
