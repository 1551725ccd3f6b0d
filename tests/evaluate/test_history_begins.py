"""Where history begins: a total over a calendar window never counts periods before the ledger as nothing in silence."""

import re
from decimal import Decimal as D

import attrs
import pytest

import perfrules as pr
from perfrules._explain import history_lines
from tests.conftest import ROOT

CAP = """name: capped
period: month
metrics: {sales: {type: money}}
payouts:
  raw: {formula: "sales / 100"}
  bonus: {formula: "min(raw, max(250 - prior_sum(bonus, since=year), 0))"}
  last3: {formula: "prior_sum(raw, 3)"}
  before: {formula: "prior(raw, 1)"}
"""

LAST3 = '  last3: {formula: "prior_sum(raw, 3)"}\n'
SALES = {"2026-01": 12000, "2026-02": 8000, "2026-03": 15000, "2026-04": 9000, "2026-05": 6000, "2026-06": 7000}


def _plan(history=""):
    return pr.compile_scheme(pr.scheme_from_text(CAP + history).scheme)


def _score(plan, month, source, who=("a", "b")):
    rows = [{"employee_id": e, "sales": str(SALES[month])} for e in who]
    return pr.score(plan, rows, period=month, history=source)


def _ledger(plan, months):
    # Results as perfrules would have recorded them, each month scored on the ones before.
    store = pr.RecordedHistory()
    for month in months:
        results = _score(plan, month, store)
        store.periods[results.period] = {r.employee: r.to_dict() for r in results}
    return store


def test_a_ledger_begun_in_march_is_refused_a_year_to_date_total():
    """January and February may have been paid outside perfrules: counting them as nothing would overpay."""
    plan = _plan()
    store = _ledger(_plan("history: {begins: 2026-03}\n"), ["2026-03"])
    with pytest.raises(pr.InputError) as err:
        _score(plan, "2026-04", store)
    by = {i.path[1]: i for i in err.value.issues}
    assert ["bonus", "last3"] == sorted(by)
    issue, last3 = by["bonus"], by["last3"]
    assert issue.code == "history-begins"
    assert issue.path == ("payouts", "bonus", "formula")  # the element
    assert "prior_sum(bonus, since=year) in 2026-04 reads from 2026-01" in issue.message  # the window
    assert "its first is 2026-03" in issue.message and "2026-01, 2026-02 would count as nothing" in issue.message
    assert "for a, b" in issue.message  # the employees
    assert "history: {begins: 2026-01}" in issue.hint and "history: {begins: 2026-03}" in issue.hint
    # A cap over the last three months reads January and February as well: refused the same way.
    assert (last3.code, last3.path) == ("history-begins", ("payouts", "last3", "formula"))
    assert last3.message == (
        "prior_sum(raw, 3) in 2026-04 reads from 2026-01, before the scheme's history (its first is 2026-03): "
        "2026-01, 2026-02 would count as nothing for a, b"
    )


def test_an_empty_ledger_is_refused_a_window_that_started_before_it():
    with pytest.raises(pr.InputError) as err:
        _score(_plan(), "2026-02", pr.RecordedHistory())
    assert ["history-begins", "history-begins"] == [i.code for i in err.value.issues]
    assert all("holds no period of it yet" in i.message for i in err.value.issues)


def test_a_ledger_begun_at_the_windows_start_is_unaffected():
    plan = pr.compile_scheme(pr.scheme_from_text(CAP.replace(LAST3, "")).scheme)
    assert D(120) == _score(plan, "2026-01", pr.RecordedHistory()).results[0].payouts["bonus"]
    store = _ledger(plan, ["2026-01", "2026-02", "2026-03"])
    assert D(0) == _score(plan, "2026-04", store).results[0].payouts["bonus"]  # 120 + 80 + 50 paid: cap reached


def test_a_total_over_the_last_n_periods_reaching_before_the_ledger_is_refused():
    """A cap over the last three months in a ledger begun in March: January and February are not nothing."""
    text = CAP.replace('  bonus: {formula: "min(raw, max(250 - prior_sum(bonus, since=year), 0))"}\n', "")
    plan = pr.compile_scheme(pr.scheme_from_text(text).scheme)
    store = _ledger(pr.compile_scheme(pr.scheme_from_text(text + "history: {begins: 2026-03}\n").scheme), ["2026-03"])
    with pytest.raises(pr.InputError) as err:
        _score(plan, "2026-04", store)
    (issue,) = err.value.issues
    assert (issue.code, issue.path) == ("history-begins", ("payouts", "last3", "formula"))
    assert "prior_sum(raw, 3) in 2026-04 reads from 2026-01" in issue.message and "for a, b" in issue.message
    assert "history: {begins: 2026-01}" in issue.hint and "history: {begins: 2026-03}" in issue.hint
    # Declared, the window counts from March; in June (March to May) it lies inside the ledger.
    declared = pr.compile_scheme(pr.scheme_from_text(text + "history: {begins: 2026-03}\n").scheme)
    for month in ("2026-04", "2026-05"):
        results = _score(declared, month, store)
        assert D({"2026-04": 150, "2026-05": 240}[month]) == results.results[0].payouts["last3"]
        store.periods[results.period] = {r.employee: r.to_dict() for r in results}
    june = _score(plan, "2026-06", store)  # the undeclared scheme: nothing before history in its window
    assert D(150 + 90 + 60) == june.results[0].payouts["last3"]
    assert ("2026-05", "2026-04", "2026-03") == june.history.read


def test_prior_and_streaks_keep_reading_before_the_ledger_as_nothing():
    """prior() reads one period: in a new ledger's first month it gives 0, as it always has."""
    text = CAP.replace('  bonus: {formula: "min(raw, max(250 - prior_sum(bonus, since=year), 0))"}\n', "")
    plan = pr.compile_scheme(pr.scheme_from_text(text.replace(LAST3, "")).scheme)
    assert D(0) == _score(plan, "2026-03", pr.RecordedHistory()).results[0].payouts["before"]


def test_without_history_nothing_changes():
    results = pr.score(_plan(), [{"employee_id": "a", "sales": "9000"}], period="2026-04", no_history=True)
    assert D(90) == results.results[0].payouts["bonus"] and results.to_dict()["history"]["used"] is False


def test_a_declared_start_counts_from_there_and_the_explanation_says_so():
    plan = _plan("history: {begins: 2026-03}\n")
    store = _ledger(plan, ["2026-03"])
    april = _score(plan, "2026-04", store)
    assert D(90) == april.results[0].payouts["bonus"]  # 250 - 150 paid in March: 90 of 90
    assert april.history.before is None  # recording January later changes nothing these results read
    lines = history_lines(plan, april.period, april.history, april.results[0].values)
    said = "- prior_sum(bonus, since=year) = 150.00: over 2026-03; "
    assert said + "2026-01, 2026-02 before the scheme's history begins (2026-03, as the scheme declares): none" in lines
    zh = history_lines(plan, april.period, april.history, april.results[0].values, "zh")
    assert any("早于方案声明的历史起点 2026-03" in line for line in zh), zh


def test_a_declared_start_after_the_ledgers_first_period_cuts_what_was_recorded():
    """January is in the ledger, but history is declared to begin in February: January counts as nothing."""
    store = _ledger(_plan("history: {begins: 2026-01}\n"), ["2026-01", "2026-02", "2026-03"])
    plan = _plan("history: {begins: 2026-02}\n")
    got = _score(plan, "2026-04", store)
    # Paid under the declaration: February 80, March 50; so April may pay 120 of its 90.
    assert D(90) == got.results[0].payouts["bonus"]
    assert D(230) == got.results[0].payouts["last3"]  # February and March only: January is cut
    assert ("2026-03", "2026-02") == got.history.read


def test_periods_after_the_declared_start_that_the_ledger_lacks_are_missing():
    store = _ledger(_plan("history: {begins: 2026-03}\n"), ["2026-03"])
    with pytest.raises(pr.InputError) as err:
        _score(_plan("history: {begins: 2026-01}\n"), "2026-04", store)
    assert ["history-missing"] == [i.code for i in err.value.issues]
    assert "2026-01, 2026-02 before 2026-04 was never recorded" in err.value.issues[0].message
    absent = _score(_plan("history: {begins: 2026-01, missing: absent}\n"), "2026-04", store)
    assert absent.to_dict()["history"] == {"used": True, "read": ["2026-03"], "missing": ["2026-01", "2026-02"]}
    assert D(90) == absent.results[0].payouts["bonus"]


def test_begins_must_be_a_period_where_one_of_the_schemes_starts():
    for begins, said in (("2026-13", "is not a period written"), ("soon", "is not a period written")):
        with pytest.raises(pr.SchemeError) as err:
            pr.scheme_from_text(CAP + f"history: {{begins: {begins}}}\n")
        assert ["bad-value"] == [i.code for i in err.value.issues] and said in str(err.value)
    quarterly = CAP.replace("period: month", "period: quarter").replace("since=year", "since=year")
    with pytest.raises(pr.SchemeError) as err:
        pr.compile_scheme(pr.scheme_from_text(quarterly + "history: {begins: 2026-02}\n").scheme)
    assert [("bad-value", ("history", "begins"))] == [(i.code, i.path) for i in err.value.issues]
    assert _plan("history: {begins: 2026}\n").scheme.history.begins == "2026"  # a year starts a month


def test_the_python_api_and_the_written_scheme_carry_the_declaration():
    plan = _plan()
    declared = attrs.evolve(plan.scheme, history=pr.HistoryRule(begins="2026-03"))
    assert "begins: 2026-03" in pr.dump_yaml(declared)
    assert pr.scheme_from_text(pr.dump_yaml(declared)).scheme == declared
    assert pr.compile_scheme(declared).digest != plan.digest  # a different rule, a different scheme
    with pytest.raises(ValueError, match="is not a period written"):
        pr.HistoryRule(begins="2026-03-01..2026-03-31")


def test_the_sweep_engines_agree_and_refuse_alike():
    """The columnar sweep reads history as the row engine does: the same refusal, the same amounts."""
    base = pr.scheme_from_text(CAP + "history: {begins: 2026-03}\n").scheme
    store = _ledger(pr.compile_scheme(base), ["2026-03"])
    batches = [("2026-04", [{"employee_id": "a", "sales": "9000"}, {"employee_id": "b", "sales": "30000"}])]
    richer = pr.scheme_from_text((CAP + "history: {begins: 2026-03}\n").replace("250 -", "300 -")).scheme
    columnar = pr.sweep(base, {"richer": richer}, batches, amount="bonus", history=store)
    row = pr.sweep(base, {"richer": richer}, batches, amount="bonus", history=store, engine="row")
    assert columnar.engines["richer"] == "columnar"
    assert (columnar.totals, columnar.changes) == (row.totals, row.changes)
    assert columnar.change("richer") == D(50)  # b: 100 left of 250 after March's 150, 150 of 300
    undeclared = pr.scheme_from_text(CAP).scheme
    for engine in ("columnar", "row"):
        with pytest.raises(pr.InputError) as err:
            pr.sweep(undeclared, {"richer": richer}, batches, history=store, engine=engine)
        assert "history-begins" in {i.code for i in err.value.issues}


def test_the_how_to_shows_the_error_as_it_is_printed():
    page = (ROOT / "docs" / "how-to" / "history-rules.md").read_text(encoding="utf-8")
    shown = re.search(r"```text\n(error \[history-begins\].*?)```", page, re.S).group(1).splitlines()
    store = _ledger(_plan("history: {begins: 2026-03}\n"), ["2026-03"])
    with pytest.raises(pr.InputError) as err:
        _score(_plan(), "2026-04", store)
    assert shown == str(err.value).splitlines()[1:]
