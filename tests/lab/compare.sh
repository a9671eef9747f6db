#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make bench-compare: ordo next to Corosync and to the port's raw capacity,
# on the same namespace lab, in one invocation (each set up and torn down
# in turn, so they never share the CPUs):
#
#   1. testpmd txonly -> rxonly on PORT (tests/lab/bench.sh BASELINE_ONLY):
#      what the port type moves at best, per message size;
#   2. ordo: 3 nodes (ordod + ordo-ctrld each), one ordo-perf sender and
#      one receiver per node, AGREED, flood (tests/lab/perf.sh);
#   3. Corosync 3: 3 nodes, one cpg_flood sender per node, CPG's agreed
#      order (tests/lab/corosync/bench.sh).
#
# Both ordo and Corosync check what they deliver: each receiver its
# senders' sequences and every payload; then the nodes' order digests are
# compared, per size: Corosync's one digest per node (of every message up
# to the last END), ordo's per data group and for all groups together, per
# round, of every AGREED delivery up to the round's last END
# (tests/lab/order-compare.sh). A run that lost, misordered or damaged
# anything, or whose nodes' digests differ, fails the comparison.
# Then the seeds' file transfer: BIG_SIZES (default 1 MiB, about Corosync
# CPG's largest message) for testpmd (full 1514-byte frames) and ordo;
# Corosync is tried at that size too and its column says n/a, with the
# reason on stderr, if it cannot take it. Prints a table, then
#
#   compare: ordo/testpmd 1MiB goodput fraction=F
#   compare: ordo/corosync 1KiB msgs/s ratio=R        (the last line)
#
# F = ordo's goodput (messages delivered per node per second x size) over
# testpmd's payload capacity with full frames, both measured in this run.
#
#   SIZES="100 1024 8192" BIG_SIZES=1048576 SECS=5 PORT=afpacket tests/lab/compare.sh
set -u
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-100 1024 8192}
BIG_SIZES=${BIG_SIZES-1048576}
SECS=${SECS:-5}
PORT=${PORT:-afpacket}
B=${BUILD_DIR:-$PWD/build}
export ORDOD=${ORDOD:-$B/dataplane/ordod}
OUT=$(mktemp -d /tmp/ordo-compare.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

log() { echo "compare: $*" >&2; }
field() { # file prefix size key
	grep -- "^$2" "$1" | grep -- " size=$3 " | tail -1 | tr ' ' '\n' |
		sed -n "s/^$4=//p"
}

log "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
for s in $SIZES $BIG_SIZES; do
	log "testpmd baseline, $s-byte messages"
	NODES=2 PORT=$PORT SIZE=$s SECS=$SECS BASELINE_ONLY=1 \
		bash tests/lab/bench.sh 2>>"$OUT/err" | tail -1 >> "$OUT/baseline" ||
		{ tail -n 5 "$OUT/err"; exit 1; }
done
log "ordo: 3 nodes, one sender per node, sizes $SIZES $BIG_SIZES"
SIZES="$SIZES $BIG_SIZES" SECS=$SECS NODES=3 BUILD_DIR=$B bash tests/lab/perf.sh \
	> "$OUT/ordo" 2>>"$OUT/err" || { tail -n 5 "$OUT/ordo" "$OUT/err"; exit 1; }
log "corosync: 3 nodes, one sender per node, sizes $SIZES"
SIZES=$SIZES SECS=$SECS bash tests/lab/corosync/bench.sh \
	> "$OUT/corosync" 2>>"$OUT/err" || { tail -n 5 "$OUT/corosync" "$OUT/err"; exit 1; }
for s in $BIG_SIZES; do
	log "corosync: $s-byte messages (may be above what CPG takes)"
	SIZES=$s SECS=$SECS bash tests/lab/corosync/bench.sh \
		>> "$OUT/corosync" 2>"$OUT/err-big" || {
		log "corosync could not run $s-byte messages: $(grep -v '^ *$' "$OUT/err-big" | tail -1)"
		echo "corosync: size=$s msgs_per_s=n/a ordered=n/a" >> "$OUT/corosync"
	}
done

printf '%-8s %14s %14s %7s %12s %12s %9s\n' size ordo_msgs/s corosync_msgs/s ratio \
	ordo_Gbit/s testpmd_Gbit/s fraction
ratio_1k= frac_1m=
for s in $SIZES $BIG_SIZES; do
	o=$(field "$OUT/ordo" perf-lab: "$s" rx_msgs_per_s)
	oc=$(field "$OUT/ordo" perf-lab: "$s" checked)
	oo=$(field "$OUT/ordo" perf-lab: "$s" order)
	c=$(field "$OUT/corosync" corosync: "$s" msgs_per_s)
	cc=$(field "$OUT/corosync" corosync: "$s" ordered)
	t=$(field "$OUT/baseline" baseline: "$s" testpmd_gbit_per_s)
	[ "$oc" = yes ] || { log "ordo's $s-byte run was not clean ($oc)"; exit 1; }
	[ "$oo" = same ] || { log "ordo's $s-byte run: the nodes' order digests were not the same (order=$oo)"; exit 1; }
	if [ "$c" = n/a ]; then
		r=n/a
	else
		[ "$cc" = yes ] || { log "corosync's $s-byte run was not clean ($cc)"; exit 1; }
		r=$(awk -v a="$o" -v b="$c" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
	fi
	g=$(awk -v a="$o" -v s="$s" 'BEGIN { printf "%.3f", a * s * 8 / 1e9 }')
	f=$(awk -v g="$g" -v t="$t" 'BEGIN { printf "%.2f", (t > 0 ? g / t : 0) }')
	printf '%-8s %14.0f %14s %7s %12s %12s %9s\n' "$s" "$o" "$c" "$r" "$g" "$t" "$f"
	[ "$s" = 1024 ] && ratio_1k=$r
	[ "$s" = 1048576 ] && frac_1m=$f
done
echo "compare: port=$PORT secs=$SECS goodput = messages delivered per node x size; fraction = of testpmd's payload capacity"
echo "compare: ordo/testpmd 1MiB goodput fraction=${frac_1m:-n/a}"
echo "compare: ordo/corosync 1KiB msgs/s ratio=${ratio_1k:-n/a}"
