#!/bin/sh
# Build one kernel variant: build.sh VARIANT [ARCH]
#   VARIANT: base | series | control | any git ref of the work tree
#   ARCH:    x86 (guest bzImage, default) | um (KUnit is built by kunit.py)
# All variants are built from the one work tree at one path, each into its own
# O= folder, through ccache: a variant recompiles only what differs.
set -eu
. "$(dirname "$0")/lib.sh"
variant=${1:?usage: build.sh VARIANT [x86]}
arch=${2:-x86}
o=$OUT/$arch-${BUILD_NAME:-$variant}
frag=$top/config/guest.config

checkout_variant "$variant"
mk() { make -C "$K" O="$o" CC="$cc" HOSTCC="$cc" -j"$(nproc)" "$@"; }

mkdir -p "$o"
if [ ! -f "$o/.config" ] || [ "$frag" -nt "$o/.config" ]; then
	say "[$variant] configuring: tinyconfig + $(basename "$frag")"
	mk -s tinyconfig >/dev/null
	KCONFIG_CONFIG="$o/.config" "$K/scripts/kconfig/merge_config.sh" -m -O "$o" \
		"$o/.config" "$frag" >"$o/merge.log"
	mk -s olddefconfig >/dev/null
	missing=$(grep '^CONFIG_.*=y' "$frag" | while read -r l; do
		grep -qx "$l" "$o/.config" || echo "${l%=y}"; done)
	[ -z "$missing" ] || die "[$variant] options not set by kconfig: $missing"
fi
start=$(date +%s)
say "[$variant] building bzImage in $o (log: $o/build.log)"
if ! mk bzImage >"$o/build.log" 2>&1; then
	grep -E 'error|Error' "$o/build.log" | head -n 20 >&2
	die "[$variant] build failed (full log: $o/build.log)"
fi
grep -E ': warning:' "$o/build.log" >&2 || true
say "[$variant] built in $(( $(date +%s) - start ))s: $o/arch/x86/boot/bzImage"
