#!/bin/sh
# Every test: static checks, KUnit in UML (and its mutants), the three x86
# kernels and the QEMU matrix.  Goes on after a failure, prints a summary, and exits 1 if
# any step failed.
set -u
. "$(dirname "$0")/lib.sh"
res=$top/build/results
mkdir -p "$res"
log=$res/check.log
: >"$log"
pass=0 fail=0 summary=
step() {
	name=$1; shift
	printf '\n=== %s\n' "$name"
	start=$(date +%s)
	# the step's output is also kept in build/results/STEP.log
	{ rc=0; "$@" || rc=$?; echo "$rc" >"$res/$name.rc"; } 2>&1 | tee "$res/$name.log"
	if [ "$(cat "$res/$name.rc")" = 0 ]; then r=ok; pass=$((pass + 1)); else r=FAILED; fail=$((fail + 1)); fi
	t=$(( $(date +%s) - start ))
	summary="$summary$(printf '%-12s %-7s %5ss' "$name" "$r" "$t")
"
	echo "$name: $r (${t}s)" >>"$log"
}
t0=$(date +%s)
step deps "$top/scripts/deps.sh"
step tree "$top/scripts/tree.sh"
step checkpatch "$top/scripts/checkpatch.sh"
step build-base "$top/scripts/build.sh" base
step build-ctrl "$top/scripts/build.sh" control
step build-series "$top/scripts/build.sh" series
step build-nodebug "$top/scripts/build.sh" series-nodebug
step kunit "$top/scripts/kunit.sh" series
step mutants "$top/scripts/mutants.sh"
step tools-virtio "$top/scripts/tools-virtio.sh" series
step sparse "$top/scripts/sparse.sh"
step kernel-doc "$top/scripts/kdoc.sh"
step matrix "$top/scripts/matrix.sh" base control series series-nodebug
printf '\n=== summary (%ss)\n%s' "$(( $(date +%s) - t0 ))" "$summary"
echo "check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
