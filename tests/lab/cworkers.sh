#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Two client workers (ordod --workers 3, dataplane/cworkers.h): one node
# of perf.sh (ordod + ordo-ctrld, ordo-perf clients, order checked), one
# sending and 7 more receiving clients, on five lcores (main, ring, the
# crypto/io worker, two client workers; every lcore floating over the
# vCPUs). The clients' slots are split between the two workers (slot % 2),
# so a delivery goes to both. Passes when the run checks clean
# (order=same), ordod started both client workers, and each of them
# wrote deliveries (its exit line and, for the second, ordoctl counters'
# client_workers section through perf.sh). Prints perf.sh's lines and
# both workers' exit lines. Figures are measured, not compared against a
# bound (tests never time). Environment: as perf.sh (SECS, SIZES, ...).
set -u
cd "$(dirname "$0")/../.."
LAB=tests/lab
SECS=${SECS:-2}
SIZES=${SIZES:-64}
RECEIVERS=${RECEIVERS:-7}
export SECS SIZES RECEIVERS
out=$(mktemp -d /tmp/ordo-cworkers.XXXXXX)
bad=0
field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }

NODES=1 ORDOD_ARGS="--workers 3" LAB_LCORES="0@(0,1),1@(0,1),2@(0,1),3@(0,1),4@(0,1)" \
	LAB_KEEP=1 LAB_DIR="$out/w3" LAB_NAME="ordocw$$" \
	bash $LAB/perf.sh > "$out/w3.out" 2> "$out/w3.err" || {
	echo "cworkers: the run failed:" >&2
	tail -n 15 "$out/w3.err" "$out/w3.out" >&2
	bad=1
}
log="$out/w3/node1.log"
grep -q '^ordod: lcores main=0 ring=1 worker=2 (ports and crypto) client_worker=3 (client rings, its share) client_worker=4 (client rings, its share)' "$log" || {
	echo "cworkers: ordod did not start two client workers on lcores 3 and 4" >&2
	bad=1
}
# Each wrote deliveries: the messages handed to it, once each.
grep -Eq '^ordod: client worker lcore=3 items=[1-9][0-9]* msgs=[1-9][0-9]* records=[1-9]' "$log" || {
	echo "cworkers: the first client worker wrote nothing" >&2
	bad=1
}
grep -Eq '^ordod: client worker2 lcore=4 items=[1-9][0-9]* msgs=[1-9][0-9]* records=[1-9]' "$log" || {
	echo "cworkers: the second client worker wrote nothing" >&2
	bad=1
}
grep -Eq '^perf-lab-cworker2: node=1 lcore=4 msgs=[1-9]' "$out/w3.out" || {
	echo "cworkers: ordoctl counters has no client_worker2_ keys" >&2
	bad=1
}
for s in $SIZES; do
	l=$(grep "^perf-lab: size=$s " "$out/w3.out")
	[ "$(field "$l" checked)" = yes ] && [ "$(field "$l" order)" = same ] || {
		echo "cworkers: size $s: not checked clean: $l" >&2
		bad=1
	}
	echo "cworkers: size=$s rx_all_msgs_per_s=$(field "$l" rx_all_msgs_per_s) ring_cyc_per_msg=$(field "$l" cyc_per_msg) order=$(field "$l" order)"
done
grep -h '^perf-lab-cworker' "$out/w3.out" | sed 's/^/  /'
grep -h '^ordod: client worker' "$log" | sed 's/^/  /'
if [ "$bad" = 0 ]; then
	rm -rf "$out"
	echo "cworkers: two client workers, order checked: ok"
else
	echo "cworkers: FAILED (logs in $out)"
fi
exit "$bad"
