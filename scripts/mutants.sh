#!/bin/sh
# Do the KUnit suites fail when the behaviour they name is reverted?  Each row
# of config/mutants-BASE.tsv is applied to the series in the worktree
# build/BASE/mutant, UML is built (incrementally, through ccache) and the suites
# run: a mutant that KUnit does not catch fails this script.
# usage: mutants.sh [--variant V] [ROW...]   (row numbers, default: all)
#   --variant V: the rows of config/mutants-BASE-V.tsv on the branch V (v2),
#   each run by the suites of its ARCH column (um, or x86_64 in QEMU)
# TAP on stdout and in build/results/BASE/mutants[-V].tap.
set -eu
. "$(dirname "$0")/lib.sh"
res=$RES/$BASE
ref=series sfx= tsv=$top/config/mutants-$BASE.tsv
if [ "${1:-}" = --variant ]; then
	ref=$2 sfx=-$2 tsv=$top/config/mutants-$BASE-$2.tsv
	shift 2
fi
wt=$top/build/$BASE/mutant$sfx tap=$res/mutants$sfx.tap
[ -f "$tsv" ] || die "no mutants for base $BASE ($tsv)"
mkdir -p "$res"
rm -f "$tap.prov"
rows=$(grep -v '^#' "$tsv" | grep .)
n=$(printf '%s\n' "$rows" | wc -l)
[ $# -gt 0 ] || set -- $(seq 1 "$n")

[ -d "$wt" ] || kgit worktree add -q --detach "$wt" "$ref"
git -C "$wt" checkout -q --detach -f "$(kgit rev-parse "$ref")"
kunit="python3 tools/testing/kunit/kunit.py"
# the build folder and config of an architecture's suites
arch_setup() {
	case $1 in
	um) bd=$OUT/um-mutant$sfx kcfg=$top/config/kunitconfig ;;
	x86_64) bd=$OUT/kx86-mutant$sfx kcfg=$top/config/kunitconfig-x86_64 ;;
	*) die "mutants: unknown arch '$1' in $tsv" ;;
	esac
	mkdir -p "$bd"
	# once per run: the options of this tree
	case " $configured " in *" $1 "*) return ;; esac
	KUNITCONFIG=$kcfg kunitconfig_for "$wt" "$bd/project.kunitconfig"
	configured="$configured $1"
}
configured=

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
	march=$(printf '%s' "$line" | cut -f4)
	arch_setup "${march:-um}"
	git -C "$wt" checkout -q -f -- .
	before=$(git -C "$wt" hash-object "$file")
	perl -0pi -e "$expr" "$wt/$file"
	if [ "$(git -C "$wt" hash-object "$file")" = "$before" ]; then
		echo "not ok $i - mutant $r ($what): the substitution does not apply to $file"
		bad=$((bad + 1)); continue
	fi
	say "mutants: [$i/$#] $what"
	if ! (cd "$wt" && CCACHE_BASEDIR=$wt $kunit build --arch="${march:-um}" \
		--kunitconfig="$bd/project.kunitconfig" --build_dir="$bd" \
		--jobs="$(nproc)" --make_options "CC=$cc") >"$bd/build-$r.log" 2>&1; then
		echo "not ok $i - mutant $r ($what): does not build ($bd/build-$r.log)"
		bad=$((bad + 1)); continue
	fi
	k=$res/mutant$sfx-$r.ktap
	(cd "$wt" && $kunit exec --arch="${march:-um}" --build_dir="$bd" --raw_output=kunit --timeout=300) \
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
} | tee "$tap"
[ $# -eq "$n" ] && write_prov "$tap" mutants.sh ${sfx:+--variant "$ref"}
! grep -q '^not ok' "$tap"
