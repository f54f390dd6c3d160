#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/vdma.py on recorded boots (harness/fixtures), in seconds
and without a kernel build: make selftest.

harness/fixtures/cases.tsv lists each fixture with the expectation it is
judged against and the verdict the judge must give.  The fixtures are real
boots recorded by the harness (their run.json and logs as the runner wrote
them); the ones named in cases.tsv as edited are such a recording with one
thing changed by hand, to show one failure kind (a fault line, a device
removed, a garbled line): each says what was changed in its NOTE file.
"""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vdma  # noqa: E402
import vdma_model  # noqa: E402
import vdma_pipeline  # noqa: E402

FIX = vdma.TOP / 'harness' / 'fixtures'


def cases():
    return vdma.read_tsv(FIX / 'cases.tsv')


class Fixtures(unittest.TestCase):
    """Every recorded boot gets exactly the verdict cases.tsv names."""

    def test_cases(self):
        rows = cases()
        self.assertGreaterEqual(len(rows), 10)
        for c in rows:
            with self.subTest(fixture=c['fixture'], expect=c['expect']):
                v = vdma.judge(vdma.load_run(FIX / c['fixture']), c['expect'])
                self.assertEqual((v.result, v.signature), (c['result'], c['signature']),
                                 f"{c['fixture']} vs {c['expect']}: {v.detail}")
                # the judge takes the parsed expectation as its text
                self.assertEqual(vdma.judge(vdma.load_run(FIX / c['fixture']),
                                            vdma.parse_expectation(c['expect'])), v)

    def test_every_failure_kind_is_covered(self):
        """The fixtures show a clean pass, the control signature, each
        infrastructure error the runner can meet and the failure kinds the
        harness issue names."""
        got = {(c['result'], c['signature']) for c in cases()}
        for want in [('PASS', 'bypass'), ('PASS', 'qemu-index-error'),
                     ('ERROR', 'qemu-failed'), ('ERROR', 'qemu-missing'),
                     ('ERROR', 'timeout-before-init'), ('ERROR', 'garbled-console'),
                     ('ERROR', 'protocol-mismatch'),
                     ('ERROR', 'dump-unparsable'), ('FAIL', 'missing-device'),
                     ('FAIL', 'iommu-fault'), ('FAIL', 'mixed-path'),
                     ('FAIL', 'wrong-kind'), ('FAIL', 'io-error'), ('FAIL', 'panic'),
                     ('FAIL', 'leak'), ('FAIL', 'disk-mismatch'), ('FAIL', 'wrong-path'),
                     ('PASS', 'dma-overlap'), ('FAIL', 'dma-debug'),
                     ('FAIL', 'unexpected-device'), ('ERROR', 'qemu-crashed'),
                     ('ERROR', 'kmsg-incomplete'), ('PASS', 'ring-outside-ram'),
                     ('PASS', 'blk-request-not-taken'), ('PASS', 'xsk-refused')]:
            self.assertIn(want, got)

    def test_control_fails_only_with_its_signature(self):
        """A row expected to fail with one signature does not pass on
        another failure, on an error, or on a clean boot."""
        passing = {c['fixture'] for c in cases()
                   if (c['expect'], c['result']) == ('fail:qemu-index-error', 'PASS')}
        self.assertTrue(passing)
        for f in {c['fixture'] for c in cases()}:
            v = vdma.judge(vdma.load_run(FIX / f), 'fail:qemu-index-error')
            self.assertEqual(v.result == 'PASS', f in passing, f)

    def test_errors_never_pass(self):
        for c in cases():
            if c['result'] != 'ERROR':
                continue
            run = vdma.load_run(FIX / c['fixture'])
            for exp in ('bypass', 'direct+direct-pinned', 'fail:qemu-index-error',
                        'fail:timeout', 'fail:no-init', 'any'):
                self.assertEqual(vdma.judge(run, exp).result, 'ERROR', (c['fixture'], exp))

    def test_any_path_still_checks_io(self):
        """'any' (bisect: every prefix) accepts every path but no failure."""
        clean = {c['fixture'] for c in cases()
                 if c['result'] == 'PASS' and not c['expect'].startswith('fail:')}
        self.assertTrue(clean)
        for f in {c['fixture'] for c in cases()}:
            v = vdma.judge(vdma.load_run(FIX / f), 'any')
            self.assertEqual(v.result == 'PASS', f in clean, f)


# a begin line as the guest prints it (doc/protocol.md)
BEGIN = f'VTEST begin proto={vdma.PROTOCOL_VERSION} kernel=x seed=7 cmdline=vtest.seed=7'


class Parser(unittest.TestCase):
    def test_device_line_missing_a_field_is_garbled(self):
        b = vdma.parse_console(BEGIN + '\nVTEST dev name=virtio0 type=blk\n')
        self.assertEqual(b.devices, [])
        self.assertEqual(len(b.garbled), 1)

    def test_vtest_inside_a_kernel_line_is_garbled(self):
        b = vdma.parse_console(BEGIN + '\n[ 1.0] foo VTEST dev name=virtio0\n')
        self.assertEqual(len(b.garbled), 1)

    def test_kmsg_levels(self):
        b = vdma.parse_console('VTEST kmsg level=3 DMAR: DRHD: handling fault status reg 2\n')
        self.assertEqual(b.kmsg, [(3, 'DMAR: DRHD: handling fault status reg 2')])

    def test_kmsg_record_without_text(self):
        # CI, 7.3 base amd passthrough legacy: a warning record with no text
        # arrived as 'VTEST kmsg level=4' (the console line stripped)
        b = vdma.parse_console(BEGIN + '\nVTEST kmsg level=4 \nVTEST kmsg level=4\n'
                               'VTEST kmsg level=x\n')
        self.assertEqual(b.kmsg, [(4, ''), (4, '')])
        self.assertEqual(b.garbled, ['VTEST kmsg level=x'])


class Protocol(unittest.TestCase):
    """The VTEST protocol (doc/protocol.md): vdma.PROTOCOL, guest/vtest.c
    and the document say the same, and the judge refuses a console that
    breaks it."""

    # every line type with every key the guest prints ("fatal" aside: a
    # console with one is a guest-fatal ERROR)
    GOOD = [BEGIN + ' vtest.steps=fault',
            'VTEST fill mb=16 next=0x1000000',
            'VTEST want plug round=1',
            'VTEST step name=boot result=ok',
            'VTEST listen tag=kbd5',
            'VTEST dump available=1 entries=2 unparsed=0',
            'VTEST dev name=virtio0 type=blk transport=pci addr=0000:00:01.0 id=0x1001 '
            'kind=legacy tag=legacy ap=0 path=direct maps=2 direct=2 bounced=0 '
            'dma_path=phys io=ok unbind=ok leaks=0',
            'VTEST step name=fault result=ok group=DMA',
            'VTEST fault dev=0000:00:01.0 injected=8 of=8',
            'VTEST unplug round=1 result=ok left=0',
            'VTEST soak cycles=2 devices=1 bad=0 entries=10/10 slab=100/100 first=-',
            'VTEST dmadebug errors=0 available=1',
            'VTEST swiotlb hiwater=- available=0',
            'VTEST kmsg level=4 a warning',
            'VTEST kmsg level=4',
            'VTEST kmsgsum lines=100 shown=2 lost=0',
            'VTEST xsk name=virtio2 tag=52:54:00:12:03:02 from=52:54:00:12:03:01 reset=1 '
            'result=ok frames=64 corrupt=0 dup=0 maps=256 direct=256 left=0',
            'VTEST end devices=1']

    def error(self, lines):
        """infra_error() of a boot whose console is LINES."""
        run = dict(status='exited', rc=0, secs=1, console='\n'.join(lines) + '\n')
        return vdma.infra_error(run, vdma.parse_console(run['console']))

    def test_a_good_console_passes_the_check(self):
        self.assertEqual({ln.split()[1] for ln in self.GOOD} | {'fatal'}, set(vdma.PROTOCOL))
        b = vdma.parse_console('\n'.join(self.GOOD))
        self.assertEqual(b.garbled, [])
        self.assertEqual((b.proto, len(b.devices), len(b.steps), len(b.kmsg)),
                         (str(vdma.PROTOCOL_VERSION), 1, 2, 2))
        self.assertIsNone(self.error(self.GOOD))
        # a fatal line is text: no key to miss
        self.assertEqual(self.error(self.GOOD[:1] + ['VTEST fatal fill 16 MiB: x=y']),
                         ('guest-fatal', 'fill 16 MiB: x=y'))

    def test_recorded_consoles_follow_the_protocol(self):
        for c in {c['fixture'] for c in cases()}:
            b = vdma.parse_console(vdma.load_run(FIX / c)['console'])
            if not b.begin:	# the guest never ran
                continue
            with self.subTest(fixture=c):
                self.assertEqual(b.proto, '2' if c == 'edited-protocol-version' else '1')
                if c == 'edited-garbled-console':
                    self.assertEqual(b.garbled_why, ['VTEST dev has no key path'])
                else:
                    self.assertEqual(b.garbled_why, [])

    def test_an_unknown_line_type(self):
        err = self.error(self.GOOD[:-1] + ['VTEST bogus x=1'] + self.GOOD[-1:])
        self.assertEqual(err, ('garbled-console', 'unknown line type VTEST bogus: VTEST bogus x=1'))

    def test_a_missing_required_key(self):
        for i, line in enumerate(self.GOOD):
            what = line.split()[1]
            for key in vdma.PROTOCOL[what].required:
                if what == 'begin' and key == 'proto':
                    continue	# the version: test_a_wrong_version
                tail = '.*' if key == vdma.PROTOCOL[what].tail else r'\S*'
                cut = re.sub(rf' {key}={tail}', '', line, count=1)
                with self.subTest(line=cut):
                    self.assertNotEqual(cut, line)
                    sig, detail = self.error(self.GOOD[:i] + [cut] + self.GOOD[i + 1:])
                    self.assertEqual(sig, 'garbled-console')
                    self.assertTrue(detail.startswith(f'VTEST {what} has no key {key}: '),
                                    detail)
        # the rest of a line that is not only KEY=VALUE words
        for bad in ('VTEST want plug round=x', 'VTEST kmsg level=x', 'VTEST kmsg error=2'):
            with self.subTest(line=bad):
                sig, detail = self.error(self.GOOD[:-1] + [bad] + self.GOOD[-1:])
                self.assertEqual(sig, 'garbled-console')
                self.assertIn(f'VTEST {bad.split()[1]} ', detail)

    def test_a_wrong_version(self):
        for proto, why in ((' proto=2', 'the guest speaks VTEST protocol 2, vdma.py reads '
                                        f'protocol {vdma.PROTOCOL_VERSION}'),
                           ('', "the guest's VTEST begin line has no protocol version")):
            with self.subTest(proto=proto):
                begin = re.sub(r' proto=\S+', proto, self.GOOD[0])
                sig, detail = self.error([begin] + self.GOOD[1:])
                self.assertEqual(sig, 'protocol-mismatch')
                self.assertTrue(detail.startswith(why), detail)
                # whatever else the console says: the version is judged first
                sig, _ = self.error([begin, 'VTEST bogus', 'VTEST fatal x'])
                self.assertEqual(sig, 'protocol-mismatch')
        for exp in ('bypass', 'fail:qemu-index-error', 'bypass bypass', 'any'):
            v = vdma.judge(dict(status='exited', rc=0, secs=1, devices=[], disks={},
                                console='VTEST begin proto=0 cmdline=\n'), exp)
            self.assertEqual((v.result, v.signature), ('ERROR', 'protocol-mismatch'), exp)

    def test_the_guest_prints_what_the_table_says(self):
        """Every "VTEST ..." format of guest/vtest.c: its line type is in
        PROTOCOL, with the keys it prints; the begin line carries the
        version vdma.py reads."""
        src = (vdma.TOP / 'guest' / 'vtest.c').read_text()
        code = re.sub(r'/\*.*?\*/|//[^\n]*', '', src, flags=re.S)
        lit = r'"((?:[^"\\]|\\.)*)"'
        printed = {}
        for m in re.finditer(lit[:1] + 'VTEST ' + lit[1:] + r'((?:\s*' + lit + r')*)', code):
            fmt = m.group(1) + ''.join(re.findall(lit, m.group(2)))
            what, _, rest = fmt.partition(' ')
            printed.setdefault(what, []).append(rest)
        self.assertEqual(set(printed), set(vdma.PROTOCOL))
        for what, fmts in printed.items():
            lt = vdma.PROTOCOL[what]
            if lt.form == 'text':
                continue
            with self.subTest(line=what):
                keys = {k for f in fmts for k in re.findall(r'(?:^| )(\w+)=', f)}
                self.assertEqual(keys, set(lt.keys), fmts)
                self.assertLessEqual(set(lt.required), set(lt.keys))
        self.assertEqual(len(printed['begin']), 1)
        self.assertTrue(printed['begin'][0].startswith('proto=%d '), printed['begin'])
        self.assertEqual(re.search(r'#define VTEST_PROTO\s+(\d+)', src).group(1),
                         str(vdma.PROTOCOL_VERSION))

    def test_the_document_says_what_the_table_says(self):
        doc = (vdma.TOP / 'doc' / 'protocol.md').read_text()
        self.assertIn(f'version {vdma.PROTOCOL_VERSION}', doc)
        secs = dict(re.findall(r'^### `VTEST (\w+)[^`]*`\n(.*?)(?=^#|\Z)', doc, re.M | re.S))
        self.assertEqual(set(secs), set(vdma.PROTOCOL))
        for what, lt in vdma.PROTOCOL.items():
            for k in lt.keys:
                with self.subTest(line=what, key=k):
                    row = re.search(rf'^\| `{k}` \|[^|]*\| *(yes|no) *\|', secs[what], re.M)
                    self.assertTrue(row, f'doc/protocol.md: no row for {what} {k}')
                    self.assertEqual(row.group(1) == 'yes', k in lt.required)


class Brief(unittest.TestCase):
    """vdma.py brief: the provenance lines under a table."""

    def test_kernels_per_variant_with_their_architectures(self):
        import io, tempfile, argparse
        from contextlib import redirect_stdout
        from unittest import mock
        res = [dict(variant=v, iommu='arm64-none', mode='-', kind='legacy', result='PASS',
                    signature='direct+direct') for v in ('series', 'v2')]
        prov = dict(date='d', project='p', rejudged=True,
                    kernel_commits={'series@arm64': '9d61b8865aa6xx', 'series@e5500': '9d61b8865aa6xx',
                                    'v2@arm64': '6fd0a50578d1', 'v2@e5500': '?'})
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / '7.3').mkdir()
            (Path(d) / '7.3' / 'platforms.json').write_text(
                json.dumps(dict(results=res, provenance=prov)))
            out = io.StringIO()
            with mock.patch.object(vdma, 'RESULTS', Path(d)), redirect_stdout(out):
                vdma.cmd_brief(argparse.Namespace(base='7.3', name='platforms', variants=[]))
        text = out.getvalue()
        self.assertIn('2/2 passed (stored boots re-judged), d, project p; kernels:', text)
        self.assertIn('  series  9d61b8865aa6 (arm64, e5500)\n', text)
        self.assertIn('  v2      6fd0a50578d1 (arm64)\n', text)
        self.assertIn('  v2      not built (e5500)\n', text)


class Override(unittest.TestCase):
    """The override step's check (guest/vtest.c override_check()): the dev
    line's override= judged by findings(); the recorded cases are the
    7.3-series*-domains-*-override fixtures."""

    DEV = ('VTEST dev name=virtio0 type=net transport=pci addr=0000:00:03.0 id=0x1000 '
           'kind=legacy tag=m ap=0 path=direct maps=5 direct=5 dma_path=direct io=ok:64+64 '
           'unbind=ok leaks=0')

    def found(self, key):
        con = '\n'.join([BEGIN, self.DEV + key, 'VTEST end devices=1'])
        run = dict(console=con, status='exited', secs=1,
                   devices=[dict(tag='m', type='net', kind='legacy', transport='pci', ap='0')])
        return [f[0] for f in vdma.findings(run, vdma.parse_console(con))]

    def test_refused_is_override_direct(self):
        for k in (' override=refused:12', ' override=refused:22'):
            with self.subTest(key=k):
                self.assertIn('override-direct', self.found(k))

    def test_mapped_untested_and_absent_pass(self):
        for k in ('', ' override=-', ' override=mapped', ' override=untested:identity',
                  ' override=untested:-'):
            with self.subTest(key=k):
                self.assertNotIn('override-direct', self.found(k))

    def step_verdict(self, key, group='DMA-FQ'):
        dev = self.DEV + key
        con = '\n'.join([BEGIN + ' vtest.steps=override', 'VTEST step name=boot result=ok',
                         self.DEV, 'VTEST dump available=1 entries=0 unparsed=0',
                         f'VTEST step name=override result=ok group={group}', dev,
                         'VTEST dump available=1 entries=0 unparsed=0',
                         'VTEST dmadebug errors=0 available=1',
                         'VTEST kmsgsum lines=0 shown=0 lost=0', 'VTEST end devices=2'])
        run = dict(console=con, status='exited', rc=0, secs=1, qemu='', disks={},
                   devices=[dict(tag='m', type='net', kind='legacy', transport='pci', ap='0')])
        v = vdma.judge(run, 'direct+direct')
        return v.result, v.signature

    def test_an_override_step_must_carry_the_check(self):
        self.assertEqual(self.step_verdict(' override=mapped'), ('PASS', 'boot:direct+direct override:direct+direct'))
        self.assertEqual(self.step_verdict(' override=refused:22'), ('FAIL', 'override-direct'))
        for k in ('', ' override=-', ' override=untested:-'):
            with self.subTest(key=k):
                self.assertEqual(self.step_verdict(k), ('FAIL', 'step-error'))
        # where the group does not translate, the check tells nothing
        self.assertEqual(self.step_verdict(' override=untested:identity', 'identity'),
                         ('PASS', 'boot:direct+direct override:direct+direct'))

    def test_before_kernel_warning(self):
        # with ZONE_DMA the mutant's mapping would fail with dma-direct's
        # overflow WARN beside it, and a step could fail too: the signature
        # must be the state check's
        sigs = vdma.SIGNATURES
        self.assertLess(sigs.index('override-direct'), sigs.index('kernel-warning'))
        self.assertLess(sigs.index('override-direct'), sigs.index('step-error'))


class Xsk(unittest.TestCase):
    """vtest.xsk=1: the AF_XDP test's line judged (xsk_findings()); the
    recorded cases are the edited-xsk-* fixtures."""

    def found(self, append, *lines):
        con = '\n'.join([BEGIN + append, *lines, 'VTEST end devices=0'])
        return vdma.xsk_findings(vdma.parse_console(con))

    def test_judged_only_when_asked(self):
        line = ('VTEST xsk name=virtio2 tag=m from=n reset=0 result=bad:bind:EINVAL frames=0 '
                'corrupt=0 dup=0 maps=n/a direct=n/a left=n/a')
        self.assertEqual(self.found('', line), [])
        self.assertEqual(self.found(' vtest.xsk=0', line), [])
        self.assertEqual([f[0] for f in self.found(' vtest.xsk=1', line)], ['xsk-refused'])
        self.assertIn('EINVAL', self.found(' vtest.xsk=1', line)[0][1])

    def test_asked_and_not_reported(self):
        self.assertEqual([f[0] for f in self.found(' vtest.xsk=1')], ['io-error'])

    def test_other_steps_frames_and_left(self):
        for res, left, want in (('bad:attach:EOPNOTSUPP', 'n/a', ['io-error']),
                                ('bad:timeout', '-', ['io-error']),
                                ('bad:nolink', '0', ['io-error']),
                                ('ok', '0', []), ('ok', 'n/a', []),
                                ('ok', '5', ['leak'])):
            with self.subTest(result=res, left=left):
                got = self.found(' vtest.xsk=1', f'VTEST xsk name=virtio2 tag=m result={res} '
                                                  f'left={left}')
                self.assertEqual([f[0] for f in got], want)

    def test_umem_mapped_on_the_devices_path(self):
        dev = ('VTEST dev name=virtio2 type=net transport=pci addr=0000:00:03.0 id=0x1041 '
               'kind=modern tag=m ap={ap} path={path} maps=195 direct={d} bounced=0 '
               'dma_path=direct io=ok:64+64 unbind=ok leaks=0')
        for path, maps, direct, want in (('direct', 256, 256, []), ('direct', 256, 128, ['wrong-path']),
                                         ('direct', 0, 0, ['wrong-path']), ('iommu', 256, 0, []),
                                         ('iommu', 256, 3, ['wrong-path'])):
            with self.subTest(path=path, maps=maps, direct=direct):
                got = self.found(' vtest.xsk=1',
                                 dev.format(ap=int(path == 'iommu'), path=path,
                                            d=195 if path == 'direct' else 0),
                                 f'VTEST xsk name=virtio2 tag=m from=n reset=1 result=ok frames=64 '
                                 f'corrupt=0 dup=0 maps={maps} direct={direct} left=0')
                self.assertEqual([f[0] for f in got], want)


class Rows(unittest.TestCase):
    def fake_guest(self):
        """A folder for a boot's files and a guest whose vtest-host makes
        empty disk and rng images: (folder, guest folder)."""
        d = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, d)
        guest = d / 'guest'
        guest.mkdir()
        (guest / 'vtest-host').write_text('#!/bin/sh\n: >"$2"\n')
        (guest / 'vtest-host').chmod(0o755)
        return d, guest

    def test_filter_words_match_fields(self):
        rows = vdma.table('matrix')
        sel = [r for r in rows if vdma.match_filter(r, 'intel translated')]
        self.assertEqual(len(sel), 6)
        self.assertEqual({r.kind for r in sel},
                         {'legacy', 'transitional', 'modern', 'modern-ap', 'others', 'others-ap'})
        sel = [r for r in rows if vdma.match_filter(r, 'iommu=intel|amd kind=modern-ap')]
        self.assertEqual(len(sel), 4)
        self.assertEqual(len([r for r in rows if vdma.match_filter(r, 'bypass')]), 0)

    def test_filter_rejects_unknown_fields(self):
        with self.assertRaises(vdma.HarnessError):
            vdma.match_filter(vdma.table('matrix')[0], 'base=bypass')

    def test_a_base_reads_its_own_columns(self):
        p = vdma.parse_expectation
        # VARIANT: the primary base's; BASE:VARIANT another's, which reads
        # nothing else
        row = vdma.Row('matrix', 1, 'none', '-', 'legacy', expect={
            'base': p('bypass'), 'control': p('direct'),
            '6.12:control': p('fail:qemu-index-error')}, primary='7.3')
        self.assertEqual(str(vdma.expectation(row, '7.3', 'control')), 'direct')
        self.assertEqual(str(vdma.expectation(row, '7.3', 'base')), 'bypass')
        self.assertEqual(str(vdma.expectation(row, '6.12', 'control')), 'fail:qemu-index-error')
        self.assertEqual(str(vdma.expectation(row, '6.12', 'base')), '-')
        self.assertEqual(str(vdma.expectation(row, '6.12', 'series')), '-')

    def test_a_table_boots_the_variants_it_has_columns_for(self):
        # the kernel mutants are lifecycle's only: the matrix (and make
        # check's builds) never need them
        self.assertNotIn('v2-leak', vdma.variants_of('7.3', 'matrix'))
        self.assertIn('series-nodebug', vdma.variants_of('7.3', 'matrix'))
        life = vdma.variants_of('7.3', 'lifecycle')
        self.assertIn('v2-nocheck', life)
        self.assertNotIn('series-nodebug', life)
        self.assertEqual(vdma.variants_of('6.12', 'lifecycle'), [])

    def test_every_expectation_is_known(self):
        for r, b, v in ((r, b.name, v) for t in ('matrix', 'platforms', 'lifecycle')
                        for r in vdma.table(t)
                        for b in vdma.table('bases') for v in vdma.table('variants')):
            with self.subTest(row=vdma.row_id(r), base=b, variant=v.name):
                # one expectation, or one per lifecycle step
                exp = vdma.expectation(r, b, v.name)
                for e in exp.steps or (exp,):
                    if e.fails:
                        self.assertIn(e.signature, vdma.SIGNATURES)
                    elif e.runs:
                        for alt in e.paths:
                            self.assertIn(alt, ('bypass', 'direct', 'iommu', 'bounce', 'n/a'), e)
                        self.assertIn(e.suffix, ('',) + vdma.SUFFIXES, e)

    def test_a_device_add_while_the_ejected_one_lingers_is_retried(self):
        from unittest import mock
        for said in ("Duplicate device ID 'hp1' for device",
                     "Permission conflict on node 'd1': permissions 'write' are both required"):
            with self.subTest(said=said):
                replies = [dict(error=dict(desc=said))] * 2 + [dict(**{'return': ''})]
                sent = []

                def cmd(name, args=None):
                    sent.append(args['command-line'])
                    return replies[len(sent) - 1]
                cmd.close = lambda: None
                with mock.patch.object(vdma, 'qmp_session', return_value=cmd), \
                        mock.patch.object(vdma.time, 'sleep'):
                    self.assertEqual(vdma.hot_plug('q', [dict(driver='virtio-blk-pci', id='hp1')],
                                                   'plug'), 'ok')
                self.assertEqual(len(sent), 3)
        # anything else is QEMU's answer, at once
        cmd = mock.Mock(return_value=dict(error=dict(desc='Bus rp1 not found')))
        with mock.patch.object(vdma, 'qmp_session', return_value=cmd):
            self.assertEqual(vdma.hot_plug('q', [dict(driver='virtio-blk-pci', id='hp1')], 'plug'),
                             'bad:hp1:Bus rp1 not found')
        self.assertEqual(cmd.call_count, 1)

    def test_hot_plugged_devices_leave_the_command_line(self):
        d, guest = self.fake_guest()
        plug = []
        argv, append = vdma.qemu_command(vdma.Scenario('intel', 'translated', ['legacy']),
                                         'bzImage', 'initrd', d, 7, guest, plug=plug)
        self.assertFalse([a for a in argv if a.startswith('virtio-')])
        self.assertNotIn('-drive', argv)
        self.assertIn(f'driver=raw,node-name=d1,file.driver=file,file.filename={d}/disk-legacy.img',
                      argv)
        self.assertEqual([(p['driver'], p['bus'], p['id']) for p in plug],
                         [('virtio-blk-pci', 'rp1', 'hp1'), ('virtio-net-pci', 'rp2', 'hp2'),
                          ('virtio-net-pci', 'rp3', 'hp3')])
        self.assertEqual(plug[0]['disable-modern'], 'on')
        self.assertEqual(sum(a.startswith('pcie-root-port,') for a in argv), 3)
        self.assertIn('vtest.plugdevs=3', append)
        # the IOMMU is the machine's, not a device to hot-plug
        plug = []
        argv, append = vdma.qemu_command(vdma.Scenario('virtio', 'translated', ['legacy']),
                                         'bzImage', 'initrd', d, 7, guest, plug=plug)
        self.assertIn('virtio-iommu-pci', argv)
        self.assertEqual(len(plug), 3)

    def test_sun4u_devices_on_pciB_with_the_nics_in_one_slot(self):
        # QEMU's sabre keeps one pending interrupt request: the two NICs
        # share a slot (and so a line); virtio-rng's slot is its tag
        d, guest = self.fake_guest()
        argv, append = vdma.qemu_command(vdma.Scenario('sun4u', '-', ['legacy']),
                                         'vmlinux', 'initrd', d, 7, guest)
        nets = [a for a in argv if a.startswith('virtio-net-pci')]
        self.assertEqual([n.split('romfile=,')[1].split(',disable')[0] for n in nets],
                         ['addr=0x1.0,multifunction=on', 'addr=0x1.1'])
        self.assertTrue(all(a.endswith(',bus=pciB') for a in argv if a.startswith('virtio-')))
        self.assertIn('vtest.out=kmsg', append)
        sc = vdma.Scenario('sun4u', '-', ['others'])
        argv, _ = vdma.qemu_command(sc, 'vmlinux', 'initrd', d, 7, guest)
        self.assertIn('virtio-rng-pci,rng=rng5,addr=0x3,disable-legacy=on,bus=pciB', argv)
        self.assertEqual([t['tag'] for t in sc.devices()], ['others', 'rng@03', 'kbd5'])

    def test_devices_of_a_scenario(self):
        devs = vdma.Scenario('intel', 'translated', ['modern-ap']).devices()
        self.assertEqual([(d['type'], d['tag'], d['kind'], d['ap'], d['transport']) for d in devs],
                         [('blk', 'modern-ap', 'modern', 1, 'pci'), ('net', '52:54:00:12:04:01', 'modern', 1, 'pci'),
                          ('net', '52:54:00:12:04:02', 'modern', 1, 'pci')])
        self.assertEqual(vdma.Scenario('mmio', '-', ['legacy']).devices()[0]['transport'], 'mmio')

    def test_devices_of_the_other_kinds(self):
        devs = vdma.Scenario('amd', 'passthrough', ['others', 'others-ap']).devices()
        self.assertEqual([(d['type'], d['tag'], d['ap']) for d in devs],
                         [('scsi', 'others', 0), ('rng', 'rng@15', 0), ('input', 'kbd5', 0),
                          ('scsi', 'others-ap', 1), ('rng', 'rng@16', 1), ('input', 'tab6', 1)])
        sc = vdma.Scenario('mmio', '-', ['others'])
        self.assertEqual([d['tag'] for d in sc.devices()], ['others', 'rng@mmio', 'kbd5'])
        self.assertEqual(sc.host_checks(), [('others', 'disk-others.img')])

    def test_qemu_arguments_of_the_other_kinds(self):
        d, guest = self.fake_guest()
        argv, _ = vdma.qemu_command(vdma.Scenario('intel', 'translated', ['others-ap']),
                                    'bzImage', 'initrd', d, 7, guest, qmp='/tmp/q')
        line = ' '.join(argv)
        for want in ('-device virtio-scsi-pci,id=scsi6,disable-legacy=on,iommu_platform=on',
                     '-device scsi-hd,bus=scsi6.0,drive=d6,serial=others-ap',
                     f'-object rng-random,id=rng6,filename={d}/rng-others-ap.bin',
                     '-device virtio-rng-pci,rng=rng6,addr=0x16,disable-legacy=on,iommu_platform=on',
                     '-device virtio-tablet-pci,id=tab6,serial=tab6,disable-legacy=on,iommu_platform=on',
                     '-qmp unix:/tmp/q,server=on,wait=off'):
            self.assertIn(want, line)
        argv, _ = vdma.qemu_command(vdma.Scenario('mmio', '-', ['others']),
                                    'bzImage', 'initrd', d, 7, guest)
        line = ' '.join(argv)
        for want in ('-device virtio-scsi-device,id=scsi5 ', '-device virtio-rng-device,rng=rng5 ',
                     '-device virtio-keyboard-device,id=kbd5,serial=kbd5 '):
            self.assertIn(want, line)
        self.assertNotIn('-qmp', line)

# Small tables of a config folder for the model's tests (Model): two bases,
# three variants (one only on the first base), two IOMMUs, two kinds.
SMALL = {
    'bases': ['name\tpackage\tversion\tsuite\ttarball\tsha256\tpatches\tseries_version\tcover'
              '\tdate\tcheck\tkinds',
              'b1\tp\t1\tsystem\tt\t0\tpatches\t1\tc\td\tfull\t-',
              'b2\tp\t2\tsystem\tt\t0\t-\t-\tc\td\tbackport\tk1'],
    'variants': ['name\tref\tneeds\tdma_debug\tpatches\tcheck',
                 'base\tbase\t-\tyes\t-\tyes',
                 'series\tseries\tseries\tyes\t-\tyes',
                 'mutant\tmutant\tb1\tyes\t-\tyes'],
    'arches': ['arch\tout\tkarch\tcross\tfragments\timage\tqemu\tcpu\tconsole\tlibc',
               'x86_64\tx86\tx86\t-\tguest.config\tbzImage\tqemu-system-x86_64\tmax\tttyS0\t-'],
    'iommus': ['iommu\tbus\tqemu\tappend\tarch\tpci\taddr\tlabel',
               'none\tpci\t-M q35\t-\tx86_64\t-\t-\tnone',
               'intel\tpci\t-M q35 -device intel-iommu\t-\tx86_64\t-\t-\tint'],
    'kinds': ['kind\tindex\treports\tap\tpci\tmmio\tdevices',
              'k1\t1\tlegacy\t0\tdisable-modern=on\t-\tblk net net',
              'k2\t2\tmodern\t1\tdisable-legacy=on\tx\tblk net net'],
    # line 3: none-k1, line 4: intel-translated-k2; VARIANT: b1's (the
    # primary), b2:VARIANT: b2's
    'matrix': ['# a comment',
               'iommu\tmode\tkind\tbase\tseries\tmutant\tb2:base',
               'none\t-\tk1\tbypass\tdirect+dma\tbypass+phys\t=',
               'intel\ttranslated\tk2\tiommu\tiommu+dma@faulted\t-\tfail:qemu-index-error'],
    'harness-mutants': ['name\tfile\tsubstitution\tenv\tcheck\tcaught\twhat',
                        'qemu-exits\t-\t-\tVDMA_QEMU=/bin/true\tmatrix series --filter '
                        'iommu=none\tERROR:qemu-failed\ta QEMU that exits at once'],
    'lifecycle': ['name\tiommu\tmode\tkind\tappend\tseries\tmutant',
                  'domains\tintel\ttranslated\tk2\tvtest.steps=identity\tiommu+dma direct+dma'
                  '\tfail:leak'],
}


class Model(unittest.TestCase):
    """scripts/vdma_model.py: config read once, every expectation parsed at
    load, a broken table refused before anything boots."""

    def setUp(self):
        self.addCleanup(vdma_model.reset)

    def folder(self, **change):
        """A config folder of the SMALL tables, CHANGE: {table: {line
        number: new line}} (a line past the end is added)."""
        d = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, d)
        for name, lines in SMALL.items():
            lines = list(lines)
            for n, text in change.get(name, {}).items():
                if n <= len(lines):
                    lines[n - 1] = text
                else:
                    lines.append(text)
            (d / f'{name}.tsv').write_text('\n'.join(lines) + '\n')
        return d

    def refused(self, d, *wants):
        with self.assertRaises(vdma_model.ConfigError) as e:
            vdma_model.load(d)
        for w in wants:
            self.assertIn(w, str(e.exception))
        return str(e.exception)

    def test_the_small_tables_load(self):
        m = vdma_model.load(self.folder())
        self.assertEqual([b.name for b in m.bases], ['b1', 'b2'])
        self.assertEqual(m.bases[1].kinds, ('k1',))
        self.assertEqual(m.bases[0].kinds, ('k1', 'k2'))
        self.assertEqual(m.variants_of('b1', 'matrix'), ['base', 'series', 'mutant'])
        self.assertEqual(m.variants_of('b2', 'matrix'), ['base'])
        self.assertEqual(m.variants_of('b1', 'lifecycle'), ['series', 'mutant'])
        r = m.table('matrix').rows[0]
        self.assertEqual((r.id, r.label, r.line, r.table), ('none-k1', 'k1', 3, 'matrix'))
        self.assertEqual(str(r.expectation('b1', 'series')), 'direct+dma')
        self.assertEqual(r.expectation('b1', 'series').dma_path, 'dma')
        # "=": as the VARIANT column
        self.assertEqual(str(r.expectation('b2', 'base')), 'bypass')
        r = m.table('matrix').rows[1]
        self.assertEqual(r.expectation('b1', 'series').suffix, 'faulted')
        self.assertEqual(r.expectation('b2', 'base').signature, 'qemu-index-error')
        self.assertEqual(str(r.expectation('b1', 'base')), 'iommu')
        # a base reads its own columns only
        self.assertFalse(r.expectation('b2', 'series').runs)
        self.assertFalse(r.expectation('b1', 'mutant').runs)
        self.assertFalse(r.expectation('b1', 'nosuch').runs)
        r = m.table('lifecycle').rows[0]
        self.assertEqual((r.id, r.label, r.append), ('domains-intel-translated-k2',
                                                    'domains:k2', 'vtest.steps=identity'))
        self.assertEqual([str(s) for s in r.expectation('b1', 'series').steps],
                         ['iommu+dma', 'direct+dma'])
        self.assertTrue(r.match('name=dom.* intel') and not r.match('none'))

    def test_every_cell_of_the_tables_parses_at_load(self):
        m = vdma_model.load(vdma.CONFIG)
        self.assertEqual(set(m.tables), {'matrix', 'lifecycle', 'platforms'})
        cells = 0
        for t in m.tables.values():
            raw = vdma.read_tsv(t.path)
            self.assertEqual(len(raw), len(t.rows))
            for r, cells_of in zip(t.rows, raw):
                for c in t.variant_columns:
                    with self.subTest(table=t.name, row=r.id, column=c):
                        text = cells_of[c]
                        if text == '=':
                            text = cells_of[c.split(':')[1]]
                        e = r.expect[c]
                        self.assertIsInstance(e, vdma_model.Expectation)
                        self.assertEqual(str(e), text)
                        self.assertEqual(vdma_model.parse_expectation(str(e)), e)
                        self.assertNotIn(e.form, ('no-regression',))
                        cells += 1
        self.assertGreater(cells, 1000)

    def test_expectation_grammar(self):
        p = vdma_model.parse_expectation
        e = p('direct|bounce+dma@bounce')
        self.assertEqual((e.form, e.paths, e.dma_path, e.suffix, e.wanted),
                         ('path', ('direct', 'bounce'), 'dma', 'bounce', 'direct|bounce+dma'))
        self.assertEqual((p('bypass').paths, p('bypass').dma_path), (('bypass',), 'n/a'))
        self.assertEqual((p('fail:leak').form, p('fail:leak').signature), ('fail', 'leak'))
        self.assertEqual((p('any').form, p('any@nobounce').suffix), ('any', 'nobounce'))
        self.assertEqual(p('-'), vdma_model.NOT_RUN)
        self.assertEqual(p('no-regression').form, 'no-regression')
        e = p('iommu+dma iommu+dma@faulted fail:leak')
        self.assertEqual((e.form, [s.form for s in e.steps]), ('steps', ['path', 'path', 'fail']))
        self.assertEqual(f'{e:<5}', str(e))
        for bad, why in (('dirct', "unknown path 'dirct'"), ('mixed', "unknown path 'mixed'"),
                         ('direct+dam', "unknown DMA path '+dam'"),
                         ('fail:oops-x', "unknown signature 'oops-x'"),
                         ('fail:qemu-failed', 'never expected'),
                         ('direct@bouncy', "unknown suffix '@bouncy'"),
                         ('any+dma', "'any' takes no"), ('=', 'BASE:VARIANT'),
                         ('bypass -', 'not the expectation of a step'), ('', 'empty'),
                         ('direct+', "unknown DMA path '+'"), ('|direct', "unknown path ''")):
            with self.subTest(bad=bad):
                with self.assertRaises(vdma.HarnessError) as e:
                    p(bad, 'here')
                self.assertIn(why, str(e.exception))
                self.assertTrue(str(e.exception).startswith('here: '))

    def test_a_broken_cell_names_its_file_row_and_column(self):
        for change, col, what in (
                ({'matrix': {3: 'none\t-\tk1\tbypas\tdirect+dma\tbypass+phys\t='}},
                 'base', "unknown path 'bypas'"),
                ({'matrix': {3: 'none\t-\tk1\tbypass\tfail:panik\tbypass+phys\t='}},
                 'series', "unknown signature 'panik'"),
                ({'matrix': {3: 'none\t-\tk1\tbypass\tdirect+dma@bounced\tbypass+phys\t='}},
                 'series', "unknown suffix '@bounced'"),
                ({'matrix': {3: 'none\t-\tk1\tbypass\tdirect+dma\tbypass+phys\tdirect+dmx'}},
                 'b2:base', "unknown DMA path '+dmx'"),
                ({'matrix': {3: 'none\t-\tk1\tno-regression\tdirect+dma\tbypass+phys\t='}},
                 'base', 'demo --expect'),
                ({'matrix': {3: 'none\t-\tk1\tbypass\tdirect+dma\t=\t='}},
                 'mutant', 'BASE:VARIANT'),
                ({'matrix': {3: 'nonesuch\t-\tk1\tbypass\tdirect+dma\tbypass+phys\t='}},
                 'iommu', "unknown iommu 'nonesuch'")):
            with self.subTest(change=change):
                rid = 'nonesuch-k1' if 'nonesuch' in str(change) else 'none-k1'
                d = self.folder(**change)
                self.refused(d, f'{d}/matrix.tsv:3: row {rid}, column {col}: ', what)
        # every error of a load, each where it is
        d = self.folder(lifecycle={2: 'domains\tintel\ttranslated\tk2\t-\tiommu+dma dirct\t'
                                      'fail:leek'})
        msg = self.refused(d, f'{d}/lifecycle.tsv:2: row domains-intel-translated-k2, column '
                              "series: 'dirct': unknown path",
                           f'{d}/lifecycle.tsv:2: row domains-intel-translated-k2, column '
                           "mutant: 'fail:leek': unknown signature")
        self.assertEqual(len(msg.splitlines()), 2)

    def test_an_unknown_column_is_refused(self):
        for header, col, what in (
                ('iommu\tmode\tkind\tbase\tseries\tmutent\tb2:base', 'mutent',
                 "unknown variant 'mutent'"),
                ('iommu\tmode\tkind\tbase\tseries\tmutant\tb3:base', 'b3:base',
                 "unknown base 'b3'"),
                ('iommu\tmode\tkind\tbase\tseries\tmutant\tb2:mutant', 'b2:mutant',
                 "variant 'mutant' does not exist on base b2"),
                # the primary base's columns are VARIANT, another's BASE:VARIANT
                ('iommu\tmode\tkind\tbase\tb1:series\tmutant\tb2:base', 'b1:series',
                 "the primary base b1's column is series"),
                ('iommu\tmode\tkind\tbase\tseries\tmutant\tother', 'other',
                 "variant 'other' does not exist on base b1 (the primary")):
            with self.subTest(column=col):
                d = self.folder(matrix={2: header}, variants={5: 'other\tother\tb2\tyes\t-\tyes'})
                self.refused(d, f'{d}/matrix.tsv:2: column {col}: ', what)
        d = self.folder(iommus={3: 'intel\tpci\t-M q35\t-\tx86_64\t-\t-\tintel-x'})
        self.refused(d, f'{d}/iommus.tsv:3: row intel, column label: ',
                     "'intel-x' is not a word of 1-5 characters")
        d = self.folder(kinds={2: 'k1\t1\tlegacy\t0\tdisable-modern=on\t-\tblk nic'})
        self.refused(d, f'{d}/kinds.tsv:2: row k1, column devices: ', "unknown device 'nic'")
        d = self.folder(matrix={2: 'iommu\tmode\tkind\tbase\tseries\tmutant\tbase',
                                3: 'none\t-\tk1\tbypass\tdirect+dma\tbypass\tbypass',
                                4: 'intel\ttranslated\tk2\tiommu\tiommu\tiommu\tiommu'})
        self.refused(d, f'{d}/matrix.tsv:2: a column twice')
        d = self.folder(iommus={1: 'iommu\tbus\tqemu\tappend\tarch\tpci\taddr\tspeed',
                                2: 'none\tpci\t-M q35\t-\tx86_64\t-\t-\t1',
                                3: 'intel\tpci\t-M q35\t-\tx86_64\t-\t-\t1'})
        self.refused(d, f'{d}/iommus.tsv:1: column speed: unknown column')

    def test_a_variant_of_the_primary_base_needs_a_column(self):
        # mutant has columns in lifecycle.tsv only: booted there, accepted
        d = self.folder(matrix={2: 'iommu\tmode\tkind\tbase\tseries\tb2:base',
                                3: 'none\t-\tk1\tbypass\tdirect+dma\t=',
                                4: 'intel\ttranslated\tk2\tiommu\tiommu\tiommu'})
        m = vdma_model.load(d)
        self.assertEqual(vdma_model.columnless(m, 'b1'), ['mutant'])
        # without its lifecycle column it is booted by no table: refused
        d = self.folder(matrix={2: 'iommu\tmode\tkind\tbase\tseries\tb2:base',
                                3: 'none\t-\tk1\tbypass\tdirect+dma\t=',
                                4: 'intel\ttranslated\tk2\tiommu\tiommu\tiommu'},
                        lifecycle={1: 'name\tiommu\tmode\tkind\tappend\tseries',
                                   2: 'domains\tintel\ttranslated\tk2\t-\tiommu'})
        self.refused(d, f'{d}/matrix.tsv:2: variant mutant of the primary base b1 has '
                        'no column mutant')
        # a variant of another base may lack one: series on b2 (b1 has a
        # column series)
        d = self.folder(bases={3: 'b2\tp\t2\tsystem\tt\t0\tpatches\t1\tc\td\tbackport\tk1'})
        m = vdma_model.load(d)
        self.assertEqual(vdma_model.columnless(m, 'b2'), ['series'])

    def test_the_real_tables_leave_lifecycle_mutants_out_of_the_matrix(self):
        # what the check finds in config/: v2-leak and v2-nocheck (kernel
        # mutants of the lifecycle) have no column in config/matrix.tsv
        m = vdma_model.load(vdma.CONFIG)
        primary = m.primary_base.name
        self.assertEqual(vdma_model.columnless(m, primary),
                         ['v2-leak', 'v2-nocheck', 'series-leak', 'series-nounmap',
                          'series-optin'])
        for v in vdma_model.columnless(m, primary):
            self.assertIn(v, m.variants_of(primary, 'lifecycle'))

    def test_a_broken_table_stops_the_cli_before_anything(self):
        d = self.folder(matrix={4: 'intel\ttranslated\tk2\tiommu\tfail:nope\t-\t='})
        for mod in (vdma, vdma_pipeline):
            self.addCleanup(setattr, mod, 'CONFIG', mod.CONFIG)
            mod.CONFIG = d
        from contextlib import redirect_stderr
        import io
        for argv in (['check', '--plan', '--base', 'b1'], ['matrix', '--rejudge', '--out', str(d / 'o')],
                     ['demo', 'series', 'none', '-', '--kernel', '/nonexistent',
                      '--out', str(d / 'o')]):
            with self.subTest(argv=argv):
                err = io.StringIO()
                with redirect_stderr(err):
                    self.assertEqual(vdma.main(argv), 2)
                self.assertIn(f"error: {d}/matrix.tsv:4: row intel-translated-k2, column series: "
                              "'fail:nope': unknown signature 'nope'", err.getvalue())

    def test_a_base_with_no_column_in_a_table_is_an_error(self):
        # lifecycle.tsv has columns for b1 only: run for b2, each stage
        # stops naming the table and the base, before anything boots
        d = self.folder()
        for mod in (vdma, vdma_pipeline):
            self.addCleanup(setattr, mod, 'CONFIG', mod.CONFIG)
            mod.CONFIG = d
        from contextlib import redirect_stderr
        import io
        want = f'error: {d}/lifecycle.tsv has no column for base b2 '
        for argv, msg in (
                (['matrix', '--base', 'b2', '--table', 'lifecycle', '--out', str(d / 'o')], want),
                (['matrix', '--base', 'b2', '--table', 'lifecycle', '--rejudge', 'base',
                  '--out', str(d / 'o')], want),
                (['matrix', '--base', 'b1', '--table', 'lifecycle', 'base', '--out', str(d / 'o')],
                 f'error: {d}/lifecycle.tsv has no column for variant base on base b1 '),
                (['demo', 'series', 'none', '-', '--base', 'b2', '--kernel', '/nonexistent',
                  '--out', str(d / 'o')],
                 f'error: {d}/matrix.tsv has no column for variant series on base b2 ')):
            with self.subTest(argv=argv):
                err = io.StringIO()
                with redirect_stderr(err):
                    self.assertEqual(vdma.main(argv), 2)
                self.assertIn(msg, err.getvalue())
                self.assertFalse((d / 'o').exists())
        m = vdma_model.load(d)
        with self.assertRaises(vdma.HarnessError) as e:
            vdma_pipeline.lifecycle(m, 'b2', [], True)
        self.assertIn('lifecycle.tsv has no column for base b2', str(e.exception))
        # make check runs the lifecycle of every full base: one without a
        # column fails that step, it is not left out
        plan = [s.name for s in vdma_pipeline.check_plan(m, primary='b1')]
        self.assertIn('lifecycle-b1', plan)

    def test_config_is_read_once(self):
        vdma_model.reset()
        reads = []
        real = vdma_model._read_lines

        def counted(path):
            reads.append(Path(path).name)
            return real(path)
        vdma_model._read_lines = counted
        self.addCleanup(setattr, vdma_model, '_read_lines', real)
        m = vdma.model()
        files = sorted(reads)
        self.assertEqual(files, sorted(f'{t}.tsv' for t in (
            'bases', 'variants', 'arches', 'iommus', 'kinds', 'matrix', 'lifecycle', 'platforms')))
        # every lookup after it: from the model
        d, guest = Rows.fake_guest(self)
        for io in vdma.table('iommus'):
            vdma.arch_row(vdma.arch_of(io.iommu))
            sc = vdma.Scenario(io.iommu, 'translated', ['legacy'])
            sc.devices()
            vdma.qemu_command(sc, 'K', 'I', d, 7, guest)
        for b in (b.name for b in vdma.table('bases')):
            vdma.base_kinds(b)
            for t in ('matrix', 'lifecycle', 'platforms', None):
                for v in vdma.variants_of(b, t):
                    vdma.variant_row(v)
                    for r in vdma.table(t or 'matrix'):
                        vdma.expectation(r, b, v)
        vdma.primary_base()
        self.assertEqual(sorted(reads), files)
        self.assertIs(vdma.model(), m)
        vdma_model.reset()
        self.assertIsNot(vdma.model(), m)
        self.assertEqual(len(reads), 2 * len(files))


class DeviceTypes(unittest.TestCase):
    """One table of device types on each side: vtypes[] of guest/vtest.c,
    DEVICE_TYPES of scripts/vdma_model.py."""

    def test_the_guest_tests_the_types_the_host_makes(self):
        """The types vtest.c tests (an entry of vtypes[] with a test) are
        the types the guest reports for DEVICE_TYPES; every ID is a
        VIRTIO_ID_* of <linux/virtio_ids.h>, once."""
        src = (vdma.TOP / 'guest' / 'vtest.c').read_text()
        table = re.search(r'vtypes\[\] = \{\n(.*?)\n\};', src, re.S).group(1)
        rows = re.findall(r'\{ (\w+),\s+"(\w+)",\s+(\w+),\s+(\w+),\s+(\w+),\s+(\w+) \},',
                          table)
        self.assertEqual(len(rows), len(table.strip().splitlines()), table)
        self.assertTrue(all(r[0].startswith('VIRTIO_ID_') for r in rows), rows)
        self.assertEqual(len({r[0] for r in rows}), len(rows))
        self.assertEqual(len({r[1] for r in rows}), len(rows))
        self.assertEqual({r[1] for r in rows if r[4] != 'NULL'}, set(vdma.GUEST_TYPES))
        for name, t in vdma_model.DEVICE_TYPES.items():
            self.assertEqual(t.name, name)

    def test_every_type_of_a_kind_is_known(self):
        for k in vdma.table('kinds'):
            for d in k.devices:
                self.assertIn(d, vdma_model.DEVICE_TYPES, k.kind)

    def test_demo_of_a_kind_without_a_disk(self):
        """vdma.py demo judges each kind on its own, with its own disks:
        a kind without one has none (it raised KeyError)."""
        d = Model.folder(self, kinds={3: 'k2\t2\tmodern\t1\tdisable-legacy=on\tx\tnet net'})
        self.addCleanup(vdma_model.reset)
        for name, value in (('CONFIG', d), ('run_boot', self.fake_boot),
                            ('need_qemu', lambda arch: None)):
            self.addCleanup(setattr, vdma, name, getattr(vdma, name))
            setattr(vdma, name, value)
        kernel = d / 'bzImage'
        kernel.write_bytes(b'')
        from contextlib import redirect_stdout, redirect_stderr
        import io
        out = io.StringIO()
        with redirect_stdout(out), redirect_stderr(io.StringIO()):
            rc = vdma.main(['demo', 'series', 'none', '-', '--base', 'b1', '--kernel', str(kernel),
                            '--out', str(d / 'o'), '--expect', 'bypass'])
        self.assertEqual(rc, 0, out.getvalue())
        self.assertIn('host disk checks: k1=ok\n', out.getvalue())
        self.assertIn('  k2            PASS: expected bypass, got bypass\n', out.getvalue())
        self.assertIn('demo: 2 passed, 0 failed', out.getvalue())

    def test_a_kind_with_a_9p_share(self):
        """virtio-9p, a type in no kind of config/kinds.tsv: what a kind
        with it would boot (README: How to add a device type)."""
        d = Model.folder(self, kinds={4: 'k3\t3\tmodern\t0\tdisable-legacy=on\t-\t9p blk'})
        self.addCleanup(vdma_model.reset)
        self.addCleanup(setattr, vdma, 'CONFIG', vdma.CONFIG)
        vdma.CONFIG = d
        out, guest = Rows.fake_guest(self)
        sc = vdma.Scenario('none', '-', ['k3'])
        argv, _ = vdma.qemu_command(sc, 'bzImage', 'initrd', out, 7, guest)
        line = ' '.join(argv)
        self.assertIn(f'-fsdev local,id=fs31,path={out}/9p-fs31,security_model=none '
                      '-device virtio-9p-pci,fsdev=fs31,mount_tag=fs31,disable-legacy=on '
                      f'-drive file={out}/disk-k3.img,', line)
        self.assertTrue((out / '9p-fs31' / 'disk.img').exists())	# vtest-host --mkimg
        self.assertEqual([(x['type'], x['tag']) for x in sc.devices()], [('9p', 'fs31'), ('blk', 'k3')])
        # the host checks its image after the boot, as a disk's, by its tag
        self.assertEqual(sc.host_checks(), [('fs31', '9p-fs31/disk.img'), ('k3', 'disk-k3.img')])
        self.assertEqual(vdma_model.DEVICE_TYPES['9p'].driver('mmio'), 'virtio-9p-device')
        # plugged: the share stays on the command line, the device is hot-added
        plug = []
        argv, _ = vdma.qemu_command(sc, 'bzImage', 'initrd', out, 7, guest, plug=plug)
        self.assertIn(f'local,id=fs31,path={out}/9p-fs31,security_model=none', argv)
        self.assertEqual(plug[0], dict(driver='virtio-9p-pci', fsdev='fs31', mount_tag='fs31',
                                       **{'disable-legacy': 'on'}, bus='rp1', id='hp1'))
        # the judge: its I/O and its host check
        run = self.fake_boot(sc, 'bzImage', out / 'boot')
        self.assertEqual(vdma.judge(vdma.load_run(out / 'boot'), 'bypass').result, 'PASS')
        run['disks']['fs31'] = 'bad@1024'
        vdma.save_run(out / 'boot', run)
        v = vdma.judge(vdma.load_run(out / 'boot'), 'bypass')
        self.assertEqual((v.result, v.signature, v.detail),
                         ('FAIL', 'disk-mismatch', 'host check of disk fs31: bad@1024'))

    @staticmethod
    def fake_boot(sc, kernel, outdir):
        """A boot whose guest found every device of SC, its I/O verified,
        and whose host checks passed."""
        devs = sc.devices()
        lines = [BEGIN, 'VTEST dump available=1 entries=0 unparsed=0']
        for n, x in enumerate(devs):
            lines.append(f"VTEST dev name=virtio{n} type={x['type']} transport={x['transport']} "
                         f"addr=0000:00:{n + 1:02x}.0 id=0x1041 kind={x['kind']} tag={x['tag']} "
                         f"ap={x['ap']} path=bypass maps=0 direct=0 bounced=0 dma_path=n/a "
                         f"io={vdma.GUEST_TYPES[x['type']].io_ok} unbind=ok leaks=0")
        lines += ['VTEST dmadebug errors=0 available=1', 'VTEST swiotlb hiwater=- available=0',
                  'VTEST kmsgsum lines=0 shown=0 lost=0', f'VTEST end devices={len(devs)}']
        outdir.mkdir(parents=True)
        (outdir / 'console.log').write_text('\n'.join(lines) + '\n')
        (outdir / 'qemu.log').write_text('')
        return vdma.save_run(outdir, dict(status='exited', rc=0, secs=1, seed=7, timeout=60,
                                          disks={t: 'ok' for t, _ in sc.host_checks()},
                                          devices=devs, kernel=str(kernel), error=''))


class Runner(unittest.TestCase):
    """The runner's infrastructure outcomes, with a QEMU that is not one."""

    def boot(self, qemu):
        d = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, d)
        kernel = d / 'bzImage'
        kernel.write_bytes(b'not a kernel')
        old = os.environ.get('VDMA_QEMU')
        os.environ['VDMA_QEMU'] = qemu
        try:
            vdma.run_boot(vdma.Scenario('none', '-', ['legacy']), kernel, d / 'out', timeout=10)
        finally:
            if old is None:
                del os.environ['VDMA_QEMU']
            else:
                os.environ['VDMA_QEMU'] = old
        return vdma.judge(vdma.load_run(d / 'out'), 'fail:qemu-index-error')

    def test_qemu_that_exits_at_once_is_an_error(self):
        v = self.boot('/bin/false')
        self.assertEqual((v.result, v.signature), ('ERROR', 'qemu-failed'))

    def test_missing_qemu_is_an_error(self):
        v = self.boot('/nonexistent/qemu-system-x86_64')
        self.assertEqual((v.result, v.signature), ('ERROR', 'qemu-missing'))

    def test_initramfs_is_a_newc_archive(self):
        data = vdma.cpio_newc([('dev', 0o040755, b''), ('dev/console', 0o020600, (5, 1)),
                               ('init', 0o100755, b'#!x\n')])
        r = subprocess.run(['cpio', '-itv', '--quiet'], input=data, capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        self.assertIn('dev/console', out)
        self.assertRegex(out, r'(?m)^crw.* 5, +1 .*dev/console$')
        self.assertRegex(out, r'(?m)^-rwxr-xr-x .*init$')


def fdt(tree):
    """A flattened device tree of TREE: {node name: [property names (empty
    values)] or a dict of subnodes}, under an unnamed root."""
    strings, body = bytearray(), bytearray()

    def name_off(n):
        k = bytes(strings).find(n.encode() + b'\0')
        if k < 0:
            k = len(strings)
            strings.extend(n.encode() + b'\0')
        return k

    def node(name, content):
        nb = name.encode() + b'\0'
        body.extend(struct.pack('>I', 1) + nb + b'\0' * (-len(nb) % 4))
        for p in content if isinstance(content, list) else []:
            body.extend(struct.pack('>III', 3, 0, name_off(p)))
        for sub, c in (content.items() if isinstance(content, dict) else []):
            node(sub, c)
        body.extend(struct.pack('>I', 2))
    node('', tree)
    body.extend(struct.pack('>I', 9))
    rsv = 40
    off_struct = rsv + 16
    off_strings = off_struct + len(body)
    total = off_strings + len(strings)
    hdr = struct.pack('>10I', 0xd00dfeed, total, off_struct, off_strings, rsv, 17, 16, 0,
                      len(strings), len(body))
    return hdr + b'\0' * 16 + bytes(body) + bytes(strings)


class DeviceTree(unittest.TestCase):
    """config/iommus.tsv "dtb": the machine's device tree, changed."""

    TREE = {'pcie@10000000': ['dma-coherent', 'reg'], 'smmu@9050000': ['dma-coherent'],
            'soc': {'pcie@20000000': ['reg', 'dma-coherent']}}

    def test_the_property_goes_from_those_nodes_only(self):
        blob = fdt(self.TREE)
        out, n = vdma.fdt_without(blob, 'pcie@', 'dma-coherent')
        self.assertEqual((n, len(out)), (2, len(blob)))
        self.assertEqual(vdma.fdt_without(out, 'pcie@', 'dma-coherent')[1], 0)
        self.assertEqual(vdma.fdt_without(out, 'pcie@', 'reg')[1], 2)
        self.assertEqual(vdma.fdt_without(out, 'smmu@', 'dma-coherent')[1], 1)

    def test_a_dumped_tree_is_cut_to_its_size(self):
        # QEMU's dump is its 1 MiB buffer; its blocks end much earlier
        blob = fdt(self.TREE)
        big = blob[:4] + struct.pack('>I', len(blob) + 4096) + blob[8:] + bytes(4096)
        small = vdma.fdt_packed(big)
        self.assertEqual(len(small), (len(blob) + 7) & ~7)
        self.assertEqual(struct.unpack_from('>I', small, 4)[0], len(small))
        self.assertEqual(vdma.fdt_without(small, 'pcie@', 'dma-coherent')[1], 2)
        self.assertEqual(vdma.fdt_packed(small), small)

    def test_not_a_tree(self):
        for blob in (b'', b'\0' * 64, fdt(self.TREE)[:44] + struct.pack('>I', 7) * 8,
                     fdt(self.TREE)[:60]):
            with self.subTest(blob=blob[:8]), self.assertRaises(ValueError):
                vdma.fdt_without(blob, 'pcie@', 'dma-coherent')

    def qemu(self, tree):
        """A QEMU that writes TREE's blob (None: nothing) where dumpdtb= says."""
        d = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, d)
        q = d / 'qemu'
        if tree is None:
            q.write_text('#!/bin/sh\nexit 1\n')
        else:
            blob = fdt(tree)		# in a 64 KiB buffer, as QEMU's 1 MiB one
            (d / 'blob').write_bytes(blob[:4] + struct.pack('>I', 65536) + blob[8:]
                                     + bytes(65536 - len(blob)))
            q.write_text('#!/bin/sh\nfor a; do case $a in dumpdtb=*) cp ' + str(d / 'blob')
                         + ' "${a#dumpdtb=}" ;; esac; done\n')
        q.chmod(0o755)
        return d, [str(q), '-M', 'virt', '-dtb', str(d / 'machine.dtb'), '-m', '512']

    def test_the_machine_tree_changed_or_why_not(self):
        d, argv = self.qemu(self.TREE)
        self.assertEqual(vdma.machine_dtb(argv, 'no-dma-coherent', d / 'machine.dtb'), '')
        self.assertEqual(len((d / 'machine.dtb').read_bytes()), (len(fdt(self.TREE)) + 7) & ~7)
        self.assertEqual(vdma.fdt_without((d / 'machine.dtb').read_bytes(), 'pcie@',
                                          'dma-coherent')[1], 0)
        d, argv = self.qemu({'pcie@10000000': ['reg']})
        self.assertIn('no dma-coherent in a node pcie@',
                      vdma.machine_dtb(argv, 'no-dma-coherent', d / 'machine.dtb'))
        self.assertFalse((d / 'machine.dtb').exists())
        d, argv = self.qemu(None)
        self.assertIn('QEMU dumped no device tree (rc=1)',
                      vdma.machine_dtb(argv, 'no-dma-coherent', d / 'machine.dtb'))

    def test_a_row_asks_for_a_change_the_harness_has(self):
        m = vdma_model.load(vdma.CONFIG)
        self.assertEqual(m.iommu('arm64-noncoherent').dtb, 'no-dma-coherent')
        with self.assertRaises(vdma_model.CellError):
            vdma_model.Iommu.of({'iommu': 'x', 'bus': 'pci', 'qemu': '-M virt', 'append': '-',
                                 'dtb': 'no-such-change'})


class Reports(unittest.TestCase):
    def results(self):
        out = []
        for c in cases()[:4]:
            v = vdma.judge(vdma.load_run(FIX / c['fixture']), c['expect'])
            out.append(dict(variant='base' if len(out) < 2 else 'series', iommu='intel',
                            mode='translated', kind=f'k{len(out)}', expect=c['expect'],
                            result=v.result, signature=v.signature, detail=v.detail))
        return out

    def prov(self, **kw):
        p = dict(project='abc', project_dirty=False, series='none', base='6.12',
                 package='linux-source-6.12', version='1', sha256='0', variants=['base'],
                 filter='', rows=1, rows_total=1, complete=True, kernel_commits={},
                 qemu='QEMU 7.2', guest='0', date='now')
        p.update(kw)
        return p

    def test_ktap_is_read_by_kunit_py(self):
        trees = sorted(vdma.BUILD.glob('*/linux/tools/testing/kunit/kunit.py'))
        if not trees:
            self.skipTest('no kernel tree (make tree) to take kunit.py from')
        res = self.results()
        res[-1]['result'] = 'FAIL'
        with tempfile.NamedTemporaryFile('w', suffix='.ktap') as f:
            f.write(vdma.ktap(res, self.prov()))
            f.flush()
            r = subprocess.run([sys.executable, str(trees[0]), 'parse', f.name],
                               capture_output=True, text=True, cwd=trees[0].parents[3])
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn('6.12-base', r.stdout)
        self.assertRegex(r.stdout, r'\[FAILED\] intel_translated_k3')
        self.assertRegex(r.stdout, r'4 tests run.*|Testing complete. Ran 4 tests')

    def test_results_show_steps_by_their_common_path(self):
        self.assertEqual(vdma.steps_cell('boot:iommu+dma identity:direct+dma DMA:iommu+dma '
                                         'DMA-FQ:iommu+dma override:iommu+dma'),
                         'iommu+dma x4, identity:direct+dma')
        self.assertEqual(vdma.steps_cell('plug1:bypass plug2:bypass'), 'bypass x2')
        self.assertEqual(vdma.steps_cell('boot:iommu fault:iommu@faulted'),
                         'boot:iommu fault:iommu@faulted')
        self.assertEqual(vdma.steps_cell('bypass|direct+phys'), 'bypass|direct+phys')

    def test_results_refuse_filtered_and_stale_runs(self):
        d = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, d)
        old = vdma.RESULTS
        vdma.RESULTS = d
        try:
            (d / '6.12').mkdir()
            for prov, why in ((dict(filter='intel', complete=False), 'filtered'),
                              (dict(series='0000'), 'not the current one'),
                              (dict(variants=['base']), 'booted variants base,')):
                p = self.prov(variants=vdma.variants_of('6.12'), series=vdma.series_hash('6.12'))
                p.update(prov)
                rows = [dict(variant=v) for v in p['variants']]	# a row each
                (d / '6.12' / 'matrix.json').write_text(json.dumps(dict(provenance=p, results=rows)))
                with self.assertRaises(vdma.HarnessError) as e:
                    vdma.cmd_results(type('A', (), {'base': '6.12'}))
                self.assertIn(why, str(e.exception))
        finally:
            vdma.RESULTS = old


class Bench(unittest.TestCase):
    """vdma.py bench-report: the benchmark's verdicts (scripts/bench.sh)."""

    LINE = ('[17:02:11]     # virtio_ring_bench: bench: case={case} ns_per_cycle={ns} '
            'cycles=200000 completions={done} ns_total={tot} reps=5 vdev_map={m}{phys}\n')
    CASES = ('split-direct-out1-noap', 'packed-indirect-out4-ap', 'split-direct-out4-map')

    def boot(self, variant, ns, done=200000, maps=None, phys=None):
        out = ''
        for c in self.CASES:
            m = vdma.bench_map_expected(variant, c, 'vdev_map') if maps is None else maps[c]
            p = vdma.bench_map_expected(variant, c, 'dma_phys') if phys is None else phys[c]
            out += self.LINE.format(case=c, ns=int(ns[c]), done=done, tot=int(ns[c] * 200000),
                                    m=m, phys='' if p is None else f' dma_phys={p}')
        return out

    def rounds(self, base, series, n=15, jitter=0.01, v2=None):
        """n rounds of boots whose cases take base[c] and series[c] ns
        per cycle, with a deterministic jitter of +-jitter (the series'
        opposite to the base's: the worst case for a round's ratio)."""
        rs = []
        for i in range(n):
            j = 1 + jitter * ((i * 7919) % 11 - 5) / 5
            one = {'base': vdma.bench_parse(self.boot('base', {c: base[c] * j for c in self.CASES})),
                   'series': vdma.bench_parse(self.boot('series',
                                                        {c: series[c] * (2 - j) for c in self.CASES}))}
            if v2:
                one['v2'] = vdma.bench_parse(self.boot('v2', {c: v2[c] * j for c in self.CASES}))
            rs.append(one)
        return rs

    def verdicts(self, series, base=None, **kw):
        base = base or {c: 100.0 for c in self.CASES}
        rows, fails = vdma.bench_report(self.rounds(base, series, **kw))
        return {r['case']: r['result'] for r in rows}, fails

    def test_parse(self):
        f = vdma.bench_parse(self.boot('series', {c: 100.5 for c in self.CASES}))
        self.assertEqual(list(f), list(self.CASES))
        self.assertEqual(f['split-direct-out1-noap'],
                         dict(ns_per_cycle=100, cycles=200000, completions=200000,
                              ns_total=20100000, reps=5, vdev_map=0, dma_phys=1))

    def test_faster_kernels_pass(self):
        v, fails = self.verdicts({c: 97.0 for c in self.CASES})
        self.assertEqual(fails, [])
        self.assertEqual(set(v.values()), {'PASS'})

    def test_noap_must_be_shown_not_slower(self):
        # as fast as the base, within noise: the interval reaches above
        # 1.00, which is not enough without ACCESS_PLATFORM; with it, 1.02 is
        v, fails = self.verdicts({c: 100.0 for c in self.CASES})
        self.assertEqual(fails, ['split-direct-out1-noap series'])
        v, fails = self.verdicts({'split-direct-out1-noap': 104.0,
                                  'packed-indirect-out4-ap': 97.0,
                                  'split-direct-out4-map': 97.0})
        self.assertEqual(fails, ['split-direct-out1-noap series'])

    def test_ap_within_two_percent(self):
        v, fails = self.verdicts({'split-direct-out1-noap': 97.0,
                                  'packed-indirect-out4-ap': 101.0,
                                  'split-direct-out4-map': 104.0}, jitter=0.002)
        self.assertEqual(v['packed-indirect-out4-ap'], 'PASS')
        self.assertEqual(fails, ['split-direct-out4-map series'])

    def test_noisy_rounds_widen_the_interval(self):
        # 1% faster is shown with +-0.2% noise, not with +-10%
        fast = {c: 99.0 for c in self.CASES}
        self.assertNotIn('split-direct-out1-noap series', self.verdicts(fast, jitter=0.002)[1])
        self.assertIn('split-direct-out1-noap series', self.verdicts(fast, jitter=0.10)[1])

    def test_the_ratio_is_paired_by_round(self):
        # both kernels slow down together in some rounds (the host): the
        # rounds' ratios stay 0.98, and so does the whole interval
        rs = []
        for i in range(15):
            slow = 1.5 if i % 3 == 0 else 1.0
            rs.append({'base': vdma.bench_parse(self.boot('base', {c: 100 * slow for c in self.CASES})),
                       'series': vdma.bench_parse(self.boot('series', {c: 98 * slow for c in self.CASES}))})
        rows, fails = vdma.bench_report(rs)
        self.assertEqual(fails, [])
        self.assertAlmostEqual(rows[0]['lo'], 0.98, places=3)
        self.assertAlmostEqual(rows[0]['hi'], 0.98, places=3)

    def test_the_alternative_is_shown_not_judged(self):
        rs = self.rounds({c: 100.0 for c in self.CASES}, {c: 97.0 for c in self.CASES},
                         v2={c: 120.0 for c in self.CASES})
        rows, fails = vdma.bench_report(rs, ('base', 'series', 'v2'))
        self.assertEqual(fails, [])
        v2 = [r for r in rows if r['kernel'] == 'v2']
        self.assertEqual({r['result'] for r in v2}, {'INFO'})
        self.assertAlmostEqual(v2[0]['ratio'], 1.2, places=3)

    def test_too_few_rounds_is_no_verdict(self):
        v, fails = self.verdicts({c: 97.0 for c in self.CASES}, n=5)
        self.assertEqual(set(v.values()), {'FAIL'})

    def test_unusable_runs(self):
        ns = {c: 100.0 for c in self.CASES}
        self.assertEqual(vdma.bench_check_run('series', vdma.bench_parse(self.boot('series', ns))), [])
        lost = vdma.bench_parse(self.boot('series', ns, done=199999))
        self.assertEqual(len(vdma.bench_check_run('series', lost)), 3)
        # a series whose noap device took virtio's fallback map ops, not
        # the DMA API of a device on physical addresses
        fallback = vdma.bench_parse(self.boot('series', ns, maps={c: 1 for c in self.CASES},
                                              phys={c: 0 for c in self.CASES}))
        why = vdma.bench_check_run('series', fallback)
        self.assertIn('split-direct-out1-noap: vdev_map=1', why[0])
        self.assertIn('split-direct-out1-noap: dma_phys=0', why[1])
        self.assertIn('packed-indirect-out4-ap: vdev_map=1', why[2])
        # v2 without its map ops is the old bypass
        bypass = vdma.bench_parse(self.boot('v2', ns, maps={c: 0 for c in self.CASES}))
        self.assertIn('split-direct-out1-noap: vdev_map=0', vdma.bench_check_run('v2', bypass)[0])
        self.assertEqual(vdma.bench_check_run('base', {}), ['no measurement'])


class Pipeline(unittest.TestCase):
    """vdma.py STAGE, make's one entry point (scripts/vdma_pipeline.py)."""

    # make check's steps, written down: per base of config/bases.tsv by its
    # check column (7.3 full; 6.12 long-backport), the variants of
    # config/matrix.tsv whose check column is yes (the series and its kernel
    # mutants: the base, the control, series-xen and v2 are cold kernel
    # builds CI's budget leaves to make check-long), the lifecycle's
    # variants of check yes, the harness mutants that boot only those
    CHECK = """\
deps	python3 scripts/vdma.py deps
selftest	python3 scripts/vdma.py selftest
tree-7.3	env BASE=7.3 scripts/tree.sh
checkpatch-7.3	env BASE=7.3 scripts/checkpatch.sh
build-7.3-series	env BASE=7.3 python3 scripts/vdma.py build series
build-7.3-series-nophys	env BASE=7.3 python3 scripts/vdma.py build series-nophys
build-7.3-series-translated	env BASE=7.3 python3 scripts/vdma.py build series-translated
kunit-7.3	env BASE=7.3 scripts/kunit.sh series
kunit-7.3-x86_64	env BASE=7.3 scripts/kunit.sh series x86_64
mutants-7.3	env BASE=7.3 python3 scripts/vdma.py mutants
sparse-7.3	env BASE=7.3 scripts/sparse.sh
kernel-doc-7.3	env BASE=7.3 scripts/kdoc.sh
matrix-7.3	env BASE=7.3 python3 scripts/vdma.py matrix series series-nophys series-translated
ktap-7.3	env BASE=7.3 python3 scripts/vdma.py ktap
lifecycle-7.3	env BASE=7.3 python3 scripts/vdma.py lifecycle --check series series-leak \
series-nounmap
harness-mutants	env BASE=7.3 python3 scripts/vdma.py harness-mutants skip-block-write \
wrong-kind rx-all-interfaces dump-format qemu-exits skip-domain-write \
series-nophys-as-series series-translated-as-series
"""
    # make check-long: 6.12 as a backport, every variant, v2's checkpatch,
    # KUnit, mutants, sparse and kernel-doc, every harness mutant
    LONG = """\
deps	python3 scripts/vdma.py deps
selftest	python3 scripts/vdma.py selftest
tree-7.3	env BASE=7.3 scripts/tree.sh
tree-6.12	env BASE=6.12 scripts/tree.sh
checkpatch-7.3	env BASE=7.3 scripts/checkpatch.sh
checkpatch-6.12	env BASE=6.12 scripts/checkpatch.sh
build-7.3-base	env BASE=7.3 python3 scripts/vdma.py build base
build-7.3-control	env BASE=7.3 python3 scripts/vdma.py build control
build-7.3-series	env BASE=7.3 python3 scripts/vdma.py build series
build-7.3-series-nodebug	env BASE=7.3 python3 scripts/vdma.py build series-nodebug
build-7.3-series-xen	env BASE=7.3 python3 scripts/vdma.py build series-xen
build-7.3-series-nophys	env BASE=7.3 python3 scripts/vdma.py build series-nophys
build-7.3-series-translated	env BASE=7.3 python3 scripts/vdma.py build series-translated
build-7.3-v2	env BASE=7.3 python3 scripts/vdma.py build v2
build-7.3-v2-nodebug	env BASE=7.3 python3 scripts/vdma.py build v2-nodebug
build-6.12-series	env BASE=6.12 python3 scripts/vdma.py build series
kunit-7.3	env BASE=7.3 scripts/kunit.sh series
kunit-7.3-x86_64	env BASE=7.3 scripts/kunit.sh series x86_64
mutants-7.3	env BASE=7.3 python3 scripts/vdma.py mutants
sparse-7.3	env BASE=7.3 scripts/sparse.sh
kernel-doc-7.3	env BASE=7.3 scripts/kdoc.sh
checkpatch-7.3-v2	env BASE=7.3 scripts/checkpatch.sh alternatives/virtio-map-ops
kunit-7.3-v2	env BASE=7.3 scripts/kunit.sh v2
mutants-7.3-v2	env BASE=7.3 python3 scripts/vdma.py mutants --variant v2
sparse-7.3-v2	env BASE=7.3 SERIES=v2 scripts/sparse.sh
kernel-doc-7.3-v2	env BASE=7.3 SERIES=v2 scripts/kdoc.sh
kunit-6.12	env BASE=6.12 scripts/kunit.sh series
matrix-7.3	env BASE=7.3 python3 scripts/vdma.py matrix base control series series-nodebug \
series-xen series-nophys series-translated v2 v2-nodebug
ktap-7.3	env BASE=7.3 python3 scripts/vdma.py ktap
demo-6.12	env BASE=6.12 python3 scripts/vdma.py demo series intel translated
lifecycle-7.3	env BASE=7.3 python3 scripts/vdma.py lifecycle --check series v2 v2-leak \
v2-nocheck series-leak series-nounmap series-optin
harness-mutants	env BASE=7.3 python3 scripts/vdma.py harness-mutants
"""

    def plan(self, argv: list[str]) -> list[str]:
        import io
        from contextlib import redirect_stdout
        out = io.StringIO()
        with redirect_stdout(out):
            self.assertEqual(vdma.main(argv), 0)
        return out.getvalue().splitlines()

    def test_the_plan_of_check(self):
        for argv, want in ((['check', '--plan', '--base', '7.3'], self.CHECK),
                           (['check', '--plan', '--long', '--base', '7.3'], self.LONG)):
            with self.subTest(argv=argv):
                self.assertEqual(self.plan(argv), want.splitlines())

    def test_a_variant_is_built_from_its_row(self):
        # build.sh knows no variant names: vdma.py gives it the row's ref
        # and fragment (config/variants.tsv), a name the table does not
        # have is a git ref, --config adds a fragment
        m = vdma_pipeline.config()
        got = []
        self.addCleanup(setattr, vdma_pipeline, 'call', vdma_pipeline.call)
        vdma_pipeline.call = lambda cmd, env: got.append((cmd, env)) or 0
        for args, kw, ref, frags in (
                (('series-xen',), {}, 'series', 'guest-xen.config'),
                (('v2-nodebug',), {}, 'v2', 'guest-nodebug.config'),
                (('series',), {}, 'series', ''),
                (('prefix-3',), {}, 'prefix-3', ''),
                (('series', 'x86_64', 'guest-modular.config'), {'BUILD_NAME': 'series-modular'},
                 'series', 'guest-modular.config')):
            with self.subTest(args=args):
                got.clear()
                self.assertEqual(vdma_pipeline.build(m, '7.3', *args, **kw), 0)
                cmd, env = got[0]
                self.assertEqual(cmd, ('scripts/build.sh', args[0]))
                self.assertEqual((env['VARIANT_REF'], env['VARIANT_FRAGMENTS']), (ref, frags))
                for k, v in kw.items():
                    self.assertEqual(env[k], v)
        got.clear()
        with self.assertRaises(vdma_pipeline.HarnessError):
            vdma_pipeline.build(m, '7.3', 'series', 'x86_64', 'no-such.config')
        self.assertEqual(got, [])

    def test_every_step_of_a_plan_is_a_stage_or_a_script(self):
        m = vdma_pipeline.config()
        for s in vdma_pipeline.check_plan(m, True) + vdma_pipeline.upstream_plan(m, '7.3'):
            with self.subTest(step=s.name):
                if s.cmd[:2] == vdma_pipeline.PY:
                    import io
                    from contextlib import redirect_stdout
                    with self.assertRaises(SystemExit) as e, redirect_stdout(io.StringIO()):
                        vdma.main(list(s.cmd[2:]) + ['--help'])	# the stage parses them
                    self.assertEqual(e.exception.code, 0)
                else:
                    self.assertTrue((vdma.TOP / s.cmd[0]).exists(), s.cmd[0])

    def test_no_command_answers_the_shell_a_config_question(self):
        for argv in (['variants'], ['series-hash'], ['platform-arches'], ['platform-variants']):
            with self.subTest(argv=argv), self.assertRaises(SystemExit):
                with open(os.devnull, 'w') as null:
                    from contextlib import redirect_stderr
                    with redirect_stderr(null):
                        vdma.main(argv)
        for f in sorted((vdma.TOP / 'scripts').glob('*.sh')):
            with self.subTest(script=f.name):
                text = f.read_text()
                self.assertNotRegex(text, r'\$top/config/\S*\.tsv|base_field|arch_field|'
                                          r'vdma\.py" (variants|series-hash|platform-)')

    def test_a_run_goes_on_after_a_failure_with_logs_and_a_summary(self):
        d = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, d)
        m = vdma_pipeline.config()
        seen = []
        r = vdma_pipeline.Runner(m, lambda argv: seen.append(argv) or print('inner: 2 passed') or 0,
                                 res=d)
        steps = [vdma_pipeline.Step('bad', ('sh', '-c', 'echo "not ok 1 - x"; exit 3')),
                 vdma_pipeline.Step('good', ('sh', '-c', 'echo "t: 1 passed, 0 failed"; '
                                                         'echo "$BASE $SERIES_HASH"'), '7.3'),
                 vdma_pipeline.Step('inner', vdma_pipeline.PY + ('ktap',), '7.3')]
        import io
        from contextlib import redirect_stdout
        out = io.StringIO()
        with redirect_stdout(out):
            self.assertEqual([r.run(s) for s in steps], [False, True, True])
        self.assertEqual(seen, [['ktap']])
        self.assertEqual((d / 'bad.rc').read_text(), '3\n')
        self.assertIn('=== good\n', out.getvalue())
        self.assertEqual((d / 'good.log').read_text(),
                         f"t: 1 passed, 0 failed\n7.3 {vdma.series_hash('7.3')}\n")
        prov = dict(line.split('=', 1) for line in (d / 'good.log.prov').read_text().splitlines())
        self.assertEqual(prov['series'], vdma.series_hash('7.3'))
        self.assertTrue(prov['base'].startswith('7.3 linux-source-7.3 '))
        self.assertEqual(prov['command'], "env BASE=7.3 sh -c 'echo \"t: 1 passed, 0 failed\"; "
                         "echo \"$BASE $SERIES_HASH\"'")
        lines = r.summary(7).splitlines()
        self.assertEqual(lines[:2], ['', '=== summary (7s)'])
        self.assertRegex(lines[2], r'^bad              FAIL +\d+s  $')
        self.assertRegex(lines[3], r'^good             PASS +\d+s  t: 1 passed, 0 failed$')
        self.assertRegex(lines[4], r'^inner            PASS +\d+s  inner: 2 passed$')
        self.assertEqual(r.failures(), f"--- bad failed ({d / 'bad.log'}):\nnot ok 1 - x\n")

    def test_deps_and_cross_read_the_architectures(self):
        m = vdma_pipeline.config()
        self.assertEqual(vdma_pipeline.cross_targets(m, []), [
            'arm64:aarch64-linux-gnu-:defconfig', 'powerpc:powerpc64le-linux-gnu-:ppc64le_defconfig',
            's390:s390x-linux-gnu-:defconfig', 'sparc:sparc64-linux-gnu-:sparc64_defconfig'])
        self.assertEqual(sorted(vdma_pipeline.packages(m, 'platforms')), sorted(
            'qemu-system-arm qemu-system-ppc qemu-system-sparc qemu-system-data '
            'gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-powerpc64le-linux-gnu '
            'libc6-dev-ppc64el-cross gcc-powerpc64-linux-gnu libc6-dev-ppc64-cross '
            'gcc-sparc64-linux-gnu libc6-dev-sparc64-cross'.split()))
        self.assertEqual(vdma_pipeline.packages(m, 'cross'), [
            'gcc-aarch64-linux-gnu', 'gcc-powerpc64le-linux-gnu', 'gcc-s390x-linux-gnu',
            'gcc-sparc64-linux-gnu'])
        self.assertIn('qemu-system-x86', vdma_pipeline.packages(m, ''))

    def test_a_base_has_a_folder_of_its_own(self):
        # bases/BASE/: what vdma_model.BaseFolder names, nothing else; the
        # scripts get its paths from base_env
        m = vdma.model()
        self.assertEqual(sorted(p.name for p in (vdma.TOP / 'bases').iterdir()),
                         sorted(b.name for b in m.bases))
        for b in m.bases:
            with self.subTest(base=b.name):
                f = m.folder(b.name)
                self.assertEqual(f.path, vdma.TOP / 'bases' / b.name)
                self.assertTrue(list(f.control.glob('*.patch')), f.control)
                self.assertTrue(f.cover().is_file(), f.cover())
                refs = [None] + [v.ref for v in vdma_pipeline.extra_series(m, b.name)]
                named = ({f.control, f.bench, f.guest_config, f.cover()}
                         | {p for r in refs for p in (f.mutants(r or 'series'),
                                                      f.kunit_mutants(r), f.results(r),
                                                      f.cover(f'cover-letter-{r}.txt'))})
                self.assertEqual([p for p in f.path.iterdir() if p not in named], [])
                env = vdma_pipeline.base_env(m, b.name)
                self.assertEqual((env['BASE_CONTROL'], env['BASE_COVER'], env['BASE_RESULTS']),
                                 (str(f.control), str(f.cover()), str(f.results())))
                self.assertEqual(env['BASE_GUEST_CONFIG'],
                                 str(f.guest_config) if f.guest_config.exists() else '')

    def test_the_mutant_tables(self):
        h = {r.name: r for r in vdma_model.harness_mutants(vdma.model(), '7.3')}
        self.assertEqual(h['control-as-series'].caught,
                         'FAIL:leak FAIL:qemu-index-error FAIL:wrong-path')	# caught
        h612 = {r.name: r for r in vdma_model.harness_mutants(vdma.model(), '6.12')}
        self.assertEqual(h612['wrong-kind'].caught, 'FAIL:wrong-kind')		# "="
        self.assertEqual(h612['control-as-series'].caught,			# 6.12:caught
                         'FAIL:dma-overlap FAIL:qemu-index-error FAIL:wrong-path')
        k = vdma_model.kunit_mutants(vdma.model().folder('7.3'))
        self.assertEqual([r.number for r in k], list(range(1, len(k) + 1)))
        self.assertTrue({r.arch for r in k} <= {'um', 'x86_64'})
        self.assertEqual(vdma_pipeline.base_env(vdma_pipeline.config(), '7.3')['KUNIT_MUTANTS'],
                         str(len(k)))



class Lint(unittest.TestCase):
    def test_pyflakes(self):
        """pyflakes on scripts/*.py where it is installed (python3 -m
        pyflakes, or Debian's pyflakes3: apt-get install pyflakes3)."""
        scripts = sorted(str(p) for p in Path(__file__).resolve().parent.glob('*.py'))
        for cmd in ([sys.executable, '-m', 'pyflakes'], ['python3', '-m', 'pyflakes'],
                    ['pyflakes3']):
            try:
                if subprocess.run(cmd + ['--version'], capture_output=True).returncode == 0:
                    break
            except OSError:
                pass
        else:
            self.skipTest('pyflakes is not installed (python3 -m pyflakes, pyflakes3)')
        r = subprocess.run(cmd + scripts, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, f"{' '.join(cmd)}:\n{r.stdout}{r.stderr}")


    def test_shellcheck(self):
        """shellcheck on every shell script (.shellcheckrc follows lib.sh;
        apt-get install shellcheck)."""
        if not shutil.which('shellcheck'):
            self.skipTest('shellcheck is not installed (apt-get install shellcheck)')
        scripts = sorted(str(p.relative_to(vdma.TOP)) for p in (vdma.TOP / 'scripts').glob('*.sh'))
        r = subprocess.run(['shellcheck', *scripts, '.ci/run'], cwd=vdma.TOP, capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, f'shellcheck:\n{r.stdout}{r.stderr}')


class Summary(unittest.TextTestResult):
    pass


if __name__ == '__main__':
    runner = unittest.TextTestRunner(verbosity=2, resultclass=Summary)
    prog = unittest.main(testRunner=runner, exit=False)
    r = prog.result
    failed = len(r.failures) + len(r.errors)
    for test, why in r.skipped:	# never silently: what did not run, and why
        print(f'selftest: skipped {test.id()}: {why}')
    print(f'selftest: {r.testsRun - failed - len(r.skipped)} passed, {failed} failed'
          + (f', {len(r.skipped)} skipped' if r.skipped else ''))
    sys.exit(1 if failed or r.testsRun == 0 else 0)
