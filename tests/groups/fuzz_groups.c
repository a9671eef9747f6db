/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Fuzz target of the group layer: three daemons on the fake sequencer
 * (fake_ring.h) play a script read from the input: raw deliveries (any
 * bytes, from any sender, known or not), group messages built from input
 * fields (so that most pass the header checks and reach the handlers),
 * client requests, partitions, crashes, merges and delivery steps.
 *
 * Besides the sanitizers, it checks what EVS promises the dataplane:
 * daemons of one ring that are not exchanging hold the same table (groups,
 * members in order, gids), and the counters stay consistent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/driver/fuzz_target.h"
#include "tests/groups/fake_ring.h"

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t byte(struct input *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

/* A short name from the input: mostly valid, sometimes not. */
static void name(struct input *in, char *out, size_t cap)
{
	static const char alpha[] = "abcg#$ ~";
	uint8_t len = byte(in) % 5, i;

	for (i = 0; i < len && (size_t)i + 1 < cap; i++)
		out[i] = alpha[byte(in) % (sizeof(alpha) - 1)];
	out[i] = '\0';
	if (len == 0)
		snprintf(out, cap, "g");
}

static void table_hash_fn(void *arg, const char *group, const uint32_t gid[3],
			  uint32_t n, const char (*members)[ORDO_GROUPS_NAME_LEN])
{
	uint64_t *h = arg, x = 1469598103934665603ull;
	const uint8_t *b;

	for (b = (const uint8_t *)group; *b; b++)
		x = (x ^ *b) * 1099511628211ull;
	for (int i = 0; i < 3; i++)
		x = (x ^ gid[i]) * 1099511628211ull;
	for (uint32_t m = 0; m < n; m++)
		for (b = (const uint8_t *)members[m]; *b; b++)
			x = (x ^ *b) * 1099511628211ull;
	*h += x; /* order of groups in the pool may differ */
}

static uint64_t table_hash(struct ordo_groups *g)
{
	uint64_t h = 0;

	ordo_groups_foreach(g, table_hash_fn, &h);
	return h;
}

static void check(struct fake_ring *fr)
{
	for (int k = 0; k < FR_NODES; k++) {
		uint64_t h0 = 0;
		bool first = true;

		for (uint32_t i = 0; i < fr->n; i++) {
			struct ordo_groups *g = fr->nodes[i].g;
			const struct ordo_groups_stats *st = ordo_groups_stats(g);

			if (st->groups > ORDO_GROUPS_MAX_GROUPS ||
			    st->members > ORDO_GROUPS_MAX_MEMBERS)
				abort();
			if (fr->nodes[i].part != k || ordo_groups_exchanging(g))
				continue;
			if (first)
				h0 = table_hash(g);
			else if (table_hash(g) != h0)
				abort(); /* one ring, two tables */
			first = false;
		}
	}
}

/* A group message from fields of the input. */
static void built(struct fake_ring *fr, struct input *in)
{
	uint8_t buf[128], kind = 1 + byte(in) % 5, ng = byte(in) % 3;
	uint32_t len = 0, sender = 1 + byte(in) % 4;
	char s[8];

	buf[len++] = byte(in) % 8 ? ORDO_GM_VERSION : byte(in);
	buf[len++] = kind;
	buf[len++] = byte(in) % 4 ? 0 : ORDO_GM_F_SELF_DISCARD;
	buf[len++] = ng;
	name(in, s, sizeof(s));
	buf[len++] = kind == ORDO_GM_STATE ? 0 : (uint8_t)strlen(s);
	buf[len++] = 0;
	buf[len++] = 0;
	buf[len++] = 0;
	if (kind != ORDO_GM_STATE) {
		memcpy(buf + len, s, strlen(s));
		len += (uint32_t)strlen(s);
	}
	for (uint8_t i = 0; i < ng; i++) {
		name(in, s, sizeof(s));
		buf[len++] = (uint8_t)strlen(s);
		memcpy(buf + len, s, strlen(s));
		len += (uint32_t)strlen(s);
	}
	for (uint8_t t = byte(in) % 32; t > 0 && len < sizeof(buf); t--)
		buf[len++] = byte(in);
	fr_inject(fr, sender, kind == ORDO_GM_DATA ? 1 + byte(in) % 6 :
		  ORDO_SVC_AGREED, kind, buf, len);
}

static void request(struct fake_ring *fr, struct input *in)
{
	uint32_t node = byte(in) % fr->n, slot = byte(in) % 4;
	struct ordo_groups *g = fr->nodes[node].g;
	char n1[8], groups[2][ORDO_GROUPS_NAME_LEN] = { { 0 } };
	struct iovec iov = { .iov_base = n1, .iov_len = 3 };

	switch (byte(in) % 5) {
	case 0:
		name(in, n1, sizeof(n1));
		ordo_groups_client_add(g, slot, n1);
		break;
	case 1:
		ordo_groups_client_remove(g, slot);
		break;
	case 2:
		name(in, n1, sizeof(n1));
		ordo_groups_join(g, slot, n1);
		break;
	case 3:
		name(in, n1, sizeof(n1));
		ordo_groups_leave(g, slot, n1);
		break;
	default:
		name(in, groups[0], sizeof(n1));
		name(in, groups[1], sizeof(n1));
		ordo_groups_send(g, slot, 1 + byte(in) % 6, 0, byte(in) & 1,
				 1 + byte(in) % 2,
				 (const char (*)[ORDO_GROUPS_NAME_LEN])groups,
				 &iov, 1);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_ring fr;
	struct input in = { data, size };
	uint8_t raw[256];
	int part[FR_NODES];
	uint32_t len;

	fr_init(&fr, 3, false);
	for (int ops = 0; in.n > 0 && ops < 200; ops++) {
		switch (byte(&in) % 6) {
		case 0: /* raw bytes */
			len = byte(&in);
			len = len < in.n ? len : (uint32_t)in.n;
			memcpy(raw, in.p, len);
			in.p += len;
			in.n -= len;
			fr_inject(&fr, byte(&in) % 5, byte(&in) % 18, byte(&in) % 7,
				  raw, len);
			break;
		case 1:
			built(&fr, &in);
			break;
		case 2:
		case 3:
			request(&fr, &in);
			break;
		case 4:
			for (uint32_t i = 0; i < fr.n; i++)
				part[i] = (int)(byte(&in) % 4) - 1;
			if (part[0] < 0)
				part[0] = 0; /* fr_inject needs a ring */
			fr_partition(&fr, part);
			break;
		default:
			fr_step(&fr);
			check(&fr);
			break;
		}
	}
	fr_step(&fr);
	check(&fr);
	fr_fini(&fr);
	return 0;
}
