#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Ring goodput next to what the port type itself moves, in the same run:
#
#   1. baseline: dpdk-testpmd txonly -> rxonly between two lab hosts on PORT
#      (two namespaces on the bridge, or a memif link), frames of the size a
#      ring frame carrying one SIZE-byte message has; the receiver's best
#      second over SECS seconds
#   2. the ring: tests/lab/lab-check.sh with NODES, PORT, MSGS, SIZE
#
# and the ring's payload goodput as a fraction of the payload the
# baseline's frames could carry (Gbit/s of messages on both sides). A
# message larger than one 1500-byte frame is fragmented by the ring; the
# baseline then sends full 1500-byte frames. Ends with:
#
#   bench: port=afpacket nodes=3 size=1024 testpmd_pps=X testpmd_gbit_per_s=Y
#          ring_msgs_per_s=Z ring_gbit_per_s=W fraction=F
#
#   NODES=3 PORT=afpacket MSGS=100000 SIZE=1024 SECS=8 tests/lab/bench.sh
#   BASELINE_ONLY=1: testpmd only.
#
# Both figures share the machine with whatever else runs on it: note the
# load average next to them (bench prints it).
set -u
. "$(dirname "$0")/lib.sh"

NODES=${NODES:-3}
PORT=${PORT:-afpacket}
MSGS=${MSGS:-100000}
SIZE=${SIZE:-1024}
SECS=${SECS:-8}
TESTPMD=${TESTPMD:-dpdk-testpmd}
# A ring frame with one message: Ethernet 14 + ordo header 24 + DATA 16 +
# record 8 + the message.
FRAME=$((14 + 24 + 16 + 8 + SIZE))
[ "$FRAME" -le 1514 ] || FRAME=1514  # fragmented: compare with full frames
CARRY=$((FRAME - 62))               # message bytes one frame carries

command -v "$TESTPMD" > /dev/null || lab_die "no $TESTPMD (apt-get install dpdk)"

# testpmd on host i: role tx or rx. Forwarding lcores on different CPUs.
testpmd_args() {
	local i=$1 mode=$2 port
	case $PORT in
	afpacket) port="net_af_packet0,iface=veth0,qdisc_bypass=1" ;;
	afxdp) port="net_af_xdp0,iface=veth0,start_queue=0,queue_count=1" ;;
	memif) port="net_memif0,role=$([ "$i" = 1 ] && echo server || echo client),id=0,socket=$LAB_DIR/tp.sock,socket-abstract=no" ;;
	esac
	local cores="--lcores=0@0,1@1"
	[ "$i" = 2 ] && cores="--lcores=0@1,1@0"
	echo "$cores --no-pci --file-prefix=${LAB_NAME}tp$i --huge-dir=$LAB_DIR/huge" \
	     "--huge-unlink -m 512 --vdev $port -- --forward-mode=$mode" \
	     "--auto-start --stats-period 1 --total-num-mbufs=8192 --txpkts=$FRAME" \
	     "--burst=32 --txd=1024 --rxd=1024"
}

lab_init
[ "$PORT" = memif ] || lab_netns_create 2
wrap1=() wrap2=()
if [ "$PORT" != memif ]; then
	wrap1=(ip netns exec "$LAB_NAME-n1")
	wrap2=(ip netns exec "$LAB_NAME-n2")
fi
# Receiver first (it is the memif server's peer... and must be polling
# before the sender starts).
# shellcheck disable=SC2046
if [ "$PORT" = memif ]; then
	"${wrap1[@]}" timeout -s INT $((SECS + 6)) "$TESTPMD" $(testpmd_args 1 txonly) \
		> "$LAB_DIR/tp-tx.log" 2>&1 &
	sleep 1
	"${wrap2[@]}" timeout -s INT $((SECS + 4)) "$TESTPMD" $(testpmd_args 2 rxonly) \
		> "$LAB_DIR/tp-rx.log" 2>&1
else
	"${wrap2[@]}" timeout -s INT $((SECS + 4)) "$TESTPMD" $(testpmd_args 2 rxonly) \
		> "$LAB_DIR/tp-rx.log" 2>&1 &
	sleep 1.5
	"${wrap1[@]}" timeout -s INT $((SECS + 1)) "$TESTPMD" $(testpmd_args 1 txonly) \
		> "$LAB_DIR/tp-tx.log" 2>&1
fi
wait
# The receiver's best second (its Rx-pps lines): the baseline is what the
# port type can move at best on this machine now, so the fraction errs low.
pps=$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$LAB_DIR/tp-rx.log" |
	sed -n 's/.*Rx-pps: *\([0-9]*\).*/\1/p' | sort -n | tail -1)
[ "${pps:-0}" -gt 0 ] || {
	lab_log "testpmd baseline measured nothing; its logs:"
	tail -n 5 "$LAB_DIR/tp-rx.log" "$LAB_DIR/tp-tx.log" >&2
	exit 1
}
tp_gbit=$(awk -v p="$pps" -v s="$CARRY" 'BEGIN { printf "%.3f", p * s * 8 / 1e9 }')
lab_log "testpmd $PORT txonly->rxonly, $FRAME-byte frames: $pps frames/s received"

if [ -n "${BASELINE_ONLY:-}" ]; then
	echo "baseline: port=$PORT size=$SIZE frame=$FRAME testpmd_pps=$pps" \
	     "testpmd_gbit_per_s=$tp_gbit"
	exit 0
fi
line=$(LAB_NAME=${LAB_NAME}r LAB_DIR=${LAB_DIR}r NODES=$NODES PORT=$PORT MSGS=$MSGS \
	SIZE=$SIZE ORDOD=$ORDOD "$(dirname "$0")/lab-check.sh" | tail -1)
echo "$line"
case $line in
*ordered=yes*) ;;
*) lab_die "the ring run failed: $line" ;;
esac
rate=$(sed -n 's/.*msgs_per_s=\([0-9]*\).*/\1/p' <<< "$line")
gbit=$(sed -n 's/.*gbit_per_s=\([0-9.]*\).*/\1/p' <<< "$line")
frac=$(awk -v g="$gbit" -v t="$tp_gbit" 'BEGIN { printf "%.3f", g / t }')
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) (2 CPUs)" >&2
echo "bench: port=$PORT nodes=$NODES size=$SIZE testpmd_pps=$pps testpmd_gbit_per_s=$tp_gbit ring_msgs_per_s=$rate ring_gbit_per_s=$gbit fraction=$frac"
