/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The anti-replay window of one transmitter, as IPsec ESP keeps one per
 * security association (RFC 4303 section 3.4.3), with the bitmap of
 * RFC 6479 (a ring of 64-bit words indexed by the counter, so sliding the
 * window clears words instead of shifting bits). Pure C: no I/O, no clock.
 *
 * A transmitter's frames carry (incarnation, counter): the incarnation
 * grows at every restart, the counter grows by one per frame from 1. The
 * window belongs to the newest incarnation authenticated so far; a frame
 * of an older incarnation is a replay of a former run.
 *
 * Two calls, because the check is cheap and the decryption is not:
 *   ordo_replay_check()   before opening: refuse what is surely a replay
 *   ordo_replay_accept()  after the frame authenticated: check again (two
 *                         copies may be in one burst) and record it
 * Never call accept for a frame that did not authenticate: the window
 * would move for a forger.
 */
#ifndef ORDO_SEAL_REPLAY_H
#define ORDO_SEAL_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

/* The bitmap: 1024 bits. The window is one word less, so a counter in it
 * never shares a word with one ORDO_REPLAY_WINDOW ahead: frames up to 960
 * behind the highest counter seen are checked one by one; older ones are
 * refused (the ring's own retransmission recovers them: a member asks for
 * what it misses, and the copy it gets has a fresh counter). */
#define ORDO_REPLAY_BITS   1024u
#define ORDO_REPLAY_WORDS  (ORDO_REPLAY_BITS / 64u)
#define ORDO_REPLAY_WINDOW (ORDO_REPLAY_BITS - 64u)

enum ordo_replay_verdict {
	ORDO_REPLAY_OK = 0,
	ORDO_REPLAY_DUP,      /* this counter was accepted already */
	ORDO_REPLAY_OLD,      /* behind the window (or counter 0) */
	ORDO_REPLAY_STALE,    /* an older incarnation of the transmitter */
};

struct ordo_replay {
	bool     valid;        /* a frame was accepted */
	uint32_t incarnation;  /* of the newest run accepted */
	uint64_t top;          /* highest counter accepted in it */
	uint64_t bits[ORDO_REPLAY_WORDS];
};

void ordo_replay_init(struct ordo_replay *w);

/* Would a frame (incarnation, counter) be new? Changes nothing. */
enum ordo_replay_verdict ordo_replay_check(const struct ordo_replay *w,
					   uint32_t incarnation,
					   uint64_t counter);

/* An authenticated frame: check it again and, when it is new, record it
 * (a newer incarnation starts a fresh window). Returns the verdict; only
 * ORDO_REPLAY_OK frames may be used. */
enum ordo_replay_verdict ordo_replay_accept(struct ordo_replay *w,
					    uint32_t incarnation,
					    uint64_t counter);

const char *ordo_replay_verdict_name(enum ordo_replay_verdict v);

#endif /* ORDO_SEAL_REPLAY_H */
