/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The sealed envelope: the one definition of how an ordo packet (wire.h)
 * or a station announcement (dataplane/l2.h) travels between daemons when
 * crypto is on (the default). AES-256-GCM, authenticated and encrypted:
 *
 *   [L2 / UDP framing][struct ordo_seal_hdr][ciphertext of the packet][tag]
 *                     |<- in the AAD ------>|<- encrypted ------------>|16 B
 *
 * Keys. A key file holds >= 32 random bytes (the master key). Nothing on
 * the wire is sealed with it directly: HKDF-SHA256 (RFC 5869) derives
 *   PRK        = HKDF-Extract(salt "ordo-seal-v1", master)
 *   key_id     = first 4 bytes of HKDF-Expand(PRK, "key id")
 *   sender key = HKDF-Expand(PRK, "sender" || node id (big-endian), 32)
 * so every transmitter seals with a key of its own, and the 96-bit GCM IV
 * only has to be unique per transmitter:
 *   IV = incarnation (4 bytes, big-endian) || counter (8 bytes, big-endian)
 * The counter starts at 1 in every incarnation and grows by one per frame;
 * the incarnation grows at every restart of the daemon (ordod persists the
 * last one it used), so an (incarnation, counter) pair, and with it an IV,
 * never repeats under one sender key.
 *
 * key_id names the key a frame is sealed with: a daemon holds a few keys
 * at once (ORDO_SEAL_MAX_KEYS), opens with whichever the frame names and
 * seals with one of them, the sending key. That is how keys rotate without
 * stopping the ring (docs/security.md).
 *
 * AAD: the envelope header and the frame's source binding (struct
 * ordo_seal_aad): the source MAC, the EtherType and, under UDP, the source
 * IPv4 address. A frame replayed from another station, or from another
 * address, fails authentication, so a member's station is learned only
 * from its own frames. Destination addresses are not bound: a token may go
 * to the group before its successor's station is known.
 *
 * Replays: the receiver keeps, per transmitter, the highest incarnation it
 * authenticated and an anti-replay window over its counters (RFC 4303
 * section 3.4.3; lib/seal/replay.h).
 *
 * Every multi-byte field is in network byte order.
 */
#ifndef ORDO_SEAL_H
#define ORDO_SEAL_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define ORDO_SEAL_MAGIC    0x4f53u /* "OS": neither "OR" nor "OA" */
#define ORDO_SEAL_VERSION  1u

#define ORDO_SEAL_KEY_MIN   32u    /* bytes of a key file, at least */
#define ORDO_SEAL_KEY_MAX   4096u  /* ... and at most */
#define ORDO_SEAL_KEY_LEN   32u    /* AES-256: a derived sender key */
#define ORDO_SEAL_TAG_LEN   16u
#define ORDO_SEAL_IV_LEN    12u
#define ORDO_SEAL_MAX_KEYS  4u     /* keys a daemon holds at once */

/* Envelope header (24 bytes), in front of the ciphertext. */
struct ordo_seal_hdr {
	uint16_t magic;       /* ORDO_SEAL_MAGIC */
	uint8_t  version;     /* ORDO_SEAL_VERSION */
	uint8_t  flags;       /* zero */
	uint32_t key_id;      /* which key sealed it (see above) */
	uint32_t sender;      /* transmitter's node id: which sender key */
	uint32_t incarnation; /* transmitter's incarnation ... */
	uint64_t counter;     /* ... and its frame counter in it: the IV */
};
static_assert(sizeof(struct ordo_seal_hdr) == 24, "seal header layout");
static_assert(offsetof(struct ordo_seal_hdr, counter) == 16, "counter offset");

/* Bytes a sealed frame adds to the packet it carries. */
#define ORDO_SEAL_OVERHEAD (sizeof(struct ordo_seal_hdr) + ORDO_SEAL_TAG_LEN)
static_assert(ORDO_SEAL_OVERHEAD == 40, "seal overhead");

/* The additional authenticated data (40 bytes): the header as sent, then
 * the frame's source binding. Built by both ends; never sent as such. */
struct ordo_seal_aad {
	struct ordo_seal_hdr hdr;
	uint8_t  src_mac[6];  /* the frame's Ethernet source */
	uint16_t ethertype;   /* the frame's EtherType */
	uint32_t src_ip;      /* UDP: the IPv4 source; Ethernet: zero */
	uint32_t pad;         /* zero */
};
static_assert(sizeof(struct ordo_seal_aad) == 40, "seal aad layout");
static_assert(offsetof(struct ordo_seal_aad, src_mac) == 24, "aad binding");

/* The IV of a frame from its header: incarnation || counter, as on the
 * wire (both already big-endian there). */
static inline void ordo_seal_iv(uint8_t iv[ORDO_SEAL_IV_LEN],
				const struct ordo_seal_hdr *h)
{
	__builtin_memcpy(iv, &h->incarnation, 4);
	__builtin_memcpy(iv + 4, &h->counter, 8);
}

/* HKDF labels (see above). */
#define ORDO_SEAL_KDF_SALT   "ordo-seal-v1"
#define ORDO_SEAL_KDF_KEYID  "key id"
#define ORDO_SEAL_KDF_SENDER "sender"

/* Key rotation's ordered step: "from now on, seal with key_id". A daemon
 * submits it as an engine message (msg_type ORDO_SEAL_USE_MSG_TYPE) and
 * every daemon switches its sending key when the ring delivers it, at the
 * same point of the total order. Its first byte is 'O', never a group
 * message's version (gmsg.h), so no client can submit one. */
#define ORDO_SEAL_USE_MAGIC    0x4f4b4559u /* "OKEY" */
#define ORDO_SEAL_USE_MSG_TYPE 0x6b79u     /* "ky" */

struct ordo_seal_use {
	uint32_t magic;   /* ORDO_SEAL_USE_MAGIC */
	uint32_t key_id;  /* the new sending key */
	uint32_t from;    /* node id that asked (for the log) */
	uint32_t pad;     /* zero */
};
static_assert(sizeof(struct ordo_seal_use) == 16, "seal use layout");

#endif /* ORDO_SEAL_H */
