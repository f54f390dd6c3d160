#!/bin/sh
# Collect the last test results into harness/test-results.txt, which
# export.sh puts into the cover letter.
set -eu
. "$(dirname "$0")/lib.sh"
res=$top/build/results
f=$top/harness/test-results.txt
{
	if [ -f "$res/matrix.rows" ]; then
		echo "QEMU matrix (one boot per row: a virtio-blk and two virtio-net of"
		echo "the kind, I/O verified in the guest and on the host; path from"
		echo "DMA-API debug: bypass = no mappings, direct = D == P, iommu ="
		echo "translated; /pinned = dma_path attribute; control = base with"
		echo "vring_use_dma_api() forced true, expected to fail; -nodebug = the"
		echo "series without DMA-API debug, where pinned devices map inline: no"
		echo "path, only the dma_path attribute, I/O verified):"
		echo
		awk -F'\t' '{ k = $3 " " $4 " " $5; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
			v[k, $2] = ($7 == $6 || $1 == "ok" ? $7 : $7 " (want " $6 ")") ($1 == "ok" ? "" : " FAIL") }
			END { printf "  %-31s %-7s %-34s %-21s %s\n", "iommu/mode/kind", "base", "control", "series", "-nodebug"
			for (i = 1; i <= n; i++) { k = order[i]
				c = v[k, "control"]; sub(/:qemu-index-error/, " (qemu: index avail.)", c)
				nd = v[k, "series-nodebug"]; sub(/^n\/a\/?/, "", nd); if (nd == "") nd = "ok"
				printf "  %-31s %-7s %-34s %-21s %s\n", k, v[k, "base"], c, v[k, "series"], nd } }' \
			"$res/matrix.rows"
		echo
		grep -h '^matrix:' "$res/matrix.summary" 2>/dev/null | sed 's/^/  /' || true
		echo
	fi
	[ -f "$res/kunit-series.txt" ] && { echo "KUnit (UML):"; grep -E '^\[[0-9:]+\] (=+ \[|Testing complete)' \
		"$res/kunit-series.txt" | sed 's/^\[[0-9:]*\] /  /'; echo; }
	[ -f "$res/mutants.tap" ] && { echo "KUnit mutants (each reverts one behaviour; KUnit must fail):"
		grep -E '^(ok|not ok) ' "$res/mutants.tap" | sed 's/^/  /'
		grep '^mutants:' "$res/mutants.tap" | sed 's/^/  /'; echo; }
	[ -f "$res/upstream-check.log" ] && grep -q '^upstream-check: [0-9]* passed' "$res/upstream-check.log" &&
		{ echo "make upstream-check (checkpatch, sparse/W=1, kernel-doc, bisect, cross):"
		sed -n '/^upstream-check ([0-9]*s):/,/^upstream-check: [0-9]* passed/p' "$res/upstream-check.log" |
			sed 's/^/  /'; echo; }
	[ -f "$res/bisect.tap" ] && { echo "Bisect:"; grep '^bisect:' "$res/bisect.tap" | grep -v '^bisect: \[' | sed 's/^/  /'; echo; }
	[ -f "$res/cross.txt" ] && { echo "Other architectures:"; grep '^cross' "$res/cross.txt" | sed 's/^/  /'; echo; }
	[ -f "$res/bench.txt" ] && { echo "Benchmark:"; sed 's/^/  /' "$res/bench.txt"; echo; }
	# the newest checkpatch, sparse and kernel-doc verdicts (make check or upstream-check)
	for t in checkpatch sparse kernel-doc; do
		l=$(ls -t "$res/$t.log" "$res/upstream-$t.txt" 2>/dev/null | head -n 1)
		if [ -n "$l" ]; then
			echo "$t:"; grep -E "^($t|sparse/W=1|kernel-doc): " "$l" | sed 's/^/  /'
		else
			echo "$t: not run"
		fi
	done
	echo
	echo "Cc (scripts/get_maintainer.pl --no-git on the series):"
	(cd "$K" && perl scripts/get_maintainer.pl --no-rolestats --no-git --no-git-fallback \
		"$top"/patches/0*-*.patch 2>/dev/null) | grep -v 'lists.invalid' | sort -u | sed 's/^/  /'
} | sed "s/[[:space:]]*$//" >"$f"
say "results: wrote $f"
