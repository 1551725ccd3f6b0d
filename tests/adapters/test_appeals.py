"""Appeals (W1) are answered only by what answers them: a revision that changes the employee, or a person."""

import datetime as dt
import json

import pytest

import perfrules as pr
from perfrules._adapters import answer_appeal, appeal, appeals_of
from perfrules._cli import main

SCHEME = """
name: w1
metrics:
  sales: money
payouts:
  pay: {formula: "sales / 10", cap: 1000}
appeals: {within: 2, holidays: [2026-05-01, 2026-05-04, 2026-05-05], workdays: [2026-05-09], utc_offset: "+08:00"}
"""
CSV = "employee_id,sales\nE1,5000\nE2,9000\nE3,1000\n"
BEIJING = dt.timezone(dt.timedelta(hours=8))


def _at(day: int, hour: int = 10, month: int = 5) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=BEIJING)


@pytest.fixture
def book(tmp_path):
    scheme, data, db = tmp_path / "scheme.yaml", tmp_path / "data.csv", tmp_path / "l.db"
    scheme.write_text(SCHEME, encoding="utf-8")
    data.write_text(CSV, encoding="utf-8")
    score = ["score", str(scheme), str(data), "--period", "2026-04", "--ledger", str(db)]
    assert 0 == main([*score, "--at", "2026-04-30T09:00+08:00"])  # revision 1: appeals until 7 May
    return scheme, data, db, score


def _revise(data, score, csv, at):
    data.write_text(csv, encoding="utf-8")
    assert 0 == main([*score, "--revise", "--at", at])


def _outcomes(ledger):
    return {a["employee"]: (a["status"], a["outcome"]) for a in appeals_of(ledger, "w1", "2026-04")}


def test_a_revision_answers_only_the_appeals_of_employees_it_changed(book):
    scheme, data, db, score = book
    loaded = pr.load_scheme(scheme)
    with pr.Ledger(db) as ledger:
        for emp in ("E1", "E2"):
            appeal(ledger, loaded, "2026-04", emp, by=emp, note=f"{emp}'s sales", at=_at(6))
    # Revision 2 corrects E3 only: E1's and E2's appeals were not looked at, and stay open.
    _revise(data, score, CSV.replace("E3,1000", "E3,1100"), "2026-05-06T15:00+08:00")
    with pr.Ledger(db) as ledger:
        assert {"E1": ("open", None), "E2": ("open", None)} == _outcomes(ledger)
        assert [] == ledger.events("w1", "appeal-outcome")
    # Revision 3 corrects E1: it answers E1's appeal (changed), E2's stays open.
    _revise(data, score, CSV.replace("E3,1000", "E3,1100").replace("E1,5000", "E1,5500"), "2026-05-07T15:00+08:00")
    with pr.Ledger(db) as ledger:
        assert {"E1": ("answered", {"revision": 3, "changed": True}), "E2": ("open", None)} == _outcomes(ledger)
        assert ["E2"] == [a["employee"] for a in appeals_of(ledger, "w1", open_only=True)]
        assert [] == appeals_of(ledger, "w1", "2026-05")
    assert 0 == main(["ledger", "verify", str(db)])


def test_a_person_answers_an_appeal_without_a_revision(book):
    scheme, _, db, _ = book
    loaded = pr.load_scheme(scheme)
    with pr.Ledger(db) as ledger:
        appeal(ledger, loaded, "2026-04", "E2", by="E2", note="my sales were 9500", at=_at(6))
        appeal(ledger, loaded, "2026-04", "E2", by="E2", note="and my award", at=_at(7))
        for at, why in ((_at(6, 12), "before the appeal it answers"), (_at(1, month=12), "in the future")):
            with pytest.raises(pr.LedgerError, match=why) as early:
                answer_appeal(ledger, "w1", "2026-04", "E2", by="Li Na", note="confirmed", at=at)
            assert "appeal-answer-time" == early.value.issues[0].code
        with pytest.raises(pr.LedgerError) as blank:
            answer_appeal(ledger, "w1", "2026-04", "E2", by="Li Na", note="  ", at=_at(8))
        assert "appeal-incomplete" == blank.value.issues[0].code
        assert [] == ledger.events("w1", "appeal-outcome")  # nothing recorded by a refusal
        done = answer_appeal(ledger, "w1", "2026-04", "E2", by="Li Na", note="sales confirmed by CRM", at=_at(8))
        answer = {"revision": 1, "changed": False, "by": "Li Na", "at": "2026-05-08T10:00:00+08:00"}
        assert [2, 2] == [len(done), len(appeals_of(ledger, "w1"))]  # both of E2's open appeals are answered
        assert all(o == {**answer, "note": "sales confirmed by CRM"} for _, o in [_outcomes(ledger)["E2"]])
        for emp in ("E2", "E1", "E9"):  # answered already; never appealed; not even recorded
            with pytest.raises(pr.LedgerError, match=f"employee {emp} has no open appeal in period 2026-04") as err:
                answer_appeal(ledger, "w1", "2026-04", emp, by="Li Na", note="again", at=_at(8))
            assert "appeal-not-open" == err.value.issues[0].code
        assert 2 == len(ledger.events("w1", "appeal-outcome"))
    assert 0 == main(["ledger", "verify", str(db)])


def test_an_appeal_is_against_the_revision_in_force_when_it_was_made(book):
    scheme, data, db, score = book
    loaded = pr.load_scheme(scheme)
    # Revision 2 corrects E3 on 11 May (appeals until 13 May), after revision 1's window closed on 7 May.
    _revise(data, score, CSV.replace("E3,1000", "E3,1100"), "2026-05-11T09:00+08:00")
    with pr.Ledger(db) as ledger:
        # A paper form of 6 May, recorded now: it was within revision 1's window, so it is against revision 1,
        # and revision 2 (published before it was recorded) did not answer it, though it changed E3.
        made = appeal(ledger, loaded, "2026-04", "E3", by="E3", note="paper form of 6 May", at=_at(6))
        assert (1, "2026-05-07") == (made["revision"], made["deadline"])
        assert {"E3": ("open", None)} == _outcomes(ledger)
        # 8 May: revision 1's window had closed and revision 2 was not yet published. The real reason is given.
        with pytest.raises(pr.LedgerError) as between:
            appeal(ledger, loaded, "2026-04", "E1", by="E1", note="x", at=_at(8))
        issue = between.value.issues[0]
        assert "appeal-out-of-window" == issue.code
        assert (
            "this appeal is dated 2026-05-08: after the window of period 2026-04 revision 1 (published on "
            "2026-04-30, appeals until 2026-05-07) and before revision 2 was published (2026-05-11)"
        ) in issue.message
        assert "appeal against revision 2 within its window, until 2026-05-13" in str(issue.hint)
        # Before revision 1 was published there was nothing to appeal against.
        with pytest.raises(pr.LedgerError, match="before period 2026-04 was published") as early:
            appeal(ledger, loaded, "2026-04", "E1", by="E1", note="x", at=_at(30, 8, month=4))
        assert "2026-04-30T08:00+08:00" in early.value.issues[0].message
        # Within revision 2's window an appeal is against revision 2; after it, refused as before.
        assert 2 == appeal(ledger, loaded, "2026-04", "E1", by="E1", note="y", at=_at(13))["revision"]
        with pytest.raises(pr.LedgerError, match="revision 2 was published on 2026-05-11; appeals are taken within"):
            appeal(ledger, loaded, "2026-04", "E2", by="E2", note="z", at=_at(14))
        assert ["E3", "E1"] == [a["employee"] for a in ledger.events("w1", "appeal")]


def test_the_appeals_are_listed_with_their_outcomes(book, capsys):
    scheme, data, db, score = book
    appeal_argv = ["ledger", "appeal", str(db), str(scheme), "--period", "2026-04"]
    for emp in ("E1", "E2", "E3"):
        assert 0 == main([*appeal_argv, "--employee", emp, "--by", emp, "--note", f"{emp} 销售", "--at", "2026-05-06"])
    assert "it is answered by a revision that changes E3's results" in capsys.readouterr().err
    _revise(data, score, CSV.replace("E1,5000", "E1,5500"), "2026-05-07T09:00+08:00")
    answer = ["ledger", "answer", str(db), str(scheme), "--period", "2026-04", "--by", "Li Na", "--note", "checked"]
    assert 0 == main([*answer, "--employee", "E2", "--at", "2026-05-08T10:00+08:00"])
    assert "1 appeal(s) of E2 in 2026-04 answered by Li Na: revision 2 stands" in capsys.readouterr().err
    assert 1 == main([*answer, "--employee", "E2"])
    assert "[appeal-not-open]" in capsys.readouterr().err
    with pr.Ledger(db) as ledger:  # an outcome recorded by an earlier version: a revision that changed nothing
        ledger.record_events(
            "w1", "2026-04", "appeal-outcome", [("E3", {"appeal": 3, "revision": 2, "changed": False})]
        )
    listing = ["ledger", "appeals", str(db), str(scheme)]
    assert 0 == main(listing)
    made = 'against revision 1, made 2026-05-06T00:00:00+00:00 by {0} (window until 2026-05-07): "{0} 销售"'
    assert [
        f"2026-04 E1: appeal 1 {made.format('E1')}; answered by revision 2, changed",
        f"2026-04 E2: appeal 2 {made.format('E2')}; answered by Li Na on 2026-05-08T10:00:00+08:00, revision 2 "
        'stands: "checked"',
        f"2026-04 E3: appeal 3 {made.format('E3')}; answered by revision 2, unchanged",
    ] == capsys.readouterr().out.splitlines()
    assert 0 == main([*listing, "--open"]) and "" == capsys.readouterr().out
    assert 0 == main([*listing, "--period", "2026-03"]) and "" == capsys.readouterr().out
    assert 0 == main([*listing, "--json", "--period", "2026-04"])
    listed = json.loads(capsys.readouterr().out)
    assert ["answered"] * 3 == [a["status"] for a in listed]
    assert {"revision": 2, "changed": True} == listed[0]["outcome"] and "E1 销售" == listed[0]["note"]


def test_a_refused_appeal_leaves_a_new_ledger_as_it_was(book):
    # The checks run inside the write transaction: a refusal rolls back the tables a new ledger would get,
    # and the same ledger object then records as if nothing had happened.
    scheme, _, db, _ = book
    loaded, fresh = pr.load_scheme(scheme), db.with_name("new.db")
    plan = pr.compile_scheme(loaded)
    with pr.Ledger(fresh) as ledger:
        with pytest.raises(pr.LedgerError, match="period 2026-04 of 'w1' is not recorded") as err:
            appeal(ledger, loaded, "2026-04", "E1", by="E1", note="x", at=_at(6))
        assert "appeal-unknown" == err.value.issues[0].code
        with pytest.raises(pr.LedgerError) as none:
            answer_appeal(ledger, "w1", "2026-04", "E1", by="Li Na", note="x", at=_at(6))
        assert "appeal-not-open" == none.value.issues[0].code
        assert ([], []) == (ledger.revisions("2026-04"), appeals_of(ledger, "w1"))
        ledger.publish(pr.score(plan, [{"employee_id": "E1", "sales": "100"}], period="2026-04"), loaded)
        assert 1 == appeal(ledger, loaded, "2026-04", "E1", by="E1", note="x")["revision"]
    assert 0 == main(["ledger", "verify", str(fresh)])
