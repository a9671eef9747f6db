/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ordo_engine_submit() / _submitv() / _submit_space(): refusals with their
 * documented codes, back-pressure that clears once the ring drains the
 * queue, zero-length messages, and scatter-gather.
 */
#include "tests/unit/unit.h"

#define MAX_MSG 4096u
#define QBYTES  (16u << 10)

static void small_config(struct ordo_engine_config *c, uint32_t n)
{
	h_config(c, n);
	c->store_packets = 256;
	c->global_window = 32;
	c->personal_window = 16;
	c->accel_window = 4;
	c->max_msg_size = MAX_MSG;
	c->submit_bytes = QBYTES;
}

static int setup(void **state)
{
	struct ordo_engine_config c;
	struct h_net *net = calloc(1, sizeof(*net));

	if (net == NULL)
		return -1;
	small_config(&c, 3);
	h_net_init(net, &c);
	*state = net;
	return 0;
}

static int teardown(void **state)
{
	h_net_fini(*state);
	free(*state);
	return 0;
}

static uint32_t queued(struct ordo_engine *e)
{
	struct ordo_engine_status st;

	ordo_engine_status(e, &st);
	return st.submit_queued;
}

static void test_bad_service_is_einval(void **state)
{
	struct h_net *net = *state;
	struct ordo_engine *e = h_node(net, 2)->e;
	static const uint8_t bad[] = { 0, ORDO_SVC_SAFE + 1, 0x7f, 0xff };
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	uint32_t space = ordo_engine_submit_space(e);
	size_t i;

	for (i = 0; i < sizeof(bad); i++) {
		assert_int_equal(ordo_engine_submit(e, bad[i], 1, "x", 1),
				 -EINVAL);
		assert_int_equal(ordo_engine_submitv(e, bad[i], 1, &iov, 1),
				 -EINVAL);
	}
	assert_int_equal(ordo_engine_submitv(e, ORDO_SVC_AGREED, 1, &iov, -1),
			 -EINVAL);
	assert_int_equal(ordo_engine_submitv(e, ORDO_SVC_AGREED, 1, NULL, 1),
			 -EINVAL);
	/* Refusals leave no trace. */
	assert_int_equal(ordo_engine_submit_space(e), space);
	assert_int_equal(queued(e), 0);
	assert_int_equal(ordo_engine_stats(e)->submitted, 0);
	/* Every valid service is taken. */
	for (i = ORDO_SVC_UNRELIABLE; i <= ORDO_SVC_SAFE; i++)
		assert_int_equal(ordo_engine_submit(e, (uint8_t)i, 1, "x", 1), 0);
	assert_int_equal(queued(e), ORDO_SVC_SAFE);
}

static void test_too_large_is_emsgsize(void **state)
{
	struct h_net *net = *state;
	struct ordo_engine *e = h_node(net, 2)->e;
	uint8_t *m = pattern_msg(1, MAX_MSG + 1);
	struct iovec iov[2] = {
		{ .iov_base = m, .iov_len = MAX_MSG / 2 + 1 },
		{ .iov_base = m, .iov_len = MAX_MSG / 2 },
	};

	assert_int_equal(ordo_engine_submit(e, ORDO_SVC_AGREED, 1, m,
					    MAX_MSG + 1), -EMSGSIZE);
	assert_int_equal(ordo_engine_submit(e, ORDO_SVC_AGREED, 1, m,
					    UINT32_MAX), -EMSGSIZE);
	assert_int_equal(ordo_engine_submitv(e, ORDO_SVC_AGREED, 1, iov, 2),
			 -EMSGSIZE);
	assert_int_equal(ordo_engine_stats(e)->submitted, 0);
	assert_int_equal(queued(e), 0);
	/* The limit itself is fine, as one buffer or as pieces. */
	assert_int_equal(ordo_engine_submit(e, ORDO_SVC_AGREED, 1, m, MAX_MSG),
			 0);
	iov[0].iov_len = MAX_MSG / 2;
	iov[1].iov_base = m + MAX_MSG / 2;
	assert_int_equal(ordo_engine_submitv(e, ORDO_SVC_AGREED, 2, iov, 2), 0);
	assert_int_equal(ordo_engine_stats(e)->submitted, 2);
	free(m);

	h_net_form(net);
	run_until_delivered(net, 2);
	assert_pattern(&h_node(net, 1)->dv[0], 1, MAX_MSG);
	assert_pattern(&h_node(net, 3)->dv[1], 1, MAX_MSG);
	assert_int_equal(h_node(net, 3)->dv[1].msg_type, 2);
}

static void test_full_queue_is_eagain_until_drained(void **state)
{
	struct h_net *net = *state;
	struct ordo_engine *e = h_node(net, 2)->e;
	const uint32_t len = 1000;
	uint32_t ok = 0, space0 = ordo_engine_submit_space(e), space;
	uint8_t *m;
	uint32_t i, k;

	h_net_form(net);
	assert_int_equal(ordo_engine_submit_space(e), space0);
	/* Fill the queue without letting the ring run. */
	for (;;) {
		uint32_t before = ordo_engine_submit_space(e);
		int rc;

		m = pattern_msg(ok, len);
		rc = ordo_engine_submit(e, ORDO_SVC_AGREED, (uint16_t)ok, m,
					len);
		free(m);
		if (rc == -EAGAIN) {
			/* Refused: nothing was queued. */
			assert_int_equal(ordo_engine_submit_space(e), before);
			break;
		}
		assert_int_equal(rc, 0);
		space = ordo_engine_submit_space(e);
		/* "a message of n bytes needs about n+16" */
		assert_true(before - space >= len + 16);
		assert_true(before - space <= len + 64);
		ok++;
		assert_true(ok < QBYTES / len + 1);
	}
	assert_true(ok >= QBYTES / (len + 64));
	assert_int_equal(queued(e), ok);
	assert_true(ordo_engine_submit_space(e) < len + 16);
	/* Still full when asked again: back-pressure is not one-shot. */
	assert_int_equal(ordo_engine_submit(e, ORDO_SVC_AGREED, 0, "x", 1),
			 -EAGAIN);
	assert_int_equal(ordo_engine_submit(e, ORDO_SVC_AGREED, 0, "x", 0),
			 -EAGAIN);

	/* The ring drains it; then the queue takes messages again. */
	run_until_delivered(net, ok);
	assert_int_equal(queued(e), 0);
	assert_int_equal(ordo_engine_submit_space(e), space0);
	submit_pattern(e, ORDO_SVC_AGREED, (uint16_t)ok, len);
	submit_pattern(e, ORDO_SVC_SAFE, (uint16_t)(ok + 1), MAX_MSG);
	run_until_delivered(net, ok + 2);
	for (i = 0; i < net->n; i++) {
		const struct h_node *nd = &net->node[i];

		assert_int_equal(nd->ndv, ok + 2);
		for (k = 0; k < ok + 2; k++) {
			assert_int_equal(nd->dv[k].sender, 2);
			assert_int_equal(nd->dv[k].msg_type, k);
			assert_pattern(&nd->dv[k], k, k == ok + 1 ? MAX_MSG : len);
		}
	}
	assert_int_equal(ordo_engine_stats(e)->submitted, ok + 2);
}

static void test_zero_length_messages(void **state)
{
	struct h_net *net = *state;
	struct ordo_engine *e = h_node(net, 3)->e;
	struct iovec empty[3] = {
		{ .iov_base = "a", .iov_len = 0 },
		{ .iov_base = NULL, .iov_len = 0 },
		{ .iov_base = "b", .iov_len = 0 },
	};
	uint32_t i;

	assert_int_equal(ordo_engine_submit(e, ORDO_SVC_AGREED, 0, "", 0), 0);
	submit_pattern(e, ORDO_SVC_FIFO, 1, 10);
	assert_int_equal(ordo_engine_submit(e, ORDO_SVC_UNRELIABLE, 2, NULL, 0),
			 0);
	assert_int_equal(ordo_engine_submitv(e, ORDO_SVC_SAFE, 3, empty, 3), 0);
	assert_int_equal(ordo_engine_submitv(e, ORDO_SVC_RELIABLE, 4, NULL, 0),
			 0);
	submit_pattern(e, ORDO_SVC_AGREED, 5, 1);
	assert_int_equal(queued(e), 6);

	h_net_form(net);
	run_until_delivered(net, 6);
	for (i = 0; i < net->n; i++) {
		const struct h_delivery *d = net->node[i].dv;

		assert_int_equal(net->node[i].ndv, 6);
		assert_int_equal(d[0].len, 0);
		assert_int_equal(d[0].service, ORDO_SVC_AGREED);
		assert_pattern(&d[1], 1, 10);
		assert_int_equal(d[2].len, 0);
		assert_int_equal(d[2].service, ORDO_SVC_UNRELIABLE);
		assert_int_equal(d[3].len, 0);
		assert_int_equal(d[3].service, ORDO_SVC_SAFE);
		assert_int_equal(d[4].len, 0);
		assert_int_equal(d[4].service, ORDO_SVC_RELIABLE);
		assert_pattern(&d[5], 5, 1);
		for (uint16_t k = 0; k < 6; k++) {
			assert_int_equal(d[k].msg_type, k);
			assert_int_equal(d[k].sender, 3);
		}
	}
}

static void test_submitv_delivers_the_concatenation(void **state)
{
	struct h_net *net = *state;
	struct ordo_engine *e = h_node(net, 1)->e;
	uint8_t *big = pattern_msg(3, MAX_MSG);
	struct iovec three[3] = {
		{ .iov_base = "abc", .iov_len = 3 },
		{ .iov_base = "zzz", .iov_len = 0 },
		{ .iov_base = "defgh", .iov_len = 5 },
	};
	/* A fragmented message from uneven pieces. */
	struct iovec pieces[4] = {
		{ .iov_base = big, .iov_len = 1 },
		{ .iov_base = big + 1, .iov_len = 2000 },
		{ .iov_base = big + 2001, .iov_len = 7 },
		{ .iov_base = big + 2008, .iov_len = MAX_MSG - 2008 },
	};
	struct iovec bytes[64];
	uint8_t one[64];
	uint32_t i;

	for (i = 0; i < 64; i++) {
		one[i] = craft_pattern(4, i);
		bytes[i].iov_base = &one[i];
		bytes[i].iov_len = 1;
	}
	assert_int_equal(ordo_engine_submitv(e, ORDO_SVC_AGREED, 2, three, 3),
			 0);
	assert_int_equal(ordo_engine_submitv(e, ORDO_SVC_SAFE, 3, pieces, 4),
			 0);
	assert_int_equal(ordo_engine_submitv(e, ORDO_SVC_FIFO, 4, bytes, 64),
			 0);
	free(big);

	h_net_form(net);
	run_until_delivered(net, 3);
	for (i = 0; i < net->n; i++) {
		const struct h_delivery *d = net->node[i].dv;

		assert_int_equal(d[0].len, 8);
		assert_memory_equal(d[0].data, "abcdefgh", 8);
		assert_pattern(&d[1], 3, MAX_MSG);
		assert_int_equal(d[1].service, ORDO_SVC_SAFE);
		assert_pattern(&d[2], 4, 64);
	}
}

/* Keep the queue near full while the ring drains it, so the byte ring
 * wraps at every offset: what comes out is what went in.
 */
static uint32_t wrap_len(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*x >> 33) % (*x >> 63 ? 300 : MAX_MSG + 1);
}

static void test_queue_wraps_without_corruption(void **state)
{
	struct h_net *net = *state;
	struct ordo_engine_config c;
	struct ordo_engine *e;
	const uint32_t msgs = 1000;
	uint32_t sub = 0, eagain = 0, len, i, k;
	uint64_t x = 99;

	/* A visit drains only two packets: the queue stays part full. */
	h_net_fini(net);
	small_config(&c, 3);
	c.personal_window = 2;
	c.global_window = 4;
	c.accel_window = 1;
	h_net_init(net, &c);
	e = h_node(net, 2)->e;
	h_net_form(net);
	len = wrap_len(&x);
	while (sub < msgs) {
		while (sub < msgs) {
			uint32_t before = ordo_engine_submit_space(e);
			uint8_t *m = pattern_msg(sub, len);
			int rc = ordo_engine_submit(e, ORDO_SVC_AGREED,
						    (uint16_t)sub, m, len);

			free(m);
			if (rc == -EAGAIN) { /* the same message, later */
				assert_int_equal(ordo_engine_submit_space(e),
						 before);
				eagain++;
				break;
			}
			assert_int_equal(rc, 0);
			sub++;
			len = wrap_len(&x);
		}
		for (i = 0; i < 3; i++)
			h_step(net);
	}
	assert_true(eagain > 100);
	run_until_delivered(net, msgs);
	x = 99;
	for (i = 0; i < msgs; i++) {
		len = wrap_len(&x);
		for (k = 0; k < net->n; k++) {
			const struct h_delivery *d = &net->node[k].dv[i];

			assert_int_equal(d->msg_type, i);
			assert_pattern(d, i, len);
		}
	}
	assert_int_equal(ordo_engine_submit_space(e), QBYTES);
}

/* Regression (engine/submit.c, q_reserve): once the queue has wrapped, a
 * message that exactly fills the gap before the head makes tail == head;
 * that is a full queue, not an empty one: the next submit must be refused,
 * not overwrite the oldest waiting messages. A ring of one with
 * personal_window 1, so that one visit sends one packet: */
static void test_full_wrapped_queue_takes_no_more(void **state)
{
	struct h_net *net = *state;
	struct ordo_engine_config c;
	struct ordo_engine *e;
	uint32_t i;

	h_net_fini(net);
	small_config(&c, 1);
	c.personal_window = 1;
	c.global_window = 1;
	c.accel_window = 0;
	c.store_packets = 64;
	c.max_msg_size = 1024;
	c.submit_bytes = 4096;
	h_net_init(net, &c);
	e = h_node(net, 1)->e;
	/* Four entries of 16 + 1008 bytes fill the 4096-byte queue. */
	for (i = 1; i <= 4; i++)
		submit_pattern(e, ORDO_SVC_AGREED, (uint16_t)i, 1008);
	assert_int_equal(ordo_engine_submit_space(e), 0);
	h_net_form(net);
	/* The first visit took message 1 (two never share a packet). */
	while (h_node(net, 1)->ndv < 1)
		assert_true(h_step(net));
	assert_int_equal(ordo_engine_submit_space(e), 1024);
	/* Two 512-byte entries wrap to offset 0 and fill the gap exactly. */
	submit_pattern(e, ORDO_SVC_AGREED, 5, 496);
	submit_pattern(e, ORDO_SVC_AGREED, 6, 496);
	assert_int_equal(ordo_engine_submit_space(e), 0);
	/* Full: this must be refused. */
	assert_int_equal(ordo_engine_submit(e, ORDO_SVC_AGREED, 7, "", 0),
			 -EAGAIN);
	run_until_delivered(net, 6);
	for (i = 0; i < 6; i++)
		assert_pattern(&h_node(net, 1)->dv[i], i + 1,
			       i < 4 ? 1008 : 496);
}

/* Control messages overtake queued client messages; paused clients wait
 * (still accepted) until resumed, while control messages keep flowing. */
static void test_control_first_and_pause(void **state)
{
	struct h_net *net = *state;
	struct ordo_engine *e = h_node(net, 1)->e;
	struct iovec ctl = { .iov_base = "ctl", .iov_len = 3 };
	struct iovec ctl2 = { .iov_base = "ctl2", .iov_len = 4 };
	uint32_t i;

	h_net_form(net);
	ordo_engine_pause_clients(e, true);
	assert_int_equal(ordo_engine_submit(e, ORDO_SVC_AGREED, 1, "c1", 2), 0);
	assert_int_equal(ordo_engine_submit(e, ORDO_SVC_AGREED, 1, "c2", 2), 0);
	assert_int_equal(ordo_engine_submit_control(e, ORDO_SVC_AGREED, 9,
						    &ctl, 1), 0);
	assert_int_equal(ordo_engine_submit_control(e, ORDO_SVC_INTERNAL, 9,
						    &ctl, 1), -EINVAL);
	run_until_delivered(net, 1);
	/* Paused: the ring runs on, only the control message got through. */
	for (i = 0; i < 200; i++)
		h_step(net);
	for (i = 0; i < net->n; i++) {
		assert_int_equal(net->node[i].ndv, 1);
		assert_int_equal(net->node[i].dv[0].len, 3);
		assert_memory_equal(net->node[i].dv[0].data, "ctl", 3);
	}
	assert_int_equal(queued(e), 2);
	assert_int_equal(ordo_engine_submit_control(e, ORDO_SVC_SAFE, 9,
						    &ctl2, 1), 0);
	run_until_delivered(net, 2);
	ordo_engine_pause_clients(e, false);
	run_until_delivered(net, 4);
	for (i = 0; i < net->n; i++) {
		const struct h_delivery *d = net->node[i].dv;

		assert_memory_equal(d[1].data, "ctl2", 4);
		assert_int_equal(d[1].service, ORDO_SVC_SAFE);
		assert_memory_equal(d[2].data, "c1", 2);
		assert_memory_equal(d[3].data, "c2", 2);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(test_bad_service_is_einval),
		T(test_too_large_is_emsgsize),
		T(test_full_queue_is_eagain_until_drained),
		T(test_zero_length_messages),
		T(test_submitv_delivers_the_concatenation),
		T(test_queue_wraps_without_corruption),
		T(test_full_wrapped_queue_takes_no_more),
		T(test_control_first_and_pause),
	};

	unit_filter(argc, argv);
	return cmocka_run_group_tests_name("submit", tests, NULL, NULL);
}
