"""The quick test of which rows may hold an amount (Holding's screen) against the row-by-row rule it stands for."""

import random
from decimal import Decimal

import perfrules as pr
from perfrules._evaluate import read_rows
from perfrules._evaluate.holds import over_of, screen
from perfrules._evaluate.results import layout_of
from tests.conftest import EXAMPLES, ONE_STAGE_HOLDS

D = Decimal
# A fixed amount under its threshold never needs approval; one over it does whenever it is paid.
FIXED = ONE_STAGE_HOLDS + "  small: {count: shifts, amount: 5, approval_over: 10}\n"


def _maybe(layout, row):
    # The rule written out one row at a time: an amount paid, and over its threshold (a list's largest).
    for _, _, limit, occ, amount, at in layout.approvals:
        if not row[at]:
            continue
        if occ is not None:
            if row[occ] and max(map(abs, row[occ])) > limit:
                return True
        elif amount is not None and amount > limit:
            return True
    return False


def _rows(layout, base, rnd, n):
    # Output tuples with every amount and list an approval reads varied: zero, negative, empty, large.
    out = []
    for _ in range(n):
        row = list(rnd.choice(base))
        for _, _, _, occ, _, at in layout.approvals:
            row[at] = rnd.choice((D(0), D("-0.00"), D(3), D(-12), D("10.5")))
            if occ is not None:
                row[occ] = [D(rnd.choice((-30, -11, -10, 0, 1, 8, 10, D("10.01")))) for _ in range(rnd.randint(0, 3))]
        out.append(tuple(row))
    return out


def test_the_screen_finds_exactly_the_rows_the_rule_finds(tmp_path):
    rnd = random.Random(7)
    one = tmp_path / "one.yaml"
    one.write_text(FIXED, encoding="utf-8")
    cases = [
        (EXAMPLES / "seed003-kpi" / "scheme.yaml", None),
        (one, [{"employee_id": f"E{k}", "discipline": "2;20", "shifts": str(k % 3)} for k in range(5)]),
    ]
    for path, records in cases:
        plan = pr.compile_scheme(pr.load_scheme(path))
        layout = layout_of(plan)
        assert layout.approvals
        if records is None:
            base = [tuple([D(1)] * len(plan.outputs))]
        else:
            base = [plan.stages[0].run(r.values) for r in read_rows(plan, records)]
        rows = _rows(layout, base, rnd, 600)
        found = screen(layout)(rows)
        assert found == [i for i, row in enumerate(rows) if _maybe(layout, row)]
        assert {i for i, row in enumerate(rows) if over_of(layout, row)} <= set(found)
        assert 0 < len(found) < len(rows)


def test_a_layout_without_approvals_screens_nothing(examples):
    plan = pr.compile_scheme(pr.load_scheme(examples / "seed000-team" / "scheme.yaml"))
    assert screen(layout_of(plan))([tuple(plan.outputs)] * 3) == []
