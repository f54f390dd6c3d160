#!/bin/sh
# Lifecycle scenarios (config/lifecycle.tsv, issue 12): build the x86
# kernels its rows expect something of and boot and judge every row
# (vdma.py matrix --table lifecycle).  Results:
# build/results/BASE/lifecycle.{txt,ktap,json}.
# usage: [MATRIX_FILTER=...] lifecycle.sh [VARIANT ...]
#        (default: the variants the table has columns for)
#        lifecycle.sh --check: what make check runs (CI's budget): the rows
#        behind intel-iommu or none of domains, fault and swiotlb, on every
#        variant of the table but the base and the control: the series, v2
#        and their kernel mutants (build/results/BASE/check/)
set -eu
. "$(dirname "$0")/lib.sh"
out=$RES/$BASE
if [ "${1:-}" = --check ]; then
	shift
	export MATRIX_FILTER='name=domains|fault|swiotlb iommu=intel|none mode=translated|-'
	out=$RES/$BASE/check
	set -- $(python3 "$top/scripts/vdma.py" variants --base "$BASE" --table lifecycle |
		tr ' ' '\n' | grep -vx -e base -e control)
fi
variants=${*:-$(python3 "$top/scripts/vdma.py" variants --base "$BASE" --table lifecycle)}
# a soak row binds, tests and unbinds its devices 200 times (50 for the
# others kinds): 60-230 s here
export QEMU_TIMEOUT=${QEMU_TIMEOUT:-400}
for v in $variants; do
	"$top/scripts/build.sh" "$v" || die "lifecycle: the $v kernel does not build"
done
# every variant of the base (rows say '-' for those they do not boot), so
# that 'make results' takes a complete run; VARIANT arguments pick some
exec python3 "$top/scripts/vdma.py" matrix --base "$BASE" --table lifecycle --out "$out" $variants
