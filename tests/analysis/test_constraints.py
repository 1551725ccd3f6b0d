"""Declared input constraints: validated, enforced on every row, and relied on by the bounds and check."""

import random
from decimal import Decimal

import pytest

import perfrules as pr
from perfrules._analysis import bounds, check_scheme
from perfrules._cli.main import main
from tests.conftest import EXAMPLES

SEED000 = EXAMPLES / "seed000-pay" / "scheme.yaml"

DAYS = """
name: days
metrics:
  scheduled: {type: count, min: 1, max: 31}
  worked: {type: count, max: 31}
params:
  base: 918
constraints:
  - "worked <= scheduled"
score: {formula: "0"}
payouts:
  prorated: {formula: "base * worked / scheduled"}
"""


def _scheme(text):
    loaded = pr.scheme_from_text(text)
    assert not loaded.issues
    return loaded.scheme


def _codes(text):
    return [(i.code, i.message) for i in pr.validate(_scheme(text)).errors]


def test_a_constraint_must_relate_number_inputs():
    bad = DAYS.replace(
        '"worked <= scheduled"', '"worked <= schedule"\n  - "prorated <= 1"\n  - "worked <== 3"\n  - "1 < 2"'
    )
    found = _codes(bad)
    assert [c for c, _ in found] == ["bad-constraint"] * 4
    assert "unknown input 'schedule' (did you mean 'scheduled'?)" in found[0][1]
    assert "unknown input 'prorated'" in found[1][1]
    assert "neither an input's name nor a number" in found[2][1]
    assert "names at least one input" in found[3][1]


def test_a_row_breaking_a_constraint_is_refused_with_every_problem_named():
    plan = pr.compile_scheme(_scheme(DAYS))
    rows = [
        {"employee_id": "E1", "scheduled": "25", "worked": "23"},
        {"employee_id": "E2", "scheduled": "25", "worked": "26"},
        {"employee_id": "E3", "scheduled": "20", "worked": "21"},
    ]
    for engine in ("row", "columnar"):
        with pytest.raises(pr.InputError) as err:
            pr.score(plan, rows, period="2026-04", engine=engine)
        issues = err.value.issues
        assert [(i.code, i.path) for i in issues] == [
            ("constraint-broken", ("row 3", "worked")),
            ("constraint-broken", ("row 4", "worked")),
        ]
        assert "row 3 (employee E2)" in issues[0].message and "worked 26 is not <= scheduled 25" in issues[0].message
    ok = pr.score(plan, rows[:1], period="2026-04")
    assert ok.results[0].values["prorated"] == Decimal("844.56")


def test_the_columnar_file_path_leaves_a_row_breaking_a_constraint_to_the_row_reader(tmp_path):
    pytest.importorskip("polars")
    from perfrules._adapters.columnar import score_csv_columnar

    plan = pr.compile_scheme(_scheme(DAYS))
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text("employee_id,scheduled,worked\nE1,25,23\nE2,25,26\n", encoding="utf-8")
    good.write_text("employee_id,scheduled,worked\nE1,25,23\n", encoding="utf-8")
    args = {"period": pr.Period.parse("2026-04"), "id_column": "employee_id"}
    assert score_csv_columnar(plan, bad, tmp_path / "out.csv", **args) is None  # not scored: refused later
    assert score_csv_columnar(plan, good, tmp_path / "out.csv", **args) == 1
    assert "844.56" in (tmp_path / "out.csv").read_text(encoding="utf-8")


def test_bounds_rely_on_constraints_and_only_on_them():
    with_it = bounds(_scheme(DAYS))
    assert (with_it["worked"].lo, with_it["worked"].hi) == (0, 31)
    assert (with_it["prorated"].lo, with_it["prorated"].hi) == (0, 918)
    without = bounds(_scheme(DAYS.replace('  - "worked <= scheduled"\n', "").replace("constraints:\n", "")))
    assert without["prorated"].hi == 918 * 31  # the ranges alone: 31 days worked of 1 scheduled
    # A chain passes a top down: worked <= scheduled <= 20.
    chained = bounds(_scheme(DAYS.replace('"worked <= scheduled"', '"worked <= scheduled <= 20"')))
    assert chained["worked"].hi == 20 and chained["scheduled"].hi == 20


def test_seed000_bonus_is_proven_within_its_declared_maximum():
    got = {o.check.text: o for o in check_scheme(pr.load_scheme(SEED000), examples=20)}
    bonus = got["performance_bonus <= bonus_base * 2 * 110 / 100 + suggestion + 0.01"]
    assert bonus.status == "proven" and "shared values cancelled" in bonus.reason
    assert got["0 <= prorated_base <= bonus_base"].status == "proven"
    assert got["performance_wage <= monthly_wage * perf_share * 110 / 100"].status == "proven"


def test_perfrules_check_proves_the_seed000_example(capsys):
    assert main(["check", "--examples", "20", str(SEED000)]) == 0
    out = capsys.readouterr().out
    assert "checks[1] 'performance_bonus <= bonus_base * 2 * 110 / 100 + suggestion + 0.01': PROVEN" in out
    assert "3 proven" in out and "0 failed" in out


def test_a_relation_rounding_can_break_is_not_proven():
    # Without the cent: a suggestion of 200.006 makes the bonus 2219.61 against 2219.606.
    scheme = pr.load_scheme(SEED000)
    import attrs

    tight = attrs.evolve(scheme, checks=("performance_bonus <= bonus_base * 2 * 110 / 100 + suggestion",))
    plan = pr.compile_scheme(tight)
    from perfrules._analysis.checks import prove
    from perfrules._analysis.verdict import read_checks

    b = bounds(plan)
    assert prove(read_checks(plan, b)[0], b) is None
    rows = [
        {"employee_id": "A1", "manager": "", "month_score": "110", "star": "2", "days_scheduled": "25",
         "days_worked": "25", "reorders": "0", "wrong_note_shipping": "0", "neglected_request_cost": "0",
         "training_losses": "", "suggestion_awards": "200.006"}
    ]  # fmt: skip
    values = pr.score(plan, rows, period="2026-04").results[0].values
    assert values["performance_bonus"] == Decimal("2219.61") > Decimal("2019.60") + values["suggestion"]


def test_the_proven_relation_holds_on_random_teams():
    # Agents and their supervisor, with shared costs charged to the supervisor: the proof covers them all.
    plan = pr.compile_scheme(pr.load_scheme(SEED000))
    rng = random.Random(7)

    def money():
        return str(Decimal(rng.randint(0, 10**6)) / 1000)

    def award():  # 200 to 1,000 yuan, to the tenth of a cent: rounding is part of what is proven
        return str(Decimal(rng.randint(200_000, 1_000_000)) / 1000)

    for _ in range(30):
        rows = []
        for k in range(6):
            scheduled = rng.randint(1, 31)
            rows.append(
                {
                    "employee_id": f"E{k}",
                    "manager": "" if k == 0 else "E0",
                    "month_score": str(Decimal(rng.randint(0, 1100)) / 10),
                    "star": str(Decimal(rng.randint(0, 200)) / 100),
                    "days_scheduled": str(scheduled),
                    "days_worked": str(rng.randint(0, scheduled)),
                    "reorders": str(rng.choice([0, 0, 1])),
                    "wrong_note_shipping": money() if k else "0",
                    "neglected_request_cost": money() if k else "0",
                    "training_losses": "",
                    "suggestion_awards": ";".join(award() for _ in range(rng.randint(0, 2))),
                }
            )
        for r in pr.score(plan, rows, period="2026-04").results:
            v = r.values
            assert v["performance_bonus"] <= Decimal("2019.60") + v["suggestion"] + Decimal("0.01")
            assert 0 <= v["prorated_base"] <= 918
