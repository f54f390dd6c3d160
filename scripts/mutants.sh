#!/bin/sh
# Do the KUnit suites fail when the behaviour they name is reverted?  Each row
# of config/mutants-BASE.tsv is applied to the series in the worktree
# build/BASE/mutant, UML is built (incrementally, through ccache) and the suites
# run: a mutant that KUnit does not catch fails this script.
# usage: mutants.sh [ROW...]     (row numbers, default: all)
# TAP on stdout and in build/results/BASE/mutants.tap.
set -eu
. "$(dirname "$0")/lib.sh"
res=$RES/$BASE
wt=$top/build/$BASE/mutant bd=$OUT/um-mutant tsv=$top/config/mutants-$BASE.tsv
[ -f "$tsv" ] || die "no mutants for base $BASE ($tsv)"
mkdir -p "$res" "$bd"
rm -f "$res/mutants.tap.prov"
rows=$(grep -v '^#' "$tsv" | grep .)
n=$(printf '%s\n' "$rows" | wc -l)
[ $# -gt 0 ] || set -- $(seq 1 "$n")

[ -d "$wt" ] || kgit worktree add -q --detach "$wt" series
git -C "$wt" checkout -q --detach -f "$(kgit rev-parse series)"
kunitconfig_for "$wt" "$bd/project.kunitconfig"
kunit="python3 tools/testing/kunit/kunit.py"

{
echo "TAP version 13"
echo "1..$#"
i=0 bad=0
for r in "$@"; do
	i=$((i + 1))
	line=$(printf '%s\n' "$rows" | sed -n "${r}p")
	file=$(printf '%s' "$line" | cut -f1)
	expr=$(printf '%s' "$line" | cut -f2)
	what=$(printf '%s' "$line" | cut -f3)
	git -C "$wt" checkout -q -f -- .
	before=$(git -C "$wt" hash-object "$file")
	perl -0pi -e "$expr" "$wt/$file"
	if [ "$(git -C "$wt" hash-object "$file")" = "$before" ]; then
		echo "not ok $i - mutant $r ($what): the substitution does not apply to $file"
		bad=$((bad + 1)); continue
	fi
	say "mutants: [$i/$#] $what"
	if ! (cd "$wt" && CCACHE_BASEDIR=$wt $kunit build --arch=um \
		--kunitconfig="$bd/project.kunitconfig" --build_dir="$bd" \
		--jobs="$(nproc)" --make_options "CC=$cc") >"$bd/build-$r.log" 2>&1; then
		echo "not ok $i - mutant $r ($what): does not build ($bd/build-$r.log)"
		bad=$((bad + 1)); continue
	fi
	k=$res/mutant-$r.ktap
	(cd "$wt" && $kunit exec --build_dir="$bd" --raw_output=kunit --timeout=300) \
		>"$k" 2>/dev/null || true
	if (cd "$wt" && $kunit parse "$k") >"$k.txt" 2>&1; then
		echo "not ok $i - mutant $r ($what): KUnit still passes"
		bad=$((bad + 1))
	else
		failed=$(grep -E '^\[[0-9:]+\] \[FAILED\]' "$k.txt" | sed 's/^\[[0-9:]*\] \[FAILED\] //' |
			sort -u | head -n 4 | tr '\n' ' ')
		echo "ok $i - mutant $r ($what): caught by ${failed:-a crash}"
	fi
done
git -C "$wt" checkout -q -f -- .
echo "mutants: $(($# - bad)) passed, $bad failed"
} | tee "$res/mutants.tap"
[ $# -eq "$n" ] && write_prov "$res/mutants.tap" mutants.sh
! grep -q '^not ok' "$res/mutants.tap"
