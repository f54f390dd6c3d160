#!/bin/sh
# Build what the series touches on other architectures, base and series, with
# the architecture's defconfig plus PCI and virtio, and report new warnings.
# usage: cross.sh [ARCH...]     (default: arm64 powerpc s390 sparc)
# Only the touched directories are built, after 'make prepare'.
set -eu
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || set -- arm64 powerpc s390 sparc
res=$top/build/results/cross
mkdir -p "$res"
dirs="kernel/dma/ drivers/pci/ drivers/virtio/ drivers/iommu/"
opts="PCI VIRTIO_MENU VIRTIO VIRTIO_PCI VIRTIO_PCI_LEGACY VIRTIO_MMIO VIRTIO_BLK
VIRTIO_NET VIRTIO_IOMMU DMA_API_DEBUG"

target() { # ARCH -> cross prefix and defconfig
	case $1 in
	arm64) echo "aarch64-linux-gnu- defconfig" ;;
	powerpc) echo "powerpc64le-linux-gnu- ppc64le_defconfig" ;;
	s390) echo "s390x-linux-gnu- defconfig" ;;
	sparc) echo "sparc64-linux-gnu- sparc64_defconfig" ;;
	*) die "cross: unknown arch $1" ;;
	esac
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
		if [ ! -f "$o/.config" ]; then
			mk -s "$defconfig" >/dev/null
			for opt in $opts; do "$K/scripts/config" --file "$o/.config" -e "$opt"; done
			mk -s olddefconfig >/dev/null
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
	if [ -n "$new" ]; then
		bad=$((bad + 1))
		echo "cross $arch: NEW warnings:"; printf '%s\n' "$new" | sed 's/^/  /'
	else
		echo "cross $arch: no new warnings or errors in $dirs"
	fi
done
checkout_variant series
echo "cross: $((total - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
