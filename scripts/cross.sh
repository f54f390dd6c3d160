#!/bin/sh
# Build what the series touches on other architectures, base and series, with
# the architecture's defconfig plus PCI and virtio, and report new warnings.
# usage: cross.sh KARCH:CROSS_COMPILE:DEFCONFIG...   (python3 scripts/vdma.py cross
#        [ARCH...]: the rows of config/arches.tsv with a defconfig)
# Only the touched directories are built, after 'make prepare', in a work
# tree of their own (build/wt-cross), so that they can be built while other
# steps use the main one, and their objects stay valid between runs.
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
[ -e "$K/.git" ] || die "no work tree: run 'make tree'"
wt=$top/build/wt-cross
if [ ! -e "$wt/.git" ]; then
	kgit worktree prune
	kgit worktree add -q --detach "$wt" base || die "cross: cannot add work tree $wt"
fi
K=$wt
export CCACHE_BASEDIR="$K"
# one run at a time: a second one would check out another variant under it
exec 9>"$wt.lock"
flock -n 9 || die "cross: another cross.sh is running in $wt"
[ $# -gt 0 ] || die "cross: usage: cross.sh KARCH:CROSS_COMPILE:DEFCONFIG... (python3 scripts/vdma.py cross)"
res=$top/build/results/cross
mkdir -p "$res"
# Options every build gets; each option that builds a touched file is added
# (below), so the list follows the series on each base.
common="PCI PCI_QUIRKS VIRTIO_MENU VIRTIO VIRTIO_PCI VIRTIO_PCI_LEGACY VIRTIO_MMIO
VIRTIO_BLK VIRTIO_NET DMA_API_DEBUG DEBUG_FS KUNIT SCSI INPUT DRM DRM_VIRTIO_GPU"

# unavailable FILE CONFIG: the option that builds FILE (obj-$(CONFIG_X) +=
# FILE.o in its Makefile), if it is one this script enables and kconfig
# still left it unset: the architecture cannot have it.
option() { # FILE -> X of obj-$(CONFIG_X) += ... FILE.o ... in the series' Makefile
	kgit show "series:$(dirname "$1")/Makefile" 2>/dev/null | awk -v o="$(basename "${1%.c}").o" '
		match($0, /^obj-\$\(CONFIG_[A-Z0-9_]+\)[ \t]*\+=/) {
			x = substr($0, 14, RLENGTH - 13); sub(/\)[ \t]*\+=$/, "", x)
			n = split(substr($0, RLENGTH + 1), w, /[ \t]+/)
			for (i = 1; i <= n; i++) if (w[i] == o) { print x; exit } }'
}
# What the series touches on this base: its .c files (built as objects), the
# directories of its other files outside include/, Documentation/ and tools/
# (built whole: a driver's header, a Kconfig), the options building them.
files=$(kgit diff --name-only base series -- '*.c')
dirs=$(kgit diff --name-only base series | grep -v -e '\.c$' -e '^include/' -e '^Documentation/' \
	-e '^MAINTAINERS$' -e '^tools/' | xargs -r -n 1 dirname | sort -u | sed 's,$,/,')
# shellcheck disable=SC2086,SC2046 # a list of words (file names without spaces)
opts=$(echo $common $(for f in $files; do option "$f"; done) | tr ' ' '\n' | awk '!s[$0]++')
unavailable() {
	opt=$(option "$1")
	[ -n "$opt" ] || return 0
	# shellcheck disable=SC2086,SC2116 # a list of words (file names without spaces), on one line
	case " $(echo $opts) " in *" $opt "*) ;; *) return 0 ;; esac
	grep -q "^CONFIG_$opt=[ym]" "$2" || echo "$opt"
}
bad=0 total=0
for t in "$@"; do
	arch=${t%%:*} defconfig=${t##*:} cross=${t#*:}; cross=${cross%:*}
	command -v "${cross}gcc" >/dev/null || die "cross: ${cross}gcc missing: apt-get install gcc-${cross%-}"
	for v in base series; do
		checkout_variant "$v"
		o=$OUT/cross-$arch-$v
		mk() { make -C "$K" O="$o" ARCH="$arch" CROSS_COMPILE="$cross" \
			CC="ccache ${cross}gcc" -j"$(nproc)" "$@"; }
		start=$(date +%s)
		# (re)configure when the option list changed since the last run
		# shellcheck disable=SC2086,SC2116 # a list of words (file names without spaces), on one line
		if [ ! -f "$o/.config" ] || [ "$(cat "$o/.harness-opts" 2>/dev/null)" != "$(echo $opts)" ]; then
			mkdir -p "$o"
			mk -s "$defconfig" >/dev/null
			for opt in $opts; do "$K/scripts/config" --file "$o/.config" -e "$opt"; done
			mk -s olddefconfig >/dev/null
			echo $opts >"$o/.harness-opts"
		fi
		mk -s prepare >/dev/null 2>"$o/prepare.log" || { cat "$o/prepare.log" >&2; die "cross: $arch prepare failed"; }
		# the touched files this variant has and this architecture can build
		targets=$dirs
		for f in $files; do
			[ -f "$K/$f" ] && [ -z "$(unavailable "$f" "$o/.config")" ] &&
				targets="$targets ${f%.c}.o"
		done
		rc=0
		# shellcheck disable=SC2086 # a list of words (file names without spaces)
		mk W=1 $targets >"$o/build.log" 2>&1 || rc=$?
		grep -E '(warning|error):' "$o/build.log" |
			sed -E 's#^(\.\./)*##; s#^([^:]+):[0-9]+:([0-9]+:)? #\1: #' | sort >"$res/$arch-$v.txt" || true
		echo "$arch $v: rc=$rc, $(wc -l <"$res/$arch-$v.txt") warning(s), $(( $(date +%s) - start ))s" >&2
		[ "$rc" -eq 0 ] || { bad=$((bad + 1)); tail -n 5 "$o/build.log" >&2; }
	done
	total=$((total + 1))
	new=$(comm -13 "$res/$arch-base.txt" "$res/$arch-series.txt")
	# every touched .c file in those directories must have been compiled,
	# unless the architecture cannot enable what builds it (virtio-iommu)
	unbuilt='' na=''
	for f in $files; do
		opt=$(unavailable "$f" "$OUT/cross-$arch-series/.config")
		if [ -n "$opt" ]; then na="$na $f (CONFIG_$opt)"
		elif [ ! -f "$OUT/cross-$arch-series/${f%.c}.o" ]; then
			unbuilt="$unbuilt $f"
		else	# an object left from an earlier configuration does not count
			opt=$(option "$f")
			[ -z "$opt" ] || grep -q "^CONFIG_$opt=[ym]" "$OUT/cross-$arch-series/.config" ||
				unbuilt="$unbuilt $f"
		fi
	done
	[ -z "$na" ] || echo "cross $arch: not available on $arch, not built:$na"
	if [ -n "$unbuilt" ]; then
		bad=$((bad + 1))
		# shellcheck disable=SC2086,SC2116 # a list of words (file names without spaces), on one line
		echo "cross $arch: touched files NOT BUILT: $(echo $unbuilt)"
	elif [ -n "$new" ]; then
		bad=$((bad + 1))
		echo "cross $arch: NEW warnings:"; printf '%s\n' "$new" | sed 's/^/  /'
	else
		# shellcheck disable=SC2086 # a list of words (file names without spaces)
		echo "cross $arch: no new warnings or errors in" $targets
	fi
done
checkout_variant series
echo "cross: $((total - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
