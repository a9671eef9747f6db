#!/usr/bin/env bash
# `make test`: every test, on a built tree. Unit tests, fuzz smoke runs, the
# simulator sweep (well over 1,000 seeds, loss 0-30 %, duplication and
# reordering, mutation test), then the namespace lab when we are root.
# Ends with one summary line `N passed, N failed`.
set -uo pipefail
B=${1:-build}
cd "$(dirname "$0")/.."

passed=0 failed=0
step() { # name command...
  local name=$1; shift
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); echo "--- ok: $name ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1)); echo "--- FAILED: $name ($((SECONDS - t0)) s)"
  fi
}

# MALLOC_PERTURB_ would make meson fill every engine buffer on allocation.
step "meson test (unit, fuzz, simulator)" \
  env MALLOC_PERTURB_=0 meson test -C "$B" --no-rebuild --print-errorlogs \
    --num-processes "$(nproc)" -t 4

if [ -f tests/lab/run-in-test.sh ]; then
  if [ "$(id -u)" -eq 0 ]; then
    step "lab (namespaces, ordod)" bash tests/lab/run-in-test.sh "$B"
  else
    echo "=== lab skipped: needs root for namespaces and hugepages"
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
