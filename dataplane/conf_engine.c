/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A parsed configuration -> the engine's configuration for one of its
 * daemons (conf_engine.h). Uses the engine's header, not its code.
 */
#include <errno.h>
#include <string.h>

#include "dataplane/conf_engine.h"

_Static_assert(ORDO_CONF_MSG_SIZE_MAX == ORDO_MAX_MSG_SIZE_LIMIT,
	       "MaxMessageSize's bound is the engine's");

int dp_conf_to_engine(const struct ordo_conf *c, int self,
		      struct ordo_engine_config *cfg)
{
	uint32_t i;

	if (self < 0 || (uint32_t)self >= c->n_daemons ||
	    c->n_daemons > ORDO_MAX_MEMBERS)
		return -EINVAL;
	/* Start from the engine's defaults: the membership timers and the
	 * incarnation (the daemon sets a fresh one at every start). */
	ordo_engine_config_defaults(cfg);
	cfg->my_id = c->daemons[self].id;
	cfg->n_members = c->n_daemons;
	for (i = 0; i < c->n_daemons; i++)
		cfg->members[i] = c->daemons[i].id; /* ring order already */
	cfg->config_hash = ordo_conf_hash(c);

	/* Mtu is the link's; the engine's is what its packets may use. */
	cfg->mtu = c->encap == ORDO_ENCAP_UDP ? c->mtu - ORDO_CONF_UDP_OVERHEAD :
						c->mtu;
	cfg->personal_window = c->personal_window;
	cfg->global_window = c->window;
	cfg->accel_window = c->accelerated_ring ? c->accel_window : 0;
	cfg->store_packets = c->store_packets;
	cfg->max_msg_size = c->max_msg_size;
	cfg->submit_bytes = c->submit_bytes;
	cfg->token_retransmit_ns = c->token_retransmit_ns;
	{
		/* Spread's timeouts, in its milliseconds, on our timers, always
		 * (the file's or ordo's defaults, which are the engine's):
		 * TokenTimeout declares the token lost, JoinTimeout paces joins,
		 * GatherTimeout ends gathering (our consensus timeout) and
		 * LookupTimeout paces the probes for other rings (beacons).
		 * These are exactly what the hash covers (conf_hash.c). */
		const uint64_t ms = 1000000ull;

		cfg->token_loss_ns = c->timeouts.token_ms * ms;
		cfg->join_ns = c->timeouts.join_ms * ms;
		cfg->consensus_ns = c->timeouts.gather_ms * ms;
		cfg->merge_detect_ns = c->timeouts.lookup_ms * ms;
	}
	return 0;
}
