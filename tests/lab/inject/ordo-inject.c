/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo-inject: a hostile host on a lab LAN (tests/lab/hostile.sh), root
 * only, inside a lab namespace. It sniffs the ring's frames on an AF_PACKET
 * socket (promiscuous) and sends, from its own station, at a fixed rate:
 *
 *   random       random bytes at our EtherType
 *   random_body  a real ordo header (any type) over a random body
 *   truncated    a captured frame cut short
 *   mutated      a captured frame with 1..4 bits flipped anywhere
 *   replay       a captured frame, unchanged
 *   data         forged DATA of the ring it saw: a member's id, the next
 *                sequences, one record of random bytes
 *   token        forged tokens: for each member, the next token_seq it may
 *                expect (from the rounds in DATA), or far ahead
 *   join         forged joins of a member, ring sequence at the maximum or
 *                the farthest that counts as later
 *   beacon       forged beacons, ring sequence at the maximum or the
 *                farthest later, from members and from strangers
 *   commit       forged commit tokens naming such a ring
 *   announce     station announcements for a member's id from our station:
 *                well formed, 16 bytes (too short), or mutated
 *
 * to the ring's group or to a member's station. It never spoofs a member's
 * source address (that would move the member at the bridge, not in ordo).
 * A ring under UDP encapsulation (Encap = udp) is heard and answered in
 * it: forgeries go in IPv4/UDP to the ring's group address and port, from
 * an address of its own; captured frames go back with the headers they
 * had.
 * The ring's id, configuration hash, members and stations all come from
 * what it captured; nothing is known in advance. Ends with one line:
 *
 *   ordo-inject: frames=N captured=C random=.. random_body=.. ... announce=..
 *
 *   ordo-inject --iface veth0 --secs 10 --rate 2000 [--seed S] [--listen 1]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ordo/seal.h"
#include "ordo/wire.h"

#define ETH_HDR   14u
#define HDR       ((uint32_t)sizeof(struct ordo_wire_hdr))
#define KEEP      256u
#define FRAME_MAX (ETH_HDR + ORDO_WIRE_MAX_MTU)
#define ANNOUNCE_LEN 46u /* dataplane/l2.h: DP_ANNOUNCE_LEN */
#define IP_HDR    20u
#define UDP_HDR   8u
#define ETH_IPV4  0x0800u
#define OUR_IP    0x0a4d00fau /* 10.77.0.250: no member's */

enum kind {
	K_RANDOM, K_RANDOM_BODY, K_TRUNCATED, K_MUTATED, K_REPLAY, K_DATA,
	K_TOKEN, K_JOIN, K_BEACON, K_COMMIT, K_ANNOUNCE, K_N
};
static const char *const kind_name[K_N] = {
	"random", "random_body", "truncated", "mutated", "replay", "data",
	"token", "join", "beacon", "commit", "announce",
};

struct frame {
	uint32_t len;
	uint32_t off;  /* where the ordo packet starts (past IPv4/UDP) */
	uint8_t b[FRAME_MAX];
};

struct inj {
	int fd;
	int ifindex;
	uint8_t mac[6];
	uint64_t rng;
	struct frame kept[KEEP];
	uint32_t nkept;
	uint64_t captured;
	/* What the capture taught us. */
	bool have_ring, have_group, have_announce;
	bool sealed;                    /* the ring seals its frames */
	bool udp;                       /* ... in IPv4/UDP (Encap = udp) */
	uint32_t group_ip;              /* its destination then, and port */
	uint16_t udp_port;
	uint32_t key_id;                /* the sending key its envelopes name */
	uint8_t group[6];
	uint32_t hash, rep, rseq;
	uint8_t announce[16];           /* a real one, to forge from */
	uint32_t ids[ORDO_MAX_MEMBERS];
	uint8_t station[ORDO_MAX_MEMBERS][6];
	uint32_t n_ids;
	uint64_t high_seq;              /* highest DATA seq seen */
	uint32_t round;                 /* its token round */
	uint64_t sent[K_N], total;
	uint32_t kinds[K_N], n_kinds; /* --kinds: what to send */
};

static uint64_t rnd(struct inj *x)
{
	x->rng ^= x->rng << 13;
	x->rng ^= x->rng >> 7;
	x->rng ^= x->rng << 17;
	return x->rng;
}

static uint32_t below(struct inj *x, uint32_t n)
{
	return n ? (uint32_t)(rnd(x) % n) : 0;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)(v >> 32)); put32(p + 4, (uint32_t)v); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) << 32 | get32(p + 4); }

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int open_iface(struct inj *x, const char *iface)
{
	struct sockaddr_ll sll = { 0 };
	struct packet_mreq mr = { 0 };
	struct ifreq ifr = { 0 };

	x->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (x->fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	if (ioctl(x->fd, SIOCGIFINDEX, &ifr) < 0)
		return -errno;
	x->ifindex = ifr.ifr_ifindex;
	if (ioctl(x->fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(x->mac, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = x->ifindex;
	if (bind(x->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	mr.mr_ifindex = x->ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(x->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		       sizeof(mr)) < 0)
		return -errno;
	return 0;
}

static void learn_station(struct inj *x, uint32_t id, const uint8_t *mac)
{
	uint32_t i;

	if (id == 0)
		return;
	for (i = 0; i < x->n_ids; i++)
		if (x->ids[i] == id)
			return;
	if (x->n_ids < ORDO_MAX_MEMBERS) {
		x->ids[x->n_ids] = id;
		memcpy(x->station[x->n_ids++], mac, 6);
	}
}

/* Where the ordo packet of a received frame starts: past the Ethernet
 * header, or past IPv4 and UDP when it is UDP to a port and group the
 * ring uses (learned from the first one that holds an ordo magic). 0:
 * not the ring's. */
static uint32_t ordo_offset(struct inj *x, const uint8_t *f, uint32_t len)
{
	uint32_t ihl, off;

	if (len < ETH_HDR + 2 || memcmp(f + 6, x->mac, 6) == 0)
		return 0;
	if (get16(f + 12) == ORDO_ETHERTYPE)
		return ETH_HDR;
	if (get16(f + 12) != ETH_IPV4 || len < ETH_HDR + IP_HDR + UDP_HDR + 2)
		return 0;
	ihl = (f[ETH_HDR] & 0xfu) * 4u;
	off = ETH_HDR + ihl + UDP_HDR;
	if ((f[ETH_HDR] >> 4) != 4 || ihl < IP_HDR || f[ETH_HDR + 9] != 17 ||
	    len < off + 2)
		return 0;
	if (!x->udp) {
		uint16_t m = get16(f + off);

		if (m != ORDO_WIRE_MAGIC && m != ORDO_SEAL_MAGIC &&
		    m != ORDO_WIRE_MAGIC_ANNOUNCE)
			return 0;
		x->udp = true;
		x->udp_port = get16(f + ETH_HDR + ihl + 2);
		if (f[0] & 1)
			x->group_ip = get32(f + ETH_HDR + 16);
	}
	if (get16(f + ETH_HDR + ihl + 2) != x->udp_port)
		return 0;
	if ((f[0] & 1) && x->group_ip == 0)
		x->group_ip = get32(f + ETH_HDR + 16);
	return off;
}

/* One received frame: keep it, and learn the ring from it. */
static void capture(struct inj *x, const uint8_t *f, uint32_t len)
{
	uint32_t off = ordo_offset(x, f, len);
	const uint8_t *p = f + off;
	uint32_t plen = len - off;

	if (off == 0)
		return;
	x->captured++;
	if (len <= FRAME_MAX) {
		struct frame *k = &x->kept[x->nkept++ % KEEP];

		k->len = len;
		k->off = off;
		memcpy(k->b, f, len);
	}
	if (f[0] & 1) {
		memcpy(x->group, f, 6);
		x->have_group = true;
	}
	/* A sealed ring: the envelope's clear header names the transmitter
	 * and the key; the rest we cannot read, only replay or mangle. */
	if (get16(p) == ORDO_SEAL_MAGIC && plen >= ORDO_SEAL_OVERHEAD) {
		x->sealed = true;
		x->key_id = get32(p + 4);
		learn_station(x, get32(p + 8), f + 6);
		x->have_ring = true;
		return;
	}
	if (get16(p) == ORDO_WIRE_MAGIC_ANNOUNCE && plen >= 16) {
		memcpy(x->announce, p, 16);
		x->have_announce = true;
		learn_station(x, get32(p + 8), f + 6);
		return;
	}
	if (get16(p) != ORDO_WIRE_MAGIC || plen < HDR)
		return;
	x->hash = get32(p + 4);
	if (p[3] != ORDO_PKT_DATA)
		learn_station(x, get32(p + 8), f + 6);
	if (p[3] == ORDO_PKT_DATA || p[3] == ORDO_PKT_BEACON ||
	    p[3] == ORDO_PKT_TOKEN) {
		x->rep = get32(p + 16);
		x->rseq = get32(p + 20);
		x->have_ring = true;
	}
	if (p[3] == ORDO_PKT_DATA && plen >= HDR + 16 &&
	    get64(p + HDR) > x->high_seq) {
		x->high_seq = get64(p + HDR);
		x->round = get32(p + HDR + 8);
	}
}

static void drain(struct inj *x, int wait_ms)
{
	uint8_t f[FRAME_MAX + 64];
	struct pollfd pfd = { .fd = x->fd, .events = POLLIN };

	while (poll(&pfd, 1, wait_ms) > 0) {
		ssize_t n = recv(x->fd, f, sizeof(f), MSG_DONTWAIT);

		if (n <= 0)
			break;
		capture(x, f, (uint32_t)n);
		wait_ms = 0;
	}
}

/* ---- building frames -----------------------------------------------------*/
static uint32_t member(struct inj *x)
{
	return x->n_ids ? x->ids[below(x, x->n_ids)] : 1;
}

/* A sender: mostly a member, sometimes a stranger. */
static uint32_t who(struct inj *x)
{
	return below(x, 5) ? member(x) : 1000 + below(x, 1000);
}

static uint32_t absurd_seq(struct inj *x)
{
	return below(x, 2) ? ORDO_RING_SEQ_MAX :
			     (x->rseq + (1u << 30) - 1) & ORDO_RING_SEQ_MAX;
}

static void hdr(struct inj *x, uint8_t *p, uint8_t type, uint32_t sender,
		uint32_t rep, uint32_t rseq, uint32_t len)
{
	put16(p, ORDO_WIRE_MAGIC);
	p[2] = ORDO_WIRE_VERSION;
	p[3] = type;
	put32(p + 4, x->hash);
	put32(p + 8, sender);
	put32(p + 12, len);
	put32(p + 16, rep);
	put32(p + 20, rseq);
}

/* The ordo packet of kind k into p; returns its length. A captured
 * frame's kinds (truncated, mutated, replay) give everything after its
 * Ethernet header (IPv4 and UDP included) and set *et to its EtherType. */
static uint32_t build(struct inj *x, enum kind k, uint8_t *p, uint16_t *et)
{
	const struct frame *c = &x->kept[below(x, x->nkept < KEEP ? x->nkept : KEEP)];
	uint32_t len, i, n = x->n_ids ? x->n_ids : 3;

	switch (k) {
	case K_RANDOM:
		len = below(x, 1400);
		for (i = 0; i < len; i++)
			p[i] = (uint8_t)rnd(x);
		if (len >= 2 && below(x, 2))
			put16(p, ORDO_WIRE_MAGIC); /* past the first check */
		return len;
	case K_RANDOM_BODY:
		len = HDR + below(x, 600);
		hdr(x, p, (uint8_t)(1 + below(x, ORDO_PKT_TYPE_MAX - 1)), who(x),
		    x->rep, x->rseq, len);
		for (i = HDR; i < len; i++)
			p[i] = (uint8_t)rnd(x);
		return len;
	case K_TRUNCATED:
		*et = get16(c->b + 12);
		len = c->len > ETH_HDR ? below(x, c->len - ETH_HDR) : 0;
		memcpy(p, c->b + ETH_HDR, len);
		return len;
	case K_MUTATED:
		*et = get16(c->b + 12);
		len = c->len - ETH_HDR;
		memcpy(p, c->b + ETH_HDR, len);
		for (i = 1 + below(x, 4); i > 0 && len > 0; i--)
			p[below(x, len)] ^= (uint8_t)(1u << below(x, 8));
		return len;
	case K_REPLAY:
		*et = get16(c->b + 12);
		len = c->len - ETH_HDR;
		memcpy(p, c->b + ETH_HDR, len);
		return len;
	case K_DATA: {
		uint32_t rl = 8 + below(x, 200);

		len = HDR + 16 + 8 + rl;
		hdr(x, p, ORDO_PKT_DATA, member(x), x->rep, x->rseq, len);
		put64(p + HDR, x->high_seq + 1 + below(x, 32));
		put32(p + HDR + 8, x->round);
		put16(p + HDR + 12, 1);
		p[HDR + 14] = 0;
		p[HDR + 15] = 0;
		put32(p + HDR + 16, rl);
		put16(p + HDR + 20, (uint16_t)rnd(x));
		p[HDR + 22] = ORDO_SVC_AGREED;
		p[HDR + 23] = ORDO_REC_F_WHOLE;
		for (i = 0; i < rl; i++)
			p[HDR + 24 + i] = (uint8_t)rnd(x);
		return len;
	}
	case K_TOKEN:
		len = HDR + 48;
		hdr(x, p, ORDO_PKT_TOKEN, member(x), x->rep, x->rseq, len);
		memset(p + HDR, 0, 48);
		/* The next token_seq a member may take is just past the round
		 * in the newest DATA; or far ahead. */
		put64(p + HDR, below(x, 2) ? (uint64_t)x->round + 1 + below(x, n) :
					     rnd(x) >> 1);
		put64(p + HDR + 8, x->high_seq + below(x, 64));
		put64(p + HDR + 16, x->high_seq);
		put32(p + HDR + 36, member(x));
		return len;
	case K_JOIN:
		len = HDR + 16 + 8 * n;
		hdr(x, p, ORDO_PKT_JOIN, who(x), x->rep, x->rseq, len);
		put32(p + HDR, 1 + below(x, 0xffff));
		put32(p + HDR + 4, absurd_seq(x));
		p[HDR + 8] = (uint8_t)n;
		p[HDR + 9] = 0;
		p[HDR + 10] = (uint8_t)n;
		p[HDR + 11] = ORDO_JOIN_F_MATURE;
		put32(p + HDR + 12, 0);
		for (i = 0; i < 2 * n; i++)
			put32(p + HDR + 16 + 4 * i, x->ids[i % n] ? x->ids[i % n] : 1);
		return len;
	case K_BEACON: {
		uint32_t s = who(x);

		len = HDR + 8;
		hdr(x, p, ORDO_PKT_BEACON, s, s, absurd_seq(x), len);
		put32(p + HDR, 1 + below(x, 0xffff));
		put32(p + HDR + 4, n << 16); /* n_members, out 0 */
		return len;
	}
	case K_COMMIT: {
		uint32_t id[ORDO_MAX_MEMBERS], j, t;

		/* The members in ascending id, as a commit token lists them. */
		for (i = 0; i < n; i++)
			id[i] = x->n_ids ? x->ids[i] : i + 1;
		for (i = 1; i < n; i++)
			for (j = i, t = id[i]; j > 0 && id[j - 1] > t; j--) {
				id[j] = id[j - 1];
				id[j - 1] = t;
			}
		len = HDR + 16 + 48 * n;
		hdr(x, p, ORDO_PKT_COMMIT, id[0], id[0], absurd_seq(x), len);
		memset(p + HDR, 0, len - HDR);
		put32(p + HDR, member(x));
		put16(p + HDR + 4, 1);
		p[HDR + 6] = (uint8_t)n;
		for (i = 0; i < n; i++) {
			put32(p + HDR + 16 + 48 * i, id[i]);
			put32(p + HDR + 16 + 48 * i + 4, 1);
			put32(p + HDR + 16 + 48 * i + 40, i == 0);
		}
		return len;
	}
	case K_ANNOUNCE:
	default:
		memset(p, 0, ANNOUNCE_LEN);
		if (x->have_announce)
			memcpy(p, x->announce, 16);
		else
			put16(p, ORDO_WIRE_MAGIC_ANNOUNCE);
		put32(p + 8, member(x));
		switch (below(x, 3)) {
		case 0: return ANNOUNCE_LEN;   /* well formed */
		case 1: return 16;             /* the bare struct, too short */
		default:
			p[below(x, 16)] ^= (uint8_t)(1u << below(x, 8));
			return ANNOUNCE_LEN;
		}
	}
}

/* Wrap the packet at p (len bytes) in a sealed frame's envelope. */
static uint32_t envelope(struct inj *x, uint8_t *p, uint32_t len)
{
	uint32_t i;

	memmove(p + sizeof(struct ordo_seal_hdr), p, len);
	put16(p, ORDO_SEAL_MAGIC);
	p[2] = ORDO_SEAL_VERSION;
	p[3] = 0;
	put32(p + 4, below(x, 4) ? x->key_id : (uint32_t)rnd(x));
	put32(p + 8, member(x));
	put32(p + 12, (uint32_t)rnd(x));
	put64(p + 16, (1ull << 62) + (rnd(x) >> 4));
	len += (uint32_t)sizeof(struct ordo_seal_hdr);
	for (i = 0; i < ORDO_SEAL_TAG_LEN; i++)
		p[len + i] = (uint8_t)rnd(x);
	return len + ORDO_SEAL_TAG_LEN;
}

/* IPv4 and UDP in front of a forged packet of len bytes at h + 28: from
 * our own address to the ring's group and port. */
static uint32_t udp_wrap(const struct inj *x, uint8_t *h, uint32_t len)
{
	uint32_t sum = 0;

	memset(h, 0, IP_HDR + UDP_HDR);
	h[0] = 0x45;
	put16(h + 2, (uint16_t)(IP_HDR + UDP_HDR + len));
	h[8] = 64;
	h[9] = 17;
	put32(h + 12, OUR_IP);
	put32(h + 16, x->group_ip);
	for (uint32_t i = 0; i < IP_HDR; i += 2)
		sum += get16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(h + 10, (uint16_t)~sum);
	put16(h + IP_HDR, x->udp_port);
	put16(h + IP_HDR + 2, x->udp_port);
	put16(h + IP_HDR + 4, (uint16_t)(UDP_HDR + len));
	return IP_HDR + UDP_HDR + len; /* UDP checksum 0: none, as IPv4 allows */
}

static int send_one(struct inj *x, enum kind k)
{
	uint8_t f[FRAME_MAX + IP_HDR + UDP_HDR + 64];
	struct sockaddr_ll to = { 0 };
	uint32_t len, hl = ETH_HDR;
	uint16_t et = 0;
	const uint8_t *dst = x->group;

	/* The group, or one member's station (a token is always unicast to
	 * the member it names, as the ring sends it). */
	if (x->n_ids && (k == K_TOKEN || below(x, 3) == 0))
		dst = x->station[below(x, x->n_ids)];
	/* A forgery in a UDP ring goes behind IPv4 and UDP headers of ours;
	 * a captured frame keeps the headers it had. */
	if (x->udp && k != K_TRUNCATED && k != K_MUTATED && k != K_REPLAY)
		hl = ETH_HDR + IP_HDR + UDP_HDR;
	len = build(x, k, f + hl, &et);
	if (len > ORDO_WIRE_MAX_MTU - ORDO_SEAL_OVERHEAD)
		len = ORDO_WIRE_MAX_MTU - ORDO_SEAL_OVERHEAD;
	/* A sealed ring: a forgery goes in an envelope that names a member
	 * and the ring's key, with a counter ahead of everything, and a tag
	 * the forger cannot compute (half the time; the rest bare). */
	if (x->sealed && k >= K_DATA && below(x, 2))
		len = envelope(x, f + hl, len);
	if (et == 0 && hl > ETH_HDR) {
		len = udp_wrap(x, f + ETH_HDR, len);
		et = ETH_IPV4;
	} else if (et == 0) {
		et = ORDO_ETHERTYPE;
	}
	memcpy(f, dst, 6);
	memcpy(f + 6, x->mac, 6);
	put16(f + 12, et);
	len += ETH_HDR;
	if (len < 60) { /* Ethernet's minimum: pad as a NIC would */
		memset(f + len, 0, 60 - len);
		len = 60;
	}
	to.sll_family = AF_PACKET;
	to.sll_ifindex = x->ifindex;
	to.sll_halen = 6;
	memcpy(to.sll_addr, dst, 6);
	if (sendto(x->fd, f, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	x->sent[k]++;
	x->total++;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ordo-inject --iface IF [--secs S] [--rate PPS] "
		   "[--seed N] [--listen S] [--kinds LIST]\n"
		   "  sniff S seconds (default 1), then send PPS frames/s "
		   "(default 1000) for S seconds (default 5), of the kinds in "
		   "LIST (comma separated; default all):\n ");
	for (int k = 0; k < K_N; k++)
		fprintf(f, " %s", kind_name[k]);
	fprintf(f, "\n");
}

static int parse_kinds(struct inj *x, char *list)
{
	char *t, *save = NULL;
	int k;

	x->n_kinds = 0;
	for (t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		for (k = 0; k < K_N && strcmp(t, kind_name[k]) != 0; k++)
			;
		if (k == K_N) {
			fprintf(stderr, "ordo-inject: unknown kind '%s'\n", t);
			return -1;
		}
		x->kinds[x->n_kinds++] = (uint32_t)k;
	}
	return x->n_kinds ? 0 : -1;
}

int main(int argc, char **argv)
{
	static struct inj x;
	const char *iface = NULL;
	double secs = 5, rate = 1000, listen_s = 1;
	uint64_t t0, end, next, gap;
	int c, rc;
	enum kind k;
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "secs", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 'S' },
		{ "listen", required_argument, NULL, 'l' },
		{ "kinds", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	x.rng = 0x9e3779b97f4a7c15ull;
	for (k = 0; k < K_N; k++)
		x.kinds[x.n_kinds++] = (uint32_t)k;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i': iface = optarg; break;
		case 's': secs = atof(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'S': x.rng ^= strtoull(optarg, NULL, 0) * 0x2545f4914f6cdd1dull; break;
		case 'l': listen_s = atof(optarg); break;
		case 'k':
			if (parse_kinds(&x, optarg) < 0)
				return 2;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (iface == NULL || secs <= 0 || rate <= 0 || x.rng == 0) {
		usage(stderr);
		return 2;
	}
	rc = open_iface(&x, iface);
	if (rc < 0) {
		fprintf(stderr, "ordo-inject: %s: %s (root, inside the lab's "
			"namespace)\n", iface, strerror(-rc));
		return 1;
	}
	t0 = now_ns();
	while (now_ns() - t0 < (uint64_t)(listen_s * 1e9))
		drain(&x, 10);
	if (!x.have_ring || !x.have_group || x.nkept == 0) {
		fprintf(stderr, "ordo-inject: heard no ring on %s in %.1f s "
			"(captured %llu frames)\n", iface, listen_s,
			(unsigned long long)x.captured);
		return 1;
	}
	gap = (uint64_t)(1e9 / rate);
	next = now_ns();
	end = next + (uint64_t)(secs * 1e9);
	for (;;) {
		uint64_t t = now_ns();

		if (t >= end)
			break;
		if (t < next) {
			drain(&x, (int)((next - t) / 1000000));
			continue;
		}
		k = (enum kind)x.kinds[below(&x, x.n_kinds)];
		rc = send_one(&x, k);
		if (rc < 0 && rc != -ENOBUFS && rc != -EAGAIN) {
			fprintf(stderr, "ordo-inject: send: %s\n", strerror(-rc));
			return 1;
		}
		next += gap;
		if ((x.total & 63) == 0)
			drain(&x, 0);
	}
	printf("ordo-inject: frames=%llu captured=%llu members=%u",
	       (unsigned long long)x.total, (unsigned long long)x.captured,
	       x.n_ids);
	for (k = 0; k < K_N; k++)
		printf(" %s=%llu", kind_name[k], (unsigned long long)x.sent[k]);
	printf("\n");
	return 0;
}
