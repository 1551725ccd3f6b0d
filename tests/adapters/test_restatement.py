"""Revising a period: inputs are part of the record, and later periods that read it are listed as stale."""

import pytest

import perfrules as pr
from perfrules._cli import main

SCHEME = """name: t
metrics: {x: number, note: number}
payouts:
  pay: {formula: "x + prior(x, 1)"}
"""


@pytest.fixture
def plan():
    return pr.compile_scheme(pr.scheme_from_text(SCHEME).scheme)


def publish(plan, ledger, period, x, note=0, revise=False):
    results = pr.score(plan, [{"employee_id": "a", "x": str(x), "note": str(note)}], period=period, history=ledger)
    return ledger.publish(results, plan.scheme, revise=revise)


def test_a_changed_input_that_no_output_shows_is_a_change(plan, tmp_path):
    with pr.Ledger(tmp_path / "l.db") as ledger:
        publish(plan, ledger, "2026-04", 10, note=1)
        with pytest.raises(pr.LedgerError, match=r"a inputs.note: 1 → 2"):
            publish(plan, ledger, "2026-04", 10, note=2)
        done = publish(plan, ledger, "2026-04", 10, note=2, revise=True)
        assert ("revised", [("a", "inputs.note", "1", "2")]) == (
            done.status,
            [(c.employee, c.field, c.old, c.new) for c in done.changes],
        )
        assert "2" == ledger.load("2026-04")["a"]["inputs"]["note"]


def test_revising_a_period_lists_the_later_periods_that_read_it(plan, tmp_path, capsys):
    path = tmp_path / "l.db"
    with pr.Ledger(path) as ledger:
        publish(plan, ledger, "2026-04", 10)
        publish(plan, ledger, "2026-05", 20)
        publish(plan, ledger, "2026-06", 30)
        done = publish(plan, ledger, "2026-04", 11, revise=True)
    assert ("revised", ("2026-05",)) == (done.status, done.stale)  # June read May, not April
    scheme, data = tmp_path / "s.yaml", tmp_path / "d.csv"
    scheme.write_text(SCHEME, encoding="utf-8")
    data.write_text("employee_id,x,note\na,21,0\n", encoding="utf-8")
    argv = ["score", str(scheme), str(data), "--period", "2026-05", "--ledger", str(path), "--revise"]
    assert 0 == main(argv)
    assert "stale (they read 2026-05; score them again): 2026-06" in capsys.readouterr().err
