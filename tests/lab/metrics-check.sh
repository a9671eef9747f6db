#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make metrics-check: a real Prometheus server scrapes ordo on a 3-node lab.
#
# Three ordod + ordo-ctrld pairs in namespaces on a bridge, as
# client-check runs them (config/lab/afpacket3.conf), each ordo-ctrld with
# its own MetricsListen on 127.0.0.1 (a Daemon block each, in a copy of the
# file: MetricsListen is not in the configuration hash, so ordod and
# ordo-ctrld still agree). Debian's prometheus binary, with its own
# configuration and storage in the lab directory, listening on 127.0.0.1
# only, scrapes the three every second. Then, through Prometheus' HTTP API:
#   - all three targets are up;
#   - every daemon reports a ring of 3 (ordo_ring_members) and names the
#     three members (ordo_ring_member);
#   - ordo-perf sends for a few seconds on node 1 and every daemon's
#     ordo_messages_delivered_total moved (increase() > 0), as did its
#     token rotations;
#   - the alert rules docs/deploy.md recommends load and evaluate without
#     an error;
#   - `ordoctl top` over the three sockets shows them all, with rates.
# Last line `metrics-check: ok targets=3 series=N` (N: the series
# Prometheus holds for the job), or the reason. About 30 s; root.
set -u
. "$(dirname "$0")/lib.sh"

B=${BUILD_DIR:-$LAB_ROOT/build}
CTRLD=${CTRLD:-$B/ctrl/ordo-ctrld}
ORDOCTL=${ORDOCTL:-$B/app/ordoctl}
PERF=${PERF:-$B/app/perf/ordo-perf}
PROMETHEUS=${PROMETHEUS:-$(command -v prometheus)}
BASE_CONFIG=${BASE_CONFIG:-$LAB_ROOT/config/lab/afpacket3.conf}
NODES=3

for x in "$CTRLD" "$ORDOCTL" "$PERF"; do
	[ -x "$x" ] || lab_die "missing $x: build first (make build)"
done
[ -n "$PROMETHEUS" ] && [ -x "$PROMETHEUS" ] ||
	lab_die "no prometheus binary (scripts/install-deps.sh installs Debian's)"
command -v python3 >/dev/null || lab_die "python3 is needed (scripts/install-deps.sh)"
command -v curl >/dev/null || lab_die "curl is needed"

PROM_PID=
PERF_PID=
mc_teardown() {
	[ -n "$PROM_PID" ] && kill -KILL "$PROM_PID" 2>/dev/null
	[ -n "$PERF_PID" ] && kill -KILL "$PERF_PID" 2>/dev/null
	lab_teardown
}
lab_init
trap mc_teardown EXIT

# Four free loopback ports: three endpoints and Prometheus.
ports=($(python3 - <<'EOF'
import socket
socks = []
for _ in range(4):
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    socks.append(s)
print(' '.join(str(s.getsockname()[1]) for s in socks))
EOF
))
PROM_PORT=${ports[3]}
PROM="http://127.0.0.1:$PROM_PORT"

export LAB_CONFIG=$LAB_DIR/metrics3.conf
sed -E "s/^(\s*Daemon n([1-3]) \{.*)\}\s*$/\1 MetricsListen = 127.0.0.1:PORT\2 }/" \
	"$BASE_CONFIG" > "$LAB_CONFIG"
for i in 1 2 3; do
	sed -i "s/PORT$i /${ports[$((i - 1))]} /" "$LAB_CONFIG"
done
[ "$(grep -c 'MetricsListen = 127.0.0.1:[0-9]* }' "$LAB_CONFIG")" = 3 ] ||
	lab_die "could not give each daemon of $BASE_CONFIG a MetricsListen"
"$ORDOCTL" check "$LAB_CONFIG" >/dev/null || lab_die "bad $LAB_CONFIG"

lab_netns_create "$NODES"
for i in 1 2 3; do
	lab_start_client_node "$i" afpacket "$NODES"
done
lab_wait_ring 3 60 3 || {
	for i in 1 2 3; do tail -n 3 "$LAB_DIR/node$i.log" "$LAB_DIR/ctrld$i.log"; done
	lab_die "the three daemons did not form a ring"
}

lab_log "ring of 3 after ${SECONDS} s"
mkdir -p "$LAB_DIR/prom/data"
cat > "$LAB_DIR/prom/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files:
  - $LAB_ROOT/config/prometheus/ordo-alerts.yml
scrape_configs:
  - job_name: ordo
    static_configs:
      - targets: ['127.0.0.1:${ports[0]}', '127.0.0.1:${ports[1]}', '127.0.0.1:${ports[2]}']
EOF
"$PROMETHEUS" --config.file="$LAB_DIR/prom/prometheus.yml" \
	--storage.tsdb.path="$LAB_DIR/prom/data" \
	--web.listen-address="127.0.0.1:$PROM_PORT" \
	--storage.tsdb.retention.time=1h --log.level=warn \
	> "$LAB_DIR/prometheus.log" 2>&1 &
PROM_PID=$!

# One instant query; prints the JSON result vector as "labels value"
# lines (python3 reads the JSON).
query() {
	curl -sf --max-time 5 -G "$PROM/api/v1/query" --data-urlencode "query=$1" |
		python3 -c '
import json, sys
r = json.load(sys.stdin)
if r.get("status") != "success":
    sys.exit("query failed: %s" % r)
for s in r["data"]["result"]:
    m = s["metric"]
    print(m.get("node", m.get("instance", "-")), m.get("member", ""), s["value"][1])
'
}
# The single value of a query that returns one number ("" if none).
value() { query "$1" 2>/dev/null | awk 'NR == 1 { print $NF }'; }
# Wait up to $2 seconds for query $1 to equal $3.
wait_value() {
	local t
	for ((t = 0; t < $2 * 2; t++)); do
		[ "$(value "$1")" = "$3" ] && return 0
		sleep 0.5
	done
	return 1
}

wait_value 'count(up{job="ordo"} == 1)' 40 3 || {
	tail -5 "$LAB_DIR/prometheus.log" >&2
	curl -s "$PROM/api/v1/targets" | head -c 2000 >&2
	lab_die "Prometheus does not see three ordo targets up"
}
lab_log "Prometheus scrapes 3 targets after ${SECONDS} s"
wait_value 'count(ordo_ring_members == 3)' 20 3 ||
	lab_die "not every daemon reports a ring of 3: $(query ordo_ring_members | tr '\n' ';')"
[ "$(value 'count(ordo_ring_member == 1)')" = 9 ] ||
	lab_die "ring members by name: $(query 'ordo_ring_member' | tr '\n' ';')"
[ "$(value 'count(ordo_dataplane_up == 1)')" = 3 ] ||
	lab_die "ordo_dataplane_up: $(query ordo_dataplane_up | tr '\n' ';')"

# Messages on node 1 for a few seconds; every daemon delivers them.
"$PERF" --socket "$LAB_DIR/rt1/ordo.sock" --mode rate --rate 2000 \
	--secs 4 --warmup 0 --quiet > "$LAB_DIR/perf.log" 2>&1 &
PERF_PID=$!
# ordoctl top over the three sockets meanwhile: every daemon operational
# in a ring of 3, messages per second measured (not "-").
"$ORDOCTL" -s "$LAB_DIR/rt1/ordo.sock" -s "$LAB_DIR/rt2/ordo.sock" \
	-s "$LAB_DIR/rt3/ordo.sock" top --iterations 2 --delay 1 \
	> "$LAB_DIR/top.txt" 2>&1 || lab_die "ordoctl top: $(tail -3 "$LAB_DIR/top.txt")"
sed -n '/frame 2/,$p' "$LAB_DIR/top.txt" >&2
[ "$(sed -n '/frame 2/,$p' "$LAB_DIR/top.txt" |
     grep -cE '^n[123] +operational +3 +[0-9.]+[kM]? ')" = 3 ] ||
	lab_die "ordoctl top does not show three operational daemons with rates"
wait_value 'count(increase(ordo_messages_delivered_total[30s]) > 0)' 20 3 || {
	tail -5 "$LAB_DIR/perf.log" >&2
	lab_die "ordo_messages_delivered_total did not move on every daemon: $(query 'increase(ordo_messages_delivered_total[30s])' | tr '\n' ';')"
}
[ "$(value 'count(increase(ordo_token_rotations_total[30s]) > 0)')" = 3 ] ||
	lab_die "token rotations did not move on every daemon"
# The ring lcore's stage cycles (dataplane/stages.h): its timed turns
# ordered messages on every daemon, and ordoctl counters shows them.
wait_value 'count(increase(ordo_lcore_stage_items_total{stage="protocol"}[30s]) > 0)' 10 3 ||
	lab_die "ordo_lcore_stage_items_total{stage=protocol} did not move on every daemon: $(query 'increase(ordo_lcore_stage_items_total{stage="protocol"}[30s])' | tr '\n' ';')"
[ "$(value 'count(increase(ordo_lcore_stage_cycles_total{stage="deliver"}[30s]) > 0)')" = 3 ] ||
	lab_die "ordo_lcore_stage_cycles_total{stage=deliver} did not move on every daemon"
"$ORDOCTL" -s "$LAB_DIR/rt1/ordo.sock" counters > "$LAB_DIR/counters.txt" 2>&1 &&
	grep -qE '^  stage_protocol_cycles_per_msg +[1-9]' "$LAB_DIR/counters.txt" ||
	lab_die "ordoctl counters shows no protocol cycles per message: $(grep stage_protocol "$LAB_DIR/counters.txt" | tr '\n' ';')"
lab_log "counters moved on every daemon after ${SECONDS} s"
wait "$PERF_PID" || lab_die "ordo-perf failed: $(tail -3 "$LAB_DIR/perf.log")"
PERF_PID=

# The recommended alerts (config/prometheus/ordo-alerts.yml) evaluate on
# real series without an error.
curl -sf --max-time 5 "$PROM/api/v1/rules" | python3 -c '
import json, sys
r = json.load(sys.stdin)
rules = [x for g in r["data"]["groups"] for x in g["rules"]]
bad = [(x["name"], x.get("lastError")) for x in rules
       if x.get("health") != "ok" or x.get("lastError")]
if len(rules) < 10 or bad:
    sys.exit("alert rules: %d loaded, unhealthy: %s" % (len(rules), bad))
' || lab_die "the alert rules do not evaluate cleanly"

series=$(value 'count({job="ordo"})')
delivered=$(value 'min(ordo_messages_delivered_total)')
[ -n "$series" ] && [ "$series" -gt 100 ] || lab_die "only '$series' series"
kill -TERM "$PROM_PID" 2>/dev/null
wait "$PROM_PID" 2>/dev/null
PROM_PID=
lab_stop_ctrld
lab_stop_all || lab_die "a node did not stop cleanly"
lab_log "every daemon delivered at least $delivered messages"
echo "metrics-check: ok targets=3 series=$series"
