#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# `make demo` as root: three ordod daemons in their own network namespaces,
# joined by veth pairs and a Linux bridge (a small switched LAN), form a
# ring and order traffic that every node generates. Shows each node's
# per-second line live, then checks that all three delivered the same
# messages in the same order, and tears everything down. Then part 2
# (demo-clients.sh): Spread-API clients on two nodes chatting through the
# shared-memory rings.
#
#   tests/lab/demo.sh [build]      SECONDS_=10 RATE=20000 SIZE=256 PORT=afpacket
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
export ORDOD=${ORDOD:-$PWD/$B/dataplane/ordod}
. tests/lab/lib.sh

NODES=3
PORT=${PORT:-afpacket}
RATE=${RATE:-20000}         # messages/s each node submits
SIZE=${SIZE:-256}
SECONDS_=${SECONDS_:-10}
MSGS=$((RATE * SECONDS_))

lab_init
lab_netns_create "$NODES"
echo "ordo demo: $NODES nodes on $PORT (namespaces + veth + bridge)," \
     "each submitting $RATE msgs/s of $SIZE B for ${SECONDS_}s."
echo "Every node delivers every node's messages in one total order."
echo
for i in 1 2 3; do
	lab_start_node "$i" "$PORT" "$NODES" --idle backoff \
		--traffic-msgs "$MSGS" --traffic-size "$SIZE" --traffic-rate "$RATE"
done
lab_wait_all "ordod: node=.*pid=" 60 || lab_die "not every node started"

# The per-second lines, as they come. tail is the process we stop; the
# filters behind it end when it does.
tail -q -n 0 -F "$LAB_DIR"/node[123].log 2>/dev/null > >(
	grep --line-buffered -E "ordod: node=[0-9]+ t=" |
	sed -u -E 's/^ordod: //; s/ (rx_pps|tx_pps|retrans|token_retrans|drops|queued|ports_up)=[^ ]*//g') &
TAILPID=$!
lab_wait_all "traffic done" $((SECONDS_ * 6 + 30)) || { kill $TAILPID; lab_die "traffic did not finish"; }
sleep 1.2
kill $TAILPID 2>/dev/null
lab_stop_all || lab_die "a node crashed while stopping"

echo
expected=$((NODES * MSGS)) digest= ok=yes
for i in 1 2 3; do
	d=$(lab_field "$i" "traffic done" digest)
	n=$(lab_field "$i" "traffic done" delivered)
	f=$(lab_field "$i" "traffic done" fifo_errors)
	echo "node $i: delivered $n of $expected, order digest $d, FIFO errors $f"
	[ "$n" = "$expected" ] && [ "$f" = 0 ] || ok=no
	[ -z "$digest" ] || [ "$d" = "$digest" ] || ok=no
	digest=$d
done
echo "demo: ordered=$ok (same messages, same order, at every node)"
[ "$ok" = yes ] || exit 1
# Part 2: clients attached through shared memory (a fresh lab).
trap - EXIT
lab_teardown
LAB_NAME=${LAB_NAME}c LAB_DIR=${LAB_DIR}c bash tests/lab/demo-clients.sh "$B"
