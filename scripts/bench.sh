#!/bin/sh
# Does virtio_ring cost more when it maps every device through the DMA API?
# Builds the KUnit benchmark (bases/BASE/bench/*.patch, then
# bases/BASE/bench/KERNEL/*.patch on that kernel only) in UML on the base,
# the series and the alternative (v2, where the base has it) in work trees
# build/BASE/bench-KERNEL, boots them in turn (a warm-up each, then ROUNDS
# rounds of one boot each), pinned to one CPU, and judges per case, with
# vdma.py bench-report, each kernel against the base: the median of the
# rounds' ratios with a bootstrap 95% interval; then x86 object sizes and
# struct sizes.  usage: [BASE=7.3] [ROUNDS=21] [BENCH_KERNELS="base series"] bench.sh
# (ROUNDS >= 15)
# Report: build/results/BASE/bench.txt and bench.ktap; exits 1 if a run
# failed or a case missed its target.
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
rounds=${ROUNDS:-21}
[ "$rounds" -ge 1 ] || die "bench: ROUNDS must be a positive number"
set -- "$BASE_BENCH"/*.patch
[ -f "$1" ] || die "bench: no benchmark patch for base $BASE in $BASE_BENCH/"
common="$*"
# the kernels: the base, the series, the series beside it (v2 on 7.3);
# BENCH_KERNELS="base series": some of them (the base first, always)
kernels="base series $(for e in $EXTRA_SERIES; do printf '%s ' "${e%%:*}"; done)"
if [ -n "${BENCH_KERNELS:-}" ]; then
	for k in $BENCH_KERNELS; do
		case " $kernels " in *" $k "*) ;; *) die "bench: '$k' is not one of: $kernels" ;; esac
	done
	[ "${BENCH_KERNELS%% *}" = base ] || die "bench: BENCH_KERNELS must start with base"
	kernels=$BENCH_KERNELS
fi
# one CPU for the UML boots (the last one), if there is more than one
pin=
[ "$(nproc)" -gt 1 ] && command -v taskset >/dev/null && pin="taskset -c $(( $(nproc) - 1 ))"
res=$RES/$BASE
runs=$res/bench-runs
kunit="python3 tools/testing/kunit/kunit.py"
bad=0 start=$(date +%s)
fail() { say "bench: FAIL: $*"; bad=1; }
rm -rf "$runs" && mkdir -p "$runs"

# Work tree build/BASE/bench-NAME at REF with the benchmark patches on top.
prep() {
	patches=$common
	for p in "$BASE_BENCH/$1"/*.patch; do
		[ -f "$p" ] && patches="$patches $p"
	done
	wt=$top/build/$BASE/bench-$1
	[ -d "$wt" ] || { kgit worktree prune; kgit worktree add -q --detach "$wt" "$2"; }
	# shellcheck disable=SC2086 # a list of words (file names without spaces)
	n=$(echo $patches | wc -w)
	if [ "$(git -C "$wt" rev-parse -q --verify "HEAD~$n" 2>/dev/null)" = "$(kgit rev-parse "$2^{commit}")" ]; then
		# shellcheck disable=SC2086 # a list of words (file names without spaces)
		want=$(cat $patches | git patch-id --stable | cut -d' ' -f1 | sort)
		have=$(git -C "$wt" log -p "HEAD~$n..HEAD" | git patch-id --stable | cut -d' ' -f1 | sort)
		[ "$want" = "$have" ] && return 0
	fi
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	git -C "$wt" checkout -q -f --detach "$2"
	# shellcheck disable=SC2086 # a list of words (file names without spaces)
	git -C "$wt" am -3 -q $patches || die "bench: the benchmark does not apply on $1 ($2)"
}

build() {
	bd=$OUT/bench-$1 t=$(date +%s)
	mkdir -p "$bd"
	say "bench: building $1 (UML, log $bd/build.log)"
	(cd "$top/build/$BASE/bench-$1" && CCACHE_BASEDIR=$top/build/$BASE/bench-$1 \
		$kunit build --arch=um --kunitconfig="$top/config/bench.kunitconfig" \
		--build_dir="$bd" --jobs="$(nproc)" --make_options "CC=$cc") \
		>"$bd/build.log" 2>&1 ||
		{ tail -n 20 "$bd/build.log" >&2; die "bench: UML build of $1 failed"; }
	say "bench: built $1 in $(( $(date +%s) - t ))s"
}

# One boot of the suite: RUN is the round number, or w for the warm-up.
run() {
	k=$runs/$1-$2.ktap
	# shellcheck disable=SC2086 # $pin and $kunit are commands with arguments
	(cd "$top/build/$BASE/bench-$1" && $pin $kunit exec --build_dir="$OUT/bench-$1" \
		--raw_output=kunit --timeout=600 virtio_ring_bench) >"$k" 2>&1 ||
		fail "$1 run $2: kunit.py exec failed ($k)"
	(cd "$top/build/$BASE/bench-$1" && $kunit parse "$k") >"$k.txt" 2>&1 ||
		fail "$1 run $2: KUnit reported failures ($k.txt)"
}

for k in $kernels; do prep "$k" "$(kgit rev-parse "$k^{commit}")"; done
for k in $kernels; do build "$k"; done
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for k in $kernels; do run "$k" w; done
rm -f "$runs"/*-w.ktap.txt && for f in "$runs"/*-w.ktap; do mv "$f" "$f.warmup"; done
i=1
while [ "$i" -le "$rounds" ]; do
	say "bench: round $i of $rounds ($(( $(date +%s) - start ))s)"
	for k in $kernels; do run "$k" "$i"; done
	i=$((i + 1))
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

# sizeof(STRUCT) in a build: pahole on virtio_ring.c compiled to assembly
# with -g (no object of the build is touched).  usage: sizes SRC OUT [ARCH]
sizes() {
	# shellcheck disable=SC2015 # a failed make or gcc: n/a
	make -s -C "$1" O="$2" ${3:+ARCH=$3} CC="$cc" KCFLAGS=-g \
		drivers/virtio/virtio_ring.s >/dev/null 2>&1 &&
	gcc -c -o "$runs/sizes.o" "$2/drivers/virtio/virtio_ring.s" 2>/dev/null || {
		echo "n/a"; return; }
	for t in device virtio_device vring_virtqueue; do
		printf '%s=%s ' "$t" "$(pahole -C "$t" "$runs/sizes.o" |
			sed -n 's/.*size: \([0-9]*\),.*/\1/p' | tail -n 1)"
	done
	echo
}

{
	echo "virtio_ring benchmark: add_sgs + kick + device completion + get_buf"
	for k in $kernels; do
		printf '%-7s %s (%s)\n' "$k" "$(kgit rev-parse --short "$k")" "$(kgit log -1 --format=%s "$k")"
	done
	echo "UML KUnit${pin:+ ($pin)}, $rounds rounds of one boot per kernel in turn, after a warm-up boot;" \
		"a boot's case: the fastest of 5 runs of 200000 cycles; ns per cycle: median of rounds (min-max)"
	echo "host load average before/after: $load0 / $load1"
	echo
	# shellcheck disable=SC2086 # a list of words (file names without spaces)
	python3 "$top/scripts/vdma.py" bench-report --runs "$runs" --ktap "$res/bench.ktap" --json "$res/bench.json" $kernels || bad=1
	echo
	for v in $kernels; do
		"$top/scripts/build.sh" "$v" >&2 || fail "the x86 $v kernel does not build"
	done
	for v in $kernels; do
		[ "$v" != base ] || continue
		echo "x86 guest object size (bloat-o-meter x86-base -> x86-$v):"
		for o in $(kgit diff --name-only base "$v" -- '*.c' | sed 's/\.c$/.o/'); do
			if [ -f "$OUT/x86-base/$o" ] && [ -f "$OUT/x86-$v/$o" ]; then
				printf "  %-34s %s\n" "$o" "$("$K/scripts/bloat-o-meter" \
					"$OUT/x86-base/$o" "$OUT/x86-$v/$o" | grep '^Total')"
			fi
		done
	done
	echo
	echo "struct sizes in bytes (pahole):"
	for v in $kernels; do
		printf "  %-20s %s\n" "UML $v:" "$(sizes "$top/build/$BASE/bench-$v" "$OUT/bench-$v" um)"
	done
	for v in $kernels; do
		checkout_variant "$v"
		printf "  %-20s %s\n" "x86_64 guest $v:" "$(sizes "$K" "$OUT/x86-$v")"
	done
	echo "bench: took $(( $(date +%s) - start ))s"
	[ "$bad" -eq 0 ] && echo "bench $BASE: 1 passed, 0 failed" || echo "bench $BASE: 0 passed, 1 failed"
} >"$res/bench.txt"
write_prov "$res/bench.txt" bench.sh
cat "$res/bench.txt"
exit "$bad"
