"""The results ledger: published periods are immutable, writes are atomic, faults are clear."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._cli import main
from tests.conftest import EXAMPLES

SCHEME = EXAMPLES / "seed001" / "scheme.yaml"
DATA = EXAMPLES / "seed001" / "data.csv"


@pytest.fixture(scope="module")
def plan():
    return pr.compile_scheme(pr.load_scheme(SCHEME))


def scored(plan, rows=None, period="2026-04"):
    return pr.score(plan, rows or read_population(DATA), period=period, history=pr.RecordedHistory())


class TestPublish:
    """Publishing, re-scoring and revising a period."""

    def test_first_publication_and_reload(self, plan, tmp_path):
        results = scored(plan)
        with pr.Ledger(tmp_path / "l.db") as ledger:
            done = ledger.publish(results, plan.scheme)
            assert ("2026-04", 1, "published") == (done.period, done.revision, done.status)
            stored = ledger.load("2026-04")
        # The row's text columns (here the trainer's reason) are stored among the inputs.
        expected = {r["employee"]: r for r in results.to_dict()["results"]}
        for r in results:
            expected[r.employee]["inputs"] = {**r.texts, **expected[r.employee]["inputs"]}
        assert expected == stored
        assert stored["E004"]["inputs"]["trainer_reason"] and stored["E004"]["reasons"]["trainer"]
        assert "2024-03-01" == stored["E001"]["inputs"]["hire_date"]  # a population column is an input too

    def test_a_corrected_population_column_is_a_revision(self, plan, tmp_path):
        rows = read_population(DATA)
        with pr.Ledger(tmp_path / "l.db") as ledger:
            ledger.publish(scored(plan, rows), plan.scheme)
            rows[0] = {**rows[0], "hire_date": "2024-03-02"}  # changes no number this month
            with pytest.raises(pr.LedgerError, match=r"E001 inputs\.hire_date: 2024-03-01 → 2024-03-02"):
                ledger.publish(scored(plan, rows), plan.scheme)

    def test_unchanged_rescore_records_nothing(self, plan, tmp_path):
        with pr.Ledger(tmp_path / "l.db") as ledger:
            ledger.publish(scored(plan), plan.scheme)
            again = ledger.publish(scored(plan), plan.scheme)
            assert ("unchanged", [1]) == (again.status, ledger.revisions("2026-04"))

    def test_changed_rescore_is_refused_with_the_differences(self, plan, tmp_path):
        """W3: published results are the payroll record: they never change without a new revision."""
        rows = read_population(DATA)
        changed = [{**r, "minor": "2"} if r["employee_id"] == "E002" else r for r in rows]
        with pr.Ledger(tmp_path / "l.db") as ledger:
            ledger.publish(scored(plan, rows), plan.scheme)
            with pytest.raises(pr.LedgerError, match=r"E002 score: 81\.00 → 79\.00") as err:
                ledger.publish(scored(plan, changed), plan.scheme)
            assert "period-published" == err.value.issues[0].code
            assert [1] == ledger.revisions("2026-04")
            revised = ledger.publish(scored(plan, changed), plan.scheme, revise=True)
            assert (2, "revised") == (revised.revision, revised.status)
            assert {("E002", "score", "81.00", "79.00")} <= {
                (c.employee, c.field, c.old, c.new) for c in revised.changes
            }
            assert "79.00" == ledger.load("2026-04")["E002"]["score"]
            assert "81.00" == ledger.load("2026-04", 1)["E002"]["score"]

    def test_results_need_a_period(self, tmp_path):
        folder = EXAMPLES / "seed003-kpi"
        kpi = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
        with pr.Ledger(tmp_path / "l.db") as ledger, pytest.raises(pr.LedgerError, match="without a period"):
            ledger.publish(pr.score(kpi, read_population(folder / "data.csv"), no_history=True), kpi.scheme)


class TestFaults:
    """Failures leave the ledger as it was; broken files give clear errors."""

    def test_failure_between_writes_leaves_no_partial_period(self, plan, tmp_path, monkeypatch):
        path = tmp_path / "l.db"

        real = pr.Ledger._insert

        def explode(self, db, *args):
            real(self, db, *args)
            raise RuntimeError("disk gone")  # after the period row and its result rows were written

        with pr.Ledger(path) as ledger:
            ledger.publish(scored(plan, period="2026-03"), plan.scheme)
        monkeypatch.setattr(pr.Ledger, "_insert", explode)
        with pr.Ledger(path) as ledger, pytest.raises(RuntimeError, match="disk gone"):
            ledger.publish(scored(plan), plan.scheme)
        monkeypatch.undo()
        with pr.Ledger(path) as ledger:
            assert ([], {}) == (ledger.revisions("2026-04"), ledger.load("2026-04"))
        rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM results").fetchone()[0]
        assert 6 == rows  # March's rows only

    def test_corrupt_file(self, tmp_path):
        path = tmp_path / "l.db"
        path.write_bytes(b"this is not a database, just text" * 100)
        with pytest.raises(pr.LedgerError) as err:
            pr.Ledger(path)
        assert "ledger-corrupt" == err.value.issues[0].code

    def test_locked_file(self, plan, tmp_path):
        path = tmp_path / "l.db"
        pr.Ledger(path).close()
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another run holds the write lock
        try:
            with pytest.raises(pr.LedgerError) as err, pr.Ledger(path, timeout=0.1) as ledger:
                ledger.publish(scored(plan), plan.scheme)
            assert "ledger-locked" == err.value.issues[0].code
        finally:
            other.execute("ROLLBACK")
            other.close()

    def test_cli_reports_a_corrupt_ledger_without_traceback(self, tmp_path, capsys):
        path = tmp_path / "l.db"
        path.write_bytes(b"garbage" * 200)
        code = main(["score", str(SCHEME), str(DATA), "--period", "2026-04", "--ledger", str(path)])
        err = capsys.readouterr().err
        assert 1 == code and "ledger-corrupt" in err and "Traceback" not in err


class TestCli:
    """perfrules score --ledger [--revise]."""

    def test_publish_refuse_revise(self, tmp_path, capsys):
        path, data = tmp_path / "l.db", tmp_path / "d.csv"
        argv = ["score", str(SCHEME), str(DATA), "--period", "2026-04", "--ledger", str(path)]
        assert 0 == main(argv)
        text = DATA.read_text(encoding="utf-8").replace("E002,李娜,2025-01-15,1,", "E002,李娜,2025-01-15,2,")
        data.write_text(text, encoding="utf-8")
        changed = ["score", str(SCHEME), str(data), "--period", "2026-04", "--ledger", str(path)]
        assert 1 == main(changed)
        assert "pass --revise" in capsys.readouterr().err
        assert 0 == main([*changed, "--revise"])
        assert "revision 2 revised" in capsys.readouterr().err


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), min_size=1, max_size=6))
def test_rescoring_unchanged_inputs_reproduces_the_records(tmp_path_factory, cells):
    """Re-scoring the same inputs gives exactly the recorded results: nothing new is written."""
    plan = pr.compile_scheme(pr.load_scheme(SCHEME))
    rows = [
        {
            "employee_id": f"E{i}",
            "hire_date": "2020-01-01",
            "minor": str(a),
            "cover_shifts": str(b),
            "moderate": "0",
            "severe": "0",
            "extra_work": "0",
            "suggestions": "0",
        }
        for i, (a, b) in enumerate(cells)
    ]
    path = tmp_path_factory.mktemp("ledger") / "l.db"
    with pr.Ledger(path) as ledger:
        first = ledger.publish(pr.score(plan, rows, period="2026-05", history=ledger), plan.scheme)
        stored = ledger.load("2026-05")
        again = ledger.publish(pr.score(plan, list(reversed(rows)), period="2026-05", history=ledger), plan.scheme)
        assert (first.status, again.status, stored) == ("published", "unchanged", ledger.load("2026-05"))


def test_h1_months_roll_up_into_a_quarter(tmp_path):
    """H1: monthly results rolled into a quarter by the declared rule (score averaged, amounts summed)."""
    folder = EXAMPLES / "seed000-team"
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month in ("2026-04", "2026-05", "2026-06", "2026-07"):
            rows = read_population(folder / "months" / f"{month}.csv")
            ledger.publish(pr.score(plan, rows, period=month, history=ledger), plan.scheme)
    out = tmp_path / "q2.json"
    assert 0 == main(
        [
            "rollup",
            str(folder / "scheme.yaml"),
            "--ledger",
            str(tmp_path / "l.db"),
            "--period",
            "2026-Q2",
            "--out",
            str(out),
        ]
    )
    import json

    data = json.loads(out.read_text(encoding="utf-8"))
    a = next(r for r in data["results"] if r["employee"] == "A")
    assert ["2026-04", "2026-05", "2026-06"] == data["from"]
    assert ("90.00", 3, "1000.00") == (a["score"], a["periods"], a["payouts"]["gold_streak_award"])
    # 4000 in April; from May new agent N counts in the team average (75 < 80: no team part): 3100, then
    # 3100 + the 1000 streak award in June.
    assert "11200.00" == a["payouts"]["total_pay"]
    with pytest.raises(pr.LedgerError, match="no recorded period"), pr.Ledger(tmp_path / "l.db") as ledger:
        from perfrules._adapters import roll_up

        roll_up(ledger, plan.scheme, pr.Period.parse("2025-Q1"))
