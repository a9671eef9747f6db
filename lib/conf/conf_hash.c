/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The configuration hash: one 32-bit number that two daemons compare to
 * know they run the same ring. It is carried in every packet header
 * (ordo_wire_hdr.config_hash) and a packet with another hash is dropped,
 * so it must cover exactly what would break the protocol if two daemons
 * disagreed on it, and nothing that may legitimately differ per host:
 *
 *   hashed                                 why
 *   members: id, segment group and port    the ring itself and its order
 *   Window, PersonalWindow                 flow control is computed on the
 *                                          token by all members together
 *   AcceleratedRing, AcceleratedWindow     when members may send
 *   Mtu, Encap                             packet sizes and framing
 *   MaxMessageSize                         reassembly limits
 *   TokenTimeout, JoinTimeout,             who gives up on whom, and when:
 *   GatherTimeout, LookupTimeout and the   exactly the timers the engine
 *   token retransmission in effect         runs on (HurryTimeout is the
 *                                          retransmission unless
 *                                          TokenRetransmit is given)
 *   Crypto                                 sealed frames or frames in the
 *                                          clear, and the cipher
 *
 *   not hashed: names (labels for -n, never on the wire), logging,
 *   RuntimeDir, ClientSocket, users, hugepages, IdleStrategy, lcores,
 *   ports, MACs (per host), StorePackets, SubmitQueueBytes and
 *   MaxSessionMessages (local memory), the Access policy, MaxClients,
 *   ClientSubmitBytes, ClientDeliverBytes, SlowConsumer (local clients),
 *   KeyFile (where this host keeps the key; the key itself is a secret),
 *   MetricsListen (where one host's ordo-ctrld publishes its metrics: an
 *   operational choice per host that the ring's protocol never sees).
 *
 * Values are hashed as they take effect (defaults filled in), so a file
 * that spells a default out hashes like one that does not. The
 * serialization is explicit (tag, then big-endian fields), so the hash
 * does not depend on the compiler, the struct layout or the host's byte
 * order. FNV-1a, 32 bits; 0 is mapped to 1 so that 0 can mean "none".
 */
#include <string.h>

#include "lib/conf/conf_impl.h"

struct fnv {
	uint32_t h;
};

static void put8(struct fnv *f, uint8_t b)
{
	f->h ^= b;
	f->h *= 16777619u;
}

static void put32(struct fnv *f, uint32_t v)
{
	put8(f, (uint8_t)(v >> 24));
	put8(f, (uint8_t)(v >> 16));
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void put64(struct fnv *f, uint64_t v)
{
	put32(f, (uint32_t)(v >> 32));
	put32(f, (uint32_t)v);
}

uint32_t ordo_conf_hash(const struct ordo_conf *c)
{
	static const char tag[] = "ordo-conf-hash/2";
	uint32_t idx[ORDO_MAX_MEMBERS], n, i, j, t;
	const struct ordo_conf_timeouts *to = &c->timeouts;
	struct fnv f = { 2166136261u };

	for (i = 0; i < sizeof(tag) - 1; i++)
		put8(&f, (uint8_t)tag[i]);

	/* Ring order is ascending id whatever order the array is in. */
	n = c->n_daemons <= ORDO_MAX_MEMBERS ? c->n_daemons : ORDO_MAX_MEMBERS;
	for (i = 0; i < n; i++) {
		t = i;
		for (j = i; j > 0 && c->daemons[idx[j - 1]].id > c->daemons[t].id; j--)
			idx[j] = idx[j - 1];
		idx[j] = t;
	}
	put32(&f, n);
	for (i = 0; i < n; i++) {
		const struct ordo_conf_daemon *d = &c->daemons[idx[i]];
		const struct ordo_conf_segment *s = NULL;

		if (d->segment < c->n_segments &&
		    d->segment < ORDO_CONF_MAX_SEGMENTS)
			s = &c->segments[d->segment];
		put32(&f, d->id);
		put32(&f, s ? s->mcast_addr : 0);
		put32(&f, s ? s->port : 0);
	}

	put32(&f, c->window);
	put32(&f, c->personal_window);
	put8(&f, c->accelerated_ring ? 1 : 0);
	put32(&f, c->accelerated_ring ? c->accel_window : 0);
	put32(&f, c->mtu);
	put32(&f, (uint32_t)c->encap);
	put32(&f, c->max_msg_size);
	put32(&f, to->token_ms);
	put32(&f, to->join_ms);
	put32(&f, to->gather_ms);
	put32(&f, to->lookup_ms);
	put64(&f, c->token_retransmit_ns);
	/* Whether frames are sealed, and how: two daemons that disagree
	 * cannot read each other. The key is a secret, never hashed. */
	put32(&f, (uint32_t)c->crypto);

	return f.h ? f.h : 1;
}
