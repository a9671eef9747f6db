/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Options and configuration file -> ring configuration (setup.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dataplane/conf_engine.h"
#include "dataplane/setup.h"
#include "dataplane/conf_engine.h"
#include "lib/conf/conf.h"
#include "lib/seal/keyfile.h"

#include <openssl/crypto.h>

static int from_file(struct ordod_setup *s, const struct ordod_opts *o,
		     char *err, size_t errlen)
{
	static struct ordo_conf conf; /* ~50 KB: not on the stack */
	uint32_t addrs[64];
	int self, n, rc;
	const struct ordo_conf_daemon *me;
	const struct ordo_conf_segment *seg;

	rc = ordo_conf_parse_file(o->config, &conf, err, errlen);
	if (rc < 0)
		return rc;
	/* The file's Crypto is in its hash, which ordo-ctrld and every
	 * other daemon compute from the same file: an option may not
	 * contradict it. */
	if (o->crypto && o->crypto != (int)conf.crypto) {
		snprintf(err, errlen, "--crypto %s contradicts %s's Crypto = %s "
			 "(the configuration hash covers it): change the file",
			 o->crypto == ORDO_CRYPTO_NONE ? "none" : "aes256gcm",
			 o->config, ordo_conf_crypto_name(conf.crypto));
		return -EINVAL;
	}
	/* The same holds for every other parameter in the hash: the ring's
	 * timers, windows and packet size come from the file, or two daemons
	 * 60x apart in their timers would take each other into one ring. */
	{
		static const struct {
			const char *opt, *key;
			size_t off;
		} hashed[] = {
			{ "--mtu", "Mtu", offsetof(struct ordod_opts, mtu) },
			{ "--window", "Window", offsetof(struct ordod_opts, window) },
			{ "--personal-window", "PersonalWindow",
			  offsetof(struct ordod_opts, personal_window) },
			{ "--accel-window", "AcceleratedWindow",
			  offsetof(struct ordod_opts, accel_window) },
		};
		const char *bad = NULL, *key = NULL;

		for (size_t i = 0; i < sizeof(hashed) / sizeof(hashed[0]); i++)
			if (*(const uint32_t *)((const char *)o + hashed[i].off)) {
				bad = hashed[i].opt;
				key = hashed[i].key;
			}
		if (o->token_loss_ms)
			bad = "--token-loss-ms", key = "TokenTimeout";
		if (o->consensus_ms)
			bad = "--consensus-ms", key = "GatherTimeout";
		if (o->token_timeout_us)
			bad = "--token-timeout-us", key = "TokenRetransmit";
		if (bad != NULL) {
			snprintf(err, errlen, "%s with --config: %s's %s is in "
				 "the configuration hash (every daemon must run "
				 "the same): change the file", bad, o->config, key);
			return -EINVAL;
		}
	}
	s->crypto = conf.crypto == ORDO_CRYPTO_AES256GCM;
	snprintf(s->key_file, sizeof(s->key_file), "%s", conf.key_file);
	n = ordo_conf_local_addrs(addrs, 64);
	if (n < 0)
		n = 0;
	if (o->node_id && !o->name)
		self = ordo_conf_daemon_by_id(&conf, o->node_id);
	else
		self = ordo_conf_find_self(&conf, o->name, addrs, (size_t)n);
	if (self < 0) {
		snprintf(err, errlen, "%s: %s is not one of its daemons",
			 o->config, o->name ? o->name : "this host");
		return -EINVAL;
	}
	rc = dp_conf_to_engine(&conf, self, &s->ring.engine);
	if (rc < 0) {
		snprintf(err, errlen, "%s: cannot map daemon %d to an engine "
			 "configuration", o->config, self);
		return rc;
	}
	me = &conf.daemons[self];
	seg = &conf.segments[me->segment];
	s->ring.udp = conf.encap == ORDO_ENCAP_UDP;
	s->ring.my_ip = me->id;
	s->ring.group_ip = seg->mcast_addr;
	s->ring.udp_port = seg->port;
	for (uint32_t i = 0; i < me->n_ports && i < OPTS_MAX_PORTS; i++) {
		snprintf(s->conf_ports[i], sizeof(s->conf_ports[i]), "%s",
			 me->ports[i]);
		s->port_args[s->n_port_args++] = s->conf_ports[i];
	}
	s->idle_name = conf.idle == ORDO_IDLE_YIELD     ? "yield"
		       : conf.idle == ORDO_IDLE_BACKOFF ? "backoff"
							: "spin";
	s->conf = &conf;
	snprintf(s->lcores, sizeof(s->lcores), "%s", me->lcores);
	s->ring.port.rx_queues = (uint16_t)me->rx_queues;
	snprintf(s->daemon_name, sizeof(s->daemon_name), "%s", me->name);
	s->n_names = conf.n_daemons;
	for (uint32_t i = 0; i < conf.n_daemons && i < ORDO_MAX_MEMBERS; i++) {
		s->names[i].id = conf.daemons[i].id;
		snprintf(s->names[i].name, sizeof(s->names[i].name), "%s",
			 conf.daemons[i].name);
	}
	snprintf(s->runtime_dir, sizeof(s->runtime_dir), "%s",
		 o->runtime_dir ? o->runtime_dir : conf.runtime_dir);
	return 0;
}

/* The ring's key, read before anything starts: a daemon that cannot seal
 * must not join the ring, and must say why. */
static int load_key(struct ordod_setup *s, const struct ordod_opts *o,
		    char *err, size_t errlen)
{
	static uint8_t raw[ORDO_SEAL_KEY_MAX];
	char why[400];
	size_t len;
	int rc;

	if (o->key_file)
		snprintf(s->key_file, sizeof(s->key_file), "%s", o->key_file);
	if (s->key_file[0] == '\0') {
		snprintf(err, errlen, "crypto is on (the default) and there is "
			 "no key: give --key-file FILE (make one with `ordoctl "
			 "keygen FILE`, the same on every daemon), or --crypto "
			 "none on a LAN no one else can reach");
		return -EINVAL;
	}
	rc = ordo_keyfile_read(s->key_file, raw, &len, why, sizeof(why));
	if (rc == 0 && (rc = ordo_seal_key_init(&s->key, raw, len)) < 0)
		snprintf(why, sizeof(why), "key file %s: cannot derive keys "
			 "from it (libcrypto)", s->key_file);
	OPENSSL_cleanse(raw, sizeof(raw));
	if (rc < 0) {
		snprintf(err, errlen, "%s", why);
		return rc;
	}
	return 0;
}

int ordod_setup_build(struct ordod_setup *s, const struct ordod_opts *o,
		      char *err, size_t errlen)
{
	struct ordo_engine_config *e = &s->ring.engine;
	int rc;

	memset(s, 0, sizeof(*s));
	ordo_engine_config_defaults(e);
	/* Must change at every restart: the wall clock in milliseconds. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	e->incarnation = (uint32_t)((uint64_t)ts.tv_sec * 1000 +
				    (uint64_t)ts.tv_nsec / 1000000);
	if (e->incarnation == 0)
		e->incarnation = 1;
	s->ring.group_ip = o->group_ip;
	s->ring.udp_port = o->udp_port;
	s->idle_name = o->idle;
	if (o->config) {
		rc = from_file(s, o, err, errlen);
		if (rc < 0)
			return rc;
	} else {
		if (o->node_id == 0 || o->n_members == 0) {
			snprintf(err, errlen, "give --config FILE, or both "
				 "--node-id and --members");
			return -EINVAL;
		}
		e->n_members = o->n_members;
		memcpy(e->members, o->members, o->n_members * sizeof(uint32_t));
		/* Without a file there is no shared configuration to hash:
		 * hash the members, so two rings never mix by accident. */
		uint32_t h = 2166136261u;
		for (uint32_t i = 0; i < o->n_members; i++)
			h = (h ^ o->members[i]) * 16777619u;
		/* Sealed or not is ring-wide too (as the file's Crypto). */
		s->crypto = o->crypto != ORDO_CRYPTO_NONE;
		h = (h ^ (s->crypto ? ORDO_CRYPTO_AES256GCM : ORDO_CRYPTO_NONE)) *
		    16777619u;
		e->config_hash = h ? h : 1;
	}
	/* Options override the file. */
	if (o->node_id)
		e->my_id = o->node_id;
	if (o->mtu)
		e->mtu = o->mtu;
	/* --mtu is the link's MTU, like the file's Mtu: under UDP the
	 * protocol packet leaves room for the IPv4 and UDP headers. (The
	 * file's mapping, dp_conf_to_engine(), already did.) */
	if (o->udp && (o->mtu || !o->config))
		e->mtu -= DP_UDP_ENCAP_LEN;
	if (o->window)
		e->global_window = o->window;
	if (o->personal_window)
		e->personal_window = o->personal_window;
	if (o->accel_window)
		e->accel_window = o->accel_window - 1;
	if (e->accel_window > e->personal_window)
		e->accel_window = e->personal_window;
	if (e->global_window < e->personal_window)
		e->global_window = e->personal_window;
	if (o->store_packets)
		e->store_packets = o->store_packets;
	if (o->token_timeout_us)
		e->token_retransmit_ns = o->token_timeout_us * 1000;
	if (o->token_loss_ms)
		e->token_loss_ns = o->token_loss_ms * 1000000;
	if (o->consensus_ms)
		e->consensus_ns = o->consensus_ms * 1000000;
	e->token_hold_ns = o->token_hold_us * 1000;
	if (o->udp)
		s->ring.udp = true;
	if (o->ip)
		s->ring.my_ip = o->ip;
	if (s->ring.my_ip == 0)
		s->ring.my_ip = e->my_id;
	if (o->idle)
		s->idle_name = o->idle;
	if (s->idle_name == NULL)
		s->idle_name = "spin";
	for (unsigned i = 0; i < o->n_port_args; i++) {
		if (i == 0)
			s->n_port_args = 0; /* command line replaces the file */
		s->port_args[s->n_port_args++] = o->port_args[i];
	}
	s->ring.ring_no = (uint8_t)o->ring_no;
	if (o->rx_queues)
		s->ring.port.rx_queues = (uint16_t)o->rx_queues;
	s->ring.port.rx_desc = (uint16_t)o->rx_desc;
	s->ring.port.tx_desc = (uint16_t)o->tx_desc;
	s->ring.port.promisc = o->promisc;
	s->ring.port.start_wait_ms = o->port_wait_ms;
	s->ring.idle = dp_idle_by_name(s->idle_name);
	s->ring.idle_max_park_ns = o->idle_max_sleep_us * 1000;
	s->ring.stage_sample = o->stage_sample;
	s->ring.copy_store = o->copy_store;
	if (s->conf == NULL) {
		/* Without a file, daemons are named by their address. */
		s->n_names = e->n_members;
		for (uint32_t i = 0; i < e->n_members; i++) {
			uint32_t a = e->members[i];

			s->names[i].id = a;
			snprintf(s->names[i].name, sizeof(s->names[i].name),
				 "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
				 (a >> 8) & 255, a & 255);
			if (a == e->my_id)
				memcpy(s->daemon_name, s->names[i].name,
				       sizeof(s->daemon_name));
		}
		snprintf(s->runtime_dir, sizeof(s->runtime_dir), "%s",
			 o->runtime_dir ? o->runtime_dir : o->lock_dir);
	} else if (o->node_id) {
		for (uint32_t i = 0; i < s->n_names; i++)
			if (s->names[i].id == e->my_id)
				memcpy(s->daemon_name, s->names[i].name,
				       sizeof(s->daemon_name));
	}
	if (s->crypto) {
		rc = load_key(s, o, err, errlen);
		if (rc < 0)
			return rc;
		/* The envelope rides inside the link MTU, like the UDP
		 * headers: every daemon agrees (Crypto is in the hash). */
		e->mtu -= (uint32_t)ORDO_SEAL_OVERHEAD;
		s->ring.key = &s->key;
		s->ring.crypto_dev = o->crypto_dev;
	}
	rc = ordo_engine_config_check(e, err, errlen);
	return rc;
}

_Static_assert(sizeof(((struct ordod_setup *)0)->lcores) == ORDO_CONF_LCORES_MAX,
	       "the file's Lcores fits");
