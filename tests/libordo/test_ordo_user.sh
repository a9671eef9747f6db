#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# ordo-user driven from a pipe, as the lab drives it, against the fake
# daemon: join, send, multi-line, burst, leave; checks the parseable
# "memb " and "msg " lines. Usage: test_ordo_user.sh FAKE_ORDOD ORDO_USER
set -u
fake=$1 user=$2
[ -x "$user" ] || { echo "ordo-user not built: skip"; exit 77; }
dir=$(mktemp -d)
coproc FAKE { exec "$fake"; }
trap 'kill "$FAKE_PID" 2>/dev/null; wait; rm -rf "$dir"' EXIT
read -r -t 5 sock <&"${FAKE[0]}" || { echo "fake daemon did not start"; exit 1; }

printf '%s\n' 'j chat' 's chat' 'hello world' 't safe' 'm chat' 'line one' \
	'line two' '.' 'b chat 3' 'l chat' |
	"$user" -s "$sock" -u tester -w 300 >"$dir/out" 2>&1
rc=$?
cat "$dir/out"
fail() { echo "FAIL: $*"; exit 1; }
[ $rc -eq 0 ] || fail "exit code $rc"
grep -q '^connected #tester#fake$' "$dir/out" || fail "no connected line"
grep -q '^memb group=chat cause=join members=#tester#fake gid=1\.2\.[0-9]* changed=#tester#fake my_index=0 vs_sets=1' "$dir/out" ||
	fail "join membership"
grep -q '^msg sender=#tester#fake service=agreed type=1 groups=chat bytes=11 text=hello world$' "$dir/out" ||
	fail "first message"
grep -q '^msg sender=#tester#fake service=safe .* text=line one\\nline two$' "$dir/out" ||
	fail "multi-line message"
[ "$(grep -c '^msg .*text=burst [123] of 3$' "$dir/out")" -eq 3 ] || fail "burst"
grep -q '^memb group=chat cause=self-leave' "$dir/out" || fail "self-leave"
grep -q '^bye$' "$dir/out" || fail "no clean exit"
echo PASS
