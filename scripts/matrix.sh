#!/bin/sh
# Boot every row of config/matrix.tsv on each kernel variant and judge it
# against the row's expectation for that variant.
# usage: matrix.sh [VARIANT...]      (default: base control series)
# env:   MATRIX_FILTER  extended regexp on "iommu mode kind" to run a subset
#        QEMU_TIMEOUT   seconds per boot (default 40)
# Prints a table and writes TAP to build/results/matrix.tap.
# Exits 1 if any row is not as expected.
set -eu
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || set -- base control series
res=$top/build/results
mkdir -p "$res"
tap=$res/matrix.tap tmp=$res/matrix.rows
: >"$tmp"
export QEMU_TIMEOUT=${QEMU_TIMEOUT:-40}

col() { # column of a variant in matrix.tsv
	case $1 in base) echo 4 ;; control) echo 5 ;; series) echo 6 ;;
	series-nodebug) echo 7 ;;
	*) die "no expectations for variant '$1' in config/matrix.tsv" ;; esac
}
rows=$(grep -v '^#' "$top/config/matrix.tsv" | grep . |
	grep -E "${MATRIX_FILTER:-.}" || true)
[ -n "$rows" ] || die "no matrix row matches MATRIX_FILTER='${MATRIX_FILTER:-}'"
nrows=$(printf '%s\n' "$rows" | wc -l)
total=$((nrows * $#))
done_rows=0
for v in "$@"; do
	n=$done_rows done_rows=$((done_rows + nrows))
	c=$(col "$v")
	kernel=$OUT/x86-$v/arch/x86/boot/bzImage
	[ -f "$kernel" ] || die "no kernel for '$v': run 'make build-$v'"
	printf '%s\n' "$rows" | while read -r line; do
		set -- $line
		iommu=$1 mode=$2 kind=$3
		eval "exp=\${$c}"
		n=$((n + 1))
		o=$res/matrix/$v/$iommu-$mode-$kind
		rm -rf "$o"; mkdir -p "$o"
		m=$mode; [ "$m" = - ] && m=translated
		"$top/scripts/qemu-run.sh" "$kernel" "$iommu" "$m" "$kind" "$o" >/dev/null 2>"$o/harness.err" ||
			cat "$o/harness.err" >&2
		got=$(awk -v kind="$kind" -f "$top/scripts/judge.awk" "$o/result" 2>/dev/null || echo no-result)
		case $exp/$got in
		fail/bypass|fail/direct|fail/iommu|fail/*/*) verdict=FAIL ;;
		# a guest that never reached /init shows nothing about virtio
		fail/timeout-before-init*|fail/no-result) verdict=FAIL ;;
		fail/*) verdict=ok ;;
		"$exp/$exp") verdict=ok ;;
		*) verdict=FAIL ;;
		esac
		secs=$(sed -n 's/^HOST status=.* secs=//p' "$o/result" 2>/dev/null)
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$verdict" "$v" "$iommu" "$mode" \
			"$kind" "$exp" "$got" "${secs:-?}" >>"$tmp"
		printf '[%d/%d] %-4s %-14s %-6s %-11s %-12s expected %-22s got %s (%ss)\n' \
			"$n" "$total" "$verdict" "$v" "$iommu" "$mode" "$kind" "$exp" "$got" "${secs:-?}" >&2
	done
done

{
	echo "TAP version 13"
	echo "1..$(wc -l <"$tmp")"
	awk -F'\t' '{ printf "%s %d - %s %s %s %s: expected %s, got %s\n",
		($1 == "ok" ? "ok" : "not ok"), NR, $2, $3, $4, $5, $6, $7 }' "$tmp"
} >"$tap"
echo
printf '%-14s %-6s %-11s %-12s %-22s %-22s %s\n' variant iommu mode kind expected got verdict
awk -F'\t' '{ printf "%-14s %-6s %-11s %-12s %-22s %-22s %s\n", $2, $3, $4, $5, $6, $7, $1 }' "$tmp"
pass=$(grep -c '^ok' "$tmp" || true) fail=$(grep -c '^FAIL' "$tmp" || true)
echo "matrix: $pass passed, $fail failed" | tee "$res/matrix.summary"
[ "$fail" -eq 0 ]
