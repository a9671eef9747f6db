/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Sealing and opening bursts of frames (seal.h). Hot path: ops from the
 * pool, one enqueue and one dequeue per burst, counters, no log.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_cryptodev.h>

#include "dataplane/seal.h"
#include "dataplane/seal_impl.h"

/* A software PMD does the work inside the dequeue, so one call returns
 * the burst; hardware takes microseconds. A device that keeps ops for
 * this many polls is broken: its ops are given up (leaked, counted). */
#define DEQ_POLLS (1u << 22)

int dp_seal_init(struct dp_seal *s, const struct dp_seal_conf *conf,
		 char *err, size_t errlen)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->my_id = conf->my_id;
	s->incarnation_be = __builtin_bswap32(conf->incarnation);
	s->n_members = conf->n_members < ORDO_MAX_MEMBERS ? conf->n_members
							  : ORDO_MAX_MEMBERS;
	memcpy(s->members, conf->members, s->n_members * sizeof(uint32_t));
	for (uint32_t i = 0; i < ORDO_MAX_MEMBERS; i++)
		ordo_replay_init(&s->replay[i]);
	if (conf->incarnation == 0 || dp_seal_member(s, s->my_id) < 0) {
		snprintf(err, errlen, "seal: no incarnation, or we are not a "
			 "member");
		return -EINVAL;
	}
	rc = seal_dev_open(s, conf->dev, conf->socket, conf->queue_pairs, err,
			   errlen);
	if (rc < 0) {
		seal_dev_close(s);
		return rc;
	}
	rc = seal_key_install(s, conf->key);
	if (rc < 0) {
		snprintf(err, errlen, "seal: cannot create AES-256-GCM sessions "
			 "on %s: %s", s->dev_name, strerror(-rc));
		seal_dev_close(s);
		return rc;
	}
	s->tx_key = rc;
	return 0;
}

void dp_seal_fini(struct dp_seal *s)
{
	/* Frames built after the last flush never leave. */
	for (uint16_t i = 0; i < s->tx_n; i++) {
		rte_pktmbuf_free(s->tx_ops[i]->sym->m_src);
		if (s->tx_ops[i]->sym->m_dst != NULL)
			rte_pktmbuf_free(s->tx_ops[i]->sym->m_dst);
		rte_crypto_op_free(s->tx_ops[i]);
	}
	s->tx_n = 0;
	if (s->owner != NULL) { /* its sessions and device are the owner's */
		memset(s->keys, 0, sizeof(s->keys));
		return;
	}
	for (int i = 0; i < (int)ORDO_SEAL_MAX_KEYS; i++)
		if (s->keys[i].used)
			seal_key_drop(s, i);
	if (s->retiring.used) { /* a RELEASE that never came */
		s->keys[0] = s->retiring;
		seal_key_drop(s, 0);
	}
	seal_dev_close(s);
}

/* Enqueue ops[0..n) and take them all back. Their status says how each
 * went (NOT_PROCESSED: the device refused it). */
static void run(struct dp_seal *s, struct rte_crypto_op **ops, uint16_t n)
{
	struct rte_crypto_op *back[DP_SEAL_BURST];
	uint16_t enq, got = 0;
	unsigned polls = 0;

	enq = rte_cryptodev_enqueue_burst(s->dev_id, s->qp, ops, n);
	while (got < enq) {
		got += rte_cryptodev_dequeue_burst(s->dev_id, s->qp, back,
						   (uint16_t)(enq - got));
		if (unlikely(++polls > DEQ_POLLS)) {
			s->st.stuck += enq - got;
			for (uint16_t i = 0; i < enq; i++)
				if (ops[i]->status ==
				    RTE_CRYPTO_OP_STATUS_NOT_PROCESSED)
					ops[i] = NULL; /* still the device's */
			return;
		}
	}
}

static inline void fill_op(struct rte_crypto_op *op, struct rte_mbuf *m,
			   struct rte_mbuf *out, uint32_t env_off, uint32_t plen,
			   const struct ordo_seal_hdr *h, const uint8_t *src_mac,
			   uint16_t ethertype_be, uint32_t src_ip_be, void *sess)
{
	struct rte_crypto_sym_op *sym = op->sym;
	struct ordo_seal_aad *aad =
		rte_crypto_op_ctod_offset(op, struct ordo_seal_aad *,
					  SEAL_AAD_OFF);
	uint8_t *iv = rte_crypto_op_ctod_offset(op, uint8_t *, SEAL_IV_OFF);
	uint32_t tag_off = env_off + (uint32_t)sizeof(*h) + plen;

	ordo_seal_iv(iv, h);
	aad->hdr = *h;
	memcpy(aad->src_mac, src_mac, DP_ETH_ALEN);
	aad->ethertype = ethertype_be;
	aad->src_ip = src_ip_be;
	aad->pad = 0;
	/* Out of place (out != NULL): the same offsets in both frames. */
	sym->m_src = m;
	sym->m_dst = out;
	if (out == NULL)
		out = m;
	sym->aead.data.offset = env_off + (uint32_t)sizeof(*h);
	sym->aead.data.length = plen;
	sym->aead.digest.data = rte_pktmbuf_mtod_offset(out, uint8_t *, tag_off);
	sym->aead.digest.phys_addr = rte_pktmbuf_iova_offset(out, tag_off);
	sym->aead.aad.data = (uint8_t *)aad;
	sym->aead.aad.phys_addr = rte_crypto_op_ctophys_offset(op, SEAL_AAD_OFF);
	rte_crypto_op_attach_sym_session(op, sess);
}

static int tx_add(struct dp_seal *s, struct dp_port *ports,
		  struct rte_mbuf *m, struct rte_mbuf *out, uint32_t hl,
		  uint32_t plen, const uint8_t *src_mac, uint16_t ethertype_be,
		  uint32_t src_ip_be, uint16_t port)
{
	const struct dp_seal_key *k = &s->keys[s->tx_key];
	struct rte_crypto_op *op;
	struct ordo_seal_hdr h;

	if (unlikely(s->tx_n == DP_SEAL_BURST))
		dp_seal_tx_flush(s, ports);
	op = rte_crypto_op_alloc(s->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC);
	if (unlikely(op == NULL))
		return -DP_DROP_SEAL_DEV;
	h.magic = __builtin_bswap16(ORDO_SEAL_MAGIC);
	h.version = ORDO_SEAL_VERSION;
	h.flags = 0;
	h.key_id = __builtin_bswap32(k->id);
	h.sender = __builtin_bswap32(s->my_id);
	h.incarnation = s->incarnation_be;
	h.counter = __builtin_bswap64(++s->counter);
	memcpy(rte_pktmbuf_mtod_offset(out != NULL ? out : m, uint8_t *, hl),
	       &h, sizeof(h));
	fill_op(op, m, out, hl, plen, &h, src_mac, ethertype_be, src_ip_be,
		k->enc);
	if (out != NULL)
		rte_mbuf_refcnt_update(m, 1); /* until the op is done */
	s->tx_ops[s->tx_n] = op;
	s->tx_slot[s->tx_n] = (uint8_t)s->tx_key;
	s->tx_port[s->tx_n++] = port;
	return 0;
}

int dp_seal_tx_add(struct dp_seal *s, struct dp_port *ports,
		   struct rte_mbuf *m, uint32_t hl, uint32_t plen,
		   const uint8_t *src_mac, uint16_t ethertype_be,
		   uint32_t src_ip_be, uint16_t port)
{
	return tx_add(s, ports, m, NULL, hl, plen, src_mac, ethertype_be,
		      src_ip_be, port);
}

int dp_seal_tx_add_ref(struct dp_seal *s, struct dp_port *ports,
		       struct rte_mbuf *src, struct rte_mbuf *dst, uint32_t hl,
		       uint32_t plen, const uint8_t *src_mac,
		       uint16_t ethertype_be, uint32_t src_ip_be, uint16_t port)
{
	return tx_add(s, ports, src, dst, hl, plen, src_mac, ethertype_be,
		      src_ip_be, port);
}

_Static_assert(ORDO_SEAL_MAX_KEYS <= UINT8_MAX, "a key slot fits tx_slot");

unsigned dp_seal_tx_flush(struct dp_seal *s, struct dp_port *ports)
{
	uint16_t n = s->tx_n;
	unsigned ok = 0, st = DP_STAGE_MAX;

	if (n == 0)
		return 0;
	s->tx_n = 0;
	run(s, s->tx_ops, n);
	if (unlikely(s->stages != NULL && s->stages->on))
		st = dp_stage_enter(s->stages, DP_STAGE_TX, rte_rdtsc());
	for (uint16_t i = 0; i < n; i++) {
		struct rte_crypto_op *op = s->tx_ops[i];
		struct dp_port *p = &ports[s->tx_port[i]];
		struct rte_mbuf *wire;

		if (unlikely(op == NULL)) {
			p->c.drops[DP_DROP_SEAL_DEV]++;
			continue;
		}
		/* Out of place: the wire frame is m_dst; our reference on
		 * the plaintext frame (m_src) goes. */
		wire = op->sym->m_src;
		if (op->sym->m_dst != NULL) {
			rte_pktmbuf_free(wire);
			wire = op->sym->m_dst;
		}
		if (likely(op->status == RTE_CRYPTO_OP_STATUS_SUCCESS)) {
			dp_port_enqueue(p, wire);
			s->keys[s->tx_slot[i]].sealed++;
			ok++;
		} else {
			p->c.drops[DP_DROP_SEAL_DEV]++;
			rte_pktmbuf_free(wire);
		}
		rte_crypto_op_free(op);
	}
	if (st != DP_STAGE_MAX)
		dp_stage_leave(s->stages, st, rte_rdtsc());
	s->st.sealed += ok;
	return ok;
}

/* A station that sent a frame that failed authentication. */
void dp_seal_offender_add(struct dp_seal_stats *st, const uint8_t *mac,
			  uint64_t fails, uint64_t last_ns)
{
	struct dp_seal_offender *old = &st->off[0];

	for (unsigned i = 0; i < DP_SEAL_OFFENDERS; i++) {
		struct dp_seal_offender *o = &st->off[i];

		if (o->fails && memcmp(o->mac, mac, DP_ETH_ALEN) == 0) {
			o->fails += fails;
			if (last_ns > o->last_ns)
				o->last_ns = last_ns;
			return;
		}
		if (old->fails && (!o->fails || o->last_ns < old->last_ns))
			old = o;
	}
	/* A new station takes the quietest entry; its count starts over,
	 * which the log shows as a new sender. */
	memcpy(old->mac, mac, DP_ETH_ALEN);
	old->fails = fails;
	old->last_ns = last_ns;
}

static void offender(struct dp_seal *s, const uint8_t *mac, uint64_t now)
{
	dp_seal_offender_add(&s->st, mac, 1, now);
}

bool dp_seal_replay_accept(struct dp_seal *s, uint32_t sender,
			   uint32_t incarnation, uint64_t counter)
{
	int mi = dp_seal_member(s, sender);

	return mi >= 0 && ordo_replay_accept(&s->replay[mi], incarnation,
					     counter) == ORDO_REPLAY_OK;
}

void dp_seal_rx_open(struct dp_seal *s, struct dp_seal_rx *rx, uint16_t n,
		     uint16_t ethertype_be, uint64_t now)
{
	struct rte_crypto_op *ops[DP_SEAL_BURST];
	uint16_t at[DP_SEAL_BURST];
	uint8_t who[DP_SEAL_BURST], slot[DP_SEAL_BURST];
	uint16_t k = 0;

	if (n > DP_SEAL_BURST)
		n = DP_SEAL_BURST; /* callers burst DP_RX_BURST at most */
	/* Cheap checks first: the device only sees plausible frames. */
	for (uint16_t i = 0; i < n; i++) {
		struct dp_seal_rx *x = &rx[i];
		struct ordo_seal_hdr h;
		int mi, ki;

		if (x->rc != 0)
			continue;
		if (unlikely(x->v.len < ORDO_SEAL_OVERHEAD + 2)) {
			x->rc = -DP_DROP_SEAL_BAD;
			continue;
		}
		memcpy(&h, x->v.pkt, sizeof(h));
		if (unlikely(h.magic != __builtin_bswap16(ORDO_SEAL_MAGIC) ||
			     h.version != ORDO_SEAL_VERSION || h.flags != 0)) {
			x->rc = -DP_DROP_SEAL_BAD;
			continue;
		}
		x->sender = __builtin_bswap32(h.sender);
		mi = dp_seal_member(s, x->sender);
		if (unlikely(mi < 0 || x->sender == s->my_id)) {
			x->rc = -DP_DROP_SEAL_SENDER;
			continue;
		}
		ki = seal_key_find(s, __builtin_bswap32(h.key_id));
		if (unlikely(ki < 0)) {
			x->rc = -DP_DROP_SEAL_KEY;
			continue;
		}
		if (!s->defer_replay &&
		    unlikely(ordo_replay_check(&s->replay[mi],
					       __builtin_bswap32(h.incarnation),
					       __builtin_bswap64(h.counter)) !=
			     ORDO_REPLAY_OK)) {
			x->rc = -DP_DROP_SEAL_REPLAY;
			continue;
		}
		at[k] = i;
		who[k] = (uint8_t)mi;
		slot[k] = (uint8_t)ki;
		k++;
	}
	if (k == 0)
		return;
	if (unlikely(rte_crypto_op_bulk_alloc(s->op_pool,
					      RTE_CRYPTO_OP_TYPE_SYMMETRIC,
					      ops, k) != k)) {
		for (uint16_t j = 0; j < k; j++)
			rx[at[j]].rc = -DP_DROP_SEAL_DEV;
		return;
	}
	for (uint16_t j = 0; j < k; j++) {
		struct dp_seal_rx *x = &rx[at[j]];
		struct ordo_seal_hdr h;

		memcpy(&h, x->v.pkt, sizeof(h));
		fill_op(ops[j], x->m, NULL,
			(uint32_t)(x->v.pkt - rte_pktmbuf_mtod(x->m, uint8_t *)),
			x->v.len - (uint32_t)ORDO_SEAL_OVERHEAD, &h, x->v.src_mac,
			ethertype_be, x->v.src_ip_be,
			s->keys[slot[j]].dec[who[j]]);
	}
	run(s, ops, k);
	for (uint16_t j = 0; j < k; j++) {
		struct dp_seal_rx *x = &rx[at[j]];
		struct rte_crypto_op *op = ops[j];
		struct ordo_seal_hdr h;

		if (unlikely(op == NULL)) {
			x->rc = -DP_DROP_SEAL_DEV;
			continue;
		}
		if (unlikely(op->status != RTE_CRYPTO_OP_STATUS_SUCCESS)) {
			if (op->status == RTE_CRYPTO_OP_STATUS_AUTH_FAILED) {
				x->rc = -DP_DROP_SEAL_AUTH;
				offender(s, x->v.src_mac, now);
			} else {
				x->rc = -DP_DROP_SEAL_DEV;
			}
			rte_crypto_op_free(op);
			continue;
		}
		rte_crypto_op_free(op);
		memcpy(&h, x->v.pkt, sizeof(h));
		x->incarnation = __builtin_bswap32(h.incarnation);
		x->counter = __builtin_bswap64(h.counter);
		/* Authentic: only now may it move the window. */
		if (!s->defer_replay &&
		    unlikely(ordo_replay_accept(&s->replay[who[j]],
						__builtin_bswap32(h.incarnation),
						__builtin_bswap64(h.counter)) !=
			     ORDO_REPLAY_OK)) {
			x->rc = -DP_DROP_SEAL_REPLAY;
			continue;
		}
		x->v.pkt += sizeof(h);
		x->v.len -= (uint32_t)ORDO_SEAL_OVERHEAD;
		s->keys[slot[j]].opened++;
		s->st.opened++;
	}
}

void dp_seal_report(const struct dp_seal *s, struct dp_seal_stats *st)
{
	*st = s->st;
	st->tx_key_id = s->keys[s->tx_key].id;
	st->n_keys = 0;
	for (unsigned i = 0; i < ORDO_SEAL_MAX_KEYS; i++) {
		if (!s->keys[i].used)
			continue;
		st->key_ids[st->n_keys] = s->keys[i].id;
		st->key_opened[st->n_keys] = s->keys[i].opened;
		st->key_sealed[st->n_keys] = s->keys[i].sealed;
		st->n_keys++;
	}
}
