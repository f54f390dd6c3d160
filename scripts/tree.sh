#!/bin/sh
# Make the base's kernel work tree (build/BASE/linux): unpack the pinned
# source (fetch-base.sh), commit it (tag "base"), then the branches "series"
# (base + the base's patch folder, when it has one) and "control" (base with
# virtio_ring forced onto the DMA API: bases/BASE/control/*.patch), the
# kernel mutants (bases/BASE/mutants*/NAME/*.patch).  The paths: lib.sh.
# usage: BASE=NAME tree.sh [--check-exported]
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --check-exported ]; then
	[ -d "$K/.git" ] || exit 0
	check_only=1
fi

if [ ! -d "$K/.git" ]; then
	tarball=$("$top/scripts/fetch-base.sh") || exit 1
	mkdir -p "$(dirname "$K")"
	avail=$(df -Pk "$(dirname "$K")" | awk 'NR == 2 { print int($4 / 1048576) }')
	[ "$avail" -ge 8 ] || die "only ${avail} GiB free under $(dirname "$K"): a base tree and its builds need about 8 GiB; free space (make clean) and retry"
	say "tree: unpacking $tarball"
	rm -rf "$K.tmp" && mkdir -p "$K.tmp"
	tar -C "$K.tmp" --strip-components=1 -xf "$tarball" || die "tree: unpacking failed (disk full?)"
	# Debian's tarball ignores everything at the top level: drop that block.
	sed -i '/^# Debian packaging: ignore everything/,$d' "$K.tmp/.gitignore"
	while tail -n 1 "$K.tmp/.gitignore" | grep -qx '#\{0,1\}'; do
		sed -i '$d' "$K.tmp/.gitignore"
	done
	git -C "$K.tmp" init -q -b base-branch
	# ~90,000 files: no automatic gc repacking them beside the first build
	git -C "$K.tmp" config gc.auto 0
	git -C "$K.tmp" config maintenance.auto false
	git -C "$K.tmp" add -A
	d=$BASE_DATE
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d \
		git -C "$K.tmp" commit -q -m "Linux $BASE_PACKAGE $BASE_VERSION (Debian source package)"
	git -C "$K.tmp" tag base
	mv "$K.tmp" "$K"
fi

# one user of the work tree at a time (builds hold this lock too)
exec 9>"$K.lock"
flock -w 7200 9 || die "$K is in use by another build (lock $K.lock)"

[ -z "$(kgit status --porcelain)" ] ||
	die "$K has uncommitted changes: commit them (and 'make export') first"

# The series branch: refuse to drop commits that are not exported.
sdir=$BASE_PATCHES
if [ -n "$sdir" ] && kgit rev-parse -q --verify refs/heads/series >/dev/null; then
	tmp=$(mktemp -d)
	"$top/scripts/export.sh" --to "$tmp" >/dev/null
	changed=$(cd "$tmp" && for f in *.patch; do
		[ -e "$f" ] || continue
		case $f in *0000-cover-letter.patch) continue ;; esac	# made from bases/BASE/
		cmp -s "$f" "$sdir/$f" || echo "$f"; done)
	rm -rf "$tmp"
	if [ -n "$changed" ] && [ -z "${FORCE:-}" ]; then
		die "branch series has work not in $sdir ($changed): run 'make export', or FORCE=1 to drop it"
	fi
fi

[ -z "${check_only:-}" ] || exit 0

# branch NAME FROM PATCH...: NAME = FROM with the patches applied
branch() {
	kgit branch -f "$1" "$2"
	kgit checkout -q "$1"
	shift 2
	apply_patches "$@"
}
kgit checkout -q --detach base
muts=
if [ -n "$sdir" ]; then
	# shellcheck disable=SC2086 # file names without spaces
	set -- $SERIES_PATCHES
	say "tree: applying $# patch(es) from $sdir"
	branch series base "$@"
fi
set -- "$BASE_CONTROL"/*.patch
[ -e "$1" ] || die "no control patch for base $BASE in $BASE_CONTROL/"
branch control base "$@"
# series beside the base's own (config/variants.tsv, "patches": EXTRA_SERIES):
# branch REF = the base with the folder's patches (the alternative v2 on 7.3)
for e in $EXTRA_SERIES; do
	v=${e%%:*} dir=${e#*:*:} ref=${e#*:}; ref=${ref%%:*}
	mdir=${dir#*:}; dir=${dir%%:*}
	[ -f "$top/$dir/series" ] || die "variant $v: no $dir/series"
	# shellcheck disable=SC2046 # file names without spaces
	set -- $(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/$dir/series" | sed "s|^|$top/$dir/|")
	say "tree: applying $# patch(es) from $top/$dir (branch $ref)"
	branch "$ref" base "$@"
	muts="$muts $ref,"
	# its kernel mutants: MUTANTS/NAME/*.patch on REF (bases/BASE/mutants-REF/)
	for d in "$mdir"/*/; do
		[ -d "$d" ] || continue
		branch "$(basename "$d")" "$ref" "$d"*.patch
		muts="$muts $(basename "$d"),"
	done
done
# kernel mutants of the series (config/variants.tsv): a branch each, the
# series with bases/BASE/mutants/NAME/*.patch on top
for d in "$BASE_MUTANTS"/*/; do
	if [ -z "$sdir" ] || [ ! -d "$d" ]; then continue; fi
	branch "$(basename "$d")" series "$d"*.patch
	muts="$muts $(basename "$d"),"
done
kgit checkout -q --detach base
say "tree ready: $K (base $BASE; branches:$([ -n "$sdir" ] && echo ' series,')$muts control; tag: base)"
