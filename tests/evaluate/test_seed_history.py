"""The seed rules that span periods, as the seeds say them (issue 10, item 8): B4 once per trainee, H2 streaks."""

from decimal import Decimal as D

import attrs
import pytest

import perfrules as pr
from perfrules._adapters import read_population
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def team_plan():
    return pr.compile_scheme(pr.load_scheme(EXAMPLES / "seed000-team" / "scheme.yaml"))


def _row(emp, score, *, hired="2024-01-01", mentor="", role="agent", duties="0"):
    return {
        "employee_id": emp,
        "team": "north",
        "hire_date": hired,
        "mentor": mentor,
        "month_score": str(score),
        "sales": "1000",
        "perf_bonus": "0",
        "role": role,
        "admin_score": "90",
        "duties_on_time": duties,
    }


def _months(plan, ledger, months):
    out = []
    for month, rows in months:
        results = pr.score(plan, rows, period=month, history=ledger)
        ledger.publish(results, plan.scheme)
        out.append(results.by_employee())
    return out


def test_b4_one_trainee_at_80_in_both_first_months_pays_once(team_plan, tmp_path):
    """Seed 000 B4: the mentor earns 200 once per trainee who reaches 80 within two months of hire."""
    month = [_row("M", 85), _row("T", 85, hired="2026-04-01", mentor="M"), _row("S", 0, role="supervisor")]
    with pr.Ledger(tmp_path / "l.db") as ledger:
        got = _months(team_plan, ledger, [("2026-04", month), ("2026-05", month)])
    assert [D(200), D(0)] == [m["M"].payouts["mentor"] for m in got]


def test_b4_two_trainees_pay_twice(team_plan, tmp_path):
    trainees = [_row(t, 85, hired="2026-04-01", mentor="M") for t in ("T1", "T2")]
    april = [_row("M", 85), *trainees, _row("S", 0, role="supervisor")]
    may = [_row("M", 85), _row("T1", 90, hired="2026-04-01", mentor="M"), _row("S", 0, role="supervisor")]
    may.append(_row("T3", 82, hired="2026-05-03", mentor="M"))  # a third trainee, at 80 in their first month
    with pr.Ledger(tmp_path / "l.db") as ledger:
        got = _months(team_plan, ledger, [("2026-04", april), ("2026-05", may)])
    assert [D(400), D(200)] == [m["M"].payouts["mentor"] for m in got]


def test_b4_reaching_80_only_in_the_second_month_pays_then(team_plan, tmp_path):
    with pr.Ledger(tmp_path / "l.db") as ledger:
        got = _months(
            team_plan,
            ledger,
            [
                (m, [_row("M", 85), _row("T", s, hired="2026-04-01", mentor="M"), _row("S", 0, role="supervisor")])
                for m, s in (("2026-04", 70), ("2026-05", 80), ("2026-06", 95))  # June is month 3: too late
            ],
        )
    assert [D(0), D(200), D(0)] == [m["M"].payouts["mentor"] for m in got]


def _team(score, duties):
    return [_row(a, score) for a in ("A", "B")] + [_row("S", 0, role="supervisor", duties=duties)]


def test_h2_team_at_90_for_a_whole_quarter_pays_1000_in_its_third_month(team_plan, tmp_path):
    """Seed 000 H2: team average 90+ (and the supervisor's duties on time) every month of a quarter: 1,000."""
    months = [("2026-04", _team(95, "1")), ("2026-05", _team(92, "1")), ("2026-06", _team(90, "1"))]
    months.append(("2026-07", _team(96, "1")))  # a new quarter starts: its first month earns nothing yet
    with pr.Ledger(tmp_path / "l.db") as ledger:
        got = _months(team_plan, ledger, months)
    assert [D(0), D(0), D(1000), D(0)] == [m["S"].payouts["team_quarter_award"] for m in got]


@pytest.mark.parametrize(("may_score", "may_duties"), [(89, "1"), (95, "0")])
def test_h2_one_month_short_of_the_quarter_pays_nothing(team_plan, tmp_path, may_score, may_duties):
    months = [("2026-04", _team(95, "1")), ("2026-05", _team(may_score, may_duties)), ("2026-06", _team(95, "1"))]
    with pr.Ledger(tmp_path / "l.db") as ledger:
        got = _months(team_plan, ledger, months)
    assert D(0) == got[-1]["S"].payouts["team_quarter_award"]


def test_h2_a_quarter_that_began_before_history_is_refused_unless_declared(team_plan, tmp_path):
    """May and June at 90+, April never recorded: refused, unless the scheme says history begins in May."""
    undeclared = pr.compile_scheme(attrs.evolve(team_plan.scheme, history=pr.HistoryRule()))
    with pr.Ledger(tmp_path / "l.db") as ledger, pytest.raises(pr.InputError) as err:
        _months(undeclared, ledger, [("2026-05", _team(95, "1"))])
    assert {"history-begins"} == {i.code for i in err.value.issues}
    quarter = [i for i in err.value.issues if "since=quarter" in i.message]
    assert "history: {begins: 2026-04}" in (quarter[0].hint or "")
    # The example declares its history begins in April: April never recorded is missing, not nothing.
    with pr.Ledger(tmp_path / "k.db") as ledger, pytest.raises(pr.InputError) as err:
        _months(team_plan, ledger, [("2026-05", _team(95, "1"))])
    assert ["history-missing"] == [i.code for i in err.value.issues]
    declared = attrs.evolve(team_plan.scheme, history=pr.HistoryRule(begins="2026-05"))
    with pr.Ledger(tmp_path / "m.db") as ledger:
        got = _months(pr.compile_scheme(declared), ledger, [("2026-05", _team(95, "1")), ("2026-06", _team(95, "1"))])
    assert D(0) == got[-1]["S"].payouts["team_quarter_award"]  # April is before history: not a whole quarter


def test_b4_a_ledger_begun_after_a_hire_is_refused_unless_declared(team_plan, tmp_path):
    """B4 counts a trainee's awards since hire: a ledger begun after the hire cannot know them."""
    undeclared = pr.compile_scheme(attrs.evolve(team_plan.scheme, history=pr.HistoryRule()))
    month = [_row("M", 85, hired="2026-04-01"), _row("T", 85, hired="2026-04-01", mentor="M")]
    with pr.Ledger(tmp_path / "l.db") as ledger:
        _months(undeclared, ledger, [("2026-04", month)])  # hired in the ledger's first month: nothing before
        with pytest.raises(pr.InputError) as err:
            _months(undeclared, ledger, [("2026-05", [*month, _row("L", 85, hired="2026-03-20", mentor="M")])])
    (issue,) = err.value.issues
    assert issue.code == "history-begins" and issue.path == ("conditions", "mentor_award_due", "when")
    assert "prior_count(trainee_reached_80, since=hire) in 2026-05 reads from 2026-03" in issue.message
    assert "its first is 2026-04" in issue.message and "for L (from 2026-03)" in issue.message


def test_h2_seed003_three_first_places_and_two_failing_months(tmp_path):
    """Seed 003 H2: three first places in a row → the extra-bonus flag; two failing months in a row → resign."""
    folder = EXAMPLES / "seed003-kpi"
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    with pr.Ledger(tmp_path / "l.db") as ledger:
        got = _months(
            plan,
            ledger,
            [(m, read_population(folder / "months" / f"{m}.csv")) for m in ("2026-04", "2026-05", "2026-06")],
        )

    def flagged(name):
        return [sorted(e for e, r in m.items() if name in [f.name for f in r.flags]) for m in got]

    assert [[], [], ["K01", "K05"]] == flagged("three_firsts")
    assert [[], ["K04", "K06"], ["K04", "K06"]] == flagged("resign")
    assert [["K04", "K06"]] * 3 == flagged("failing")
