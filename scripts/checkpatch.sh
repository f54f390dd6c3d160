#!/bin/sh
# checkpatch --strict on every patch of the series; TAP on stdout.
# Exits 1 if any patch has an error, a warning or a check.
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
[ -x "$K/scripts/checkpatch.pl" ] || die "no work tree: run 'make tree'"
if [ $# -gt 0 ]; then	# checkpatch.sh DIR: another series of the base (alternatives/virtio-map-ops)
	d=$top/$1
	[ -f "$d/series" ] || die "checkpatch: no $1/series"
	# shellcheck disable=SC2046 # a list of words (file names without spaces)
	set -- $(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$d/series" | sed "s|^|$d/|")
else
	# shellcheck disable=SC2086 # file names without spaces
	set -- $SERIES_PATCHES
fi
[ $# -gt 0 ] || die "checkpatch: no series patches on base $BASE"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# A file a patch adds that an existing MAINTAINERS section already covers
# (not only THE REST) needs no MAINTAINERS hunk: checkpatch's one warning
# FILE_PATH_CHANGES is then answered, and said so with the section.
covered() {
	# shellcheck disable=SC2013 # a list of words (file names without spaces)
	for f in $(sed -n '/^--- \/dev\/null$/{n;s#^+++ b/##p;}' "$1"); do
		printf -- '--- /dev/null\n+++ b/%s\n@@ -0,0 +1 @@\n+x\n' "$f" >"$tmp"
		sec=$(cd "$K" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
			--sections "$tmp" 2>/dev/null | grep -Ev '^([A-Z]:	|$)' | grep -vx 'THE REST' | head -n 1)
		[ -n "$sec" ] || return 1
		echo "# FILE_PATH_CHANGES: $f is covered by MAINTAINERS section $sec"
	done
}
echo "TAP version 13"
echo "1..$#"
i=0 bad=0
for p in "$@"; do
	i=$((i + 1))
	out=$(cd "$K" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --show-types "$p" 2>&1) || true
	sum=$(printf '%s\n' "$out" | grep -E '^total:' | tail -n 1)
	if printf '%s\n' "$sum" | grep -q '^total: 0 errors, 0 warnings, 0 checks'; then
		echo "ok $i - $(basename "$p")"
	elif printf '%s\n' "$sum" | grep -q '^total: 0 errors, 1 warnings, 0 checks' &&
	     printf '%s\n' "$out" | grep -q '^WARNING:FILE_PATH_CHANGES:' &&
	     note=$(covered "$p"); then
		echo "ok $i - $(basename "$p")"
		printf '%s\n' "$note"
	else
		bad=$((bad + 1))
		echo "not ok $i - $(basename "$p"): ${sum:-checkpatch gave no verdict}"
		printf '%s\n' "$out" | grep -E '^(ERROR|WARNING|CHECK|#)' | sed 's/^/# /' | head -n 20
	fi
done
echo "checkpatch: $(( $# - bad )) passed, $bad failed"
[ "$bad" -eq 0 ]
