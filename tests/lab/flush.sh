#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make lab-flush: Spread's flush library (include/fl.h) on a 3-node lab.
#
# Three ordod + ordo-ctrld pairs in namespaces (config/lab/afpacket3.conf).
# Flush-library members (tests/lab/clients/fl_client.c) of group "flg",
# each multicasting RATE messages a second and answering flush requests
# after a random delay while it goes on sending:
#
#   base     m1, m2, m3, one per node, in one view
#   then ROUNDS times:
#     join   s<r> (slow: answers a flush request after SLOW_MS) and f<r>
#            (fast: at once) join on two nodes: one view of 5
#     kill   k<r> joins; f<r> is SIGKILLed right after its FL_flush and
#            s<r> right after its flush request, before it answers (both in
#            the middle of the flush): the survivors and k<r> agree again
#            and install one view of 4
#     leave  k<r> leaves (FL_leave): one view of the 3 base members
#   end      SIGTERM: each member stops sending and exits once its own
#            messages came back
#
# tests/lab/flush_check.py then checks every member's log against the
# flush guarantees (the same views everywhere, a flush request and a flush
# before each view change, every message delivered in the view it was
# sent in and to its sender there, vs sets, and the same messages in the
# same order at members that move together). Last line `flush: ok ...`.
#
#   make lab-flush                   (root; ROUNDS=10, the make default)
#   ROUNDS=1 tests/lab/flush.sh      (run-in-test.sh's short version)
set -u
. "$(dirname "$0")/lib.sh"

B=${BUILD_DIR:-$LAB_ROOT/build}
CTRLD=${CTRLD:-$B/ctrl/ordo-ctrld}
ORDOCTL=${ORDOCTL:-$B/app/ordoctl}
FLC=${FL_CLIENT:-$B/tests/lab/fl_client}
LAB_CONFIG=${LAB_CONFIG:-$LAB_ROOT/config/lab/afpacket3.conf}
ROUNDS=${ROUNDS:-5}
RATE=${RATE:-100}        # messages a second per member
DELAY=${DELAY:-300}      # a member answers a flush request within this (ms)
SLOW_MS=${SLOW_MS:-4000} # ... and a slow one after this
NODES=3
GROUP=flg
export LAB_CONFIG

for x in "$CTRLD" "$ORDOCTL" "$FLC"; do
	[ -x "$x" ] || lab_die "missing $x: build first (make build)"
done
command -v python3 >/dev/null || lab_die "python3 is needed (scripts/install-deps.sh)"

declare -A PID NODE
LIVE=()
fl_teardown() {
	local p
	for p in "${PID[@]}"; do kill -KILL "$p" 2>/dev/null; done
	lab_teardown
}
lab_init
trap fl_teardown EXIT
lab_netns_create "$NODES"
for i in 1 2 3; do lab_start_client_node "$i" afpacket "$NODES"; done
lab_wait_ring 3 60 3 || {
	for i in 1 2 3; do tail -n 3 "$LAB_DIR/node$i.log" "$LAB_DIR/ctrld$i.log"; done
	lab_die "the three daemons did not form a ring"
}
lab_log "ring of 3 formed; flush members: $RATE msgs/s each, $ROUNDS rounds"

log_of() { echo "$LAB_DIR/fl-$1.log"; }

start() { # name node flush-delay-ms
	"$FLC" "$LAB_DIR/rt$2/ordo.sock" "$1" "$GROUP" "$RATE" "$3" \
		> "$(log_of "$1")" 2> "$LAB_DIR/fl-$1.err" &
	PID[$1]=$!
	NODE[$1]=$2
	disown "$!"
	LIVE+=("$1")
}

drop() { # name: no longer expected in views
	local n keep=()
	for n in "${LIVE[@]}"; do [ "$n" = "$1" ] || keep+=("$n"); done
	LIVE=("${keep[@]}")
}

# Every live member's last view has exactly the live members.
wait_view() {
	local t n want=${#LIVE[@]} ok last
	for ((t = 0; t < 300; t++)); do
		ok=0
		for n in "${LIVE[@]}"; do
			last=$(grep '^view ' "$(log_of "$n")" 2>/dev/null | tail -1)
			[ "$(sed -n 's/.* members=\([^ ]*\).*/\1/p' <<< "$last" |
				tr ',' '\n' | grep -c .)" = "$want" ] && ok=$((ok + 1))
		done
		[ "$ok" = "$want" ] && return 0
		sleep 0.1
	done
	lab_log "timeout: not every member of ${LIVE[*]} is in a view of $want"
	for n in "${LIVE[@]}"; do
		echo "  $n: $(grep -E '^(view|flushreq|flush|error)' "$(log_of "$n")" | tail -2 | tr '\n' '|')" >&2
	done
	return 1
}

# Wait until $1's log has more than $3 lines starting with $2.
wait_more() {
	local t
	for ((t = 0; t < 300; t++)); do
		[ "$(grep -c "^$2" "$(log_of "$1")")" -gt "$3" ] && return 0
		sleep 0.02
	done
	lab_log "timeout waiting for '$2' from $1"
	return 1
}

count() { grep -c "^$2" "$(log_of "$1")"; }

start m1 1 "$DELAY"
start m2 2 "$DELAY"
start m3 3 "$DELAY"
wait_view || lab_die "the base members never shared a view"
killed=0 mid=0
for ((r = 1; r <= ROUNDS; r++)); do
	a=$(( (r % 3) + 1 )) b=$(( ((r + 1) % 3) + 1 )) c=$(( ((r + 2) % 3) + 1 ))
	start "s$r" "$a" "$SLOW_MS"
	start "f$r" "$b" 0
	wait_view || lab_die "round $r: the joiners' view did not form"
	nf=$(count "f$r" flushreq) ns=$(count "s$r" flushreq)
	start "k$r" "$c" "$DELAY"
	# f<r> flushes at once: kill it right after; s<r> sits on its flush
	# request for SLOW_MS: kill it before it answers.
	wait_more "f$r" 'flush view' "$(count "f$r" 'flush view')" || exit 1
	kill -KILL "${PID[f$r]}"
	wait_more "s$r" flushreq "$ns" || exit 1
	kill -KILL "${PID[s$r]}"
	killed=$((killed + 2))
	# Both died before the view with k<r> came: in the middle of a flush.
	grep -q "^view .*#k$r#" "$(log_of "f$r")" || mid=$((mid + 1))
	grep -q "^view .*#k$r#" "$(log_of "s$r")" || mid=$((mid + 1))
	drop "f$r"
	drop "s$r"
	wait_view || lab_die "round $r: no view after the kills"
	kill -USR1 "${PID[k$r]}"
	drop "k$r"
	wait_view || lab_die "round $r: no view after k$r left"
	wait_more "k$r" selfleave 0 || lab_die "round $r: k$r saw no self-leave"
	lab_log "round $r: join, 2 killed mid-flush, leave: views agree"
	: "$nf"
done
for n in "${LIVE[@]}"; do kill -TERM "${PID[$n]}"; done
for ((t = 0; t < 100; t++)); do
	alive=0
	for n in "${LIVE[@]}"; do kill -0 "${PID[$n]}" 2>/dev/null && alive=1; done
	[ $alive = 0 ] && break
	sleep 0.1
done
out=$(python3 "$LAB_ROOT/tests/lab/flush_check.py" "$LAB_DIR"/fl-*.log)
rc=$?
echo "$out" | tail -25
lab_stop_ctrld
lab_stop_all || { lab_log "a daemon crashed"; rc=1; }
[ $rc = 0 ] || { LAB_KEEP=1; exit 1; }
echo "flush: ok rounds=$ROUNDS killed=$killed killed_mid_flush=$mid $(tail -1 <<< "$out" | sed 's/^flush-check: ok //')"
