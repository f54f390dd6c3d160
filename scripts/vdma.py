#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""vdma: boot, judge and report the QEMU scenarios of the virtio DMA harness.

One module for the data path of every boot (matrix, demo, bisect, the
harness mutants): a scenario is a row of data (config/matrix.tsv, with
config/iommus.tsv and config/kinds.tsv saying how QEMU makes it), the guest
/init (guest/vtest.c) prints "VTEST ..." lines, and one judge turns the
console, QEMU's log and the host's disk checks into one verdict:

  PASS   the row's expectation holds exactly;
  FAIL   the kernel under test did something else (a named signature);
  ERROR  the harness could not test (QEMU missing or failing to start, a
         timeout before /init, a console or DMA-API dump it cannot read):
         never a pass, never an expected failure.

Commands (see --help): guest, matrix (--rejudge), demo, results, brief,
bench-report, bench-brief; and the pipeline's stages, every make target
(check, tree, build, kunit, mutants, lifecycle, ...: scripts/vdma_pipeline.py,
`vdma.py check --plan` prints the steps of make check).
Configuration: config/*.tsv, read once and every expectation parsed before
anything boots (scripts/vdma_model.py: the model and the expectation grammar).
Results: build/results/BASE/matrix/VARIANT/ROW/ (console.log, qemu.log,
cmdline, run.json) and build/results/BASE/matrix.{json,ktap,txt}; every
result carries its provenance.  Tests: scripts/test_vdma.py (make selftest).
"""

import argparse
import collections
import concurrent.futures
import hashlib
import json
import os
import random
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import vdma_model
import vdma_pipeline
from vdma_model import (GUEST_TYPES, NOT_RUN, SIGNATURES, SUFFIX_PAIRS, HarnessError, Row,
                        as_expectation, device_fields, parse_expectation)

TOP = Path(__file__).resolve().parent.parent
CONFIG = TOP / 'config'
BUILD = TOP / 'build'
RESULTS = BUILD / 'results'

QEMU_TIMEOUT = 60		# seconds a boot may take, from QEMU's start
BROKEN_GRACE = 5		# seconds after QEMU marked a virtio device broken
APPEND = ('panic=-1 oops=panic loglevel=4 iommu.strict=1')	# after console=


def die(msg):
    raise HarnessError(msg)


# ---------------------------------------------------------------- data

def model():
    """The configuration (config/*.tsv), read once: scripts/vdma_model.py."""
    return vdma_model.load(CONFIG)


def read_tsv(path):
    """Rows of a tab-separated file as dicts by header (the first line that
    is not a comment); empty and '#' lines are skipped."""
    return [cells for _, cells in vdma_model.read_tsv_lines(path)[2]]


def table(name):
    """The rows of a table of boots (config/matrix.tsv, ...: Row), or the
    objects of config/bases.tsv, variants.tsv, arches.tsv, iommus.tsv,
    kinds.tsv."""
    m = model()
    typed = dict(bases=m.bases, variants=m.variants, arches=tuple(m.arches.values()),
                 iommus=tuple(m.iommus.values()), kinds=tuple(m.kinds.values()))
    return list(typed[name]) if name in typed else list(m.table(name).rows)


def table_row(name, column, value, what):
    """The object of config/NAME.tsv whose COLUMN is VALUE; die naming WHAT."""
    for r in table(name):
        if getattr(r, column) == value:
            return r
    die(f"vdma: no {what} '{value}' in config/{name}.tsv")


def base_row(base):
    return model().base(base)


def base_kinds(base):
    """The device kinds a base's boots carry (config/bases.tsv, "kinds")."""
    return list(base_row(base).kinds)


def primary_base():
    return model().primary_base.name


def base_of(a):
    """A command's base: --base, else $BASE (make's, a step's), else the
    primary base."""
    return a.base or os.environ.get('BASE') or primary_base()


def variants_of(base, tname=None):
    """The variant names that exist on a base, in config/variants.tsv order;
    with TNAME, those config/TNAME.tsv has a column for (VARIANT on the
    primary base, BASE:VARIANT on another): the kernels its rows boot."""
    return model().variants_of(base, tname)


def variant_row(name):
    return model().variant(name)


def expectation(row, base, variant):
    """A row's expectation for a variant on a base (its column: VARIANT on
    the primary base, BASE:VARIANT on another), parsed
    (vdma_model.Expectation)."""
    return row.expectation(base, variant)


def arch_row(arch):
    """A row of config/arches.tsv: how a guest kernel of that architecture
    is built and booted."""
    return model().arch(arch)


def iommu_row(iommu):
    return model().iommu(iommu)


def arch_of(iommu):
    """The architecture a row of config/iommus.tsv boots."""
    return iommu_row(iommu).arch


def row_id(row):
    """A row's name: iommu-mode-kind, after the scenario's name where the
    table has one (config/lifecycle.tsv); of a Row or of a result."""
    if isinstance(row, Row):
        return row.id
    return vdma_model.row_id(row['iommu'], row['mode'], row['kind'], row.get('name') or '')


def match_filter(row, flt):
    """MATRIX_FILTER (Row.match)."""
    return row.match(flt)


# ---------------------------------------------------------------- scenario

@dataclass
class Scenario:
    """One boot: an IOMMU, a mode and the kinds of device it carries."""
    iommu: str
    mode: str			# translated | passthrough | -
    kinds: list

    def devices(self):
        """What the guest must find, per kind the devices of its "devices"
        column (config/kinds.tsv), with the tag each carries and what it
        must report."""
        io = iommu_row(self.iommu)
        devs = []
        for k in self.kinds:
            kr = model().kinds[k]
            common = dict(row_kind=k, kind=kr.reports, transport=io.bus, ap=kr.ap)
            for t, tag in device_tags(kr, io):
                devs.append(dict(common, type=t, tag=tag))
        return devs

    def host_checks(self):
        """The files the host checks after the boot (DeviceType.checked: the
        disks of virtio-blk and virtio-scsi): (tag, file in the boot's
        folder), run.json's "disks" by tag."""
        io = iommu_row(self.iommu)
        return [(f['tag'], f['file']) for k in self.kinds
                for t, f in device_fields(model().kind(k), io) if t.checked]


def device_tags(kr, io):
    """(type the guest reports, tag) of each device of a kinds.tsv row
    booted on an IOMMU row (config/iommus.tsv): DeviceType.tag
    (scripts/vdma_model.py DEVICE_TYPES)."""
    return [(t.guest, f['tag']) for t, f in device_fields(kr, io)]


def device_arg(t, f, bus, addrs, opt):
    """The -device argument of a device of type T with fields F on BUS;
    ADDRS: the PCI addresses the IOMMU row has left for each type (taken
    from); OPT: the kind's and the IOMMU row's properties."""
    arg = f"{t.driver(bus)},{t.props.format(**f)}"
    if bus != 'mmio':
        arg += t.pci_props
        if addrs.get(t.guest):
            # a given address; the first function of a slot that others
            # share is made multifunction
            a = addrs[t.guest].pop(0)
            slot, _, fn = a.partition('.')
            arg += f',addr=0x{a}' + (',multifunction=on' if fn in ('', '0') and any(
                b.partition('.')[0] == slot for b in addrs[t.guest]) else '')
        elif t.placed:
            arg += f",addr=0x{f['slot']}"
    return arg + opt


def tsc_khz():
    """The host's TSC rate (the guest's under TCG); "cpu MHz" (the current
    clock) only where the host does not expose it."""
    try:
        return int(Path('/sys/devices/system/cpu/cpu0/tsc_freq_khz').read_text())
    except (OSError, ValueError):
        pass
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('cpu MHz'):
                return int(float(line.split(':')[1]) * 1000)
    except OSError:
        pass
    return None


def qemu_binary(arch='x86_64'):
    """QEMU for an architecture; $VDMA_QEMU replaces the x86_64 one."""
    q = arch_row(arch).qemu
    return os.environ.get('VDMA_QEMU', q) if arch == 'x86_64' else q


def strip_devices(args, devs):
    """ARGS without its virtio -device options, each appended to DEVS as
    QMP device_add arguments (driver and properties)."""
    out, i = [], 0
    while i < len(args):
        if args[i] == '-device' and args[i + 1].startswith('virtio-'):
            driver, *props = args[i + 1].split(',')
            devs.append(dict(driver=driver, **dict(p.split('=', 1) for p in props)))
            i += 2
        else:
            out.append(args[i])
            i += 1
    return out


def qemu_command(sc, kernel, initrd, outdir, seed, guest, qmp=None, plug=None):
    """QEMU's argv and the kernel command line for a scenario; with PLUG (a
    list), the virtio devices are not on the command line but in PLUG, to be
    hot-added."""
    io = iommu_row(sc.iommu)
    ar = arch_row(io.arch)
    kinds = model().kinds
    pt = {'translated': '0', 'passthrough': '1', '-': '0'}[sc.mode]
    args = io.qemu.split()
    machine = len(args)		# the machine's and the IOMMU's own options end here
    append = f"console={ar.console} " + APPEND + f' vtest.seed={seed}'
    if io.append != '-':
        khz = tsc_khz()
        extra = io.append.replace('{pt}', pt)
        if '{tsc_khz}' in extra:
            extra = extra.replace('{tsc_khz}', str(khz)) if khz else \
                ' '.join(w for w in extra.split() if '{tsc_khz}' not in w)
        append += ' ' + extra
    for k in sc.kinds:
        if k not in kinds:
            die(f"vdma: unknown kind '{k}' (config/kinds.tsv)")
        kr = kinds[k]
        mmio = io.bus == 'mmio'
        if mmio:
            if kr.mmio == 'x':
                die(f"vdma: kind {k} does not exist on virtio-mmio")
            if kr.mmio != '-':
                args += ['-global', kr.mmio]
            opt = ''
        else:
            opt = ',' + kr.pci + ('' if io.pci == '-' else ',' + io.pci)

        addrs = io.pci_addrs()
        for t, f in device_fields(kr, io):
            f = dict(f, file=str(outdir / f['file']), dir=str(outdir / f['dir']))
            if t.file:
                Path(f['dir']).mkdir(parents=True, exist_ok=True)
                subprocess.run([str(guest / 'vtest-host'), t.make, f['file'], f['tag'],
                                str(seed)], check=True)
            args += [a.format(**f) for a in t.backend]
            args += ['-device', device_arg(t, f, io.bus, addrs, opt)]
            args += [a.format(**f) for a in t.after]
    if plug is not None:
        # vtest.plug=: the devices are hot-added by the host when the guest
        # asks (run_boot); each gets a PCIe root port of its own.  Disks are
        # -blockdev nodes: a -drive is deleted with the device it was
        # plugged into, and the next round could not plug it again.
        devs = []
        args = args[:machine] + strip_devices(args[machine:], devs)
        args = [re.sub(r'^file=([^,]+),format=raw,if=none,id=(\w+),cache=writethrough$',
                       r'driver=raw,node-name=\2,file.driver=file,file.filename=\1', a)
                for a in args]
        args = ['-blockdev' if a == '-drive' else a for a in args]
        # PCIe native hot-plug (pciehp), not q35's ACPI hot-plug, its default
        # since QEMU 6.1
        args += ['-global', 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off']
        for n, d in enumerate(devs, 1):
            # io-reserve: the firmware gives a root port no I/O window for
            # hot-plug unless asked, and a legacy device needs one
            args += ['-device', f'pcie-root-port,id=rp{n},chassis={n},slot={n},io-reserve=4k']
            plug.append(dict(d, bus=f'rp{n}', id=f'hp{n}'))
        append += f' vtest.plugdevs={len(devs)}'
    if qmp:
        args += ['-qmp', f'unix:{qmp},server=on,wait=off']
    args += ['-nodefaults', '-no-reboot', '-nographic', '-monitor', 'none',
             '-serial', f'file:{outdir}/console.log', '-smp', '1']
    if '-m' not in args:	# the IOMMU row may size the RAM (ppce500: above 4 GiB)
        args += ['-m', '512']
    if ar.cpu != '-':
        args += ['-cpu', ar.cpu]
    if io.dtb != '-':	# the machine's own device tree, changed (machine_dtb())
        args += ['-dtb', str(outdir / 'machine.dtb')]
    args += ['-accel', 'tcg', '-kernel', str(kernel), '-initrd', str(initrd)]
    return [qemu_binary(ar.arch)] + args, append


# FDT (flattened device tree) structure tokens
FDT_MAGIC, FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 0xd00dfeed, 1, 2, 3, 4, 9


def fdt_without(blob, node, prop):
    """BLOB, a flattened device tree, with the property PROP of every node
    whose name starts with NODE overwritten by FDT_NOP tokens (the tree
    keeps its size and offsets), and how many were."""
    try:
        return _fdt_without(bytearray(blob), node, prop)
    except struct.error as e:
        raise ValueError(f'a truncated flattened device tree: {e}') from e


def _fdt_without(b, node, prop):
    if len(b) < 40 or struct.unpack_from('>I', b)[0] != FDT_MAGIC:
        raise ValueError('not a flattened device tree')
    off_struct, off_strings = struct.unpack_from('>II', b, 8)
    size_struct = struct.unpack_from('>I', b, 36)[0]
    pos, end, path, n = off_struct, off_struct + size_struct, [], 0
    while pos < end:
        tok = struct.unpack_from('>I', b, pos)[0]
        if tok == FDT_BEGIN_NODE:
            e = b.index(0, pos + 4)
            path.append(b[pos + 4:e].decode())
            pos = (e + 4) & ~3
        elif tok == FDT_END_NODE:
            path.pop()
            pos += 4
        elif tok == FDT_PROP:
            size, nameoff = struct.unpack_from('>II', b, pos + 4)
            nxt = pos + 12 + ((size + 3) & ~3)
            name = b[off_strings + nameoff:b.index(0, off_strings + nameoff)].decode()
            if path and path[-1].startswith(node) and name == prop:
                b[pos:nxt] = struct.pack('>I', FDT_NOP) * ((nxt - pos) // 4)
                n += 1
            pos = nxt
        elif tok == FDT_NOP:
            pos += 4
        elif tok == FDT_END:
            break
        else:
            raise ValueError(f'unknown FDT token {tok} at offset {pos}')
    return bytes(b), n


def fdt_packed(blob):
    """BLOB cut after its strings block, where that block is last (QEMU
    dumps its tree in a 1 MiB buffer: passed back with -dtb at that size,
    arm64 virt boots no kernel)."""
    off_struct, off_strings, off_rsv = struct.unpack_from('>III', blob, 8)
    size_strings, size_struct = struct.unpack_from('>II', blob, 32)
    end = (off_strings + size_strings + 7) & ~7
    if off_strings < off_struct + size_struct or off_strings < off_rsv or end >= len(blob):
        return blob
    return blob[:4] + struct.pack('>I', end) + blob[8:end]


def machine_dtb(argv, change, out):
    """OUT: the device tree QEMU makes for the machine of ARGV (its
    dumpdtb), with CHANGE (vdma_model.DTB_CHANGES) made; '' or why it could
    not be."""
    dump = out.with_name('machine-qemu.dtb')
    cmd = [a for i, a in enumerate(argv) if a != '-dtb' and (i == 0 or argv[i - 1] != '-dtb')]
    r = subprocess.run(cmd + ['-machine', f'dumpdtb={dump}'], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=60)
    if not dump.is_file():
        return f'QEMU dumped no device tree (rc={r.returncode}): {r.stderr.strip()[:160]}'
    node, prop = vdma_model.DTB_CHANGES[change]
    try:
        blob, n = fdt_without(dump.read_bytes(), node, prop)
    except ValueError as e:
        return f'{dump}: {e}'
    if not n:
        return f"QEMU's device tree has no {prop} in a node {node}*: nothing to change"
    out.write_bytes(fdt_packed(blob))
    return ''


# ---------------------------------------------------------------- running

def need_qemu(arch='x86_64'):
    """Stop with one line when QEMU is not there, instead of an ERROR a row."""
    if not shutil.which(qemu_binary(arch)):
        die(f"{qemu_binary(arch)} not found: run 'make deps'"
            + (' (apt-get install qemu-system-x86)' if arch == 'x86_64'
               else " ('python3 scripts/vdma.py deps platforms')"))


def guest_dir(arch='x86_64'):
    """Where the guest of an architecture is built: build/guest for x86_64
    ($VDMA_GUEST), build/guest-ARCH for the others."""
    if arch == 'x86_64':
        return Path(os.environ.get('VDMA_GUEST', BUILD / 'guest'))
    return BUILD / f'guest-{arch}'


def cpio_newc(entries):
    """A newc archive of (name, mode, data or (major, minor)) entries: /init
    and /dev/console without needing root (no mknod)."""
    out, ino = bytearray(), 1
    for name, mode, data in entries + [('TRAILER!!!', 0, b'')]:
        rdev = (0, 0)
        if isinstance(data, tuple):
            rdev, data = data, b''
        nb = name.encode() + b'\0'
        hdr = '070701' + ''.join(f'{x:08X}' for x in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0))
        out += hdr.encode() + nb
        out += b'\0' * (-len(out) % 4) + data
        out += b'\0' * (-len(out) % 4)
        ino += 1
    return bytes(out)


def build_guest(src=None, dest=None, arch='x86_64'):
    """Static /init for the guest's architecture (Debian's cross compiler
    and C library: config/arches.tsv), the host build of vtest and the
    initramfs, rebuilt when the source changes."""
    src = Path(src or os.environ.get('VDMA_GUEST_SRC', TOP / 'guest' / 'vtest.c'))
    dest = Path(dest or guest_dir(arch))
    ar = arch_row(arch)
    cross = '' if ar.cross == '-' else ar.cross
    stamp = dest / 'source.sha256'
    digest = hashlib.sha256(src.read_bytes() + (TOP / 'guest' / 'vtest.c').read_bytes()
                            + cross.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and (dest / 'initramfs.cpio').exists():
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    flags = ['-O2', '-Wall', '-Wextra', '-Werror']
    libc = 'libc6-dev' if ar.libc == '-' else ar.libc
    # the host's re-check of the disks is always built from the project's
    # own source: a mutated guest must not change the reference it is checked by
    for out, cc, c in ((('init', [cross + 'gcc', '-static'], src)),
                       ('vtest-host', ['gcc'], TOP / 'guest' / 'vtest.c')):
        try:
            r = subprocess.run(cc + flags + ['-o', str(dest / (out + '.tmp')), str(c)],
                               capture_output=True, text=True)
        except OSError as e:
            die(f"vdma: cannot build the guest program: {cc[0]}: {e.strerror} "
                "(python3 scripts/vdma.py deps platforms)")
        if r.returncode:
            die(f'vdma: cannot build the guest program {src}:\n{r.stderr}'
                + (f'\n(static libc: apt-get install {libc})' if 'lc' in r.stderr else ''))
        os.replace(dest / (out + '.tmp'), dest / out)
    init = (dest / 'init').read_bytes()
    (dest / 'initramfs.tmp').write_bytes(cpio_newc([
        ('dev', 0o040755, b''), ('dev/console', 0o020600, (5, 1)),
        ('init', 0o100755, init)]))
    os.replace(dest / 'initramfs.tmp', dest / 'initramfs.cpio')
    stamp.write_text(digest)
    return dest


def text_range(kernel, name):
    """[start, end) of the kernel text symbol NAME, from the System.map of
    the build KERNEL is in (the guest has no kallsyms; its kernel is not
    relocatable), or None."""
    smap = next((d / 'System.map' for d in Path(kernel).parents
                 if (d / 'System.map').is_file()), None)
    if not smap:
        return None
    text = [(int(a, 16), n) for a, t, n in (ln.split()[:3] for ln in
            smap.read_text().splitlines()) if t in ('t', 'T')]
    at = [a for a, n in text if n == name]
    end = min((a for a, _ in text if at and a > at[0]), default=None)
    return (at[0], end) if len(at) == 1 and end else None


def run_boot(sc, kernel, outdir, timeout=None, seed=None, append=''):
    """Boot one scenario; write console.log, qemu.log, cmdline and run.json
    in outdir and return the run record (a dict)."""
    timeout = timeout or int(os.environ.get('QEMU_TIMEOUT', QEMU_TIMEOUT))
    outdir = Path(outdir)
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    guest = build_guest(arch=arch_of(sc.iommu))
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    run = dict(status='not-started', rc=None, secs=0, seed=seed, timeout=timeout,
               disks={}, devices=sc.devices(), kernel=str(kernel), error='')
    (outdir / 'console.log').touch()
    (outdir / 'qemu.log').touch()
    if not Path(kernel).is_file():
        run.update(status='no-kernel', error=f'no kernel image {kernel}')
        return save_run(outdir, run)
    # vtest.faultfn=FUNCTION (the host's, not passed on): the fault step's
    # stack filter, default where the DMA API maps through an IOMMU
    m = re.search(r'\s*\bvtest\.faultfn=(\S+)', append)
    faultfn = m.group(1) if m else 'iommu_dma_map_phys'
    extra_append = append.replace(m.group(0), '') if m else append
    if re.search(r'vtest\.steps=\S*\bfault\b', extra_append):
        r = text_range(kernel, faultfn)
        if not r:
            run.update(status='no-kernel', error=f'the fault step needs {faultfn} '
                       f'in the System.map of {kernel}')
            return save_run(outdir, run)
        extra_append += f' vtest.faultat={r[0]:#x}-{r[1]:#x}'
    inputs = {d['tag'] for d in run['devices'] if GUEST_TYPES[d['type']].events}
    qdir = tempfile.mkdtemp(prefix='vdma-')	# a short socket path
    qmp = f'{qdir}/qmp'
    plug = [] if 'vtest.plug=' in extra_append else None
    argv, append = qemu_command(sc, kernel, guest / 'initramfs.cpio', outdir, seed, guest, qmp,
                                plug=plug)
    argv += ['-append', append + (' ' + extra_append if extra_append else '')]
    change = iommu_row(sc.iommu).dtb
    why = machine_dtb(argv, change, outdir / 'machine.dtb') if change != '-' else ''
    if why:
        run.update(status='qemu-failed', error=f'the device tree ({change}): {why}')
        return save_run(outdir, run)
    (outdir / 'cmdline').write_text(' '.join(
        a if re.fullmatch(r'[\w,=.:/+-]+', a) else f"'{a}'" for a in argv) + '\n')
    start = time.monotonic()
    try:
        with open(outdir / 'qemu.log', 'wb') as log:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    except OSError as e:
        run.update(status='qemu-missing', error=f'{argv[0]}: {e.strerror} (apt-get install qemu-system-x86)')
        return save_run(outdir, run)
    broken = None
    status = 'exited'
    sent = run['input'] = {}	# per tag, the result of each send
    handled = 0			# the guest's "VTEST listen" lines answered
    plugged = run['plug'] = []	# each hot-plug request of the guest and its outcome
    while p.poll() is None:
        now = time.monotonic()
        if plug is not None:
            console = (outdir / 'console.log').read_text(errors='replace')
            wants = re.findall(r'^VTEST want (plug|unplug) round=(\d+)', console, re.M)
            for what, rnd in wants[len(plugged):]:
                plugged.append(f'{what}{rnd}:' + hot_plug(qmp, plug, what))
        if inputs:
            # the guest listens once per test (vtest.steps= tests again)
            console = (outdir / 'console.log').read_text(errors='replace')
            listens = re.findall(r'^VTEST listen tag=(\S+)', console, re.M)
            for tag in listens[handled:]:
                if tag in inputs:
                    sent.setdefault(tag, []).append(send_input(qmp, tag, guest, seed))
            handled = len(listens)
        if broken is None and broken_virtio((outdir / 'qemu.log').read_text(errors='replace')):
            broken = now
        if broken is not None and now - broken >= BROKEN_GRACE:
            status = 'virtio-broken'
        elif now - start >= timeout:
            status = 'timeout'
        if status == 'timeout':
            run['virtio'] = virtio_state(qmp)
        if status != 'exited':
            p.terminate()
            try:
                p.wait(3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            break
        time.sleep(0.25)
    run.update(status=status, rc=p.returncode, secs=round(time.monotonic() - start, 1))
    shutil.rmtree(qdir, ignore_errors=True)
    for tag, f in sc.host_checks():
        r = subprocess.run([str(guest / 'vtest-host'), '--checkimg', str(outdir / f), tag,
                            str(seed)], capture_output=True, text=True)
        run['disks'][tag] = (r.stdout.strip() or r.stderr.strip() or 'bad:nooutput')
    return save_run(outdir, run)


def qmp_session(qmp):
    """A QMP connection: a function that runs one command and returns its
    reply (a dict with 'return' or 'error')."""
    so = socket.socket(socket.AF_UNIX)
    so.settimeout(5)
    so.connect(qmp)
    f = so.makefile('rwb')

    def cmd(name, args=None):
        f.write(json.dumps(dict(execute=name, **({'arguments': args} if args else {})))
                .encode() + b'\n')
        f.flush()
        while True:
            line = f.readline()
            if not line:
                raise OSError('QMP closed')
            rep = json.loads(line)
            if 'return' in rep or 'error' in rep:
                return rep
    json.loads(f.readline())		# the greeting
    cmd('qmp_capabilities')
    cmd.close = so.close
    return cmd


def virtio_state(qmp):
    """What QEMU's virtio devices were given, for a guest that hangs: the
    guest's RAM (the "memory" address space's ram regions) and, per virtio
    queue the driver set up, its ring addresses and progress."""
    out = dict(ram=[], queues=[])
    try:
        cmd = qmp_session(qmp)
        mtree = cmd('human-monitor-command', {'command-line': 'info mtree -f'}).get('return', '')
        view = re.search(r'^ AS "memory".*?(?=^FlatView|\Z)', mtree, re.M | re.S)
        for lo, hi in re.findall(r'^\s+([0-9a-f]+)-([0-9a-f]+) \(prio \d+, ram\)',
                                 view.group(0) if view else '', re.M):
            out['ram'].append([int(lo, 16), int(hi, 16)])
        for dev in cmd('x-query-virtio').get('return', []):
            for q in range(64):
                st = cmd('x-query-virtio-queue-status', dict(path=dev['path'], queue=q))
                if 'error' in st:
                    break
                st = st['return']
                if st['vring-desc']:
                    out['queues'].append(dict(
                        name=dev['name'], path=dev['path'], queue=q, desc=st['vring-desc'],
                        avail=st['vring-avail'], used=st['vring-used'],
                        last_avail=st['last-avail-idx'], used_idx=st['used-idx']))
        cmd.close()
    except (OSError, ValueError, KeyError) as e:
        out['error'] = f'QMP: {e}'
    return out


def ring_outside_ram(run):
    """For a boot that hung: a virtio queue whose rings QEMU was told are
    not in the guest's RAM (the driver handed the device addresses it
    cannot use: IOVAs to a device that does not translate), as a detail;
    else None."""
    v = run.get('virtio') or {}
    ram = v.get('ram') or []
    if not ram:
        return None
    inram = lambda a: any(lo <= a <= hi for lo, hi in ram)
    for q in v.get('queues', []):
        bad = [k for k in ('desc', 'avail', 'used') if not inram(q[k])]
        if bad:
            return (f"{q['name']} queue {q['queue']}: {bad[0]} ring at {q[bad[0]]:#x}, "
                    f"guest RAM {', '.join(f'{lo:#x}-{hi:#x}' for lo, hi in ram)}; "
                    f"{q['last_avail']} buffers taken, {q['used_idx']} used")
    return None


def blk_request_not_taken(run):
    """For a boot that hung before /init with its rings in RAM: a virtio-blk
    queue that never took a buffer, as a detail; else None.  virtio-blk
    reads the disk's partition table when it probes, so a set-up queue with
    nothing taken means the device looked for that request at another
    address than the driver put it (an IOVA that is also RAM)."""
    for q in (run.get('virtio') or {}).get('queues', []):
        if q['name'] == 'virtio-blk' and q['last_avail'] == 0:
            return (f"virtio-blk queue {q['queue']}: the probe's read never taken, "
                    f"rings at {q['desc']:#x}/{q['avail']:#x}/{q['used']:#x} (in RAM)")
    return None


def with_qmp(qmp, fn):
    """FN(cmd) on a QMP session (qmp_session()): what it returns, or
    "bad:qmp:..." when QEMU cannot be reached."""
    try:
        cmd = qmp_session(qmp)
        try:
            return fn(cmd)
        finally:
            cmd.close()
    except (OSError, ValueError) as e:
        return f'bad:qmp:{e}'


def send_input(qmp, tag, guest, seed):
    """Send the input device TAG its events (vtest-host --input: the guest
    expects the same) through QEMU's QMP socket: "sent", or what failed."""
    r = subprocess.run([str(guest / 'vtest-host'), '--input', tag, str(seed)],
                       capture_output=True, text=True)
    if r.returncode:
        return f'bad:vtest-host:{r.stderr.strip()[:80]}'
    events = []
    for v in map(int, r.stdout.split()):
        if tag.startswith('kbd'):
            key = dict(type='qcode', data=chr(ord('a') + v))
            events += [[dict(type='key', data=dict(down=d, key=key))] for d in (True, False)]
        else:
            events.append([dict(type='abs', data=dict(axis='x', value=v)),
                           dict(type='abs', data=dict(axis='y', value=v))])
    def send(cmd):
        for ev in events:
            rep = cmd('input-send-event', dict(events=ev))
            if 'error' in rep:
                return f"bad:qmp:{rep['error'].get('desc', '')[:80]}"
        return 'sent'
    return with_qmp(qmp, send)


# What QEMU says to a device_add while the device of the same ID that the
# guest just ejected is still being finalized: retried (hot_plug()).
HOT_PLUG_NOT_YET = ('Duplicate device ID', 'Permission conflict on node')


def hot_plug(qmp, devs, what):
    """device_add (plug) or device_del (unplug) of every device in DEVS over
    QMP: "ok", or what QEMU said.  device_add goes through the human
    monitor, which parses properties as -device does (QMP's device_add wants
    each property's own JSON type)."""
    def each(cmd):
        for d in devs:
            line = (f"device_add {d['driver']},"
                    + ','.join(f'{k}={v}' for k, v in d.items() if k != 'driver')
                    if what == 'plug' else f"device_del {d['id']}")
            for _ in range(20):	# a device the guest just ejected may
                rep = cmd('human-monitor-command', {'command-line': line})
                said = rep.get('error', {}).get('desc', '') or rep.get('return', '')
                # still be there, by its ID or still holding its disk's
                # block node (measured once: "Permission conflict on node")
                if not any(m in said for m in HOT_PLUG_NOT_YET):
                    break
                time.sleep(0.5)
            if said.strip():
                return f"bad:{d['id']}:{said.strip()[:80]}"
        return 'ok'
    return with_qmp(qmp, each)


def broken_virtio(qemu_log):
    """QEMU marked a virtio device broken: its guest cannot complete that
    I/O any more, so the boot is stopped BROKEN_GRACE seconds later."""
    return any(rx.search(qemu_log) for sig, rx in QEMU_PATTERNS
               if sig in ('qemu-index-error', 'virtio-error'))


def save_run(outdir, run):
    (Path(outdir) / 'run.json').write_text(json.dumps(run, indent=1) + '\n')
    return run


def load_run(outdir):
    outdir = Path(outdir)
    run = json.loads((outdir / 'run.json').read_text())
    run['console'] = (outdir / 'console.log').read_text(errors='replace')
    run['qemu'] = (outdir / 'qemu.log').read_text(errors='replace')
    return run


# ---------------------------------------------------------------- parsing

# The VTEST protocol (doc/protocol.md): the guest's report, one console line
# "VTEST TYPE REST" each.  PROTOCOL_VERSION is the version this judge reads:
# the begin line's proto= (VTEST_PROTO in guest/vtest.c); a console of
# another version or of none is an ERROR (protocol-mismatch).
PROTOCOL_VERSION = 1


@dataclass(frozen=True)
class LineType:
    """A type of VTEST line "VTEST TYPE REST", REST being KEY=VALUE words
    separated by blanks.  keys: every key the guest prints in it (other
    keys are ignored); required: those the judge reads (a line without one
    is a garbled console); form: for a line whose REST is not only such
    words, the regular expression REST must match ('text': anything, no
    key), shown as shape; tail: the key whose value is the rest of the
    line, blanks included."""
    keys: tuple
    required: tuple
    form: str = ''
    shape: str = ''
    tail: str = ''


_DEV = ('name', 'type', 'transport', 'addr', 'id', 'kind', 'tag', 'ap', 'path',
        'maps', 'direct', 'bounced', 'dma_path', 'io', 'unbind', 'leaks', 'override')
PROTOCOL = {
    'begin': LineType(('proto', 'kernel', 'seed', 'cmdline'), ('proto', 'cmdline'),
                      tail='cmdline'),
    'fatal': LineType((), (), form='text', shape='TEXT'),
    'fill': LineType(('mb', 'next'), ('mb',)),
    'want': LineType(('round',), ('round',), form=r'(plug|unplug) round=\d+',
                     shape='plug|unplug round=N'),
    'step': LineType(('name', 'result', 'group'), ('name', 'result')),
    'listen': LineType(('tag',), ('tag',)),
    'dump': LineType(('available', 'entries', 'unparsed'), ('available', 'entries', 'unparsed')),
    'dev': LineType(_DEV, tuple(k for k in _DEV if k not in ('bounced', 'override'))),
    'fault': LineType(('dev', 'injected', 'of'), ('dev', 'injected', 'of')),
    'unplug': LineType(('round', 'result', 'left'), ('round', 'result', 'left')),
    'soak': LineType(('cycles', 'devices', 'bad', 'entries', 'slab', 'first'),
                     ('cycles', 'bad', 'entries', 'slab', 'first')),
    'dmadebug': LineType(('errors', 'available'), ('errors', 'available')),
    'swiotlb': LineType(('hiwater', 'available'), ('hiwater',)),
    # a record may be empty (pr_warn("\n")): its line ends at the level;
    # "kmsg error=ERRNO" (no /dev/kmsg) has no level: a garbled console
    'kmsg': LineType(('level', 'error'), ('level',), form=r'level=\d(?: .*)?',
                     shape='level=N [TEXT]'),
    'kmsgsum': LineType(('lines', 'shown', 'lost'), ('lines', 'shown', 'lost')),
    'end': LineType(('devices',), ('devices',)),
    # vtest.xsk=1 only: a NIC pair's frames through an AF_XDP socket
    'xsk': LineType(('name', 'tag', 'from', 'reset', 'result', 'frames', 'corrupt', 'dup',
                     'maps', 'direct', 'left'), ('name', 'tag', 'result')),
}


@dataclass
class Boot:
    """What the guest printed, parsed."""
    begin: bool = False
    end: bool = False
    proto: str = None		# the begin line's protocol version (None: none)
    devices: list = field(default_factory=list)
    dump: dict = field(default_factory=dict)
    dmadebug: dict = field(default_factory=dict)
    kmsg: list = field(default_factory=list)	# (level, text)
    kmsgsum: dict = field(default_factory=dict)
    fatal: list = field(default_factory=list)
    fill: str = ''
    swiotlb: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)
    soak: dict = field(default_factory=dict)
    unplugs: list = field(default_factory=list)
    faults: list = field(default_factory=list)
    xsk: list = field(default_factory=list)	# vtest.xsk=1: the AF_XDP tests
    cmdline: str = ''
    garbled: list = field(default_factory=list)	# the lines
    garbled_why: list = field(default_factory=list)	# what is wrong with each
    end_devices: int = -1

    def bad(self, line, why):
        self.garbled.append(line)
        self.garbled_why.append(why)


def fields(text, tail=''):
    """The KEY=VALUE words of TEXT; the value of TAIL (a key) is all that
    follows it."""
    out = {}
    m = re.search(rf'(?:^| ){tail}=', text) if tail else None
    if m:
        out[tail] = text[m.end():]
        text = text[:m.start()]
    for w in text.split():
        if '=' in w:
            k, v = w.split('=', 1)
            out[k] = v
    return out


def protocol_error(what, rest):
    """What is wrong with the line "VTEST WHAT REST" (PROTOCOL), or ''."""
    lt = PROTOCOL.get(what)
    if lt is None:
        return f'unknown line type VTEST {what}'
    if lt.form == 'text':
        return ''
    f = fields(rest, lt.tail)
    missing = [k for k in lt.required if k not in f]
    if missing:
        return f'VTEST {what} has no key {missing[0]}'
    if lt.form and not re.fullmatch(lt.form, rest):
        return f"VTEST {what} is not 'VTEST {what} {lt.shape}'"
    return ''


def parse_console(text):
    """The VTEST lines of a console (PROTOCOL).  A line that breaks the
    protocol is kept in garbled, with what is wrong with it, not parsed;
    a begin line is always taken (the guest ran: its version is judged)."""
    b = Boot()
    for raw in text.replace('\r', '').split('\n'):
        line = raw.rstrip()
        if not line.startswith('VTEST'):
            if 'VTEST ' in line:	# interleaved with kernel output
                b.bad(line, 'a VTEST line inside other output')
            continue
        m = re.match(r'VTEST (\w+)(?: (.*))?$', line)
        if not m:
            b.bad(line, "not 'VTEST TYPE ...'")
            continue
        what, rest = m.group(1), m.group(2) or ''
        why = protocol_error(what, rest)
        if why:
            b.bad(line, why)
        f = fields(rest, PROTOCOL[what].tail) if what in PROTOCOL else {}
        if what == 'begin':
            b.begin = True
            b.proto = f.get('proto')
            b.cmdline = f.get('cmdline', '')
        elif why:
            continue
        elif what == 'end':
            b.end = True
            n = f['devices']
            b.end_devices = int(n) if n.isdigit() else -1
        elif what == 'dev':
            b.devices.append(f)
        elif what == 'dump':
            b.dump = f
        elif what == 'dmadebug':
            b.dmadebug = f
        elif what == 'kmsg':
            m2 = re.match(r'level=(\d)(?: (.*))?$', rest)
            b.kmsg.append((int(m2.group(1)), m2.group(2) or ''))
        elif what == 'kmsgsum':
            b.kmsgsum = f
        elif what == 'fatal':
            b.fatal.append(rest)
        elif what in ('listen', 'want'):
            pass		# for the host while the guest runs (run_boot)
        elif what == 'swiotlb':
            b.swiotlb = f
        elif what == 'unplug':
            b.unplugs.append(f)	# vtest.plug=: a round's removal
        elif what == 'soak':
            b.soak = f		# vtest.soak=: bind, I/O, unbind, again and again
        elif what == 'fault':
            b.faults.append(f)	# the fault step: failures injected
        elif what == 'step':
            b.steps.append(f)	# vtest.steps=: the lines after it are its test
        elif what == 'fill':
            b.fill = f['mb']	# memory taken before the I/O (vtest.fill=)
        elif what == 'xsk':
            b.xsk.append(f)	# vtest.xsk=1: a NIC pair's AF_XDP test
    return b


# ---------------------------------------------------------------- judging

# Kernel and QEMU lines that mean the boot failed, by signature.  The kernel's
# own lines come from the console (level < 4) and from the guest's copy of
# every kmsg line of level <= 4.
KERNEL_PATTERNS = [
    ('panic', re.compile(r'Kernel panic')),
    ('oops', re.compile(r'\bBUG:|\bOops\b|general protection fault|kernel BUG at|'
                        r'Unable to handle kernel|unable to handle page fault')),
    # every IOMMU fault line of 6.12 and 7.3 (all KERN_ERR): VT-d, AMD-Vi,
    # virtio-iommu
    ('iommu-fault', re.compile(
        r'DMAR: DRHD: handling fault status|DMAR: \[(DMA Read|DMA Write|INTR-REMAP)|'
        r'Event logged \[|'
        r'virtio_iommu .*(fault from EP|invalid event buffer)')),
    ('dma-overlap', re.compile(r'DMA-API: .*(cacheline tracking EEXIST|overlapping mappings)')),
    ('dma-debug', re.compile(r'DMA-API: ')),
    ('kernel-warning', re.compile(r'WARNING: |------------\[ cut here \]------------|Call Trace')),
]
# What QEMU 7.2 prints on stderr by default (virtio_error() marks the device
# broken; VT-d and virtio-iommu translation failures; AMD's only go to traces).
QEMU_PATTERNS = [
    ('qemu-index-error', re.compile(r'Guest says index \d+ is available|'
                                    r'Guest moved used index from')),
    ('virtio-error', re.compile(
        r'Desc next is \d+|Looped descriptor|Invalid size for indirect buffer table|'
        r'Cannot map (desc|used|avail|descriptor ring|indirect buffer)|'
        r'Virtqueue size exceeded|Incorrect order for descriptors|'
        r'Region caches not initialized|virtio: (bogus descriptor|zero sized buffers|'
        r'too many write descriptors|error trying to map MMIO|unexpected memory split)')),
    ('iommu-fault', re.compile(
        r'vtd_\w+: (detected|invalid|xlat address)|vtd_\w+: .*not supported|'
        r'New fault is not recorded|Next Fault Recording Reg is used|'
        r'There are pending faults already|'
        r'virtio_iommu_translate |no buffer available in event queue|'
        r'failed to remap interrupt from devid')),
]
# SIGNATURES (the order in which findings name a boot's failure: the first
# one found is its signature) and ERRORS (what the harness could not test)
# are the expectation grammar's: scripts/vdma_model.py.
# What a device's I/O must report to count as verified: its DeviceType's
# io_ok (scripts/vdma_model.py DEVICE_TYPES, by the type the guest reports:
# GUEST_TYPES).


@dataclass
class Verdict:
    result: str			# PASS | FAIL | ERROR
    signature: str		# the boot's outcome: a path, a failure, an error
    observed: str		# per-device paths, or what was seen
    detail: str = ''
    findings: list = field(default_factory=list)


def path_of(dev):
    return dev['path'] + ('' if dev['dma_path'] == 'n/a' else '+' + dev['dma_path'])


def findings(run, boot):
    """Every failure seen in a boot, as (signature, detail), in no order."""
    out = []
    for sig, rx in QEMU_PATTERNS:
        m = [line for line in run.get('qemu', '').splitlines() if rx.search(line)]
        if m:
            out.append((sig, 'qemu: ' + m[0][:160]))
    lines = [(0, line) for line in run.get('console', '').splitlines()
             if not line.startswith('VTEST kmsg ')] + boot.kmsg
    for sig, rx in KERNEL_PATTERNS:
        m = [t for _, t in lines if rx.search(t)]
        if m:
            out.append((sig, 'kernel: ' + m[0][:160]))
    ring = ring_outside_ram(run)
    if ring:
        out.append(('ring-outside-ram', 'qemu: ' + ring))
    elif not boot.begin and run['status'] == 'timeout' and blk_request_not_taken(run):
        out.append(('blk-request-not-taken', 'qemu: ' + blk_request_not_taken(run)))
    if boot.begin and not boot.end:
        out.append(('timeout' if run['status'] == 'timeout' else 'no-init',
                    f"guest did not finish (QEMU {run['status']}, {run['secs']}s)"))
    want = {d['tag']: d for d in run['devices']}
    seen = {}
    for d in boot.devices:
        if d['tag'] in want and d['tag'] in seen:
            out.append(('unexpected-device', f"{d['name']} repeats tag {d['tag']}"))
        elif d['tag'] in want:
            seen[d['tag']] = d
        elif d['type'] in GUEST_TYPES:
            out.append(('unexpected-device', f"{d['name']} {d['type']} tag={d['tag']}"))
    if boot.end:
        missing = [t for t in want if t not in seen]
        if missing:
            out.append(('missing-device', 'not found: ' + ' '.join(missing)))
    for tag, d in seen.items():
        w = want[tag]
        for key, sig in (('kind', 'wrong-kind'), ('transport', 'wrong-transport'),
                         ('type', 'wrong-kind')):
            if d[key] != str(w[key]):
                out.append((sig, f"{d['name']} {tag}: {key}={d[key]}, want {w[key]}"))
        if d['ap'] != str(w['ap']):
            out.append(('wrong-ap', f"{d['name']} {tag}: ap={d['ap']}, want {w['ap']}"))
        if d['type'] not in GUEST_TYPES or d['io'] != GUEST_TYPES[d['type']].io_ok:
            out.append(('io-error', f"{d['name']} {tag}: io={d['io']}"))
        if d['path'] == 'mixed':
            out.append(('mixed-path', f"{d['name']} {tag}: {d['direct']} of {d['maps']} mappings D==P"))
        if d['leaks'] not in ('0', 'n/a'):
            out.append(('leak', f"{d['name']} {tag}: {d['leaks']} mapping(s) left after unbind"))
        if d['unbind'] != 'ok':
            out.append(('unbind-error', f"{d['name']} {tag}: unbind={d['unbind']}"))
        if d.get('override', '-').startswith('refused:'):
            # the override step's check (guest/vtest.c override_check())
            out.append(('override-direct', f"{d['name']} {tag}: bound to dma_map_benchmark through "
                                           'driver_override (no opt-in) in a translating domain, a '
                                           'page did not map with a 24-bit DMA mask (errno '
                                           f"{d['override'][8:]}): the device left its IOMMU domain"))
    if boot.end:
        # the files the host checks after the boot (DeviceType.checked), by tag
        tags = {d['tag'] for d in run['devices']
                if d['type'] in GUEST_TYPES and GUEST_TYPES[d['type']].checked}
        disks = run.get('disks', {})
        for k in sorted(tags | set(disks)):
            if disks.get(k) != 'ok':
                out.append(('disk-mismatch', f"host check of disk {k}: {disks.get(k, 'not checked')}"))
    out += soak_findings(boot) + plug_findings(run, boot) + xsk_findings(boot)
    errs = boot.dmadebug.get('errors', '-')
    if boot.dmadebug.get('available') == '1' and errs != '0':
        out.append(('dma-debug', f'DMA-API debug error_count={errs}'))
    return out


# A soak may grow the slab by this much (kB) between its first cycle and its
# last: caches that fill once (dentries, kernfs nodes of a new device).
SOAK_SLAB_NOISE_KB = 1024


def soak_findings(boot):
    """What a soak (vtest.soak=, config/lifecycle.tsv) found: cycles whose
    binding, I/O or unbinding failed; DMA-API debug entries or slab memory
    its cycles did not give back."""
    m = re.search(r'vtest\.soak=(\d+)', boot.cmdline)
    if not m or not boot.end:
        return []
    so = boot.soak
    if not so:
        return [('step-error', 'soak: asked for, not reported')]
    out = []
    if so.get('bad') != '0':
        out.append(('io-error', f"soak: {so.get('bad')} of {so.get('cycles')} cycles failed, "
                                f"first {so.get('first')}"))
    try:
        e0, e1 = map(int, so['entries'].split('/'))
        s0, s1 = map(int, so['slab'].split('/'))
    except (KeyError, ValueError):
        return out + [('step-error', f'soak: unreadable counts {so}')]
    if e0 >= 0 and e1 < e0:
        out.append(('leak', f"soak: {e0 - e1} DMA-API debug entries not given back over "
                            f"{int(so['cycles']) - 1} cycles"))
    if s0 < 0 or s1 - s0 > SOAK_SLAB_NOISE_KB:
        out.append(('leak', f'soak: slab memory {s0} kB after the first cycle, {s1} kB after '
                            f'the last (more than {SOAK_SLAB_NOISE_KB} kB)'))
    return out


def plug_findings(run, boot):
    """What hot-plug rounds (vtest.plug=, config/lifecycle.tsv) found: a
    round the host could not do or the guest did not see through, mappings
    DMA-API debug still holds for removed devices."""
    m = re.search(r'vtest\.plug=(\d+)', boot.cmdline)
    if not m or not boot.end:
        return []
    out = [('step-error', f'host: {p}') for p in run.get('plug', []) if not p.endswith(':ok')]
    if len(boot.unplugs) != int(m.group(1)):
        out.append(('step-error', f'{len(boot.unplugs)} of {m.group(1)} hot-plug rounds reported'))
    for u in boot.unplugs:
        if u.get('result') != 'ok':
            out.append(('step-error', f"unplug round {u['round']}: {u.get('result')}"))
        if u.get('left') != '0':
            out.append(('leak', f"unplug round {u['round']}: {u.get('left')} mapping(s) of the "
                                'removed devices left'))
    return out


def xsk_findings(boot):
    """What the AF_XDP test (vtest.xsk=1, guest/vtest.c xsk_test()) found:
    the bind with XDP_ZEROCOPY refused (xsk-refused, the errno named: 7.3
    and v2 refuse a device whose queues have no DMA device, EINVAL), any
    other step or the frames (io-error), the socket's UMEM mapped for the
    device otherwise than on the device's path (wrong-path: D == P for every
    page of a direct device, for none of a translated one), or still mapped
    after the socket was closed (leak)."""
    m = re.search(r'(?:^| )vtest\.xsk=(\d+)', boot.cmdline)
    if not m or int(m.group(1)) == 0 or not boot.end:
        return []
    if not boot.xsk:
        return [('io-error', 'xsk: asked for (vtest.xsk=1), not reported')]
    out = []
    for x in boot.xsk:
        who, res = f"xsk {x['name']} {x['tag']}", x['result']
        if res.startswith('bad:bind:'):
            out.append(('xsk-refused', f"{who}: bind with XDP_ZEROCOPY refused: {res[9:]} "
                                       f"(VIRTIO_F_RING_RESET {x.get('reset', '-')})"))
        elif res != 'ok':
            out.append(('io-error', f"{who}: result={res} frames={x.get('frames', '-')} "
                                    f"corrupt={x.get('corrupt', '-')} dup={x.get('dup', '-')}"))
        # the UMEM's pages as DMA-API debug saw them mapped for the device:
        # on the device's own path (all at their physical address, or none)
        path = next((d.get('path') for d in boot.devices if d['tag'] == x['tag']), None)
        maps, direct = x.get('maps', 'n/a'), x.get('direct', 'n/a')
        if res == 'ok' and path in ('direct', 'iommu') and maps.isdigit() and direct.isdigit():
            if int(maps) == 0 or (path == 'direct') != (int(direct) == int(maps)) or \
                    (path == 'iommu' and int(direct)):
                out.append(('wrong-path', f"{who}: UMEM pages mapped {maps}, at their physical "
                                          f"address {direct}; the device's path is {path}"))
        if x.get('left', '-') not in ('0', 'n/a', '-'):
            out.append(('leak', f"{who}: {x['left']} UMEM page(s) still mapped 2 s after the "
                                'socket was closed'))
    return out


# Panics of a kernel that QEMU's TCG could not run fast enough on a loaded
# host, before init: x86's check_timer() waits a few ticks for the IO-APIC
# timer and gives up (it does not happen on an idle host, with any kernel).
HOST_STARVED = [r"timer doesn't work through Interrupt-remapped IO-APIC"]


def infra_error(run, boot):
    """The reason the harness could not test, or None."""
    st = run['status']
    if st in ('qemu-missing', 'no-kernel', 'qemu-failed'):
        return st, run.get('error', '')
    if not boot.begin:
        if st == 'timeout' and not ring_outside_ram(run) and not blk_request_not_taken(run):
            return 'timeout-before-init', (f"no VTEST line in {run['secs']}s"
                                           + (f" ({run['virtio']['error']})"
                                              if 'error' in run.get('virtio', {}) else ''))
        if st == 'exited' and not run.get('console', '').strip():
            first = (run.get('qemu', '').strip().splitlines() or ['(no output)'])[0]
            return 'qemu-failed', (f"QEMU exited (rc={run['rc']}) before the guest printed "
                                   f"anything, firmware included: {first[:160]}")
    if st == 'exited' and run['rc'] != 0:
        first = (run.get('qemu', '').strip().splitlines() or ['(no output)'])[-1]
        return 'qemu-crashed', f"QEMU exited with rc={run['rc']}: {first[:160]}"
    if not boot.begin:
        for pat in HOST_STARVED:
            m = re.search(pat, run.get('console', ''))
            if m:
                return 'host-starved', (f'the kernel panicked before init: "{m.group(0)}": '
                                        'QEMU (TCG) starved by the host\'s load')
        return None		# the firmware or kernel ran: a failure (panic, no-init, ...)
    if boot.proto != str(PROTOCOL_VERSION):
        return 'protocol-mismatch', (
            (f'the guest speaks VTEST protocol {boot.proto}' if boot.proto is not None else
             'the guest\'s VTEST begin line has no protocol version (proto=)')
            + f', vdma.py reads protocol {PROTOCOL_VERSION}: guest/vtest.c (VTEST_PROTO) and '
            'scripts/vdma.py (PROTOCOL_VERSION) are not of one version (doc/protocol.md)')
    if boot.fatal:
        return 'guest-fatal', boot.fatal[0]
    if boot.garbled:
        return 'garbled-console', f'{boot.garbled_why[0]}: {boot.garbled[0]}'[:160]
    if boot.end and boot.dump.get('available') == '1' and boot.dump.get('unparsed', '0') != '0':
        return 'dump-unparsable', (f"{boot.dump['unparsed']} DMA-API dump line(s) the guest "
                                   "cannot parse: the dump format changed")
    if boot.end:
        for name, rec in (('dump', boot.dump), ('dmadebug', boot.dmadebug),
                          ('kmsgsum', boot.kmsgsum)):
            if any(k not in rec for k in PROTOCOL[name].required):
                return 'garbled-console', f'no complete VTEST {name} line'
        if boot.dmadebug['available'] not in ('0', '1') or \
           (boot.dmadebug['available'] == '1' and not boot.dmadebug['errors'].isdigit()):
            return 'garbled-console', f'VTEST dmadebug {boot.dmadebug}'
        if boot.kmsgsum['lost'] != '0' or boot.kmsgsum['shown'] != str(len(boot.kmsg)):
            return 'kmsg-incomplete', (f"the guest copied {len(boot.kmsg)} of "
                                       f"{boot.kmsgsum['shown']} kernel messages, "
                                       f"{boot.kmsgsum['lost']} lost")
        if boot.end_devices != len(boot.devices):
            return 'garbled-console', (f'{len(boot.devices)} VTEST dev lines, '
                                       f'the guest reported {boot.end_devices}')
    return None


def step_runs(run):
    """A boot with vtest.steps= as one run per step: the lines of the boot
    outside any step (begin, the DMA-API debug count, kernel messages, end)
    with that step's dump and device lines, and "VTEST end devices=" counting
    them; plus the run without any device (what is the boot's, not a step's)."""
    lines = run.get('console', '').replace('\r', '').split('\n')
    common, segs = [], []
    for ln in lines:
        if ln.startswith('VTEST step '):
            segs.append([])
        elif segs and ln.startswith(('VTEST dev ', 'VTEST dump ', 'VTEST fault ')):
            segs[-1].append(ln)
        else:
            common.append(ln)

    def sub(seg, devices):
        n = sum(ln.startswith('VTEST dev ') for ln in seg)
        body = [re.sub(r'^VTEST end devices=\d+', f'VTEST end devices={n}', ln) for ln in common]
        at = next((i for i, ln in enumerate(body) if ln.startswith('VTEST begin')), len(body))
        return dict(run, devices=devices, console='\n'.join(body[:at + 1] + seg + body[at + 1:]))
    return [sub(seg, run['devices']) for seg in segs], sub([], [])


def override_unchecked(run, step):
    """An override step in a translating group (the step line's group=):
    the tested PCI devices whose dev line does not carry the state check's
    outcome (override=mapped, or refused:ERRNO: override-direct), as text;
    '' when every one does, or for another step.  A guest that skipped the
    check must not pass it."""
    if step.get('name') != 'override' or step.get('group') not in ('DMA', 'DMA-FQ'):
        return ''
    want = {d['tag'] for d in run['devices'] if d['transport'] == 'pci'}
    bad = [f"{d['name']} {d['tag']} override={d.get('override', '(none)')}"
           for d in parse_console(run.get('console', '')).devices
           if d['tag'] in want and d.get('override', '-') != 'mapped'
           and not d.get('override', '-').startswith('refused:')]
    return ', '.join(bad)


def judge_steps(run, expect, boot):
    """A boot with lifecycle steps (vtest.steps=): EXPECT (an Expectation)
    is one expectation per step, "boot" first; each step's devices are
    judged as a boot of their own.  What belongs to the whole boot (QEMU's
    and the kernel's messages, DMA-API debug's error count, the host's disk
    check) fails it once, after the steps.  A single "fail:SIG": the boot
    fails with SIG, judged with the last step the guest reached."""
    want = list(expect.steps) or [expect]
    runs, whole = step_runs(run)
    names = [st['name'] for st in boot.steps]
    if len(want) == 1 and want[0].fails:
        v = judge(runs[-1] if runs else whole, want[0])
        return replace(v, detail=f"after step {names[-1] if names else '-'}: {v.detail}")
    err = infra_error(run, boot)
    if err:
        return Verdict('ERROR', err[0], '-', err[1])
    # the steps the command line asks for: "boot" and each of vtest.steps=,
    # or each round of vtest.plug=
    m = re.search(r'vtest\.steps=(\S+)', boot.cmdline)
    p = re.search(r'vtest\.plug=(\d+)', boot.cmdline)
    asked = int(p.group(1)) if p else 1 + len(m.group(1).split(',')) if m else None
    if boot.end and asked is not None and asked != len(runs):
        return Verdict('FAIL', 'step-error', '-', f"the command line asks for {asked} step(s), "
                       f"the guest did {len(runs)} ({' '.join(names)})")
    if len(want) == 1:
        want = want * len(runs)	# one expectation for every step
    glob = findings(whole, parse_console(whole['console']))
    observed = []
    for i, e in enumerate(want):
        if i >= len(runs):
            return Verdict('FAIL', 'step-error', ' '.join(observed),
                           f"the guest did {len(runs)} step(s) ({' '.join(names)}), the row {len(want)}")
        st = boot.steps[i]
        if st.get('result') != 'ok':
            return Verdict('FAIL', 'step-error', ' '.join(observed),
                           f"step {st['name']}: {st.get('result', '?')}")
        unchecked = override_unchecked(runs[i], st)
        if unchecked:
            return Verdict('FAIL', 'step-error', ' '.join(observed),
                           f"step override (group {st.get('group')}): {unchecked}")
        v = judge(runs[i], e)
        own = [f for f in v.findings if f not in glob]
        if v.result == 'ERROR' or (v.result == 'FAIL' and own):
            sig, detail = own[0] if own else (v.signature, v.detail)
            return Verdict(v.result, sig, v.observed, f"step {st['name']}: {detail}", own)
        observed.append(f"{st['name']}:{v.observed}")
    if len(runs) > len(want):
        return Verdict('FAIL', 'step-error', ' '.join(observed),
                       f"the guest did {len(runs)} steps ({' '.join(names)}), the row {len(want)}")
    if glob:
        glob.sort(key=lambda f: SIGNATURES.index(f[0]))
        return Verdict('FAIL', glob[0][0], ' '.join(observed), f'after the steps: {glob[0][1]}', glob)
    return Verdict('PASS', ' '.join(observed), ' '.join(observed),
                   f"{len(runs)} steps, I/O verified in each")


def swiotlb_counts(boot):
    """swiotlb's high-water mark of the boot (with swiotlb=track_hiwater)."""
    used = boot.swiotlb.get('hiwater', '-')
    return [('swiotlb: slots used at most', int(used) if used.isdigit() else None)]


def fault_counts(boot):
    """The mapping failures the fault step injected, per device."""
    return [(f"fault step: {f['dev']}: failures injected (of {f['of']})",
             int(f['injected']) if f['injected'].isdigit() else None) for f in boot.faults]


# PATH+DMA@SUFFIX: counts the boot reports, each of which SUFFIX wants above
# 0 and its opposite wants 0: swiotlb's high-water mark (bounce, nobounce),
# the failures injected into each device's mappings in the fault step
# (faulted; unfaulted: a device mapped with physical addresses allocates
# nothing to map, so nothing can fail).  The names: vdma_model.SUFFIX_PAIRS.
COUNTS = {'bounce': swiotlb_counts, 'faulted': fault_counts}
COUNTED = tuple((some, none, COUNTS[some]) for some, none in SUFFIX_PAIRS)
SUFFIXES = tuple(x for some, none, _ in COUNTED for x in (some, none))


def counted_findings(boot, suffix):
    """What the boot's counts show for SUFFIX: (observed suffix, findings)."""
    some, none, counts = next(c for c in COUNTED if suffix in c[:2])
    got = counts(boot)
    if not got or any(n is None for _, n in got):
        return '', [('wrong-path', f'@{suffix}: not in the guest\'s report')]
    seen = some if all(n > 0 for _, n in got) else none if not any(n for _, n in got) \
        else 'mixed'
    return f'@{seen}', [('wrong-path', f'{what}: {n}, want {"some" if suffix == some else "none"}')
                        for what, n in got if (n > 0) != (suffix == some)]


def judge(run, expect):
    """The verdict on one boot against one expectation (a matrix cell: an
    Expectation, or its text)."""
    expect = as_expectation(expect)
    boot = parse_console(run.get('console', ''))
    if boot.steps or expect.steps:
        return judge_steps(run, expect, boot)
    err = infra_error(run, boot)
    if err:
        return Verdict('ERROR', err[0], '-', err[1])
    found = findings(run, boot)
    if not boot.begin and not any(s == 'panic' for s, _ in found):
        found.append(('no-init', f"the kernel ran but /init never printed (QEMU {run['status']})"))
    found.sort(key=lambda f: SIGNATURES.index(f[0]))
    want = {d['tag'] for d in run['devices']}
    paths = [path_of(d) for d in boot.devices if d['tag'] in want]
    observed = '|'.join(sorted(set(paths))) or '-'
    if expect.fails:
        sig = expect.signature
        if not found:
            return Verdict('FAIL', observed, observed, 'expected to fail, but every check passed')
        if found[0][0] == sig:
            return Verdict('PASS', sig, observed, found[0][1], found)
        return Verdict('FAIL', found[0][0], observed,
                       f'expected {sig}, failed with {found[0][0]}: {found[0][1]}', found)
    if expect.suffix:
        seen, more = counted_findings(boot, expect.suffix)
        observed += seen
        found += more
    for d in boot.devices:
        if expect.any_path:	# bisect: any path, every other check
            break
        # PATH may name alternatives, A|B: a device on any of them passes
        if d['tag'] in want and d['path'] != 'mixed' and (
                d['path'] not in expect.paths or d['dma_path'] != expect.dma_path):
            found.append(('wrong-path', f"{d['name']} {d['tag']}: {path_of(d)}, "
                                        f"want {expect.wanted}"))
    if found:
        return Verdict('FAIL', found[0][0], observed, found[0][1], found)
    return Verdict('PASS', observed, observed, f'{len(paths)} devices, I/O verified')


# ---------------------------------------------------------------- reports

def git(*args):
    r = subprocess.run(['git', '-C', str(TOP)] + list(args), capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else ''


def series_hash(base):
    """sha256 of the base's series patches (in series order), or 'none'."""
    return vdma_pipeline.series_hash(model(), base)


def qemu_version():
    try:
        r = subprocess.run([qemu_binary(), '--version'], capture_output=True, text=True, timeout=10)
        return (r.stdout.splitlines() or ['?'])[0]
    except (OSError, subprocess.TimeoutExpired):
        return 'not installed'


def provenance(base, variants, flt, rows_run, rows_all, arches=('x86_64',)):
    b = base_row(base)
    kernels = {}
    for a in arches:
        for v in variants:
            kernels[v if a == 'x86_64' else f'{v}@{a}'] = built_commit(base, v, a)[:12] or '?'
    return dict(project=git('rev-parse', '--short=12', 'HEAD') or '?', arches=list(arches),
                project_dirty=bool(git('status', '--porcelain', '--', 'scripts', 'config', 'guest')),
                series=series_hash(base), base=base, package=b.package,
                version=b.version, sha256=b.sha256, variants=variants,
                filter=flt or '', rows=rows_run, rows_total=rows_all,
                complete=not flt and rows_run == rows_all,
                kernel_commits=kernels, qemu=qemu_version(),
                guest=hashlib.sha256((TOP / 'guest' / 'vtest.c').read_bytes()).hexdigest()[:16],
                date=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))


def prov_line(p):
    return (f"base {p['base']} ({p['package']} {p['version']}), series {p['series']}, "
            f"project {p['project']}{'+dirty' if p['project_dirty'] else ''}, "
            f"variants {','.join(p['variants'])}, filter '{p['filter']}', "
            f"{p['rows']}/{p['rows_total']} rows, {p['qemu']}, {p['date']}")


def ktap(results, prov):
    """KTAP v1: one subtest per variant, one test per row."""
    out = ['KTAP version 1', f"# vdma matrix: {prov_line(prov)}"]
    by = {}
    for r in results:
        by.setdefault(r['variant'], []).append(r)
    out.append(f'1..{len(by)}')
    for i, (v, rs) in enumerate(by.items(), 1):
        out += ['    KTAP version 1', f"    # Subtest: {prov['base']}-{v}", f'    1..{len(rs)}']
        for j, r in enumerate(rs, 1):
            name = row_id(r).replace('-', '_')
            out.append(f"    # {r['result']}: expected {r['expect']}, got {r['signature']}"
                       + (f" ({r['detail']})" if r['detail'] else ''))
            out.append(f"    {'ok' if r['result'] == 'PASS' else 'not ok'} {j} {name}")
        ok = all(r['result'] == 'PASS' for r in rs)
        out.append(f"{'ok' if ok else 'not ok'} {i} {prov['base']}-{v}")
    return '\n'.join(out) + '\n'


def text_table(results):
    w = '{:<15} {:<6} {:<11} {:<12} {:<22} {:<22} {:<6} {}'
    out = [w.format('variant', 'iommu', 'mode', 'kind', 'expected', 'got', 'result', 'detail')]
    for r in results:
        kind = f"{r['name']}:{r['kind']}" if r.get('name') else r['kind']
        out.append(w.format(r['variant'], r['iommu'], r['mode'], kind, r['expect'],
                            r['signature'], r['result'],
                            r['detail'] if r['result'] != 'PASS' else '').rstrip())
    return '\n'.join(out)


def summary(results):
    n = {k: sum(r['result'] == k for r in results) for k in ('PASS', 'FAIL', 'ERROR')}
    return n


# ---------------------------------------------------------------- commands

def variant_commit(base, variant):
    """The commit a variant is built from: its ref in the base's tree."""
    r = subprocess.run(['git', '-C', str(BUILD / base / 'linux'), 'rev-parse', '-q', '--verify',
                        variant_row(variant).ref + '^{commit}'], capture_output=True, text=True)
    return r.stdout.strip()


def same_tree(base, want, have):
    """Whether commit have (abbreviated) has the source of commit want: the
    same commit, or one with the same tree (the series applied again)."""
    if not want or not have:
        return False
    if want.startswith(have):
        return True
    trees = [subprocess.run(['git', '-C', str(BUILD / base / 'linux'), 'rev-parse', '-q',
                             '--verify', c + '^{tree}'], capture_output=True, text=True).stdout.strip()
             for c in (want, have)]
    return bool(trees[0]) and trees[0] == trees[1]


def built_commit(base, variant, arch='x86_64'):
    """The commit the variant's kernel was built from (build.sh writes .ref
    after a successful build only)."""
    ref = BUILD / base / 'out' / f"{arch_row(arch).out}-{variant}" / '.ref'
    return ref.read_text().strip() if ref.exists() else ''


def kernel_of(base, variant, arch='x86_64'):
    ar = arch_row(arch)
    return BUILD / base / 'out' / f"{ar.out}-{variant}" / ar.image


def cmd_matrix(a):
    base = base_of(a)
    tname = getattr(a, 'table', None) or 'matrix'
    variants = a.variants or variants_of(base, tname)
    for v in variants:
        if v not in variants_of(base):
            die(f"vdma: base {base} has no variant '{v}' (config/variants.tsv)")
    # the columns judged by: the table's for the base, an error if none
    model().booted(base, tname, [a.expect_from] if a.expect_from else a.variants)
    flt = a.filter if a.filter is not None else os.environ.get('MATRIX_FILTER', '')
    allrows = [r for r in table(tname) if r.kind in base_kinds(base)
               and (not getattr(a, 'arch', None) or arch_of(r.iommu) in a.arch)]
    rows = [r for r in allrows if r.match(flt)]
    if not rows:
        die(f"vdma: no row of config/{tname}.tsv matches filter '{flt}' "
                         "(words: iommu/mode/kind values, or FIELD=REGEX)")
    res = Path(a.out) if a.out else RESULTS / base
    res.mkdir(parents=True, exist_ok=True)
    todo = [(v, r) for v in variants for r in rows if r.expectation(base, v).runs]
    arches = sorted({arch_of(r.iommu) for r in rows}, key=lambda x: x != 'x86_64')
    for v, ar in sorted({(v, arch_of(r.iommu)) for v, r in todo}):
        if a.rejudge:
            break
        how = f"python3 scripts/vdma.py build --base {base} {v}" + ('' if ar == 'x86_64' else f' {ar}')
        if not kernel_of(base, v, ar).exists():
            die(f"vdma: no {ar} kernel for {base} {v}: run '{how}'")
        want, have = variant_commit(base, v), built_commit(base, v, ar)
        if not want or want != have:
            die(f"vdma: the {base} {v} {ar} kernel was built from {have or 'an unknown commit'}, "
                f"not from its branch ({want or '?'}): run '{how}'")
    if not a.rejudge:
        for ar in arches:
            need_qemu(ar)
            build_guest(arch=ar)
    t0 = time.monotonic()
    done = [0]
    lock = threading.Lock()

    def one(item):
        v, r = item
        exp = r.expectation(base, a.expect_from or v)
        d = res / tname / v / r.id
        if a.rejudge:
            if not (d / 'run.json').exists():
                die(f'vdma: nothing to re-judge in {d}: run the matrix first')
        else:
            boot = lambda: run_boot(Scenario(r.iommu, r.mode, [r.kind]),
                                    kernel_of(base, v, arch_of(r.iommu)), d,
                                    append='' if r.append == '-' else r.append)
            boot()
        run = load_run(d)
        vd = judge(run, exp)
        if vd.signature == 'host-starved' and not a.rejudge:
            # once more, the starved boot kept beside it: an ERROR again
            # is the row's verdict
            print(f'vdma: {v} {r.id}: {vd.detail}; booting it once more', file=sys.stderr)
            old = d.with_name(d.name + '.starved')
            shutil.rmtree(old, ignore_errors=True)
            d.rename(old)
            boot()
            run = load_run(d)
            vd = judge(run, exp)
        rec = dict(variant=v, name=r.name, iommu=r.iommu, mode=r.mode,
                   kind=r.kind, expect=str(exp),
                   result=vd.result, signature=vd.signature, observed=vd.observed,
                   detail=vd.detail, secs=run.get('secs'),
                   dir=str(d.relative_to(TOP)) if d.is_relative_to(TOP) else str(d))
        with lock:
            done[0] += 1
            print(f"[{done[0]}/{len(todo)}] {vd.result:<5} {base} {v:<14} {r.iommu:<6} "
                  f"{r.mode:<11} {r.label:<12} expected {exp:<22} got {vd.signature} "
                  f"({run.get('secs')}s)" + (f": {vd.detail}" if vd.result != 'PASS' else ''),
                  file=sys.stderr, flush=True)
        return rec

    jobs = 1 if a.rejudge else max(1, a.jobs)
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        results = list(ex.map(one, todo))
    prov = provenance(base, variants, flt, len(rows), len(allrows), arches)
    prov['expect_from'] = a.expect_from or ''
    prov['rejudged'] = bool(a.rejudge)
    name = a.name or tname
    (res / f'{name}.json').write_text(json.dumps(dict(provenance=prov, results=results), indent=1) + '\n')
    (res / f'{name}.ktap').write_text(ktap(results, prov))
    n = summary(results)
    txt = (text_table(results) + f"\n\n{prov_line(prov)}\n"
           f"matrix {base}: {n['PASS']} passed, {n['FAIL']} failed, {n['ERROR']} errors "
           f"({round(time.monotonic() - t0)}s)\n")
    (res / f'{name}.txt').write_text(txt)
    print(txt, end='')
    print(f"{name}: {n['PASS']} passed, {n['FAIL'] + n['ERROR']} failed")
    return 0 if n['FAIL'] + n['ERROR'] == 0 else 1


def cmd_demo(a):
    """Boot all kinds at once and print, per device, what it got; exit 1
    unless every device verified its I/O on the path matrix.tsv expects."""
    base = base_of(a)
    forced = a.expect and parse_expectation(a.expect, 'vdma: demo --expect')
    kinds = [k.kind for k in table('kinds') if k.kind in base_kinds(base)
             and not (a.iommu == 'mmio' and k.mmio == 'x')]
    if a.iommu == 'mmio':
        kinds = kinds[:1]
    arch = arch_of(a.iommu)
    tname = 'matrix' if arch == 'x86_64' else 'platforms'
    rows = {r.kind: r for r in table(tname) if r.iommu == a.iommu and r.mode in (a.mode, '-')}
    if not forced:
        model().booted(base, tname, [a.variant])
    # the reader's own tree (--ktree) has a folder of its own beside the series'
    name = 'ktree' if a.ktree else a.variant
    d = Path(a.out) if a.out else RESULTS / base / f'demo-{name}-{a.iommu}-{a.mode}'
    print(f'demo: booting {base} {a.variant} with {a.iommu} IOMMU ({a.mode}), '
          f"kinds {','.join(kinds)} (QEMU TCG)", file=sys.stderr, flush=True)
    need_qemu(arch)
    kernel = Path(a.kernel) if a.kernel else kernel_of(base, a.variant, arch)
    if a.ktree:
        # the reader's own tree, untouched: no checkout, built out of tree
        ktree = Path(a.ktree).expanduser().resolve()
        if not (ktree / 'Makefile').is_file() or not (ktree / 'kernel').is_dir():
            die(f'vdma: demo --ktree: {ktree} is not a kernel tree')
        out = TOP / 'build' / 'ktree'
        if vdma_pipeline.build(model(), base, 'worktree', arch, KTREE=str(ktree),
                               OUTDIR=str(out), BUILD_NAME='ktree'):
            die(f'vdma: demo --ktree: {ktree} does not build (log: {out}/)')
        kernel = out / f'{model().arch(arch).out}-ktree' / model().arch(arch).image
    if not kernel.exists():
        die(f"vdma: no kernel {kernel}: run 'python3 scripts/vdma.py build --base {base} {a.variant}"
            + ('' if arch == 'x86_64' else f' {arch}') + "'")
    run_boot(Scenario(a.iommu, a.mode, kinds), kernel, d)
    run = load_run(d)
    boot = parse_console(run['console'])
    err = infra_error(run, boot)
    if err:
        print(f'demo: ERROR {err[0]}: {err[1]} (see {d})')
        return 2
    # one verdict per kind, from the same boot: the run restricted to the
    # kind's devices and disk, judged against the kind's matrix cell
    verdicts, as_base = {}, {}
    for k in kinds:
        exp = forced or (rows[k].expectation(base, a.variant) if k in rows else NOT_RUN)
        if exp.form == 'no-regression':
            # a prefix of the series: any path, and a failure only where the
            # base kernel fails the same way (a bug the series fixes later)
            exp = parse_expectation('any')
            as_base[k] = rows[k].expectation(base, 'base') if k in rows else NOT_RUN
        devs = [x for x in run['devices'] if x['row_kind'] == k]
        # the kind's disks (by tag): none for a kind without one
        sub = dict(run, devices=devs, disks={t: r for t, r in run['disks'].items()
                                             if t in {x['tag'] for x in devs}})
        other = {x['tag'] for x in run['devices']} - {x['tag'] for x in sub['devices']}
        keep = [ln for ln in run['console'].splitlines()
                if not ln.startswith('VTEST dev ') or fields(ln).get('tag') not in other]
        ndev = sum(ln.startswith('VTEST dev ') for ln in keep)
        sub['console'] = '\n'.join(re.sub(r'^VTEST end devices=\d+', f'VTEST end devices={ndev}', ln)
                                   for ln in keep)
        verdicts[k] = (exp, judge(sub, exp) if exp.runs else None)
    w = '{:<9} {:<5} {:<4} {:<13} {:<6} {:<13} {:<17} {:<3} {:<7} {:<14} {}'
    print(f"kernel {base} {a.variant}, {a.iommu} IOMMU, {a.mode}; results in {d}")
    print(w.format('device', 'type', 'bus', 'address', 'id', 'kind', 'tag', 'AP', 'path',
                   'dma_path', 'I/O'))
    for x in boot.devices:
        print(w.format(x['name'], x['type'], x['transport'], x['addr'], x['id'], x['kind'],
                       x['tag'], 'yes' if x['ap'] == '1' else 'no', x['path'], x['dma_path'],
                       x['io']))
    print(f"DMA-API debug errors: {boot.dmadebug.get('errors', '-')}; host disk checks: "
          + ' '.join(f'{k}={v}' for k, v in run['disks'].items()))
    bad = 0
    for k, (exp, vd) in verdicts.items():
        if vd is None:
            print(f'  {k:<13} no expectation in config/matrix.tsv')
            bad += 1
            continue
        # the demo shows working devices: an expected failure is no success
        ok = vd.result == 'PASS' and not exp.fails
        same = vd.result == 'FAIL' and k in as_base and as_base[k].fails \
            and as_base[k].signature == vd.signature
        print(f'  {k:<13} {vd.result}: expected {exp}, got {vd.signature}'
              + (f' ({vd.detail})' if vd.result != 'PASS' else '')
              + ('; its I/O is expected to fail' if exp.fails else '')
              + ('; as the base kernel: no regression' if same else ''))
        ok = ok or same
        bad += not ok
    print('path: from DMA-API debug (bypass: no mappings; direct: D == P; iommu: translated); '
          "dma_path: the kernel's own word (debugfs virtio/virtioN/map; n/a: a kernel without it)")
    print(f"demo: {len(kinds) - bad} passed, {bad} failed")
    return 0 if bad == 0 else 1


def cmd_guest(a):
    d = build_guest(a.src, a.dest)
    print(d)
    return 0


def steps_cell(sig):
    """A result with lifecycle steps ('boot:A identity:B ...') as the table
    shows it: the value most steps share with their count, then the steps
    that differ ('direct+dma x3, DMA:iommu+dma'); anything else as it is."""
    toks = sig.split()
    if len(toks) < 2 or not all(':' in t for t in toks):
        return sig
    vals = [t.split(':', 1) for t in toks]
    common, n = collections.Counter(v for _, v in vals).most_common(1)[0]
    if n < 2:
        return sig
    return ', '.join([f'{common} x{n}'] + [f'{s}:{v}' for s, v in vals if v != common])


def cmd_brief(a):
    """A short table of a run for a cover letter (under 76 columns): per
    variant, per IOMMU and mode, rows passed of rows run; then the paths
    seen without and with ACCESS_PLATFORM.  The full table stays in the
    run's .txt."""
    base = base_of(a)
    f = RESULTS / base / f'{a.name}.json'
    if not f.exists():
        die(f'vdma brief: no {a.name} run for {base}')
    m = json.loads(f.read_text())
    res = [r for r in m['results'] if not a.variants or r['variant'] in a.variants]
    labels = {i.iommu: i.label for i in model().iommus.values()}

    def group(r):	# intel translated -> int/t; a lifecycle row: its scenario
        if r.get('name'):
            return r['name']
        io = labels.get(r['iommu'], r['iommu'][:4])	# a row since renamed
        return io + ('/' + r['mode'][0] if r['mode'] != '-' else '')
    groups = list(dict.fromkeys(group(r) for r in res))
    variants = list(dict.fromkeys(r['variant'] for r in res))
    vw = max(len(v) for v in variants + ['variant'])
    gw = {g: max(len(g), 5) for g in groups}	# 'NN/NN'
    print(' '.join([f"{'variant':<{vw}}"] + [f'{g:>{gw[g]}}' for g in groups]))
    for v in variants:
        rv = [r for r in res if r['variant'] == v]
        cells = []
        for g in groups:
            rg = [r for r in rv if group(r) == g]
            cells.append(f"{sum(r['result'] == 'PASS' for r in rg)}/{len(rg)}" if rg else '-')
        print(' '.join([f'{v:<{vw}}'] + [f'{c:>{gw[g]}}' for g, c in zip(groups, cells)]))
    if any('/' in g for g in groups):
        print('(IOMMU/t: translated, /p: passthrough)')
    print('paths (DMA-API debug+debugfs map, or the failure), without ACCESS_PLATFORM;')
    print('with it:')
    for v in variants:
        rv = [r for r in res if r['variant'] == v]
        # a lifecycle row's steps ("plug1:direct+direct plug2:..."): their paths
        seen = [', '.join(sorted({t.split(':')[-1] for r in rv if r['kind'].endswith('-ap') == ap
                                  for t in r['signature'].split()}))
                for ap in (False, True)]
        print(textwrap.fill(f'{seen[0] or "-"}; {seen[1] or "-"}', 76,
                            initial_indent=f'  {v:<{vw}} ', subsequent_indent=' ' * (vw + 3),
                            break_on_hyphens=False))
    p = m['provenance']
    kc = p.get('kernel_commits', {})
    # a table re-judged as one (--rejudge): its boots were stored by earlier
    # runs of the same kernels, some booted again (the run's log says which)
    again = ' (stored boots re-judged)' if p.get('rejudged') else ''
    print(f"{sum(r['result'] == 'PASS' for r in res)}/{len(res)} passed{again}, "
          f"{p.get('date', '')}, project {p.get('project', '')}; kernels:")
    for v in variants:
        # KEY: VARIANT (x86_64) or VARIANT@ARCH (make platforms): one line
        # per variant, each commit with the architectures built from it
        by = {}
        for k, c in kc.items():
            if k == v or k.startswith(v + '@'):
                by.setdefault(str(c)[:12], []).append(k.partition('@')[2] or 'x86_64')
        for c, arches in by.items():	# '?': no build of it (none of its rows ran)
            print(f"  {v:<{vw}} {'not built' if c == '?' else c}"
                  + ('' if arches == ['x86_64'] else f" ({', '.join(arches)})"))
    return 0


def cmd_results(a):
    """The matrix table for the cover letter, from a complete, unfiltered
    matrix run of the current series only."""
    base = base_of(a)
    name = getattr(a, 'name', None) or 'matrix'
    f = RESULTS / base / f'{name}.json'
    if not f.exists():
        die(f'vdma results: no {name} run for {base}: run make {name}')
    m = json.loads(f.read_text())
    p, why = m['provenance'], []
    if p['filter']:
        why.append(f"it was filtered ('{p['filter']}')")
    if not p['complete']:
        why.append(f"it ran {p['rows']} of {p['rows_total']} rows")
    if p.get('expect_from'):
        why.append(f"it was judged with {p['expect_from']}'s expectations")
    if p.get('rejudged', True):
        why.append('it re-judged stored boots (or says nothing of it)')
    if p['project_dirty']:
        why.append('the harness had uncommitted changes (scripts, config, guest)')
    for v, c in p['kernel_commits'].items():
        if not c.startswith('?') and not same_tree(base, variant_commit(base, v.split('@')[0]), c):
            why.append(f"its {v} kernel ({c}) is not its branch's current commit")
    # every variant the table boots (a run may name others it had no row for)
    booted = [v for v in p['variants'] if any(r['variant'] == v for r in m['results'])]
    if set(booted) != set(variants_of(base, name)):
        why.append(f"it booted variants {','.join(booted)}, "
                   f"not {','.join(variants_of(base, name))}")
    if p['series'] != series_hash(base):
        why.append(f"its series {p['series']} is not the current one ({series_hash(base)})")
    if why:
        die(f'vdma results: refusing {f}: ' + '; '.join(why))
    cells, order = {}, []
    for r in m['results']:
        k = (f"{r['name']} " if r.get('name') else '') + f"{r['iommu']} {r['mode']} {r['kind']}"
        if k not in cells:
            order.append(k)
        c = (r['expect'] if r['expect'].startswith('fail:') else steps_cell(r['signature'])) \
            if r['result'] == 'PASS' else f"{r['signature']} ({r['result']})"
        cells.setdefault(k, {})[r['variant']] = c
    vs = [v for v in p['variants'] if any(r['variant'] == v for r in m['results'])]
    kw = max([31] + [len(k) for k in order])
    cw = [max([len(v)] + [len(cells[k].get(v, '-')) for k in order]) for v in vs]
    w = '  {:<%d}' % kw + ''.join(' {:<%d}' % max(22, n) for n in cw)
    print(f"QEMU {name}, {prov_line(p)}:")
    print(w.format('iommu mode kind', *vs).rstrip())
    for k in order:
        print(w.format(k, *(cells[k].get(v, '-') for v in vs)).rstrip())
    n = summary(m['results'])
    print(f"  {name} {base}: {n['PASS']} passed, {n['FAIL']} failed, {n['ERROR']} errors")
    return 0


# --- the virtio_ring benchmark (scripts/bench.sh) ---------------------------
#
# Each boot of the KUnit suite virtio_ring_bench prints, per case,
#   bench: case=NAME ns_per_cycle=N cycles=N completions=N ns_total=N MAP=0|1
# where MAP says how the kernel mapped the device: vdev_map (7.3: the device
# has virtio map ops after binding) or pinned (6.12 v1: the DMA device was
# pinned to direct mapping).  The report compares, per case, the series with
# the base over alternating rounds.

BENCH_TARGET = {'noap': 1.00, 'ap': 1.02, 'map': 1.02, 'ops': 1.02}
BENCH_BOOTSTRAP = 10000
BENCH_MIN_ROUNDS = 15


def bench_parse(text):
    """The measurement lines of one boot: {case: fields} (ints, but case)."""
    out = {}
    for m in re.finditer(r'bench: (case=\S+(?: \w+=\S+)*)', text):
        f = dict(kv.split('=', 1) for kv in m.group(1).split())
        case = f.pop('case')
        out[case] = {k: (int(v) if v.isdigit() else v) for k, v in f.items()}
    return out


def bench_setup(case):
    return case.rsplit('-', 1)[-1]


# What each line's mapping fields must say, per setup and kernel (None:
# anything): the base bypasses the DMA API without ACCESS_PLATFORM; the
# series (v3 on 7.3) maps such a device through the DMA API of a DMA device
# the DMA core keeps on physical addresses (vdev_map=0 dma_phys=1), v1 on
# 6.12 pins it to dma-direct (pinned=1); v2 maps it with virtio's map ops.
BENCH_MAPS = {
    ('noap', 'vdev_map'): {'base': 0, 'series': 0, 'v2': 1},
    ('noap', 'dma_phys'): {'series': 1},
    ('noap', 'pinned'): {'base': 0, 'series': 1},
    ('ap', 'vdev_map'): {'base': 0, 'series': 0, 'v2': 0},
    ('ap', 'dma_phys'): {'series': 0},
    ('map', 'vdev_map'): {'base': 1, 'series': 1, 'v2': 1},
}


def bench_map_expected(variant, case, key):
    """What the map field KEY of a case must say on a variant (None: anything)."""
    return BENCH_MAPS.get((bench_setup(case), key), {}).get(variant)


def bench_check_run(variant, fields):
    """Why one boot's measurements cannot be used ([] if they can)."""
    bad = []
    if not fields:
        return ['no measurement']
    for case, f in fields.items():
        if 'skipped' in f:
            continue
        if f.get('completions') != f.get('cycles') or not f.get('cycles'):
            bad.append(f'{case}: {f.get("completions")} of {f.get("cycles")} cycles completed')
        keys = [k for k in ('vdev_map', 'pinned', 'dma_phys') if k in f]
        if not {'vdev_map', 'pinned'} & set(keys):
            bad.append(f'{case}: says nothing of how the device was mapped')
        for key in keys:
            want = bench_map_expected(variant, case, key)
            if want is not None and f[key] != want:
                bad.append(f'{case}: {key}={f[key]}, {variant} must map it with {key}={want}')
    return bad


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def bench_ci(base, other, n=BENCH_BOOTSTRAP, seed=1):
    """The median of the rounds' ratios other/base (a round: a boot of each
    kernel, one after the other, so that the host's slow drifts cancel) and
    its bootstrap 95% interval, resampling rounds."""
    rng = random.Random(seed)
    r = [o / b for b, o in zip(base, other)]
    k = len(r)
    meds = sorted(median([r[rng.randrange(k)] for _ in range(k)]) for _ in range(n))
    return median(r), meds[int(0.025 * n)], meds[int(0.975 * n) - 1]


def bench_report(rounds, kernels=('base', 'series'), judged=('series',)):
    """rounds: [{kernel: fields}], one per round in run order.  Returns
    (rows, failures): per case and kernel other than the base, the medians,
    the ratio to the base, its interval, target and verdict (only the
    kernels in JUDGED get one; the others are shown)."""
    order = list(rounds[0][kernels[0]])
    rows, fails = [], []
    for case in order:
        for k in kernels[1:]:
            row = {'case': case, 'kernel': k}
            rows.append(row)
            if any('skipped' in r[v].get(case, {}) for r in rounds for v in (kernels[0], k)):
                row.update(result='SKIP', why='skipped by the suite')
                continue
            try:
                b = [r[kernels[0]][case]['ns_total'] / r[kernels[0]][case]['cycles'] for r in rounds]
                s = [r[k][case]['ns_total'] / r[k][case]['cycles'] for r in rounds]
            except KeyError:
                row.update(result='FAIL', why='missing from a round')
                fails.append(f'{case} {k}')
                continue
            ratio, lo, hi = bench_ci(b, s)
            setup = bench_setup(case)
            target = BENCH_TARGET.get(setup)
            row.update(base=b, series=s, ratio=ratio, lo=lo, hi=hi, target=target)
            if k not in judged:
                row.update(result='INFO', why='shown beside the series, not judged')
                continue
            if target is None:
                ok, why = False, f'no target for setup {setup}'
            else:
                ok, why = hi <= target, f'whole interval at or below {target:.2f}'
            if len(rounds) < BENCH_MIN_ROUNDS:
                ok, why = False, f'{len(rounds)} rounds, the target needs {BENCH_MIN_ROUNDS}'
            row.update(result='PASS' if ok else 'FAIL', why=why)
            if not ok:
                fails.append(f'{case} {k}')
    return rows, fails


def cmd_bench_report(a):
    runs = Path(a.runs)
    kernels = a.kernels or ['base', 'series']
    rounds, bad = [], []
    i = 1
    while any((runs / f'{k}-{i}.ktap').exists() for k in kernels):
        one = {}
        for v in kernels:
            f = runs / f'{v}-{i}.ktap'
            fields = bench_parse(f.read_text(errors='replace')) if f.exists() else {}
            bad += [f'{f.name}: {w}' for w in bench_check_run(v, fields)]
            one[v] = fields
        rounds.append(one)
        i += 1
    if not rounds:
        die(f'vdma bench-report: no runs in {runs}')
    if bad:
        for w in bad:
            print(f'bench: unusable run: {w}', file=sys.stderr)
        die(f'vdma bench-report: {len(bad)} unusable measurement(s) in {runs}')
    rows, fails = bench_report(rounds, kernels)
    print(f'{"case":<30} {"kernel":<7} {"base ns/cycle":>22} {"kernel ns/cycle":>22} '
          f'{"ratio":>6} {"95% CI":>15} {"target":>6}  result')
    lines, widths = [], []
    for n, r in enumerate(rows, 1):
        if 'ratio' not in r:
            print(f'{r["case"]:<30} {r["kernel"]:<7} {"":>22} {"":>22} {"":>6} {"":>15} {"":>6}  '
                  f'{r["result"]} ({r["why"]})')
        else:
            cell = lambda xs: f'{median(xs):7.2f} ({min(xs):.2f}-{max(xs):.2f})'
            print(f'{r["case"]:<30} {r["kernel"]:<7} {cell(r["base"]):>22} {cell(r["series"]):>22} '
                  f'{r["ratio"]:>6.3f} {"[%.3f, %.3f]" % (r["lo"], r["hi"]):>15} '
                  f'{r["target"]:>6.2f}  {r["result"]}')
            widths.append((r['hi'] - r['lo']) / 2)
        if r['result'] == 'INFO':
            continue
        ok = r['result'] in ('PASS', 'SKIP')
        extra = f' # SKIP {r["why"]}' if r['result'] == 'SKIP' else ''
        lines.append(f'{"ok" if ok else "not ok"} {len(lines) + 1} {r["case"]}{extra}')
    print(f'{len(rounds)} rounds; ratio: median of the rounds\' ratios to the base; interval: '
          f'bootstrap over rounds, {BENCH_BOOTSTRAP} resamples; resolution (median half-width '
          f'of the intervals): {100 * median(widths) if widths else 0:.2f}%')
    print('target (the series): the whole interval at or below 1.00 without ACCESS_PLATFORM '
          '(noap), at or below 1.02 with it (ap, map)')
    if a.ktap:
        Path(a.ktap).write_text('KTAP version 1\n' + f'1..{len(lines)}\n' + '\n'.join(lines) + '\n')
    if a.json:
        Path(a.json).write_text(json.dumps({
            'rounds': len(rounds), 'kernels': kernels,
            'resolution': median(widths) if widths else None,
            'rows': [{k: v for k, v in r.items() if k not in ('base', 'series')} |
                     ({'base_ns': median(r['base']), 'ns': median(r['series'])} if 'base' in r else {})
                     for r in rows]}, indent=1))
    judged = len(lines)
    print(f'bench: {judged - len(fails)} passed, {len(fails)} failed')
    return 1 if fails else 0


def cmd_bench_brief(a):
    """Per case, each kernel's median ns per request against the base's
    and its interval, in 76 columns."""
    d = json.loads(Path(a.json).read_text())
    others = d['kernels'][1:]
    print(f'{"case":<28} {"base":>5}  ' + '  '.join(f'{k + " ratio [95% CI]":<22}' for k in others))
    cases = list(dict.fromkeys(r['case'] for r in d['rows']))
    for c in cases:
        rs = {r['kernel']: r for r in d['rows'] if r['case'] == c}
        first = next(iter(rs.values()))
        base = f'{first["base_ns"]:5.0f}' if 'base_ns' in first else '    -'
        cells = []
        for k in others:
            r = rs.get(k, {})
            cells.append(f'{r["ratio"]:.3f} [{r["lo"]:.3f},{r["hi"]:.3f}]{"*" if r["result"] == "FAIL" else " "}'
                         if 'ratio' in r else r.get('result', '-'))
        print(f'{c:<28} {base}  ' + '  '.join(f'{x:<22}' for x in cells))
    print(f'{d["rounds"]} rounds; ns per request (base, median); ratio: median of the '
          f'rounds\' ratios; resolution +-{100 * (d["resolution"] or 0):.1f}%; * misses its target')
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog='vdma.py', description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('matrix', help='boot and judge the matrix rows on variants of a base')
    p.add_argument('variants', nargs='*')
    p.add_argument('--base')
    p.add_argument('--filter', help='iommu/mode/kind words or FIELD=REGEX (default: $MATRIX_FILTER)')
    p.add_argument('--out', help='results folder (default build/results/BASE)')
    p.add_argument('--name', help="report name in the results folder (default 'matrix')")
    p.add_argument('--rejudge', action='store_true', help='judge the stored boots again, boot nothing')
    p.add_argument('--table', default='matrix',
                   help="the rows: config/TABLE.tsv (default matrix; platforms: make platforms)")
    p.add_argument('--arch', nargs='+', help='only the rows of these architectures')
    p.add_argument('--expect-from', help="judge against another variant's column")
    p.add_argument('--jobs', type=int, default=int(os.environ.get('VDMA_JOBS', os.cpu_count() or 1)),
                   help='boots at once (default: one per CPU, $VDMA_JOBS)')
    p.set_defaults(fn=cmd_matrix)
    p = sub.add_parser('demo', help='boot every kind at once and show what each device got')
    p.add_argument('variant', nargs='?', default='series')
    p.add_argument('iommu', nargs='?', default='intel')
    p.add_argument('mode', nargs='?', default='translated')
    p.add_argument('--base')
    p.add_argument('--out')
    p.add_argument('--kernel', help='boot this image (default: the variant\'s build)')
    p.add_argument('--ktree', help='build this kernel tree as it is checked out (the series '
                   'applied: git am patches/*.patch) into build/ktree/ and boot it, judged as '
                   'VARIANT')
    p.add_argument('--expect', help="one expectation for every kind, e.g. 'any', or "
                   "'no-regression' (any path; a failure only as the base kernel fails) "
                   '(default: the matrix cell of each kind for the variant)')
    p.set_defaults(fn=cmd_demo)
    p = sub.add_parser('guest', help='build the guest /init and initramfs')
    p.add_argument('--src')
    p.add_argument('--dest')
    p.set_defaults(fn=cmd_guest)
    p = sub.add_parser('results', help='the matrix table for the cover letter (complete runs only)')
    p.add_argument('--base')
    p.add_argument('--name', help="the run: 'matrix' (default) or 'platforms'")
    p.set_defaults(fn=cmd_results)
    p = sub.add_parser('brief', help='a short table of a run (cover letter)')
    p.add_argument('--base')
    p.add_argument('--name', default='matrix')
    p.add_argument('variants', nargs='*')
    p.set_defaults(fn=cmd_brief)
    p = sub.add_parser('expand', help='the expectation tables as each base reads them')
    p.add_argument('--base', action='append', help='this base only (again: and this one)')
    p.add_argument('--table', action='append', help='config/TABLE.tsv only (again: and this one)')
    p.set_defaults(fn=lambda a: print('\n'.join(vdma_model.expanded(model(), a.base, a.table))))
    p = sub.add_parser('bench-report', help='judge the benchmark runs of scripts/bench.sh')
    p.add_argument('--runs', required=True, help='folder of KERNEL-N.ktap')
    p.add_argument('--ktap', help='also write the verdicts as KTAP here')
    p.add_argument('--json', help='also write the rows as JSON here (vdma.py bench-brief)')
    p.add_argument('kernels', nargs='*', help='the kernels, the base first (default: base series)')
    p.set_defaults(fn=cmd_bench_report)
    p = sub.add_parser('bench-brief', help='a short table of a bench-report JSON (cover letter)')
    p.add_argument('json')
    p.set_defaults(fn=cmd_bench_brief)
    vdma_pipeline.add_commands(sub, main)
    a = ap.parse_args(argv)
    try:
        return a.fn(a)
    except HarnessError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
