# SPDX-License-Identifier: BSD-3-Clause
#
# The fault suite's plumbing (source it after tests/lab/lib.sh; bash only):
# the lab's configuration, a relay on each node's link, the event log, the
# ring state read from the daemons' logs, and the five faults.
#
# With relays the switch namespace looks like this for node i:
#
#   node ns: veth0 ==== s<i>  [ordo-relay]  b<i> ==== p<i>  br0 (switch ns)
#
# s<i> is out of the bridge; the relay moves frames between s<i> and b<i>
# and takes commands on $LAB_DIR/relay<i>.ctl (tests/lab/relay/ordo-relay.c).
# Every node gets one, passing until a fault says otherwise, so that every
# fault runs on the same topology.

FAULT_RELAY_PIDS=()
FAULT_CLIENT_PIDS=()
declare -A FAULT_CLIENT_OF FAULT_CLIENT_PID # client name -> node, pid

# One line per driver event, with the wall-clock time, for check.py:
#   t=SEC.USEC event=NAME key=value ...
fault_ev() {
	echo "t=$EPOCHREALTIME event=$*" >> "$LAB_DIR/events.log"
}

# A configuration for n daemons n1..nN on the namespace LAN: the same shape
# as config/lab/afpacket3.conf, for any n. Timeouts come from LAB_TIMEOUTS
# on the command line, as for every lab.
fault_conf() {
	local n=$1 i
	echo "Spread_Segment 239.192.0.1:4803 {"
	for ((i = 1; i <= n; i++)); do echo "	n$i	10.77.0.$i"; done
	echo "}"
	echo "Ordo {"
	echo "	Encap = ethernet"
	echo "	IdleStrategy = ${IDLE:-backoff}"
	echo "	Crypto = aes256gcm"
	echo "	KeyFile = $LAB_CONF_KEY"
	for ((i = 1; i <= n; i++)); do
		echo "	Daemon n$i { Port = \"net_af_packet0,iface=veth0,qdisc_bypass=1\" }"
	done
	echo "	Access \"*\" { Uid = *  Allow = join send }"
	echo "}"
}

# Put a relay between node i's veth and the bridge (before ordod starts).
fault_relay_insert() {
	local i=$1 sw=$LAB_NAME-sw
	ip netns exec "$sw" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$sw" link set "s$i" nomaster || lab_die "s$i out of the bridge"
	ip -n "$sw" link add "b$i" type veth peer name "p$i" ||
		lab_die "relay veth for node $i"
	ip -n "$sw" link set "p$i" master br0
	ip -n "$sw" link set "b$i" up
	ip -n "$sw" link set "p$i" up
	ip netns exec "$sw" "$RELAY" --node "s$i" --bridge "b$i" \
		--ctl "$LAB_DIR/relay$i.ctl" --seed "$((1000 + i))" \
		> "$LAB_DIR/relay$i.log" 2>&1 &
	FAULT_RELAY_PIDS[$i]=$!
	disown "$!"
	local t
	for ((t = 0; t < 50; t++)); do
		grep -q ' ready ' "$LAB_DIR/relay$i.log" 2>/dev/null && return 0
		sleep 0.1
	done
	cat "$LAB_DIR/relay$i.log" >&2
	lab_die "relay $i did not start"
}

# A command to node i's relay. Opening a FIFO for writing waits for a
# reader: a relay that died must not hang the lab (the checker then finds
# the fault had no effect).
fault_relay() { # node command...
	local i=$1
	shift
	timeout 2 sh -c 'echo "$1" > "$2"' _ "$*" "$LAB_DIR/relay$i.ctl" ||
		lab_log "relay $i did not take '$*'"
}

# A client of node i named $2 (1..10 characters), logging to $2.log.
fault_client_start() {
	local i=$1 name=$2
	"$FC" --socket "$LAB_DIR/rt$i/ordo.sock" --name "$name" --group F \
		--interval-ms "$INTERVAL_MS" --size "${MSG_SIZE:-200}" \
		> "$LAB_DIR/$name.log" 2> "$LAB_DIR/$name.err" &
	FAULT_CLIENT_PIDS+=("$!")
	FAULT_CLIENT_OF[$name]=$i
	FAULT_CLIENT_PID[$name]=$!
	disown "$!"
	fault_ev "client name=$name node=$i pid=$!"
}

fault_teardown() {
	local p
	for p in "${FAULT_CLIENT_PIDS[@]}" "${FAULT_RELAY_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	lab_teardown
}

# Each node's current ring as "RING_ID:MEMBERS", from the last ring line
# its ordod printed (dataplane/ctrl_link.c); "-" before the first.
fault_rings() {
	local i l out=""
	for ((i = 1; i <= NODES; i++)); do
		l=$(grep 'ordod: ring ' "$LAB_DIR/node$i.log" 2>/dev/null | tail -1)
		l=${l#ordod: ring }
		out+="${l%% at=*} "
	done
	echo "$out" | sed 's/ members=/:/g; s/^ *//; s/ *$//'
}

# True when every node is in the same ring of all NODES daemons.
fault_full() {
	local r first=
	for r in $(fault_rings); do
		[ "${r#*:}" = "$NODES" ] || return 1
		[ -z "$first" ] && first=$r
		[ "$r" = "$first" ] || return 1
	done
	[ -n "$first" ]
}

# Wait until the full ring has held for $1 ms straight (the same ring all
# along), at most $2 seconds. 0 when it did.
fault_settle() {
	local hold_us=$(($1 * 1000)) end since=0 last= now r
	end=$(( ${EPOCHREALTIME/./} + $2 * 1000000 ))
	while :; do
		now=${EPOCHREALTIME/./}
		[ "$now" -gt "$end" ] && return 1
		r=$(fault_rings)
		if fault_full; then
			if [ "$r" != "$last" ]; then
				since=$now
				last=$r
			elif [ $((now - since)) -ge "$hold_us" ]; then
				return 0
			fi
		else
			last=
		fi
		sleep 0.05
	done
}

# --- the faults: fault_<name> VICTIM; each logs start and heal ----------

# The victim can receive but nothing it sends gets out, for 3 s.
fault_cut() {
	local v=$1
	fault_ev "fault name=cut victim=$v phase=start"
	fault_relay "$v" "egress cut=1"
	sleep 3
	fault_relay "$v" "egress cut=0"
	fault_ev "fault name=cut victim=$v phase=heal"
}

# The victim's link goes down and up every 200 ms for 5 s (ip link, in
# its namespace: the port sees the link state change), ending up.
fault_flap() {
	local v=$1 k t0=${EPOCHREALTIME/./} ns=$LAB_NAME-n$v state
	fault_ev "fault name=flap victim=$v phase=start"
	for ((k = 0; k < 25; k++)); do
		state=$([ $((k % 2)) = 0 ] && echo down || echo up)
		ip -n "$ns" link set veth0 "$state" ||
			lab_die "flap: ip link set veth0 $state in $ns failed"
		fault_sleep_until $((t0 + (k + 1) * 200000))
	done
	ip -n "$ns" link set veth0 up
	fault_ev "fault name=flap victim=$v phase=heal"
}

fault_sleep_until() { # epoch microseconds
	local d=$(( $1 - ${EPOCHREALTIME/./} ))
	[ "$d" -gt 0 ] && sleep "$(printf '%d.%06d' $((d / 1000000)) $((d % 1000000)))"
	return 0
}

# The victim's ordod is stopped for 2 s (a long GC, a starved CPU), then
# continued: everything queued meanwhile arrives at once.
fault_stop() {
	local v=$1
	fault_ev "fault name=stop victim=$v phase=start"
	kill -STOP "${LAB_PIDS[$v]}"
	sleep 2
	kill -CONT "${LAB_PIDS[$v]}"
	fault_ev "fault name=stop victim=$v phase=heal"
}

# The victim's ordod is SIGKILLed and restarted 2 s later (its ordo-ctrld
# stays and re-dials). The heal is when the new ordod has its port up;
# its clients died with it, a new one starts on it then.
FAULT_KILLS=0
fault_kill() {
	local v=$1 t
	FAULT_KILLS=$((FAULT_KILLS + 1))
	fault_ev "fault name=kill victim=$v phase=start"
	kill -KILL "${LAB_PIDS[$v]}"
	wait "${LAB_PIDS[$v]}" 2>/dev/null
	fault_ev "killed node=$v"
	mv "$LAB_DIR/node$v.log" "$LAB_DIR/node$v.k$FAULT_KILLS.log"
	sleep 2
	lab_start_node "$v" afpacket "$NODES" --runtime-dir "$LAB_DIR/rt$v" \
		--stats-period 1
	fault_ev "restarted node=$v pid=${LAB_PIDS[$v]}"
	for ((t = 0; t < 3000; t++)); do
		grep -q '^ordod: port .* link=' "$LAB_DIR/node$v.log" 2>/dev/null && break
		kill -0 "${LAB_PIDS[$v]}" 2>/dev/null || lab_die "node $v did not restart"
		sleep 0.01
	done
	fault_ev "fault name=kill victim=$v phase=heal"
	# The ordo-ctrld of the node re-dials every 200 ms and admits
	# clients again once its dataplane is in a ring; then a new client.
	for ((t = 0; t < 100; t++)); do
		"$ORDOCTL" -s "$LAB_DIR/rt$v/ordo.sock" ring 2>/dev/null |
			grep -q 'in ring (this daemon)' && break
		sleep 0.1
	done
	fault_client_start "$v" "f${v}k$FAULT_KILLS"
}

# 20 % loss on every link, and reordering: each relay drops a fifth of the
# frames its node receives and holds the rest 0-2 ms at random, for 5 s.
fault_loss() {
	local v=$1 i
	fault_ev "fault name=loss victim=0 phase=start"
	for ((i = 1; i <= NODES; i++)); do
		fault_relay "$i" "ingress loss=20 delay=0 jitter=2"
	done
	sleep 5
	for ((i = 1; i <= NODES; i++)); do fault_relay "$i" pass; done
	fault_ev "fault name=loss victim=0 phase=heal"
}
