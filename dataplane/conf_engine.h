/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A parsed configuration (lib/conf) -> the engine's configuration for one
 * of its daemons. It lives on the dataplane side so that the configuration
 * library, which ordo-ctrld and ordoctl link too, does not need the engine.
 * lib/conf states the engine's rules itself (conf_check.c); its fuzz target
 * proves, through this mapping, that every file it accepts is a
 * configuration the engine accepts.
 */
#ifndef ORDO_DP_CONF_ENGINE_H
#define ORDO_DP_CONF_ENGINE_H

#include "engine/engine.h"
#include "lib/conf/conf.h"

/* Fill an engine configuration for the daemon at index self: members in
 * ring order, our id, the hash, and the parameters mapped from ours
 * (Window -> global_window, PersonalWindow -> personal_window,
 * AcceleratedWindow -> accel_window or 0 without AcceleratedRing, Mtu less
 * the IPv4+UDP headers under UDP encapsulation, token retransmission).
 * Returns 0, or -EINVAL when self is out of range. */
int dp_conf_to_engine(const struct ordo_conf *conf, int self,
		      struct ordo_engine_config *cfg);

#endif /* ORDO_DP_CONF_ENGINE_H */
