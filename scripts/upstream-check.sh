#!/bin/sh
# What the DMA, PCI and virtio maintainers would run on the series:
# checkpatch, sparse/W=1, kernel-doc and reST, the series with virtio as
# modules (vmlinux and modules linked), every prefix built for x86 and UML
# and booted, and the touched files on arm64, powerpc, s390 and sparc.  Prints a one-screen verdict; exits 1 if anything failed.
# Too long for CI (see README for timings).
set -u
. "$(dirname "$0")/lib.sh"
t0=$(date +%s)
run_step upstream-checkpatch "$top/scripts/checkpatch.sh"
run_step upstream-build-base "$top/scripts/build.sh" base
run_step upstream-build-series "$top/scripts/build.sh" series
run_step upstream-build-modular "$top/scripts/build.sh" series-modular
run_step upstream-sparse "$top/scripts/sparse.sh"
run_step upstream-kernel-doc "$top/scripts/kdoc.sh"
run_step bisect "$top/scripts/bisect.sh"
run_step cross-deps "$top/scripts/deps.sh" cross
run_step cross "$top/scripts/cross.sh"
{
	echo
	echo "upstream-check $BASE ($(( $(date +%s) - t0 ))s), series $(python3 "$top/scripts/vdma.py" series-hash --base "$BASE"), project $(git -C "$top" rev-parse --short=12 HEAD):"
	printf '%s' "$STEPS"
	echo "upstream-check: $STEPS_PASS passed, $STEPS_FAIL failed"
} | tee "$RES/upstream-check.log"
[ "$STEPS_FAIL" -eq 0 ]
