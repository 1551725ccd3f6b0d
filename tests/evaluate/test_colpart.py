"""Sparse branches computed on their own rows (colpart): the very values, and the same rows refused."""

from __future__ import annotations

import csv
import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules as pr
from tests.strategies import formula_schemes, populations, schemes, varied_numbers

pl = pytest.importorskip("polars")
colpart = pytest.importorskip("perfrules._evaluate.colpart")
fixed = pytest.importorskip("perfrules._evaluate.fixed")

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture
def always(monkeypatch):
    """Compute every branch on its own rows, however many rows take it and however small the population."""
    monkeypatch.setattr(colpart, "MIN_ROWS", 0)
    monkeypatch.setattr(colpart, "SPARSE", 0)


def _same(plan, rows, period="2026-04"):
    quiet = {"no_history": True, "any_period": True} if plan.history else {"any_period": True}
    row = pr.score(plan, rows, period=period, **quiet)
    col = pr.score(plan, rows, period=period, engine="columnar", **quiet)
    for a, b in zip(row, col, strict=True):
        assert [repr(v) for v in a.row] == [repr(v) for v in b.row], a.employee
        assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.iterdir() if (p / "scheme.yaml").exists()))
def test_every_example_agrees_with_every_branch_on_its_own_rows(name, always):
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / name / "scheme.yaml"))
    with open(EXAMPLES / name / "data.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    _same(plan, rows)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_generated_schemes_agree_with_every_branch_on_its_own_rows(data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(colpart, "MIN_ROWS", 0)
        mp.setattr(colpart, "SPARSE", 0)
        s = data.draw(schemes())
        _same(pr.compile_scheme(s), data.draw(populations(s)))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_generated_formulas_fail_or_agree_as_without(data):
    # Whatever the whole columns give — values, or the error and its employee — the rows alone give too.
    s = data.draw(formula_schemes())
    plan = pr.compile_scheme(s)
    ids = data.draw(st.lists(st.from_regex(r"E[0-9]{1,3}", fullmatch=True), min_size=1, max_size=6, unique=True))
    rows = [{"employee_id": e, **{m.name: data.draw(varied_numbers) for m in s.metrics}} for e in ids]

    def scored():
        try:
            return [r.row for r in pr.score(plan, rows, engine="columnar")]
        except pr.EvaluationError as exc:
            return (str(exc), exc.code, exc.employee)

    whole = scored()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(colpart, "MIN_ROWS", 0)
        mp.setattr(colpart, "SPARSE", 0)
        alone = scored()
    assert repr(alone) == repr(whole)


def _branchy(score: str, rounding: bool = True) -> pr.Plan:
    s = pr.Scheme(
        name="b",
        metrics=(pr.Metric("x", "number"), pr.Metric("f", "number")),
        score=pr.Score(formula=score, rounding=pr.Rounding(places=2) if rounding else None),
    )
    return pr.compile_scheme(s)


@pytest.mark.parametrize("forced", [False, True])
def test_a_refusal_in_a_rare_branch_names_the_first_row_refused(forced, monkeypatch):
    if forced:
        monkeypatch.setattr(colpart, "MIN_ROWS", 0)
        monkeypatch.setattr(colpart, "SPARSE", 0)
    plan = _branchy("x * x * x if f > 0 else x", rounding=False)
    big = "123456789012345"
    rows = [{"employee_id": f"E{k}", "x": "2", "f": "0"} for k in range(5)]
    rows[1] |= {"x": big}  # too big only where its branch is taken: not here
    rows[3] |= {"x": big, "f": "1"}
    with pytest.raises(pr.EvaluationError) as err:
        pr.score(plan, rows, engine="columnar")
    assert err.value.code == "columnar-limit" and err.value.employee == "E3"


@pytest.mark.parametrize("first", ["0", "1"])
@pytest.mark.parametrize("forced", [False, True])
def test_rounding_each_branch_refuses_the_rows_rounding_the_choice_refuses(forced, first, monkeypatch):
    # 10**27 at two places needs 30 digits: Decimal's quantize refuses it, in either branch; the first
    # such row is named, whichever branch it takes.
    if forced:
        monkeypatch.setattr(colpart, "MIN_ROWS", 0)
        monkeypatch.setattr(colpart, "SPARSE", 0)
    plan = _branchy("x * x * x + 1 if f > 0 else x * x * x")
    rows = [{"employee_id": f"E{k}", "x": "1", "f": "0"} for k in range(4)]
    rows[1] |= {"x": "1000000000", "f": first}
    rows[2] |= {"x": "1000000000", "f": "1" if first == "0" else "0"}
    with pytest.raises(pr.EvaluationError) as row:
        pr.score(plan, rows)
    with pytest.raises(pr.EvaluationError) as col:
        pr.score(plan, rows, engine="columnar")
    assert (str(col.value), col.value.employee) == (str(row.value), row.value.employee)
    assert col.value.employee == "E1"
    # The columnar engine's own refusal (when the row engine computes what it cannot) names that row too.
    from perfrules._evaluate.columnar import evaluate_columns

    given = {m: fixed.from_decimals([Decimal(r[m]) for r in rows]) for m in ("x", "f")}
    with pytest.raises(pr.EvaluationError) as own:
        evaluate_columns(plan, lambda: dict(given), len(rows), lambda k: rows[k]["employee_id"], lambda: None)
    assert (own.value.code, own.value.employee) == ("columnar-limit", "E1")


def test_a_rounded_choice_agrees_over_a_population_past_the_threshold():
    # Past MIN_ROWS, with a branch one row in twenty takes (the supervisor's), at the default settings.
    plan = _branchy("(x * 0.5 + x / 3) if f > 0 else x * 1.005")
    rnd = random.Random(4)
    rows = [
        {"employee_id": f"E{k:05d}", "x": str(rnd.randint(0, 10**6) / 1000), "f": "1" if k % 20 == 0 else "0"}
        for k in range(colpart.MIN_ROWS + 100)
    ]
    _same(plan, rows, period=None)


def test_on_rows_spreads_the_live_rows_values_and_zero_elsewhere():
    from perfrules._ir import Arith, Const, Ref

    n = 8
    x = fixed.from_decimals([Decimal(k) / 4 for k in range(n)])
    live = pl.Series([k in (2, 5) for k in range(n)])
    node = Arith("*", Ref("x", "number"), Const(Decimal(3), "number"), "number")
    evaluated = []

    def evaluate(m, env):
        evaluated.append(m)
        return fixed.mul(env["x"], fixed.const(Decimal(3), m), None)

    assert colpart.on_rows(node, live, n, {"x": x}, evaluate) is None  # below MIN_ROWS: the whole column
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(colpart, "MIN_ROWS", 0)
        got = colpart.on_rows(node, live, n, {"x": x}, evaluate)
        assert evaluated == [2]
        values = got.decimals()
        assert [values[2], values[5]] == [Decimal("1.50"), Decimal("3.75")]
        assert all(values[k] == 0 for k in range(n) if k not in (2, 5))
        assert colpart.on_rows(node, pl.Series([True] * n), n, {"x": x}, evaluate) is None  # most rows: whole
        assert colpart.on_rows(Ref("x", "number"), live, n, {"x": x}, evaluate) is None  # nothing to compute


def test_a_team_average_is_compared_once_per_team_and_gives_each_rows_answer():
    avg = fixed.from_decimals([Decimal("80"), Decimal("90.5"), Decimal("100.333")])
    at = pl.Series([0, 0, 1, 1, 1, 2, 2, 0], dtype=pl.UInt32)
    read = fixed.pick(avg, at)
    whole = fixed.compare(read, fixed.const(Decimal(90), len(at)), ">=", None)
    read.coded = (avg, at)
    coded = fixed.compare(read, fixed.const(Decimal(90), len(at)), ">=", None)
    assert coded.to_list() == whole.to_list() == [False, False, True, True, True, True, True, False]
