"""Flat result rows: the text of a row's flags, kept per set of flags, is what joining them row by row gives."""

import random
from decimal import Decimal

import perfrules as pr
from perfrules._evaluate.flat import flat_columns
from perfrules._evaluate.results import layout_of
from tests.conftest import EXAMPLES

D = Decimal


def _expected(columns, employee, period, row, held):
    # The cells written out the long way: every flag asked of the row, then not_assessed and the holds.
    layout = columns.layout
    grade = row[layout.grade] if layout.grade is not None else None
    flags = [name for name, _, i in layout.flags if row[i]]
    if layout.assessed is not None and not row[layout.assessed[0]]:
        grade = None
        flags.insert(0, "not_assessed")
    return columns.cells(employee, period, row, grade, flags + ["approval_held"] * held)


def _rows(layout, rnd, n):
    for k in range(n):
        row = [D(k % 7) / 4] * len(layout.outputs)
        for _, _, i in layout.flags:
            row[i] = rnd.choice((True, False, False, D(0), D(1), D("sNaN")))  # any value: only its truth counts
        if layout.assessed is not None:
            row[layout.assessed[0]] = rnd.choice((True, False))
        if layout.grade is not None:
            row[layout.grade] = rnd.choice(("A", "B", None))
        yield tuple(row)


def test_flag_text_is_the_flags_joined_row_by_row():
    rnd = random.Random(9)
    for name in ("seed003-kpi", "seed003-quarter", "seed000-team"):
        plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / name / "scheme.yaml"))
        columns = flat_columns(layout_of(plan))
        assert columns.values is not None and columns.layout.flags
        held_raw, held_text = columns.held_maker("2026-04", raw=True), columns.held_maker("2026-04")
        plain = columns.row_maker(None, raw=True)
        simple = not columns.layout.approvals and columns.layout.assessed is None
        texts = set()
        for k, row in enumerate(_rows(columns.layout, rnd, 400)):
            held = rnd.choice((0, 0, 1, 2))
            want = _expected(columns, f"E{k}", "2026-04", row, held)
            assert [str(c) for c in held_raw(f"E{k}", row, held)] == want
            assert held_text(f"E{k}", row, held) == want
            if simple:
                assert [str(c) for c in plain(f"E{k}", row)] == _expected(columns, f"E{k}", None, row, 0)
            texts.add(want[-1])
        assert len(texts) > 4


def test_a_chunk_of_rows_is_made_as_each_row_would_be():
    # The comprehension over a chunk (flags looked up by their values, a signalling NaN among them sending the
    # chunk row by row) gives each row's cells as row_maker does: the same values, not only the same text.
    rnd = random.Random(4)
    simple = []
    for name in ("seed003-kpi", "seed003-quarter", "seed000-team", "seed003-pay"):
        plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / name / "scheme.yaml"))
        columns = flat_columns(layout_of(plan))
        if columns.layout.approvals or columns.layout.assessed is not None:
            continue  # row_maker itself, row by row (these made-up rows have no approvals' values)
        simple.append(name)
        one, chunk = columns.row_maker("2026-04", raw=True), columns.chunk_maker("2026-04")
        rows = list(_rows(columns.layout, rnd, 300))
        # Half the chunks without a signalling NaN: looked up by their flags' values, not row by row.
        rows[:150] = [tuple(D(1) if isinstance(v, D) and v.is_snan() else v for v in r) for r in rows[:150]]
        for start in range(0, 300, 50):
            part = rows[start : start + 50]
            ids = [f"E{start + k}" for k in range(len(part))]
            made = chunk(ids, part)
            assert all(type(m) is tuple for m in made)
            assert [list(m) for m in made] == [one(e, r) for e, r in zip(ids, part, strict=True)]
            assert [[type(c) for c in m] for m in made] == [[type(c) for c in one(e, r)] for e, r in zip(ids, part)]
    assert simple == ["seed000-team", "seed003-pay"]
