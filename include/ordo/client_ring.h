/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo client rings: the one definition of the shared memory between the
 * daemon (ordod) and one client process. Compiled by the daemon and by
 * libordo alike; nothing else may describe these bytes.
 *
 * One region per client, on a memfd the control plane creates and hands to
 * the client over the Unix socket (with two eventfds):
 *
 *   offset 0                 struct ordo_cr_region   (ORDO_CR_HDR_SIZE)
 *   submit_ctl_off           struct ordo_cr_ring_ctl (ORDO_CR_CTL_SIZE)
 *   submit_data_off          submit_size bytes: client -> daemon records
 *   deliver_ctl_off          struct ordo_cr_ring_ctl
 *   deliver_data_off         deliver_size bytes: daemon -> client records
 *
 * Each ring is single producer, single consumer, of variable-length
 * records (struct ordo_cr_rec + names + payload, padded to 8 bytes).
 * head and tail are free-running 64-bit byte counts: they never wrap in
 * practice (2^64 bytes), so "empty" is head == tail, "full" is
 * head - tail == size, and a corrupted index is recognised at once
 * (tail > head, head - tail > size, or not a multiple of 8).
 *
 * Records never span the end of the ring: a producer whose record does
 * not fit before the end writes a PAD record covering the rest (only its
 * first 8 bytes, len and kind, are meaningful) and starts at offset 0.
 * So every record is contiguous and a consumer can hand out a pointer.
 * A record is at most max_rec bytes (a quarter of the ring), so a ring
 * always holds one; messages larger than a record (up to max_msg,
 * 16 MiB) go as fragments: FIRST carries the names and msg_len, the
 * following ones carry frag_off, LAST ends the message. Fragments of one
 * message are consecutive in the ring (one producer), so the consumer
 * checks the order with constant state, and a 16 MiB message does not
 * need a 32 MiB ring per client.
 *
 * Trust. The daemon trusts nothing in this region: the client may write
 * any byte at any time, also while the daemon reads. The daemon keeps its
 * own copies of sizes, offsets and of its own index (tail of submit, head
 * of delivery), only ever publishes them here, and reads the peer's index
 * and records through lib/cring/cring.h's validating reader (copy once,
 * validate the copy, never read a field twice). A client that breaks a
 * rule is disconnected with a reason (disconnect_reason / _detail below);
 * it can hurt only itself. The client trusts the daemon.
 *
 * Doorbells (the protocol is in full at ORDO_CR_DOORBELL below): each side
 * owns one eventfd and sleeps on it only when it has nothing to do; the
 * other side writes it only when it sees the sleeper's odd sleep_seq. No
 * syscall per message while both sides are busy.
 */
#ifndef ORDO_CLIENT_RING_H
#define ORDO_CLIENT_RING_H

#include <assert.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define ORDO_CR_MAGIC   0x5243524fu /* "ORCR" little-endian in memory */
/* 2: n_names is 16 bits (a delivery to ORDO_CR_MAX_GROUPS groups carries
 * one name more, the sender's), client rings at least
 * ORDO_CR_CLIENT_RING_MIN. */
#define ORDO_CR_VERSION 2u

/* Host byte order throughout: both sides run on the same host. */

#define ORDO_CR_CACHE_LINE 64u
/* Two lines between fields of different writers: the adjacent-line
 * prefetcher of x86 pulls lines in pairs (DPDK's RTE_CACHE_GUARD). */
#define ORDO_CR_GUARD      128u
#define ORDO_CR_HDR_SIZE   4096u /* region header: one page */
#define ORDO_CR_CTL_SIZE   4096u /* ring control block: one page */

/* Ring sizes: powers of two, so offsets are a mask. */
#define ORDO_CR_RING_MIN   (4u << 10)
#define ORDO_CR_RING_MAX   (1u << 30)
/* Spread's MAX_GROUP_NAME: 32 bytes including the NUL. */
#define ORDO_CR_NAME_LEN   32u
/* Destination groups of one message: the group layer's limit (a DATA
 * group message counts them in 8 bits, include/ordo/gmsg.h), which is
 * also the API's (ORDO_MAX_GROUPS in ordo/ordo.h). */
#define ORDO_CR_MAX_GROUPS 255u
/* Names in one record: the groups, plus the sender on delivery. */
#define ORDO_CR_MAX_NAMES  (ORDO_CR_MAX_GROUPS + 1u)
/* A client's rings are at least this large: its records (a quarter of
 * the smaller ring) then hold a FIRST record with every name (names are
 * never split across fragments). The daemon's private rings may be
 * smaller: they carry no names. */
#define ORDO_CR_CLIENT_RING_MIN (64u << 10)
/* Largest max_msg a region may have: the engine's largest message
 * (ORDO_MAX_MSG_SIZE_LIMIT, MaxMessageSize's bound). A session's own limit
 * is its region's max_msg below. */
#define ORDO_CR_MAX_MSG    (64u << 20)

static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2,
	      "shared atomics must be lock-free (no hidden lock in the region)");
static_assert(sizeof(_Atomic uint64_t) == 8 && sizeof(_Atomic uint32_t) == 4,
	      "atomic types have their plain size");

/* ------------------------------------------------------------------ */
/* Region header                                                       */

/* Why a region was closed; the daemon writes reason, then detail
 * (enum ordo_cr_err for RING_CORRUPT), then sets the closed bit of
 * daemon_state with release, so a client that sees the bit reads both. */
enum ordo_cr_disconnect {
	ORDO_CR_DISC_NONE = 0,
	ORDO_CR_DISC_CLIENT_CLOSED,  /* the client said goodbye or died */
	ORDO_CR_DISC_RING_CORRUPT,   /* the submit ring broke a rule (detail) */
	ORDO_CR_DISC_SLOW_CONSUMER,  /* delivery ring full past the bound */
	ORDO_CR_DISC_DAEMON_EXIT,    /* the daemon is stopping */
	ORDO_CR_DISC_MAX
};

/* daemon_state / client_state bits */
#define ORDO_CR_STATE_READY  0x1u /* the writer has attached */
#define ORDO_CR_STATE_CLOSED 0x2u /* the writer has left; final */

struct ordo_cr_region {
	/* Written once by the daemon before the fd is handed over; the
	 * client validates it on map, the daemon never reads it back. */
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_size;          /* ORDO_CR_HDR_SIZE */
	uint64_t region_size;
	uint32_t submit_ctl_off;
	uint32_t submit_data_off;
	uint32_t submit_size;       /* power of two */
	uint32_t deliver_ctl_off;
	uint32_t deliver_data_off;
	uint32_t deliver_size;      /* power of two */
	uint32_t max_rec;           /* largest record, bytes (<= size / 4) */
	uint32_t max_msg;           /* the configuration's MaxMessageSize: the
				     * largest message the ring takes, which a
				     * message's payload shares with its group
				     * header in the ring (include/ordo/gmsg.h
				     * ORDO_GM_DATA_HDR_LEN); libordo refuses
				     * at the call what would not fit */
	uint32_t client_id;
	uint32_t reserved0;
	uint8_t  pad0[ORDO_CR_GUARD - 56];

	/* Written by the daemon only. */
	_Atomic uint32_t daemon_state;
	_Atomic uint32_t disconnect_reason; /* enum ordo_cr_disconnect */
	_Atomic uint32_t disconnect_detail; /* enum ordo_cr_err, or 0 */
	uint32_t reserved1;
	uint8_t  pad1[ORDO_CR_GUARD - 16];

	/* Written by the client only. */
	_Atomic uint32_t client_state;
	uint32_t reserved2;
	uint8_t  pad2[ORDO_CR_GUARD - 8];
};
static_assert(offsetof(struct ordo_cr_region, daemon_state) == ORDO_CR_GUARD,
	      "daemon line on its own guard");
static_assert(offsetof(struct ordo_cr_region, client_state) == 2 * ORDO_CR_GUARD,
	      "client line on its own guard");
static_assert(sizeof(struct ordo_cr_region) == 3 * ORDO_CR_GUARD, "region layout");
static_assert(sizeof(struct ordo_cr_region) <= ORDO_CR_HDR_SIZE, "fits its page");

/* ------------------------------------------------------------------ */
/* Ring control block                                                  */

/* One writer per guard: the producer writes head and prod_wait_seq, the
 * consumer writes tail and cons_sleep_seq. The sleep counters are odd
 * while their owner sleeps (or is about to), even otherwise; a counter
 * rather than a flag lets the waker ring once per sleep (it remembers the
 * last odd value it rang for) without writing the sleeper's line. */
struct ordo_cr_ring_ctl {
	_Atomic uint64_t head;            /* bytes ever produced (release) */
	_Atomic uint32_t prod_wait_seq;   /* odd: producer waits for space */
	uint32_t reserved0;
	uint8_t  pad0[ORDO_CR_GUARD - 16];

	_Atomic uint64_t tail;            /* bytes ever consumed (release) */
	_Atomic uint32_t cons_sleep_seq;  /* odd: consumer waits for data */
	uint32_t reserved1;
	uint8_t  pad1[ORDO_CR_GUARD - 16];
};
static_assert(offsetof(struct ordo_cr_ring_ctl, tail) == ORDO_CR_GUARD,
	      "producer and consumer indexes on separate guards");
static_assert(sizeof(struct ordo_cr_ring_ctl) == 2 * ORDO_CR_GUARD, "ctl layout");
static_assert(sizeof(struct ordo_cr_ring_ctl) <= ORDO_CR_CTL_SIZE, "fits its page");

/* ------------------------------------------------------------------ */
/* Records                                                             */

enum ordo_cr_kind {
	/* 0 is never valid: zeroed or unwritten memory is not a record. */
	ORDO_CR_PAD = 1,        /* both rings: skip to the end of the ring */
	ORDO_CR_MSG = 2,        /* submit: multicast; deliver: ordered message */
	ORDO_CR_JOIN = 3,       /* submit: join names[0] (one name) */
	ORDO_CR_LEAVE = 4,      /* submit: leave names[0] (one name) */
	ORDO_CR_MEMBERSHIP = 5, /* deliver: names[0] group; payload below */
	ORDO_CR_REJECT = 6,     /* deliver: submission msg_id refused, aux = -errno */
	ORDO_CR_KIND_MAX
};

/* flags */
#define ORDO_CR_F_FIRST  0x01u /* first record of a message: names, msg_len */
#define ORDO_CR_F_LAST   0x02u /* last record of a message */
#define ORDO_CR_F_SENDER 0x04u /* deliver MSG: names[0] is the sender */
#define ORDO_CR_F_SELF_DISCARD 0x08u /* submit MSG: do not deliver to me */
#define ORDO_CR_F_ALL    0x0fu

/* A record: this header, then n_names names of ORDO_CR_NAME_LEN bytes
 * (NUL-terminated, NUL-padded), then the payload; len counts all three,
 * the record occupies ORDO_CR_ALIGN(len) bytes of the ring. Names appear
 * only with FIRST (a one-record message is FIRST | LAST). JOIN and LEAVE
 * are single records (FIRST | LAST, no payload). A PAD record is only
 * its first 8 bytes (len, kind): it may start 8 bytes before the end. */
struct ordo_cr_rec {
	uint32_t len;      /* header + names + payload bytes, before padding */
	uint8_t  kind;     /* enum ordo_cr_kind */
	uint8_t  flags;    /* ORDO_CR_F_* */
	uint8_t  service;  /* enum ordo_service (wire.h); 0 for JOIN/LEAVE/PAD */
	uint8_t  reserved; /* 0 */
	int16_t  msg_type; /* Spread's int16 mess_type, passed through */
	uint16_t n_names;  /* names after the header (FIRST only) */
	uint32_t msg_len;  /* payload bytes of the whole message */
	uint32_t frag_off; /* where this record's payload starts in it */
	uint32_t aux;      /* REJECT: -errno; MEMBERSHIP: reason; else 0 */
	uint64_t msg_id;   /* submit: chosen by the client, echoed in REJECT;
			    * deliver: the daemon's delivery sequence */
};
static_assert(sizeof(struct ordo_cr_rec) == 32, "record header layout");
static_assert(offsetof(struct ordo_cr_rec, msg_id) == 24, "msg_id aligned");
static_assert(offsetof(struct ordo_cr_rec, reserved) == 7,
	      "a PAD writes only its first 8 bytes: len, kind, flags, service, "
	      "reserved");
static_assert(offsetof(struct ordo_cr_rec, n_names) == 10, "n_names");
static_assert(ORDO_CR_CLIENT_RING_MIN / 4 >=
	      sizeof(struct ordo_cr_rec) + ORDO_CR_MAX_NAMES * ORDO_CR_NAME_LEN + 8,
	      "a client's record holds every name and some payload");

/* A MEMBERSHIP record (deliver ring): names[0] is the group, aux holds
 * Spread's service bits (sp.h: REG_MEMB_MESS | CAUSED_BY_*, or
 * TRANSITION_MESS, or CAUSED_BY_LEAVE alone when we left), msg_type our
 * index in the member list (Spread's mess_type), and the payload is
 *
 *   struct ordo_cr_memb
 *   n_members x ORDO_CR_NAME_LEN names   the view, in its order
 *   body_len bytes                       Spread's membership body (sp.h),
 *                                        host byte order
 *
 * Members travel in the payload, not as record names, so a group may have
 * more members than a record has name slots. Messages ever longer than a
 * record go as fragments like any other. */
struct ordo_cr_memb {
	uint32_t n_members;
	uint32_t body_len;
};
static_assert(sizeof(struct ordo_cr_memb) == 8, "membership payload header");

#define ORDO_CR_PAD_MIN   8u
#define ORDO_CR_ALIGN(n)  (((uint64_t)(n) + 7u) & ~(uint64_t)7u)

/* ------------------------------------------------------------------ */
/* Why the daemon refused a ring (the validating reader's result), one
 * counter each; the first one is written to disconnect_detail. */
enum ordo_cr_err {
	ORDO_CR_OK = 0,
	ORDO_CR_ERR_INDEX,     /* head behind tail, beyond tail + size, unaligned */
	ORDO_CR_ERR_LEN,       /* record shorter than its header or names, longer
				* than max_rec, the published bytes or the ring end */
	ORDO_CR_ERR_KIND,      /* unknown kind, or not allowed in this ring */
	ORDO_CR_ERR_PAD,       /* a PAD that does not end exactly at the ring end */
	ORDO_CR_ERR_RESERVED,  /* reserved field or unknown flag set */
	ORDO_CR_ERR_SERVICE,   /* service not valid for the kind */
	ORDO_CR_ERR_NAMES,     /* name count wrong for the kind or fragment */
	ORDO_CR_ERR_NAME,      /* a name empty, unterminated or not printable */
	ORDO_CR_ERR_FRAG,      /* fragment out of order or inconsistent */
	ORDO_CR_ERR_MSG_LEN,   /* message longer than max_msg */
	ORDO_CR_ERR_MAX
};

/* ------------------------------------------------------------------ */
/* ORDO_CR_DOORBELL: the sleep / wake protocol, per ring.
 *
 * Consumer, finding the ring empty and wanting to sleep:
 *   1. s = cons_sleep_seq + 1 (odd); store s          (relaxed)
 *   2. atomic_thread_fence(seq_cst)
 *   3. load head (acquire); if head != its tail: store s + 1, go on working
 *   4. else block on its own eventfd (poll/read), then store s + 1.
 * Producer, after publishing head (store release):
 *   5. atomic_thread_fence(seq_cst)
 *   6. load cons_sleep_seq (relaxed); if odd and != the last value it rang
 *      for: write 1 to the consumer's eventfd, remember the value.
 * Why no wakeup is lost: the two seq_cst fences order 1 before 3 and the
 * head store before 6; in the single total order of the fences either the
 * consumer's fence comes first (then 6 sees the odd value and rings) or
 * the producer's (then 3 sees the new head and does not sleep). Acquire /
 * release alone would not do: store-then-load needs the full fence (it is
 * the Dekker pattern). The eventfd is a counter, so a write that happens
 * before the read still wakes it. Spurious wakeups are harmless.
 *
 * Producer waiting for space (ring full) is the mirror image, on
 * prod_wait_seq and tail: the producer marks itself (odd), fences,
 * re-reads tail; the consumer fences after publishing tail and rings the
 * producer's eventfd if prod_wait_seq is odd and new.
 *
 * Each process has one eventfd for both of its waits (data to read, space
 * to write): the daemon's and the client's. A client can set or clear
 * any of these counters: the worst it gets is a late or spurious wakeup
 * for itself; the daemon never blocks on one client (it polls all with a
 * timeout) and rings at most once per consumer release burst.
 */

#endif /* ORDO_CLIENT_RING_H */
