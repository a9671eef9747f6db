/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Sealing and opening ring frames through DPDK's cryptodev: AES-256-GCM
 * in the envelope of include/ordo/seal.h, between the engine's send op
 * and the port, and between the port's rx and ordo_engine_rx. The engine
 * never sees a sealed byte, and nothing here knows the protocol.
 *
 *   tx: ring.c builds a frame with room for the envelope and hands it to
 *       dp_seal_tx_add(); dp_seal_tx_flush() seals the batch in one
 *       enqueue/dequeue and queues each frame on its port, in order.
 *   rx: ring.c parses the L2 framing of a burst and hands the views to
 *       dp_seal_rx_open(), which checks each envelope (length, version,
 *       sender, key, replay window), opens the lot in one burst and
 *       leaves the plaintext and the authenticated sender in the view.
 *
 * The device is chosen at start (seal_dev.c): a cryptodev the EAL already
 * has (hardware, or a --vdev) if it does AES-256-GCM, else the ipsec_mb
 * PMD's crypto_aesni_gcm, else crypto_openssl. Keys (seal_keys.c): up to
 * ORDO_SEAL_MAX_KEYS loaded, one of them the sending key; the main lcore
 * asks for load / use / retire through a one-command mailbox the ring
 * lcore serves from its slow path.
 *
 * Hot path rules as ring.c: no allocation but ops from the pool, no lock,
 * no syscall, no log; every drop is a counter (counters.h DP_DROP_SEAL_*).
 */
#ifndef ORDO_DP_SEAL_H
#define ORDO_DP_SEAL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_crypto.h>
#include <rte_mbuf.h>

#include "dataplane/counters.h"
#include "dataplane/frame.h"
#include "dataplane/port.h"
#include "dataplane/stages.h"
#include "lib/seal/kdf.h"
#include "lib/seal/replay.h"
#include "ordo/seal.h"

#define DP_SEAL_BURST    64u  /* frames sealed or opened per device burst */
#define DP_SEAL_OFFENDERS 8u  /* stations remembered for the auth-failure log */
#define DP_SEAL_DEV_MAX  64u

/* One loaded key: an encrypt session with our sender key, a decrypt
 * session per other member with theirs. */
struct dp_seal_key {
	bool     used;
	uint32_t id;
	void    *enc;
	void    *dec[ORDO_MAX_MEMBERS]; /* by member index; ours unused */
	uint64_t sealed, opened;        /* frames */
};

/* A station whose frames failed authentication: the main lcore logs the
 * growth of `fails` once a second (ordod's supervisor). */
struct dp_seal_offender {
	uint8_t  mac[DP_ETH_ALEN];
	uint64_t fails;
	uint64_t last_ns;
};

struct dp_seal_stats {
	uint64_t sealed, opened;      /* frames */
	uint64_t use_applied;         /* ordered key changes taken */
	uint64_t use_missing;         /* ... naming a key we do not hold */
	uint64_t stuck;               /* ops the device never gave back */
	uint32_t tx_key_id;           /* the sending key's id */
	uint32_t n_keys;
	uint32_t key_ids[ORDO_SEAL_MAX_KEYS];
	uint64_t key_opened[ORDO_SEAL_MAX_KEYS];
	uint64_t key_sealed[ORDO_SEAL_MAX_KEYS];
	struct dp_seal_offender off[DP_SEAL_OFFENDERS];
};

/* Mailbox commands, main lcore -> ring lcore (seal_keys.c). */
enum dp_seal_op { DP_SEAL_LOAD = 1, DP_SEAL_USE, DP_SEAL_RETIRE,
		  /* with openers (dp_seal_keys_post): */
		  DP_SEAL_SYNC,    /* an opener: take its owner's keys */
		  DP_SEAL_RELEASE  /* the owner: free the retired key's
				    * sessions, which no opener holds now */ };

struct dp_seal_cmd {
	enum dp_seal_op op;
	struct ordo_seal_key key;  /* LOAD */
	uint32_t key_id;           /* USE, RETIRE */
	int      result;           /* 0 or -errno */
	char     msg[200];         /* what happened, in words */
};

struct dp_seal_conf {
	uint32_t my_id;
	uint32_t incarnation;
	uint32_t n_members;
	const uint32_t *members;
	int      socket;
	const char *dev;              /* NULL: choose (see above) */
	const struct ordo_seal_key *key; /* the first key: the sending key */
	uint16_t queue_pairs;         /* of the device: 1 + openers (0: 1) */
};

struct dp_seal {
	/* hot */
	uint8_t  dev_id;
	uint16_t qp;
	int      tx_key;               /* index into keys[] */
	uint32_t my_id;
	uint32_t incarnation_be;
	uint64_t counter;              /* last used, host order */
	uint32_t n_members;
	uint32_t members[ORDO_MAX_MEMBERS];
	struct rte_mempool *op_pool;
	uint16_t tx_n;
	bool     oop;                  /* the device seals out of place */
	struct rte_crypto_op *tx_ops[DP_SEAL_BURST];
	uint16_t tx_port[DP_SEAL_BURST];
	uint8_t  tx_slot[DP_SEAL_BURST]; /* the key each was sealed with: a
					  * USE may land mid-burst */
	struct dp_seal_key keys[ORDO_SEAL_MAX_KEYS];
	struct ordo_replay replay[ORDO_MAX_MEMBERS];
	struct dp_seal_stats st;
	/* The ring lcore's stage accounting (stages.h; NULL: none): queuing
	 * sealed frames on their ports, which may send a full tx buffer, is
	 * the tx stage's, not the seal's. */
	struct dp_stages *stages;

	/* cold */
	struct rte_mempool *sess_pool;
	char     dev_name[DP_SEAL_DEV_MAX];
	char     driver[DP_SEAL_DEV_MAX];
	bool     dev_created;          /* we made the vdev: we remove it */
	struct dp_seal_cmd *cmd;       /* mailbox: set by main, cleared by us */
	uint32_t use_pending;          /* a USE we submitted and wait for */
	/* An opener (dp_seal_opener_init) shares its owner's device and
	 * sessions: NULL for the seal that owns them. */
	const struct dp_seal *owner;
	/* The owner of openers: a retired key's sessions wait here until
	 * every opener forgot it (DP_SEAL_RELEASE). */
	bool     has_openers;
	struct dp_seal_key retiring;
	/* The replay windows are left to the consumer of every opener's
	 * frames (the ring lcore, dp_seal_replay_accept): with rx queues
	 * spread over several lcores one sender's frames may reach two of
	 * them (dp_seal_rx). The owner's replay[] is then that consumer's,
	 * an opener's unused. */
	bool     defer_replay;
};

/* Set the device up and load conf->key as the sending key. Returns 0 or
 * -errno with a one-line reason in err. */
int dp_seal_init(struct dp_seal *s, const struct dp_seal_conf *conf,
		 char *err, size_t errlen);
void dp_seal_fini(struct dp_seal *s);

/* Member index of node id, or -1. */
static inline int dp_seal_member(const struct dp_seal *s, uint32_t id)
{
	for (uint32_t i = 0; i < s->n_members; i++)
		if (s->members[i] == id)
			return (int)i;
	return -1;
}

/* tx: m holds the framing (hl bytes), then room for the envelope header,
 * then plen bytes of packet, then room for the tag: hl +
 * ORDO_SEAL_OVERHEAD + plen bytes in all. Writes the header and queues
 * the frame for port (index into ports[] of flush). Returns 0, or a
 * negative enum dp_drop (the caller frees m and counts it). Flushes
 * first when the batch is full. */
int dp_seal_tx_add(struct dp_seal *s, struct dp_port *ports,
		   struct rte_mbuf *m, uint32_t hl, uint32_t plen,
		   const uint8_t *src_mac, uint16_t ethertype_be,
		   uint32_t src_ip_be, uint16_t port);

/* As tx_add, out of place (only when s->oop): src holds the plaintext
 * packet at offset hl + sizeof(struct ordo_seal_hdr) and is only read;
 * dst is a fresh frame of hl + ORDO_SEAL_OVERHEAD + plen bytes whose
 * framing the caller wrote. The cipher pass writes the wire frame into dst
 * (the crypto transform, not an extra copy: in place it runs over a copy
 * of the packet instead). Takes a reference on src until the op is done;
 * dst is queued on the port. Same returns as tx_add (the caller frees
 * dst and keeps its own reference on src). */
int dp_seal_tx_add_ref(struct dp_seal *s, struct dp_port *ports,
		       struct rte_mbuf *src, struct rte_mbuf *dst, uint32_t hl,
		       uint32_t plen, const uint8_t *src_mac,
		       uint16_t ethertype_be, uint32_t src_ip_be, uint16_t port);

/* Seal what tx_add queued and put each frame on its port (dp_port_enqueue),
 * in the order added. Returns frames sealed. */
unsigned dp_seal_tx_flush(struct dp_seal *s, struct dp_port *ports);

/* rx: one received frame whose framing parsed. Out: rc 0 and v the
 * plaintext packet, sender the authenticated transmitter; or rc a
 * negative enum dp_drop. With defer_replay, incarnation and counter are
 * the envelope's, for the replay window the caller keeps
 * (ordo_replay_accept: the frame authenticated). */
struct dp_seal_rx {
	struct rte_mbuf *m;
	struct dp_frame_view v;
	int      rc;
	uint32_t sender;
	uint32_t incarnation;
	uint64_t counter;
};

/* With defer_replay, on the owner by the one consumer of every opener's
 * frames: record an authenticated frame of sender (incarnation, counter
 * from its dp_seal_rx) in the sender's window. False: a replay (or no
 * member), to be dropped and counted DP_DROP_SEAL_REPLAY. */
bool dp_seal_replay_accept(struct dp_seal *s, uint32_t sender,
			   uint32_t incarnation, uint64_t counter);

/* Open the frames of rx[0..n) whose rc is 0, in one device burst. */
void dp_seal_rx_open(struct dp_seal *s, struct dp_seal_rx *rx, uint16_t n,
		     uint16_t ethertype_be, uint64_t now);

/* Slow path: serve the mailbox. Submissions (USE) go through submit,
 * which returns 0 or -errno (the ring's ordo_engine_submit_control). */
typedef int (*dp_seal_submit_fn)(void *ctx, const void *msg, uint32_t len);
void dp_seal_slow(struct dp_seal *s, dp_seal_submit_fn submit, void *ctx);

/* A regular configuration was installed: a USE still waiting is
 * submitted again (the engine drops control messages of a ring that
 * ended before they were sent). */
void dp_seal_ring_changed(struct dp_seal *s, dp_seal_submit_fn submit,
			  void *ctx);

/* The ring delivered a USE (ring.c recognised it): switch the sending
 * key if we hold it. */
void dp_seal_use_delivered(struct dp_seal *s, const struct ordo_seal_use *u);

/* Apply a command now, on the calling thread: the ring lcore's, or the
 * main lcore when the ring runs there between turns. */
void dp_seal_apply(struct dp_seal *s, struct dp_seal_cmd *c,
		   dp_seal_submit_fn submit, void *ctx);

/* Main lcore: post c and wait up to timeout_ms for the ring lcore to
 * serve it. Returns 0 when served (result in c), -ETIMEDOUT. */
int dp_seal_post(struct dp_seal *s, struct dp_seal_cmd *c,
		 unsigned timeout_ms);

/* An opener: a seal of its own on queue pair qp of owner's device, for
 * another lcore to open frames with owner's keys (the rx workers of
 * several rx queues, worker.h). It seals nothing, never creates or frees
 * a session, and keeps no replay window (defer_replay); the owner defers
 * its replay windows too from then on. Its table follows the owner's
 * through its own mailbox, served by its lcore (DP_SEAL_SYNC): a loaded
 * key reaches it once the owner made the sessions; a retired key leaves
 * the owner's table at once but its sessions are freed only after every
 * opener took the table without it (DP_SEAL_RELEASE). Called before
 * either lcore runs. */
int dp_seal_opener_init(struct dp_seal *o, struct dp_seal *owner,
			uint16_t qp, char *err, size_t errlen);

/* Main lcore: a key command for owner and its openers: SYNC on each
 * opener (making up one an earlier timeout lost), the command, SYNC on
 * each again whatever the owner answered, RELEASE of a retired key's
 * sessions once no opener holds them. Returns 0 or -ETIMEDOUT / -EBUSY as
 * dp_seal_post; the owner's answer in c. */
int dp_seal_keys_post(struct dp_seal *owner, struct dp_seal *const *openers,
		      unsigned n_openers, struct dp_seal_cmd *c,
		      unsigned timeout_ms);

/* Station mac failed authentication fails more times, the last at
 * last_ns: counted in st's offenders (the same station's entry, else the
 * quietest). Also how the snapshot gathers the rx workers' (worker.c). */
void dp_seal_offender_add(struct dp_seal_stats *st, const uint8_t *mac,
			  uint64_t fails, uint64_t last_ns);

/* Copy the counters into st (the ring's publish). */
void dp_seal_report(const struct dp_seal *s, struct dp_seal_stats *st);

#endif /* ORDO_DP_SEAL_H */
