#!/bin/sh
# The main job: boot a kernel variant under an emulated IOMMU with all four
# kinds of virtio device and print, per device, what it got.
# usage: demo.sh [VARIANT] [IOMMU] [MODE]    (default: series intel translated)
set -eu
. "$(dirname "$0")/lib.sh"
v=${1:-series} iommu=${2:-intel} mode=${3:-translated}
kernel=$OUT/x86-$v/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel for '$v': run 'make build-$v'"
o=$top/build/results/demo-$v-$iommu-$mode
say "demo: booting $v with $iommu IOMMU ($mode), all virtio kinds (QEMU TCG)"
"$top/scripts/qemu-run.sh" "$kernel" "$iommu" "$mode" all "$o"
echo "kernel $v, $iommu IOMMU, $mode; full result: $o/result"
awk '
function f(name,   i) {
	for (i = 1; i <= NF; i++)
		if (index($i, name "=") == 1)
			return substr($i, length(name) + 2)
	return "-"
}
BEGIN {
	printf "%-9s %-5s %-4s %-13s %-6s %-13s %-17s %-3s %-7s %-14s %s\n",
		"device", "type", "bus", "address", "id", "kind", "tag", "AP",
		"path", "dma_path", "I/O"
}
/^VTEST dev / {
	printf "%-9s %-5s %-4s %-13s %-6s %-13s %-17s %-3s %-7s %-14s %s\n",
		f("name"), f("type"), f("transport"), f("addr"), f("id"), f("kind"),
		f("tag"), f("ap") == "1" ? "yes" : "no", f("path"), f("dma_path"), f("io")
}
/^VTEST dmadebug / { dbg = "DMA-API debug errors: " f("errors") }
/^VTEST kmsg warnings=/ { warn = "kernel warnings: " f("warnings") }
/^HOST status=/ { st = "guest: " f("status") " in " f("secs") "s" }
/^HOST disk / { disk = disk " " f("kind") "=" f("check") }
/^HOST qemu: / { q = q "\n  " $0 }
END {
	print st "; " dbg "; " warn
	print "host disk checks:" disk q
	print "path: observed in DMA-API debug (bypass: no DMA API mappings; direct: D == P; iommu: translated)"
	print "dma_path: the kernel'\''s /sys/bus/pci/devices/*/dma_path (n/a: attribute not in this kernel)"
}' "$o/result"
grep -q '^HOST status=ok' "$o/result"
