# SPDX-License-Identifier: GPL-2.0
"""vdma_pipeline: the harness's stages, the one entry point of make.

Every make target is `python3 scripts/vdma.py STAGE`; a stage is a plan, a
list of steps, each a row of data: a name and a command (a kbuild or git
script of scripts/ with explicit arguments, or a stage of this tool).  The
config is read here and only here, through scripts/vdma_model.py: the shell
scripts read no table; what they need of a base or an architecture comes
from the environment a step sets (script_env(), arch_env()) or from their
arguments.  `vdma.py STAGE --plan` prints the steps without running them.

check (make check, what CI runs) goes on after a failed step, keeps each
step's output in build/results/NAME.log with its provenance in
NAME.log.prov, prints a summary and exits 1 if any step failed.
"""

import argparse
import hashlib
import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, TextIO

import vdma_model
from vdma_model import HarnessError, Model

TOP = Path(__file__).resolve().parent.parent
CONFIG = TOP / 'config'
RESULTS = TOP / 'build' / 'results'
PY = ('python3', 'scripts/vdma.py')	# a stage of this tool, as a step's command
STEP = 'VDMA_STEP'	# the environment of a step's stage run in this process: its name

# What the harness needs on every machine (Debian packages), besides each
# architecture's (config/arches.tsv: packages, cross, libc).
HOST_PACKAGES = ('sparse flex bison bc libelf-dev libssl-dev ccache cpio xz-utils dwarves '
                 'python3 perl git make gcc libc6-dev kmod python3-ply python3-git '
                 'python3-docutils shellcheck pyflakes3').split()
# the lifecycle rows of make check (CI's budget): the rest is make lifecycle
LIFECYCLE_CHECK = ('name=domains|fault|faultring|swiotlb|forcelegacy|livedomain|xsk '
                   'iommu=intel|none mode=translated|-')


def config() -> Model:
    return vdma_model.load(CONFIG)


def default_base(m: Model, base: str | None = None) -> str:
    """--base, else $BASE, else the primary base (the first row of
    config/bases.tsv); an unknown name is an error."""
    name = base or os.environ.get('BASE') or m.primary_base.name
    return m.base(name).name


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the data a script gets

def series_patches(m: Model, base: str) -> list[Path]:
    """The base's series patches in order: FOLDER/series if present, else the
    numbered patches but the cover letter."""
    b = m.base(base)
    if not b.has_series:
        return []
    return folder_patches(TOP / b.patches)


def folder_patches(d: Path) -> list[Path]:
    if (d / 'series').exists():
        names = [n.split('#')[0].strip() for n in (d / 'series').read_text().splitlines()]
        return [d / n for n in names if n]
    return sorted(p for p in d.glob('[0-9]*.patch') if not p.name.startswith('0000-'))


def series_hash(m: Model, base: str) -> str:
    """sha256 of the base's series patches (in series order), or 'none'."""
    if not m.base(base).has_series:
        return 'none'
    h = hashlib.sha256()
    for p in series_patches(m, base):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def extra_series(m: Model, base: str) -> list[vdma_model.Variant]:
    """The series beside the base's own (config/variants.tsv "patches": the
    alternative v2 on 7.3), of the variants config/matrix.tsv boots."""
    return [m.variant(v) for v in m.variants_of(base, 'matrix') if m.variant(v).patches != '-']


def base_env(m: Model, base: str) -> dict[str, str]:
    """What a script knows of its base (scripts/lib.sh): BASE, BASE_*
    (config/bases.tsv), the paths of its own files (bases/BASE/:
    vdma_model.BaseFolder), SERIES_PATCHES, SERIES_HASH (provenance) and
    EXTRA_SERIES (VARIANT:REF:FOLDER:MUTANTS words)."""
    b, f = m.base(base), m.folder(base)
    env = {'BASE': b.name, 'SERIES_HASH': series_hash(m, base),
           'SERIES_PATCHES': ' '.join(str(p) for p in series_patches(m, base)),
           'EXTRA_SERIES': ' '.join(f'{v.name}:{v.ref}:{v.patches}:{f.mutants(v.ref)}'
                                    for v in extra_series(m, base))}
    for k in ('package', 'version', 'suite', 'tarball', 'sha256', 'series_version', 'date'):
        env[f'BASE_{k.upper()}'] = getattr(b, k)
    env['BASE_PATCHES'] = str(TOP / b.patches) if b.has_series else ''
    env |= {'BASE_DIR': str(f.path), 'BASE_CONTROL': str(f.control),
            'BASE_MUTANTS': str(f.mutants()), 'BASE_BENCH': str(f.bench),
            'BASE_GUEST_CONFIG': str(f.guest_config) if f.guest_config.exists() else '',
            'BASE_COVER': str(f.cover()), 'BASE_RESULTS': str(f.results())}
    has = f.kunit_mutants().exists()
    env['KUNIT_MUTANTS'] = str(len(vdma_model.kunit_mutants(f)) if has else 0)
    return env


def script_env(m: Model, base: str, arch: str = 'x86_64') -> dict[str, str]:
    """The environment of a script of scripts/: its base's and an
    architecture's (build.sh's, x86_64 unless another is asked)."""
    return base_env(m, base) | arch_env(m, arch)


def arch_env(m: Model, arch: str) -> dict[str, str]:
    """What build.sh knows of an architecture (config/arches.tsv)."""
    a = m.arch(arch)
    return {'ARCH_NAME': a.arch, 'ARCH_OUT': a.out, 'ARCH_KARCH': a.karch,
            'ARCH_CROSS': '' if a.cross == '-' else a.cross, 'ARCH_IMAGE': a.image,
            'ARCH_FRAGMENTS': ' '.join(a.fragments)}


# ---------------------------------------------------------------- steps

@dataclass(frozen=True)
class Step:
    """One step of a plan: NAME, the command it runs, the base whose
    environment (base_env) the command gets, and more environment.  A
    command PY + ARGS is a stage of this tool, run in this process."""
    name: str
    cmd: tuple[str, ...]
    base: str = ''
    env: tuple[tuple[str, str], ...] = ()

    def shown(self) -> str:
        env = ([f'BASE={self.base}'] if self.base else []) + [f'{k}={v}' for k, v in self.env]
        return shlex.join((['env'] + env if env else []) + list(self.cmd))


def sh(name: str, *args: str, base: str = '', **env: str) -> Step:
    """A step running scripts/SCRIPT.sh ARGS (the step's name: NAME)."""
    script, _, step = name.partition(':')
    return Step(step or script, (f'scripts/{script}.sh',) + args, base, tuple(env.items()))


def stage(name: str, *args: str, base: str = '', **env: str) -> Step:
    """A step running a stage of this tool: vdma.py STAGE ARGS."""
    st, _, step = name.partition(':')
    return Step(step or st, PY + (st,) + args, base, tuple(env.items()))


class Tee:
    """A text stream that writes to a log file and to the terminal."""

    def __init__(self, log: TextIO, out: TextIO):
        self.log, self.out = log, out

    def write(self, s: str) -> int:
        self.out.write(s)
        self.log.write(s)
        return len(s)

    def flush(self) -> None:
        self.out.flush()
        self.log.flush()


def call(cmd: Iterable[str], env: dict[str, str] | None = None) -> int:
    """Run CMD in the project's folder with ENV added; its output (stdout and
    stderr) goes to sys.stdout, through a pipe when that is not the
    terminal's (a step's log)."""
    full = dict(os.environ, **(env or {}))
    if sys.stdout is sys.__stdout__ and sys.stderr is sys.__stderr__:
        sys.stdout.flush()
        return subprocess.run(list(cmd), cwd=TOP, env=full).returncode
    p = subprocess.Popen(list(cmd), cwd=TOP, env=full, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    for chunk in iter(lambda: p.stdout.read1(65536), b''):
        sys.stdout.write(chunk.decode(errors='replace'))
        sys.stdout.flush()
    return p.wait()


# the step's "N passed" line of the summary
PASSED = re.compile(r'^[a-z0-9./ =-]+: [0-9]+ passed.*$', re.M)
# the lines of a failed step's log shown at the end of a run
FAILED = re.compile(r'^\[[0-9]+/[0-9]+\] (FAIL|ERROR)|^(FAIL|ERROR|not ok)|error:')


@dataclass
class Runner:
    """Runs steps as check does: each step's output on the terminal and in
    RES/NAME.log (its exit code in NAME.rc, its provenance in NAME.log.prov),
    a summary line per step."""
    m: Model
    main: Callable[[list[str]], int]	# vdma.py's, for a step PY + ARGS
    res: Path = RESULTS
    lines: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    passed: int = 0

    def run(self, step: Step) -> bool:
        self.res.mkdir(parents=True, exist_ok=True)
        print(f'\n=== {step.name}', flush=True)
        log = self.res / f'{step.name}.log'
        start = time.time()
        with open(log, 'w') as f:
            tee = Tee(f, sys.stdout)
            old = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = tee
            try:
                rc = self.execute(step)
            finally:
                sys.stdout, sys.stderr = old
        (self.res / f'{step.name}.rc').write_text(f'{rc}\n')
        self.provenance(log, step)
        ok = rc == 0
        if ok:
            self.passed += 1
        else:
            self.failed.append(step.name)
        last = PASSED.findall(log.read_text(errors='replace'))
        self.lines.append(f"{step.name:<16} {'PASS' if ok else 'FAIL':<4} "
                          f"{int(time.time() - start):>5}s  {last[-1] if last else ''}")
        return ok

    def execute(self, step: Step) -> int:
        env = (script_env(self.m, step.base) if step.base else {}) | dict(step.env)
        if step.cmd[:2] != PY:
            return call(step.cmd, env)
        env[STEP] = step.name
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            return self.main(list(step.cmd[2:]))
        except SystemExit as e:		# argparse's
            return e.code if isinstance(e.code, int) else 2
        except Exception:		# a stage's bug fails its step, not the check
            traceback.print_exc()
            return 1
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def provenance(self, log: Path, step: Step) -> None:
        """LOG.prov: the series, base, project commit and command of a log
        (make results-full publishes only results of the current series)."""
        write_prov(self.m, log, step.base or default_base(self.m), step.shown())

    def summary(self, seconds: int) -> str:
        return f'\n=== summary ({seconds}s)\n' + ''.join(line + '\n' for line in self.lines)

    def failures(self) -> str:
        """What failed, where CI shows it (the end of the output)."""
        out = []
        for name in self.failed:
            log = self.res / f'{name}.log'
            text = log.read_text(errors='replace').splitlines()
            hit = [line for line in text if FAILED.search(line)][:12]
            out.append(f'--- {name} failed ({log}):')
            out += hit or text[-6:]
        return ''.join(line + '\n' for line in out)


def git_top(*args: str) -> str:
    r = subprocess.run(['git', '-C', str(TOP)] + list(args), capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else ''


def write_prov(m: Model, f: Path, base: str, command: str) -> None:
    b = m.base(base)
    dirty = git_top('status', '--porcelain', '--', 'scripts', 'config', 'guest', vdma_model.BASES)
    Path(f'{f}.prov').write_text(
        f'series={series_hash(m, base)}\n'
        f'base={base} {b.package} {b.version}\n'
        f"project={git_top('rev-parse', '--short=12', 'HEAD')}{'+dirty' if dirty else ''}\n"
        f'command={command}\n'
        f"date={time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n")


# ---------------------------------------------------------------- make check

def role(b: vdma_model.Base, long: bool) -> str:
    """What check runs on a base (config/bases.tsv "check"): full, backport,
    or nothing; "long-ROLE" is ROLE with LONG (make check-long)."""
    return b.check.removeprefix('long-') if long else b.check


def check_plan(m: Model, long: bool = False, primary: str | None = None) -> list[Step]:
    """The steps of make check (LONG: make check-long): the harness's own
    tests, then per base of config/bases.tsv what its "check" column says,
    then the harness mutants on the primary base.
      full:     checkpatch of its series and of the series beside it
                (config/variants.tsv "patches": v2 on 7.3), every kernel
                variant of config/matrix.tsv whose "check" is yes (LONG:
                every one), KUnit in UML and with --arch=x86_64, the KUnit
                mutants, sparse and W=1, kernel-doc; KUnit in UML of the
                series beside it (LONG: its mutants, sparse, kernel-doc);
                the QEMU matrix and its KTAP, the lifecycle rows that fit
                (lifecycle --check)
      backport: checkpatch, the series kernel, KUnit, the default boot
                (the demo: every kind of device under the intel IOMMU)"""
    primary = default_base(m, primary)
    bases = [b for b in m.bases if role(b, long) in ('full', 'backport')]
    full = [b for b in bases if role(b, long) == 'full']

    def variants(b: vdma_model.Base) -> list[str]:
        return [v for v in m.variants_of(b.name, 'matrix') if long or m.variant(v).check == 'yes']

    steps = [stage('deps'), stage('selftest')]
    steps += [sh(f'tree:tree-{b.name}', base=b.name) for b in bases]
    steps += [sh(f'checkpatch:checkpatch-{b.name}', base=b.name) for b in bases if b.has_series]
    for b in bases:
        for v in (variants(b) if b in full else ['series']):
            steps.append(stage(f'build:build-{b.name}-{v}', v, base=b.name))
    for b in (b for b in bases if b.has_series):
        n = b.name
        steps.append(sh(f'kunit:kunit-{n}', 'series', base=n))
        if b not in full:
            continue
        steps += [sh(f'kunit:kunit-{n}-x86_64', 'series', 'x86_64', base=n),
                  stage(f'mutants:mutants-{n}', base=n),
                  sh(f'sparse:sparse-{n}', base=n), sh(f'kdoc:kernel-doc-{n}', base=n)]
        for v in (v.name for v in extra_series(m, n) if long or v.check == 'yes'):
            steps += [sh(f'checkpatch:checkpatch-{n}-{v}', m.variant(v).patches, base=n),
                      sh(f'kunit:kunit-{n}-{v}', v, base=n)]
            if long:
                steps += [stage(f'mutants:mutants-{n}-{v}', '--variant', v, base=n),
                          sh(f'sparse:sparse-{n}-{v}', base=n, SERIES=v),
                          sh(f'kdoc:kernel-doc-{n}-{v}', base=n, SERIES=v)]
    for b in bases:
        if b in full:
            steps += [stage(f'matrix:matrix-{b.name}', *variants(b), base=b.name),
                      stage(f'ktap:ktap-{b.name}', base=b.name)]
        elif b.has_series:
            steps.append(stage(f'demo:demo-{b.name}', 'series', 'intel', 'translated',
                               base=b.name))
    # every full base's: one the table has no column for fails that step
    steps += [stage(f'lifecycle:lifecycle-{b.name}', '--check',
                    *[v for v in m.variants_of(b.name, 'lifecycle')
                      if v not in ('base', 'control') and (long or m.variant(v).check == 'yes')],
                    base=b.name)
              for b in full if 'lifecycle' in m.tables]
    steps.append(stage('harness-mutants', *([] if long else harness_mutants_of_check(m, primary)),
                       base=primary))
    return steps


def harness_mutants_of_check(m: Model, base: str) -> list[str]:
    """The rows of config/harness-mutants.tsv make check runs: those whose
    check boots only kernels make check builds (config/variants.tsv
    "check" yes); make check-long runs every row."""
    def kernels(check: str) -> list[str]:
        words = check.split()[1:]
        return list(itertools.takewhile(lambda w: not w.startswith('-'), words))
    return [r.name for r in vdma_model.harness_mutants(m, base)
            if all(m.variant(v).check == 'yes' for v in kernels(r.check))]


def upstream_plan(m: Model, base: str) -> list[Step]:
    """What the DMA, PCI and virtio maintainers would run on the series:
    checkpatch, sparse/W=1, kernel-doc and reST, the series with virtio as
    modules (vmlinux and modules linked), every prefix built for x86 and
    UML and booted, the touched files on other architectures."""
    return [sh('checkpatch:upstream-checkpatch', base=base),
            stage('build:upstream-build-base', 'base', base=base),
            stage('build:upstream-build-series', 'series', base=base),
            stage('build:upstream-build-modular', 'series', '--config', 'guest-modular.config',
                  '--name', 'series-modular', base=base),
            sh('sparse:upstream-sparse', base=base), sh('kdoc:upstream-kernel-doc', base=base),
            sh('bisect', base=base), stage('deps:cross-deps', 'cross'),
            stage('cross', base=base)]


def run_plan(m: Model, main: Callable[[list[str]], int], steps: list[Step], title: str) -> int:
    """Every step (on after a failure), the summary, what failed and
    "TITLE: N passed, M failed"; 1 if a step failed."""
    t0 = time.time()
    r = Runner(m, main)
    for s in steps:
        r.run(s)
    sys.stdout.write(r.summary(int(time.time() - t0)))
    sys.stdout.write(r.failures())
    print(f'{title}: {r.passed} passed, {len(r.failed)} failed', flush=True)
    return 1 if r.failed else 0


def print_plan(steps: list[Step]) -> int:
    for s in steps:
        print(f'{s.name}\t{s.shown()}')
    return 0


# ---------------------------------------------------------------- stages in Python

def ktap(m: Model, base: str) -> int:
    """The matrix's KTAP as kunit.py reads it: every row parsed, with the
    matrix's own counts (a failed row is the matrix step's failure, not
    this one's)."""
    res = RESULTS / base
    txt = res / 'matrix.ktap.txt'
    tree = TOP / 'build' / base / 'linux'
    with open(txt, 'w') as f:
        if tree.is_dir():
            subprocess.run(['python3', 'tools/testing/kunit/kunit.py', 'parse',
                            str(res / 'matrix.ktap')], cwd=tree, stdout=f, stderr=subprocess.STDOUT)
        else:
            f.write(f'no tree {tree}\n')
    got = '\n'.join(' '.join(x) for x in re.findall(
        r'Testing complete\. Ran ([0-9]*) tests: passed: ([0-9]*)', txt.read_text(errors='replace')))
    try:
        r = json.loads((res / 'matrix.json').read_text())['results']
        want = f"{len(r)} {sum(x['result'] == 'PASS' for x in r)}"
    except (OSError, ValueError, KeyError) as e:
        want = f'no matrix.json ({e})'
    print(f"ktap {base}: kunit.py: {got or 'nothing parsed'}; matrix: {want}")
    if got and got == want:
        return 0
    print('\n'.join(txt.read_text(errors='replace').splitlines()[-20:]))
    return 1


def harness_mutants(m: Model, base: str, names: list[str]) -> int:
    """Is the harness's evidence exact?  Each row of config/harness-mutants.tsv
    breaks one piece of the harness (the guest, the judge's input, QEMU); the
    row's check must then fail (exit 1) with exactly the outcomes the row
    names.  TAP on stdout and in build/results/BASE/harness-mutants.tap."""
    rows = {r.name: r for r in vdma_model.harness_mutants(m, base)}
    for n in names:
        if n not in rows:
            raise HarnessError(f"no harness mutant '{n}' in config/harness-mutants.tsv")
    names = names or list(rows)
    res = RESULTS / base / 'harness-mutants'
    res.mkdir(parents=True, exist_ok=True)
    tap = RESULTS / base / 'harness-mutants.tap'
    tap.write_text(f'TAP version 13\n1..{len(names)}\n')
    bad = 0
    for i, r in enumerate((rows[n] for n in names), 1):
        o = res / r.name
        shutil.rmtree(o, ignore_errors=True)
        o.mkdir(parents=True)
        env = dict([r.env.split('=', 1)]) if r.env != '-' else {}
        verdict = ''
        if r.file == 'guest/vtest.c':
            shutil.copy(TOP / r.file, o / 'vtest.c')
            subprocess.run(['perl', '-0pi', '-e', r.substitution, str(o / 'vtest.c')], check=True)
            if (o / 'vtest.c').read_bytes() == (TOP / r.file).read_bytes():
                verdict = (f'not ok {i} - {r.name} ({r.what}): the substitution does not '
                           f'apply to {r.file}')
            env |= {'VDMA_GUEST_SRC': str(o / 'vtest.c'), 'VDMA_GUEST': str(o / 'guest')}
        elif r.file != '-':
            verdict = f'not ok {i} - {r.name}: unknown file {r.file}'
        if not verdict:
            # the control-as-series mutant re-judges the stored control boots
            out, j = ['--out', str(o), '--name', 'check'], o / 'check.json'
            if '--rejudge' in r.check.split():
                out = ['--out', str(RESULTS / base), '--name', f'mutant-{r.name}']
                j = RESULTS / base / f'mutant-{r.name}.json'
            say(f'harness-mutants: [{i}/{len(names)}] {r.what}')
            with open(o / 'log', 'w') as lf:
                rc = subprocess.run(['python3', str(TOP / 'scripts' / 'vdma.py'), *r.check.split(),
                                     '--base', base, *out, '--jobs', '1'], cwd=TOP,
                                    env=dict(os.environ, **env), stdout=lf,
                                    stderr=subprocess.STDOUT).returncode
            try:
                got = ' '.join(sorted({x['result'] + ':' + x['signature'] for x in
                                       json.loads(j.read_text())['results']
                                       if x['result'] != 'PASS'}))
            except (OSError, ValueError, KeyError):
                got = 'no-result'
            verdict = (f'ok {i} - {r.name} ({r.what}): caught, {got}' if rc == 1 and got == r.caught
                       else f"not ok {i} - {r.name} ({r.what}): exit {rc}, got '{got}', "
                            f"want '{r.caught}' (log {o / 'log'})")
        print(verdict, flush=True)
        with open(tap, 'a') as f:
            f.write(verdict + '\n')
        if verdict.startswith('not'):
            bad += 1
            if (o / 'log').exists():
                print(''.join(f'# {line}\n' for line in
                              (o / 'log').read_text(errors='replace').splitlines()[-3:]), end='')
    last = f'harness-mutants: {len(names) - bad} passed, {bad} failed'
    print(last, flush=True)
    with open(tap, 'a') as f:
        f.write(last + '\n')
    return 0 if bad == 0 else 1


def lifecycle(m: Model, base: str, variants: list[str], check: bool) -> int:
    """Lifecycle scenarios (config/lifecycle.tsv): build the x86 kernels of
    the variants (default: every one the table has a column for) and boot
    and judge every row (vdma.py matrix --table lifecycle).  CHECK: what
    make check runs (CI's budget): the rows behind intel-iommu or none of
    LIFECYCLE_CHECK's scenarios, on VARIANTS (default: every variant of the
    table but the base and the control; make check: those it builds) in
    build/results/BASE/check/."""
    out, env = RESULTS / base, {}
    m.booted(base, 'lifecycle', variants)	# an error where it has no column
    table = m.variants_of(base, 'lifecycle')
    if check:
        env['MATRIX_FILTER'] = LIFECYCLE_CHECK
        out = out / 'check'
        variants = variants or [v for v in table if v not in ('base', 'control')]
    variants = variants or table
    # a soak row binds, tests and unbinds its devices 200 times (50 for the
    # others kinds): 60-230 s here
    env['QEMU_TIMEOUT'] = os.environ.get('QEMU_TIMEOUT', '400')
    for v in variants:
        if build(m, base, v):
            raise HarnessError(f'lifecycle: the {v} kernel does not build')
    # every variant of the base (rows say '-' for those they do not boot), so
    # that make results takes a complete run; VARIANT arguments pick some
    return call(PY + ('matrix', '--base', base, '--table', 'lifecycle', '--out', str(out),
                      *variants), env)


def platform_arches(m: Model, base: str) -> list[str]:
    """The architectures of config/platforms.tsv's rows that expect something
    of a variant of the base."""
    b = m.base(base)
    rows = [r for r in m.table('platforms').rows if r.kind in b.kinds]
    return list(dict.fromkeys(m.iommu(r.iommu).arch for r in rows
                              if any(r.expectation(base, v).runs for v in m.variants_of(base))))


def platform_variants(m: Model, base: str, arch: str) -> list[str]:
    b = m.base(base)
    rows = [r for r in m.table('platforms').rows
            if r.kind in b.kinds and m.iommu(r.iommu).arch == arch]
    return [v for v in m.variants_of(base) if any(r.expectation(base, v).runs for r in rows)]


def platforms(m: Model, base: str, want: list[str]) -> int:
    """The seed's platforms at runtime: build the guest kernels of each
    architecture of config/platforms.tsv (WANT, $PLATFORMS, default every
    one) for every variant its rows expect something of ($VARIANTS picks
    some) (in a work tree of their own, build/BASE/wt-platforms, so
    that this can run beside other steps), and boot and judge the rows."""
    m.booted(base, 'platforms')
    have = platform_arches(m, base)
    if not have:
        raise HarnessError(f'platforms: config/platforms.tsv has no rows for base {base}')
    want = want or os.environ.get('PLATFORMS', '').split() or have
    for a in want:
        if a not in have:
            raise HarnessError(f"platforms: no rows for '{a}' (have: {' '.join(have)})")
    if deps(m, 'platforms'):
        return 1
    wt = TOP / 'build' / base / 'wt-platforms'
    tree = TOP / 'build' / base / 'linux'
    if not (wt / '.git').exists():
        subprocess.run(['git', '-C', str(tree), 'worktree', 'prune'])
        if subprocess.run(['git', '-C', str(tree), 'worktree', 'add', '-q', '--detach', str(wt),
                           'base']).returncode:
            raise HarnessError(f'platforms: cannot add work tree {wt}')
    start = time.time()
    variants = os.environ.get('VARIANTS', '').split()	# default: every one with rows
    for a in want:
        have = platform_variants(m, base, a)
        for v in variants or have:
            if v not in have:
                raise HarnessError(f"platforms: no {a} rows for variant '{v}' "
                                   f"(have: {' '.join(have)})")
            say(f'platforms: {a} {v} kernel ({int(time.time() - start)}s)')
            if build(m, base, v, a, KTREE=str(wt)):
                raise HarnessError(f'platforms: the {a} {v} kernel does not build')
    say(f'platforms: booting ({int(time.time() - start)}s)')
    # the variants first: --arch takes every word after it
    return call(PY + ('matrix', *variants, '--base', base, '--table', 'platforms',
                      '--arch', *want))


def packages(m: Model, what: str) -> list[str]:
    """The Debian packages of deps: the host's (and x86's QEMU), the cross
    compilers of make cross, or QEMU, cross compilers and C libraries of
    every architecture make platforms boots (config/arches.tsv)."""
    arches = m.arches.values()
    if what == 'cross':
        return [f'gcc-{a.cross.rstrip("-")}' for a in arches if a.defconfig != '-']
    if what == 'platforms':
        other = [a for a in arches if a.cross != '-' and a.qemu != '-']
        return list(dict.fromkeys([p for a in other for p in a.packages]
                                  + [x for a in other for x in (f'gcc-{a.cross.rstrip("-")}', a.libc)
                                     if x != '-']))
    return list(m.arch('x86_64').packages) + list(HOST_PACKAGES)


def deps(m: Model, what: str = '') -> int:
    return call(('scripts/deps.sh', *packages(m, what)), script_env(m, default_base(m)))


def build(m: Model, base: str, variant: str, arch: str = 'x86_64', config: str = '',
          **env: str) -> int:
    """scripts/build.sh VARIANT: a kernel of the base into
    build/BASE/out/OUT-VARIANT, with the architecture's fragments and the
    variant's (config/variants.tsv: its ref and config; a name the table
    does not have is a git ref, CONFIG a fragment of config/ on top)."""
    v = next((x for x in m.variants if x.name == variant), None)
    frags = [f for f in ((v.config if v else '-'), config or '-') if f != '-']
    for f in frags:
        if not (CONFIG / f).is_file():
            raise HarnessError(f'build: no fragment config/{f}')
    return call(('scripts/build.sh', variant), script_env(m, base, arch) | {
        'VARIANT_REF': v.ref if v else variant, 'VARIANT_FRAGMENTS': ' '.join(frags)} | env)


def cross_targets(m: Model, names: list[str]) -> list[str]:
    """KARCH:CROSS:DEFCONFIG of the architectures of make cross
    (config/arches.tsv "defconfig"), or of those named (arch or karch)."""
    rows = [a for a in m.arches.values() if a.defconfig != '-']
    for n in names:
        if not any(n in (a.arch, a.karch) for a in rows):
            raise HarnessError(f"cross: unknown arch {n} (config/arches.tsv, defconfig: "
                               f"{' '.join(a.arch for a in rows)})")
    return [f'{a.karch}:{a.cross}:{a.defconfig}' for a in rows
            if not names or set(names) & {a.arch, a.karch}]


# ---------------------------------------------------------------- the command line

def logged(m: Model, main: Callable[[list[str]], int], name: str, argv: list[str]) -> int | None:
    """A stage make runs as a step of its own (bisect, cross, platforms,
    lifecycle: output also in build/results/NAME.log with its provenance):
    that step's exit code, or None inside a step (run it then)."""
    if os.environ.get(STEP):
        return None
    r = Runner(m, main)
    r.run(Step(name, PY + (name, *argv), default_base(m)))
    sys.stdout.write(''.join(line + '\n' for line in r.lines))
    return 1 if r.failed else 0


def add_commands(sub, main: Callable[[list[str]], int]) -> None:
    """The stages as subcommands of vdma.py (make TARGET: vdma.py STAGE)."""
    def add(name: str, help: str, fn: Callable, *args: tuple[tuple, dict]) -> None:
        p = sub.add_parser(name, help=help)
        p.add_argument('--base', help='a row of config/bases.tsv (default: $BASE, the first row)')
        for a, kw in args:
            p.add_argument(*a, **kw)

        def run(a) -> int:
            m = config()
            base = default_base(m, a.base)
            os.environ['BASE'] = base	# its scripts' and stages' too
            return fn(m, base, a)
        p.set_defaults(fn=run)

    def opt(*a, **kw) -> tuple[tuple, dict]:
        return a, kw

    plan = opt('--plan', action='store_true', help='print the steps (name, command); run nothing')

    def check(m: Model, base: str, a) -> int:
        long = a.long or bool(os.environ.get('LONG'))
        steps = check_plan(m, long, base)
        return print_plan(steps) if a.plan else run_plan(m, main, steps, 'check')
    add('check', 'every test that fits CI\'s budget (make check; --long: make check-long)', check,
        plan, opt('--long', action='store_true',
                  help='also what does not fit CI (config "long"; $LONG)'))

    def upstream(m: Model, base: str, a) -> int:
        steps = upstream_plan(m, base)
        if a.plan:
            return print_plan(steps)
        t0, r = time.time(), Runner(m, main)
        for s in steps:
            r.run(s)
        text = (f'\nupstream-check {base} ({int(time.time() - t0)}s), series '
                f"{series_hash(m, base)}, project {git_top('rev-parse', '--short=12', 'HEAD')}:\n"
                + ''.join(line + '\n' for line in r.lines)
                + f'upstream-check: {r.passed} passed, {len(r.failed)} failed\n')
        sys.stdout.write(text)
        (RESULTS / 'upstream-check.log').write_text(text)
        return 1 if r.failed else 0
    add('upstream-check', 'what maintainers would run (long: not part of check)', upstream, plan)

    add('selftest', "the harness's own tests, on recorded boots (seconds)",
        lambda m, base, a: call(('python3', 'scripts/test_vdma.py')))
    add('deps', 'install the Debian packages the harness needs (as root)',
        lambda m, base, a: deps(m, a.what or ''),
        opt('what', nargs='?', choices=('cross', 'platforms'),
            help="cross: make cross's compilers; platforms: make platforms's QEMU, "
                 'compilers and C libraries (config/arches.tsv)'))

    def trees(m: Model, bases: list[str], *args: str) -> int:
        for b in bases:
            rc = call(('scripts/tree.sh', *args), script_env(m, b))
            if rc:
                return rc
        return 0
    add('tree', "the base's kernel work tree build/BASE/linux and its branches",
        lambda m, base, a: trees(m, [b.name for b in m.bases] if a.all else [base]),
        opt('--all', action='store_true', help='of every base'))

    def clean(m: Model, base: str, a) -> int:
        # refuses if a tree has work that is not exported
        if trees(m, [b.name for b in m.bases], '--check-exported'):
            return 1
        shutil.rmtree(TOP / 'build', ignore_errors=True)
        return 0
    add('clean', 'remove the kernel trees and build output (not ccache)', clean)
    add('export', "the work tree's series to its patch folder",
        lambda m, base, a: call(('scripts/export.sh', *a.args), script_env(m, base)),
        opt('args', nargs=argparse.REMAINDER))
    add('build', 'build a kernel variant of the base (config/variants.tsv, or a git ref)',
        lambda m, base, a: build(m, base, a.variant, a.arch, a.config,
                                 **({'BUILD_NAME': a.name} if a.name else {})),
        opt('variant'), opt('arch', nargs='?', default='x86_64'),
        opt('--config', default='', help='a fragment of config/ on top of the variant\'s'),
        opt('--name', help='the build folder OUT-NAME (default: OUT-VARIANT)'))

    def kunit(m: Model, base: str, a) -> int:
        for args in ([a.args] if a.args else [['series'], ['series', 'x86_64']]):
            rc = call(('scripts/kunit.sh', *args), script_env(m, base))
            if rc:
                return rc
        return 0
    add('kunit', "the series' KUnit suites (UML, then --arch=x86_64)", kunit,
        opt('args', nargs='*', help='VARIANT [ARCH] (default: series, then series x86_64)'))

    def mutants(m: Model, base: str, a) -> int:
        rows = vdma_model.kunit_mutants(m.folder(base), a.variant)
        pick = [rows[int(n) - 1] for n in a.rows] if a.rows else rows
        args = [x for r in pick for x in (str(r.number), r.file, r.substitution, r.what, r.arch)]
        return call(('scripts/mutants.sh', *(['--variant', a.variant] if a.variant else []),
                     *(['--complete'] if len(pick) == len(rows) else []), *args),
                    script_env(m, base))
    add('mutants', 'every KUnit-named behaviour reverted once: KUnit must fail on each', mutants,
        opt('--variant', help='the rows of bases/BASE/kunit-mutants-VARIANT.tsv on that branch'),
        opt('rows', nargs='*', help='row numbers (default: all)'))
    add('ktap', "the matrix's KTAP as kunit.py reads it", lambda m, base, a: ktap(m, base))
    add('harness-mutants', "is the harness's evidence exact? (config/harness-mutants.tsv)",
        lambda m, base, a: harness_mutants(m, base, a.names), opt('names', nargs='*'))
    for name, what in (('checkpatch', 'checkpatch --strict on every patch of the series'),
                       ('sparse', 'sparse and W=1 on the files the series touches'),
                       ('kernel-doc', 'kernel-doc and reST on the files the series touches'),
                       ('bench', 'the virtio_ring benchmark, base vs series (UML)'),
                       ('results-full', 'the full per-row tables with their provenance'),
                       ('results-brief', "short results into bases/BASE/test-results.txt")):
        sname = {'kernel-doc': 'kdoc', 'results-full': 'results'}.get(name, name)
        add(name, what, lambda m, base, a, s=sname: call((f'scripts/{s}.sh', *a.args),
                                                            script_env(m, base)),
            opt('args', nargs='*'))

    def bisect(m: Model, base: str, a) -> int:
        rc = logged(m, main, 'bisect', a.args)
        return rc if rc is not None else call(('scripts/bisect.sh', *a.args), script_env(m, base))
    add('bisect', 'every prefix of the series built and booted', bisect,
        opt('args', nargs='*', help='FIRST [LAST]'))

    def cross(m: Model, base: str, a) -> int:
        if not os.environ.get(STEP) and deps(m, 'cross'):
            return 1
        rc = logged(m, main, 'cross', a.arches)
        return rc if rc is not None else call(('scripts/cross.sh', *cross_targets(m, a.arches)),
                                              script_env(m, base))
    add('cross', 'what the series touches, built for other architectures', cross,
        opt('arches', nargs='*', help='config/arches.tsv rows with a defconfig (default: all)'))

    def plat(m: Model, base: str, a) -> int:
        rc = logged(m, main, 'platforms', a.arches)
        return rc if rc is not None else platforms(m, base, a.arches)
    add('platforms', "the seed's platforms booted (config/platforms.tsv; $PLATFORMS)", plat,
        opt('arches', nargs='*'))

    def life(m: Model, base: str, a) -> int:
        argv = (['--check'] if a.check else []) + a.variants
        rc = logged(m, main, 'lifecycle', argv)
        return rc if rc is not None else lifecycle(m, base, a.variants, a.check)
    add('lifecycle', 'the lifecycle scenarios (config/lifecycle.tsv)', life,
        opt('--check', action='store_true', help="the rows that fit CI's budget"),
        opt('variants', nargs='*'))
