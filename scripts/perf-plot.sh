#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# PNG plots of ordo-perf's CSV rows (ordo-perf --csv FILE, or CSV=FILE
# tests/lab/perf.sh), with plain gnuplot:
#
#   OUTDIR/throughput.png  flood and sweep runs: received msgs/s (left
#                          axis) and Gbit/s (right axis) against message
#                          size, one line pair per label;
#   OUTDIR/latency.png     --mode rate runs: p50 and p99 latency against
#                          the offered load (rate x senders in the lab),
#                          one line pair per label.
#
# Only rows with checked=yes are drawn (a figure over lost or misordered
# messages is not a figure). Rows of the same label and x (one per node of
# a lab, or repeated runs) are averaged.
#
#   scripts/perf-plot.sh results.csv plots/
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 CSV OUTDIR" >&2; exit 2; }
csv=$1 out=$2
[ -r "$csv" ] || { echo "perf-plot: cannot read $csv" >&2; exit 1; }
command -v gnuplot >/dev/null ||
	{ echo "perf-plot: gnuplot is needed (scripts/install-deps.sh)" >&2; exit 1; }
head -1 "$csv" | grep -q '^label,node,mode,service,size,' ||
	{ echo "perf-plot: $csv: not ordo-perf's CSV (header)" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Per label: tput-<n>.dat "size msgs_per_s gbit_per_s", lat-<n>.dat
# "offered p50 p99", sorted by x; names.txt maps n to the label.
awk -F, -v dir="$tmp" '
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
$col["checked"] != "yes" { next }
{
	l = $col["label"] == "" ? "(no label)" : $col["label"]
	if (!(l in id)) { id[l] = ++n; print n "\t" l > (dir "/names.txt") }
	if ($col["mode"] == "rate") {
		k = id[l] SUBSEP $col["offered_msgs_per_s"]
		lc[k]++; p50[k] += $col["p50_us"]; p99[k] += $col["p99_us"]
	} else {
		k = id[l] SUBSEP $col["size"]
		tc[k]++; msgs[k] += $col["rx_msgs_per_s"]; gb[k] += $col["rx_gbit_per_s"]
	}
}
END {
	for (k in tc) {
		split(k, p, SUBSEP)
		print p[2], msgs[k] / tc[k], gb[k] / tc[k] > (dir "/tput-" p[1] ".raw")
	}
	for (k in lc) {
		split(k, p, SUBSEP)
		print p[2], p50[k] / lc[k], p99[k] / lc[k] > (dir "/lat-" p[1] ".raw")
	}
}' "$csv"
for f in "$tmp"/*.raw; do
	[ -e "$f" ] && sort -g "$f" > "${f%.raw}.dat"
done

# gnuplot's "for" over a word list: files and their titles.
series() { # prefix
	local f n
	for f in "$tmp/$1"-*.dat; do
		[ -e "$f" ] || continue
		n=${f##*-}
		n=${n%.dat}
		printf '%s\t%s\n' "$f" "$(awk -F'\t' -v n="$n" '$1 == n { print $2 }' "$tmp/names.txt")"
	done
}
plot_cmd() { # prefix col_left col_right title_left title_right axes_right
	local f t s=""
	while IFS=$'\t' read -r f t; do
		t=${t//\"/}
		s+="${s:+, }'$f' using 1:$2 with linespoints title \"$t $4\""
		s+=", '$f' using 1:$3 with linespoints axes $6 title \"$t $5\""
	done < <(series "$1")
	echo "$s"
}

drawn=0
tput=$(plot_cmd tput 2 3 "msgs/s" "Gbit/s" x1y2)
if [ -n "$tput" ]; then
	gnuplot <<-GP
	set terminal pngcairo size 1000,600
	set output "$out/throughput.png"
	set title "ordo-perf: received throughput per node vs message size"
	set xlabel "message size (bytes)"
	set logscale x 2
	set ylabel "messages/s"
	set y2label "Gbit/s (payload)"
	set ytics nomirror
	set y2tics
	set yrange [0:*]
	set y2range [0:*]
	set key outside bottom center horizontal
	set grid
	plot $tput
	GP
	drawn=$((drawn + 1))
	echo "perf-plot: $out/throughput.png"
fi
lat=$(plot_cmd lat 2 3 "p50" "p99" x1y1)
if [ -n "$lat" ]; then
	gnuplot <<-GP
	set terminal pngcairo size 1000,600
	set output "$out/latency.png"
	set title "ordo-perf: latency vs offered load (--mode rate)"
	set xlabel "offered load (messages/s, all senders)"
	set ylabel "latency (us)"
	set logscale y
	set key outside bottom center horizontal
	set grid
	plot $lat
	GP
	drawn=$((drawn + 1))
	echo "perf-plot: $out/latency.png"
fi
[ "$drawn" -gt 0 ] || { echo "perf-plot: no checked rows to draw in $csv" >&2; exit 1; }
