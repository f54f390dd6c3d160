#!/bin/sh
# The seed's platforms at runtime: build the guest kernels of each
# architecture of config/platforms.tsv (config/arches.tsv) for every variant
# its rows expect something of, and boot and judge the rows
# (vdma.py matrix --table platforms).
# usage: [PLATFORMS="arm64 ..."] [VARIANTS="series ..."] platforms.sh
# (default: every architecture, every variant with rows)
# Kernels are built in a work tree of their own (build/BASE/wt-platforms),
# so that this can run beside other steps.  Results:
# build/results/BASE/platforms.{txt,ktap,json}.
set -eu
. "$(dirname "$0")/lib.sh"
vdma() { python3 "$top/scripts/vdma.py" "$@"; }
all=$(vdma platform-arches --base "$BASE") || exit 1
[ -n "$all" ] || die "platforms: config/platforms.tsv has no rows for base $BASE"
want=${PLATFORMS:-$all}
for a in $want; do
	case " $(echo $all) " in *" $a "*) ;; *) die "platforms: no rows for '$a' (have: $(echo $all))" ;; esac
done
"$top/scripts/deps.sh" platforms
wt=$top/build/$BASE/wt-platforms
if [ ! -e "$wt/.git" ]; then
	kgit worktree prune
	kgit worktree add -q --detach "$wt" base || die "platforms: cannot add work tree $wt"
fi
start=$(date +%s)
for a in $want; do
	have=$(vdma platform-variants --base "$BASE" --arch "$a")
	for v in ${VARIANTS:-$have}; do
		case " $have " in *" $v "*) ;; *) die "platforms: no $a rows for variant '$v' (have: $have)" ;; esac
		say "platforms: $a $v kernel ($(( $(date +%s) - start ))s)"
		KTREE=$wt "$top/scripts/build.sh" "$v" "$a" ||
			die "platforms: the $a $v kernel does not build"
	done
done
say "platforms: booting ($(( $(date +%s) - start ))s)"
vdma matrix --base "$BASE" --table platforms --arch $want ${VARIANTS:-}
