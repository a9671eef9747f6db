/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Valid control-protocol messages of every type (cpmsg_samples.h), with
 * names and counts as a real peer fills them.
 */
#include <string.h>

#include "ordo/wire.h" /* ORDO_MAX_MEMBERS */
#include "tests/ctrl/cpmsg_samples.h"

const struct cpmsg_sample cpmsg_samples[] = {
	{ "hello", ORDO_CP_HELLO, 0 },
	{ "welcome", ORDO_CP_WELCOME, 0 },
	{ "welcome-refused", ORDO_CP_WELCOME, 1 },
	{ "bye", ORDO_CP_BYE, 0 },
	{ "query", ORDO_CP_QUERY, 0 },
	{ "reply", ORDO_CP_REPLY, 0 },
	{ "reply-empty", ORDO_CP_REPLY, 1 },
	{ "key", ORDO_CP_KEY, 0 },
	{ "stats-req", ORDO_CP_STATS_REQ, 0 },
	{ "stats", ORDO_CP_STATS, 0 },
	{ "stats-empty", ORDO_CP_STATS, 1 },
	{ "link-hello", ORDO_CP_LINK_HELLO, 0 },
	{ "link-welcome", ORDO_CP_LINK_WELCOME, 0 },
	{ "attach", ORDO_CP_ATTACH, 0 },
	{ "attached", ORDO_CP_ATTACHED, 0 },
	{ "detach", ORDO_CP_DETACH, 0 },
	{ "detached", ORDO_CP_DETACHED, 0 },
	{ "client", ORDO_CP_CLIENT, 0 },
	{ "ring", ORDO_CP_RING, 0 },
	{ "ring-full", ORDO_CP_RING, 1 },
	{ "view", ORDO_CP_VIEW, 0 },
	{ "view-deleted", ORDO_CP_VIEW, 1 },
	{ "dump-end", ORDO_CP_DUMP_END, 0 },
};
const size_t cpmsg_n_samples = sizeof(cpmsg_samples) / sizeof(cpmsg_samples[0]);

static void hdr(void *buf, uint16_t type, size_t len)
{
	struct ordo_cp_hdr *h = buf;

	h->magic = ORDO_CP_MAGIC;
	h->version = ORDO_CP_VERSION;
	h->type = type;
	h->len = (uint32_t)len;
	h->seq = 7;
}

size_t cpmsg_sample_build(const struct cpmsg_sample *s, void *buf,
			  unsigned *n_fds)
{
	size_t len = sizeof(struct ordo_cp_hdr);

	memset(buf, 0, ORDO_CP_MSG_MAX);
	*n_fds = 0;
	switch (s->type) {
	case ORDO_CP_HELLO: {
		struct ordo_cp_hello *m = buf;

		strcpy(m->private_name, "alice");
		m->flags = ORDO_CP_F_MEMBERSHIP;
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_WELCOME: {
		struct ordo_cp_welcome *m = buf;

		strcpy(m->daemon, "n1");
		m->node_id = 1;
		if (s->variant == 0) {
			m->status = ORDO_CP_ACCEPT;
			m->client_id = 3;
			strcpy(m->private_group, "#alice#n1");
			*n_fds = 3;
		} else {
			m->status = ORDO_CP_REJECT_NOT_UNIQUE;
			strcpy(m->reason, "name in use");
		}
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_QUERY: {
		struct ordo_cp_query_msg *m = buf;

		m->what = ORDO_CP_Q_STATUS;
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_REPLY: {
		struct ordo_cp_reply *m = buf;
		static const char text[] = "daemon n1: ring of 3\n";

		len = sizeof(*m);
		if (s->variant == 0) {
			memcpy(m + 1, text, sizeof(text) - 1);
			len += sizeof(text) - 1;
		}
		break;
	}
	case ORDO_CP_KEY: {
		struct ordo_cp_key *m = buf;

		m->op = ORDO_CP_KEY_LOAD;
		strcpy(m->path, "/etc/ordo/next.key");
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_STATS_REQ: {
		struct ordo_cp_stats_req *m = buf;

		m->version = ORDO_STATS_VERSION;
		m->cursor = 3;
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_STATS: {
		struct ordo_cp_stats *m = buf;
		struct ordo_cp_stat *r = (void *)(m + 1);

		m->version = ORDO_STATS_VERSION;
		m->now_ns = 123456789;
		len = sizeof(*m);
		if (s->variant == 0) {
			m->n = 2;
			m->next = 5;
			r[0].id = ORDO_ST_RING_MEMBERS;
			r[0].value = 3;
			r[1].id = ORDO_ST_ENGINE_DROPS;
			r[1].value = 9;
			/* A label that fills its array but for the NUL. */
			memset(r[1].label, 'r', sizeof(r[1].label) - 1);
			len += 2 * sizeof(*r);
		}
		break;
	}
	case ORDO_CP_LINK_HELLO: {
		struct ordo_cp_link_hello *m = buf;

		m->conf_hash = 0x1234abcd;
		m->pid = 100;
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_LINK_WELCOME: {
		struct ordo_cp_link_welcome *m = buf;

		m->conf_hash = 0x1234abcd;
		m->node_id = 1;
		m->pid = 99;
		strcpy(m->daemon, "n1");
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_ATTACH: {
		struct ordo_cp_attach *m = buf;

		m->client_id = 3;
		m->pid = 1234;
		strcpy(m->private_name, "alice");
		*n_fds = 4;
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_ATTACHED: {
		struct ordo_cp_attached *m = buf;

		m->client_id = 3;
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_DETACH: {
		struct ordo_cp_detach *m = buf;

		m->client_id = 3;
		m->reason = 1;
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_DETACHED: {
		struct ordo_cp_detached *m = buf;

		m->client_id = 3;
		m->reason = 1;
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_CLIENT: {
		struct ordo_cp_client *m = buf;

		m->client_id = 3;
		strcpy(m->private_name, "alice");
		m->submitted = 10;
		len = sizeof(*m);
		break;
	}
	case ORDO_CP_RING: {
		struct ordo_cp_ring *m = buf;
		uint32_t *ids = (uint32_t *)(m + 1);

		m->ring_rep = 1;
		m->ring_seq = 4;
		m->n_members = s->variant == 0 ? 3 : ORDO_MAX_MEMBERS;
		for (uint32_t i = 0; i < m->n_members; i++)
			ids[i] = i + 1;
		len = sizeof(*m) + m->n_members * sizeof(uint32_t);
		break;
	}
	case ORDO_CP_VIEW: {
		struct ordo_cp_view *m = buf;
		char *names = (char *)(m + 1);

		strcpy(m->group, "chat");
		m->gid[0] = 1;
		if (s->variant == 0) {
			m->n_members = 2;
			strcpy(names, "#alice#n1");
			strcpy(names + ORDO_CP_NAME_LEN, "#bob#n2");
		}
		len = sizeof(*m) + m->n_members * ORDO_CP_NAME_LEN;
		break;
	}
	default: /* BYE, DUMP_END: a header */
		break;
	}
	hdr(buf, s->type, len);
	return len;
}
