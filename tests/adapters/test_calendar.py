"""Calendar periods with the ledger: one interval per label, no aliases, roll-ups over exactly the months inside."""

import json
from decimal import Decimal as D

import pytest

import perfrules as pr
from perfrules._adapters import roll_up
from perfrules._cli import main

MONTHLY = """name: pay
metrics: {x: number}
payouts:
  pay: {formula: "x"}
"""


def plan_of(text):
    return pr.compile_scheme(pr.scheme_from_text(text).scheme)


def publish(plan, ledger, period, x, **kw):
    results = pr.score(plan, [{"employee_id": "a", "x": str(x)}], period=period, **kw)
    return ledger.publish(results, plan.scheme)


def test_an_aliased_period_cannot_be_published_beside_a_published_one(tmp_path):
    """2026-04-01..2026-04-30 after 2026-04 is April again: re-scoring it is refused, not recorded twice."""
    plan = plan_of(MONTHLY)
    with pr.Ledger(tmp_path / "l.db") as ledger:
        publish(plan, ledger, "2026-04", 100)
        with pytest.raises(pr.LedgerError) as err:
            publish(plan, ledger, "2026-04-01..2026-04-30", 200)
        assert "period-published" == err.value.issues[0].code
        assert [1] == ledger.revisions("2026-04")


def test_an_overlapping_period_is_refused(tmp_path):
    plan = plan_of(MONTHLY)
    with pr.Ledger(tmp_path / "l.db") as ledger:
        publish(plan, ledger, "2026-04", 100)
        with pytest.raises(pr.LedgerError) as err:
            publish(plan, ledger, "2026-04-15..2026-05-14", 200, any_period=True)
        assert "period-overlap" == err.value.issues[0].code
        assert "2026-04" in err.value.issues[0].message
        quarterly = plan_of(MONTHLY + "period: quarter\n")  # same scheme name, new version: same lineage
        with pytest.raises(pr.LedgerError, match="overlaps period 2026-04"):
            publish(quarterly, ledger, "2026-Q2", 300)
        other = plan_of(MONTHLY.replace("name: pay", "name: other"))
        assert "published" == publish(other, ledger, "2026-04-15..2026-05-14", 5, any_period=True).status


def test_a_period_of_another_kind_is_refused_unless_asked_for():
    plan = plan_of(MONTHLY)
    rows = [{"employee_id": "a", "x": "1"}]
    for period in ("2026-Q2", "2026-04-03..2026-04-09"):
        with pytest.raises(pr.InputError) as err:
            pr.score(plan, rows, period=period)
        assert ["period-kind"] == [i.code for i in err.value.issues]
    assert "2026-Q2" == pr.score(plan, rows, period="2026-Q2", any_period=True).period.label
    with pytest.raises(pr.InputError) as err:
        pr.score(plan, rows, period="2026-02-30..2026-03-01")
    assert ["bad-period"] == [i.code for i in err.value.issues]


def test_a_26th_start_quarter_rolls_up_the_month_that_starts_on_26_march(tmp_path):
    """Three 26th-to-25th months of 3,100 each roll up to 9,300 (the March-start month included)."""
    plan = plan_of(MONTHLY + "calendar: {month_starts: 26}\n")
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for period in ("2026-03-26..2026-04-25", "2026-04-26..2026-05-25", "2026-06"):
            publish(plan, ledger, period, 3100)
        data = roll_up(ledger, plan.scheme, "2026-Q2")
    assert ["2026-04", "2026-05", "2026-06"] == data["from"]
    assert (D("9300.00"), 3) == (D(data["results"][0]["payouts"]["pay"]), data["results"][0]["periods"])


def test_a_rollup_with_a_month_missing_is_refused_unless_partial(tmp_path, capsys):
    plan = plan_of(MONTHLY)
    path = tmp_path / "l.db"
    with pr.Ledger(path) as ledger:
        publish(plan, ledger, "2026-04", 100)
        publish(plan, ledger, "2026-06", 100)
        with pytest.raises(pr.LedgerError) as err:
            roll_up(ledger, plan.scheme, "2026-Q2")
        assert "rollup-incomplete" == err.value.issues[0].code and "2026-05" in err.value.issues[0].message
        assert ["2026-05"] == roll_up(ledger, plan.scheme, "2026-Q2", partial=True)["missing"]
    scheme = tmp_path / "s.yaml"
    scheme.write_text(MONTHLY, encoding="utf-8")
    out = tmp_path / "q.json"
    argv = ["rollup", str(scheme), "--ledger", str(path), "--period", "2026-Q2", "--out", str(out)]
    assert 1 == main(argv)
    assert "rollup-incomplete" in capsys.readouterr().err
    assert 0 == main([*argv, "--partial"])
    assert ["2026-04", "2026-06"] == json.loads(out.read_text(encoding="utf-8"))["from"]


def test_a_recorded_period_straddling_the_rollup_is_refused(tmp_path):
    plan = plan_of(MONTHLY)
    with pr.Ledger(tmp_path / "l.db") as ledger:
        publish(plan, ledger, "2026-06-15..2026-07-14", 100, any_period=True)
        with pytest.raises(pr.LedgerError) as err:
            roll_up(ledger, plan.scheme, "2026-Q2")
    assert "rollup-straddles" == err.value.issues[0].code


def test_the_cli_refuses_a_quarter_for_a_monthly_scheme(tmp_path, capsys):
    scheme, data = tmp_path / "s.yaml", tmp_path / "d.csv"
    scheme.write_text(MONTHLY, encoding="utf-8")
    data.write_text("employee_id,x\na,1\n", encoding="utf-8")
    argv = ["score", str(scheme), str(data), "--period", "2026-Q2"]
    assert 1 == main(argv)
    assert "period-kind" in capsys.readouterr().err
    assert 0 == main([*argv, "--any-period"])
