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
#
# ordo runs on PORT, the port type its testpmd baseline measured
# (afpacket or afxdp; Corosync always uses the kernel's UDP over the same
# veths), sealed as it ships (Crypto = aes256gcm). The cost of crypto is
# measured in the same invocation (issue 11): ordo again in the clear
# (Crypto = none) and Corosync again with knet's crypto (crypto_cipher
# aes256, crypto_hash sha256), for the sizes of ENC_SIZES (default: those
# of SIZES up to 8 KiB).
#
# Then the seeds' file transfer: BIG_SIZES (default 1 MiB, about Corosync
# CPG's largest message) for testpmd (full 1514-byte frames) and ordo;
# Corosync is tried at that size too and its column says n/a, with the
# reason on stderr, if it cannot take it. Prints a table (ordo sealed,
# Corosync in the clear, testpmd), a second one (each with and without
# crypto), then
#
#   compare: ordo encrypted/plain 1KiB goodput ratio=R  (median of ENC_REPS pairs)
#   compare: ordo/corosync encrypted 1KiB msgs/s ratio=R
#   compare: ordo/corosync 100B msgs/s ratio=R          (the first table's)
#   compare: ordo/testpmd 1KiB goodput fraction=F       (the first table's)
#   compare: ordo/testpmd 1MiB goodput fraction=F
#   compare: ordo/corosync 1KiB msgs/s ratio=R          (the last line)
#
# F = ordo's goodput (messages delivered per node per second x size) over
# testpmd's payload capacity with full frames, both measured in this run.
#
#   SIZES="100 1024 8192" BIG_SIZES=1048576 SECS=5 PORT=afpacket tests/lab/compare.sh
#   PORT=afxdp tests/lab/compare.sh
set -u
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-100 1024 8192}
BIG_SIZES=${BIG_SIZES-1048576}
SECS=${SECS:-5}
PORT=${PORT:-afpacket}
case $PORT in
afpacket | afxdp) ;;
*) echo "compare: PORT '$PORT': ordo's lab (tests/lab/perf.sh) runs on afpacket or afxdp" >&2
   exit 1 ;;
esac
ENC_SIZES=${ENC_SIZES:-$(for s in $SIZES; do [ "$s" -le 8192 ] && printf '%s ' "$s"; done)}
ENC_SIZES=${ENC_SIZES% }
# Sealed/plain pairs of ordo runs at 1 KiB (the first pair is the runs
# above); the encrypted/plain ratio is the median of the pairs' ratios.
ENC_REPS=${ENC_REPS:-3}
[[ "$ENC_REPS" =~ ^[1-9]$ ]] || { echo "compare: ENC_REPS '$ENC_REPS': want 1..9" >&2; exit 1; }
B=${BUILD_DIR:-$PWD/build}
export ORDOD=${ORDOD:-$B/dataplane/ordod}
OUT=$(mktemp -d /tmp/ordo-compare.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

log() { echo "compare: $*" >&2; }
field() { # file prefix size key
	grep -- "^$2" "$1" | grep -- " size=$3 " | tail -1 | tr ' ' '\n' |
		sed -n "s/^$4=//p"
}

# --- issue 11: what crypto costs, measured in this invocation -----------
# ordo in the clear and Corosync with knet's crypto, each run beside its
# other half (ordo sealed, Corosync in the clear) so that both halves of a
# ratio see the same machine. Each run must be clean, as the main ones.
ordo_plain_run() {
	log "ordo: 3 nodes on $PORT, in the clear (Crypto = none), sizes $ENC_SIZES"
	SIZES=$ENC_SIZES SECS=$SECS NODES=3 BUILD_DIR=$B PORT=$PORT LAB_CRYPTO=none \
		bash tests/lab/perf.sh > "$OUT/ordo-plain" 2>>"$OUT/err" ||
		{ tail -n 5 "$OUT/ordo-plain" "$OUT/err"; exit 1; }
	ordo_pairs_run
}

# ENC_REPS-1 more pairs at 1 KiB, each a fresh ring, plain first in
# every other pair: a machine that gets busier or quieter (others share
# it) favours neither side.
ordo_pairs_run() {
	local k c order
	[[ " $ENC_SIZES " == *" 1024 "* ]] || return 0
	for ((k = 2; k <= ENC_REPS; k++)); do
		order="aes256gcm none"
		[ $((k % 2)) = 0 ] && order="none aes256gcm"
		for c in $order; do
			log "ordo: pair $k of $ENC_REPS, 1 KiB, crypto $c"
			SIZES=1024 SECS=$SECS NODES=3 BUILD_DIR=$B PORT=$PORT LAB_CRYPTO=$c \
				bash tests/lab/perf.sh > "$OUT/pair$k-$c" 2>>"$OUT/err" ||
				{ tail -n 5 "$OUT/pair$k-$c" "$OUT/err"; exit 1; }
		done
	done
}

# The pairs' 1 KiB sealed/plain ratios, one per line (clean runs only).
pair_ratios() {
	local k
	div "$(field "$OUT/ordo" perf-lab: 1024 rx_msgs_per_s)" \
	    "$(field "$OUT/ordo-plain" perf-lab: 1024 rx_msgs_per_s)" 3
	for ((k = 2; k <= ENC_REPS; k++)); do
		ordo_clean "$OUT/pair$k-aes256gcm" 1024
		ordo_clean "$OUT/pair$k-none" 1024
		div "$(field "$OUT/pair$k-aes256gcm" perf-lab: 1024 rx_msgs_per_s)" \
		    "$(field "$OUT/pair$k-none" perf-lab: 1024 rx_msgs_per_s)" 3
	done
}
corosync_enc_run() {
	log "corosync: 3 nodes, knet crypto aes256 + sha256, sizes $ENC_SIZES"
	SIZES=$ENC_SIZES SECS=$SECS COROSYNC_CRYPTO=aes256 bash tests/lab/corosync/bench.sh \
		> "$OUT/corosync-enc" 2>>"$OUT/err" ||
		{ tail -n 5 "$OUT/corosync-enc" "$OUT/err"; exit 1; }
}

# a / b to $2 decimals, n/a when either is missing or b is 0.
div() {
	awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN {
		if (a == "" || b == "" || b + 0 == 0) print "n/a"
		else printf "%.*f\n", d, a / b }'
}

# A clean ordo result for size $2 in file $1 (checked=yes, and the nodes'
# orders the same where perf.sh compares them), else exit.
ordo_clean() {
	local c o
	c=$(field "$1" perf-lab: "$2" checked)
	o=$(field "$1" perf-lab: "$2" order)
	[ "$c" = yes ] || { log "ordo's $2-byte run ($(basename "$1")) was not clean ($c)"; exit 1; }
	[ -z "$o" ] || [ "$o" = same ] ||
		{ log "ordo's $2-byte run ($(basename "$1")): order=$o"; exit 1; }
}

# The second table, sealed next to clear, and the two issue 11 lines.
crypto_report() {
	local s op oe cp ce eo=n/a ec=n/a
	# What each run says it ran on (ordo: port, crypto device, frames
	# sealed; Corosync: packets knet encrypted), in the order they ran.
	grep -E '^lab: (ring of|node 1: )|^corosync-bench: (ring of|knet crypto)' "$OUT/err" |
		sed 's/^/compare: ran: /' >&2
	echo "compare: crypto: ordo aes256gcm vs Crypto = none on $PORT;" \
	     "corosync knet aes256+sha256 vs none"
	printf '%-6s %12s %12s %8s %12s %12s %8s %12s\n' size ordo_plain/s ordo_aes/s \
		aes/plain coro_plain/s coro_aes/s aes/plain ordo/coro_aes
	for s in $ENC_SIZES; do
		ordo_clean "$OUT/ordo" "$s"
		ordo_clean "$OUT/ordo-plain" "$s"
		[ "$(field "$OUT/corosync-enc" corosync: "$s" ordered)" = yes ] ||
			{ log "corosync's encrypted $s-byte run was not clean"; exit 1; }
		op=$(field "$OUT/ordo-plain" perf-lab: "$s" rx_msgs_per_s)
		oe=$(field "$OUT/ordo" perf-lab: "$s" rx_msgs_per_s)
		cp=$(field "$OUT/corosync" corosync: "$s" msgs_per_s)
		ce=$(field "$OUT/corosync-enc" corosync: "$s" msgs_per_s)
		printf '%-6s %12.0f %12.0f %8s %12.0f %12.0f %8s %12s\n' "$s" "$op" "$oe" \
			"$(div "$oe" "$op" 2)" "$cp" "$ce" "$(div "$ce" "$cp" 2)" \
			"$(div "$oe" "$ce" 1)"
		# Same message size on both sides: the goodput ratio is the
		# messages' ratio.
		[ "$s" = 1024 ] && ec=$(div "$oe" "$ce" 1)
	done
	if [[ " $ENC_SIZES " == *" 1024 "* ]]; then
		local rs
		rs=$(pair_ratios) || exit 1
		echo "compare: ordo 1KiB sealed/plain msgs/s, pair by pair: ${rs//$'\n'/ }"
		eo=$(printf '%s\n' "$rs" | sort -g |
			awk '{ v[NR] = $1 } END { printf "%.2f\n", v[int((NR + 1) / 2)] }')
	fi
	echo "compare: ordo encrypted/plain 1KiB goodput ratio=$eo"
	echo "compare: ordo/corosync encrypted 1KiB msgs/s ratio=$ec"
}

# --- issue 14: ordo against its own port's baseline ---------------------
# The first table's 100-byte ratio and 1 KiB fraction, for PORT: ordo and
# testpmd ran on the same port type.
port_report() {
	local o c t r=n/a f=n/a
	if [[ " $SIZES " == *" 100 "* ]]; then
		o=$(field "$OUT/ordo" perf-lab: 100 rx_msgs_per_s)
		c=$(field "$OUT/corosync" corosync: 100 msgs_per_s)
		r=$(div "$o" "$c" 1)
	fi
	if [[ " $SIZES " == *" 1024 "* ]]; then
		o=$(field "$OUT/ordo" perf-lab: 1024 rx_msgs_per_s)
		t=$(field "$OUT/baseline" baseline: 1024 testpmd_gbit_per_s)
		# Rounded as the table rounds it (Gbit/s to 3 decimals).
		f=$(awk -v a="$o" -v t="$t" 'BEGIN {
			if (a == "" || t == "" || t + 0 == 0) { print "n/a"; exit }
			g = sprintf("%.3f", a * 1024 * 8 / 1e9)
			printf "%.2f\n", g / t }')
	fi
	log "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "compare: ordo/corosync 100B msgs/s ratio=$r"
	echo "compare: ordo/testpmd 1KiB goodput fraction=$f"
}

log "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
for s in $SIZES $BIG_SIZES; do
	log "testpmd baseline, $s-byte messages"
	NODES=2 PORT=$PORT SIZE=$s SECS=$SECS BASELINE_ONLY=1 \
		bash tests/lab/bench.sh 2>>"$OUT/err" | tail -1 >> "$OUT/baseline" ||
		{ tail -n 5 "$OUT/err"; exit 1; }
done
log "ordo: 3 nodes on $PORT, sealed (aes256gcm), one sender per node, sizes $SIZES $BIG_SIZES"
SIZES="$SIZES $BIG_SIZES" SECS=$SECS NODES=3 BUILD_DIR=$B PORT=$PORT LAB_CRYPTO=aes256gcm \
	bash tests/lab/perf.sh \
	> "$OUT/ordo" 2>>"$OUT/err" || { tail -n 5 "$OUT/ordo" "$OUT/err"; exit 1; }
ordo_plain_run
log "corosync: 3 nodes, one sender per node, sizes $SIZES"
SIZES=$SIZES SECS=$SECS COROSYNC_CRYPTO=none bash tests/lab/corosync/bench.sh \
	> "$OUT/corosync" 2>>"$OUT/err" || { tail -n 5 "$OUT/corosync" "$OUT/err"; exit 1; }
corosync_enc_run
for s in $BIG_SIZES; do
	log "corosync: $s-byte messages (may be above what CPG takes)"
	SIZES=$s SECS=$SECS COROSYNC_CRYPTO=none bash tests/lab/corosync/bench.sh \
		>> "$OUT/corosync" 2>"$OUT/err-big" || {
		log "corosync could not run $s-byte messages: $(grep -v '^ *$' "$OUT/err-big" | tail -1)"
		echo "corosync: size=$s msgs_per_s=n/a ordered=n/a" >> "$OUT/corosync"
	}
done

echo "compare: ordo sealed (aes256gcm, the default) on $PORT; corosync in the clear; testpmd on $PORT"
printf '%-8s %14s %14s %7s %12s %12s %9s\n' size ordo_aes_msgs/s corosync_msgs/s ratio \
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
crypto_report
port_report
echo "compare: port=$PORT secs=$SECS goodput = messages delivered per node x size; fraction = of testpmd's payload capacity"
echo "compare: ordo/testpmd 1MiB goodput fraction=${frac_1m:-n/a}"
echo "compare: ordo/corosync 1KiB msgs/s ratio=${ratio_1k:-n/a}"
