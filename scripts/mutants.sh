#!/bin/sh
# Do the KUnit suites fail when the behaviour they name is reverted?  Each
# mutant (a row of bases/BASE/kunit-mutants[-VARIANT].tsv, passed by
# 'python3 scripts/vdma.py mutants') is applied to the series in the base's
# work tree, and the suites of its arch are built in the build folder
# scripts/kunit.sh uses (so only the mutated file and the link are redone)
# and run: a mutant that KUnit does not catch fails this script.  The work
# tree is locked while this runs and put back as it was when it exits.
# usage: mutants.sh [--variant V] [--complete] N FILE SUBSTITUTION WHAT ARCH...
#   five arguments per mutant: its row number, the file, the perl
#   substitution, the behaviour it reverts, the suites' arch (um or x86_64);
#   --variant V: on the branch V (v2) instead of the series;
#   --complete: every row of the table (the TAP gets its provenance)
# TAP on stdout and in build/results/BASE/mutants[-V].tap.
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
res=$RES/$BASE
ref=series sfx='' complete=''
if [ "${1:-}" = --variant ]; then
	ref=$2 sfx=-$2
	shift 2
fi
[ "${1:-}" != --complete ] || { complete=1; shift; }
if [ $# -eq 0 ] || [ $(($# % 5)) -ne 0 ]; then
	die "mutants: usage: mutants.sh [--variant V] [--complete] N FILE SUBSTITUTION WHAT ARCH..."
fi
n=$(($# / 5))
wt=$K tap=$res/mutants$sfx.tap
mkdir -p "$res"
rm -f "$tap.prov"

# the work tree, locked until exit, and the mutated files put back then
checkout_variant "$ref"
trap 'git -C "$wt" checkout -q -f -- .' EXIT
kunit="python3 tools/testing/kunit/kunit.py"
# the build folder and config of an architecture's suites: scripts/kunit.sh's
arch_setup() {
	case $1 in
	um) bd=$OUT/um-$ref kcfg=$top/config/kunitconfig ;;
	x86_64) bd=$OUT/kx86-$ref kcfg=$top/config/kunitconfig-x86_64 ;;
	*) die "mutants: unknown arch '$1'" ;;
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
echo "1..$n"
i=0 bad=0
while [ $# -gt 0 ]; do
	i=$((i + 1))
	r=$1 file=$2 expr=$3 what=$4 march=$5
	shift 5
	arch_setup "$march"
	git -C "$wt" checkout -q -f -- .
	before=$(git -C "$wt" hash-object "$file")
	perl -0pi -e "$expr" "$wt/$file"
	if [ "$(git -C "$wt" hash-object "$file")" = "$before" ]; then
		echo "not ok $i - mutant $r ($what): the substitution does not apply to $file"
		bad=$((bad + 1)); continue
	fi
	say "mutants: [$i/$n] $what"
	if ! (cd "$wt" && $kunit build --arch="$march" \
		--kunitconfig="$bd/project.kunitconfig" --build_dir="$bd" \
		--jobs="$(nproc)" --make_options "CC=$cc") >"$bd/build-$r.log" 2>&1; then
		echo "not ok $i - mutant $r ($what): does not build ($bd/build-$r.log)"
		bad=$((bad + 1)); continue
	fi
	k=$res/mutant$sfx-$r.ktap
	(cd "$wt" && $kunit exec --arch="$march" --build_dir="$bd" --raw_output=kunit --timeout=300) \
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
echo "mutants: $((n - bad)) passed, $bad failed"
} | tee "$tap"
# every row caught, and said so: a loop that died half-way wrote no "not ok"
if ! grep -qx "mutants: $n passed, 0 failed" "$tap"; then
	say "mutants: not every one of the $n rows was run and caught (TAP: $tap)"
	exit 1
fi
[ -z "$complete" ] || write_prov "$tap" mutants.sh ${sfx:+--variant "$ref"}
