#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# ordod must fail clearly: non-zero exit and a message that names the
# problem, for bad EAL arguments, missing hugepages, unknown ports, a bad
# option, a missing or weak key, and starting the same node twice. Also
# `--check` in plain words.
# Ends with "misuse: N passed, M failed".
set -u
. "$(dirname "$0")/lib.sh"

pass=0
failn=0

# expect NAME STATUS PATTERN -- command...: exit status and a line matching
# PATTERN (grep -E) in its output.
expect() {
	local name=$1 want=$2 pat=$3
	shift 4
	local out rc
	out=$(timeout 30 "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && grep -qE -- "$pat" <<< "$out"; then
		pass=$((pass + 1))
		echo "ok   $name (exit $rc)"
	else
		failn=$((failn + 1))
		echo "FAIL $name: exit $rc (want $want), output:"
		tail -5 <<< "$out" | sed 's/^/     /'
	fi
}

lab_init
RING0="--node-id 1 --members 1,2 --lock-dir $LAB_DIR/lock"
RING="$RING0 --key-file $LAB_KEY"
# Keys ordod must refuse: too short, open to others.
(umask 077; head -c 16 /dev/urandom > "$LAB_DIR/short.key")
(umask 077; head -c 32 /dev/urandom > "$LAB_DIR/open.key")
chmod 0644 "$LAB_DIR/open.key"
# A file whose daemon n1 names its lcores (Lcores = 1).
printf '%s\n' 'Spread_Segment 239.192.0.1:4803 {' '	n1	10.77.0.1' \
	'	n2	10.77.0.2' '}' 'Ordo {' '	Crypto = none' \
	'	Daemon n1 { Port = "net_null0"  Lcores = 1 }' \
	'	Daemon n2 { Port = "net_null0" }' '}' > "$LAB_DIR/lcores.conf"
E="--no-pci --huge-dir=$LAB_DIR/huge --huge-unlink -m 64 --log-level=lib.eal:error"
VDEV="--vdev net_null0"

# shellcheck disable=SC2086
{
expect "bad EAL argument" 2 "EAL initialisation failed" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}a --no-such-eal-flag -- $RING
expect "bad ordod option" 1 "unknown option" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}b -- $RING --no-such-option
expect "no ring given" 1 "give --config FILE, or both --node-id and --members" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}c $VDEV --
expect "bad members" 1 "members '0'" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}d -- --node-id 1 --members 0,2
expect "unknown port driver" 2 "cannot probe it" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}e -- $RING --port net_nosuchpmd0
expect "port on a missing interface" 2 "cannot probe it" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}f -- $RING \
	--port net_af_packet9,iface=nosuchif0
expect "no ports at all" 2 "no ports" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}g -- $RING
expect "crypto on, no key" 1 "crypto is on \\(the default\\) and there is no key" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}m $VDEV -- $RING0
expect "missing key file" 1 "key file .*nosuch.key: No such file" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}n $VDEV -- $RING0 \
	--key-file "$LAB_DIR/nosuch.key"
expect "short key file" 1 "holds 16 bytes" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}o $VDEV -- $RING0 \
	--key-file "$LAB_DIR/short.key"
expect "key file open to others" 1 "open to its group or to others \\(mode 0644\\)" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}p $VDEV -- $RING0 \
	--key-file "$LAB_DIR/open.key"
expect "bad --crypto" 1 "aes256gcm or none" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}q $VDEV -- $RING --crypto des
# Lcores (docs/architecture.md): a worker needs an lcore after the ring's;
# the file's Lcores become EAL's list (Lcores = 1: main and ring on 1),
# and contradicting it on the command line is refused.
expect "--workers without its lcore" 1 "--workers 1: the lcores leave 0 after the main \\(0\\) and ring \\(1\\)" -- \
	"$ORDOD" $E -l 0-1 --file-prefix=${LAB_NAME}r $VDEV -- $RING --workers 1
expect "Lcores from the file" 1 "only the main lcore \\(1\\), which runs the ring too" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}s -- --config "$LAB_DIR/lcores.conf" \
	--name n1 --lock-dir "$LAB_DIR/lock" --workers 1
expect "Lcores against EAL -l" 1 "says Lcores = 1, the EAL arguments give lcores 0,1" -- \
	"$ORDOD" $E -l 0-1 --file-prefix=${LAB_NAME}t -- --config "$LAB_DIR/lcores.conf" \
	--name n1 --lock-dir "$LAB_DIR/lock"
expect "a worker asked for on memif" 1 "a worker lcore owns only LAN ports" -- \
	"$ORDOD" $E --lcores=0@0,1@1,2@1 --file-prefix=${LAB_NAME}u -- $RING \
	--workers 1 --port "net_memif0,role=server,socket=$LAB_DIR/m.sock,socket-abstract=no"
}

# Missing hugepages, without taking the host's away: a hugetlbfs mount of
# 1 GB pages, of which none are reserved.
mkdir -p "$LAB_DIR/huge1g"
if mount -t hugetlbfs -o pagesize=1G nodev "$LAB_DIR/huge1g" 2>/dev/null &&
   [ "$(cat /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages 2>/dev/null || echo 0)" = 0 ]; then
	# shellcheck disable=SC2086
	expect "missing hugepages" 2 "none of that size are reserved" -- \
		"$ORDOD" --no-pci --huge-dir="$LAB_DIR/huge1g" --file-prefix=${LAB_NAME}h \
		--log-level=lib.eal:error $VDEV -- $RING
	# shellcheck disable=SC2086
	expect "--check names missing hugepages" 4 "FAIL hugepages: .*none of that size" -- \
		"$ORDOD" --no-pci --huge-dir="$LAB_DIR/huge1g" --file-prefix=${LAB_NAME}i \
		--log-level=lib.eal:error $VDEV -- $RING --check
	umount "$LAB_DIR/huge1g"
else
	umount "$LAB_DIR/huge1g" 2>/dev/null
	echo "skip missing hugepages: cannot mount an empty 1 GB hugetlbfs here"
fi

# shellcheck disable=SC2086
expect "--check on a good setup" 0 "check: 0 problem" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}j $VDEV -- $RING --check

# Starting twice: the same node id (our lock), and the same file prefix
# (EAL's lock).
# shellcheck disable=SC2086
"$ORDOD" $E --file-prefix=${LAB_NAME}k $VDEV -- $RING --idle backoff \
	> "$LAB_DIR/node1.log" 2>&1 &
LAB_PIDS[1]=$!
lab_wait_all "ordod: node=1 " 20 || echo "first instance did not start"
# shellcheck disable=SC2086
{
expect "same node twice" 3 "node 1 is already running" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}l --vdev net_null1 -- $RING
expect "same file prefix twice" 2 "EAL initialisation failed" -- \
	"$ORDOD" $E --file-prefix=${LAB_NAME}k --vdev net_null1 -- \
	--node-id 2 --members 1,2 --lock-dir "$LAB_DIR/lock" --key-file "$LAB_KEY"
}
lab_stop_all && { pass=$((pass + 1)); echo "ok   first instance stops cleanly on SIGINT"; } ||
	{ failn=$((failn + 1)); echo "FAIL first instance did not stop cleanly"; }

echo "misuse: $pass passed, $failn failed"
[ "$failn" = 0 ]
