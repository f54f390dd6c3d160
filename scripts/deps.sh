#!/bin/sh
# Install everything the harness needs from Debian's archive (as root), or
# say what is missing.  The kernel sources are fetched by fetch-base.sh.
# usage: deps.sh [cross|platforms]
set -eu
. "$(dirname "$0")/lib.sh"
pkgs="qemu-system-x86 sparse flex bison bc
libelf-dev libssl-dev ccache cpio xz-utils dwarves python3 perl git make gcc
libc6-dev kmod python3-ply python3-git python3-docutils"
# 'deps.sh cross': the cross compilers of 'make cross' (upstream-check)
if [ "${1:-}" = cross ]; then
	pkgs="gcc-aarch64-linux-gnu gcc-powerpc64le-linux-gnu gcc-s390x-linux-gnu
gcc-sparc64-linux-gnu"
fi
# 'deps.sh platforms': QEMU and the cross compilers and C libraries of the
# guest kernels and /init of 'make platforms' (config/arches.tsv)
if [ "${1:-}" = platforms ]; then
	pkgs="qemu-system-arm qemu-system-ppc qemu-system-sparc qemu-system-data
gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-powerpc64le-linux-gnu
libc6-dev-ppc64el-cross gcc-powerpc64-linux-gnu libc6-dev-ppc64-cross
gcc-sparc64-linux-gnu libc6-dev-sparc64-cross"
fi

missing=
for p in $pkgs; do
	name=${p%%=*}
	want=${p#*=}; [ "$want" = "$p" ] && want=
	have=$(dpkg-query -W -f '${Status} ${Version}' "$name" 2>/dev/null || true)
	case $have in
	"install ok installed $want"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && { say "deps: all installed"; exit 0; }
if [ "$(id -u)" != 0 ]; then
	die "deps: missing:$missing (run 'make deps' as root, or apt-get install them)"
fi
say "deps: installing:$missing"
mkdir -p "$top/build"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || say "deps: apt-get update failed, trying the cached lists"
if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>"$top/build/apt.err"; then
	cat "$top/build/apt.err" >&2
	die "deps: apt-get install failed:$missing (see the apt errors above)"
fi
say "deps: done"
