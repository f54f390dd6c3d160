#!/bin/sh
# What the DMA, PCI and virtio maintainers would run on the series:
# checkpatch, sparse/W=1, kernel-doc and reST, every prefix built for x86
# and UML and booted, and the touched directories on arm64, powerpc, s390
# and sparc.  Prints a one-screen verdict; exits 1 if anything failed.
# Too long for CI (see README for timings).
set -u
. "$(dirname "$0")/lib.sh"
res=$top/build/results
mkdir -p "$res"
verdict= fail=0
step() {
	name=$1 log=$res/upstream-$1.txt; shift
	say "upstream-check: $name (log: $log)"
	start=$(date +%s)
	if "$@" >"$log" 2>&1; then r=PASS; else r=FAIL; fail=$((fail + 1)); fi
	verdict="$verdict$(printf '%-12s %-4s %5ss  %s' "$name" "$r" \
		"$(( $(date +%s) - start ))" "$(grep -E '^[a-z/=0-9 -]+: ' "$log" | tail -n 1)")
"
}
t0=$(date +%s)
step checkpatch "$top/scripts/checkpatch.sh"
step build-base "$top/scripts/build.sh" base
step build-series "$top/scripts/build.sh" series
step sparse "$top/scripts/sparse.sh"
step kernel-doc "$top/scripts/kdoc.sh"
step bisect "$top/scripts/bisect.sh"
cp "$res/upstream-bisect.txt" "$res/bisect.tap" 2>/dev/null || true
step cross-deps "$top/scripts/deps.sh" cross
step cross "$top/scripts/cross.sh"
cp "$res/upstream-cross.txt" "$res/cross.txt" 2>/dev/null || true
echo
echo "upstream-check ($(( $(date +%s) - t0 ))s):"
printf '%s' "$verdict"
echo "upstream-check: $(( $(printf '%s' "$verdict" | grep -c .) - fail )) passed, $fail failed"
[ "$fail" -eq 0 ]
