#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Messages larger than a delivery ring, on a 3-node lab (root).
#
# Three ordod + ordo-ctrld pairs in network namespaces on a bridge
# (config/lab/afpacket3.conf). On every node one big_client
# (tests/lab/clients/big_client.c): its receiver joins "big", and once the
# three receivers are in, its sender sends each size in SIZES (default
# 1 MiB, 4 MiB, 8 MiB and the largest message the configuration allows,
# 16 MiB less the group header), each followed by 20 small messages. Every
# receiver must get every message of every node intact, each sender's in
# order, and all three the same total order (equal digests). Run once per
# ring setting in RINGS: "default" (the configuration's 1 MiB submit and
# 4 MiB delivery rings) and "small" (64 KiB both, the smallest allowed):
# the big messages stream through the rings in fragments.
#
#   flock /tmp/ordo-lab.lock bash tests/lab/bigmsg.sh        (about a minute)
#   SIZES="1048576 max" RINGS=small bash tests/lab/bigmsg.sh (shorter)
#
# Last line `bigmsg: ok (...)` (exit 0) or the reasons (exit 1).
set -u
. "$(dirname "$0")/lib.sh"

B=${BUILD_DIR:-$LAB_ROOT/build}
CTRLD=${CTRLD:-$B/ctrl/ordo-ctrld}
ORDOCTL=${ORDOCTL:-$B/app/ordoctl}
BIG=${BIG_CLIENT:-$B/tests/lab/big_client}
SIZES=${SIZES:-"1048576 4194304 8388608 max"}
RINGS=${RINGS:-"default small"}
NODES=3

for x in "$CTRLD" "$ORDOCTL" "$BIG"; do
	[ -x "$x" ] || lab_die "missing $x: build first (make build)"
done

lab_init
trap 'lab_stop_ctrld; lab_teardown' EXIT
lab_netns_create "$NODES"

# The lab configuration, with the client rings of this run.
make_conf() { # rings out
	if [ "$1" = small ]; then
		sed 's/^Ordo {/Ordo {\n\tClientSubmitBytes = 64K\n\tClientDeliverBytes = 64K/' \
			"$LAB_ROOT/config/lab/afpacket3.conf" > "$2"
	else
		cp "$LAB_ROOT/config/lab/afpacket3.conf" "$2"
	fi
}

fails=0
summary=
for rings in $RINGS; do
	export LAB_CONFIG=$LAB_DIR/big-$rings.conf
	make_conf "$rings" "$LAB_CONFIG"
	for ((i = 1; i <= NODES; i++)); do
		lab_start_client_node "$i" afpacket "$NODES"
	done
	lab_wait_ring "$NODES" 60 "$NODES" || {
		for ((i = 1; i <= NODES; i++)); do tail -n 3 "$LAB_DIR/node$i.log"; done
		lab_die "the three daemons did not form a ring ($rings rings)"
	}
	pids=()
	for ((i = 1; i <= NODES; i++)); do
		# shellcheck disable=SC2086
		"$BIG" "$LAB_DIR/rt$i/ordo.sock" "$i" "$NODES" $SIZES \
			> "$LAB_DIR/big-$rings-$i.log" 2>&1 &
		pids+=("$!")
	done
	ok=1
	for ((i = 1; i <= NODES; i++)); do
		wait "${pids[$((i - 1))]}" || ok=0
		echo "bigmsg: $rings rings, node $i: $(tail -1 "$LAB_DIR/big-$rings-$i.log")"
	done
	digests=$(for ((i = 1; i <= NODES; i++)); do
		tail -1 "$LAB_DIR/big-$rings-$i.log" | tr ' ' '\n' | sed -n 's/^digest=//p'
	done | sort -u | wc -l)
	if [ "$ok" = 1 ] && [ "$digests" = 1 ]; then
		summary="$summary $rings=ok"
	else
		[ "$digests" != 1 ] && echo "bigmsg: $rings rings: the receivers' orders differ"
		summary="$summary $rings=FAILED"
		fails=$((fails + 1))
	fi
	lab_stop_ctrld
	lab_stop_all || { echo "bigmsg: a daemon did not stop cleanly"; fails=$((fails + 1)); }
	LAB_CTRLD_PIDS=()
done
if [ "$fails" -eq 0 ]; then
	echo "bigmsg: ok (sizes: $SIZES; rings:$summary)"
else
	echo "bigmsg: FAILED ($summary)"
	exit 1
fi
