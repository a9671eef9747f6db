# SPDX-License-Identifier: BSD-3-Clause
#
# Shared by the lab scripts (source it; bash only). A lab is N ordod
# processes on this machine joined by one of:
#
#   afpacket | afxdp   N network namespaces, each with a veth whose peer
#                      sits on a Linux bridge in a switch namespace: a
#                      switched LAN. Traffic never leaves namespaces we made.
#   memif              a full mesh of memif links, one per pair of nodes:
#                      memif is point-to-point, so each node has N-1 ports
#                      and a ring multicast is one copy per port. A mesh
#                      needs no extra process or hop (a hub would forward
#                      every packet once more and take a core of the two);
#                      its cost, N(N-1)/2 links, is fine up to a dozen nodes.
#
# Everything a lab creates lives under $LAB_DIR and in namespaces named
# $LAB_NAME-*; lab_teardown removes all of it and runs from an EXIT trap,
# so it also runs after a failure or an interrupt.

set -o pipefail

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ORDOD=${ORDOD:-$LAB_ROOT/build/dataplane/ordod}
LAB_NAME=${LAB_NAME:-ordolab$$}
LAB_DIR=${LAB_DIR:-/tmp/$LAB_NAME}
LAB_HUGEPAGES=${LAB_HUGEPAGES:-1024}   # 2 MB pages for the whole lab
# Each daemon's EAL lcores: main and ring lcore, both free to float over
# the two CPUs (several daemons share them). A measurement that wants the
# ring lcore alone on a CPU pins it, e.g. LAB_LCORES="0@0,1@1".
LAB_LCORES=${LAB_LCORES:-"0@(0,1),1@(0,1)"}
LAB_PIDS=()
LAB_CTRLD_PIDS=()
LAB_NETNS=()
LAB_HP_BEFORE=
HP_SYS=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages

lab_log() { echo "lab: $*" >&2; }
lab_die() { echo "lab: error: $*" >&2; exit 1; }

lab_need_root() {
	[ "$(id -u)" = 0 ] || lab_die "needs root (namespaces, hugepages)"
	[ -x "$ORDOD" ] || lab_die "no ordod at $ORDOD: build first (make build)"
}

# 2 MB pages: raise the reservation if it is short, mount hugetlbfs in our
# own directory so page files of this run never mix with others.
lab_hugepages() {
	local have
	have=$(cat $HP_SYS)
	if [ "$have" -lt "$LAB_HUGEPAGES" ]; then
		LAB_HP_BEFORE=$have
		echo "$LAB_HUGEPAGES" > $HP_SYS
		have=$(cat $HP_SYS)
		[ "$have" -ge "$LAB_HUGEPAGES" ] ||
			lab_log "only $have of $LAB_HUGEPAGES hugepages granted"
	fi
	mkdir -p "$LAB_DIR/huge"
	mount -t hugetlbfs -o pagesize=2M nodev "$LAB_DIR/huge" ||
		lab_die "cannot mount hugetlbfs on $LAB_DIR/huge"
}

# EAL arguments for node i: its own file prefix and hugepage directory.
# Two lcores that float over both CPUs: with 3-5 nodes on 2 cores, pinning
# every ring lcore to the same CPU would starve them.
lab_eal() {
	local i=$1
	echo "--lcores=$LAB_LCORES --no-pci --file-prefix=${LAB_NAME}n$i" \
	     "--huge-dir=$LAB_DIR/huge --huge-unlink -m 128" \
	     "--log-level=lib.eal:error ${LAB_EAL_EXTRA:-}"
}

lab_members() {
	local n=$1 i s=""
	for ((i = 1; i <= n; i++)); do s+="${s:+,}$i"; done
	echo "$s"
}

# --- switched LAN of namespaces ------------------------------------------
lab_netns_create() {
	local n=$1 i sw=$LAB_NAME-sw
	ip netns add "$sw" || lab_die "ip netns add $sw"
	LAB_NETNS+=("$sw")
	ip -n "$sw" link add br0 type bridge mcast_snooping 0
	ip -n "$sw" link set br0 up
	for ((i = 1; i <= n; i++)); do
		local ns=$LAB_NAME-n$i
		ip netns add "$ns" || lab_die "ip netns add $ns"
		LAB_NETNS+=("$ns")
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$sw" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip link add veth0 netns "$ns" type veth peer name "s$i" netns "$sw" ||
			lab_die "veth for node $i"
		ip -n "$sw" link set "s$i" master br0
		ip -n "$sw" link set "s$i" up
		ip -n "$ns" link set lo up
		ip -n "$ns" link set veth0 up
	done
}

# Port arguments of node i of n on port type $2. LAB_RX_QUEUES=N (af_packet):
# N rx queues, the kernel spreading frames over N sockets (qpairs), each
# after the first owned by an rx worker lcore (ordod --rx-queues, or
# RxQueues in a configuration file: lab_rx_queues).
lab_port_args() {
	local i=$1 type=$2 n=$3 j q=${LAB_RX_QUEUES:-1}
	case $type in
	afpacket)
		if [ "$q" -gt 1 ]; then
			echo "--port net_af_packet0,iface=veth0,qdisc_bypass=1,qpairs=$q"
		else
			echo "--port net_af_packet0,iface=veth0,qdisc_bypass=1"
		fi ;;
	afxdp) echo "--port net_af_xdp0,iface=veth0,start_queue=0,queue_count=1" ;;
	memif)
		for ((j = 1; j <= n; j++)); do
			[ "$j" = "$i" ] && continue
			local lo=$((i < j ? i : j)) hi=$((i < j ? j : i))
			local role=$([ "$i" = "$lo" ] && echo server || echo client)
			echo -n " --port net_memif${lo}x${hi},role=$role,id=0"
			echo -n ",socket=$LAB_DIR/memif-$lo-$hi.sock,socket-abstract=no"
		done
		echo
		;;
	*) lab_die "unknown port type '$type' (afpacket, afxdp, memif)" ;;
	esac
}

# LAB_RX_QUEUES as an ordod option (opt) or a Daemon block's key (conf);
# nothing for one queue.
lab_rx_queues() {
	local q=${LAB_RX_QUEUES:-1}
	[ "$q" -gt 1 ] || return 0
	case $1 in
	opt) echo "--rx-queues $q" ;;
	conf) echo "RxQueues = $q" ;;
	esac
}

# The ring of node i: from options, or with LAB_CONFIG from a configuration
# file whose daemons are named n1..nN (config/lab/*.conf), ports included.
lab_ring_args() {
	local i=$1 type=$2 n=$3
	if [ -n "${LAB_CONFIG:-}" ]; then
		echo "--config $(lab_config) --name n$i"
	else
		echo "$(lab_port_args "$i" "$type" "$n") $(lab_rx_queues opt)" \
		     "--node-id $i" \
		     "--members $(lab_members "$n") $(lab_crypto_args)"
	fi
}

# Crypto, as in production: on, with a key made for this run (lab_init).
# LAB_CRYPTO=none runs the ring in the clear (labs without a file only:
# a configuration file's Crypto is in its hash).
LAB_CRYPTO=${LAB_CRYPTO:-aes256gcm}
LAB_KEY=${LAB_KEY:-$LAB_DIR/ordo.key}
# The key file config/lab/*.conf name.
LAB_CONF_KEY=/run/ordo/lab/ordo.key
lab_crypto_args() {
	if [ "$LAB_CRYPTO" = none ]; then
		echo "--crypto none"
	else
		echo "--key-file $LAB_KEY"
	fi
}

# A new key at $1 with ordoctl keygen (mode 0600), replacing any old one.
lab_keygen() {
	local ctl=${ORDOCTL:-$(dirname "$ORDOD")/../app/ordoctl}
	rm -f "$1"
	"$ctl" keygen "$1" > /dev/null || lab_die "ordoctl keygen $1 failed"
}

# Membership timeouts for a lab: 3-5 daemons share 2 CPUs with whatever else
# runs there, so a daemon can be descheduled for tens of milliseconds. The
# engine's defaults are for dedicated cores; a lab that used them would
# measure its scheduler, not the ring. LAB_TIMEOUTS="" keeps the defaults.
LAB_TIMEOUTS=${LAB_TIMEOUTS---token-loss-ms 200 --consensus-ms 100 --token-hold-us 200}

# The lab's timers as configuration lines (TokenTimeout, GatherTimeout: a
# file's timers are in its hash, so ordod takes them from the file, never
# from options that would contradict it), and the options that remain.
lab_timeout_lines() {
	set -- $LAB_TIMEOUTS
	while [ $# -ge 2 ]; do
		case $1 in
		--token-loss-ms) echo "TokenTimeout = $2" ;;
		--consensus-ms) echo "GatherTimeout = $2" ;;
		esac
		shift 2
	done
}
lab_timeout_opts() {
	[ -z "${LAB_CONFIG:-}" ] && { echo "$LAB_TIMEOUTS"; return; }
	set -- $LAB_TIMEOUTS
	while [ $# -ge 2 ]; do
		case $1 in
		--token-loss-ms | --consensus-ms) ;;
		*) echo -n "$1 $2 " ;;
		esac
		shift 2
	done
}
# The configuration file the daemons of a lab read: $LAB_CONFIG with the
# lab's timers added (written once per lab into $LAB_DIR), or $LAB_CONFIG
# itself when it sets its own timers or the lab keeps the defaults.
lab_config() {
	local out
	out="$LAB_DIR/timed-$(basename "$LAB_CONFIG")"
	if [ -z "$(lab_timeout_lines)" ] ||
	   grep -qE '^[[:space:]]*(TokenTimeout|GatherTimeout)' "$LAB_CONFIG"; then
		echo "$LAB_CONFIG"
		return
	fi
	# Written whole, then renamed: daemons started in the background
	# read it while a later call may write it again.
	{ cat "$LAB_CONFIG"; echo "# The lab's timers (tests/lab/lib.sh)"
	  lab_timeout_lines; } > "$out.$BASHPID"
	if cmp -s "$out.$BASHPID" "$out"; then
		rm -f "$out.$BASHPID"
	else
		mv -f "$out.$BASHPID" "$out"
	fi
	echo "$out"
}

# Start node i; remaining arguments are ordod options. Output in node$i.log.
lab_start_node() {
	local i=$1 type=$2 n=$3
	shift 3
	local wrap=()
	[ "$type" != memif ] && wrap=(ip netns exec "$LAB_NAME-n$i")
	# shellcheck disable=SC2046
	"${wrap[@]}" "$ORDOD" $(lab_eal "$i") -- $(lab_ring_args "$i" "$type" "$n") \
		--lock-dir "$LAB_DIR/lock" $(lab_timeout_opts) "$@" \
		> "$LAB_DIR/node$i.log" 2>&1 &
	LAB_PIDS[$i]=$!
}

# Wait until every node's log has a line matching $1, a node exits, or $2
# seconds pass. Returns 0 when all matched.
lab_wait_all() {
	local pat=$1 secs=$2 n=${#LAB_PIDS[@]} t=0 i ok
	while [ "$t" -lt $((secs * 10)) ]; do
		ok=0
		for i in "${!LAB_PIDS[@]}"; do
			grep -q -- "$pat" "$LAB_DIR/node$i.log" 2>/dev/null && ok=$((ok + 1))
			if ! kill -0 "${LAB_PIDS[$i]}" 2>/dev/null; then
				grep -q -- "$pat" "$LAB_DIR/node$i.log" || {
					lab_log "node $i exited early:"
					tail -5 "$LAB_DIR/node$i.log" >&2
					return 1
				}
			fi
		done
		[ "$ok" -eq "$n" ] && return 0
		sleep 0.1
		t=$((t + 1))
	done
	return 1
}

# SIGINT every node, then wait (SIGKILL after 10 s). Returns non-zero if a
# node crashed (killed by a signal other than ours).
lab_stop_all() {
	local i rc bad=0
	for i in "${!LAB_PIDS[@]}"; do
		kill -INT "${LAB_PIDS[$i]}" 2>/dev/null
	done
	for i in "${!LAB_PIDS[@]}"; do
		local t=0
		while kill -0 "${LAB_PIDS[$i]}" 2>/dev/null && [ $t -lt 100 ]; do
			sleep 0.1
			t=$((t + 1))
		done
		kill -KILL "${LAB_PIDS[$i]}" 2>/dev/null
		wait "${LAB_PIDS[$i]}" 2>/dev/null
		rc=$?
		[ "$rc" -ne 0 ] && [ "$rc" -ne 130 ] && {
			lab_log "node $i exited with status $rc"
			bad=1
		}
		unset "LAB_PIDS[$i]"
	done
	return $bad
}

lab_teardown() {
	local i ns
	for i in "${!LAB_CTRLD_PIDS[@]}"; do
		kill -KILL "${LAB_CTRLD_PIDS[$i]}" 2>/dev/null
	done
	for i in "${!LAB_PIDS[@]}"; do
		kill -KILL "${LAB_PIDS[$i]}" 2>/dev/null
		wait "${LAB_PIDS[$i]}" 2>/dev/null
	done
	for ns in "${LAB_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -d "$LAB_DIR/huge" ]; then
		umount "$LAB_DIR/huge" 2>/dev/null
	fi
	if [ -n "$LAB_HP_BEFORE" ]; then
		echo "$LAB_HP_BEFORE" > $HP_SYS 2>/dev/null
	fi
	rm -rf /var/run/dpdk/"${LAB_NAME}"n* 2>/dev/null
	if [ -n "${LAB_KEEP:-}" ]; then
		lab_log "logs kept in $LAB_DIR"
	else
		rm -rf "$LAB_DIR"
	fi
}

lab_init() {
	lab_need_root
	trap lab_teardown EXIT
	trap 'exit 130' INT TERM
	rm -rf "$LAB_DIR"
	mkdir -p "$LAB_DIR/lock"
	# config/lab/memif3.conf keeps its sockets here, every lab
	# configuration its key (scripts that write a configuration after
	# lab_init name it too).
	mkdir -p /run/ordo/lab
	if [ -n "${LAB_CONFIG:-}" ]; then
		rm -f /run/ordo/lab/memif-*.sock
	fi
	lab_keygen "$LAB_CONF_KEY"
	[ "$LAB_CRYPTO" = none ] || lab_keygen "$LAB_KEY"
	lab_hugepages
}

# --- labs with clients: ordod + ordo-ctrld per node ---------------------
# Node i's runtime dir is $LAB_DIR/rt$i (client socket rt$i/ordo.sock);
# ordo-ctrld reads $LAB_CONFIG like ordod and is $CTRLD (the scripts set
# it from their build directory; else the default build's).

# ordo-ctrld of node i; its log is ctrld$i$2.log (a restart names another).
# Disowned: killing one on purpose prints nothing; lab_teardown kills all.
lab_start_ctrld() {
	local i=$1
	"${CTRLD:-$LAB_ROOT/build/ctrl/ordo-ctrld}" --config "$(lab_config)" \
		-n "n$i" --runtime-dir "$LAB_DIR/rt$i" \
		> "$LAB_DIR/ctrld$i${2:-}.log" 2>&1 &
	LAB_CTRLD_PIDS[$i]=$!
	disown "$!"
}

# Node i of n with clients: its ordod (more ordod options after n) and its
# ordo-ctrld.
lab_start_client_node() {
	local i=$1 type=$2 n=$3
	shift 3
	mkdir -p "$LAB_DIR/rt$i"
	lab_start_node "$i" "$type" "$n" --runtime-dir "$LAB_DIR/rt$i" "$@"
	lab_start_ctrld "$i"
}

# The control planes stop cleanly (SIGTERM), before lab_stop_all.
lab_stop_ctrld() {
	local i
	for i in "${!LAB_CTRLD_PIDS[@]}"; do
		kill -TERM "${LAB_CTRLD_PIDS[$i]}" 2>/dev/null
	done
}

# With clients:
# wait until each of nodes 1..n reports a ring of `want` daemons through
# its control plane, or `secs` pass. Needs $ORDOCTL.
lab_wait_ring() {
	local want=$1 secs=$2 n=$3 t i ok
	for ((t = 0; t < secs * 10; t++)); do
		ok=0
		for ((i = 1; i <= n; i++)); do
			[ "$("$ORDOCTL" -s "$LAB_DIR/rt$i/ordo.sock" ring 2>/dev/null |
				grep -c 'in ring')" = "$want" ] && ok=$((ok + 1))
		done
		[ "$ok" = "$n" ] && return 0
		sleep 0.1
	done
	return 1
}

# key=value from the last line of node i's log matching $2.
lab_field() {
	local i=$1 pat=$2 key=$3
	grep -- "$pat" "$LAB_DIR/node$i.log" | tail -1 |
		tr ' ' '\n' | sed -n "s/^$key=//p"
}
