"""B7: a discretionary adjustment keeps its reason in results, the results file, the explanation and the ledger."""

import csv
import io

import pytest

import perfrules as pr
from perfrules._adapters import render_results

SCHEME = """
name: b7
metrics:
  adjust: {type: number, min: -5, max: 5, default: 0}
bonuses:
  trainer: {count: adjust, amount: 1, signed: true, cap: 5, reason: why}
payouts:
  pay: {formula: "score * 10"}
"""


@pytest.fixture(scope="module")
def plan():
    return pr.compile_scheme(pr.scheme_from_text(SCHEME).scheme)


def _rows():
    return [
        {"employee_id": "a", "adjust": "3", "why": " coached two new starters "},
        {"employee_id": "b", "adjust": "0", "why": "ignored: no amount"},
        {"employee_id": "c", "adjust": "-2", "why": "=handover notes missing"},
    ]


def test_reason_kept_in_results_and_file(plan):
    results = pr.score(plan, _rows(), period="2026-04")
    by = results.by_employee()
    assert {"trainer": "coached two new starters"} == dict(by["a"].reasons)
    assert {} == dict(by["b"].reasons)  # no amount, nothing to explain
    assert {"trainer": "=handover notes missing"} == results.to_dict()["results"][2]["reasons"]
    rows = list(csv.DictReader(io.StringIO(render_results(results, "r.csv").decode())))
    assert ["coached two new starters", "", "'=handover notes missing"] == [r["trainer.reason"] for r in rows]


def test_explanation_says_why(plan):
    a = pr.score(plan, _rows(), period="2026-04").by_employee()["a"]
    text = pr.render_text(pr.explain(plan, a), "en")
    assert "3 × 1 = 3 → added to score (why: coached two new starters)" in text
    assert "（理由：coached two new starters）" in pr.render_text(pr.explain(plan, a), "zh")


def test_reason_in_ledger_and_diff(plan, tmp_path):
    with pr.Ledger(tmp_path / "l.db") as ledger:
        ledger.publish(pr.score(plan, _rows(), period="2026-04"), plan.scheme)
        assert "coached two new starters" == ledger.load("2026-04")["a"]["reasons"]["trainer"]
        rows = _rows()
        rows[0]["why"] = "coached three new starters"
        done = ledger.publish(pr.score(plan, rows, period="2026-04"), plan.scheme, revise=True)
    fields = {c.field for c in done.changes}
    assert {"reasons.trainer", "inputs.why"} <= fields


def test_missing_reason_still_refused(plan):
    with pytest.raises(pr.InputError, match="needs a reason") as err:
        pr.score(plan, [{"employee_id": "a", "adjust": "3", "why": " "}], period="2026-04")
    assert "reason-required" == err.value.issues[0].code
