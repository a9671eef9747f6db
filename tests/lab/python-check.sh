#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make python-check: the Python binding on a 3-node lab, with a C client.
#
# Three ordod + ordo-ctrld pairs in network namespaces on a bridge
# (config/lab/afpacket3.conf). In one group "mix": a Python client on node
# 1 (p1) and on node 3 (p3), both tests/lab/python_client.py over
# bindings/python with Debian's python3, and the C client cc_client on
# node 2 (c2, libordo's native API). Each sends N messages with every
# service, every 10th fragmented on the wire. Each verifies the bytes of
# every message (sender, sequence, length, checksum, whoever sent it), and
# the three must have received the same 3N messages, N from each sender
# in sequence, in one and the same order.
#
#   make python-check        (root; about 20 s)
set -u
. "$(dirname "$0")/lib.sh"

B=${BUILD_DIR:-$LAB_ROOT/build}
CTRLD=${CTRLD:-$B/ctrl/ordo-ctrld}
ORDOCTL=${ORDOCTL:-$B/app/ordoctl}
CC=${CC_CLIENT:-$B/tests/lab/cc_client}
LIBORDO=${LIBORDO:-$B/client/libordo.so}
PY=${PYTHON:-/usr/bin/python3}
LAB_CONFIG=${LAB_CONFIG:-$LAB_ROOT/config/lab/afpacket3.conf}
N=${N:-200}
NODES=3
export LAB_CONFIG

for x in "$CTRLD" "$ORDOCTL" "$CC" "$LIBORDO" "$PY"; do
	[ -e "$x" ] || lab_die "missing $x: build first (make build)"
done

CLIENT_PIDS=()
py_teardown() {
	local p
	for p in "${CLIENT_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	lab_teardown
}
lab_init
trap py_teardown EXIT
lab_netns_create "$NODES"
sock() { echo "$LAB_DIR/rt$1/ordo.sock"; }
for i in 1 2 3; do
	lab_start_client_node "$i" afpacket "$NODES" --stats-period 1
done
lab_wait_ring 3 60 3 || {
	for i in 1 2 3; do tail -n 3 "$LAB_DIR/node$i.log" "$LAB_DIR/ctrld$i.log"; done
	lab_die "the three daemons did not form a ring"
}
lab_log "ring of 3 formed; starting a C client and two Python clients"

wait_log() { # file pattern count secs
	local t
	for ((t = 0; t < ${4:-30} * 10; t++)); do
		[ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
		sleep 0.1
	done
	lab_log "timeout waiting for $3 x '$2' in $(basename "$1")"
	tail -5 "$1" >&2
	return 1
}

mkfifo "$LAB_DIR/c2.in"
"$CC" --api native --name c2 --socket "$(sock 2)" < "$LAB_DIR/c2.in" \
	> "$LAB_DIR/c2.log" 2> "$LAB_DIR/c2.err" &
CLIENT_PIDS+=("$!")
exec {C2}> "$LAB_DIR/c2.in"
wait_log "$LAB_DIR/c2.log" '^connected' 1 10 || lab_die "c2 did not connect"
echo "join mix" >&"$C2"

for i in 1 3; do
	PYTHONPATH="$LAB_ROOT/bindings/python" ORDO_LIBRARY="$LIBORDO" \
	PYTHONDONTWRITEBYTECODE=1 \
		"$PY" "$LAB_ROOT/tests/lab/python_client.py" --socket "$(sock $i)" \
		--name "p$i" --group mix --members 3 --count "$N" \
		--expect $((3 * N)) > "$LAB_DIR/p$i.log" 2>&1 &
	CLIENT_PIDS+=("$!")
	PY_PID[$i]=$!
done
wait_log "$LAB_DIR/c2.log" 'memb group=mix kind=reg.*members=[^ ]*,[^ ]*,' 1 30 ||
	lab_die "the group never had its three members"
echo "send mix $N 200" >&"$C2"

for i in 1 3; do
	wait "${PY_PID[$i]}" || { tail -5 "$LAB_DIR/p$i.log"; lab_die "p$i failed"; }
done
wait_log "$LAB_DIR/c2.log" '^msg .*groups=mix ' $((3 * N)) 60 ||
	lab_die "c2 did not receive all $((3 * N)) messages"
echo "disconnect" >&"$C2"

"$PY" - "$LAB_DIR" "$N" <<'PY' || { LAB_KEEP=1; exit 1; }
import re, sys
d, n = sys.argv[1], int(sys.argv[2])
orders = {}
for c in ('p1', 'c2', 'p3'):
    ids = []
    for line in open('%s/%s.log' % (d, c)):
        if not line.startswith('msg '):
            continue
        if c == 'c2' and ' groups=mix ' not in line:
            continue
        m = re.search(r' id=(\S+) ok=(\d)', line)
        if not m or m.group(2) != '1':
            sys.exit('python-check: %s: bad message: %s' % (c, line.strip()))
        ids.append(m.group(1))
    orders[c] = ids
    if len(ids) != 3 * n or len(set(ids)) != 3 * n:
        sys.exit('python-check: %s got %d messages, %d distinct, want %d'
                 % (c, len(ids), len(set(ids)), 3 * n))
    for s in ('#p1#n1', '#c2#n2', '#p3#n3'):
        seqs = [int(i.rsplit(':', 1)[1]) for i in ids if i.startswith(s + ':')]
        if seqs != list(range(1, n + 1)):
            sys.exit('python-check: %s: %s\'s messages not 1..%d in order'
                     % (c, s, n))
if not orders['p1'] == orders['c2'] == orders['p3']:
    sys.exit('python-check: the three clients saw different orders')
print('python-check: ok clients=3 (python 2, C 1) messages=%d '
      'order=same content=verified' % (3 * n))
PY
