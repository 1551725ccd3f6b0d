"""History in formulas: prior(), streak(), previous_streak(), read from the ledger (B2, H2)."""

from decimal import Decimal as D

import pytest

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._cli import main
from tests.conftest import EXAMPLES

FOLDER = EXAMPLES / "seed000-team"
MONTHS = ["2026-04", "2026-05", "2026-06", "2026-07"]


@pytest.fixture(scope="module")
def plan():
    return pr.compile_scheme(pr.load_scheme(FOLDER / "scheme.yaml"))


def run_months(plan, ledger):
    out = {}
    for month in MONTHS:
        results = pr.score(plan, read_population(FOLDER / "months" / f"{month}.csv"), period=month, history=ledger)
        ledger.publish(results, plan.scheme)
        out[month] = results.by_employee()
    return out


def test_b2_gold_agent_three_months_running(plan, tmp_path):
    """B2: gold agent three months in a row → an extra 1,000 in the third month."""
    with pr.Ledger(tmp_path / "l.db") as ledger:
        months = run_months(plan, ledger)
    awards = [months[m]["A"].payouts["gold_streak_award"] for m in MONTHS]
    assert [D("0.00"), D("0.00"), D("1000.00"), D("0.00")] == awards


def test_h2_supervisor_under_60_three_months_is_demoted_in_month_four(plan, tmp_path):
    """H2: a supervisor under 60 three months running is flagged for demotion in month four."""
    with pr.Ledger(tmp_path / "l.db") as ledger:
        months = run_months(plan, ledger)
    flags = [[f.name for f in months[m]["S2"].flags] for m in MONTHS]
    assert [["supervisor_under_60"]] * 3 + [["demotion"]] == flags
    assert "three months running under 60" in months["2026-07"]["S2"].flags[0].reason


def test_without_history_is_refused_unless_asked_for(plan):
    """A scheme with history rules scored without history would pay as if nothing came before: refused."""
    rows = read_population(FOLDER / "months" / "2026-07.csv")
    with pytest.raises(pr.InputError) as err:
        pr.score(plan, rows, period="2026-07")
    assert ["history-required"] == [i.code for i in err.value.issues]
    results = pr.score(plan, rows, period="2026-07", no_history=True)
    assert ([], D("0.00")) == (
        [f.name for f in results.by_employee()["S2"].flags],
        results.by_employee()["A"].payouts["gold_streak_award"],
    )
    assert {"used": False, "read": [], "missing": []} == results.to_dict()["history"]


def test_prior_reads_earlier_values_with_a_custom_source():
    class Memory:
        def __init__(self, periods):
            self.periods = {pr.Period.parse(k): v for k, v in periods.items()}

        def recorded(self, scheme, period):
            return self.periods.get(period)

        def first(self, scheme):
            return min(self.periods)

    plan = pr.compile_scheme(
        pr.scheme_from_text("""name: t
metrics: {x: number}
flags:
  high: {when: "x > 10", reason: high}
payouts:
  last: {formula: "prior(x, 1)"}
  before: {formula: "prior(x, 2)"}
  runs: {formula: "streak(high)"}
  earlier_runs: {formula: "previous_streak(high)"}
""").scheme
    )
    source = Memory(
        {
            "2026-03": {"a": {"score": "0", "inputs": {"x": "20"}, "flags": [{"name": "high"}]}},
            "2026-02": {"a": {"score": "0", "inputs": {"x": "5"}, "flags": []}},
        }
    )
    assert isinstance(source, pr.HistorySource)
    r = pr.evaluate(plan, {"x": "30"}, employee="a", period="2026-04", history=source)
    assert [D("20.00"), D("5.00"), D("2.00"), D("1.00")] == [
        r.payouts[k] for k in ("last", "before", "runs", "earlier_runs")
    ]
    text = pr.render_text(pr.explain(plan, r))
    assert "previous_streak(high)=1" in text


def test_history_needs_a_kept_value():
    s = pr.scheme_from_text("name: t\nmetrics: {x: number, y: {formula: x}}\npayouts:\n  p: {formula: 'prior(y, 1)'}\n")
    assert ["history-unavailable"] == [i.code for i in pr.validate(s.scheme).errors]


def test_streak_needs_a_condition():
    s = pr.scheme_from_text("name: t\nmetrics: {x: number}\npayouts:\n  p: {formula: 'streak(x)'}\n")
    assert ["formula-type"] == [i.code for i in pr.validate(s.scheme).errors]


def test_through_the_cli_over_four_months(tmp_path, capsys):
    ledger = tmp_path / "l.db"
    for month in MONTHS:
        out = tmp_path / f"{month}.json"
        argv = [
            "score",
            str(FOLDER / "scheme.yaml"),
            str(FOLDER / "months" / f"{month}.csv"),
            "--period",
            month,
            "--ledger",
            str(ledger),
            "--out",
            str(out),
        ]
        assert 0 == main(argv)
    import json

    july = {r["employee"]: r for r in json.loads((tmp_path / "2026-07.json").read_text(encoding="utf-8"))["results"]}
    june = {r["employee"]: r for r in json.loads((tmp_path / "2026-06.json").read_text(encoding="utf-8"))["results"]}
    assert "1000.00" == june["A"]["payouts"]["gold_streak_award"]
    assert ["demotion"] == [f["name"] for f in july["S2"]["flags"]]


def test_h2_seed001_last_place_two_months_under_70_may_be_dismissed(tmp_path):
    """H2: last place two months running and under 70 (or under 60 this month) → may be dismissed (seed 001)."""
    folder = EXAMPLES / "seed001"
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    flags = {}
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month in ("2026-04", "2026-05"):
            results = pr.score(plan, read_population(folder / "months" / f"{month}.csv"), period=month, history=ledger)
            ledger.publish(results, plan.scheme)
            flags[month] = {r.employee: [f.name for f in r.flags] for r in results}
    assert (["last_place"], ["last_place", "dismissal_eligible"]) == (flags["2026-04"]["W3"], flags["2026-05"]["W3"])


def test_h3_pay_does_not_float_in_the_first_two_months():
    """H3: pay floats only from the third month after hire (seed 001)."""
    folder = EXAMPLES / "seed001"
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    rows = read_population(folder / "months" / "2026-05.csv")
    r = pr.score(plan, rows, period="2026-05", history=pr.RecordedHistory()).by_employee()
    assert (D("95"), D("0.00")) == (r["W4"].score, r["W4"].payouts["pay_swing"])  # hired 2026-04-01


def test_h2_seed003_streak_rules(tmp_path):
    """H2/B2: under 35 twice or last three times in a row → out; first place two months running → 200 once."""
    folder = EXAMPLES / "seed003-kpi"
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    by_month = {}
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month in ("2026-04", "2026-05", "2026-06"):
            results = pr.score(plan, read_population(folder / "months" / f"{month}.csv"), period=month, history=ledger)
            ledger.publish(results, plan.scheme)
            by_month[month] = results.by_employee()
    eliminated = [[e for e, r in by_month[m].items() if "eliminated" in [f.name for f in r.flags]] for m in by_month]
    assert [[], ["K04", "K06"], ["K04", "K06"]] == eliminated
    assert [D("0.00"), D("200.00"), D("0.00")] == [by_month[m]["K01"].payouts["first_place_bonus"] for m in by_month]


PRIOR = """name: t
metrics: {x: number}
flags:
  high: {when: "x > 10", reason: high}
payouts:
  last: {formula: "prior(x, 1)"}
  runs: {formula: "streak(high)"}
"""


def _month(plan, ledger, label, x):
    results = pr.score(plan, [{"employee_id": "a", "x": str(x)}], period=label, history=ledger)
    ledger.publish(results, plan.scheme)
    return results


def test_prior_is_the_previous_calendar_period_not_the_last_recorded(tmp_path):
    """With January and March recorded, March's prior(x, 1) is February: missing, an error by default."""
    plan = pr.compile_scheme(pr.scheme_from_text(PRIOR).scheme)
    with pr.Ledger(tmp_path / "l.db") as ledger:
        _month(plan, ledger, "2026-01", 20)
        with pytest.raises(pr.InputError) as err:
            pr.score(plan, [{"employee_id": "a", "x": "30"}], period="2026-03", history=ledger)
    assert ["history-missing"] == [i.code for i in err.value.issues]
    assert "2026-02" in err.value.issues[0].message


def test_a_missing_period_read_as_absent_breaks_the_streak_and_is_listed(tmp_path):
    """A ledger with April, June and July must not pay a three-month streak in July."""
    plan = pr.compile_scheme(pr.scheme_from_text(PRIOR + "history: {missing: absent}\n").scheme)
    with pr.Ledger(tmp_path / "l.db") as ledger:
        _month(plan, ledger, "2026-04", 20)
        june = _month(plan, ledger, "2026-06", 20)
        july = _month(plan, ledger, "2026-07", 20)
    assert (D("0.00"), D("1.00")) == (june.results[0].payouts["last"], june.results[0].payouts["runs"])
    assert (D("20.00"), D("2.00")) == (july.results[0].payouts["last"], july.results[0].payouts["runs"])
    assert {"used": True, "read": [], "missing": ["2026-05"]} == june.to_dict()["history"]
    # July's streak stops at May because May is missing, and July's results say so.
    assert {"used": True, "read": ["2026-06"], "missing": ["2026-05"]} == july.to_dict()["history"]


def test_history_is_read_from_the_same_scheme_only(tmp_path):
    """Another scheme's periods in the same ledger are not this scheme's history."""
    plan = pr.compile_scheme(pr.scheme_from_text(PRIOR).scheme)
    other = pr.compile_scheme(pr.scheme_from_text(PRIOR.replace("name: t", "name: other")).scheme)
    with pr.Ledger(tmp_path / "l.db") as ledger:
        _month(plan, ledger, "2026-04", 20)
        _month(other, ledger, "2026-05", 50)  # the other scheme's May: not this scheme's May
        with pytest.raises(pr.InputError, match="2026-05"):
            pr.score(plan, [{"employee_id": "a", "x": "30"}], period="2026-06", history=ledger)
        assert [("other", "sha256")] == [
            (name, digest[:6])
            for name, digest in ledger._db.execute(
                "SELECT p.scheme, s.digest FROM periods p JOIN schemes s ON s.digest = p.scheme_digest "
                "WHERE p.label = '2026-05'"
            )
        ]


def test_history_steps_through_the_schemes_calendar(tmp_path):
    """A 26th-to-25th monthly scheme: April's previous month is the one from 26 February to 25 March."""
    text = PRIOR + "calendar: {month_starts: 26}\n"
    plan = pr.compile_scheme(pr.scheme_from_text(text).scheme)
    with pr.Ledger(tmp_path / "l.db") as ledger:
        march = _month(plan, ledger, "2026-02-26..2026-03-25", 20)
        april = _month(plan, ledger, "2026-04", 30)
    assert ("2026-03", D("20.00")) == (march.period.label, april.results[0].payouts["last"])


def test_history_rules_need_a_calendar_period():
    plan = pr.compile_scheme(pr.scheme_from_text(PRIOR).scheme)
    with pytest.raises(pr.InputError) as err:
        pr.score(
            plan,
            [{"employee_id": "a", "x": "1"}],
            period="2026-04-03..2026-04-09",
            any_period=True,
            history=pr.RecordedHistory(),
        )
    assert ["history-required"] == [i.code for i in err.value.issues]


def test_cli_no_history_says_so(tmp_path, capsys):
    out = tmp_path / "r.json"
    argv = ["score", str(FOLDER / "scheme.yaml"), str(FOLDER / "months" / "2026-07.csv"), "--period", "2026-07"]
    assert 1 == main(argv)
    assert "history-required" in capsys.readouterr().err
    assert 0 == main([*argv, "--no-history", "--out", str(out)])
    assert "scored without history" in capsys.readouterr().err
    import json

    assert {"used": False, "read": [], "missing": []} == json.loads(out.read_text(encoding="utf-8"))["history"]


def test_explain_with_the_ledger_names_the_periods_history_came_from(tmp_path, capsys):
    """Explaining July's demotion reads the ledger and names the months the streak counted."""
    ledger = tmp_path / "l.db"
    for month in MONTHS:
        data = str(FOLDER / "months" / f"{month}.csv")
        assert 0 == main(["score", str(FOLDER / "scheme.yaml"), data, "--period", month, "--ledger", str(ledger)])
    july = str(FOLDER / "months" / "2026-07.csv")
    argv = ["explain", str(FOLDER / "scheme.yaml"), july, "--employee", "S2", "--period", "2026-07"]
    assert 1 == main(argv)
    assert "history-required" in capsys.readouterr().err
    before = ledger.read_bytes()
    assert 0 == main([*argv, "--ledger", str(ledger)])
    out = capsys.readouterr().out
    assert "demotion" in out
    assert (
        "previous_streak(supervisor_under_60) = 3: held in 2026-06, 2026-05, 2026-04; history begins after 2026-03"
        in out
    )
    assert before == ledger.read_bytes()  # explaining reads the ledger and writes nothing
    assert 0 == main([*argv, "--no-history", "--lang", "zh"])
    assert "未读取历史" in capsys.readouterr().out


def test_history_lines_name_missing_periods():
    plan = pr.compile_scheme(pr.scheme_from_text(PRIOR + "history: {missing: absent}\n").scheme)
    april = pr.Period.parse("2026-04")
    source = pr.RecordedHistory(
        {pr.Period.parse("2026-02"): {"a": {"score": "0", "inputs": {"x": "20"}, "flags": [{"name": "high"}]}}}
    )
    results = pr.score(plan, [{"employee_id": "a", "x": "30"}], period=april, history=source)
    from perfrules._explain import history_lines

    lines = history_lines(plan, april, results.history, results.results[0].values)
    assert [
        "History (2026-04):",
        "- previous_streak(high) = 0: counted no earlier period; 2026-03 was never recorded",
        "- prior(x, 1) = 0: 2026-03 was never recorded: read as absent",
    ] == lines


def test_has_prior_and_a_declared_default_follow_the_calendar(tmp_path):
    """has_prior() and prior(x, n, d) look at the calendar period n back: a gap is missing, not the month before."""
    text = "name: t\nmetrics: {x: number}\npayouts:\n  p: {formula: 'prior(x, 1, 7)'}\nflags:\n"
    text += "  new: {when: 'not has_prior(x, 1)', reason: nothing last month}\n"
    plan = pr.compile_scheme(pr.scheme_from_text(text + "history: {missing: absent}\n").scheme)
    strict = pr.compile_scheme(pr.scheme_from_text(text).scheme)
    with pr.Ledger(tmp_path / "l.db") as ledger:
        ledger.publish(pr.score(plan, [{"employee_id": "a", "x": "5"}], period="2026-01", history=ledger), plan.scheme)
        march = pr.score(plan, [{"employee_id": "a", "x": "9"}], period="2026-03", history=ledger).results[0]
        with pytest.raises(pr.InputError, match="2026-02"):
            pr.score(strict, [{"employee_id": "a", "x": "9"}], period="2026-03", history=ledger)
    assert (D("7.00"), ["new"]) == (march.payouts["p"], [f.name for f in march.flags])
