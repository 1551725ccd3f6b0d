"""The worked examples E2-E7 of seed-rules.md, reproduced exactly through the API and the CLI.

(E1 needs team rules and comes with teams and history.)
"""

import json
from decimal import Decimal as D

import pytest

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._cli import main
from tests.conftest import EXAMPLES

# (example id, example folder, employee, what to read, expected)
CASES = [
    ("E2", "seed000-pay", "A01", ("payouts", "prorated_base"), "844.56"),
    ("E3", "seed001", "E002", ("payouts", "pay_swing"), "10.00"),
    ("E4", "seed003-pay", "P01", ("payouts", "pot_pay"), "375.00"),
    ("E4", "seed003-pay", "P02", ("payouts", "pot_pay"), "750.00"),
    ("E5", "seed003-gs", "G01", ("payouts", "bonus"), "200.00"),
    ("E6", "seed003-front-desk", "F01", ("penalties", "lateness"), "30.00"),
    ("E7", "seed001", "E004", ("score",), "110.00"),
]


def _api(folder, employee):
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / folder / "scheme.yaml"))
    return pr.score(
        plan, read_population(EXAMPLES / folder / "data.csv"), period="2026-04", history=pr.RecordedHistory()
    ).by_employee()[employee]


def _read(data, what):
    for key in what:
        data = getattr(data, key) if hasattr(data, "payouts") else data[key]
    return data


@pytest.mark.parametrize(
    ("eid", "folder", "employee", "what", "expected"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES]
)
def test_through_the_api(eid, folder, employee, what, expected):
    assert D(expected) == _read(_api(folder, employee), what)
    assert expected == str(_read(_api(folder, employee), what))  # the declared places, exactly


@pytest.mark.parametrize(
    ("eid", "folder", "employee", "what", "expected"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES]
)
def test_through_the_cli(eid, folder, employee, what, expected, tmp_path):
    out = tmp_path / "r.json"
    argv = ["score", str(EXAMPLES / folder / "scheme.yaml"), str(EXAMPLES / folder / "data.csv"), "--period", "2026-04"]
    argv.append("--no-history")
    assert 0 == main([*argv, "--out", str(out)])
    row = next(r for r in json.loads(out.read_text(encoding="utf-8"))["results"] if r["employee"] == employee)
    assert expected == _read(row, what)


def test_e3_all_four_scores():
    """E3: baseline 80, 10 yuan/point, cap ±300; scores 80, 91, 68, 110 → 0, +110, −120, +300."""
    s = pr.Scheme(
        "E3",
        metrics=(pr.Metric("raw"),),
        params=(pr.Param("baseline", D(80)), pr.Param("per_point", D(10))),
        score=pr.Score(formula="raw", cap=D(110)),
        payouts=(pr.Payout("swing", formula="(score - baseline) * per_point", cap=D(300), floor=D(-300)),),
    )
    plan = pr.compile_scheme(s)
    got = [pr.evaluate(plan, {"raw": x}).payouts["swing"] for x in ("80", "91", "68", "110")]
    assert [D("0.00"), D("110.00"), D("-120.00"), D("300.00")] == got


def test_e5_workload_and_factor():
    """E5: workload 250, factor 0.80, bonus 200.00."""
    r = _api("seed003-gs", "G01")
    assert (D(250), D("0.80")) == (r.values["workload_bonus"], r.values["qc_factor"])


def test_e7_explanation_says_capped():
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / "seed001" / "scheme.yaml"))
    r = pr.score(
        plan, read_population(EXAMPLES / "seed001" / "data.csv"), period="2026-04", history=pr.RecordedHistory()
    ).by_employee()["E004"]
    text = pr.render_text(pr.explain(plan, r))
    assert "= 125; capped at 110 (was 125) → 110" in text
    assert "= 125；封顶 110（原为 125） → 110" in pr.render_text(pr.explain(plan, r), "zh")
