"""The ledger's record cannot be silently wrong: tamper evidence, read-only reads, checked rows, races, full disks."""

import hashlib
import sqlite3
import threading

import pytest

import perfrules as pr
from perfrules._adapters import read_population, roll_up
from perfrules._cli import main
from tests.conftest import EXAMPLES

SCHEME = EXAMPLES / "seed001" / "scheme.yaml"
DATA = EXAMPLES / "seed001" / "data.csv"


@pytest.fixture(scope="module")
def plan():
    return pr.compile_scheme(pr.load_scheme(SCHEME))


def scored(plan, period="2026-04", change=None):
    rows = read_population(DATA)
    if change:
        rows = [{**r, **change} if r["employee_id"] == "E002" else r for r in rows]
    return pr.score(plan, rows, period=period, history=pr.RecordedHistory())


@pytest.fixture
def ledger_path(plan, tmp_path):
    path = tmp_path / "l.db"
    with pr.Ledger(path) as ledger:
        ledger.publish(scored(plan, "2026-04"), plan.scheme)
        ledger.publish(scored(plan, "2026-05"), plan.scheme)
    return path


def edit(path, sql, *args):
    db = sqlite3.connect(path)
    with db:
        db.execute(sql, args)
    db.close()


def seq_of(path, label):
    return sqlite3.connect(path).execute("SELECT seq FROM periods WHERE label = ?", (label,)).fetchone()[0]


class TestTamper:
    """Each revision carries a hash chained to the one before; verify finds any edit."""

    def test_a_clean_ledger_verifies(self, ledger_path, capsys):
        assert 0 == main(["ledger", "verify", str(ledger_path)])
        assert "2 revision(s), 0 problem(s), head " in capsys.readouterr().out

    def test_an_edited_value_is_found_and_named(self, ledger_path, capsys):
        seq = seq_of(ledger_path, "2026-04")
        edit(
            ledger_path,
            'UPDATE results SET data = replace(data, \'"score": "81.00"\', \'"score": "99.00"\') '
            "WHERE seq = ? AND employee = 'E002'",
            seq,
        )
        assert 1 == main(["ledger", "verify", str(ledger_path)])
        err = capsys.readouterr().err
        assert "ledger-tampered" in err and "period 2026-04 revision 1" in err and "employee E002" in err
        with pr.Ledger(ledger_path, readonly=True) as ledger, pytest.raises(pr.LedgerError) as caught:
            ledger.load("2026-04")  # a tampered value is never read back, so never rolled up
        assert "ledger-tampered" == caught.value.issues[0].code and "E002" in caught.value.issues[0].message

    @pytest.mark.parametrize(
        "sql",
        [
            "UPDATE periods SET end = '2026-04-29' WHERE label = '2026-04'",
            "DELETE FROM results WHERE employee = 'E003' AND seq = (SELECT seq FROM periods WHERE label = '2026-04')",
            "DELETE FROM periods WHERE label = '2026-04'",
        ],
        ids=["period-field", "deleted-row", "deleted-revision"],
    )
    def test_other_edits_break_the_chain(self, ledger_path, sql, capsys):
        db = sqlite3.connect(ledger_path)  # foreign keys off, as in any database tool
        with db:
            db.execute(sql)
        db.close()
        assert 1 == main(["ledger", "verify", str(ledger_path)])
        assert "ledger-tampered" in capsys.readouterr().err


class TestReadOnly:
    """Reading a ledger never writes to it."""

    def test_reading_leaves_the_file_byte_for_byte_and_works_when_read_only(self, plan, ledger_path, tmp_path):
        before = hashlib.sha256(ledger_path.read_bytes()).hexdigest()
        ledger_path.chmod(0o444)
        try:
            with pr.Ledger(ledger_path, readonly=True) as ledger:
                assert "81.00" == ledger.load("2026-04")["E002"]["score"]
                assert ["2026-04", "2026-05"] == roll_up(ledger, plan.scheme, "2026-Q2", partial=True)["from"]
                assert [] == ledger.verify()[0]
                with pytest.raises(pr.LedgerError) as err:
                    ledger.publish(scored(plan, "2026-06"), plan.scheme)
                assert "ledger-readonly" == err.value.issues[0].code
        finally:
            ledger_path.chmod(0o644)
        assert before == hashlib.sha256(ledger_path.read_bytes()).hexdigest()
        assert ["l.db"] == [p.name for p in tmp_path.iterdir()]  # no journal or WAL file left behind

    def test_opening_for_writing_writes_nothing_until_something_is_recorded(self, tmp_path):
        path = tmp_path / "new.db"
        with pr.Ledger(path) as ledger:
            assert ([], {}) == (ledger.revisions("2026-04"), ledger.load("2026-04"))
        assert 0 == path.stat().st_size

    def test_reading_a_missing_ledger_creates_nothing(self, tmp_path):
        with pytest.raises(pr.LedgerError) as err:
            pr.Ledger(tmp_path / "none.db", readonly=True)
        assert "ledger-missing" == err.value.issues[0].code
        assert [] == list(tmp_path.iterdir())


class TestCheckedReads:
    """Every row read is checked: damage is a clear ledger-corrupt naming the period and employee."""

    @pytest.mark.parametrize(
        "data",
        ['{"score": ', '{"score": "abc", "flags": []}', "[]", '{"score": "1", "indicators": {"x": "NaN"}}'],
        ids=["truncated", "bad-number", "not-a-record", "nan"],
    )
    def test_a_damaged_row(self, ledger_path, data):
        edit(
            ledger_path,
            "UPDATE results SET data = ? WHERE employee = 'E004' AND seq = ?",
            data,
            seq_of(ledger_path, "2026-05"),
        )
        with pr.Ledger(ledger_path, readonly=True) as ledger, pytest.raises(pr.LedgerError) as err:
            ledger.load("2026-05")
        issue = err.value.issues[0]
        assert ("ledger-corrupt", True, True) == (issue.code, "2026-05" in issue.message, "E004" in issue.message)

    def test_an_unknown_format_is_refused(self, ledger_path):
        edit(ledger_path, "UPDATE meta SET value = '7' WHERE key = 'format'")
        with pytest.raises(pr.LedgerError) as err:
            pr.Ledger(ledger_path, readonly=True)
        assert "ledger-format" == err.value.issues[0].code and "format 7" in err.value.issues[0].message

    def test_a_database_that_is_not_a_ledger_is_refused(self, tmp_path):
        path = tmp_path / "other.db"
        edit(path, "CREATE TABLE t (x)")
        with pytest.raises(pr.LedgerError) as err:
            pr.Ledger(path)
        assert "ledger-corrupt" == err.value.issues[0].code


class TestFaults:
    """A full disk and racing runs give clear errors, and the ledger stays as it was."""

    def test_a_full_disk(self, plan, ledger_path, monkeypatch):
        def full(*args):
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(pr.Ledger, "_insert", full)
        with pr.Ledger(ledger_path) as ledger, pytest.raises(pr.LedgerError) as err:
            ledger.publish(scored(plan, "2026-06"), plan.scheme)
        assert "ledger-full" == err.value.issues[0].code and "disk" in err.value.issues[0].message
        monkeypatch.undo()
        with pr.Ledger(ledger_path) as ledger:
            assert [] == ledger.revisions("2026-06")

    def test_a_lost_insert_race_is_period_published(self, plan, ledger_path, monkeypatch):
        def lost(*args):
            raise sqlite3.IntegrityError("UNIQUE constraint failed: periods.scheme, periods.label, periods.revision")

        monkeypatch.setattr(pr.Ledger, "_insert", lost)
        with pr.Ledger(ledger_path) as ledger, pytest.raises(pr.LedgerError) as err:
            ledger.publish(scored(plan, "2026-06"), plan.scheme)
        assert "period-published" == err.value.issues[0].code

    def test_nobody_can_record_between_the_comparison_and_the_write(self, plan, ledger_path, monkeypatch):
        """B re-scores April with the published results while A revises April: B must not say "unchanged"
        about results that are no longer the latest."""
        from perfrules._adapters import records

        real, seen = records.diff, {}

        def diff_then_race(old, new, *rest):
            if not seen:
                seen["a"] = "ran"

                def other_run():
                    try:
                        with pr.Ledger(ledger_path, timeout=0.2) as a:
                            seen["a"] = a.publish(scored(plan, change={"minor": "2"}), plan.scheme, revise=True)
                    except pr.LedgerError as exc:
                        seen["a"] = exc.issues[0].code

                t = threading.Thread(target=other_run)
                t.start()
                t.join()
            return real(old, new, *rest)

        monkeypatch.setattr("perfrules._adapters.ledger.diff", diff_then_race)
        with pr.Ledger(ledger_path) as b:
            done = b.publish(scored(plan), plan.scheme, revise=True)
        monkeypatch.undo()
        with pr.Ledger(ledger_path, readonly=True) as ledger:
            latest = ledger.load("2026-04")
        assert "ledger-locked" == seen["a"]  # A waited for B's lock and gave up cleanly
        assert done.status == "unchanged" and "81.00" == latest["E002"]["score"]

    def test_two_first_publications_of_one_period(self, plan, tmp_path):
        """Two runs publishing the same new period: one records it, the other is refused as published."""
        path = tmp_path / "l.db"
        pr.Ledger(path).close()
        barrier, outcome = threading.Barrier(2), []

        def run(change):
            results = scored(plan, "2026-06", change)
            barrier.wait()
            try:
                with pr.Ledger(path, timeout=5) as ledger:
                    outcome.append(ledger.publish(results, plan.scheme).status)
            except pr.LedgerError as exc:
                outcome.append(exc.issues[0].code)

        threads = [threading.Thread(target=run, args=(c,)) for c in (None, {"minor": "2"})]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert ["period-published", "published"] == sorted(outcome)
        with pr.Ledger(path, readonly=True) as ledger:
            assert [1] == ledger.revisions("2026-06")


def test_a_rewritten_chain_is_caught_by_a_kept_head_hash(plan, ledger_path, capsys):
    """Someone who edits a value and recomputes every hash is caught by the head hash kept elsewhere."""
    from perfrules._adapters.records import revision_hash, row_hash

    with pr.Ledger(ledger_path, readonly=True) as ledger:
        kept = ledger.verify()[2]
    db = sqlite3.connect(ledger_path)
    with db:
        db.execute("UPDATE results SET data = replace(data, '\"81.00\"', '\"99.00\"') WHERE employee = 'E002'")
        before = ""
        for seq, scheme, label, revision, *fields in db.execute(
            "SELECT seq, scheme, label, revision, scheme_digest, recorded_at, employees, start, end, kind, history "
            "FROM periods ORDER BY seq"
        ).fetchall():
            rows = db.execute("SELECT employee, data FROM results WHERE seq = ? ORDER BY employee", (seq,)).fetchall()
            hashes = [row_hash(scheme, label, revision, e, d) for e, d in rows]
            for (e, _), h in zip(rows, hashes, strict=True):
                db.execute("UPDATE results SET hash = ? WHERE seq = ? AND employee = ?", (h, seq, e))
            before = revision_hash(before, (scheme, label, revision, *fields), hashes)
            db.execute("UPDATE periods SET hash = ? WHERE seq = ?", (before, seq))
    db.close()
    assert 0 == main(["ledger", "verify", str(ledger_path)])  # a consistent rewrite: only the kept head shows it
    capsys.readouterr()
    assert 1 == main(["ledger", "verify", str(ledger_path), "--head", kept])
    assert "is not in the chain" in capsys.readouterr().err
