#!/bin/sh
# sparse (make C=2) and W=1 on the .c files the series touches, for base and
# series in the x86 guest config; report only warnings the series adds.
# Files that config does not build are listed as not checked.
set -eu
. "$(dirname "$0")/lib.sh"
command -v sparse >/dev/null || die "sparse is not installed: run 'make deps'"
res=$top/build/results
mkdir -p "$res"
files=$(kgit diff --name-only base series -- '*.c')
[ -n "$files" ] || die "sparse: the series touches no .c file"

# Warnings of one variant, one per line as "file: message" (no line numbers).
warnings() {
	v=$1 o=$OUT/x86-$1
	[ -f "$o/.config" ] || die "sparse: no x86 build of $v: run 'make build-$v'"
	checkout_variant "$v"
	for f in $files; do
		[ -f "$K/$f" ] || continue
		obj=${f%.c}.o
		if [ ! -f "$o/$obj" ]; then
			echo "$f" >>"$res/sparse-unbuilt.$v"
			continue
		fi
		make -C "$K" O="$o" CC="$cc" C=2 W=1 "$obj" 2>&1 |
			grep -E '(warning|error):' |
			sed -E 's#^(\.\./)*##; s#^([^:]+):[0-9]+:([0-9]+:)? #\1: #' || true
	done | sort
}
: >"$res/sparse-unbuilt.base"; : >"$res/sparse-unbuilt.series"
warnings base >"$res/sparse-base.txt"
warnings series >"$res/sparse-series.txt"
checkout_variant series
# What the x86 guest does not build (the KUnit suites) is checked in the UML
# KUnit build of the series, where it is built.
um=$OUT/um-series
for f in $(sort -u "$res/sparse-unbuilt.series"); do
	obj=${f%.c}.o
	if [ -f "$um/$obj" ]; then
		make -C "$K" O="$um" ARCH=um CC="$cc" C=2 W=1 "$obj" 2>&1 |
			grep -E '(warning|error):' |
			sed -E 's#^(\.\./)*##; s#^([^:]+):[0-9]+:([0-9]+:)? #\1: #' || true
	fi
done | sort >>"$res/sparse-series.txt"
for f in $(sort -u "$res/sparse-unbuilt.series"); do
	[ -f "$um/${f%.c}.o" ] || echo "$f"
done >"$res/sparse-unbuilt.series.um"
new=$(comm -13 "$res/sparse-base.txt" "$(sort "$res/sparse-series.txt" >"$res/sparse-series.sorted"; echo "$res/sparse-series.sorted")")
n=$(echo "$files" | wc -l)
unbuilt=$(cat "$res/sparse-unbuilt.series.um")
echo "sparse/W=1: $n touched .c file(s); base $(wc -l <"$res/sparse-base.txt") warning(s), series $(wc -l <"$res/sparse-series.txt")"
[ -z "$unbuilt" ] || echo "sparse/W=1: built neither in the x86 guest nor in UML KUnit, not checked: $(echo $unbuilt)"
if [ -n "$new" ]; then
	echo "sparse/W=1: NEW warnings:"
	printf '%s\n' "$new" | sed 's/^/  /'
	echo "sparse: 0 passed, 1 failed"
	exit 1
fi
echo "sparse: 1 passed, 0 failed"
