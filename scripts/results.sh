#!/bin/sh
# Collect the results of the base's current series into
# bases/BASE/test-results.txt,
# which export.sh puts into the cover letter.  The matrix table comes only
# from a complete, unfiltered matrix run of the current series on the primary
# base (refused otherwise, with the reason); every other result is included
# only when its provenance (FILE.prov) names the current series, and said to
# be missing otherwise.
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
res=$RES
f=$BASE_RESULTS
cur=$SERIES_HASH
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.kept"' EXIT

# current FILE: FILE exists and its provenance names the current series
current() {
	[ -f "$1" ] && [ -f "$1.prov" ] && grep -qx "series=$cur" "$1.prov"
}
# A section of the committed results of the same series (its first line
# names series $cur), kept where this machine has not run that step: TITLE
# is the start of the section's first line.
kept() {
	[ -f "$f" ] && head -n 1 "$f" | grep -q "series $cur," || return 1
	# the title line, then every indented or empty line up to the next title
	awk -v t="$1" 'on && /^[^ ]/ { exit } index($0, t) == 1 { on = 1; print; next } on' \
		"$f" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp.kept"
	[ -s "$tmp.kept" ] || return 1
	k=' (kept from the committed results of this series: not rerun here)'
	sed "1s/\( (kept from the committed results of this series: not rerun here)\)*\$/$k/" "$tmp.kept"
	echo
}
missing() {
	if [ ! -f "$2" ] && kept "$3"; then
		return 0
	elif [ -f "$2.prov" ] && ! grep -q "^base=$BASE " "$2.prov"; then
		echo "$1: not run on base $BASE"
	elif [ -f "$2" ]; then
		echo "$1: not included: its result is not of the current series $cur ($(sed -n 's/^series=//p' "$2.prov" 2>/dev/null || echo 'no provenance'))"
	else
		echo "$1: not run"
	fi
	echo
}
{
	python3 "$top/scripts/vdma.py" results --base "$BASE" || exit 1
	echo
	if [ -f "$res/$BASE/platforms.json" ]; then
		python3 "$top/scripts/vdma.py" results --base "$BASE" --name platforms 2>&1 ||
			echo "platforms: not included (see the reason above)"
		echo
	else echo "platforms (make platforms): not run"; echo; fi
	if [ -f "$res/$BASE/lifecycle.json" ]; then
		python3 "$top/scripts/vdma.py" results --base "$BASE" --name lifecycle 2>&1 ||
			echo "lifecycle: not included (see the reason above)"
		echo
	else echo "lifecycle (make lifecycle): no complete run (every variant, every row)"; echo; fi
	if current "$res/$BASE/kunit-series.ktap"; then
		echo "KUnit (UML), $(sed -n 's/^date=//p' "$res/$BASE/kunit-series.ktap.prov"):"
		grep -E '^\[[0-9:]+\] (=+ \[|Testing complete)' "$res/$BASE/kunit-series.txt" |
			sed 's/^\[[0-9:]*\] /  /'
		echo
	else missing KUnit "$res/$BASE/kunit-series.ktap" "KUnit (UML)"; fi
	n=$KUNIT_MUTANTS
	if current "$res/$BASE/mutants.tap" && grep -qx "1..$n" "$res/$BASE/mutants.tap"; then
		echo "KUnit mutants (each reverts one behaviour; KUnit must fail):"
		grep -E '^(ok|not ok) |^mutants:' "$res/$BASE/mutants.tap" | sed 's/^/  /'
		echo
	else missing "KUnit mutants (all $n)" "$res/$BASE/mutants.tap" "KUnit mutants"; fi
	if [ -f "$res/upstream-check.log" ] && grep -q "series $cur," "$res/upstream-check.log"; then
		echo "make upstream-check (checkpatch, sparse/W=1, kernel-doc, bisect, cross):"
		sed -n '/^upstream-check /,/^upstream-check: [0-9]* passed/p' "$res/upstream-check.log" |
			sed 's/^/  /'
		echo
	else missing "make upstream-check" "$res/upstream-check.log" "make upstream-check"; fi
	if current "$res/$BASE/bench.txt"; then
		echo "Benchmark (make bench):"; sed 's/^/  /' "$res/$BASE/bench.txt"; echo
	else missing Benchmark "$res/$BASE/bench.txt" "Benchmark (make bench)"; fi
	for t in checkpatch sparse kernel-doc; do
		l=$res/$t.log	# check names a step of another base than the primary STEP-BASE
		[ ! -f "$res/$t-$BASE.log" ] || l=$res/$t-$BASE.log
		if current "$l"; then
			echo "$t:"; grep -E "^($t|sparse/W=1|kernel-doc): " "$l" | sed 's/^/  /'
		else missing "$t" "$l" "$t:"; fi
	done
	echo
	echo "Cc (scripts/get_maintainer.pl --no-git on the series):"
	# shellcheck disable=SC2086 # a list of words (file names without spaces)
	(cd "$K" && perl scripts/get_maintainer.pl --no-rolestats --no-git --no-git-fallback \
		$SERIES_PATCHES 2>/dev/null) | grep -v 'lists.invalid' | sort -u | sed 's/^/  /'
} >"$tmp" || die "results: not written (see the reason above)"
sed "s/[[:space:]]*$//" "$tmp" >"$f"
say "results: wrote $f"
