# SPDX-License-Identifier: GPL-2.0
"""vdma_model: the harness's configuration (config/*.tsv), read once.

load() reads the tables scripts/vdma.py boots and judges by into typed
objects, once per config folder (cached; reset() forgets it, for tests):

  Base      config/bases.tsv     a kernel base (the first row: the primary)
  Variant   config/variants.tsv  a kernel variant and the bases it exists on
  Arch      config/arches.tsv    how a guest of an architecture is built, booted
  Iommu     config/iommus.tsv    how QEMU makes an IOMMU row
  Kind      config/kinds.tsv     a kind of virtio device
  DeviceType DEVICE_TYPES        a type of virtio device (a word of a kind's
                                 devices): its QEMU device, tag, I/O result
  Row       a row of a table of boots (ROW_TABLES: config/matrix.tsv,
            lifecycle.tsv, platforms.tsv), with its Expectation per column

Every expectation cell is parsed when the table is loaded, by the one
parser of the expectation grammar (parse_expectation()); an unknown path,
DMA path, signature or suffix, a column naming a base or variant that does
not exist, a row naming an IOMMU or kind that does not exist: load() fails
with every such error, each naming its file, line, row and column, before
anything is booted.

The columns of a table of boots: VARIANT, the primary base's (the first
row of config/bases.tsv), and BASE:VARIANT, another base's (column()); a
base reads its own columns only, and a table a base has no column in has
no rows for it (Model.booted(): an error where it is run for it).

The expectation grammar (a cell of a VARIANT or BASE:VARIANT column):

  -                        not run on this variant
  =                        (BASE:VARIANT only) as the VARIANT column says
  PATH[|PATH..][+DMA][@SUF] every device on one of the PATHs (DMA-API debug),
                           the kernel's DMA path DMA (none: the kernel has no
                           such attribute, "n/a"), the boot's counts as @SUF
                           says, I/O verified, no failure
  any[@SUF]                any path, every other check (bisect, demo --expect)
  fail:SIG                 the boot fails, with signature SIG only
  E1 E2 ...                (lifecycle) one expectation per step, "boot"
                           first; each a PATH.., any.. or fail:SIG form
  no-regression            (demo --expect only, never in a table) any path,
                           a failure only as the base kernel fails
"""

from __future__ import annotations

import functools
import re
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / 'config'


class HarnessError(Exception):
    """Bad input or a missing piece: exits 2 with a message saying what to do."""


class ConfigError(HarnessError):
    """Config tables the model cannot take: one line per error, each naming
    its file, line, row and column."""


def die(msg):
    raise HarnessError(msg)


# ---------------------------------------------------------------- vocabulary

# The DMA paths a device can be expected on, from its DMA-API debug mappings
# (guest/vtest.c path()): bypass (none), direct (every D == P), bounce (every
# D physical, some of them swiotlb's copies), iommu (every D translated);
# n/a: a kernel without DMA-API debug.  The guest's fifth, "mixed", is a
# failure of its own (mixed-path), never an expectation.
PATHS = ('bypass', 'direct', 'bounce', 'iommu', 'n/a')
# What the kernel says of how it maps a device (+DMA): 6.12 v1's dma_path
# attribute (direct-pinned, iommu, direct), the debugfs file
# virtio/virtioN/map of v2 (phys, dma, transport, none) and of v3 (direct,
# direct-ops, dma, map-ops, transport, none).
DMA_PATHS = ('direct', 'direct-ops', 'direct-pinned', 'dma', 'iommu', 'map-ops', 'none',
             'phys', 'transport')
# The order in which findings name a boot's failure: the first one found is
# its signature.  A control row names the signature it must fail with.
SIGNATURES = ['qemu-index-error', 'ring-outside-ram', 'blk-request-not-taken',
              'virtio-error', 'panic', 'oops',
              'iommu-fault',
              'no-init', 'timeout', 'missing-device', 'unexpected-device',
              'wrong-kind', 'wrong-transport', 'wrong-ap', 'io-error', 'xsk-refused',
              'override-direct',
              'disk-mismatch', 'dma-overlap', 'dma-debug', 'leak', 'unbind-error',
              'step-error', 'kernel-warning', 'mixed-path', 'wrong-path']
# config/iommus.tsv "dtb": a change vdma.py makes to the device tree QEMU
# makes for the row's machine ('-': none): the property it takes out of the
# nodes whose name starts with the given prefix
DTB_CHANGES = {'no-dma-coherent': ('pcie@', 'dma-coherent')}
# What the harness could not test: never a pass, never an expected failure.
ERRORS = ['qemu-missing', 'no-kernel', 'stale-kernel', 'qemu-failed', 'qemu-crashed',
          'timeout-before-init', 'host-starved', 'protocol-mismatch', 'guest-fatal',
          'garbled-console', 'kmsg-incomplete', 'dump-unparsable', 'no-result']
# @SUFFIX: (some, none) of the counts a boot reports (scripts/vdma.py
# COUNTED): swiotlb's high-water mark, the failures the fault step injected.
SUFFIX_PAIRS = (('bounce', 'nobounce'), ('faulted', 'unfaulted'))
SUFFIXES = tuple(x for pair in SUFFIX_PAIRS for x in pair)


# ---------------------------------------------------------------- expectations

@dataclass(frozen=True)
class Expectation:
    """One parsed expectation (a cell, or one step of a lifecycle cell).
    str() gives the text as written."""
    text: str
    form: str			# '-' | 'path' | 'any' | 'fail' | 'steps' | 'no-regression'
    signature: str = ''		# fail:SIGNATURE
    paths: tuple[str, ...] = ()	# PATH alternatives (A|B)
    dma_path: str = 'n/a'	# +DMA_PATH ('n/a': none given)
    suffix: str = ''		# @SUFFIX ('': none)
    steps: tuple[Expectation, ...] = ()	# 'steps': one per step, "boot" first

    def __str__(self):
        return self.text

    def __format__(self, spec):
        return format(self.text, spec)

    @property
    def runs(self) -> bool:
        """The variant is booted for it (not '-')."""
        return self.form != '-'

    @property
    def fails(self) -> bool:
        return self.form == 'fail'

    @property
    def any_path(self) -> bool:
        return self.form == 'any'

    @property
    def wanted(self) -> str:
        """What a device must show, as a wrong-path finding names it: the
        text without its @SUFFIX."""
        return self.text.partition('@')[0]


NOT_RUN = Expectation('-', '-')
# the grammar of one boot (or one step), pieces checked against the vocabulary
_ONE = re.compile(r'(?P<paths>[^+@\s]+)(?:\+(?P<dma>[^@\s]*))?(?:@(?P<suffix>\S*))?')


def _one(tok: str) -> Expectation:
    """One boot's or step's expectation; ValueError saying what is wrong."""
    if tok.startswith('fail:'):
        sig = tok[5:]
        if sig in ERRORS:
            raise ValueError(f"'{tok}': {sig} is an error of the harness, never expected "
                             '(fail:SIGNATURE, scripts/vdma_model.py SIGNATURES)')
        if sig not in SIGNATURES:
            raise ValueError(f"'{tok}': unknown signature '{sig}' (SIGNATURES: "
                             f"{', '.join(SIGNATURES)})")
        return Expectation(tok, 'fail', signature=sig)
    m = _ONE.fullmatch(tok)
    if not m:
        raise ValueError(f"'{tok}': not PATH[|PATH][+DMA_PATH][@SUFFIX], any, fail:SIGNATURE or -")
    paths, dma, suffix = m.group('paths'), m.group('dma'), m.group('suffix')
    if suffix is not None and suffix not in SUFFIXES:
        raise ValueError(f"'{tok}': unknown suffix '@{suffix}' (@SUFFIX: {', '.join(SUFFIXES)})")
    if paths == 'any':
        if dma is not None:
            raise ValueError(f"'{tok}': 'any' takes no +DMA_PATH")
        return Expectation(tok, 'any', suffix=suffix or '')
    for p in paths.split('|'):
        if p not in PATHS:
            raise ValueError(f"'{tok}': unknown path '{p}' (PATH: {', '.join(PATHS)}"
                             + ('; mixed is a failure, mixed-path' if p == 'mixed' else '') + ')')
    if dma is not None and dma not in DMA_PATHS:
        raise ValueError(f"'{tok}': unknown DMA path '+{dma}' (DMA_PATH: {', '.join(DMA_PATHS)})")
    return Expectation(tok, 'path', paths=tuple(paths.split('|')), dma_path=dma or 'n/a',
                       suffix=suffix or '')


def _parse(text: str) -> Expectation:
    """parse_expectation(), with a ValueError saying what is wrong."""
    toks = text.split()
    if not toks:
        raise ValueError("empty (not run: '-')")
    if len(toks) == 1 and toks[0] == '-':
        return NOT_RUN
    if len(toks) == 1 and toks[0] == 'no-regression':
        return Expectation(toks[0], 'no-regression')
    if len(toks) == 1 and toks[0] == '=':
        raise ValueError("'=' (as the VARIANT column) is for a BASE:VARIANT column")
    for t in toks:
        if len(toks) > 1 and t in ('-', '=', 'no-regression'):
            raise ValueError(f"'{text}': '{t}' is not the expectation of a step")
    steps = tuple(_one(t) for t in toks)
    return steps[0] if len(steps) == 1 else Expectation(' '.join(toks), 'steps', steps=steps)


def parse_expectation(text: str, where: str = 'expectation') -> Expectation:
    """The one parser of the expectation grammar (the module's doc): a cell,
    or an expectation given on the command line.  '=' (as the VARIANT
    column) is resolved by the table's loader; a bad expectation raises
    HarnessError naming WHERE."""
    try:
        return _parse(text)
    except ValueError as e:
        raise HarnessError(f'{where}: {e}') from None


def as_expectation(e) -> Expectation:
    """E itself, or the text E parsed."""
    return e if isinstance(e, Expectation) else parse_expectation(e, 'vdma: expectation')


# ---------------------------------------------------------------- tables

class CellError(ValueError):
    """A cell of a row the model cannot take: its column and what is wrong."""

    def __init__(self, column, msg):
        super().__init__(msg)
        self.column = column


def _to_int(cells, col):
    try:
        return int(cells[col])
    except ValueError:
        raise CellError(col, f"'{cells[col]}' is not a number") from None


def _words(cells, col, sep=None):
    """A list cell ('-': empty)."""
    return () if cells[col] == '-' else tuple(cells[col].split(sep))


@dataclass(frozen=True)
class Base:
    """A kernel base (config/bases.tsv)."""
    name: str
    package: str
    version: str
    suite: str
    tarball: str
    sha256: str
    patches: str		# the series' folder, '-': none
    series_version: str
    cover: str			# its cover letter text, in its folder (BaseFolder)
    date: str
    check: str
    kinds: tuple[str, ...] = ()	# the kinds its boots carry, in kinds.tsv order

    @property
    def has_series(self) -> bool:
        return self.patches != '-'

    @classmethod
    def of(cls, cells):
        return cls(**dict(cells, kinds=_words(cells, 'kinds', ',') if 'kinds' in cells else ()))


# The folder of the bases' own files, beside config/ (BaseFolder).
BASES = 'bases'


@dataclass(frozen=True)
class BaseFolder:
    """Everything of one base but its series (config/bases.tsv "patches"
    names that folder), in bases/BASE/ (Model.folder()):

      control/*.patch              the control kernel: the base with these
                                   (required: make tree refuses a base without)
      mutants/NAME/*.patch         kernel mutants of the series: branch NAME
      mutants-REF/NAME/*.patch     kernel mutants of the series REF beside the
                                   base's own (config/variants.tsv: v2)
      kunit-mutants[-REF].tsv      the KUnit mutants of the series (of REF)
      bench/*.patch                the benchmark, on every kernel
      bench/KERNEL/*.patch         and on that kernel only
      guest.config                 its guest kernel fragment (optional)
      COVER                        its cover letter text (config/bases.tsv cover)
      cover-letter-REF.txt         that of the series REF (vdma.py export --ref
                                   REF --cover cover-letter-REF.txt)
      test-results[-REF].txt       its short results (make results), the
                                   cover letter's @RESULTS@"""
    path: Path
    cover_name: str

    @property
    def control(self) -> Path:
        return self.path / 'control'

    def mutants(self, ref: str = 'series') -> Path:
        return self.path / ('mutants' if ref == 'series' else f'mutants-{ref}')

    def kunit_mutants(self, ref: str | None = None) -> Path:
        return self.path / f"kunit-mutants{f'-{ref}' if ref else ''}.tsv"

    @property
    def bench(self) -> Path:
        return self.path / 'bench'

    @property
    def guest_config(self) -> Path:
        return self.path / 'guest.config'

    def cover(self, name: str | None = None) -> Path:
        return self.path / (name or self.cover_name)

    def results(self, ref: str | None = None) -> Path:
        return self.path / f"test-results{f'-{ref}' if ref else ''}.txt"


@dataclass(frozen=True)
class Variant:
    """A kernel variant (config/variants.tsv)."""
    name: str
    ref: str
    needs: str			# 'series', '-' or base names (a,b)
    dma_debug: bool
    config: str = '-'		# a fragment of config/ on top of the guest's, or '-'
    patches: str = '-'
    check: str = 'yes'		# 'yes' (make check) or 'long'

    def exists_on(self, base: Base) -> bool:
        if self.needs == 'series':
            return base.has_series
        return self.needs == '-' or base.name in self.needs.split(',')

    @classmethod
    def of(cls, cells):
        if cells['dma_debug'] not in ('yes', 'no'):
            raise CellError('dma_debug', f"'{cells['dma_debug']}' is not yes or no")
        if cells.get('check', 'yes') not in ('yes', 'long'):
            raise CellError('check', f"'{cells['check']}' is not yes or long")
        if cells.get('config', '-') != '-' and not (CONFIG / cells["config"]).is_file():
            raise CellError('config', f"no fragment config/{cells['config']}")
        return cls(**dict(cells, dma_debug=cells['dma_debug'] == 'yes'))


@dataclass(frozen=True)
class Arch:
    """How guests of an architecture are built and booted (config/arches.tsv)."""
    arch: str
    out: str
    karch: str
    cross: str
    fragments: tuple[str, ...]
    image: str
    qemu: str
    cpu: str
    console: str
    libc: str
    packages: tuple[str, ...] = ()	# Debian's packages of its QEMU and firmware
    defconfig: str = '-'		# make cross builds it with this defconfig ('-': not)

    @classmethod
    def of(cls, cells):
        return cls(**dict(cells, fragments=_words(cells, 'fragments'),
                          packages=_words(cells, 'packages', ',') if 'packages' in cells else ()))


@dataclass(frozen=True)
class Iommu:
    """How QEMU makes the IOMMU of a row (config/iommus.tsv)."""
    iommu: str
    bus: str			# pci | mmio
    qemu: str
    append: str
    arch: str = 'x86_64'
    pci: str = '-'
    addr: str = '-'
    dtb: str = '-'		# a change to the machine's device tree (vdma.DTB_CHANGES)
    label: str = ''		# its name in short tables (vdma.py brief)

    def pci_addrs(self) -> dict[str, list[str]]:
        """The PCI addresses the row gives each type of device, in the order
        its devices are made: {'net': ['1.0', '1.1'], ...}; a type not
        named is placed by QEMU."""
        out = {}
        for w in ('' if self.addr == '-' else self.addr).split():
            t, _, a = w.partition('=')
            out[t] = a.split(',')
        return out

    @classmethod
    def of(cls, cells):
        if cells['bus'] not in ('pci', 'mmio'):
            raise CellError('bus', f"'{cells['bus']}' is not pci or mmio")
        if cells.get('dtb', '-') not in ('-', *DTB_CHANGES):
            raise CellError('dtb', f"'{cells['dtb']}' is not - or one of "
                                   f"{', '.join(DTB_CHANGES)}")
        if not 0 < len(cells.get('label', '')) <= 5 or ' ' in cells['label']:
            raise CellError('label', f"'{cells.get('label', '')}' is not a word of 1-5 characters")
        return cls(**cells)


@dataclass(frozen=True)
class DeviceType:
    """A type of virtio device a kind can carry (a word of the devices
    column of config/kinds.tsv): how QEMU makes it, the tag it carries and
    what the guest must report of it.  Everything a device type is on the
    host side; guest/vtest.c's vtypes[] is its guest side (type= name, how
    the tag is read, the I/O test).

    The strings are format templates of the device's fields (device_fields()):
    {i} the kind's index, {k} the kind, {n} the device's number among the
    kind's devices of the type (1, 2, ...), {slot} the PCI slot the type is
    placed at (hex; 'mmio' on virtio-mmio), {tag}, {file} and {dir} (the
    path of FILE in the boot's folder and its folder)."""
    name: str			# in config/kinds.tsv's devices column
    guest: str			# type= of the guest's VTEST dev line
    qemu: str			# QEMU's device: -pci appended on PCI, -device on mmio
    tag: str			# the tag the guest reports: a serial, MAC, slot, ...
    props: str			# the device's properties
    io_ok: str			# io= of a device whose I/O the guest verified
    backend: tuple[str, ...] = ()	# QEMU arguments before the device
    after: tuple[str, ...] = ()	# and after it
    pci_props: str = ''		# properties on PCI only (before its address)
    file: str = ''		# a file vtest-host makes for the guest in the
				# boot's folder, with MAKE ('': none)
    make: str = ''		# vtest-host --mkimg (a disk image) or --mkrng
    checked: bool = False	# the host checks FILE after the boot (vtest-host
				# --checkimg, run.json "disks" by tag): disk-mismatch
    placed: bool = False	# at PCI slot {slot} when the IOMMU row gives it no
				# address (its tag names the slot)
    events: bool = False	# the host sends it input events over QMP when the
				# guest says "VTEST listen tag=TAG"

    def driver(self, bus: str) -> str:
        """QEMU's device name on a bus of config/iommus.tsv (pci, mmio)."""
        return f"{self.qemu}-{'device' if bus == 'mmio' else 'pci'}"


# Every device type, by its name in config/kinds.tsv (tags: scripts/vdma.py
# device_tags(); doc/protocol.md).  A disk's serial is the kind; a NIC is one
# of two on the kind's QEMU hub, its tag its MAC; virtio-rng has no serial:
# its tag is the PCI slot QEMU puts it in (the IOMMU row's rng address, else
# 0x10 + the kind's index); an input device's tag is its serial; a 9p
# share's its mount tag.
DEVICE_TYPES = {t.name: t for t in (
    DeviceType('blk', 'blk', 'virtio-blk', '{k}', 'drive=d{i},serial={k}', 'ok',
               backend=('-drive', 'file={file},format=raw,if=none,id=d{i},cache=writethrough'),
               file='disk-{k}.img', make='--mkimg', checked=True),
    DeviceType('net', 'net', 'virtio-net', '52:54:00:12:0{i}:0{n}', 'netdev=n{i}{n},mac={tag}',
               'ok:64+64', backend=('-netdev', 'hubport,id=n{i}{n},hubid={i}'),
               pci_props=',romfile='),
    DeviceType('scsi', 'scsi', 'virtio-scsi', '{k}', 'id=scsi{i}', 'ok',
               backend=('-drive', 'file={file},format=raw,if=none,id=d{i},cache=writethrough'),
               after=('-device', 'scsi-hd,bus=scsi{i}.0,drive=d{i},serial={k}'),
               file='disk-{k}.img', make='--mkimg', checked=True),
    DeviceType('rng', 'rng', 'virtio-rng', 'rng@{slot}', 'rng=rng{i}', 'ok',
               backend=('-object', 'rng-random,id=rng{i},filename={file}'),
               file='rng-{k}.bin', make='--mkrng', placed=True),
    DeviceType('keyboard', 'input', 'virtio-keyboard', 'kbd{i}', 'id={tag},serial={tag}', 'ok',
               events=True),
    DeviceType('tablet', 'input', 'virtio-tablet', 'tab{i}', 'id={tag},serial={tag}', 'ok',
               events=True),
    # a share with a disk image in it, tested as a disk's; in no kind yet
    # (README: How to add a device type)
    DeviceType('9p', '9p', 'virtio-9p', 'fs{i}{n}', 'fsdev=fs{i}{n},mount_tag={tag}', 'ok',
               backend=('-fsdev', 'local,id=fs{i}{n},path={dir},security_model=none'),
               file='9p-{tag}/disk.img', make='--mkimg', checked=True),
)}


def _by_guest(types):
    """{type= the guest reports: DeviceType}; the types sharing a guest
    type (keyboard, tablet: input) must agree on what the host judges."""
    out = {}
    for t in types.values():
        o = out.setdefault(t.guest, t)
        if (o.io_ok, o.checked, o.events) != (t.io_ok, t.checked, t.events):
            raise ValueError(f'device types {o.name} and {t.name} are both the guest\'s '
                             f'{t.guest} but differ in io_ok, checked or events')
    return out


# The types by the type= the guest reports (findings(): IO_OK, disks).
GUEST_TYPES = _by_guest(DEVICE_TYPES)


def device_fields(kind: Kind, iommu: Iommu) -> list[tuple[DeviceType, dict[str, str]]]:
    """Each device of a kind booted on an IOMMU row, in its devices column's
    order: its type and its fields (DeviceType's format fields, {file} and
    {dir} relative to the boot's folder)."""
    mmio = iommu.bus == 'mmio'
    out, count = [], {}
    for name in kind.devices:
        t = DEVICE_TYPES[name]
        count[name] = count.get(name, 0) + 1
        given = iommu.pci_addrs().get(t.guest)
        slot = 'mmio' if mmio else (f'{int(given[0].split(".")[0], 16):02x}' if given
                                    else f'{0x10 + kind.index:02x}')
        f = dict(i=str(kind.index), k=kind.kind, n=str(count[name]), slot=slot)
        f['tag'] = t.tag.format(**f)
        f['file'] = t.file.format(**f)
        f['dir'] = str(Path(f['file']).parent) if t.file else ''
        out.append((t, f))
    return out


@dataclass(frozen=True)
class Kind:
    """A kind of virtio device (config/kinds.tsv)."""
    kind: str
    index: int
    reports: str
    ap: int			# VIRTIO_F_ACCESS_PLATFORM: 0 or 1
    pci: str
    mmio: str
    devices: tuple[str, ...]

    @classmethod
    def of(cls, cells):
        ap = _to_int(cells, 'ap')
        if ap not in (0, 1):
            raise CellError('ap', f"'{cells['ap']}' is not 0 or 1")
        devs = tuple(cells['devices'].split())
        bad = [d for d in devs if d not in DEVICE_TYPES]
        if bad:
            raise CellError('devices', f"unknown device '{bad[0]}' ({', '.join(DEVICE_TYPES)})")
        return cls(**dict(cells, index=_to_int(cells, 'index'), ap=ap, devices=devs))


def column(primary: str, base: str, variant: str) -> str:
    """The column of a table of boots that holds a variant's expectations
    on a base: VARIANT on the primary base, BASE:VARIANT on another."""
    return variant if base == primary else f'{base}:{variant}'


def row_id(iommu: str, mode: str, kind: str, name: str = '') -> str:
    """A row's name: iommu-mode-kind, after the scenario's name where the
    table has one (config/lifecycle.tsv)."""
    rid = f'{iommu}-{mode}-{kind}'.replace('---', '-')
    return f'{name}-{rid}' if name else rid


FILTER_FIELDS = ('iommu', 'mode', 'kind', 'name')
MODES = ('translated', 'passthrough', '-')


@dataclass(frozen=True)
class Row:
    """One boot of a table (ROW_TABLES): an IOMMU, a mode, a kind, a
    scenario name and kernel parameters where the table has them, and the
    expectation of each variant column ('=' resolved)."""
    table: str
    line: int			# in the table's file
    iommu: str
    mode: str
    kind: str
    name: str = ''
    append: str = '-'
    expect: dict[str, Expectation] = field(default_factory=dict, compare=False)
    primary: str = ''		# the primary base (its columns are VARIANT)

    @property
    def id(self) -> str:
        return row_id(self.iommu, self.mode, self.kind, self.name)

    @property
    def label(self) -> str:
        """The kind as the reports show it: NAME:KIND in a named scenario."""
        return f'{self.name}:{self.kind}' if self.name else self.kind

    def expectation(self, base: str, variant: str) -> Expectation:
        """The row's expectation for a variant on a base: the base's column
        (column(): VARIANT on the primary base, else BASE:VARIANT, '='
        resolved), else not run."""
        return self.expect.get(column(self.primary, base, variant), NOT_RUN)

    def match(self, flt: str | None) -> bool:
        """MATRIX_FILTER: words, each "FIELD=REGEX" (iommu, mode, kind,
        name) or a plain word equal to one of those fields; all words must
        match.  Words are separated by blanks or commas."""
        for w in (flt or '').replace(',', ' ').split():
            if '=' in w:
                k, v = w.split('=', 1)
                if k not in FILTER_FIELDS:
                    die(f"vdma: filter field '{k}' is not iommu, mode, kind or name")
                if not re.fullmatch(v, getattr(self, k)):
                    return False
            elif w not in (self.iommu, self.mode, self.kind, self.name):
                return False
        return True


@dataclass(frozen=True)
class Table:
    """A table of boots: its file, its columns (in order) and its rows."""
    name: str
    path: Path
    line: int			# of the header
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def variant_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in ROW_KEYS)


# The tables of boots, and the columns of theirs that are not variants.
ROW_TABLES = ('matrix', 'lifecycle', 'platforms')
ROW_KEYS = ('name', 'iommu', 'mode', 'kind', 'append')
TYPED = (('bases', Base, 'name'), ('variants', Variant, 'name'), ('arches', Arch, 'arch'),
         ('iommus', Iommu, 'iommu'), ('kinds', Kind, 'kind'))


def _read_lines(path: Path) -> list[str]:
    """The lines of a config file (the model's only read: once per file)."""
    return path.read_text().splitlines()


def _shown(path: Path) -> str:
    """A config file as messages name it: relative to the project's folder
    (config/NAME.tsv, bases/BASE/NAME) when it is the project's."""
    return str(path.relative_to(CONFIG.parent)) if path.is_relative_to(CONFIG.parent) else str(path)


def read_tsv_lines(path) -> tuple[int, list[str], list[tuple[int, dict[str, str]]]]:
    """The header of a tab-separated file (its first line that is not a
    comment) with its line number, and its rows as (line number, {column:
    cell}); empty and '#' lines are skipped, cells are separated by one or
    more tabs."""
    path = Path(path)
    rows, header, at = [], None, 0
    for n, line in enumerate(_read_lines(path), 1):
        if not line.strip() or line.startswith('#'):
            continue
        cells = [c.strip() for c in re.split(r'\t+', line.strip('\t'))]
        if header is None:
            header, at = cells, n
            continue
        if len(cells) != len(header):
            raise ConfigError(f'{_shown(path)}:{n}: row has {len(cells)} fields, header '
                              f'{len(header)}: {line!r}')
        rows.append((n, dict(zip(header, cells))))
    if header is None:
        raise ConfigError(f'{_shown(path)}: no header')
    if len(set(header)) != len(header):
        raise ConfigError(f'{_shown(path)}:{at}: a column twice in the header')
    return at, header, rows


class _Errors(list):
    """The errors of one load, each naming its file, line, row and column."""

    def add(self, path, line, row, column, msg):
        self.append(f'{_shown(path)}:{line}: ' + (f'row {row}, ' if row else '')
                    + (f'column {column}: ' if column else '') + msg)


def _typed_table(config, name, cls, key, errors):
    """{key: object} of a table of CLS, and {key: line}."""
    path = config / f'{name}.tsv'
    at, header, rows = read_tsv_lines(path)
    known = [f.name for f in fields(cls)]
    need = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING]
    bad = [c for c in header if c not in known] + [c for c in need if c not in header]
    for c in bad:
        errors.add(path, at, '', c, 'unknown column' if c in header else 'missing column')
    out, lines = {}, {}
    for n, cells in ([] if bad else rows):
        try:
            obj = cls.of(cells)
        except CellError as e:
            errors.add(path, n, cells[key], e.column, str(e))
            continue
        if cells[key] in out:
            errors.add(path, n, cells[key], key, f'the same {key} as line {lines[cells[key]]}')
            continue
        out[cells[key]], lines[cells[key]] = obj, n
    return out, lines


def _cell(text):
    """The expectation of a cell; ValueError saying what is wrong."""
    e = _parse(text)
    if e.form == 'no-regression':
        raise ValueError("'no-regression' is for demo --expect, not for a table")
    return e


def _row_table(config, name, bases, variants, iommus, kinds, errors):
    path = config / f'{name}.tsv'
    at, header, cells_of = read_tsv_lines(path)
    missing = [c for c in ('iommu', 'mode', 'kind') if c not in header]
    for c in missing:
        errors.add(path, at, '', c, 'missing column')
    if missing:
        return Table(name, path, at, tuple(header), ())
    # every other column: a variant of the primary base, or BASE:VARIANT of
    # a variant on another base
    primary = next(iter(bases), '')
    for c in header:
        if c in ROW_KEYS:
            continue
        b, _, v = c.rpartition(':')
        if v not in variants:
            errors.add(path, at, '', c, f"unknown variant '{v}' (config/variants.tsv)")
        elif b and b not in bases:
            errors.add(path, at, '', c, f"unknown base '{b}' (config/bases.tsv)")
        elif b and b == primary:
            errors.add(path, at, '', c, f"the primary base {b}'s column is {v} (BASE:VARIANT: "
                       'another base\'s)')
        elif (b or primary) and not variants[v].exists_on(bases[b or primary]):
            errors.add(path, at, '', c, f"variant '{v}' does not exist on base {b or primary}"
                       + ('' if b else ' (the primary: VARIANT columns are its; another '
                          "base's are BASE:VARIANT)") + ' (config/variants.tsv: needs)')
    rows, ids = [], {}
    for n, cells in cells_of:
        rid = row_id(cells['iommu'], cells['mode'], cells['kind'], cells.get('name', ''))
        if rid in ids:
            errors.add(path, n, rid, '', f'the same row as line {ids[rid]}')
        ids.setdefault(rid, n)
        for col, known, what in (('iommu', iommus, 'config/iommus.tsv'),
                                 ('kind', kinds, 'config/kinds.tsv'),
                                 ('mode', MODES, ', '.join(MODES))):
            if cells[col] not in known:
                errors.add(path, n, rid, col, f"unknown {col} '{cells[col]}' ({what})")
        expect = {}
        # VARIANT columns first: "=" in BASE:VARIANT is the VARIANT column's
        for c in sorted((c for c in header if c not in ROW_KEYS), key=lambda c: ':' in c):
            plain = c.rpartition(':')[2]
            try:
                if cells[c] == '=' and c != plain:
                    if plain not in cells:
                        raise ValueError(f"'=': the table has no column {plain}")
                    if plain in expect:		# else refused there
                        expect[c] = expect[plain]
                else:
                    expect[c] = _cell(cells[c])
            except ValueError as e:
                errors.add(path, n, rid, c, str(e))
        rows.append(Row(name, n, cells['iommu'], cells['mode'], cells['kind'],
                        cells.get('name', ''), cells.get('append', '-'), expect, primary))
    return Table(name, path, at, tuple(header), tuple(rows))


@dataclass(frozen=True)
class Model:
    """The whole configuration (load())."""
    config: Path
    bases: tuple[Base, ...]
    variants: tuple[Variant, ...]
    arches: dict[str, Arch] = field(compare=False)
    iommus: dict[str, Iommu] = field(compare=False)
    kinds: dict[str, Kind] = field(compare=False)	# in kinds.tsv order
    tables: dict[str, Table] = field(compare=False)

    def _get(self, objs, key, value, name, what):
        for o in objs:
            if getattr(o, key) == value:
                return o
        die(f"vdma: no {what} '{value}' in config/{name}.tsv")

    def base(self, name: str) -> Base:
        return self._get(self.bases, 'name', name, 'bases', 'base')

    def variant(self, name: str) -> Variant:
        return self._get(self.variants, 'name', name, 'variants', 'variant')

    def arch(self, arch: str) -> Arch:
        return self._get(self.arches.values(), 'arch', arch, 'arches', 'architecture')

    def iommu(self, iommu: str) -> Iommu:
        return self._get(self.iommus.values(), 'iommu', iommu, 'iommus', 'iommu')

    def folder(self, base: str) -> BaseFolder:
        """The base's own files (bases/BASE/, beside config/)."""
        return BaseFolder(self.config.parent / BASES / base, self.base(base).cover)

    def kind(self, kind: str) -> Kind:
        if kind not in self.kinds:
            die(f"vdma: unknown kind '{kind}' (config/kinds.tsv)")
        return self.kinds[kind]

    @property
    def primary_base(self) -> Base:
        return self.bases[0]

    def table(self, name: str) -> Table:
        if name not in self.tables:
            die(f"vdma: no table config/{name}.tsv (tables of boots: {', '.join(self.tables)})")
        return self.tables[name]

    def variants_of(self, base: str, table: str | None = None) -> list[str]:
        """The variant names that exist on a base, in config/variants.tsv
        order; with TABLE, those it has a column for (VARIANT or
        BASE:VARIANT): the kernels its rows boot."""
        b = self.base(base)
        cols = set(self.table(table).columns) if table else None
        return [v.name for v in self.variants if v.exists_on(b)
                and (cols is None or column(self.primary_base.name, base, v.name) in cols)]

    def booted(self, base: str, table: str, variants: list[str] = ()) -> list[str]:
        """The variants TABLE boots on BASE (variants_of(BASE, TABLE)), or of
        them VARIANTS: a base the table has no column for, or a variant
        asked that it has none for, is an error naming the table and the
        base, never a run that boots nothing and passes."""
        have = self.variants_of(base, table)
        path = _shown(self.table(table).path)
        if not have:
            which = ('VARIANT: the primary base\'s' if base == self.primary_base.name
                     else f'{base}:VARIANT')
            die(f'{path} has no column for base {base} ({which}): it has no rows for {base}')
        for v in variants:
            if v not in have:
                die(f'{path} has no column for variant {v} on base {base} '
                    f"(its columns there: {' '.join(have)})")
        return list(variants) or have


@functools.lru_cache(maxsize=None)
def load(config: Path = CONFIG) -> Model:
    """The model of the config folder CONFIG, read once (cached: reset()
    reads it again).  ConfigError lists every error it found."""
    config = Path(config)
    errors = _Errors()
    typed, lines = {}, {}
    for name, cls, key in TYPED:
        typed[name], lines[name] = _typed_table(config, name, cls, key, errors)
    if errors:
        raise ConfigError('\n'.join(errors))
    bases, variants, kinds = typed['bases'], typed['variants'], typed['kinds']
    if not bases:
        errors.add(config / 'bases.tsv', 0, '', '', 'no base')
    for b in list(bases.values()):
        for k in b.kinds:
            if k not in kinds:
                errors.add(config / 'bases.tsv', lines['bases'][b.name], b.name, 'kinds',
                           f"unknown kind '{k}' (config/kinds.tsv)")
        bases[b.name] = replace(b, kinds=tuple(k for k in kinds if not b.kinds or k in b.kinds))
    for v in variants.values():
        for b in ([] if v.needs in ('series', '-') else v.needs.split(',')):
            if b not in bases:
                errors.add(config / 'variants.tsv', lines['variants'][v.name], v.name, 'needs',
                           f"unknown base '{b}' (config/bases.tsv)")
    for io in typed['iommus'].values():
        if io.arch not in typed['arches']:
            errors.add(config / 'iommus.tsv', lines['iommus'][io.iommu], io.iommu, 'arch',
                       f"unknown architecture '{io.arch}' (config/arches.tsv)")
    tables = {}
    for name in ROW_TABLES:
        if name == 'matrix' or (config / f'{name}.tsv').exists():
            tables[name] = _row_table(config, name, bases, variants, typed['iommus'], kinds,
                                      errors)
    m = Model(config, tuple(bases.values()), tuple(variants.values()), typed['arches'],
              typed['iommus'], kinds, tables)
    if bases and not errors:
        # a variant of the primary base without a column in config/matrix.tsv
        # is booted by no table but the ones it has a column in: an error
        # when there is none (the lifecycle's kernel mutants have columns
        # there only)
        primary = m.primary_base.name
        for v in columnless(m, primary, 'matrix'):
            if not any(v in m.variants_of(primary, t) for t in tables):
                errors.add(tables['matrix'].path, tables['matrix'].line, '', '',
                           f'variant {v} of the primary base {primary} has no column {v} '
                           f'(nor one in any of '
                           f'{", ".join(f"config/{t}.tsv" for t in tables)})')
    if errors:
        raise ConfigError('\n'.join(errors))
    return m


def reset():
    """Forget the models loaded (tests that change or point at tables)."""
    load.cache_clear()


def columnless(model: Model, base: str, table: str = 'matrix') -> list[str]:
    """The variants of a base that TABLE has no column for (column())."""
    return [v for v in model.variants_of(base) if v not in model.variants_of(base, table)]


def expanded(model: Model, bases: list[str] | None = None,
             tables: list[str] | None = None) -> list[str]:
    """The expectation tables as every base reads them (vdma.py expand):
    per table and base, the variants it boots ("TABLE BASE columns V1 V2
    .."), then per variant of the base and row, the expectation of every
    cell that runs ("TABLE BASE VARIANT ROW EXPECTATION", tab-separated; a
    cell not listed is '-')."""
    out = []
    for t in tables or list(model.tables):
        for b in bases or [b.name for b in model.bases]:
            out.append(f"{t}\t{b}\tcolumns\t{' '.join(model.variants_of(b, t))}")
            out += [f'{t}\t{b}\t{v}\t{r.id}\t{r.expectation(b, v)}' for v in model.variants_of(b)
                    for r in model.table(t).rows if r.expectation(b, v).runs]
    return out


@dataclass(frozen=True)
class HarnessMutant:
    """A mutant of the harness (config/harness-mutants.tsv) on a base."""
    name: str
    file: str			# the file the substitution breaks ('-': none)
    substitution: str		# perl -0pi -e
    env: str			# NAME=VALUE of the check ('-': none)
    check: str			# vdma.py arguments
    caught: str			# the RESULT:SIGNATURE set the check must give
    what: str


def harness_mutants(model: Model, base: str) -> list[HarnessMutant]:
    """The rows of config/harness-mutants.tsv as on BASE: the primary base
    reads the columns NAME, another base a column "BASE:NAME" other than
    "=" instead of NAME where there is one."""
    path = model.config / 'harness-mutants.tsv'
    primary = model.primary_base.name
    _, header, rows = read_tsv_lines(path)
    keys = [f.name for f in fields(HarnessMutant)]
    for c in header:
        b, _, k = c.rpartition(':')
        if k not in keys or (b and b not in [x.name for x in model.bases]):
            raise ConfigError(f'{_shown(path)}: unknown column {c}')
        if b == primary:
            raise ConfigError(f"{_shown(path)}: column {c}: the primary base {b}'s is {k}")

    def cell(cells, k):
        c = column(primary, base, k)
        return cells[c] if cells.get(c, '=') != '=' else cells[k]
    return [HarnessMutant(**{k: cell(cells, k) for k in keys}) for _, cells in rows]


@dataclass(frozen=True)
class KunitMutant:
    """A row of bases/BASE/kunit-mutants[-REF].tsv: a behaviour a KUnit case
    names, reverted (its number counts from 1)."""
    number: int
    file: str
    substitution: str
    what: str
    arch: str = 'um'		# the suites that must catch it: um or x86_64


def kunit_mutants(folder: BaseFolder, variant: str | None = None) -> list[KunitMutant]:
    """The rows of the base's kunit-mutants[-VARIANT].tsv (BaseFolder; no
    header: file, perl substitution, what it reverts[, arch])."""
    path = folder.kunit_mutants(variant)
    if not path.exists():
        die(f'no KUnit mutants for base {folder.path.name} ({path})')
    out = []
    for n, line in enumerate(_read_lines(path), 1):
        if not line.strip() or line.startswith('#'):
            continue
        cells = line.split('\t')
        if len(cells) not in (3, 4) or (cells[3:] or ['um'])[0] not in ('um', 'x86_64'):
            raise ConfigError(f'{_shown(path)}:{n}: want FILE, SUBSTITUTION, WHAT[, um|x86_64]')
        out.append(KunitMutant(len(out) + 1, *cells))
    return out
