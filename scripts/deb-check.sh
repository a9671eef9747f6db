#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make deb-check: the packages of `make deb` install into a fresh Debian 12
# and run there. Root only (debootstrap, chroot, mounts, hugepages).
#
#   scripts/deb-check.sh [OUT]      (default OUT=/var/tmp/ordo-deb)
#
#   1. debootstrap --variant=minbase bookworm from the Debian mirror this
#      machine's apt uses (/etc/apt/sources.list*), with the same suites
#      (updates, security) enabled in the new tree;
#   2. apt installs every package of OUT there, with their dependencies
#      (DPDK's libraries and drivers) from that mirror, plus the null port
#      driver the checks below use;
#   3. in the chroot: `ordoctl check /etc/ordo/ordo.conf` (the shipped
#      conffile), `ordod -- --check` (EAL up on a net_null port with
#      hugepages, the example minimal.conf), `ordoctl keygen`, then a
#      one-daemon ring from the packaged binaries: ordod sealed with that
#      key (a crypto driver from the mirror) and ordo-ctrld, a Python
#      client and ordo-user (C) each joining a group and getting their
#      own message back through the ring, a clean stop; every program's --help
#      (its libraries resolve), the manual pages and systemd units in
#      place, the units naming binaries and documentation that exist, `import ordo` in
#      python3 with libordo.so.0 found, and /etc/ordo/ordo.conf a
#      conffile.
# Prints one line per check; ends with "deb-check: N passed, M failed".
# Uses hugepages: run it alone or under the lab lock
# (flock /tmp/ordo-lab.lock make deb-check). Everything it creates
# (the tree, its mounts, the hugepage reservation) is undone on exit.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/var/tmp/ordo-deb}
[ "$(id -u)" = 0 ] || { echo "deb-check: needs root" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "deb-check: debootstrap missing: make deps" >&2; exit 2; }
debs=("$OUT"/ordo_*.deb "$OUT"/libordo0_*.deb "$OUT"/libordo-dev_*.deb \
      "$OUT"/ordo-perf_*.deb "$OUT"/python3-ordo_*.deb)
for d in "${debs[@]}"; do
	[ -f "$d" ] || { echo "deb-check: no $d: make deb first" >&2; exit 2; }
done

ROOT=$(mktemp -d /var/tmp/ordo-deb-root.XXXXXX)
HP_SYS=/proc/sys/vm/nr_hugepages
HP_BEFORE=
MOUNTS=()
cleanup() {
	local i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount -l "${MOUNTS[$i]}" 2>/dev/null
	done
	[ -n "$HP_BEFORE" ] && echo "$HP_BEFORE" > $HP_SYS
	# Only once nothing is mounted under it any more.
	if ! grep -q " $ROOT" /proc/mounts; then
		rm -rf "$ROOT"
	else
		echo "deb-check: $ROOT still has mounts; left in place" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mnt() { # mount args..., last is the target
	mount "$@" && MOUNTS+=("${!#}")
}

# The Debian entries of this machine's apt sources, one-line format:
# "URI SUITE COMPONENTS" for entries signed by Debian's archive key (or
# unsigned one-line entries), from both .list and deb822 .sources files.
apt_sources() {
	python3 - /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources <<'PY'
import os, re, sys
out = []
for path in sys.argv[1:]:
    if not os.path.isfile(path):
        continue
    text = open(path).read()
    if path.endswith('.sources'):
        for stanza in re.split(r'\n\s*\n', text):
            f = {}
            for line in stanza.splitlines():
                m = re.match(r'^([A-Za-z-]+):\s*(.*)$', line)
                if m:
                    f[m.group(1).lower()] = m.group(2).split()
            if 'deb' not in f.get('types', []) or \
                    f.get('enabled', ['yes'])[0] == 'no':
                continue
            if not any('debian-archive-keyring' in s
                       for s in f.get('signed-by', ['debian-archive-keyring'])):
                continue
            for uri in f.get('uris', []):
                for suite in f.get('suites', []):
                    out.append('%s %s %s' % (uri, suite,
                                             ' '.join(f.get('components', ['main']))))
    else:
        for line in text.splitlines():
            m = re.match(r'^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$', line)
            if m and 'debian' in m.group(1):
                out.append(' '.join(m.groups()))
print('\n'.join(out))
PY
}

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
# check NAME CMD...: CMD runs in the chroot; its exit status decides.
check() {
	local name=$1 out rc
	shift
	out=$(chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LC_ALL=C.UTF-8 "$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "$name: $(tail -1 <<< "$out")"
	else
		bad "$name: exit $rc"
		tail -8 <<< "$out" | sed 's/^/     /'
	fi
}

sources=$(apt_sources)
mirror=$(awk '$2 == "bookworm" { print $1; exit }' <<< "$sources")
[ -n "$mirror" ] || { echo "deb-check: no bookworm entry in /etc/apt/sources*" >&2; exit 2; }

t0=$SECONDS
if ! debootstrap --variant=minbase bookworm "$ROOT" "$mirror" > "$OUT/debootstrap.log" 2>&1; then
	tail -5 "$OUT/debootstrap.log"
	echo "deb-check: debootstrap from $mirror failed (log: $OUT/debootstrap.log)"
	exit 1
fi
ok "debootstrap --variant=minbase bookworm $mirror ($((SECONDS - t0)) s)"

t1=$SECONDS
awk '$2 ~ /^bookworm(-updates|-security)?$/ { print "deb " $0 }' <<< "$sources" \
	> "$ROOT/etc/apt/sources.list"
# Packages must not start services in the tree (it has no init anyway).
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
mkdir -p "$ROOT/tmp/debs"
cp "${debs[@]}" "$ROOT/tmp/debs/"
mnt -t proc proc "$ROOT/proc"
mnt -t sysfs sysfs "$ROOT/sys"
mnt --bind /dev "$ROOT/dev"
names=()
for d in "${debs[@]}"; do names+=("/tmp/debs/$(basename "$d")"); done
if chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
	'apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" \
	 librte-net-null23' sh "${names[@]}" \
	> "$OUT/apt.log" 2>&1; then
	ok "apt-get install ${names[*]##*/} with their dependencies ($((SECONDS - t1)) s, $(grep -c '^Setting up' "$OUT/apt.log") packages set up)"
else
	tail -15 "$OUT/apt.log" | sed 's/^/     /'
	bad "apt-get install (log: $OUT/apt.log)"
	echo "deb-check: $passed passed, $failed failed"
	exit 1
fi

check "ordoctl check /etc/ordo/ordo.conf" ordoctl check /etc/ordo/ordo.conf
check "/etc/ordo/ordo.conf is a conffile" sh -c \
	'dpkg-query -W -f="\${Conffiles}\n" ordo | grep -q "^ /etc/ordo/ordo.conf " && echo "conffile: /etc/ordo/ordo.conf"'

# ordod --check: EAL, hugepages and a port, in the installed tree.
have=$(cat $HP_SYS)
if [ "$have" -lt 128 ]; then
	HP_BEFORE=$have
	echo 128 > $HP_SYS
fi
mkdir -p "$ROOT/run/huge"
mnt -t hugetlbfs -o pagesize=2M nodev "$ROOT/run/huge"
check "ordod --check (net_null0, minimal.conf)" ordod --no-pci --huge-dir=/run/huge \
	--huge-unlink -m 64 --file-prefix=ordo-debcheck-$$ --vdev net_null0 \
	--log-level=lib.eal:error -- \
	--config /usr/share/doc/ordo/examples/minimal.conf --name localhost \
	--lock-dir /run/ordo-debcheck --check

# The ring's key, and ordod really running on it: the key file accepted,
# a crypto driver found (ipsec_mb or OpenSSL: DPDK loads it at run time),
# a one-daemon ring formed, a clean stop on SIGTERM.
check "ordoctl keygen /etc/ordo/ordo.key" sh -c \
	'ordoctl keygen /etc/ordo/ordo.key && stat -c "mode %a, %s bytes" /etc/ordo/ordo.key'
check "a one-daemon ring from the packages (ordod sealed, ordo-ctrld, Python and C clients)" sh -c '
	rt=/run/ordo-debrun; mkdir -p $rt
	ordod --no-pci --huge-dir=/run/huge --huge-unlink -m 64 \
		--file-prefix=ordo-debrun-$$ --vdev net_null0 --log-level=lib.eal:error -- \
		--config /usr/share/doc/ordo/examples/minimal.conf --name localhost \
		--key-file /etc/ordo/ordo.key --lock-dir $rt --runtime-dir $rt \
		--idle backoff --stats-period 1 > /tmp/ordod.log 2>&1 &
	p1=$!
	ordo-ctrld --config /usr/share/doc/ordo/examples/minimal.conf -n localhost \
		--runtime-dir $rt > /tmp/ctrld.log 2>&1 &
	p2=$!
	export ORDO_SOCKET=$rt/ordo.sock
	for i in $(seq 100); do
		ordoctl ring 2>/dev/null | grep -q "in ring" && break
		sleep 0.1
	done
	fail() { echo "$*"; tail -4 /tmp/ordod.log /tmp/ctrld.log; kill $p1 $p2; exit 1; }
	ordoctl ring | grep -q "in ring" || fail "no ring"
	python3 -c "
import ordo
c = ordo.Client(name=\"py\")
c.join(\"g\")
m = c.receive(5)
assert isinstance(m, ordo.Membership) and m.members == (\"#py#localhost\",), m
c.multicast(\"g\", b\"from python\", ordo.Service.SAFE)
m = c.receive(5)
assert m.data == b\"from python\" and m.sender == \"#py#localhost\", m
" || fail "python client"
	out=$(printf "j g\ns g\nfrom C\n" | ordo-user -u c -w 1000)
	echo "$out" | grep -q "^msg sender=#c#localhost .* text=from C$" ||
		fail "ordo-user: $out"
	crypto=$(grep -o "crypto aes256gcm on [^,]*" /tmp/ordod.log)
	[ -n "$crypto" ] || fail "not sealed"
	kill -TERM $p2 $p1; wait $p1; rc=$?; wait $p2
	[ $rc -eq 0 ] || fail "ordod exit $rc"
	echo "ring of 1 formed, python and ordo-user round trips, $crypto, clean stop"'

for p in "ordod -- --help" "ordo-ctrld --help" "ordoctl --help" \
	 "ordo-perf --help" "ordo-user -h"; do
	# shellcheck disable=SC2086
	check "$p runs (libraries resolve)" sh -c "$p >/dev/null 2>&1 && echo '$p: exit 0'"
done
check "manual pages installed" sh -c '
	n=0
	for m in man8/ordod.8 man8/ordo-ctrld.8 man8/ordoctl.8 man1/ordo-perf.1 \
		 man1/ordo-user.1 man5/ordo.conf.5 man3/libordo.3; do
		f=/usr/share/man/$m.gz
		[ -s "$f" ] || { echo "missing $f"; exit 1; }
		n=$((n + 1))
	done
	echo "$n pages"'
check "systemd units name installed binaries and documentation" sh -c '
	n=0
	for u in ordod@ ordo-ctrld@ ordo-hugepages ordo-devbind; do
		f=/lib/systemd/system/$u.service
		[ -f "$f" ] || { echo "missing $f"; exit 1; }
		for b in $(sed -n "s/^Exec[A-Za-z]*=-\{0,1\}\([^ ]*\).*/\1/p" "$f"); do
			case $b in
			/usr/sbin/ordo*|/usr/bin/ordo*)
				[ -x "$b" ] || { echo "$u: $b is not installed"; exit 1; }
				n=$((n + 1)) ;;
			/usr/bin/dpdk-*) ;;  # from the dpdk package (Recommends)
			esac
		done
		for d in $(sed -n "s/^Documentation=//p" "$f"); do
			case $d in
			file://*) [ -f "${d#file://}" ] ||
				{ echo "$u: $d is not installed"; exit 1; } ;;
			man:*) p=${d#man:}; s=${p##*(}; s=${s%)}
				[ -f "/usr/share/man/man$s/${p%(*}.$s.gz" ] ||
				{ echo "$u: $d is not installed"; exit 1; } ;;
			esac
		done
	done
	[ "$n" -ge 3 ] && echo "4 units, $n ordo binaries named, all present"'
check "python3 -c 'import ordo'" python3 -c '
import ordo
try:
    ordo.Client("/nonexistent.sock", timeout=1)
except ordo.ConnectFailed as e:
    print("import ordo: libordo.so.0 loaded,", e.name)'
check "libordo-dev files" sh -c '
	ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
	for f in /usr/include/ordo/ordo.h /usr/include/sp.h \
		 /usr/lib/$ma/libordo.so /usr/lib/$ma/libordo.a \
		 /usr/lib/$ma/pkgconfig/libordo.pc; do
		[ -e "$f" ] || { echo "missing $f"; exit 1; }
	done
	readlink -f /usr/lib/$ma/libordo.so'

echo "deb-check: $passed passed, $failed failed ($((SECONDS - t0)) s)"
[ "$failed" -eq 0 ]
