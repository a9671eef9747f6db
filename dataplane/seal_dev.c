/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The crypto device behind the sealed envelope (seal.h): which one, its
 * queue pair, the op and session pools, and AES-256-GCM sessions. Slow
 * path only: start, key loads, stop.
 */
/* 22.11 marks the session pool constructor experimental; it is the only
 * way to make a pool for sessions. */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_cryptodev.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "dataplane/seal.h"
#include "dataplane/seal_impl.h"

/* Software PMDs tried in this order when the EAL has no capable device:
 * the ipsec_mb PMD (Intel's multi-buffer library: AES-NI and VAES), then
 * OpenSSL's. Both are Debian packages (librte-crypto-ipsec-mb23,
 * librte-crypto-openssl23) loaded as plugins. */
static const char *const soft_pmds[] = { "crypto_aesni_gcm", "crypto_openssl" };

#define QP_DESC   2048u
#define SESS_MAX  (ORDO_SEAL_MAX_KEYS * ORDO_MAX_MEMBERS + 8u)

/* Does dev do AES-256-GCM with our IV, AAD and tag sizes? */
static bool capable(uint8_t dev)
{
	const struct rte_cryptodev_symmetric_capability *cap;
	struct rte_cryptodev_sym_capability_idx idx = {
		.type = RTE_CRYPTO_SYM_XFORM_AEAD,
		.algo.aead = RTE_CRYPTO_AEAD_AES_GCM,
	};

	cap = rte_cryptodev_sym_capability_get(dev, &idx);
	return cap != NULL &&
	       rte_cryptodev_sym_capability_check_aead(
		       cap, ORDO_SEAL_KEY_LEN, ORDO_SEAL_TAG_LEN,
		       sizeof(struct ordo_seal_aad), ORDO_SEAL_IV_LEN) == 0;
}

static int find_dev(struct dp_seal *s, const char *want, int socket,
		    char *err, size_t errlen)
{
	char name[RTE_CRYPTODEV_NAME_MAX_LEN];
	int id;

	/* Named by the operator: created if the EAL does not have it. */
	if (want != NULL) {
		id = rte_cryptodev_get_dev_id(want);
		if (id < 0) {
			if (rte_eal_hotplug_add("vdev", want, "") != 0) {
				snprintf(err, errlen, "crypto device '%s': "
					 "cannot create it (no such PMD?)", want);
				return -ENODEV;
			}
			s->dev_created = true;
			id = rte_cryptodev_get_dev_id(want);
		}
		if (id < 0 || !capable((uint8_t)id)) {
			snprintf(err, errlen, "crypto device '%s' does not do "
				 "AES-256-GCM", want);
			return -ENOTSUP;
		}
		s->dev_id = (uint8_t)id;
		snprintf(s->dev_name, sizeof(s->dev_name), "%s", want);
		return 0;
	}
	/* One the EAL brought (hardware, or a --vdev): the operator's. Not
	 * one another member of this process made (the benchmark's). */
	for (uint8_t d = 0; d < rte_cryptodev_count(); d++)
		if (capable(d) &&
		    strstr(rte_cryptodev_name_get(d), "_ordo") == NULL) {
			s->dev_id = d;
			snprintf(s->dev_name, sizeof(s->dev_name), "%.*s",
				 (int)sizeof(s->dev_name) - 1,
				 rte_cryptodev_name_get(d));
			return 0;
		}
	for (size_t i = 0; i < sizeof(soft_pmds) / sizeof(soft_pmds[0]); i++) {
		char args[32];

		/* One per member in the process (ordod has one, the
		 * benchmark two). */
		snprintf(name, sizeof(name), "%s_ordo%u", soft_pmds[i],
			 s->my_id);
		snprintf(args, sizeof(args), "socket_id=%d",
			 socket < 0 ? 0 : socket);
		if (rte_eal_hotplug_add("vdev", name, args) != 0)
			continue;
		id = rte_cryptodev_get_dev_id(name);
		if (id >= 0 && capable((uint8_t)id)) {
			s->dev_id = (uint8_t)id;
			s->dev_created = true;
			snprintf(s->dev_name, sizeof(s->dev_name), "%s", name);
			return 0;
		}
		rte_eal_hotplug_remove("vdev", name);
	}
	snprintf(err, errlen, "no crypto device does AES-256-GCM: install "
		 "librte-crypto-ipsec-mb23 or librte-crypto-openssl23 "
		 "(scripts/install-deps.sh), or set Crypto = none");
	return -ENODEV;
}

int seal_dev_open(struct dp_seal *s, const char *want, int socket,
		  uint16_t n_qp, char *err, size_t errlen)
{
	struct rte_cryptodev_config cc = {
		.socket_id = socket < 0 ? SOCKET_ID_ANY : socket,
		.nb_queue_pairs = n_qp ? n_qp : 1,
	};
	struct rte_cryptodev_info info;
	struct rte_cryptodev_qp_conf qc = { .nb_descriptors = QP_DESC };
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned sess_size;
	int rc;

	rc = find_dev(s, want, socket, err, errlen);
	if (rc < 0)
		return rc;
	rte_cryptodev_info_get(s->dev_id, &info);
	snprintf(s->driver, sizeof(s->driver), "%s", info.driver_name);
	/* Out of place: the stored plaintext frame in, a new wire frame out
	 * (dp_seal_tx_add_ref). A device without it seals a copy in place. */
	s->oop = (info.feature_flags & RTE_CRYPTODEV_FF_OOP_LB_IN_LB_OUT) != 0;
	sess_size = rte_cryptodev_sym_get_private_session_size(s->dev_id);
	snprintf(name, sizeof(name), "ordo_sess_%u", s->my_id);
	s->sess_pool = rte_cryptodev_sym_session_pool_create(
		name, SESS_MAX, sess_size, 0, 0, cc.socket_id);
	/* Ops carry the IV and the AAD in their private area (seal_impl.h).
	 * Enough for a tx batch and an rx burst in flight, and the caches,
	 * on every lcore that seals or opens (one per queue pair). */
	snprintf(name, sizeof(name), "ordo_cop_%u", s->my_id);
	s->op_pool = rte_crypto_op_pool_create(name,
		RTE_CRYPTO_OP_TYPE_SYMMETRIC,
		cc.nb_queue_pairs * (4 * DP_SEAL_BURST + 2 * 64) + 255,
		64, SEAL_OP_PRIV, cc.socket_id);
	if (s->sess_pool == NULL || s->op_pool == NULL) {
		snprintf(err, errlen, "crypto pools: %s (too few hugepages?)",
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	/* A queue pair per lcore that seals or opens: the ring lcore or its
	 * crypto/io worker, and each rx worker (worker.h). */
	if (info.max_nb_queue_pairs < cc.nb_queue_pairs) {
		snprintf(err, errlen, "crypto device %s: %u queue pairs, %u "
			 "wanted (one per lcore that seals or opens: fewer rx "
			 "queues, or a device with more)", s->dev_name,
			 info.max_nb_queue_pairs, cc.nb_queue_pairs);
		return -ENOTSUP;
	}
	if (rte_cryptodev_configure(s->dev_id, &cc) < 0) {
		snprintf(err, errlen, "crypto device %s: cannot configure it",
			 s->dev_name);
		return -EIO;
	}
	qc.mp_session = s->sess_pool;
	for (uint16_t q = 0; q < cc.nb_queue_pairs; q++)
		if (rte_cryptodev_queue_pair_setup(s->dev_id, q, &qc,
						   cc.socket_id) < 0) {
			snprintf(err, errlen, "crypto device %s: cannot set "
				 "up queue pair %u", s->dev_name, q);
			return -EIO;
		}
	if (rte_cryptodev_start(s->dev_id) < 0) {
		snprintf(err, errlen, "crypto device %s: cannot start it",
			 s->dev_name);
		return -EIO;
	}
	s->qp = 0;
	return 0;
}

void seal_dev_close(struct dp_seal *s)
{
	if (s->dev_name[0] == '\0')
		return;
	rte_cryptodev_stop(s->dev_id);
	rte_cryptodev_close(s->dev_id);
	if (s->dev_created)
		rte_eal_hotplug_remove("vdev", s->dev_name);
	rte_mempool_free(s->op_pool);
	rte_mempool_free(s->sess_pool);
	s->op_pool = s->sess_pool = NULL;
	s->dev_name[0] = '\0';
}

void *seal_dev_session(struct dp_seal *s, const uint8_t key[ORDO_SEAL_KEY_LEN],
		       bool encrypt)
{
	struct rte_crypto_sym_xform x = {
		.type = RTE_CRYPTO_SYM_XFORM_AEAD,
		.aead = {
			.op = encrypt ? RTE_CRYPTO_AEAD_OP_ENCRYPT
				      : RTE_CRYPTO_AEAD_OP_DECRYPT,
			.algo = RTE_CRYPTO_AEAD_AES_GCM,
			.key = { .data = key, .length = ORDO_SEAL_KEY_LEN },
			.iv = { .offset = SEAL_IV_OFF,
				.length = ORDO_SEAL_IV_LEN },
			.digest_length = ORDO_SEAL_TAG_LEN,
			.aad_length = sizeof(struct ordo_seal_aad),
		},
	};

	return rte_cryptodev_sym_session_create(s->dev_id, &x, s->sess_pool);
}

void seal_dev_session_free(struct dp_seal *s, void *sess)
{
	if (sess != NULL)
		rte_cryptodev_sym_session_free(s->dev_id, sess);
}
