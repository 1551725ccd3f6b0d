"""perfrules check: declared and default checks proven from the bounds, or refuted by a shrunk counterexample."""

import csv
import io
import json
from decimal import Decimal as D

import attrs
import pytest

import perfrules as pr
from perfrules._analysis import check_scheme
from perfrules._cli.main import main
from tests.conftest import EXAMPLES, ROOT

FIXTURES = ROOT / "tests" / "analysis" / "fixtures"


def _by_text(outcomes):
    return {o.check.text: o for o in outcomes}


def test_gs_as_printed_breaks_its_promise_with_the_seed_counterexample():
    # Below 50% QC the printed factor is negative: with a negative workload bonus the pay grows as QC falls.
    got = _by_text(check_scheme(pr.load_scheme(FIXTURES / "gs-as-printed.yaml")))
    assert got["0 <= bonus <= 500"].status == "proven"
    broken = got["bonus does not decrease when qc rises"]
    assert broken.status == "failed"
    before, after = broken.counterexample.results
    assert before.values["qc"] < D("0.5") and before.values["qc_factor"] < 0
    assert before.values["workload_bonus"] < 0
    assert before.values["bonus"] > after.values["bonus"] and after.values["qc"] > before.values["qc"]
    rows = list(csv.DictReader(io.StringIO(broken.counterexample.csv())))
    assert [r["employee_id"] for r in rows] == ["before", "after"]
    assert rows[0]["workload"] == rows[1]["workload"] and rows[0]["qc"] != rows[1]["qc"]


def test_the_example_gs_scheme_keeps_the_printed_lower_branch_and_fails_too():
    scheme = pr.load_scheme(EXAMPLES / "seed003-gs" / "scheme.yaml")
    scheme = attrs.evolve(scheme, checks=("bonus does not decrease when qc rises",))
    (outcome, *_) = check_scheme(scheme)
    assert outcome.status == "failed"
    assert outcome.counterexample.results[0].values["qc"] < D("0.5")


def test_seed000_bonus_is_proven_within_its_maximum_and_an_unbounded_one_is_refuted():
    got = _by_text(check_scheme(pr.load_scheme(FIXTURES / "seed000-pay-checks.yaml")))
    assert got["performance_wage <= perf_share * monthly_wage * 110 / 100"].status == "proven"
    assert got["0 <= post_wage + performance_wage <= 4120"].status == "proven"
    refuted = got["performance_bonus <= bonus_base * 2"]
    assert refuted.status == "failed"
    (row,) = refuted.counterexample.results
    assert row.values["performance_bonus"] > 1836
    # The default check finds the row the scheme cannot pay: no scheduled days.
    finite = got["money is finite"]
    assert finite.status == "failed" and "division by zero" in finite.reason
    assert finite.counterexample.rows[0]["days_scheduled"] == "0"


def test_a_check_that_holds_is_proven_or_not_refuted_never_failed():
    scheme = pr.load_scheme(EXAMPLES / "seed002" / "scheme.yaml")
    scheme = attrs.evolve(scheme, checks=("score <= 100", "score >= 1", "knowledge <= 10 + 0 * training"))
    assert [o.status for o in check_scheme(scheme)[:3]] == ["proven", "proven", "proven"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("bonus <= nobody", "unknown name 'nobody'"),
        ("bonus does not decrease when nothing rises", "not a number"),
        ("bonus", "compares values"),
        ("bonus <= qc ** 2", "only + - * /"),
        ("bonus and qc", "compares values"),
        ("bonus <=", "write a comparison"),
    ],
)
def test_a_check_that_cannot_be_read_is_an_error_naming_it(text, message):
    scheme = attrs.evolve(pr.load_scheme(EXAMPLES / "seed003-gs" / "scheme.yaml"), checks=(text,))
    with pytest.raises(pr.SchemeError) as err:
        check_scheme(scheme)
    (issue,) = err.value.issues
    assert issue.code == "bad-check" and message in issue.message and issue.path == ("checks", 0)


def test_cli_check_prints_the_row_and_explanation_and_exits_non_zero(capsys):
    assert 1 == main(["check", "--examples", "100", str(FIXTURES / "gs-as-printed.yaml")])
    out = capsys.readouterr().out
    assert "FAILED" in out and "employee_id," in out and "explanation of before:" in out and "qc_factor" in out
    assert 1 == main(["check", "--examples", "100", "--json", str(FIXTURES / "seed000-pay-checks.yaml")])
    data = json.loads(capsys.readouterr().out)
    assert [o["status"] for o in data] == ["proven", "proven", "failed", "failed"]
    assert 0 == main(["check", str(EXAMPLES / "seed001" / "scheme.yaml")])


def test_hostile_numbers_give_outcomes_never_a_crash():
    scheme = pr.load_scheme(EXAMPLES / "seed003-gs" / "scheme.yaml")
    params = tuple(attrs.evolve(p, value=D("9e17")) if p.name == "base_bonus" else p for p in scheme.params)
    metrics = tuple(
        attrs.evolve(m, min=D("0.2"), max=D("0.7")) if m.name == "workload" else m for m in scheme.metrics
    )  # a whole-number input whose declared range holds no whole number
    checks = ("bonus / 0 <= 1", "bonus <= 1e999999 * 1e999999", "bonus does not decrease when workload rises")
    got = _by_text(check_scheme(attrs.evolve(scheme, params=params, metrics=metrics, checks=checks), examples=20))
    assert got["bonus / 0 <= 1"].status == "unknown"
    assert "holds none" in got["bonus does not decrease when workload rises"].reason
    assert pr.bounds(attrs.evolve(scheme, params=params))["workload_bonus"].lo == D("899999999999999000")


def test_a_check_that_cannot_be_computed_fails_with_the_row():
    scheme = attrs.evolve(pr.load_scheme(EXAMPLES / "seed003-gs" / "scheme.yaml"), checks=("bonus / 0 <= 1",))
    (outcome, *_) = check_scheme(scheme, examples=20)
    assert outcome.status == "failed" and "cannot be computed" in outcome.reason


class _Refusing:
    """A metric type that refuses every cell: no generated row can be scored."""

    name, value_type = "refusing_for_check_test", "number"

    def parse(self, raw, metric):
        raise ValueError("never")


def test_a_search_that_scored_no_row_is_unknown_not_evidence():
    pr.register_metric_type(_Refusing(), replace=True)
    scheme = pr.Scheme(
        name="refused",
        metrics=(pr.Metric("x", "refusing_for_check_test"),),
        payouts=(pr.Payout("pay", formula="x"),),
        checks=("pay <= 10",),
    )
    got = _by_text(check_scheme(scheme, examples=20))
    assert got["pay <= 10"].status == "unknown" and "no generated row could be scored" in got["pay <= 10"].reason
    assert got["money is finite"].status == "unknown"


def test_team_population_schemes_are_searched_and_awards_proven():
    got = _by_text(check_scheme(pr.load_scheme(FIXTURES / "seed000-team-checks.yaml"), examples=50))
    assert got["0 <= gold <= 300"].status == "proven"
    assert got["gold + mentor + gold_streak_award + team_award <= 2500"].status == "proven"
    searched = got["total_pay >= personal_part"]
    assert searched.status == "not refuted" and "50 rows scored" in searched.reason
