#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make client-check: clients on a 3-node lab, end to end.
#
# Three ordod + ordo-ctrld pairs in network namespaces on a bridge
# (config/lab/afpacket3.conf). On every node one client through libordo's
# native API (a1 a2 a3; a2 receives by zero-copy views, ordo_receive_view)
# and one through the Spread API (s1 s2 s3), all
# through the shared-memory rings. Overlapping groups: A = a1 a2 a3 s1,
# B = s1 s2 s3 a2. Then:
#   1. everyone multicasts to its group with every service type (a1 and
#      s2 also to A and B at once, a1 to s3's private group);
#   1b. a1 tries to join and to send to "secret1", which the lab
#      configuration's Access rules refuse: two REJECTs, no effect;
#   1c. a Spread-style flooder (tests/spread/classic_flooder.c, built
#      unchanged against sp.h) floods its own group on node 2 and leaves;
#   2. z1 (node 1) stops reading while a2 floods group C = a1 z1: z1 is
#      disconnected as a slow consumer (told why), a1 loses nothing and
#      sees z1's DISCONNECT;
#   2a. x2 (node 2) joins C and publishes an impossible index on its
#      submit ring: it is disconnected with reason ring-corrupt, C sees
#      its DISCONNECT, nothing else notices;
#   2a'. h2 joins C, publishes the first fragment of a message and is
#      SIGKILLed: its slot is reclaimed all the same (C sees its
#      DISCONNECT) and no part of the message reaches anyone;
#   2b. a3 leaves A;            the others see a LEAVE, a3 its self-leave
#   3. s2 is SIGKILLed;         B sees a DISCONNECT
#   3b. node 1's ordo-ctrld is SIGKILLed and restarted: a1 keeps sending
#      meanwhile, the new ctrld re-learns the state and admits a new client;
#   4. node 3's ordod is SIGKILLed; nodes 1 and 2 see a transitional then
#      a NETWORK membership without node 3's clients, and keep ordering.
# tests/lab/client_check.py then checks every log: integrity, one total
# order across all clients, completeness, all services, and each expected
# membership message. Last line `client-check: ok` (exit 0) or the reasons.
#
#   make client-check        (root; about 30 s)
#   ORDOD_ARGS="--workers 2" LAB_LCORES="0@(0,1),1@(0,1),2@(0,1),3@(0,1)" \
#       bash tests/lab/client-check.sh   (the same with a client worker)
set -u
. "$(dirname "$0")/lib.sh"

B=${BUILD_DIR:-$LAB_ROOT/build}
CTRLD=${CTRLD:-$B/ctrl/ordo-ctrld}
ORDOCTL=${ORDOCTL:-$B/app/ordoctl}
CC=${CC_CLIENT:-$B/tests/lab/cc_client}
LAB_CONFIG=${LAB_CONFIG:-$LAB_ROOT/config/lab/afpacket3.conf}
N=${N:-300}       # messages per client in phase 1
SIZE=${SIZE:-200} # bytes; every 10th message is 3000 (fragmented on the wire)
# Past a 4 MiB delivery ring and MaxSessionMessages (1000) behind it.
SLOW_MSGS=${SLOW_MSGS:-8000}
NODES=3
export LAB_CONFIG

for x in "$CTRLD" "$ORDOCTL" "$CC"; do
	[ -x "$x" ] || lab_die "missing $x: build first (make build)"
done
command -v python3 >/dev/null || lab_die "python3 is needed (scripts/install-deps.sh)"

CLIENT_PIDS=()
declare -A FD PID
cc_teardown() {
	local p
	for p in "${CLIENT_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	lab_teardown
}
lab_init
trap cc_teardown EXIT
lab_netns_create "$NODES"

sock() { echo "$LAB_DIR/rt$1/ordo.sock"; }

for i in 1 2 3; do
	# shellcheck disable=SC2086
	lab_start_client_node "$i" afpacket "$NODES" --stats-period 1 ${ORDOD_ARGS:-}
done

# Every control plane sees its dataplane in a ring of three.
lab_wait_ring 3 60 3 || {
	for i in 1 2 3; do tail -n 3 "$LAB_DIR/node$i.log" "$LAB_DIR/ctrld$i.log"; done
	lab_die "the three daemons did not form a ring"
}
lab_log "ring of 3 formed; starting clients"

# A client: cc_client reading commands from a fifo we keep open.
start_client() { # name node api
	local name=$1 node=$2 api=$3 f=$LAB_DIR/$1.in fd
	mkfifo "$f"
	"$CC" --api "$api" --name "$name" --socket "$(sock "$node")" \
		< "$f" > "$LAB_DIR/$name.log" 2> "$LAB_DIR/$name.err" &
	PID[$name]=$!
	CLIENT_PIDS+=("$!")
	disown "$!"
	exec {fd}> "$f"
	FD[$name]=$fd
}
cmd() { echo "$2" >&"${FD[$1]}"; }

# Wait until file $1 has at least $3 lines matching $2.
wait_log() {
	local f=$1 pat=$2 n=$3 secs=${4:-30} t
	for ((t = 0; t < secs * 10; t++)); do
		[ "$(grep -c -- "$pat" "$f" 2>/dev/null)" -ge "$n" ] && return 0
		sleep 0.1
	done
	lab_log "timeout waiting for $n x '$pat' in $(basename "$f")"
	tail -5 "$f" >&2
	return 1
}

start_client a1 1 native
start_client s1 1 spread
start_client a2 2 view # native, receiving by zero-copy views
start_client s2 2 spread
start_client a3 3 native
start_client s3 3 spread
for c in a1 a2 a3 s1 s2 s3; do
	wait_log "$LAB_DIR/$c.log" '^connected' 1 10 || lab_die "$c did not connect"
done
for c in a1 a2 a3 s1; do cmd $c "join A"; done
for c in s1 s2 s3 a2; do cmd $c "join B"; done
# Everyone sees its groups complete (4 members) before anyone sends.
for c in a1 a3; do wait_log "$LAB_DIR/$c.log" 'memb group=A kind=reg.*members=[^ ]*,[^ ]*,[^ ]*,' 1 || exit 1; done
for c in s2 s3; do wait_log "$LAB_DIR/$c.log" 'memb group=B kind=reg.*members=[^ ]*,[^ ]*,[^ ]*,' 1 || exit 1; done
for c in s1 a2; do
	wait_log "$LAB_DIR/$c.log" 'memb group=A kind=reg.*members=[^ ]*,[^ ]*,[^ ]*,' 1 || exit 1
	wait_log "$LAB_DIR/$c.log" 'memb group=B kind=reg.*members=[^ ]*,[^ ]*,[^ ]*,' 1 || exit 1
done
lab_log "groups complete; phase 1: $N messages per client, every service"

# Phase 1. Sizes: mostly $SIZE, some 3000 (fragmented at MTU 1500).
send_mix() { # client groups count
	local k
	for ((k = 0; k < $3; k += 10)); do
		cmd "$1" "send $2 9 $SIZE"
		cmd "$1" "send $2 1 3000"
	done
}
for c in a1 a2 a3; do send_mix $c A "$N"; done
for c in s1 s2 s3; do send_mix $c B "$N"; done
cmd a1 "send A,B 30 $SIZE"
cmd s2 "send A,B 30 $SIZE"
cmd a1 "sendp #s3#n3 5 $SIZE"
# A has 3*N + 60 messages, B 3*N + 60; s1 and a2 get each A,B message once.
expect_a=$((3 * N + 60)) expect_b=$((3 * N + 60)) expect_ab=$((6 * N + 60))
for c in a1 a3; do wait_log "$LAB_DIR/$c.log" '^msg ' "$expect_a" 60 || exit 1; done
for c in s2; do wait_log "$LAB_DIR/$c.log" '^msg ' "$expect_b" 60 || exit 1; done
wait_log "$LAB_DIR/s3.log" '^msg ' $((expect_b + 5)) 60 || exit 1
for c in s1 a2; do wait_log "$LAB_DIR/$c.log" '^msg ' "$expect_ab" 60 || exit 1; done
lab_log "phase 1 delivered everywhere; phase 1b: the Access policy refuses secret*"
cmd a1 "join secret1"
cmd a1 "send secret1 1 $SIZE"
wait_log "$LAB_DIR/a1.log" '^reject error=' 2 30 || exit 1

lab_log "phase 1c: a Spread program built unchanged against sp.h (flooder) on node 2"
FLOODER=${FLOODER:-$B/tests/spread/classic_flooder}
if [ -x "$FLOODER" ]; then
	ORDO_SOCKET=$(sock 2) timeout 60 "$FLOODER" > "$LAB_DIR/flooder.log" 2>&1 || {
		tail -5 "$LAB_DIR/flooder.log" >&2
		lab_die "the Spread flooder failed (exit $?)"
	}
else
	lab_die "no $FLOODER: build first"
fi

lab_log "phase 2: z1 stops reading, a2 floods C"
start_client z1 1 native
wait_log "$LAB_DIR/z1.log" '^connected' 1 10 || exit 1
cmd a1 "join C"
cmd z1 "join C"
wait_log "$LAB_DIR/a1.log" 'memb group=C kind=reg.*members=[^ ]*,' 1 || exit 1
wait_log "$LAB_DIR/z1.log" 'memb group=C kind=reg.*members=[^ ]*,' 1 || exit 1
cmd z1 "stall 6"
cmd a2 "send C $SLOW_MSGS 1024"
wait_log "$LAB_DIR/a1.log" 'memb group=C kind=reg cause=disconnect' 1 60 || exit 1
wait_log "$LAB_DIR/a1.log" 'groups=C ' "$SLOW_MSGS" 60 || exit 1
wait_log "$LAB_DIR/z1.log" '^closed' 1 30 || exit 1
lab_log "phase 2a: x2 (node 2) corrupts its submit ring"
start_client x2 2 native
wait_log "$LAB_DIR/x2.log" '^connected' 1 10 || exit 1
cmd x2 "join C"
wait_log "$LAB_DIR/x2.log" 'memb group=C kind=reg' 1 || exit 1
cmd x2 "corrupt"
wait_log "$LAB_DIR/x2.log" '^closed reason=ring-corrupt' 1 30 || exit 1
wait_log "$LAB_DIR/a1.log" 'memb group=C kind=reg cause=disconnect members=#a1#n1 ' 2 30 || exit 1

lab_log "phase 2a': h2 (node 2) dies between two fragments of a message"
start_client h2 2 native
wait_log "$LAB_DIR/h2.log" '^connected' 1 10 || exit 1
cmd h2 "join C"
wait_log "$LAB_DIR/h2.log" 'memb group=C kind=reg' 1 || exit 1
cmd h2 "half C"
sleep 0.3
kill -KILL "${PID[h2]}"
wait_log "$LAB_DIR/a1.log" 'memb group=C kind=reg cause=disconnect members=#a1#n1 ' 3 30 || exit 1

lab_log "phase 2b: a3 leaves A"

cmd a3 "leave A"
wait_log "$LAB_DIR/a3.log" 'kind=selfleave' 1 || exit 1
for c in a1 a2 s1; do wait_log "$LAB_DIR/$c.log" 'memb group=A kind=reg cause=leave' 1 || exit 1; done

lab_log "phase 3: s2 SIGKILLed"
kill -KILL "${PID[s2]}"
for c in s1 s3 a2; do wait_log "$LAB_DIR/$c.log" 'memb group=B kind=reg cause=disconnect' 1 || exit 1; done

lab_log "phase 3b: node 1's ordo-ctrld SIGKILLed and restarted; its clients carry on"
kill -KILL "${LAB_CTRLD_PIDS[1]}"
sleep 0.3
lab_start_ctrld 1 b
cmd a1 "send A 20 $SIZE"  # a1 sends while its control plane is away
restarted_a="id=#a1#n1:$((N + 56)) "  # N+36 was the refused send
wait_log "$LAB_DIR/a2.log" "$restarted_a" 1 30 || exit 1
wait_log "$LAB_DIR/ctrld1b.log" 'link up' 1 30 || exit 1
start_client n1x 1 native  # and the new control plane admits again
wait_log "$LAB_DIR/n1x.log" '^connected' 1 10 || exit 1
cmd n1x "join A"
wait_log "$LAB_DIR/a2.log" 'memb group=A kind=reg cause=join.*#n1x#n1' 1 30 || exit 1

lab_log "phase 4: node 3's ordod SIGKILLed"
kill -KILL "${LAB_PIDS[3]}"
wait "${LAB_PIDS[3]}" 2>/dev/null
unset "LAB_PIDS[3]"
for c in a1 a2 s1; do wait_log "$LAB_DIR/$c.log" 'memb group=B kind=reg cause=network\|memb group=A kind=reg cause=network' 1 60 || exit 1; done
for c in a2 s1; do wait_log "$LAB_DIR/$c.log" 'memb group=B kind=reg cause=network' 1 60 || exit 1; done
# The surviving ring still orders: 50 more from a1 to A, 50 from s1 to B.
cmd a1 "send A 50 $SIZE"
cmd s1 "send B 50 $SIZE"
last_a="id=#a1#n1:$((N + 106)) " last_b="id=#s1#n1:$((N + 50)) "
for c in a2 s1; do
	wait_log "$LAB_DIR/$c.log" "$last_a" 1 60 || exit 1
	wait_log "$LAB_DIR/$c.log" "$last_b" 1 60 || exit 1
done
wait_log "$LAB_DIR/a1.log" "$last_a" 1 60 || exit 1
for c in a3 s3; do wait_log "$LAB_DIR/$c.log" '^closed' 1 30 || exit 1; done

for c in a1 a2 s1 n1x; do cmd $c "disconnect"; done
sleep 0.5
"$ORDOCTL" -s "$(sock 1)" groups > "$LAB_DIR/groups.txt" 2>&1
verdict=$(python3 "$LAB_ROOT/tests/lab/client_check.py" "$LAB_DIR" "$N" "$SLOW_MSGS") || {
	echo "$verdict"
	LAB_KEEP=1
	exit 1
}
# The control planes stop cleanly too (SIGTERM), then the dataplanes.
lab_stop_ctrld
lab_stop_all || lab_die "a daemon crashed"
echo "$verdict"
