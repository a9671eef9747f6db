#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/lab/order-compare.sh on crafted ordo-perf logs: three nodes that
# agree pass; one changed digest, one changed count, a group missing on
# one node, a round without a digest, a log without order lines, and an
# order line printed twice each fail, and the failure names the key.
set -u
CMP=${1:?usage: $0 order-compare.sh}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

node_log() { # file node digest0 digest1 digest_all msgs0
	cat > "$1" <<EOT
perf: t=1 node=$2 rx_msgs/s=1 rx_Gbit/s=0.000 tx_msgs/s=1 p50_us=1.0 p99_us=1.0 p999_us=1.0 lost=0 misordered=0 corrupt=0 retrans=0
perf: order node=$2 round=0 size=1024 service=agreed group=perf0 msgs=${6:-100} digest=$3
perf: order node=$2 round=0 size=1024 service=agreed group=perf1 msgs=100 digest=$4
perf: order node=$2 round=0 size=1024 service=agreed group=* msgs=200 digest=$5
perf: summary node=$2 round=0 mode=flood size=1024 ends=3/3
perf: node=$2 size=1024 service=agreed senders=1 secs=1.000 sent=66 received=200 checked=yes
EOT
}

expect() { # want(0|1) what pattern-in-output file...
	local want=$1 what=$2 pat=$3 out rc
	shift 3
	out=$(bash "$CMP" "$@"); rc=$?
	if [ "$rc" -ne "$want" ] || ! grep -q -- "$pat" <<< "$out"; then
		echo "FAIL $what: exit $rc (want $want), output:"
		sed 's/^/    /' <<< "$out"
		fails=$((fails + 1))
	else
		echo "ok   $what: $(tail -1 <<< "$out")"
	fi
}

D0=00000000000000a1 D1=00000000000000b2 DA=00000000000000c3
for n in 1 2 3; do node_log "$T/n$n" "n$n" $D0 $D1 $DA; done
expect 0 "three nodes agree" "order: same nodes=3 keys=3" "$T/n1" "$T/n2" "$T/n3"

node_log "$T/bad" n3 $D0 $D1 00000000000000c4
expect 1 "one all-groups digest differs" "group=\* differ: n1=200/$DA n2=200/$DA n3=200/00000000000000c4" \
	"$T/n1" "$T/n2" "$T/bad"

node_log "$T/bad" n2 00000000000000a2 $D1 $DA
expect 1 "one group digest differs" "group=perf0 differ" "$T/n1" "$T/bad" "$T/n3"

node_log "$T/bad" n2 $D0 $D1 $DA 99
expect 1 "same digest, another count" "group=perf0 differ: n1=100/$D0 n2=99/$D0" "$T/n1" "$T/bad"

grep -v 'group=perf1' "$T/n3" > "$T/bad"
expect 1 "a group missing on one node" "group=perf1 differ: .* missing in n3" "$T/n1" "$T/n2" "$T/bad"

sed 's/msgs=[0-9]* digest=[0-9a-f]*/msgs=- digest=none/' "$T/n2" > "$T/bad"
expect 1 "a round without every END" "without every END" "$T/n1" "$T/bad"

grep -v '^perf: order' "$T/n2" > "$T/bad"
expect 1 "a log without order lines" "has no order lines" "$T/n1" "$T/bad" "$T/n3"

{ cat "$T/n2"; grep 'group=perf0' "$T/n2"; } > "$T/bad"
expect 1 "an order line twice" "group=perf0 differ" "$T/n1" "$T/bad"

: > "$T/empty"
expect 1 "nothing to compare" "order: differ nodes=1 keys=0" "$T/empty"
bash "$CMP" "$T/missing" > /dev/null 2>&1
[ $? -eq 2 ] && echo "ok   a missing log: exit 2" || { echo "FAIL a missing log"; fails=$((fails + 1)); }

[ "$fails" -eq 0 ]
