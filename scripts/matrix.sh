#!/bin/sh
# Boot every row of config/matrix.tsv on the variants of a base and judge
# each against its expectation (scripts/vdma.py: one runner, one judge).
# usage: [BASE=NAME] matrix.sh [VARIANT...]   (default: the base's variants)
# env:   MATRIX_FILTER  words that select rows: iommu/mode/kind values
#                       ('intel translated') or FIELD=REGEX ('kind=modern.*')
#        QEMU_TIMEOUT   seconds per boot (default 60); VDMA_JOBS boots at once
# Writes build/results/BASE/matrix.{txt,ktap,json}; exits 1 if a row failed
# or could not be tested (ERROR), 2 on bad input.
set -eu
. "$(dirname "$0")/lib.sh"
exec python3 "$top/scripts/vdma.py" matrix --base "$BASE" "$@"
