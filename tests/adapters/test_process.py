"""The process around published results: approvals hold and release money (W2), appeals within a window (W1)."""

import datetime as dt
import json
import sqlite3

import attrs
import pytest

import perfrules as pr
from perfrules._adapters import appeal, approvals_of, approve, deadline, score_held
from perfrules._cli import main

SCHEME = """
name: w2
metrics:
  sales: money
  awards: list
bonuses:
  special: {unit: money, occurrences: awards, range: [0, 1000], approval_over: 200, payout: pay}
payouts:
  pay: {formula: "sales / 10", cap: 1000}
appeals: {within: 2, holidays: [2026-05-01, 2026-05-04, 2026-05-05], workdays: [2026-05-09], utc_offset: "+08:00"}
"""
CSV = "employee_id,sales,awards\nE1,5000,300\nE2,9000,300\nE3,1000,150\n"


@pytest.fixture
def files(tmp_path):
    scheme, data = tmp_path / "scheme.yaml", tmp_path / "data.csv"
    scheme.write_text(SCHEME, encoding="utf-8")
    data.write_text(CSV, encoding="utf-8")
    return scheme, data, tmp_path / "l.db"


def _pay(ledger, revision=None):
    return {e: r["payouts"]["pay"] for e, r in ledger.load("2026-04", revision=revision).items()}


def test_approvals_hold_and_release_money(files, capsys):
    scheme, data, db = files
    score = ["score", str(scheme), str(data), "--period", "2026-04", "--ledger", str(db)]
    assert 0 == main([*score, "--json"])
    printed = capsys.readouterr()
    e1 = json.loads(printed.out)["results"][0]
    assert [("E1", "300.00", "200"), ("E2", "300.00", "200")] == [
        (h["employee"], h["amount"], h["over"]) for h in json.loads(printed.out)["held"]
    ]
    assert "2 amount(s) held until approved" in printed.err and "held E2 special: 300.00" in printed.err
    assert {"special": "300.00"} == e1["held"] and "500.00" == e1["payouts"]["pay"]
    assert "approval_held" in [f["name"] for f in e1["flags"]]
    with pr.Ledger(db) as ledger:
        # Held, not paid: E1 gets 500 (not 800), E2 900 (not the cap of 1000), E3's 150 is under the threshold.
        assert {"E1": "500.00", "E2": "900.00", "E3": "250.00"} == _pay(ledger)
        assert {"special": "300.00"} == ledger.load("2026-04")["E2"]["held"]
    assert 1 == main(
        ["ledger", "approve", str(db), str(scheme), "--period", "2026-04", "--employee", "E3"]
        + ["--adjustment", "special", "--by", "Li Na", "--note", "nothing held"]
    )
    assert "approval-nothing-held" in capsys.readouterr().err
    assert 0 == main(
        ["ledger", "approve", str(db), str(scheme), "--period", "2026-04", "--employee", "E2"]
        + ["--adjustment", "special", "--by", "Li Na", "--note", "signed memo 17", "--at", "2026-05-06T09:00+08:00"]
    )
    assert "score the period again with --revise" in capsys.readouterr().err
    # Scoring again releases E2's money as revision 2; E1's stays held. The delta is the money released.
    assert 0 == main([*score, "--revise"])
    err = capsys.readouterr().err
    assert "period 2026-04 revision 2 revised" in err and "held E1 special: 300.00" in err
    with pr.Ledger(db) as ledger:
        assert {"E1": "500.00", "E2": "1000.00", "E3": "250.00"} == _pay(ledger)
        assert {"E1": "500.00", "E2": "900.00", "E3": "250.00"} == _pay(ledger, 1)  # revision 1 stays readable
        e2 = ledger.load("2026-04")["E2"]
        assert "held" not in e2 and "approved" in [f["name"] for f in e2["flags"]]
        assert "Li Na" in next(f["reason"] for f in e2["flags"] if f["name"] == "approved")
        deltas = ledger.events("w2", "delta")
        assert [("E2", {"pay": "100.00"}, 2)] == [(d["employee"], d["payouts"], d["revision"]) for d in deltas]
    assert 0 == main(["ledger", "verify", str(db)])


def test_an_approval_of_another_amount_releases_nothing(files, tmp_path):
    scheme, _, _ = files
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    rows = [{"employee_id": "E1", "sales": "5000", "awards": "300"}]
    approved = {("E1", "special"): {"amount": "250", "by": "x", "at": "2026-05-06", "note": "n"}}
    _, held = score_held(plan, rows, approved, period="2026-04")
    assert {"special": "300.00"} == held.to_dict()["results"][0]["held"]
    approved[("E1", "special")]["amount"] = "300"
    _, paid = score_held(plan, rows, approved, period="2026-04")
    assert "800.00" == paid.to_dict()["results"][0]["payouts"]["pay"]


def test_the_columnar_engine_holds_the_same(files):
    pytest.importorskip("polars")
    scheme, _, _ = files
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    rows = [{"employee_id": f"E{k}", "sales": str(k * 900), "awards": "300" if k % 2 else "90"} for k in range(1, 9)]
    _, by_row = score_held(plan, rows, {}, period="2026-04")
    _, by_columns = score_held(plan, rows, {}, period="2026-04", engine="columnar")
    assert by_row.to_dict() == by_columns.to_dict()


@pytest.mark.parametrize("when", [None, "sales > 2000"])
def test_explanations_word_the_schemes_own_condition_not_the_hold_gate(files, when):
    # The hold copy gates each adjustment with a threshold on an input of its own (hold_special == 0):
    # that gate is the engine's, so an adjustment under its threshold is explained as the scheme wrote it.
    scheme, _, _ = files
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    if when is not None:
        bonus = attrs.evolve(plan.scheme.bonuses[0], when=when)
        plan = pr.compile_scheme(attrs.evolve(plan.scheme, bonuses=(bonus,)))
    rows = [
        {"employee_id": "E1", "sales": "5000", "awards": "300"},
        {"employee_id": "E3", "sales": "1000", "awards": "150"},
    ]
    used, results = score_held(plan, rows, {}, period="2026-04")
    assert used is not plan  # E1's 300 is held: both are scored on the gated copy
    e1, e3 = (pr.explain(used, r) for r in results)
    assert "held until approved" in pr.render_text(e1)
    assert "hold_" not in pr.render_text(e3) and "hold_" not in pr.render_json(e3)
    special = next(line for line in e3.lines if line.name == "special")
    if when is None:
        assert "when" not in special.facts and "applies" not in special.facts
        assert "- special: 150→150.00 = 150.00 → added to pay" in pr.render_text(e3)
    else:
        assert {"when": when, "applies": False} == {k: special.facts[k] for k in ("when", "applies")}  # E3 sold 1000


def test_unheld_money_is_never_published(files):
    scheme, _, db = files
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    rows = [{"employee_id": "E1", "sales": "5000", "awards": "300"}]
    with pr.Ledger(db) as ledger, pytest.raises(pr.LedgerError, match="without holding it") as err:
        ledger.publish(pr.score(plan, rows, period="2026-04"), plan.scheme)
    assert "approval-not-held" == err.value.issues[0].code


def test_deadline_counts_working_days_with_holidays_as_data():
    rule = pr.scheme_from_text(SCHEME).scheme.appeals
    # Published Thursday 30 April (Beijing): 1 May and 4-5 May are holidays, 2-3 May a weekend: 6 and 7 May count.
    assert dt.date(2026, 5, 7) == deadline(rule, dt.datetime(2026, 4, 30, 9, 0, tzinfo=dt.timezone.utc))
    # Published Friday 8 May: Saturday 9 May is a made-up working day, then Monday 11 May.
    assert dt.date(2026, 5, 11) == deadline(rule, dt.datetime(2026, 5, 8, 2, 0, tzinfo=dt.timezone.utc))
    # 23:30 UTC on 7 May is already 8 May in Beijing.
    assert dt.date(2026, 5, 11) == deadline(rule, dt.datetime(2026, 5, 7, 23, 30, tzinfo=dt.timezone.utc))


def _published(db, when):
    # The time of publication is the revision's recorded time: set it as a payroll run on that day would.
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE periods SET recorded_at = ?", (when,))


def test_an_appeal_outside_its_window_refused(files, capsys):
    scheme, data, db = files
    assert 0 == main(["score", str(scheme), str(data), "--period", "2026-04", "--ledger", str(db)])
    loaded = pr.load_scheme(scheme)
    with pr.Ledger(db) as ledger:
        published = dt.datetime.fromisoformat(ledger.published_at("w2", "2026-04")[1])
        last = deadline(loaded.appeals, published)
        late = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(10), tzinfo=dt.timezone.utc)
        with pytest.raises(pr.LedgerError, match="appeals are taken within 2 working day") as err:
            appeal(ledger, loaded, "2026-04", "E1", by="E1", note="my award", at=late)
        assert "appeal-out-of-window" == err.value.issues[0].code
        assert last.isoformat() in str(err.value)
        assert [] == ledger.events("w2", "appeal")  # nothing recorded
        with pytest.raises(pr.LedgerError) as early:
            appeal(ledger, loaded, "2026-04", "E1", by="E1", note="x", at=published - dt.timedelta(hours=1))
        assert "appeal-out-of-window" == early.value.issues[0].code
        with pytest.raises(pr.LedgerError) as unknown:
            appeal(ledger, loaded, "2026-04", "E9", by="E9", note="x", at=published)
        assert "appeal-unknown" == unknown.value.issues[0].code
    at = (published + dt.timedelta(minutes=5)).isoformat()
    argv = ["ledger", "appeal", str(db), str(scheme), "--period", "2026-04", "--employee", "E1"]
    assert 0 == main([*argv, "--by", "E1", "--note", "award of 300 held", "--at", at])
    assert "it is answered by a revision that changes E1's results" in capsys.readouterr().err
    # The outcome is a revision that changes E1: the approval changes E1's pay, and the revision answers the appeal.
    approve_argv = ["ledger", "approve", str(db), str(scheme), "--period", "2026-04", "--employee", "E1"]
    assert 0 == main([*approve_argv, "--adjustment", "special", "--by", "Li Na", "--note", "appeal upheld"])
    assert 0 == main(["score", str(scheme), str(data), "--period", "2026-04", "--ledger", str(db), "--revise"])
    with pr.Ledger(db) as ledger:
        outcome = ledger.events("w2", "appeal-outcome", "2026-04")
        assert [("E1", 2, True)] == [(o["employee"], o["revision"], o["changed"]) for o in outcome]
        assert ("E1", "special") in approvals_of(ledger, "w2", "2026-04")
    assert 0 == main(["ledger", "verify", str(db)])


def test_a_scheme_without_appeals_takes_none(files):
    scheme, data, db = files
    scheme.write_text(SCHEME.split("appeals:")[0], encoding="utf-8")
    assert 0 == main(["score", str(scheme), str(data), "--period", "2026-04", "--ledger", str(db)])
    with pr.Ledger(db) as ledger, pytest.raises(pr.LedgerError) as err:
        appeal(ledger, pr.load_scheme(scheme), "2026-04", "E1", by="E1", note="x")
    assert "appeal-not-taken" == err.value.issues[0].code


def test_approval_events_are_chained(files):
    scheme, data, db = files
    assert 0 == main(["score", str(scheme), str(data), "--period", "2026-04", "--ledger", str(db)])
    with pr.Ledger(db) as ledger:
        approve(ledger, "w2", "2026-04", "E1", "special", by="Li Na", at="2026-05-06", note="ok")
        assert ([], 1) == ledger.verify()[:2]
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE events SET data = replace(data, 'Li Na', 'Someone')")
    with pr.Ledger(db, readonly=True) as ledger:
        problems, _, _ = ledger.verify()
        assert ["ledger-tampered"] == [p.code for p in problems]
        with pytest.raises(pr.LedgerError, match="edited after it was recorded"):
            approvals_of(ledger, "w2", "2026-04")


def test_rows_as_any_iterable_and_bad_rows_give_the_project_errors(files):
    scheme, _, _ = files
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    rows = ({"employee_id": f"E{k}", "sales": "100", "awards": "300"} for k in range(3))  # read once
    _, results = score_held(plan, rows, {}, period="2026-04")
    assert 3 == len(results.to_dict()["held"])
    with pytest.raises(pr.InputError):
        score_held(plan, [{"employee_id": "E1", "sales": "lots", "awards": "300"}, "not a row"], {}, period="2026-04")


def test_a_revision_lists_no_hold_inputs_only_real_changes(files, capsys):
    # The hold input (hold_special) is the engine's own: releasing every hold used to list
    # "E3 inputs.hold_special: 0 -> None" for E3, whose amount was never held, and the same for E1 and E2.
    scheme, data, db = files
    score = ["score", str(scheme), str(data), "--period", "2026-04", "--ledger", str(db)]
    assert 0 == main(score)
    for emp in ("E1", "E2"):
        approve_argv = ["ledger", "approve", str(db), str(scheme), "--period", "2026-04", "--employee", emp]
        assert 0 == main([*approve_argv, "--adjustment", "special", "--by", "Li Na", "--note", "memo"])
    capsys.readouterr()
    data.write_text(CSV.replace("E3,1000,150", "E3,1100,150"), encoding="utf-8")  # and a real correction
    assert 0 == main([*score, "--revise"])
    err = capsys.readouterr().err
    assert "hold_special" not in err
    assert "E3 inputs.sales: 1000 → 1100" in err and "E1 held.special: 300.00 → None" in err
    with sqlite3.connect(db) as raw:  # the ledger keeps the scheme as written, not the copy holds are scored with
        assert ["w2"] == [json.loads(t)["name"] for (t,) in raw.execute("SELECT text FROM schemes")]
        assert all("hold_special" not in t for (t,) in raw.execute("SELECT text FROM schemes"))
    # The Python side: publishing the held results again lists the same changes (none of them a hold input).
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    rows = [
        {"employee_id": "E1", "sales": "5000", "awards": "300"},
        {"employee_id": "E3", "sales": "1200", "awards": "150"},
    ]
    with pr.Ledger(db) as ledger:
        _, results = score_held(plan, rows, {}, period="2026-04")
        changes = ledger.publish(results, plan.scheme, revise=True).changes
    assert ("E3", "inputs.sales", "1100", "1200") in [(c.employee, c.field, c.old, c.new) for c in changes]
    assert [] == [c.render() for c in changes if "hold_" in c.field]


def test_an_input_named_like_a_hold_still_shows_its_changes(tmp_path, capsys):
    # A scheme's own metric hold_special is a real input: its hold input is hold_special_, and a change shows.
    scheme, data, db = tmp_path / "s.yaml", tmp_path / "d.csv", tmp_path / "l.db"
    scheme.write_text(SCHEME.replace("awards: list", "awards: list\n  hold_special: number"), encoding="utf-8")
    data.write_text("employee_id,sales,awards,hold_special\nE1,5000,300,1\nE3,1000,150,1\n", encoding="utf-8")
    score = ["score", str(scheme), str(data), "--period", "2026-04", "--ledger", str(db)]
    assert 0 == main(score)
    approve_argv = ["ledger", "approve", str(db), str(scheme), "--period", "2026-04", "--employee", "E1"]
    assert 0 == main([*approve_argv, "--adjustment", "special", "--by", "Li Na", "--note", "memo"])
    data.write_text("employee_id,sales,awards,hold_special\nE1,5000,300,1\nE3,1000,150,2\n", encoding="utf-8")
    capsys.readouterr()
    assert 0 == main([*score, "--revise"])
    err = capsys.readouterr().err
    assert "E3 inputs.hold_special: 1 → 2" in err and "hold_special_" not in err


def test_a_publication_time_is_given_and_the_appeal_window_counts_from_it(files, capsys):
    scheme, data, db = files
    score = ["score", str(scheme), str(data), "--period", "2026-04", "--ledger", str(db)]
    assert 0 == main([*score, "--at", "2026-04-30T09:00+08:00"])
    with pr.Ledger(db) as ledger:
        assert (1, "2026-04-30T01:00:00+00:00") == ledger.published_at("w2", "2026-04")
    appeal_argv = ["ledger", "appeal", str(db), str(scheme), "--period", "2026-04", "--by", "E1", "--note", "n"]
    capsys.readouterr()
    assert 0 == main([*appeal_argv, "--employee", "E1", "--at", "2026-05-06T10:00+08:00"])
    assert "(window until 2026-05-07)" in capsys.readouterr().err
    assert 1 == main([*appeal_argv, "--employee", "E2", "--at", "2026-05-08T10:00+08:00"])
    assert "appeal-out-of-window" in capsys.readouterr().err
    # A revision is not published before the one it revises, nor in the future; nothing is recorded then.
    data.write_text(CSV.replace("E3,1000,150", "E3,1100,150"), encoding="utf-8")
    assert 1 == main([*score, "--revise", "--at", "2026-04-29T09:00+08:00"])
    err = capsys.readouterr().err
    assert "[publish-time]" in err and "before revision 1 of 2026-04 was published (2026-04-30T01:00:00+00:00)" in err
    future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).isoformat(timespec="seconds")
    assert 1 == main([*score, "--revise", "--at", future])
    assert "[publish-time]" in capsys.readouterr().err
    with pr.Ledger(db) as ledger:
        assert 1 == ledger.published_at("w2", "2026-04")[0]
    assert 0 == main([*score, "--revise", "--at", "2026-05-07T10:00"])  # no offset: UTC
    with pr.Ledger(db) as ledger:
        assert (2, "2026-05-07T10:00:00+00:00") == ledger.published_at("w2", "2026-04")


def test_a_publication_time_needs_a_ledger_and_a_time(files, capsys):
    scheme, data, db = files
    score = ["score", str(scheme), str(data), "--period", "2026-04"]
    with pytest.raises(SystemExit) as usage:
        main([*score, "--at", "2026-04-30T09:00+08:00"])
    assert 2 == usage.value.code and "--at needs --ledger" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main([*score, "--ledger", str(db), "--at", "30 April"])
    assert 2 == usage.value.code
    assert "'30 April' is not a time such as 2026-04-30T09:00+08:00" in capsys.readouterr().err
    assert not db.exists()
