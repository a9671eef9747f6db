#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The lab's part of `make test` (root only): real ordod processes on this
# machine, checked end to end. Short runs, so CI stays well inside its time:
#
#   misuse        clear errors and exit codes for bad invocations
#   afpacket      3 nodes in namespaces on veth + bridge, ordering check
#   afxdp         the same over AF_XDP sockets
#   memif         3 processes on a memif mesh
#   kill          a node SIGKILLed mid-traffic; survivors re-form, same order
#   clients       make client-check: libordo and sp.h clients on 3 nodes
#   keys          make lab-key-rotation: the key changes under traffic
#   keys-worker   the same with a crypto/io worker lcore on every node
#                 (`ordoctl key use` answers once the key is in force)
#   workers       3 nodes with clients, with 0, 1 and 2 worker lcores
#                 (tests/lab/workers.sh): same order on every node
#   clients-cworker  client-check with a client worker lcore on every node
#                 (--workers 2: it reads and writes the clients' rings)
#   cworkers      one node, 8 clients, two client workers (--workers 3,
#                 tests/lab/cworkers.sh): order checked, both wrote
#   rx-queues     make lab-rx-queues: two rx queues per port, the second
#                 owned by an rx worker lcore; same order on every node
#   keys-rxq      the key rotation on it (config/lab/afpacket3-rxq.conf):
#                 the rx worker's keys follow its crypto/io worker's
#
# Every lab seals its frames (Crypto on, a key made per run: lib.sh).
#   bigmsg        1 MiB and 16 MiB messages through 64 KiB client rings
#   flush         the flush library: joins, members killed mid-flush, a leave
#   metrics       make metrics-check: a real Prometheus scrapes 3 nodes
#   lcores        make lab-lcores: every lcore's cost counters (ring,
#                 crypto/io worker, client worker) in ordoctl counters,
#                 telemetry, Prometheus (promtool) and ordo-perf's lines;
#                 lcores-more: the same for a second client worker and an
#                 rx worker
#   faults        make lab-faults, short: each fault once on 3 nodes, EVS
#                 safety and availability judged (no healthy split, no
#                 ring of one, <= 4 ring changes for a flap, heal <= 500 ms)
#   hostile-*     make lab-hostile, short: a hostile host on the LAN, with
#                 crypto on (nothing accepted) and off, and with crypto on
#                 through a crypto/io worker lcore, and (hostile-rxq) in
#                 UDP with two rx queues, the second an rx worker's
#   python        make python-check: Python and C clients in one group
#   deb           make deb-check: the Debian packages built (lintian
#                 clean of errors) and installed into a fresh Debian 12
#                 (debootstrap), ordod --check and ordoctl check there
#
# Prints one line per check and ends with `lab: N passed, M failed`.
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
export ORDOD=${ORDOD:-$PWD/$B/dataplane/ordod}
LAB=tests/lab

passed=0 failed=0
check() { # name env... -- script
	local name=$1; shift
	local out rc t0=$SECONDS
	out=$(env "$@" 2>&1); rc=$?
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok   $name ($((SECONDS - t0)) s): $(echo "$out" | tail -1)"
	else
		failed=$((failed + 1))
		echo "FAIL $name ($((SECONDS - t0)) s):"
		echo "$out" | tail -15 | sed 's/^/     /'
	fi
}

check misuse   bash $LAB/misuse.sh
check afpacket NODES=3 PORT=afpacket MSGS=20000 SIZE=1024 bash $LAB/lab-check.sh
check afxdp    NODES=3 PORT=afxdp    MSGS=20000 SIZE=1024 bash $LAB/lab-check.sh
check memif    NODES=3 PORT=memif    MSGS=20000 SIZE=1024 bash $LAB/lab-check.sh
check kill     NODES=3 PORT=afpacket MSGS=50000 SIZE=1024 bash $LAB/lab-kill.sh
check clients  BUILD_DIR="$PWD/$B" bash $LAB/client-check.sh
check keys     BUILD_DIR="$PWD/$B" SECS=5 bash $LAB/key-rotation.sh
check keys-worker BUILD_DIR="$PWD/$B" SECS=5 LAB_LCORES="0@(0,1),1@(0,1),2@(0,1)" \
	bash $LAB/key-rotation.sh
check workers  BUILD_DIR="$PWD/$B" SECS=2 SIZES=1024 bash $LAB/workers.sh
check clients-cworker BUILD_DIR="$PWD/$B" ORDOD_ARGS="--workers 2" \
	LAB_LCORES="0@(0,1),1@(0,1),2@(0,1),3@(0,1)" bash $LAB/client-check.sh
check cworkers BUILD_DIR="$PWD/$B" SECS=2 SIZES=64 bash $LAB/cworkers.sh
check rx-queues BUILD_DIR="$PWD/$B" SECS=2 SIZES=1024 bash $LAB/rx-queues.sh
check keys-rxq BUILD_DIR="$PWD/$B" SECS=5 LAB_CONFIG="$PWD/config/lab/afpacket3-rxq.conf" \
	LAB_LCORES="0@(0,1),1@(0,1),2@(0,1),3@(0,1)" bash $LAB/key-rotation.sh
check bigmsg   BUILD_DIR="$PWD/$B" SIZES="1048576 max" RINGS=small bash $LAB/bigmsg.sh
check metrics  BUILD_DIR="$PWD/$B" bash $LAB/metrics-check.sh
check lcores   BUILD_DIR="$PWD/$B" bash $LAB/lcores-check.sh
check lcores-more BUILD_DIR="$PWD/$B" MORE=1 bash $LAB/lcores-check.sh
check flush    BUILD_DIR="$PWD/$B" ROUNDS=1 bash $LAB/flush.sh
check faults   BUILD_DIR="$PWD/$B" SIZES=3 RUNS=1 bash $LAB/lab-faults.sh
check hostile-sealed BUILD_DIR="$PWD/$B" CRYPTO=on SECS=5 RATE=2000 bash $LAB/hostile.sh
check hostile-clear  BUILD_DIR="$PWD/$B" CRYPTO=off SECS=5 RATE=2000 bash $LAB/hostile.sh
check hostile-rxq BUILD_DIR="$PWD/$B" WORKER=1 RXQ=2 ENCAP=udp \
	LAB_LCORES="0@(0,1),1@(0,1),2@(0,1),3@(0,1)" CRYPTO=on SECS=3 RATE=2000 bash $LAB/hostile.sh
check hostile-worker BUILD_DIR="$PWD/$B" WORKER=1 LAB_LCORES="0@(0,1),1@(0,1),2@(0,1)" CRYPTO=on SECS=3 RATE=2000 bash $LAB/hostile.sh
check python   BUILD_DIR="$PWD/$B" bash $LAB/python-check.sh
check deb      bash -c 'bash scripts/deb.sh "${DEB_OUT:-/var/tmp/ordo-deb}" &&
	bash scripts/deb-check.sh "${DEB_OUT:-/var/tmp/ordo-deb}"'

echo "lab: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
