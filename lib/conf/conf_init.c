/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Defaults, and names for the enums. Each default is argued in
 * config/ordo.conf next to its key; keep the two in step. The engine's
 * own defaults (engine/engine.c) are the same numbers, checked by
 * test_conf_engine.
 */
#include <string.h>

#include "lib/conf/conf_impl.h"

void ordo_conf_init(struct ordo_conf *c)
{
	memset(c, 0, sizeof(*c));

	c->window = 256;
	c->personal_window = 64;
	c->accelerated_ring = true;
	c->accel_window = 32;
	c->max_session_messages = 1000; /* Spread's */

	/* ordo's LAN defaults: the engine's (engine/engine.c), for a
	 * kernel-bypass LAN with a core per daemon. Spread's own (1250 ms
	 * token) are 60x slower; a file may set them. */
	c->timeouts.token_ms = 20;
	c->timeouts.hurry_ms = 1;
	c->timeouts.join_ms = 2;
	c->timeouts.gather_ms = 10;
	c->timeouts.lookup_ms = 20;

	c->debug_flags = ORDO_DBG_PRINT | ORDO_DBG_EXIT;
	c->event_priority = ORDO_PRIO_INFO;
	strcpy(c->runtime_dir, "/run/ordo");

	c->mtu = 1500;
	c->encap = ORDO_ENCAP_UDP;
	c->idle = ORDO_IDLE_BACKOFF;
	c->store_packets = 8192;
	c->max_msg_size = 16u << 20;
	c->submit_bytes = (32u << 20) + (64u << 10);
	c->token_retransmit_ns = 1000000; /* 1 ms */
	c->max_clients = 1024;
	c->client_submit_bytes = 1u << 20;
	c->client_deliver_bytes = 4u << 20;
	c->slow_consumer = ORDO_SLOW_DISCONNECT;
	c->crypto = ORDO_CRYPTO_AES256GCM;
	strcpy(c->key_file, ORDO_CONF_KEY_FILE_DEFAULT);
}

const char *ordo_conf_crypto_name(enum ordo_conf_crypto c)
{
	switch (c) {
	case ORDO_CRYPTO_NONE:      return "none";
	case ORDO_CRYPTO_AES256GCM: return "aes256gcm";
	}
	return "?";
}

const char *ordo_conf_encap_name(enum ordo_conf_encap e)
{
	switch (e) {
	case ORDO_ENCAP_ETHERNET: return "ethernet";
	case ORDO_ENCAP_UDP:      return "udp";
	}
	return "?";
}

const char *ordo_conf_idle_name(enum ordo_conf_idle i)
{
	switch (i) {
	case ORDO_IDLE_SPIN:    return "spin";
	case ORDO_IDLE_YIELD:   return "yield";
	case ORDO_IDLE_BACKOFF: return "backoff";
	}
	return "?";
}

const char *ordo_conf_slow_name(enum ordo_conf_slow s)
{
	switch (s) {
	case ORDO_SLOW_DISCONNECT: return "disconnect";
	case ORDO_SLOW_BLOCK:      return "block";
	}
	return "?";
}

const char *ordo_conf_priority_name(enum ordo_conf_priority p)
{
	switch (p) {
	case ORDO_PRIO_DEBUG:    return "pDEBUG";
	case ORDO_PRIO_INFO:     return "INFO";
	case ORDO_PRIO_WARNING:  return "WARNING";
	case ORDO_PRIO_ERROR:    return "ERROR";
	case ORDO_PRIO_CRITICAL: return "CRITICAL";
	case ORDO_PRIO_FATAL:    return "FATAL";
	}
	return "?";
}
