/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Recovery after a membership change (engine/recovery.c): every member
 * queues what it holds of the old ring and a DONE marker on the new ring,
 * and becomes operational once it has delivered every member's DONE.
 *
 *   test_restart_recovers        a member restarts: the ring re-forms and
 *                                every member finishes recovery
 *   test_forged_done_regathers   crypto off, a forged DATA packet taken in
 *                                the slot of a member's DONE (the same
 *                                ring, sender and sequence; another record)
 *                                at the other members: they would wait for
 *                                that DONE for ever while the token keeps
 *                                going round (no token loss ends it) and
 *                                clients' messages would never flow again
 *                                (on the engine before token.c's
 *                                recovery_cannot_finish: still in recovery
 *                                after 499,963 tokens). Now they gather
 *                                again, and the next ring recovers.
 */
#include "tests/unit/unit.h"

#define REC_DONE 2u /* engine/recovery.c */

static uint32_t state_of(struct h_net *net, uint32_t id)
{
	struct ordo_engine_status st;

	ordo_engine_status(h_node(net, id)->e, &st);
	return st.state;
}

static bool all_operational(struct h_net *net, void *arg)
{
	(void)arg;
	for (uint32_t i = 1; i <= net->n; i++)
		if (state_of(net, i) != ORDO_STATE_OPERATIONAL)
			return false;
	return true;
}

static void test_restart_recovers(void **state)
{
	struct ordo_engine_config c;
	struct h_net net;

	(void)state;
	h_config(&c, 3);
	h_net_init(&net, &c);
	h_net_form(&net);
	h_node_restart(&net, 3);
	assert_true(h_run_until(&net, h_formed, NULL, STEPS));
	assert_true(all_operational(&net, NULL));
	h_net_fini(&net);
}

/* Node 2's DONE, on its way to another member, is swapped for a forgery
 * in its slot: the same packet with the record's type changed. */
struct forge {
	bool armed;
	uint8_t ring[8];   /* ring rep and seq of the recovery forged in */
	uint32_t swapped;
	struct { uint8_t *p; uint32_t len, to; } out[8];
	uint32_t n;
};

static bool is_done_of_2(const struct h_pkt *p)
{
	struct h_rec r;

	if (p->from != 2 || h_pkt_type(p->data, p->len) != ORDO_PKT_DATA)
		return false;
	for (uint16_t i = 0; h_data_rec(p->data, p->len, i, &r); i++)
		if (r.service == ORDO_SVC_INTERNAL && r.msg_type == REC_DONE)
			return true;
	return false;
}

static bool swap_done(void *arg, const struct h_pkt *p, uint32_t to)
{
	struct forge *f = arg;
	struct h_rec r;

	if (!f->armed || !is_done_of_2(p) || f->n == 8)
		return false;
	/* One recovery's DONE only: the forger stopped after that. */
	if (f->swapped == 0)
		memcpy(f->ring, p->data + 16, sizeof(f->ring));
	else if (memcmp(f->ring, p->data + 16, sizeof(f->ring)) != 0)
		return false;
	/* The forgery: every byte the same but the DONE record's type. */
	uint8_t *copy = malloc(p->len);

	assert_non_null(copy);
	memcpy(copy, p->data, p->len);
	for (uint16_t i = 0; h_data_rec(copy, p->len, i, &r); i++)
		if (r.service == ORDO_SVC_INTERNAL && r.msg_type == REC_DONE) {
			uint8_t *t = (uint8_t *)r.data - 4; /* msg_type, BE */

			t[0] = 0x7f;
			t[1] = 0x7f;
		}
	f->out[f->n].p = copy;
	f->out[f->n].len = p->len;
	f->out[f->n].to = to;
	f->n++;
	f->swapped++;
	return true;
}

static bool operational_or_forged(struct h_net *net, void *arg)
{
	struct forge *f = arg;

	/* The forgeries reach their members as the real packet would. */
	for (uint32_t i = 0; i < f->n; i++) {
		h_rx(net, f->out[i].to, f->out[i].p, f->out[i].len);
		free(f->out[i].p);
	}
	f->n = 0;
	return all_operational(net, NULL);
}

static void test_forged_done_regathers(void **state)
{
	struct ordo_engine_config c;
	struct forge f = { 0 };
	struct h_net net;
	uint64_t tokens;

	(void)state;
	h_config(&c, 3);
	h_net_init(&net, &c);
	h_net_form(&net);
	net.drop = swap_done;
	net.drop_arg = &f;
	f.armed = true;
	h_node_restart(&net, 3);
	tokens = net.tokens_delivered;
	assert_true(h_run_until(&net, operational_or_forged, &f, STEPS / 4));
	assert_true(f.swapped > 0); /* the forgery was taken */
	f.armed = false;
	assert_true(h_run_until(&net, h_formed, NULL, STEPS));
	{
		uint64_t stalls = 0;

		for (uint32_t i = 1; i <= 3; i++)
			stalls += ordo_engine_stats(h_node(&net, i)->e)
					  ->recovery_stalls;
		assert_true(stalls > 0);
	}
	/* Every member operational again, in a ring of all three, having
	 * given up the recovery that could not finish. */
	for (uint32_t i = 1; i <= 3; i++)
		if (state_of(&net, i) != ORDO_STATE_OPERATIONAL)
			fail_msg("node %u still in state %u after %llu tokens",
				 i, state_of(&net, i),
				 (unsigned long long)(net.tokens_delivered -
						      tokens));
	h_net_fini(&net);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restart_recovers),
		cmocka_unit_test(test_forged_done_regathers),
	};

	unit_filter(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
