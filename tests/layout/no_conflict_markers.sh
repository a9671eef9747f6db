#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# No file of the tree carries a merge's conflict markers (a line that
# starts with seven '<', '=' followed by the end of the line, or '>').
# Usage: no_conflict_markers.sh SOURCE_ROOT
set -u
cd "$1" || exit 1
hits=$(grep -rInE --exclude-dir=.git --exclude-dir='build*' \
	'^(<<<<<<< |>>>>>>> |=======$)' . | head -20)
if [ -n "$hits" ]; then
	echo "conflict markers:"
	echo "$hits"
	exit 1
fi
echo "conflict markers: none"
