"""Restatement records what each revision changed per employee; a later period pays it (true-up or clawback)."""

import json
import sqlite3

import pytest

import perfrules as pr
from perfrules._adapters import restate, with_trueup

SCHEME = """
name: chain
history: {missing: absent}
metrics:
  x: number
  trueup_pay: {type: number, default: 0}
bonuses:
  trueup: {unit: money, count: trueup_pay, amount: 1, signed: true, payout: pay}
payouts:
  pay: {formula: "x + prior(x, 1) + 2 * prior(x, 2)"}
"""


@pytest.fixture(scope="module")
def plan():
    return pr.compile_scheme(pr.scheme_from_text(SCHEME).scheme)


def _rows(x, **more):
    return [{"employee_id": "a", "x": str(x)}, {"employee_id": "b", "x": "1"}, *more.get("extra", [])]


def _publish(ledger, plan, period, rows, **kw):
    results = pr.score(plan, rows, period=period, history=ledger)
    return ledger.publish(results, plan.scheme, **kw)


def test_a_restatement_chain_over_three_months_with_recorded_deltas(plan, tmp_path):
    months = {"2026-04": _rows(10), "2026-05": _rows(20), "2026-06": _rows(30)}
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for label, rows in months.items():
            _publish(ledger, plan, label, rows)
        assert "70.00" == ledger.load("2026-06")["a"]["payouts"]["pay"]  # 30 + 20 + 2 × 10
        months["2026-04"] = _rows(15)  # April corrected
        done = _publish(ledger, plan, "2026-04", months["2026-04"], revise=True)
        assert ("2026-05", "2026-06") == done.stale  # both read April
        again = restate(ledger, plan, done.stale, months.__getitem__)
        assert [("2026-05", 2), ("2026-06", 2)] == [(p.period, p.revision) for p in again]
        deltas = ledger.events("chain", "delta")
        # Each revision records, per employee, its change from the revision paid before it.
        assert [("2026-04", "a", 2, 1, {"pay": "5.00"}), ("2026-05", "a", 2, 1, {"pay": "5.00"})] + [
            ("2026-06", "a", 2, 1, {"pay": "10.00"})
        ] == [(d["period"], d["employee"], d["revision"], d["from"], d["payouts"]) for d in deltas]
        # July pays the 20 still owed, through the input the scheme declares; the deltas are then settled.
        rows, settles = with_trueup(ledger, plan, _rows(0), "2026-07")
        assert "20.00" == rows[0]["trueup_pay"] and "0" == rows[1]["trueup_pay"] and 3 == len(settles)
        july = pr.score(plan, rows, period="2026-07", history=ledger)
        assert "90.00" == str(july.by_employee()["a"].payouts["pay"])  # 0 + 30 + 2 × 20, and the true-up of 20
        ledger.publish(july, plan.scheme, settles=settles)
        assert [] == ledger.outstanding("chain", "2026-08")
        assert 3 == len(ledger.outstanding("chain", "2026-07"))  # scoring July again carries the same ones
        assert [] == ledger.verify()[0]


def test_a_clawback_is_negative_and_refused_rather_than_dropped(plan, tmp_path):
    with pr.Ledger(tmp_path / "l.db") as ledger:
        _publish(ledger, plan, "2026-04", _rows(10, extra=[{"employee_id": "c", "x": "7"}]))
        _publish(ledger, plan, "2026-04", _rows(4), revise=True)  # a down 6, c removed: owes 7 back
        assert {"a": {"pay": "-6.00"}, "c": {"pay": "-7.00"}} == {
            d["employee"]: d["payouts"] for d in ledger.outstanding("chain", "2026-05")
        }
        with pytest.raises(pr.InputError) as err:
            with_trueup(ledger, plan, _rows(1), "2026-05")  # c is not in May's population
        assert ["trueup-unpaid"] == [i.code for i in err.value.issues]
        bare = pr.compile_scheme(pr.scheme_from_text(SCHEME.replace("trueup_pay", "other_pay")).scheme)
        with pytest.raises(pr.InputError) as undeclared:
            with_trueup(ledger, bare, _rows(1, extra=[{"employee_id": "c", "x": "0"}]), "2026-05")
        assert "trueup-undeclared" in [i.code for i in undeclared.value.issues]


def test_a_ledger_of_format_2_is_read_and_upgraded_on_write(plan, tmp_path):
    path = tmp_path / "old.db"
    with pr.Ledger(path) as ledger:
        _publish(ledger, plan, "2026-04", _rows(10))
    with sqlite3.connect(path) as raw:  # what format 2 was: the same tables without events
        raw.execute("DROP TABLE events")
        raw.execute("UPDATE meta SET value = '2' WHERE key = 'format'")
    with pr.Ledger(path, readonly=True) as ledger:
        assert ([], 1) == ledger.verify()[:2]
        assert "10.00" == ledger.load("2026-04")["a"]["payouts"]["pay"]
        assert [] == ledger.events("chain", "delta")
    with pr.Ledger(path) as ledger:
        _publish(ledger, plan, "2026-04", _rows(12), revise=True)
        assert ([], 2) == ledger.verify()[:2]
        assert 1 == len(ledger.events("chain", "delta"))
    with sqlite3.connect(path) as raw:
        assert ("3",) == raw.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()


def test_a_true_up_is_paid_once_even_when_its_period_is_revised_or_restated(plan, tmp_path):
    months = {"2026-04": _rows(10), "2026-05": _rows(20)}
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for label, rows in months.items():
            _publish(ledger, plan, label, rows)
        _publish(ledger, plan, "2026-04", _rows(13), revise=True)  # +3 in April; May is stale
        months["2026-04"] = _rows(13)
        # May pays April's +3 as a true-up (May itself is not restated yet: scored again below).
        rows, settles = with_trueup(ledger, plan, _rows(20), "2026-05")
        assert "3.00" == rows[0]["trueup_pay"]
        may = pr.score(plan, rows, period="2026-05", history=ledger)
        ledger.publish(may, plan.scheme, revise=True, settles=settles)
        # May's revision changed pay by 3 (its prior(x, 1) read 13) and by the 3 of the true-up: only the first
        # is a new delta; the true-up is not paid again.
        may_deltas = [d["payouts"] for d in ledger.events("chain", "delta") if d["period"] == "2026-05"]
        assert [{"pay": "3.00"}] == may_deltas
        # Revising April again: its new delta waits for a later period; restating May carries the same true-up.
        months["2026-04"] = _rows(14)
        done = _publish(ledger, plan, "2026-04", months["2026-04"], revise=True)
        restate(ledger, plan, done.stale, lambda label: _rows(20) if label == "2026-05" else months[label])
        assert "3.00" == ledger.load("2026-05")["a"]["inputs"]["trueup_pay"]
        owed = {(d["period"], d["revision"]): d["payouts"] for d in ledger.outstanding("chain", "2026-06")}
        assert {("2026-05", 2): {"pay": "3.00"}, ("2026-04", 3): {"pay": "1.00"}, ("2026-05", 3): {"pay": "1.00"}} == (
            owed
        )
        assert [] == ledger.verify()[0]


def test_a_true_up_that_could_be_cut_is_refused(tmp_path):
    capped = pr.compile_scheme(pr.scheme_from_text(SCHEME.replace('prior(x, 2)"}', 'prior(x, 2)", cap: 50}')).scheme)
    with pr.Ledger(tmp_path / "l.db") as ledger:
        _publish(ledger, capped, "2026-04", _rows(10))
        _publish(ledger, capped, "2026-04", _rows(12), revise=True)
        with pytest.raises(pr.InputError, match="would not be paid whole") as err:
            with_trueup(ledger, capped, _rows(1), "2026-05")
        assert ["trueup-undeclared"] == [i.code for i in err.value.issues]


def test_score_trueup_on_the_command_line(tmp_path, capsys):
    from perfrules._cli import main

    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(SCHEME, encoding="utf-8")
    for name, x in (("2026-04", 10), ("2026-04b", 12), ("2026-05", 20)):
        (tmp_path / f"{name}.csv").write_text(f"employee_id,x\na,{x}\nb,1\n", encoding="utf-8")
    db = str(tmp_path / "l.db")
    score = ["score", str(scheme), "--ledger", db]
    assert 0 == main([*score, str(tmp_path / "2026-04.csv"), "--period", "2026-04"])
    assert 0 == main([*score, str(tmp_path / "2026-04b.csv"), "--period", "2026-04", "--revise"])
    capsys.readouterr()
    assert 0 == main(["ledger", "deltas", db, str(scheme)])
    assert "a 2026-04 revision 1 → 2: pay 2.00" in capsys.readouterr().out
    assert 0 == main([*score, str(tmp_path / "2026-05.csv"), "--period", "2026-05", "--trueup", "--json"])
    may = {r["employee"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    assert ("34.00", "2.00") == (may["a"]["payouts"]["pay"], may["a"]["bonuses"]["trueup"])  # 20 + 12 + the 2 owed
    assert 0 == main(["ledger", "deltas", db, str(scheme), "--json"])
    assert [] == json.loads(capsys.readouterr().out)


def test_a_revision_that_would_drop_the_true_up_its_period_paid_is_refused(plan, tmp_path):
    with pr.Ledger(tmp_path / "l.db") as ledger:
        _publish(ledger, plan, "2026-04", _rows(10))
        _publish(ledger, plan, "2026-05", _rows(20))
        _publish(ledger, plan, "2026-04", _rows(13), revise=True)  # +3 in April, paid in June
        rows, settles = with_trueup(ledger, plan, _rows(30), "2026-06")
        june = pr.score(plan, rows, period="2026-06", history=ledger)
        ledger.publish(june, plan.scheme, settles=settles)
        # June scored again without its true-up: the 3.00 would be recorded as paid and never paid.
        with pytest.raises(pr.LedgerError) as err:
            _publish(ledger, plan, "2026-06", _rows(31), revise=True)
        assert ["trueup-dropped"] == [i.code for i in err.value.issues]
        assert "3.00" == ledger.load("2026-06")["a"]["inputs"]["trueup_pay"]
        rows, again = with_trueup(ledger, plan, _rows(31), "2026-06")  # with it, the revision is recorded
        assert again == settles and "3.00" == rows[0]["trueup_pay"]
        ledger.publish(pr.score(plan, rows, period="2026-06", history=ledger), plan.scheme, revise=True, settles=again)
        assert "31" == ledger.load("2026-06")["a"]["inputs"]["x"]
