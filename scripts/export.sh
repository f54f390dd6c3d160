#!/bin/sh
# Export the work tree's series (base..series) to the base's patch folder
# (config/bases.tsv) with a cover letter.
# Output is stable: re-exporting an unchanged tree changes no file.
# usage: export.sh [--to DIR]
#        export.sh --ref BRANCH --to DIR --cover FILE --version N
#   the second form: another series of the base, or the series from a
#   development branch (--ref BRANCH alone), its cover letter text FILE in
#   the base's folder (bases/BASE/), its results there as test-results-BRANCH.txt
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
dest=$BASE_PATCHES ref=series
cover=$BASE_COVER results=$BASE_RESULTS
v=$BASE_SERIES_VERSION
while [ $# -gt 0 ]; do
	case $1 in
	--to) dest=$2 ;;
	--ref) ref=$2 ;;
	--cover) cover=$BASE_DIR/$2 results=${BASE_RESULTS%.txt}-$ref.txt ;;
	--version) v=$2 ;;
	*) die "export: unknown argument '$1'" ;;
	esac
	shift 2
done
[ -n "$dest" ] || die "base $BASE has no series folder in config/bases.tsv"
kgit rev-parse -q --verify "refs/heads/$ref" >/dev/null || die "no branch $ref in $K: run 'make tree'"
[ -z "$(kgit status --porcelain)" ] || die "$K has uncommitted changes: commit them first"
mkdir -p "$dest"
tmp=$(mktemp -d)
[ -f "$cover" ] || die "no cover letter text $cover for base $BASE"
desc=$(cat "$cover")
if [ -f "$results" ]; then
	desc=$(printf '%s\n' "$desc" | awk -v f="$results" \
		'$0 == "@RESULTS@" { while ((getline l < f) > 0) print l; next } { print }')
fi
kgit config "branch.$ref.description" "$desc"
# shellcheck disable=SC2046 # no -v option for version 1
kgit -c core.abbrev=12 format-patch -q --zero-commit --cover-letter --cover-from-description=subject \
	$([ "$v" -gt 1 ] && echo "-v $v") --base=base -o "$tmp" "base..$ref"
# The cover letter's date is "now": take the newest patch's date instead.
# shellcheck disable=SC2012 # format-patch names
last=$(ls "$tmp"/*.patch | tail -n 1)
d=$(sed -n 's/^Date: //p' "$last" | head -n 1)
sed -i "s/^Date: .*/Date: $d/" "$tmp"/*0000-cover-letter.patch
rm -f "$dest"/*.patch
cp "$tmp"/*.patch "$dest"/
# shellcheck disable=SC2010,SC2035 # format-patch names
(cd "$tmp" && ls *.patch | grep -v '0000-cover-letter' ) >"$dest/series" || true
rm -rf "$tmp"
say "exported $(grep -c . "$dest/series") patch(es) + cover letter to $dest"
