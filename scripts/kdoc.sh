#!/bin/sh
# kernel-doc (scripts/kernel-doc -none) on the files the series touches, and
# the reStructuredText it touches; only what the series adds fails.
# SERIES=REF: another series of the base (v2, the alternative), default the base's own.
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
S=${SERIES:-series}
files=$(kgit diff --name-only base "$S" -- '*.c' '*.h')
rst=$(kgit diff --name-only --diff-filter=AM base "$S" -- '*.rst')
kdoc() { # variant -> "file: warning" lines, no line numbers
	for f in $files; do
		kgit show "$1:$f" >/tmp/kdoc.$$ 2>/dev/null || continue
		perl "$K/scripts/kernel-doc" -none -Wall /tmp/kdoc.$$ 2>&1 |
			sed -E "s#/tmp/kdoc\.$$(:[0-9]+)?#$f#"
	done | sort
	rm -f /tmp/kdoc.$$
}
kdoc base >/tmp/kdoc-base.$$
kdoc "$S" >/tmp/kdoc-series.$$
new=$(comm -13 /tmp/kdoc-base.$$ /tmp/kdoc-series.$$)
rm -f /tmp/kdoc-base.$$ /tmp/kdoc-series.$$
bad=0
echo "kernel-doc: $(echo "$files" | wc -w) touched file(s)"
if [ -n "$new" ]; then
	bad=1; echo "kernel-doc: NEW warnings:"; printf '%s\n' "$new" | sed 's/^/  /'
fi
if [ -n "$rst" ]; then
	d=$(mktemp -d)
	for f in $rst; do
		mkdir -p "$d/$(dirname "$f")"; kgit show "$S:$f" >"$d/$f"
	done
	# shellcheck disable=SC2086 # a list of words (file names without spaces)
	(cd "$d" && /usr/bin/python3 "$top/scripts/rstcheck.py" $rst) || bad=1
	rm -rf "$d"
fi
echo "kernel-doc: $((1 - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
