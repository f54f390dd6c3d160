#!/bin/sh
# Every test (what CI runs): the harness's own tests first, then, per base of
# config/bases.tsv, what its "check" column says, then the harness mutants.
# Goes on after a failure, prints a summary, and exits 1 if any step failed.
#   full:     checkpatch of its series, every kernel variant (base, control,
#             series and its own, the alternative v2 and its own;
#             series-nodebug and v2-nodebug only with LONG), KUnit in UML
#             and with --arch=x86_64 and the KUnit mutants, sparse and W=1,
#             kernel-doc, the QEMU matrix and its KTAP, and the lifecycle
#             rows that fit (lifecycle.sh --check); of the alternative:
#             checkpatch and KUnit in UML (its mutants, sparse and
#             kernel-doc only with LONG)
#   backport: checkpatch, the series kernel, KUnit, and the default boot
#             (the demo: every kind of device under the intel IOMMU)
# The harness mutants run on the first base (the primary).
set -u
. "$(dirname "$0")/lib.sh"
primary=$BASE
t0=$(date +%s)
# LONG=1 (make check-long): also what does not fit CI's budget: the bases
# whose check column says long-ROLE, the variants whose check column says
# long (*-nodebug), and the alternative's KUnit mutants, sparse, kernel-doc
role() { r=$(BASE=$1; base_field check); [ -n "${LONG:-}" ] && r=${r#long-}; echo "$r"; }
checked() { case $(role "$1") in full|backport) return 0 ;; esac; return 1; }
base_names() { for b in $(grep -v '^#' "$BASES" | sed 1d | cut -f1); do checked "$b" && echo "$b"; done; }
variants() { python3 "$top/scripts/vdma.py" variants --base "$1" ${LONG:---check}; }
has_series() { [ "$(BASE=$1; base_field patches)" != - ]; }
run_step deps "$top/scripts/deps.sh"
run_step selftest python3 "$top/scripts/test_vdma.py"
for b in $(base_names); do
	run_step "tree-$b" env BASE="$b" "$top/scripts/tree.sh"
done
# the series beside a base's own (config/variants.tsv "patches": the
# alternative v2 on 7.3)
# as VARIANT:FOLDER words
extra() {
	python3 "$top/scripts/vdma.py" variants --base "$1" --patches |
		while read -r v ref dir; do echo "$v:$dir"; done
}
for b in $(base_names); do
	has_series "$b" && run_step "checkpatch-$b" env BASE="$b" "$top/scripts/checkpatch.sh"
	for e in $(extra "$b"); do
		run_step "checkpatch-$b-${e%%:*}" env BASE="$b" "$top/scripts/checkpatch.sh" "${e#*:}"
	done
done
for b in $(base_names); do
	case $(role "$b") in
	full) vs=$(variants "$b") ;;
	*) vs=series ;;
	esac
	for v in $vs; do
		run_step "build-$b-$v" env BASE="$b" "$top/scripts/build.sh" "$v"
	done
done
for b in $(base_names); do
	has_series "$b" || continue
	run_step "kunit-$b" env BASE="$b" "$top/scripts/kunit.sh" series
	[ "$(role "$b")" = full ] || continue
	run_step "kunit-$b-x86_64" env BASE="$b" "$top/scripts/kunit.sh" series x86_64
	run_step "mutants-$b" env BASE="$b" "$top/scripts/mutants.sh"
	run_step "sparse-$b" env BASE="$b" "$top/scripts/sparse.sh"
	run_step "kernel-doc-$b" env BASE="$b" "$top/scripts/kdoc.sh"
	for e in $(extra "$b"); do
		v=${e%%:*}
		run_step "kunit-$b-$v" env BASE="$b" "$top/scripts/kunit.sh" "$v"
		[ -n "${LONG:-}" ] || continue
		run_step "mutants-$b-$v" env BASE="$b" "$top/scripts/mutants.sh" --variant "$v"
		run_step "sparse-$b-$v" env BASE="$b" SERIES="$v" "$top/scripts/sparse.sh"
		run_step "kernel-doc-$b-$v" env BASE="$b" SERIES="$v" "$top/scripts/kdoc.sh"
	done
done
# the matrix's KTAP as kunit.py reads it: every row parsed, with the
# matrix's own counts (a failed row is the matrix step's failure, not this
# one's; the selftest's check of this is skipped before any tree exists)
ktap() {
	(cd "$top/build/$1/linux" && python3 tools/testing/kunit/kunit.py parse \
		"$RES/$1/matrix.ktap") >"$RES/$1/matrix.ktap.txt" 2>&1
	got=$(sed -n 's/.*Testing complete\. Ran \([0-9]*\) tests: passed: \([0-9]*\).*/\1 \2/p' \
		"$RES/$1/matrix.ktap.txt")
	want=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(len(r), sum(x["result"] == "PASS" for x in r))' "$RES/$1/matrix.json")
	echo "ktap $1: kunit.py: ${got:-nothing parsed}; matrix: $want"
	[ -n "$got" ] && [ "$got" = "$want" ] || { tail -n 20 "$RES/$1/matrix.ktap.txt"; return 1; }
}
for b in $(base_names); do
	if [ "$(role "$b")" = full ]; then
		run_step "matrix-$b" env BASE="$b" "$top/scripts/matrix.sh" $(variants "$b")
		run_step "ktap-$b" ktap "$b"
	elif has_series "$b"; then
		run_step "demo-$b" env BASE="$b" "$top/scripts/demo.sh" series intel translated
	fi
done
# the lifecycle scenarios that fit CI's budget (lifecycle.sh --check; the
# rest: make lifecycle), on the bases whose lifecycle table has columns
for b in $(base_names); do
	[ "$(role "$b")" = full ] || continue
	[ -n "$(python3 "$top/scripts/vdma.py" variants --base "$b" --table lifecycle)" ] || continue
	run_step "lifecycle-$b" env BASE="$b" "$top/scripts/lifecycle.sh" --check
done
run_step harness-mutants env BASE="$primary" "$top/scripts/harness-mutants.sh"
printf '\n=== summary (%ss)\n%s' "$(( $(date +%s) - t0 ))" "$STEPS"
# what failed, where CI shows it (the end of the output)
for name in $STEPS_FAILED; do
	log=$RES/$name.log
	echo "--- $name failed ($log):"
	grep -E '^\[[0-9]+/[0-9]+\] (FAIL|ERROR)|^(FAIL|ERROR|not ok)|error:' "$log" | head -n 12 ||
		tail -n 6 "$log"
done
echo "check: $STEPS_PASS passed, $STEPS_FAIL failed"
[ "$STEPS_FAIL" -eq 0 ]
