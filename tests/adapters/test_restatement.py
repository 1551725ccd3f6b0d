"""Revising a period: inputs are part of the record, and later periods that read it are listed as stale."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


ANY_ORDER = """name: t
history: {missing: absent}
metrics: {x: number}
flags:
  high: {when: "x > 10", reason: high}
payouts:
  last: {formula: "prior(x, 1)"}
  two_back: {formula: "prior(x, 2)"}
  runs: {formula: "streak(high)"}
"""
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]


def _score_into(plan, ledger, month, values, revise=False):
    rows = [{"employee_id": e, "x": str(v)} for e, v in values[month].items()]
    return ledger.publish(pr.score(plan, rows, period=month, history=ledger), plan.scheme, revise=revise)


@settings(max_examples=25, deadline=None)
@given(
    st.permutations(MONTHS).flatmap(
        lambda order: st.tuples(
            st.integers(1, len(MONTHS)).map(lambda k: order[:k]),
            st.fixed_dictionaries(
                {m: st.fixed_dictionaries({"a": st.integers(0, 20), "b": st.integers(0, 20)}) for m in MONTHS}
            ),
        )
    )
)
def test_any_order_then_restating_equals_calendar_order(tmp_path_factory, case):
    """Scoring months in any order, then restating what is reported stale, gives calendar order's results."""
    order, values = case
    plan = pr.compile_scheme(pr.scheme_from_text(ANY_ORDER).scheme)
    folder = tmp_path_factory.mktemp("order")
    with pr.Ledger(folder / "calendar.db") as ledger:
        for month in sorted(order):
            _score_into(plan, ledger, month, values)
        expected = {m: ledger.load(m) for m in order}
    with pr.Ledger(folder / "any.db") as ledger:
        stale: set[str] = set()
        for month in order:
            stale |= set(_score_into(plan, ledger, month, values).stale)
        while stale:  # restate the earliest stale period; it may make later ones stale in turn
            month = min(stale)
            stale.discard(month)
            stale |= set(_score_into(plan, ledger, month, values, revise=True).stale)
        assert expected == {m: ledger.load(m) for m in order}


def test_one_command_restates_a_chain_of_three_months(tmp_path, capsys):
    """Revising April with --restate scores May then June again from their files, as new revisions."""
    scheme, months, path = tmp_path / "s.yaml", tmp_path / "months", tmp_path / "l.db"
    scheme.write_text(SCHEME, encoding="utf-8")
    months.mkdir()
    for label, x in (("2026-04", 10), ("2026-05", 20), ("2026-06", 30)):
        (months / f"{label}.csv").write_text(f"employee_id,x,note\na,{x},0\n", encoding="utf-8")
        argv = ["score", str(scheme), str(months / f"{label}.csv"), "--period", label, "--ledger", str(path)]
        assert 0 == main(argv)
    (months / "2026-04.csv").write_text("employee_id,x,note\na,15,0\n", encoding="utf-8")
    argv = ["score", str(scheme), str(months / "2026-04.csv"), "--period", "2026-04", "--ledger", str(path)]
    assert 0 == main([*argv, "--revise", "--restate", str(months)])
    err = capsys.readouterr().err
    # May read April: revised.  June read May, so it is scored again too, and its pay (30 + May's x) is unchanged.
    assert "restated 2026-05 revision 2 revised" in err and "restated 2026-06 revision 1 unchanged" in err
    with pr.Ledger(path, readonly=True) as ledger:
        pays = [ledger.load(m)["a"]["payouts"]["pay"] for m in ("2026-04", "2026-05", "2026-06")]
        assert (["15.00", "35.00", "50.00"], [1, 2], [1]) == (
            pays,
            ledger.revisions("2026-05"),
            ledger.revisions("2026-06"),
        )


def test_restating_without_the_data_names_what_is_still_stale(plan, tmp_path):
    from perfrules._adapters import restate

    with pr.Ledger(tmp_path / "l.db") as ledger:
        publish(plan, ledger, "2026-04", 10)
        publish(plan, ledger, "2026-05", 20)
        done = publish(plan, ledger, "2026-04", 11, revise=True)

        def rows_of(label):
            raise pr.InputError([pr.Issue("restate-no-data", f"no data for {label}")])

        with pytest.raises(pr.InputError) as err:
            restate(ledger, plan, done.stale, rows_of)
    assert ["restate-no-data", "restate-incomplete"] == [i.code for i in err.value.issues]
    assert "2026-05" in err.value.issues[1].message
