"""Names across kinds: a metric and another element may share a name; formulas say which one where it could be either.

See docs/reference/formula-language.md, "Names and qualified names".
"""

from __future__ import annotations

import csv
from decimal import Decimal as D

import attrs
import pytest

import perfrules as pr
from perfrules._explain import history_lines
from perfrules._load import scheme_from_text
from tests.validate.test_validate import findings

# Metric minor is counted by penalty minor; list metric late holds penalty late's occurrences; indicator csat
# scores metric csat; derived metric reach and condition reach share a name; payouts and flags say which.
SHARED = """
name: shared
period: month
metrics:
  minor: {type: count, label: minor breaches}
  late: {type: list}
  csat: {type: number, min: 0, max: 100}
  moderate: {type: count}
  reach: {formula: "metrics.minor * 2", label: reach}
indicators:
  csat:
    input: csat
    weight: 100
    tiers:
      - {range: ">= 90", points: 10}
      - {range: "< 90", points: 5}
score:
  base: 80
penalties:
  minor: {count: minor, amount: 2, label: minor breach}
  late: {occurrences: late, amount: 1}
  moderate: {count: "metrics.moderate", amount: 10, when: "metrics.minor >= 1"}
conditions:
  reach: {when: "reach > 3"}
payouts:
  pay:
    formula: "metrics.minor * 3 + penalties.minor + indicators.csat + (1 if conditions.reach else 0)"
flags:
  many: {when: "metrics.minor > 2 and penalties.minor >= 6", reason: many}
"""

ROWS = [
    {"employee_id": "E1", "minor": "3", "late": "1;2", "csat": "95", "moderate": "1"},
    {"employee_id": "E2", "minor": "0", "late": "", "csat": "80", "moderate": "2"},
    {"employee_id": "E3", "minor": "1", "late": "4", "csat": "90", "moderate": "0"},
]


def _plan(text: str = SHARED) -> pr.Plan:
    loaded = scheme_from_text(text, source="s.yaml")
    assert loaded.scheme is not None
    return pr.compile_scheme(loaded.scheme)


def test_a_metric_and_a_penalty_share_a_name():
    plan = _plan()
    e1, e2, e3 = pr.score(plan, ROWS)
    # E1: minor 3 → penalty 6; late 1;2 → 2; moderate 1 × 10 (minor >= 1); csat 95 → 10 points.
    assert (e1.penalties["minor"], e1.penalties["late"], e1.penalties["moderate"]) == (D(6), D(2), D(10))
    assert e1.score == D(80) + D(10) - D(18)
    assert e1.payouts["pay"] == D("9") + D(6) + D(10) + D(1)
    assert [f.name for f in e1.flags] == ["many"]
    # E2: minor 0: no penalty minor, and moderate's guard (metrics.minor >= 1) does not hold.
    assert (e2.penalties["minor"], e2.penalties["moderate"]) == (D(0), D(0))
    assert e2.payouts["pay"] == D(5)  # csat 80 → 5 points; reach 0 is not > 3
    assert e3.payouts["pay"] == D(3) + D(2) + D(10)  # reach 2 is not > 3
    # Inputs are kept under the column's name, as the file has it.
    assert e1.inputs["minor"] == D(3) and e1.inputs["late"] == (D(1), D(2))
    assert set(e1.to_dict()["inputs"]) == {"minor", "late", "csat", "moderate"}


def test_both_engines_agree_on_shared_names(tmp_path):
    pytest.importorskip("polars")
    from perfrules._adapters import score_csv_columnar, write_results

    plan = _plan()
    row = pr.score(plan, ROWS, period="2026-04")
    col = pr.score(plan, ROWS, period="2026-04", engine="columnar")
    assert [r.to_dict() for r in row] == [r.to_dict() for r in col]
    assert [[repr(v) for v in r.row] for r in row] == [[repr(v) for v in r.row] for r in col]
    # The CSV fast path reads the columns by the metrics' names too.
    data = tmp_path / "data.csv"
    with open(data, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(ROWS[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(ROWS)
    written = score_csv_columnar(
        plan, data, tmp_path / "col.csv", period=pr.Period.parse("2026-04"), id_column="employee_id"
    )
    assert written == 3
    write_results(row, tmp_path / "row.csv")
    assert (tmp_path / "col.csv").read_bytes() == (tmp_path / "row.csv").read_bytes()


def test_explanations_name_the_metric_as_the_formula_does():
    plan = _plan()
    (e1,) = pr.score(plan, ROWS[:1], trace=True)
    text = pr.render_text(pr.explain(plan, e1), "en")
    assert "reach (reach) = metrics.minor * 2 = 6" in text
    assert "where metrics.minor=3" in text
    assert "minor breach (minor): 3 × 2 = 6" in text
    # What a formula read is shown as it must be written: the penalty is not the metric.
    assert "where indicators.csat=10, metrics.minor=3, penalties.minor=6, conditions.reach=true" in text


@pytest.mark.parametrize(
    ("formula", "column"),
    [
        ("minor * 3", 1),
        ("1 + prior(minor, 1)", 11),
        ("team_avg(minor)", 10),
        ("prior_sum(minor, 2)", 11),
    ],
)
def test_an_ambiguous_bare_name_is_refused(formula, column):
    text = SHARED + "teams: {column: team}\n"  # team_avg() needs teams
    text = text.replace('formula: "metrics.minor * 3 + penalties.minor', f'formula: "{formula} + penalties.minor')
    r = findings(text)
    (issue,) = r.errors
    assert issue.code == "ambiguous-name"
    assert issue.path == ("payouts", "pay", "formula")
    assert "'minor' is both metric 'minor' and penalty 'minor'" in issue.message
    assert f"at column {column} of formula" in issue.message
    assert issue.hint == "say which: metrics.minor for the metric, penalties.minor for the penalty"
    assert issue.source == "s.yaml" and issue.line == SHARED.splitlines().index("  pay:") + 2


def test_own_name_reads_the_metric_only_in_the_rules_own_plain_formulas():
    # In penalty minor, prior(minor, 1) could be the penalty's own earlier amount: refused as well.
    text = SHARED.replace("count: minor, amount: 2", 'count: "minor + prior(minor, 1)", amount: 2')
    assert [i.code for i in findings(text).errors] == ["ambiguous-name"]
    # In another rule, the bare name is refused; in a metric's own formula too (a metric is not the other).
    text = SHARED.replace('when: "metrics.minor >= 1"', 'when: "minor >= 1"')
    assert [i.code for i in findings(text).errors] == ["ambiguous-name"]


def test_qualified_names_of_unshared_elements_and_unknown_ones():
    text = SHARED.replace("(1 if conditions.reach else 0)", "(1 if conditions.reach else 0) + metrics.moderate")
    assert not findings(text).errors
    bad = findings(SHARED.replace("indicators.csat", "indicators.nps"))
    (issue,) = bad.errors
    assert issue.code == "unknown-name" and "no indicator named 'nps'" in issue.message


def test_two_elements_other_than_a_metric_still_may_not_share_a_name():
    r = findings(SHARED + "bonuses:\n  minor: {count: metrics.minor, amount: 1}\n")
    assert [i.code for i in r.errors] == ["duplicate-name"]


def test_history_reads_the_input_or_the_penalty_by_qualified_name(tmp_path):
    more = "  before_input: {formula: 'prior(metrics.minor, 1)'}\n  before_penalty: {formula: 'prior(penalties.minor, 1)'}\n"
    plan = _plan(SHARED.replace("flags:\n", more + "flags:\n"))
    with pr.Ledger(tmp_path / "l.db") as ledger:
        april = pr.score(plan, ROWS, period="2026-04", history=ledger)
        ledger.publish(april, plan.scheme)
        may = pr.score(plan, [{**r, "minor": "0"} for r in ROWS], period="2026-05", history=ledger)
    # E1 had minor 3 (input) and penalty minor 6 in April.
    e1 = next(iter(may))
    assert (e1.payouts["before_input"], e1.payouts["before_penalty"]) == (D(3), D(6))
    lines = history_lines(plan, may.period, may.history, e1.values)
    assert [line.split(" = ")[0] for line in lines[1:]] == ["- prior(metrics.minor, 1)", "- prior(penalties.minor, 1)"]


def test_python_api_schemes_share_names_too():
    scheme = pr.Scheme(
        name="api",
        metrics=(pr.Metric("late", type="count"),),
        penalties=(pr.Penalty("late", count="late", amount=2),),
        score=pr.Score(base=80),
        payouts=(pr.Payout("fee", formula="metrics.late * 10 + penalties.late"),),
    )
    result = pr.evaluate(pr.compile_scheme(scheme), {"late": "3"})
    assert (result.penalties["late"], result.score, result.payouts["fee"]) == (D(6), D(74), D("36.00"))
    with pytest.raises(pr.SchemeError) as err:
        pr.compile_scheme(attrs.evolve(scheme, payouts=(pr.Payout("fee", formula="late * 10"),)))
    assert [i.code for i in err.value.issues] == ["ambiguous-name"]


def test_a_formula_on_its_own_knows_no_qualified_names():
    with pytest.raises(pr.FormulaError) as err:
        pr.compile_formula("metrics.x + 1", {"x": "number"})
    assert err.value.code == "unknown-name"
