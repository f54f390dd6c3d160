#!/bin/sh
# Short results of the base's series for its cover letter (export.sh puts
# them at @RESULTS@): the matrix of every variant (vdma.py brief), the
# series' KUnit runs and mutants, each with the date of its run; the full
# tables stay in build/results/ (make results-full: per row).
# usage: [BASE=7.3] results-brief.sh   (after make check)
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
res=$RES/$BASE
f=$BASE_RESULTS
date_of() { sed -n 's/^date=//p' "$1.prov" 2>/dev/null || echo "date unknown"; }
kunit_line() { # KTAP file -> "N tests: passed P, skipped S, failed F"
	python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
leaf = [m for m in re.finditer(r'^(\s*)(ok|not ok) \d+ (.*)$', t, re.M)]
p = sum(1 for m in leaf if m.group(2) == 'ok' and '# SKIP' not in m.group(3))
s = sum(1 for m in leaf if '# SKIP' in m.group(3))
f = sum(1 for m in leaf if m.group(2) == 'not ok')
print(f"{p} ok, {s} skipped, {f} not ok (KTAP lines)")
PY
}
{
	echo "Results (QEMU TCG; full tables in the project's repository):"
	echo
	python3 "$top/scripts/vdma.py" brief --base "$BASE"
	echo
	# their last runs, as complete as they were (check/lifecycle: make check's rows)
	for t in platforms lifecycle check/lifecycle; do
		[ -f "$res/$t.json" ] || continue
		case $t in check/*) echo "make check, the ${t#check/} rows that fit CI:" ;; *) echo "make $t:" ;; esac
		python3 "$top/scripts/vdma.py" brief --base "$BASE" --name "$t"
		echo
	done
	for k in kunit-series kunit-series-x86_64; do
		[ -f "$res/$k.ktap" ] || { echo "$k: not run"; continue; }
		echo "$k ($(date_of "$res/$k.ktap")): $(kunit_line "$res/$k.ktap")"
	done
	if [ -f "$res/bench.json" ]; then
		echo
		echo "virtio_ring benchmark, UML ($(date_of "$res/bench.txt")): ns per request"
		echo "(add_sgs + kick + completion + get_buf), each kernel against the base:"
		python3 "$top/scripts/vdma.py" bench-brief "$res/bench.json"
		echo
	fi
	if [ -f "$RES/bisect.log" ]; then
		echo "make bisect ($(date_of "$RES/bisect.log")): $(grep -E '^bisect: (every|first)' "$RES/bisect.log" | tail -n 1 | sed 's/^bisect: //')"
	fi
	# a complete run only (mutants.sh writes provenance for all rows: --complete)
	if [ -f "$res/mutants.tap.prov" ]; then
		echo "KUnit mutants ($(date_of "$res/mutants.tap")): $(tail -n 1 "$res/mutants.tap" | sed 's/^mutants: //')"
	else
		echo "KUnit mutants: no complete run here (make check runs them)"
	fi
} >"$f"
cat "$f"
