#!/bin/sh
# sparse (make C=2) and W=1 on the .c files the series touches, for base and
# series in the x86 guest config; report only warnings the series adds.
# Files that config does not build are listed as not checked.
# SERIES=REF: another series of the base (v2, the alternative), default the base's own.
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
S=${SERIES:-series}
command -v sparse >/dev/null || die "sparse is not installed: run 'make deps'"
res=$RES/$BASE
mkdir -p "$res"
files=$(kgit diff --name-only base "$S" -- '*.c')
[ -n "$files" ] || die "sparse: the series touches no .c file"

# Compiler and sparse warnings of a build log on stdin, as "file: message".
warnings_of() {
	grep -E '(warning|error):' |
		sed -E 's#^(\.\./)*##; s#^([^:]+):[0-9]+:([0-9]+:)? #\1: #' || true
}

# Warnings of one variant, one per line as "file: message" (no line numbers).
warnings() {
	v=$1 o=$OUT/x86-$1 built=$OUT/x86-$1
	if [ "$v" = base ] && [ ! -f "$o/.config" ]; then
		# make check builds no base kernel: the base's files that the
		# series' kernel builds, in a folder of the series' config made
		# only as far as 'make prepare'
		o=$OUT/x86-sparse-base built=$OUT/x86-$S
		[ -f "$built/.config" ] || die "sparse: no x86 build of $S: run 'make build-$S'"
		checkout_variant base
		mkdir -p "$o"
		cp "$built/.config" "$o/.config"
		make -C "$K" O="$o" CC="$cc" HOSTCC="$cc" -j"$(nproc)" -s olddefconfig prepare \
			>"$o/prepare.log" 2>&1 || { cat "$o/prepare.log" >&2; die "sparse: base prepare failed in $o"; }
	fi
	[ -f "$o/.config" ] || die "sparse: no x86 build of $v: run 'make build-$v'"
	checkout_variant "$v"
	for f in $files; do
		[ -f "$K/$f" ] || continue
		obj=${f%.c}.o
		if [ ! -f "$built/$obj" ]; then
			echo "$f" >>"$res/sparse-unbuilt.$v"
			continue
		fi
		make -C "$K" O="$o" CC="$cc" C=2 W=1 "$obj" 2>&1 |
			warnings_of
	done | sort
}
: >"$res/sparse-unbuilt.base"; : >"$res/sparse-unbuilt.$S"
warnings base >"$res/sparse-base.txt"
warnings "$S" >"$res/sparse-$S.txt"
checkout_variant "$S"
# What the x86 guest does not build (the KUnit suites) is checked in the UML
# KUnit build of the series, where it is built.
um=$OUT/um-$S
# shellcheck disable=SC2013 # a list of words (file names without spaces)
for f in $(sort -u "$res/sparse-unbuilt.$S"); do
	obj=${f%.c}.o
	if [ -f "$um/$obj" ]; then
		make -C "$K" O="$um" ARCH=um CC="$cc" C=2 W=1 "$obj" 2>&1 |
			warnings_of
	fi
done | sort >>"$res/sparse-$S.txt"
# shellcheck disable=SC2013 # a list of words (file names without spaces)
for f in $(sort -u "$res/sparse-unbuilt.$S"); do
	[ -f "$um/${f%.c}.o" ] || echo "$f"
done >"$res/sparse-unbuilt.$S.um"
# What neither builds (drm/virtio) is checked, base and series, in
# x86_64_defconfig plus config/sparse-extra.config, built only as far as
# 'make prepare' and the objects themselves.
extra_files=$(cat "$res/sparse-unbuilt.$S.um")
extra() { # variant -> warnings of the extra files
	o=$OUT/x86-extra-$1 frag=$top/config/sparse-extra.config
	checkout_variant "$1"
	mk() { make -C "$K" O="$o" CC="$cc" HOSTCC="$cc" -j"$(nproc)" "$@"; }
	# shellcheck disable=SC3013 # dash and bash have -nt
	if [ ! -f "$o/.config" ] || [ "$frag" -nt "$o/.config" ]; then
		mkdir -p "$o"
		mk -s x86_64_defconfig >/dev/null
		KCONFIG_CONFIG="$o/.config" "$K/scripts/kconfig/merge_config.sh" -m -O "$o" \
			"$o/.config" "$frag" >"$o/merge.log"
		mk -s olddefconfig >/dev/null
	fi
	mk -s prepare >"$o/prepare.log" 2>&1 || { cat "$o/prepare.log" >&2; die "sparse: $1 extra prepare failed"; }
	for f in $extra_files; do
		[ -f "$K/$f" ] || continue
		obj=${f%.c}.o
		make -C "$K" O="$o" CC="$cc" C=2 W=1 "$obj" >"$o/sparse.log" 2>&1 ||
			{ cat "$o/sparse.log" >&2; die "sparse: $1: $obj does not build in $o"; }
		warnings_of <"$o/sparse.log"
		[ "$1" = "$S" ] && echo "$f" >>"$res/sparse-extra-checked"
	done | sort
}
: >"$res/sparse-extra-checked"
if [ -n "$extra_files" ]; then
	extra base >>"$res/sparse-base.txt"
	extra "$S" >>"$res/sparse-$S.txt"
	checkout_variant "$S"
	for f in $extra_files; do
		grep -qx "$f" "$res/sparse-extra-checked" 2>/dev/null || echo "$f"
	done >"$res/sparse-unbuilt.$S.um"
fi
sort -o "$res/sparse-base.txt" "$res/sparse-base.txt"
new=$(comm -13 "$res/sparse-base.txt" "$(sort "$res/sparse-$S.txt" >"$res/sparse-$S.sorted"; echo "$res/sparse-$S.sorted")")
n=$(echo "$files" | wc -l)
unbuilt=$(cat "$res/sparse-unbuilt.$S.um")
echo "sparse/W=1: $n touched .c file(s); base $(wc -l <"$res/sparse-base.txt") warning(s), series $(wc -l <"$res/sparse-$S.txt")"
# shellcheck disable=SC2086,SC2116 # a list of words (file names without spaces), on one line
[ -z "$extra_files" ] || echo "sparse/W=1: checked in x86_64_defconfig + sparse-extra.config: $(echo $extra_files)"
if [ -n "$unbuilt" ]; then
	# shellcheck disable=SC2086,SC2116 # a list of words (file names without spaces), on one line
	echo "sparse/W=1: NOT CHECKED (no config builds them): $(echo $unbuilt)"
	echo "sparse: 0 passed, 1 failed"
	exit 1
fi
if [ -n "$new" ]; then
	echo "sparse/W=1: NEW warnings:"
	printf '%s\n' "$new" | sed 's/^/  /'
	echo "sparse: 0 passed, 1 failed"
	exit 1
fi
echo "sparse: 1 passed, 0 failed"
