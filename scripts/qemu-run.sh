#!/bin/sh
# Boot one QEMU scenario of the virtio DMA matrix and collect its result.
# usage: scripts/qemu-run.sh KERNEL IOMMU MODE KINDS OUTDIR [EXTRA_CMDLINE]
#   IOMMU: none|intel|amd|virtio, or mmio (microvm, virtio-mmio devices)
#   MODE: translated|passthrough (ignored for none and mmio)
#   KINDS: comma list of legacy,transitional,modern,modern-ap, or all
# Env: QEMU_TIMEOUT (seconds, default 60).  A run whose QEMU reports a virtio
# device broken is stopped 5 s later (status=virtio-broken).
# Writes OUTDIR/{console.log,qemu.log,cmdline,result,disk-KIND.img}.
# Exits 0 whenever the guest was run, whatever its result.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
die() { printf 'qemu-run: %s\n' "$*" >&2; exit 2; }

[ $# -ge 5 ] || die "usage: $0 KERNEL IOMMU MODE KINDS OUTDIR [EXTRA_CMDLINE]"
kernel=$1 iommu=$2 mode=$3 kinds=$4 out=$5 extra=${6:-}
timeout=${QEMU_TIMEOUT:-60}
qemu="qemu-system-x86_64"
[ -f "$kernel" ] || die "no kernel image: $kernel"
command -v $qemu >/dev/null || die "$qemu is not installed"
command -v cpio >/dev/null || die "cpio is not installed"
[ "$kinds" = all ] && kinds=legacy,transitional,modern,modern-ap
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The guest /init, a host build of it and the initramfs, rebuilt when
# vtest.c changes; built in a temporary dir and moved, for parallel runs.
g=$top/build/guest src=$top/guest/vtest.c
if [ ! -f "$g/initramfs.cpio" ] ||
   [ -n "$(find "$src" -newer "$g/initramfs.cpio")" ]; then
	mkdir -p "$g"
	tmp=$(mktemp -d "$g/tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/root/dev"
	gcc -static -O2 -Wall -Wextra -o "$tmp/root/init" "$src" ||
		die "cannot build the static vtest"
	gcc -O2 -Wall -Wextra -o "$tmp/vtest-host" "$src"
	mknod -m 600 "$tmp/root/dev/console" c 5 1
	(cd "$tmp/root" && find . | cpio -o -H newc -R 0:0 --quiet) >"$tmp/cpio"
	cp "$tmp/root/init" "$tmp/vtest"
	mv -f "$tmp/vtest" "$tmp/vtest-host" "$g/"
	mv -f "$tmp/cpio" "$g/initramfs.cpio"
fi

# Machine and IOMMU first: intel/amd want the IOMMU before the other devices.
append="console=ttyS0 panic=-1 oops=panic loglevel=4 iommu.strict=1"
case $mode in
translated) pt=0 ;;
passthrough) pt=1 ;;
*) die "unknown MODE: $mode" ;;
esac
case $iommu in
none) set -- -M q35 ;;
intel)
	set -- -M q35,kernel-irqchip=split -device intel-iommu,intremap=on
	append="$append intel_iommu=on iommu.passthrough=$pt" ;;
amd)
	set -- -M q35 -device amd-iommu
	append="$append iommu.passthrough=$pt" ;;	# on by default with IVRS
virtio)
	set -- -M q35 -device virtio-iommu-pci
	append="$append iommu.passthrough=$pt" ;;
mmio)	# no PCI: virtio-mmio devices on QEMU's microvm, found through ACPI.
	# microvm has no HPET or PM timer: when PIT calibration of the TSC
	# fails on a loaded host, the guest hangs before init.  Under TCG the
	# guest TSC runs at the host's rate, so tell the guest that rate.
	set -- -M microvm
	khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
	[ -z "$khz" ] || append="$append tsc_early_khz=$khz" ;;
*) die "unknown IOMMU: $iommu" ;;
esac
append="$append${extra:+ $extra}"

# Per kind: a virtio-blk with serial=KIND and two virtio-nets on one hub.
for k in $(echo "$kinds" | tr , ' '); do
	case $k in
	legacy) i=1 opt=disable-modern=on,disable-legacy=off ;;
	transitional) i=2 opt=disable-modern=off,disable-legacy=off ;;
	modern) i=3 opt=disable-legacy=on ;;
	modern-ap) i=4 opt=disable-legacy=on,iommu_platform=on ;;
	*) die "unknown kind: $k" ;;
	esac
	"$g/vtest-host" --mkimg "$out/disk-$k.img" "$k" || die "cannot create disk image"
	blk=virtio-blk-pci net=virtio-net-pci
	if [ "$iommu" = mmio ]; then
		# virtio-mmio is legacy unless told otherwise; no ACCESS_PLATFORM
		case $k in
		legacy) opt= ;;
		modern) opt=; set -- "$@" -global virtio-mmio.force-legacy=false ;;
		*) die "kind $k does not exist on virtio-mmio" ;;
		esac
		blk=virtio-blk-device net=virtio-net-device
	else
		opt=",$opt" net="$net,romfile="
	fi
	set -- "$@" -drive "file=$out/disk-$k.img,format=raw,if=none,id=d$i,cache=writethrough" \
		-device "$blk,drive=d$i,serial=$k$opt"
	for n in 1 2; do
		set -- "$@" -netdev "hubport,id=n$i$n,hubid=$i" \
			-device "$net,netdev=n$i$n,mac=52:54:00:12:0$i:0$n$opt"
	done
done

set -- "$@" -nodefaults -no-reboot -nographic -monitor none \
	-serial "file:$out/console.log" -m 512 -smp 1 -cpu max -accel tcg \
	-kernel "$kernel" -initrd "$g/initramfs.cpio"
{ printf '%s ' $qemu "$@"; printf "%s '%s'\n" -append "$append"; } >"$out/cmdline"

# Run with a timeout, polling once a second.
status=
start=$(date +%s)
$qemu "$@" -append "$append" </dev/null >"$out/qemu.log" 2>&1 &
pid=$!
broken=
while kill -0 $pid 2>/dev/null; do
	now=$(date +%s)
	# QEMU marked a virtio device broken ("Guest says index N is available"):
	# the guest cannot complete that I/O any more.  Give it 5 s, then stop.
	if [ -z "$broken" ] && grep -q 'Guest says index' "$out/qemu.log"; then
		broken=$now
	fi
	if [ -n "$broken" ] && [ $((now - broken)) -ge 5 ]; then
		status=virtio-broken
		kill -TERM $pid 2>/dev/null || true
		sleep 1
		kill -KILL $pid 2>/dev/null || true
		break
	fi
	if [ $((now - start)) -ge "$timeout" ]; then
		status=timeout
		kill -TERM $pid 2>/dev/null || true
		sleep 1
		kill -KILL $pid 2>/dev/null || true
		break
	fi
	sleep 1
done
rc=0
wait $pid || rc=$?
secs=$(($(date +%s) - start))

touch "$out/console.log"
# A timeout before the guest's /init printed anything did not test virtio.
if [ "$status" = timeout ] && ! grep -q '^VTEST' "$out/console.log"; then
	status=timeout-before-init
fi
if [ -z "$status" ]; then
	if grep -q 'Kernel panic' "$out/console.log"; then status=panic
	elif [ $rc -ne 0 ]; then status="qemu-error"
	elif ! grep -q '^VTEST end' "$out/console.log"; then status=noend
	else status=ok
	fi
fi

{
	tr -d '\r' <"$out/console.log" | grep '^VTEST' || true
	echo "HOST status=$status rc=$rc secs=$secs"
	tr -d '\r' <"$out/console.log" | grep -m 1 -o 'Kernel panic.*' | sed 's/^/HOST /'
	for k in $(echo "$kinds" | tr , ' '); do
		echo "HOST disk kind=$k check=$("$g/vtest-host" --checkimg "$out/disk-$k.img" "$k")"
	done
	grep -v 'is not connected to host network' "$out/qemu.log" |
		head -n 10 | sed 's/^/HOST qemu: /'
} >"$out/result"
