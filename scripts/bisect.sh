#!/bin/sh
# Build every prefix of the series (patch 1, 1-2, ...) for x86_64 (the guest
# config) and UML (the KUnit config), build and run tools/virtio, and boot each x86 build on the default
# scenario (intel-iommu translated, every device kind of the base): no prefix
# may break I/O behind an IOMMU, nor fail where the base kernel does not.
# Names the first patch that fails.
# usage: bisect.sh [FIRST [LAST]]      (patch numbers, default: all)
# TAP on stdout; exits 1 if a prefix fails.
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
n=$(kgit rev-list --count base..series)
[ "$n" -gt 0 ] || die "bisect: no commits in base..series"
first=${1:-1} last=${2:-$n}
res=$top/build/results/bisect
mkdir -p "$res"
# tools/virtio is judged only where the base itself builds it (7.3's does not)
tools_base=yes
"$top/scripts/tools-virtio.sh" base >"$res/base-tools.log" 2>&1 || tools_base=no
echo "TAP version 13"
echo "1..$(( (last - first + 1) * 4 ))"
t=0 bad=
for k in $(seq "$first" "$last"); do
	ref=$(kgit rev-parse "series~$((n - k))")
	subj=$(kgit log -1 --format=%s "$ref")
	kgit tag -f "prefix-$k" "$ref" >/dev/null
	say "bisect: [$k/$n] $subj"
	t=$((t + 1))
	if BUILD_NAME=bisect "$top/scripts/build.sh" "prefix-$k" >"$res/$k-x86.log" 2>&1; then
		echo "ok $t - $k x86 build: $subj"
	else
		echo "not ok $t - $k x86 build: $subj"; bad=${bad:-$k}
		tail -n 5 "$res/$k-x86.log" | sed 's/^/# /'
	fi
	t=$((t + 1))
	if KUNIT_OUT=$OUT/um-bisect "$top/scripts/kunit.sh" "prefix-$k" >"$res/$k-um.log" 2>&1; then
		echo "ok $t - $k UML KUnit: $(grep -hE 'Testing complete|UML build only' "$res/$k-um.log" | tail -n 1 | sed 's/^\[[0-9:]*\] //')"
	else
		echo "not ok $t - $k UML KUnit: $subj"; bad=${bad:-$k}
		tail -n 5 "$res/$k-um.log" | sed 's/^/# /'
	fi
	t=$((t + 1))
	if [ "$tools_base" = no ]; then
		echo "ok $t - $k tools/virtio # SKIP the base does not build it ($res/base-tools.log)"
	elif "$top/scripts/tools-virtio.sh" "prefix-$k" >"$res/$k-tools.log" 2>&1; then
		echo "ok $t - $k tools/virtio: $(tail -n 1 "$res/$k-tools.log")"
	else
		echo "not ok $t - $k tools/virtio: see $res/$k-tools.log"; bad=${bad:-$k}
	fi
	t=$((t + 1))
	o=$res/$k-boot
	kernel=$OUT/x86-bisect/arch/x86/boot/bzImage
	# every kind under intel-iommu (translated): any DMA path, every other
	# check; a failure only where the base kernel fails the same way
	if python3 "$top/scripts/vdma.py" demo --base "$BASE" --kernel "$kernel" --expect no-regression \
		--out "$o" "prefix-$k" intel translated >"$res/$k-boot.txt" 2>&1; then
		echo "ok $t - $k boot intel translated: $(grep -c ' PASS:' "$res/$k-boot.txt") kinds, I/O verified"
	else
		echo "not ok $t - $k boot intel translated: see $res/$k-boot.txt"; bad=${bad:-$k}
		grep -E ' (FAIL|ERROR)' "$res/$k-boot.txt" | head -n 4 | sed 's/^/# /'
	fi
done
if [ -n "$bad" ]; then
	echo "bisect: first failing patch: $bad ($(kgit log -1 --format=%s "prefix-$bad"))"
	echo "bisect: 0 passed, 1 failed"
	exit 1
fi
echo "bisect: every prefix $first..$last builds (x86, UML), passes KUnit and boots with verified I/O"
echo "bisect: 1 passed, 0 failed"
