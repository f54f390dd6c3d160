#!/bin/sh
# Does virtio_ring cost more when it uses the DMA API for every device?
# Builds the KUnit benchmark (harness/bench/) in UML on base and series in
# worktrees build/bench-{base,series}, boots them alternately (a warm-up
# each, then ROUNDS each), and reports per case the median ns per cycle
# (min-max) and series/base from the medians; then x86 size changes and
# sizeof(struct device) and sizeof(struct vring_virtqueue).  usage: [ROUNDS=9] bench.sh   (ROUNDS >= 5)
# Report: build/results/bench.txt; exits 1 if a run or a case failed.
set -eu
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
rounds=${ROUNDS:-9}
[ "$rounds" -ge 5 ] || die "bench: ROUNDS must be at least 5"
patch=$top/harness/bench/0001-virtio_ring-add-a-KUnit-benchmark.patch
res=$top/build/results
runs=$res/bench-runs
kunit="python3 tools/testing/kunit/kunit.py"
bad=0 start=$(date +%s)
fail() { say "bench: FAIL: $*"; bad=1; }
rm -rf "$runs" && mkdir -p "$runs"

# Worktree build/bench-NAME at REF with the benchmark patch on top.
prep() {
	wt=$top/build/bench-$1
	[ -d "$wt" ] || kgit worktree add -q --detach "$wt" "$2"
	parent=$(git -C "$wt" rev-parse -q --verify HEAD^ 2>/dev/null || true)
	if [ "$parent" = "$(kgit rev-parse "$2^{commit}")" ]; then
		want=$(git patch-id --stable <"$patch" | cut -d' ' -f1)
		have=$(git -C "$wt" show HEAD | git patch-id --stable | cut -d' ' -f1)
		[ "$want" = "$have" ] && return 0
	fi
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	git -C "$wt" checkout -q -f --detach "$2"
	git -C "$wt" -c user.name="virtio-dma harness" -c user.email=harness@invalid \
		am -3 -q "$patch" || die "bench: the patch does not apply on $2"
}

build() {
	bd=$OUT/bench-$1 t=$(date +%s)
	mkdir -p "$bd"
	(cd "$top/build/bench-$1" && CCACHE_BASEDIR=$top/build/bench-$1 \
		$kunit build --arch=um --kunitconfig="$top/config/bench.kunitconfig" \
		--build_dir="$bd" --jobs="$(nproc)" --make_options "CC=$cc") \
		>"$bd/build.log" 2>&1 ||
		{ tail -n 20 "$bd/build.log" >&2; die "bench: UML build of $1 failed"; }
	say "bench: built $1 in $(( $(date +%s) - t ))s"
}

# One boot of the suite: RUN is the round number, or w for the warm-up.
run() {
	k=$runs/$1-$2.ktap
	(cd "$top/build/bench-$1" && $kunit exec --build_dir="$OUT/bench-$1" \
		--raw_output=kunit --timeout=300 virtio_ring_bench) >"$k" 2>&1 ||
		fail "$1 run $2: kunit.py exec failed"
	(cd "$top/build/bench-$1" && $kunit parse "$k") >"$k.txt" 2>&1 ||
		fail "$1 run $2: KUnit reported failures ($k.txt)"
	grep -q 'bench: case=.*completions=' "$k" || fail "$1 run $2: no measurement"
	# "variant case ns_per_cycle", or "skip"; "BAD case" if cycles were lost
	awk -v v="$1" 'sub(/.*bench: case=/, "case=") {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		if ("skipped" in f) print v, f["case"], "skip"
		else if (f["completions"] != f["cycles"]) print "BAD", f["case"]
		else printf "%s %s %.2f\n", v, f["case"], f["ns_total"] / f["cycles"]
		delete f }' "$k" >"$k.samples"
	! grep -q '^BAD' "$k.samples" ||
		fail "$1 run $2: completions != cycles: $(grep '^BAD' "$k.samples" | cut -d' ' -f2 | tr '\n' ' ')"
	# the series pins devices without ACCESS_PLATFORM, as virtio core does
	[ "$1" = base ] || ! grep 'bench: case=[^ ]*-noap ' "$k" | grep -qv 'pinned=1' ||
		fail "$1 run $2: a noap DMA device was not pinned to direct mapping"
	[ "$2" = w ] || grep -v '^BAD' "$k.samples" >>"$runs/samples"
}

prep base base
prep series "$(kgit rev-parse series)"
build base; build series
load0=$(cut -d' ' -f1-3 /proc/loadavg)
run base w; run series w
i=1
while [ "$i" -le "$rounds" ]; do run base "$i"; run series "$i"; i=$((i + 1)); done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
[ -s "$runs/samples" ] || die "bench: no samples"

# Per case: median (min-max) over the rounds, base and series, and the ratio.
table() {
	awk '{ print $2 }' "$runs/base-1.ktap.samples" | awk '!s[$0]++' >"$runs/order"
	grep -v ' skip$' "$runs/samples" | sort -k1,1 -k2,2 -k3,3n | awk '
	function flush() { if (key == "") return
		m = n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
		med[key] = m; txt[key] = sprintf("%7.2f (%.2f-%.2f)", m, x[1], x[n]) }
	{ k = $1 " " $2; if (k != key) { flush(); key = k; n = 0 } x[++n] = $3 }
	END { flush()
		while ((getline c < ORDER) > 0) {
			b = "base " c; s = "series " c
			r = (b in med) && (s in med) ? sprintf("%.3f", med[s] / med[b]) : "n/a"
			printf "%-30s %-24s %-24s %s\n", c, (b in txt) ? txt[b] : "n/a (skipped)",
				(s in txt) ? txt[s] : "n/a (skipped)", r } }' ORDER="$runs/order"
}

# sizeof(struct device) and sizeof(struct vring_virtqueue) in a build: pahole
# on virtio_ring.c compiled to assembly with -g (no object of the build is
# touched).  usage: sizes SRCDIR OUTDIR [ARCH]
sizes() {
	make -s -C "$1" O="$2" ${3:+ARCH=$3} CC="$cc" KCFLAGS=-g \
		drivers/virtio/virtio_ring.s >/dev/null 2>&1 &&
	gcc -c -o "$runs/sizes.o" "$2/drivers/virtio/virtio_ring.s" 2>/dev/null || {
		echo "n/a"; return; }
	for t in device vring_virtqueue; do
		printf '%s=%s ' "$t" "$(pahole -C "$t" "$runs/sizes.o" |
			sed -n 's/.*size: \([0-9]*\),.*/\1/p' | tail -n 1)"
	done
	echo
}
# The same on an x86_64 config as distributions build it (Xen guest support
# and the GART IOMMU, as Debian's): only 'make prepare' and one file.
distro_sizes() {
	o=$OUT/x86-distro-$1
	if [ ! -f "$o/.config" ]; then
		mkdir -p "$o"
		make -s -C "$K" O="$o" CC="$cc" x86_64_defconfig >/dev/null 2>&1
		for opt in XEN XEN_PV XEN_DOM0 GART_IOMMU VIRTIO_MENU VIRTIO VIRTIO_PCI; do
			"$K/scripts/config" --file "$o/.config" -e "$opt"
		done
		make -s -C "$K" O="$o" CC="$cc" olddefconfig >/dev/null 2>&1
	fi
	grep -q '^CONFIG_ARCH_HAS_DMA_OPS=y' "$o/.config" || { echo "n/a (no ARCH_HAS_DMA_OPS)"; return; }
	sizes "$K" "$o"
}

{
	echo "virtio_ring benchmark: add_sgs + kick + device completion + get_buf"
	echo "base   $(kgit rev-parse --short base) (Debian 6.12, DMA API bypassed without ACCESS_PLATFORM)"
	echo "series $(kgit rev-parse --short series) (DMA API for every device; noap: DMA device pinned to direct mapping)"
	echo "UML KUnit, $rounds rounds per kernel alternating after a warm-up boot;" \
		"ns per cycle = median of rounds (min-max)"
	echo "host load average before/after: $load0 / $load1"
	echo
	printf "%-30s %-24s %-24s %s\n" case "base ns/cycle" "series ns/cycle" series/base
	table
	echo
	echo "x86 guest object size (bloat-o-meter out/x86-base -> out/x86-series):"
	# compare only what was built from the current refs: build (incrementally) first
	for v in base series; do
		"$top/scripts/build.sh" "$v" >&2 || fail "the x86 $v kernel does not build"
	done
	for o in drivers/virtio/virtio_ring.o kernel/dma/mapping.o kernel/dma/direct.o \
		 drivers/pci/pci-driver.o drivers/pci/quirks.o; do
		if [ -f "$OUT/x86-base/$o" ] && [ -f "$OUT/x86-series/$o" ]; then
			printf "  %-30s %s\n" "$o" "$("$top/build/bench-base/scripts/bloat-o-meter" \
				"$OUT/x86-base/$o" "$OUT/x86-series/$o" | grep '^Total')"
		else
			fail "$o was not built for both x86 kernels"
		fi
	done
	echo
	echo "struct sizes in bytes (pahole):"
	printf "  %-22s %s\n" "UML base:" "$(sizes "$top/build/bench-base" "$OUT/bench-base" um)"
	printf "  %-22s %s\n" "UML series:" "$(sizes "$top/build/bench-series" "$OUT/bench-series" um)"
	checkout_variant base
	printf "  %-22s %s\n" "x86_64 guest base:" "$(sizes "$K" "$OUT/x86-base")"
	checkout_variant series
	printf "  %-22s %s\n" "x86_64 guest series:" "$(sizes "$K" "$OUT/x86-series")"
	for v in base series; do
		checkout_variant "$v"
		printf "  %-22s %s\n" "x86_64 distro $v:" "$(distro_sizes "$v")"
	done
	checkout_variant series
	echo "  (guest: tinyconfig + config/guest.config; distro: x86_64_defconfig with"
	echo "  XEN and GART_IOMMU, which distributions enable and which select ARCH_HAS_DMA_OPS)"
	echo "bench: took $(( $(date +%s) - start ))s"
	[ "$bad" -eq 0 ] && echo "bench: 1 passed, 0 failed" || echo "bench: 0 passed, 1 failed"
} >"$res/bench.txt"
write_prov "$res/bench.txt" bench.sh
cat "$res/bench.txt"
exit "$bad"
