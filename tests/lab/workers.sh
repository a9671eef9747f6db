#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The same 3-node lab (perf.sh: ordod + ordo-ctrld per node, ordo-perf
# clients, order digests compared) twice in one session: the daemons with
# two lcores (main and ring: no worker, the ring lcore owns the ports and
# the crypto) and with three (the third is the crypto/io worker,
# dataplane/worker.h), and with four (--workers 2: the fourth is the
# client worker, dataplane/cworker.h, owning the clients' rings). Passes
# when every run checks clean with the same
# order on every node, every node of the second and third runs started
# its workers (the third: its client worker wrote deliveries),
# and the worker took the crypto off the ring lcore (its open and seal
# stages cost the ring lcore nothing; they cost the ring lcore something
# without one). Prints, for each size, both runs' messages/s and the ring
# lcore's cycles per ordered message side by side:
#
#   workers: size=S msgs_per_s=R0/R1/R2 ring_cyc_per_msg=C0/C1/C2 order=same/same/same
#
# Figures are measured; nothing here compares them against a bound (tests
# never time). Environment: as perf.sh (SIZES, SECS, NODES, IDLE, ...).
set -u
cd "$(dirname "$0")/../.."
LAB=tests/lab
NODES=${NODES:-3}
SIZES=${SIZES:-1024}
SECS=${SECS:-2}
export NODES SIZES SECS
out=$(mktemp -d /tmp/ordo-workers.XXXXXX)
bad=0

run() { # name lcores [ordod options]
	ORDOD_ARGS=${3:-} LAB_LCORES=$2 LAB_KEEP=1 LAB_DIR="$out/$1" LAB_NAME="ordow$1$$" \
		bash $LAB/perf.sh > "$out/$1.out" 2> "$out/$1.err" || {
		echo "workers: the $1 run failed:" >&2
		tail -n 15 "$out/$1.err" "$out/$1.out" >&2
		bad=1
	}
}
field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }

run w0 "0@(0,1),1@(0,1)"
run w1 "0@(0,1),1@(0,1),2@(0,1)"
# A fourth lcore for the client worker (dataplane/cworker.h), by name.
run w2 "0@(0,1),1@(0,1),2@(0,1),3@(0,1)" "--workers 2"
for ((i = 1; i <= NODES; i++)); do
	grep -q '^ordod: lcores main=0 ring=1 worker=2' "$out/w1/node$i.log" || {
		echo "workers: node $i of the worker run did not start its worker" >&2
		bad=1
	}
	grep -q '^ordod: lcores main=0 ring=1 worker=2 (ports and crypto) client_worker=3 (client rings)' "$out/w2/node$i.log" || {
		echo "workers: node $i of the client worker run did not start it" >&2
		bad=1
	}
	# It wrote the deliveries: every message it was handed, once.
	grep -Eq '^ordod: client worker lcore=3 items=[1-9][0-9]* msgs=[1-9]' "$out/w2/node$i.log" || {
		echo "workers: node $i's client worker wrote nothing" >&2
		bad=1
	}
	grep -q '^ordod: lcores main=0 ring=1$' "$out/w0/node$i.log" || {
		echo "workers: node $i of the run without a worker is not on main+ring" >&2
		bad=1
	}
done
for s in $SIZES; do
	a=$(grep "^perf-lab: size=$s " "$out/w0.out")
	b=$(grep "^perf-lab: size=$s " "$out/w1.out")
	c=$(grep "^perf-lab: size=$s " "$out/w2.out")
	sc=$(grep "^perf-lab-stages: size=$s " "$out/w2.out")
	sa=$(grep "^perf-lab-stages: size=$s " "$out/w0.out")
	sb=$(grep "^perf-lab-stages: size=$s " "$out/w1.out")
	for l in "$a" "$b" "$c"; do
		[ "$(field "$l" checked)" = yes ] && [ "$(field "$l" order)" = same ] || bad=1
	done
	# Crypto on the ring lcore without a worker, never on it with one.
	[ "$(field "$sb" cyc_open)" = 0 ] && [ "$(field "$sb" cyc_seal)" = 0 ] || {
		echo "workers: size $s: the ring lcore still opens or seals with a worker" >&2
		bad=1
	}
	[ "$(field "$sa" cyc_open)" != 0 ] || {
		echo "workers: size $s: no crypto cycles on the ring lcore without a worker" >&2
		bad=1
	}
	echo "workers: size=$s msgs_per_s=$(field "$a" rx_msgs_per_s)/$(field "$b" rx_msgs_per_s)/$(field "$c" rx_msgs_per_s)" \
	     "ring_cyc_per_msg=$(field "$a" cyc_per_msg)/$(field "$b" cyc_per_msg)/$(field "$c" cyc_per_msg)" \
	     "worker_cyc_per_msg=-/$(field "$b" worker_cyc_per_msg)/$(field "$c" worker_cyc_per_msg)" \
	     "order=$(field "$a" order)/$(field "$b" order)/$(field "$c" order)"
	echo "  no worker:   $sa"
	echo "  one worker:  $sb"
	echo "  two workers: $sc"
done
grep -h '^perf-lab-worker:' "$out/w1.out" | sed 's/^/  /'
grep -h '^ordod: client worker' "$out/w2/node1.log" | sed 's/^/  node 1: /'
if [ "$bad" = 0 ]; then
	rm -rf "$out"
	echo "workers: 0, 1 and 2 worker lcores, order checked on $NODES nodes: ok"
else
	echo "workers: FAILED (logs in $out)"
fi
exit "$bad"
