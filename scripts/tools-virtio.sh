#!/bin/sh
# tools/virtio: build the userspace ring tests and run vringh_test, which
# drives drivers/virtio/virtio_ring.c against vringh in userspace through
# the tools/virtio DMA stubs.
# usage: tools-virtio.sh [VARIANT]     (default: series)
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
v=${1:-series}
checkout_variant "$v"
d=$K/tools/virtio log=$top/build/results/tools-virtio-$v.log
mkdir -p "$top/build/results"
make -C "$d" clean >/dev/null 2>&1 || true
if ! make -C "$d" -j"$(nproc)" virtio_test vringh_test >"$log" 2>&1; then
	grep -E 'error' "$log" | head -n 5 >&2
	make -C "$d" clean >/dev/null 2>&1 || true
	echo "tools/virtio: 0 passed, 1 failed (build, log: $log)"
	exit 1
fi
pass=0 fail=0
for args in "" "--indirect" "--eventidx" "--indirect --eventidx --parallel"; do
	# shellcheck disable=SC2086 # options
	if timeout 120 "$d/vringh_test" $args >>"$log" 2>&1; then
		pass=$((pass + 1)); echo "ok - vringh_test $args"
	else
		fail=$((fail + 1)); echo "not ok - vringh_test $args"
	fi
done
make -C "$d" clean >/dev/null 2>&1 || true
echo "tools/virtio: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
