#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Do the membership timers hold on this machine? NODES ordod in namespaces
# (no fault, no relay), each with a client sending every INTERVAL_MS,
# for SECS seconds; then, from the rings each daemon printed: how long
# the first full ring took, ring changes per node after it, rings of one,
# and the share of the time all nodes were in one full ring. Next to it,
# how long a spinning thread of this machine goes without the CPU (the
# gaps a timer has to survive) while the lab runs.
#
#   tests/lab/lab-timers.sh                            the lab's timers
#   LAB_TIMEOUTS="" IDLE=spin tests/lab/lab-timers.sh  the engine's own
#   NODES=2 SECS=30 LAB_TIMEOUTS="" IDLE=spin ...
#
# Last line: `lab-timers: nodes=N idle=I timeouts=T secs=S first_full_ms=X
# ring_changes=a,b,c singleton_rings=K full_pct=P load=L`; the line before
# it has the probe's gaps and each ordod's CPU use.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/faults/inject.sh"

B=${BUILD_DIR:-$LAB_ROOT/build}
CTRLD=${CTRLD:-$B/ctrl/ordo-ctrld}
FC=${FC:-$B/tests/lab/fault_client}
NODES=${NODES:-3}
SECS=${SECS:-20}
INTERVAL_MS=${INTERVAL_MS:-20}
for x in "$CTRLD" "$FC"; do
	[ -x "$x" ] || lab_die "missing $x: build first (make build)"
done

lab_init
trap fault_teardown EXIT
LAB_CONFIG=$LAB_DIR/afpacket$NODES.conf
export LAB_CONFIG
fault_conf "$NODES" > "$LAB_CONFIG"
lab_netns_create "$NODES"
t_start=$EPOCHREALTIME
for ((i = 1; i <= NODES; i++)); do
	lab_start_client_node "$i" afpacket "$NODES" --stats-period 1
done
# Clients once each control plane admits (the dataplane is in a ring).
for ((i = 1; i <= NODES; i++)); do
	for ((t = 0; t < 300; t++)); do
		grep -q 'link up' "$LAB_DIR/ctrld$i.log" 2>/dev/null && break
		sleep 0.1
	done
done
sleep 1
for ((i = 1; i <= NODES; i++)); do fault_client_start "$i" "f$i"; done
# A spinning probe next to the lab: its longest gaps are the time a
# thread of this machine can go without a CPU right now.
probe=$(python3 - "$SECS" <<'EOF'
import sys, time
end = time.monotonic() + float(sys.argv[1])
prev = time.monotonic(); gaps = []
while True:
    t = time.monotonic()
    if t - prev > 0.002:
        gaps.append(t - prev)
    prev = t
    if t > end:
        break
gaps.sort()
n = lambda ms: sum(g > ms / 1000 for g in gaps)
print(f"probe_gaps_over_5ms={n(5)} over_10ms={n(10)} over_20ms={n(20)} "
      f"max_ms={gaps[-1] * 1000 if gaps else 0:.1f}")
EOF
)
load=$(cut -d' ' -f1 /proc/loadavg)
# CPU each ordod used, in % of one CPU over its life (utime + stime).
cpu=
for ((i = 1; i <= NODES; i++)); do
	read -r -a st < "/proc/${LAB_PIDS[$i]}/stat"
	up=$(cut -d' ' -f1 /proc/uptime)
	cpu+="${cpu:+,}$(awk -v u="${st[13]}" -v s="${st[14]}" -v b="${st[21]}" \
		-v up="$up" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.0f", 100 * (u + s) / hz / (up - b / hz) }')"
done
t_stop=$EPOCHREALTIME
lab_stop_ctrld
lab_stop_all || lab_log "a daemon exited badly"
python3 - "$LAB_DIR" "$NODES" "$t_start" "$t_stop" "${IDLE:-backoff}" \
	"${LAB_TIMEOUTS:-defaults}" "$SECS" "$load" "$probe" "$cpu" <<'EOF'
import re, sys
from pathlib import Path
d, n, t0, stop, idle, tmo, secs, load, probe, cpu = sys.argv[1:]
n, t0, stop = int(n), float(t0), float(stop)
ids, rings = {}, []
for i in range(1, n + 1):
    for line in (Path(d) / f"node{i}.log").read_text(errors="replace").splitlines():
        m = re.match(r"ordod: node=(\d+) members=", line)
        if m:
            ids[m.group(1)] = i
        m = re.match(r"ordod: ring (\S+) members=(\d+) at=(\S+) ids=(\S*)", line)
        if m and float(m.group(3)) <= stop:
            rings.append((float(m.group(3)), i, m.group(1), int(m.group(2))))
rings.sort()
state, first, full_t, last_t, was_full = {}, None, 0.0, None, False
changes = {i: 0 for i in range(1, n + 1)}
singles = 0
for t, i, rid, k in rings:
    if was_full and last_t is not None:
        full_t += t - last_t
    state[i] = (rid, k)
    full = len(state) == n and len({r for r, _ in state.values()}) == 1 \
        and all(m == n for _, m in state.values())
    if first is None and full:
        first = t
    elif first is not None:
        changes[i] += 1
        singles += k == 1 and n > 1
    was_full, last_t = full, t
if first is not None:
    # The last state lasts until the daemons are stopped.
    if was_full:
        full_t += max(0.0, stop - last_t)
    span = max(1e-9, stop - first)
print(f"lab-timers: {probe} ordod_cpu_pct={cpu} load={load}")
print(f"lab-timers: nodes={n} idle={idle} timeouts={tmo.replace(' ', '_')} "
      f"secs={secs} first_full_ms="
      + (f"{(first - t0) * 1000:.0f}" if first else "never")
      + f" ring_changes={','.join(str(changes[i]) for i in sorted(changes))}"
      f" singleton_rings={singles} full_pct="
      + (f"{100 * full_t / span:.1f}" if first else "0") + f" load={load}")
EOF
