#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# libordo's ABI is its public headers: the functions libordo.so exports
# (nm -D --defined-only) must be exactly those include/ordo/ordo.h,
# include/sp.h and include/fl.h (the flush library) declare, no more (an
# internal name leaking out) and no less (a declared function missing).
# The version script is client/libordo.map.
# Usage: abi.sh LIBORDO_SO SOURCE_ROOT
set -u
so=$1 root=$2
exported=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' |
	sed 's/@.*//' | grep -v '^LIBORDO_' | sort -u)
# Every function the headers declare: a name directly before "(" that is
# one of the API's prefixes, in code (comments and #define lines stripped:
# a macro such as FL_MIN_LEGAL_MESS_TYPE is no function).
headers="$root/include/ordo/ordo.h $root/include/sp.h $root/include/fl.h"
declared=$(for h in $headers; do
	sed 's://.*$::' "$h" | perl -0pe 's:/\*.*?\*/::gs' | grep -v '^[[:space:]]*#[[:space:]]*define'
done | grep -oE '\b(ordo_[a-z0-9_]+|SP_[A-Za-z0-9_]+|E_[A-Za-z0-9_]+|FL_[A-Za-z0-9_]+)[[:space:]]*\(' |
	tr -d '( \t' | sort -u)
extra=$(comm -23 <(echo "$exported") <(echo "$declared"))
missing=$(comm -13 <(echo "$exported") <(echo "$declared"))
rc=0
if [ -n "$extra" ]; then
	echo "abi: libordo.so exports names no public header declares:" $extra
	rc=1
fi
if [ -n "$missing" ]; then
	echo "abi: declared but not exported:" $missing
	rc=1
fi
[ $rc -eq 0 ] && echo "abi: ok, $(echo "$exported" | wc -l) exported names, all declared in ordo.h / sp.h / fl.h"
exit $rc
