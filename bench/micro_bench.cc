// SPDX-License-Identifier: BSD-3-Clause
//
// Microbenchmarks: packing and fragmentation, receive and reassembly, wire
// encode/decode, client ring enqueue/dequeue, delivery copy, and memcpy of
// the same bytes as the baseline. The work is our C code (the engine's
// fixtures engine/bench/pack_bench.c and wire_bench.c, and cring_bench.c);
// this file only registers and times it.
//
// Every benchmark reports items_per_second (messages, packets or records)
// and, where there is a payload, bytes_per_second of payload (for the
// codec: of the bytes encoded or validated). A benchmark whose label reads "vs memcpy/<n>B"
// has that baseline in the same run; scripts/bench.sh prints the ratio.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "bench/cring_bench.h"
#include "engine/bench/pack_bench.h"
#include "engine/bench/wire_bench.h"

namespace {

// Repetitions are the script's business; each is short.
constexpr double kMinTime = 0.05;

void report(benchmark::State &st, int64_t items, int64_t bytes_per_item)
{
	st.SetItemsProcessed(items);
	if (bytes_per_item > 0)
		st.SetBytesProcessed(items * bytes_per_item);
}

void pack(benchmark::State &st, uint32_t mtu, uint32_t size, bool receive)
{
	struct pack_bench *b = pack_bench_create(mtu, size);
	int64_t items = 0;

	if (b == nullptr) {
		st.SkipWithError("pack_bench_create failed");
		return;
	}
	if (receive && pack_bench_pack(b) < 0) {
		st.SkipWithError("packing the batch failed");
		pack_bench_destroy(b);
		return;
	}
	for (auto _ : st) {
		int64_t n = receive ? pack_bench_receive(b) : pack_bench_pack(b);

		if (n < 0) {
			st.SkipWithError(receive ? "a packet or message was refused"
						 : "the submit queue did not empty");
			break;
		}
		items += n;
	}
	st.counters["pkts_per_batch"] = pack_bench_packets(b);
	st.counters["msgs_per_batch"] = pack_bench_batch(b);
	st.SetLabel("vs memcpy/" + std::to_string(size) + "B");
	report(st, items, size);
	pack_bench_destroy(b);
}

void wire(benchmark::State &st, enum wire_bench_op op, uint32_t mtu,
	  uint32_t size, uint32_t rtr)
{
	struct wire_bench *b = wire_bench_create(op, mtu, size, rtr);
	int64_t items = 0;

	if (b == nullptr) {
		st.SkipWithError("wire_bench_create failed");
		return;
	}
	for (auto _ : st) {
		int64_t n = wire_bench_run(b);

		if (n < 0) {
			st.SkipWithError("the codec refused a packet");
			break;
		}
		items += n;
	}
	st.counters["pkt_bytes"] = wire_bench_packet_len(b);
	if (op == WIRE_DECODE_DATA || op == WIRE_ENCODE_DATA_HDR)
		st.counters["records"] = wire_bench_records(b);
	// Decoding a DATA packet walks its record headers, not the payload:
	// records per second say more than bytes.
	if (op == WIRE_DECODE_DATA)
		st.counters["records_per_s"] = benchmark::Counter(
			(double)items * wire_bench_records(b),
			benchmark::Counter::kIsRate);
	report(st, items, op == WIRE_DECODE_DATA ? 0 : wire_bench_op_bytes(b));
	wire_bench_destroy(b);
}

void cring(benchmark::State &st, enum cring_bench_op op, uint32_t payload,
	   uint32_t n_names)
{
	struct cring_bench *b = cring_bench_create(op, payload, n_names);
	int64_t items = 0;

	if (b == nullptr) {
		st.SkipWithError("cring_bench_create failed");
		return;
	}
	for (auto _ : st) {
		int64_t n = cring_bench_run(b);

		if (n < 0) {
			st.SkipWithError("the ring misbehaved");
			break;
		}
		items += n;
	}
	// peek + advance touches headers only: no bytes, no memcpy to match.
	if (op != CRING_MEMCPY && op != CRING_DEQUEUE)
		st.SetLabel("vs memcpy/" +
			    std::to_string(cring_bench_record_len(b)) + "B");
	report(st, items, op == CRING_DEQUEUE ? 0 : payload);
	cring_bench_destroy(b);
}

template <class F> void add(const std::string &name, F &&fn)
{
	benchmark::RegisterBenchmark(name.c_str(), fn)->MinTime(kMinTime);
}

std::string sz(uint32_t n)
{
	return std::to_string(n) + "B";
}

void register_all()
{
	const uint32_t sizes[] = {64, 1024, 8192};
	const uint32_t mtus[] = {1500, 9000};
	// Record lengths of the ring benchmarks (header + names + payload),
	// which their baselines copy.
	const uint32_t rec_bytes[] = {64, 1024, 8192, 128, 1088, 160, 1120, 8288};

	for (uint32_t size : sizes)
		for (uint32_t mtu : mtus) {
			std::string tail = sz(size) + "/mtu" + std::to_string(mtu);

			add("pack/" + tail, [=](benchmark::State &st) {
				pack(st, mtu, size, false);
			});
			add("receive/" + tail, [=](benchmark::State &st) {
				pack(st, mtu, size, true);
			});
		}

	for (uint32_t mtu : mtus)
		add("wire/encode-data-hdr/mtu" + std::to_string(mtu),
		    [=](benchmark::State &st) {
			    wire(st, WIRE_ENCODE_DATA_HDR, mtu, 64, 0);
		    });
	for (uint32_t size : sizes)
		for (uint32_t mtu : mtus) {
			if (size == 8192 && mtu == 1500)
				continue; // a fragment: the same as 1 KiB's
			add("wire/decode-data/" + sz(size) + "/mtu" +
				    std::to_string(mtu),
			    [=](benchmark::State &st) {
				    wire(st, WIRE_DECODE_DATA, mtu, size, 0);
			    });
		}
	for (uint32_t rtr : {0u, 16u}) {
		add("wire/encode-token/rtr" + std::to_string(rtr),
		    [=](benchmark::State &st) {
			    wire(st, WIRE_ENCODE_TOKEN, 1500, 1, rtr);
		    });
		add("wire/decode-token/rtr" + std::to_string(rtr),
		    [=](benchmark::State &st) {
			    wire(st, WIRE_DECODE_TOKEN, 1500, 1, rtr);
		    });
	}

	for (uint32_t size : {64u, 1024u}) {
		add("ring/enqueue/" + sz(size), [=](benchmark::State &st) {
			cring(st, CRING_ENQUEUE, size, 1);
		});
		add("ring/dequeue/" + sz(size), [=](benchmark::State &st) {
			cring(st, CRING_DEQUEUE, size, 1);
		});
		add("ring/read/" + sz(size), [=](benchmark::State &st) {
			cring(st, CRING_READ, size, 1);
		});
	}
	for (uint32_t size : sizes)
		add("deliver-copy/" + sz(size), [=](benchmark::State &st) {
			cring(st, CRING_DELIVER, size, 2);
		});

	for (uint32_t n : rec_bytes)
		add("memcpy/" + sz(n), [=](benchmark::State &st) {
			cring(st, CRING_MEMCPY, n, 0);
		});
}

} // namespace

int main(int argc, char **argv)
{
	register_all();
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
