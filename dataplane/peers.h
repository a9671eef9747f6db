/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Where each ring member is: the port that reaches it and its station
 * address (and IPv4 address under UDP), learned from the source of its
 * packets and of its station announcements (l2.h). Every packet type but
 * DATA is built by the member that sends it; a DATA packet keeps its
 * original sender when another member retransmits it, so learning from
 * DATA would point a member at the wrong station. Until a member is known, packets for it go to the
 * ring's group (the engine drops tokens not addressed to it).
 *
 * A dozen members at most: a linear scan beats any hash here.
 */
#ifndef ORDO_DP_PEERS_H
#define ORDO_DP_PEERS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/l2.h"

struct dp_peer {
	uint32_t id;
	bool     known;
	uint16_t port;                /* index into the ring's ports */
	uint8_t  mac[DP_ETH_ALEN];
	uint32_t ip_be;               /* UDP only */
};

struct dp_peers {
	uint32_t n;
	struct dp_peer p[ORDO_MAX_MEMBERS];
	uint64_t learned; /* first sightings */
	uint64_t moved;   /* a known member showed up elsewhere */
};

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

/* A token from member id arrived on port from mac (and ip_be). */
static inline void dp_peers_learn(struct dp_peers *t, uint32_t id,
				  uint16_t port, const uint8_t *mac,
				  uint32_t ip_be)
{
	struct dp_peer *p = dp_peers_find(t, id);

	if (p == NULL)
		return;
	if (p->known && p->port == port && p->ip_be == ip_be &&
	    memcmp(p->mac, mac, DP_ETH_ALEN) == 0)
		return;
	if (p->known)
		t->moved++;
	else
		t->learned++;
	p->known = true;
	p->port = port;
	p->ip_be = ip_be;
	memcpy(p->mac, mac, DP_ETH_ALEN);
}

/* Crypto off: learn a member's station from its first proving frame, and
 * never move it afterwards (any station can send a well-formed frame). */
static inline void dp_peers_learn_once(struct dp_peers *t, uint32_t id,
				       uint16_t port, const uint8_t *mac,
				       uint32_t ip_be)
{
	struct dp_peer *p = dp_peers_find(t, id);

	if (p != NULL && !p->known)
		dp_peers_learn(t, id, port, mac, ip_be);
}

/* A ring formed with these members: forget the stations of the others, so
 * that they are learned afresh when they come back (a restarted member on
 * another host, or a wrong first sighting with crypto off). */
static inline void dp_peers_forget_absent(struct dp_peers *t,
					  const uint32_t *members, uint32_t n)
{
	for (uint32_t i = 0; i < t->n; i++) {
		bool in = false;

		for (uint32_t j = 0; j < n && !in; j++)
			in = members[j] == t->p[i].id;
		if (!in)
			t->p[i].known = false;
	}
}

/* Forget members reached through a port that went down. */
static inline void dp_peers_forget_port(struct dp_peers *t, uint16_t port)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (t->p[i].known && t->p[i].port == port)
			t->p[i].known = false;
}

#endif /* ORDO_DP_PEERS_H */
