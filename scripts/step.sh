#!/bin/sh
# Run one step as check.sh does: output also in build/results/NAME.log.
# usage: step.sh NAME COMMAND [ARG...]
set -u
. "$(dirname "$0")/lib.sh"
run_step "$@"
printf '%s' "$STEPS"
[ "$STEPS_FAIL" -eq 0 ]
