#!/bin/sh
# Build what the series touches on other architectures, base and series, with
# the architecture's defconfig plus PCI and virtio, and report new warnings.
# usage: cross.sh [ARCH...]     (default: arm64 powerpc s390 sparc)
# Only the touched directories are built, after 'make prepare', in a work
# tree of their own (build/wt-cross), so that they can be built while other
# steps use the main one, and their objects stay valid between runs.
set -eu
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
[ $# -gt 0 ] || set -- arm64 powerpc s390 sparc
res=$top/build/results/cross
mkdir -p "$res"
dirs="kernel/dma/ drivers/pci/ drivers/virtio/ drivers/iommu/ drivers/gpu/drm/virtio/"
opts="PCI PCI_QUIRKS VIRTIO_MENU VIRTIO VIRTIO_PCI VIRTIO_PCI_LEGACY VIRTIO_MMIO VIRTIO_BLK
VIRTIO_NET VIRTIO_IOMMU DMA_API_DEBUG DRM DRM_VIRTIO_GPU KUNIT
DMA_DIRECT_PIN_KUNIT_TEST PCI_VIRTIO_QUIRK_KUNIT_TEST VIRTIO_RING_KUNIT_TEST"

target() { # ARCH -> cross prefix and defconfig
	case $1 in
	arm64) echo "aarch64-linux-gnu- defconfig" ;;
	powerpc) echo "powerpc64le-linux-gnu- ppc64le_defconfig" ;;
	s390) echo "s390x-linux-gnu- defconfig" ;;
	sparc) echo "sparc64-linux-gnu- sparc64_defconfig" ;;
	*) die "cross: unknown arch $1" ;;
	esac
}
# unavailable FILE CONFIG: the option that builds FILE (obj-$(CONFIG_X) +=
# FILE.o in its Makefile), if it is one this script enables and kconfig
# still left it unset: the architecture cannot have it.
option() { # FILE -> X of obj-$(CONFIG_X) += FILE.o in its Makefile
	b=$(basename "${1%.c}")
	sed -n "s/^obj-\$(CONFIG_\([A-Z0-9_]*\))[[:space:]]*+=[[:space:]]*$b\.o.*/\1/p" \
		"$K/$(dirname "$1")/Makefile" | head -n 1
}
unavailable() {
	opt=$(option "$1")
	[ -n "$opt" ] || return 0
	case " $(echo $opts) " in *" $opt "*) ;; *) return 0 ;; esac
	grep -q "^CONFIG_$opt=[ym]" "$2" || echo "$opt"
}
bad=0 total=0
for arch in "$@"; do
	set -- $(target "$arch")
	cross=$1 defconfig=$2
	command -v "${cross}gcc" >/dev/null || die "cross: ${cross}gcc missing: apt-get install gcc-${cross%-}"
	for v in base series; do
		checkout_variant "$v"
		o=$OUT/cross-$arch-$v
		mk() { make -C "$K" O="$o" ARCH="$arch" CROSS_COMPILE="$cross" \
			CC="ccache ${cross}gcc" -j"$(nproc)" "$@"; }
		start=$(date +%s)
		# (re)configure when the option list changed since the last run
		if [ ! -f "$o/.config" ] || [ "$(cat "$o/.harness-opts" 2>/dev/null)" != "$(echo $opts)" ]; then
			mkdir -p "$o"
			mk -s "$defconfig" >/dev/null
			for opt in $opts; do "$K/scripts/config" --file "$o/.config" -e "$opt"; done
			mk -s olddefconfig >/dev/null
			echo $opts >"$o/.harness-opts"
		fi
		mk -s prepare >/dev/null 2>"$o/prepare.log" || { cat "$o/prepare.log" >&2; die "cross: $arch prepare failed"; }
		rc=0
		mk W=1 $dirs >"$o/build.log" 2>&1 || rc=$?
		grep -E '(warning|error):' "$o/build.log" |
			sed -E 's#^(\.\./)*##; s#^([^:]+):[0-9]+:([0-9]+:)? #\1: #' | sort >"$res/$arch-$v.txt" || true
		echo "$arch $v: rc=$rc, $(wc -l <"$res/$arch-$v.txt") warning(s), $(( $(date +%s) - start ))s" >&2
		[ "$rc" -eq 0 ] || { bad=$((bad + 1)); tail -n 5 "$o/build.log" >&2; }
	done
	total=$((total + 1))
	new=$(comm -13 "$res/$arch-base.txt" "$res/$arch-series.txt")
	# every touched .c file in those directories must have been compiled,
	# unless the architecture cannot enable what builds it (virtio-iommu)
	unbuilt= na=
	for f in $(kgit diff --name-only base series -- $dirs | grep '\.c$'); do
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
		echo "cross $arch: touched files NOT BUILT: $(echo $unbuilt)"
	elif [ -n "$new" ]; then
		bad=$((bad + 1))
		echo "cross $arch: NEW warnings:"; printf '%s\n' "$new" | sed 's/^/  /'
	else
		echo "cross $arch: no new warnings or errors in $dirs"
	fi
done
checkout_variant series
echo "cross: $((total - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
