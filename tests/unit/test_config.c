/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo_engine_config_defaults() / _check() / ordo_engine_create(): the
 * defaults with members pass; each invalid field is refused with -EINVAL
 * and a reason that names it (test_config_bad.inc); the limits themselves
 * are accepted.
 */
#include "tests/unit/unit.h"

static void base(struct ordo_engine_config *c)
{
	h_config(c, 3);
	c->my_id = 2;
}

static void expect_ok(const struct ordo_engine_config *c)
{
	char why[256] = "";

	if (ordo_engine_config_check(c, why, sizeof(why)) != 0)
		fail_msg("refused: %s", why);
}

static void test_defaults_with_members_pass(void **state)
{
	struct ordo_engine_config c;
	uint32_t n;

	(void)state;
	for (n = 1; n <= ORDO_MAX_MEMBERS; n++) {
		h_config(&c, n);
		c.my_id = n;
		expect_ok(&c);
	}
	/* Node ids need not be small or sorted. */
	h_config(&c, 3);
	c.members[0] = 0xffffffffu;
	c.members[1] = 7;
	c.members[2] = 0x0a000001u;
	c.my_id = 7;
	expect_ok(&c);
	assert_int_equal(ordo_engine_config_check(&c, NULL, 0), 0);
}

static void test_defaults_are_sane(void **state)
{
	struct ordo_engine_config c;

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	ordo_engine_config_defaults(&c);
	/* No members yet: the caller must add them. */
	assert_int_equal(c.my_id, 0);
	assert_int_equal(c.n_members, 0);
	assert_int_equal(c.members[0], 0);
	assert_int_equal(c.config_hash, 0);
	assert_in_range(c.mtu, ORDO_WIRE_MIN_MTU, ORDO_WIRE_MAX_MTU);
	assert_true(c.personal_window >= 1);
	assert_true(c.global_window >= c.personal_window);
	assert_true(c.accel_window <= c.personal_window);
	assert_true(c.store_packets >= 4 * c.global_window);
	assert_true(c.submit_bytes >= c.max_msg_size + 64);
	assert_true(c.token_retransmit_ns > 0);
	assert_true(c.incarnation != 0);
	assert_true(c.token_loss_ns >= 2 * c.token_retransmit_ns);
	assert_true(c.consensus_ns >= 2 * c.join_ns && c.join_ns > 0);
	assert_true(c.fail_recv_rounds >= 2);
	assert_int_equal(ordo_engine_config_check(&c, NULL, 0), -EINVAL);
}

/* One invalid configuration: what to break and a word the reason names. */
struct bad {
	const char *what;
	void (*breakit)(struct ordo_engine_config *c);
	const char *says;
};

#define BAD(name, says, body)                                                  \
	static void break_##name(struct ordo_engine_config *c) { body; }
#include "tests/unit/test_config_bad.inc"
#undef BAD
#define BAD(name, says, body) { #name, break_##name, says },
static const struct bad bads[] = {
#include "tests/unit/test_config_bad.inc"
};
#undef BAD

static void test_each_invalid_field_is_refused(void **state)
{
	struct ordo_engine_config c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		char why[256];

		base(&c);
		bads[i].breakit(&c);
		memset(why, 0, sizeof(why));
		if (ordo_engine_config_check(&c, why, sizeof(why)) != -EINVAL)
			fail_msg("%s: accepted", bads[i].what);
		if (why[0] == '\0' || strchr(why, '\n') != NULL)
			fail_msg("%s: reason \"%s\" is not one line", bads[i].what,
				 why);
		if (strstr(why, bads[i].says) == NULL)
			fail_msg("%s: reason \"%s\" does not name \"%s\"",
				 bads[i].what, why, bads[i].says);
		/* No reason wanted, or no room: still refused, no overrun. */
		assert_int_equal(ordo_engine_config_check(&c, NULL, 0), -EINVAL);
		memset(why, 'x', sizeof(why));
		assert_int_equal(ordo_engine_config_check(&c, why, 4), -EINVAL);
		assert_int_equal(why[3], '\0');
		assert_int_equal(why[4], 'x');
	}
}

static void test_limits_are_accepted(void **state)
{
	struct ordo_engine_config c;

	(void)state;
	base(&c);
	c.mtu = ORDO_WIRE_MIN_MTU;
	expect_ok(&c);
	c.mtu = ORDO_WIRE_MAX_MTU;
	expect_ok(&c);

	base(&c);
	c.personal_window = 1;
	c.global_window = 1;
	c.accel_window = 0;
	expect_ok(&c);
	c.accel_window = 1; /* == personal_window */
	expect_ok(&c);

	base(&c);
	c.global_window = 16;
	c.personal_window = 16;
	c.accel_window = 16;
	c.store_packets = 64; /* == 4 * global_window, smallest */
	expect_ok(&c);

	base(&c);
	c.max_msg_size = ORDO_MAX_MSG_SIZE_LIMIT;
	c.submit_bytes = ORDO_MAX_MSG_SIZE_LIMIT + 64;
	expect_ok(&c);
	c.max_msg_size = 0;
	c.submit_bytes = 64;
	expect_ok(&c);

	base(&c);
	c.token_retransmit_ns = 1;
	expect_ok(&c);
	c.token_loss_ns = 2 * c.token_retransmit_ns;
	c.join_ns = 1;
	c.consensus_ns = 2;
	c.merge_detect_ns = 1;
	c.holddown_ns = 1;
	c.fail_recv_rounds = 2;
	c.incarnation = UINT32_MAX;
	expect_ok(&c);

	h_config(&c, ORDO_MAX_MEMBERS);
	c.my_id = ORDO_MAX_MEMBERS;
	expect_ok(&c);
}

static void nop_send(void *ctx, uint32_t dest, const void *p, uint32_t len)
{
	(void)ctx, (void)dest, (void)p, (void)len;
}

static void nop_deliver(void *ctx, const struct ordo_delivery *d)
{
	(void)ctx, (void)d;
}

static void test_create_refuses_what_check_refuses(void **state)
{
	struct ordo_engine_ops ops = { nop_send, nop_deliver };
	struct ordo_engine_ops no_send = { NULL, nop_deliver };
	struct ordo_engine_ops no_deliver = { nop_send, NULL };
	struct ordo_engine_config c;
	struct ordo_engine *e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		base(&c);
		bads[i].breakit(&c);
		errno = 0;
		if (ordo_engine_create(&c, &ops, NULL) != NULL)
			fail_msg("%s: created", bads[i].what);
		assert_int_equal(errno, EINVAL);
	}
	base(&c);
	errno = 0;
	assert_null(ordo_engine_create(NULL, &ops, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ordo_engine_create(&c, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ordo_engine_create(&c, &no_send, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(ordo_engine_create(&c, &no_deliver, NULL));
	assert_int_equal(errno, EINVAL);

	/* And a good one is created, reports itself, and is destroyed. */
	c.store_packets = 64;
	c.global_window = 16;
	c.personal_window = 8;
	c.accel_window = 4;
	c.max_msg_size = 4096;
	c.submit_bytes = 8192;
	e = ordo_engine_create(&c, &ops, NULL);
	assert_non_null(e);
	{
		struct ordo_engine_status st;

		/* Not started: in no ring yet, waiting for nothing. */
		ordo_engine_status(e, &st);
		assert_int_equal(st.n_members, 0);
		assert_int_equal(st.my_aru, 0);
		assert_int_equal(st.delivered, 0);
		assert_int_equal(st.submit_queued, 0);
		assert_int_equal(ordo_engine_next_deadline(e), UINT64_MAX);
	}
	ordo_engine_destroy(e);
	ordo_engine_destroy(NULL);
}

/* ordo_engine_create_mem(): every buffer comes from the caller's
 * allocator and goes back to it; a failure at any allocation leaves
 * nothing behind. */
struct count_mem {
	int allocs, frees, fail_at;
};

static void *cm_alloc(void *ctx, size_t size, size_t align)
{
	struct count_mem *m = ctx;
	void *p = NULL;

	if (++m->allocs == m->fail_at)
		return NULL;
	assert_true(align >= 8 && align <= 64 && (align & (align - 1)) == 0);
	assert_int_equal(posix_memalign(&p, align, size), 0);
	return p;
}

static void *cm_grow(void *ctx, void *p, size_t size)
{
	(void)ctx;
	return realloc(p, size);
}

static void cm_free(void *ctx, void *p)
{
	struct count_mem *m = ctx;

	m->frees++;
	free(p);
}

static void test_create_mem_uses_and_returns_the_allocator(void **state)
{
	struct ordo_engine_config c;
	struct ordo_engine_ops ops = { nop_send, nop_deliver };
	struct count_mem cm = { 0 };
	struct ordo_engine_mem mem = { cm_alloc, cm_grow, cm_free, &cm };
	struct ordo_engine *e;
	int total;

	(void)state;
	base(&c);
	e = ordo_engine_create_mem(&c, &ops, NULL, &mem);
	assert_non_null(e);
	ordo_engine_prefault(e); /* touches every buffer: ASan checks sizes */
	total = cm.allocs;
	assert_true(total >= 7); /* instance, 2 x (slots, packets), 2 queues */
	ordo_engine_destroy(e);
	assert_int_equal(cm.frees, total);

	for (int k = 1; k <= total; k++) {
		memset(&cm, 0, sizeof(cm));
		cm.fail_at = k;
		errno = 0;
		assert_null(ordo_engine_create_mem(&c, &ops, NULL, &mem));
		assert_int_equal(errno, ENOMEM);
		assert_int_equal(cm.frees, cm.allocs - 1);
	}
	mem.grow = NULL;
	assert_null(ordo_engine_create_mem(&c, &ops, NULL, &mem));
	assert_int_equal(errno, EINVAL);
}

static void test_drop_reason_names(void **state)
{
	int r, k;

	(void)state;
	for (r = 0; r < ORDO_DROP_REASON_MAX; r++) {
		const char *n = ordo_drop_reason_name(r);

		assert_non_null(n);
		assert_string_not_equal(n, "unknown");
		for (k = 0; k < r; k++)
			assert_string_not_equal(n, ordo_drop_reason_name(k));
	}
	assert_string_equal(ordo_drop_reason_name(ORDO_DROP_REASON_MAX),
			    "unknown");
	assert_string_equal(ordo_drop_reason_name(-1), "unknown");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_with_members_pass),
		cmocka_unit_test(test_defaults_are_sane),
		cmocka_unit_test(test_each_invalid_field_is_refused),
		cmocka_unit_test(test_limits_are_accepted),
		cmocka_unit_test(test_create_refuses_what_check_refuses),
		cmocka_unit_test(test_drop_reason_names),
		cmocka_unit_test(test_create_mem_uses_and_returns_the_allocator),
	};

	unit_filter(argc, argv);
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
