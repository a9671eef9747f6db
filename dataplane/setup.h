/* SPDX-License-Identifier: BSD-3-Clause
 *
 * From what the user said (options, and the configuration file when one is
 * given) to the ring agent's configuration. Command-line options override
 * the file.
 */
#ifndef ORDO_APP_SETUP_H
#define ORDO_APP_SETUP_H

#include <stddef.h>

#include "dataplane/opts.h"
#include "dataplane/ring.h"
#include "lib/seal/kdf.h"

struct ordo_conf;

struct ordod_setup {
	struct dp_ring_conf ring;
	unsigned n_port_args;
	const char *port_args[OPTS_MAX_PORTS];
	char conf_ports[OPTS_MAX_PORTS][256]; /* the config file's devargs for us */
	const char *idle_name;
	/* Client side: our daemon name, every daemon's (groups name members
	 * "#private#daemon"), the parsed file (access policy, limits) or
	 * NULL without --config, and where the control link lives. */
	char     daemon_name[32];
	uint32_t n_names;
	struct { uint32_t id; char name[32]; } names[ORDO_MAX_MEMBERS];
	const struct ordo_conf *conf;
	char     runtime_dir[256];
	/* Crypto: on unless Crypto = none / --crypto none; the key read at
	 * start (ring.key points here when on). */
	bool     crypto;
	struct ordo_seal_key key;
	char     key_file[256];
	/* Our daemon's Lcores in the file ("": not given). */
	char     lcores[64];
};

/* Fill s from o (and o->config). Returns 0 or -EINVAL with err set. */
int ordod_setup_build(struct ordod_setup *s, const struct ordod_opts *o,
		      char *err, size_t errlen);

#endif /* ORDO_APP_SETUP_H */
