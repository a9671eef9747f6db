/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Throughput of the group layer's delivery path: 64-byte DATA messages
 * from a remote daemon to a group with one local client, straight into
 * ordo_groups_on_deliver. Prints messages/s, the median of 5 runs. Not a
 * test: no assertion on time.
 *
 *   bench_groups [messages per run]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "groups/groups.h"

static uint64_t delivered;

static int submit(void *ctx, bool control, uint8_t service, uint16_t msg_type,
		  const struct iovec *iov, int iovcnt)
{
	(void)ctx; (void)control; (void)service; (void)msg_type;
	(void)iov; (void)iovcnt;
	return 0;
}

static void deliver_msg(void *ctx, uint32_t client,
			const struct ordo_groups_msg *m)
{
	(void)ctx; (void)client;
	delivered += m->len;
}

static void deliver_memb(void *ctx, uint32_t client,
			 const struct ordo_groups_memb *m)
{
	(void)ctx; (void)client; (void)m;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const struct ordo_groups_ops ops = {
		.submit = submit, .deliver_msg = deliver_msg,
		.deliver_memb = deliver_memb,
	};
	struct ordo_groups_config cfg = {
		.my_id = 1, .n_nodes = 2, .max_clients = 4,
		.nodes = { { 1, "n1" }, { 2, "n2" } },
	};
	struct ordo_config_change c = {
		.kind = ORDO_CONF_REGULAR, .ring_rep = 1, .ring_seq = 1,
		.n_members = 2, .members = { 1, 2 },
	};
	/* JOIN of "#a#n1" to "bench", each daemon's STATE, then DATA. */
	uint8_t join[] = { 1, 2, 0, 1, 1, 0, 0, 0, 'a', 5, 'b', 'e', 'n', 'c', 'h' };
	uint8_t state[24] = { 0, 0, 0, 1, 0, 0, 0, 1 };
	uint8_t data[8 + 6 + 6 + 64] = { 1, 1, 0, 1, 6, 0, 0, 0,
					 's', 'e', 'n', 'd', 'e', 'r',
					 5, 'b', 'e', 'n', 'c', 'h' };
	struct ordo_delivery d = { .service = 5, .ring_rep = 1, .ring_seq = 1 };
	long n = argc > 1 ? atol(argv[1]) : 20000000;
	double rate[5], t0;
	struct ordo_groups *g;

	g = ordo_groups_create(&cfg, &ops, NULL);
	if (g == NULL || n <= 0)
		return 1;
	ordo_groups_on_config(g, &c);
	d.msg_type = 5;
	d.data = state;
	d.len = sizeof(state);
	for (d.sender = 1; d.sender <= 2; d.sender++)
		ordo_groups_on_deliver(g, &d);
	ordo_groups_client_add(g, 0, "a");
	d.sender = 1;
	d.msg_type = 2;
	d.data = join;
	d.len = sizeof(join);
	ordo_groups_on_deliver(g, &d);
	if (ordo_groups_client_groups(g, 0) != 1) {
		fprintf(stderr, "bench_groups: setup failed\n");
		return 1;
	}

	d.sender = 2;
	d.msg_type = 0;
	d.data = data;
	d.len = sizeof(data);
	for (int r = 0; r < 5; r++) {
		t0 = now();
		for (long i = 0; i < n; i++) {
			d.seq++;
			ordo_groups_on_deliver(g, &d);
		}
		rate[r] = (double)n / (now() - t0);
	}
	qsort(rate, 5, sizeof(rate[0]), cmp);
	printf("groups deliver: 64 B DATA, 1 local client: %.2f M msgs/s "
	       "(median of 5 x %ld; %llu bytes delivered)\n", rate[2] / 1e6, n,
	       (unsigned long long)delivered);
	if (ordo_groups_stats(g)->delivered_msgs != (uint64_t)n * 5)
		return 1;
	ordo_groups_destroy(g);
	return 0;
}
