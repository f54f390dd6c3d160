#!/bin/sh
# Every test (what CI runs): the harness's own tests first, then static
# checks, KUnit in UML and its mutants, the x86 kernels of every base and
# the QEMU matrix on each, and the harness mutants.  Goes on after a failure,
# prints a summary, and exits 1 if any step failed.
#   primary base (config/bases.tsv, first row; 6.12 until v2): base, control,
#     series and series-nodebug kernels, KUnit, mutants, sparse, matrix
#   every other base (7.3): checkpatch of its series (v2, in progress), its
#     kernels (base, control, and series, series-nodebug when it has a
#     series) and their matrix rows
set -u
. "$(dirname "$0")/lib.sh"
primary=$BASE
t0=$(date +%s)
run_step selftest python3 "$top/scripts/test_vdma.py"
run_step deps "$top/scripts/deps.sh"
for b in $(base_names); do
	run_step "tree-$b" env BASE="$b" "$top/scripts/tree.sh"
done
run_step checkpatch "$top/scripts/checkpatch.sh"
for b in $(base_names); do
	[ "$b" = "$primary" ] && continue
	[ "$(BASE=$b; base_field patches)" = - ] ||
		run_step "checkpatch-$b" env BASE="$b" "$top/scripts/checkpatch.sh"
done
for b in $(base_names); do
	for v in $(python3 "$top/scripts/vdma.py" variants --base "$b"); do
		run_step "build-$b-$v" env BASE="$b" "$top/scripts/build.sh" "$v"
	done
done
run_step kunit "$top/scripts/kunit.sh" series
run_step mutants "$top/scripts/mutants.sh"
run_step tools-virtio "$top/scripts/tools-virtio.sh" series
run_step sparse "$top/scripts/sparse.sh"
run_step kernel-doc "$top/scripts/kdoc.sh"
for b in $(base_names); do
	run_step "matrix-$b" env BASE="$b" "$top/scripts/matrix.sh"
done
# the matrix's KTAP as kunit.py reads it (the selftest's own check of this
# is skipped when it runs before any tree exists)
ktap() {
	for b in $(base_names); do
		(cd "$top/build/$b/linux" && python3 tools/testing/kunit/kunit.py parse \
			"$RES/$b/matrix.ktap") >"$RES/$b/matrix.ktap.txt" 2>&1 ||
			{ tail -n 20 "$RES/$b/matrix.ktap.txt"; return 1; }
		grep 'Testing complete' "$RES/$b/matrix.ktap.txt" || return 1
	done
}
run_step ktap ktap
run_step harness-mutants env BASE="$primary" "$top/scripts/harness-mutants.sh"
printf '\n=== summary (%ss)\n%s' "$(( $(date +%s) - t0 ))" "$STEPS"
echo "check: $STEPS_PASS passed, $STEPS_FAIL failed"
[ "$STEPS_FAIL" -eq 0 ]
