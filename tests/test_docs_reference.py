"""The reference documents every metric type and every scorer option with its default (issue 11)."""

import re
from decimal import Decimal as D

import attrs
import pytest

import perfrules as pr
from perfrules._model import Shortfall, Target
from perfrules._plugins import metric_types
from tests.conftest import ROOT

FORMAT = (ROOT / "docs" / "reference" / "scheme-format.md").read_text(encoding="utf-8")
FORMULAS = (ROOT / "docs" / "reference" / "formula-language.md").read_text(encoding="utf-8")


def _table_rows() -> dict[str, str]:
    # Rows of the reference's tables by their first cell, when it is code: {"number": "| `number` | ..."}.
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| `([^`]+)` \|.*$", FORMAT, re.MULTILINE)}


@pytest.mark.parametrize("name", sorted(metric_types()))
def test_every_metric_type_has_a_row(name):
    rows = _table_rows()
    assert name in rows or (name == "business_hours" and "| a plugin's |" in FORMAT), name


@pytest.mark.parametrize(("scorer", "cls"), [("target", Target), ("shortfall", Shortfall)])
def test_every_scorer_option_is_documented_with_its_default(scorer, cls):
    for field in attrs.fields(cls):
        row = re.search(rf"^\| `{scorer}` \| `[^|]*\b{field.name}\b[^|]*` \|.*$", FORMAT, re.MULTILINE)
        assert row, f"{scorer}.{field.name} has no row"
        default = f"`{field.default}`" if field.default is not attrs.NOTHING else "required"
        assert row.group(0).split("|")[-2].strip() == default, (field.name, row.group(0))


def test_what_a_name_gives_is_documented():
    assert "its **contribution**" in FORMULAS and "**rounding**" in FORMULAS
    assert "sets\nthe ranking" in (ROOT / "docs" / "how-to" / "grades-and-money.md").read_text(encoding="utf-8")


SCHEME = """name: t
metrics: {q: {type: number, min: 0}, p: percent, r: ratio, g: rating, sales: money}
indicators:
  quality: {input: q, weight: 40, tiers: [{range: ">= 0", points: 90}, {range: "< 0", points: 0}]}
  short: {input: q, shortfall: {target: 100, per: 10, deduct: 30, full: 50}}
payouts:
  a: {formula: "sales / 3"}
  b: {formula: "a * 3"}
  c: {formula: "quality"}
  d: {formula: "p * 100 + r + g"}
"""


@pytest.mark.parametrize(("q", "short"), [("95", "50"), ("85", "20"), ("5", "0")])
def test_the_documented_behaviours_hold(q, short):
    """The reference's statements, run: shortfall steps default whole and floor at 0; contribution; rounded payouts."""
    plan = pr.compile_scheme(pr.scheme_from_text(SCHEME).scheme)
    r = pr.evaluate(plan, {"q": q, "p": "85%", "r": "1.5", "g": "-3", "sales": "100"})
    assert r.indicators["short"] == D(short)  # 5 short: 0 whole units; 15 short: 1; 95 short: 0, not -220
    assert (r.payouts["a"], r.payouts["b"]) == (D("33.33"), D("99.99"))  # b reads a rounded
    assert r.payouts["c"] == D("36.00")  # quality gives 90 × 40 / 100, not 90
    assert r.payouts["d"] == D("83.50")  # 85% is 0.85; ratio and rating are read as written
