/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Where each ring member is: the port that reaches it and its station
 * address (and IPv4 address under UDP), learned from the source of its
 * packets and of its station announcements (l2.h). Only packets whose
 * header names the member that transmitted them teach anything: TOKEN,
 * JOIN and BEACON (dp_peers_names_transmitter). A DATA packet keeps its
 * original sender when another member retransmits it, and a COMMIT token
 * keeps its representative as every member passes it on: learning from
 * either points a member at the station that relayed it, and with crypto
 * off that wrong binding used to last (a ring wedged with every token for
 * one member sent to another, tests/lab/hostile.sh).
 *
 * Crypto off, anyone can write a well-formed frame naming any member, so
 * a station is learned once and a frame never moves it; a member seen at
 * a second station is contested instead: it is reached through the group
 * (the engine drops what is not addressed to it) until the next ring
 * forms, when it is learned afresh. Sealed, an authenticated frame moves
 * its member. Until a member is known, packets for it go to the group.
 *
 * A dozen members at most: a linear scan beats any hash here.
 */
#ifndef ORDO_DP_PEERS_H
#define ORDO_DP_PEERS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/l2.h"
#include "ordo/wire.h"

struct dp_peer {
	uint32_t id;
	bool     known;
	bool     contested;           /* crypto off: seen at two stations */
	uint16_t port;                /* index into the ring's ports */
	uint8_t  mac[DP_ETH_ALEN];
	uint32_t ip_be;               /* UDP only */
};

struct dp_peers {
	uint32_t n;
	struct dp_peer p[ORDO_MAX_MEMBERS];
	uint64_t learned; /* first sightings */
	uint64_t moved;   /* a known member showed up elsewhere */
	uint64_t contested; /* crypto off: ... and was reached by the group */
};

/* The packet types whose header names the member that transmitted them
 * (the rest are relayed under their originator's name, above). */
static inline bool dp_peers_names_transmitter(uint8_t type)
{
	return type == ORDO_PKT_TOKEN || type == ORDO_PKT_JOIN ||
	       type == ORDO_PKT_BEACON;
}

static inline void dp_peers_init(struct dp_peers *t, const uint32_t *ids,
				 uint32_t n, uint32_t self)
{
	memset(t, 0, sizeof(*t));
	for (uint32_t i = 0; i < n && t->n < ORDO_MAX_MEMBERS; i++)
		if (ids[i] != self)
			t->p[t->n++].id = ids[i];
}

static inline struct dp_peer *dp_peers_find(struct dp_peers *t, uint32_t id)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (t->p[i].id == id)
			return &t->p[i];
	return NULL;
}

/* Is the station we know for p the one a frame came from? */
static inline bool dp_peer_is_at(const struct dp_peer *p, uint16_t port,
				 const uint8_t *mac, uint32_t ip_be)
{
	return p->port == port && p->ip_be == ip_be &&
	       memcmp(p->mac, mac, DP_ETH_ALEN) == 0;
}

/* A token from member id arrived on port from mac (and ip_be). */
static inline void dp_peers_learn(struct dp_peers *t, uint32_t id,
				  uint16_t port, const uint8_t *mac,
				  uint32_t ip_be)
{
	struct dp_peer *p = dp_peers_find(t, id);

	if (p == NULL)
		return;
	if (p->known && dp_peer_is_at(p, port, mac, ip_be))
		return;
	if (p->known)
		t->moved++;
	else
		t->learned++;
	p->known = true;
	p->contested = false;
	p->port = port;
	p->ip_be = ip_be;
	memcpy(p->mac, mac, DP_ETH_ALEN);
}

/* Crypto off: learn a member's station from its first proving frame; a
 * frame from another station never moves it (any station can send a
 * well-formed one) but contests it (dp_peers_reach). */
static inline void dp_peers_learn_once(struct dp_peers *t, uint32_t id,
				       uint16_t port, const uint8_t *mac,
				       uint32_t ip_be)
{
	struct dp_peer *p = dp_peers_find(t, id);

	if (p == NULL)
		return;
	if (!p->known) {
		dp_peers_learn(t, id, port, mac, ip_be);
		return;
	}
	if (!p->contested && !dp_peer_is_at(p, port, mac, ip_be)) {
		p->contested = true;
		t->contested++;
	}
}

/* The member to send a packet for id to as a unicast, or NULL for the
 * group: not known yet, or contested. */
static inline const struct dp_peer *dp_peers_reach(const struct dp_peers *t,
						   uint32_t id)
{
	const struct dp_peer *p = dp_peers_find((struct dp_peers *)t, id);

	return p != NULL && p->known && !p->contested ? p : NULL;
}

/* A ring formed with these members: forget the stations of the others,
 * so that they are learned afresh when they come back (a restarted member
 * on another host, or a wrong first sighting with crypto off), and of the
 * contested, so that the next frame that names them teaches where they
 * are (crypto off; a forger that keeps at it only contests them again). */
static inline void dp_peers_forget_absent(struct dp_peers *t,
					  const uint32_t *members, uint32_t n)
{
	for (uint32_t i = 0; i < t->n; i++) {
		bool in = false;

		for (uint32_t j = 0; j < n && !in; j++)
			in = members[j] == t->p[i].id;
		if (!in || t->p[i].contested)
			t->p[i].known = t->p[i].contested = false;
	}
}

/* Forget members reached through a port that went down. */
static inline void dp_peers_forget_port(struct dp_peers *t, uint16_t port)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (t->p[i].known && t->p[i].port == port)
			t->p[i].known = t->p[i].contested = false;
}

#endif /* ORDO_DP_PEERS_H */
