#!/bin/sh
# Build one kernel variant of the base ($BASE): build.sh VARIANT
# (python3 scripts/vdma.py build VARIANT [ARCH] [--config FRAGMENT] [--name NAME])
#   VARIANT: a row of config/variants.tsv or any git ref of the work tree;
#            vdma.py gives its ref and fragments (VARIANT_REF,
#            VARIANT_FRAGMENTS: config/variants.tsv "ref" and "config", and
#            --config: guest-modular.config for upstream-check, virtio as
#            modules, vmlinux and modules built, not booted), or
#            "worktree": the work tree ($KTREE) as it is, not checked out
#   the architecture: a row of config/arches.tsv (default x86_64): its
#            fragments, compiler and image, in the environment vdma.py gives
#            (ARCH_NAME, ARCH_OUT, ARCH_KARCH, ARCH_CROSS, ARCH_IMAGE,
#            ARCH_FRAGMENTS: vdma_pipeline.arch_env)
# All variants of a base are built from its one work tree, each into its own
# O= folder (build/BASE/out/OUT-VARIANT, OUT of the architecture's row, or
# OUT-$BUILD_NAME), through ccache: a variant recompiles only what differs.
# A config with modules builds them too.  Prints a progress line a minute.
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
variant=${1:?usage: build.sh VARIANT}
[ -n "${ARCH_NAME:-}" ] || die "build: no architecture in the environment: run 'python3 scripts/vdma.py build $variant'"
label="$BASE $variant"; [ "$ARCH_NAME" = x86_64 ] || label="$label $ARCH_NAME"
o=$OUT/$ARCH_OUT-${BUILD_NAME:-$variant}
image=$ARCH_IMAGE
frags=
for f in $ARCH_FRAGMENTS; do frags="$frags $top/config/$f"; done
# a base's own fragment (bases/BASE/guest.config), then the variant's
[ -z "$BASE_GUEST_CONFIG" ] || frags="$frags $BASE_GUEST_CONFIG"
targets=$(basename "$image")
# the variant's fragments (vdma.py: config/variants.tsv "config", --config)
for f in ${VARIANT_FRAGMENTS:-}; do frags="$frags $top/config/$f"; done
ref=${VARIANT_REF:-$variant}
[ "$variant" != worktree ] || ref=	# KTREE as it is checked out (make demo KTREE=)
cross=$ARCH_CROSS
kcc=$cc; [ -z "$cross" ] || kcc="${cc%gcc}${cross}gcc"
[ -z "$cross" ] || command -v "${cross}gcc" >/dev/null ||
	die "build: ${cross}gcc missing: run 'python3 scripts/vdma.py deps platforms' (as root)"

[ -z "$ref" ] || checkout_variant "$ref"
mk() { make -C "$K" O="$o" ARCH="$ARCH_KARCH" ${cross:+CROSS_COMPILE=$cross} \
	CC="$kcc" HOSTCC="$cc" -j"$(nproc)" "$@"; }

mkdir -p "$o"
avail=$(df -Pk "$o" | awk 'NR == 2 { print int($4 / 1048576) }')
[ "$avail" -ge 2 ] || die "[$label] only ${avail} GiB free in $o: free space (make clean) and retry"
stale=
# shellcheck disable=SC3013 # dash and bash have -nt
for f in $frags; do [ "$f" -nt "$o/.config" ] && stale=1; done
[ "$(cat "$o/.ref" 2>/dev/null)" = "$(kgit rev-parse HEAD)" ] || stale=1
if [ ! -f "$o/.config" ] || [ -n "$stale" ]; then
	say "[$label] configuring: tinyconfig + $(for f in $frags; do basename "$f"; done | paste -sd+)"
	mk -s tinyconfig >/dev/null
	# shellcheck disable=SC2086 # a list of words (file names without spaces)
	KCONFIG_CONFIG="$o/.config" "$K/scripts/kconfig/merge_config.sh" -m -O "$o" \
		"$o/.config" $frags >"$o/merge.log"
	mk -s olddefconfig >/dev/null
	# what the fragments ask for, the last one winning: =y set, "not set"
	# unset; a symbol this tree does not define is left out, and said so
	# shellcheck disable=SC2086,SC2046,SC2010 # a list of words (file names without spaces)
	missing=$(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=\([ym]\)$/\1 \2/p; s/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1 n/p' \
		$frags | awk '{ v[$1] = $2 } END { for (k in v) print k, v[k] }' |
		while read -r opt want; do
			if ! grep -rqs --include='Kconfig*' -E "^(menu)?config ${opt#CONFIG_}\$" \
				"$K/arch/$ARCH_KARCH" $(ls -d "$K"/* | grep -v "^$K/arch\$"); then
				say "[$label] $opt does not exist in this tree: left out"
			elif [ "$want" != n ]; then grep -qx "$opt=$want" "$o/.config" || echo "$opt (must be $want)"
			else ! grep -q "^$opt=" "$o/.config" || echo "$opt (must be unset)"; fi
		done)
	[ -z "$missing" ] || die "[$label] options not as asked by kconfig: $missing"
fi
# a config with modules (guest-modular.config) builds them too
! grep -qx 'CONFIG_MODULES=y' "$o/.config" || targets="$targets modules"
# .ref names the commit of the last successful build only (vdma.py refuses a
# kernel whose .ref is not its branch); .building marks this build's start
rm -f "$o/.ref"
touch "$o/.building"
start=$(date +%s)
total=$(cat "$o/.objcount" 2>/dev/null || echo)
say "[$label] building $targets in $o (log: $o/build.log)"
# progress: a line a minute, objects built of about how many (last build's
# count); its sleep holds neither the work tree's lock (fd 9) nor the
# output pipe, so that killing the ticker lets the next step go at once
(	exec 9>&-
	while sleep 60 >/dev/null 2>&1; do
		n=$(find "$o" -name '*.o' -newer "$o/.building" 2>/dev/null | wc -l)
		say "[$label] $(( ($(date +%s) - start) / 60 )) min: $n objects compiled${total:+ (a full build has about $total)}"
	done ) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
# shellcheck disable=SC2086 # a list of words (file names without spaces)
if ! mk $targets >"$o/build.log" 2>&1; then
	grep -E 'error|Error|No space left' "$o/build.log" | head -n 20 >&2
	grep -q 'No space left' "$o/build.log" && die "[$label] disk full: free space (make clean) and retry"
	die "[$label] build failed (full log: $o/build.log)"
fi
kill $ticker 2>/dev/null || true
kgit rev-parse HEAD >"$o/.ref" 2>/dev/null || echo worktree >"$o/.ref"
find "$o" -name '*.o' | wc -l >"$o/.objcount"
grep -E ': warning:' "$o/build.log" >&2 || true
say "[$label] built in $(( $(date +%s) - start ))s: $o/$image"
