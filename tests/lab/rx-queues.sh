#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make lab-rx-queues: rx queues owned by workers, end to end. The 3-node
# lab of perf.sh (ordod + ordo-ctrld per node, ordo-perf clients, order
# digests compared) with two rx queues per port: af_packet with qpairs=2,
# whose two sockets the kernel fills by flow hash (PACKET_FANOUT), the
# frames UDP so the hash has each member's address to spread by. Queue 0
# is the crypto/io worker's, queue 1 an rx worker's (four lcores: main,
# ring, crypto/io worker, rx worker, floating over the machine's CPUs).
#
# Which queue a member's frames land in is the kernel's hash of its
# addresses and ports: on a given host one UDP port may send every flow to
# one queue. So the run is repeated with another UDP port (at most PORTS
# of them) until at least one node received frames through both queues.
# Passes when every run checked the same order on every node, every node
# started its rx worker, and some node's two queues both carried frames.
# Last line:
#
#   rx-queues: ok port=P q0_frames=A q1_frames=B order=same msgs_per_s=R
#
# (q0/q1: frames handed to the ring lcore by each queue's lcore, summed
# over the nodes). Figures are measured, never compared to a bound.
set -u
cd "$(dirname "$0")/../.."
LAB=tests/lab
SECS=${SECS:-2}
SIZES=${SIZES:-1024}
PORTS=${PORTS:-"4811 4819 4827 4835"}
out=$(mktemp -d /tmp/ordo-rxq.XXXXXX)
field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }
fail() { echo "rx-queues: $*" >&2; exit 1; }

for port in $PORTS; do
	d=$out/p$port
	NODES=3 SIZES=$SIZES SECS=$SECS LAB_ENCAP=udp LAB_RX_QUEUES=2 \
		LAB_UDP_PORT=$port LAB_LCORES="0@(0,1),1@(0,1),2@(0,1),3@(0,1)" \
		LAB_KEEP=1 LAB_DIR="$d" LAB_NAME="ordoq$port$$" \
		bash $LAB/perf.sh > "$d.out" 2> "$d.err" || {
		tail -n 15 "$d.err" "$d.out" >&2
		fail "the run on UDP port $port failed (logs: $d)"
	}
	line=$(grep '^perf-lab: ' "$d.out" | tail -1)
	[ "$(field "$line" order)" = same ] ||
		fail "port $port: order $(field "$line" order) (logs: $d)"
	q0=0 q1=0 both=0
	for i in 1 2 3; do
		log=$d/node$i.log
		grep -q '^ordod: lcores main=0 ring=1 worker=2 (ports and crypto) rx_worker=3 (rx queue 1)' "$log" ||
			fail "node $i did not start its rx worker (logs: $d)"
		a=$(sed -n 's/^ordod: worker lcore=[0-9]* rx_handed=\([0-9]*\).*/\1/p' "$log")
		b=$(sed -n 's/^ordod: rx_worker queue=1 lcore=[0-9]* rx_handed=\([0-9]*\).*/\1/p' "$log")
		[ -n "$a" ] && [ -n "$b" ] || fail "node $i: no exit report of its workers (logs: $d)"
		q0=$((q0 + a)) q1=$((q1 + b))
		[ "$a" -gt 100 ] && [ "$b" -gt 100 ] && both=1
		# The replay windows moved to the ring lcore: nothing authentic
		# may be refused as a replay because it came through the other
		# queue.
		r=$(grep -h -o 'seal_replay=[0-9]*' "$log" | tail -1)
		[ -z "$r" ] || [ "${r#*=}" = 0 ] || fail "node $i refused $r (logs: $d)"
	done
	echo "rx-queues: port=$port q0_frames=$q0 q1_frames=$q1 msgs_per_s=$(field "$line" rx_msgs_per_s)" >&2
	if [ "$both" = 1 ]; then
		rm -rf "$out"
		echo "rx-queues: ok port=$port q0_frames=$q0 q1_frames=$q1 order=same msgs_per_s=$(field "$line" rx_msgs_per_s)"
		exit 0
	fi
done
fail "on UDP ports $PORTS no node got frames through both queues: this host's flow hash put every member in one queue (logs: $out)"
