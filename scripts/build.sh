#!/bin/sh
# Build one kernel variant: build.sh VARIANT [ARCH]
#   VARIANT: base | series | control | any git ref of the work tree, with
#            "-nodebug" appended: that ref without DMA-API debug
#            (config/guest-nodebug.config on top of the guest config)
#   ARCH:    x86 (guest bzImage, default) | um (KUnit is built by kunit.py)
# All variants are built from the one work tree at one path, each into its own
# O= folder, through ccache: a variant recompiles only what differs.
set -eu
. "$(dirname "$0")/lib.sh"
variant=${1:?usage: build.sh VARIANT [x86]}
arch=${2:-x86}
o=$OUT/$arch-${BUILD_NAME:-$variant}
ref=${variant%-nodebug}
frags=$top/config/guest.config
[ "$ref" = "$variant" ] || frags="$frags $top/config/guest-nodebug.config"

checkout_variant "$ref"
mk() { make -C "$K" O="$o" CC="$cc" HOSTCC="$cc" -j"$(nproc)" "$@"; }

mkdir -p "$o"
stale=
for f in $frags; do [ "$f" -nt "$o/.config" ] && stale=1; done
if [ ! -f "$o/.config" ] || [ -n "$stale" ]; then
	say "[$variant] configuring: tinyconfig + $(for f in $frags; do basename "$f"; done | paste -sd+)"
	mk -s tinyconfig >/dev/null
	KCONFIG_CONFIG="$o/.config" "$K/scripts/kconfig/merge_config.sh" -m -O "$o" \
		"$o/.config" $frags >"$o/merge.log"
	mk -s olddefconfig >/dev/null
	# what the fragments ask for, the last one winning: =y set, "not set" unset
	missing=$(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1 y/p; s/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1 n/p' \
		$frags | awk '{ v[$1] = $2 } END { for (k in v) print k, v[k] }' |
		while read -r opt want; do
			if [ "$want" = y ]; then grep -qx "$opt=y" "$o/.config" || echo "$opt"
			else ! grep -q "^$opt=" "$o/.config" || echo "$opt (must be unset)"; fi
		done)
	[ -z "$missing" ] || die "[$variant] options not as asked by kconfig: $missing"
fi
start=$(date +%s)
say "[$variant] building bzImage in $o (log: $o/build.log)"
if ! mk bzImage >"$o/build.log" 2>&1; then
	grep -E 'error|Error' "$o/build.log" | head -n 20 >&2
	die "[$variant] build failed (full log: $o/build.log)"
fi
grep -E ': warning:' "$o/build.log" >&2 || true
say "[$variant] built in $(( $(date +%s) - start ))s: $o/arch/x86/boot/bzImage"
