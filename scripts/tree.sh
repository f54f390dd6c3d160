#!/bin/sh
# Make the kernel work tree: unpack the pinned base, commit it (tag "base"),
# then build the branches "series" (base + patches/) and "control" (base with
# virtio_ring forced onto the DMA API: harness/control/*.patch).
set -eu
. "$(dirname "$0")/lib.sh"
AM_FLAGS=""

if [ "${1:-}" = --check-exported ]; then
	[ -d "$K/.git" ] || exit 0
	check_only=1
fi

if [ ! -d "$K/.git" ]; then
	mkdir -p "$top/build"
	[ -f "$LINUX_TARBALL" ] || die "$LINUX_TARBALL missing: run 'make deps' (apt-get install $LINUX_PKG=$LINUX_PKG_VERSION)"
	have=$(dpkg-query -W -f '${Version}' "$LINUX_PKG" 2>/dev/null || echo none)
	sum=$(sha256sum "$LINUX_TARBALL" | cut -d' ' -f1)
	if [ "$have" != "$LINUX_PKG_VERSION" ] || [ "$sum" != "$LINUX_SHA256" ]; then
		say "WARNING: ***********************************************************"
		say "WARNING: base is $LINUX_PKG $have (sha256 $sum),"
		say "WARNING: not the pinned $LINUX_PKG_VERSION ($LINUX_SHA256)."
		say "WARNING: patches will be applied with 3-way merge."
		say "WARNING: ***********************************************************"
		echo "$have" >"$top/build/.base-mismatch"
	fi
	say "unpacking $LINUX_TARBALL"
	rm -rf "$K.tmp" && mkdir -p "$K.tmp"
	tar -C "$K.tmp" --strip-components=1 -xf "$LINUX_TARBALL"
	# Debian's tarball ignores everything at the top level: drop that block.
	sed -i '/^# Debian packaging: ignore everything/,$d' "$K.tmp/.gitignore"
	while tail -n 1 "$K.tmp/.gitignore" | grep -qx '#\{0,1\}'; do
		sed -i '$d' "$K.tmp/.gitignore"
	done
	git -C "$K.tmp" init -q -b base-branch
	git -C "$K.tmp" add -A
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
		git -C "$K.tmp" commit -q -m "Linux $LINUX_PKG $LINUX_PKG_VERSION (Debian source package)"
	git -C "$K.tmp" tag base
	mv "$K.tmp" "$K"
fi
[ -f "$top/build/.base-mismatch" ] && AM_FLAGS="-3"

[ -z "$(kgit status --porcelain)" ] ||
	die "$K has uncommitted changes: commit them (and 'make export') first"

# The series branch: refuse to drop commits that are not exported to patches/.
if kgit rev-parse -q --verify refs/heads/series >/dev/null; then
	tmp=$(mktemp -d)
	"$top/scripts/export.sh" --to "$tmp" >/dev/null
	changed=$(cd "$tmp" && for f in *.patch; do
		[ -e "$f" ] || continue
		[ "$f" = 0000-cover-letter.patch ] && continue	# made from harness/
		cmp -s "$f" "$top/patches/$f" || echo "$f"; done)
	rm -rf "$tmp"
	if [ -n "$changed" ] && [ -z "${FORCE:-}" ]; then
		die "branch series has work not in patches/ ($changed): run 'make export', or FORCE=1 to drop it"
	fi
fi

[ -z "${check_only:-}" ] || exit 0

kgit checkout -q --detach base
kgit branch -f series base
kgit checkout -q series
set -- $(series_patches)
say "applying $# patch(es) from patches/"
apply_patches "$@"

kgit branch -f control base
kgit checkout -q control
apply_patches "$top"/harness/control/*.patch
kgit checkout -q series
say "tree ready: $K (branches: series, control; tag: base)"
