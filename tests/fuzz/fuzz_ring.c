/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The ring the wire fuzz target plays with (fuzz_ring.h).
 */
#include "tests/fuzz/fuzz_ring.h"

void fuzz_ring_config(struct ordo_engine_config *c)
{
	h_config(c, 3);
	/* Small, so that windows, the store's edge, reassembly limits and
	 * a full submit queue are a few packets away. */
	c->store_packets = 64;
	c->global_window = 16;
	c->personal_window = 8;
	c->accel_window = 4;
	c->max_msg_size = 8 << 10;
	c->submit_bytes = 32 << 10;
}

void fuzz_ring_form(struct h_net *net)
{
	struct ordo_engine_config c;

	fuzz_ring_config(&c);
	h_net_init(net, &c);
	h_net_form(net);
}
