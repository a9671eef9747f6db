#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Compare ordo-perf's order digests across nodes: one log per node (the
# stdout of one ordo-perf run), each holding `perf: order` lines
# (app/perf/README.md, "Order"): per round, per data group and for every
# data group together (group=*), the number of messages and the digest of
# (sender, sequence) in delivery order up to the round's last END.
#
# Passes only if every log has order lines, every log has the same
# (round, size, group) keys, no digest is `none` (a round that never saw
# every END), and for each key every node reports the same count and the
# same digest. Prints a line per key and ends with
#
#   order: same nodes=N keys=K          (exit 0)
#   order: differ nodes=N keys=K bad=B  (exit 1)
#
# Usage: order-compare.sh LOG... (exit 2: usage or a missing log).
set -u
[ $# -ge 1 ] || { echo "usage: $0 LOG..." >&2; exit 2; }
for f in "$@"; do
	[ -r "$f" ] || { echo "order: cannot read $f" >&2; exit 2; }
done
awk '
function val(k,   i, kv) {
	for (i = 3; i <= NF; i++)
		if (index($i, k "=") == 1)
			return substr($i, length(k) + 2)
	return ""
}
BEGIN {
	# From the arguments, not from FNR == 1: an empty log is a node too.
	for (i = 1; i < ARGC; i++) { file[i] = ARGV[i]; idx[ARGV[i]] = i; lines[i] = 0 }
	nfiles = ARGC - 1
}
/^perf: order / {
	f = idx[FILENAME]
	key = "round=" val("round") " size=" val("size") " group=" val("group")
	if (!(key in seen)) { seen[key] = 1; keys[++nkeys] = key }
	if ((f, key) in got) { dup[f, key] = 1 }
	got[f, key] = val("msgs") " " val("digest")
	node[f] = val("node")
	lines[f]++
}
END {
	bad = 0
	for (f = 1; f <= nfiles; f++)
		if (!(f in node)) node[f] = file[f]
	for (f = 1; f <= nfiles; f++)
		if (!lines[f]) {
			printf "order: %s has no order lines\n", file[f]
			bad++
		}
	for (k = 1; k <= nkeys; k++) {
		key = keys[k]; first = ""; diff = 0; missing = ""; none = 0
		for (f = 1; f <= nfiles; f++) {
			if (!((f, key) in got)) { missing = missing " " node[f] "(" file[f] ")"; continue }
			if ((f, key) in dup) diff = 1
			split(got[f, key], v, " ")
			if (v[2] == "none" || v[2] == "") none = 1
			if (first == "") first = got[f, key]
			else if (got[f, key] != first) diff = 1
		}
		if (missing != "" || diff || none) {
			bad++
			printf "order: %s differ:", key
			for (f = 1; f <= nfiles; f++)
				if ((f, key) in got) {
					split(got[f, key], v, " ")
					printf " %s=%s/%s", node[f], v[1], v[2]
				}
			if (missing != "") printf " missing in%s", missing
			if (none) printf " (a round without every END has no digest)"
			printf "\n"
		} else {
			split(first, v, " ")
			printf "order: %s msgs=%s digest=%s same on %d nodes\n", key, v[1], v[2], nfiles
		}
	}
	if (bad || !nkeys) {
		printf "order: differ nodes=%d keys=%d bad=%d\n", nfiles, nkeys, bad + !nkeys
		exit 1
	}
	printf "order: same nodes=%d keys=%d\n", nfiles, nkeys
}' "$@"
