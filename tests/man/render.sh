#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Each manual page renders: no warning from groff as lintian runs it
# (man --warnings, at 80 columns, in UTF-8), no error from mandoc's linter
# where mandoc is installed (scdoc's output draws harmless "empty
# paragraph" warnings from it, so only errors count), and the sections a
# page must have. Usage: render.sh PAGE...
set -u
fail=0
for page in "$@"; do
	name=$(basename "$page")
	if command -v man >/dev/null; then
		out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
		text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>/dev/null | col -b)
	else
		out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
		text=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -P-cbou "$page" 2>/dev/null)
	fi
	if [ -n "$out" ]; then
		echo "FAIL $name: warnings:"; echo "$out" | sed 's/^/     /'
		fail=1
		continue
	fi
	if command -v mandoc >/dev/null; then
		out=$(mandoc -Tlint -W error "$page" 2>&1)
		if [ -n "$out" ]; then
			echo "FAIL $name: mandoc:"; echo "$out" | sed 's/^/     /'
			fail=1
			continue
		fi
	fi
	missing=""
	for sec in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
		grep -q "^$sec\$" <<< "$text" || missing="$missing $sec"
	done
	if [ -n "$missing" ]; then
		echo "FAIL $name: missing sections:$missing"
		fail=1
		continue
	fi
	echo "ok   $name ($(wc -l <<< "$text") lines)"
done
exit $fail
