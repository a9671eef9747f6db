/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The message cpg_flood multicasts through Corosync's CPG: a fixed header
 * (who sent it, its sequence, when, and a checksum of the payload) and a
 * payload that fills the message up to the requested size. The header
 * counts in the size, so --size 100 puts exactly 100 bytes into
 * cpg_mcast_joined, as a 100-byte ordo message does on its side.
 *
 * Everything a receiver reads comes from another process through a daemon
 * we did not write: flood_msg_parse() checks it all before it is used.
 */
#ifndef ORDO_BENCH_CPG_FLOOD_MSG_H
#define ORDO_BENCH_CPG_FLOOD_MSG_H

#include <stddef.h>
#include <stdint.h>

#define FLOOD_MAGIC 0x4f524442u   /* "ORDB" */

enum flood_kind {
	FLOOD_DATA_WARMUP = 1,    /* sent during --warmup: checked, not timed */
	FLOOD_DATA = 2,           /* sent in the measured window */
	FLOOD_END = 3,            /* sender is done; seq = its last sequence */
};

/* On the wire, big-endian, 40 bytes. */
struct flood_hdr {
	uint32_t magic;
	uint8_t kind;
	uint8_t pad[3];
	uint32_t sender;          /* the sender's Corosync node id */
	uint32_t len;             /* whole message, header included */
	uint64_t seq;             /* 1, 2, ... per sender, END included */
	uint64_t sent_ns;         /* CLOCK_MONOTONIC when handed to CPG */
	uint64_t csum;            /* flood_csum() of the payload */
} __attribute__((packed));

_Static_assert(sizeof(struct flood_hdr) == 40, "flood_hdr is 40 bytes");

#define FLOOD_HDR_LEN ((uint32_t)sizeof(struct flood_hdr))
#define FLOOD_MAX_LEN (1u << 20)

/* A header as the host sees it, after flood_msg_parse(). */
struct flood_msg {
	enum flood_kind kind;
	uint32_t sender;
	uint32_t len;
	uint64_t seq;
	uint64_t sent_ns;
};

/* Why a received message was refused (index into the bad counters). */
enum flood_bad {
	FLOOD_BAD_SHORT,          /* shorter than a header */
	FLOOD_BAD_MAGIC,
	FLOOD_BAD_KIND,
	FLOOD_BAD_LEN,            /* header's length is not the delivered one */
	FLOOD_BAD_SENDER,         /* header's node is not CPG's node */
	FLOOD_BAD_CSUM,           /* payload damaged */
	FLOOD_BAD_TAG,            /* payload of another message of the sender */
	FLOOD_BAD_COUNT
};

const char *flood_bad_name(enum flood_bad why);

/* A fast 64-bit checksum (word-wise multiply-xor): at 8 KiB and tens of
 * thousands of messages a second, byte-wise FNV would cost the clients a
 * noticeable share of the 2 CPUs Corosync also needs. */
uint64_t flood_csum(const void *p, size_t len);

/* Fill the payload of buf[len] once; each message then stamps its
 * sequence into the payload's first bytes so that no two messages of a
 * sender carry the same payload (a replayed or crossed payload fails its
 * checksum or sequence check). */
void flood_msg_init_payload(uint8_t *buf, uint32_t len, uint32_t sender);

/* Write the header (and the payload's stamp) for one message of len
 * bytes in buf. len >= FLOOD_HDR_LEN. */
void flood_msg_stamp(uint8_t *buf, uint32_t len, enum flood_kind kind,
		     uint32_t sender, uint64_t seq, uint64_t sent_ns);

/* Re-stamp the send time only (after CS_ERR_TRY_AGAIN: the message
 * leaves when CPG accepts it, not when it was first built). */
void flood_msg_set_time(uint8_t *buf, uint64_t sent_ns);

/* Validate a delivered message from CPG node `nodeid`. Returns 0 and fills
 * out, or -(1 + enum flood_bad) naming the reason. */
int flood_msg_parse(const void *msg, size_t len, uint32_t nodeid,
		    struct flood_msg *out);

#endif
