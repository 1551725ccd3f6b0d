"""A total whose window reaches before the ledger's first period is refused on every path that reads history."""

from decimal import Decimal as D

import attrs
import pytest

import perfrules as pr
from perfrules._adapters import restate
from perfrules._cli import main

CAP = """name: rolling cap
period: month
population: {hire_date: hired}
metrics: {sales: {type: money}}
payouts:
  raw: {formula: "sales / 100"}
  bonus: {formula: "min(raw, max(250 - prior_sum(bonus, 3), 0))"}
  career: {formula: "prior_sum(raw, since=hire)"}
"""
MARCH = "history: {begins: 2026-03}\n"
ROWS = "employee_id,sales,hired\na,12000,2025-06-15\nb,9000,2026-03-02\n"


def _files(tmp_path):
    for name, text in (("undeclared.yaml", CAP), ("march.yaml", CAP + MARCH), ("m.csv", ROWS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / "undeclared.yaml", tmp_path / "march.yaml", tmp_path / "m.csv"


def _rows(sales=("12000", "9000")):
    return [
        {"employee_id": "a", "sales": sales[0], "hired": "2025-06-15"},
        {"employee_id": "b", "sales": sales[1], "hired": "2026-03-02"},
    ]


def test_the_command_line_refuses_a_ledger_begun_late_and_writes_nothing(tmp_path, capsys):
    """The user's path: March recorded, April scored under a scheme that says nothing of where history begins."""
    undeclared, march, data = _files(tmp_path)
    ledger, out = tmp_path / "l.db", tmp_path / "april.json"
    assert 0 == main(["score", str(march), str(data), "--period", "2026-03", "--ledger", str(ledger)])
    capsys.readouterr()
    argv = ["score", str(undeclared), str(data), "--period", "2026-04", "--ledger", str(ledger), "--out", str(out)]
    assert 1 == main(argv)
    err = capsys.readouterr().err
    assert (
        "error [history-begins] prior_sum(bonus, 3) in 2026-04 reads from 2026-01, before the scheme's history "
        "(its first is 2026-03): 2026-01, 2026-02 would count as nothing for a, b (at payouts.bonus.formula)"
    ) in err
    assert (
        "error [history-begins] prior_sum(raw, since=hire) in 2026-04 reads from 2025-06, before the scheme's "
        "history (its first is 2026-03): 2025-06 … 2026-02 (9) would count as nothing for a (from 2025-06) "
        "(at payouts.career.formula)"
    ) in err  # b, hired in March with the ledger, is not named
    assert "history: {begins: 2026-03} to count from 2026-03 on purpose" in err
    assert not out.exists()
    with pr.Ledger(ledger) as held:
        assert [] == held.revisions("2026-04")  # nothing recorded
    # Declared, April counts from March: the cap has 130 left after March's 120, and a's career is March's.
    assert 0 == main(
        ["score", str(march), str(data), "--period", "2026-04", "--ledger", str(ledger), "--out", str(out)]
    )
    assert '"bonus": "120.00"' in out.read_text(encoding="utf-8")
    assert '"career": "120.00"' in out.read_text(encoding="utf-8")


def test_a_ledger_whose_first_period_is_the_windows_start_needs_no_declaration(tmp_path):
    """Three months recorded from January: April's last three months lie inside the ledger, nothing refused."""
    plan = pr.compile_scheme(pr.scheme_from_text(CAP.replace("2025-06-15", "")).scheme)
    declared = pr.compile_scheme(pr.scheme_from_text(CAP + "history: {begins: 2026-01}\n").scheme)
    rows = [{"employee_id": "c", "sales": "10000", "hired": "2026-01-05"}]
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month in ("2026-01", "2026-02", "2026-03"):
            ledger.publish(pr.score(declared, rows, period=month, history=ledger), declared.scheme)
        april = pr.score(plan, rows, period="2026-04", history=ledger).by_employee()["c"]
    # January 100, February 100, March 50 (250 in three months): nothing left in April.
    assert (D(0), D(300)) == (april.payouts["bonus"], april.payouts["career"])


def test_restating_refuses_the_same_way_and_records_nothing_for_the_refused_period(tmp_path):
    march_plan = pr.compile_scheme(pr.scheme_from_text(CAP + MARCH).scheme)
    undeclared = pr.compile_scheme(attrs.evolve(march_plan.scheme, history=pr.HistoryRule()))
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month in ("2026-03", "2026-04"):
            ledger.publish(pr.score(march_plan, _rows(), period=month, history=ledger), march_plan.scheme)
        revised = pr.score(march_plan, _rows(("10000", "9000")), period="2026-03", history=ledger)
        stale = ledger.publish(revised, march_plan.scheme, revise=True).stale
        assert ("2026-04",) == stale
        with pytest.raises(pr.InputError) as err:
            restate(ledger, undeclared, stale, lambda label: _rows())
        assert ["history-begins", "history-begins", "restate-incomplete"] == [i.code for i in err.value.issues]
        assert [1] == ledger.revisions("2026-04")


@pytest.mark.parametrize("engine", ["columnar", "row"])
def test_the_sweep_reads_totals_since_hire_as_scoring_does(tmp_path, engine):
    """A what-if sweep reads each employee's hire date: since=hire is not nothing there either."""
    if engine == "columnar":
        pytest.importorskip("polars")
    base = pr.scheme_from_text(CAP + MARCH).scheme
    plan = pr.compile_scheme(base)
    store = pr.RecordedHistory()
    for month in ("2026-03", "2026-04"):
        results = pr.score(plan, _rows(), period=month, history=store)
        store.periods[results.period] = {r.employee: r.to_dict() for r in results}
    doubled = attrs.evolve(
        base,
        payouts=tuple(
            attrs.evolve(p, formula="2 * prior_sum(raw, since=hire)") if p.name == "career" else p for p in base.payouts
        ),
    )
    batches = [("2026-05", _rows())]
    got = pr.sweep(base, {"doubled": doubled}, batches, amount="career", history=store, engine=engine)
    scored = pr.score(plan, _rows(), period="2026-05", history=store).by_employee()
    assert (D(240), D(180)) == (scored["a"].payouts["career"], scored["b"].payouts["career"])
    assert D(240 + 180) == got.total(got.variants[0])
    assert D(240 + 180) == got.change("doubled")
    undeclared = attrs.evolve(base, history=pr.HistoryRule())
    with pytest.raises(pr.InputError) as err:
        pr.sweep(undeclared, {"doubled": doubled}, batches, amount="career", history=store, engine=engine)
    assert "history-begins" in {i.code for i in err.value.issues}


YTD = """name: ytd cap
period: month
metrics: {sales: {type: money}}
payouts:
  raw: {formula: "sales / 100"}
  bonus: {formula: "min(raw, max(250 - prior_sum(bonus, since=year), 0))"}
"""


def _ytd(begins):
    return pr.compile_scheme(pr.scheme_from_text(YTD + f"history: {{begins: {begins}}}\n").scheme)


def _publish(plan, ledger, month, sales="12000", revise=False):
    results = pr.score(plan, [{"employee_id": "a", "sales": sales}], period=month, history=ledger)
    return ledger.publish(results, plan.scheme, revise=revise)


def test_moving_the_declared_start_earlier_marks_the_periods_it_changes_stale(tmp_path):
    """January and February were trial runs; history began in March. Moved to January, April counts them."""
    march, january = _ytd("2026-03"), _ytd("2026-01")
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05"):
            assert () == _publish(march, ledger, month).stale
        # Under March: April paid 120 (250 - 120 in March), May 10. January itself reads nothing earlier.
        assert D(120) == D(ledger.load("2026-04")["a"]["payouts"]["bonus"])
        done = _publish(january, ledger, "2026-01")
        assert ("unchanged", ("2026-02", "2026-03", "2026-04", "2026-05")) == (done.status, done.stale)
        # Restated under January, each period counts the year from January: 120 in each of January and
        # February leaves 10 for March, nothing after. February read January as nothing already: unchanged.
        again = restate(ledger, january, done.stale, lambda label: [{"employee_id": "a", "sales": "12000"}])
        assert ["unchanged", "revised", "revised", "revised"] == [p.status for p in again]
        assert [D(120), D(10), D(0), D(0)] == [
            D(ledger.load(m)["a"]["payouts"]["bonus"]) for m in ("2026-02", "2026-03", "2026-04", "2026-05")
        ]
        assert ("2026-02",) == _publish(january, ledger, "2026-01").stale  # unchanged, so still under March


def test_a_period_whose_windows_cut_nothing_is_not_stale_when_the_start_moves(tmp_path):
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month in ("2026-03", "2026-04"):
            _publish(_ytd("2026-03"), ledger, month)
        _publish(_ytd("2027-01"), ledger, "2027-01")  # January reads nothing earlier of its year: nothing cut
        assert ("2026-03", "2026-04") == _publish(_ytd("2026-02"), ledger, "2026-02").stale


def test_moving_the_declared_start_later_marks_the_periods_that_read_before_it_stale(tmp_path):
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month in ("2026-01", "2026-02", "2026-03"):
            _publish(_ytd("2026-01"), ledger, month)
        done = _publish(_ytd("2026-02"), ledger, "2026-02")  # March read January: now before history
        assert ("2026-03",) == done.stale


def test_the_command_line_lists_and_restates_what_a_moved_start_changes(tmp_path, capsys):
    months = tmp_path / "months"
    months.mkdir()
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        (months / f"{month}.csv").write_text("employee_id,sales\na,12000\n", encoding="utf-8")
    for begins in ("2026-03", "2026-01"):
        (tmp_path / f"{begins}.yaml").write_text(YTD + f"history: {{begins: {begins}}}\n", encoding="utf-8")
    ledger = str(tmp_path / "l.db")

    def score(begins, month, *more):
        data = str(months / f"{month}.csv")
        return main(["score", str(tmp_path / f"{begins}.yaml"), data, "--period", month, "--ledger", ledger, *more])

    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        assert 0 == score("2026-03", month)
    capsys.readouterr()
    assert 0 == score("2026-01", "2026-01")
    assert "stale (they read 2026-01; score them again): 2026-02, 2026-03, 2026-04" in capsys.readouterr().err
    assert 0 == score("2026-01", "2026-01", "--restate", str(months))
    err = capsys.readouterr().err
    assert "restated 2026-03 revision 2 revised" in err and "restated 2026-04 revision 2 revised" in err
    with pr.Ledger(ledger) as held:
        assert [D(120), D(120), D(10), D(0)] == [
            D(held.load(m)["a"]["payouts"]["bonus"]) for m in ("2026-01", "2026-02", "2026-03", "2026-04")
        ]
