/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The message ordo-perf multicasts: a 48-byte header (who sent it, which
 * round of a sweep, its sequence, when, and a checksum of the payload),
 * then a payload that fills the message up to --size. The header counts in
 * the size, as in bench/cpg/cpg_flood, so both harnesses put the same
 * number of bytes into their daemon.
 *
 * Big-endian, like every format that may cross hosts. What a receiver
 * reads came from another process through the daemons: perf_msg_parse()
 * checks all of it before anything is used.
 */
#ifndef ORDO_PERF_MSG_H
#define ORDO_PERF_MSG_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define PERF_MAGIC 0x4f505246u /* "OPRF" */

enum perf_kind {
	PERF_WARMUP = 1, /* sent during --warmup: checked, not measured */
	PERF_DATA = 2,   /* sent in the measured window */
	PERF_END = 3,    /* the sender's last message of a round */
};

struct perf_hdr {
	uint32_t magic;
	uint8_t kind;      /* enum perf_kind */
	uint8_t pad;
	uint16_t round;    /* sweep step (0 for flood and rate runs) */
	uint64_t sender;   /* perf_sender_id() of the private group name */
	uint64_t seq;      /* 1, 2, ... per sender over all rounds, END too */
	uint64_t sent_ns;  /* CLOCK_MONOTONIC when handed to libordo */
	uint32_t len;      /* whole message, header included */
	uint32_t pad2;
	uint64_t csum;     /* perf_csum() of the payload */
} __attribute__((packed));
static_assert(sizeof(struct perf_hdr) == 48, "perf_hdr is 48 bytes");

#define PERF_HDR_LEN ((uint32_t)sizeof(struct perf_hdr))
#define PERF_MAX_LEN (1u << 20)

/* A header in host order, after perf_msg_parse(). */
struct perf_msg {
	enum perf_kind kind;
	uint16_t round;
	uint64_t sender;
	uint64_t seq;
	uint64_t sent_ns;
	uint32_t len;
};

/* Why a received message was refused. */
enum perf_bad {
	PERF_BAD_SHORT,   /* shorter than a header */
	PERF_BAD_MAGIC,
	PERF_BAD_KIND,
	PERF_BAD_LEN,     /* header's length is not the delivered length */
	PERF_BAD_CSUM,    /* payload damaged */
	PERF_BAD_COUNT
};
const char *perf_bad_name(enum perf_bad why);

/* 64-bit FNV-1a of a private group name: a sender id every node derives
 * the same way from the name the daemon reports. */
uint64_t perf_sender_id(const char *name);

/* Sum of the payload's 64-bit words (the tail zero-padded) plus its
 * length: a few instructions per 8 bytes, so the checker keeps up with
 * millions of messages a second, and still catches a flipped, dropped or
 * foreign word (the payload carries the sequence, so another message's
 * payload does not sum the same). */
uint64_t perf_csum(const void *p, size_t len);

/* Fill buf[PERF_HDR_LEN..len) once with a sender-specific pattern. */
void perf_msg_init_payload(uint8_t *buf, uint32_t len, uint64_t sender);

/* Write the header, and the sequence into the payload's first 8 bytes,
 * for one message of len bytes (>= PERF_HDR_LEN) in buf. */
void perf_msg_stamp(uint8_t *buf, uint32_t len, enum perf_kind kind,
		    uint16_t round, uint64_t sender, uint64_t seq,
		    uint64_t sent_ns);

/* Renew only the send time (a retry after a full submit ring: the message
 * leaves when libordo takes it). */
void perf_msg_set_time(uint8_t *buf, uint64_t sent_ns);

/* Validate len delivered bytes. 0 and *out filled, or -(1 + perf_bad). */
int perf_msg_parse(const void *msg, size_t len, struct perf_msg *out);

#endif
