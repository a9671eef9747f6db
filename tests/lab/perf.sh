#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# ordo-perf on a lab of NODES nodes (default 3): one ordod + ordo-ctrld per
# node in network namespaces on a bridge (PORT: af_packet or af_xdp ports,
# a configuration generated here for any N, 1 included), then for each size in SIZES one
# ordo-perf per node, all started together (--members NODES) and each
# waiting for every sender's END (--expect-senders NODES*SENDERS). Prints
# each node's result line as a table row, then per size
#
#   perf-lab: size=S nodes=N senders=K rx_msgs_per_s=R p50_us=A p99_us=B checked=yes|no
#
# with the median over nodes of each figure (and cyc_per_msg, the TSC
# cycles each daemon's ring lcore spent per ordered message, then a
# perf-lab-stages line with them stage by stage, cyc_timed their sum in
# the turns it timed), and order=same|differ|unchecked:
# the nodes' order digests (`perf: order` lines: per data group and for
# all of them, of every message up to the round's last END, AGREED or
# SAFE) compared by order-compare.sh. checked=yes only if every node
# checked its run clean and, where compared, every digest is the same on
# every node. Exit status non-zero if any size did not. ORDER_SELFTEST=1
# also feeds the comparison one node's log with a digest changed and
# fails unless that is caught (the check must be able to fail).
#
#   SIZES="100 1024 8192" SECS=5 NODES=3 tests/lab/perf.sh        (root)
#   NODES=1 SIZES=64 PERF_ARGS="--groups 2" tests/lab/perf.sh
#   SIZES="65536 1048576 16777216" tests/lab/perf.sh   (file-transfer sizes;
#       a size above 16 MiB less the group header raises MaxMessageSize to
#       32M in the generated configuration)
#
# Environment: NODES, SIZES, SECS, WARMUP (1), SENDERS per node (1),
# SERVICE (agreed), PERF_ARGS (more ordo-perf options, e.g. --mode rate
# --rate 10000), CSV (append ordo-perf's rows there), MAX_SESSION
# (MaxSessionMessages, 100000), SLOW_CONSUMER
# (block: a receiver that falls behind holds its daemon's senders back first,
# before it is cut off; "disconnect" is the daemon's default),
# IDLE (the daemons' idle strategy: backoff, or spin as in production),
# PERF_CPUS (taskset ordo-perf onto these CPUs; with LAB_LCORES="0@0,1@1"
# the ring lcore has CPU 1 to itself), RECEIVERS (more receiving clients per
# node: that many receive-only ordo-perf processes, --senders 0; the line
# then adds rx_all_msgs_per_s, the messages/s delivered across every
# receiver of every node: the fan-out), ORDOD_ARGS (more ordod options,
# e.g. --stage-sample off), BUILD_DIR, LAB_KEEP=1 keeps the logs.
# PORT (afpacket, the default, or afxdp: the veths' AF_XDP sockets, as
# tests/lab/bench.sh measures testpmd on them) and LAB_CRYPTO (aes256gcm,
# the default, or none: the generated configuration says `Crypto = none`)
# choose what the daemons run on; LAB_ENCAP (ethernet, the default, or udp)
# the frames' encapsulation, LAB_RX_QUEUES (lib.sh) the rx queues per port; compare.sh runs ordo on the port its
# testpmd baseline measured, sealed and in the clear.
set -u
. "$(dirname "$0")/lib.sh"

B=${BUILD_DIR:-$LAB_ROOT/build}
ORDOD=${ORDOD:-$B/dataplane/ordod}
CTRLD=${CTRLD:-$B/ctrl/ordo-ctrld}
ORDOCTL=${ORDOCTL:-$B/app/ordoctl}
PERF=${PERF:-$B/app/perf/ordo-perf}
ORDER_COMPARE=$LAB_ROOT/tests/lab/order-compare.sh
NODES=${NODES:-3}
SIZES=${SIZES:-1024}
SECS=${SECS:-5}
WARMUP=${WARMUP:-1}
SENDERS=${SENDERS:-1}
RECEIVERS=${RECEIVERS:-0}
ORDOD_ARGS=${ORDOD_ARGS:-}
SERVICE=${SERVICE:-agreed}
PERF_ARGS=${PERF_ARGS:-}
SLOW_CONSUMER=${SLOW_CONSUMER:-block}
# Messages a receiver may fall behind (MaxSessionMessages; the overflow's
# bytes bound it too). The daemon's default, 1000, is a third of a
# millisecond at 64 B and 3 M msgs/s: on two shared vCPUs a receiver the
# scheduler leaves out for longer is cut off while it still reads, and
# SlowConsumer = block holds back only its own daemon's senders. A
# throughput run measures the ring, not that bound.
MAX_SESSION=${MAX_SESSION:-100000}
PORT=${PORT:-afpacket}
# The daemons' idle strategy: backoff shares the CPUs (labs); spin is
# production's (one core per daemon, busy).
IDLE=${IDLE:-backoff}

for x in "$ORDOD" "$CTRLD" "$ORDOCTL" "$PERF"; do
	[ -x "$x" ] || lab_die "missing $x: build first (make build)"
done
[[ "$NODES" =~ ^[1-9][0-9]?$ ]] || lab_die "NODES '$NODES': want 1..99"
# memif needs a mesh of ports per daemon (lab-check.sh has it); this lab
# is the bridge of namespaces that the baseline and Corosync use.
case $PORT in
afpacket | afxdp) ;;
*) lab_die "PORT '$PORT': perf.sh runs on afpacket or afxdp" ;;
esac
case $LAB_CRYPTO in
aes256gcm | none) ;;
*) lab_die "LAB_CRYPTO '$LAB_CRYPTO': want aes256gcm or none" ;;
esac

# The Port value of node i of n in a configuration file: lib.sh's own
# port arguments for PORT, without the option name.
perf_port() {
	local a
	a=$(lab_port_args "$1" "$PORT" "$2")
	echo "${a#--port }"
}

# The configuration's crypto lines: sealed with the key lib.sh made for
# configuration files, or an explicit `Crypto = none`.
perf_crypto_conf() {
	echo "	Crypto = $LAB_CRYPTO"
	[ "$LAB_CRYPTO" = none ] || echo "	KeyFile = $LAB_CONF_KEY"
}

# After the run, from node 1's exit report: the port driver it ran on and
# what it sealed and opened, so a reader sees which run was which.
perf_evidence() {
	local l=$LAB_DIR/node1.log
	local sealed
	sealed=$(grep -h '^ordod: crypto sealed=' "$l" | tail -1 | cut -d' ' -f2-3)
	lab_log "node 1: $(grep -h -m1 '^ordod: port net_' "$l" | cut -d' ' -f2-3)" \
		"${sealed:-crypto none}"
}

# A ring of n daemons n1..nN on PORT, as config/lab/afpacket3.conf and
# afxdp3.conf (which have three) but for any n.
write_config() {
	local n=$1 f=$2 i
	{
		echo "# Generated by tests/lab/perf.sh: $n daemons on $PORT."
		echo "MaxSessionMessages = $MAX_SESSION"
		echo "Spread_Segment 239.192.0.1:${LAB_UDP_PORT:-4803} {"
		for ((i = 1; i <= n; i++)); do echo "	n$i	10.77.0.$i"; done
		echo "}"
		echo "Ordo {"
		echo "	Encap = ${LAB_ENCAP:-ethernet}"
		echo "	IdleStrategy = $IDLE"
		echo "	SlowConsumer = $SLOW_CONSUMER"
		perf_crypto_conf
		# Messages above the default MaxMessageSize (16M, group header
		# included): room for them and two in the submit queue.
		if [ "$(printf '%s\n' $SIZES | sort -n | tail -1)" -gt $((16 * 1024 * 1024 - 4096)) ]; then
			echo "	MaxMessageSize = 32M"
			echo "	SubmitQueueBytes = $((64 * 1024 * 1024 + 131072))"
		fi
		for ((i = 1; i <= n; i++)); do
			echo "	Daemon n$i { Port = \"$(perf_port "$i" "$n")\"  $(lab_rx_queues conf) }"
		done
		echo "}"
	} > "$f"
}

sock() { echo "$LAB_DIR/rt$1/ordo.sock"; }

field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'; }
# The ring lcore's stages, as ordo-perf names them (cyc_<stage>).
STAGES="loop rx open protocol submit deliver seal tx slow"

# The nodes' order digests for size $1, compared (order-compare.sh). Prints
# same, differ or unchecked (a service without one total order, or no
# receivers); fails on differ.
order_check() {
	local s=$1 logs=() i out
	case "$SERVICE" in agreed|safe) ;; *) echo unchecked; return 0 ;; esac
	[[ " $PERF_ARGS " == *" --no-receive "* ]] && { echo unchecked; return 0; }
	for ((i = 1; i <= NODES; i++)); do logs+=("$LAB_DIR/perf$i-$s.log"); done
	out=$(bash "$ORDER_COMPARE" "${logs[@]}" 2>&1)
	printf '%s\n' "$out" | sed 's/^/  /' >&2
	if [ "${ORDER_SELFTEST:-0}" = 1 ]; then
		# Node 1's all-groups digest with its last hex digit changed.
		awk '/^perf: order .* group=\* / && !done {
			n = split($0, w, " ")
			for (i = 1; i <= n; i++)
				if (w[i] ~ /^digest=/) {
					c = substr(w[i], length(w[i]))
					w[i] = substr(w[i], 1, length(w[i]) - 1) (c == "0" ? "1" : "0")
				}
			line = w[1]
			for (i = 2; i <= n; i++) line = line " " w[i]
			print line; done = 1; next
		} { print }' \
			"${logs[0]}" > "$LAB_DIR/perf-selftest-$s.log"
		if cmp -s "${logs[0]}" "$LAB_DIR/perf-selftest-$s.log" ||
		   bash "$ORDER_COMPARE" "$LAB_DIR/perf-selftest-$s.log" \
			"${logs[@]:1}" > /dev/null 2>&1; then
			lab_log "order self-test: a changed digest was not caught"
			echo differ
			return 1
		fi
		lab_log "order self-test: a changed digest on node 1 was caught"
	fi
	if [[ "$(tail -1 <<< "$out")" == "order: same "* ]]; then
		echo same
	else
		lab_log "size $s: the nodes' orders differ (or a node has no digest)"
		echo differ
		return 1
	fi
}

lab_init
LAB_CONFIG=$LAB_DIR/perf$NODES.conf
export LAB_CONFIG
write_config "$NODES" "$LAB_CONFIG"
lab_netns_create "$NODES"
for ((i = 1; i <= NODES; i++)); do
	# shellcheck disable=SC2086
	lab_start_client_node "$i" "$PORT" "$NODES" $ORDOD_ARGS
done
lab_wait_ring "$NODES" 60 "$NODES" || {
	for ((i = 1; i <= NODES; i++)); do
		tail -n 3 "$LAB_DIR/node$i.log" "$LAB_DIR/ctrld$i.log" >&2
	done
	lab_die "the $NODES daemons did not form a ring"
}
lab_log "ring of $NODES formed on $PORT, crypto $LAB_CRYPTO" \
	"(node 1: $(grep -h -m1 '^ordod: crypto' "$LAB_DIR/node1.log" | cut -d' ' -f2- | cut -d, -f1))"
lab_log "ordo-perf: sizes $SIZES, $SECS s, $SENDERS sender(s) per node, $SERVICE"

bad=0
printf '%-5s %-6s %12s %12s %10s %10s %10s %6s %6s %8s\n' node size sent received \
	rx_msgs/s p50_us p99_us lost misord checked
# One ordo-perf: node $1, size $2, log name $3, then its own options.
perf_start() {
	local i=$1 s=$2 log=$3
	shift 3
	# shellcheck disable=SC2086
	${PERF_CPUS:+taskset -c "$PERF_CPUS"} \
	"$PERF" --socket "$(sock "$i")" --size "$s" --secs "$SECS" \
		--warmup "$WARMUP" --service "$SERVICE" \
		--members $((NODES * (1 + RECEIVERS))) \
		--expect-senders $((NODES * SENDERS)) \
		--label "lab$NODES" ${CSV:+--csv "$CSV"} $PERF_ARGS "$@" \
		> "$LAB_DIR/$log.log" 2> "$LAB_DIR/$log.err" &
	pids+=("$!")
}

for s in $SIZES; do
	pids=()
	for ((i = 1; i <= NODES; i++)); do
		perf_start "$i" "$s" "perf$i-$s" --senders "$SENDERS"
		for ((j = 1; j <= RECEIVERS; j++)); do
			perf_start "$i" "$s" "perf$i-$s-r$j" --senders 0
		done
	done
	for p in "${pids[@]}"; do wait "$p"; done
	rates=() p50s=() p99s=() cycs=() wcycs=() rxcycs=() ok=yes
	declare -A stage=()
	for ((i = 1; i <= NODES; i++)); do
		line=$(tail -1 "$LAB_DIR/perf$i-$s.log")
		if [[ "$line" != "perf: node="* ]]; then
			lab_log "node $i, size $s: no result line"
			tail -n 3 "$LAB_DIR/perf$i-$s.err" >&2
			ok=no
			continue
		fi
		printf '%-5s %-6s %12s %12s %10s %10s %10s %6s %6s %8s\n' \
			"$(field "$line" node)" "$s" "$(field "$line" sent)" \
			"$(field "$line" received)" "$(field "$line" rx_msgs_per_s)" \
			"$(field "$line" p50_us)" "$(field "$line" p99_us)" \
			"$(field "$line" lost)" "$(field "$line" misordered)" \
			"$(field "$line" checked)"
		rates+=("$(field "$line" rx_msgs_per_s)")
		# The daemon's ring lcore, cycles per ordered message (round).
		sum=$(grep '^perf: summary' "$LAB_DIR/perf$i-$s.log" | tail -1)
		cycs+=("$(field "$sum" cyc_per_msg)")
		w=$(field "$sum" wcyc_per_msg)
		[ -z "$w" ] || wcycs+=("$w")
		# The rx worker of queue 1 (RxQueues): nodes whose queue 1 got
		# frames only.
		w=$(field "$sum" rxw1cyc_per_msg)
		[ -z "$w" ] || rxcycs+=("$w")
		for st in timed $STAGES; do stage[$st]+=" $(field "$sum" "cyc_$st")"; done
		p50s+=("$(field "$line" p50_us)")
		p99s+=("$(field "$line" p99_us)")
		[ "$(field "$line" checked)" = yes ] || {
			ok=no
			grep -h 'ordo-perf' "$LAB_DIR/perf$i-$s.err" | head -3 >&2
		}
	done
	all=0 fan=""
	for ((i = 1; i <= NODES; i++)); do
		for f in "$LAB_DIR/perf$i-$s.log" "$LAB_DIR/perf$i-$s"-r*.log; do
			[ -e "$f" ] || continue
			line=$(tail -1 "$f")
			[ "$(field "$line" checked)" = yes ] || {
				lab_log "$(basename "$f"): not checked clean"
				ok=no
				continue
			}
			all=$(awk -v a="$all" -v b="$(field "$line" rx_msgs_per_s)" \
				'BEGIN { printf "%.0f", a + b }')
		done
	done
	[ "$RECEIVERS" = 0 ] ||
		fan=" receivers_per_node=$((1 + RECEIVERS)) rx_all_msgs_per_s=$all"
	order=$(order_check "$s") || ok=no
	[ "$ok" = yes ] || bad=1
	echo "perf-lab: size=$s nodes=$NODES senders=$SENDERS" \
	     "rx_msgs_per_s=$(printf '%s\n' "${rates[@]}" | median)" \
	     "p50_us=$(printf '%s\n' "${p50s[@]}" | median)" \
	     "p99_us=$(printf '%s\n' "${p99s[@]}" | median)" \
	     "cyc_per_msg=$(printf '%s\n' "${cycs[@]}" | median)" \
	     "order=$order checked=$ok$fan${wcycs[0]:+ worker_cyc_per_msg=$(printf '%s\n' "${wcycs[@]}" | median)}" \
	     "${rxcycs[0]:+rx_worker_cyc_per_msg=$(printf '%s\n' "${rxcycs[@]}" | median)}"
	# The ring lcore's cycles per ordered message by stage (medians over
	# nodes; docs/performance.md, "Cycles per stage").
	line="perf-lab-stages: size=$s nodes=$NODES"
	for st in timed $STAGES; do
		# shellcheck disable=SC2086
		line+=" cyc_$st=$(printf '%s\n' ${stage[$st]} | median)"
	done
	echo "$line"
done
# A crypto/io worker (LAB_LCORES with a third lcore, dataplane/worker.h):
# node 1's worker lcore over the whole run (warm-up and every size), per
# frame it handled, and by stage per item; its back-pressure counters.
wk=$("$ORDOCTL" -s "$(sock 1)" counters 2>/dev/null | awk '$1 ~ /^worker_/ { printf " %s=%s", substr($1, 8), $2 }')
if [ -n "$wk" ]; then
	line="perf-lab-worker: node=1"
	for k in lcore busy_frames busy_cycles_per_frame stage_rx_cycles_per_item \
		stage_open_cycles_per_item stage_seal_cycles_per_item \
		stage_tx_cycles_per_item rx_held_turns tx_staged_turns tx_dropped_full; do
		line+=" $k=$(field "$wk" "$k")"
	done
	echo "$line"
fi
# A client worker (ORDOD_ARGS=--workers 2, dataplane/cworker.h): node 1's
# over the whole run, per message handed over to it (written to every
# receiving client), by stage per item (submit: a record read from a
# client's submit ring; deliver: one written into a client's delivery
# ring) and per message, and its hand-off's references, copies and waits.
cw=$("$ORDOCTL" -s "$(sock 1)" counters 2>/dev/null | awk '$1 ~ /^client_worker_/ { printf " %s=%s", substr($1, 15), $2 }')
if [ -n "$cw" ]; then
	line="perf-lab-cworker: node=1"
	for k in lcore msgs records busy_cycles_per_msg long_turns held_refs \
		copied_msgs full_waits subs sub_full_turns \
		stage_submit_cycles_per_item stage_deliver_cycles_per_item \
		stage_deliver_cycles_per_msg stall_max_cycles; do
		line+=" $k=$(field "$cw" "$k")"
	done
	echo "$line"
fi
# More client workers (--workers 3 and up, dataplane/cworkers.h): the
# others' counters (section client_workers, keys client_worker<K>_*).
cws=$("$ORDOCTL" -s "$(sock 1)" counters 2>/dev/null | awk '$1 ~ /^client_worker[0-9]+_/ { print $1 "=" $2 }')
for n in 2 3 4; do
	c=$(sed -n "s/^client_worker${n}_//p" <<< "$cws" | tr '\n' ' ')
	[ -n "$c" ] || continue
	line="perf-lab-cworker$n: node=1"
	for k in lcore msgs records busy_cycles_per_msg \
		stage_deliver_cycles_per_msg stage_submit_cycles_per_msg held_refs \
		copied_msgs full_waits subs cuts stall_max_cycles; do
		line+=" $k=$(field "$c" "$k")"
	done
	echo "$line"
done
[ "$bad" = 0 ] || LAB_KEEP=1
lab_stop_ctrld
lab_stop_all || { lab_log "a daemon crashed"; bad=1; }
perf_evidence
exit "$bad"
