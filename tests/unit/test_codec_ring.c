/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo_engine_rx() on packets of other rings and on membership packets
 * (JOIN, COMMIT, BEACON): stale rings are dropped, a newer ring makes the
 * member gather, and every malformed membership packet is dropped with
 * its reason. The fixture is rx_fixture.h.
 *
 * Not produced here: ORDO_DROP_HELD_DOWN, which needs a member excluded
 * by the membership protocol first.
 */
#include "tests/unit/rx_fixture.h"

static void test_foreign_ring(void **state)
{
	struct fix *f = *state;

	/* An older ring, or another ring with our sequence: stale. */
	rx_data_ok(f, rx_status(f).high_seq + 1);
	craft_put32(&f->c, CRAFT_OFF_RSEQ, f->rseq - 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_FOREIGN_RING, "ring_seq - 1");
	rx_data_ok(f, rx_status(f).high_seq + 1);
	craft_put32(&f->c, CRAFT_OFF_REP, f->rep + 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_FOREIGN_RING, "ring_rep + 1");
	rx_token(f, rx_next_token(f), ME, NULL, 0);
	craft_put32(&f->c, CRAFT_OFF_RSEQ, f->rseq - 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_FOREIGN_RING, "token, ring_seq - 1");
	rx_token(f, rx_next_token(f), ME, NULL, 0);
	craft_put32(&f->c, CRAFT_OFF_REP, f->rep + 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_FOREIGN_RING, "token, ring_rep + 1");
	assert_int_equal(rx_status(f).state, ORDO_STATE_OPERATIONAL);
}

/* A member's packet from a newer ring, while our token still comes round
 * through that member, is stale or forged: dropped. Once the token has
 * been away half a token loss timeout it is no drop: we were left behind,
 * so we gather; and a token of our ring is then out of place. */
static void test_newer_ring_gathers_then_token_is_wrong_state(void **state)
{
	struct fix *f = *state;
	struct ordo_engine_config cfg;
	int rc;

	rx_data_ok(f, rx_status(f).high_seq + 1);
	craft_put32(&f->c, CRAFT_OFF_RSEQ, f->rseq + 1);
	rx_expect_drop(f, &f->c, ORDO_DROP_RING_ALIVE, "newer ring, token alive");
	assert_int_equal(rx_status(f).state, ORDO_STATE_OPERATIONAL);

	h_config(&cfg, 3);
	f->net.now += cfg.token_loss_ns / 2;
	rx_data_ok(f, rx_status(f).high_seq + 1);
	craft_put32(&f->c, CRAFT_OFF_RSEQ, f->rseq + 1);
	rc = h_rx(&f->net, ME, f->c.buf, f->c.len);
	assert_int_equal(rc, 0);
	assert_int_equal(rx_status(f).state, ORDO_STATE_GATHER);
	rx_expect_drop(f, rx_token(f, rx_next_token(f), ME, NULL, 0), ORDO_DROP_STATE,
		       "token while gathering");
}

/* ---- membership packets --------------------------------------------------*/
static struct craft *join(struct fix *f, uint32_t sender, uint32_t inc,
			  uint8_t n_proc, uint8_t n_fail, const uint32_t *ids,
			  uint32_t n_ids)
{
	uint32_t i;

	craft_hdr(&f->c, ORDO_PKT_JOIN, H_HASH, sender, f->rep, f->rseq);
	craft_u32(&f->c, inc);
	craft_u32(&f->c, f->rseq);
	craft_u8(&f->c, n_proc);
	craft_u8(&f->c, n_fail);
	craft_u16(&f->c, 0);
	craft_u32(&f->c, 0);
	for (i = 0; i < n_ids; i++)
		craft_u32(&f->c, ids[i]);
	craft_finish(&f->c);
	return &f->c;
}

struct memb_entry {
	uint32_t id, inc;
	uint64_t aru, high;
	uint32_t filled;
};

static struct craft *commit(struct fix *f, uint32_t rep, uint32_t rseq,
			    uint32_t dest, uint8_t n_memb,
			    const struct memb_entry *m, uint32_t n)
{
	uint32_t i;

	craft_hdr(&f->c, ORDO_PKT_COMMIT, H_HASH, 1, rep, rseq);
	craft_u32(&f->c, dest);
	craft_u16(&f->c, 1);
	craft_u8(&f->c, n_memb);
	craft_u8(&f->c, 0);
	craft_u64(&f->c, 0);
	for (i = 0; i < n; i++) {
		craft_u32(&f->c, m[i].id);
		craft_u32(&f->c, m[i].inc);
		craft_u32(&f->c, f->rep);
		craft_u32(&f->c, f->rseq);
		craft_u64(&f->c, m[i].aru);
		craft_u64(&f->c, m[i].high);
		craft_u64(&f->c, 0);
		craft_u32(&f->c, m[i].filled);
		craft_u32(&f->c, 0);
	}
	craft_finish(&f->c);
	return &f->c;
}

static struct craft *beacon(struct fix *f, uint32_t inc, uint32_t rseq)
{
	craft_hdr(&f->c, ORDO_PKT_BEACON, H_HASH, 1, f->rep, rseq);
	craft_u32(&f->c, inc);
	craft_u16(&f->c, 3); /* n_members */
	craft_u16(&f->c, 0); /* out */
	craft_finish(&f->c);
	return &f->c;
}

static void test_bad_membership_packets(void **state)
{
	struct fix *f = *state;
	const uint32_t ids[18] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
				   14, 15, 16, 17, 18 };
	const uint32_t zero[3] = { 1, 0, 3 };
	const uint32_t stranger[3] = { 1, 2, 9 };
	const uint32_t out_stranger[2] = { 1, 9 };
	const uint32_t many[18] = { 1, 2, 3, 2, 3, 2, 3, 2, 3,
				    2, 3, 2, 3, 2, 3, 2, 3, 2 };
	const uint32_t not_self[2] = { 2, 3 };
	uint32_t nr = f->rseq + 10;
	struct memb_entry m[3] = {
		{ 1, 1, 0, 0, 0 }, { 2, 1, 0, 0, 0 }, { 3, 1, 0, 0, 0 },
	};

	/* JOIN */
	join(f, 1, 1, 3, 0, ids, 3);
	f->c.len = sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_join) - 1;
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_TRUNCATED, "join body - 1");
	rx_expect_drop(f, join(f, 1, 1, 3, 0, ids, 2), ORDO_DROP_BAD_LEN,
		       "join, 3 ids named, 2 sent");
	rx_expect_drop(f, join(f, 1, 1, 2, 1, ids, 4), ORDO_DROP_BAD_LEN,
		       "join, 3 ids named, 4 sent");
	rx_expect_drop(f, join(f, 1, 1, 0, 0, ids, 0), ORDO_DROP_BAD_JOIN,
		       "join, n_proc 0");
	rx_expect_drop(f, join(f, 1, 1, 17, 0, ids, 17), ORDO_DROP_BAD_JOIN,
		       "join, n_proc 17");
	rx_expect_drop(f, join(f, 1, 1, 1, 17, ids, 18), ORDO_DROP_BAD_JOIN,
		       "join, n_fail 17");
	rx_expect_drop(f, join(f, 1, 0, 3, 0, ids, 3), ORDO_DROP_BAD_JOIN,
		       "join, incarnation 0");
	rx_expect_drop(f, join(f, 1, 1, 3, 0, zero, 3), ORDO_DROP_BAD_JOIN,
		       "join, id 0");
	rx_expect_drop(f, join(f, 1, 1, 3, 0, stranger, 3), ORDO_DROP_BAD_JOIN,
		       "join, a stranger in proc");
	rx_expect_drop(f, join(f, 1, 1, 1, 1, stranger + 1, 2), ORDO_DROP_BAD_JOIN,
		       "join, a stranger in fail");
	rx_expect_drop(f, join(f, 1, 1, 2, 0, not_self, 2), ORDO_DROP_BAD_JOIN,
		       "join, sender not in its own proc");
	rx_expect_drop(f, join(f, ME, 1, 3, 0, ids, 3), ORDO_DROP_FROM_SELF,
		       "own join");
	/* n_out (byte 12 of the body): members held out for flapping. */
	join(f, 1, 1, 3, 0, ids, 3);
	f->c.buf[sizeof(struct ordo_wire_hdr) + 12] = 1;
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_LEN, "join, 1 out id named, 0 sent");
	join(f, 1, 1, 1, 0, many, 18);
	f->c.buf[sizeof(struct ordo_wire_hdr) + 12] = 17;
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_JOIN, "join, n_out 17");
	join(f, 1, 1, 1, 0, out_stranger, 2);
	f->c.buf[sizeof(struct ordo_wire_hdr) + 12] = 1;
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_JOIN, "join, a stranger out");

	/* COMMIT */
	commit(f, 1, nr, ME, 3, m, 3);
	f->c.len = sizeof(struct ordo_wire_hdr) + sizeof(struct ordo_wire_commit) - 1;
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_TRUNCATED, "commit body - 1");
	rx_expect_drop(f, commit(f, 1, nr, ME, 3, m, 2), ORDO_DROP_BAD_LEN,
		       "commit, 3 entries named, 2 sent");
	rx_expect_drop(f, commit(f, 1, nr, ME, 0, m, 0), ORDO_DROP_BAD_JOIN,
		       "commit, no entries");
	rx_expect_drop(f, commit(f, 1, nr, 0, 3, m, 3), ORDO_DROP_BAD_JOIN,
		       "commit, dest 0");
	rx_expect_drop(f, commit(f, 1, 0, ME, 3, m, 3), ORDO_DROP_BAD_JOIN,
		       "commit, ring_seq 0");
	rx_expect_drop(f, commit(f, 2, nr, ME, 3, m, 3), ORDO_DROP_BAD_JOIN,
		       "commit, first entry is not the representative");
	m[1].id = 3, m[2].id = 2;
	rx_expect_drop(f, commit(f, 1, nr, ME, 3, m, 3), ORDO_DROP_BAD_JOIN,
		       "commit, ids not ascending");
	m[1].id = 2, m[2].id = 3;
	m[1].inc = 0;
	rx_expect_drop(f, commit(f, 1, nr, ME, 3, m, 3), ORDO_DROP_BAD_JOIN,
		       "commit, incarnation 0");
	m[1].inc = 1;
	m[2].aru = 5, m[2].high = 4;
	rx_expect_drop(f, commit(f, 1, nr, ME, 3, m, 3), ORDO_DROP_BAD_JOIN,
		       "commit, old aru above old high");
	m[2].aru = 0, m[2].high = 0;
	m[0].filled = 2;
	rx_expect_drop(f, commit(f, 1, nr, ME, 3, m, 3), ORDO_DROP_BAD_JOIN,
		       "commit, filled 2");

	/* BEACON */
	beacon(f, 1, f->rseq);
	craft_u32(&f->c, 0);
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_LEN, "beacon + 4");
	beacon(f, 1, f->rseq);
	f->c.len -= 1;
	craft_finish(&f->c);
	rx_expect_drop(f, &f->c, ORDO_DROP_BAD_LEN, "beacon - 1");
	rx_expect_drop(f, beacon(f, 0, f->rseq), ORDO_DROP_BAD_JOIN,
		       "beacon, incarnation 0");
	rx_expect_drop(f, beacon(f, 1, 0), ORDO_DROP_BAD_JOIN, "beacon, ring_seq 0");

	/* Our own ring's beacon is no news, and no drop. */
	assert_int_equal(h_rx(&f->net, ME, beacon(f, 1, f->rseq)->buf,
			      f->c.len), 0);
	assert_int_equal(rx_status(f).state, ORDO_STATE_OPERATIONAL);
}

static void test_every_reason_was_produced(void **state)
{
	static const enum ordo_drop_reason all[] = {
		ORDO_DROP_FOREIGN_RING, ORDO_DROP_STATE, ORDO_DROP_BAD_JOIN,
		ORDO_DROP_RING_ALIVE,
	};

	(void)state;
	rx_expect_produced(all, sizeof(all) / sizeof(all[0]));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, rx_setup, rx_teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(test_foreign_ring),
		T(test_newer_ring_gathers_then_token_is_wrong_state),
		T(test_bad_membership_packets),
		T(test_every_reason_was_produced),
	};

	unit_filter(argc, argv);
	return cmocka_run_group_tests_name("codec-ring", tests, NULL, NULL);
}
