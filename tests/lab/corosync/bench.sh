#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Corosync's side of the side-by-side benchmark (issue 6): three Corosync 3
# nodes (Debian's corosync, knet transport) in the namespace lab of
# tests/lab/lib.sh, one CPG flood client per node (bench/cpg/cpg_flood),
# all three sending AGREED messages at once, for each size in SIZES. Every
# client checks what it delivers; the script checks that all nodes agree.
# A table on stderr, then one line per size on stdout:
#
#   corosync: size=S msgs_per_s=R ordered=yes
#
# R is the messages (from all senders) one node delivers per second, the
# median of the three nodes. Exit non-zero if any node lost, duplicated,
# reordered or damaged a message, or the nodes' order digests differ.
#
#   SIZES="100 1024 8192" SECS=5 tests/lab/corosync/bench.sh
#   WARMUP (s, default 1), WINDOW (own messages in flight, default 256),
#   CPG_FLOOD (default build/bench/cpg/cpg_flood), COROSYNC_TOTEM (extra
#   lines for the totem section, ';' between lines, e.g.
#   "window_size: 300; max_messages: 100"), COROSYNC_CRYPTO (none, the
#   default, or aes256: knet's crypto_cipher aes256 with crypto_hash
#   sha256, the combination `secauth: on` and pcs set up, with a key made
#   for this run), LAB_KEEP=1 keeps configurations and logs in $LAB_DIR.
#
# How each node is isolated (see README.md): its own network namespace
# (the IP stack for knet, and libqb's abstract Unix sockets, so a client
# reaches the corosync of its own namespace only) and its own mount
# namespace with a private /run (corosync's pid file is fixed at
# /run/corosync.pid); its state_dir and log file are under $LAB_DIR.
#
# The system's corosync: Debian's package enables corosync.service on
# install (a one-node cluster on 127.0.0.1 in the root namespaces). It
# cannot interfere with the lab: it lives in the root network namespace,
# where none of our nodes or clients are, and the root /run. It only costs
# CPU, so this script names it if it runs and leaves it alone; stop it with
# `systemctl disable --now corosync` for quieter figures.
set -u
LAB_NAME=${LAB_NAME:-corolab}
LAB_DIR=${LAB_DIR:-/tmp/$LAB_NAME}
. "$(dirname "$0")/../lib.sh"

SIZES=${SIZES:-100 1024 8192}
SECS=${SECS:-5}
WARMUP=${WARMUP:-1}
WINDOW=${WINDOW:-256}
NODES=3
CPG_FLOOD=${CPG_FLOOD:-$LAB_ROOT/build/bench/cpg/cpg_flood}
COROSYNC_TOTEM=${COROSYNC_TOTEM:-}
COROSYNC_CRYPTO=${COROSYNC_CRYPTO:-none}
NET=10.77.0            # node i is $NET.i/24 on its veth0
RING_WAIT=60           # s for the three corosyncs to form a quorate ring
STOP_WAIT=10           # s for a corosync to stop on SIGTERM
FLOOD_PIDS=()

log() { echo "corosync-bench: $*" >&2; }
die() {
	echo "corosync-bench: error: $*" >&2
	exit 1
}

# --- checks before touching anything -----------------------------------
[ "$(id -u)" = 0 ] || die "needs root (network and mount namespaces)"
command -v corosync > /dev/null ||
	die "no corosync: run scripts/install-deps.sh (Debian: corosync libcpg-dev)"
command -v corosync-quorumtool > /dev/null || die "no corosync-quorumtool"
command -v unshare > /dev/null || die "no unshare (util-linux)"
[ -x "$CPG_FLOOD" ] || die "no cpg_flood at $CPG_FLOOD: build first (make build)"
case $COROSYNC_CRYPTO in
none | aes256) ;;
*) die "COROSYNC_CRYPTO '$COROSYNC_CRYPTO': want none or aes256" ;;
esac
for s in $SIZES; do
	if ! [[ $s =~ ^[0-9]+$ ]] || [ "$s" -lt 40 ]; then
		die "SIZES: '$s' is not a size in bytes >= 40 (cpg_flood's header)"
	fi
done

# One run at a time: the names below are fixed so that the stale pieces of
# a run that died (SIGKILL) can be found again. Children do not inherit the
# lock (9>&-), or a stale corosync would hold it forever.
exec 9> "/run/lock/$LAB_NAME.lock" || die "cannot open /run/lock/$LAB_NAME.lock"
flock -w 120 9 || die "another $LAB_NAME run holds /run/lock/$LAB_NAME.lock"

# Leftovers of an earlier run that could not tear down: processes in our
# namespaces (corosync, clients), the libqb shared-memory files a killed
# corosync leaves in /dev/shm (named after its pid), the namespaces, the
# directory.
clean_stale() {
	local ns pid comm killed=() t=0
	for ns in $(ip netns list | awk '{ print $1 }' | grep "^$LAB_NAME-"); do
		for pid in $(ip netns pids "$ns" 2> /dev/null); do
			comm=$(cat /proc/"$pid"/comm 2> /dev/null)
			log "stale process $pid ($comm) in $ns: killing it"
			kill -KILL "$pid" 2> /dev/null
			killed+=("$pid")
			[ "$comm" = corosync ] &&
				rm -rf /dev/shm/qb-corosync-"$pid"-* /dev/shm/qb-"$pid"-*
		done
		log "stale namespace $ns: deleting it"
		ip netns del "$ns" 2> /dev/null
	done
	# SIGKILL is asynchronous: let them go before we count corosyncs.
	while [ ${#killed[@]} -gt 0 ] && kill -0 "${killed[@]}" 2> /dev/null &&
		[ $t -lt 50 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	rm -rf "$LAB_DIR"
}

note_system_corosync() {
	local pid our_net net
	our_net=$(readlink /proc/$$/ns/net)
	for pid in $(pgrep -x corosync); do
		net=$(readlink /proc/"$pid"/ns/net 2> /dev/null)
		if [ -z "$net" ] || [ "$net" != "$our_net" ]; then
			continue
		fi
		log "note: a system corosync (pid $pid) runs in this network namespace;" \
		    "it cannot reach the lab but shares the CPUs" \
		    "(systemctl disable --now corosync to stop it)"
	done
}

# Corosync leaves libqb shared-memory files behind when it dies unclean;
# stopping it with SIGTERM lets it remove them. Runs from the EXIT trap.
# shellcheck disable=SC2317
teardown() {
	local i t pid pids=("${LAB_PIDS[@]}")
	for pid in "${FLOOD_PIDS[@]}"; do
		kill -KILL "$pid" 2> /dev/null
	done
	for i in "${!LAB_PIDS[@]}"; do
		kill -TERM "${LAB_PIDS[$i]}" 2> /dev/null
	done
	for i in "${!LAB_PIDS[@]}"; do
		t=0
		while kill -0 "${LAB_PIDS[$i]}" 2> /dev/null && [ "$t" -lt $((STOP_WAIT * 10)) ]; do
			sleep 0.1
			t=$((t + 1))
		done
		kill -0 "${LAB_PIDS[$i]}" 2> /dev/null &&
			log "corosync of node $i did not stop in ${STOP_WAIT} s: killing it"
	done
	lab_teardown
	# What a corosync that died unclean (crash, SIGKILL) left behind.
	for i in "${!pids[@]}"; do
		rm -rf /dev/shm/qb-corosync-"${pids[$i]}"-* /dev/shm/qb-"${pids[$i]}"-*
	done
}

# --- crypto ------------------------------------------------------------------
# knet's crypto: every packet encrypted (AES-256 in CBC mode) and
# authenticated (HMAC-SHA-256) by the crypto library knet loads
# (crypto_model, NSS unless COROSYNC_TOTEM names another). One key for the
# three nodes, made for this run in the lab directory (never
# /etc/corosync/authkey): corosync-keygen, or 256 bytes of /dev/urandom as
# corosync-keygen writes them when it is not installed.
KEYFILE=$LAB_DIR/authkey
make_authkey() {
	rm -f "$KEYFILE"
	if command -v corosync-keygen > /dev/null; then
		corosync-keygen -k "$KEYFILE" > /dev/null 2>&1 ||
			die "corosync-keygen -k $KEYFILE failed"
	else
		(umask 077 && dd if=/dev/urandom of="$KEYFILE" bs=256 count=1 status=none) ||
			die "cannot write $KEYFILE"
	fi
	chmod 0400 "$KEYFILE"
}

# The totem section's crypto lines.
crypto_conf() {
	if [ "$COROSYNC_CRYPTO" = none ]; then
		echo "    # In the clear (COROSYNC_CRYPTO=none)."
		echo "    crypto_cipher: none"
		echo "    crypto_hash: none"
	else
		echo "    # Encrypted and authenticated (COROSYNC_CRYPTO=aes256)."
		echo "    crypto_cipher: aes256"
		echo "    crypto_hash: sha256"
		echo "    keyfile: $KEYFILE"
	fi
}

# That knet really sealed the run's packets: node 1's knet handle
# statistics (corosync-cmapctl -m stats) count packets encrypted and
# decrypted. Zero or missing counters fail the run.
crypto_evidence() {
	local st tx rx
	st=$(ip netns exec "$LAB_NAME-n1" corosync-cmapctl -m stats stats.knet.handle 2> /dev/null)
	tx=$(sed -n 's/^stats\.knet\.handle\.tx_crypt_packets ([a-z0-9]*) = //p' <<< "$st")
	rx=$(sed -n 's/^stats\.knet\.handle\.rx_crypt_packets ([a-z0-9]*) = //p' <<< "$st")
	if [ "${tx:-0}" -gt 0 ] && [ "${rx:-0}" -gt 0 ]; then
		log "knet crypto on node 1: $tx packets encrypted, $rx decrypted"
		return 0
	fi
	log "knet crypto on node 1 counted tx=${tx:-none} rx=${rx:-none} packets: not sealed?"
	return 1
}

# --- corosync per node ---------------------------------------------------
write_conf() {
	local i=$1 d=$LAB_DIR/n$1 j
	{
		cat <<- EOF
		# Node $i of the ordo side-by-side lab (written by tests/lab/corosync/bench.sh).
		totem {
		    version: 2
		    cluster_name: ordobench
		    # knet is Corosync 3's transport (udpu is deprecated); one link
		    # over the lab's veth.
		    transport: knet
		$(crypto_conf)
		    # Ordering and flow control as Corosync ships them
		    # (window_size 50, max_messages 17, token 3000 ms):
		    # we measure the peer as its users run it.
		$(tr ';' '\n' <<< "$COROSYNC_TOTEM" | sed 's/^ */    /')
		}
		nodelist {
		EOF
		for ((j = 1; j <= NODES; j++)); do
			printf '    node {\n        nodeid: %d\n        name: n%d\n' "$j" "$j"
			printf '        ring0_addr: %s.%d\n    }\n' "$NET" "$j"
		done
		cat <<- EOF
		}
		quorum {
		    provider: corosync_votequorum
		}
		logging {
		    to_logfile: yes
		    logfile: $d/corosync.log
		    to_stderr: no
		    to_syslog: no
		    timestamp: on
		}
		system {
		    # Real-time round-robin priority (the default) makes corosync
		    # fight the flood clients for 2 CPUs: throughput about halves.
		    sched_rr: no
		    state_dir: $d/state
		}
		EOF
	} > "$d/corosync.conf"
}

start_node() {
	local i=$1 d=$LAB_DIR/n$1 ns=$LAB_NAME-n$1
	mkdir -p "$d/run" "$d/state"
	ip -n "$ns" addr add "$NET.$i/24" dev veth0 || die "address for node $i"
	write_conf "$i"
	# A private /run: the pid file is fixed at /run/corosync.pid. The shell
	# execs corosync, so the pid kept is corosync's own.
	# shellcheck disable=SC2016
	ip netns exec "$ns" unshare --mount --propagation private \
		sh -c 'mount --bind "$1" /run && exec corosync -f -c "$2"' \
		sh "$d/run" "$d/corosync.conf" > "$d/stdout.log" 2>&1 9>&- &
	LAB_PIDS[$i]=$!
}

node_tail() {
	local i=$1
	log "--- node $i: corosync.log (last lines)"
	tail -5 "$LAB_DIR/n$i/corosync.log" "$LAB_DIR/n$i/stdout.log" 2> /dev/null >&2
}

# Every node quorate with all three members, within RING_WAIT seconds.
wait_ring() {
	local t=0 i ok out
	while [ $t -lt $((RING_WAIT * 2)) ]; do
		ok=0
		for ((i = 1; i <= NODES; i++)); do
			kill -0 "${LAB_PIDS[$i]}" 2> /dev/null || {
				node_tail "$i"
				die "corosync of node $i exited"
			}
			out=$(ip netns exec "$LAB_NAME-n$i" corosync-quorumtool -s 2> /dev/null)
			grep -q '^Quorate: *Yes' <<< "$out" &&
				grep -q "^Nodes: *$NODES\$" <<< "$out" && ok=$((ok + 1))
		done
		[ $ok -eq $NODES ] && return 0
		sleep 0.5
		t=$((t + 1))
	done
	for ((i = 1; i <= NODES; i++)); do node_tail "$i"; done
	die "no quorate $NODES-node ring in $RING_WAIT s"
}

# One size: a client per node, all at once; the nodes' result lines go to
# $LAB_DIR/result-$size. Runs in this shell (not a subshell) so that the
# EXIT trap knows the clients' pids.
run_size() {
	local size=$1 i rc bad=0 limit=$((WARMUP + SECS + 90))
	FLOOD_PIDS=()
	for ((i = 1; i <= NODES; i++)); do
		ip netns exec "$LAB_NAME-n$i" timeout -s INT -k 5 "$limit" "$CPG_FLOOD" \
			--size "$size" --secs "$SECS" --warmup "$WARMUP" \
			--members "$NODES" --senders yes --window "$WINDOW" --timeout 30 \
			> "$LAB_DIR/flood-$size-n$i.out" 2> "$LAB_DIR/flood-$size-n$i.err" 9>&- &
		FLOOD_PIDS[$i]=$!
	done
	for ((i = 1; i <= NODES; i++)); do
		wait "${FLOOD_PIDS[$i]}"
		rc=$?
		if [ $rc -ne 0 ]; then
			log "size $size: cpg_flood on node $i exited with status $rc:"
			tail -5 "$LAB_DIR/flood-$size-n$i.err" >&2
			bad=1
		fi
	done
	FLOOD_PIDS=()
	for ((i = 1; i <= NODES; i++)); do
		grep '^cpg: ' "$LAB_DIR/flood-$size-n$i.out" | tail -1
	done > "$LAB_DIR/result-$size"
	return $bad
}

field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }

# --- the run ---------------------------------------------------------------
start=$(date +%s.%N)
clean_stale
trap teardown EXIT
trap 'exit 130' INT TERM
mkdir -p "$LAB_DIR"
note_system_corosync
[ "$COROSYNC_CRYPTO" = none ] || make_authkey
lab_netns_create "$NODES"
for ((i = 1; i <= NODES; i++)); do start_node "$i"; done
wait_ring
log "ring of $NODES quorate in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s" \
    "(corosync $(corosync -v | sed -n 's/.*version .\([0-9.]*\).*/\1/p'), crypto $COROSYNC_CRYPTO)"

fail=0
summary=()
printf '%-6s %-4s %10s %10s %8s %12s %8s %8s %-8s %s\n' size node sent delivered \
	secs msgs_per_s p50_us p99_us ordered digest >&2
for size in $SIZES; do
	run_size "$size" || fail=1
	rates=() digests=() ordered=yes
	while read -r line; do
		[ -n "$line" ] || continue
		printf '%-6s %-4s %10s %10s %8s %12s %8s %8s %-8s %s\n' "$size" \
			"$(field "$line" node)" "$(field "$line" sent)" \
			"$(field "$line" delivered)" "$(field "$line" secs)" \
			"$(field "$line" msgs_per_s)" "$(field "$line" p50_us)" \
			"$(field "$line" p99_us)" "$(field "$line" ordered)" \
			"$(field "$line" digest)" >&2
		rates+=("$(field "$line" msgs_per_s)")
		digests+=("$(field "$line" digest)")
		[ "$(field "$line" ordered)" = yes ] && [ "$(field "$line" lost)" = 0 ] ||
			ordered=no
	done < "$LAB_DIR/result-$size"
	if [ ${#rates[@]} -ne $NODES ]; then
		log "size $size: ${#rates[@]} of $NODES nodes reported"
		ordered=no
	elif [ "$(printf '%s\n' "${digests[@]}" | sort -u | wc -l)" -ne 1 ]; then
		log "size $size: the nodes' order digests differ: ${digests[*]}"
		ordered=no
	fi
	[ $ordered = yes ] || fail=1
	median=0
	[ ${#rates[@]} -gt 0 ] &&
		median=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n "$(((${#rates[@]} + 1) / 2))p")
	summary+=("corosync: size=$size msgs_per_s=$median ordered=$ordered")
done
[ "$COROSYNC_CRYPTO" = none ] || crypto_evidence || fail=1
log "load average $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)," \
    "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }') s so far"
printf '%s\n' "${summary[@]}"
[ $fail = 0 ] || die "a node lost, misordered or damaged messages, or the nodes disagree"
exit 0
