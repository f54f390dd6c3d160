# Shared settings for the harness scripts (sourced, POSIX sh).
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/config/base.env"
K=${KTREE:-$top/build/linux}
OUT=${OUTDIR:-$top/build/out}
export GIT_AUTHOR_NAME="virtio-dma harness" GIT_AUTHOR_EMAIL="harness@invalid"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
kgit() { git -C "$K" "$@"; }

# The ordered list of series patches: patches/series if present, else names.
series_patches() {
	if [ -f "$top/patches/series" ]; then
		sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/patches/series" |
			while read -r p; do echo "$top/patches/$p"; done
	else
		for p in "$top"/patches/[0-9]*.patch; do
			[ -e "$p" ] || continue
			case "$p" in */0000-cover-letter.patch) continue ;; esac
			echo "$p"
		done
	fi
}

# Apply patches (arguments) onto the current branch; stop at the first failure.
apply_patches() {
	for p in "$@"; do
		if ! out=$(kgit am $AM_FLAGS --committer-date-is-author-date "$p" 2>&1); then
			kgit am --abort >/dev/null 2>&1 || true
			printf '%s\n' "$out" >&2
			die "patch does not apply: $(basename "$p")"
		fi
	done
}

# Check out a variant (base, series, control or any ref) in the one work tree.
checkout_variant() {
	[ -e "$K/.git" ] || die "no work tree: run 'make tree'"
	[ -z "$(kgit status --porcelain --untracked-files=no)" ] ||
		die "$K has uncommitted changes: commit them before building a variant"
	kgit rev-parse -q --verify "$1^{commit}" >/dev/null || die "no ref '$1' in $K"
	kgit checkout -q "$1" 2>/dev/null || kgit checkout -q --detach "$1"
}

# ccache and reproducible build stamps: variants share compiled objects.
export CCACHE_BASEDIR="$K" CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2025"
export KBUILD_BUILD_USER=harness KBUILD_BUILD_HOST=harness KBUILD_BUILD_VERSION=1
cc="gcc"
if command -v ccache >/dev/null; then cc="ccache gcc"; fi
