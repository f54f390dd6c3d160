#!/bin/sh
# Install the Debian packages named (as root), or say what is missing.
# The lists: vdma_pipeline.packages() (config/arches.tsv for QEMU, the cross
# compilers and C libraries); the kernel sources are fetched by fetch-base.sh.
# usage: deps.sh PACKAGE[=VERSION]...
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || die "deps: usage: deps.sh PACKAGE... (python3 scripts/vdma.py deps [cross|platforms])"
missing=
for p in "$@"; do
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
# shellcheck disable=SC2086 # a list of package names
if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>"$top/build/apt.err"; then
	cat "$top/build/apt.err" >&2
	die "deps: apt-get install failed:$missing (see the apt errors above)"
fi
say "deps: done"
