#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make deb: the Debian packages (debian/), built out of tree.
#
#   scripts/deb.sh [OUT]      (default OUT=/var/tmp/ordo-deb)
#
# Copies the source tree (what git tracks, plus new files it does not
# ignore: so a change not yet committed is in the package) to OUT/src,
# builds there with dpkg-buildpackage (debhelper, meson), leaves the .deb
# files and the .changes in OUT, then runs lintian on them: any error
# fails, warnings are printed. Nothing is written into the repository.
# Ends with "deb: ok N packages in OUT (lintian: E errors, W warnings)".
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/var/tmp/ordo-deb}
case "$OUT" in
	"$PWD"|"$PWD"/*) echo "deb: OUT must be outside the repository" >&2; exit 2 ;;
esac
for tool in dpkg-buildpackage dh lintian scdoc; do
	command -v "$tool" >/dev/null ||
		{ echo "deb: $tool is missing: make deps" >&2; exit 2; }
done

t0=$SECONDS
mkdir -p "$OUT"
rm -rf "$OUT/src"
rm -f "$OUT"/*.deb "$OUT"/*.buildinfo "$OUT"/*.changes
mkdir "$OUT/src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | tar -xf - -C "$OUT/src"
else  # an unpacked source tree: everything but build directories
	tar --exclude='./build*' --exclude='./obj-*' -cf - . | tar -xf - -C "$OUT/src"
fi

echo "deb: building in $OUT/src"
# Debian's own python3 and tools, whatever a developer's PATH prefers.
(cd "$OUT/src" &&
	PATH=/usr/sbin:/usr/bin:/sbin:/bin nice -n 5 \
	dpkg-buildpackage -b -us -uc -j"$(nproc)" > "$OUT/build.log" 2>&1) || {
	tail -30 "$OUT/build.log" >&2
	echo "deb: dpkg-buildpackage failed (log: $OUT/build.log)" >&2
	exit 1
}
build_s=$((SECONDS - t0))

changes=$(ls "$OUT"/ordo_*.changes)
lintian --no-tag-display-limit --info "$changes" > "$OUT/lintian.log" 2>&1 || true
errors=$(grep -c '^E: ' "$OUT/lintian.log" || true)
warnings=$(grep -c '^W: ' "$OUT/lintian.log" || true)
grep -E '^(E|W): ' "$OUT/lintian.log" || true
n=$(ls "$OUT"/*.deb | wc -l)
for d in "$OUT"/*.deb; do
	printf 'deb: %-45s %6s KiB, %3d files\n' "$(basename "$d")" \
		"$(( $(stat -c %s "$d") / 1024 ))" "$(dpkg -c "$d" | grep -vc '^d')"
done
echo "deb: built in ${build_s} s, lintian in $((SECONDS - t0 - build_s)) s"
if [ "$errors" -gt 0 ]; then
	echo "deb: FAIL lintian reports $errors error(s) (log: $OUT/lintian.log)"
	exit 1
fi
echo "deb: ok $n packages in $OUT (lintian: $errors errors, $warnings warnings)"
