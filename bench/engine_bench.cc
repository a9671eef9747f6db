// SPDX-License-Identifier: BSD-3-Clause
//
// Engine benchmark: ordered messages per second through an in-memory ring
// of engines in one thread (bench/engine_ring.c, our C code). The wrapper
// only times it. Figures are per ring and per member-core:
//   items_per_second    messages delivered in total order at every member
//   node_msgs_per_s     the same times the member count: the work one
//                       engine would do on its own core in a real ring
#include <benchmark/benchmark.h>

#include "bench/engine_ring.h"
#include "ordo/wire.h"

static void BM_Ring(benchmark::State &state)
{
	const uint32_t nodes = (uint32_t)state.range(0);
	const uint32_t size = (uint32_t)state.range(1);
	const uint32_t mtu = (uint32_t)state.range(2);
	const uint8_t service = (uint8_t)state.range(3);
	const uint64_t batch = size <= 1024 ? 200000 : 20000;
	struct engine_ring *r = engine_ring_create(nodes, mtu, size, service);
	uint64_t msgs = 0;

	if (r == nullptr) {
		state.SkipWithError("engine_ring_create failed");
		return;
	}
	for (auto _ : state) {
		if (engine_ring_run(r, batch, 1) < 0) {
			state.SkipWithError("ring stalled");
			break;
		}
		msgs += batch;
	}
	for (uint32_t i = 1; i < nodes; i++)
		if (engine_ring_digest(r, i) != engine_ring_digest(r, 0))
			state.SkipWithError("members disagree on the order");
	state.SetItemsProcessed((int64_t)msgs);
	state.SetBytesProcessed((int64_t)(msgs * size));
	state.counters["node_msgs_per_s"] = benchmark::Counter(
		(double)msgs * nodes, benchmark::Counter::kIsRate);
	state.counters["ns_per_msg"] = benchmark::Counter(
		(double)msgs, benchmark::Counter::kIsRate |
				      benchmark::Counter::kInvert);
	engine_ring_destroy(r);
}

// nodes, message size, MTU, service
BENCHMARK(BM_Ring)
	->ArgNames({"nodes", "size", "mtu", "svc"})
	->Args({3, 64, 1500, ORDO_SVC_AGREED})
	->Args({3, 64, 9000, ORDO_SVC_AGREED})
	->Args({3, 64, 1500, ORDO_SVC_SAFE})
	->Args({3, 1024, 1500, ORDO_SVC_AGREED})
	->Args({3, 1024, 9000, ORDO_SVC_AGREED})
	->Args({3, 8192, 9000, ORDO_SVC_AGREED})
	->Args({5, 64, 1500, ORDO_SVC_AGREED})
	->Unit(benchmark::kMillisecond)
	->UseRealTime();

BENCHMARK_MAIN();
