# Shared settings for the harness scripts (sourced, POSIX sh).
# shellcheck shell=sh
top=$(cd "$(dirname "$0")/.." && pwd)

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The base: a row of config/bases.tsv, in the environment scripts/vdma.py
# (make) gives every script (vdma_pipeline.base_env): BASE, BASE_PACKAGE,
# BASE_VERSION, BASE_SUITE, BASE_TARBALL, BASE_SHA256, BASE_SERIES_VERSION,
# BASE_DATE, BASE_PATCHES (the series' folder, "" for none), the paths of
# the base's own files (bases/BASE/, vdma_model.BaseFolder): BASE_DIR,
# BASE_CONTROL, BASE_MUTANTS, BASE_BENCH, BASE_GUEST_CONFIG ("" for none),
# BASE_COVER, BASE_RESULTS; SERIES_PATCHES (its patches in order),
# SERIES_HASH and EXTRA_SERIES (VARIANT:REF:FOLDER:MUTANTS words: the series
# beside the base's own, the folder of its kernel mutants).  No script reads
# a table of config/.
if [ -z "${BASE:-}" ] || [ -z "${BASE_PACKAGE:-}" ]; then
	die "$(basename "$0"): no base in the environment: run it through 'python3 scripts/vdma.py' (make)"
fi

# One work tree and one output folder per base.
K=${KTREE:-$top/build/$BASE/linux}
# shellcheck disable=SC2034 # used by the scripts that source this file
OUT=${OUTDIR:-$top/build/$BASE/out} RES=$top/build/results
export GIT_AUTHOR_NAME="virtio-dma harness" GIT_AUTHOR_EMAIL="harness@invalid"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

kgit() { git -C "$K" "$@"; }

# Apply patches (arguments) onto the current branch; stop at the first failure
# and leave the branch where it was before the first patch.
apply_patches() {
	start=$(kgit rev-parse HEAD)
	for p in "$@"; do
		# shellcheck disable=SC2086 # AM_FLAGS: options
		if ! out=$(kgit am ${AM_FLAGS:-} --committer-date-is-author-date "$p" 2>&1); then
			kgit am --abort >/dev/null 2>&1 || true
			kgit reset -q --hard "$start"
			printf '%s\n' "$out" | head -n 20 >&2
			die "patch does not apply on $BASE: $p (the branch is left without the series; fix the patch or the base pin)"
		fi
	done
}

# Check out a variant (base, series, control or any ref) in the base's work tree.
checkout_variant() {
	[ -e "$K/.git" ] || die "no work tree for base $BASE: run 'make tree' (BASE=$BASE)"
	[ -z "$(kgit status --porcelain --untracked-files=no)" ] ||
		die "$K has uncommitted changes: commit them before building a variant"
	kgit rev-parse -q --verify "$1^{commit}" >/dev/null || die "no ref '$1' in $K (base $BASE)"
	# one user of the work tree at a time, until this script exits
	exec 9>"$K.lock"
	flock -w 7200 9 || die "$K is in use by another build (lock $K.lock)"
	# detached: a branch checked out here would block updating it elsewhere
	kgit checkout -q --detach "$1"
}

# ccache and reproducible build stamps: variants share compiled objects.
export CCACHE_BASEDIR="$K" CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros
# build/ccache, if it exists, kept with the build folders (a machine's home
# may not outlive them); else ccache's own default, as CI has it
if [ -z "${CCACHE_DIR:-}" ] && [ -d "$top/build/ccache" ]; then
	export CCACHE_DIR="$top/build/ccache"
fi
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2025"
export KBUILD_BUILD_USER=harness KBUILD_BUILD_HOST=harness KBUILD_BUILD_VERSION=1
# shellcheck disable=SC2034 # used by the scripts that source this file
if command -v ccache >/dev/null; then cc="ccache gcc"; else cc=gcc; fi

# config/kunitconfig without the options whose Kconfig symbol TREE does not
# define (the base, a prefix of the series, another base's series): OUT.
kunitconfig_for() {
	: >"$2"
	grep '^CONFIG_' "${KUNITCONFIG:-$top/config/kunitconfig}" | while read -r opt; do
		sym=${opt%%=*}; sym=${sym#CONFIG_}
		if grep -rqs --include='Kconfig*' -E "^(menu)?config $sym\$" "$1"; then
			echo "$opt" >>"$2"
		else
			say "kunit: $BASE $(git -C "$1" rev-parse --short HEAD) has no $sym, leaving it out"
		fi
	done
}

# Provenance of a result file: FILE.prov says which series, base, project
# commit and command made it (as vdma_pipeline.write_prov); results.sh
# publishes only results of the current series.
write_prov() {
	f=$1; shift
	{
		echo "series=$SERIES_HASH"
		echo "base=$BASE $BASE_PACKAGE $BASE_VERSION"
		echo "project=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null)$(
			[ -z "$(git -C "$top" status --porcelain -- scripts config guest bases 2>/dev/null)" ] || echo +dirty)"
		echo "command=$*"
		echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	} >"$f.prov"
}

# Room for every kernel and UML build of the bases in ccache (default 5 GiB
# evicts between the bases on a fresh machine).
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-25G}"
