#!/bin/sh
# Is the harness's evidence exact?  Each row of config/harness-mutants.tsv
# breaks one piece of the harness (the guest, the judge's input, QEMU); the
# row's check must then fail (exit 1) with exactly the outcomes the row
# names.  A mutant whose check passes, fails otherwise, or that the harness
# cannot run (exit 2), fails this script.
# usage: [BASE=NAME] harness-mutants.sh [NAME...]   (default: every row)
# TAP on stdout and in build/results/BASE/harness-mutants.tap.
set -eu
. "$(dirname "$0")/lib.sh"
res=$RES/$BASE/harness-mutants
mkdir -p "$res"
tsv=$top/config/harness-mutants.tsv
rows=$(grep -v '^#' "$tsv" | sed 1d | grep .)
# a row's field by column name; a column "BASE:NAME" overrides NAME on BASE
field() {
	grep -v '^#' "$tsv" | awk -F'\t' -v n="$1" -v c="$2" -v o="$BASE:$2" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == n { print (o in col && $(col[o]) != "=") ? $(col[o]) : $(col[c]) }'
}
[ $# -gt 0 ] || set -- $(printf '%s\n' "$rows" | cut -f1)
for name in "$@"; do
	printf '%s\n' "$rows" | cut -f1 | grep -qx "$name" ||
		die "no harness mutant '$name' in config/harness-mutants.tsv"
done
tap=$RES/$BASE/harness-mutants.tap
n=$# i=0 bad=0
{ echo "TAP version 13"; echo "1..$n"; } >"$tap"
for name in "$@"; do
	i=$((i + 1))
	file=$(field "$name" file) expr=$(field "$name" substitution)
	env=$(field "$name" env) check=$(field "$name" check)
	want=$(field "$name" caught) what=$(field "$name" what)
	o=$res/$name
	rm -rf "$o" && mkdir -p "$o"
	set --
	[ "$env" = - ] || set -- "$env"
	verdict=
	case $file in
	-) ;;
	guest/vtest.c)
		cp "$top/guest/vtest.c" "$o/vtest.c"
		perl -0pi -e "$expr" "$o/vtest.c"
		cmp -s "$top/guest/vtest.c" "$o/vtest.c" &&
			verdict="not ok $i - $name ($what): the substitution does not apply to $file"
		set -- "$@" VDMA_GUEST_SRC="$o/vtest.c" VDMA_GUEST="$o/guest" ;;
	*) verdict="not ok $i - $name: unknown file $file" ;;
	esac
	if [ -z "$verdict" ]; then
		# the control-as-series mutant re-judges the stored control boots
		out="--out $o --name check" j=$o/check.json
		case $check in *--rejudge*)
			out="--out $RES/$BASE --name mutant-$name" j=$RES/$BASE/mutant-$name.json ;;
		esac
		say "harness-mutants: [$i/$n] $what"
		rc=0
		# shellcheck disable=SC2086
		env "$@" python3 "$top/scripts/vdma.py" $check --base "$BASE" $out --jobs 1 \
			>"$o/log" 2>&1 || rc=$?
		got=$(python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))["results"]
print(" ".join(sorted({x["result"] + ":" + x["signature"] for x in r if x["result"] != "PASS"})))' \
			"$j" 2>/dev/null || echo "no-result")
		if [ "$rc" = 1 ] && [ "$got" = "$want" ]; then
			verdict="ok $i - $name ($what): caught, $got"
		else
			verdict="not ok $i - $name ($what): exit $rc, got '$got', want '$want' (log $o/log)"
		fi
	fi
	echo "$verdict" | tee -a "$tap"
	case $verdict in not*) bad=$((bad + 1)); tail -n 3 "$o/log" 2>/dev/null | sed 's/^/# /' ;; esac
done
echo "harness-mutants: $((n - bad)) passed, $bad failed" | tee -a "$tap"
[ "$(grep -c '^ok ' "$tap")" -eq "$n" ]
