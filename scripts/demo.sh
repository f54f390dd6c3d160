#!/bin/sh
# The main job: boot a kernel variant under an emulated IOMMU with every kind
# of virtio device and print, per device, its transport, ACCESS_PLATFORM, DMA
# path and verified I/O.  Exits non-zero unless every device verified its
# I/O on the path config/matrix.tsv expects for it.
# usage: [BASE=NAME] demo.sh [VARIANT] [IOMMU] [MODE]   (default: series intel translated)
set -eu
. "$(dirname "$0")/lib.sh"
exec python3 "$top/scripts/vdma.py" demo --base "$BASE" "$@"
