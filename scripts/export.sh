#!/bin/sh
# Export the work tree's series (base..series) to patches/ with a cover letter.
# Output is stable: re-exporting an unchanged tree changes no file.
set -eu
. "$(dirname "$0")/lib.sh"
dest=$top/patches
[ "${1:-}" = "--to" ] && dest=$2
kgit rev-parse -q --verify refs/heads/series >/dev/null || die "no series branch in $K: run 'make tree'"
[ -z "$(kgit status --porcelain)" ] || die "$K has uncommitted changes: commit them first"
mkdir -p "$dest"
tmp=$(mktemp -d)
desc=$(cat "$top/harness/cover-letter.txt")
if [ -f "$top/harness/test-results.txt" ]; then
	desc=$(printf '%s\n' "$desc" | awk -v f="$top/harness/test-results.txt" \
		'$0 == "@RESULTS@" { while ((getline l < f) > 0) print l; next } { print }')
fi
kgit config branch.series.description "$desc"
kgit format-patch -q --zero-commit --cover-letter --cover-from-description=subject \
	--base=base -o "$tmp" base..series
# The cover letter's date is "now": take the newest patch's date instead.
last=$(ls "$tmp"/*.patch | tail -n 1)
d=$(sed -n 's/^Date: //p' "$last" | head -n 1)
sed -i "s/^Date: .*/Date: $d/" "$tmp/0000-cover-letter.patch"
rm -f "$dest"/*.patch
cp "$tmp"/*.patch "$dest"/
(cd "$tmp" && ls *.patch | grep -v '^0000-cover-letter' ) >"$dest/series" || true
rm -rf "$tmp"
say "exported $(grep -c . "$dest/series") patch(es) + cover letter to $dest"
