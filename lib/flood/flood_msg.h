/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The message both flood benchmarks multicast, ordo-perf through libordo
 * and cpg_flood through Corosync's CPG: a 40-byte header (what kind, which
 * round of a sweep, who sent it, its sequence, when, its length and a
 * checksum of the payload), then a payload that fills the message up to
 * the requested size. The header counts in the size, so a 1024-byte
 * message puts exactly 1024 bytes into either daemon.
 *
 * Big-endian, like every format that may cross hosts. Everything a
 * receiver reads came from another process through a daemon:
 * flood_msg_parse() checks all of it before anything is used.
 */
#ifndef ORDO_BENCH_FLOOD_MSG_H
#define ORDO_BENCH_FLOOD_MSG_H

#include <stddef.h>
#include <stdint.h>

#define FLOOD_MAGIC 0x4f464c44u   /* "OFLD" */

enum flood_kind {
	FLOOD_WARMUP = 1,         /* sent during the warm-up: checked, not timed */
	FLOOD_DATA = 2,           /* sent in the measured window */
	FLOOD_END = 3,            /* the sender's last message of a round */
};

/* On the wire, big-endian, 40 bytes (unaligned fields: always memcpy). */
struct flood_hdr {
	uint32_t magic;
	uint8_t kind;             /* enum flood_kind */
	uint8_t pad;
	uint16_t round;           /* sweep step; 0 for single-size runs */
	uint32_t len;             /* whole message, header included */
	uint64_t sender;          /* the sender's id (see flood_check.h) */
	uint64_t seq;             /* 1, 2, ... per sender over all rounds */
	uint64_t sent_ns;         /* CLOCK_MONOTONIC when handed over */
	uint32_t csum;            /* flood_csum() of the payload */
} __attribute__((packed));

_Static_assert(sizeof(struct flood_hdr) == 40, "flood_hdr is 40 bytes");

#define FLOOD_HDR_LEN ((uint32_t)sizeof(struct flood_hdr))
/* The largest message: 64 MiB, ordo's engine bound (ORDO_CR_MAX_MSG), which
 * no transport here exceeds (ordo's default MaxMessageSize is 16 MiB,
 * Corosync CPG's about 1 MiB: each refuses more at its own call). The
 * length field is 32 bits and the checks work on any length. */
#define FLOOD_MAX_LEN (64u << 20)

/* A header as the host sees it, after flood_msg_parse(). */
struct flood_msg {
	enum flood_kind kind;
	uint16_t round;
	uint32_t len;
	uint64_t sender;
	uint64_t seq;
	uint64_t sent_ns;
};

/* Why a received message was refused (index into the bad counters). */
enum flood_bad {
	FLOOD_BAD_SHORT,          /* shorter than a header */
	FLOOD_BAD_MAGIC,
	FLOOD_BAD_KIND,
	FLOOD_BAD_LEN,            /* header's length is not the delivered one */
	FLOOD_BAD_SENDER,         /* header names another sender than the
				   * one the daemon delivered it from */
	FLOOD_BAD_CSUM,           /* payload damaged */
	FLOOD_BAD_TAG,            /* payload of another message of the sender */
	FLOOD_BAD_COUNT
};

const char *flood_bad_name(enum flood_bad why);

/* 64-bit FNV-1a of a name of at most max bytes (stops at a NUL): an id
 * every node derives the same way from the name its daemon reports. */
uint64_t flood_name_id(const char *name, size_t max);

/* A position-sensitive sum of the payload's 64-bit words (a second sum of
 * the running sums, Fletcher-style, folded to 32 bits): two dependent adds
 * per 8 bytes, so a receiver keeps up with millions of messages a second,
 * yet a flipped bit, a dropped, foreign or swapped word changes it. */
uint32_t flood_csum(const void *p, size_t len);

/* Fill buf[FLOOD_HDR_LEN..len) once with a sender-specific pattern; each
 * message then stamps its sequence into the payload's first 8 bytes, so
 * no two messages of a sender carry the same payload. */
void flood_msg_init_payload(uint8_t *buf, uint32_t len, uint64_t sender);

/* Write the header, and the sequence into the payload, for one message
 * of len bytes (FLOOD_HDR_LEN <= len <= FLOOD_MAX_LEN) in buf. */
void flood_msg_stamp(uint8_t *buf, uint32_t len, enum flood_kind kind,
		     uint16_t round, uint64_t sender, uint64_t seq,
		     uint64_t sent_ns);

/* Renew only the send time (a retry after the daemon said "again": the
 * message leaves when it is taken, not when it was first built). */
void flood_msg_set_time(uint8_t *buf, uint64_t sent_ns);

/* Validate len delivered bytes that the daemon says came from sender
 * `origin`. Returns 0 and fills out, or -(1 + enum flood_bad). */
int flood_msg_parse(const void *msg, size_t len, uint64_t origin,
		    struct flood_msg *out);

#endif
