# Shared settings for the harness scripts (sourced, POSIX sh).
top=$(cd "$(dirname "$0")/.." && pwd)

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The base: a row of config/bases.tsv, chosen by $BASE (default: the primary
# base, the first row).  Its fields by header name: base_field COLUMN.
BASES=$top/config/bases.tsv
base_names() { grep -v '^#' "$BASES" | sed 1d | cut -f1; }
BASE=${BASE:-$(base_names | head -n 1)}
base_field() {
	awk -F'\t' -v b="$BASE" -v c="$1" '/^#/ { next }
		!h { for (i = 1; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 == b { if (!(c in col)) exit 2; print $(col[c]); found = 1; exit }
		END { if (!found) exit 1 }' "$BASES"
}
base_field name >/dev/null || die "no base '$BASE' in config/bases.tsv (have: $(base_names | paste -sd' '))"
export BASE

# A field of the row of config/arches.tsv named $arch: arch_field COLUMN.
arch_field() {
	awk -F'\t' -v a="${arch:-x86_64}" -v c="$1" '/^#/ { next }
		!h { for (i = 1; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 == a { if (!(c in col)) exit 2; print $(col[c]); found = 1; exit }
		END { if (!found) exit 1 }' "$top/config/arches.tsv"
}

# One work tree and one output folder per base.
K=${KTREE:-$top/build/$BASE/linux}
OUT=${OUTDIR:-$top/build/$BASE/out}
RES=$top/build/results
export GIT_AUTHOR_NAME="virtio-dma harness" GIT_AUTHOR_EMAIL="harness@invalid"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

kgit() { git -C "$K" "$@"; }

# The folder of the series on this base ("" when the base has none yet).
series_dir() {
	d=$(base_field patches)
	[ "$d" = - ] || echo "$top/$d"
}

# The ordered list of series patches: DIR/series if present, else names.
series_patches() {
	d=$(series_dir)
	[ -n "$d" ] || return 0
	if [ -f "$d/series" ]; then
		sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$d/series" |
			while read -r p; do echo "$d/$p"; done
	else
		for p in "$d"/[0-9]*.patch; do
			[ -e "$p" ] || continue
			case "$p" in *0000-cover-letter.patch) continue ;; esac
			echo "$p"
		done
	fi
}

# Apply patches (arguments) onto the current branch; stop at the first failure
# and leave the branch where it was before the first patch.
apply_patches() {
	start=$(kgit rev-parse HEAD)
	for p in "$@"; do
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
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2025"
export KBUILD_BUILD_USER=harness KBUILD_BUILD_HOST=harness KBUILD_BUILD_VERSION=1
cc="gcc"
if command -v ccache >/dev/null; then cc="ccache gcc"; fi

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

# Steps of check.sh and upstream-check.sh: run_step NAME CMD...; the output
# goes to the terminal and to build/results/NAME.log; a line per step is
# added to $STEPS (name, verdict, seconds, the step's last "X: N passed" line).
STEPS= STEPS_PASS=0 STEPS_FAIL=0 STEPS_FAILED=
run_step() {
	name=$1; shift
	mkdir -p "$RES"
	printf '\n=== %s\n' "$name"
	start=$(date +%s)
	{ rc=0; "$@" || rc=$?; echo "$rc" >"$RES/$name.rc"; } 2>&1 | tee "$RES/$name.log"
	write_prov "$RES/$name.log" "$@"
	if [ "$(cat "$RES/$name.rc")" = 0 ]; then
		r=PASS; STEPS_PASS=$((STEPS_PASS + 1))
	else
		r=FAIL; STEPS_FAIL=$((STEPS_FAIL + 1)); STEPS_FAILED="$STEPS_FAILED $name"
	fi
	last=$(grep -E '^[a-z0-9./ =-]+: [0-9]+ passed' "$RES/$name.log" | tail -n 1)
	STEPS="$STEPS$(printf '%-16s %-4s %5ss  %s' "$name" "$r" "$(( $(date +%s) - start ))" "$last")
"
}

# Provenance of a result file: FILE.prov says which series, base, project
# commit and command made it; results.sh publishes only results of the
# current series.
write_prov() {
	f=$1; shift
	{
		echo "series=$(python3 "$top/scripts/vdma.py" series-hash --base "$BASE")"
		echo "base=$BASE $(base_field package) $(base_field version)"
		echo "project=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null)$(
			[ -z "$(git -C "$top" status --porcelain -- scripts config guest 2>/dev/null)" ] || echo +dirty)"
		echo "command=$*"
		echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	} >"$f.prov"
}

# Room for every kernel and UML build of the bases in ccache (default 5 GiB
# evicts between the bases on a fresh machine).
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-25G}
