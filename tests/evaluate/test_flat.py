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
