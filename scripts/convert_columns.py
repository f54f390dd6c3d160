#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""convert_columns: a one-off (issue 19, item 4): the primary base's
expectations become the unprefixed columns of the tables of boots.

Before: a table's VARIANT column is every base's, and BASE:VARIANT
overrides it on BASE ('=': as VARIANT).  After: VARIANT is the primary
base's (the first row of config/bases.tsv) and another base reads only its
BASE:VARIANT columns ('=': as VARIANT); scripts/vdma_model.py column().

  python3 scripts/convert_columns.py [TABLE ...]      (in the project's top folder)
  git show COMMIT:scripts/convert_columns.py | python3 - [TABLE ...]
                          (after it is removed: COMMIT = the one that added it)

converts config/TABLE.tsv in place (default: matrix, lifecycle, platforms,
harness-mutants), each that still has a PRIMARY:COLUMN column (a table
without one is left as it is, and said so: run it again after a merge of
tables edited in the old form); rows, comments and blank lines stay where
they are; "PRIMARY:VARIANT" in a comment becomes "VARIANT".  Then it loads
the new tables with scripts/vdma_model.py and checks that every base reads
every cell as before (the variants each table boots on each base, and each
row's expectation for each of them): exit 1 and a diff if not.
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path.cwd() / 'scripts'))	# the project's, also when read from stdin
import vdma_model  # noqa: E402

CONFIG = vdma_model.CONFIG
ROW_KEYS = vdma_model.ROW_KEYS
TABLES = ('matrix', 'lifecycle', 'platforms', 'harness-mutants')


def raw(name):
    """(bases in order, {variant: Variant}) of config/, read without the
    model (which takes the new form only)."""
    _, _, rows = vdma_model.read_tsv_lines(CONFIG / f'{name}.tsv')
    return [cells for _, cells in rows]


BASES = [vdma_model.Base.of(c) for c in raw('bases')]
VARIANTS = {c['name']: vdma_model.Variant.of(c) for c in raw('variants')}
PRIMARY = BASES[0].name
OTHERS = [b for b in BASES[1:]]


def split(line):
    return line.split('\t')


def old_cols(header, b):
    """The variants an old table boots on base B (a VARIANT or B:VARIANT column)."""
    return [v for v, var in VARIANTS.items() if var.exists_on(b)
            and (v in header or f'{b.name}:{v}' in header)]


def old_cell(cells, b, v):
    """An old cell as base B read it: B:V ('=': V), else V, else '-'."""
    c = cells.get(f'{b.name}:{v}')
    if c == '=':
        return cells[v]
    return c if c is not None else cells.get(v, '-')


def order(header):
    """The variant names of a header, in the order they first appear."""
    return list(dict.fromkeys(c.rpartition(':')[2] for c in header if c not in ROW_KEYS))


def convert_rows(header, rows):
    """The new header and rows ({column: cell}) of an old table of boots."""
    keys = [c for c in header if c in ROW_KEYS]
    p = next(b for b in BASES if b.name == PRIMARY)
    mine = [v for v in order(header) if v in old_cols(header, p)]
    new = keys + mine
    for o in OTHERS:
        new += [f'{o.name}:{v}' for v in order(header) if v in old_cols(header, o)]
    out = []
    for cells in rows:
        r = {k: cells[k] for k in keys}
        r |= {v: old_cell(cells, p, v) for v in mine}
        for o in OTHERS:
            for v in order(header):
                if v in old_cols(header, o):
                    c = old_cell(cells, o, v)
                    r[f'{o.name}:{v}'] = '=' if v in mine and c == r[v] else c
        out.append(r)
    return new, out


def convert_fields(header, rows):
    """The new header and rows of config/harness-mutants.tsv: NAME is the
    primary's, BASE:NAME another base's where it differs ('=': the same)."""
    new, out = [], [dict() for _ in rows]
    for c in header:
        b, _, k = c.rpartition(':')
        if b == PRIMARY:
            # NAME becomes the primary's; the other bases, which read NAME,
            # keep what they read (a column of their own where there is none)
            for o in OTHERS:
                if f'{o.name}:{k}' not in header:
                    new.append(f'{o.name}:{k}')
                    for r, cells in zip(out, rows):
                        r[f'{o.name}:{k}'] = cells[k]
            continue
        new.append(c)
        for r, cells in zip(out, rows):
            r[c] = cells[c]
    for r, cells in zip(out, rows):
        for k in [c for c in header if ':' not in c]:
            pk = f'{PRIMARY}:{k}'
            if pk in cells and cells[pk] != '=':
                r[k] = cells[pk]
        for c in new:
            b, _, k = c.rpartition(':')
            if b and b != PRIMARY:
                v = cells[k] if c not in cells or cells[c] == '=' else cells[c]
                r[c] = '=' if v == r[k] else v
    return new, out


def comment(line):
    """PRIMARY:VARIANT in a comment: VARIANT."""
    names = '|'.join(re.escape(v) for v in sorted(VARIANTS, key=len, reverse=True))
    line = line.replace(f'Only the {PRIMARY} columns exist.', "Only the primary base's columns exist.")
    return re.sub(rf'(?<![\w.]){re.escape(PRIMARY)}:({names})(?![\w-])', r'\1', line)


def convert(name):
    path = CONFIG / f'{name}.tsv'
    at, header, rows = vdma_model.read_tsv_lines(path)
    if not any(c.startswith(f'{PRIMARY}:') for c in header):
        print(f'{path}: no {PRIMARY}: column, left as it is', file=sys.stderr)
        return None
    fn = convert_fields if name == 'harness-mutants' else convert_rows
    new, out = fn(header, [cells for _, cells in rows])
    lines = path.read_text().splitlines()
    data = iter(out)
    text = []
    for n, line in enumerate(lines, 1):
        if n == at:
            text.append('\t'.join(new))
        elif not line.strip() or line.startswith('#'):
            text.append(comment(line))
        elif n > at:
            r = next(data)
            text.append('\t'.join(r[c] for c in new))
        else:
            text.append(line)
    path.write_text('\n'.join(text) + '\n')
    print(f'{path}: {len(header)} columns -> {len(new)}', file=sys.stderr)
    return header, [cells for _, cells in rows]


def expanded_old(name, header, rows):
    """What each base read of an old table of boots: the lines of
    vdma_model.expanded()."""
    out = []
    for b in BASES:
        cols = old_cols(header, b)
        out.append(f"{name}\t{b.name}\tcolumns\t{' '.join(cols)}")
        for v in (v for v, var in VARIANTS.items() if var.exists_on(b)):
            for cells in rows:
                text = ' '.join(old_cell(cells, b, v).split()) if v in cols else '-'
                if text != '-':
                    rid = vdma_model.row_id(cells['iommu'], cells['mode'], cells['kind'],
                                            cells.get('name', ''))
                    out.append(f'{name}\t{b.name}\t{v}\t{rid}\t{text}')
    return out


def main(argv):
    names = argv or list(TABLES)
    before = {n: convert(n) for n in names}
    vdma_model.reset()
    m = vdma_model.load(CONFIG)
    bad = 0
    for n, old in before.items():
        if old is None:
            continue
        header, rows = old
        if n == 'harness-mutants':
            want = [(b.name, [[cells[c] if (c := f'{b.name}:{k}') in cells and cells[c] != '='
                              else cells[k] for k in header if ':' not in k] for cells in rows])
                    for b in BASES]
            got = [(b.name, [[getattr(h, k) for k in header if ':' not in k]
                             for h in vdma_model.harness_mutants(m, b.name)]) for b in BASES]
        else:
            want = expanded_old(n, header, rows)
            got = vdma_model.expanded(m, tables=[n])
        if want != got:
            bad += 1
            print(f'config/{n}.tsv: not read as before:', file=sys.stderr)
            import difflib
            w = want if isinstance(want[0], str) else [repr(x) for x in want]
            g = got if isinstance(got[0], str) else [repr(x) for x in got]
            sys.stderr.writelines(x + '\n' for x in list(difflib.unified_diff(w, g, 'before',
                                                                              'after', n=0))[:40])
        else:
            print(f'config/{n}.tsv: every base reads every cell as before', file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
