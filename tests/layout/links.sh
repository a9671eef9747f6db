#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Programs that are not the dataplane link neither the protocol engine nor
# the group layer: they talk to ordod through the shared tier only. The
# engine's and the group layer's code carries the ordo_engine_/eng_ and
# ordo_groups_/gr_ prefixes, so a defined symbol with one of them in a
# binary means the library was linked in.
# Usage: links.sh PROGRAM...
set -u
bad=0
for exe in "$@"; do
	syms=$(nm --defined-only "$exe" 2>/dev/null) || {
		echo "links: cannot read $exe"; bad=1; continue; }
	hits=$(printf '%s\n' "$syms" | awk '{ print $NF }' |
		grep -E '^(ordo_engine_|eng_|ordo_groups_|gr_)' | head -5)
	if [ -n "$hits" ]; then
		echo "links: $(basename "$exe") links the engine or the group layer:" $hits
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "links: ok, $# programs carry no engine or group layer"
exit $bad
