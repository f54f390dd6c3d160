#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""snapshot: what the harness does, as text, to compare before and after a
refactoring of scripts/vdma.py (nothing is booted, nothing built).

  scripts/snapshot.py qemu   QEMU's argv and kernel command line, the
                             devices (type, tag, what they must report) and
                             the host's disk checks of every scenario: each
                             row of config/matrix.tsv, lifecycle.tsv (its
                             plug rows with their hot-plugged devices) and
                             platforms.tsv; every IOMMU x mode x kind of
                             config/kinds.tsv; each demo boot (every kind
                             at once)
  scripts/snapshot.py judge  the verdict (result, signature, observed,
                             detail, findings) of every recorded boot of
                             harness/fixtures against its cases.tsv
                             expectations and a fixed set of others

    scripts/snapshot.py qemu >/tmp/before.qemu   # ... change ...
    scripts/snapshot.py qemu | diff /tmp/before.qemu -
"""

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vdma  # noqa: E402
import vdma_model  # noqa: E402

# fixed paths: the snapshot must not depend on where it ran
OUT = Path('/nonexistent/out')
GUEST = Path('/nonexistent/guest')
EXPECT = ('bypass', 'direct', 'iommu', 'direct+direct', 'bypass+phys', 'iommu+dma',
          'direct+dma', 'n/a+direct', 'bypass@nobounce', 'direct@bounce', 'any',
          'fail:qemu-index-error', 'fail:leak', 'fail:dma-debug', 'fail:timeout',
          'bypass bypass', 'iommu+dma direct+dma')


def host_checks(sc):
    """The disk images run_boot() checks on the host after a boot of SC:
    (key in run.json's disks, image name, serial)."""
    return [(tag, f, tag) for tag, f in sc.host_checks()]


def scenario(tag, sc, plug=False):
    """The lines of one scenario."""
    out = [f'== {tag} plug={plug}']
    tmp = Path(tempfile.mkdtemp())
    guest = tmp / 'guest'
    guest.mkdir()
    (guest / 'vtest-host').write_text('#!/bin/sh\n: >"$2"\n')
    (guest / 'vtest-host').chmod(0o755)
    try:
        p = [] if plug else None
        argv, append = vdma.qemu_command(sc, 'KERNEL', 'INITRD', tmp, 7, guest, qmp='QMP', plug=p)
        text = '\n'.join(argv + [append]).replace(str(tmp), str(OUT)).replace(str(guest), str(GUEST))
        out += text.split('\n')
        out += [f'plug {d}' for d in (p or [])]
        out += [f'device {d}' for d in sc.devices()]
        out += [f'hostcheck {c}' for c in host_checks(sc)]
    except vdma.HarnessError as e:
        out.append(f'error {e}')
    finally:
        shutil.rmtree(tmp)
    return out


def qemu():
    m = vdma.model()
    lines, seen = [], set()
    for t in ('matrix', 'lifecycle', 'platforms'):
        for r in vdma.table(t):
            plug = 'vtest.plug=' in r.append
            lines += scenario(f'{t} {r.id}', vdma.Scenario(r.iommu, r.mode, [r.kind]), plug)
            seen.add((r.iommu, r.mode, r.kind))
    for io in m.iommus:
        for mode in vdma_model.MODES:
            for k in m.kinds:
                for plug in (False, True):
                    lines += scenario(f'product {io} {mode} {k}', vdma.Scenario(io, mode, [k]),
                                      plug)
            # the demo's boot: every kind at once (cmd_demo)
            kinds = [k.kind for k in vdma.table('kinds') if not (io == 'mmio' and k.mmio == 'x')]
            lines += scenario(f'demo {io} {mode}', vdma.Scenario(io, mode, kinds))
    for io in m.iommus.values():
        for k in m.kinds.values():
            try:
                lines.append(f'tags {io.iommu} {k.kind} {vdma.device_tags(k, io)}')
            except vdma.HarnessError as e:
                lines.append(f'tags {io.iommu} {k.kind} error {e}')
    return lines


def judge():
    fix = vdma.TOP / 'harness' / 'fixtures'
    want = {}
    for c in vdma.read_tsv(fix / 'cases.tsv'):
        want.setdefault(c['fixture'], []).append(c['expect'])
    lines = []
    for d in sorted(p for p in fix.iterdir() if (p / 'run.json').exists()):
        run = vdma.load_run(d)
        for exp in want.get(d.name, []) + list(EXPECT):
            v = vdma.judge(run, exp)
            lines.append(f'{d.name} | {exp} | {v.result} | {v.signature} | {v.observed} | '
                         f'{v.detail} | {v.findings}')
    return lines


if __name__ == '__main__':
    what = sys.argv[1] if len(sys.argv) == 2 else ''
    if what not in ('qemu', 'judge'):
        sys.exit(__doc__)
    print('\n'.join(qemu() if what == 'qemu' else judge()))
