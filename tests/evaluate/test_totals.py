"""Totals over earlier periods: prior_sum/count/max/min over the last n periods or a window (P4, annual caps)."""

import re
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._explain import history_lines
from tests.conftest import EXAMPLES, ROOT

TOTALS = """name: t
period: month
metrics: {x: {type: number, min: 0, max: 100}}
flags:
  high: {when: "x > 10", reason: high}
payouts:
  ytd: {formula: "prior_sum(x, since=year)"}
  last3: {formula: "prior_sum(x, 3)"}
  highs_qtd: {formula: "prior_count(high, since=quarter)"}
  top2: {formula: "prior_max(x, 2)"}
  low2: {formula: "prior_min(x, 2)"}
  raw: {formula: "x * 10"}
  capped: {formula: "min(raw, max(250 - prior_sum(capped, since=year), 0))"}
"""

XS = {"2025-12": 40, "2026-01": 5, "2026-02": 20, "2026-03": 12, "2026-04": 7, "2026-05": 9}
FROM_DECEMBER = "history: {begins: 2025-12}\n"  # XS's ledger starts in December: its year-to-date starts there


def _plan(extra=""):
    return pr.compile_scheme(pr.scheme_from_text(TOTALS + extra).scheme)


def _run(plan, ledger, months):
    out = {}
    for month in months:
        results = pr.score(plan, [{"employee_id": "a", "x": str(XS[month])}], period=month, history=ledger)
        ledger.publish(results, plan.scheme)
        out[month] = results
    return out


def _payouts(results, *names):
    p = results.by_employee()["a"].payouts
    return [int(p[n]) for n in names]


def test_totals_over_last_periods_and_windows(tmp_path):
    """Year-to-date and quarter-to-date stop at the window's start; the last n cross it."""
    with pr.Ledger(tmp_path / "l.db") as ledger:
        months = _run(_plan(FROM_DECEMBER), ledger, list(XS))
    names = ("ytd", "last3", "highs_qtd", "top2", "low2")
    assert [0, 40, 0, 40, 40] == _payouts(months["2026-01"], *names)  # December is last year, last quarter
    assert [5, 45, 0, 40, 5] == _payouts(months["2026-02"], *names)
    assert [25, 65, 1, 20, 5] == _payouts(months["2026-03"], *names)
    assert [37, 37, 0, 20, 12] == _payouts(months["2026-04"], *names)  # Q2 starts: no earlier highs this quarter
    assert [44, 39, 0, 12, 7] == _payouts(months["2026-05"], *names)


def test_an_annual_cap_pays_no_more_than_what_is_left_this_year(tmp_path):
    """Cap 250 a year: December pays 250 of 400; January 50, February the 200 left, then nothing."""
    with pr.Ledger(tmp_path / "l.db") as ledger:
        months = _run(_plan(FROM_DECEMBER), ledger, list(XS))
    assert [250, 50, 200, 0, 0, 0] == [_payouts(months[m], "capped")[0] for m in XS]


def test_the_explanation_names_the_periods_each_total_came_from(tmp_path):
    plan = _plan("history: {begins: 2026-01}\n")
    with pr.Ledger(tmp_path / "l.db") as ledger:
        march = _run(plan, ledger, ["2026-01", "2026-02", "2026-03"])["2026-03"]
    lines = history_lines(plan, march.period, march.history, march.by_employee()["a"].values)
    assert "- prior_sum(x, since=year) = 25: over 2026-01, 2026-02" in lines
    said = "2025-12 before the scheme's history begins (2026-01, as the scheme declares): none"
    assert "- prior_sum(x, 3) = 25: over 2026-01, 2026-02; " + said in lines
    zh = history_lines(plan, march.period, march.history, march.by_employee()["a"].values, "zh")
    assert "- 前期次数(high, 起算=本季度) = 1：合计 2026-01, 2026-02" in zh  # functions named in the language


def test_a_gap_inside_a_window_is_refused_by_default(tmp_path):
    """A year-to-date total must not skip a month that was never recorded."""
    plan = _plan("history: {begins: 2026-01}\n")
    with pr.Ledger(tmp_path / "l.db") as ledger:
        _run(plan, ledger, ["2026-01", "2026-03"][:1])
        with pytest.raises(pr.InputError) as err:
            pr.score(plan, [{"employee_id": "a", "x": "1"}], period="2026-03", history=ledger)
    assert ["history-missing"] == [i.code for i in err.value.issues]
    assert "2026-02" in err.value.issues[0].message


def test_a_gap_read_as_absent_is_listed_and_named(tmp_path):
    plan = _plan("history: {begins: 2026-01, missing: absent}\n")
    with pr.Ledger(tmp_path / "l.db") as ledger:
        _run(plan, ledger, ["2026-01"])
        march = pr.score(plan, [{"employee_id": "a", "x": "1"}], period="2026-03", history=ledger)
    assert [5, 5] == _payouts(march, "ytd", "last3")
    assert {"used": True, "read": ["2026-01"], "missing": ["2026-02"]} == march.to_dict()["history"]
    lines = history_lines(plan, march.period, march.history, march.by_employee()["a"].values)
    assert "- prior_sum(x, since=year) = 5: over 2026-01; 2026-02 never recorded: read as absent" in lines


def test_without_history_totals_are_zero_and_said():
    results = pr.score(_plan(), [{"employee_id": "a", "x": "50"}], period="2026-03", no_history=True)
    assert [0, 0, 0, 0, 0, 250] == _payouts(results, "ytd", "last3", "highs_qtd", "top2", "low2", "capped")
    assert results.to_dict()["history"]["used"] is False


@pytest.mark.parametrize(
    ("formula", "code"),
    [
        ("prior_sum(x)", "formula-arity"),
        ("prior_sum(x, 3, since=year)", "formula-arity"),
        ("prior_sum(x, since=month)", "formula-literal"),
        ("prior_sum(x, 0)", "formula-literal"),
        ("prior_count(x, 2)", "formula-type"),
        ("prior_max(high, 2)", "formula-type"),
        ("prior_sum(nope, 2)", "unknown-name"),
        ("prior_sum(derived, 2)", "history-unavailable"),
    ],
)
def test_bad_totals_are_refused_by_name(formula, code):
    text = TOTALS + f"  bad: {{formula: '{formula}'}}\n"
    text = text.replace("metrics: {", "metrics: {derived: {formula: 'x * 2'}, ")
    with pytest.raises(pr.SchemeError) as err:
        pr.compile_scheme(pr.scheme_from_text(text).scheme)
    assert code in [i.code for i in err.value.issues]


def test_a_window_no_longer_than_the_period_is_refused():
    text = TOTALS.replace("period: month", "period: quarter")
    with pytest.raises(pr.SchemeError) as err:
        pr.compile_scheme(pr.scheme_from_text(text).scheme)
    assert ["history-window"] == [i.code for i in err.value.issues]
    assert "since=quarter" in err.value.issues[0].message


def test_bounds_of_totals_hold_what_scoring_gives(tmp_path):
    """The proven range of each total contains every value scoring produced (a wide range is fine)."""
    plan = _plan(FROM_DECEMBER)
    bounds = pr.bounds(plan)
    with pr.Ledger(tmp_path / "l.db") as ledger:
        months = _run(plan, ledger, list(XS))
    assert (D(0), D(1100)) == (bounds.ranges["ytd"].lo, bounds.ranges["ytd"].hi)  # 11 earlier months × 100
    assert (D(0), D(2)) == (bounds.ranges["highs_qtd"].lo, bounds.ranges["highs_qtd"].hi)
    for results in months.values():
        for name, value in results.by_employee()["a"].payouts.items():
            r = bounds.ranges[name]
            assert (r.lo is None or r.lo <= value) and (r.hi is None or value <= r.hi), name


def test_p4_over_three_months_gives_10_30_and_the_dismissal_flag(tmp_path):
    """Seed 003 P4: one PC-rule breach a month costs 10, then 30, then means dismissal (counted over the year)."""
    folder = EXAMPLES / "seed003-kpi"
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    fines, flagged = [], []
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month in ("2026-04", "2026-05", "2026-06"):
            results = pr.score(plan, read_population(folder / "months" / f"{month}.csv"), period=month, history=ledger)
            ledger.publish(results, plan.scheme)
            k02 = results.by_employee()["K02"]
            fines.append(k02.penalties["pc_rule"])
            flagged.append("pc_dismissal" in [f.name for f in k02.flags])
            if month == "2026-05":
                text = pr.render_text(pr.explain(plan, k02), "en")
    assert [D(10), D(30), D(0)] == fines
    assert [False, False, True] == flagged
    assert "1 occurrence(s) after 1 earlier, on schedule [10.00, 30.00, 0.00] = 30.00" in text


def _page_months(plan, tmp_path, name):
    # The page's three months, one breach each, scored in turn with a ledger.
    got = []
    with pr.Ledger(tmp_path / name) as ledger:
        for month, sales in (("2026-01", 12000), ("2026-02", 8000), ("2026-03", 15000)):
            row = {"employee_id": "a", "sales": str(sales), "breaches": "1"}
            results = pr.score(plan, [row], period=month, history=ledger)
            ledger.publish(results, plan.scheme)
            got.append(results)
    return got


def test_the_how_to_example_gives_the_numbers_it_shows(tmp_path):
    """The scheme in docs/how-to/history-rules.md, run over the three months its table shows, month by month."""
    page = (ROOT / "docs" / "how-to" / "history-rules.md").read_text(encoding="utf-8")
    text = re.search(r"```yaml\n(name: totals example\n.*?)```", page, re.S).group(1)
    plan = pr.compile_scheme(pr.scheme_from_text(text).scheme)
    assert [] == [i.code for i in pr.validate(plan.scheme).issues]  # followed literally, nothing to warn about
    months = _page_months(plan, tmp_path, "l.db")
    header, _, *rows = re.search(r"\n(\| month \| `raw_bonus`.*?)\n\n", page, re.S).group(1).splitlines()
    columns = [c.strip(" `") for c in header.strip("|").split("|")][1:]
    assert ["raw_bonus", "capped_bonus", "breach", "bonus", "big_months_this_quarter"] == columns
    shown = []
    for row in rows:
        month, *cells = (c.strip() for c in row.strip("|").split("|"))
        shown.append((month, [D(c.split()[0]) for c in cells]))  # "50 (250 − 200 already counted)" shows 50
    got = []
    for results in months:
        r = results.by_employee()["a"]
        values = {**r.payouts, **r.penalties}
        got.append((str(results.period.label), [values[c] for c in columns]))
    assert shown == got
    assert [D(110), D(50), D(50)] == [m.by_employee()["a"].payouts["bonus"] for m in months]
    assert "the bonus paid is 210" in page and "the cap counts 250, the fines come to 40" in page
    r = months[-1].by_employee()["a"]
    lines = history_lines(plan, months[-1].period, months[-1].history, r.values)
    for line in re.search(r"```text\nHistory \(2026-03\):\n(.*?)```", page, re.S).group(1).splitlines():
        assert line in lines
    assert "breach: 1 occurrence(s) after 1 earlier, on schedule [10.00, 30.00, 0.00] = 30.00" in page


def test_a_fine_on_the_capped_payout_is_paid_back_later_as_the_page_warns(tmp_path):
    """The combination the page warns against: the cap counts the bonus after its fine, so March pays it back."""
    page = (ROOT / "docs" / "how-to" / "history-rules.md").read_text(encoding="utf-8")
    text = re.search(r"```yaml\n(name: totals example\n.*?)```", page, re.S).group(1)
    capped = 'formula: "min(raw_bonus, max(250 - prior_sum(bonus, since=year), 0))"'
    assert capped in page.replace("\n", " ").replace("bonus: {", "")
    wrong = text.replace('  bonus: {formula: "capped_bonus"}', f"  bonus: {{{capped}}}")
    assert wrong != text
    plan = pr.compile_scheme(pr.scheme_from_text(wrong).scheme)
    paid = [m.by_employee()["a"].payouts["bonus"] for m in _page_months(plan, tmp_path, "w.db")]
    assert [D(110), D(50), D(90)] == paid  # 250 in all: the fines of 40 were paid back
    assert "110, 50 and then 90 (250 − 160 already paid), 250 in all" in page


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(0, 100)), min_size=1, max_size=14),
    st.integers(0, 100),
)
def test_totals_are_what_the_recorded_months_say(history, x):
    """Any months recorded (None: never recorded, read as absent), then one month scored: every total by hand."""
    # History begins with the first month of the list, recorded or not (a None there is missing, read as absent).
    plan = _plan("history: {missing: absent, begins: 2025-01}\n")
    months = [pr.Period.parse(f"{2025 + k // 12}-{k % 12 + 1:02d}") for k in range(len(history) + 1)]
    recorded = {
        months[k]: {
            "a": {
                "score": "0",
                "inputs": {"x": str(v)},
                "flags": [{"name": "high"}] if v > 10 else [],  # a flag is kept only where it was raised
            }
        }
        for k, v in enumerate(history)
        if v is not None
    }
    now = months[-1]
    results = pr.score(plan, [{"employee_id": "a", "x": str(x)}], period=now, history=pr.RecordedHistory(recorded))
    got = results.by_employee()["a"].payouts

    def values(ks):
        return [history[k] for k in ks if 0 <= k and history[k] is not None]

    n = len(history)
    last3 = values(range(n - 3, n))
    year = values(k for k in range(n) if months[k].start.year == now.start.year)
    quarter = [
        k
        for k in range(n)
        if (months[k].start.year, (months[k].start.month - 1) // 3) == (now.start.year, (now.start.month - 1) // 3)
    ]
    assert D(sum(year)) == got["ytd"]
    assert D(sum(last3)) == got["last3"]
    assert D(sum(1 for v in values(quarter) if v > 10)) == got["highs_qtd"]
    assert D(max(values(range(n - 2, n)), default=0)) == got["top2"]
    assert D(min(values(range(n - 2, n)), default=0)) == got["low2"]
    bounds = pr.bounds(plan)
    for name in ("ytd", "last3", "highs_qtd", "top2", "low2"):
        r = bounds.ranges[name]
        assert r.lo <= got[name] <= r.hi


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 100), min_size=1, max_size=15))
def test_an_annual_cap_pays_each_year_the_smaller_of_the_cap_and_what_was_earned(xs):
    """Scored month after month, the capped bonus of each calendar year totals min(250, the year's raw bonus)."""
    plan, store = _plan("history: {begins: 2025-01}\n"), pr.RecordedHistory()
    paid: dict[int, D] = {}
    raw: dict[int, D] = {}
    for k, x in enumerate(xs):
        period = pr.Period.parse(f"{2025 + k // 12}-{k % 12 + 1:02d}")
        result = pr.score(plan, [{"employee_id": "a", "x": str(x)}], period=period, history=store).results[0]
        store.periods[period] = {"a": result.to_dict()}
        paid[period.start.year] = paid.get(period.start.year, D(0)) + result.payouts["capped"]
        raw[period.start.year] = raw.get(period.start.year, D(0)) + result.payouts["raw"]
    assert {y: min(D(250), r) for y, r in raw.items()} == paid


SINCE_HIRE = """name: t
period: month
population: {hire_date: hired}
metrics: {x: {type: number, min: 0, max: 100}}
flags:
  high: {when: "x > 10", reason: high}
payouts:
  since_hire: {formula: "prior_sum(x, since=hire)"}
  best: {formula: "prior_max(x, since=hire)"}
  highs: {formula: "prior_count(high, since=hire)"}
"""


def _hire_rows(x):
    return [
        {"employee_id": "old", "hired": "2020-05-10", "x": str(x)},
        {"employee_id": "new", "hired": "2026-02-15", "x": str(x)},
    ]


@pytest.mark.parametrize("engine", ["row", "columnar"])
def test_totals_since_hire_cover_each_employees_own_periods(tmp_path, engine):
    """Since hire: each employee's periods from the one holding their hire date; before history adds nothing."""
    if engine == "columnar":
        pytest.importorskip("polars")
    plan = pr.compile_scheme(pr.scheme_from_text(SINCE_HIRE + "history: {begins: 2026-01}\n").scheme)
    got = {}
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month, x in (("2026-01", 5), ("2026-02", 20), ("2026-03", 12), ("2026-04", 7)):
            results = pr.score(plan, _hire_rows(x), period=month, history=ledger, engine=engine)
            ledger.publish(results, plan.scheme)
            got[month] = {
                e: [int(r.payouts[k]) for k in ("since_hire", "best", "highs")]
                for e, r in results.by_employee().items()
            }
    assert {"old": [37, 20, 2], "new": [32, 20, 2]} == got["2026-04"]  # new: February (hired) and March
    assert {"old": [5, 5, 0], "new": [0, 0, 0]} == got["2026-02"]  # new was hired in February itself
    old = results.by_employee()["old"]
    lines = history_lines(plan, results.period, results.history, old.values)
    assert (
        "- prior_sum(x, since=hire) = 37: over 2026-01, 2026-02, 2026-03; "
        "2020-05 … 2025-12 (68) before the scheme's history begins (2026-01, as the scheme declares): none"
    ) in lines


def test_a_hire_before_the_ledger_began_is_refused_naming_the_employee(tmp_path):
    """Without a declared start, old's total since 2020 would count the years before the ledger as nothing."""
    plan = pr.compile_scheme(pr.scheme_from_text(SINCE_HIRE).scheme)
    with pr.Ledger(tmp_path / "l.db") as ledger:
        # The ledger begins in February, with new's first month: nothing before it for new to read.
        for month in ("2026-02", "2026-03"):
            ledger.publish(pr.score(plan, _hire_rows(5)[1:], period=month, history=ledger), plan.scheme)
        with pytest.raises(pr.InputError) as err:
            pr.score(plan, _hire_rows(7), period="2026-04", history=ledger)
    assert {"history-begins"} == {i.code for i in err.value.issues}
    assert {("payouts", n, "formula") for n in ("since_hire", "best", "highs")} == {i.path for i in err.value.issues}
    (said,) = [i for i in err.value.issues if i.path[1] == "since_hire"]
    assert said.message == (
        "prior_sum(x, since=hire) in 2026-04 reads from 2020-05, before the scheme's history (its first is "
        "2026-02): 2020-05 … 2026-01 (69) would count as nothing for old (from 2020-05)"
    )  # new, hired in February with the ledger, is not named
    assert "history: {begins: 2020-05}" in said.hint and "history: {begins: 2026-02}" in said.hint


def test_since_hire_needs_hire_dates():
    text = SINCE_HIRE.replace("population: {hire_date: hired}\n", "")
    with pytest.raises(pr.SchemeError) as err:
        pr.compile_scheme(pr.scheme_from_text(text).scheme)
    assert {"history-window"} == {i.code for i in err.value.issues}
    assert "hire_date" in err.value.issues[0].hint


def test_since_hire_with_a_bad_hire_date_is_an_input_error_naming_it():
    plan = pr.compile_scheme(pr.scheme_from_text(SINCE_HIRE).scheme)
    rows = [{"employee_id": "a", "hired": "2026-13-40", "x": "1"}]
    with pytest.raises(pr.InputError) as err:
        pr.score(plan, rows, period="2026-04", history=pr.RecordedHistory())
    assert "hired" in str(err.value.issues[0].path)


def test_bounds_of_totals_since_hire_are_unbounded_above():
    b = pr.bounds(pr.compile_scheme(pr.scheme_from_text(SINCE_HIRE).scheme))
    assert (D(0), None) == (b.ranges["since_hire"].lo, b.ranges["since_hire"].hi)
    assert (D(0), None) == (b.ranges["highs"].lo, b.ranges["highs"].hi)
    assert (D(0), D(100)) == (b.ranges["best"].lo, b.ranges["best"].hi)
