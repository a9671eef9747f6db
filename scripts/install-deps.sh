#!/usr/bin/env bash
# Installs the Debian packages ordo needs, only those that are missing.
# Used by `make demo`, `make test` and CI on a fresh Debian 12 machine.
set -euo pipefail

pkgs=(
  build-essential g++ clang pkg-config meson ninja-build
  dpdk dpdk-dev libdpdk-dev libnuma-dev numactl libhugetlbfs-bin
  librte-crypto-ipsec-mb23 librte-crypto-openssl23 libssl-dev
  libbenchmark-dev libcmocka-dev libclang-rt-14-dev
  iproute2 python3
  corosync libcpg-dev
  gnuplot-nox
  libmicrohttpd-dev prometheus
  scdoc mandoc man-db groff-base
  debhelper dpkg-dev fakeroot lintian debootstrap
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Packages we install for tests must not start services (corosync would
# start a node of its own): forbid service starts for the install, the
# way Debian's container images do, unless a policy is already in place.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# prometheus is here for its binaries (promtool in the meson tests, a
# throw-away server in `make metrics-check`), not as a service of this
# machine: when this run installed it, leave its unit disabled.
if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null &&
   [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
