/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The mutator of the configuration fuzz target (fuzz_conf.c), under
 * libFuzzer and the driver alike (tests/fuzz/driver/fuzz_target.h): it
 * knows the syntax a little, its keywords and tokens and its lines.
 */
#include <stdint.h>
#include <string.h>

#include "tests/fuzz/driver/fuzz_target.h"

static const char *const dict[] = {
	"Spread_Segment", "{", "}", "=", ";", "\"", "#", "!", "\n", "\t",
	"Ordo", "Daemon", "Access", "Uid", "Gid", "Allow", "Port", "Lcores", "RxQueues",
	"Mac", "Mtu", "Encap", "ethernet", "udp", "ClientSocket", "Hugepages",
	"IdleStrategy", "StorePackets", "MaxMessageSize", "SubmitQueueBytes",
	"TokenRetransmit", "DebugFlags", "EventPriority", "EventLogFile",
	"EventTimeStamp", "EventPreciseTimeStamp", "RuntimeDir", "DaemonUser",
	"DaemonGroup", "MaxSessionMessages", "Window", "PersonalWindow",
	"AcceleratedRing", "AcceleratedWindow", "TokenTimeout",
	"HurryTimeout", "AliveTimeout", "JoinTimeout", "RepTimeout",
	"SegTimeout", "GatherTimeout", "FormTimeout", "LookupTimeout",
	"VirtualID", "10.0.0.1", "10.0.0.2", "239.0.0.1:4803", "127.0.0.1",
	"D", "C", "M", "*", "yes", "no", "16M", "1ms", "2-5,8", "0",
	"4294967295", "65536", "02:00:00:00:00:01", "ALL", "NONE", "\\\"",
	"\xc3\xa9", "\xff", "\r", "none", "join send",
};

/* The line around data[at]: [*start, *end), its newline included. */
static void line_at(const uint8_t *data, size_t size, size_t at,
		    size_t *start, size_t *end)
{
	const uint8_t *nl;

	*start = at;
	while (*start > 0 && data[*start - 1] != '\n')
		(*start)--;
	nl = at < size ? memchr(data + at, '\n', size - at) : NULL;
	*end = nl ? (size_t)(nl - data) + 1 : size;
}

/* Half the steps are the fuzzer's own (libFuzzer's, or the driver's
 * generic ones); the others insert a token of the syntax, or repeat or
 * drop a whole line (repeated keys and daemons, blocks left open). */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	struct fuzz_rng r;
	size_t at, start, end, to;
	const char *w;

	fuzz_rng_seed(&r, seed);
	switch (fuzz_rng_below(&r, 8)) {
	default:
		return LLVMFuzzerMutate(data, size, max_size);
	case 4: /* a token, maybe after a space */
	case 5:
		w = dict[fuzz_rng_below(&r, sizeof(dict) / sizeof(dict[0]))];
		at = fuzz_rng_below(&r, size + 1);
		size = fuzz_insert(data, size, max_size, at, w, strlen(w));
		if (fuzz_rng_below(&r, 2))
			size = fuzz_insert(data, size, max_size, at, " ", 1);
		return size;
	case 6: /* a line again, at the start of another */
		line_at(data, size, fuzz_rng_below(&r, size + 1), &start, &end);
		line_at(data, size, fuzz_rng_below(&r, size + 1), &to, &at);
		return fuzz_repeat(data, size, max_size, start, end - start, to);
	case 7: /* a line gone */
		line_at(data, size, fuzz_rng_below(&r, size + 1), &start, &end);
		return fuzz_erase(data, size, start, end - start);
	}
}
