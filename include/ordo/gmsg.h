/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Group messages: the one definition of what the daemons' group layer
 * (groups/) puts inside an engine message. The engine orders them like any
 * other message, so every daemon applies joins, leaves and disconnects at
 * the same point of the total order as the data around them.
 *
 * An engine message carrying a group message is:
 *
 *   struct ordo_gm_hdr                 8 bytes
 *   sender private name                sender_len bytes, no NUL
 *   n_groups x { uint8 len, len bytes } destination / joined group names
 *   body                               the rest of the engine message
 *
 * The engine's own message fields carry what they already carry: the
 * service (enum ordo_service) and msg_type (Spread's int16 mess_type, for
 * DATA; the kind again for the others). The sending daemon is the engine
 * delivery's sender, so a member's full name "#private#daemon" is built by
 * the receiver from sender_len bytes and the daemon's configured name.
 *
 * Group and private names are short (Spread: at most 31 and 10 bytes), so
 * they travel length-prefixed, not as 32-byte arrays: a 64-byte message to
 * one group costs 8 + name + group bytes, not 72.
 *
 * STATE (after a merge, see groups/README.md) has no groups; its body is
 *   struct ordo_gm_state                the ring it was sent for, counts
 *   n_entries x { uint8 plen, plen bytes private name,
 *                 uint8 glen, glen bytes group }
 * listing every (local client, group) pair of the sending daemon, and a
 * private name with glen 0 for a client in no group.
 *
 * Receivers validate everything (lengths, name characters, counts); a
 * malformed group message is counted and ignored (groups_stats), never
 * trusted.
 */
#ifndef ORDO_GMSG_H
#define ORDO_GMSG_H

#include <assert.h>
#include <stdint.h>

#define ORDO_GM_VERSION 1u

/* Names: Spread's limits (sp.h MAX_GROUP_NAME 32 with the NUL,
 * MAX_PRIVATE_NAME 10, MAX_PROC_NAME 20 with the NUL). */
#define ORDO_GM_GROUP_MAX   31u /* characters of a group name */
#define ORDO_GM_PRIVATE_MAX 10u /* characters of a private name */
#define ORDO_GM_DAEMON_MAX  19u /* characters of a daemon name */
/* Destination groups of one DATA message (Spread has no fixed limit; its
 * sample programs use up to 100). */
#define ORDO_GM_MAX_GROUPS  255u

enum ordo_gm_kind {
	ORDO_GM_DATA = 1,       /* a client's multicast to n_groups >= 1 groups */
	ORDO_GM_JOIN = 2,       /* the sender joins groups[0] */
	ORDO_GM_LEAVE = 3,      /* the sender leaves groups[0] */
	ORDO_GM_DISCONNECT = 4, /* the sender is gone: leaves every group */
	ORDO_GM_STATE = 5,      /* a daemon's clients and their groups */
	ORDO_GM_KIND_MAX
};

#define ORDO_GM_F_SELF_DISCARD 0x01u /* DATA: not delivered to the sender */
#define ORDO_GM_F_ALL          0x01u

struct ordo_gm_hdr {
	uint8_t version;    /* ORDO_GM_VERSION */
	uint8_t kind;       /* enum ordo_gm_kind */
	uint8_t flags;      /* ORDO_GM_F_* */
	uint8_t n_groups;   /* DATA >= 1, JOIN/LEAVE 1, DISCONNECT/STATE 0 */
	uint8_t sender_len; /* 1..ORDO_GM_PRIVATE_MAX; STATE: 0 */
	uint8_t reserved[3];
};
static_assert(sizeof(struct ordo_gm_hdr) == 8, "group message header");

/* STATE body header, network byte order. */
struct ordo_gm_state {
	uint32_t ring_rep;  /* the regular configuration it answers */
	uint32_t ring_seq;
	uint32_t prev_rep;  /* the sender's previous regular configuration */
	uint32_t prev_seq;  /* (0, 0 at its first ring): its vs set */
	uint32_t n_entries;
	uint32_t reserved;
};
static_assert(sizeof(struct ordo_gm_state) == 24, "state header");

/* Bytes of a DATA message's header: a sender whose private name has
 * sender_len characters, to n_groups groups whose names add up to
 * names_len characters. The payload shares the engine's largest message
 * (MaxMessageSize) with it: a client may send MaxMessageSize minus this. */
#define ORDO_GM_DATA_HDR_LEN(sender_len, n_groups, names_len) \
	(sizeof(struct ordo_gm_hdr) + (sender_len) + (n_groups) + (names_len))

/* Bytes of a group message header with its names, at most. */
#define ORDO_GM_HDR_MAX \
	(sizeof(struct ordo_gm_hdr) + ORDO_GM_PRIVATE_MAX + \
	 ORDO_GM_MAX_GROUPS * (1u + ORDO_GM_GROUP_MAX))

#endif /* ORDO_GMSG_H */
